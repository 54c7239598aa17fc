from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "revans.evidence"
    verbose_name = "Evidence: surveys, outcomes, the dashboard and the board's report"

    def ready(self) -> None:
        from revans.accounts import outbox

        from . import surveys

        outbox.register(surveys.SENDER)
