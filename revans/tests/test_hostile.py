"""Hostile values on the new forms: a clear answer and nothing changed, never a server error,
on PostgreSQL as on SQLite."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from revans.evidence.models import Answer, Baseline, CareerOutcome, Receipt, Survey, SurveyPlan
from revans.impact.models import BenefitClaim, CostItem, HourlyRate
from revans.learning import services
from revans.learning.models import Bid, Challenge, LiveMeeting, Question
from revans.programmes.models import Participant
from revans.tests.world import future_meeting

pytestmark = pytest.mark.slow  # a crawl or real servers: left out of `make test-fast`

HUGE = "99999999999999999999999"


@pytest.fixture
def challenge(world):
    return services.challenge_create(
        learning_set=world.set_a,
        owner=Participant.objects.get(user=world.participant),
        submission=uuid.uuid4(),
        fields={"statement": "S", "why_it_matters": "", "desired_outcome": "", "business_area": ""},
    )


def test_hostile_numbers_and_characters_are_refused_without_a_server_error(
    client, world, challenge
):
    client.force_login(world.participant)
    answers = [
        client.post(
            f"/o/acme/challenges/{challenge.pk}/edit/",
            {"version": HUGE, "statement": "x", "status": "open"},
        ),
        client.post(
            f"/o/acme/challenges/{challenge.pk}/edit/",
            {"version": "1", "statement": "nul\x00", "status": "open"},
        ),
        client.post(
            f"/o/acme/sets/{world.set_a.pk}/cycle/challenges/new/",
            {"submission": "not-a-uuid", "statement": "x" * 5000},
        ),
        client.post(f"/o/acme/challenges/{HUGE}/edit/", {"version": "1"}),
        client.get(f"/rsvp/{'A' * 5000}/"),
        client.get(f"/calendar/{'A' * 5000}.ics"),
        client.post(f"/unsubscribe/{'A' * 5000}/"),
    ]
    client.force_login(world.facilitator)
    meeting = future_meeting(world.set_a, days=-0.05)
    answers += [
        client.post(
            f"/o/acme/sets/{world.set_a.pk}/meetings/schedule/",
            {"cadence": "weekly", "every_weeks": HUGE, "minutes": HUGE, "at": "99:99"},
        ),
        client.post(
            f"/o/acme/meetings/{meeting.pk}/record/save/",
            {"version": HUGE, "presenters": [HUGE], "process_review": "x"},
        ),
        client.post(f"/o/acme/meetings/{meeting.pk}/attendance/", {"present": [HUGE, "x"]}),
    ]
    live = f"/o/acme/meetings/{meeting.pk}"
    pat = Participant.objects.get(user=world.participant)
    client.get(f"{live}/console/")
    answers += [
        client.get(f"{live}/board/poll/?v={HUGE}"),
        client.get(f"{live}/console/poll/?v=%00"),
        client.post(f"{live}/console/clock/", {"version": HUGE, "operation": "start"}),
        client.post(
            f"{live}/console/clock/", {"version": "1", "operation": "extend", "minutes": HUGE}
        ),
        client.post(f"{live}/console/clock/", {"version": "1", "operation": "explode"}),
        client.post(
            f"{live}/console/presenters/",
            {"version": "1", f"order_{pat.pk}": HUGE, f"minutes_{pat.pk}": HUGE},
        ),
        client.post(
            f"{live}/console/presenters/",
            {"version": HUGE, f"order_{pat.pk}": "1", f"minutes_{pat.pk}": "-5"},
        ),
        client.post(f"{live}/console/arrival/", {"participant": HUGE, "present": "yes"}),
        client.post(f"{live}/board/bid/", {"participant": HUGE, "minutes": HUGE}),
        client.post(
            f"{live}/console/questions/",
            {"presenter": HUGE, "asked_by": "x", "text": "nul\x00", "submission": "no"},
        ),
        client.post(
            f"{live}/console/actions/", {"challenge": HUGE, "text": "x", "due_on": "9999-99-99"}
        ),
        client.post(
            f"{live}/board/report-back/", {"action": HUGE, "outcome": "done", "then": "carry"}
        ),
        client.post(f"{live}/console/review/", {"text": "nul\x00"}),
        client.post(
            f"{live}/console/notes/", {"text": "x" * 5000, "submission": str(uuid.uuid4())}
        ),
        client.post(f"{live}/console/close/", {"version": HUGE}),
        client.post(f"{live}/board/chair/", {"version": "-1"}),
        client.post(
            f"{live}/console/agenda/",
            {"version": "1", "rows-TOTAL_FORMS": HUGE, "rows-INITIAL_FORMS": "0"},
        ),
        client.post(
            f"{live}/console/agenda/",
            {
                "version": HUGE,
                "rows-TOTAL_FORMS": "1",
                "rows-INITIAL_FORMS": "0",
                "rows-0-item": "phase",
                "rows-0-name": "nul\x00",
                "rows-0-minutes": HUGE,
                "rows-0-ORDER": HUGE,
            },
        ),
        client.post(
            f"/o/acme/programmes/{world.programme.pk}/agenda/",
            {
                "version": HUGE,
                "rows-TOTAL_FORMS": "1",
                "rows-INITIAL_FORMS": "0",
                "rows-0-item": "nonsense",
                "rows-0-name": "x",
                "rows-0-minutes": "5",
            },
        ),
    ]
    client.force_login(world.sponsor)
    programme = f"/o/acme/programmes/{world.programme.pk}"
    answers += [
        client.post(
            f"{programme}/costs/add/",
            {"category": "venue", "spent_on": "9999-99-99", "amount": "NaN"},
        ),
        client.post(
            f"{programme}/costs/add/",
            {"category": "x", "spent_on": "2026-02-01", "amount": "Infinity"},
        ),
        client.post(f"{programme}/costs/{HUGE}/remove/"),
        client.post(
            f"{programme}/rates/", {"rate": HUGE, "participant": HUGE, "job_level": "\x00"}
        ),
        client.post(
            f"{programme}/roi/settings/", {"extreme_rule": "cap", "extreme_value": "1e400"}
        ),
        client.post(f"/o/acme/claims/{HUGE}/decide/", {"version": HUGE, "decision": "verify"}),
    ]
    client.force_login(world.participant)
    answers += [
        client.post(
            f"/o/acme/challenges/{challenge.pk}/claims/",
            {
                "category": "revenue",
                "description": "x",
                "currency": "\x00\x00\x00",
                "annual_value": "1e30",
                "attribution": HUGE,
                "confidence": "-" + HUGE,
                "action": HUGE,
                "submission": "x",
            },
        ),
        client.post(f"/o/acme/claims/{HUGE}/edit/", {"version": HUGE}),
    ]
    assert all(a.status_code < 500 for a in answers), [a.status_code for a in answers]
    assert not CostItem.objects.exists() and not HourlyRate.objects.exists()
    assert not BenefitClaim.objects.exists()
    state = LiveMeeting.objects.get(meeting=meeting)  # and nothing changed
    assert state.version == 1 and state.state_version == 1 and state.deadline is None
    assert not Question.objects.exists() and not Bid.objects.exists()
    challenge.refresh_from_db()
    assert (challenge.statement, challenge.version) == ("S", 1)
    assert Challenge.objects.count() == 1


def test_hostile_values_on_the_evidence_pages_change_nothing(client, world):
    now = timezone.now()
    survey = Survey.objects.create(
        learning_set=world.set_a,
        kind="climate",
        items=["It is safe to take a risk on this team."],
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
        key="hostile",
    )
    pat = Participant.objects.get(user=world.participant)
    programme = f"/o/acme/programmes/{world.programme.pk}"
    client.force_login(world.participant)
    answers = [
        client.post(f"/o/acme/surveys/{survey.pk}/", {"item_0": HUGE}),
        client.post(f"/o/acme/surveys/{survey.pk}/", {"item_0": "nul\x00"}),
        client.post(f"/o/acme/surveys/{survey.pk}/", {"item_0": "-1"}),
        client.post(f"/o/acme/surveys/{HUGE}/", {"item_0": "3"}),
    ]
    client.force_login(world.admin)
    answers += [
        client.post(
            f"{programme}/outcomes/add/",
            {"participant": HUGE, "kind": "promotion", "happened_on": "2026-05-01"},
        ),
        client.post(
            f"{programme}/outcomes/add/",
            {"participant": pat.pk, "kind": "nul\x00", "happened_on": "99999-01-01"},
        ),
        client.post(f"{programme}/outcomes/{HUGE}/remove/"),
        client.post(
            f"{programme}/outcomes/baseline/",
            {"kind": "promotion", "people": HUGE, "events": HUGE, "period": "x"},
        ),
        client.post(
            f"{programme}/outcomes/baseline/",
            {"kind": "promotion", "people": "-5", "events": "-1", "period": "nul\x00"},
        ),
        client.post(
            f"{programme}/surveys/",
            {"climate_every_weeks": HUGE, "answer_days": "1", "self_assessment": "x" * 4000},
        ),
        client.get(f"{programme}/dashboard/{'x' * 300}.svg"),
        client.get(f"/o/acme/reports/{uuid.uuid4()}/"),
        client.get("/o/acme/reports/not-a-uuid/download/"),
    ]
    assert all(a.status_code < 500 for a in answers), [a.status_code for a in answers]
    assert not Answer.objects.exists() and not Receipt.objects.exists()
    assert not CareerOutcome.objects.exists() and not Baseline.objects.exists()
    assert not SurveyPlan.objects.exists()
