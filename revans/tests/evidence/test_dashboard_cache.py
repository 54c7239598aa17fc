"""The sponsor's figures (the dashboard, the ROI) are kept in the cache (a busy hour reads them
instead of summing two years of rows); every write they are drawn from, an edit in place or a
bulk write that sends no signal, and a meeting beginning, must have them read afresh. On both
caches production may use: the database's table, and Redis (several app servers)."""

import uuid
from datetime import timedelta

import pytest
import redis
import time_machine
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from revans.domain import climate
from revans.evidence.dashboard import dashboard
from revans.evidence.models import Survey
from revans.impact.selectors import roi
from revans.learning import services as learning
from revans.learning.models import Action
from revans.meetings.models import Attendance
from revans.programmes import services as programmes
from revans.programmes.models import Participant, Programme, SetMembership
from revans.tests.world import future_meeting, make_challenge, set_elsewhere
from revans.writes import (
    GENERATION,
    kept_generation,
    kept_moved,
    kept_request_finished,
    kept_request_started,
)

REDIS = "redis://127.0.0.1:6379/0"


def queries(world, now=None, figures=dashboard) -> int:
    with CaptureQueriesContext(connection) as done:
        if figures is roi:
            roi(world.programme)
        else:
            figures(world.programme, now or timezone.now())
    return len(done)


@pytest.fixture(params=["database", "redis"])
def a_cache(request, settings):
    if request.param == "database":
        cache.clear()
        yield
        return
    # A prefix of its own (other tests and runs may share this Redis), its keys deleted after.
    prefix = f"test-{uuid.uuid4().hex}"
    backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS}
    with override_settings(
        CACHES={**settings.CACHES, "default": {**backend, "KEY_PREFIX": prefix}}
    ):
        yield
    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_figures_are_read_from_the_cache_until_a_row_they_read_is_edited_in_place(world, a_cache):
    now = timezone.now()
    kept_generation(world.programme)  # started, as the first read of its kept pages does
    first = queries(world, now)
    cached = queries(world, now)
    assert cached < first  # the second reading did not sum the rows again

    # A leaving day set on a membership: no row is added, no count changes, but who counted
    # in a period may have.
    membership = SetMembership.objects.filter(learning_set=world.set_a).earliest("pk")
    membership.left_on = timezone.localdate()
    membership.save()

    assert queries(world, now) == first  # read afresh
    membership.left_on = None
    membership.save()  # and again: the generation moves on from where it is
    assert queries(world, now) == first
    assert queries(world, now) == cached  # and kept again


def test_the_roi_is_read_afresh_after_each_kind_of_write_it_is_drawn_from(world, a_cache):
    kept_generation(world.programme)
    first = queries(world, figures=roi)
    cached = queries(world, figures=roi)
    assert cached < first

    def read_afresh() -> bool:
        again = queries(world, figures=roi)
        kept = queries(world, figures=roi)
        return again > cached and kept == cached

    # A versioned save is an update, which sends no signal.
    owner = Participant.objects.get(user=world.participant)
    action = Action.objects.filter(challenge__owner=owner).first() or learning.action_create(
        challenge=make_challenge(world.set_a, owner, "Rota"),
        by=owner,
        on_behalf=False,
        submission=uuid.uuid4(),
        text="Map the rota",
        due_on=timezone.localdate(),
    )
    assert read_afresh()
    learning.action_progress(
        action=action, by=owner, version=action.version, progress="Half done", done=False
    )
    assert read_afresh()
    # A facilitator's role taken away ends their facilitations by a bulk update.
    programmes.facilitations_end(membership=world.membership(world.facilitator))
    assert read_afresh()
    # A meeting begins: people's time so far now counts it, with no write at all.
    future_meeting(world.set_a, days=1)
    assert read_afresh()
    with time_machine.travel(timezone.now() + timedelta(days=1, hours=1)):
        assert read_afresh()


def test_each_programme_s_figures_are_kept_apart(client, world, a_cache):
    """Two programmes with no figures yet look alike in every count: the key names the
    programme, so neither page is served the other's kept HTML."""
    programmes = [
        Programme.objects.create(
            organisation=world.org,
            name=name,
            starts_on=world.programme.starts_on,
            ends_on=world.programme.ends_on,
        )
        for name in ("First", "Second")
    ]
    client.force_login(world.sponsor)
    for path in ("dashboard", "roi"):
        for programme in programmes:
            page = client.get(f"/o/acme/programmes/{programme.pk}/{path}/").content.decode()
            mine = f"/programmes/{programme.pk}/"
            others = [f"/programmes/{p.pk}/" for p in programmes if p != programme]
            assert mine in page and not any(other in page for other in others), path


def test_the_dashboard_is_read_afresh_as_a_survey_opens_and_closes_with_no_write(
    office_hours, world, a_cache
):
    """The counts of surveys opened and closed are kept until the next opens or closes: the
    clock alone, with no write, has the figures read afresh at each of those moments (in office
    hours: the day is in the key too, so half an hour before midnight would read afresh at 5)."""
    now = timezone.now()
    Survey.objects.create(
        learning_set=world.set_a,
        kind=Survey.Kind.CLIMATE,
        round=0,
        items=[text for text, _reverse in climate.PSYCHOLOGICAL_SAFETY],
        opens_at=now + timedelta(minutes=10),
        closes_at=now + timedelta(minutes=20),
        key=f"{world.set_a.pk}:climate:0:clock",
    )
    kept_generation(world.programme)
    first = queries(world, now)
    cached = queries(world, now)
    assert cached < first
    for later in (5, 15, 25):  # before it opens, while open, after it closed
        moment = now + timedelta(minutes=later)
        again = queries(world, moment)
        assert (again == cached) is (later == 5), later  # afresh once it opened, and closed
        assert queries(world, moment) == cached  # and kept again


def test_the_dashboard_s_charts_are_kept_under_the_figures_own_key(client, world, a_cache):
    """A chart is drawn once for every reader, and afresh after a write the figures are drawn
    from (it was kept a minute by programme alone, whatever was written meanwhile)."""
    client.force_login(world.sponsor)
    url = f"/o/acme/programmes/{world.programme.pk}/dashboard/attendance.svg"

    def read() -> int:
        with CaptureQueriesContext(connection) as done:
            assert client.get(url).status_code == 200
        return len(done)

    first = read()
    kept_read = read()
    assert kept_read < first
    membership = SetMembership.objects.filter(learning_set=world.set_a).earliest("pk")
    membership.left_on = timezone.localdate()
    membership.save()
    assert read() > kept_read  # drawn afresh
    assert read() == kept_read


def test_a_write_in_one_programme_leaves_another_s_figures_kept(world, a_cache):
    """A large organisation runs many programmes at once: a write to one's rows has its figures
    (and reads not confined to one programme) read afresh, and leaves the others' kept. A write
    to a pool entry, which every programme's figures may show, has them all read afresh."""
    elsewhere = set_elsewhere(world)
    person = Participant.objects.get(user=world.participant)
    mine = future_meeting(world.set_a, days=-3)
    now = timezone.now()
    kept_generation(world.programme)
    first = queries(world, now)
    cached = queries(world, now)
    assert cached < first
    anywhere = kept_generation()

    # Each kind of row of the other programme, a step or three from it, saved and deleted.
    SetMembership.objects.create(learning_set=elsewhere, participant=person)
    meeting = future_meeting(elsewhere, days=-3)
    attendance = Attendance.objects.create(meeting=meeting, participant=person, present=True)
    make_challenge(elsewhere, person, "Another programme's question")
    attendance.delete()
    assert queries(world, now) == cached  # this programme's figures are still kept
    assert kept_generation() != anywhere  # what is not confined to one programme moved

    # A row of this one, three steps from it, and its deletion.
    marked = Attendance.objects.create(meeting=mine, participant=person, present=False)
    assert queries(world, now) == first
    assert queries(world, now) == cached
    marked.delete()
    assert queries(world, now) == first
    assert queries(world, now) == cached

    # A pool entry's name shows in every programme.
    person.name = "Renamed"
    person.save()
    assert queries(world, now) == first


def test_a_request_asks_for_each_generation_once_and_reads_its_own_writes(world, a_cache):
    """A page makes several kept reads, and its header one more: within a request each
    generation is asked of the cache once, a write the request makes is seen by its reads
    after it, and once the request ends, every read asks again."""
    assert kept_request_started in request_started._live_receivers(None)[0]
    assert kept_request_finished in request_finished._live_receivers(None)[0]
    kept_request_started()  # as the signal does (sent here, it would close the test's database)
    try:
        first = kept_generation(world.programme)
        cache.set(GENERATION, 1, None)  # as another app server moves it meanwhile
        assert kept_generation(world.programme) == first  # one request, one reading
        assert kept_generation(world.programme, rows=False) == first.split(".")[0]
        kept_moved(within=world.programme)
        moved = kept_generation(world.programme)
        assert moved != first and moved.split(".")[0] == first.split(".")[0]
    finally:
        kept_request_finished()
    assert kept_generation(world.programme).split(".") == ["1", moved.split(".")[1]]
