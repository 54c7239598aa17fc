"""The facilitator's scheduling forms, a member's answer, attendance."""

import zoneinfo
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from revans.domain.cadence import Cadence, Rule
from revans.programmes.models import LearningSet
from revans.web import text_area

from .models import Rsvp
from .services import When

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
NTH = [(1, _("first")), (2, _("second")), (3, _("third")), (4, _("fourth")), (-1, _("last"))]
ZONES = [(zone, zone) for zone in sorted(zoneinfo.available_timezones())]


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ZONES, label=_("Time zone"), **kwargs)


class WhereMixin(forms.Form):
    place = forms.CharField(label=_("Place (optional)"), max_length=300, required=False)
    video_url = forms.URLField(
        label=_("Video link (optional)"), max_length=500, required=False, assume_scheme="https"
    )


class SeriesForm(WhereMixin):
    """Every N weeks on a weekday, monthly on the nth weekday, or explicit dates."""

    cadence = forms.ChoiceField(
        label=_("Meet"),
        choices=[
            (Cadence.WEEKLY.value, _("every few weeks on a weekday")),
            (Cadence.MONTHLY.value, _("monthly, on the nth weekday")),
            (Cadence.DATES.value, _("on the dates I list")),
        ],
        widget=forms.RadioSelect,
        initial=Cadence.WEEKLY.value,
    )
    every_weeks = forms.IntegerField(label=_("Every how many weeks"), min_value=1, max_value=52)
    weekday = forms.TypedChoiceField(label=_("On"), choices=WEEKDAYS, coerce=int, initial=1)
    nth = forms.TypedChoiceField(
        label=_("Which one in the month (monthly)"), choices=NTH, coerce=int, initial=1
    )
    dates = text_area(
        _("Dates (one per line, YYYY-MM-DD; for the dates I list)"),
        required=False,
        rows=4,
    )
    first_on = forms.DateField(label=_("From"), widget=DATE)
    until = forms.DateField(label=_("Until"), widget=DATE)
    at = forms.TimeField(label=_("Starts at (local time)"), widget=TIME, initial="09:30")
    minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=15, max_value=720)
    time_zone = TimeZoneField()

    def __init__(self, *args: Any, learning_set: LearningSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programme = learning_set.programme
        today = programme.organisation.today()
        self.initial.setdefault("every_weeks", programme.cadence_weeks)
        self.initial.setdefault("first_on", max(today, programme.starts_on))
        self.initial.setdefault("until", programme.ends_on)
        self.initial.setdefault("minutes", programme.meeting_minutes)
        self.initial.setdefault("time_zone", programme.organisation.time_zone)

    def _dates(self) -> list[date]:
        found = []
        for number, line in enumerate(self.cleaned_data.get("dates", "").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                found.append(date.fromisoformat(line.strip()))
            except ValueError:
                self.add_error(
                    "dates", _("Line %(n)s is not a date like 2027-03-14.") % {"n": number}
                )
        return found

    def rule(self) -> Rule:
        data = self.cleaned_data
        return Rule(
            cadence=Cadence(data["cadence"]),
            first=data["first_on"],
            until=data["until"],
            weekday=data["weekday"],
            every_weeks=data["every_weeks"],
            nth=data["nth"],
            dates=self._dates() if data["cadence"] == Cadence.DATES else (),
        )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("cadence") == Cadence.DATES and not self._dates():
            self.add_error("dates", _("List at least one date."))
        return cleaned


class MeetingForm(WhereMixin):
    """One meeting: add one, or move or re-place it (and perhaps the rest of its series)."""

    day = forms.DateField(label=_("Date"), widget=DATE)
    at = forms.TimeField(label=_("Starts at (local time)"), widget=TIME)
    minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=15, max_value=720)
    time_zone = TimeZoneField()
    scope = forms.ChoiceField(
        label=_("Apply to"),
        choices=[
            ("this", _("this meeting only")),
            ("following", _("this and every later meeting of the series")),
        ],
        widget=forms.RadioSelect,
        initial="this",
        required=False,
    )

    def when(self) -> When:
        data = self.cleaned_data
        return When(data["day"], data["at"], data["minutes"], data["time_zone"])


class RsvpForm(forms.ModelForm[Rsvp]):
    class Meta:
        model = Rsvp
        fields = ["answer", "note"]
        labels = {
            "answer": _("Are you coming?"),
            "note": _("A note for your facilitator (with apologies, optional)"),
        }
        widgets = {"answer": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 2})}


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Who was there"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = people  # type: ignore[attr-defined]
