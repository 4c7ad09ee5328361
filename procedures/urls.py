from django.urls import path

from procedures.views import handouts

app_name = "procedures"

urlpatterns = [
    path("procedures/<slug:slug>/handout.pdf", handouts.current_handout, name="handout"),
    path(
        "procedures/<slug:slug>/versions/<int:number>/handout.pdf",
        handouts.version_handout,
        name="version_handout",
    ),
]
