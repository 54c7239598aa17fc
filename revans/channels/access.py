"""Who may connect a chat channel: the organisation's admins, for a programme or any of its sets;
a set's current facilitators, for their own set. Sponsors, members and other facilitators do not
(docs/decisions.md says why). Outsiders, and members for whom the set does not exist, get the
404 of `programmes.access`."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from revans.accounts.access import OrgRequest
from revans.accounts.models import Membership, Role
from revans.programmes.access import get_programme, get_set
from revans.programmes.models import LearningSet, Programme

from .models import Channel


@dataclass(frozen=True)
class Scope:
    """What a channel tells about: a programme (every set's meetings), or one of its sets."""

    programme: Programme
    learning_set: LearningSet | None = None

    @property
    def name(self) -> str:
        return self.learning_set.name if self.learning_set else self.programme.name

    def channel(self) -> Channel | None:
        return Channel.objects.filter(
            programme=self.programme, learning_set=self.learning_set
        ).first()

    def _url(self, page: str) -> str:
        org = self.programme.organisation.slug
        if self.learning_set is not None:
            name, ids = "set_channel", {"set_id": self.learning_set.pk}
        else:
            name, ids = "programme_channel", {"programme_id": self.programme.pk}
        return reverse(f"channels:{name}{page}", kwargs={"org": org, **ids})

    @property
    def page_url(self) -> str:
        return self._url("")

    @property
    def test_url(self) -> str:
        return self._url("_test")

    @property
    def disconnect_url(self) -> str:
        return self._url("_disconnect")


def scope_of(channel: Channel) -> Scope:
    return Scope(channel.programme, channel.learning_set)


def may_connect(membership: Membership, learning_set: LearningSet | None) -> bool:
    """An active admin; for a set, also its current facilitators (while they hold the role)."""
    if not membership.is_active:
        return False
    if membership.is_admin:
        return True
    return (
        learning_set is not None
        and membership.is_facilitator
        and learning_set.facilitations.current().filter(user_id=membership.user_id).exists()
    )


def get_set_scope(request: OrgRequest, set_id: int) -> Scope:
    access = get_set(request, set_id)
    if not may_connect(request.membership, access.learning_set):
        raise PermissionDenied(
            _("Only the organisation's admins and the set's facilitators connect its chat channel.")
        )
    return Scope(access.learning_set.programme, access.learning_set)


def get_programme_scope(request: OrgRequest, programme_id: int) -> Scope:
    return Scope(get_programme(request, programme_id, roles=(Role.ADMIN,)))
