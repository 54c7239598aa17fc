"""The pages people land on: they gather what each app has for this person, by role."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from revans.accounts import selectors as accounts_selectors
from revans.accounts.access import OrgRequest, SignedInRequest, org_view
from revans.accounts.models import Role
from revans.evidence import selectors as evidence_selectors
from revans.evidence import surveys
from revans.impact import selectors as impact_selectors
from revans.learning import selectors as learning_selectors
from revans.meetings import selectors as meeting_selectors
from revans.meetings.models import ATTENDANCE_FROM, Meeting
from revans.programmes import selectors as programme_selectors
from revans.writes import kept_key, kept_until


@require_safe
def home(request: SignedInRequest) -> HttpResponse:
    """Where a person lands after signing in: their one organisation, or a choice."""
    memberships = accounts_selectors.memberships_of(request.user)
    if len(memberships) == 1:
        return redirect(memberships[0].organisation)
    return render(request, "home/home.html", {"memberships": memberships})


@org_view()
@require_safe
def org_home(request: OrgRequest) -> HttpResponse:
    membership = request.membership
    context: dict[str, object] = {}
    now = timezone.now()
    if membership.has_role(Role.ADMIN, Role.SPONSOR):
        context["managers_section"] = kept_until(
            _part_key(request, "managers"), lambda: (_managers_part(request), None), now
        )
    if membership.is_facilitator:
        context["facilitator_section"] = kept_until(
            _part_key(request, "facilitator"), lambda: _facilitator_part(request, now), now
        )
    if membership.is_participant:
        context["participant_section"] = kept_until(
            _part_key(request, "participant"), lambda: _participant_part(request, now), now
        )
    return render(request, "home/org_home.html", context)


# Each role's part of the home is kept as HTML: the page everyone opens first was among the
# slowest. Each part is kept under everything it is drawn from but the clock (the kept generation,
# the person, the day where they and their organisation are, their language and zone), and until
# the first moment it would read differently: a meeting's board opening or its end, a survey
# opening or closing, a survey leaving the facilitator's recent ones.
type Part = tuple[str, datetime | None]


def _part_key(request: OrgRequest, role: str) -> str:
    return kept_key(
        "home",
        role,
        request.user.pk,
        request.organisation.pk,
        request.organisation.today(),
        timezone.localdate(),
        get_language(),
        timezone.get_current_timezone_name(),
    )


def _first_after(now: datetime, moments: list[datetime | None]) -> datetime | None:
    return min((m for m in moments if m is not None and m > now), default=None)


def _meeting_moments(meetings: Iterable[Meeting]) -> list[datetime | None]:
    """A set's next meeting is shown until it ends, with its board's link from an hour before."""
    return [t for m in meetings for t in (m.starts_at - ATTENDANCE_FROM, m.ends_at)]


def _managers_part(request: OrgRequest) -> str:
    """An admin's or sponsor's part: the organisation's programmes and its counts of people."""
    organisation = request.organisation
    waiting = impact_selectors.waiting_by_programme(organisation)
    # Those running or to come, and any with claims to verify; the rest are on the list of
    # all programmes (a large employer's years of them made this page slow and long).
    programmes = list(
        programme_selectors.programmes_of(organisation).filter(
            Q(ends_on__gte=organisation.today()) | Q(pk__in=list(waiting))
        )
    )
    for programme in programmes:
        programme.waiting = waiting.get(programme.pk, 0)  # type: ignore[attr-defined]
    context: dict[str, object] = {
        "counts": accounts_selectors.member_counts(organisation),
        "programmes": programmes,
    }
    if request.membership.is_admin:
        context["open_invitations"] = accounts_selectors.open_invitations(organisation).count()
    return render_to_string("home/_managers.html", context, request)


def _facilitator_part(request: OrgRequest, now: datetime) -> Part:
    organisation = request.organisation
    facilitated = programme_selectors.sets_facilitated_by(request.user, organisation)
    set_ids = [s.learning_set.pk for s in facilitated]
    follow = learning_selectors.facilitator_home(set_ids)
    asked = evidence_selectors.recent_surveys(set_ids, now)
    nexts = meeting_selectors.next_meetings(set_ids, now)
    for summary in facilitated:
        summary.follow = follow.get(summary.learning_set.pk, [])  # type: ignore[attr-defined]
        summary.surveys = asked.get(summary.learning_set.pk, [])  # type: ignore[attr-defined]
        summary.next_meeting = nexts.get(summary.learning_set.pk)  # type: ignore[attr-defined]
    context = {
        "facilitated": facilitated,
        "forming": programme_selectors.programmes_formed_by(request.user, organisation),
    }
    until = _first_after(
        now,
        [
            *_meeting_moments(nexts.values()),
            *(s.opens_at + evidence_selectors.RECENT for ss in asked.values() for s in ss),
            evidence_selectors.next_opening(set_ids, now),
        ],
    )
    return render_to_string("home/_facilitator.html", context, request), until


def _participant_part(request: OrgRequest, now: datetime) -> Part:
    organisation = request.organisation
    my_sets = programme_selectors.sets_of_member(request.user, organisation)
    set_ids = [s.learning_set.pk for s in my_sets]
    me = request.user.pk
    mine = [m.participant_id for s in my_sets for m in s.members if m.participant.user_id == me]
    home = learning_selectors.member_home(mine)
    nexts = meeting_selectors.next_meetings(set_ids, now)
    for summary in my_sets:
        summary.home = home.get(summary.learning_set.pk)  # type: ignore[attr-defined]
        summary.next_meeting = nexts.get(summary.learning_set.pk)  # type: ignore[attr-defined]
    my_surveys = surveys.open_for(mine, now)
    context = {
        "my_sets": my_sets,
        "my_claims": impact_selectors.claims_of(request.user, organisation),
        "my_surveys": my_surveys,
    }
    until = _first_after(
        now,
        [
            *_meeting_moments(nexts.values()),
            *(s.closes_at for s in my_surveys),
            evidence_selectors.next_opening(set_ids, now),
        ],
    )
    return render_to_string("home/_participant.html", context, request), until
