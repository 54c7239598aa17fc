"""A claim's emails (issue 22): to the sponsors when it waits for a decision, to its owner when
one is made; each once, through the outbox, like meeting and survey notices."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_notice_preferences_and_digests"),
        ("impact", "0006_evidence_moves_out"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ClaimNotice",
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
                    "held_for",
                    models.CharField(
                        blank=True,
                        choices=[("daily", "In a daily digest"), ("weekly", "In a weekly digest")],
                        default="",
                        max_length=10,
                    ),
                ),
                ("held_at", models.DateTimeField(blank=True, null=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("waiting", "A claim waits for a decision"),
                            ("decided", "A decision on a claim"),
                        ],
                        max_length=12,
                    ),
                ),
                ("version", models.PositiveIntegerField()),
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notices",
                        to="impact.benefitclaim",
                    ),
                ),
                (
                    "digest",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="accounts.digest",
                    ),
                ),
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
                "indexes": [
                    models.Index(fields=["sent_at", "claimed_at"], name="claimnotice_due"),
                    models.Index(
                        condition=models.Q(("digest__isnull", True), ("held_at__isnull", False)),
                        fields=["user", "held_for"],
                        name="claimnotice_held",
                    ),
                ],
            },
        ),
    ]
