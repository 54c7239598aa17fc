"""Work the data-rights pages hand to the worker: building a person's download."""

from django.tasks import task

from . import services


@task()
def build_export(export_id: str) -> None:
    services.build(export_id)
