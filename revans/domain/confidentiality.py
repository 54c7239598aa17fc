"""Who may read each kind of private content that a set produces. One table, asked by every
page, fragment, export, email, PDF and endpoint (through each app's access helpers, which work
out the reader's relation to the set and ask `may_read`); nothing else decides.

Pure: a kind of content, the reader's relation to the set (their periods in it, as moments),
and the content's own moment: when it was written, shared or reported.

The rules (docs/decisions.md repeats them in words):
- The author always reads what they wrote.
- Set content (a challenge, an action and its progress, a report-back, a shared reflection, a
  meeting record) is read by the set's members and facilitators for what was written, shared or
  reported during their own periods in the set, to the moment: someone who left at 10:00 does
  not read what was written at 15:00, someone who joined today does not read last month's talk,
  and moving to another set does not take the old set's later talk along.
- A private reflection is the author's alone.
- A process note is for the set's facilitators, for what was written during their periods.
- A note sent with an apology ("for your facilitator") is for the set's facilitators alone.
- A benefit claim (its numbers and its evidence file) is read by its owner, the set's
  facilitators and the organisation's sponsors, who verify it; its description (what improved,
  how the value was worked out, the evidence in words) reaches sponsors only when the owner
  shares it. Other members of the set do not read claims.
- Free text in an anonymous survey answer has no author anyone can know: it is read, as a list
  of the set's answers, by the set's facilitators only (never the members, never sponsors).
- Otherwise sponsors and admins, as such, read none of it: they see figures, never text.
- A facilitator's periods are those in which they facilitated the set while holding the
  facilitator role: the access helpers give none to someone whose role was taken away.
- A chat channel (a set's or a programme's, in Slack or Teams) is nobody's: whoever is in it,
  it reads no kind of content (`CHANNEL`), so its messages say only when and where a meeting is.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Kind(StrEnum):
    CHALLENGE = "challenge"
    ACTION = "action"
    REPORT_BACK = "report_back"
    REFLECTION = "reflection"
    SHARED_REFLECTION = "shared_reflection"
    PROCESS_NOTE = "process_note"
    MEETING_RECORD = "meeting_record"
    CLAIM = "claim"  # a benefit claim's numbers and decision
    CLAIM_DESCRIPTION = "claim_description"  # its words, kept from the sponsor
    SHARED_CLAIM_DESCRIPTION = "shared_claim_description"  # its words, shared with the sponsor
    CLAIM_FILE = "claim_file"  # the file behind a claim
    SURVEY_TEXT = "survey_text"  # free text in an anonymous survey answer
    APOLOGY_NOTE = "apology_note"  # the note with an RSVP, "for your facilitator"


class Access(StrEnum):
    NONE = "none"
    WHILE_IN_SET = "while in the set"  # what was written during the reader's periods in it


@dataclass(frozen=True)
class Rule:
    members: Access
    facilitators: Access
    sponsors: bool = False  # the organisation's sponsors read it


RULES: dict[Kind, Rule] = {
    Kind.CHALLENGE: Rule(members=Access.WHILE_IN_SET, facilitators=Access.WHILE_IN_SET),
    Kind.ACTION: Rule(members=Access.WHILE_IN_SET, facilitators=Access.WHILE_IN_SET),
    Kind.REPORT_BACK: Rule(members=Access.WHILE_IN_SET, facilitators=Access.WHILE_IN_SET),
    Kind.SHARED_REFLECTION: Rule(members=Access.WHILE_IN_SET, facilitators=Access.WHILE_IN_SET),
    Kind.MEETING_RECORD: Rule(members=Access.WHILE_IN_SET, facilitators=Access.WHILE_IN_SET),
    Kind.REFLECTION: Rule(members=Access.NONE, facilitators=Access.NONE),
    Kind.PROCESS_NOTE: Rule(members=Access.NONE, facilitators=Access.WHILE_IN_SET),
    Kind.APOLOGY_NOTE: Rule(members=Access.NONE, facilitators=Access.WHILE_IN_SET),
    Kind.CLAIM: Rule(members=Access.NONE, facilitators=Access.WHILE_IN_SET, sponsors=True),
    Kind.CLAIM_DESCRIPTION: Rule(members=Access.NONE, facilitators=Access.WHILE_IN_SET),
    Kind.SHARED_CLAIM_DESCRIPTION: Rule(
        members=Access.NONE, facilitators=Access.WHILE_IN_SET, sponsors=True
    ),
    Kind.CLAIM_FILE: Rule(members=Access.NONE, facilitators=Access.WHILE_IN_SET, sponsors=True),
    Kind.SURVEY_TEXT: Rule(members=Access.NONE, facilitators=Access.WHILE_IN_SET),
}

type Period = tuple[datetime, datetime | None]  # from, until (None: still there)


@dataclass(frozen=True)
class Reader:
    """Someone's relation to one set: their times in it as a member and as a facilitator."""

    is_author: bool = False
    as_member: Sequence[Period] = field(default=())
    as_facilitator: Sequence[Period] = field(default=())
    is_sponsor: bool = False  # holds the sponsor role in the set's organisation

    @property
    def is_member(self) -> bool:
        return any(until is None for _from, until in self.as_member)

    @property
    def is_facilitator(self) -> bool:
        return any(until is None for _from, until in self.as_facilitator)


def _allows(access: Access, periods: Sequence[Period], moment: datetime) -> bool:
    if access == Access.NONE:
        return False
    return any(start <= moment and (until is None or moment < until) for start, until in periods)


def may_read(kind: Kind, reader: Reader, moment: datetime) -> bool:
    """May this reader read content of this kind whose moment (written, shared, reported) is
    `moment`?"""
    if reader.is_author:
        return True
    rule = RULES[kind]
    if rule.sponsors and reader.is_sponsor:
        return True
    return _allows(rule.members, reader.as_member, moment) or _allows(
        rule.facilitators, reader.as_facilitator, moment
    )


# A chat channel reads as someone with no periods in any set, who is neither author nor
# sponsor: `may_read` refuses it every kind (the channels' messages are made from a meeting's
# time and place alone, and their test asks this table for every kind).
CHANNEL = Reader()
