"""Programmes, their learning sets, who is in them over time, and the ground rules they keep."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from revans.accounts.models import Organisation

SET_SIZE_LIMITS = (2, 12)

# The ground rules a new programme offers, in the language of whoever makes it (the stored
# text is the set's own from then on, in whatever words it adapts them to).
GROUND_RULES = (
    gettext_noop(
        "Confidentiality: what is said in the set stays in the set. "
        "We may share what we learned, never who said what."
    ),
    gettext_noop("Attendance: we come to every meeting, for the whole meeting."),
    gettext_noop(
        "Apologies: if we cannot come, we tell the set and the facilitator "
        "at least two working days before."
    ),
    gettext_noop("Punctuality: we start and finish on time."),
    gettext_noop("Quorum: the set meets when at least half of its members can attend."),
    gettext_noop(
        "Questions, not advice: we help each other think by asking questions; "
        "statements only in answer to a question."
    ),
    gettext_noop(
        "Commitment: each of us brings a real problem and commits to actions "
        "before the next meeting."
    ),
)
APOLOGIES_RULE = GROUND_RULES[2]
DEFAULT_GROUND_RULES = "\n".join(GROUND_RULES)


def default_ground_rules() -> str:
    """The default rules in the active language."""
    return "\n".join(gettext(rule) for rule in GROUND_RULES)


class Participant(models.Model):
    """A person in the organisation's pool: imported or added before they have an account.

    `user` links the entry to the person's account once they accept their invitation or first
    sign in with the address (see `services.participants_link`); from then on the key, not the
    address, says who they are, so a changed sign-in address keeps their sets.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="participants"
    )
    email = models.EmailField(_("email address"))
    name = models.CharField(_("name"), max_length=150)
    department = models.CharField(_("department"), max_length=500, blank=True)
    site = models.CharField(_("site"), max_length=500, blank=True)
    job_level = models.CharField(_("job level"), max_length=500, blank=True)
    manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    attributes = models.JSONField(_("other attributes"), default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("account"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "organisation", Lower("email"), name="participant_unique_email_per_organisation"
            ),
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(user__isnull=False),
                name="participant_one_per_account_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    class Cadence(models.IntegerChoices):
        WEEKLY = 1, _("every week")
        FORTNIGHTLY = 2, _("every 2 weeks")
        THREE_WEEKS = 3, _("every 3 weeks")
        FOUR_WEEKS = 4, _("every 4 weeks")
        FIVE_WEEKS = 5, _("every 5 weeks")
        SIX_WEEKS = 6, _("every 6 weeks")
        EIGHT_WEEKS = 8, _("every 8 weeks")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="programmes"
    )
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    # When the organisation's retention emptied what was written in its sets.
    content_erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    cadence_weeks = models.PositiveSmallIntegerField(
        _("meetings"), choices=Cadence.choices, default=Cadence.FOUR_WEEKS
    )
    meeting_minutes = models.PositiveSmallIntegerField(
        _("meeting length (minutes)"),
        default=240,
        validators=[MinValueValidator(30), MaxValueValidator(600)],
    )
    min_set_size = models.PositiveSmallIntegerField(
        _("smallest set"),
        default=4,
        validators=[MinValueValidator(SET_SIZE_LIMITS[0]), MaxValueValidator(SET_SIZE_LIMITS[1])],
    )
    max_set_size = models.PositiveSmallIntegerField(
        _("largest set"),
        default=6,
        validators=[MinValueValidator(SET_SIZE_LIMITS[0]), MaxValueValidator(SET_SIZE_LIMITS[1])],
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminders before each meeting (days)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(14)],
    )
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (% of members)"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("A meeting is flagged when fewer members than this have said they will come."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="GBP",
        help_text=_("ISO 4217 code, e.g. GBP, EUR, USD."),
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_programmes",
        verbose_name=_("facilitators"),
        help_text=_(
            "They may form this programme's sets, and so see its pool of people. "
            "A set's own facilitators are chosen with the set."
        ),
    )
    ground_rules = models.TextField(
        _("default ground rules"),
        default=DEFAULT_GROUND_RULES,
        help_text=_("One rule per line. Each new set starts from these and may adapt them."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_set_size__lte=models.F("max_set_size")),
                name="programme_set_size_bounds_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(min_set_size__gte=2, max_set_size__lte=12),
                name="programme_set_size_bounds_range",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")),
                name="programme_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "programmes:programme_detail",
            kwargs={"org": self.organisation.slug, "programme_id": self.pk},
        )

    def clean(self) -> None:
        errors = {}
        if self.min_set_size and self.max_set_size and self.min_set_size > self.max_set_size:
            errors["max_set_size"] = _("The largest set cannot be smaller than the smallest.")
        if self.starts_on and self.ends_on and self.starts_on > self.ends_on:
            errors["ends_on"] = _("The programme cannot end before it starts.")
        self.currency = (self.currency or "").upper()
        if len(self.currency) != 3 or not self.currency.isalpha():
            errors["currency"] = _("Use a three-letter currency code such as GBP.")
        if errors:
            raise ValidationError(errors)


class LearningSet(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sets")
    name = models.CharField(_("name"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="set_name_unique_in_programme"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "programmes:set_detail",
            kwargs={"org": self.programme.organisation.slug, "set_id": self.pk},
        )


class FacilitationQuerySet(models.QuerySet["SetFacilitator"]):
    def current(self) -> "FacilitationQuerySet":
        """Facilitations not ended."""
        return self.filter(until=None)


class SetFacilitator(models.Model):
    """A facilitator's time with a set; ended rather than deleted, so fading out is visible."""

    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="facilitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="facilitations"
    )
    since = models.DateField(default=timezone.localdate)
    until = models.DateField(null=True, blank=True)
    # Who added them: shown on the set page, so that nobody joins a set's facilitators unseen.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = FacilitationQuerySet.as_manager()

    class Meta:
        ordering = ["since"]
        constraints = [
            models.UniqueConstraint(
                fields=["learning_set", "user"],
                condition=models.Q(until__isnull=True),
                name="one_current_facilitation_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} facilitates {self.learning_set}"


class FacilitationMode(models.TextChoices):
    FACILITATED = "facilitated", _("Facilitated")
    CO_FACILITATED = "co_facilitated", _("Co-facilitated")
    SELF_FACILITATING = "self_facilitating", _("Self-facilitating")


class FacilitationPeriod(models.Model):
    """From this date the set works in this mode; the history shows facilitators fading out."""

    learning_set = models.ForeignKey(LearningSet, on_delete=models.CASCADE, related_name="periods")
    mode = models.CharField(_("mode"), max_length=20, choices=FacilitationMode.choices)
    starts_on = models.DateField(_("from"), default=timezone.localdate)
    member_facilitator = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member facilitating"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} from {self.starts_on}"


class MembershipQuerySet(models.QuerySet["SetMembership"]):
    def current(self) -> "MembershipQuerySet":
        """Members who have not left."""
        return self.filter(left_on=None)


class SetMembership(models.Model):
    """A person's time in a set: joins, leaves and moves keep their dates and reasons."""

    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="memberships"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="set_memberships"
    )
    joined_on = models.DateField(_("joined"), default=timezone.localdate)
    join_reason = models.CharField(_("why they joined"), max_length=300, blank=True)
    left_on = models.DateField(_("left"), null=True, blank=True)
    leave_reason = models.CharField(_("why they left"), max_length=300, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["joined_on", "participant__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["learning_set", "participant"],
                condition=models.Q(left_on__isnull=True),
                name="one_current_set_membership",
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} in {self.learning_set}"


class GroundRules(models.Model):
    """One version of a set's contract. Changes make a new version; old ones stay."""

    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="ground_rules"
    )
    version = models.PositiveIntegerField()
    text = models.TextField(_("ground rules"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["learning_set", "version"], name="ground_rules_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learning_set} ground rules v{self.version}"

    @property
    def rules(self) -> list[str]:
        return rules_in(self.text)


def rules_in(text: str) -> list[str]:
    """Ground rules' text, a rule a line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class GroundRulesAcceptance(models.Model):
    ground_rules = models.ForeignKey(
        GroundRules, on_delete=models.CASCADE, related_name="acceptances"
    )
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ground_rules", "participant"], name="accept_once")
        ]

    def __str__(self) -> str:
        return f"{self.participant} accepted {self.ground_rules}"


class ParticipantImport(models.Model):
    """An uploaded file waiting for its preview to be applied. It is re-checked on apply."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    uploaded_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.filename
