"""Fetch programmes, sets and people for the person asking, inside their organisation.

Programmes and the participant pool are for admins and sponsors (403 for other members).
A set is for admins, sponsors, its current facilitators and its current members; to anyone else
in the organisation it does not exist (404), because what happens in a set stays in the set.
`reader_of` works out someone's periods in a set, as moments, for the confidentiality table.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from operator import attrgetter
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from revans.accounts.access import OrgRequest, require_role
from revans.accounts.models import Membership, Role
from revans.domain.confidentiality import Period, Reader

from .models import (
    LearningSet,
    Participant,
    ParticipantImport,
    Programme,
    SetFacilitator,
    SetMembership,
)

PROGRAMME_MANAGERS = (Role.ADMIN, Role.SPONSOR)


@dataclass(frozen=True)
class SetAccess:
    learning_set: LearningSet
    can_manage: bool  # admin, sponsor or a current facilitator of the set
    me: Participant | None  # the asker, when they are a current member
    facilitating: bool = False  # the asker is a current facilitator of the set


def in_organisation[M: Model](
    request: OrgRequest, rows: QuerySet[M], pk: int, programme: str = ""
) -> M:
    """The row `pk` of the asker's organisation, found through its `programme` (a path of
    foreign keys, "" for a programme itself), or 404. The programme's organisation is the one
    the request already holds, not joined again."""
    path = f"{programme}__" if programme else ""
    if programme:
        rows = rows.select_related(programme)
    try:
        found = rows.get(pk=pk, **{f"{path}organisation_id": request.organisation.pk})
    except ObjectDoesNotExist:
        raise Http404 from None
    owner: Any = attrgetter(programme.replace("__", "."))(found) if programme else found
    owner.organisation = request.organisation
    return found


def get_programme(
    request: OrgRequest, programme_id: int, roles: tuple[Role, ...] = PROGRAMME_MANAGERS
) -> Programme:
    require_role(request.membership, *roles)
    return in_organisation(request, Programme.objects.all(), programme_id)


def get_set(request: OrgRequest, set_id: int, *, manage: bool = False) -> SetAccess:
    learning_set = in_organisation(request, LearningSet.objects.all(), set_id, "programme")
    return set_access(request, learning_set, manage=manage)


def set_access(
    request: OrgRequest, learning_set: LearningSet, *, manage: bool = False
) -> SetAccess:
    """`get_set`'s decision for a set already read from the asker's organisation (a meeting's)."""
    membership = request.membership
    facilitating = (
        membership.is_facilitator
        and learning_set.facilitations.current().filter(user=request.user).exists()
    )
    can_manage = membership.has_role(*PROGRAMME_MANAGERS) or facilitating
    me = None
    if membership.is_participant:
        current = (
            learning_set.memberships.current()
            .filter(participant__user=request.user)
            .select_related("participant")
        )
        me = next((m.participant for m in current), None)
    if not can_manage and me is None:
        raise Http404
    if manage and not can_manage:
        raise PermissionDenied(_("Only the set's facilitators, admins and sponsors may change it."))
    return SetAccess(
        learning_set=learning_set, can_manage=can_manage, me=me, facilitating=facilitating
    )


def start_of(day: date, zone: ZoneInfo) -> datetime:
    """The first moment of a day where the organisation is: a period recorded by the day
    counts from the start of the day it began to the start of the day it ended, so the day
    someone leaves is not a day in the set (what is written later that day is not theirs)."""
    return datetime.combine(day, time.min, zone)


def period_of(since: date, until: date | None, zone: ZoneInfo) -> Period:
    return (start_of(since, zone), start_of(until, zone) if until else None)


def reader_of(
    membership: Membership, learning_set: LearningSet
) -> tuple[Reader, Participant | None, frozenset[int]]:
    """Someone's periods in a set, as moments. A facilitator reads as one only while they hold
    the facilitator role: once an admin takes it away, their periods as facilitator give them
    nothing, whatever the set's records still say."""
    zone = ZoneInfo(membership.organisation.time_zone)
    memberships = list(
        SetMembership.objects.filter(
            learning_set=learning_set, participant__user_id=membership.user_id
        )
        .select_related("participant")
        .order_by("joined_on")
    )
    facilitations = (
        SetFacilitator.objects.filter(learning_set=learning_set, user_id=membership.user_id)
        if membership.has_role(Role.FACILITATOR)
        else []  # not `none()`: even an empty query is compiled before it is found empty
    )
    me = next((m.participant for m in memberships if m.left_on is None), None)
    reader = Reader(
        as_member=[period_of(m.joined_on, m.left_on, zone) for m in memberships],
        as_facilitator=[period_of(f.since, f.until, zone) for f in facilitations],
    )
    return reader, me, frozenset(m.participant_id for m in memberships)


def get_managed_set(request: OrgRequest, set_id: int) -> SetAccess:
    """A set for those who may change it (its facilitators, admins and sponsors; others: 403)."""
    return get_set(request, set_id, manage=True)


def get_set_membership(
    request: OrgRequest, set_membership_id: int, access: SetAccess
) -> SetMembership:
    try:
        return access.learning_set.memberships.select_related("participant").get(
            pk=set_membership_id
        )
    except SetMembership.DoesNotExist:
        raise Http404 from None


def get_facilitation(
    request: OrgRequest, facilitation_id: int, access: SetAccess
) -> SetFacilitator:
    try:
        return access.learning_set.facilitations.select_related("user").get(pk=facilitation_id)
    except SetFacilitator.DoesNotExist:
        raise Http404 from None


def get_import(request: OrgRequest, import_id: int) -> ParticipantImport:
    require_role(request.membership, *PROGRAMME_MANAGERS)
    try:
        return ParticipantImport.objects.get(
            pk=import_id, organisation=request.organisation, applied_at=None
        )
    except ParticipantImport.DoesNotExist:
        raise Http404 from None
