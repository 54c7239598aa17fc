"""A claim's emails, exactly once: to the organisation's sponsors when a claim, new or changed,
waits for their decision, and to its owner when a sponsor has decided.

Each is a row of the outbox (`revans.accounts.outbox`), written in the transaction of the
claim's change and keyed by the claim's version, so news of a version since changed is skipped.
They say that there is news and where to read it, never the claim's words: those reach a sponsor
only on the page, and only when the owner shares them.
"""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import QuerySet
from django.urls import reverse

from revans.accounts import outbox
from revans.accounts.models import Topic, User
from revans.domain.roi import Status

from .models import BenefitClaim, ClaimNotice

Kind = ClaimNotice.Kind


def sponsors(claim: BenefitClaim) -> QuerySet[User]:
    """Who decides: the organisation's active sponsors, but never the claim's owner."""
    organisation = claim.challenge.learning_set.programme.organisation_id
    found = User.objects.filter(
        memberships__organisation_id=organisation,
        memberships__is_active=True,
        memberships__is_sponsor=True,
    )
    return found.exclude(pk=claim.owner.user_id) if claim.owner.user_id else found


def owner(claim: BenefitClaim) -> User | None:
    """The claim's owner, while an active member of the organisation."""
    if claim.owner.user_id is None:
        return None  # a pool entry with no account: nobody to tell
    organisation = claim.challenge.learning_set.programme.organisation_id
    return User.objects.filter(
        pk=claim.owner.user_id,
        memberships__organisation_id=organisation,
        memberships__is_active=True,
    ).first()


def _make(claim: BenefitClaim, user: User, kind: str) -> ClaimNotice:
    return ClaimNotice(
        claim=claim,
        user=user,
        kind=kind,
        version=claim.version,
        key=f"claim:{claim.pk}:{kind}:{claim.version}:{user.pk}",
    )


def waiting(claim: BenefitClaim) -> int:
    """Tell the sponsors that this version of the claim waits for their decision."""
    return outbox.add(ClaimNotice, [_make(claim, user, Kind.WAITING) for user in sponsors(claim)])


def decided(claim: BenefitClaim) -> int:
    """Tell the owner that a sponsor decided on this version of their claim."""
    user = owner(claim)
    return outbox.add(ClaimNotice, [_make(claim, user, Kind.DECIDED)] if user else [])


def _obsolete(notice: ClaimNotice) -> str:
    claim = notice.claim
    if notice.version != claim.version:
        return "superseded"
    if notice.kind == Kind.WAITING:
        if claim.status != Status.CLAIMED:
            return "decided"
        if not sponsors(claim).filter(pk=notice.user_id).exists():
            return "no longer a sponsor"
    elif owner(claim) is None:
        return "no longer a member"
    return ""


def checker(now: datetime) -> Callable[[ClaimNotice], str]:
    return _obsolete


def send_due(*, now: datetime) -> int:
    """Send each claim notice that is due, once (through the outbox's sender)."""
    return outbox.send_outbox(SENDER, now=now)


def _context(notice: ClaimNotice) -> dict[str, object]:
    claim = notice.claim
    programme = claim.challenge.learning_set.programme
    slug = programme.organisation.slug
    if notice.kind == Kind.WAITING:
        path = reverse("impact:claims", kwargs={"org": slug, "programme_id": programme.pk})
    else:
        path = reverse("impact:claim", kwargs={"org": slug, "claim_id": claim.pk})
    return {
        "kind": notice.kind,
        "user": notice.user,
        "programme": programme,
        "verified": claim.status == Status.VERIFIED,
        "url": settings.SITE_URL + path,
    }


def entry(notice: ClaimNotice) -> outbox.Entry:
    """The notice in its reader's digest."""
    context = _context(notice)
    return outbox.Entry(
        topic=Topic.CLAIMS,
        title=outbox.one_line("impact/email/claim_subject.txt", context),
        url=str(context["url"]),
    )


def message(notice: ClaimNotice) -> EmailMessage:
    context = _context(notice)
    return EmailMessage(
        subject=outbox.subject("impact/email/claim_subject.txt", context),
        body=outbox.text("impact/email/claim_message.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notice.user.email],
        headers={"Message-ID": outbox.message_id("claim", notice.key)},
    )


SENDER = outbox.Sender(
    model=ClaimNotice,
    related=("user", "claim__owner", "claim__challenge__learning_set__programme__organisation"),
    topics=dict.fromkeys(Kind, Topic.CLAIMS),
    checker=checker,
    message=message,
    entry=entry,
)
