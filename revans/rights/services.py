"""Writes about a person's data rights: asking for the download, building it once, and
deleting it when its link expires."""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from revans.accounts import services as accounts
from revans.accounts.models import Organisation, User
from revans.audit import services as audit
from revans.audit.models import Event
from revans.programmes.models import Participant

from .erasure import erase
from .export import build_zip
from .models import DataExport, Erasure

LINK_LIFE = timedelta(days=7)  # the download works this long after it is ready
GIVE_UP_AFTER = timedelta(hours=1)  # a build this old belongs to a worker that died
Status = DataExport.Status
logger = logging.getLogger(__name__)


def export_request(*, user: User) -> tuple[DataExport, bool]:
    """A download for this person, or the one already in the making. True when this made it."""
    in_making = DataExport.objects.filter(user=user, status__in=[Status.WAITING, Status.BUILDING])
    found = in_making.first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            made = DataExport.objects.create(user=user)
            for organisation_id in user.memberships.values_list("organisation_id", flat=True):
                audit.record(
                    Event.EXPORTED,
                    organisation=organisation_id,
                    subject=user,
                    target=audit.target(made),
                    detail={"file": "my data"},
                )
    except IntegrityError:  # asked twice at once: the other request made it
        found = in_making.first()
        if found is None:
            raise ValidationError(_("The download could not be started; try again.")) from None
        return found, False
    from .tasks import build_export  # the task module imports this one

    transaction.on_commit(lambda: build_export.enqueue(str(made.pk)))
    return made, True


def build(export_id: str) -> None:
    """Build one download, once: the first worker to move it from waiting to building does."""
    if not DataExport.objects.filter(pk=export_id, status=Status.WAITING).update(
        status=Status.BUILDING
    ):
        return
    export = DataExport.objects.select_related("user").get(pk=export_id)
    try:
        content = build_zip(export.user)
    except Exception:
        logger.exception("Data export %s could not be built", export_id)
        DataExport.objects.filter(pk=export_id).update(
            status=Status.FAILED, finished_at=timezone.now()
        )
        return
    now = timezone.now()
    DataExport.objects.filter(pk=export_id, status=Status.BUILDING).update(
        status=Status.READY,
        content=content,
        size=len(content),
        finished_at=now,
        expires_at=now + LINK_LIFE,
    )


def expire(*, now: datetime) -> int:
    """Delete downloads whose link has expired or that failed a day ago; mark as failed the
    builds a dead worker left behind, so the person may ask again."""
    gone, _kinds = DataExport.objects.filter(
        Q(status=Status.READY, expires_at__lte=now)
        | Q(status=Status.FAILED, created_at__lte=now - timedelta(days=1))
    ).delete()
    DataExport.objects.filter(
        status__in=[Status.WAITING, Status.BUILDING], created_at__lte=now - GIVE_UP_AFTER
    ).update(status=Status.FAILED, finished_at=now)
    return gone


# Erasure.

ERASURE_GRACE = timedelta(days=14)  # time to change one's mind, or to spot a mistake


def erasure_request(*, user: User, organisation: Organisation | None, by: User) -> Erasure:
    """Erase `user`'s data everywhere (they ask: `organisation` None) or in one organisation
    (its admin asks), once the grace period is over."""
    pending = Erasure.objects.filter(user=user, organisation=organisation, done_at=None).filter(
        cancelled_at=None
    )
    if pending.exists():
        raise ValidationError(_("An erasure is already waiting."))
    with transaction.atomic():
        erasure = Erasure.objects.create(
            user=user,
            organisation=organisation,
            requested_by=by,
            due_at=timezone.now() + ERASURE_GRACE,
        )
        _record(erasure, step="asked", due=erasure.due_at.date().isoformat())
    return erasure


@transaction.atomic
def erasure_cancel(*, erasure: Erasure) -> Erasure:
    if not erasure.is_pending:
        raise ValidationError(_("This erasure is no longer waiting."))
    erasure.cancelled_at = timezone.now()
    erasure.save(update_fields=["cancelled_at"])
    _record(erasure, step="cancelled")
    return erasure


def _record(erasure: Erasure, **detail: object) -> None:
    """A step of the erasure, in the audit trail of each organisation it reaches."""
    for organisation_id in _organisations(erasure):
        audit.record(
            Event.ERASED,
            organisation=organisation_id,
            subject=erasure.user_id,
            target=audit.target(erasure),
            detail=detail,
        )


def _organisations(erasure: Erasure) -> list[int]:
    if erasure.organisation_id is not None:
        return [erasure.organisation_id]
    return list(erasure.user.memberships.values_list("organisation_id", flat=True))


def erase_due(*, now: datetime) -> int:
    """Carry out each erasure whose grace period is over, once (the row is locked and marked
    done in the transaction that erases)."""
    done = 0
    for erasure_id in Erasure.objects.filter(
        cancelled_at=None, done_at=None, due_at__lte=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            erasure = (
                Erasure.objects.select_for_update(skip_locked=True)
                .select_related("user")
                .filter(pk=erasure_id, cancelled_at=None, done_at=None)
                .first()
            )
            if erasure is None:
                continue
            organisations = _organisations(erasure)
            user = erasure.user
            entries = Participant.objects.filter(Q(user=user) | Q(email__iexact=user.email))
            if erasure.organisation_id is not None:
                entries = entries.filter(organisation=erasure.organisation_id)
            others = user.memberships.filter(is_active=True).exclude(
                organisation=erasure.organisation_id
            )
            whole = erasure.organisation_id is None or not others.exists()
            if erasure.organisation_id is not None:
                for membership in user.memberships.filter(
                    organisation=erasure.organisation_id, is_active=True
                ):
                    accounts.membership_end(membership=membership, end_sessions=False)
            counts = erase(entries=list(entries), user=user if whole else None)
            erasure.done_at = now
            erasure.erased = counts
            erasure.save(update_fields=["done_at", "erased"])
            for organisation_id in organisations:
                audit.record(
                    Event.ERASED,
                    organisation=organisation_id,
                    subject=user,
                    target=audit.target(erasure),
                    detail={"step": "done", **counts},
                )
            done += 1
    return done


# After a restore ------------------------------------------------------------------------------


def erasures_since(*, since: datetime) -> list[dict[str, object]]:
    """The erasures asked for since `since` and not cancelled, as a list kept outside the
    database: a restore of an older backup loses them, and `erasures_reapply` asks again. Ids
    only: by the time they are carried out, the person's name and address are gone."""
    asked = Erasure.objects.filter(requested_at__gte=since, cancelled_at=None)
    return [
        {
            "user": e.user_id,
            "organisation": e.organisation_id,
            "requested_by": e.requested_by_id,
            "requested_at": e.requested_at.isoformat(),
            "due_at": e.due_at.isoformat(),
            "done": e.done_at is not None,
        }
        for e in asked.order_by("requested_at", "pk")
    ]


def erasures_reapply(*, entries: list[dict[str, Any]], now: datetime) -> int:
    """After a restore: ask again for each listed erasure the restored database lacks (one
    carried out already is due at once; one still waiting keeps its grace period), then carry
    out what is due. Safe to run twice: an erasure already here is not asked again. Returns
    how many were asked again."""
    asked = 0
    with transaction.atomic():
        for entry in entries:
            user = User.objects.filter(pk=entry["user"]).first()
            organisation = entry["organisation"]
            if user is None or (
                organisation is not None
                and not Organisation.objects.filter(pk=organisation).exists()
            ):
                continue  # not in this backup: nothing of theirs to erase
            due = now if entry["done"] else datetime.fromisoformat(entry["due_at"])
            here = Erasure.objects.filter(user=user, organisation=organisation, cancelled_at=None)
            pending = here.filter(done_at=None).first()
            if pending is not None:  # asked before the backup: it may have been carried out since
                if pending.due_at > due:
                    pending.due_at = due
                    pending.save(update_fields=["due_at"])
                continue
            if here.filter(done_at__gte=datetime.fromisoformat(entry["requested_at"])).exists():
                continue  # carried out in this database already
            by = User.objects.filter(pk=entry["requested_by"]).first()
            erasure = Erasure.objects.create(
                user=user,
                organisation_id=organisation,
                requested_by=by,
                requested_at=datetime.fromisoformat(entry["requested_at"]),
                due_at=due,
            )
            _record(erasure, step="asked again after a restore")
            asked += 1
    erase_due(now=now)
    return asked
