"""The board's PDF report: the dashboard's content set for print by WeasyPrint, built by the
worker with its progress written as it goes, and downloadable by the person who asked for a
short while. The PDF itself is set by `pdf.py`."""

import logging
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from revans.accounts.selectors import reader_language

from . import charts
from .dashboard import Dashboard, dashboard
from .models import BoardReport
from .signals import report_ready

LINK_LIFE = timedelta(minutes=15)  # the download link works this long after the PDF is ready
GIVE_UP_AFTER = timedelta(minutes=15)  # waiting this long, no worker is going to take it
# Each step writes the heartbeat; the longest (setting 600 people's pages) takes about two
# seconds, so a build silent this long has lost its worker (killed, or its machine gone).
SILENCE = timedelta(minutes=2)
ATTEMPTS = 2  # a build whose worker vanished is given to another once; then it has failed
Status = BoardReport.Status
logger = logging.getLogger(__name__)


def drawings(found: Dashboard) -> dict[str, bytes]:
    drawn = {s.name: charts.series_svg(s) for s in found.charts}
    drawn["outcomes"] = charts.outcomes_svg(found.outcomes)
    return drawn


def _step(report_id: str, attempt: int, progress: int, step: str) -> None:
    BoardReport.objects.filter(pk=report_id, status=Status.BUILDING, attempts=attempt).update(
        progress=progress, step=step, heartbeat_at=timezone.now()
    )


def build(report_id: str) -> None:
    """Build one report, once: the first worker to move it from waiting to building does it, and
    only that attempt's result is kept (a worker the sweep gave up on finishes for nothing)."""
    if not BoardReport.objects.filter(pk=report_id, status=Status.WAITING).update(
        status=Status.BUILDING,
        progress=5,
        step=gettext_noop("Starting"),
        heartbeat_at=timezone.now(),
        attempts=F("attempts") + 1,
    ):
        return
    report = BoardReport.objects.select_related("programme__organisation", "requested_by").get(
        pk=report_id
    )
    mine = BoardReport.objects.filter(
        pk=report_id, status=Status.BUILDING, attempts=report.attempts
    )
    try:
        _step(report_id, report.attempts, 15, gettext_noop("Gathering the figures"))
        # The report reads in the language of the sponsor who asked for it.
        with translation.override(reader_language(report.requested_by)):
            found = dashboard(report.programme)
            _step(report_id, report.attempts, 45, gettext_noop("Drawing the charts"))
            drawn = drawings(found)
            _step(report_id, report.attempts, 70, gettext_noop("Setting the pages"))
            from .pdf import render  # WeasyPrint is loaded by the worker only, when it is needed

            pdf = render(found, drawn)
    except Exception:
        logger.exception("Board report %s could not be built", report_id)
        mine.update(
            status=Status.FAILED,
            step=gettext_noop("It could not be built"),
            finished_at=timezone.now(),
        )
        return
    now = timezone.now()
    with transaction.atomic():
        ready = mine.update(
            status=Status.READY,
            progress=100,
            step=gettext_noop("Ready"),
            content=pdf,
            finished_at=now,
            expires_at=now + LINK_LIFE,
        )
        if ready:  # told once, by the build that made it ready (not one a sweep gave up on)
            report_ready.send(
                sender=BoardReport,
                report_id=report.pk,
                programme_id=report.programme_id,
                organisation_id=report.programme.organisation_id,
            )


def resume(*, now: datetime) -> int:
    """Give each build whose worker fell silent to another worker (once): back to waiting, queued
    again. Safe twice at once: each is moved back by one conditional update."""
    from .tasks import build_report  # the task module imports this one

    silent = BoardReport.objects.filter(
        status=Status.BUILDING, heartbeat_at__lte=now - SILENCE, attempts__lt=ATTEMPTS
    )
    resumed = 0
    for pk in silent.values_list("pk", flat=True):
        if silent.filter(pk=pk).update(
            status=Status.WAITING, progress=0, step=gettext_noop("Starting again"), heartbeat_at=now
        ):
            transaction.on_commit(partial(build_report.enqueue, str(pk)))
            resumed += 1
    return resumed


def expire(*, now: datetime) -> int:
    """Delete reports whose link has expired or that failed a day ago; give up on builds a dead
    worker left behind."""
    gone, _kinds = BoardReport.objects.filter(
        Q(status=Status.READY, expires_at__lte=now)
        | Q(status=Status.FAILED, created_at__lte=now - timedelta(days=1))
    ).delete()
    # Waiting since it was asked for, or since the sweep gave it back.
    stale = (
        BoardReport.objects.alias(waiting_since=Coalesce("heartbeat_at", "created_at")).filter(
            Q(status=Status.WAITING, waiting_since__lte=now - GIVE_UP_AFTER)
            | Q(status=Status.BUILDING, heartbeat_at__lte=now - SILENCE, attempts__gte=ATTEMPTS)
        )
    ).update(
        status=Status.FAILED,
        step=gettext_noop("It could not be built; ask again"),
        finished_at=now,
    )
    return gone + stale
