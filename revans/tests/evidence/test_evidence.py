"""The evidence beyond money (issue 13): anonymous surveys and their receipts, invitations and
reminders once each, a set's result only past k, career outcomes against a baseline, the
sponsor's dashboard with its charts and CSV, and the board's PDF built in the background."""

import io
import uuid
from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from revans.accounts.models import Role
from revans.domain import climate
from revans.domain.evidence import SETTLE
from revans.evidence import reports, surveys
from revans.evidence.dashboard import dashboard
from revans.evidence.models import (
    Answer,
    Baseline,
    BoardReport,
    CareerOutcome,
    Receipt,
    Survey,
    SurveyNotice,
)
from revans.evidence.pdf import OwnFilesOnly
from revans.impact.models import BenefitClaim
from revans.learning import services as cycle_services
from revans.learning.models import Action, Challenge, ReportBack
from revans.meetings import services as meeting_services
from revans.meetings.models import Attendance, Meeting
from revans.programmes.models import Participant, Programme, SetMembership
from revans.tests.sweeps import assert_canary_absent, crawl
from revans.tests.world import make_member, make_user

TEXT_CANARY = "zqx-survey-text-21"
CLAIM_CANARY = "zqx-private-claim-22"
REFLECTION_CANARY = "zqx-reflection-23"
CHALLENGE_CANARY = "zqx-set-text-24"


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def said(response) -> str:
    return str(response.content.decode())


def members(world, count: int, learning_set=None) -> list[Participant]:
    """More members of a set (set A unless told), each with an account."""
    people = []
    for n in range(count):
        user = make_user(f"e{n}.{uuid.uuid4().hex[:6]}@acme.test", f"Evidence Person {n}")
        make_member(world.org, user, Role.PARTICIPANT)
        person = Participant.objects.create(
            organisation=world.org, email=user.email, name=user.name, user=user
        )
        SetMembership.objects.create(
            learning_set=learning_set or world.set_a,
            participant=person,
            joined_on=world.programme.starts_on,
        )
        people.append(person)
    return people


def everyone(world) -> list[Participant]:
    return list(
        Participant.objects.filter(set_memberships__learning_set=world.set_a).order_by("pk")
    )


def climate_survey(world, *, days_open: int = 5, learning_set=None, round_: int = 0) -> Survey:
    now = timezone.now()
    return Survey.objects.create(
        learning_set=learning_set or world.set_a,
        kind=Survey.Kind.CLIMATE,
        round=round_,
        items=[text for text, _reverse in climate.PSYCHOLOGICAL_SAFETY],
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=days_open),
        key=f"{(learning_set or world.set_a).pk}:climate:{round_}:{uuid.uuid4().hex[:6]}",
    )


def last_month() -> datetime:
    """Noon on the 10th of the last month that is over and settled (revans.domain.evidence)."""
    first = (timezone.now() - SETTLE).replace(day=1, hour=12, minute=0, second=0, microsecond=0)
    return (first - timedelta(days=1)).replace(day=10)


def evaluation_survey(world, key: str) -> Survey:
    """An open evaluation of set A's meetings (usefulness, and would they recommend them)."""
    return Survey.objects.create(
        learning_set=world.set_a,
        kind=Survey.Kind.EVALUATION,
        items=[climate.USEFULNESS],
        opens_at=timezone.now() - timedelta(days=3),
        closes_at=timezone.now() + timedelta(days=3),
        key=key,
    )


def close(survey: Survey) -> None:
    """The survey ran last month (a period that is over) and has closed."""
    Survey.objects.filter(pk=survey.pk).update(
        opens_at=last_month(), closes_at=last_month() + timedelta(days=5)
    )
    survey.refresh_from_db()


def all_agree(value: int) -> dict[int, int]:
    return dict.fromkeys(range(7), value)


# Anonymous means anonymous -----------------------------------------------------------------


def test_no_answer_row_can_be_joined_to_a_person(world):
    fields = {f.name: f for f in Answer._meta.get_fields()}
    # No person, no time: nothing in the row names or dates whoever wrote it.
    assert not [
        name
        for name, f in fields.items()
        if (f.is_relation and f.related_model not in (Survey,))
        or f.get_internal_type() in ("DateTimeField", "DateField", "AutoField", "BigAutoField")
    ]
    receipt_fields = {f.name for f in Receipt._meta.get_fields()}
    assert receipt_fields == {"id", "survey", "participant"}  # not when, not which answer

    people = [*everyone(world), *members(world, 4)]
    survey = climate_survey(world)
    seen: set[uuid.UUID] = set()
    for n, person in enumerate(people):
        surveys.answer(survey=survey, participant=person, scores=all_agree(1 + n))
        ids = set(Answer.objects.filter(survey=survey).values_list("id", flat=True))
        assert not ids & seen  # every answer got a fresh id: none keeps the one it was born with
        seen |= ids
    assert Answer.objects.filter(survey=survey).count() == Receipt.objects.count() == 6
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT xmin::text FROM evidence_answer")
            answers = {row[0] for row in cursor.fetchall()}
            cursor.execute("SELECT xmin::text FROM evidence_receipt")
            receipts = [row[0] for row in cursor.fetchall()]
        # All answers were rewritten in one transaction: its id tells no answer from another,
        # and no receipt carries an answer's transaction id.
        assert len(answers) == 1 and len(receipts) == 6
        assert not answers & set(receipts)


def test_a_second_answer_a_closed_survey_and_a_value_off_the_scale_are_refused(world):
    pat, quinn = everyone(world)
    survey = climate_survey(world)
    surveys.answer(survey=survey, participant=pat, scores=all_agree(5))
    with pytest.raises(ValidationError, match="answered this survey already"):
        surveys.answer(survey=survey, participant=pat, scores=all_agree(2))
    for bad in ({0: 8}, {0: 0}, {7: 3}, {}):
        with pytest.raises(ValidationError):
            surveys.answer(survey=survey, participant=quinn, scores=bad)
    close(survey)
    with pytest.raises(ValidationError, match="closed"):
        surveys.answer(survey=survey, participant=quinn, scores=all_agree(4))
    assert Answer.objects.count() == Receipt.objects.count() == 1
    assert Answer.objects.get().scores == {str(n): 5 for n in range(7)}


def test_a_member_answers_on_the_page_once_and_sees_the_result_only_past_k(world):
    world.org.min_group_size = 3
    world.org.save()
    _pat, quinn = everyone(world)
    survey = climate_survey(world)
    client = as_user(world.participant)
    page = client.get(f"/o/acme/surveys/{survey.pk}/")
    assert "It is safe to take a risk on this team." in said(page)
    data = {f"item_{n}": "6" for n in range(7)} | {"item_0": "2"}
    sent = client.post(f"/o/acme/surveys/{survey.pk}/", data, follow=True)
    assert "your answer is in" in said(sent)
    again = client.post(f"/o/acme/surveys/{survey.pk}/", data, follow=True)
    assert "answered this survey already" in said(again)
    off = as_user(world.participant2).post(f"/o/acme/surveys/{survey.pk}/", {"item_0": "9"})
    assert off.status_code == 200 and "Select a valid choice" in said(off)
    assert Answer.objects.count() == 1

    surveys.answer(survey=survey, participant=quinn, scores=all_agree(6))
    close(survey)
    shown = said(client.get(f"/o/acme/surveys/{survey.pk}/"))
    assert "Fewer than 3 answered" in shown  # two of a set: no result, it could point to one
    (extra,) = members(world, 1)
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() + timedelta(days=1))
    survey.refresh_from_db()
    surveys.answer(survey=survey, participant=extra, scores=all_agree(6))
    close(survey)
    shown = said(client.get(f"/o/acme/surveys/{survey.pk}/"))
    assert "Fewer than" not in shown and "The set&#x27;s mean" not in shown
    # Item 1 reversed (2 -> 6) and 6s elsewhere, for Pat; Quinn and the third: 6s, 1 3 5 reversed.
    expected = climate.set_score(
        [{0: 2, **dict.fromkeys(range(1, 7), 6)}, all_agree(6), all_agree(6)]
    )
    assert f"{expected:.1f}" in shown
    # Admins and sponsors never see a set's answers; they see the programme's, on the dashboard.
    assert as_user(world.sponsor).get(f"/o/acme/surveys/{survey.pk}/").status_code == 403


def test_free_text_reaches_the_set_s_facilitators_only_in_a_list(world):
    world.org.min_group_size = 3
    world.org.save()
    meeting = Meeting.objects.create(
        learning_set=world.set_a,
        starts_at=timezone.now() - timedelta(hours=3),
        ends_at=timezone.now() - timedelta(hours=1),
        time_zone="Europe/London",
    )
    survey = Survey.objects.create(
        learning_set=world.set_a,
        kind=Survey.Kind.EVALUATION,
        meeting=meeting,
        items=[climate.USEFULNESS],
        opens_at=meeting.ends_at,
        closes_at=meeting.ends_at + timedelta(days=7),
        key="evaluation-text",
    )
    people = [*everyone(world), *members(world, 2)]
    for n, person in enumerate(people):
        surveys.answer(
            survey=survey,
            participant=person,
            scores={0: 4},
            recommend=n > 0,
            text=f"Shorter check-in {TEXT_CANARY}" if n == 0 else "",
        )
    with pytest.raises(ValidationError, match="only the items"):
        climate_text = climate_survey(world)
        surveys.answer(survey=climate_text, participant=people[0], scores={0: 3}, text="words")
    close(survey)
    facilitator = said(as_user(world.facilitator).get(f"/o/acme/surveys/{survey.pk}/"))
    assert TEXT_CANARY in facilitator and "75 %" in facilitator  # 3 of 4 would recommend
    member = as_user(world.participant).get(f"/o/acme/surveys/{survey.pk}/")
    assert TEXT_CANARY not in said(member) and "75 %" in said(member)


# Invitations and reminders, once each --------------------------------------------------------


@pytest.mark.usefixtures("office_hours")
def test_the_sweep_opens_each_survey_once_invites_once_and_reminds_only_who_has_not_answered(
    world, settings
):
    today = world.org.today()
    Programme.objects.filter(pk=world.programme.pk).update(
        starts_on=today, ends_on=today + timedelta(days=200)
    )
    now = timezone.now()
    later = now + timedelta(hours=1)
    assert surveys.open_due(now=later) == 1  # set A's first climate round (set B has nobody)
    assert surveys.open_due(now=later) == 0
    survey = Survey.objects.get()
    assert survey.kind == Survey.Kind.CLIMATE and survey.round == 0
    assert SurveyNotice.objects.filter(kind="invitation").count() == 2
    assert surveys.send_due(now=later) == 2 and surveys.send_due(now=later) == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["pat@acme.test", "quinn@acme.test"]
    assert f"/o/acme/surveys/{survey.pk}/" in mail.outbox[0].body

    pat, _quinn = everyone(world)
    surveys.answer(survey=survey, participant=pat, scores=all_agree(5), now=later)
    near_the_end = survey.closes_at - timedelta(days=1)
    assert surveys.remind_due(now=near_the_end) == 1
    assert surveys.remind_due(now=near_the_end) == 0
    mail.outbox.clear()
    assert surveys.send_due(now=near_the_end) == 1
    assert [m.to[0] for m in mail.outbox] == ["quinn@acme.test"]
    assert "Reminder" in mail.outbox[0].subject


def ended_meeting(world) -> tuple[Meeting, Participant, Participant]:
    """Set A's meeting that ended an hour ago: Pat was there, Quinn was not."""
    meeting = Meeting.objects.create(
        learning_set=world.set_a,
        starts_at=timezone.now() - timedelta(hours=3),
        ends_at=timezone.now() - timedelta(hours=1),
        time_zone="Europe/London",
    )
    pat, quinn = everyone(world)
    Attendance.objects.create(meeting=meeting, participant=pat, present=True)
    Attendance.objects.create(meeting=meeting, participant=quinn, present=False)
    return meeting, pat, quinn


def test_an_evaluation_follows_a_meeting_and_asks_those_present(world):
    meeting, _pat, _quinn = ended_meeting(world)
    Programme.objects.filter(pk=world.programme.pk).update(
        starts_on=date(2020, 1, 1), ends_on=world.org.today() + timedelta(days=100)
    )
    surveys.open_due(now=timezone.now())
    evaluation = Survey.objects.get(kind=Survey.Kind.EVALUATION)
    assert evaluation.meeting == meeting
    assert list(
        SurveyNotice.objects.filter(survey=evaluation).values_list("user__email", flat=True)
    ) == ["pat@acme.test"]


# Outcomes and the baseline ------------------------------------------------------------------


def test_outcomes_and_baselines_refuse_what_cannot_be_and_write_nothing(world):
    admin = as_user(world.admin)
    base = f"/o/acme/programmes/{world.programme.pk}/outcomes/"
    pat, _quinn = everyone(world)
    before = world.programme.starts_on - timedelta(days=1)
    response = admin.post(
        base + "add/",
        {"participant": pat.pk, "kind": "promotion", "happened_on": before.isoformat()},
        follow=True,
    )
    assert "joined the programme on" in said(response)
    response = admin.post(
        base + "add/",
        {"participant": pat.pk, "kind": "promotion", "happened_on": "2099-01-01"},
        follow=True,
    )
    assert "once it has happened" in said(response)
    response = admin.post(
        base + "baseline/",
        {"kind": "promotion", "people": "10", "events": "11", "period": "last year"},
        follow=True,
    )
    assert "more people than there are" in said(response)
    assert not CareerOutcome.objects.exists() and not Baseline.objects.exists()
    day = world.org.today()  # Pat joined today
    ok = {"participant": pat.pk, "kind": "promotion", "happened_on": day.isoformat()}
    assert "is recorded" in said(admin.post(base + "add/", ok, follow=True))
    assert "already" in said(admin.post(base + "add/", ok, follow=True))
    assert CareerOutcome.objects.count() == 1
    assert as_user(world.sponsor).get(base).status_code == 403  # names: admins only


def test_the_dashboard_puts_outcomes_beside_the_baseline_and_says_when_too_few(world):
    people = [*everyone(world), *members(world, 10)]  # twelve on the programme
    day = world.programme.starts_on + timedelta(days=40)
    for person in people[:5]:
        CareerOutcome.objects.create(
            programme=world.programme, participant=person, kind="promotion", happened_on=day
        )
    CareerOutcome.objects.create(
        programme=world.programme, participant=people[5], kind="award", happened_on=day
    )
    Baseline.objects.create(
        programme=world.programme, kind="promotion", people=240, events=18, period="last year"
    )
    page = said(as_user(world.sponsor).get(f"/o/acme/programmes/{world.programme.pk}/dashboard/"))
    assert "5 of 12" in page and "18 of 240" in page
    rate = climate.wilson(5, 12)
    csv = said(as_user(world.sponsor).get(f"/o/acme/programmes/{world.programme.pk}/dashboard.csv"))
    assert f"{rate.low * 100:.1f}" in csv
    # One award is a figure about one person: said as such, never as "1 of 12".
    assert "1 of 12" not in page and "fewer than 5 of the 12 people" in page
    award = [line for line in csv.splitlines() if line.startswith('"Award"')]
    assert award and all(",1," not in line for line in award)
    for person in people[:6]:
        assert person.name not in page


# The dashboard, its charts, its CSV ----------------------------------------------------------


def answered_rounds(world, rounds: list[int]) -> None:
    """Every member of set A answers each climate round, scoring as given."""
    for n, value in enumerate(rounds):
        survey = climate_survey(world, round_=n)
        for person in everyone(world):
            surveys.answer(survey=survey, participant=person, scores=all_agree(value))
        close(survey)
        Survey.objects.filter(pk=survey.pk).update(
            opens_at=survey.opens_at - timedelta(days=90 * (len(rounds) - n))
        )


def test_climate_before_and_after_on_the_dashboard_page_chart_and_csv(world):
    members(world, 3)  # five in set A: k is met
    answered_rounds(world, [3, 6])  # items 1, 3, 5 turned round: (3*5 + 4*3)/7, (3*2 + 4*6)/7
    sponsor = as_user(world.sponsor)
    base = f"/o/acme/programmes/{world.programme.pk}/"
    page = said(sponsor.get(base + "dashboard/"))
    first, last = (3 * 5 + 4 * 3) / 7, (3 * 2 + 4 * 6) / 7
    assert f"it rose, from {first:.1f}" in page
    assert f"{first:.2f}" in page and f"{last:.2f}" in page
    chart = sponsor.get(base + "dashboard/climate.svg")
    assert chart["Content-Type"] == "image/svg+xml" and chart.content.startswith(b"<?xml")
    assert b"<script" not in chart.content
    assert sponsor.get(base + "dashboard/nothing.svg").status_code == 404
    csv = said(sponsor.get(base + "dashboard.csv"))
    assert "Psychological safety" in csv and f"{first:.2f}" in csv
    assert '<img src="/o/acme/programmes/' in page  # charts as images: the page's CSP holds


def test_a_round_counts_only_when_every_set_s_survey_of_it_has_closed(world):
    members(world, 3)
    b_people = members(world, 5, learning_set=world.set_b)
    answered_rounds(world, [4])
    a_round = Survey.objects.get(learning_set=world.set_a)
    open_b = climate_survey(world, learning_set=world.set_b, round_=0)
    Survey.objects.filter(pk=open_b.pk).update(opens_at=a_round.opens_at)  # the same round
    open_b.refresh_from_db()
    for person in b_people:
        surveys.answer(survey=open_b, participant=person, scores=all_agree(2))
    url = f"/o/acme/programmes/{world.programme.pk}/dashboard/"
    page = said(as_user(world.sponsor).get(url))
    assert "Psychological safety: shown once the period under way is over" in page
    assert "4.00" not in page  # set A's round alone: not shown while B's survey of it is open
    open_b.closes_at = timezone.now() - timedelta(days=1)
    open_b.save(update_fields=["closes_at"])
    page = said(as_user(world.sponsor).get(url))
    both = (5 * 4 + 5 * (4 * 2 + 3 * 6) / 7) / 10  # A: all 4s; B: all 2s, items 1, 3, 5 turned
    assert f"Psychological safety: {both:.1f} out of 7 in the periods shown." in page


def test_small_programmes_show_no_figure_drawn_from_fewer_than_k(world):
    meeting = Meeting.objects.create(
        learning_set=world.set_a,
        starts_at=last_month(),
        ends_at=last_month() + timedelta(hours=3),
        time_zone="Europe/London",
    )
    pat, quinn = everyone(world)
    Attendance.objects.create(meeting=meeting, participant=pat, present=True)
    Attendance.objects.create(meeting=meeting, participant=quinn, present=False)
    sponsor = as_user(world.sponsor)
    page = said(sponsor.get(f"/o/acme/programmes/{world.programme.pk}/dashboard/"))
    assert "50 %" not in page  # one of two present: a rate of two people
    assert "Too few people to show attendance" in page
    csv = said(sponsor.get(f"/o/acme/programmes/{world.programme.pk}/dashboard.csv"))
    assert "drawn from fewer than 5 people" in csv
    for line in csv.splitlines()[1:]:
        assert "50" not in line.split(",")[3]


# The board's PDF ---------------------------------------------------------------------------


def planted_private_text(world) -> None:
    """A canary in each kind of words a sponsor must never meet."""
    pat = everyone(world)[0]
    challenge = Challenge.objects.create(
        learning_set=world.set_a, owner=pat, statement=f"Overtime {CHALLENGE_CANARY}"
    )
    cycle_services.reflection_write(
        learning_set=world.set_a,
        author=pat,
        text=f"Privately {REFLECTION_CANARY}",
        prompt="",
        submission=uuid.uuid4(),
    )
    BenefitClaim.objects.create(
        challenge=challenge,
        owner=pat,
        category="cost_saving",
        description=f"Depot {CLAIM_CANARY}",
        workings=f"Shifts {CLAIM_CANARY}",
        currency="GBP",
        annual_value=1000,
        attribution=50,
        confidence=50,
        status="verified",
    )


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_board_s_pdf_is_built_once_in_the_background_and_its_link_is_short_lived(
    world, django_capture_on_commit_callbacks
):
    world.org.min_group_size = 3
    world.org.save()
    members(world, 3)
    answered_rounds(world, [4, 6])
    planted_private_text(world)
    evaluation = evaluation_survey(world, key="pdf-evaluation")
    for person in everyone(world):
        surveys.answer(
            survey=evaluation, participant=person, scores={0: 5}, text=f"Hm {TEXT_CANARY}"
        )
    close(evaluation)
    sponsor = as_user(world.sponsor)
    url = f"/o/acme/programmes/{world.programme.pk}/report/"
    # Asked twice before the worker starts: one report.
    first = sponsor.post(url)
    second = sponsor.post(url, follow=True)
    assert first["Location"] == second.redirect_chain[-1][0]
    assert "being built already" in said(second)
    assert BoardReport.objects.count() == 1
    report = BoardReport.objects.get()
    assert "<progress" in said(sponsor.get(f"/o/acme/reports/{report.pk}/?fragment=1"))

    with django_capture_on_commit_callbacks(execute=True):
        BoardReport.objects.all().delete()
        sponsor.post(url)
    report = BoardReport.objects.get()
    assert report.status == "ready" and report.progress == 100
    status = said(sponsor.get(f"/o/acme/reports/{report.pk}/"))
    assert "Download the PDF" in status
    download = sponsor.get(f"/o/acme/reports/{report.pk}/download/")
    assert download["Content-Type"] == "application/pdf"
    text = pdf_text(download.content)
    assert "Psychological safety" in text and "guiding principles" in text
    for canary in (TEXT_CANARY, CLAIM_CANARY, REFLECTION_CANARY, CHALLENGE_CANARY):
        assert canary not in text
    for person in Participant.objects.all():
        assert person.name not in text  # a sponsor's PDF names no person
    # Only the person who asked, and only for a short while.
    assert as_user(world.admin).get(f"/o/acme/reports/{report.pk}/download/").status_code == 404
    BoardReport.objects.filter(pk=report.pk).update(expires_at=timezone.now())
    assert sponsor.get(f"/o/acme/reports/{report.pk}/download/").status_code == 410
    assert reports.expire(now=timezone.now()) == 1
    assert not BoardReport.objects.exists()


def test_the_pdf_fetches_nothing_but_its_own_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("zqx-local-file")
    fetcher = OwnFilesOnly({"climate": b"<svg/>"})
    assert fetcher.fetch("revans-chart:climate").read() == b"<svg/>"
    assert b"@page" in fetcher.fetch("revans-static:css/report.css").read()
    for refused in (
        f"file://{secret}",
        "http://127.0.0.1:9/",
        "https://example.com/x.css",
        "revans-static:../settings.py",
        "revans-static:/etc/passwd",
        "revans-chart:other",
        "data:text/plain,zqx",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(refused)


def test_the_dashboard_csv_and_pdf_carry_no_private_words(world):
    world.org.min_group_size = 3
    world.org.save()
    people = [*everyone(world), *members(world, 3)]
    planted_private_text(world)
    evaluation = evaluation_survey(world, key="crawl-evaluation")
    for person in people:
        surveys.answer(survey=evaluation, participant=person, scores={0: 4}, text=TEXT_CANARY)
    close(evaluation)
    for who in (world.sponsor, world.admin):
        pages = crawl(as_user(who), ["/o/acme/", f"/o/acme/programmes/{world.programme.pk}/"])
        assert any("/dashboard" in url for url in pages)
        assert any("Usefulness of meetings: 4.0" in body for body in pages.values())
        for canary in (TEXT_CANARY, CLAIM_CANARY, REFLECTION_CANARY, CHALLENGE_CANARY):
            assert_canary_absent(pages, canary)


@pytest.mark.usefixtures("office_hours")
def test_the_plan_asks_a_self_assessment_before_and_after_and_the_dashboard_compares(world):
    world.org.min_group_size = 3
    world.org.save()
    sponsor = as_user(world.sponsor)
    base = f"/o/acme/programmes/{world.programme.pk}/"
    saved = sponsor.post(
        base + "surveys/",
        {
            "climate_every_weeks": "8",
            "answer_days": "10",
            "evaluate_meetings": "on",
            "self_assessment": "I coach rather than tell\nI ask before I advise\n",
        },
        follow=True,
    )
    assert "The survey plan is saved" in said(saved)
    refused = sponsor.post(base + "surveys/", {"climate_every_weeks": "99", "answer_days": "1"})
    assert refused.status_code == 200 and surveys.plan_of(world.programme).answer_days == 10
    today = world.org.today()
    Programme.objects.filter(pk=world.programme.pk).update(
        starts_on=today, ends_on=today + timedelta(days=120)
    )
    world.programme.refresh_from_db()
    assert surveys.open_due(now=timezone.now() + timedelta(hours=1)) == 2  # climate and before
    before = Survey.objects.get(kind=Survey.Kind.SELF_BEFORE)
    assert before.items == ["I coach rather than tell", "I ask before I advise"]
    people = [*everyone(world), *members(world, 1)]
    for person in people:
        surveys.answer(survey=before, participant=person, scores={0: 2, 1: 3})
    with pytest.raises(ValidationError):  # a 5-point scale
        surveys.answer(survey=climate_survey(world), participant=people[0], scores={0: 9})
    after = Survey.objects.create(
        learning_set=world.set_a,
        kind=Survey.Kind.SELF_AFTER,
        items=before.items,
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=1),
        key="self-after",
    )
    for person in people:
        surveys.answer(survey=after, participant=person, scores={0: 4, 1: 3})
    close(before)
    close(after)
    page = said(sponsor.get(base + "dashboard/"))
    assert "I coach rather than tell: 3.0 out of 5 overall; it rose, from 2.0 in before" in page
    assert "I ask before I advise: 3.0 out of 5 overall; it held steady" in page


@pytest.mark.usefixtures("office_hours")
def test_only_those_at_the_meeting_evaluate_it_and_a_new_interval_asks_no_round_twice(world):
    _meeting, pat, quinn = ended_meeting(world)
    today = world.org.today()
    Programme.objects.filter(pk=world.programme.pk).update(
        starts_on=today, ends_on=today + timedelta(days=200)
    )
    now = timezone.now() + timedelta(hours=1)
    surveys.open_due(now=now)
    evaluation = Survey.objects.get(kind=Survey.Kind.EVALUATION)
    with pytest.raises(ValidationError, match="Only those at the meeting"):
        surveys.answer(survey=evaluation, participant=quinn, scores={0: 1}, now=now)
    assert evaluation not in surveys.open_for([quinn.pk], now)
    assert evaluation in surveys.open_for([pat.pk], now)
    # Quinn was never invited to it, so is never reminded of it either.
    late = evaluation.closes_at - timedelta(days=1)
    surveys.remind_due(now=late)
    assert not SurveyNotice.objects.filter(survey=evaluation, user=world.participant2).exists()
    # No reminder before half the time to answer has passed, so never with the invitation.
    assert surveys.remind_due(now=evaluation.opens_at + timedelta(days=1)) == 0
    plan = surveys.plan_save(programme=world.programme, answer_days=2, climate_every_weeks=4)
    assert plan.climate_every_weeks == 4
    assert surveys.open_due(now=now) == 0  # the first round is the same day: asked once
    assert Survey.objects.filter(kind=Survey.Kind.CLIMATE).count() == 1
    rounds = surveys.climate_rounds(world.programme, plan)
    assert all(b - a >= timedelta(days=2) for a, b in pairwise(rounds))


def test_a_set_s_result_hides_an_item_fewer_than_k_answered(world):
    world.org.min_group_size = 3
    world.org.save()
    people = [*everyone(world), *members(world, 1)]
    survey = climate_survey(world)
    surveys.answer(survey=survey, participant=people[0], scores={0: 7, 1: 7})
    for person in people[1:]:
        surveys.answer(survey=survey, participant=person, scores={1: 5})
    close(survey)
    page = said(as_user(world.participant).get(f"/o/acme/surveys/{survey.pk}/"))
    assert "not shown: too few answered it" in page  # item 1: one answer, Pat's 7 (as 1)
    assert "5.7" in page  # item 2: (7 + 5 + 5) / 3


def test_the_month_under_way_is_not_shown_until_it_is_over(world):
    people = [*everyone(world), *members(world, 4)]
    meeting = Meeting.objects.create(
        learning_set=world.set_a,
        starts_at=timezone.now() - timedelta(minutes=90),
        ends_at=timezone.now() - timedelta(minutes=30),
        time_zone="Europe/London",
    )
    for person in people:
        Attendance.objects.create(meeting=meeting, participant=person, present=True)
    page = said(as_user(world.sponsor).get(f"/o/acme/programmes/{world.programme.pk}/dashboard/"))
    assert "Attendance: shown once the period under way is over." in page
    assert "100 %" not in page


def test_a_survey_opened_late_sends_its_invitation_before_any_reminder(world):
    # The sweep was down: the round opened 12 days ago (of 14) and is only made now.
    start = world.org.today() - timedelta(days=12)
    Programme.objects.filter(pk=world.programme.pk).update(
        starts_on=start, ends_on=start + timedelta(days=200)
    )
    now = timezone.now()
    assert surveys.open_due(now=now) == 1
    assert surveys.remind_due(now=now) == 0  # no invitation has gone out yet
    assert surveys.send_due(now=now) == 2
    assert surveys.remind_due(now=now + timedelta(hours=2)) == 0  # sent only just now
    assert surveys.remind_due(now=now + timedelta(days=1, minutes=1)) == 2


# No figure about fewer than k people, by any route (issue 18, point 2) -----------------------


def test_a_survey_figure_counts_the_people_behind_its_own_item(world):
    """Five answered the evaluation; two said whether they would recommend it: "would
    recommend" is drawn from two people and is not shown, whatever the survey's five."""
    people = [*everyone(world), *members(world, 3)]
    evaluation = evaluation_survey(world, key=f"{world.set_a.pk}:evaluation:item-k")
    for n, person in enumerate(people):
        surveys.answer(
            survey=evaluation,
            participant=person,
            scores={0: 4},
            recommend=False if n < 2 else None,
        )
    close(evaluation)
    csv = said(as_user(world.sponsor).get(f"/o/acme/programmes/{world.programme.pk}/dashboard.csv"))
    month = f"{last_month():%Y-%m}"
    usefulness = next(line for line in csv.splitlines() if "Usefulness" in line and month in line)
    recommend = next(
        line for line in csv.splitlines() if "Would recommend" in line and month in line
    )
    assert ",4.00,5," in usefulness
    assert "not shown: drawn from fewer than 5 people" in recommend and "0.0" not in recommend


def test_a_period_s_figure_once_shown_never_changes(world):
    """A late report-back does not move a month's follow-through once shown, and attendance of
    a settled month can no longer change (issue 18: 73.3 % became 80.0 % in the demo)."""
    world.org.min_group_size = 3
    world.org.save()
    people = [*everyone(world), *members(world, 3)]
    held = last_month().replace(day=5)
    first, then = (
        Meeting.objects.create(
            learning_set=world.set_a,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            time_zone="Europe/London",
        )
        for start in (held, held + timedelta(days=14))
    )
    actions = []
    for person in people:
        challenge = Challenge.objects.create(
            learning_set=world.set_a, owner=person, statement="S", written_at=held
        )
        actions.append(
            Action.objects.create(
                challenge=challenge,
                text="Do it",
                due_on=(held + timedelta(days=7)).date(),
                committed_at=first,
                written_at=first.ends_at,
            )
        )
    for action in actions[:4]:
        ReportBack.objects.create(
            action=action, meeting=then, outcome="done", written_at=then.ends_at
        )
    month = f"{held:%Y-%m}"

    def follow_through() -> str:
        dash = dashboard(world.programme)
        return str(next(p["number"] for p in dash.follow_through.table if p["period"] == month))

    assert follow_through() == "80.0"
    ReportBack.objects.create(action=actions[4], meeting=then, outcome="done")  # typed in today
    assert follow_through() == "80.0"
    with pytest.raises(ValidationError, match="has settled"):
        meeting_services.attendance_record(meeting=first, present=set(), by=world.facilitator)
