from django.urls import path

from handouts import views

app_name = "handouts"

urlpatterns = [
    path("procedures/<slug:slug>/handout.pdf", views.current_handout, name="current"),
    path(
        "procedures/<slug:slug>/versions/<int:number>/handout.pdf",
        views.version_handout,
        name="version",
    ),
]
