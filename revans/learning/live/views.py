"""The live meeting's pages: the console for whoever runs it, the board for the set, the polls
both make, and the POSTs behind every button.

A poll names the version its page shows: unchanged, the answer is 204 with no body; changed, it
is the state fragment (with the new version in it). Every POST goes back to the page it came
from (POST, redirect, GET), which shows the meeting as it stands now; a refusal says why there
(bad input, someone changed the meeting first, the meeting is closed)."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from revans import web
from revans.accounts.access import OrgRequest, org_view
from revans.accounts.middleware import not_activity
from revans.domain.agenda import Row, slot_minutes
from revans.meetings.access import CALENDAR_READERS, get_programme_for_calendar
from revans.programmes.models import Programme
from revans.web import form_problems, posted
from revans.writes import Conflict

from ..forms import Versioned
from ..models import Action, Challenge, rows_of
from . import selectors
from . import services as live
from .access import LiveAccess, get_live, get_live_to_run, live_state
from .forms import (
    AgendaRows,
    ArrivalForm,
    BidForm,
    ClockForm,
    CloseForm,
    LiveActionForm,
    LiveNoteForm,
    LiveReportForm,
    PersonForm,
    QuestionForm,
    ReviewNoteForm,
    SlotsForm,
    agenda_initial,
    agenda_rows_of,
)

FORM = ["GET", "POST"]


def _members(access: LiveAccess) -> list[tuple[int, str]]:
    return [
        (m.participant_id, m.participant.name)
        for m in access.cycle.learning_set.memberships.current()
        .select_related("participant")
        .order_by("participant__name")
    ]


def _question(
    board: selectors.Board, members: list[tuple[int, str]], form: QuestionForm | None
) -> dict[str, object]:
    """The question form's values: as typed when it was refused, else sensible defaults (asked
    of the presenter, or the first member, by someone else)."""
    if form is not None:
        data = form.data
        return {
            "of": _int(data.get("presenter")),
            "by": _int(data.get("asked_by")),
            "text": data.get("text", ""),
            "style": data.get("style", ""),
            "errors": [e for errors in form.errors.values() for e in errors],
        }
    of = board.presenter_id or (members[0][0] if members else None)
    by = next((pk for pk, _name in members if pk != of), None)
    return {"of": of, "by": by, "text": "", "style": "", "errors": []}


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _context(
    request: OrgRequest,
    access: LiveAccess,
    console: bool,
    question_form: QuestionForm | None = None,
    close_form: CloseForm | None = None,
) -> dict[str, object]:
    board = selectors.live_board(access, timezone.now())
    members = list(board.people.items())
    context: dict[str, object] = {
        "access": access,
        "meeting": access.meeting,
        "learning_set": access.cycle.learning_set,
        "board": board,
        "console": console,
        "members": members,
        "me": access.cycle.me,
    }
    if console:
        context["notes"] = selectors.private_notes(access)
        context["presenter_challenges"] = selectors.presenter_challenges(access, board.presenter_id)
        context["slots_form"] = _slots_form(access, board, members)
        context["question"] = _question(board, members, question_form)
        context["close_errors"] = close_form.errors.get("sure", []) if close_form else []
    return context


def _slots_form(
    access: LiveAccess, board: selectors.Board, members: list[tuple[int, str]]
) -> SlotsForm:
    """Presenters as chosen, or else proposed from the bids (urgent first, then in order)."""
    rows = rows_of(access.live.rows)
    initial: dict[str, object] = {"version": access.live.state_version}
    chosen = [(pk, minutes) for pk, _name, minutes in board.slots]
    proposed = chosen or [(b.participant_id, b.minutes) for b in board.bids]
    for order, (pk, minutes) in enumerate(proposed, 1):
        initial[f"order_{pk}"] = order
        initial[f"minutes_{pk}"] = minutes
    return SlotsForm(initial=initial, members=members, default_minutes=slot_minutes(rows))


def _page(
    request: OrgRequest,
    access: LiveAccess,
    console: bool,
    *,
    question_form: QuestionForm | None = None,
    close_form: CloseForm | None = None,
) -> HttpResponse:
    """The console or the board; a refused form comes back on it with its problems."""
    template = "learning/live/console.html" if console else "learning/live/board.html"
    return render(request, template, _context(request, access, console, question_form, close_form))


def _back(request: OrgRequest, access: LiveAccess, console: bool) -> HttpResponse:
    name = "learning:console" if console and access.runs else "learning:board"
    return redirect(name, org=request.organisation.slug, meeting_id=access.meeting.pk)


def _try(request: OrgRequest, form: BaseForm, change: Callable[[], object]) -> bool:
    """Validate and make the change; if refused, say why (on the page the POST goes back to,
    which shows the change itself)."""
    if not form.is_valid():
        messages.error(request, _("That was not understood. %s") % form_problems(form))
        return False
    return web.perform(request, change, None)


def _act(
    request: OrgRequest,
    access: LiveAccess,
    form: BaseForm,
    change: Callable[[], object],
    *,
    console: bool | None = None,
) -> HttpResponse:
    """Make the change and go back to the page it came from."""
    if console is None:  # a form used on both pages says which it came from
        console = form.data.get("back") != "board"
    _try(request, form, change)
    return _back(request, access, console)


@org_view(meeting_id=get_live_to_run)
@require_safe
def console(request: OrgRequest, access: LiveAccess) -> HttpResponse:
    # The first look opens the live state: a service here, as the access check only reads.
    live.live_of(access.meeting, access.live)
    return _page(request, access, console=True)


@org_view(meeting_id=get_live)
@require_safe
def board(request: OrgRequest, access: LiveAccess) -> HttpResponse:
    live.live_of(access.meeting, access.live)
    return _page(request, access, console=False)


def _poll(request: OrgRequest, access: LiveAccess, console: bool) -> HttpResponse:
    if request.GET.get("v") == str(access.live.version):
        return HttpResponse(status=204)
    template = "learning/live/_console_state.html" if console else "learning/live/_board_state.html"
    return render(request, template, _context(request, access, console))


@not_activity
@org_view(meeting_id=get_live_to_run)
@require_safe
def console_poll(request: OrgRequest, access: LiveAccess) -> HttpResponse:
    return _poll(request, access, console=True)


@not_activity
@org_view(meeting_id=get_live)
@require_safe
def board_poll(request: OrgRequest, access: LiveAccess) -> HttpResponse:
    return _poll(request, access, console=False)


@org_view(meeting_id=get_live_to_run)
@require_POST
def clock(request: OrgRequest, access: LiveAccess) -> HttpResponse:
    form = ClockForm(request.POST)
    return _act(
        request,
        access,
        form,
        lambda: live.clock_act(
            meeting=access.meeting,
            by=request.user,
            version=form.cleaned_data["version"],
            operation=form.cleaned_data["operation"],
            minutes=form.cleaned_data["minutes"] or 0,
        ),
        console=True,
    )


def _agenda_page(
    request: OrgRequest,
    load: Callable[[], tuple[list[dict[str, object]], int]],
    save: Callable[[int, list[Row]], object],
    done: str,
    back: Callable[[], HttpResponse],
    context: dict[str, object],
) -> HttpResponse:
    """An agenda's rows as a form (a meeting's or a programme's): save, or show what is wrong.
    Refused because someone saved first, the form starts again from what they saved."""
    stored, version_now = load()
    version = Versioned(posted(request), initial={"version": version_now})
    formset = AgendaRows(posted(request), initial=agenda_initial(rows_of(stored)), prefix="rows")
    if request.method == "POST" and version.is_valid() and formset.is_valid():
        try:
            save(version.cleaned_data["version"], agenda_rows_of(formset))
        except Conflict as error:
            messages.warning(request, " ".join(error.messages))
            stored, version_now = load()
            version = Versioned(initial={"version": version_now})
            formset = AgendaRows(initial=agenda_initial(rows_of(stored)), prefix="rows")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
            return back()
    return render(
        request,
        "learning/live/agenda.html",
        {
            **context,
            "formset": formset,
            "version": version,
            "slot_minutes": slot_minutes(rows_of(stored)),
        },
    )


@org_view(meeting_id=get_live_to_run)
@require_http_methods(FORM)
def agenda(request: OrgRequest, access: LiveAccess) -> HttpResponse:
    """This meeting's agenda: what is still ahead of the clock can change."""

    def load() -> tuple[list[dict[str, object]], int]:
        state = live_state(access.meeting)
        return state.rows, state.state_version

    return _agenda_page(
        request,
        load,
        lambda version, rows: live.agenda_save(
            meeting=access.meeting, by=request.user, version=version, rows=rows
        ),
        _("The agenda is saved."),
        lambda: _back(request, access, console=True),
        {"meeting": access.meeting, "learning_set": access.cycle.learning_set},
    )


@org_view(meeting_id=get_live_to_run)
@require_POST
def presenters(request: OrgRequest, access: LiveAccess) -> HttpResponse:
    rows = rows_of(access.live.rows)
    form = SlotsForm(request.POST, members=_members(access), default_minutes=slot_minutes(rows))
    return _act(
        request,
        access,
        form,
        lambda: live.slots_save(
            meeting=access.meeting,
            by=request.user,
            version=form.cleaned_data["version"],
            slots=form.slots(),
        ),
        console=True,
    )


@org_view(meeting_id=get_live_to_run)
@require_POST
def arrival(request: OrgRequest, access: LiveAccess) -> HttpResponse:
    form = ArrivalForm(request.POST, members=_members(access))
    return _act(
        request,
        access,
        form,
        lambda: live.arrival(
            meeting=access.meeting,
            by=request.user,
            participant_id=form.cleaned_data["participant"],
            present=form.cleaned_data["present"],
        ),
        console=True,
    )


@org_view(meeting_id=get_live)
@require_POST
def bid(request: OrgRequest, access: LiveAccess) -> HttpResponse:
    form = BidForm(request.POST, members=_members(access))
    return _act(
        request,
        access,
        form,
        lambda: live.bid_place(
            meeting=access.meeting,
            by=request.user,
            participant_id=form.cleaned_data["participant"],
            minutes=form.cleaned_data["minutes"],
            urgent=form.cleaned_data["urgent"],
        ),
    )


@org_view(meeting_id=get_live)
@require_POST
def bid_withdraw(request: OrgRequest, access: LiveAccess) -> HttpResponse:
    form = PersonForm(request.POST, members=_members(access))
    return _act(
        request,
        access,
        form,
        lambda: live.bid_withdraw(
            meeting=access.meeting, by=request.user, participant_id=form.cleaned_data["participant"]
        ),
    )


@org_view(meeting_id=get_live_to_run)
@require_POST
def question(request: OrgRequest, access: LiveAccess) -> HttpResponse:
    form = QuestionForm(request.POST, members=_members(access))

    def change() -> object:
        return live.question_add(
            meeting=access.meeting,
            by=request.user,
            presenter_id=form.cleaned_data["presenter"],
            asked_by_id=form.cleaned_data["asked_by"],
            text=form.cleaned_data["text"],
            style=form.cleaned_data["style"],
            submission=form.cleaned_data["submission"],
        )

    if form.is_valid():
        try:
            change()
        except ValidationError as error:
            if selectors.is_closed(access.meeting):  # no form to show it beside: said on the page
                messages.error(request, " ".join(error.messages))
                return _back(request, access, console=True)
            form.add_error("asked_by", error)
        else:
            return _back(request, access, console=True)
    # Refused: the console again, the problem beside the form and nothing typed lost.
    return _page(request, access, console=True, question_form=form)


@org_view(meeting_id=get_live_to_run)
@require_POST
def action(request: OrgRequest, access: LiveAccess) -> HttpResponse:
    challenges = Challenge.objects.filter(learning_set=access.cycle.learning_set)
    form = LiveActionForm(request.POST, challenges=[(c.pk, str(c.pk)) for c in challenges])
    return _act(
        request,
        access,
        form,
        lambda: live.action_commit(
            meeting=access.meeting,
            by=request.user,
            challenge=challenges.get(pk=form.cleaned_data["challenge"]),
            text=form.cleaned_data["text"],
            due_on=form.cleaned_data["due_on"],
            submission=form.cleaned_data["submission"],
        ),
        console=True,
    )


@org_view(meeting_id=get_live)
@require_POST
def report_back(request: OrgRequest, access: LiveAccess) -> HttpResponse:
    form = LiveReportForm(request.POST)

    def change() -> object:
        found = (
            Action.objects.filter(
                pk=form.cleaned_data["action"],
                challenge__learning_set=access.cycle.learning_set,
            )
            .select_related("challenge__owner")
            .first()
        )
        if found is None or not access.cycle.reads_action(found):
            raise ValidationError(_("There is no such action in this set."))
        return live.report_back(
            meeting=access.meeting,
            by=request.user,
            action=found,
            outcome=form.cleaned_data["outcome"],
            what_happened=form.cleaned_data["what_happened"],
            carry_forward=form.cleaned_data["then"] == "carry",
        )

    return _act(request, access, form, change)


@org_view(meeting_id=get_live_to_run)
@require_POST
def review(request: OrgRequest, access: LiveAccess) -> HttpResponse:
    form = ReviewNoteForm(request.POST)
    return _act(
        request,
        access,
        form,
        lambda: live.review_note(
            meeting=access.meeting, by=request.user, text=form.cleaned_data["text"]
        ),
        console=True,
    )


@org_view(meeting_id=get_live_to_run)
@require_POST
def note(request: OrgRequest, access: LiveAccess) -> HttpResponse:
    if not access.keeps_private_notes:
        raise PermissionDenied(_("Private notes are the facilitators' alone."))
    form = LiveNoteForm(request.POST)
    return _act(
        request,
        access,
        form,
        lambda: live.private_note(
            meeting=access.meeting,
            by=request.user,
            text=form.cleaned_data["text"],
            submission=form.cleaned_data["submission"],
        ),
        console=True,
    )


@org_view(meeting_id=get_live)
@require_POST
def chair(request: OrgRequest, access: LiveAccess) -> HttpResponse:
    """Take the chair (a member, in a set without a facilitator), or give it up."""
    form = Versioned(request.POST)
    me = access.cycle.me

    def change() -> object:
        if request.POST.get("release"):
            return live.chair_release(
                meeting=access.meeting, by=request.user, version=form.cleaned_data["version"]
            )
        if me is None:
            raise ValidationError(_("A member of the set takes the chair for themself."))
        return live.chair_take(
            meeting=access.meeting,
            by=request.user,
            member=me,
            version=form.cleaned_data["version"],
        )

    taken = _try(request, form, change) and not request.POST.get("release")
    if taken:  # the new chair goes to the console
        return redirect(
            "learning:console", org=request.organisation.slug, meeting_id=access.meeting.pk
        )
    return _back(request, access, console=False)


@org_view(meeting_id=get_live_to_run)
@require_POST
def close(request: OrgRequest, access: LiveAccess) -> HttpResponse:
    form = CloseForm(request.POST)

    def change() -> object:
        return live.close(
            meeting=access.meeting, by=request.user, version=form.cleaned_data["version"]
        )

    if not form.is_valid():  # the box not ticked: said beside it, on the console
        return _page(request, access, console=True, close_form=form)
    if not web.perform(request, change, None):
        return _back(request, access, console=True)
    messages.success(
        request,
        _("The meeting is closed and its record filled in. Closed by mistake? Reopen it below."),
    )
    return redirect(
        "learning:meeting_record", org=request.organisation.slug, meeting_id=access.meeting.pk
    )


@org_view(meeting_id=get_live_to_run)
@require_POST
def reopen(request: OrgRequest, access: LiveAccess) -> HttpResponse:
    """Undo a close made by mistake (within two hours of it)."""
    if web.perform(
        request,
        lambda: live.reopen(meeting=access.meeting, by=request.user),
        _("The meeting is open again."),
    ):
        return _back(request, access, console=True)
    return redirect(
        "learning:meeting_record", org=request.organisation.slug, meeting_id=access.meeting.pk
    )


@org_view(*CALENDAR_READERS, programme_id=get_programme_for_calendar)
@require_http_methods(FORM)
def agenda_template(request: OrgRequest, programme: Programme) -> HttpResponse:
    """The programme's agenda, which each meeting copies when it is first opened (admins,
    sponsors, the programme's facilitators)."""
    template = live.template_of(programme)

    def load() -> tuple[list[dict[str, object]], int]:
        template.refresh_from_db()
        return template.rows, template.version

    return _agenda_page(
        request,
        load,
        lambda version, rows: live.template_save(template=template, version=version, rows=rows),
        _("The programme's agenda is saved."),
        lambda: redirect(
            "learning:agenda_template", org=request.organisation.slug, programme_id=programme.pk
        ),
        {"programme": programme},
    )
