from django.urls import path

from . import views

app_name = "learning"

S = "o/<slug:org>/sets/<int:set_id>/"
ORG = "o/<slug:org>/"

urlpatterns = [
    path(S + "cycle/", views.set_cycle, name="set_cycle"),
    path(S + "cycle/challenges/new/", views.challenge_new, name="challenge_new"),
    path(S + "log/", views.learning_log, name="log"),
    path(S + "log/write/", views.log_write, name="log_write"),
    path(ORG + "challenges/<int:challenge_id>/", views.challenge, name="challenge"),
    path(ORG + "challenges/<int:challenge_id>/edit/", views.challenge_edit, name="challenge_edit"),
    path(ORG + "challenges/<int:challenge_id>/actions/", views.action_new, name="action_new"),
    path(ORG + "actions/<int:action_id>/", views.action, name="action"),
    path(ORG + "actions/<int:action_id>/progress/", views.action_progress, name="action_progress"),
    path(ORG + "actions/<int:action_id>/report-back/", views.report_back, name="report_back"),
    path(
        ORG + "reflections/<int:reflection_id>/share/",
        views.reflection_share,
        name="reflection_share",
    ),
    path(ORG + "meetings/<int:meeting_id>/record/", views.meeting_record, name="meeting_record"),
    path(
        ORG + "meetings/<int:meeting_id>/record/save/",
        views.meeting_record_save,
        name="meeting_record_save",
    ),
    path(
        ORG + "meetings/<int:meeting_id>/process-notes/", views.process_notes, name="process_notes"
    ),
]
