"""Link pool entries to accounts when people join an organisation or sign in."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from revans.accounts.signals import facilitator_role_ended, membership_joined

from .services import facilitations_end, participants_link


@receiver(membership_joined)
def link_on_join(sender: Any, user: Any, **kwargs: Any) -> None:
    participants_link(user=user)


@receiver(user_logged_in)
def link_on_sign_in(sender: Any, user: Any, **kwargs: Any) -> None:
    participants_link(user=user)


@receiver(facilitator_role_ended)
def end_facilitations(sender: Any, membership: Any, **kwargs: Any) -> None:
    facilitations_end(membership=membership)
