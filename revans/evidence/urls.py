from django.urls import path

from . import views

app_name = "evidence"

P = "o/<slug:org>/programmes/<int:programme_id>/"
R = "o/<slug:org>/reports/<uuid:report_id>/"

urlpatterns = [
    path("o/<slug:org>/surveys/<int:survey_id>/", views.survey, name="survey"),
    path(P + "surveys/", views.survey_plan, name="survey_plan"),
    path(P + "outcomes/", views.outcomes, name="outcomes"),
    path(P + "outcomes/add/", views.outcome_add, name="outcome_add"),
    path(P + "outcomes/<int:outcome_id>/remove/", views.outcome_remove, name="outcome_remove"),
    path(P + "outcomes/baseline/", views.baseline_save, name="baseline_save"),
    path(P + "dashboard/", views.dashboard_page, name="dashboard"),
    path(P + "dashboard/<slug:name>.svg", views.chart, name="chart"),
    path(P + "dashboard.csv", views.dashboard_csv, name="dashboard_csv"),
    path(P + "report/", views.board_report_new, name="board_report_new"),
    path(R, views.board_report, name="board_report"),
    path(R + "download/", views.board_report_download, name="board_report_download"),
]
