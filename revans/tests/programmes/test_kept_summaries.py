"""A set's summary (its members, facilitators, mode and ground rules) is kept in the cache for
the pages that show it; every write it is drawn from has it read afresh, and signing in, which
writes only `last_login`, does not."""

from django.utils import timezone

from revans.programmes import services
from revans.programmes.models import Participant
from revans.writes import kept_generation


def test_the_set_s_summary_follows_each_write_it_is_drawn_from(client, world):
    client.force_login(world.admin)
    url = f"/o/acme/sets/{world.set_a.pk}/"
    assert "Rae Pool" not in client.get(url).content.decode()
    client.get(url)  # kept now
    rae = Participant.objects.get(email="rae@acme.test")
    services.set_member_add(
        learning_set=world.set_a,
        participant=rae,
        joined_on=timezone.localdate(),
        reason="",
        by=world.admin,
        announce=False,
    )
    assert "Rae Pool" in client.get(url).content.decode()
    rae.name = "Rae Renamed"
    rae.save()
    assert "Rae Renamed" in client.get(url).content.decode()
    world.facilitator.name = "Fay Renamed"
    world.facilitator.save()
    assert "Fay Renamed" in client.get(url).content.decode()


def test_signing_in_does_not_move_what_is_kept(client, world):
    client.force_login(world.participant)
    client.get("/o/acme/")
    before = kept_generation()
    client.logout()
    client.force_login(world.participant)
    client.get("/o/acme/")
    assert before is not None and kept_generation() == before
