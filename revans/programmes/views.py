from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
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
from revans.audit import services as audit
from revans.audit.models import Event as AuditEvent
from revans.domain.roster import RowStatus
from revans.web import perform, posted, save_form, write_csv
from revans.writes import kept_key

from . import selectors, services
from .access import (
    PROGRAMME_MANAGERS,
    SetAccess,
    get_facilitation,
    get_import,
    get_managed_set,
    get_programme,
    get_set,
    get_set_membership,
)
from .forms import (
    FacilitatorAddForm,
    GroundRulesForm,
    ImportForm,
    MemberAddForm,
    MemberLeaveForm,
    MemberMoveForm,
    PeriodForm,
    ProgrammeForm,
    SetCreateForm,
    SetRenameForm,
)
from .models import ParticipantImport, Programme, SetFacilitator, SetMembership

FORM_METHODS = ["GET", "POST"]
PREVIEW_ROWS = 500  # every error is shown; the other rows up to this many


@org_view(*PROGRAMME_MANAGERS)
@require_safe
def programme_list(request: OrgRequest) -> HttpResponse:
    programmes = selectors.programmes_of(request.organisation)
    return render(request, "programmes/programme_list.html", {"programmes": programmes})


@org_view(*PROGRAMME_MANAGERS)
@require_http_methods(FORM_METHODS)
def programme_create(request: OrgRequest) -> HttpResponse:
    form = ProgrammeForm(posted(request), instance=Programme(organisation=request.organisation))
    if save_form(request, form, lambda: _save_programme(form)):
        messages.success(request, _("Programme created. Now add its sets."))
        return redirect(form.instance)
    return render(request, "programmes/programme_form.html", {"form": form})


def _save_programme(form: ProgrammeForm) -> Programme:
    return services.programme_save(
        programme=form.instance, facilitators=form.cleaned_data["facilitators"]
    )


@org_view(*PROGRAMME_MANAGERS, programme_id=get_programme)
@require_safe
def programme_detail(request: OrgRequest, programme: Programme) -> HttpResponse:
    # The sets' HTML is kept under all that decides it, and they are read only when it is not.
    kept_as = kept_key(
        "programme-sets",
        programme.pk,
        request.organisation.today(),
        timezone.localdate(),
        get_language(),
        within=programme,
    )
    sets = SimpleLazyObject(
        lambda: {
            "summaries": selectors.programme_sets(programme),
            "unplaced": selectors.unplaced_participants(programme).count(),
        }
    )
    return render(
        request,
        "programmes/programme_detail.html",
        {"programme": programme, "kept_as": kept_as, "sets": sets},
    )


@org_view(*PROGRAMME_MANAGERS, programme_id=get_programme)
@require_http_methods(FORM_METHODS)
def programme_edit(request: OrgRequest, programme: Programme) -> HttpResponse:
    form = ProgrammeForm(posted(request), instance=programme)
    if save_form(request, form, lambda: _save_programme(form)):
        messages.success(request, _("Programme saved."))
        return redirect(programme)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme})


@org_view(*PROGRAMME_MANAGERS, programme_id=get_programme)
@require_http_methods(FORM_METHODS)
def set_create(request: OrgRequest, programme: Programme) -> HttpResponse:
    form = SetCreateForm(posted(request), organisation=request.organisation)
    learning_set = save_form(
        request,
        form,
        lambda: services.set_create(
            programme=programme,
            **form.cleaned_data,
            by=request.user,
        ),
    )
    if learning_set:
        messages.success(request, _("Set created. Now add its members."))
        return redirect(learning_set)
    return render(request, "programmes/set_create.html", {"form": form, "programme": programme})


@org_view(set_id=get_set)
@require_safe
def set_detail(request: OrgRequest, access: SetAccess) -> HttpResponse:
    summary = selectors.set_summary(access.learning_set)
    context = {"access": access, "summary": summary, "learning_set": access.learning_set}
    if access.can_manage:
        context["history"] = selectors.membership_history(access.learning_set)
        context["periods"] = access.learning_set.periods.select_related("member_facilitator")
    if access.me is not None and summary.ground_rules is not None:
        context["i_accepted"] = access.me not in summary.not_accepted
    return render(request, "programmes/set_detail.html", context)


def _set_form_page(
    request: OrgRequest,
    access: SetAccess,
    form: BaseForm,
    action: Callable[[], object],
    done: str,
    title: str,
) -> HttpResponse:
    """A small form about one set: on success back to the set, else the form with its errors."""
    if save_form(request, form, action):
        messages.success(request, done)
        return redirect(access.learning_set)
    return render(
        request,
        "programmes/set_form.html",
        {"form": form, "learning_set": access.learning_set, "title": title},
    )


@org_view(set_id=get_managed_set)
@require_http_methods(FORM_METHODS)
def set_rename(request: OrgRequest, access: SetAccess) -> HttpResponse:
    form = SetRenameForm(posted(request), initial={"name": access.learning_set.name})
    return _set_form_page(
        request,
        access,
        form,
        lambda: services.set_rename(
            learning_set=access.learning_set, name=form.cleaned_data["name"]
        ),
        _("Set renamed."),
        _("Rename the set"),
    )


@org_view(set_id=get_managed_set)
@require_http_methods(FORM_METHODS)
def set_member_add(request: OrgRequest, access: SetAccess) -> HttpResponse:
    form = MemberAddForm(
        posted(request),
        programme=access.learning_set.programme,
        initial={"joined_on": request.organisation.today()},
    )
    return _set_form_page(
        request,
        access,
        form,
        lambda: services.set_member_add(
            learning_set=access.learning_set,
            **form.cleaned_data,
            by=request.user,
        ),
        _("Member added. If they are new to Revans, they have been sent an invitation."),
        _("Add a member"),
    )


@org_view(set_id=get_managed_set, set_membership_id=get_set_membership)
@require_http_methods(FORM_METHODS)
def set_member_leave(
    request: OrgRequest, access: SetAccess, membership: SetMembership
) -> HttpResponse:
    form = MemberLeaveForm(posted(request), initial={"left_on": request.organisation.today()})
    return _set_form_page(
        request,
        access,
        form,
        lambda: services.set_member_leave(
            membership=membership,
            **form.cleaned_data,
        ),
        _("%(name)s has left the set.") % {"name": membership.participant},
        _("%(name)s leaves the set") % {"name": membership.participant},
    )


@org_view(set_id=get_managed_set, set_membership_id=get_set_membership)
@require_http_methods(FORM_METHODS)
def set_member_move(
    request: OrgRequest, access: SetAccess, membership: SetMembership
) -> HttpResponse:
    form = MemberMoveForm(
        posted(request),
        learning_set=access.learning_set,
        initial={"on": request.organisation.today()},
    )
    return _set_form_page(
        request,
        access,
        form,
        lambda: services.set_member_move(
            membership=membership,
            **form.cleaned_data,
            by=request.user,
        ),
        _("%(name)s has moved.") % {"name": membership.participant},
        _("Move %(name)s to another set") % {"name": membership.participant},
    )


@org_view(set_id=get_managed_set)
@require_http_methods(FORM_METHODS)
def set_facilitator_add(request: OrgRequest, access: SetAccess) -> HttpResponse:
    form = FacilitatorAddForm(posted(request), learning_set=access.learning_set)
    return _set_form_page(
        request,
        access,
        form,
        lambda: services.set_facilitator_add(
            learning_set=access.learning_set, user=form.cleaned_data["user"], by=request.user
        ),
        _("Facilitator added."),
        _("Add a facilitator"),
    )


@org_view(set_id=get_managed_set, facilitation_id=get_facilitation)
@require_POST
def set_facilitator_end(
    request: OrgRequest, access: SetAccess, facilitation: SetFacilitator
) -> HttpResponse:
    perform(
        request,
        lambda: services.set_facilitator_end(
            facilitation=facilitation, until=request.organisation.today()
        ),
        _("%(name)s no longer facilitates this set.") % {"name": facilitation.user},
    )
    return redirect(access.learning_set)


@org_view(set_id=get_managed_set)
@require_http_methods(FORM_METHODS)
def set_mode(request: OrgRequest, access: SetAccess) -> HttpResponse:
    form = PeriodForm(
        posted(request),
        learning_set=access.learning_set,
        initial={"starts_on": request.organisation.today()},
    )
    return _set_form_page(
        request,
        access,
        form,
        lambda: services.facilitation_period_add(
            learning_set=access.learning_set,
            **form.cleaned_data,
        ),
        _("Facilitation mode recorded."),
        _("Change how the set is facilitated"),
    )


@org_view(set_id=get_managed_set)
@require_http_methods(FORM_METHODS)
def set_ground_rules(request: OrgRequest, access: SetAccess) -> HttpResponse:
    current = access.learning_set.ground_rules.order_by("-version").first()
    form = GroundRulesForm(posted(request), initial={"text": current.text if current else ""})
    return _set_form_page(
        request,
        access,
        form,
        lambda: services.ground_rules_update(
            learning_set=access.learning_set, text=form.cleaned_data["text"], by=request.user
        ),
        _("New version of the ground rules saved. Members are asked to accept it."),
        _("Edit the ground rules"),
    )


@org_view(Role.PARTICIPANT, set_id=get_set)
@require_POST
def set_ground_rules_accept(request: OrgRequest, access: SetAccess) -> HttpResponse:
    current = access.learning_set.ground_rules.order_by("-version").first()
    if access.me is None or current is None:
        messages.error(request, _("Only members of the set accept its ground rules."))
        return redirect(access.learning_set)
    me = access.me
    perform(
        request,
        lambda: services.ground_rules_accept(ground_rules=current, participant=me),
        _("You accepted the ground rules."),
    )
    return redirect(access.learning_set)


@org_view(*PROGRAMME_MANAGERS)
@require_safe
def participant_list(request: OrgRequest) -> HttpResponse:
    people = selectors.pool(request.organisation)
    return render(request, "programmes/participant_list.html", {"people": people})


@org_view(*PROGRAMME_MANAGERS)
@require_http_methods(FORM_METHODS)
def participant_import(request: OrgRequest) -> HttpResponse:
    form = ImportForm(posted(request), request.FILES or None)
    batch = save_form(
        request,
        form,
        lambda: services.import_upload(
            organisation=request.organisation,
            by=request.user,
            filename=form.cleaned_data["file"].name,
            content=form.cleaned_data["file"].read(),
        ),
    )
    if batch:
        return redirect(
            "programmes:participant_import_preview",
            org=request.organisation.slug,
            import_id=batch.pk,
        )
    return render(request, "programmes/participant_import.html", {"form": form})


@org_view(*PROGRAMME_MANAGERS, import_id=get_import)
@require_http_methods(FORM_METHODS)
def participant_import_preview(request: OrgRequest, batch: ParticipantImport) -> HttpResponse:
    if request.method == "POST":
        try:
            plan = services.import_apply(batch=batch)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Imported: %(new)s new, %(updated)s updated, %(unchanged)s unchanged.")
                % {
                    "new": plan.count(RowStatus.NEW),
                    "updated": plan.count(RowStatus.UPDATED),
                    "unchanged": plan.count(RowStatus.UNCHANGED),
                },
            )
            return redirect("programmes:participant_list", org=request.organisation.slug)
    plan = services.import_plan(batch)
    errors = [row for row in plan.rows if row.status == RowStatus.ERROR]
    rest = [row for row in plan.rows if row.status != RowStatus.ERROR]
    context = {
        "batch": batch,
        "plan": plan,
        "counts": {status.value: plan.count(status) for status in RowStatus},
        "rows": (errors + rest)[: max(PREVIEW_ROWS, len(errors))],
    }
    return render(request, "programmes/participant_import_preview.html", context)


@org_view(*PROGRAMME_MANAGERS)
@require_safe
def participant_export(request: OrgRequest) -> HttpResponse:
    headers, rows = selectors.pool_table(request.organisation)
    audit.record(
        AuditEvent.EXPORTED, organisation=request.organisation, detail={"file": "people.csv"}
    )
    response = HttpResponse(write_csv(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{request.organisation.slug}-people.csv"'
    )
    return response
