from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "revans.identity"
    verbose_name = "Single sign-on and provisioning"

    def ready(self) -> None:
        from . import signals  # noqa: F401 (connects the receivers)
