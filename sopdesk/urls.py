from typing import Any

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView

from procedures.views import editing


# Without a mail server nobody can be sent a reset link: the reset pages say whom to ask.
class NoMail(TemplateView):
    template_name = "registration/password_reset_unavailable.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.get(request, *args, **kwargs)


# Browsers ask for /favicon.ico whatever the page links: they get the icon the pages link.
class Favicon(RedirectView):
    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str:
        return static_url("favicon.svg")


NO_MAIL = NoMail.as_view()
handler500 = "sopdesk.errors.error_page"
PASSWORD_RESET = (
    []
    if settings.EMAIL_CONFIGURED
    else [
        path("accounts/password_reset/", NO_MAIL, name="password_reset"),
        path("accounts/password_reset/done/", NO_MAIL, name="password_reset_done"),
        path("accounts/reset/<uidb64>/<token>/", NO_MAIL, name="password_reset_confirm"),
        path("accounts/reset/done/", NO_MAIL, name="password_reset_complete"),
    ]
)

urlpatterns = [
    path("favicon.ico", Favicon.as_view()),
    path("admin/", admin.site.urls),
    *PASSWORD_RESET,
    path("accounts/", include("django.contrib.auth.urls")),
    # markdownx's own views are open to anyone and do not sanitise: ours replace them,
    # at the paths its editor script calls.
    path("markdownx/markdownify/", editing.markdown_preview, name="markdownx_markdownify"),
    path("markdownx/upload/", editing.image_upload, name="markdownx_upload"),
    path("", include("hall.urls")),
    path("", include("search.urls")),
    path("", include("handouts.urls")),
    path("training/", include("training.urls")),
    path("practice/", include("practice.urls")),
    path("upkeep/", include("upkeep.urls")),
    path("edit/import-word/", include("word_import.urls")),
    path("forms/", include("blank_forms.urls")),
    path("", include("procedures.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
