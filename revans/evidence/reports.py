"""The board's PDF report: the dashboard's content set for print by WeasyPrint, built by the
worker with its progress written as it goes, and downloadable by the person who asked for a
short while. The PDF itself is set by `pdf.py`."""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from revans.accounts.selectors import reader_language

from . import charts
from .dashboard import Dashboard, dashboard
from .models import BoardReport
from .signals import report_ready

LINK_LIFE = timedelta(minutes=15)  # the download link works this long after the PDF is ready
GIVE_UP_AFTER = timedelta(minutes=15)  # a build this old belongs to a worker that died
Status = BoardReport.Status
logger = logging.getLogger(__name__)


def drawings(found: Dashboard) -> dict[str, bytes]:
    drawn = {s.name: charts.series_svg(s) for s in found.charts}
    drawn["outcomes"] = charts.outcomes_svg(found.outcomes)
    return drawn


def _step(report_id: str, progress: int, step: str) -> None:
    BoardReport.objects.filter(pk=report_id).update(progress=progress, step=step)


def build(report_id: str) -> None:
    """Build one report, once: the first worker to move it from waiting to building does it."""
    if not BoardReport.objects.filter(pk=report_id, status=Status.WAITING).update(
        status=Status.BUILDING, progress=5, step=gettext_noop("Starting")
    ):
        return
    report = BoardReport.objects.select_related("programme__organisation", "requested_by").get(
        pk=report_id
    )
    try:
        _step(report_id, 15, gettext_noop("Gathering the figures"))
        # The report reads in the language of the sponsor who asked for it.
        with translation.override(reader_language(report.requested_by)):
            found = dashboard(report.programme)
            _step(report_id, 45, gettext_noop("Drawing the charts"))
            drawn = drawings(found)
            _step(report_id, 70, gettext_noop("Setting the pages"))
            from .pdf import render  # WeasyPrint is loaded by the worker only, when it is needed

            pdf = render(found, drawn)
    except Exception:
        logger.exception("Board report %s could not be built", report_id)
        BoardReport.objects.filter(pk=report_id).update(
            status=Status.FAILED,
            step=gettext_noop("It could not be built"),
            finished_at=timezone.now(),
        )
        return
    now = timezone.now()
    with transaction.atomic():
        ready = BoardReport.objects.filter(pk=report_id, status=Status.BUILDING).update(
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


def expire(*, now: datetime) -> int:
    """Delete reports whose link has expired or that failed a day ago; give up on builds a dead
    worker left behind."""
    gone, _kinds = BoardReport.objects.filter(
        Q(status=Status.READY, expires_at__lte=now)
        | Q(status=Status.FAILED, created_at__lte=now - timedelta(days=1))
    ).delete()
    stale = BoardReport.objects.filter(
        status__in=[Status.WAITING, Status.BUILDING], created_at__lte=now - GIVE_UP_AFTER
    ).update(status=Status.FAILED, step=gettext_noop("It took too long"), finished_at=now)
    return gone + stale
