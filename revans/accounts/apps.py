from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "revans.accounts"
    verbose_name = "People and organisations"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 (connects the audit trail's sign-in receivers)
