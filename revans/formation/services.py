"""Writes about formation runs: ask, stop, run again, move someone, accept. One transaction each."""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from revans.accounts.models import User
from revans.programmes import services as programme_services
from revans.programmes.models import LearningSet, Participant, Programme

from .inputs import RunInputs
from .models import FormationRun
from .proposal import gather, set_scores
from .signals import formation_accepted
from .tasks import run_formation

MAX_SECONDS = 600


@transaction.atomic
def formation_run_create(
    *, programme: Programme, by: User, inputs: RunInputs, seconds: int, seed: int
) -> FormationRun:
    """Keep what the solver is asked, then start it in the worker."""
    problems = inputs.problems()
    if problems:
        raise ValidationError(problems)
    known = Participant.objects.filter(
        organisation=programme.organisation, pk__in=inputs.people
    ).count()
    if known != len(inputs.people):
        raise ValidationError(_("Someone in this pool is no longer among your people."))
    if not 1 <= seconds <= MAX_SECONDS:
        raise ValidationError(
            _("The search time runs from 1 to %(n)s seconds."), params={"n": MAX_SECONDS}
        )
    run = FormationRun(
        programme=programme, created_by=by, inputs=inputs.to_json(), seconds=seconds, seed=seed
    )
    run.full_clean()
    run.save()
    transaction.on_commit(partial(run_formation.enqueue, run.pk))
    return run


def formation_run_again(*, run: FormationRun, by: User) -> FormationRun:
    """A new run with the same inputs, seed and time: after a failure, or to try again later."""
    return formation_run_create(
        programme=run.programme, by=by, inputs=run.request, seconds=run.seconds, seed=run.seed
    )


@transaction.atomic
def formation_run_cancel(*, run: FormationRun) -> FormationRun:
    run = FormationRun.objects.select_for_update().get(pk=run.pk)
    if not run.is_active:
        raise ValidationError(_("This run has already finished."))
    run.cancel_requested = True
    fields = ["cancel_requested"]
    if run.status == FormationRun.Status.QUEUED:
        run.status = FormationRun.Status.CANCELLED
        run.finished_at = timezone.now()
        fields += ["status", "finished_at"]
    run.save(update_fields=fields)
    return run


def _editable(run: FormationRun) -> list[list[int]]:
    if not run.is_editable:
        raise ValidationError(_("There is no proposal to change."))
    return [list(group) for group in run.groups or []]


@transaction.atomic
def formation_move(*, run: FormationRun, participant_id: int, to_set: int) -> FormationRun:
    """Move one person to another proposed set (numbered from 1) and rescore the two sets.
    A move that breaks a rule is allowed; the proposal page flags it."""
    run = FormationRun.objects.select_for_update().select_related("programme").get(pk=run.pk)
    groups = _editable(run)
    if not 1 <= to_set <= len(groups):
        raise ValidationError(_("There is no set %(n)s."), params={"n": to_set})
    source = next((g for g, group in enumerate(groups) if participant_id in group), None)
    if source is None:
        raise ValidationError(_("That person is not in this proposal."))
    target = to_set - 1
    if source == target:
        raise ValidationError(_("That person is already in set %(n)s."), params={"n": to_set})
    groups[source].remove(participant_id)
    groups[target].append(participant_id)
    pool = gather(run.programme, run.request)
    if run.scores and len(run.scores) == len(groups):
        scores = list(run.scores)
        scores[source], scores[target] = set_scores(pool, groups, only=[source, target])
    else:
        scores = set_scores(pool, groups)  # a run from before scores were kept
    run.groups, run.scores = groups, scores
    run.save(update_fields=["groups", "scores"])
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
    people = Participant.objects.in_bulk([pk for group in groups for pk in group])
    created = []
    today = programme.organisation.today()
    for name, facilitator, group in zip(names, facilitators, groups, strict=True):
        learning_set = programme_services.set_create(
            programme=programme, name=name, facilitators=[facilitator], by=by
        )
        for participant_id in group:
            person = people.get(participant_id)
            if person is None or person.organisation_id != programme.organisation_id:
                raise ValidationError(_("Someone in this proposal is no longer among your people."))
            programme_services.set_member_add(
                learning_set=learning_set,
                participant=person,
                joined_on=today,
                reason=_("Formed by formation run %(n)s") % {"n": run.pk},
                by=by,
                announce=False,
            )
        created.append(learning_set)
    run.status = FormationRun.Status.ACCEPTED
    run.accepted_at = timezone.now()
    run.save(update_fields=["status", "accepted_at"])
    formation_accepted.send(sender=FormationRun, run=run, sets=created)
    return created
