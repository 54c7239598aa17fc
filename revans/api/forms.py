from datetime import timedelta
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from revans.accounts.models import Membership, User

from .models import ApiToken, Event


class ApiTokenForm(forms.ModelForm[ApiToken]):
    membership = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Membership.objects.none(), empty_label=None
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: until you revoke it. At most five years ahead."),
    )

    class Meta:
        model = ApiToken
        fields = ["name", "can_write"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        latest = timezone.localdate() + timedelta(days=5 * 365)
        self.fields["expires_on"].validators.append(MaxValueValidator(latest))
        field: Any = self.fields["membership"]
        field.queryset = user.memberships.filter(is_active=True).select_related("organisation")
        field.label_from_instance = lambda m: m.organisation.name


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
