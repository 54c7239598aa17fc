"""Hostile values on the new forms: a clear answer and nothing changed, never a server error,
on PostgreSQL as on SQLite."""

import uuid

import pytest

from conftest import future_meeting
from revans.learning import services
from revans.learning.models import Challenge
from revans.programmes.models import Participant

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
    assert all(a.status_code < 500 for a in answers), [a.status_code for a in answers]
    challenge.refresh_from_db()
    assert (challenge.statement, challenge.version) == ("S", 1)
    assert Challenge.objects.count() == 1
