from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("", views.home, name="home"),
    path("paths/<int:pk>/", views.path, name="path"),
    path("paths/<int:pk>/print/", views.path_print, name="path_print"),
    path("confirm/", views.confirm, name="confirm"),
    path("procedures/<slug:slug>/changes/", views.changes, name="changes"),
    path("changes/", views.change_inbox, name="inbox"),
    path("manage/", views.manage, name="manage"),
    path("paths/<int:pk>/assign/", views.assign, name="assign"),
    path("paths/<int:pk>/matrix/", views.matrix, name="matrix"),
    path("assignments/<int:pk>/delete/", views.unassign, name="unassign"),
]
