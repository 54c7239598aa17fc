"""Who may be at a live meeting and who runs it. A current member watches the board; the person
running it (a current facilitator of the set, or the member chairing a meeting of a set without
one: `runs`, the one rule, which the writes in `services.py` ask too) uses the console. These
checks only read: a meeting nobody has changed yet is shown from its unsaved starting state."""

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from revans.accounts.access import OrgRequest
from revans.accounts.models import Membership, User
from revans.meetings.models import Meeting
from revans.programmes.access import in_organisation
from revans.programmes.models import FacilitationMode, FacilitationPeriod

from ..access import CycleAccess, cycle_in, cycle_of
from ..models import AgendaTemplate, LiveMeeting, default_agenda


def live_state(meeting: Meeting) -> LiveMeeting:
    """The meeting's live state; before anyone has changed it, the unsaved state it starts from
    (the programme's agenda), so that opening a page writes nothing."""
    live = LiveMeeting.objects.filter(meeting=meeting).first()
    if live is None:
        template = AgendaTemplate.objects.filter(programme_id=meeting.learning_set.programme_id)
        live = LiveMeeting(meeting=meeting, rows=template[0].rows if template else default_agenda())
    return live


def current_mode(meeting: Meeting) -> FacilitationPeriod | None:
    """The set's facilitation mode on the meeting's day (the latest period begun by then)."""
    return (
        meeting.learning_set.periods.filter(starts_on__lte=meeting.local_start.date())
        .order_by("-starts_on", "-created_at")
        .first()
    )


def self_facilitating(mode: FacilitationPeriod | None) -> bool:
    return mode is not None and mode.mode == FacilitationMode.SELF_FACILITATING


def chair_of(live: LiveMeeting, mode: FacilitationPeriod | None) -> int | None:
    """The member running this meeting: the one who took the chair, else the member the set's
    self-facilitating mode (`current_mode`) names."""
    if live.chair_id is not None:
        return live.chair_id
    return mode.member_facilitator_id if mode and self_facilitating(mode) else None


def runs(cycle: CycleAccess, chair: int | None) -> bool:
    """The one rule for who runs a meeting: a current facilitator of its set, or the member
    chairing it."""
    return cycle.is_facilitator or (cycle.me is not None and chair == cycle.me.pk)


def runs_meeting(meeting: Meeting, live: LiveMeeting, user: User) -> bool:
    """`runs`, for a write that knows the person but not their relation to the set."""
    membership = Membership.objects.filter(
        user=user, organisation_id=meeting.learning_set.programme.organisation_id, is_active=True
    ).first()
    if membership is None:
        return False
    cycle = cycle_of(membership, meeting.learning_set)
    return runs(cycle, chair_of(live, current_mode(meeting)))


@dataclass(frozen=True)
class LiveAccess:
    """Someone at a live meeting: a current member watching the board, or the person running it
    (a current facilitator of the set, or the member chairing a meeting of a set without one)."""

    cycle: CycleAccess
    meeting: Meeting
    live: LiveMeeting

    @cached_property
    def mode(self) -> FacilitationPeriod | None:
        """The set's mode on the meeting's day, read only where it is asked for (a board's poll
        that finds nothing changed does not)."""
        return current_mode(self.meeting)

    @property
    def chair(self) -> int | None:
        """The member chairing, in a self-facilitating set."""
        return chair_of(self.live, self.mode)

    @property
    def self_facilitating(self) -> bool:
        """The set is self-facilitating on the meeting's day: the chair rotates."""
        return self_facilitating(self.mode)

    @property
    def runs(self) -> bool:
        return runs(self.cycle, self.chair)

    @property
    def keeps_private_notes(self) -> bool:
        return self.cycle.is_facilitator


def get_live(request: OrgRequest, meeting_id: int, *, run: bool = False) -> LiveAccess:
    """The live meeting for its set's current members and facilitators (others: as get_cycle
    answers them). `run`: the console, for whoever runs the meeting (a member: 403)."""
    rows = Meeting.objects.select_related("live")  # its live state in the same query
    meeting = in_organisation(request, rows, meeting_id, "learning_set__programme")
    if meeting.is_cancelled:
        raise Http404
    cycle = cycle_in(request, meeting.learning_set)
    if not cycle.reader.is_member and not cycle.is_facilitator:
        raise Http404  # a former member: the meeting is not theirs any more
    try:
        live = meeting.live
    except LiveMeeting.DoesNotExist:
        live = live_state(meeting)  # nobody has opened it yet
    access = LiveAccess(cycle=cycle, meeting=meeting, live=live)
    if run and not access.runs:
        raise PermissionDenied(_("Only the person running the meeting uses the console."))
    return access


def get_live_to_run(request: OrgRequest, meeting_id: int) -> LiveAccess:
    return get_live(request, meeting_id, run=True)
