"""The sponsor's figures in the API (issue 21): the dashboard and the ROI for exactly those who may
open their pages, figure for figure what the pages and their CSVs show (a figure the page hides
is withheld, with its reason), never a person; the board's reports; and the webhooks that tell
of a report made ready and of an action falling due, once each, by ids and links alone."""

import csv
import io
import re
import uuid
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from revans.accounts.models import Role
from revans.evidence import reports
from revans.evidence.models import BoardReport, CareerOutcome
from revans.impact import services as impact
from revans.impact.models import BenefitClaim
from revans.learning import sweeps as cycle_sweeps
from revans.learning.models import Action, Challenge
from revans.learning.signals import action_fell_due
from revans.meetings.models import Attendance, Meeting
from revans.programmes.models import Participant, SetMembership
from revans.tests.api.test_api import PROBLEM, get, token
from revans.tests.api.test_webhooks import Receiver, hook
from revans.tests.evidence.test_evidence import last_month
from revans.tests.world import make_member, make_user

CANARY = "zqx-figures-canary-7f3a"
FIRST_ID = 987_650_001  # the people made here: ids no figure could be mistaken for
ONE = timedelta(days=1)


@pytest.fixture(autouse=True)
def _fresh_limits(db):
    caches["api"].clear()


@pytest.fixture
def receiver():
    endpoint = Receiver()
    yield endpoint
    endpoint.close()


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def people(world, count: int, learning_set=None) -> list[Participant]:
    """More members of a set (A unless told), each named with the canary and an id of our own."""
    made = []
    for _n in range(count):
        pk = FIRST_ID + Participant.objects.filter(pk__gte=FIRST_ID).count()
        user = make_user(f"p{pk}@acme.test", f"Person {pk} {CANARY}")
        make_member(world.org, user, Role.PARTICIPANT)
        person = Participant.objects.create(
            pk=pk, organisation=world.org, email=user.email, name=user.name, user=user
        )
        SetMembership.objects.create(
            learning_set=learning_set or world.set_a,
            participant=person,
            joined_on=world.programme.starts_on,
        )
        made.append(person)
    return made


def in_set(world, learning_set) -> list[Participant]:
    return list(
        Participant.objects.filter(set_memberships__learning_set=learning_set).order_by("pk")
    )


def held(learning_set, at: datetime, present: dict[Participant, bool]) -> Meeting:
    meeting = Meeting.objects.create(
        learning_set=learning_set,
        starts_at=at,
        ends_at=at + timedelta(hours=3),
        time_zone="Europe/London",
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, participant=person, present=here)
        for person, here in present.items()
    )
    return meeting


def claim(person: Participant, **fields) -> BenefitClaim:
    """10,000 a year at 50 % and 80 % (4,000 counted), verified unless told, with the canary in
    its words, on a challenge of the person's own."""
    learning_set = person.set_memberships.get(left_on=None).learning_set
    challenge = Challenge.objects.create(
        learning_set=learning_set, owner=person, statement=f"Overtime {CANARY}"
    )
    values = {
        "category": "time_saved",
        "description": f"Quicker handovers {CANARY}",
        "workings": f"Shifts {CANARY}",
        "currency": "GBP",
        "annual_value": Decimal(10000),
        "attribution": 50,
        "confidence": 80,
        "status": "verified",
    }
    return BenefitClaim.objects.create(challenge=challenge, owner=person, **(values | fields))


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))[1:]


def noted(cell: dict[str, Any]) -> str:
    """An API figure as the CSVs note it when it is not shown."""
    if cell["value"] is not None:
        return ""
    return "none yet" if cell["reason"] == "none yet" else f"not shown: {cell['reason']}"


@pytest.fixture
def figures(world) -> dict[str, Any]:
    """Seven people on the programme (five in set A, two more in set B). Last month set A met,
    four of five there: a figure of five people. The month before, set B met, one of two there:
    a figure of two people, so it is hidden. One award: fewer than five people, said as such."""
    people(world, 3)
    b = people(world, 2, learning_set=world.set_b)
    a = in_set(world, world.set_a)
    held(world.set_a, last_month(), {p: p != a[0] for p in a})
    held(world.set_b, last_month() - timedelta(days=31), {b[0]: True, b[1]: False})
    CareerOutcome.objects.create(
        programme=world.programme,
        participant=a[1],
        kind="award",
        happened_on=world.programme.starts_on + timedelta(days=30),
    )
    return {
        "shown": f"{last_month():%Y-%m}",
        "hidden": f"{last_month() - timedelta(days=31):%Y-%m}",
    }


# Who may read them -------------------------------------------------------------------------


def test_who_may_read_the_figures_is_who_may_open_their_pages(world):
    pid = world.programme.pk
    report = BoardReport.objects.create(
        programme=world.programme,
        requested_by=world.sponsor,
        status=BoardReport.Status.READY,
        content=b"%PDF-1.7",
        expires_at=timezone.now() + timedelta(minutes=10),
    )
    pairs = {  # the API's resource: the page that shows the same
        f"/programmes/{pid}/dashboard": f"/o/acme/programmes/{pid}/dashboard/",
        f"/programmes/{pid}/roi": f"/o/acme/programmes/{pid}/roi/",
        f"/programmes/{pid}/board-reports": f"/o/acme/programmes/{pid}/dashboard/",
        f"/board-reports/{report.pk}": f"/o/acme/reports/{report.pk}/",
    }
    seen = {}
    for actor, user in world.actors.items():
        secret = token(world, actor)
        for path, page in pairs.items():
            api_status = get(secret, path).status_code
            page_status = as_user(user).get(page).status_code
            seen[actor, path] = api_status
            assert api_status == page_status, (actor, path, api_status, page_status)
    # As the pages decide: admins and sponsors; a report for the one who asked for it.
    assert [seen[a, f"/programmes/{pid}/roi"] for a in world.actors] == [200, 200, 403, 403, 404]
    assert seen["admin", f"/board-reports/{report.pk}"] == 404
    assert seen["sponsor", f"/board-reports/{report.pk}"] == 200


def test_another_organisation_s_ids_answer_as_ids_that_do_not_exist(world):
    report = BoardReport.objects.create(programme=world.programme, requested_by=world.outsider)
    outsider = token(world, "outsider")  # an admin of B: the role is no obstacle
    pid = world.programme.pk
    for real, absent in (
        (f"/programmes/{pid}/dashboard", "/programmes/999999999/dashboard"),
        (f"/programmes/{pid}/roi", "/programmes/999999999/roi"),
        (f"/programmes/{pid}/board-reports", "/programmes/999999999/board-reports"),
        (f"/board-reports/{report.pk}", f"/board-reports/{uuid.uuid4()}"),
    ):
        theirs, missing = get(outsider, real), get(outsider, absent)
        assert theirs.status_code == 404 and theirs["Content-Type"] == PROBLEM, real
        assert theirs.content == missing.content, real


def test_a_figure_read_asks_nothing_it_does_not_know_and_an_unchanged_one_is_not_sent_again(
    world, figures
):
    secret = token(world, "sponsor")
    path = f"/programmes/{world.programme.pk}/dashboard"
    misspelt = get(secret, f"{path}?programme=1")
    assert misspelt.status_code == 422 and misspelt["Content-Type"] == PROBLEM
    with time_machine.travel(timezone.now(), tick=False):
        first = get(secret, path)
        again = get(secret, path, **{"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    assert get(secret, "/board-reports/not-a-uuid").status_code == 422


# The same figures as the pages -----------------------------------------------------------


def test_the_dashboard_in_the_api_is_the_page_s_figure_for_figure(world, figures):
    sponsor = as_user(world.sponsor)
    url = f"/o/acme/programmes/{world.programme.pk}/"
    with time_machine.travel(timezone.now(), tick=False):
        page = sponsor.get(url + "dashboard/")
        rows = read_csv(sponsor.get(url + "dashboard.csv"))
        answer = get(token(world, "sponsor"), f"/programmes/{world.programme.pk}/dashboard")
    assert answer.status_code == 200 and answer["ETag"]
    body, dash = answer.json(), page.context["dash"]

    # The series, period by period, as the page's tables and its CSV have them.
    assert [s["name"] for s in body["series"]] == [s.name for s in dash.all_series]
    csv_of = {(r[0], r[2]): r for r in rows}
    for out, series in zip(body["series"], dash.all_series, strict=True):
        assert out["summary"] == series.summary
        assert [p["period"] for p in out["points"]] == [line["period"] for line in series.table]
        for point in [*out["points"], out["whole"]]:
            row = csv_of[series.title, point["period"]]
            assert row[3] == (point["value"] or ""), (series.name, point)
            assert row[5] == noted(point) if point["reason"] else row[5] == ""
            if point["value"] is not None:
                assert row[4] == str(point["observations"])
    attendance = next(s for s in body["series"] if s["name"] == "attendance")
    assert attendance["points"] == [
        {
            "period": figures["hidden"],
            "value": None,
            "observations": None,
            "reason": "drawn from fewer than 5 people",
        },
        {"period": figures["shown"], "value": "80.0", "observations": 5, "reason": None},
    ]
    assert attendance["whole"]["value"] == "80.0"  # the periods shown, and only those
    assert "80 %" in page.content.decode() and "50.0" not in answer.content.decode()

    # Career outcomes: one award is a figure about one person, said as such.
    award = next(line for line in body["outcomes"] if line["kind"] == "award")
    assert award["happened_to"] == {"value": None, "reason": "fewer than 5 of the 7 people"}
    assert award["rate"] is None and award["of"] is None
    for out, line in zip(body["outcomes"], dash.outcomes, strict=True):
        assert (out["label"], out["sentence"]) == (line.label, line.sentence)
        (row,) = [r for r in rows if r[0] == line.label and r[1] == "people it happened to"]
        assert row[5] == noted(out["happened_to"])

    # The headline: participants and the money, as the page's and the CSV's.
    assert body["participants"] == {"value": 7, "reason": None}
    assert body["k"] == dash.k == 5
    money = body["money"]
    for label, name in (
        ("Adjusted benefits, first year", "benefits"),
        ("Fully loaded costs", "costs"),
        ("Benefit-cost ratio", "bcr"),
        ("ROI %", "roi_percent"),
    ):
        (row,) = [r for r in rows if r[0] == label]
        assert (row[3], row[5]) == (money[name]["value"] or "", noted(money[name])), name
    assert money["basis"] == dash.roi.basis and money["currency"] == "GBP"


def test_the_roi_in_the_api_is_the_page_s_and_withholds_what_it_withholds(world):
    # Three people's verified claims counted (4,000 each), two people's not yet verified.
    for person in people(world, 3):
        claim(person)
    for person in in_set(world, world.set_a)[:2]:
        claim(person, annual_value=Decimal(7000), status="claimed")
    impact.claims_release(programme=world.programme)  # five people's claims: released
    sponsor = as_user(world.sponsor)
    url = f"/o/acme/programmes/{world.programme.pk}/"
    secret = token(world, "sponsor")

    def both() -> tuple[dict[str, Any], Any, list[list[str]]]:
        with time_machine.travel(timezone.now(), tick=False):
            page = sponsor.get(url + "roi/").context["roi"]
            rows = read_csv(sponsor.get(url + "roi.csv"))
            answer = get(secret, f"/programmes/{world.programme.pk}/roi")
        assert answer.status_code == 200
        return answer.json(), page, rows

    def as_csv(cell: dict[str, Any]) -> str:
        return str(cell["value"]) if cell["value"] is not None else noted(cell)

    def same(body: dict[str, Any], rows: list[list[str]]) -> None:
        money = body["money"]
        for item, cell in (
            ("adjusted benefits, first year", money["benefits"]),
            ("fully loaded costs", money["costs"]),
            ("benefit-cost ratio", money["bcr"]),
            ("ROI %", money["roi_percent"]),
        ):
            (row,) = [r for r in rows if r[1] == item]
            assert row[4] == as_csv(cell), item
        claims = [r for r in rows if r[0] == "claims"]
        assert [(r[1], r[2], r[3], r[4]) for r in claims] == [
            (g["label"], as_csv(g["claims"]), as_csv(g["claimed"]), as_csv(g["counted"]))
            for g in body["groups"]
        ]
        steps = [(r[1], r[4]) for r in rows if r[0] == "adjustment"]
        assert steps == [(line["label"], as_csv(line["value"])) for line in body["adjustments"]]
        costs = [(r[1], r[4]) for r in rows if r[0] == "cost"]
        assert costs == [(line["label"], as_csv(line["value"])) for line in body["costs"]]
        by_set = [(r[1], r[4]) for r in rows if r[0] == "by set"]
        assert by_set == [(line["label"], as_csv(line["value"])) for line in body["by_set"]]

    body, page, rows = both()
    same(body, rows)
    # Three people's benefits: withheld, with the working behind them, as on the page.
    assert page.benefits.hidden and body["money"]["benefits"] == {
        "value": None,
        "reason": "drawn from fewer than 5 people",
    }
    assert body["money"]["bcr"]["value"] is None and body["by_set"] == []
    assert body["groups"] and all(g["claims"]["value"] is None for g in body["groups"])
    assert body["adjustments"][0]["value"]["value"] is None
    text = get(secret, f"/programmes/{world.programme.pk}/roi").text
    for figure in ("12000", "30000", "4000.00"):  # (44,000 claimed in all, by five, is shown)
        assert not re.search(rf"(?<![\d,]){re.escape(figure)}", text), figure

    world.org.min_group_size = 3
    world.org.save()
    body, page, rows = both()
    same(body, rows)
    assert body["k"] == page.k == 3
    assert body["money"]["benefits"] == {"value": "12000.00", "reason": None}
    assert Decimal(body["money"]["benefits"]["value"]) == page.benefits.value
    assert body["claimed"] == {"value": "44000.00", "reason": None}
    assert body["claims"] == {"value": 5, "reason": None}
    assert body["by_set"] == [{"label": "Set A", "value": {"value": "12000.00", "reason": None}}]


def test_no_person_is_named_or_numbered_in_the_figures(world, figures):
    for person in Participant.objects.filter(pk__gte=FIRST_ID)[:5]:
        claim(person)
    impact.claims_release(programme=world.programme)
    world.org.min_group_size = 3  # as much shown as may be
    world.org.save()
    Action.objects.create(
        challenge=Challenge.objects.earliest("pk"),
        text=f"Call {CANARY}",
        due_on=timezone.localdate(),
    )
    secret = token(world, "sponsor")
    pid = world.programme.pk
    everyone = Participant.objects.filter(set_memberships__learning_set__programme=pid)
    for path in ("dashboard", "roi", "board-reports"):
        answer = get(secret, f"/programmes/{pid}/{path}")
        assert answer.status_code == 200, path
        text = answer.content.decode()
        assert CANARY not in text, path
        for person in everyone:
            assert person.name not in text and person.email not in text, path
            if person.pk >= FIRST_ID:
                assert str(person.pk) not in text, path

        def keys(found: object) -> set[str]:
            if isinstance(found, dict):
                return set(found) | {k for v in found.values() for k in keys(v)}
            if isinstance(found, list):
                return {k for v in found for k in keys(v)}
            return set()

        assert not keys(answer.json()) & {"participant", "owner", "person", "user", "email"}
    # What the figures do show, they show: the benefits of the five claims (4,000 each).
    roi = get(secret, f"/programmes/{pid}/roi").json()
    assert roi["money"]["benefits"]["value"] == "20000.00"


def test_the_figures_cost_the_same_queries_with_ten_rows_and_many(world):
    a = people(world, 5)
    secret = token(world, "sponsor")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    pid = world.programme.pk
    paths = [f"/api/v1/programmes/{pid}/{p}" for p in ("dashboard", "roi", "board-reports")]

    def rows(n: int) -> None:
        start = last_month()
        for i in range(n):
            held(world.set_a, start - timedelta(days=3 * i), dict.fromkeys(a, i % 2 == 0))
        challenges = Challenge.objects.bulk_create(
            Challenge(learning_set=world.set_a, owner=a[i % 5], statement="C") for i in range(n)
        )
        Action.objects.bulk_create(
            Action(challenge=c, text="A", due_on=start.date() - timedelta(days=i))
            for i, c in enumerate(challenges)
        )
        BenefitClaim.objects.bulk_create(
            BenefitClaim(
                challenge=c,
                owner_id=c.owner_id,
                category="quality",
                currency="GBP",
                annual_value=Decimal(100 + i),
                attribution=50,
                confidence=50,
                status="verified",
            )
            for i, c in enumerate(challenges)
        )
        impact.claims_release(programme=world.programme)
        BoardReport.objects.bulk_create(
            BoardReport(
                programme=world.programme,
                requested_by=world.sponsor,
                status=BoardReport.Status.FAILED,
            )
            for _i in range(n)
        )

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    rows(10)
    # One minute for all (a new minute's rate counter is one more row), and warm.
    with time_machine.travel(timezone.now(), tick=False):
        for path in paths:
            client.get(path)
        at_ten = [count(path) for path in paths]
        rows(190)
        for path in paths:  # warm again: the dashboard's figures are cached for the rows read
            client.get(path)
        at_many = [count(path) for path in paths]
    assert at_ten == at_many, (at_ten, at_many)


# Webhooks ----------------------------------------------------------------------------------


def test_a_board_report_made_ready_is_told_once_by_its_ids_and_link(
    world, receiver, django_capture_on_commit_callbacks
):
    world.org.name = f"Acme {CANARY}"
    world.org.save()
    hook(world, receiver, "report.ready")
    sponsor = as_user(world.sponsor)
    with django_capture_on_commit_callbacks(execute=True):
        sponsor.post(f"/o/acme/programmes/{world.programme.pk}/report/")
    report = BoardReport.objects.get()
    assert report.status == BoardReport.Status.READY
    assert [r["event"] for r in receiver.received] == ["report.ready"]
    told = receiver.received[0]
    assert told["valid"] and told["body"]["data"] == {
        "report": str(report.pk),
        "programme": world.programme.pk,
        "url": f"/api/v1/board-reports/{report.pk}",
    }
    for words in (CANARY, "Leaders", "Sam Sponsor", "sam@acme.test"):
        assert words not in told["raw"]
    # A second worker on the same report makes nothing ready again, and tells nothing.
    with django_capture_on_commit_callbacks(execute=True):
        reports.build(str(report.pk))
    assert len(receiver.received) == 1
    # Its link leads the person who asked to it, and on to the PDF on the page; nobody else.
    answer = get(token(world, "sponsor"), told["body"]["data"]["url"].removeprefix("/api/v1"))
    assert answer.status_code == 200 and answer.json()["status"] == "ready"
    download = sponsor.get(answer.json()["download"])
    assert download["Content-Type"] == "application/pdf"
    assert get(token(world, "admin"), f"/board-reports/{report.pk}").status_code == 404
    listed = get(token(world, "sponsor"), f"/programmes/{world.programme.pk}/board-reports")
    assert [r["id"] for r in listed.json()["items"]] == [str(report.pk)]
    # Once the link has expired, the API offers no download.
    BoardReport.objects.filter(pk=report.pk).update(expires_at=timezone.now())
    assert get(token(world, "sponsor"), f"/board-reports/{report.pk}").json()["download"] is None


def test_a_report_that_could_not_be_built_is_not_told(
    world, receiver, django_capture_on_commit_callbacks, monkeypatch
):
    hook(world, receiver, "report.ready")

    def broken(*args: object) -> bytes:
        raise RuntimeError("no fonts")

    monkeypatch.setattr("revans.evidence.pdf.render", broken)
    with django_capture_on_commit_callbacks(execute=True):
        as_user(world.sponsor).post(f"/o/acme/programmes/{world.programme.pk}/report/")
    assert BoardReport.objects.get().status == BoardReport.Status.FAILED
    assert receiver.received == []


def sweep() -> None:
    call_command("sweep", stdout=io.StringIO())


def test_an_action_falls_due_once_on_its_day_told_by_ids_without_its_words_or_its_state(
    world, receiver, django_capture_on_commit_callbacks
):
    hook(world, receiver, "action.due")
    pat = Participant.objects.get(user=world.participant)
    challenge = Challenge.objects.create(
        learning_set=world.set_a, owner=pat, statement=f"Overtime {CANARY}"
    )
    today = world.org.today()
    still_open = Action.objects.create(
        challenge=challenge, text=f"Call {CANARY}", due_on=today + ONE
    )
    done_early = Action.objects.create(
        challenge=challenge, text="Ring round", due_on=today + ONE, status=Action.Status.DONE
    )
    old = Action.objects.create(challenge=challenge, text="Long ago", due_on=today - 30 * ONE)
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    assert receiver.received == []  # not their day yet; and old news is never told
    morning = datetime.combine(today + ONE, time(0, 5), ZoneInfo(world.org.time_zone))
    with time_machine.travel(morning, tick=False):
        for _sweep in range(2):  # the second finds nothing more to tell
            with django_capture_on_commit_callbacks(execute=True):
                sweep()
    assert [r["event"] for r in receiver.received] == ["action.due", "action.due"]
    assert all(r["valid"] for r in receiver.received)
    # Each its ids and its set's link alone: nothing says which one is done, whose, or what.
    assert sorted(r["body"]["data"]["action"] for r in receiver.received) == sorted(
        [still_open.pk, done_early.pk]
    )
    for told in receiver.received:
        assert told["body"]["data"] == {
            "action": told["body"]["data"]["action"],
            "set": world.set_a.pk,
            "url": f"/api/v1/sets/{world.set_a.pk}",
        }
        for words in (CANARY, "Call", "Ring", "done", "open", "Pat Participant", "Set A"):
            assert words not in told["raw"]
    fallen = Action.objects.exclude(fell_due_at=None).values_list("pk", flat=True)
    assert sorted(fallen) == sorted([still_open.pk, done_early.pk])
    old.refresh_from_db()
    assert old.fell_due_at is None


def test_an_action_falls_due_when_its_day_begins_where_its_organisation_is(world):
    world.org.time_zone = "Pacific/Auckland"
    world.org.save()
    pat = Participant.objects.get(user=world.participant)
    challenge = Challenge.objects.create(learning_set=world.set_a, owner=pat, statement="S")
    day = world.org.today() + 10 * ONE
    action = Action.objects.create(challenge=challenge, text="T", due_on=day)
    told: list[dict[str, Any]] = []

    def heard(sender: Any, **kwargs: Any) -> None:
        told.append({k: v for k, v in kwargs.items() if k != "signal"})

    action_fell_due.connect(heard, weak=False)
    try:
        begins = datetime.combine(day, time(0), ZoneInfo("Pacific/Auckland"))
        assert begins.astimezone(UTC).date() == day - ONE  # still the day before in UTC
        assert cycle_sweeps.fall_due(begins - timedelta(minutes=1)) == 0
        assert cycle_sweeps.fall_due(begins + timedelta(minutes=1)) == 1
        assert cycle_sweeps.fall_due(begins + timedelta(hours=3)) == 0  # once
    finally:
        action_fell_due.disconnect(heard)
    assert told == [
        {"action_id": action.pk, "set_id": world.set_a.pk, "organisation_id": world.org.pk}
    ]
