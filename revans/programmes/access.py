"""Fetch programmes, sets and people for the person asking, inside their organisation.

Programmes and the participant pool are for admins and sponsors (403 for other members).
A set is for admins, sponsors, its current facilitators and its current members; to anyone else
in the organisation it does not exist (404), because what happens in a set stays in the set.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from revans.accounts.access import OrgRequest, org_view, require_role
from revans.accounts.models import Role

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


def get_programme(
    request: OrgRequest, programme_id: int, roles: tuple[Role, ...] = PROGRAMME_MANAGERS
) -> Programme:
    require_role(request.membership, *roles)
    try:
        return Programme.objects.get(pk=programme_id, organisation=request.organisation)
    except Programme.DoesNotExist:
        raise Http404 from None


def get_set(request: OrgRequest, set_id: int, *, manage: bool = False) -> SetAccess:
    try:
        learning_set = LearningSet.objects.select_related("programme").get(
            pk=set_id, programme__organisation=request.organisation
        )
    except LearningSet.DoesNotExist:
        raise Http404 from None
    membership = request.membership
    facilitating = (
        membership.is_facilitator
        and learning_set.facilitations.filter(user=request.user, until=None).exists()
    )
    can_manage = membership.has_role(*PROGRAMME_MANAGERS) or facilitating
    me = None
    if membership.is_participant:
        current = learning_set.memberships.filter(
            left_on=None, participant__user=request.user
        ).select_related("participant")
        me = next((m.participant for m in current), None)
    if not can_manage and me is None:
        raise Http404
    if manage and not can_manage:
        raise PermissionDenied(_("Only the set's facilitators, admins and sponsors may change it."))
    return SetAccess(
        learning_set=learning_set, can_manage=can_manage, me=me, facilitating=facilitating
    )


type SetView = Callable[Concatenate[OrgRequest, SetAccess, ...], HttpResponse]


def set_view(
    *, manage: bool = False, roles: tuple[Role, ...] = ()
) -> Callable[[SetView], Callable[..., HttpResponse]]:
    """Resolve /o/<org>/sets/<set_id>/ before anything else, so the answer to someone who may
    not use the page (404 or 403) is the same whatever the HTTP method."""

    def decorator(view: SetView) -> Callable[..., HttpResponse]:
        @org_view(*roles)
        @wraps(view)
        def wrapper(request: OrgRequest, set_id: int, *args: Any, **kwargs: Any) -> HttpResponse:
            return view(request, get_set(request, set_id, manage=manage), *args, **kwargs)

        return wrapper

    return decorator


def get_set_membership(access: SetAccess, set_membership_id: int) -> SetMembership:
    try:
        return access.learning_set.memberships.select_related("participant").get(
            pk=set_membership_id
        )
    except SetMembership.DoesNotExist:
        raise Http404 from None


def get_facilitation(access: SetAccess, facilitation_id: int) -> SetFacilitator:
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
