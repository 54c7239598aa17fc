from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "revans.api"
    verbose_name = "The REST API and webhooks"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
