"""Dashboard series: per period against the programme's total, nothing under k, nothing that
subtraction from the total would give away."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from revans.domain import privacy
from revans.domain.evidence import row, series

observations = st.lists(
    st.tuples(
        st.sampled_from(["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]),
        st.frozensets(st.integers(0, 14), min_size=1, max_size=3),  # people, overlapping
        st.integers(0, 7),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(observations, st.integers(1, 8))
def test_no_period_under_k_and_no_hidden_period_recovered_from_the_total(rows, k):
    points, total = series([row(p, who, v) for p, who, v in rows], k)
    k = privacy.floor(k)
    people = {p: frozenset().union(*(w for q, w, _v in rows if q == p)) for p, _w, _v in rows}
    for point in points:
        if not point.cell.hidden:
            assert len(people[point.period]) >= k
            assert point.cell.value == sum(Decimal(v) for q, _w, v in rows if q == point.period)
        if point.cell.hidden:
            assert point.mean is None
    hidden = [p for p in points if p.cell.hidden]
    if not total.cell.hidden and hidden:
        # Total minus the shown periods is a sum over two or more periods covering k people.
        assert len(hidden) >= 2
        assert len(frozenset().union(*(people[p.period] for p in hidden))) >= k
    if not total.cell.hidden:
        assert total.count == len(rows)


def test_a_mean_is_the_sum_over_the_observations():
    points, total = series([row("a", [n], 4.0 + n) for n in range(5)], 5)
    assert points[0].mean == Decimal(6) and total.mean == Decimal(6)
    assert row("b", [1], True).value == 1 and row("b", [1], 4.25).value == Decimal("4.25")
