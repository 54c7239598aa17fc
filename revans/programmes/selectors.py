"""Reads for the programme and set pages, shaped so each page costs a fixed number of queries."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from revans.accounts.models import Organisation, User
from revans.domain.roster import KNOWN_COLUMNS
from revans.writes import kept, kept_key

from .models import (
    FacilitationPeriod,
    GroundRules,
    GroundRulesAcceptance,
    LearningSet,
    Participant,
    Programme,
    SetFacilitator,
    SetMembership,
)


@dataclass
class SetSummary:
    learning_set: LearningSet
    members: list[SetMembership]
    facilitators: list[SetFacilitator]
    mode: FacilitationPeriod | None
    ground_rules: GroundRules | None
    not_accepted: list[Participant]
    warnings: list[str] = field(default_factory=list)


# What a set's summary is drawn from: a save or delete of any of these moves the kept generation
# (connected in apps.ready; a facilitator's name comes with their account, see there).
DRAWN_FROM = (
    LearningSet,
    Programme,
    SetMembership,
    SetFacilitator,
    FacilitationPeriod,
    GroundRules,
    GroundRulesAcceptance,
    Participant,
)


@dataclass
class _Drawn:
    """A set's summary as read from the database: the same for every reader, so kept."""

    learning_set: LearningSet
    members: list[SetMembership]
    facilitators: list[SetFacilitator]
    periods: list[FacilitationPeriod]
    ground_rules: GroundRules | None
    not_accepted: list[Participant]


def _summaries(
    sets: QuerySet[LearningSet] | list[int], within: Programme | None = None
) -> list[SetSummary]:
    """Each set's summary (of these sets, or of these ids in order): the rows of a page's sets
    kept together under the kept generation (one read of the cache, whatever their number),
    that of their programme when they are all of one (`within`); the mode of today and the
    warnings, in the reader's language, worked out on each read."""
    ids = sets if isinstance(sets, list) else list(sets.values_list("pk", flat=True))
    key = kept_key("set-summaries", ids, within=within)
    summaries = []
    for d in kept(key, lambda: _draw(ids)):
        today = d.learning_set.programme.organisation.today()
        started = [p for p in d.periods if p.starts_on <= today]
        summary = SetSummary(
            learning_set=d.learning_set,
            members=d.members,
            facilitators=d.facilitators,
            mode=(started or d.periods)[-1] if d.periods else None,
            ground_rules=d.ground_rules,
            not_accepted=d.not_accepted,
        )
        summary.warnings = set_warnings(summary)
        summaries.append(summary)
    return summaries


def _draw(ids: list[int]) -> list[_Drawn]:
    order = {pk: n for n, pk in enumerate(ids)}
    sets = (
        LearningSet.objects.filter(pk__in=ids)
        .select_related("programme__organisation")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=SetMembership.objects.current().select_related("participant"),
                to_attr="current_members",
            ),
            Prefetch(
                "facilitations",
                queryset=SetFacilitator.objects.current().select_related("user", "added_by"),
                to_attr="current_facilitators",
            ),
            Prefetch("periods", to_attr="all_periods"),
            Prefetch(
                "ground_rules",
                queryset=GroundRules.objects.prefetch_related("acceptances"),
                to_attr="all_ground_rules",
            ),
        )
    )
    drawn = []
    for learning_set in sorted(sets, key=lambda s: order[s.pk]):
        members = learning_set.current_members
        versions = learning_set.all_ground_rules
        rules = versions[0] if versions else None  # ordered newest first
        accepted = {a.participant_id for a in rules.acceptances.all()} if rules else set()
        drawn.append(
            _Drawn(
                learning_set=learning_set,
                members=members,
                facilitators=learning_set.current_facilitators,
                periods=learning_set.all_periods,
                ground_rules=rules,
                not_accepted=[m.participant for m in members if m.participant_id not in accepted],
            )
        )
    return drawn


def set_warnings(summary: SetSummary) -> list[str]:
    programme = summary.learning_set.programme
    warnings = []
    if len(summary.members) < programme.min_set_size:
        warnings.append(
            _("%(n)s of at least %(min)s members: below this programme's smallest set.")
            % {"n": len(summary.members), "min": programme.min_set_size}
        )
    if not summary.facilitators:
        warnings.append(_("No facilitator."))
    if summary.not_accepted:
        n = len(summary.not_accepted)
        warnings.append(
            ngettext(
                "%(n)s member has not accepted the current ground rules.",
                "%(n)s members have not accepted the current ground rules.",
                n,
            )
            % {"n": n}
        )
    return warnings


def programmes_of(organisation: Organisation) -> QuerySet[Programme]:
    return Programme.objects.filter(organisation=organisation).select_related("organisation")


def programme_sets(programme: Programme) -> list[SetSummary]:
    return _summaries(programme.sets.all(), within=programme)


def set_summary(learning_set: LearningSet) -> SetSummary:
    return _summaries([learning_set.pk], within=learning_set.programme)[0]


def _sets_among(organisation: Organisation, rows: QuerySet[Any]) -> list[SetSummary]:
    """The organisation's sets that these memberships or facilitations are of."""
    return _summaries(
        LearningSet.objects.filter(
            programme__organisation=organisation, pk__in=rows.values("learning_set")
        )
    )


def sets_facilitated_by(user: User, organisation: Organisation) -> list[SetSummary]:
    return _sets_among(organisation, SetFacilitator.objects.current().filter(user=user))


def sets_of_member(user: User, organisation: Organisation) -> list[SetSummary]:
    return _sets_among(organisation, SetMembership.objects.current().filter(participant__user=user))


def membership_history(learning_set: LearningSet) -> QuerySet[SetMembership]:
    return learning_set.memberships.select_related("participant").order_by("joined_on", "pk")


def programmes_formed_by(user: User, organisation: Organisation) -> QuerySet[Programme]:
    """The programmes whose sets this facilitator may form."""
    return Programme.objects.filter(organisation=organisation, facilitators=user).select_related(
        "organisation"
    )


def facilitator_choices(organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(
        memberships__organisation=organisation,
        memberships__is_active=True,
        memberships__is_facilitator=True,
    ).order_by("name")


def unplaced_participants(programme: Programme) -> QuerySet[Participant]:
    """People in the pool who are in no current set of this programme."""
    placed = (
        SetMembership.objects.current()
        .filter(learning_set__programme=programme)
        .values("participant_id")
    )
    return Participant.objects.filter(organisation=programme.organisation).exclude(pk__in=placed)


def free_participants(programme: Programme) -> QuerySet[Participant]:
    """People in no current set of this programme, nor of another that has not ended yet:
    the next cohort, without the people still busy in the last one."""
    today = programme.organisation.today()
    busy = SetMembership.objects.current().filter(
        Q(learning_set__programme=programme)
        | Q(
            learning_set__programme__organisation=programme.organisation,
            learning_set__programme__ends_on__gte=today,
        )
    )
    return Participant.objects.filter(organisation=programme.organisation).exclude(
        pk__in=busy.values("participant_id")
    )


def pool(organisation: Organisation) -> QuerySet[Participant]:
    return Participant.objects.filter(organisation=organisation).select_related("manager")


def pool_table(organisation: Organisation) -> tuple[list[str], list[list[str]]]:
    """The pool as a table with the import's own columns, so an export can be imported again."""
    people = list(pool(organisation))
    extra = sorted({key for person in people for key in person.attributes})
    rows = [
        [
            p.name,
            p.email,
            p.department,
            p.site,
            p.job_level,
            p.manager.email if p.manager else "",
            *(str(p.attributes.get(key, "")) for key in extra),
        ]
        for p in people
    ]
    return [*KNOWN_COLUMNS, *extra], rows


def people_choices(programme: Programme) -> list[tuple[int, str]]:
    """Everyone ever in the programme's sets as (id, name), for a form's choice of person."""
    people = (
        Participant.objects.filter(set_memberships__learning_set__programme=programme)
        .distinct()
        .order_by("name")
    )
    return [(p.pk, p.name) for p in people]
