from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "revans.meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        from revans.accounts import outbox
        from revans.programmes.models import Programme
        from revans.writes import kept_drawn_from

        from . import notices
        from .models import Rsvp

        outbox.register(notices.SENDER)
        # The meeting page keeps each member's own answer (`selectors.my_answer`).
        kept_drawn_from(Rsvp, within=Programme)
