"""Forms for costs, rates, the ROI settings and benefit claims. Amounts are bounded here as the
database bounds them, so a slip of the keyboard is a message, never a refused row."""

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from revans.domain.roi import Extreme
from revans.web import text_area

from .models import MAX_AMOUNT, BenefitClaim, CostItem, RoiSettings
from .services import MAX_FILE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def money(
    label: Any, *, required: bool = True, least: Decimal = Decimal("0.01")
) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=least,
        max_value=MAX_AMOUNT,
        max_digits=14,
        decimal_places=2,
    )


class CostForm(forms.ModelForm[CostItem]):
    class Meta:
        model = CostItem
        fields = ["category", "spent_on", "amount", "note"]
        widgets = {"spent_on": DATE}


class RateForm(forms.Form):
    participant = forms.TypedChoiceField(
        label=_("For one person"), coerce=int, required=False, empty_value=None
    )
    job_level = forms.CharField(
        label=_("Or for a job level (both empty: the default for everyone else)"),
        max_length=500,
        required=False,
    )
    rate = forms.DecimalField(
        label=_("Loaded hourly rate"),
        min_value=Decimal("0.01"),
        max_value=Decimal(100000),
        max_digits=8,
        decimal_places=2,
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [("", _("(nobody in particular)")), *people]  # type: ignore[attr-defined]


class SettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = RoiSettings
        fields = ["extreme_rule", "extreme_value", "prep_hours", "facilitator_rate", "intangibles"]
        widgets = {"intangibles": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("extreme_rule") == Extreme.MEDIAN_MULTIPLE
            and (data.get("extreme_value") or 0) > 1000
        ):
            self.add_error("extreme_value", _("A multiple of the median is 1,000 at most."))
        return data


class ClaimForm(forms.Form):
    """A benefit claim; the money fields may be left empty (then the claim counts as zero)."""

    submission = forms.UUIDField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1
    )
    action = forms.TypedChoiceField(
        label=_("On which action (optional)"), coerce=int, required=False, empty_value=None
    )
    category = forms.ChoiceField(label=_("Kind of benefit"), choices=BenefitClaim.Category.choices)
    description = text_area(_("What improved"), max_length=2000, rows=3)
    annual_value = money(_("Value over a year"), required=False, least=Decimal(0))
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3)
    workings = text_area(_("How you worked the value out"), max_length=2000, required=False, rows=3)
    attribution = forms.IntegerField(
        label=_("How much of the improvement is due to the set (%)"),
        min_value=0,
        max_value=100,
        required=False,
    )
    confidence = forms.IntegerField(
        label=_("How confident you are in the value (%)"),
        min_value=0,
        max_value=100,
        required=False,
    )
    evidence = text_area(_("Evidence, in words"), max_length=2000, required=False, rows=2)
    file = forms.FileField(label=_("A file of evidence (optional, 5 MB at most)"), required=False)
    remove_file = forms.BooleanField(label=_("Remove the file of evidence"), required=False)
    share_description = forms.BooleanField(
        label=_(
            "The sponsor may read what I wrote here (the numbers count either way, and the "
            "sponsor may open the file)"
        ),
        required=False,
    )

    def __init__(self, *args: Any, actions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("submission", uuid.uuid4())
        self.fields["action"].choices = [("", _("The challenge as a whole")), *actions]  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > MAX_FILE:
            raise forms.ValidationError(_("A file of evidence is 5 MB at most."))
        return upload

    def fields_for_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = ["category", "description", "workings", "evidence", "share_description"]
        names += ["annual_value", "attribution", "confidence"]
        return {name: data[name] for name in names}

    def upload(self) -> tuple[str, bytes] | None:
        upload = self.cleaned_data.get("file")
        return (upload.name, upload.read()) if upload else None


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    decision = forms.ChoiceField(
        choices=[("verify", _("Verify")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(label=_("Reason (needed to reject)"), max_length=500, required=False)
