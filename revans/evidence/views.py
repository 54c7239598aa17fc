"""The evidence beyond money: answering a survey and a set's result (its members and
facilitators); the survey plan, career outcomes and the baseline (admins, sponsors); the
sponsor's dashboard, its charts, its CSV and the board's PDF (admins and sponsors: figures)."""

from decimal import Decimal

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from revans.accounts.access import OrgRequest, org_view
from revans.accounts.models import Role
from revans.audit import services as audit
from revans.audit.models import Event as AuditEvent
from revans.impact.access import ROI_READERS
from revans.learning.access import CycleAccess
from revans.programmes.access import get_programme
from revans.programmes.models import Programme
from revans.programmes.selectors import people_choices
from revans.web import Cell, perform_form, posted, save_form, write_csv
from revans.writes import kept

from . import reports, selectors, services, surveys
from .access import get_outcome, get_report, get_survey, reads_survey_text
from .dashboard import Dashboard, dashboard, dashboard_key
from .forms import AnswerForm, BaselineForm, OutcomeForm, SurveyPlanForm
from .models import BoardReport, CareerOutcome, Survey

FORM = ["GET", "POST"]
SET_PEOPLE = (Role.PARTICIPANT, Role.FACILITATOR)


@org_view(*SET_PEOPLE, survey_id=get_survey)
@require_http_methods(FORM)
def survey(request: OrgRequest, cycle: CycleAccess, found: Survey) -> HttpResponse:
    """The survey to answer (a current member, while it is open, once), or the set's result."""
    now = timezone.now()
    answered = cycle.me is not None and found.receipts.filter(participant=cycle.me).exists()
    may_answer = cycle.me is not None and found.is_open(now) and not answered
    form = AnswerForm(posted(request) if may_answer else None, survey=found)
    if request.method == "POST" and not may_answer:
        messages.error(
            request,
            _("You have answered this survey already.")
            if answered
            else _("This survey is not open for answers.")
            if cycle.me is not None
            else _("Only the set's members answer its surveys."),
        )
        return redirect("evidence:survey", org=request.organisation.slug, survey_id=found.pk)
    done = save_form(
        request,
        form,
        lambda: (
            surveys.answer(
                survey=found,
                participant=cycle.me,  # type: ignore[arg-type]
                scores=form.scores(),
                recommend=form.cleaned_data.get("recommend"),
                text=form.cleaned_data.get("text") or "",
            )
            or True
        ),
    )
    if done:
        messages.success(request, _("Thank you: your answer is in, kept apart from your name."))
        return redirect("evidence:survey", org=request.organisation.slug, survey_id=found.pk)
    reads_text = reads_survey_text(cycle, found)
    return render(
        request,
        "evidence/survey.html",
        {
            "survey": found,
            "learning_set": cycle.learning_set,
            "form": form if may_answer else None,
            "answered": answered,
            "result": selectors.survey_result(found, reads_text=reads_text),
            "reads_text": reads_text,
            "now": now,
        },
    )


@org_view(*ROI_READERS, programme_id=get_programme)
@require_http_methods(FORM)
def survey_plan(request: OrgRequest, programme: Programme) -> HttpResponse:
    """When the sets are asked (sponsors and admins), and how many have answered each survey."""
    form = SurveyPlanForm(posted(request), instance=surveys.plan_of(programme))
    saved = save_form(
        request,
        form,
        lambda: surveys.plan_save(
            programme=programme,
            **{name: form.cleaned_data[name] for name in SurveyPlanForm.Meta.fields},
        ),
    )
    if saved:
        messages.success(request, _("The survey plan is saved; the next sweep follows it."))
        return redirect(
            "evidence:survey_plan", org=request.organisation.slug, programme_id=programme.pk
        )
    plan = surveys.plan_of(programme)
    return render(
        request,
        "evidence/survey_plan.html",
        {
            "programme": programme,
            "form": form,
            "rounds": surveys.climate_rounds(programme, plan),
            "surveys": selectors.surveys_of(programme),
        },
    )


def _to_outcomes(request: OrgRequest, programme: Programme) -> HttpResponse:
    return redirect("evidence:outcomes", org=request.organisation.slug, programme_id=programme.pk)


@org_view(Role.ADMIN, programme_id=get_programme)
@require_safe
def outcomes(request: OrgRequest, programme: Programme) -> HttpResponse:
    """Career outcomes, person by person (admins record them), and the baseline."""
    return render(
        request,
        "evidence/outcomes.html",
        {
            "programme": programme,
            "outcomes": selectors.outcomes_of(programme),
            "baselines": selectors.baselines_of(programme),
            "form": OutcomeForm(people=people_choices(programme)),
            "baseline_form": BaselineForm(),
        },
    )


@org_view(Role.ADMIN, programme_id=get_programme)
@require_POST
def outcome_add(request: OrgRequest, programme: Programme) -> HttpResponse:
    form = OutcomeForm(request.POST, people=people_choices(programme))

    def add() -> object:
        data = form.cleaned_data
        return services.outcome_add(
            programme=programme,
            participant=programme.organisation.participants.get(pk=data["participant"]),
            kind=data["kind"],
            happened_on=data["happened_on"],
            note=data["note"],
            by=request.user,
        )

    perform_form(request, form, add, _("The outcome is recorded."), None)
    return _to_outcomes(request, programme)


@org_view(Role.ADMIN, programme_id=get_programme, outcome_id=get_outcome)
@require_POST
def outcome_remove(
    request: OrgRequest, programme: Programme, outcome: CareerOutcome | None
) -> HttpResponse:
    if outcome is None:
        messages.info(request, _("That outcome is no longer there."))
    else:
        services.outcome_remove(outcome=outcome)
        messages.success(request, _("The outcome is removed."))
    return _to_outcomes(request, programme)


@org_view(Role.ADMIN, programme_id=get_programme)
@require_POST
def baseline_save(request: OrgRequest, programme: Programme) -> HttpResponse:
    form = BaselineForm(request.POST)
    perform_form(
        request,
        form,
        lambda: services.baseline_save(
            programme=programme, **{n: form.cleaned_data[n] for n in BaselineForm.Meta.fields}
        ),
        _("The baseline is saved."),
        None,
    )
    return _to_outcomes(request, programme)


@org_view(*ROI_READERS, programme_id=get_programme)
@require_safe
def dashboard_page(request: OrgRequest, programme: Programme) -> HttpResponse:
    now = timezone.now()
    key = dashboard_key(programme, now)
    return render(
        request,
        "evidence/dashboard.html",
        {
            "programme": programme,
            # The figures' HTML is kept under their key: they are read only when it is not.
            "figures_key": key,
            "dash": SimpleLazyObject(lambda: dashboard(programme, now, key)),
            "reports": selectors.board_reports_of(programme, request.user),
        },
    )


CHART_LIFE = 60  # seconds a browser keeps a drawn chart
CHARTS = {
    "attendance",
    "follow-through",
    "self-facilitating",
    "climate",
    "usefulness",
    "outcomes",
}


@org_view(*ROI_READERS, programme_id=get_programme)
@require_safe
def chart(request: OrgRequest, programme: Programme, name: str) -> HttpResponse:
    """One of the dashboard's charts. The page asks for all of them at once, so the first
    request draws every chart and keeps them for the rest, under the figures' own key (they are
    figures that have passed suppression, the same for every reader of the programme's figures,
    and like them never read on two days from one computation)."""
    if name not in CHARTS:
        return HttpResponse(status=404)
    now = timezone.now()
    key = dashboard_key(programme, now)
    drawn = kept(f"charts:{key}", lambda: reports.drawings(dashboard(programme, now, key)))
    response = HttpResponse(drawn[name], content_type="image/svg+xml")
    response["Cache-Control"] = f"private, max-age={CHART_LIFE}"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def csv_rows(found: Dashboard) -> list[list[Cell]]:
    """Every figure on the dashboard, as it may be shown, one a line (numbers as numbers)."""

    def shown(cell: object) -> tuple[Cell, str]:
        if getattr(cell, "empty", False):
            return "", "none yet"
        if getattr(cell, "hidden", False):
            return "", f"not shown: {getattr(cell, 'reason', '')}"
        value = getattr(cell, "value", "")
        return (value if isinstance(value, int | Decimal) else str(value)), ""

    def interval(rate: object) -> str:
        if rate is None:
            return ""
        value, low, high = (100 * getattr(rate, n) for n in ("value", "low", "high"))
        return f"{value:.1f} ({low:.1f} to {high:.1f})"

    rows: list[list[Cell]] = []
    for s in found.all_series:
        for point in [*s.table, s.whole]:
            note = f"not shown: {point['reason']}" if point["reason"] else ""
            number = Decimal(str(point["number"])) if point["number"] != "" else ""
            count = point["count"] if isinstance(point["count"], int) else str(point["count"])
            rows.append([s.title, s.measure, str(point["period"]), number, count, note])
    for line in found.outcomes:
        value, note = shown(line.cell)
        people = line.people
        rows.append([line.label, "people it happened to", "programme", value, people, note])
        rows.append([line.label, "% (95 % interval)", "programme", interval(line.rate), "", ""])
        rows.append([line.label, "% (95 % interval)", "baseline", interval(line.baseline), "", ""])
        rows.append([line.label, "compared", "", "", "", line.sentence])
    value, note = shown(found.participants)
    rows.append(["Participants", "people in the programme's sets", "programme", value, "", note])
    roi = found.roi
    for label, measure, cell in (
        ("Adjusted benefits, first year", roi.currency, roi.benefits),
        ("Fully loaded costs", roi.currency, roi.costs_total),
        ("Benefit-cost ratio", "benefits for each unit of cost", roi.bcr),
        ("ROI %", "net benefits as % of costs", roi.roi_percent),
    ):
        value, note = shown(cell)
        rows.append([label, measure, "programme", value, "", note])
    return rows


@org_view(*ROI_READERS, programme_id=get_programme)
@require_safe
def dashboard_csv(request: OrgRequest, programme: Programme) -> HttpResponse:
    headers = ["figure", "measure", "period", "value", "observations", "note"]
    body = write_csv(headers, csv_rows(dashboard(programme)))
    audit.record(
        AuditEvent.EXPORTED,
        organisation=request.organisation,
        target=audit.target(programme),
        detail={"file": "dashboard.csv"},
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dashboard-{programme.pk}.csv"'
    return response


@org_view(*ROI_READERS, programme_id=get_programme)
@require_POST
def board_report_new(request: OrgRequest, programme: Programme) -> HttpResponse:
    found, made = services.report_request(programme=programme, user=request.user)
    if not made:
        messages.info(request, _("That report is being built already; it is below."))
    return redirect("evidence:board_report", org=request.organisation.slug, report_id=found.pk)


@org_view(*ROI_READERS, report_id=get_report)
@require_safe
def board_report(request: OrgRequest, found: BoardReport) -> HttpResponse:
    """The report's progress (polled while it is built), then its download link."""
    template = (
        "evidence/_board_report_status.html"
        if "fragment" in request.GET
        else "evidence/board_report_status.html"
    )
    return render(
        request, template, {"report": found, "programme": found.programme, "now": timezone.now()}
    )


@org_view(*ROI_READERS, report_id=get_report)
@require_safe
def board_report_download(request: OrgRequest, found: BoardReport) -> HttpResponse:
    now = timezone.now()
    if found.status != BoardReport.Status.READY or not found.content:
        return render(request, "evidence/board_report_status.html", {"report": found, "now": now})
    if found.expires_at is None or found.expires_at <= now:
        response = render(
            request,
            "evidence/board_report_status.html",
            {"report": found, "now": now, "expired": True},
            status=410,
        )
        return response
    audit.record(
        AuditEvent.REPORT_DOWNLOADED,
        organisation=request.organisation,
        target=audit.target(found),
    )
    response = HttpResponse(bytes(found.content), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="board-report-{found.programme_id}-{found.created_at:%Y%m%d}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
