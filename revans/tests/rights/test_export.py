"""Download my data: the worker builds one ZIP of everything about the person, every kind of
their content and nothing of anyone else's; its link is theirs alone and expires."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from revans.audit.models import Entry, Event
from revans.evidence.models import Answer, CareerOutcome, Receipt, Survey
from revans.impact.models import BenefitClaim, ClaimFile
from revans.learning.models import Action, Bid, Challenge, Question, Reflection, ReportBack
from revans.meetings.models import Attendance, Rsvp
from revans.programmes.models import GroundRulesAcceptance
from revans.rights import services
from revans.rights.models import DataExport
from revans.tests.world import future_meeting

MINE = "zqx-mine-41c2"
THEIRS = "zqx-theirs-9d0e"


def _content(world, person, words: str) -> None:
    """One of every kind of record a member makes, each carrying `words`."""
    meeting = future_meeting(world.set_a, days=-2)
    challenge = Challenge.objects.create(
        learning_set=world.set_a, owner=person, statement=f"Challenge {words}"
    )
    action = Action.objects.create(
        challenge=challenge, text=f"Action {words}", due_on=world.org.today(), progress=words
    )
    ReportBack.objects.create(action=action, outcome="done", what_happened=f"Report {words}")
    Reflection.objects.create(learning_set=world.set_a, author=person, text=f"Log {words}")
    Rsvp.objects.create(meeting=meeting, participant=person, answer="no", note=f"Sorry {words}")
    Attendance.objects.create(meeting=meeting, participant=person, present=False)
    Bid.objects.create(meeting=meeting, participant=person, minutes=10)
    claim = BenefitClaim.objects.create(
        challenge=challenge,
        owner=person,
        category="cost_saving",
        description=f"Claim {words}",
        currency="GBP",
        annual_value=1000,
        attribution=50,
        confidence=50,
    )
    ClaimFile.objects.create(
        claim=claim, name="proof.txt", content_type="text/plain", size=5, content=words.encode()
    )
    survey = Survey.objects.create(
        learning_set=world.set_a,
        kind=Survey.Kind.CLIMATE,
        items=["Safe?"],
        opens_at=timezone.now() - timedelta(days=3),
        closes_at=timezone.now() - timedelta(days=1),
        key=f"k-{person.pk}",
    )
    Receipt.objects.create(survey=survey, participant=person)
    # Anonymous by design: no one's, so in no one's download and erased with no one.
    Answer.objects.create(survey=survey, scores={"0": 5}, text=f"Anonymous {person.pk}")
    rules = world.set_a.ground_rules.first()
    GroundRulesAcceptance.objects.create(ground_rules=rules, participant=person)
    CareerOutcome.objects.create(
        programme=world.programme, participant=person, kind="award", happened_on=world.org.today()
    )


def _zip(world, user) -> dict[str, bytes]:
    export, made = services.export_request(user=user)
    assert made
    services.build(str(export.pk))
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY
    with zipfile.ZipFile(io.BytesIO(bytes(export.content))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_download_holds_every_kind_of_my_content_and_nothing_of_anyone_else_s(world):
    pat = world.org.participants.get(user=world.participant)
    quinn = world.org.participants.get(user=world.participant2)
    _content(world, pat, MINE)
    _content(world, quinn, THEIRS)
    meeting = future_meeting(world.set_a, days=-1)
    Question.objects.create(meeting=meeting, presenter=quinn, asked_by=pat, text=f"Why {MINE}?")
    Question.objects.create(meeting=meeting, presenter=pat, asked_by=quinn, text=f"How {THEIRS}?")
    files = _zip(world, world.participant)
    everything = b"\n".join(files.values())
    assert THEIRS.encode() not in everything  # not Quinn's, not the question Quinn asked Pat
    assert b"Anonymous " not in everything  # survey answers are no one's
    for name, kind in [
        ("challenges.json", "Challenge"),
        ("actions.json", "Action"),
        ("report_backs.json", "Report"),
        ("reflections.json", "Log"),
        ("rsvps.csv", "Sorry"),
        ("claims.json", "Claim"),
        ("questions_asked.json", "Why"),
    ]:
        assert f"{kind} {MINE}".encode() in files[name], name
    assert any(n.startswith("claim_files/") and files[n] == MINE.encode() for n in files)
    assert json.loads(files["profile.json"])["account"]["email"] == "pat@acme.test"
    assert "password" not in json.loads(files["profile.json"])["account"]
    for table in ("attendance.csv", "survey_receipts.csv", "ground_rules.csv", "bids.json"):
        assert len(files[table].splitlines()) >= 2 or files[table].count(b"{") >= 2, table
    assert json.loads(files["career_outcomes.json"])[0]["kind"] == "award"
    assert b"README" in files["README.txt"] or b"Everything Revans holds" in files["README.txt"]
    for name in files:  # the README names every file
        assert (
            name.startswith("claim_files/")
            or name == "README.txt"
            or name.encode() in files["README.txt"]
        )


def test_the_link_is_mine_alone_and_expires(world):
    pat = Client()
    pat.force_login(world.participant)
    asked = pat.post("/profile/data/")
    assert asked.status_code == 302
    again = pat.post("/profile/data/")  # a second click: the same download
    assert again.status_code == 302 and DataExport.objects.count() == 1
    export = DataExport.objects.get()
    assert Entry.objects.filter(event=Event.EXPORTED, subject=world.participant).exists()
    services.build(str(export.pk))
    url = f"/profile/data/{export.pk}/"
    got = pat.get(url)
    assert got.status_code == 200 and got["Content-Type"] == "application/zip"
    quinn = Client()
    quinn.force_login(world.participant2)
    assert quinn.get(url).status_code == 404
    assert Client().get(url).status_code in (302, 404)  # signed out: to sign in, never the file
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert pat.get(url).status_code == 302  # expired: back to the page
        call_command("sweep")
    assert not DataExport.objects.exists()


def test_a_build_runs_once(world):
    export, _made = services.export_request(user=world.participant)
    services.build(str(export.pk))
    first = DataExport.objects.get().finished_at
    services.build(str(export.pk))
    assert DataExport.objects.get().finished_at == first


@pytest.mark.parametrize("actor", ["admin", "sponsor", "facilitator", "participant"])
def test_everyone_may_download_their_own(world, actor):
    files = _zip(world, getattr(world, actor))
    assert json.loads(files["profile.json"])["account"]["email"] == getattr(world, actor).email
