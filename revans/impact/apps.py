from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "revans.impact"
    verbose_name = "Impact: costs, claims and the return"

    def ready(self) -> None:
        from revans.accounts import outbox
        from revans.programmes.models import Programme
        from revans.writes import kept_drawn_from

        from . import notices, selectors

        outbox.register(notices.SENDER)
        kept_drawn_from(*selectors.DRAWN_FROM, within=Programme)
