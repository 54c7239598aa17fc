"""The dashboard's figures by period are kept in the cache (a busy hour reads them instead of
summing two years of rows); an edit in place, which changes no count, must still be read afresh."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from revans.evidence.dashboard import dashboard
from revans.programmes.models import SetMembership


def queries(world, now) -> int:
    with CaptureQueriesContext(connection) as done:
        dashboard(world.programme, now)
    return len(done)


def test_figures_are_read_from_the_cache_until_a_row_they_read_is_edited_in_place(world):
    cache.clear()
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
    assert queries(world, now) == cached  # and kept again
