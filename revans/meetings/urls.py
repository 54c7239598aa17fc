from django.urls import path

from . import views

app_name = "meetings"

S = "o/<slug:org>/sets/<int:set_id>/meetings/"
M = "o/<slug:org>/meetings/<int:meeting_id>/"

urlpatterns = [
    path(S, views.set_meetings, name="set_meetings"),
    path(S + "schedule/", views.schedule, name="schedule"),
    path(S + "add/", views.add, name="add"),
    path(M, views.meeting, name="meeting"),
    path(M + "edit/", views.edit, name="edit"),
    path(M + "cancel/", views.cancel, name="cancel"),
    path(M + "rsvp/", views.rsvp, name="rsvp"),
    path(M + "attendance/", views.attendance, name="attendance"),
    path(
        "o/<slug:org>/programmes/<int:programme_id>/calendar/",
        views.programme_calendar,
        name="programme_calendar",
    ),
    path("meetings/", views.mine, name="mine"),
    path("meetings/feed/", views.feed, name="feed"),
    path("calendar/<str:feed_token>.ics", views.feed_ics, name="feed_ics"),
    path("rsvp/<str:rsvp_token>/", views.rsvp_link, name="rsvp_link"),
]
