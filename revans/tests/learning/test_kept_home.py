"""A member's own challenges, open actions and claims on their home page are kept for them in
the cache; each write to them has the page read them afresh."""

import uuid

from django.utils import timezone

from revans.learning import services
from revans.learning.models import Action
from revans.programmes.models import Participant
from revans.tests.impact.test_claim_notices import claim
from revans.tests.world import make_challenge


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
