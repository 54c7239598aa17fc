from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "revans.evidence"
    verbose_name = "Evidence: surveys, outcomes, the dashboard and the board's report"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from revans.accounts import outbox
        from revans.writes import kept_moved

        from . import dashboard, surveys

        outbox.register(surveys.SENDER)
        for model in dashboard.DRAWN_FROM:  # beside the ROI's (impact's apps.ready)
            name = model.__name__
            post_save.connect(kept_moved, sender=model, dispatch_uid=f"figures-{name}")
            post_delete.connect(kept_moved, sender=model, dispatch_uid=f"figures-del-{name}")
