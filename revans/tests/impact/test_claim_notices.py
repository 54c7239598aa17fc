"""A claim's emails (issue 22): the sponsors hear that a claim waits for their decision, its owner
hears of the decision; each once, as each person wants the claims topic, and never with the
claim's words in them."""

import uuid
from decimal import Decimal

from django.core import mail
from django.utils import timezone

from revans.accounts import services as accounts_services
from revans.accounts.models import Membership
from revans.impact import notices, services
from revans.impact.models import ClaimNotice
from revans.learning.models import Challenge
from revans.programmes.models import Participant

WORDS = "Fewer overtime shifts at the Leeds depot"


def claim(world, by=None):
    pat = Participant.objects.get(user=world.participant)
    challenge = Challenge.objects.create(learning_set=world.set_a, owner=pat, statement="Rota")
    return services.claim_create(
        challenge=challenge,
        action=None,
        by=by or world.participant,
        submission=uuid.uuid4(),
        fields={
            "category": "cost_saving",
            "description": WORDS,
            "workings": "Eight shifts a month",
            "evidence": "The rota",
            "share_description": True,
            "annual_value": Decimal(40000),
            "attribution": 60,
            "confidence": 75,
        },
        currency="GBP",
    )


def send_due() -> int:
    """What the sweep does for claims."""
    return notices.send_due(now=timezone.now())


def subjects(user) -> list[str]:
    return [str(m.subject) for m in mail.outbox if m.to == [user.email]]


def test_the_sponsors_hear_a_claim_waits_and_the_owner_hears_the_decision(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = claim(world)
    assert subjects(world.sponsor) == ["[Revans] A benefit claim waits for your decision: Leaders"]
    assert not subjects(world.participant) and not subjects(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_decide(claim=made, by=world.sponsor, version=1, verified=False, reason="Why")
    assert subjects(world.participant) == ["[Revans] Your benefit claim was not accepted: Leaders"]
    for message in mail.outbox:
        assert WORDS not in message.body and "Why" not in message.body  # read on the page
    assert f"/o/acme/claims/{made.pk}/" in mail.outbox[-1].body
    assert "/o/acme/programmes/" in mail.outbox[0].body


def test_news_of_a_version_since_changed_is_not_sent(world):
    made = claim(world)  # not yet sent (no commit in a test's transaction)...
    services.claim_decide(claim=made, by=world.sponsor, version=1, verified=True, reason="")
    send_due()  # ...when the sweep finds it decided already
    waiting = ClaimNotice.objects.get(kind="waiting")
    assert waiting.skipped == "superseded" and waiting.sent_at is None
    assert subjects(world.participant) == ["[Revans] Your benefit claim is verified: Leaders"]
    assert not subjects(world.sponsor)
    assert send_due() == 0 and len(mail.outbox) == 1


def test_a_sponsor_who_claims_is_not_asked_to_decide_their_own(world):
    Membership.objects.filter(user=world.participant).update(is_sponsor=True)
    claim(world)
    send_due()
    assert not subjects(world.participant) and len(subjects(world.sponsor)) == 1


def test_claims_switched_off_are_not_sent(world):
    accounts_services.preferences_save(user=world.sponsor, chosen={"claims": "off"})
    claim(world)
    send_due()
    assert not mail.outbox
    assert ClaimNotice.objects.get().skipped == "switched off"
