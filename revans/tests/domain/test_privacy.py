"""Suppression: no figure from fewer than k people, and none that gives one away by subtraction."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from revans.domain.privacy import FLOOR, Figure, Hidden, Shown, single, table


def people(*ids: int) -> frozenset[int]:
    return frozenset(ids)


def group(start: int, count: int) -> frozenset[int]:
    return frozenset(range(start, start + count))


def test_a_figure_from_fewer_than_k_people_is_hidden_and_k_is_never_below_3():
    assert single(Figure(10, group(0, 4)), k=5) == Hidden("drawn from fewer than 5 people")
    assert isinstance(single(Figure(10, group(0, 5)), k=5), Shown)
    assert single(Figure(10, group(0, 2)), k=1) == Hidden("drawn from fewer than 3 people")
    assert FLOOR == 3


def test_one_small_cell_takes_a_sibling_with_it_so_the_total_gives_nothing_away():
    cells = {
        "Set A": Figure(Decimal(900), group(0, 2)),
        "Set B": Figure(Decimal(5000), group(2, 6)),
        "Set C": Figure(Decimal(7000), group(8, 8)),
    }
    shown, total = table(cells, Figure(Decimal(12900), group(0, 16)), k=5)
    assert shown["Set A"].hidden and shown["Set B"].hidden and not shown["Set C"].hidden
    assert "subtraction" in shown["Set B"].reason
    assert total == Shown(Decimal(12900), 16)


def test_people_in_two_cells_are_counted_once_when_hidden_cells_are_put_together():
    # Kinds A and B are the same three people; C is five others. Hiding A and B alone would let
    # the total less C give away those three people's figure, so C goes too.
    same = people(1, 2, 3)
    cells = {"A": Figure(10, same), "B": Figure(20, same), "C": Figure(50, group(10, 5))}
    shown, total = table(cells, Figure(80, same | group(10, 5)), k=5)
    assert all(cell.hidden for cell in shown.values()) and not total.hidden


def test_a_total_from_fewer_than_k_people_hides_everything():
    shown, total = table(
        {"a": Figure(1, people(1)), "b": Figure(2, people(2, 3))}, Figure(3, people(1, 2, 3)), k=5
    )
    assert total.hidden and all(cell.hidden for cell in shown.values())


def test_a_lone_small_cell_with_nothing_to_hide_beside_it_hides_the_total():
    shown, total = table({"only": Figure(5, people(1, 2))}, Figure(5, group(0, 9)), k=5)
    assert shown["only"].hidden and total.hidden


cells_strategy = st.dictionaries(
    st.sampled_from([f"group {i}" for i in range(8)]),
    # a cell's value and its people, drawn from twelve, so that cells overlap
    st.tuples(st.integers(0, 100_000), st.frozensets(st.integers(0, 11), max_size=9)),
    min_size=1,
    max_size=8,
)


@given(
    cells=cells_strategy,
    outside=st.frozensets(st.integers(100, 105)),
    k=st.integers(1, 8),
    with_total=st.booleans(),
)
def test_no_group_under_k_can_be_recovered_exactly(cells, outside, k, with_total):
    figures = {name: Figure(value, who) for name, (value, who) in cells.items()}
    everyone = frozenset().union(*(f.who for f in figures.values())) | outside
    total = Figure(sum(f.value for f in figures.values()), everyone) if with_total else None
    shown, shown_total = table(figures, total, k)
    k = max(k, FLOOR)
    # What is shown is drawn from k people or more.
    assert all(cell.people >= k for cell in shown.values() if not cell.hidden)
    if shown_total is not None and not shown_total.hidden:
        assert shown_total.people >= k
        # The attacker's one subtraction: the total less what is shown is the hidden cells' sum,
        # which must be two cells or more, drawn from k distinct people or more.
        # (A cell nobody is behind is shown as "none": its value, nothing, is known.)
        hidden = [name for name, cell in shown.items() if cell.hidden and not cell.empty]
        if hidden:
            assert len(hidden) >= 2, "a single hidden cell would be the difference"
            assert len(frozenset().union(*(figures[n].who for n in hidden))) >= k
    # A group under k is never shown, whichever way.
    for name, figure in figures.items():
        if figure.people < k:
            assert shown[name].hidden
