"""Meeting pages: a set's meetings, scheduling, one meeting (answers, attendance), a person's
meetings, the programme calendar, the calendar feed, and the emailed RSVP link."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from revans.accounts.access import OrgRequest, SignedInRequest, org_view
from revans.accounts.selectors import reader_language, reader_zone
from revans.programmes.access import SetAccess, get_managed_set, get_set
from revans.programmes.models import Programme
from revans.web import perform, perform_form, posted, save_form
from revans.writes import kept_key

from . import calendar, notices, selectors, services
from .access import (
    CALENDAR_READERS,
    MeetingAccess,
    get_managed_meeting,
    get_meeting,
    get_programme_for_calendar,
)
from .forms import AttendanceForm, MeetingForm, RsvpForm, SeriesForm

FORM = ["GET", "POST"]


@org_view(set_id=get_set)
@require_safe
def set_meetings(request: OrgRequest, access: SetAccess) -> HttpResponse:
    rows = selectors.set_meetings(access.learning_set, timezone.now())
    return render(
        request,
        "meetings/set_meetings.html",
        {"access": access, "learning_set": access.learning_set, "rows": rows},
    )


@org_view(set_id=get_managed_set)
@require_http_methods(FORM)
def schedule(request: OrgRequest, access: SetAccess) -> HttpResponse:
    form = SeriesForm(posted(request), learning_set=access.learning_set)
    meetings = save_form(
        request,
        form,
        lambda: services.series_schedule(
            learning_set=access.learning_set,
            rule=form.rule(),
            at=form.cleaned_data["at"],
            minutes=form.cleaned_data["minutes"],
            time_zone=form.cleaned_data["time_zone"],
            place=form.cleaned_data["place"],
            video_url=form.cleaned_data["video_url"],
            by=request.user,
        ),
    )
    if meetings:
        messages.success(
            request,
            _("%(n)s meetings scheduled. Invitations go out by email.") % {"n": len(meetings)},
        )
        return redirect(
            "meetings:set_meetings", org=request.organisation.slug, set_id=access.learning_set.pk
        )
    return render(
        request, "meetings/schedule.html", {"form": form, "learning_set": access.learning_set}
    )


@org_view(set_id=get_managed_set)
@require_http_methods(FORM)
def add(request: OrgRequest, access: SetAccess) -> HttpResponse:
    programme = access.learning_set.programme
    form = MeetingForm(
        posted(request),
        initial={
            "minutes": programme.meeting_minutes,
            "time_zone": programme.organisation.time_zone,
            "at": "09:30",
        },
    )
    meeting = save_form(
        request,
        form,
        lambda: services.meeting_add(
            learning_set=access.learning_set,
            when=form.when(),
            place=form.cleaned_data["place"],
            video_url=form.cleaned_data["video_url"],
            by=request.user,
        ),
    )
    if meeting:
        messages.success(request, _("Meeting added. Invitations go out by email."))
        return redirect(meeting)
    return render(
        request, "meetings/meeting_form.html", {"form": form, "learning_set": access.learning_set}
    )


@org_view(meeting_id=get_meeting)
@require_safe
def meeting(request: OrgRequest, access: MeetingAccess) -> HttpResponse:
    found = access.meeting
    me = access.set.me
    context: dict[str, object] = {
        "access": access,
        "meeting": found,
        "learning_set": found.learning_set,
        "number": notices.number(found),
        # What the page says of the meeting, kept as HTML under all that decides it.
        "kept_as": kept_key(
            "meeting",
            found.pk,
            access.set.can_manage,
            access.set.facilitating,
            me is not None,
            found.can_change,  # until it starts: the clock alone changes it
            get_language(),
            timezone.get_current_timezone_name(),
        ),
        "apologies": notices.apologies_rule(found.learning_set),
        "mine": selectors.my_answer(found, me),
    }
    if me is not None:
        # Never bound here, and its fields' HTML is kept (alike for all, in a language, until a
        # release): the template makes the form (it calls what it is given) only to draw them.
        context["rsvp_form"] = RsvpForm
        context["rsvp_fields_as"] = kept_key("rsvp-fields", get_language(), rows=False)
    if access.set.can_manage:
        people = selectors.meeting_people(access)
        context["people"] = people
        context["attendance_form"] = AttendanceForm(
            people=[(p.participant.pk, p.participant.name) for p in people],
            initial={"present": [p.participant.pk for p in people if p.present]},
        )
    return render(request, "meetings/meeting.html", context)


def _back(request: OrgRequest, access: MeetingAccess) -> HttpResponse:
    return redirect(access.meeting)


@org_view(meeting_id=get_managed_meeting)
@require_http_methods(FORM)
def edit(request: OrgRequest, access: MeetingAccess) -> HttpResponse:
    found = access.meeting
    local = found.local_start
    form = MeetingForm(
        posted(request),
        initial={
            "day": local.date(),
            "at": local.time().replace(second=0, microsecond=0),
            "minutes": found.minutes,
            "time_zone": found.time_zone,
            "place": found.place,
            "video_url": found.video_url,
        },
    )
    changed = save_form(
        request,
        form,
        lambda: services.meeting_change(
            meeting=found,
            when=form.when(),
            place=form.cleaned_data["place"],
            video_url=form.cleaned_data["video_url"],
            following=form.cleaned_data.get("scope") == "following",
        ),
    )
    if changed:
        messages.success(
            request,
            _("%(n)s meeting(s) changed. Everyone invited is told by email.") % {"n": len(changed)},
        )
        return _back(request, access)
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "meeting": found, "learning_set": found.learning_set},
    )


@org_view(meeting_id=get_managed_meeting)
@require_http_methods(FORM)
def cancel(request: OrgRequest, access: MeetingAccess) -> HttpResponse:
    if request.method == "GET":
        return render(request, "meetings/cancel.html", {"meeting": access.meeting})
    perform(
        request,
        lambda: services.meeting_cancel(meeting=access.meeting),
        _("Meeting cancelled. Everyone invited is told by email."),
    )
    return _back(request, access)


@org_view(meeting_id=get_meeting)
@require_POST
def rsvp(request: OrgRequest, access: MeetingAccess) -> HttpResponse:
    me = access.set.me
    if me is None:
        messages.error(request, _("Only the set's members answer."))
        return _back(request, access)
    form = RsvpForm(request.POST)
    perform_form(
        request,
        form,
        lambda: services.rsvp_answer(
            meeting=access.meeting,
            participant=me,
            **form.cleaned_data,
        ),
        _("Thank you: your answer is recorded."),
        _("Choose whether you are coming."),
    )
    return _back(request, access)


@org_view(meeting_id=get_managed_meeting)
@require_POST
def attendance(request: OrgRequest, access: MeetingAccess) -> HttpResponse:
    people = selectors.meeting_people(access)
    form = AttendanceForm(
        request.POST, people=[(p.participant.pk, p.participant.name) for p in people]
    )
    perform_form(
        request,
        form,
        lambda: services.attendance_record(
            meeting=access.meeting, present=set(form.cleaned_data["present"]), by=request.user
        ),
        _("Attendance saved."),
        _("Tick the members who were there."),
    )
    return _back(request, access)


@org_view(*CALENDAR_READERS, programme_id=get_programme_for_calendar)
@require_safe
def programme_calendar(request: OrgRequest, programme: Programme) -> HttpResponse:
    rows = selectors.programme_calendar(programme, timezone.now())
    return render(
        request, "meetings/programme_calendar.html", {"programme": programme, "rows": rows}
    )


@require_safe
def mine(request: SignedInRequest) -> HttpResponse:
    zone = reader_zone(request.user)
    if zone:
        timezone.activate(ZoneInfo(zone))
    rows = selectors.my_meetings(request.user, timezone.now())
    return render(request, "meetings/mine.html", {"rows": rows})


@require_http_methods(FORM)
def feed(request: SignedInRequest) -> HttpResponse:
    """The person's calendar feed: make a new secret address (the old one stops) or revoke it."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.feed_revoke(user=request.user)
            messages.success(request, _("Your calendar feed is switched off."))
        else:
            token = services.feed_renew(user=request.user)
            url = request.build_absolute_uri(
                reverse("meetings:feed_ics", kwargs={"feed_token": token})
            )
            request.session["feed_url"] = url  # shown once, on the next page
            messages.success(
                request, _("Your new calendar address is below. Any old one has stopped working.")
            )
        return redirect("meetings:feed")
    return render(
        request,
        "meetings/feed.html",
        {
            "feed_url": request.session.pop("feed_url", ""),
            "live": request.user.calendar_feeds.filter(revoked_at=None).first(),
        },
    )


@login_not_required
@never_cache
@require_safe
def feed_ics(request: HttpRequest, feed_token: str) -> HttpResponse:
    user = services.feed_user(feed_token)
    if user is None:
        return HttpResponse(
            _("This calendar address is no longer valid. Make a new one in Revans."),
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    with translation.override(reader_language(user)):  # a calendar app sends no language
        body = calendar.feed(selectors.feed_meetings(user, timezone.now()), _("Revans meetings"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@login_not_required
@never_cache
@require_http_methods(FORM)
def rsvp_link(request: HttpRequest, rsvp_token: str) -> HttpResponse:
    """The link in a meeting email: a GET only shows the question (mail scanners follow links);
    the answer is a POST. Works without signing in."""
    try:
        found, person = services.rsvp_from_token(rsvp_token)
        services.check_rsvp_open(found, person)
    except ValidationError as error:
        return render(request, "meetings/rsvp_invalid.html", {"errors": error.messages}, status=400)
    form = RsvpForm(posted(request))
    answered = save_form(
        request,
        form,
        lambda: services.rsvp_answer(
            meeting=found,
            participant=person,
            **form.cleaned_data,
            token=rsvp_token,
        ),
    )
    return render(
        request,
        "meetings/rsvp_link.html",
        {
            "form": form,
            "meeting": found,
            "person": person,
            "answered": answered,
            "title": calendar.title(found, notices.number(found)),
            "when": notices.when(found, notices.zone_for(person.user, found)),
            "apologies": notices.apologies_rule(found.learning_set),
        },
    )
