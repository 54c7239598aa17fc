"""A member's own challenges, open actions and claims on their home page are kept for them in
the cache; each write to them has the page read them afresh."""

import re
import uuid
from datetime import timedelta

import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from revans.accounts import services as accounts
from revans.accounts.models import Role
from revans.domain import climate
from revans.evidence.models import Survey
from revans.learning import services
from revans.learning.models import Action
from revans.meetings.models import Meeting
from revans.programmes.models import Participant
from revans.tests.impact.test_claim_notices import claim
from revans.tests.world import future_meeting, make_challenge
from revans.writes import kept_generation


def test_a_member_s_home_shows_each_new_challenge_action_and_claim(client, world):
    client.force_login(world.participant)
    home = client.get("/o/acme/").content.decode()
    assert "zqx-home-challenge" not in home
    client.get("/o/acme/")  # kept now
    pat = Participant.objects.get(user=world.participant)
    challenge = make_challenge(world.set_a, pat, "zqx-home-challenge")
    assert "zqx-home-challenge" in client.get("/o/acme/").content.decode()
    action = services.action_create(
        challenge=challenge,
        by=pat,
        on_behalf=False,
        submission=uuid.uuid4(),
        text="zqx-home-action",
        due_on=timezone.localdate(),
    )
    assert "zqx-home-action" in client.get("/o/acme/").content.decode()
    services.action_progress(action=action, by=pat, version=action.version, progress="", done=True)
    assert Action.objects.get(pk=action.pk).status == Action.Status.DONE
    assert "zqx-home-action" not in client.get("/o/acme/").content.decode()
    made = claim(world)
    assert f"#{made.pk} " in client.get("/o/acme/").content.decode()


def test_a_kept_home_changes_with_the_clock_alone(client, world, office_hours):
    """Nothing is written between the reads (the kept generation stays), and all of them fall on
    one day where the reader and the organisation are: the clock alone opens and closes a survey
    on a member's home, and a meeting's board link shows from an hour before it starts."""
    start = timezone.now()
    survey = Survey.objects.create(
        learning_set=world.set_a,
        kind=Survey.Kind.EVALUATION,
        items=[climate.USEFULNESS],
        opens_at=start + timedelta(hours=1),
        closes_at=start + timedelta(hours=2),
        key="zqx-later",
    )
    meeting = future_meeting(world.set_a, days=0)
    Meeting.objects.filter(learning_set=world.set_a).exclude(pk=meeting.pk).delete()
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=start + timedelta(hours=4), ends_at=start + timedelta(hours=6)
    )
    link = reverse("evidence:survey", kwargs={"org": "acme", "survey_id": survey.pk})
    board = reverse("learning:board", kwargs={"org": "acme", "meeting_id": meeting.pk})
    client.force_login(world.participant)
    generation = kept_generation()

    def home_at(hours: float) -> str:
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            return str(client.get("/o/acme/").content.decode())

    read = home_at(0.1)
    assert link not in read and board not in read and "Next meeting:" in read
    assert link not in home_at(0.2)  # kept
    assert link in home_at(1.1)
    assert link in home_at(1.2)
    assert link not in home_at(2.1) and board not in home_at(2.2)
    assert board in home_at(3.1)
    assert "Next meeting:" not in home_at(6.1)
    assert kept_generation() == generation


def test_migrate_run_with_a_release_starts_a_new_generation(db):
    """What the old code kept may not be what the new code reads."""
    before = kept_generation()
    call_command("migrate", verbosity=0)
    assert kept_generation() != before


def test_the_managers_kept_home_follows_invitations_members_and_roles(client, world):
    """An admin's and a sponsor's part of the home (programmes, counts of people and
    invitations, the sponsor's claims link) is kept: each of these writes reads it afresh."""
    client.force_login(world.admin)

    def count(pattern: str) -> int:
        found = re.search(pattern, client.get("/o/acme/").content.decode())
        assert found is not None
        return int(found.group(1))

    invitations = count(r"(\d+) open invitations?")
    members = count(r"(\d+) active members?")
    assert count(r"(\d+) open invitations?") == invitations  # kept
    invitation = accounts.invitation_create(
        organisation=world.org,
        invited_by=world.admin,
        email="zqx@acme.test",
        name="Zqx",
        roles=[Role.PARTICIPANT],
    )
    assert count(r"(\d+) open invitations?") == invitations + 1
    accounts.invitation_accept_with_new_account(
        invitation=invitation, name="Zqx", password="a long passphrase 42"
    )
    assert count(r"(\d+) active members?") == members + 1
    client.force_login(world.sponsor)
    assert "New programme" in client.get("/o/acme/").content.decode()
    accounts.membership_set_roles(
        membership=world.membership(world.sponsor), roles=[Role.PARTICIPANT]
    )
    assert "New programme" not in client.get("/o/acme/").content.decode()
