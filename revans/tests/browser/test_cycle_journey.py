"""A member brings a challenge and commits to two actions, updates one between meetings; the
facilitator takes the report-backs; the member writes a reflection and shares it. Every page
passes axe-core and raises no CSP violation."""

import pytest

from revans.learning.models import Action, Challenge, MeetingRecord, Reflection, ReportBack
from revans.tests.world import PASSWORD, future_meeting

from .test_journey import sign_in


@pytest.mark.django_db(transaction=True)
def test_challenge_actions_report_backs_and_a_shared_reflection(new_page, world):
    future_meeting(world.set_a, days=14)
    last = future_meeting(world.set_a, days=-0.1)  # the meeting now under way
    pat = new_page()
    page = pat.page
    sign_in(pat, world.participant.email, PASSWORD)
    pat.audit()
    page.get_by_role("link", name="Bring a challenge to your set").click()
    pat.audit()
    page.get_by_label("The problem you bring").fill("Handovers between shifts lose orders.")
    page.get_by_label("Business area").fill("Operations")
    page.get_by_role("button", name="Record my challenge").click()
    pat.audit()
    for text in ("Shadow two handovers.", "Ask the night lead what gets lost."):
        page.get_by_label("What I will do before the next meeting").fill(text)
        page.get_by_role("button", name="Commit to this action").click()
        pat.audit()
    assert Action.objects.filter(challenge__owner__user=world.participant).count() == 2

    page.get_by_role("link", name="Shadow two handovers.").click()
    pat.audit()
    page.get_by_label("Progress so far").fill("Shadowed one on Tuesday.")
    page.get_by_role("button", name="Save progress").click()
    pat.audit()
    assert page.get_by_text("Progress saved.").is_visible()

    fay = new_page()
    sign_in(fay, world.facilitator.email, PASSWORD)
    fay.audit()
    challenge = Challenge.objects.get()
    for action, outcome in zip(challenge.actions.order_by("pk"), ("Partly", "Done"), strict=True):
        fay.page.goto(f"/o/acme/actions/{action.pk}/")
        fay.audit()
        fay.page.get_by_label(outcome, exact=True).check()
        fay.page.get_by_label("What happened").fill(f"{outcome}: reported at the meeting.")
        if outcome == "Partly":
            fay.page.get_by_label("Not finished: carry it forward").check()
        fay.page.get_by_role("button", name="Record the report-back").click()
        fay.audit()
    assert ReportBack.objects.count() == 2
    assert Action.objects.filter(carried_from__isnull=False).count() == 1

    # Fay fills in the meeting record: who presented, and the process review.
    fay.page.goto(last.get_absolute_url())
    fay.audit()
    fay.page.get_by_role("link", name="Meeting record").click()
    fay.audit()
    fay.page.get_by_label("Pat Participant").check()
    fay.page.get_by_label("Process review").fill("Good questions; little advice.")
    fay.page.get_by_label("The meeting is over").check()
    fay.page.get_by_role("button", name="Save the record").click()
    fay.audit()
    assert fay.page.get_by_text("The meeting record is saved.").is_visible()
    assert MeetingRecord.objects.get().closed_at is not None

    page.goto(f"/o/acme/sets/{world.set_a.pk}/log/")
    pat.audit()
    page.get_by_label("Your reflection").fill("I notice I rush to fix things.")
    page.get_by_role("button", name="Save in my log").click()
    pat.audit()
    page.get_by_role("button", name="Share with my set").click()
    pat.audit()
    assert Reflection.objects.get().is_shared
