from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "revans.meetings"
    verbose_name = "Meetings"
