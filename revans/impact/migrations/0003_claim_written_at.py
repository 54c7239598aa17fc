"""A claim is judged by the moment it was written, not the day (issue 18)."""

from datetime import UTC, datetime, time

import django.utils.timezone
from django.db import migrations, models


def to_moments(apps, schema_editor):
    claims = apps.get_model("impact", "BenefitClaim")
    rows = list(claims.objects.only("pk", "written_on"))
    for row in rows:
        row.written_at = datetime.combine(row.written_on, time.min, UTC)
    claims.objects.bulk_update(rows, ["written_at"], batch_size=1000)


def to_days(apps, schema_editor):
    claims = apps.get_model("impact", "BenefitClaim")
    rows = list(claims.objects.only("pk", "written_at"))
    for row in rows:
        row.written_on = row.written_at.date()
    claims.objects.bulk_update(rows, ["written_on"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("impact", "0002_surveys_outcomes_reports")]

    operations = [
        migrations.AddField(
            model_name="benefitclaim",
            name="written_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(to_moments, to_days),
        migrations.RemoveField(model_name="benefitclaim", name="written_on"),
    ]
