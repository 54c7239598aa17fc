from django.urls import path

from . import evidence_views as evidence
from . import views

app_name = "impact"

P = "o/<slug:org>/programmes/<int:programme_id>/"
C = "o/<slug:org>/claims/<int:claim_id>/"

urlpatterns = [
    path(P + "costs/", views.costs, name="costs"),
    path(P + "costs/add/", views.cost_add, name="cost_add"),
    path(P + "costs/<int:cost_id>/remove/", views.cost_remove, name="cost_remove"),
    path(P + "rates/", views.rate_set, name="rate_set"),
    path(P + "rates/<int:rate_id>/remove/", views.rate_remove, name="rate_remove"),
    path(P + "roi/settings/", views.settings, name="settings"),
    path(P + "roi/", views.roi, name="roi"),
    path(P + "roi.csv", views.roi_csv, name="roi_csv"),
    path(P + "claims/", views.claims, name="claims"),
    path("o/<slug:org>/challenges/<int:challenge_id>/claims/", views.claim_new, name="claim_new"),
    path(C, views.claim, name="claim"),
    path(C + "edit/", views.claim_edit, name="claim_edit"),
    path(C + "decide/", views.claim_decide, name="claim_decide"),
    path(C + "evidence/", views.evidence, name="evidence"),
    path("o/<slug:org>/surveys/<int:survey_id>/", evidence.survey, name="survey"),
    path(P + "surveys/", evidence.survey_plan, name="survey_plan"),
    path(P + "outcomes/", evidence.outcomes, name="outcomes"),
    path(P + "outcomes/add/", evidence.outcome_add, name="outcome_add"),
    path(P + "outcomes/<int:outcome_id>/remove/", evidence.outcome_remove, name="outcome_remove"),
    path(P + "outcomes/baseline/", evidence.baseline_save, name="baseline_save"),
    path(P + "dashboard/", evidence.dashboard_page, name="dashboard"),
    path(P + "dashboard/<slug:name>.svg", evidence.chart, name="chart"),
    path(P + "dashboard.csv", evidence.dashboard_csv, name="dashboard_csv"),
    path(P + "report/", evidence.report_new, name="report_new"),
    path("o/<slug:org>/reports/<uuid:report_id>/", evidence.report, name="report"),
    path(
        "o/<slug:org>/reports/<uuid:report_id>/download/",
        evidence.report_download,
        name="report_download",
    ),
]
