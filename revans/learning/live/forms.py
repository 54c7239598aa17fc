"""Forms for the live meeting. Each names where it was sent from (console or board), to go back
there; a change of the shared state carries the version its screen showed, an addition its
submission key (`revans.learning.forms`)."""

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
from revans.web import text_area

from ..forms import DATE, Submitted, Versioned
from ..models import Question, ReportBack
from .services import CLOCK_OPERATIONS

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
    text = text_area(_("The action the presenter commits to"), max_length=1000, rows=2)
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


class CloseForm(Versioned):
    """Closing a meeting is asked twice: the box says the meeting is really over."""

    sure = forms.BooleanField(
        label=_("Yes, the meeting is over"),
        error_messages={"required": _("Tick the box to say the meeting is over, then close it.")},
    )
