"""The confidentiality table, kind by kind, for every relation and membership state, judged to
the moment."""

from datetime import UTC, datetime

import pytest

from revans.domain.confidentiality import CHANNEL, Kind, Reader, may_read

# The table is pure: it is given every moment and reads no clock, so these fixed moments hold
# on any day (no test here asks what time it is now).
YEAR = 2026


def at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(YEAR, month, day, hour, tzinfo=UTC)


WRITTEN = at(5, 10, 15)  # 15:00 on 10 May

READERS = {
    "author": Reader(is_author=True),
    "member": Reader(as_member=[(at(2, 1), None)]),
    "member who joined after it": Reader(as_member=[(at(6, 1), None)]),
    "former member, then": Reader(as_member=[(at(2, 1), at(7, 1))]),
    "former member, later": Reader(as_member=[(at(6, 1), at(7, 1))]),
    "left that morning": Reader(as_member=[(at(2, 1), at(5, 10, 10))]),
    "moved in and out and back": Reader(as_member=[(at(1, 1), at(3, 1)), (at(5, 1), None)]),
    "facilitator": Reader(as_facilitator=[(at(1, 1), None)]),
    "facilitator who joined after it": Reader(as_facilitator=[(at(5, 11), None)]),
    "former facilitator, then": Reader(as_facilitator=[(at(1, 1), at(6, 1))]),
    "former facilitator, later": Reader(as_facilitator=[(at(6, 1), at(7, 1))]),
    "sponsor": Reader(is_sponsor=True),
    "admin, or anyone else": Reader(),
}

IN_THE_SET_THEN = {"member", "former member, then", "moved in and out and back"}
FACILITATING_THEN = {"facilitator", "former facilitator, then"}
SET_CONTENT = {
    name: name == "author" or name in IN_THE_SET_THEN | FACILITATING_THEN for name in READERS
}
# A benefit claim: its owner, the set's facilitators (while in the set) and sponsors; no member.
CLAIM = {name: name in {"author", "sponsor"} | FACILITATING_THEN for name in READERS}
FACILITATORS_THEN = {name: name in {"author"} | FACILITATING_THEN for name in READERS}
EXPECTED = {
    Kind.CHALLENGE: SET_CONTENT,
    Kind.ACTION: SET_CONTENT,
    Kind.REPORT_BACK: SET_CONTENT,
    Kind.SHARED_REFLECTION: SET_CONTENT,
    Kind.MEETING_RECORD: SET_CONTENT,
    Kind.REFLECTION: {name: name == "author" for name in READERS},
    Kind.PROCESS_NOTE: FACILITATORS_THEN,
    Kind.APOLOGY_NOTE: FACILITATORS_THEN,
    Kind.CLAIM: CLAIM,
    Kind.CLAIM_FILE: CLAIM,
    Kind.SHARED_CLAIM_DESCRIPTION: CLAIM,
    Kind.CLAIM_DESCRIPTION: {name: CLAIM[name] and name != "sponsor" for name in READERS},
    # An anonymous answer's words: the set's facilitators (while in it); "author" never arises,
    # since nobody knows who wrote an anonymous answer.
    Kind.SURVEY_TEXT: FACILITATORS_THEN,
}


def test_every_kind_has_a_rule_and_an_expectation():
    assert set(EXPECTED) == set(Kind)


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("name", list(READERS))
def test_who_may_read_what(kind, name):
    assert may_read(kind, READERS[name], WRITTEN) is EXPECTED[kind][name]


def test_a_period_is_judged_to_the_moment_not_the_day():
    left_at_ten = Reader(as_member=[(at(2, 1), at(5, 10, 10))])
    assert may_read(Kind.REPORT_BACK, left_at_ten, at(5, 10, 9))
    assert not may_read(Kind.REPORT_BACK, left_at_ten, at(5, 10, 10))  # the moment they left
    assert not may_read(Kind.REPORT_BACK, left_at_ten, at(5, 10, 15))
    joined_at_noon = Reader(as_member=[(at(5, 10, 12), None)])
    assert not may_read(Kind.CHALLENGE, joined_at_noon, at(5, 10, 11))
    assert may_read(Kind.CHALLENGE, joined_at_noon, at(5, 10, 12))


def test_a_chat_channel_reads_nothing():
    assert not any(may_read(kind, CHANNEL, at(5, 10)) for kind in Kind)
