"""Forms for the cycle. Each new record's form carries a submission key (a double-click makes one
row); each edit carries the version it started from (two editors cannot overwrite each other)."""

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from revans.web import text_area

from .models import Challenge, ProcessNote, Reflection, ReportBack

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class Submitted(forms.Form):
    submission = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("submission", uuid.uuid4())


class Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class ChallengeFields(forms.ModelForm[Challenge]):
    class Meta:
        model = Challenge
        fields = ["statement", "why_it_matters", "desired_outcome", "business_area"]
        labels = {
            "statement": _("The problem you bring, in a sentence or two"),
            "why_it_matters": _("Why it matters"),
            "desired_outcome": _("What good would look like"),
            "business_area": _("Business area"),
        }
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 3}),
            "why_it_matters": forms.Textarea(attrs={"rows": 2}),
            "desired_outcome": forms.Textarea(attrs={"rows": 2}),
        }


class ChallengeForm(Submitted, ChallengeFields):
    class Meta(ChallengeFields.Meta):
        pass


class ChallengeEditForm(Versioned, ChallengeFields):
    class Meta(ChallengeFields.Meta):
        fields = [*ChallengeFields.Meta.fields, "status"]
        labels = {**ChallengeFields.Meta.labels, "status": _("Status")}


class ActionForm(Submitted):
    text = text_area(_("What I will do before the next meeting"), max_length=1000, rows=2)
    due_on = forms.DateField(label=_("By (empty: the next meeting)"), required=False, widget=DATE)


class ProgressForm(Versioned):
    progress = text_area(_("Progress so far"), max_length=2000, required=False, rows=3)
    done = forms.BooleanField(label=_("It is done"), required=False)


class ReportBackForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Did it happen?"), choices=ReportBack.Outcome.choices, widget=forms.RadioSelect
    )
    what_happened = text_area(_("What happened"), max_length=2000, required=False, rows=2)
    learned = text_area(_("What I learned"), max_length=2000, required=False, rows=2)
    carry_forward = forms.BooleanField(
        label=_("Not finished: carry it forward to the next meeting"), required=False
    )
    reason = forms.CharField(
        label=_("Or, if it is not carried forward: why it is closed"),
        max_length=300,
        required=False,
    )


class ReflectionForm(Submitted, forms.ModelForm[Reflection]):
    class Meta:
        model = Reflection
        fields = ["prompt", "text"]
        labels = {"text": _("Your reflection (only you can read it unless you share it)")}
        widgets = {"prompt": forms.HiddenInput, "text": forms.Textarea(attrs={"rows": 6})}


class ProcessNoteForm(Submitted, forms.ModelForm[ProcessNote]):
    class Meta:
        model = ProcessNote
        fields = ["text"]
        labels = {"text": _("Process note (only this set's facilitators can read it)")}
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}


class MeetingRecordForm(Versioned):
    presenters = forms.TypedMultipleChoiceField(
        label=_("Who presented"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    process_review = text_area(
        _("Process review: how the set worked together"), max_length=10000, required=False, rows=4
    )
    close = forms.BooleanField(label=_("The meeting is over: close the record"), required=False)

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["presenters"].choices = members  # type: ignore[attr-defined]
