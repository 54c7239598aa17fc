"""People: a set's members (those who manage the set) and the organisation's pool (admins and
sponsors), which grows by the import's own rules and checks, from rows sent as JSON."""

import csv
import io
from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Schema, Status
from ninja.errors import HttpError

from revans.accounts.access import require_role
from revans.domain.roster import KNOWN_COLUMNS, RosterPlan, RowStatus
from revans.programmes import selectors
from revans.programmes import services as programmes
from revans.programmes.access import PROGRAMME_MANAGERS, get_managed_set, get_set_membership
from revans.programmes.forms import MemberAddForm, MemberLeaveForm
from revans.programmes.models import ParticipantImport, SetMembership

from .. import cursor
from ..api import api
from .common import (
    PAGE,
    READ,
    WRITE,
    Body,
    Id,
    PageQuery,
    asks_only,
    org_of,
    refused_as,
    tagged,
    valid,
)

MAX_ROWS = 2000


class MemberOut(Schema):
    id: int = Field(description="The place in the set (a person who leaves and returns has two).")
    set: int
    participant: int
    name: str
    joined_on: date
    left_on: date | None


class MemberPage(Schema):
    items: list[MemberOut]
    next: int | None


class MemberIn(Body):
    participant: Id = Field(
        description="Their id in the pool; not in another set of the programme."
    )
    joined_on: date | None = Field(None, description="Empty: today, where the organisation is.")
    reason: str = ""


class LeaveIn(Body):
    left_on: date | None = Field(None, description="Empty: today, where the organisation is.")
    reason: str


class PersonOut(Schema):
    id: int
    email: str
    name: str
    department: str
    site: str
    job_level: str
    manager: int | None
    attributes: dict[str, str]
    has_account: bool


class PersonPage(Schema):
    items: list[PersonOut]
    next: int | None


class PersonIn(Body):
    email: str
    name: str
    department: str = ""
    site: str = ""
    job_level: str = ""
    manager_email: str = ""
    attributes: dict[str, str] = Field(default_factory=dict)


class ImportIn(Body):
    people: list[PersonIn] = Field(min_length=1, max_length=MAX_ROWS)
    apply: bool = Field(True, description="False: only check, and say what would change.")


class ImportOut(Schema):
    applied: bool
    new: int
    updated: int
    unchanged: int


def _member(found: SetMembership) -> dict[str, Any]:
    return {
        "id": found.pk,
        "set": found.learning_set_id,
        "participant": found.participant_id,
        "name": found.participant.name,
        "joined_on": found.joined_on,
        "left_on": found.left_on,
    }


@api.get("/sets/{set_id}/members", response={200: MemberPage, **READ}, tags=["people"])
@asks_only(*PAGE)
def set_members(
    request: HttpRequest, response: HttpResponse, set_id: int, query: Query[PageQuery]
) -> Any:
    """Everyone who has been in the set, with when they joined and left (its facilitators,
    admins and sponsors)."""
    access = get_managed_set(org_of(request), set_id)
    found = cursor.page(selectors.membership_history(access.learning_set), query.after, query.limit)
    data = {"items": [_member(m) for m in found["items"]], "next": found["next"]}
    return tagged(request, response, data)


@api.post("/sets/{set_id}/members", response={201: MemberOut, **WRITE}, tags=["people"])
@asks_only()
def set_member_add(request: HttpRequest, set_id: int, body: MemberIn) -> Any:
    """Add someone from the pool to the set; they are told as from the page."""
    org = org_of(request)
    access = get_managed_set(org, set_id)
    sent = body.model_dump() | {"joined_on": body.joined_on or org.organisation.today()}
    form = valid(MemberAddForm(sent, programme=access.learning_set.programme))
    with refused_as(409):
        added = programmes.set_member_add(
            learning_set=access.learning_set, **form.cleaned_data, by=org.user
        )
    return Status(201, _member(added))


@api.post(
    "/sets/{set_id}/members/{set_membership_id}/leave",
    response={200: MemberOut, **WRITE},
    tags=["people"],
)
@asks_only()
def set_member_leave(
    request: HttpRequest, response: HttpResponse, set_id: int, set_membership_id: int, body: LeaveIn
) -> Any:
    """Someone leaves the set; what they wrote stays, as "a former member"."""
    org = org_of(request)
    access = get_managed_set(org, set_id)
    membership = get_set_membership(org, set_membership_id, access)
    sent = body.model_dump() | {"left_on": body.left_on or org.organisation.today()}
    form = valid(MemberLeaveForm(sent))
    with refused_as(409):
        left = programmes.set_member_leave(membership=membership, **form.cleaned_data)
    return tagged(request, response, _member(left))


@api.get("/participants", response={200: PersonPage, **READ}, tags=["people"])
@asks_only(*PAGE)
def participants(request: HttpRequest, response: HttpResponse, query: Query[PageQuery]) -> Any:
    """The organisation's pool of people (admins and sponsors)."""
    org = org_of(request)
    require_role(org.membership, *PROGRAMME_MANAGERS)
    found = cursor.page(selectors.pool(org.organisation), query.after, query.limit)
    items = [
        {
            "id": p.pk,
            "email": p.email,
            "name": p.name,
            "department": p.department,
            "site": p.site,
            "job_level": p.job_level,
            "manager": p.manager_id,
            "attributes": {str(k): str(v) for k, v in p.attributes.items()},
            "has_account": p.user_id is not None,
        }
        for p in found["items"]
    ]
    return tagged(request, response, {"items": items, "next": found["next"]})


def _as_table(people: list[PersonIn]) -> bytes:
    """The rows as the import's CSV, so every rule and check of the import applies."""
    extra = sorted({key for person in people for key in person.attributes})
    out = io.StringIO()
    table = csv.writer(out)
    table.writerow([*KNOWN_COLUMNS, *extra])
    for person in people:
        known = person.model_dump()
        table.writerow(
            [*(known[c] for c in KNOWN_COLUMNS), *(person.attributes.get(k, "") for k in extra)]
        )
    return out.getvalue().encode()


def _problems(plan: RosterPlan) -> str:
    found = [*plan.file_errors]
    found += [
        f"person {row.line - 1} ({row.email}): {' '.join(row.errors)}"
        for row in plan.rows
        if row.status == RowStatus.ERROR
    ]
    return "; ".join(found)[:2000]


@api.post("/participants/import", response={200: ImportOut, **WRITE}, tags=["people"])
@asks_only()
def participants_import(request: HttpRequest, response: HttpResponse, body: ImportIn) -> Any:
    """Add people to the pool or update them (matched by email), all or none, with the
    spreadsheet import's checks (admins and sponsors)."""
    org = org_of(request)
    require_role(org.membership, *PROGRAMME_MANAGERS)
    content = _as_table(body.people)
    with transaction.atomic():
        batch = ParticipantImport(
            organisation=org.organisation, filename="api.csv", content=content
        )
        plan = programmes.import_plan(batch)
        if not plan.ok:
            raise HttpError(422, _problems(plan))
        if body.apply:
            with refused_as(422):
                batch = programmes.import_upload(
                    organisation=org.organisation, by=org.user, filename="api.csv", content=content
                )
                plan = programmes.import_apply(batch=batch)
    counted = [row.status for row in plan.rows]
    return {
        "applied": body.apply,
        "new": counted.count(RowStatus.NEW),
        "updated": counted.count(RowStatus.UPDATED),
        "unchanged": counted.count(RowStatus.UNCHANGED),
    }
