from django.urls import path

from . import views
from .live import views as live_views

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

L = ORG + "meetings/<int:meeting_id>/"
urlpatterns += [
    path(L + "console/", live_views.console, name="console"),
    path(L + "console/poll/", live_views.console_poll, name="console_poll"),
    path(L + "console/clock/", live_views.clock, name="live_clock"),
    path(L + "console/agenda/", live_views.agenda, name="live_agenda"),
    path(L + "console/presenters/", live_views.presenters, name="live_presenters"),
    path(L + "console/arrival/", live_views.arrival, name="live_arrival"),
    path(L + "console/questions/", live_views.question, name="live_question"),
    path(L + "console/actions/", live_views.action, name="live_action"),
    path(L + "console/review/", live_views.review, name="live_review"),
    path(L + "console/notes/", live_views.note, name="live_note"),
    path(L + "console/close/", live_views.close, name="live_close"),
    path(L + "console/reopen/", live_views.reopen, name="live_reopen"),
    path(L + "board/", live_views.board, name="board"),
    path(L + "board/poll/", live_views.board_poll, name="board_poll"),
    path(L + "board/bid/", live_views.bid, name="live_bid"),
    path(L + "board/bid/withdraw/", live_views.bid_withdraw, name="live_bid_withdraw"),
    path(L + "board/report-back/", live_views.report_back, name="live_report"),
    path(L + "board/chair/", live_views.chair, name="live_chair"),
    path(
        "o/<slug:org>/programmes/<int:programme_id>/agenda/",
        live_views.agenda_template,
        name="agenda_template",
    ),
]
