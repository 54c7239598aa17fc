"""Notices the way each person wants them (issue 22): a preference per topic (at once, a daily
or weekly digest, or off; no row is at once), and the digests that carry what was held."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_time_zone"),
    ]

    operations = [
        migrations.CreateModel(
            name="Digest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=200, unique=True)),
                ("claimed_at", models.DateTimeField(blank=True, null=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("skipped", models.CharField(blank=True, max_length=100)),
                (
                    "kind",
                    models.CharField(
                        choices=[("daily", "In a daily digest"), ("weekly", "In a weekly digest")],
                        max_length=12,
                    ),
                ),
                ("period", models.DateField()),
                ("until", models.DateTimeField()),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["sent_at", "claimed_at"], name="digest_due")],
            },
        ),
        migrations.CreateModel(
            name="NoticePreference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "topic",
                    models.CharField(
                        choices=[
                            ("changes", "Other changes to a meeting"),
                            ("reminders", "Meeting reminders"),
                            ("actions", "Your open actions before a meeting"),
                            ("surveys", "Surveys"),
                            ("claims", "Benefit claims"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "frequency",
                    models.CharField(
                        choices=[
                            ("immediate", "At once"),
                            ("daily", "In a daily digest"),
                            ("weekly", "In a weekly digest"),
                            ("off", "Off"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notice_preferences",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "topic"), name="one_preference_per_topic"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("topic__in", ["changes", "reminders", "actions", "surveys", "claims"])
                        ),
                        name="preference_of_a_tunable_topic",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("frequency__in", ["immediate", "daily", "weekly", "off"])
                        ),
                        name="preference_of_a_known_frequency",
                    ),
                ],
            },
        ),
    ]
