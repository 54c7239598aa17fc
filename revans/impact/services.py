"""Writes about a programme's worth: cost lines, hourly rates, the ROI settings, benefit claims
and their evidence, and the sponsor's decision on each claim. One transaction each; anything the
database would refuse is refused here first, in words."""

import hashlib
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import filetype
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from revans.accounts.models import User
from revans.domain import privacy
from revans.domain.roi import Status
from revans.learning.models import Action, Challenge
from revans.programmes.models import Participant, Programme
from revans.writes import once, save_version

from . import notices
from .models import (
    BenefitClaim,
    ClaimFile,
    ClaimRelease,
    CostItem,
    HourlyRate,
    RoiSettings,
)
from .tasks import send_claim_notices

MAX_FILE = 5 * 1024 * 1024
# What a file may be, by its name's ending, and what its first bytes must then say it is.
FILE_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "txt": "text/plain",
}
TEXT = ("csv", "txt")


CLAIM_CONFLICT = _(
    "Someone else saved this claim while you were editing it. Look again, then save."
)


def settings_of(programme: Programme) -> RoiSettings:
    found, _created = RoiSettings.objects.get_or_create(programme=programme)
    return found


# A cost dated after the programme's end (its evaluation, say) is accepted this long after it.
AFTER_THE_END = timedelta(days=92)


def _within(programme: Programme, day: date) -> None:
    """Within the programme, or up to three months after its end (its evaluation, say)."""
    last = programme.ends_on + AFTER_THE_END
    if not programme.starts_on <= day <= last:
        raise ValidationError(
            _(
                "A cost is dated within the programme (from %(start)s to %(end)s) or in the "
                "three months after it, up to %(last)s."
            )
            % {"start": programme.starts_on, "end": programme.ends_on, "last": last}
        )


@transaction.atomic
def cost_add(
    *, programme: Programme, by: User, category: str, spent_on: date, amount: Decimal, note: str
) -> CostItem:
    _within(programme, spent_on)
    cost = CostItem(
        programme=programme,
        category=category,
        spent_on=spent_on,
        amount=amount,
        note=note.strip(),
        recorded_by=by,
    )
    cost.full_clean()
    cost.save()
    return cost


@transaction.atomic
def cost_remove(*, cost: CostItem) -> None:
    cost.delete()


@transaction.atomic
def rate_set(
    *, programme: Programme, rate: Decimal, job_level: str = "", participant: Participant | None
) -> HourlyRate:
    """A rate for a job level, for one person, or (neither) the programme's default."""
    if participant is not None and participant.organisation_id != programme.organisation_id:
        raise ValidationError(_("That person is not in this organisation's pool."))
    found, _created = HourlyRate.objects.update_or_create(
        programme=programme,
        participant=participant,
        job_level="" if participant else job_level.strip(),
        defaults={"rate": rate},
    )
    found.full_clean()
    return found


@transaction.atomic
def rate_remove(*, rate: HourlyRate) -> None:
    rate.delete()


@transaction.atomic
def settings_save(
    *, programme: Programme, rule: str, value: Decimal, intangibles: str
) -> RoiSettings:
    found = settings_of(programme)
    found.extreme_rule, found.extreme_value = rule, value
    found.intangibles = intangibles.strip()
    found.full_clean()
    found.save()
    return found


def file_problem(name: str, content: bytes) -> str | None:
    """Why a file cannot be evidence (too big, not a kind we take, not what its name says)."""
    if len(content) > MAX_FILE:
        return _("A file of evidence is 5 MB at most.")
    if not content:
        return _("The file is empty.")
    ending = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ending not in FILE_TYPES:
        return _("Evidence is a PDF, an image (PNG or JPEG), a Word or Excel file, CSV or text.")
    guessed = filetype.guess(content)
    if ending in TEXT:
        if guessed is not None or b"\x00" in content:
            return _("This file is not the text its name says it is.")
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return _("A text or CSV file must be UTF-8.")
        return None
    if guessed is None or guessed.mime != FILE_TYPES[ending]:
        return _("This file is not the kind its name says it is.")
    return None


def _store_file(claim: BenefitClaim, name: str, content: bytes) -> None:
    problem = file_problem(name, content)
    if problem:
        raise ValidationError(problem)
    ending = name.rsplit(".", 1)[-1].lower()
    ClaimFile.objects.update_or_create(
        claim=claim,
        defaults={
            "name": name[-200:],
            "content_type": FILE_TYPES[ending],
            "size": len(content),
            "content": content,
            "sha256": hashlib.sha256(content).hexdigest(),
            "uploaded_at": timezone.now(),
        },
    )


def _may_claim(challenge: Challenge, by: User) -> None:
    """The challenge's owner, or a current facilitator of its set on their behalf."""
    if challenge.owner.user_id == by.pk:
        if (
            not challenge.learning_set.memberships.current()
            .filter(participant=challenge.owner)
            .exists()
        ):
            raise ValidationError(_("Claims are made by the set's current members."))
        return
    if not challenge.learning_set.facilitations.current().filter(user=by).exists():
        raise ValidationError(_("Benefits are claimed on your own challenge."))


def _check(challenge: Challenge, action: Action | None, currency: str) -> None:
    if action is not None and action.challenge_id != challenge.pk:
        raise ValidationError(_("That action belongs to another challenge."))
    programme = challenge.learning_set.programme
    if currency.upper() != programme.currency:
        raise ValidationError(
            _("Claims in this programme are in %(currency)s.") % {"currency": programme.currency}
        )


FIELDS = (
    "category",
    "description",
    "workings",
    "evidence",
    "share_description",
    "annual_value",
    "attribution",
    "confidence",
)


def _owned(
    challenge: Challenge, by: User, fields: dict[str, Any], *, shared: bool
) -> dict[str, Any]:
    """Whether the sponsor reads the words is the owner's choice alone: anyone else's form
    keeps what the owner chose (`shared`)."""
    fields = {name: fields[name] for name in FIELDS}
    if challenge.owner.user_id != by.pk:
        fields["share_description"] = shared
    return fields


def _released(claim: BenefitClaim) -> dict[str, Any]:
    return {
        "ref": claim.pk,
        "version": claim.version,
        "owner": claim.owner_id,
        "status": claim.status,
        "annual_value": str(claim.annual_value) if claim.annual_value is not None else None,
        "attribution": claim.attribution,
        "confidence": claim.confidence,
        "category": str(claim.get_category_display()),
        "set": claim.challenge.learning_set.name,
    }


@transaction.atomic
def claims_release(*, programme: Programme) -> ClaimRelease | None:
    """A new release of the programme's claims for the sponsor's figures, when k people or more
    have a claim that is new, changed, decided or gone since the last release; else None. Every
    claim write asks (create, change, decision), and so does the demo's loader."""
    Programme.objects.select_for_update().get(pk=programme.pk)  # one release at a time
    k = privacy.floor(programme.organisation.min_group_size)
    claims = list(
        BenefitClaim.objects.filter(challenge__learning_set__programme=programme).select_related(
            "challenge__learning_set"
        )
    )
    last = programme.claim_releases.first()
    before = {entry["ref"]: entry for entry in (last.claims if last else [])}
    now = {claim.pk: claim for claim in claims}
    changed = {c.owner_id for c in claims if before.get(c.pk, {}).get("version") != c.version}
    changed |= {entry["owner"] for ref, entry in before.items() if ref not in now}
    if len(changed) < k:
        return None
    return ClaimRelease.objects.create(
        programme=programme, claims=[_released(claim) for claim in claims]
    )


def _tell(news: Callable[[BenefitClaim], int], claim: BenefitClaim) -> None:
    """The claim's news as notices in this transaction, sent by the worker once it commits."""
    news(claim)
    transaction.on_commit(partial(send_claim_notices.enqueue))


@transaction.atomic
def claim_create(
    *,
    challenge: Challenge,
    action: Action | None,
    by: User,
    submission: uuid.UUID,
    fields: dict[str, Any],
    currency: str,
    file: tuple[str, bytes] | None = None,
) -> BenefitClaim:
    _may_claim(challenge, by)
    _check(challenge, action, currency)
    claim = once(  # a double-clicked submit returns the first click's claim
        BenefitClaim,
        submission,
        lambda: BenefitClaim(
            challenge=challenge,
            action=action,
            owner=challenge.owner,
            currency=currency.upper(),
            **_owned(challenge, by, fields, shared=False),
        ),
    )
    if claim.challenge_id != challenge.pk:  # a form key from another claim is no answer
        raise ValidationError(_("This form was already used; open it again."))
    if file is not None:
        _store_file(claim, *file)
    claims_release(programme=challenge.learning_set.programme)
    _tell(notices.waiting, claim)
    return claim


@transaction.atomic
def claim_update(
    *,
    claim: BenefitClaim,
    action: Action | None,
    by: User,
    version: int,
    fields: dict[str, Any],
    currency: str,
    file: tuple[str, bytes] | None = None,
    remove_file: bool = False,
) -> BenefitClaim:
    """The owner's (or a facilitator's) change. A decided claim goes back to "claimed": the
    sponsor decided on what it said before."""
    _may_claim(claim.challenge, by)
    _check(claim.challenge, action, currency)
    fields = _owned(claim.challenge, by, fields, shared=claim.share_description)
    changes = {name: fields[name] for name in FIELDS}
    changes |= {
        "action": action,
        "status": Status.CLAIMED.value,
        "decided_by": None,
        "decided_at": None,
        "decision_reason": "",
    }
    save_version(claim, version, changes, conflict=CLAIM_CONFLICT)
    if remove_file:
        ClaimFile.objects.filter(claim=claim).delete()
    if file is not None:
        _store_file(claim, *file)
    claims_release(programme=claim.challenge.learning_set.programme)
    changed = BenefitClaim.objects.get(pk=claim.pk)
    _tell(notices.waiting, changed)
    return changed


@transaction.atomic
def claim_decide(
    *, claim: BenefitClaim, by: User, version: int, verified: bool, reason: str
) -> BenefitClaim:
    """The sponsor verifies a claim, or rejects it with a reason the owner reads."""
    organisation = claim.challenge.learning_set.programme.organisation
    if not organisation.memberships.filter(user=by, is_active=True, is_sponsor=True).exists():
        raise ValidationError(_("The organisation's sponsors verify claims."))
    if claim.owner.user_id == by.pk:
        raise ValidationError(_("Nobody verifies their own claim: another sponsor decides."))
    reason = reason.strip()
    if not verified and not reason:
        raise ValidationError(_("Say why the claim is rejected: its owner reads the reason."))
    decision = {
        "status": (Status.VERIFIED if verified else Status.REJECTED).value,
        "decided_by": by,
        "decided_at": timezone.now(),
        "decision_reason": reason[:500],
    }
    save_version(claim, version, decision, clean=False, conflict=CLAIM_CONFLICT)
    claims_release(programme=claim.challenge.learning_set.programme)
    decided = BenefitClaim.objects.get(pk=claim.pk)
    _tell(notices.decided, decided)
    return decided
