"""A facilitator schedules a series, a member answers from the emailed link without signing in,
and the facilitator takes attendance. Every page passes axe-core and raises no CSP violation."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from revans.meetings.models import Attendance, Meeting, Rsvp
from revans.tests.world import PASSWORD

from .test_journey import sign_in


@pytest.mark.django_db(transaction=True)
def test_schedule_answer_from_the_email_and_take_attendance(new_page, world):
    soon = (timezone.now() + timedelta(minutes=40)).astimezone(ZoneInfo("Europe/London"))
    dates = "\n".join(f"{soon.date() + timedelta(weeks=k):%Y-%m-%d}" for k in range(3))

    fay = new_page()
    page = fay.page
    sign_in(fay, world.facilitator.email, PASSWORD)
    fay.audit()
    page.get_by_role("link", name="Set A").first.click()
    fay.audit()
    page.get_by_role("link", name="Meetings and attendance").click()
    fay.audit()
    page.get_by_role("link", name="Schedule a series").click()
    fay.audit()
    page.get_by_label("on the dates I list").check()
    page.get_by_label("Dates (one per line").fill(dates)
    page.get_by_label("From").fill(f"{soon.date():%Y-%m-%d}")
    page.get_by_label("Until").fill(f"{soon.date() + timedelta(weeks=3):%Y-%m-%d}")
    page.get_by_label("Starts at (local time)").fill(f"{soon:%H:%M}")
    page.get_by_label("Length (minutes)").fill("120")
    page.get_by_label("Place (optional)").fill("Leeds, room 4")
    page.get_by_role("button", name="Schedule the meetings").click()
    fay.audit()
    assert page.get_by_text("3 meetings scheduled").is_visible(), page.inner_text("main")
    assert Meeting.objects.filter(learning_set=world.set_a).count() == 3

    # Pat answers from the invitation email, without signing in.
    message = next(
        m for m in mail.outbox if m.to == [world.participant.email] and "meeting 1" in m.subject
    )
    link = re.search(r"https?://[^/\s]+(/rsvp/\S+/)", message.body).group(1)
    pat = new_page()
    pat.page.goto(link)
    pat.audit()
    pat.page.get_by_label("Sending apologies").check()
    pat.page.get_by_label("A note for your facilitator").fill("At the depot audit.")
    pat.page.get_by_role("button", name="Send my answer").click()
    pat.audit()
    assert pat.page.get_by_text("is recorded").is_visible()
    assert Rsvp.objects.get().answer == "no"

    # Fay sees the apology on the first meeting and takes attendance as people arrive.
    page.get_by_role("link", name="Meeting 1").click()
    fay.audit()
    assert page.get_by_text("At the depot audit.").is_visible()
    page.get_by_label("Quinn Participant").check()
    page.get_by_role("button", name="Save attendance").click()
    fay.audit()
    assert page.get_by_text("Attendance saved.").is_visible()
    assert dict(Attendance.objects.values_list("participant__name", "present")) == {
        "Pat Participant": False,
        "Quinn Participant": True,
    }
