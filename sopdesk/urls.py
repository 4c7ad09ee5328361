from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from procedures.views import editing

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    # markdownx's own views are open to anyone and do not sanitise: ours replace them,
    # at the paths its editor script calls.
    path("markdownx/markdownify/", editing.markdown_preview, name="markdownx_markdownify"),
    path("markdownx/upload/", editing.image_upload, name="markdownx_upload"),
    path("", include("hall.urls")),
    path("", include("search.urls")),
    path("", include("handouts.urls")),
    path("", include("procedures.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
