"""What the facilitator asks of the solver, and the forms around a proposal."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from revans.accounts.models import Organisation, User
from revans.domain.formation.diversity import Prefer
from revans.programmes import selectors
from revans.programmes.forms import FacilitatorField
from revans.programmes.models import Participant, Programme
from revans.web import text_area

from .inputs import RunInputs, Weighting
from .proposal import attribute_fields

FREE, UNPLACED, EVERYONE = "free", "unplaced", "everyone"
POOLS = [
    (FREE, _("People in no current set of this or another running programme")),
    (UNPLACED, _("People not yet in a set of this programme")),
    (EVERYONE, _("Everyone in the pool")),
]


class PoolForm(forms.Form):
    """Which people the tool shows; a GET, so the attributes below match the people chosen."""

    pool = forms.ChoiceField(
        label=_("Form sets from"), choices=POOLS, initial=FREE, widget=forms.RadioSelect
    )

    def choice(self) -> str:
        return str(self.cleaned_data["pool"]) if self.is_valid() else FREE


def people_to_form(programme: Programme, choice: str) -> list[Participant]:
    """The people a run is about, by the facilitator's choice of pool (unknown: the default)."""
    if choice == EVERYONE:
        people = selectors.pool(programme.organisation)
    elif choice == UNPLACED:
        people = selectors.unplaced_participants(programme)
    else:
        people = selectors.free_participants(programme)
    return list(people)


WEIGHTS = [(0, _("ignore")), (1, "1"), (2, "2"), (3, "3"), (4, "4"), (5, "5")]


def _or_one(weight: int | None) -> int:
    return 1 if weight is None else weight


class FormationForm(forms.Form):
    """What the facilitator asks of the solver: who, how many sets, what counts, which rules."""

    pool = forms.ChoiceField(choices=POOLS, initial=FREE, widget=forms.HiddenInput)
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
    apart = text_area(
        _("Keep apart (one pair per line: email, email)"),
        required=False,
        help_text=_("Managers and their direct reports are always kept apart."),
        rows=3,
    )
    together = text_area(
        _("Keep together (one pair per line: email, email)"),
        required=False,
        rows=2,
    )
    pinned = text_area(
        _("Pin to a set (one per line: email, set number)"),
        required=False,
        rows=2,
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
            # Not required: an attribute the page did not show (another pool was chosen)
            # counts with weight 1, "different", as the page would have offered.
            self.fields[f"weight_{key}"] = forms.TypedChoiceField(
                label=_("Weight of %(a)s") % {"a": label},
                choices=WEIGHTS,
                coerce=int,
                initial=1,
                required=False,
                empty_value=None,
            )
            self.fields[f"prefer_{key}"] = forms.ChoiceField(
                label=_("%(a)s: people should be") % {"a": label},
                choices=[("different", _("different")), ("similar", _("similar"))],
                initial="different",
                required=False,
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

    def _pairs(self, field: str) -> list[tuple[int, int]]:
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
            pairs.append((by_email[emails[0]], by_email[emails[1]]))
        return pairs

    def _pins(self, sets: int | None) -> list[tuple[int, int]]:
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
            pins.append((by_email[parts[0].lower()], int(target) - 1))
        return pins

    def clean(self) -> dict[str, Any]:
        """Turn the answers into the run's inputs; the service checks that they can work."""
        cleaned: dict[str, Any] = super().clean() or {}
        sets = cleaned.get("sets")
        departments = set(cleaned.get("departments") or [])
        chosen = [p for p in self.people if not departments or p.department in departments]
        cleaned["inputs"] = RunInputs(
            people=tuple(p.pk for p in chosen),
            sets=sets or 0,
            lower=cleaned.get("lower") or 0,
            upper=cleaned.get("upper") or 0,
            attributes=tuple(
                Weighting(
                    field=name,
                    label=str(label),
                    weight=_or_one(cleaned.get(f"weight_{name.replace(':', '__')}")),
                    prefer=Prefer(cleaned.get(f"prefer_{name.replace(':', '__')}") or "different"),
                )
                for name, label in self.attribute_labels.items()
            ),
            apart=tuple(self._pairs("apart")),
            together=tuple(self._pairs("together")),
            pinned=tuple(self._pins(sets)),
            avoid_repeats=bool(cleaned.get("avoid_repeats")),
            isolation=cleaned.get("isolation") or "",
            departments=tuple(sorted(departments)),
        )
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
