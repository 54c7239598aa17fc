"""Work the evidence pages hand to the worker: the board's PDF."""

from django.tasks import task

from . import reports


@task()
def build_report(report_id: str) -> None:
    reports.build(report_id)
