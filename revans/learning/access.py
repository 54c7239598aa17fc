"""Who may open the cycle's pages and read what is on them. Each reader's relation to a set
(their periods as member and facilitator) is worked out here and put to
revans.domain.confidentiality, which alone decides; sponsors and admins who are not in the set
are refused the pages, since what members write is never theirs to read."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext as _

from revans.accounts.access import OrgRequest
from revans.accounts.models import Membership, Role
from revans.domain.confidentiality import Kind, Reader, may_read
from revans.meetings.models import Meeting
from revans.programmes.access import in_organisation, reader_of
from revans.programmes.models import LearningSet, Participant

from .models import Action, Challenge, MeetingRecord, ProcessNote, Reflection, ReportBack


@dataclass(frozen=True)
class CycleAccess:
    learning_set: LearningSet
    reader: Reader  # the person's periods in the set, as member and as facilitator
    me: Participant | None  # their pool entry, when they are a current member
    own_entries: frozenset[int]  # their pool entries in the set, now or before: what they wrote

    @property
    def is_facilitator(self) -> bool:
        return self.reader.is_facilitator

    def reads(self, kind: Kind, moment: datetime, owner_id: int | None = None) -> bool:
        """The one question every page asks: may this person read this piece of content, whose
        own moment (written, shared, reported) is `moment`, written by pool entry `owner_id`?"""
        reader = Reader(
            is_author=owner_id is not None and owner_id in self.own_entries,
            as_member=self.reader.as_member,
            as_facilitator=self.reader.as_facilitator,
        )
        return may_read(kind, reader, moment)

    def reads_challenge(self, challenge: Challenge) -> bool:
        return self.reads(Kind.CHALLENGE, challenge.written_at, challenge.owner_id)

    def reads_action(self, action: Action) -> bool:
        return self.reads(Kind.ACTION, action.written_at, action.challenge.owner_id)

    def reads_progress(self, action: Action) -> bool:
        """The owner's progress note, judged by when it was last written."""
        moment = action.progress_at or action.written_at
        return self.reads(Kind.ACTION, moment, action.challenge.owner_id)

    def reads_report_back(self, report: ReportBack) -> bool:
        return self.reads(Kind.REPORT_BACK, report.written_at, report.action.challenge.owner_id)

    def reads_reflection(self, reflection: Reflection) -> bool:
        kind = Kind.SHARED_REFLECTION if reflection.is_shared else Kind.REFLECTION
        return self.reads(kind, reflection.moment, reflection.author_id)

    def reads_process_note(self, note: ProcessNote) -> bool:
        return self.reads(Kind.PROCESS_NOTE, note.written_at)

    def shown(self, action: Action) -> Action:
        """The action with what this reader may read of its later parts: `shown_progress` and
        `shown_report` (None where the reader was not in the set when they were written)."""
        report = getattr(action, "report_back", None)
        action.shown_progress = action.progress if self.reads_progress(action) else ""  # type: ignore[attr-defined]
        action.shown_report = report if report and self.reads_report_back(report) else None  # type: ignore[attr-defined]
        return action


def get_cycle(request: OrgRequest, set_id: int) -> CycleAccess:
    learning_set = in_organisation(request, LearningSet.objects.all(), set_id, "programme")
    return cycle_in(request, learning_set)


def cycle_in(request: OrgRequest, learning_set: LearningSet) -> CycleAccess:
    """`get_cycle`'s decision for a set already read from the asker's organisation."""
    access = cycle_of(request.membership, learning_set)
    if not access.reader.as_member and not access.reader.as_facilitator:
        if request.membership.has_role(Role.ADMIN, Role.SPONSOR):
            raise PermissionDenied(
                _("What members write is for their set and its facilitators only.")
            )
        raise Http404
    return access


def cycle_of(membership: Membership, learning_set: LearningSet) -> CycleAccess:
    """Someone's relation to a set, whatever it is (none at all included)."""
    reader, me, own = reader_of(membership, learning_set)
    return CycleAccess(learning_set=learning_set, reader=reader, me=me, own_entries=own)


def in_org(request: OrgRequest, model: Any, pk: int, set_path: str) -> Any:
    return in_organisation(request, model.objects.all(), pk, f"{set_path}__programme")


def _readable[M: Model](
    request: OrgRequest, model: type[M], pk: int, set_path: str, reads: Callable[..., bool]
) -> tuple[CycleAccess, M]:
    """A record of the cycle, for someone who may read it (`reads`); to anyone else, a 404."""
    found = in_org(request, model, pk, set_path)
    access = cycle_in(request, attrgetter(set_path.replace("__", "."))(found))
    if not reads(access, found):
        raise Http404
    return access, found


def get_challenge(request: OrgRequest, challenge_id: int) -> tuple[CycleAccess, Challenge]:
    return _readable(request, Challenge, challenge_id, "learning_set", CycleAccess.reads_challenge)


def get_action(request: OrgRequest, action_id: int) -> tuple[CycleAccess, Action]:
    return _readable(
        request, Action, action_id, "challenge__learning_set", CycleAccess.reads_action
    )


def get_reflection(request: OrgRequest, reflection_id: int) -> tuple[CycleAccess, Reflection]:
    return _readable(
        request, Reflection, reflection_id, "learning_set", CycleAccess.reads_reflection
    )


def get_meeting_for_record(request: OrgRequest, meeting_id: int) -> tuple[CycleAccess, Meeting]:
    meeting = in_org(request, Meeting, meeting_id, "learning_set")
    access = cycle_in(request, meeting.learning_set)
    return access, meeting


def keeps_record(access: CycleAccess, meeting: Meeting) -> bool:
    """A facilitator keeps a meeting's record only if they may read what it says already: one
    who joined the set later would otherwise see it in a conflict, or write over it unseen."""
    if not access.is_facilitator:
        return False
    record = MeetingRecord.objects.filter(meeting=meeting).only("written_at").first()
    return record is None or access.reads(Kind.MEETING_RECORD, record.written_at)


def get_meeting_for_notes(request: OrgRequest, meeting_id: int) -> tuple[CycleAccess, Meeting]:
    meeting = in_org(request, Meeting, meeting_id, "learning_set")
    access = cycle_in(request, meeting.learning_set)
    if not access.reader.as_facilitator:
        raise Http404  # process notes are the facilitators' alone: to anyone else, nothing here
    return access, meeting


# What a reader may change, beyond reading: asked by the pages and the API alike.


def member_of(access: CycleAccess, refusal: str) -> Participant:
    """The asker as a current member of the set (only members write challenges and logs)."""
    if access.me is None:
        raise PermissionDenied(refusal)
    return access.me


def own_challenge(access: CycleAccess, challenge: Challenge) -> Participant:
    if access.me is None or challenge.owner_id != access.me.pk:
        raise PermissionDenied(_("Only the person who brought a challenge changes it."))
    return access.me


def own_action(access: CycleAccess, action: Action) -> Participant:
    if access.me is None or action.challenge.owner_id != access.me.pk:
        raise PermissionDenied(_("Only the action's owner updates it."))
    return access.me


def reports_back(access: CycleAccess, action: Action) -> None:
    mine = access.me is not None and action.challenge.owner_id == access.me.pk
    if not (mine or access.is_facilitator):
        raise PermissionDenied(_("The action's owner or the set's facilitator reports back."))


def own_reflection(access: CycleAccess, reflection: Reflection) -> Participant:
    if access.me is None or reflection.author_id != access.me.pk:
        raise PermissionDenied(_("Only the author shares or takes back their entry."))
    return access.me


def commits_actions(access: CycleAccess, challenge: Challenge) -> None:
    """Actions are committed on one's own challenge, or by the set's facilitator for a member."""
    mine = access.me is not None and challenge.owner_id == access.me.pk
    if not (mine or access.is_facilitator):
        raise PermissionDenied(_("Actions are committed on your own challenge."))
