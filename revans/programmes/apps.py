from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "revans.programmes"
    verbose_name = "Programmes and sets"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
