"""Who may open a programme's costs, claims and ROI, and read each claim. A claim's readers are
worked out here (the owner, the set's facilitators, the organisation's sponsors) and put to
revans.domain.confidentiality, which alone decides; anyone else meets a 404."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse

from revans.accounts.access import OrgRequest, org_view
from revans.accounts.models import Role
from revans.domain.confidentiality import Kind, Reader, may_read
from revans.learning.access import CycleAccess, get_challenge
from revans.learning.models import Challenge
from revans.programmes.access import PROGRAMME_MANAGERS, get_programme, reader_of
from revans.programmes.models import Programme

from .models import BenefitClaim

CLAIM_READERS = (Role.PARTICIPANT, Role.FACILITATOR, Role.SPONSOR)
ROI_READERS = PROGRAMME_MANAGERS  # costs and the ROI: figures, never a person's words


@dataclass(frozen=True)
class ClaimAccess:
    claim: BenefitClaim
    reader: Reader

    def reads(self, kind: Kind) -> bool:
        return may_read(kind, self.reader, self.claim.written_at)

    @property
    def reads_description(self) -> bool:
        shared = self.claim.share_description
        return self.reads(Kind.SHARED_CLAIM_DESCRIPTION if shared else Kind.CLAIM_DESCRIPTION)

    @property
    def is_owner(self) -> bool:
        return self.reader.is_author

    @property
    def is_facilitator(self) -> bool:
        return self.reader.is_facilitator

    @property
    def decides(self) -> bool:
        return self.reader.is_sponsor


def claim_reader(request: OrgRequest, claim: BenefitClaim) -> Reader:
    learning_set = claim.challenge.learning_set
    relation, _me, own = reader_of(request.membership, learning_set)
    return Reader(
        is_author=claim.owner_id in own,
        as_member=relation.as_member,
        as_facilitator=relation.as_facilitator,
        is_sponsor=request.membership.has_role(Role.SPONSOR),
    )


def get_claim(request: OrgRequest, claim_id: int) -> ClaimAccess:
    try:
        claim = BenefitClaim.objects.select_related(
            "challenge__learning_set__programme", "owner", "action"
        ).get(pk=claim_id, challenge__learning_set__programme__organisation=request.organisation)
    except BenefitClaim.DoesNotExist:
        raise Http404 from None
    access = ClaimAccess(claim=claim, reader=claim_reader(request, claim))
    if not access.reads(Kind.CLAIM):
        raise Http404
    return access


type ClaimView = Callable[Concatenate[OrgRequest, ClaimAccess, ...], HttpResponse]


def claim_view(
    must: Callable[[ClaimAccess], bool] | None = None,
    refusal: str = "",
    roles: tuple[Role, ...] = CLAIM_READERS,
) -> Callable[[ClaimView], Callable[..., HttpResponse]]:
    """Resolve /o/<org>/claims/<claim_id>/... before the method check; `must` says who of the
    claim's readers may use this one (others: 403 with `refusal`)."""

    def decorator(view: ClaimView) -> Callable[..., HttpResponse]:
        @org_view(*roles)
        @wraps(view)
        def wrapper(request: OrgRequest, claim_id: int, *args: Any, **kwargs: Any) -> HttpResponse:
            access = get_claim(request, claim_id)
            if must is not None and not must(access):
                raise PermissionDenied(refusal)
            return view(request, access, *args, **kwargs)

        return wrapper

    return decorator


def edits(access: ClaimAccess) -> bool:
    return access.is_owner or access.is_facilitator


def get_claimable(request: OrgRequest, challenge_id: int) -> tuple[CycleAccess, Challenge]:
    """A challenge its owner, or a facilitator of its set, may claim a benefit on."""
    cycle, challenge = get_challenge(request, challenge_id)
    if not (cycle.me and challenge.owner_id == cycle.me.pk) and not cycle.is_facilitator:
        raise Http404  # another member's challenge: nobody claims on it but its owner
    return cycle, challenge


type ProgrammeView = Callable[Concatenate[OrgRequest, Programme, ...], HttpResponse]


def programme_view(*roles: Role) -> Callable[[ProgrammeView], Callable[..., HttpResponse]]:
    """Resolve /o/<org>/programmes/<programme_id>/... for the impact pages."""

    def decorator(view: ProgrammeView) -> Callable[..., HttpResponse]:
        @org_view(*(roles or ROI_READERS))
        @wraps(view)
        def wrapper(
            request: OrgRequest, programme_id: int, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            programme = get_programme(request, programme_id, roles or ROI_READERS)
            return view(request, programme, *args, **kwargs)

        return wrapper

    return decorator
