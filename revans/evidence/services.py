"""Writes about what the programme did for people: career outcomes and the organisation's
baselines, and the request for the board's report (built by the worker). Survey writes are
`surveys.py`. One transaction each; anything the database would refuse is refused here first."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.utils import formats
from django.utils.translation import gettext as _

from revans.accounts.models import User
from revans.programmes.models import Participant, Programme, SetMembership
from revans.writes import kept_moved

from .models import Baseline, BoardReport, CareerOutcome
from .tasks import build_report


def outcome_add(
    *,
    programme: Programme,
    participant: Participant,
    kind: str,
    happened_on: date,
    note: str,
    by: User,
) -> CareerOutcome:
    """A promotion, award or departure of someone on the programme, dated from the day they
    joined it to today."""
    joined = SetMembership.objects.filter(
        learning_set__programme=programme, participant=participant
    ).aggregate(first=Min("joined_on"))["first"]
    if joined is None:
        raise ValidationError(_("%(name)s is not on this programme.") % {"name": participant.name})
    if happened_on < joined:
        raise ValidationError(
            _("%(name)s joined the programme on %(day)s; an outcome before that is not its own.")
            % {"name": participant.name, "day": formats.date_format(joined, "j M Y")}
        )
    if happened_on > programme.organisation.today():
        raise ValidationError(_("An outcome is recorded once it has happened, not before."))
    if CareerOutcome.objects.filter(
        programme=programme, participant=participant, kind=kind, happened_on=happened_on
    ).exists():
        raise ValidationError(_("That outcome is recorded already."))
    outcome = CareerOutcome(
        programme=programme,
        participant=participant,
        kind=kind,
        happened_on=happened_on,
        note=note,
        recorded_by=by,
    )
    outcome.full_clean()
    try:
        with transaction.atomic():
            outcome.save()
    except IntegrityError:
        raise ValidationError(_("That outcome is recorded already.")) from None
    return outcome


def outcome_remove(*, outcome: CareerOutcome) -> None:
    outcome.delete()


def baseline_save(
    *, programme: Programme, kind: str, people: int, events: int, period: str, group: str
) -> Baseline:
    """The comparison group's rate for one kind of outcome (saving again replaces it)."""
    if events > people:
        raise ValidationError(_("It cannot have happened to more people than there are."))
    baseline = Baseline.objects.filter(programme=programme, kind=kind).first() or Baseline(
        programme=programme, kind=kind
    )
    baseline.people, baseline.events, baseline.period, baseline.group = (
        people,
        events,
        period,
        group,
    )
    baseline.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            baseline.save()
    except IntegrityError:  # saved by another request a moment ago: this one applies over it
        Baseline.objects.filter(programme=programme, kind=kind).update(
            people=people, events=events, period=period, group=group
        )
        kept_moved(within=programme)  # an update sends no signal
        baseline = Baseline.objects.get(programme=programme, kind=kind)
    return baseline


# The board's report -------------------------------------------------------------------------


Status = BoardReport.Status


def report_request(*, programme: Programme, user: User) -> tuple[BoardReport, bool]:
    """A report for this person, or the one already in the making (asked twice at once, or
    twice in a row, one is built). True when this call made it."""
    in_making = Q(status__in=[Status.WAITING, Status.BUILDING])
    existing = BoardReport.objects.filter(in_making, programme=programme, requested_by=user)
    found = existing.first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            made = BoardReport.objects.create(programme=programme, requested_by=user)
    except IntegrityError:  # the other request of the pair made it a moment ago
        found = existing.first()
        if found is None:
            raise ValidationError(_("The report could not be started; try again.")) from None
        return found, False
    transaction.on_commit(lambda: build_report.enqueue(str(made.pk)))
    return made, True
