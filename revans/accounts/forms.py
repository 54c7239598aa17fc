import zoneinfo
from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from revans.audit.models import Event as AuditEvent

from .models import TUNABLE, Frequency, Organisation, Role, SignupDomain, Topic, User
from .services import open_organisations

# A person's own name: browsers and assistive tools may fill it in (WCAG 1.3.5).
OWN_NAME = forms.TextInput(attrs={"autocomplete": "name"})


class SignupForm(AllauthSignupForm):
    """Self sign-up exists only for organisations that opened it for their email domain."""

    name = forms.CharField(label=_("Your name"), max_length=150, widget=OWN_NAME)

    field_order = ["name", "email", "password1", "password2"]

    def clean_email(self) -> str:
        email: str = super().clean_email()
        refused = get_adapter().password_refused(email)
        if refused:
            raise forms.ValidationError(refused)
        if not open_organisations(email).exists():
            raise forms.ValidationError(
                _(
                    "Sign-up is by invitation. Ask your organisation's admin to invite you, "
                    "then follow the link in the email."
                )
            )
        return email

    def save(self, request: Any) -> User:
        user: User = super().save(request)
        user.name = self.cleaned_data["name"]
        user.save(update_fields=["name"])
        return user


class RolesField(forms.TypedMultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=Role.choices,
            coerce=Role,
            widget=forms.CheckboxSelectMultiple,
            label=_("Roles"),
            error_messages={"required": _("Choose at least one role.")},
            **kwargs,
        )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    roles = RolesField(initial=[Role.PARTICIPANT])


class RolesForm(forms.Form):
    roles = RolesField()


class AcceptWithNewAccountForm(forms.Form):
    """The invitee's first visit: choose a name and a password."""

    name = forms.CharField(label=_("Your name"), max_length=150, widget=OWN_NAME)
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1:
            try:
                password_validation.validate_password(
                    password1, User(email=self.email, name=cleaned.get("name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class OrganisationSettingsForm(forms.ModelForm[Organisation]):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[(zone, zone) for zone in sorted(zoneinfo.available_timezones())],
    )
    # Left out of a post (a form from before languages): the organisation keeps its own.
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=settings.LANGUAGES,
        help_text=Organisation._meta.get_field("language").help_text,
    )

    def clean_language(self) -> str:
        return self.cleaned_data["language"] or self.instance.language

    class Meta:
        model = Organisation
        fields = [
            "name",
            "time_zone",
            "language",
            "min_group_size",
            "require_mfa",
            "retention_days",
            "session_idle_minutes",
            "session_absolute_hours",
        ]


class SignupDomainForm(forms.ModelForm[SignupDomain]):
    class Meta:
        model = SignupDomain
        fields = ["domain"]
        help_texts = {
            "domain": _("For example example.com: people with an address there may sign up.")
        }


class ProfileForm(forms.ModelForm[User]):
    time_zone = forms.ChoiceField(
        label=_("Your time zone"),
        required=False,
        choices=[("", _("My organisation's"))]
        + [(zone, zone) for zone in sorted(zoneinfo.available_timezones())],
        help_text=_("Every page and email shows times in it, with the zone named."),
    )
    language = forms.ChoiceField(
        label=_("Your language"),
        required=False,
        choices=[("", _("My organisation's")), *settings.LANGUAGES],
        help_text=_("Every page and email you receive is in it."),
    )

    class Meta:
        model = User
        fields = ["name", "time_zone", "language"]
        widgets = {"name": OWN_NAME}


class AuditFilterForm(forms.Form):
    """What the admin narrows the trail to; every field may be left empty."""

    event = forms.ChoiceField(
        label=_("What"), required=False, choices=[("", _("Everything")), *AuditEvent.choices]
    )
    person = forms.ModelChoiceField(
        label=_("Who (did it, or about them)"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Anyone"),
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["person"]
        field.queryset = User.objects.filter(memberships__organisation=organisation).order_by(
            "name"
        )


TOPIC_HINTS = {
    Topic.CHANGES: _("A meeting moved, or its place or video link changed."),
    Topic.REMINDERS: _("Before each meeting (your programme says how many days before)."),
    Topic.ACTIONS: _("A few days before a meeting: the actions you still have open in that set."),
    Topic.SURVEYS: _("Your set's anonymous surveys, and a reminder before one closes."),
    Topic.CLAIMS: _(
        "A sponsor's decision on your benefit claim; for sponsors, claims that wait for theirs."
    ),
}


class NotificationsForm(forms.Form):
    """How each topic's emails reach the person: a choice per topic they may tune."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for topic in TUNABLE:
            self.fields[topic.value] = forms.ChoiceField(
                label=topic.label,
                choices=Frequency.choices,
                widget=forms.RadioSelect,
                help_text=TOPIC_HINTS[topic],
            )
