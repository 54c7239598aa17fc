"""Climate and outcome arithmetic for the evidence beyond money (issue 13, groundwork).

Edmondson's (1999) team psychological safety scale: seven items on a 7-point agreement scale,
items 1, 3 and 5 reverse-scored (reversed = 8 - answer). A member's score is the mean of the items
they answered; a set's score is the mean of its members' scores. Career outcomes are rates with a
Wilson score interval, so a small programme says plainly that its numbers cannot conclude much.

Pure: answers and counts in; scores, intervals and plain sentences out.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import sqrt

from .text import gettext as _
from .text import gettext_noop

SCALE = 7  # 1 = strongly disagree ... 7 = strongly agree

# The wording, verbatim (shared/research/peers-and-domain.md); True: reverse-scored.
PSYCHOLOGICAL_SAFETY = (
    (gettext_noop("If you make a mistake on this team, it is often held against you."), True),
    (gettext_noop("Members of this team are able to bring up problems and tough issues."), False),
    (gettext_noop("People on this team sometimes reject others for being different."), True),
    (gettext_noop("It is safe to take a risk on this team."), False),
    (gettext_noop("It is difficult to ask other members of this team for help."), True),
    (
        gettext_noop(
            "No one on this team would deliberately act in a way that undermines my efforts."
        ),
        False,
    ),
    (
        gettext_noop(
            "Working with members of this team, my unique skills and talents are valued "
            "and utilized."
        ),
        False,
    ),
)


# The session evaluation (Kirkpatrick level 1: reaction), after each meeting.
USEFULNESS = gettext_noop("How useful was this meeting to you?")
RECOMMEND = gettext_noop("Would you recommend these meetings to a colleague in your position?")
BETTER = gettext_noop("What would make it better?")
EVALUATION_SCALE = 5  # 1 = not at all useful ... 5 = extremely useful
# The leadership self-assessment (level 3, before and after): the programme's own items.
SELF_SCALE = 5  # 1 = not at all ... 5 = to a great extent


class ScaleError(ValueError):
    """An answer outside the scale, or to an item the scale does not have."""


def checked(answers: Mapping[int, int], items: int, scale: int) -> dict[int, int]:
    """The answers of one response, each to an item that exists and on the scale; missing
    items are allowed (a person may leave one out), an empty response is not."""
    for item, answer in answers.items():
        if not 0 <= item < items:
            raise ScaleError(_("There is no item {n}.").format(n=item + 1))
        if not 1 <= answer <= scale:
            raise ScaleError(_("Answers run from 1 to {n}.").format(n=scale))
    if not answers:
        raise ScaleError(_("Answer at least one item."))
    return dict(answers)


def mean(answers: Mapping[int, int]) -> float | None:
    """The mean of the items answered, none reversed (evaluation, self-assessment)."""
    return sum(answers.values()) / len(answers) if answers else None


def scored(item: int, answer: int) -> int:
    """One answer as it counts: reverse-scored items turned round."""
    if not 0 <= item < len(PSYCHOLOGICAL_SAFETY):
        raise ScaleError(_("There is no item {n}.").format(n=item + 1))
    if not 1 <= answer <= SCALE:
        raise ScaleError(_("Answers run from 1 to {n}.").format(n=SCALE))
    return SCALE + 1 - answer if PSYCHOLOGICAL_SAFETY[item][1] else answer


def member_score(answers: Mapping[int, int]) -> float | None:
    """The mean of the items answered (missing items are left out, not counted as anything);
    None when nothing was answered."""
    values = [scored(item, answer) for item, answer in answers.items()]
    return sum(values) / len(values) if values else None


def set_score(members: Sequence[Mapping[int, int]]) -> float | None:
    """The mean of the members' scores; members who answered nothing do not count."""
    scores = [s for s in (member_score(m) for m in members) if s is not None]
    return sum(scores) / len(scores) if scores else None


@dataclass(frozen=True)
class Rate:
    events: int
    people: int
    low: float  # the Wilson interval at 95 %
    high: float

    @property
    def value(self) -> float:
        return self.events / self.people if self.people else 0.0


Z95 = 1.959963984540054


def wilson(events: int, people: int, z: float = Z95) -> Rate:
    """The rate with its Wilson score interval (sound for small groups and rates near 0 or 1)."""
    if people <= 0:
        raise ValueError("A rate needs at least one person.")
    if not 0 <= events <= people:
        raise ValueError("Events cannot be more than the people, nor fewer than none.")
    p = events / people
    denominator = 1 + z * z / people
    centre = (p + z * z / (2 * people)) / denominator
    half = z * sqrt(p * (1 - p) / people + z * z / (4 * people * people)) / denominator
    low = 0.0 if events == 0 else max(0.0, centre - half)  # exact at the ends, where floats
    high = 1.0 if events == people else min(1.0, centre + half)  # would wobble by 1e-18
    return Rate(events, people, min(low, p), max(high, p))


def compare(programme: Rate, baseline: Rate) -> str:
    """A plain sentence on the programme's rate beside the baseline's: only when the intervals
    do not overlap is there a difference worth stating."""
    if programme.low > baseline.high:
        return _("Higher than the comparison group, beyond what chance would easily explain.")
    if programme.high < baseline.low:
        return _("Lower than the comparison group, beyond what chance would easily explain.")
    return _(
        "The numbers are too small to conclude anything: the two rates' intervals overlap, "
        "so the difference may be chance."
    )
