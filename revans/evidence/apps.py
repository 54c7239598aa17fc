from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "revans.evidence"
    verbose_name = "Evidence: surveys, outcomes, the dashboard and the board's report"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from revans.accounts import outbox

        from . import dashboard, surveys

        outbox.register(surveys.SENDER)
        for model in dashboard.DRAWN_FROM:
            post_save.connect(
                dashboard.drawn_from_changed, sender=model, dispatch_uid=f"figures-{model.__name__}"
            )
            post_delete.connect(
                dashboard.drawn_from_changed,
                sender=model,
                dispatch_uid=f"figures-del-{model.__name__}",
            )
