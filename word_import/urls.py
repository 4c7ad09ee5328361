from django.urls import path

from word_import import views

app_name = "word_import"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.review, name="review"),
    path("<int:pk>/settle/", views.settle, name="settle"),
]
