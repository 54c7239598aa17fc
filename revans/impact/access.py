"""Who may open a programme's costs, claims and ROI, and read each claim. A claim's readers are
worked out here (the owner, the set's facilitators, the organisation's sponsors) and put to
revans.domain.confidentiality, which alone decides; anyone else meets a 404."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from revans.accounts.access import OrgRequest
from revans.accounts.models import Role
from revans.domain.confidentiality import Kind, Reader, may_read
from revans.learning.access import CycleAccess, get_challenge
from revans.learning.models import Challenge
from revans.programmes.access import PROGRAMME_MANAGERS, reader_of
from revans.programmes.models import Programme

from .models import BenefitClaim, CostItem, HourlyRate

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


def edits(access: ClaimAccess) -> bool:
    return access.is_owner or access.is_facilitator


def get_claimable(request: OrgRequest, challenge_id: int) -> tuple[CycleAccess, Challenge]:
    """A challenge its owner, or a facilitator of its set, may claim a benefit on."""
    cycle, challenge = get_challenge(request, challenge_id)
    if not (cycle.me and challenge.owner_id == cycle.me.pk) and not cycle.is_facilitator:
        raise Http404  # another member's challenge: nobody claims on it but its owner
    return cycle, challenge


def get_claim_to_edit(request: OrgRequest, claim_id: int) -> ClaimAccess:
    access = get_claim(request, claim_id)
    if not edits(access):
        raise PermissionDenied(_("The claim's owner, or their facilitator, changes it."))
    return access


def get_claim_to_decide(request: OrgRequest, claim_id: int) -> ClaimAccess:
    access = get_claim(request, claim_id)
    if not access.decides:
        raise PermissionDenied(_("The organisation's sponsors verify claims."))
    return access


def get_cost(request: OrgRequest, cost_id: int, programme: Programme) -> CostItem | None:
    """A cost line of the programme, or None when it is gone (a second click, another tab)."""
    return CostItem.objects.filter(pk=cost_id, programme=programme).first()


def get_rate(request: OrgRequest, rate_id: int, programme: Programme) -> HourlyRate | None:
    return HourlyRate.objects.filter(pk=rate_id, programme=programme).first()
