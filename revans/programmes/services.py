"""Writes about programmes, sets, their people and ground rules: one transaction each."""

import logging
from collections.abc import Callable, Iterable
from datetime import date

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import DataError, IntegrityError, transaction
from django.db.models import Count, Field, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from revans.accounts import services as accounts_services
from revans.accounts.models import Membership, Organisation, Role, User
from revans.audit import services as audit
from revans.audit.models import Event
from revans.domain.roster import PersonRecord, RosterPlan, RowStatus, plan_import
from revans.writes import kept_moved

from .models import (
    FacilitationMode,
    FacilitationPeriod,
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

logger = logging.getLogger(__name__)


@transaction.atomic
def programme_save(
    *, programme: Programme, facilitators: Iterable[User] | None = None
) -> Programme:
    """Create or update a programme whose fields a form has set; `facilitators`, when given,
    become the people who may form its sets."""
    if programme.pk:
        smallest_allowed = _largest_current_set(programme)
        if programme.max_set_size < smallest_allowed:
            raise ValidationError(
                _("A set already has %(n)s members; the largest set cannot be smaller."),
                params={"n": smallest_allowed},
            )
    programme.full_clean()
    programme.save()
    if facilitators is not None:
        chosen = list(facilitators)
        if chosen:
            _check_facilitators(programme.organisation, chosen)
        programme.facilitators.set(chosen)
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
        SetFacilitator(learning_set=learning_set, user=user, added_by=by) for user in chosen
    )
    kept_moved(within=programme)  # a bulk write sends no signal
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
    return learning_set.memberships.current().count()


def _check_room(learning_set: LearningSet) -> None:
    limit = learning_set.programme.max_set_size
    if _current_size(learning_set) >= limit:
        raise ValidationError(
            _("%(set)s already has %(n)s members, the most this programme allows."),
            params={"set": learning_set.name, "n": limit},
        )


def _announce(learning_set: LearningSet, *, name: str, as_facilitator: bool, by: User) -> None:
    """Tell the set's current members and facilitators that someone joined it (a facilitator
    reads what the set writes from now on; nobody joins a set unseen)."""
    members = learning_set.memberships.current().filter(participant__user__is_active=True)
    addresses = set(members.values_list("participant__user__email", flat=True))
    addresses |= set(learning_set.facilitations.current().values_list("user__email", flat=True))
    context = {"learning_set": learning_set, "name": name, "as_facilitator": as_facilitator}
    context |= {"by": by, "url": settings.SITE_URL + learning_set.get_absolute_url()}
    for address in sorted(addresses - {by.email}):
        accounts_services.send_later(
            template="programmes/email/set_joined",
            to=address,
            context=context,
            language=learning_set.programme.organisation.language,
        )


@transaction.atomic
def set_member_add(
    *,
    learning_set: LearningSet,
    participant: Participant,
    joined_on: date,
    reason: str,
    by: User,
    announce: bool = True,
) -> SetMembership:
    """`announce`: tell the set (not when a set is being formed: its members meet it whole)."""
    # Lock the set so that two admins adding at once cannot pass the size limit together.
    LearningSet.objects.select_for_update().get(pk=learning_set.pk)
    if participant.organisation_id != learning_set.programme.organisation_id:
        raise ValidationError(_("That person is not in this organisation."))
    elsewhere = (
        SetMembership.objects.current()
        .filter(participant=participant, learning_set__programme=learning_set.programme)
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
    if announce:
        _announce(learning_set, name=participant.name, as_facilitator=False, by=by)
    membership.save()
    # People join Revans when they first join a set; a member already is linked now.
    accounts_services.invitation_ensure(
        organisation=participant.organisation,
        invited_by=by,
        email=participant.email,
        name=participant.name,
        roles=[Role.PARTICIPANT],
    )
    if participant.user_id is None:
        account = User.objects.filter(email__iexact=participant.email).first()
        if account is not None:
            participants_link(user=account)
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
def set_facilitator_add(*, learning_set: LearningSet, user: User, by: User) -> SetFacilitator:
    """A facilitator joins the set: shown on its page with who added them, and announced to its
    members and facilitators by email. They read only what is written from now on."""
    _check_facilitators(learning_set.programme.organisation, [user])
    if learning_set.facilitations.current().filter(user=user).exists():
        raise ValidationError(_("%(name)s already facilitates this set."), params={"name": user})
    _announce(learning_set, name=user.name, as_facilitator=True, by=by)
    facilitation = SetFacilitator.objects.create(learning_set=learning_set, user=user, added_by=by)
    audit.record(
        Event.FACILITATOR_ADDED,
        organisation=learning_set.programme.organisation_id,
        subject=user,
        target=audit.target(learning_set),
    )
    return facilitation


@transaction.atomic
def set_facilitator_end(*, facilitation: SetFacilitator, until: date) -> SetFacilitator:
    current = facilitation.learning_set.facilitations.current()
    if facilitation.until is not None:
        raise ValidationError(_("This facilitation has already ended."))
    if current.count() == 1:
        raise ValidationError(_("A set keeps at least one facilitator. Add another first."))
    facilitation.until = until
    facilitation.save(update_fields=["until"])
    audit.record(
        Event.FACILITATOR_ENDED,
        organisation=facilitation.learning_set.programme.organisation_id,
        subject=facilitation.user_id,
        target=audit.target(facilitation.learning_set),
        detail={"until": until.isoformat()},
    )
    return facilitation


@transaction.atomic
def facilitations_end(*, membership: Membership) -> int:
    """The facilitator role is gone: every set they facilitate in the organisation ends their
    facilitation today (even a set's last: the role decides, and the set page then asks for a
    new facilitator). Returns how many ended."""
    ended = (
        SetFacilitator.objects.current()
        .filter(
            user_id=membership.user_id,
            learning_set__programme__organisation_id=membership.organisation_id,
        )
        .update(until=membership.organisation.today())
    )
    kept_moved()  # an update sends no signal
    return ended


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
        if not learning_set.memberships.current().filter(participant=member_facilitator).exists():
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
    if not learning_set.memberships.current().filter(participant=participant).exists():
        raise ValidationError(_("Only members of the set accept its ground rules."))
    acceptance, _created = GroundRulesAcceptance.objects.get_or_create(
        ground_rules=ground_rules, participant=participant
    )
    return acceptance


def existing_people(organisation: Organisation) -> dict[str, PersonRecord]:
    """The pool as the import planner sees it, keyed by email."""
    people = Participant.objects.filter(organisation=organisation).select_related("manager")
    return {
        p.email.lower(): PersonRecord(
            email=p.email.lower(),
            name=p.name,
            department=p.department,
            site=p.site,
            job_level=p.job_level,
            manager_email=p.manager.email.lower() if p.manager else "",
            attributes=tuple(sorted((str(k), str(v)) for k, v in p.attributes.items())),
        )
        for p in people
    }


# The Participant field each imported column is stored in; extra columns go to `attributes`.
STORED_IN = {"manager_email": "email", "attribute": None}
ATTRIBUTE_LIMIT = 500
type Validator = Callable[[str], None]
_NO_NUL: Validator = ProhibitNullCharactersValidator()


def _validators(column: str) -> list[Validator]:
    name = STORED_IN.get(column, column)
    if name is None:
        return [_NO_NUL, MaxLengthValidator(ATTRIBUTE_LIMIT)]
    field = Participant._meta.get_field(name)
    return [_NO_NUL, *(field.validators if isinstance(field, Field) else [])]


def stored_value_problems(column: str, value: str) -> list[str]:
    """What the database or the model would refuse in this value: the Participant field's own
    validators (length, Django's email validator), and NUL, which PostgreSQL cannot store."""
    validators = _validators(column)
    problems = []
    for validator in validators:
        try:
            validator(value)
        except ValidationError as error:
            problems += error.messages
    return problems


def import_plan(batch: ParticipantImport) -> RosterPlan:
    try:
        headers, rows = read_table(bytes(batch.content), batch.filename)
    except SpreadsheetError as error:
        return RosterPlan(file_errors=[str(error)])
    return plan_import(
        headers, rows, existing_people(batch.organisation), check=stored_value_problems
    )


@transaction.atomic
def import_upload(
    *, organisation: Organisation, by: User, filename: str, content: bytes
) -> ParticipantImport:
    """Keep the file for its preview; a file that cannot be read at all is refused now."""
    try:
        read_table(content, filename)
    except SpreadsheetError as error:
        raise ValidationError(str(error)) from error
    name = filename.replace("\x00", "")[:255] or "upload"
    return ParticipantImport.objects.create(
        organisation=organisation, uploaded_by=by, filename=name, content=content
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
    try:
        with transaction.atomic():
            _write_plan(batch.organisation, plan)
    except (DataError, IntegrityError):
        # The plan checks every value as the database would; reaching here is a bug, not bad data.
        logger.exception("Import %s: the database refused a planned row", batch.pk)
        raise ValidationError(
            _(
                "Nothing was imported: the database refused a value in this file. Tell your "
                "administrator (import %(n)s)."
            )
            % {"n": batch.pk}
        ) from None
    # The file held personal data only to be previewed; once applied it is not kept.
    batch.applied_at = timezone.now()
    batch.content = b""
    batch.save(update_fields=["applied_at", "content"])
    return plan


def _write_plan(organisation: Organisation, plan: RosterPlan) -> None:
    by_email = {p.email.lower(): p for p in Participant.objects.filter(organisation=organisation)}
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
    by_email = {p.email.lower(): p for p in Participant.objects.filter(organisation=organisation)}
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
    kept_moved()  # job levels decide the costs of people's time; bulk writes send no signal


@transaction.atomic
def participants_link(*, user: User) -> int:
    """Link the person's pool entries to their account, once: in each organisation they are an
    active member of, the entry at one of their verified addresses. Called when they join an
    organisation, sign in, or are added to a set; from then on the key says who they are."""
    verified = {
        e.lower()
        for e in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }
    if not verified:
        return 0
    member_of = Membership.objects.filter(user=user, is_active=True).values("organisation_id")
    already = set(Participant.objects.filter(user=user).values_list("organisation_id", flat=True))
    linked = 0
    candidates = Participant.objects.filter(organisation__in=member_of, user__isnull=True).exclude(
        organisation__in=already
    )
    at_verified = Q()
    for address in verified:
        at_verified |= Q(email__iexact=address)
    for entry in candidates.filter(at_verified).order_by("pk"):
        if entry.organisation_id in already:
            continue  # one entry per account per organisation
        entry.user = user
        entry.save(update_fields=["user"])
        already.add(entry.organisation_id)
        linked += 1
    return linked
