from django.urls import path

from practice import views

app_name = "practice"

urlpatterns = [
    path("", views.home, name="home"),
    path("answer/", views.answer, name="answer"),
    path("answers/<int:pk>/", views.result, name="result"),
    path("team/", views.team, name="team"),
    path("questions/", views.questions, name="questions"),
    path("questions/new/", views.question_new, name="question_new"),
    path("questions/<int:pk>/", views.question_edit, name="question_edit"),
    path("questions/<int:pk>/retire/", views.question_retire, name="question_retire"),
    path("questions/import/", views.question_import, name="question_import"),
    path("questions/export/", views.question_export, name="question_export"),
]
