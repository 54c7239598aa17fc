"""A member claims a benefit on one of their actions, with a file of evidence; the sponsor
verifies it and opens the ROI page, which shows the new adjusted benefit. axe-core and CSP on
every page."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import F
from playwright.sync_api import expect

from revans.impact import services
from revans.impact.models import BenefitClaim, CostItem
from revans.learning.models import Action, Challenge
from revans.programmes.models import Participant
from revans.tests.impact.test_impact import PDF, add_members
from revans.tests.world import PASSWORD

from .test_journey import sign_in


@pytest.mark.django_db(transaction=True)
def test_a_claim_on_an_action_verified_and_counted(new_page, world, tmp_path: Path):
    pat = Participant.objects.get(user=world.participant)
    challenge = Challenge.objects.create(
        learning_set=world.set_a, owner=pat, statement="Handovers lose orders"
    )
    Action.objects.create(challenge=challenge, text="Re-plan the rota", due_on="2026-12-20")
    add_members(world, 4)  # four more claimants, 4,000 each: with Pat's, figures of five people
    CostItem.objects.create(
        programme=world.programme, category="facilitation", spent_on="2026-02-01", amount=20000
    )
    evidence = tmp_path / "rota.pdf"
    evidence.write_bytes(PDF)

    member = new_page()
    sign_in(member, world.participant.email, PASSWORD)
    member.audit()
    page = member.page
    page.goto(f"/o/acme/challenges/{challenge.pk}/")
    member.audit()
    page.get_by_role("link", name="Claim a benefit from this challenge").click()
    member.audit()
    page.get_by_label("On which action").select_option(label="Re-plan the rota")
    page.get_by_label("What improved").fill("Fewer overtime shifts at the depot")
    page.get_by_label("Value over a year").fill("40000")
    page.get_by_label("How you worked the value out").fill("Eight shifts a month at 416")
    page.get_by_label("How much of the improvement is due to the set").fill("60")
    page.get_by_label("How confident you are").fill("75")
    page.get_by_label("A file of evidence").set_input_files(str(evidence))
    page.get_by_role("button", name="Record the claim").click()
    member.audit()
    expect(page.get_by_text("The claim is recorded.")).to_be_visible()
    claim = BenefitClaim.objects.get(owner=pat)

    sponsor = new_page()
    sign_in(sponsor, world.sponsor.email, PASSWORD)
    sponsor.audit()
    roi = sponsor.page
    roi.goto(f"/o/acme/programmes/{world.programme.pk}/roi/")
    sponsor.audit()
    headline = roi.locator(".headline")
    # Pat's claim is not verified yet: the four verified claims are a figure of four people,
    # not shown (k = 5).
    expect(headline.get_by_text("not shown: drawn from fewer than 5 people").first).to_be_visible()
    roi.get_by_role("link", name="Claims to verify").click()
    sponsor.audit()
    roi.get_by_role("link", name=f"#{claim.pk}").click()
    sponsor.audit()
    expect(roi.get_by_text("keeps the words private")).to_be_visible()
    roi.get_by_role("button", name="Verify the claim").click()
    sponsor.audit()
    expect(roi.get_by_text("The claim is verified.")).to_be_visible()
    roi.goto(f"/o/acme/programmes/{world.programme.pk}/roi/")
    sponsor.audit()
    # One claim decided moves no figure (it would give Pat's claim away) until five people's
    # claims have changed; the others' are confirmed, and the next write releases them at once.
    expect(headline.get_by_text("not shown: drawn from fewer than 5 people").first).to_be_visible()
    others = BenefitClaim.objects.exclude(pk=claim.pk).values_list("pk", flat=True)
    BenefitClaim.objects.filter(pk__in=list(others)).update(version=F("version") + 1)
    services.claims_release(programme=world.programme)  # as the next claim write asks
    roi.goto(f"/o/acme/programmes/{world.programme.pk}/roi/")
    sponsor.audit()
    # 40,000 x 60 % x 75 % = 18,000 more, against 20,000 of costs.
    expect(headline.get_by_text("GBP 34,000.00")).to_be_visible()
    expect(headline.get_by_text("1.70 : 1")).to_be_visible()
    expect(headline.get_by_text("70.0 %")).to_be_visible()
    claim.refresh_from_db()
    assert claim.status == "verified" and claim.annual_value == Decimal(40000)

    page.goto(f"/o/acme/claims/{claim.pk}/")
    member.audit()
    expect(page.get_by_text("Verified by the sponsor")).to_be_visible()
