"""The dashboard's figures by period are kept in the cache (a busy hour reads them instead of
summing two years of rows); an edit in place, which changes no count, must still be read afresh.
On both caches production may use: the database's table, and Redis (several app servers)."""

import uuid

import pytest
import redis
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from revans.evidence.dashboard import dashboard
from revans.programmes.models import SetMembership

REDIS = "redis://127.0.0.1:6379/0"


def queries(world, now) -> int:
    with CaptureQueriesContext(connection) as done:
        dashboard(world.programme, now)
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
