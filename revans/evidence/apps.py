from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "revans.evidence"
    verbose_name = "Evidence: surveys, outcomes, the dashboard and the board's report"

    def ready(self) -> None:
        from revans.accounts import outbox
        from revans.programmes.models import Programme
        from revans.writes import kept_drawn_from

        from . import dashboard, surveys

        outbox.register(surveys.SENDER)
        # Beside the ROI's (impact's apps.ready).
        kept_drawn_from(*dashboard.DRAWN_FROM, within=Programme)
