"""Two writers of one challenge (its owner in two tabs, each opened at version 1): the second save
gets the conflict page with both texts, and the first one's words stay. The other editable
records have theirs beside their pages' tests: an action's progress and the meeting record
(test_cycle.py), a benefit claim (impact/test_impact.py), the live meeting (test_live.py)."""

import uuid

from django.test import Client

from revans.learning import services
from revans.learning.models import Challenge
from revans.programmes.models import Participant


def test_the_second_save_of_a_challenge_gets_the_conflict_page_and_overwrites_nothing(world):
    owner = Participant.objects.get(user=world.participant)
    challenge = services.challenge_create(
        learning_set=world.set_a,
        owner=owner,
        submission=uuid.uuid4(),
        fields={"statement": "Overtime", "why_it_matters": "", "desired_outcome": ""},
    )
    first, second = Client(), Client()
    for tab in (first, second):
        tab.force_login(world.participant)
    url = f"/o/acme/challenges/{challenge.pk}/edit/"
    fields = {"version": 1, "status": "open", "business_area": "Ops"}
    saved = first.post(url, {**fields, "statement": "Overtime at the depot"})
    assert saved.status_code == 302
    refused = second.post(url, {**fields, "statement": "Weekend overtime"})
    body = refused.content.decode()
    assert refused.status_code == 200 and "Someone else saved this" in body
    assert "Overtime at the depot" in body and "Weekend overtime" in body  # theirs; mine kept
    challenge.refresh_from_db()
    assert challenge.statement == "Overtime at the depot" and challenge.version == 2
    assert Challenge.objects.count() == 1
