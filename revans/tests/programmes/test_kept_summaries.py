"""A set's summary (its members, facilitators, mode and ground rules) is kept in the cache for
the pages that show it; every write it is drawn from has it read afresh, and signing in, which
writes only `last_login`, does not."""

import re

from django.utils import timezone

from revans.programmes import services
from revans.programmes.models import LearningSet, Participant
from revans.writes import kept_generation


def add_rae_to_set_a(world) -> Participant:
    rae = Participant.objects.get(email="rae@acme.test")
    services.set_member_add(
        learning_set=world.set_a,
        participant=rae,
        joined_on=timezone.localdate(),
        reason="",
        by=world.admin,
        announce=False,
    )
    return rae


def test_the_set_s_summary_follows_each_write_it_is_drawn_from(client, world):
    client.force_login(world.admin)
    url = f"/o/acme/sets/{world.set_a.pk}/"
    assert "Rae Pool" not in client.get(url).content.decode()
    client.get(url)  # kept now
    rae = add_rae_to_set_a(world)
    assert "Rae Pool" in client.get(url).content.decode()
    rae.name = "Rae Renamed"
    rae.save()
    assert "Rae Renamed" in client.get(url).content.decode()
    world.facilitator.name = "Fay Renamed"
    world.facilitator.save()
    assert "Fay Renamed" in client.get(url).content.decode()


def test_the_programme_page_s_kept_sets_follow_each_write_and_the_reader_s_language(client, world):
    client.force_login(world.admin)
    url = world.programme.get_absolute_url()
    page = client.get(url).content.decode()
    assert "Rae Pool" not in page and "Set Zqx" not in page
    unplaced = re.search(r"(\d+) (?:person|people) in the pool", page)
    assert unplaced is not None
    client.get(url)  # kept now
    add_rae_to_set_a(world)
    page = client.get(url).content.decode()
    assert "Rae Pool" in page
    assert f"{int(unplaced.group(1)) - 1} " in page.split("in the pool")[0][-12:]
    LearningSet.objects.create(programme=world.programme, name="Set Zqx")
    assert "Set Zqx" in client.get(url).content.decode()
    world.sponsor.language = "fr"
    world.sponsor.save()
    client.get(url)  # kept in English
    client.force_login(world.sponsor)
    assert "du vivier" in client.get(url).content.decode()


def test_signing_in_does_not_move_what_is_kept(client, world):
    client.force_login(world.participant)
    client.get("/o/acme/")
    before = kept_generation()
    client.logout()
    client.force_login(world.participant)
    client.get("/o/acme/")
    assert before is not None and kept_generation() == before
