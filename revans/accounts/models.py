"""People and organisations: the tenancy every other app hangs from."""

import secrets
import zoneinfo
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Figures for sponsors are suppressed below this many people; never lower (BRIEF 3.6).
MIN_GROUP_SIZE_FLOOR = 3
# Session timeouts an organisation may choose (docs/decisions.md, "Session timeouts"): an idle
# limit from 5 minutes to a day, an absolute one from an hour to 30 days, never shorter than idle.
IDLE_MINUTES = (5, 24 * 60)
ABSOLUTE_HOURS = (1, 30 * 24)
DEFAULT_IDLE_MINUTES = 8 * 60
DEFAULT_ABSOLUTE_HOURS = 14 * 24


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the identifier; what they may do lives on their memberships."""

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    is_staff = models.BooleanField(
        _("operator"), default=False, help_text=_("May use the Django admin.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    time_zone = models.CharField(
        _("your time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Times are shown in it everywhere. Empty: your organisation's."),
    )
    language = models.CharField(
        _("your language"),
        max_length=12,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Pages and emails are in it. Empty: your organisation's."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class Organisation(models.Model):
    """A tenant: a client organisation running action learning programmes."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=60, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    language = models.CharField(
        _("language"),
        max_length=12,
        default=settings.LANGUAGE_CODE,
        choices=settings.LANGUAGES,
        help_text=_("Pages and emails are in it for everyone who has not chosen their own."),
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("smallest group shown to sponsors"),
        default=5,
        validators=[MinValueValidator(MIN_GROUP_SIZE_FLOOR)],
        help_text=_("Figures drawn from fewer people than this are hidden. Never below 3."),
    )
    require_mfa = models.BooleanField(
        _("require two-factor authentication for admins and sponsors"), default=True
    )
    retention_days = models.PositiveSmallIntegerField(
        _("keep what members wrote, after a programme ends (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(30), MaxValueValidator(3650)],
        help_text=_(
            "Then challenges, actions, report-backs, learning logs, notes and the words of "
            "claims are deleted; attendance, answers and figures stay. Empty: kept until erased."
        ),
    )
    session_idle_minutes = models.PositiveSmallIntegerField(
        _("sign out after this many minutes without activity"),
        default=DEFAULT_IDLE_MINUTES,
        validators=[MinValueValidator(IDLE_MINUTES[0]), MaxValueValidator(IDLE_MINUTES[1])],
        help_text=_("From 5 minutes to 1,440 (a day). A warning comes a few minutes before."),
    )
    session_absolute_hours = models.PositiveSmallIntegerField(
        _("sign out this many hours after signing in, however active"),
        default=DEFAULT_ABSOLUTE_HOURS,
        validators=[MinValueValidator(ABSOLUTE_HOURS[0]), MaxValueValidator(ABSOLUTE_HOURS[1])],
        help_text=_(
            "From 1 hour to 720 (30 days). A person in several organisations gets the "
            "strictest of their organisations' limits."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_group_size__gte=MIN_GROUP_SIZE_FLOOR),
                name="organisation_min_group_size_floor",
            ),
            models.CheckConstraint(
                condition=models.Q(session_idle_minutes__range=IDLE_MINUTES),
                name="organisation_session_idle_bounds",
            ),
            models.CheckConstraint(
                condition=models.Q(session_absolute_hours__range=ABSOLUTE_HOURS),
                name="organisation_session_absolute_bounds",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    session_idle_minutes__lte=models.F("session_absolute_hours") * 60
                ),
                name="organisation_session_idle_within_absolute",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("home:org_home", kwargs={"org": self.slug})

    def clean(self) -> None:
        super().clean()
        idle, absolute = self.session_idle_minutes, self.session_absolute_hours
        if idle is not None and absolute is not None and idle > absolute * 60:
            raise ValidationError(
                {
                    "session_idle_minutes": _(
                        "The idle limit cannot be longer than the absolute one (%(hours)s hours)."
                    )
                    % {"hours": absolute}
                }
            )

    def today(self) -> date:
        """Today's date where the organisation is."""
        return timezone.localdate(timezone=zoneinfo.ZoneInfo(self.time_zone))


# Where the organisation puts its proof: a TXT record at _revans-challenge.<domain>.
CHALLENGE_LABEL = "_revans-challenge"


def new_domain_token() -> str:
    return secrets.token_urlsafe(24)


class SignupDomain(models.Model):
    """An email domain whose people may sign up without an invitation and join as participants.

    It opens sign-up only once proven to be the organisation's: by a DNS TXT record holding
    `token` at `_revans-challenge.<domain>` (checked with dnspython), or by an operator's approval
    in the Django admin. Public mail domains are refused, and a proven domain belongs to one
    organisation only; claims by others stay unproven.
    """

    class Proof(models.TextChoices):
        DNS = "dns", _("DNS record")
        OPERATOR = "operator", _("approved by an operator")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="signup_domains"
    )
    domain = models.CharField(_("email domain"), max_length=253)
    token = models.CharField(max_length=64, default=new_domain_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.CharField(max_length=10, choices=Proof.choices, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The operator who approved the domain, when it was not proven by DNS."),
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    check_result = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(
                "organisation", Lower("domain"), name="signup_domain_once_per_organisation"
            ),
            # A proven domain belongs to one organisation.
            models.UniqueConstraint(
                Lower("domain"),
                condition=models.Q(verified_at__isnull=False),
                name="signup_domain_proven_once",
            ),
        ]

    def __str__(self) -> str:
        return self.domain

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def record_name(self) -> str:
        return f"{CHALLENGE_LABEL}.{self.domain}"


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    SPONSOR = "sponsor", _("Sponsor")
    FACILITATOR = "facilitator", _("Facilitator")
    PARTICIPANT = "participant", _("Participant")


class HasRoles(models.Model):
    """The four roles as flags: one person may hold several in the same organisation."""

    is_admin = models.BooleanField(_("admin"), default=False)
    is_sponsor = models.BooleanField(_("sponsor"), default=False)
    is_facilitator = models.BooleanField(_("facilitator"), default=False)
    is_participant = models.BooleanField(_("participant"), default=False)

    class Meta:
        abstract = True

    @property
    def roles(self) -> list[Role]:
        return [role for role in Role if getattr(self, f"is_{role.value}")]

    def has_role(self, *roles: Role) -> bool:
        return any(getattr(self, f"is_{role.value}") for role in roles)

    def role_flags(self) -> dict[str, bool]:
        """The role fields and their values, to copy roles onto another row."""
        return {f"is_{role.value}": getattr(self, f"is_{role.value}") for role in Role}

    def set_roles(self, roles: Iterable[Role]) -> None:
        chosen = set(roles)
        for role in Role:
            setattr(self, f"is_{role.value}", role in chosen)


HAS_A_ROLE = (
    models.Q(is_admin=True)
    | models.Q(is_sponsor=True)
    | models.Q(is_facilitator=True)
    | models.Q(is_participant=True)
)


class Membership(HasRoles):
    """A person's place in one organisation, with every role they hold there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    is_active = models.BooleanField(_("active"), default=True)
    joined_at = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "user__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
            models.CheckConstraint(condition=HAS_A_ROLE, name="membership_has_a_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation}"


class Invitation(HasRoles):
    """An admin's invitation to join an organisation; its link is signed, expires and works once."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=HAS_A_ROLE, name="invitation_has_a_role"),
            # One open invitation per address per organisation.
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation}"

    @property
    def expires_at(self) -> datetime:
        return self.created_at + timedelta(days=settings.INVITATION_MAX_AGE_DAYS)

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


# Email ------------------------------------------------------------------------------------


class Topic(models.TextChoices):
    """What an email is about, as its reader tunes what they receive."""

    # Always sent at once, whatever the reader chose (`ALWAYS`).
    MEETINGS = "meetings", _("Meeting invitations and cancellations")
    ACCOUNT = "account", _("Your account and who joins your sets")
    # The reader's choice: at once, in a daily or weekly digest, or off.
    CHANGES = "changes", _("Other changes to a meeting")
    REMINDERS = "reminders", _("Meeting reminders")
    ACTIONS = "actions", _("Your open actions before a meeting")
    SURVEYS = "surveys", _("Surveys")
    CLAIMS = "claims", _("Benefit claims")


# An invitation or a cancellation keeps the reader's calendar right, and an account email
# carries a sign-in link or tells a set who now reads it (nobody joins a set unseen): these
# come at once, always.
ALWAYS = frozenset({Topic.MEETINGS, Topic.ACCOUNT})
TUNABLE = tuple(topic for topic in Topic if topic not in ALWAYS)


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("At once")
    DAILY = "daily", _("In a daily digest")
    WEEKLY = "weekly", _("In a weekly digest")
    OFF = "off", _("Off")


DIGESTS = (Frequency.DAILY, Frequency.WEEKLY)
DIGEST_CHOICES = [(f.value, f.label) for f in DIGESTS]


class NoticePreference(models.Model):
    """How a person wants one topic's emails. No row: at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    topic = models.CharField(max_length=12, choices=[(t.value, t.label) for t in TUNABLE])
    frequency = models.CharField(max_length=10, choices=Frequency.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="one_preference_per_topic"),
            models.CheckConstraint(
                condition=models.Q(topic__in=[t.value for t in TUNABLE]),
                name="preference_of_a_tunable_topic",
            ),
            models.CheckConstraint(
                condition=models.Q(frequency__in=Frequency.values),
                name="preference_of_a_known_frequency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} of {self.user}: {self.get_frequency_display()}"


class Mail(models.Model):
    """One email to one person, sent exactly once (`outbox.send_outbox`): unique by its key,
    claimed by a conditional update before it is sent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12)
    key = models.CharField(max_length=200, unique=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped = models.CharField(max_length=100, blank=True)

    class Meta:
        abstract = True  # each table indexes (sent_at, claimed_at): what the sender looks up


class Outbox(Mail):
    """A notice: the abstract table every app's notices extend (`meetings.Notice`,
    `evidence.SurveyNotice`, `impact.ClaimNotice`). Its reader has it at once, in a digest, or
    not at all, as they chose for its topic; one they want in a digest is held (`held_for`,
    `held_at`) until the digest of its day or week takes it (`digest`), and is sent with it."""

    held_for = models.CharField(max_length=10, choices=DIGEST_CHOICES, blank=True, default="")
    held_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        "accounts.Digest", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True


# What the digest sweep looks up in every notice table (each indexes it): notices held and not
# yet taken by a digest.
HELD = models.Q(held_at__isnull=False, digest__isnull=True)


class Digest(Mail):
    """One email to one person for a day or a week where they are, carrying every notice they
    asked to have that way (`accounts.digests`)."""

    kind = models.CharField(max_length=12, choices=DIGEST_CHOICES)
    period = models.DateField()  # the day, or the Monday of the week, it is named after
    # It takes the notices held before this moment (the end of its period), and is sent from it.
    until = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["sent_at", "claimed_at"], name="digest_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} digest of {self.period} to {self.user}"
