from django.urls import path

from upkeep.views import feedback, monthly, owners, queue, reports

app_name = "upkeep"

urlpatterns = [
    path("", queue.queue, name="queue"),
    path("reports/new/", reports.report_new, name="report_new"),
    path("reports/mine/", reports.mine, name="mine"),
    path("reports/<int:pk>/", reports.report, name="report"),
    path("reports/<int:pk>/close/", reports.close, name="close"),
    path("reports/<int:pk>/fix/", reports.start_fix, name="start_fix"),
    path("reports/<int:pk>/complex/", reports.complex_case, name="complex"),
    path("procedures/<int:pk>/confirm/", queue.confirm, name="confirm"),
    path("procedures/<slug:slug>/feedback/", queue.feedback_list, name="feedback_list"),
    path("feedback/<slug:slug>/", feedback.feedback, name="feedback"),
    path("owners/", owners.owners, name="owners"),
    path("owners/<slug:slug>/", owners.category_owners, name="category_owners"),
    path("monthly/", monthly.monthly, name="monthly"),
    path("monthly.csv", monthly.monthly_csv, name="monthly_csv"),
]
