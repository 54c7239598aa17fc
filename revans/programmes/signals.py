"""Link pool entries to accounts when people join an organisation or sign in; and read the
sets' kept summaries afresh after any write they are drawn from."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from revans.accounts.models import Organisation, User
from revans.accounts.signals import facilitator_role_ended, membership_joined
from revans.writes import kept_drawn_from, kept_moved

from .models import Programme
from .selectors import DRAWN_FROM
from .services import facilitations_end, participants_link

kept_drawn_from(*DRAWN_FROM, Organisation, within=Programme)


@receiver(post_save, sender=User)
def account_saved(sender: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """A facilitator's name is in their sets' summaries; signing in saves only `last_login`,
    which no summary shows, and happens too often to read every summary afresh."""
    if update_fields is None or set(update_fields) != {"last_login"}:
        kept_moved()


@receiver(membership_joined)
def link_on_join(sender: Any, user: Any, **kwargs: Any) -> None:
    participants_link(user=user)


@receiver(user_logged_in)
def link_on_sign_in(sender: Any, user: Any, **kwargs: Any) -> None:
    participants_link(user=user)


@receiver(facilitator_role_ended)
def end_facilitations(sender: Any, membership: Any, **kwargs: Any) -> None:
    facilitations_end(membership=membership)
