"""Dashboard series: a period only when it is over and drawn from k people; the whole only of
what is shown, so nothing hidden can be worked out from it, on one day or across days."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from revans.domain import privacy
from revans.domain.evidence import UNDER_WAY, row, series

PERIODS = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
observations = st.lists(
    st.tuples(
        st.sampled_from(PERIODS),
        st.frozensets(st.integers(0, 14), min_size=1, max_size=3),  # people, overlapping
        st.integers(0, 7),
    ),
    max_size=40,
)


def people_of(rows, period):
    return frozenset().union(*(w for q, w, _v in rows if q == period))


@settings(max_examples=300, deadline=None)
@given(observations, st.integers(1, 8), st.sets(st.sampled_from(PERIODS)))
def test_no_period_under_k_and_the_whole_is_only_what_is_shown(rows, k, under_way):
    points, total = series([row(p, who, v) for p, who, v in rows], k, under_way=under_way)
    k = privacy.floor(k)
    shown = [p for p in points if not p.cell.hidden]
    for point in points:
        if point.period in under_way:
            assert point.cell.hidden and point.cell.reason == UNDER_WAY
        if not point.cell.hidden:
            assert len(people_of(rows, point.period)) >= k
            assert point.cell.value == sum(Decimal(v) for q, _w, v in rows if q == point.period)
        else:
            assert point.mean is None and point.count == 0  # not even how many
    if shown:
        assert total.cell.value == sum((x.cell.value for x in shown), Decimal(0))
        assert total.count == sum(p.count for p in shown)
    else:
        assert total.cell.hidden


@settings(max_examples=200, deadline=None)
@given(observations, observations, st.integers(3, 6))
def test_a_later_day_moves_no_period_already_shown(before, later, k):
    """A period that is over does not change; rows of new periods only add new points, so two
    days' dashboards differ only by whole periods of k people or more."""
    first, _ = series([row(p, w, v) for p, w, v in before], k)
    extra = [("2026-06", w, v) for _p, w, v in later]
    second, _ = series([row(p, w, v) for p, w, v in [*before, *extra]], k)
    old = {p.period: p.cell for p in first}
    for point in second:
        if point.period in old:
            assert point.cell == old[point.period]
        elif not point.cell.hidden:
            assert len(people_of(extra, point.period)) >= k


def test_a_mean_is_the_sum_over_the_observations():
    points, total = series([row("a", [n], 4.0 + n) for n in range(5)], 5)
    assert points[0].mean == Decimal(6) and total.mean == Decimal(6)
    assert row("b", [1], True).value == 1 and row("b", [1], 4.25).value == Decimal("4.25")
