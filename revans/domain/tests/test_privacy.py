"""Suppression: no figure from fewer than k people, and none that gives one away by subtraction."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from revans.domain.privacy import FLOOR, Figure, Hidden, Shown, single, table


def test_a_figure_from_fewer_than_k_people_is_hidden_and_k_is_never_below_3():
    assert single(Figure(10, 4), k=5) == Hidden("drawn from fewer than 5 people")
    assert isinstance(single(Figure(10, 5), k=5), Shown)
    assert single(Figure(10, 2), k=1) == Hidden("drawn from fewer than 3 people")
    assert FLOOR == 3


def test_one_small_cell_takes_a_sibling_with_it_so_the_total_gives_nothing_away():
    cells = {
        "Set A": Figure(Decimal(900), 2),
        "Set B": Figure(Decimal(5000), 6),
        "Set C": Figure(Decimal(7000), 8),
    }
    shown, total = table(cells, Figure(Decimal(12900), 16), k=5)
    assert shown["Set A"].hidden and shown["Set B"].hidden and not shown["Set C"].hidden
    assert "subtraction" in shown["Set B"].reason
    assert total == Shown(Decimal(12900), 16)


def test_a_total_from_fewer_than_k_people_hides_everything():
    shown, total = table({"a": Figure(1, 1), "b": Figure(2, 2)}, Figure(3, 3), k=5)
    assert total.hidden and all(cell.hidden for cell in shown.values())


def test_a_lone_small_cell_with_nothing_to_hide_beside_it_hides_the_total():
    shown, total = table({"only": Figure(5, 2)}, Figure(5, 9), k=5)  # 7 people in no cell
    assert shown["only"].hidden and total.hidden


cells_strategy = st.dictionaries(
    st.sampled_from([f"group {i}" for i in range(8)]),
    st.tuples(st.integers(0, 100_000), st.integers(0, 12)),
    min_size=1,
    max_size=8,
)


@given(cells=cells_strategy, extra=st.integers(0, 5), k=st.integers(1, 8), with_total=st.booleans())
def test_no_group_under_k_can_be_recovered_exactly(cells, extra, k, with_total):
    figures = {name: Figure(value, people) for name, (value, people) in cells.items()}
    people = sum(f.people for f in figures.values()) + extra  # some people are in no group
    total = Figure(sum(f.value for f in figures.values()), people) if with_total else None
    shown, shown_total = table(figures, total, k)
    k = max(k, FLOOR)
    # What is shown is drawn from k people or more.
    assert all(cell.people >= k for cell in shown.values() if not cell.hidden)
    if shown_total is not None and not shown_total.hidden:
        assert shown_total.people >= k
        # The attacker's one subtraction: the total less what is shown is the hidden cells' sum.
        hidden = [name for name, cell in shown.items() if cell.hidden]
        if hidden:
            assert len(hidden) >= 2, "a single hidden cell would be the difference"
            assert sum(figures[n].people for n in hidden) >= k
    # A group under k is never shown, whichever way.
    for name, figure in figures.items():
        if figure.people < k:
            assert shown[name].hidden
