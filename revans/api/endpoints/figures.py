"""The sponsor's figures (admins and sponsors, as on the pages): the dashboard and the ROI, each
from its page's own selector (`evidence.dashboard.dashboard`, `impact.selectors.roi`), so with
the very suppression the pages apply and nothing they do not show; and the board's reports a
person asked for. Never a row about a person.

Numbers: a count is an integer; every other figure (money, a ratio, a rate, a mean) is a decimal
in a string ("1234.50", "41.7"), at the precision the page and its CSV show. A figure that is not
shown is null, beside the reason ("none yet", or what showing it would single out).
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Schema

from revans.accounts.access import require_role
from revans.domain import privacy
from revans.domain.climate import Rate
from revans.evidence import selectors
from revans.evidence.access import get_report
from revans.evidence.dashboard import Dashboard, OutcomeLine, Series, dashboard
from revans.evidence.models import BoardReport
from revans.impact.access import ROI_READERS
from revans.impact.selectors import Roi, roi
from revans.programmes.access import get_programme

from ..api import api
from .common import READ, asks_only, org_of, tagged

Number = Annotated[
    str,
    Field(
        pattern=r"^-?[0-9]+(\.[0-9]+)?$",
        description="A decimal, as a string, at the precision the page shows.",
        examples=["1234.50"],
    ),
]


class Amount(Schema):
    """A figure as the page shows it; null when it is not shown, and `reason` says why."""

    value: Number | None
    reason: str | None


class Count(Schema):
    """A count as the page shows it; null when it is not shown, and `reason` says why."""

    value: int | None
    reason: str | None


class Point(Schema):
    """One period of a series: its value (a percentage to one place, or a mean to two) and how
    many observations it is drawn from, or nulls and the reason (too few people; still under
    way, so that a figure once shown never moves)."""

    period: str
    value: Number | None
    observations: int | None
    reason: str | None


class SeriesOut(Schema):
    name: str
    title: str
    measure: str
    unit: Literal["percent", "mean"]
    summary: str
    points: list[Point]
    whole: Point = Field(description="All the periods shown, and only those.")


class Interval(Schema):
    """A rate in per cent with its 95 % Wilson interval."""

    value: Number
    low: Number
    high: Number


class OutcomeOut(Schema):
    kind: str
    label: str
    happened_to: Count
    of: int | None = Field(description="The people on the programme, when the rate is shown.")
    rate: Interval | None
    baseline: Interval | None
    baseline_text: str
    sentence: str


class Money(Schema):
    """Did it pay: the ROI's headline, as the dashboard and the ROI page show it."""

    currency: str
    benefits: Amount = Field(description="Adjusted benefits, first year.")
    costs: Amount = Field(description="Fully loaded costs.")
    bcr: Amount = Field(description="Benefit-cost ratio (benefits for each unit of cost).")
    roi_percent: Amount
    basis: str
    release_note: str
    claims_as_of: datetime | None


class DashboardOut(Schema):
    programme: int
    k: int = Field(description="No figure here is drawn from fewer people than this.")
    participants: Count
    money: Money
    series: list[SeriesOut]
    outcomes: list[OutcomeOut]


class Line(Schema):
    label: str
    value: Amount


class Group(Schema):
    """Claims that went the same way through the calculation."""

    label: str
    claims: Count
    claimed: Amount
    counted: Amount


class RoiOut(Schema):
    programme: int
    k: int = Field(description="No figure here is drawn from fewer people than this.")
    money: Money
    claims: Count
    claimed: Amount = Field(description="Every annual value as claimed, before anything.")
    rule: str
    groups: list[Group]
    adjustments: list[Line] = Field(description="The counted claims, adjustment by adjustment.")
    costs: list[Line]
    costs_missing: str = Field(description="Why the costs cannot be worked out, or empty.")
    by_kind: list[Line]
    by_set: list[Line]
    intangibles: list[str]


class BoardReportOut(Schema):
    id: UUID
    programme: int
    status: Literal["waiting", "building", "ready", "failed"]
    progress: int = Field(description="Per cent.")
    step: str
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime | None
    download: str | None = Field(
        description="The PDF on the site, for the person who asked, signed in (no token opens "
        "it); null until it is ready, and once its link has expired."
    )
    url: str


class BoardReportList(Schema):
    items: list[BoardReportOut]


def _decimal(value: Decimal | int) -> str:
    return format(Decimal(value), "f")


def _amount(cell: privacy.Cell) -> dict[str, Any]:
    if isinstance(cell, privacy.Shown):
        return {"value": _decimal(cell.value), "reason": None}
    return {"value": None, "reason": cell.reason}


def _count(cell: privacy.Cell) -> dict[str, Any]:
    if isinstance(cell, privacy.Shown):
        return {"value": int(cell.value), "reason": None}
    return {"value": None, "reason": cell.reason}


def _point(line: dict[str, Any]) -> dict[str, Any]:
    """A row of the page's table (`Series.line`), as the page rounds it."""
    hidden = bool(line["reason"])
    return {
        "period": line["period"],
        "value": None if hidden else line["number"],
        "observations": None if hidden else line["count"],
        "reason": line["reason"] or None,
    }


def _series(s: Series) -> dict[str, Any]:
    return {
        "name": s.name,
        "title": s.title,
        "measure": s.measure,
        "unit": "percent" if s.percent else "mean",
        "summary": s.summary,
        "points": [_point(line) for line in s.table],
        "whole": _point(s.whole),
    }


def _interval(rate: Rate | None) -> dict[str, str] | None:
    if rate is None:
        return None
    return {n: f"{100 * getattr(rate, n):.1f}" for n in ("value", "low", "high")}


def _outcome(line: OutcomeLine) -> dict[str, Any]:
    return {
        "kind": line.kind,
        "label": line.label,
        "happened_to": _count(line.cell),
        "of": None if line.cell.hidden else line.people,
        "rate": _interval(line.rate),
        "baseline": _interval(line.baseline),
        "baseline_text": line.baseline_text,
        "sentence": line.sentence,
    }


def _money(found: Roi) -> dict[str, Any]:
    return {
        "currency": found.currency,
        "benefits": _amount(found.benefits),
        "costs": _amount(found.costs_total),
        "bcr": _amount(found.bcr),
        "roi_percent": _amount(found.roi_percent),
        "basis": str(found.basis),
        "release_note": str(found.release_note),
        "claims_as_of": found.released_at,
    }


def _dashboard(found: Dashboard) -> dict[str, Any]:
    return {
        "programme": found.programme.pk,
        "k": found.k,
        "participants": _count(found.participants),
        "money": _money(found.roi),
        "series": [_series(s) for s in found.all_series],
        "outcomes": [_outcome(line) for line in found.outcomes],
    }


def _lines(cells: list[tuple[str, privacy.Cell]]) -> list[dict[str, Any]]:
    return [{"label": label, "value": _amount(cell)} for label, cell in cells]


def _roi(found: Roi, programme_id: int) -> dict[str, Any]:
    return {
        "programme": programme_id,
        "k": found.k,
        "money": _money(found),
        "claims": _count(found.made),
        "claimed": _amount(found.claimed),
        "rule": found.rule_text,
        "groups": [
            {
                "label": g.label,
                "claims": _count(g.claims),
                "claimed": _amount(g.claimed),
                "counted": _amount(g.counted),
            }
            for g in found.groups
        ],
        "adjustments": _lines(found.chain),
        "costs": _lines(found.costs.shown_lines),
        "costs_missing": str(found.costs.missing),
        "by_kind": _lines(list(found.by_category.items())),
        "by_set": _lines(list(found.by_set.items())),
        "intangibles": found.intangibles,
    }


def _report(report: BoardReport, slug: str) -> dict[str, Any]:
    live = (
        report.status == BoardReport.Status.READY
        and report.expires_at is not None
        and report.expires_at > timezone.now()
    )
    return {
        "id": report.pk,
        "programme": report.programme_id,
        "status": report.status,
        "progress": report.progress,
        "step": report.step,
        "created_at": report.created_at,
        "finished_at": report.finished_at,
        "expires_at": report.expires_at,
        "download": reverse(
            "evidence:board_report_download", kwargs={"org": slug, "report_id": report.pk}
        )
        if live
        else None,
        "url": f"/api/v1/board-reports/{report.pk}",
    }


@api.get(
    "/programmes/{programme_id}/dashboard",
    response={200: DashboardOut, **READ},
    tags=["figures"],
)
@asks_only()
def programme_dashboard(request: HttpRequest, response: HttpResponse, programme_id: int) -> Any:
    """The sponsor's dashboard (admins and sponsors), every figure as its page shows it: each
    series period by period, a period not shown as nulls with the reason; career outcomes
    beside the baseline; the ROI's headline."""
    programme = get_programme(org_of(request), programme_id, ROI_READERS)
    return tagged(request, response, _dashboard(dashboard(programme)))


@api.get("/programmes/{programme_id}/roi", response={200: RoiOut, **READ}, tags=["figures"])
@asks_only()
def programme_roi(request: HttpRequest, response: HttpResponse, programme_id: int) -> Any:
    """The ROI and its working (admins and sponsors), as its page shows them: claims in groups,
    never one by one, and a figure withheld where the page withholds it."""
    programme = get_programme(org_of(request), programme_id, ROI_READERS)
    return tagged(request, response, _roi(roi(programme), programme.pk))


@api.get(
    "/programmes/{programme_id}/board-reports",
    response={200: BoardReportList, **READ},
    tags=["figures"],
)
@asks_only()
def board_reports(request: HttpRequest, response: HttpResponse, programme_id: int) -> Any:
    """The last three board reports the token's person asked for (admins and sponsors); the PDF
    is made and downloaded on the dashboard's page."""
    org = org_of(request)
    programme = get_programme(org, programme_id, ROI_READERS)
    found = selectors.board_reports_of(programme, org.user)
    data = {"items": [_report(r, org.organisation.slug) for r in found]}
    return tagged(request, response, data)


@api.get("/board-reports/{report_id}", response={200: BoardReportOut, **READ}, tags=["figures"])
@asks_only()
def board_report(request: HttpRequest, response: HttpResponse, report_id: UUID) -> Any:
    """A board report's progress, for the person who asked for it (admins and sponsors)."""
    org = org_of(request)
    require_role(org.membership, *ROI_READERS)  # as the page: the role first, then the report
    return tagged(request, response, _report(get_report(org, report_id), org.organisation.slug))
