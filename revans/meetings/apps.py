from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "revans.meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        from revans.accounts import outbox

        from . import notices

        outbox.register(notices.SENDER)
