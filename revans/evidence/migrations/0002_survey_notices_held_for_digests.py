"""A survey notice can wait for its reader's digest (issue 22): held for it, then taken by one."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_notice_preferences_and_digests"),
        ("evidence", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="surveynotice",
            name="digest",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="accounts.digest",
            ),
        ),
        migrations.AddField(
            model_name="surveynotice",
            name="held_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="surveynotice",
            name="held_for",
            field=models.CharField(
                blank=True,
                choices=[("daily", "In a daily digest"), ("weekly", "In a weekly digest")],
                default="",
                max_length=10,
            ),
        ),
        migrations.AddIndex(
            model_name="surveynotice",
            index=models.Index(
                condition=models.Q(("digest__isnull", True), ("held_at__isnull", False)),
                fields=["user", "held_for"],
                name="surveynotice_held",
            ),
        ),
    ]
