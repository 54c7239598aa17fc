from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "revans.accounts"
    verbose_name = "People and organisations"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_migrate
        from django.utils import formats
        from django.utils.translation import gettext

        from revans.domain import text
        from revans.writes import (
            kept_anew,
            kept_drawn_from,
            kept_request_finished,
            kept_request_started,
        )

        from . import receivers  # noqa: F401 (connects the audit trail's sign-in receivers)
        from .models import Invitation, Membership

        post_migrate.connect(kept_anew, sender=self, dispatch_uid="kept-anew")
        request_started.connect(kept_request_started, dispatch_uid="kept-request-started")
        request_finished.connect(kept_request_finished, dispatch_uid="kept-request-finished")
        # The admins' and sponsors' home counts members and invitations, and shows each their
        # roles' links: kept, it is read afresh after each of these writes.
        kept_drawn_from(Membership, Invitation)

        # The domain's words and days in the reader's language.
        text.install(gettext, lambda day: formats.date_format(day, "d F Y"))
