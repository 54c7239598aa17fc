"""Content is judged by the moment it was written, not the day (issue 18): `written_on` becomes
`written_at`, existing rows at the start of their day (UTC); an action's progress carries the
moment it was last written."""

from datetime import UTC, datetime, time

import django.utils.timezone
from django.db import migrations, models

MODELS = ["challenge", "action", "reportback", "reflection", "processnote", "meetingrecord", "question"]


def to_moments(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("learning", name)
        rows = list(model.objects.only("pk", "written_on"))
        for row in rows:
            row.written_at = datetime.combine(row.written_on, time.min, UTC)
        model.objects.bulk_update(rows, ["written_at"], batch_size=1000)


def to_days(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("learning", name)
        rows = list(model.objects.only("pk", "written_at"))
        for row in rows:
            row.written_on = row.written_at.date()
        model.objects.bulk_update(rows, ["written_on"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("learning", "0003_live_meeting")]

    operations = [
        *[
            migrations.AddField(
                model_name=name,
                name="written_at",
                field=models.DateTimeField(default=django.utils.timezone.now),
            )
            for name in MODELS
        ],
        migrations.RunPython(to_moments, to_days),
        *[migrations.RemoveField(model_name=name, name="written_on") for name in MODELS],
        migrations.AddField(
            model_name="action",
            name="progress_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
