from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "revans.impact"
    verbose_name = "Impact: costs, claims and the return"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from revans.accounts import outbox
        from revans.writes import kept_moved

        from . import notices, selectors

        outbox.register(notices.SENDER)
        for model in selectors.DRAWN_FROM:
            name = model.__name__
            post_save.connect(kept_moved, sender=model, dispatch_uid=f"figures-{name}")
            post_delete.connect(kept_moved, sender=model, dispatch_uid=f"figures-del-{name}")
