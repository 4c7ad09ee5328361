from django.urls import path

from blank_forms import views

app_name = "blank_forms"

urlpatterns = [
    path("<int:pk>/", views.download, name="download"),
    path("<int:pk>/take-down/", views.take_down, name="take_down"),
    path("kinds/<int:pk>/attach/", views.kind_attach, name="kind_attach"),
    path("procedures/<slug:slug>/", views.procedure_forms, name="procedure"),
]
