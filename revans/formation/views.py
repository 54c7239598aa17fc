"""The facilitator's set-formation tool: ask, watch the search, adjust by hand, accept."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from revans.accounts.access import OrgRequest, org_view
from revans.accounts.models import Organisation, Role
from revans.programmes.models import Programme
from revans.web import perform, perform_form, posted, save_form

from . import selectors, services
from .access import FORMERS, get_formation_run, get_programme_to_form
from .forms import FormationAcceptForm, FormationForm, MoveForm, PoolForm, people_to_form
from .models import FormationRun


@org_view(*FORMERS, programme_id=get_programme_to_form)
@require_http_methods(["GET", "POST"])
def new(request: OrgRequest, programme: Programme) -> HttpResponse:
    pool = PoolForm(request.GET or None)
    choice = request.POST.get("pool") or pool.choice()
    people = people_to_form(programme, choice)
    form = FormationForm(
        posted(request), programme=programme, people=people, initial={"pool": choice}
    )
    run = save_form(
        request,
        form,
        lambda: services.formation_run_create(
            programme=programme,
            by=request.user,
            inputs=form.cleaned_data["inputs"],
            seconds=form.cleaned_data["seconds"],
            seed=form.cleaned_data["seed"],
        ),
    )
    if run:
        return redirect(run)
    runs = programme.formation_runs.all()[:10]
    return render(
        request,
        "formation/new.html",
        {
            "programme": programme,
            "pool": pool,
            "form": form,
            "pool_size": len(people),
            "runs": runs,
        },
    )


@org_view(*FORMERS, programme_id=get_programme_to_form, run_id=get_formation_run)
@require_safe
def run(request: OrgRequest, programme: Programme, found: FormationRun) -> HttpResponse:
    context = {"run": found, "programme": found.programme, **selectors.proposal_page(found)}
    return render(request, "formation/run.html", context)


@org_view(*FORMERS, programme_id=get_programme_to_form, run_id=get_formation_run)
@require_POST
def cancel(request: OrgRequest, programme: Programme, found: FormationRun) -> HttpResponse:
    perform(
        request,
        lambda: services.formation_run_cancel(run=found),
        _("Stopping. The best proposal found so far is kept."),
    )
    return redirect(found)


@org_view(*FORMERS, programme_id=get_programme_to_form, run_id=get_formation_run)
@require_POST
def again(request: OrgRequest, programme: Programme, found: FormationRun) -> HttpResponse:
    try:
        fresh = services.formation_run_again(run=found, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(found)
    messages.success(request, _("A new run has started with the same settings."))
    return redirect(fresh)


@org_view(*FORMERS, programme_id=get_programme_to_form, run_id=get_formation_run)
@require_POST
def move(request: OrgRequest, programme: Programme, found: FormationRun) -> HttpResponse:
    form = MoveForm(request.POST)
    perform_form(
        request,
        form,
        lambda: services.formation_move(
            run=found,
            participant_id=form.cleaned_data["participant"],
            to_set=form.cleaned_data["to_set"],
        ),
        _("Moved. The scores below are up to date."),
        _("Choose a person and a set."),
    )
    return redirect(found)


@org_view(*FORMERS, programme_id=get_programme_to_form, run_id=get_formation_run)
@require_http_methods(["GET", "POST"])
def accept(request: OrgRequest, programme: Programme, found: FormationRun) -> HttpResponse:
    count = len(found.groups or [])
    form = FormationAcceptForm(posted(request), organisation=request.organisation, count=count)
    if save_form(
        request,
        form,
        lambda: services.formation_accept(
            run=found, names=form.names(), facilitators=form.facilitators(), by=request.user
        ),
    ):
        messages.success(
            request, _("%(n)s sets created. Their members have been invited.") % {"n": count}
        )
        return redirect(_after_accept(request, found.programme))
    return render(
        request,
        "formation/accept.html",
        {"run": found, "form": form, "programme": found.programme},
    )


def _after_accept(request: OrgRequest, programme: Programme) -> Programme | Organisation:
    """Managers go to the programme; a facilitator, who has no programme page, goes home."""
    if request.membership.has_role(Role.ADMIN, Role.SPONSOR):
        return programme
    return request.organisation
