"""What a programme cost and what it was worth: cost lines, loaded hourly rates for participants'
time, benefit claims on challenges and actions with their evidence, and the programme's ROI
settings. The arithmetic is `revans.domain.roi`; who may read a claim is
`revans.domain.confidentiality`, asked through `access.py`."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from revans.accounts.models import HELD, Outbox
from revans.domain.roi import Extreme, Status
from revans.learning.models import Action, Challenge
from revans.programmes.models import Participant, Programme

MAX_AMOUNT = Decimal("1000000000")  # a billion in any currency: more is a typing slip
PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class CostItem(models.Model):
    class Category(models.TextChoices):
        FACILITATION = "facilitation", _("Facilitator fees")
        VENUE = "venue", _("Venue")
        MATERIALS = "materials", _("Materials")
        ADMINISTRATION = "administration", _("Administration")
        OTHER = "other", _("Other")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="costs")
    category = models.CharField(_("kind of cost"), max_length=20, choices=Category.choices)
    spent_on = models.DateField(_("date"))
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["spent_on", "created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="cost_is_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.amount}"


class HourlyRate(models.Model):
    """A loaded hourly rate (salary and on-costs) for participants' time: for a job level, or
    for one person (which wins), or the programme's default (neither)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="rates")
    job_level = models.CharField(_("job level"), max_length=500, blank=True)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    rate = models.DecimalField(
        _("loaded hourly rate"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100000"))],
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "participant"],
                condition=models.Q(participant__isnull=False),
                name="one_rate_per_person",
            ),
            models.UniqueConstraint(
                fields=["programme", "job_level"],
                condition=models.Q(participant__isnull=True),
                name="one_rate_per_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rate} an hour"


class RoiSettings(models.Model):
    """How a programme's ROI is worked out where the method leaves a choice."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="roi_settings"
    )
    extreme_rule = models.CharField(
        _("leave out extreme claims"),
        max_length=20,
        choices=[
            (Extreme.MEDIAN_MULTIPLE.value, _("more than N times the median claim")),
            (Extreme.CAP.value, _("above a fixed amount")),
            (Extreme.NONE.value, _("none")),
        ],
        default=Extreme.MEDIAN_MULTIPLE.value,
    )
    extreme_value = models.DecimalField(
        _("N, or the amount"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(5),
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(MAX_AMOUNT)],
    )
    prep_hours = models.DecimalField(
        _("preparation, hours per meeting"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(40))],
        help_text=_("Each person's time outside a meeting to prepare for it: counted as a cost."),
    )
    facilitator_rate = models.DecimalField(
        _("internal facilitators' loaded hourly rate"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100000))],
        help_text=_(
            "Their time in meetings and preparation is a cost at this rate. Leave empty when "
            "the facilitators are external and paid by fees recorded as costs."
        ),
    )
    intangibles = models.TextField(
        _("intangible benefits (listed, never given a money value)"),
        max_length=2000,
        blank=True,
        default="Trust between functions\nCollaboration across sites\nFewer silos",
    )

    def __str__(self) -> str:
        return f"ROI settings of {self.programme}"


class ClaimRelease(models.Model):
    """The claims as the sponsor's figures count them: a snapshot, taken only once k people or
    more have a claim that is new, changed, decided or gone since the last one, so that no two
    readings of the figures, on any two days, differ by fewer than k people's claims."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="claim_releases"
    )
    made_at = models.DateTimeField(default=timezone.now)
    # One entry a claim: ref, version, owner, status, annual_value, attribution, confidence,
    # category, set (the set's name).
    claims = models.JSONField(default=list)

    class Meta:
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        return f"Claims of {self.programme} as of {self.made_at:%Y-%m-%d %H:%M}"


class BenefitClaim(models.Model):
    """A participant's claim that their challenge or one of its actions improved something
    worth money: the numbers always count (once verified); the words reach the sponsor only if
    the owner shares them."""

    class Category(models.TextChoices):
        COST_SAVING = "cost_saving", _("Cost saving")
        TIME_SAVED = "time_saved", _("Time saved")
        REVENUE = "revenue", _("Revenue")
        QUALITY = "quality", _("Quality")
        RETENTION = "retention", _("Retention")
        OTHER = "other", _("Other")

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="claims")
    action = models.ForeignKey(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="claims"
    )
    owner = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="claims")
    category = models.CharField(_("kind of benefit"), max_length=20, choices=Category.choices)
    description = models.TextField(_("what improved"), max_length=2000)
    workings = models.TextField(_("how the value was worked out"), max_length=2000, blank=True)
    evidence = models.TextField(_("evidence, in words"), max_length=2000, blank=True)
    share_description = models.BooleanField(_("the sponsor may read what I wrote"), default=False)
    currency = models.CharField(max_length=3)
    annual_value = models.DecimalField(
        _("annual value"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_AMOUNT)],
    )
    attribution = models.PositiveSmallIntegerField(
        _("share of the improvement due to the set (%)"), null=True, blank=True, validators=PERCENT
    )
    confidence = models.PositiveSmallIntegerField(
        _("confidence in the estimate (%)"), null=True, blank=True, validators=PERCENT
    )
    status = models.CharField(
        max_length=10,
        choices=[
            (Status.CLAIMED.value, _("Claimed")),
            (Status.VERIFIED.value, _("Verified")),
            (Status.REJECTED.value, _("Rejected")),
        ],
        default=Status.CLAIMED.value,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=500, blank=True)
    written_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    submission = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(attribution__lte=100) | models.Q(attribution__isnull=True),
                name="attribution_at_most_100",
            ),
            models.CheckConstraint(
                condition=models.Q(confidence__lte=100) | models.Q(confidence__isnull=True),
                name="confidence_at_most_100",
            ),
            models.CheckConstraint(
                condition=models.Q(annual_value__gte=0) | models.Q(annual_value__isnull=True),
                name="claim_value_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Claim {self.pk}"


class ClaimFile(models.Model):
    """The file behind a claim, kept in the database (no server's disk holds what another
    needs), checked for what it really is, and served only through `access`."""

    claim = models.OneToOneField(BenefitClaim, on_delete=models.CASCADE, related_name="file")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class ClaimNotice(Outbox):
    """A claim's news to one person, sent exactly once (`impact.notices`): to the
    organisation's sponsors, that a claim waits for their decision; to its owner, that a sponsor
    decided. A row of the outbox (`revans.accounts.outbox`)."""

    class Kind(models.TextChoices):
        WAITING = "waiting", _("A claim waits for a decision")
        DECIDED = "decided", _("A decision on a claim")

    claim = models.ForeignKey(BenefitClaim, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # The claim as it was when the news was due: news of a version since changed is skipped.
    version = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["sent_at", "claimed_at"], name="claimnotice_due"),
            models.Index(fields=["user", "held_for"], condition=HELD, name="claimnotice_held"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.user}"
