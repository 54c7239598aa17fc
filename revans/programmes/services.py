"""Writes about programmes, sets, their people and ground rules: one transaction each."""

from collections.abc import Iterable
from datetime import date
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from revans.accounts import services as accounts_services
from revans.accounts.models import Membership, Organisation, Role, User
from revans.domain.roster import PersonRecord, RosterPlan, RowStatus, plan_import

from .models import (
    FacilitationMode,
    FacilitationPeriod,
    FormationRun,
    GroundRules,
    GroundRulesAcceptance,
    LearningSet,
    Participant,
    ParticipantImport,
    Programme,
    SetFacilitator,
    SetMembership,
)
from .spreadsheets import SpreadsheetError, read_table
from .tasks import run_formation


@transaction.atomic
def programme_save(*, programme: Programme) -> Programme:
    """Create or update a programme whose fields a form has set."""
    if programme.pk:
        smallest_allowed = _largest_current_set(programme)
        if programme.max_set_size < smallest_allowed:
            raise ValidationError(
                _("A set already has %(n)s members; the largest set cannot be smaller."),
                params={"n": smallest_allowed},
            )
    programme.full_clean()
    programme.save()
    return programme


def _largest_current_set(programme: Programme) -> int:
    sizes = programme.sets.annotate(
        n=Count("memberships", filter=Q(memberships__left_on=None))
    ).values_list("n", flat=True)
    return max(sizes, default=0)


def _check_facilitators(organisation: Organisation, facilitators: Iterable[User]) -> list[User]:
    chosen = list(facilitators)
    if not chosen:
        raise ValidationError(_("Choose at least one facilitator."))
    allowed = set(
        Membership.objects.filter(
            organisation=organisation, is_active=True, is_facilitator=True, user__in=chosen
        ).values_list("user_id", flat=True)
    )
    if any(user.pk not in allowed for user in chosen):
        raise ValidationError(_("Facilitators must be active members with the facilitator role."))
    return chosen


@transaction.atomic
def set_create(
    *, programme: Programme, name: str, facilitators: Iterable[User], by: User
) -> LearningSet:
    """A new set with its facilitators, a starting mode, and the programme's ground rules."""
    chosen = _check_facilitators(programme.organisation, facilitators)
    learning_set = LearningSet(programme=programme, name=name.strip())
    learning_set.full_clean()
    learning_set.save()
    SetFacilitator.objects.bulk_create(
        SetFacilitator(learning_set=learning_set, user=user) for user in chosen
    )
    FacilitationPeriod.objects.create(
        learning_set=learning_set,
        mode=FacilitationMode.CO_FACILITATED if len(chosen) > 1 else FacilitationMode.FACILITATED,
    )
    GroundRules.objects.create(
        learning_set=learning_set, version=1, text=programme.ground_rules, created_by=by
    )
    return learning_set


@transaction.atomic
def set_rename(*, learning_set: LearningSet, name: str) -> LearningSet:
    learning_set.name = name.strip()
    learning_set.full_clean()
    learning_set.save(update_fields=["name"])
    return learning_set


def _current_size(learning_set: LearningSet) -> int:
    return learning_set.memberships.filter(left_on=None).count()


def _check_room(learning_set: LearningSet) -> None:
    limit = learning_set.programme.max_set_size
    if _current_size(learning_set) >= limit:
        raise ValidationError(
            _("%(set)s already has %(n)s members, the most this programme allows."),
            params={"set": learning_set.name, "n": limit},
        )


@transaction.atomic
def set_member_add(
    *, learning_set: LearningSet, participant: Participant, joined_on: date, reason: str, by: User
) -> SetMembership:
    # Lock the set so that two admins adding at once cannot pass the size limit together.
    LearningSet.objects.select_for_update().get(pk=learning_set.pk)
    if participant.organisation_id != learning_set.programme.organisation_id:
        raise ValidationError(_("That person is not in this organisation."))
    elsewhere = (
        SetMembership.objects.filter(
            participant=participant, left_on=None, learning_set__programme=learning_set.programme
        )
        .select_related("learning_set")
        .first()
    )
    if elsewhere is not None:
        raise ValidationError(
            _("%(name)s is already in %(set)s. Move them instead."),
            params={"name": participant.name, "set": elsewhere.learning_set.name},
        )
    _check_room(learning_set)
    membership = SetMembership(
        learning_set=learning_set, participant=participant, joined_on=joined_on, join_reason=reason
    )
    membership.full_clean()
    membership.save()
    # People join Revans when they first join a set.
    accounts_services.invitation_ensure(
        organisation=participant.organisation,
        invited_by=by,
        email=participant.email,
        name=participant.name,
        roles=[Role.PARTICIPANT],
    )
    return membership


@transaction.atomic
def set_member_leave(*, membership: SetMembership, left_on: date, reason: str) -> SetMembership:
    if membership.left_on is not None:
        raise ValidationError(
            _("%(name)s has already left."), params={"name": membership.participant}
        )
    if left_on < membership.joined_on:
        raise ValidationError(_("Someone cannot leave before they joined."))
    membership.left_on = left_on
    membership.leave_reason = reason
    membership.save(update_fields=["left_on", "leave_reason"])
    return membership


@transaction.atomic
def set_member_move(
    *, membership: SetMembership, to_set: LearningSet, on: date, reason: str, by: User
) -> SetMembership:
    """Leave one set and join another of the same programme on the same day."""
    if to_set.programme_id != membership.learning_set.programme_id:
        raise ValidationError(_("People move between sets of the same programme only."))
    if to_set.pk == membership.learning_set_id:
        raise ValidationError(_("Choose a different set."))
    why = reason or _("Moved from %(set)s") % {"set": membership.learning_set.name}
    set_member_leave(
        membership=membership,
        left_on=on,
        reason=reason or _("Moved to %(set)s") % {"set": to_set.name},
    )
    return set_member_add(
        learning_set=to_set, participant=membership.participant, joined_on=on, reason=why, by=by
    )


@transaction.atomic
def set_facilitator_add(*, learning_set: LearningSet, user: User) -> SetFacilitator:
    _check_facilitators(learning_set.programme.organisation, [user])
    if learning_set.facilitations.filter(user=user, until=None).exists():
        raise ValidationError(_("%(name)s already facilitates this set."), params={"name": user})
    return SetFacilitator.objects.create(learning_set=learning_set, user=user)


@transaction.atomic
def set_facilitator_end(*, facilitation: SetFacilitator, until: date) -> SetFacilitator:
    current = facilitation.learning_set.facilitations.filter(until=None)
    if facilitation.until is not None:
        raise ValidationError(_("This facilitation has already ended."))
    if current.count() == 1:
        raise ValidationError(_("A set keeps at least one facilitator. Add another first."))
    facilitation.until = until
    facilitation.save(update_fields=["until"])
    return facilitation


@transaction.atomic
def facilitation_period_add(
    *,
    learning_set: LearningSet,
    mode: str,
    starts_on: date,
    member_facilitator: Participant | None,
    note: str,
) -> FacilitationPeriod:
    if mode == FacilitationMode.SELF_FACILITATING:
        if member_facilitator is None:
            raise ValidationError(_("Choose the member who facilitates in this period."))
        if not learning_set.memberships.filter(
            participant=member_facilitator, left_on=None
        ).exists():
            raise ValidationError(_("The member facilitating must be in the set."))
    elif member_facilitator is not None:
        raise ValidationError(_("A member facilitates only when the set is self-facilitating."))
    latest = learning_set.periods.order_by("-starts_on").first()
    if latest is not None and starts_on < latest.starts_on:
        raise ValidationError(
            _("A new period cannot start before the current one (%(date)s)."),
            params={"date": latest.starts_on},
        )
    period = FacilitationPeriod(
        learning_set=learning_set,
        mode=mode,
        starts_on=starts_on,
        member_facilitator=member_facilitator,
        note=note,
    )
    period.full_clean()
    period.save()
    return period


@transaction.atomic
def ground_rules_update(*, learning_set: LearningSet, text: str, by: User) -> GroundRules:
    """Every change makes a new version; members accept the new one afresh."""
    current = learning_set.ground_rules.order_by("-version").first()
    text = "\n".join(line.strip() for line in text.strip().splitlines() if line.strip())
    if not text:
        raise ValidationError(_("Ground rules cannot be empty."))
    if current is not None and current.text == text:
        raise ValidationError(_("Nothing changed."))
    return GroundRules.objects.create(
        learning_set=learning_set,
        version=(current.version + 1) if current else 1,
        text=text,
        created_by=by,
    )


@transaction.atomic
def ground_rules_accept(
    *, ground_rules: GroundRules, participant: Participant
) -> GroundRulesAcceptance:
    learning_set = ground_rules.learning_set
    latest = learning_set.ground_rules.order_by("-version").first()
    if latest is None or latest.pk != ground_rules.pk:
        raise ValidationError(_("These are not the set's current ground rules."))
    if not learning_set.memberships.filter(participant=participant, left_on=None).exists():
        raise ValidationError(_("Only members of the set accept its ground rules."))
    acceptance, _created = GroundRulesAcceptance.objects.get_or_create(
        ground_rules=ground_rules, participant=participant
    )
    return acceptance


def existing_people(organisation: Organisation) -> dict[str, PersonRecord]:
    """The pool as the import planner sees it, keyed by email."""
    people = Participant.objects.filter(organisation=organisation).select_related("manager")
    return {
        p.email: PersonRecord(
            email=p.email,
            name=p.name,
            department=p.department,
            site=p.site,
            job_level=p.job_level,
            manager_email=p.manager.email if p.manager else "",
            attributes=tuple(sorted((str(k), str(v)) for k, v in p.attributes.items())),
        )
        for p in people
    }


def import_plan(batch: ParticipantImport) -> RosterPlan:
    try:
        headers, rows = read_table(bytes(batch.content), batch.filename)
    except SpreadsheetError as error:
        return RosterPlan(file_errors=[str(error)])
    return plan_import(headers, rows, existing_people(batch.organisation))


@transaction.atomic
def import_upload(
    *, organisation: Organisation, by: User, filename: str, content: bytes
) -> ParticipantImport:
    """Keep the file for its preview; a file that cannot be read at all is refused now."""
    try:
        read_table(content, filename)
    except SpreadsheetError as error:
        raise ValidationError(str(error)) from error
    return ParticipantImport.objects.create(
        organisation=organisation, uploaded_by=by, filename=filename[:255], content=content
    )


@transaction.atomic
def import_apply(*, batch: ParticipantImport) -> RosterPlan:
    """Apply every row or none: the file is checked again against the pool as it is now."""
    batch = ParticipantImport.objects.select_for_update().get(pk=batch.pk)
    if batch.applied_at is not None:
        raise ValidationError(_("This file has already been imported."))
    plan = import_plan(batch)
    if not plan.ok:
        raise ValidationError(
            _("Nothing was imported: fix the errors shown and upload the file again.")
        )
    organisation = batch.organisation
    by_email = {p.email: p for p in Participant.objects.filter(organisation=organisation)}
    new: list[Participant] = []
    changed: list[Participant] = []
    for row in plan.rows:
        record = row.record
        if record is None or row.status == RowStatus.UNCHANGED:
            continue
        person = by_email.get(record.email) or Participant(
            organisation=organisation, email=record.email
        )
        person.name = record.name
        person.department = record.department
        person.site = record.site
        person.job_level = record.job_level
        person.attributes = dict(record.attributes)
        (new if person.pk is None else changed).append(person)
    Participant.objects.bulk_create(new, batch_size=1000)
    fields = ["name", "department", "site", "job_level", "attributes", "updated_at"]
    now = timezone.now()
    for person in changed:
        person.updated_at = now
    Participant.objects.bulk_update(changed, fields, batch_size=1000)

    # Managers second, once everyone in the file exists.
    by_email = {p.email: p for p in Participant.objects.filter(organisation=organisation)}
    with_new_manager = []
    for row in plan.rows:
        if row.record is None or row.status == RowStatus.UNCHANGED:
            continue
        person = by_email[row.record.email]
        manager = by_email.get(row.record.manager_email) if row.record.manager_email else None
        if person.manager_id != (manager.pk if manager else None):
            person.manager = manager
            with_new_manager.append(person)
    Participant.objects.bulk_update(with_new_manager, ["manager"], batch_size=1000)
    # The file held personal data only to be previewed; once applied it is not kept.
    batch.applied_at = timezone.now()
    batch.content = b""
    batch.save(update_fields=["applied_at", "content"])
    return plan


@transaction.atomic
def formation_run_create(
    *, programme: Programme, by: User, inputs: dict[str, object], seconds: int, seed: int
) -> FormationRun:
    """Keep what the solver is asked, then start it in the worker."""
    people = inputs["people"]
    if not isinstance(people, list) or not people:
        raise ValidationError(_("Nobody matches: choose a wider pool."))
    run = FormationRun(
        programme=programme, created_by=by, inputs=inputs, seconds=seconds, seed=seed
    )
    run.full_clean()
    run.save()
    transaction.on_commit(partial(run_formation.enqueue, run.pk))
    return run


@transaction.atomic
def formation_run_cancel(*, run: FormationRun) -> FormationRun:
    run = FormationRun.objects.select_for_update().get(pk=run.pk)
    if not run.is_active:
        raise ValidationError(_("This run has already finished."))
    run.cancel_requested = True
    if run.status == FormationRun.Status.QUEUED:
        run.status = FormationRun.Status.CANCELLED
    run.save(update_fields=["cancel_requested", "status"])
    return run


def _editable(run: FormationRun) -> list[list[int]]:
    if (
        run.status not in (FormationRun.Status.DONE, FormationRun.Status.CANCELLED)
        or not run.groups
    ):
        raise ValidationError(_("There is no proposal to change."))
    return [list(group) for group in run.groups]


@transaction.atomic
def formation_move(*, run: FormationRun, participant_id: int, to_set: int) -> FormationRun:
    """Move one person to another proposed set (numbered from 1). The scores are recomputed by
    whoever shows the proposal; a move that breaks a rule is allowed and flagged there."""
    run = FormationRun.objects.select_for_update().get(pk=run.pk)
    groups = _editable(run)
    if not 1 <= to_set <= len(groups):
        raise ValidationError(_("There is no set %(n)s."), params={"n": to_set})
    source = next((g for g in groups if participant_id in g), None)
    if source is None:
        raise ValidationError(_("That person is not in this proposal."))
    source.remove(participant_id)
    groups[to_set - 1].append(participant_id)
    run.groups = groups
    run.save(update_fields=["groups"])
    return run


@transaction.atomic
def formation_accept(
    *, run: FormationRun, names: list[str], facilitators: list[User], by: User
) -> list[LearningSet]:
    """Create the proposed sets in the programme, with their members and a facilitator each."""
    run = FormationRun.objects.select_for_update().select_related("programme").get(pk=run.pk)
    groups = _editable(run)
    if len(names) != len(groups) or len(facilitators) != len(groups):
        raise ValidationError(_("Give every set a name and a facilitator."))
    programme = run.programme
    people = {p.pk: p for p in Participant.objects.filter(organisation=programme.organisation)}
    created = []
    today = programme.organisation.today()
    for name, facilitator, group in zip(names, facilitators, groups, strict=True):
        learning_set = set_create(programme=programme, name=name, facilitators=[facilitator], by=by)
        for participant_id in group:
            set_member_add(
                learning_set=learning_set,
                participant=people[participant_id],
                joined_on=today,
                reason=_("Formed by formation run %(n)s") % {"n": run.pk},
                by=by,
            )
        created.append(learning_set)
    run.status = FormationRun.Status.ACCEPTED
    run.accepted_at = timezone.now()
    run.save(update_fields=["status", "accepted_at"])
    return created
