"""The impact pages: a programme's costs, the claims to verify, the ROI with its working and its
CSV (admins and sponsors: figures); a claim, its file and the form to make one (its owner,
the set's facilitators, sponsors: as `access` and the confidentiality table allow)."""

from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from revans.accounts.access import OrgRequest, org_view
from revans.accounts.models import Role
from revans.audit import services as audit
from revans.audit.models import Event as AuditEvent
from revans.domain.confidentiality import Kind
from revans.domain.roi import PRINCIPLES
from revans.learning.access import CycleAccess
from revans.learning.models import Challenge
from revans.programmes.access import get_programme
from revans.programmes.models import Programme
from revans.programmes.selectors import people_choices
from revans.web import Cell, perform, perform_form, posted, save_form, write_csv

from . import selectors, services
from .access import (
    CLAIM_READERS,
    ROI_READERS,
    ClaimAccess,
    edits,
    get_claim,
    get_claim_to_decide,
    get_claim_to_edit,
    get_claimable,
    get_cost,
    get_rate,
)
from .forms import ClaimForm, CostForm, DecisionForm, RateForm, SettingsForm
from .models import CostItem, HourlyRate

FORM = ["GET", "POST"]


def _to_costs(request: OrgRequest, programme: Programme) -> HttpResponse:
    return redirect("impact:costs", org=request.organisation.slug, programme_id=programme.pk)


@org_view(*ROI_READERS, programme_id=get_programme)
@require_safe
def costs(request: OrgRequest, programme: Programme) -> HttpResponse:
    return render(
        request,
        "impact/costs.html",
        {
            "programme": programme,
            "costs": selectors.costs(programme),
            "rates": selectors.rates_of(programme),
            "cost_form": CostForm(),
            "rate_form": RateForm(people=people_choices(programme)),
            "settings_form": SettingsForm(instance=selectors.settings_or_default(programme)),
        },
    )


@org_view(*ROI_READERS, programme_id=get_programme)
@require_POST
def cost_add(request: OrgRequest, programme: Programme) -> HttpResponse:
    form = CostForm(request.POST)
    perform_form(
        request,
        form,
        lambda: services.cost_add(programme=programme, by=request.user, **form.cleaned_data),
        _("The cost is recorded."),
        _("A cost needs its kind, a date and an amount of at least 0.01."),
    )
    return _to_costs(request, programme)


@org_view(*ROI_READERS, programme_id=get_programme, cost_id=get_cost)
@require_POST
def cost_remove(request: OrgRequest, programme: Programme, cost: CostItem | None) -> HttpResponse:
    if cost is None:  # removed already (a second click, another tab)
        messages.info(request, _("That cost line is no longer there."))
    else:
        perform(request, lambda: services.cost_remove(cost=cost), _("The cost is removed."))
    return _to_costs(request, programme)


@org_view(*ROI_READERS, programme_id=get_programme)
@require_POST
def rate_set(request: OrgRequest, programme: Programme) -> HttpResponse:
    people = dict(people_choices(programme))
    form = RateForm(request.POST, people=list(people.items()))

    def change() -> object:
        chosen = form.cleaned_data["participant"]
        return services.rate_set(
            programme=programme,
            rate=form.cleaned_data["rate"],
            job_level=form.cleaned_data["job_level"],
            participant=programme.organisation.participants.get(pk=chosen) if chosen else None,
        )

    perform_form(
        request,
        form,
        change,
        _("The rate is set."),
        _("A rate is an amount an hour from 0.01 to 100,000."),
    )
    return _to_costs(request, programme)


@org_view(*ROI_READERS, programme_id=get_programme, rate_id=get_rate)
@require_POST
def rate_remove(request: OrgRequest, programme: Programme, rate: HourlyRate | None) -> HttpResponse:
    if rate is None:
        messages.info(request, _("That rate is no longer there."))
    else:
        perform(request, lambda: services.rate_remove(rate=rate), _("The rate is removed."))
    return _to_costs(request, programme)


@org_view(*ROI_READERS, programme_id=get_programme)
@require_POST
def settings(request: OrgRequest, programme: Programme) -> HttpResponse:
    form = SettingsForm(request.POST, instance=services.settings_of(programme))
    perform_form(
        request,
        form,
        lambda: services.settings_save(
            programme=programme,
            rule=form.cleaned_data["extreme_rule"],
            value=form.cleaned_data["extreme_value"],
            intangibles=form.cleaned_data["intangibles"],
        ),
        _("The ROI settings are saved."),
        _("Choose a rule for extreme claims with a number from 1, and at most 2,000 characters."),
    )
    return _to_costs(request, programme)


@org_view(*ROI_READERS, programme_id=get_programme)
@require_safe
def roi(request: OrgRequest, programme: Programme) -> HttpResponse:
    key = selectors.figures_key(programme, timezone.now())
    return render(
        request,
        "impact/roi.html",
        {
            "programme": programme,
            # The figures' HTML is kept under their key: they are read only when it is not.
            "figures_key": key,
            "roi": SimpleLazyObject(lambda: selectors.roi(programme, key)),
            "principles": PRINCIPLES,
        },
    )


def _shown(cell: object) -> Cell:
    """A suppressed figure's reason, or the figure (a number stays a number)."""
    if getattr(cell, "empty", False):
        return "none yet"
    if getattr(cell, "hidden", False):
        return f"not shown: {getattr(cell, 'reason', '')}"
    value = getattr(cell, "value", "")
    return value if isinstance(value, int | Decimal) else str(value)


CSV_HEADERS = ["line", "item", "claims", "claimed a year", "counted", "note"]


@org_view(*ROI_READERS, programme_id=get_programme)
@require_safe
def roi_csv(request: OrgRequest, programme: Programme) -> HttpResponse:
    """The ROI page's lines, for a spreadsheet: the same figures, suppressed the same way."""
    found = selectors.roi(programme)
    audit.record(
        AuditEvent.EXPORTED,
        organisation=request.organisation,
        target=audit.target(programme),
        detail={"file": "roi.csv"},
    )
    rows: list[list[Cell]] = []

    def row(
        line: str,
        item: str,
        *,
        claims: Cell = "",
        claimed: Cell = "",
        counted: Cell = "",
        note: str = "",
    ) -> None:
        rows.append([line, item, claims, claimed, counted, note])

    for group in found.groups:
        row(
            "claims",
            group.label,
            claims=_shown(group.claims),
            claimed=_shown(group.claimed),
            counted=_shown(group.counted),
        )
    for label, cell in found.chain:
        row("adjustment", label, counted=_shown(cell))
    for label, cell in found.costs.shown_lines:
        row("cost", label, counted=_shown(cell))
    for name, cell in found.by_category.items():
        row("by kind of benefit", name, counted=_shown(cell))
    for name, cell in found.by_set.items():
        row("by set", name, counted=_shown(cell))
    row("total", "claimed a year, before anything", claimed=_shown(found.claimed))
    row("total", "adjusted benefits, first year", counted=_shown(found.benefits))
    row("total", "fully loaded costs", counted=_shown(found.costs_total))
    row("ratio", "benefit-cost ratio", counted=_shown(found.bcr))
    row("ratio", "ROI %", counted=_shown(found.roi_percent))
    row("basis", found.basis)
    row("claims counted", found.release_note)
    row("rule", found.report.rule.describe(found.currency))
    for name in found.intangibles:
        row("intangible", name, note="listed, never given a money value")
    headers = [*CSV_HEADERS[:3], f"claimed a year ({found.currency})", *CSV_HEADERS[4:]]
    body = write_csv(headers, rows)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roi-{programme.pk}.csv"'
    return response


@org_view(Role.SPONSOR, programme_id=get_programme)
@require_safe
def claims(request: OrgRequest, programme: Programme) -> HttpResponse:
    """The claims to verify: their numbers and files; the words only where the owner shared them."""
    return render(
        request,
        "impact/claims.html",
        {"programme": programme, "claims": selectors.claims_to_decide(programme)},
    )


def _actions(challenge: Challenge) -> list[tuple[int, str]]:
    return [(a.pk, a.text[:80]) for a in challenge.actions.order_by("created_at")]


@org_view(*CLAIM_READERS, challenge_id=get_claimable)
@require_http_methods(FORM)
def claim_new(request: OrgRequest, cycle: CycleAccess, challenge: Challenge) -> HttpResponse:
    """A benefit claimed on a challenge, by its owner or a facilitator on their behalf."""
    programme = challenge.learning_set.programme
    form = ClaimForm(
        posted(request),
        request.FILES or None,
        actions=_actions(challenge),
        initial={"currency": programme.currency, "action": request.GET.get("action")},
    )
    made = save_form(
        request,
        form,
        lambda: services.claim_create(
            challenge=challenge,
            action=challenge.actions.filter(pk=form.cleaned_data["action"]).first(),
            by=request.user,
            submission=form.cleaned_data["submission"] or form.initial["submission"],
            fields=form.fields_for_service(),
            currency=form.cleaned_data["currency"],
            file=form.upload(),
        ),
    )
    if made:
        messages.success(request, _("The claim is recorded. The sponsor will verify it."))
        return redirect("impact:claim", org=request.organisation.slug, claim_id=made.pk)
    return render(
        request,
        "impact/claim_new.html",
        {
            "challenge": challenge,
            "form": form,
            "claims": selectors.claims_on(challenge.pk),
            "programme": programme,
        },
    )


def _claim_page(
    request: OrgRequest, access: ClaimAccess, form: ClaimForm | None = None
) -> HttpResponse:
    claim = access.claim
    if edits(access) and form is None:
        form = ClaimForm(
            actions=_actions(claim.challenge),
            initial={
                "version": claim.version,
                "action": claim.action_id,
                "currency": claim.currency,
                **{name: getattr(claim, name) for name in services.FIELDS},
            },
        )
    return render(
        request,
        "impact/claim.html",
        {
            "claim": claim,
            "access": access,
            "reads_description": access.reads_description,
            "reads_challenge": access.is_owner or access.is_facilitator,
            "claim_file": selectors.claim_file(claim, content=False)
            if access.reads(Kind.CLAIM_FILE)
            else None,
            "form": form if edits(access) else None,
            "decision": DecisionForm(initial={"version": claim.version})
            if access.decides
            else None,
        },
    )


@org_view(*CLAIM_READERS, claim_id=get_claim)
@require_safe
def claim(request: OrgRequest, access: ClaimAccess) -> HttpResponse:
    return _claim_page(request, access)


@org_view(*CLAIM_READERS, claim_id=get_claim_to_edit)
@require_POST
def claim_edit(request: OrgRequest, access: ClaimAccess) -> HttpResponse:
    claim = access.claim
    form = ClaimForm(request.POST, request.FILES or None, actions=_actions(claim.challenge))
    saved = save_form(
        request,
        form,
        lambda: services.claim_update(
            claim=claim,
            action=claim.challenge.actions.filter(pk=form.cleaned_data["action"]).first(),
            by=request.user,
            version=form.cleaned_data["version"] or 0,
            fields=form.fields_for_service(),
            currency=form.cleaned_data["currency"],
            file=form.upload(),
            remove_file=form.cleaned_data["remove_file"],
        ),
    )
    if saved:
        messages.success(request, _("The claim is saved; the sponsor will look at it again."))
        return redirect("impact:claim", org=request.organisation.slug, claim_id=claim.pk)
    return _claim_page(request, access, form)


@org_view(Role.SPONSOR, claim_id=get_claim_to_decide)
@require_POST
def claim_decide(request: OrgRequest, access: ClaimAccess) -> HttpResponse:
    form = DecisionForm(request.POST)
    verified = request.POST.get("decision") == "verify"
    perform_form(
        request,
        form,
        lambda: services.claim_decide(
            claim=access.claim,
            by=request.user,
            version=form.cleaned_data["version"],
            verified=verified,
            reason=form.cleaned_data["reason"],
        ),
        _("The claim is verified.") if verified else _("The claim is rejected."),
        _("Choose to verify or reject."),
    )
    return redirect("impact:claim", org=request.organisation.slug, claim_id=access.claim.pk)


@org_view(*CLAIM_READERS, claim_id=get_claim)
@require_safe
def claim_file(request: OrgRequest, access: ClaimAccess) -> HttpResponse:
    """The file, to download (never shown inline: a browser must not run what it holds)."""
    if not access.reads(Kind.CLAIM_FILE):
        raise Http404
    found = selectors.claim_file(access.claim)
    if found is None:
        raise Http404
    response = HttpResponse(bytes(found.content), content_type=found.content_type)
    safe = "".join(ch for ch in found.name if ch.isalnum() or ch in "._- ")[:100] or "evidence"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
