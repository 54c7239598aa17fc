"""Writes about a person's data rights: asking for the download, building it once, and
deleting it when its link expires."""

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from revans.accounts.models import User
from revans.audit import services as audit
from revans.audit.models import Event

from .export import build_zip
from .models import DataExport

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
