"""The main journeys by keyboard alone: Tab, Shift+Tab, Enter, Space and the arrow keys, never the
mouse nor a script's click. Every element that takes focus on the way shows it (an outline or a
box shadow), and each step's result is saved. axe-core and CSP on every page, as everywhere."""

import re
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from revans.accounts.middleware import ACTIVE_AT
from revans.evidence.models import BoardReport
from revans.learning.models import LiveMeeting, Reflection
from revans.meetings.models import Rsvp
from revans.programmes.models import GroundRulesAcceptance
from revans.tests.world import PASSWORD, future_meeting

FOCUSED = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  const label = e.labels && e.labels.length ? e.labels[0].textContent : "";
  const name = e.getAttribute("aria-label") || label || e.textContent || e.value || "";
  const box = e.getBoundingClientRect();
  return {
    tag: e.tagName.toLowerCase(),
    name: name.trim().replace(/\\s+/g, " ").replace(/:$/, ""),
    outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0,
    shadow: s.boxShadow !== "none",
    shown: box.width > 0 && box.height > 0,
  };
}"""

LIMIT = 120  # Tab presses before giving up: more than any page here has stops


def focused(page) -> dict[str, Any]:
    state: dict[str, Any] = page.evaluate(FOCUSED)
    return state


def tab_to(page, name: str | re.Pattern[str], back: bool = False) -> dict[str, Any]:
    """Tab (or Shift+Tab) until the focused element's name is `name`; every stop on the way
    must show its focus."""
    seen = []
    for _ in range(LIMIT):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        now = focused(page)
        if now["tag"] == "body":
            continue  # past the end of the page: the browser's own controls, then round again
        assert now["shown"] and (now["outline"] or now["shadow"]), f"focus not visible: {now}"
        seen.append(now["name"])
        matches = name.search(now["name"]) if isinstance(name, re.Pattern) else now["name"] == name
        if matches:
            return now
    raise AssertionError(f"never reached {name!r} by keyboard; went through {seen}")


def go(page, key: str = "Enter") -> None:
    """Press a key that submits a form or follows a link, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def sign_in(audited, email: str) -> None:
    page = audited.page
    page.goto("/accounts/login/")
    audited.audit()
    tab_to(page, "Skip to content")
    tab_to(page, "Email address")
    page.keyboard.type(email)
    go(page, "Enter")
    audited.audit()
    tab_to(page, "Password")
    page.keyboard.type(PASSWORD)
    go(page, "Enter")
    audited.audit()


@pytest.mark.django_db(transaction=True)
def test_a_participant_accepts_the_ground_rules_writes_in_the_log_and_answers_by_keyboard(
    new_page, world
):
    meeting = future_meeting(world.set_a, days=14)
    pat = new_page()
    page = pat.page
    sign_in(pat, world.participant.email)

    # The skip link is the first stop and takes focus past the menus to the content.
    page.keyboard.press("Shift+Tab")
    tab_to(page, "Skip to content")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    tab_to(page, world.set_a.name)
    go(page, "Enter")
    pat.audit()
    tab_to(page, "I accept these ground rules")
    go(page, "Enter")
    pat.audit()
    expect(page.get_by_text("You have accepted these ground rules.")).to_be_visible()
    assert GroundRulesAcceptance.objects.filter(participant__user=world.participant).exists()

    tab_to(page, "Learning log", back=True)
    go(page, "Enter")
    pat.audit()
    tab_to(page, re.compile("^Your reflection"))
    page.keyboard.type("I notice I rush to fix things.")
    tab_to(page, "Save in my log")
    go(page, "Enter")
    pat.audit()
    assert Reflection.objects.get(author__user=world.participant).text == (
        "I notice I rush to fix things."
    )

    page.goto(meeting.get_absolute_url())
    pat.audit()
    # Into the radio group (its first choice), then the arrows move within it, choosing as
    # they go.
    tab_to(page, re.compile("Select an option|Coming"))
    for _ in range(3):
        if focused(page)["name"] == "Sending apologies":
            break
        page.keyboard.press("ArrowDown")
    assert focused(page)["name"] == "Sending apologies"
    assert page.get_by_label("Sending apologies").is_checked()
    tab_to(page, re.compile("^A note for your facilitator"))
    page.keyboard.type("At the depot that day.")
    tab_to(page, "Send my answer")
    go(page, "Space")
    pat.audit()
    rsvp = Rsvp.objects.get(meeting=meeting, participant__user=world.participant)
    assert (rsvp.answer, rsvp.note) == ("no", "At the depot that day.")


@pytest.mark.django_db(transaction=True)
def test_a_facilitator_runs_the_console_by_keyboard(new_page, world):
    meeting = future_meeting(world.set_a, days=-5 / (24 * 60))
    fay = new_page()
    page = fay.page
    sign_in(fay, world.facilitator.email)
    tab_to(page, "Run it now (console)")
    go(page, "Enter")
    fay.audit()

    tab_to(page, "Mark Pat Participant here")
    go(page, "Enter")
    fay.audit()
    expect(page.get_by_role("button", name="Mark Pat Participant here")).to_have_count(0)

    tab_to(page, "Start")
    go(page, "Enter")
    fay.audit()
    live = LiveMeeting.objects.get(meeting=meeting)
    assert live.started_at is not None and live.deadline is not None and live.position == 0

    for position in (1, 2):
        tab_to(page, "Next")
        go(page, "Space")
        fay.audit()
        expect(page.locator("[data-clock]")).to_have_attribute("data-step", str(position))
        assert LiveMeeting.objects.get(meeting=meeting).position == position

    tab_to(page, "Pause")
    go(page, "Enter")
    fay.audit()
    live = LiveMeeting.objects.get(meeting=meeting)
    assert live.deadline is None and live.left is not None


@pytest.mark.django_db(transaction=True)
def test_a_sponsor_reads_the_dashboard_by_keyboard(new_page, world):
    sponsor = new_page()
    page = sponsor.page
    sign_in(sponsor, world.sponsor.email)
    tab_to(page, "Dashboard")
    go(page, "Enter")
    sponsor.audit()
    expect(page.get_by_role("heading", name="What the programme is doing")).to_be_visible()
    # Every link and control of the dashboard is reached, and shows its focus, on the way to
    # its last one, the board's PDF, asked for by keyboard too.
    tab_to(page, "Make the PDF")
    go(page)
    sponsor.audit()
    assert BoardReport.objects.filter(requested_by=world.sponsor).exists()


@pytest.mark.django_db(transaction=True)
def test_the_warning_before_the_session_ends_is_reached_and_answered_by_keyboard(new_page, world):
    world.org.session_idle_minutes = 30
    world.org.save()
    pat = new_page()
    page = pat.page
    page.clock.install()  # the page's own clock, moved on below; the server's runs as ever
    sign_in(pat, world.participant.email)
    tab_to(page, world.set_a.name)
    dialog = page.get_by_role("alertdialog", name="You will soon be signed out")
    expect(dialog).to_be_hidden()
    before = Session.objects.get().get_decoded()[ACTIVE_AT]

    page.clock.fast_forward("26:00")  # past the warning, five minutes before the end

    expect(dialog).to_be_visible()
    now = focused(page)
    assert now["name"] == "Stay signed in" and (now["outline"] or now["shadow"])
    pat.audit()  # the dialog, shown, passes axe too
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    assert focused(page)["name"] == world.set_a.name  # focus goes back where it was
    assert Session.objects.get().get_decoded()[ACTIVE_AT] > before
