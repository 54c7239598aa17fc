from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from revans.accounts.models import Organisation, User

from . import selectors
from .models import FacilitationMode, LearningSet, Participant, Programme, default_ground_rules
from .spreadsheets import SpreadsheetError, check_size

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FacilitatorsField(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.email})"


class ProgrammeForm(forms.ModelForm[Programme]):
    facilitators = FacilitatorsField(
        label=_("Facilitators who form its sets"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=Programme._meta.get_field("facilitators").help_text,
    )

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
            "reminder_days",
            "quorum_percent",
            "currency",
            "facilitators",
            "ground_rules",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "ground_rules": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:  # a new programme offers the rules in its maker's language
            self.initial["ground_rules"] = default_ground_rules()
        organisation = self.instance.organisation
        self.fields["facilitators"].queryset = selectors.facilitator_choices(organisation)  # type: ignore[attr-defined]


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


class SetRenameForm(forms.ModelForm[LearningSet]):
    class Meta:
        model = LearningSet
        fields = ["name"]


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
        current = learning_set.facilitations.current().values("user_id")
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
