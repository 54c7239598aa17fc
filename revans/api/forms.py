from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from revans.accounts.models import Membership, Role, User

from .models import ApiToken, Event


class TokenForm(forms.ModelForm[ApiToken]):
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: until it is revoked. At most five years ahead."),
    )

    class Meta:
        model = ApiToken
        fields = ["name", "can_write"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        latest = timezone.localdate() + timedelta(days=5 * 365)
        self.fields["expires_on"].validators.append(MaxValueValidator(latest))

    def expires_at(self) -> datetime | None:
        """The end of the chosen day, where the person is."""
        day = self.cleaned_data["expires_on"]
        return (
            datetime.combine(day, time.max, tzinfo=timezone.get_current_timezone()) if day else None
        )


class ApiTokenForm(TokenForm):
    membership = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Membership.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["membership"]
        field.queryset = user.memberships.filter(is_active=True).select_related("organisation")
        field.label_from_instance = lambda m: m.organisation.name


class OrganisationTokenForm(TokenForm):
    roles = forms.TypedMultipleChoiceField(
        label=_("Acts as"),
        choices=[(r.value, r.label) for r in (Role.ADMIN, Role.SPONSOR)],
        coerce=Role,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "What an admin or a sponsor may see and do, organisation-wide; never what members "
            "write in their sets."
        ),
    )


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("Endpoint"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https address of yours that accepts a POST of JSON."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )
