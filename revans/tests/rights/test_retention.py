"""Retention: once a programme has ended and the organisation's days have passed, the sweep
empties what was written in its sets, once, says so in the audit trail, and leaves the figures
as they were; nothing sooner, nothing elsewhere."""

import dataclasses
from datetime import timedelta

import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from revans.audit.models import Entry, Event
from revans.evidence.dashboard import dashboard
from revans.impact.selectors import roi
from revans.learning.models import Challenge, Reflection
from revans.programmes.models import Programme
from revans.tests.rights.test_erasure import traces
from revans.tests.rights.test_export import MINE, THEIRS, _content


def test_past_its_retention_a_programme_s_writing_is_emptied_once_and_figures_stand(world):
    pat = world.org.participants.get(user=world.participant)
    quinn = world.org.participants.get(user=world.participant2)
    _content(world, pat, MINE)
    _content(world, quinn, THEIRS)
    world.org.retention_days = 30
    world.org.save()
    ended = timezone.localdate() - timedelta(days=5)
    Programme.objects.filter(pk=world.programme.pk).update(ends_on=ended)
    call_command("sweep")
    assert traces(MINE) and not Entry.objects.filter(event=Event.ERASED).exists()  # not yet
    with time_machine.travel(timezone.now() + timedelta(days=27), tick=False):
        before = (dashboard(world.programme), roi(world.programme))
        call_command("sweep")
        call_command("sweep")
        after = (dashboard(world.programme), roi(world.programme))
    assert traces(MINE, THEIRS) == []
    assert Challenge.objects.count() == 2 and Reflection.objects.count() == 2  # rows stay
    entry = Entry.objects.get(event=Event.ERASED)
    assert entry.detail["step"] == "retention" and entry.detail["challenges"] == 2
    for old, new in zip(before, after, strict=True):
        for field in dataclasses.fields(old):
            assert getattr(old, field.name) == getattr(new, field.name), field.name


def test_without_a_retention_or_before_the_end_nothing_is_emptied(world):
    pat = world.org.participants.get(user=world.participant)
    _content(world, pat, MINE)
    with time_machine.travel(timezone.now() + timedelta(days=400)):  # ended, but kept
        call_command("sweep")
    assert traces(MINE)
    world.org.retention_days = 30
    world.org.save()
    with time_machine.travel(timezone.now() + timedelta(days=200)):  # 20 days after its end
        call_command("sweep")
    assert traces(MINE)


def test_the_admin_sets_the_retention_within_its_bounds(world):
    admin = Client()
    admin.force_login(world.admin)
    form = {
        "name": world.org.name,
        "time_zone": world.org.time_zone,
        "min_group_size": 5,
        "retention_days": 10,
        "session_idle_minutes": world.org.session_idle_minutes,
        "session_absolute_hours": world.org.session_absolute_hours,
    }
    refused = admin.post("/o/acme/settings/", form)
    assert refused.status_code == 200 and refused.context["form"].errors
    world.org.refresh_from_db()
    assert world.org.retention_days is None
    admin.post("/o/acme/settings/", form | {"retention_days": 365})
    world.org.refresh_from_db()
    assert world.org.retention_days == 365


def test_pages_that_kept_what_was_written_read_it_afresh_once_it_is_emptied(world):
    """The cycle page and the learning log are kept in the cache; retention empties text by
    bulk updates, which send no signal, and still no page shows it afterwards."""
    pat = world.org.participants.get(user=world.participant)
    _content(world, pat, MINE)
    world.org.retention_days = 30
    world.org.save()
    Programme.objects.filter(pk=world.programme.pk).update(
        ends_on=timezone.localdate() - timedelta(days=5)
    )
    reader = Client()
    pages = [f"/o/acme/sets/{world.set_a.pk}/cycle/", f"/o/acme/sets/{world.set_a.pk}/log/"]
    with time_machine.travel(timezone.now() + timedelta(days=27), tick=False):
        reader.force_login(world.participant2)
        assert MINE in reader.get(pages[0]).content.decode()  # kept now
        call_command("sweep")
        for page in pages:
            assert MINE not in reader.get(page).content.decode(), page
