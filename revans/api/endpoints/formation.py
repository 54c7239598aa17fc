"""Forming a programme's sets: its runs, read, started, stopped and accepted by whoever may form
them on the pages (its admins and sponsors, and the facilitators it names), through formation's
own access helpers, forms and services. A body is turned into the page's form, so the page's
rules judge it; people are named by email, as on the page, and proposals by participant id."""

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.forms import BaseForm
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Schema, Status
from ninja.errors import HttpError

from revans.accounts.access import OrgRequest
from revans.domain.formation.diversity import Prefer
from revans.formation import selectors, services
from revans.formation.access import get_formation_run_by_id, get_programme_to_form
from revans.formation.forms import (
    FREE,
    POOLS,
    FormationAcceptForm,
    FormationForm,
    people_to_form,
)
from revans.formation.inputs import WEIGHTS
from revans.formation.models import FormationRun
from revans.formation.proposal import attribute_fields
from revans.programmes.models import Programme
from revans.programmes.selectors import facilitator_choices

from .. import cursor
from ..api import api
from .common import PAGE, READ, WRITE, Body, PageQuery, asks_only, check_if_match, org_of, tagged
from .programmes import SetOut, set_data

TAGS = ["formation"]
PAGE_FORM = FormationForm.base_fields

# An email as a line of the page's form holds it: none of its separators (line breaks, commas,
# semicolons), nor spaces or control characters; the form then looks it up in the pool.
Email = Annotated[str, Field(max_length=254, pattern=r"^[^\x00-\x20\x7f\x85\u2028\u2029,;]+$")]


def _as_on_the_page(name: str, description: str | None = None) -> Any:
    """A number within the page form's own limits, defaulting to its initial value (if any):
    the schema shows them, the form still judges."""
    field = PAGE_FORM[name]
    default = ... if field.initial is None else field.initial
    return Field(
        default,
        ge=getattr(field, "min_value", None),
        le=getattr(field, "max_value", None),
        description=description,
    )


class Weight(Body):
    weight: int = Field(ge=min(WEIGHTS), le=max(WEIGHTS), description="0 ignores the attribute.")
    prefer: Prefer = Prefer.DIFFERENT


class Pin(Body):
    email: Email
    set: int = Field(ge=1, description="A proposed set, numbered from 1.")


class RunIn(Body):
    """What the page's form asks; the form judges it (pairs and pins count as its lines)."""

    pool: str = Field(
        FREE,
        description="`free` (in no current set of a running programme), `unplaced` (in no set "
        "of this programme) or `everyone`.",
        json_schema_extra={"enum": [choice for choice, _label in POOLS]},
    )
    departments: list[str] = Field([], description="Only these departments (none: all).")
    sets: int = _as_on_the_page("sets")
    lower: int = _as_on_the_page("lower", "The smallest set.")
    upper: int = _as_on_the_page("upper", "The largest set.")
    attributes: dict[str, Weight] = Field(
        {},
        description="By the pool's attributes (`department`, `site`, `job_level`, `attr:<key>`); "
        "one left out counts 1, different.",
    )
    avoid_repeats: bool = PAGE_FORM["avoid_repeats"].initial
    isolation: str = Field("", description="An attribute nobody should be alone in a set by.")
    apart: list[Annotated[list[Email], Field(min_length=2, max_length=2)]] = []
    together: list[Annotated[list[Email], Field(min_length=2, max_length=2)]] = []
    pinned: list[Pin] = []
    seconds: int = _as_on_the_page("seconds", "How long to search.")
    seed: int = _as_on_the_page("seed")


class SetToMake(Body):
    name: str
    facilitator: Email = Field(description="The email of a facilitator of the organisation.")


class AcceptIn(Body):
    sets: list[SetToMake] = Field(description="A name and a facilitator for each proposed set.")


class ProposedSet(Schema):
    number: int
    participants: list[int]
    diversity: float
    by_attribute: dict[str, float]


class RunSummary(Schema):
    id: int
    programme: int
    status: FormationRun.Status
    progress: float
    cancel_requested: bool
    seed: int
    seconds: int
    solver_version: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    accepted_at: datetime | None
    problems: list[str]


class RunOut(RunSummary):
    acceptable: bool
    total_diversity: float | None
    random_split: float | None
    gain_over_chance: float | None = Field(description="In percent.")
    sets: list[ProposedSet] | None


class RunPage(Schema):
    items: list[RunSummary]
    next: int | None


class Accepted(Schema):
    run: int
    sets: list[SetOut]


def _summary(run: FormationRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "programme": run.programme_id,
        "status": run.status,
        "progress": run.progress,
        "cancel_requested": run.cancel_requested,
        "seed": run.seed,
        "seconds": run.seconds,
        "solver_version": run.solver_version,
        "created_at": run.created_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "accepted_at": run.accepted_at,
        "problems": list(run.problems),
    }


def _run(run: FormationRun) -> dict[str, Any]:
    """The run as its page shows it: the proposal's figures and its sets, once there is one."""
    page = selectors.proposal_page(run)
    sets = [
        {
            "number": shown.number,
            "participants": list(group),
            "diversity": shown.total,
            "by_attribute": shown.by_attribute,
        }
        for shown, group in zip(page.get("scores", []), run.groups or [], strict=True)
    ]
    return _summary(run) | {
        "acceptable": run.is_editable,
        "total_diversity": page.get("total"),
        "random_split": run.random_objective if page else None,
        "gain_over_chance": page.get("gain"),
        "sets": sets if page else None,
    }


def _invalid(errors: ErrorDict, names: dict[str, str]) -> HttpError:
    """A form's errors as a 422, each after the body's name for its field."""
    said = "; ".join(
        " ".join(map(str, problems))
        if field == NON_FIELD_ERRORS
        else f"{names.get(field, field)}: {' '.join(map(str, problems))}"
        for field, problems in errors.items()
    )
    return HttpError(422, said[:1000])


def _valid(form: BaseForm, names: dict[str, str]) -> None:
    if not form.is_valid():
        raise _invalid(form.errors, names)


def _lines(rows: list[list[Any]]) -> str:
    return "\n".join(", ".join(str(part) for part in row) for row in rows)


def _run_form(body: RunIn, programme: Programme) -> tuple[FormationForm, dict[str, str]]:
    """The page's form, filled from the body, and the body's names for the form's fields."""
    people = people_to_form(programme, body.pool)
    attributes = attribute_fields(people)  # as the form offers them
    unknown = sorted(set(body.attributes) - set(attributes))
    if unknown:
        known = ", ".join(attributes)
        raise HttpError(422, f"attributes: the pool has no {', '.join(unknown)} (it has {known}).")
    data: dict[str, Any] = {
        "pool": body.pool,
        "departments": body.departments,
        "sets": body.sets,
        "lower": body.lower,
        "upper": body.upper,
        "isolation": body.isolation,
        "apart": _lines(body.apart),
        "together": _lines(body.together),
        "pinned": _lines([[pin.email, pin.set] for pin in body.pinned]),
        "seconds": body.seconds,
        "seed": body.seed,
    }
    if body.avoid_repeats:
        data["avoid_repeats"] = "on"
    names = {}
    for name in attributes:
        key = name.replace(":", "__")
        names[f"weight_{key}"] = f"attributes.{name}.weight"
        names[f"prefer_{key}"] = f"attributes.{name}.prefer"
        if name in body.attributes:
            data[f"weight_{key}"] = body.attributes[name].weight
            data[f"prefer_{key}"] = body.attributes[name].prefer.value
    return FormationForm(data, programme=programme, people=people), names


def _accept_form(org: OrgRequest, body: AcceptIn) -> tuple[FormationAcceptForm, dict[str, str]]:
    """The page's accept form for the sets given; a facilitator by email becomes the page's
    choice of them (an email that is none stays as it is, for the form to refuse)."""
    by_email = {u.email.lower(): u.pk for u in facilitator_choices(org.organisation)}
    data: dict[str, Any] = {}
    names: dict[str, str] = {}
    for n, made in enumerate(body.sets, start=1):
        data[f"name_{n}"] = made.name
        data[f"facilitator_{n}"] = by_email.get(made.facilitator.lower(), made.facilitator)
        names[f"name_{n}"] = f"sets.{n - 1}.name"
        names[f"facilitator_{n}"] = f"sets.{n - 1}.facilitator"
    form = FormationAcceptForm(data, organisation=org.organisation, count=len(body.sets))
    return form, names


def _locked(found: FormationRun) -> FormationRun:
    """The run under its row lock, to compare `If-Match` with and change."""
    locked = FormationRun.objects.select_for_update().get(pk=found.pk)
    locked.programme = found.programme
    return locked


@api.get("/programmes/{programme_id}/formation-runs", response={200: RunPage, **READ}, tags=TAGS)
@asks_only(*PAGE)
def programme_formation_runs(
    request: HttpRequest, response: HttpResponse, programme_id: int, query: Query[PageQuery]
) -> Any:
    """A programme's formation runs, oldest first, without their proposals (read a run for its
    proposal)."""
    programme = get_programme_to_form(org_of(request), programme_id)
    # A list needs none of what a run was asked or proposed: it may be thousands of ids each.
    rows = programme.formation_runs.defer("inputs", "groups", "solved_groups", "scores")
    found = cursor.page(rows, query.after, query.limit)
    data = {"items": [_summary(r) for r in found["items"]], "next": found["next"]}
    return tagged(request, response, data)


@api.post("/programmes/{programme_id}/formation-runs", response={202: RunOut, **WRITE}, tags=TAGS)
@asks_only()
def formation_run_start(
    request: HttpRequest, response: HttpResponse, programme_id: int, body: RunIn
) -> Any:
    """Start a run, as the page's form does: the worker searches, and the run's `progress`,
    `status` and then its proposal tell how it goes (read it at `Location`)."""
    org = org_of(request)
    programme = get_programme_to_form(org, programme_id)
    form, names = _run_form(body, programme)
    _valid(form, names)
    try:
        run = services.formation_run_create(
            programme=programme,
            by=org.user,
            inputs=form.cleaned_data["inputs"],
            seconds=form.cleaned_data["seconds"],
            seed=form.cleaned_data["seed"],
        )
    except ValidationError as refused:
        raise HttpError(422, " ".join(refused.messages)) from None
    response["Location"] = reverse("api:formation_run", kwargs={"run_id": run.pk})
    return Status(202, tagged(request, response, _run(run)))


@api.get("/formation-runs/{run_id}", response={200: RunOut, **READ}, tags=TAGS)
@asks_only()
def formation_run(request: HttpRequest, response: HttpResponse, run_id: int) -> Any:
    """A run: how it goes, why it failed, and once it has one, its proposal (each set's
    participant ids and diversity, as the page scores them)."""
    return tagged(request, response, _run(get_formation_run_by_id(org_of(request), run_id)))


@api.post("/formation-runs/{run_id}/cancel", response={200: RunOut, **WRITE}, tags=TAGS)
@asks_only()
def formation_run_cancel(request: HttpRequest, response: HttpResponse, run_id: int) -> Any:
    """Stop a run, as the page's button does: one still waiting ends at once; a running one
    stops soon after and keeps the best proposal found. With `If-Match`, only the run as you
    last read it."""
    found = get_formation_run_by_id(org_of(request), run_id)
    with transaction.atomic():
        check_if_match(request, _run(_locked(found)))
        try:
            stopped = services.formation_run_cancel(run=found)
        except ValidationError as refused:
            raise HttpError(409, " ".join(refused.messages)) from None
    stopped.programme = found.programme
    return tagged(request, response, _run(stopped))


@api.post("/formation-runs/{run_id}/accept", response={200: Accepted, **WRITE}, tags=TAGS)
@asks_only()
def formation_run_accept(
    request: HttpRequest, response: HttpResponse, run_id: int, body: AcceptIn
) -> Any:
    """Accept a run's proposal, as the page does: its sets are made, each with its name, its
    facilitator and its members (invited as from the page). With `If-Match`, only the proposal
    as you last read it (it may have been changed by hand on the page since)."""
    org = org_of(request)
    found = get_formation_run_by_id(org, run_id)
    with transaction.atomic():
        locked = _locked(found)
        check_if_match(request, _run(locked))
        proposed = len(locked.groups or [])
        if locked.is_editable and len(body.sets) != proposed:
            # The service refuses it too; it is the request that is wrong, not the moment.
            raise HttpError(422, f"sets: give {proposed}, one for each proposed set.")
        form, names = _accept_form(org, body)
        _valid(form, names)
        try:
            made = services.formation_accept(
                run=locked, names=form.names(), facilitators=form.facilitators(), by=org.user
            )
        except ValidationError as refused:
            raise HttpError(409, " ".join(refused.messages)) from None
    return {"run": locked.pk, "sets": [set_data(s) for s in made]}
