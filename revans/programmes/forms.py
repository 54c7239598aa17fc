from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from revans.accounts.models import Organisation, User

from . import selectors
from .formation import attribute_fields
from .models import FacilitationMode, LearningSet, Participant, Programme
from .spreadsheets import SpreadsheetError, check_size

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgrammeForm(forms.ModelForm[Programme]):
    class Meta:
        model = Programme
        fields = [
            "name",
            "purpose",
            "starts_on",
            "ends_on",
            "cadence_weeks",
            "meeting_minutes",
            "min_set_size",
            "max_set_size",
            "currency",
            "ground_rules",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "ground_rules": forms.Textarea(attrs={"rows": 8}),
        }


class FacilitatorsField(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.email})"


class SetCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    facilitators = FacilitatorsField(
        label=_("Facilitators"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one facilitator.")},
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = selectors.facilitator_choices(organisation)  # type: ignore[attr-defined]


class SetRenameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)


class ParticipantField(forms.ModelChoiceField[Participant]):
    def label_from_instance(self, obj: Any) -> str:
        extra = ", ".join(v for v in (obj.department, obj.site) if v)
        return f"{obj.name} ({extra})" if extra else str(obj.name)


class MemberAddForm(forms.Form):
    participant = ParticipantField(label=_("Person"), queryset=Participant.objects.none())
    joined_on = forms.DateField(label=_("Joins on"), widget=DATE)
    reason = forms.CharField(label=_("Reason (optional)"), max_length=300, required=False)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = selectors.unplaced_participants(programme)  # type: ignore[attr-defined]


class MemberLeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Leaves on"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class MemberMoveForm(forms.Form):
    to_set = forms.ModelChoiceField(label=_("Move to"), queryset=LearningSet.objects.none())
    on = forms.DateField(label=_("On"), widget=DATE)
    reason = forms.CharField(label=_("Reason (optional)"), max_length=300, required=False)

    def __init__(self, *args: Any, learning_set: LearningSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_set"].queryset = learning_set.programme.sets.exclude(pk=learning_set.pk)  # type: ignore[attr-defined]


class FacilitatorField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.email})"


class FacilitatorAddForm(forms.Form):
    user = FacilitatorField(label=_("Facilitator"), queryset=User.objects.none())

    def __init__(self, *args: Any, learning_set: LearningSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = learning_set.facilitations.filter(until=None).values("user_id")
        choices = selectors.facilitator_choices(learning_set.programme.organisation)
        self.fields["user"].queryset = choices.exclude(pk__in=current)  # type: ignore[attr-defined]


class PeriodForm(forms.Form):
    mode = forms.ChoiceField(label=_("Mode"), choices=FacilitationMode.choices)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    member_facilitator = forms.ModelChoiceField(
        label=_("Member facilitating (self-facilitating only)"),
        queryset=Participant.objects.none(),
        required=False,
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)

    def __init__(self, *args: Any, learning_set: LearningSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member_facilitator"].queryset = Participant.objects.filter(  # type: ignore[attr-defined]
            set_memberships__learning_set=learning_set, set_memberships__left_on=None
        )


class GroundRulesForm(forms.Form):
    text = forms.CharField(
        label=_("Ground rules, one per line"), widget=forms.Textarea(attrs={"rows": 10})
    )


class ImportForm(forms.Form):
    def clean_file(self) -> Any:
        """Refuse an oversized file before reading it into memory."""
        file = self.cleaned_data["file"]
        try:
            check_size(file.size)
        except SpreadsheetError as error:
            raise forms.ValidationError(str(error)) from error
        return file

    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        help_text=_(
            "Columns: name, email, department, site, job_level, manager_email. "
            "Any other column is kept as an attribute of the person."
        ),
    )


WEIGHTS = [(0, _("ignore")), (1, "1"), (2, "2"), (3, "3"), (4, "4"), (5, "5")]


class FormationForm(forms.Form):
    """What the facilitator asks of the solver: who, how many sets, what counts, which rules."""

    unplaced_only = forms.BooleanField(
        label=_("Only people not yet in a set of this programme"), required=False, initial=True
    )
    departments = forms.MultipleChoiceField(
        label=_("Departments (none chosen: all)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sets = forms.IntegerField(label=_("Number of sets"), min_value=1, max_value=2000)
    lower = forms.IntegerField(label=_("Smallest set"), min_value=2, max_value=12)
    upper = forms.IntegerField(label=_("Largest set"), min_value=2, max_value=12)
    avoid_repeats = forms.BooleanField(
        label=_("Avoid pairs who were in a set together before"), required=False, initial=True
    )
    isolation = forms.ChoiceField(
        label=_("Avoid leaving anyone as the only one of their kind in a set, by"),
        required=False,
        help_text=_(
            "For example gender: nobody is the only woman in a set of men, where it can be helped."
        ),
    )
    apart = forms.CharField(
        label=_("Keep apart (one pair per line: email, email)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Managers and their direct reports are always kept apart."),
    )
    together = forms.CharField(
        label=_("Keep together (one pair per line: email, email)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    pinned = forms.CharField(
        label=_("Pin to a set (one per line: email, set number)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    seconds = forms.IntegerField(
        label=_("Search time (seconds)"), min_value=1, max_value=600, initial=10
    )
    seed = forms.IntegerField(label=_("Seed"), min_value=0, max_value=2**31 - 1, initial=1)

    def __init__(
        self, *args: Any, programme: Programme, people: list[Participant], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.people = people
        self.attribute_labels = attribute_fields(people)
        self.fields["departments"].choices = [  # type: ignore[attr-defined]
            (d, d) for d in sorted({p.department for p in people if p.department})
        ]
        isolation = [("", _("do not flag")), *self.attribute_labels.items()]
        self.fields["isolation"].choices = isolation  # type: ignore[attr-defined]
        for name, label in self.attribute_labels.items():
            key = name.replace(":", "__")
            self.fields[f"weight_{key}"] = forms.TypedChoiceField(
                label=_("Weight of %(a)s") % {"a": label}, choices=WEIGHTS, coerce=int, initial=1
            )
            self.fields[f"prefer_{key}"] = forms.ChoiceField(
                label=_("%(a)s: people should be") % {"a": label},
                choices=[("different", _("different")), ("similar", _("similar"))],
                initial="different",
            )
        average = (programme.min_set_size + programme.max_set_size) / 2
        self.initial.setdefault("lower", programme.min_set_size)
        self.initial.setdefault("upper", programme.max_set_size)
        self.initial.setdefault("sets", max(1, round(len(people) / average)))

    def attribute_rows(self) -> list[tuple[str, Any, Any]]:
        return [
            (
                label,
                self[f"weight_{name.replace(':', '__')}"],
                self[f"prefer_{name.replace(':', '__')}"],
            )
            for name, label in self.attribute_labels.items()
        ]

    def _pairs(self, field: str) -> list[list[int]]:
        by_email = {p.email.lower(): p.pk for p in self.people}
        pairs = []
        for number, line in enumerate(self.cleaned_data.get(field, "").splitlines(), start=1):
            if not line.strip():
                continue
            emails = [part.strip().lower() for part in line.replace(";", ",").split(",")]
            unknown = [e for e in emails if e not in by_email]
            if len(emails) != 2 or unknown:
                self.add_error(
                    field,
                    _("Line %(n)s: give two emails of people in this pool, separated by a comma.")
                    % {"n": number},
                )
                continue
            pairs.append([by_email[emails[0]], by_email[emails[1]]])
        return pairs

    def _pins(self, sets: int | None) -> list[list[int]]:
        by_email = {p.email.lower(): p.pk for p in self.people}
        pins = []
        for number, line in enumerate(self.cleaned_data.get("pinned", "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.replace(";", ",").split(",")]
            target = parts[1] if len(parts) == 2 else ""
            known = parts[0].lower() in by_email
            if not known or not target.isdigit() or not 1 <= int(target) <= (sets or 0):
                self.add_error(
                    "pinned",
                    _(
                        "Line %(n)s: give the email of someone in this pool "
                        "and a set number from 1 to %(k)s."
                    )
                    % {"n": number, "k": sets or 0},
                )
                continue
            pins.append([by_email[parts[0].lower()], int(target) - 1])
        return pins

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        lower, upper, sets = cleaned.get("lower"), cleaned.get("upper"), cleaned.get("sets")
        departments = set(cleaned.get("departments") or [])
        chosen = [p for p in self.people if not departments or p.department in departments]
        if lower and upper and lower > upper:
            self.add_error("upper", _("The largest set cannot be smaller than the smallest."))
        elif lower and upper and sets:
            n = len(chosen)
            if not sets * lower <= n <= sets * upper:
                self.add_error(
                    "sets",
                    _("%(n)s people do not make %(k)s sets of %(lo)s to %(hi)s.")
                    % {"n": n, "k": sets, "lo": lower, "hi": upper},
                )
        cleaned["inputs"] = {
            "people": [p.pk for p in chosen],
            "sets": sets,
            "lower": lower,
            "upper": upper,
            "attributes": [
                {
                    "field": name,
                    "label": str(label),
                    "weight": cleaned.get(f"weight_{name.replace(':', '__')}", 0),
                    "prefer": cleaned.get(f"prefer_{name.replace(':', '__')}", "different"),
                }
                for name, label in self.attribute_labels.items()
            ],
            "apart": self._pairs("apart"),
            "together": self._pairs("together"),
            "pinned": self._pins(sets),
            "avoid_repeats": bool(cleaned.get("avoid_repeats")),
            "isolation": cleaned.get("isolation") or "",
            "departments": sorted(departments),
        }
        return cleaned


class FormationAcceptForm(forms.Form):
    """A name and a facilitator for each proposed set."""

    def __init__(self, *args: Any, organisation: Organisation, count: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = selectors.facilitator_choices(organisation)
        self.count = count
        for number in range(1, count + 1):
            self.fields[f"name_{number}"] = forms.CharField(
                label=_("Name of set %(n)s") % {"n": number},
                max_length=120,
                initial=f"Set {number}",
            )
            self.fields[f"facilitator_{number}"] = FacilitatorField(
                label=_("Facilitator of set %(n)s") % {"n": number}, queryset=choices
            )

    def names(self) -> list[str]:
        return [self.cleaned_data[f"name_{n}"] for n in range(1, self.count + 1)]

    def facilitators(self) -> list[User]:
        return [self.cleaned_data[f"facilitator_{n}"] for n in range(1, self.count + 1)]


class MoveForm(forms.Form):
    """Move one person of a proposal to another proposed set (numbered from 1)."""

    participant = forms.IntegerField(min_value=1)
    to_set = forms.IntegerField(min_value=1)
