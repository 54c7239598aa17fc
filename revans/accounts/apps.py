from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "revans.accounts"
    verbose_name = "People and organisations"

    def ready(self) -> None:
        from django.utils import formats
        from django.utils.translation import gettext

        from revans.domain import text

        from . import receivers  # noqa: F401 (connects the audit trail's sign-in receivers)

        # The domain's words and days in the reader's language.
        text.install(gettext, lambda day: formats.date_format(day, "d F Y"))
