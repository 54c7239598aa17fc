"""The confidentiality table, kind by kind, for every relation and membership state."""

from datetime import date

import pytest

from revans.domain.confidentiality import Kind, Reader, may_read, readable_since

WRITTEN = date(2026, 5, 10)
BEFORE, AFTER = date(2026, 1, 1), date(2026, 9, 1)

READERS = {
    "author": Reader(is_author=True),
    "member": Reader(as_member=[(date(2026, 6, 1), None)]),  # joined after it was written
    "former member, then": Reader(as_member=[(date(2026, 2, 1), date(2026, 7, 1))]),
    "former member, later": Reader(as_member=[(date(2026, 6, 1), date(2026, 7, 1))]),
    "moved in and out and back": Reader(
        as_member=[(date(2026, 1, 1), date(2026, 3, 1)), (date(2026, 8, 1), None)]
    ),
    "facilitator": Reader(as_facilitator=[(date(2026, 1, 1), None)]),
    "former facilitator, then": Reader(as_facilitator=[(date(2026, 1, 1), date(2026, 6, 1))]),
    "former facilitator, later": Reader(as_facilitator=[(date(2026, 6, 1), date(2026, 7, 1))]),
    "sponsor": Reader(is_sponsor=True),
    "admin, or anyone else": Reader(),
}

SET_CONTENT = {
    "author": True,
    "member": True,
    "former member, then": True,
    "former member, later": False,
    "moved in and out and back": True,
    "facilitator": True,
    "former facilitator, then": True,
    "former facilitator, later": False,
    "sponsor": False,
    "admin, or anyone else": False,
}
# A benefit claim: its owner, the set's facilitators (while in the set) and sponsors; no member.
CLAIM = {
    name: name in ("author", "facilitator", "former facilitator, then", "sponsor")
    for name in READERS
}
EXPECTED = {
    Kind.CHALLENGE: SET_CONTENT,
    Kind.ACTION: SET_CONTENT,
    Kind.REPORT_BACK: SET_CONTENT,
    Kind.SHARED_REFLECTION: SET_CONTENT,
    Kind.MEETING_RECORD: SET_CONTENT,
    Kind.REFLECTION: {name: name == "author" for name in READERS},
    Kind.PROCESS_NOTE: {
        name: name in ("author", "facilitator") or name.startswith("former facilitator")
        for name in READERS
    },
    Kind.CLAIM: CLAIM,
    Kind.EVIDENCE: CLAIM,
    Kind.SHARED_CLAIM_DESCRIPTION: CLAIM,
    Kind.CLAIM_DESCRIPTION: {name: CLAIM[name] and name != "sponsor" for name in READERS},
    # An anonymous answer's words: the set's facilitators (while in it); "author" never arises,
    # since nobody knows who wrote an anonymous answer.
    Kind.SURVEY_TEXT: {
        name: name in ("author", "facilitator", "former facilitator, then") for name in READERS
    },
}


def test_every_kind_has_a_rule_and_an_expectation():
    assert set(EXPECTED) == set(Kind)


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("name", list(READERS))
def test_who_may_read_what(kind, name):
    assert may_read(kind, READERS[name], WRITTEN) is EXPECTED[kind][name]


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("name", [n for n in READERS if n != "author"])
def test_the_periods_for_a_query_agree_with_may_read(kind, name):
    reader = READERS[name]
    periods = readable_since(kind, reader)
    for day in (BEFORE, WRITTEN, AFTER):
        in_a_period = any(
            start <= day and (until is None or day <= until) for start, until in periods
        )
        assert in_a_period is may_read(kind, reader, day), day
