"""The facilitator's set-formation tool: ask, watch the search, adjust by hand, accept."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from revans.accounts.access import OrgRequest, org_view
from revans.web import posted, report, save_form

from . import selectors, services
from .access import FORMERS, get_formation_run, get_programme
from .formation import build, score
from .forms import FormationAcceptForm, FormationForm, MoveForm
from .models import FormationRun


@org_view(*FORMERS)
@require_http_methods(["GET", "POST"])
def formation_new(request: OrgRequest, programme_id: int) -> HttpResponse:
    programme = get_programme(request, programme_id, FORMERS)
    unplaced_only = request.method == "GET" or bool(request.POST.get("unplaced_only"))
    people = list(
        selectors.unplaced_participants(programme)
        if unplaced_only
        else programme.organisation.participants.all()
    )
    form = FormationForm(posted(request), programme=programme, people=people)
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
        return _back(request, run)
    runs = programme.formation_runs.all()[:10]
    return render(
        request,
        "programmes/formation_new.html",
        {"programme": programme, "form": form, "pool_size": len(people), "runs": runs},
    )


@org_view(*FORMERS)
@require_safe
def formation_run(request: OrgRequest, programme_id: int, run_id: int) -> HttpResponse:
    run = get_formation_run(request, programme_id, run_id)
    context: dict[str, object] = {"run": run, "programme": run.programme}
    if run.groups:
        built = build(run.programme, run.inputs)
        scores = score(built, run.groups, run.inputs)
        total = sum(s.total for s in scores)
        context.update(
            scores=scores,
            total=total,
            attribute_names=[a.name for a in built.attributes],
            gain=(total - run.random_objective) / abs(run.random_objective) * 100
            if run.random_objective
            else None,
            set_numbers=range(1, len(scores) + 1),
            editable=run.status in (FormationRun.Status.DONE, FormationRun.Status.CANCELLED),
        )
    return render(request, "programmes/formation_run.html", context)


def _back(request: OrgRequest, run: FormationRun) -> HttpResponse:
    return redirect(
        "formation_run", org=request.organisation.slug, programme_id=run.programme_id, run_id=run.pk
    )


@org_view(*FORMERS)
@require_POST
def formation_cancel(request: OrgRequest, programme_id: int, run_id: int) -> HttpResponse:
    run = get_formation_run(request, programme_id, run_id)
    report(
        request,
        lambda: services.formation_run_cancel(run=run),
        _("Stopping. The best proposal found so far is kept."),
    )
    return _back(request, run)


@org_view(*FORMERS)
@require_POST
def formation_move(request: OrgRequest, programme_id: int, run_id: int) -> HttpResponse:
    run = get_formation_run(request, programme_id, run_id)
    form = MoveForm(request.POST)
    if form.is_valid():
        report(
            request,
            lambda: services.formation_move(
                run=run,
                participant_id=form.cleaned_data["participant"],
                to_set=form.cleaned_data["to_set"],
            ),
            _("Moved. The scores below are up to date."),
        )
    else:
        messages.error(request, _("Choose a person and a set."))
    return _back(request, run)


@org_view(*FORMERS)
@require_http_methods(["GET", "POST"])
def formation_accept(request: OrgRequest, programme_id: int, run_id: int) -> HttpResponse:
    run = get_formation_run(request, programme_id, run_id)
    count = len(run.groups or [])
    form = FormationAcceptForm(posted(request), organisation=request.organisation, count=count)
    if save_form(
        request,
        form,
        lambda: services.formation_accept(
            run=run, names=form.names(), facilitators=form.facilitators(), by=request.user
        ),
    ):
        messages.success(
            request, _("%(n)s sets created. Their members have been invited.") % {"n": count}
        )
        return redirect(run.programme)
    return render(
        request,
        "programmes/formation_accept.html",
        {"run": run, "form": form, "programme": run.programme},
    )
