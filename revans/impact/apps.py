from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "revans.impact"
    verbose_name = "Impact: costs, claims and the return"

    def ready(self) -> None:
        from revans.accounts import outbox

        from . import notices

        outbox.register(notices.SENDER)
