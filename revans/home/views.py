"""The pages people land on: they gather what each app has for this person, by role."""

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from revans.accounts import selectors as accounts_selectors
from revans.accounts.access import OrgRequest, SignedInRequest, org_view
from revans.accounts.models import Role
from revans.evidence import selectors as evidence_selectors
from revans.evidence import surveys
from revans.impact import selectors as impact_selectors
from revans.learning import selectors as learning_selectors
from revans.meetings import selectors as meeting_selectors
from revans.programmes import selectors as programme_selectors


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
    membership, organisation = request.membership, request.organisation
    context: dict[str, object] = {}
    if membership.has_role(Role.ADMIN, Role.SPONSOR):
        context["counts"] = accounts_selectors.member_counts(organisation)
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
        context["programmes"] = programmes
    if membership.is_admin:
        context["open_invitations"] = accounts_selectors.open_invitations(organisation).count()
    now = timezone.now()
    if membership.is_facilitator:
        facilitated = programme_selectors.sets_facilitated_by(request.user, organisation)
        follow = learning_selectors.facilitator_home([s.learning_set.pk for s in facilitated])
        asked = evidence_selectors.recent_surveys([s.learning_set.pk for s in facilitated], now)
        nexts = meeting_selectors.next_meetings([s.learning_set.pk for s in facilitated], now)
        for summary in facilitated:
            summary.follow = follow.get(summary.learning_set.pk, [])  # type: ignore[attr-defined]
            summary.surveys = asked.get(summary.learning_set.pk, [])  # type: ignore[attr-defined]
            summary.next_meeting = nexts.get(summary.learning_set.pk)  # type: ignore[attr-defined]
        context["facilitated"] = facilitated
        context["forming"] = programme_selectors.programmes_formed_by(request.user, organisation)
    if membership.is_participant:
        my_sets = programme_selectors.sets_of_member(request.user, organisation)
        mine = [
            m.participant_id
            for s in my_sets
            for m in s.members
            if m.participant.user_id == request.user.pk
        ]
        home = learning_selectors.member_home(mine)
        nexts = meeting_selectors.next_meetings([s.learning_set.pk for s in my_sets], now)
        for summary in my_sets:
            summary.home = home.get(summary.learning_set.pk)  # type: ignore[attr-defined]
            summary.next_meeting = nexts.get(summary.learning_set.pk)  # type: ignore[attr-defined]
        context["my_sets"] = my_sets
        context["my_claims"] = impact_selectors.claims_of(request.user, organisation)
        context["my_surveys"] = surveys.open_for(mine, now)
    return render(request, "home/org_home.html", context)
