"""Who may see and run a set's meetings: the set's own people (programmes.access.get_set
decides), and for the programme calendar its admins, sponsors and facilitators."""

from dataclasses import dataclass, replace
from functools import cached_property

from django.db.models import Q
from django.http import Http404

from revans.accounts.access import OrgRequest, require_role
from revans.accounts.models import Membership, Role
from revans.domain.confidentiality import Kind, Reader, may_read
from revans.programmes.access import SetAccess, in_organisation, reader_of, set_access
from revans.programmes.models import Programme

from .models import Meeting, Rsvp

CALENDAR_READERS = (Role.ADMIN, Role.SPONSOR, Role.FACILITATOR)


@dataclass(frozen=True)
class MeetingAccess:
    meeting: Meeting
    set: SetAccess
    membership: Membership  # the asker's, in the meeting's organisation

    @cached_property
    def relation(self) -> tuple[Reader, frozenset[int]]:
        """The asker's periods in the set and their pool entries there, worked out only for
        the pages that show what they decide (the queries are not every meeting page's)."""
        reader, _me, own = reader_of(self.membership, self.meeting.learning_set)
        return reader, own

    def reads_apology(self, rsvp: Rsvp) -> bool:
        """The note sent with an apology: its author and the set's facilitators alone."""
        reader, own = self.relation
        reader = replace(reader, is_author=rsvp.participant_id in own)
        return may_read(Kind.APOLOGY_NOTE, reader, rsvp.answered_at)


def get_meeting(request: OrgRequest, meeting_id: int, *, manage: bool = False) -> MeetingAccess:
    meeting = in_organisation(request, Meeting.objects.all(), meeting_id, "learning_set__programme")
    access = set_access(request, meeting.learning_set, manage=manage)
    return MeetingAccess(meeting=meeting, set=access, membership=request.membership)


def get_managed_meeting(request: OrgRequest, meeting_id: int) -> MeetingAccess:
    return get_meeting(request, meeting_id, manage=True)


def get_programme_for_calendar(request: OrgRequest, programme_id: int) -> Programme:
    """Admins and sponsors; facilitators of the programme (named, or of one of its sets)."""
    membership = request.membership
    require_role(membership, *CALENDAR_READERS)
    programmes = Programme.objects.filter(organisation=request.organisation)
    if not membership.has_role(Role.ADMIN, Role.SPONSOR):
        programmes = programmes.filter(
            Q(facilitators=request.user)
            | Q(sets__facilitations__user=request.user, sets__facilitations__until=None)
        ).distinct()
    try:
        return programmes.get(pk=programme_id)
    except Programme.DoesNotExist:
        raise Http404 from None
