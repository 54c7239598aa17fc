from django.urls import path

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
    path(C + "evidence/", views.claim_file, name="claim_file"),
]
