"""Forms for the survey plan, an answer to a survey, career outcomes and the baselines."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from revans.domain import climate
from revans.web import text_area

from . import surveys
from .models import Baseline, CareerOutcome, Survey, SurveyPlan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SurveyPlanForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SurveyPlan
        fields = ["climate_every_weeks", "answer_days", "evaluate_meetings", "self_assessment"]
        widgets = {"self_assessment": forms.Textarea(attrs={"rows": 4})}


class AnswerForm(forms.Form):
    """One answer to a survey: each item on its scale (any may be left out), and for a
    session evaluation, would you recommend it and what would make it better."""

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scale = surveys.scale_of(survey)
        if survey.kind == Survey.Kind.CLIMATE:
            anchors = {1: _("Strongly disagree"), 4: _("Neither"), 7: _("Strongly agree")}
        elif survey.kind == Survey.Kind.EVALUATION:
            anchors = {1: _("Not at all useful"), 5: _("Extremely useful")}
        else:
            anchors = {1: _("Not at all"), 5: _("To a great extent")}
        choices = [
            (n, f"{n} · {anchors[n]}" if n in anchors else str(n)) for n in range(1, scale + 1)
        ]
        for n, text in enumerate(survey.items):
            self.fields[f"item_{n}"] = forms.TypedChoiceField(
                label=_(
                    text
                ),  # the standard items are in the catalogue; a plan's own stay as written
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )
        if survey.kind == Survey.Kind.EVALUATION:
            self.fields["recommend"] = forms.TypedChoiceField(
                label=_(climate.RECOMMEND),
                choices=[("yes", _("Yes")), ("no", _("No"))],
                coerce=lambda value: value == "yes",
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields["text"] = text_area(
                _(climate.BETTER),
                max_length=2000,
                required=False,
                help_text=_("Your set's facilitator reads these, unsigned, in a list."),
                rows=3,
            )
        self.items = len(survey.items)

    def scores(self) -> dict[int, int]:
        return {
            n: self.cleaned_data[f"item_{n}"]
            for n in range(self.items)
            if self.cleaned_data.get(f"item_{n}") not in (None, "")
        }


class OutcomeForm(forms.Form):
    participant = forms.TypedChoiceField(label=_("Who"), coerce=int)
    kind = forms.ChoiceField(label=_("What happened"), choices=CareerOutcome.Kind.choices)
    happened_on = forms.DateField(label=_("When"), widget=DATE)
    note = forms.CharField(label=_("Note (for admins)"), max_length=300, required=False)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = people  # type: ignore[attr-defined]


class BaselineForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Baseline
        fields = ["kind", "people", "events", "period", "group"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        people, events = data.get("people"), data.get("events")
        if people is not None and events is not None and events > people:
            self.add_error("events", _("It cannot have happened to more people than there are."))
        return data
