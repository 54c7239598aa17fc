"""An action falls due once (issue 21): the sweep marks it as it tells the webhooks. A partial
index keeps the sweep's look for actions not yet due to those rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0004_written_at"),
        ("meetings", "0003_rsvp_used_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="fell_due_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                condition=models.Q(("fell_due_at", None)),
                fields=["due_on"],
                name="action_not_yet_due",
            ),
        ),
    ]
