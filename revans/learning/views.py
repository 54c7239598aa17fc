"""The cycle's pages: a set's challenges and actions, a challenge, an action with its report-back,
the learning log, and a meeting's process notes. Each asks `access` what the reader may see."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from revans.accounts.access import OrgRequest, org_view
from revans.accounts.models import Role
from revans.meetings.models import Meeting
from revans.web import perform, perform_form, posted, save_form
from revans.writes import Conflict

from . import selectors, services
from .access import (
    CycleAccess,
    commits_actions,
    get_action,
    get_challenge,
    get_cycle,
    get_meeting_for_notes,
    get_meeting_for_record,
    get_reflection,
    keeps_record,
    member_of,
    own_action,
    own_challenge,
    own_reflection,
    reports_back,
)
from .forms import (
    ActionForm,
    ChallengeEditForm,
    ChallengeFields,
    ChallengeForm,
    MeetingRecordForm,
    ProcessNoteForm,
    ProgressForm,
    ReflectionForm,
    ReportBackForm,
)
from .models import Action, Challenge, MeetingRecord, Question, Reflection

FORM = ["GET", "POST"]
CHALLENGE_FIELDS = ChallengeFields.Meta.fields  # the form is the one list of them


def _save_edit[T](
    request: OrgRequest, form: BaseForm, action: Callable[[], T]
) -> tuple[T | None, Model | None]:
    """`save_form` for an edit that names the version it started from: on a conflict, also what
    the other writer saved, to show beside the text this writer keeps in the form."""
    theirs: list[Model | None] = []

    def attempt() -> T:
        try:
            return action()
        except Conflict as error:
            theirs.append(error.current)
            raise

    return save_form(request, form, attempt), (theirs[0] if theirs else None)


@org_view(set_id=get_cycle)
@require_safe
def set_cycle(request: OrgRequest, access: CycleAccess) -> HttpResponse:
    closed = request.GET.get("closed") == "1"
    return render(
        request,
        "learning/set_cycle.html",
        {
            "access": access,
            "learning_set": access.learning_set,
            "closed": closed,
            # The page's HTML is kept under the key of what it reads: read only when it is not.
            "kept_as": f"{selectors.cycle_key(access, closed)}:{get_language()}",
            "cycle": SimpleLazyObject(lambda: selectors.set_cycle(access, closed=closed)),
            "my_open": SimpleLazyObject(lambda: selectors.open_actions_of(access)),
        },
    )


@org_view(Role.PARTICIPANT, set_id=get_cycle)
@require_http_methods(FORM)
def challenge_new(request: OrgRequest, access: CycleAccess) -> HttpResponse:
    me = member_of(access, _("Members bring challenges."))
    form = ChallengeForm(posted(request))
    challenge = save_form(
        request,
        form,
        lambda: services.challenge_create(
            learning_set=access.learning_set,
            owner=me,
            submission=form.cleaned_data["submission"],
            fields={name: form.cleaned_data[name] for name in CHALLENGE_FIELDS},
        ),
    )
    if challenge:
        messages.success(request, _("Your challenge is recorded. Now commit to an action."))
        return redirect(
            "learning:challenge", org=request.organisation.slug, challenge_id=challenge.pk
        )
    return render(
        request, "learning/challenge_new.html", {"form": form, "learning_set": access.learning_set}
    )


def _challenge_page(
    request: OrgRequest,
    access: CycleAccess,
    found: Challenge,
    form: ChallengeEditForm | None = None,
    conflict: Challenge | None = None,
) -> HttpResponse:
    mine = access.me is not None and found.owner_id == access.me.pk
    if mine and form is None:
        initial = {name: getattr(found, name) for name in [*CHALLENGE_FIELDS, "status", "version"]}
        form = ChallengeEditForm(initial=initial)
    actions = [
        a
        for a in found.actions.select_related("report_back", "challenge__owner")
        if access.reads_action(a)
    ]
    return render(
        request,
        "learning/challenge.html",
        {
            "access": access,
            "challenge": found,
            "learning_set": access.learning_set,
            "actions": actions,
            "form": form if mine else None,
            "conflict": conflict,
            "action_form": ActionForm() if mine or access.is_facilitator else None,
        },
    )


@org_view(challenge_id=get_challenge)
@require_safe
def challenge(request: OrgRequest, access: CycleAccess, found: Challenge) -> HttpResponse:
    return _challenge_page(request, access, found)


@org_view(Role.PARTICIPANT, challenge_id=get_challenge)
@require_POST
def challenge_edit(request: OrgRequest, access: CycleAccess, found: Challenge) -> HttpResponse:
    me = own_challenge(access, found)
    form = ChallengeEditForm(request.POST)
    saved, theirs = _save_edit(
        request,
        form,
        lambda: services.challenge_update(
            challenge=found,
            by=me,
            version=form.cleaned_data["version"],
            fields={name: form.cleaned_data[name] for name in [*CHALLENGE_FIELDS, "status"]},
        ),
    )
    if saved:
        messages.success(request, _("Saved."))
        return redirect("learning:challenge", org=request.organisation.slug, challenge_id=found.pk)
    return _challenge_page(request, access, found, form, theirs)  # type: ignore[arg-type]


@org_view(challenge_id=get_challenge)
@require_POST
def action_new(request: OrgRequest, access: CycleAccess, found: Challenge) -> HttpResponse:
    commits_actions(access, found)
    form = ActionForm(request.POST)
    perform_form(
        request,
        form,
        lambda: services.action_create(
            challenge=found,
            by=access.me,
            on_behalf=access.is_facilitator,
            **form.cleaned_data,
        ),
        _("Action recorded."),
        _("Say what you will do."),
    )
    return redirect("learning:challenge", org=request.organisation.slug, challenge_id=found.pk)


def _action_page(
    request: OrgRequest,
    access: CycleAccess,
    found: Action,
    form: ProgressForm | None = None,
    conflict: Action | None = None,
) -> HttpResponse:
    mine = access.me is not None and found.challenge.owner_id == access.me.pk
    if mine and form is None:
        form = ProgressForm(initial={"progress": found.progress, "version": found.version})
    return render(
        request,
        "learning/action.html",
        {
            "access": access,
            "action": access.shown(found),
            "learning_set": access.learning_set,
            "form": form if mine and found.is_open else None,
            "conflict": conflict,
            "report_form": ReportBackForm()
            if (mine or access.is_facilitator) and not hasattr(found, "report_back")
            else None,
        },
    )


@org_view(action_id=get_action)
@require_safe
def action(request: OrgRequest, access: CycleAccess, found: Action) -> HttpResponse:
    return _action_page(request, access, found)


@org_view(Role.PARTICIPANT, action_id=get_action)
@require_POST
def action_progress(request: OrgRequest, access: CycleAccess, found: Action) -> HttpResponse:
    me = own_action(access, found)
    form = ProgressForm(request.POST)
    saved, theirs = _save_edit(
        request,
        form,
        lambda: services.action_progress(
            action=found,
            by=me,
            **form.cleaned_data,
        ),
    )
    if saved:
        messages.success(request, _("Progress saved."))
        return redirect("learning:action", org=request.organisation.slug, action_id=found.pk)
    return _action_page(request, access, found, form, theirs)  # type: ignore[arg-type]


@org_view(action_id=get_action)
@require_POST
def report_back(request: OrgRequest, access: CycleAccess, found: Action) -> HttpResponse:
    reports_back(access, found)
    form = ReportBackForm(request.POST)
    perform_form(
        request,
        form,
        lambda: services.report_back(
            action=found,
            by=request.user,
            **form.cleaned_data,
        ),
        _("Report-back recorded."),
        _("Say whether it was done."),
    )
    return redirect("learning:action", org=request.organisation.slug, action_id=found.pk)


def _log_page(
    request: OrgRequest, access: CycleAccess, form: ReflectionForm | None = None
) -> HttpResponse:
    me = access.me
    if me is not None and form is None:
        form = ReflectionForm(initial={"prompt": services.prompt_for(me)})
    entries = SimpleLazyObject(lambda: selectors.learning_log(access))
    return render(
        request,
        "learning/log.html",
        {
            "access": access,
            "learning_set": access.learning_set,
            "form": form,
            "prompt": form.initial.get("prompt", "") if form else "",
            # The entries' HTML is kept under the key of what they read: read only when it is not.
            "kept_as": selectors.log_key(access),
            "mine": SimpleLazyObject(lambda: entries[0]),
            "shared": SimpleLazyObject(lambda: entries[1]),
        },
    )


@org_view(set_id=get_cycle)
@require_safe
def learning_log(request: OrgRequest, access: CycleAccess) -> HttpResponse:
    return _log_page(request, access)


@org_view(Role.PARTICIPANT, set_id=get_cycle)
@require_POST
def log_write(request: OrgRequest, access: CycleAccess) -> HttpResponse:
    me = member_of(access, _("Members keep a learning log."))
    form = ReflectionForm(request.POST, initial={"prompt": services.prompt_for(me)})
    if save_form(
        request,
        form,
        lambda: services.reflection_write(
            learning_set=access.learning_set,
            author=me,
            **form.cleaned_data,
        ),
    ):
        messages.success(request, _("Saved in your learning log. Only you can read it."))
        return redirect(
            "learning:log", org=request.organisation.slug, set_id=access.learning_set.pk
        )
    return _log_page(request, access, form)


@org_view(Role.PARTICIPANT, reflection_id=get_reflection)
@require_POST
def reflection_share(request: OrgRequest, access: CycleAccess, found: Reflection) -> HttpResponse:
    me = own_reflection(access, found)
    share = request.POST.get("share") == "yes"
    perform(
        request,
        lambda: services.reflection_share(reflection=found, by=me, shared=share),
        _("Shared with your set.") if share else _("Taken back: only you can read it now."),
    )
    return redirect("learning:log", org=request.organisation.slug, set_id=found.learning_set_id)


@org_view(Role.FACILITATOR, meeting_id=get_meeting_for_notes)
@require_http_methods(FORM)
def process_notes(request: OrgRequest, access: CycleAccess, meeting: Meeting) -> HttpResponse:
    form = ProcessNoteForm(posted(request))
    if save_form(
        request,
        form,
        lambda: services.process_note_write(
            meeting=meeting,
            author=request.user,
            **form.cleaned_data,
        ),
    ):
        messages.success(request, _("Note saved. Only this set's facilitators can read it."))
        return redirect(
            "learning:process_notes", org=request.organisation.slug, meeting_id=meeting.pk
        )
    return render(
        request,
        "learning/process_notes.html",
        {
            "meeting": meeting,
            "learning_set": access.learning_set,
            "notes": selectors.process_notes(access, meeting.pk),
            "form": form if access.is_facilitator else None,
        },
    )


def _record_page(
    request: OrgRequest,
    access: CycleAccess,
    meeting: Meeting,
    form: MeetingRecordForm | None = None,
    conflict: MeetingRecord | None = None,
) -> HttpResponse:
    found = selectors.meeting_record(access, meeting)
    record = found.record
    keeps = keeps_record(access, meeting)
    if keeps and form is None and meeting.starts_at <= timezone.now():
        form = MeetingRecordForm(
            members=found.members,
            initial={
                "version": record.version if record else 1,
                "presenters": [p.pk for p in record.presenters.all()] if record else [],
                "process_review": record.process_review if record else "",
            },
        )
    return render(
        request,
        "learning/meeting_record.html",
        {
            "access": access,
            "meeting": meeting,
            "learning_set": access.learning_set,
            "airtime": found.airtime,
            "questions": found.questions,
            "open_questions": sum(q.style == Question.Style.OPEN for q in found.questions),
            "closed_questions": sum(q.style == Question.Style.CLOSED for q in found.questions),
            "record": record,
            "agreed": found.agreed,
            "reports": found.reports,
            "form": form if keeps else None,
            "conflict": conflict,
        },
    )


@org_view(meeting_id=get_meeting_for_record)
@require_safe
def meeting_record(request: OrgRequest, access: CycleAccess, meeting: Meeting) -> HttpResponse:
    return _record_page(request, access, meeting)


@org_view(Role.FACILITATOR, meeting_id=get_meeting_for_record)
@require_POST
def meeting_record_save(request: OrgRequest, access: CycleAccess, meeting: Meeting) -> HttpResponse:
    if not keeps_record(access, meeting):
        raise PermissionDenied(_("The set's facilitators keep the meeting record."))
    members = {
        m.participant_id: m.participant
        for m in access.learning_set.memberships.current().select_related("participant")
    }
    form = MeetingRecordForm(request.POST, members=[(pk, p.name) for pk, p in members.items()])
    saved, theirs = _save_edit(
        request,
        form,
        lambda: services.meeting_record_save(
            meeting=meeting,
            by=request.user,
            version=form.cleaned_data["version"],
            presenters=[members[pk] for pk in form.cleaned_data["presenters"]],
            process_review=form.cleaned_data["process_review"],
            close=form.cleaned_data["close"],
        ),
    )
    if saved:
        messages.success(request, _("The meeting record is saved."))
        return redirect(
            "learning:meeting_record", org=request.organisation.slug, meeting_id=meeting.pk
        )
    return _record_page(request, access, meeting, form, theirs)  # type: ignore[arg-type]
