"""Forms for the cycle. Each new record's form carries a submission key (a double-click makes one
row); each edit carries the version it started from (two editors cannot overwrite each other)."""

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from revans.domain.agenda import (
    ITEM_LABELS,
    MAX_MINUTES,
    MAX_NAME,
    MAX_PRESENTERS,
    MAX_ROWS,
    Item,
    Row,
    Slot,
)

from .live import CLOCK_OPERATIONS
from .models import Challenge, Question, ReportBack

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class Submitted(forms.Form):
    submission = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("submission", uuid.uuid4())


class Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class CloseForm(Versioned):
    """Closing a meeting is asked twice: the box says the meeting is really over."""

    sure = forms.BooleanField(
        label=_("Yes, the meeting is over"),
        error_messages={"required": _("Tick the box to say the meeting is over, then close it.")},
    )


class ChallengeFields(forms.Form):
    statement = forms.CharField(
        label=_("The problem you bring, in a sentence or two"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    why_it_matters = forms.CharField(
        label=_("Why it matters"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    desired_outcome = forms.CharField(
        label=_("What good would look like"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    business_area = forms.CharField(label=_("Business area"), max_length=200, required=False)


class ChallengeForm(Submitted, ChallengeFields):
    pass


class ChallengeEditForm(Versioned, ChallengeFields):
    status = forms.ChoiceField(label=_("Status"), choices=Challenge.Status.choices)


class ActionForm(Submitted):
    text = forms.CharField(
        label=_("What I will do before the next meeting"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due_on = forms.DateField(label=_("By (empty: the next meeting)"), required=False, widget=DATE)


class ProgressForm(Versioned):
    progress = forms.CharField(
        label=_("Progress so far"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    done = forms.BooleanField(label=_("It is done"), required=False)


class ReportBackForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Did it happen?"), choices=ReportBack.Outcome.choices, widget=forms.RadioSelect
    )
    what_happened = forms.CharField(
        label=_("What happened"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    learned = forms.CharField(
        label=_("What I learned"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    carry_forward = forms.BooleanField(
        label=_("Not finished: carry it forward to the next meeting"), required=False
    )
    reason = forms.CharField(
        label=_("Or, if it is not carried forward: why it is closed"),
        max_length=300,
        required=False,
    )


class ReflectionForm(Submitted):
    prompt = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)
    text = forms.CharField(
        label=_("Your reflection (only you can read it unless you share it)"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ProcessNoteForm(Submitted):
    text = forms.CharField(
        label=_("Process note (only this set's facilitators can read it)"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class MeetingRecordForm(Versioned):
    presenters = forms.TypedMultipleChoiceField(
        label=_("Who presented"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    process_review = forms.CharField(
        label=_("Process review: how the set worked together"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    close = forms.BooleanField(label=_("The meeting is over: close the record"), required=False)

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["presenters"].choices = members  # type: ignore[attr-defined]


# The live meeting. Each form names where it was sent from (console or board), to go back there.

BACK = [("console", "console"), ("board", "board")]


class Back(forms.Form):
    back = forms.ChoiceField(choices=BACK, widget=forms.HiddenInput, required=False)


class ClockForm(Versioned):
    operation = forms.ChoiceField(choices=[(op, op) for op in CLOCK_OPERATIONS])
    minutes = forms.IntegerField(min_value=1, max_value=60, required=False)


class AgendaRowForm(forms.Form):
    # A blank first choice, so an extra row left alone is unchanged (and ignored).
    item = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("(a new item)")), *((i.value, ITEM_LABELS[i]) for i in Item)],
    )
    name = forms.CharField(label=_("Name"), max_length=MAX_NAME)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=MAX_MINUTES)


AgendaRows = forms.formset_factory(
    AgendaRowForm,
    extra=2,
    can_order=True,
    can_delete=True,
    max_num=MAX_ROWS,
    validate_max=True,
    absolute_max=MAX_ROWS + 2,
)


def agenda_rows_of(formset: forms.BaseFormSet) -> list[Row]:  # type: ignore[type-arg]
    """The rows a valid agenda formset describes, in the order asked for (blank rows left out)."""
    return [
        Row(
            Item(form.cleaned_data["item"]), form.cleaned_data["name"], form.cleaned_data["minutes"]
        )
        for form in formset.ordered_forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def agenda_initial(rows: list[Row]) -> list[dict[str, Any]]:
    return [
        {"item": row.item.value, "name": row.name, "minutes": row.minutes, "ORDER": n}
        for n, row in enumerate(rows, 1)
    ]


class SlotsForm(Versioned):
    """Who presents, in which order, for how long: one order and one length per member."""

    def __init__(
        self, *args: Any, members: list[tuple[int, str]], default_minutes: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        self.default_minutes = default_minutes
        for pk, name in members:
            self.fields[f"order_{pk}"] = forms.IntegerField(
                label=_("%(name)s presents as number") % {"name": name},
                min_value=1,
                max_value=MAX_PRESENTERS,
                required=False,
            )
            self.fields[f"minutes_{pk}"] = forms.IntegerField(
                label=_("minutes for %(name)s") % {"name": name},
                min_value=1,
                max_value=MAX_MINUTES,
                required=False,
            )

    def rows(self) -> list[tuple[int, str, Any, Any]]:
        return [(pk, name, self[f"order_{pk}"], self[f"minutes_{pk}"]) for pk, name in self.members]

    def slots(self) -> list[Slot]:
        chosen = [
            (self.cleaned_data[f"order_{pk}"], n, pk)
            for n, (pk, _name) in enumerate(self.members)
            if self.cleaned_data.get(f"order_{pk}") is not None
        ]
        return [
            Slot(pk, self.cleaned_data.get(f"minutes_{pk}") or self.default_minutes)
            for _order, _n, pk in sorted(chosen)
        ]


class PersonForm(Back):
    participant = forms.TypedChoiceField(label=_("Member"), coerce=int)

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = members  # type: ignore[attr-defined]


class ArrivalForm(PersonForm):
    present = forms.TypedChoiceField(
        coerce=lambda v: v == "yes", choices=[("yes", "yes"), ("no", "no")]
    )


class BidForm(PersonForm):
    minutes = forms.IntegerField(label=_("Minutes you would like"), min_value=1, max_value=180)
    urgent = forms.BooleanField(label=_("It cannot wait"), required=False)


class QuestionForm(Submitted):
    presenter = forms.TypedChoiceField(label=_("Asked of"), coerce=int)
    asked_by = forms.TypedChoiceField(label=_("Asked by"), coerce=int)
    text = forms.CharField(label=_("The question (optional)"), max_length=500, required=False)
    style = forms.ChoiceField(
        label=_("Open or closed"), choices=Question.Style.choices, required=False
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["presenter"].choices = members  # type: ignore[attr-defined]
        self.fields["asked_by"].choices = members  # type: ignore[attr-defined]


class LiveActionForm(Submitted):
    challenge = forms.TypedChoiceField(label=_("On the challenge"), coerce=int)
    text = forms.CharField(
        label=_("The action the presenter commits to"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due_on = forms.DateField(label=_("By (empty: the next meeting)"), required=False, widget=DATE)

    def __init__(self, *args: Any, challenges: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["challenge"].choices = challenges  # type: ignore[attr-defined]


class LiveReportForm(Back):
    action = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Did it happen?"), choices=ReportBack.Outcome.choices)
    what_happened = forms.CharField(label=_("What happened"), max_length=2000, required=False)
    then = forms.ChoiceField(choices=[("carry", "carry"), ("close", "close")])


class ReviewNoteForm(forms.Form):
    text = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class LiveNoteForm(Submitted, ReviewNoteForm):
    pass
