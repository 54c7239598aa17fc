"""Who the token speaks for; the organisation's programmes and their sets."""

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Schema

from revans.accounts.access import require_role
from revans.programmes.access import PROGRAMME_MANAGERS, get_programme, get_set
from revans.programmes.models import LearningSet, Programme

from .. import cursor
from ..api import api
from .common import PAGE, READ, PageQuery, asks_only, org_of, tagged


class Me(Schema):
    kind: str = Field(description="`person`: a person's token; `organisation`: an organisation's.")
    email: str = Field(description="The person's address; empty for an organisation's token.")
    name: str
    organisation: str
    roles: list[str]
    scopes: list[str]


class ProgrammeOut(Schema):
    id: int
    name: str
    purpose: str
    starts_on: date
    ends_on: date
    cadence_weeks: int
    meeting_minutes: int
    min_set_size: int
    max_set_size: int
    currency: str


class SetOut(Schema):
    id: int
    programme: int
    name: str


class ProgrammePage(Schema):
    items: list[ProgrammeOut]
    next: int | None


class SetPage(Schema):
    items: list[SetOut]
    next: int | None


def _programme(programme: Programme) -> dict[str, Any]:
    return {
        "id": programme.pk,
        "name": programme.name,
        "purpose": programme.purpose,
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
        "cadence_weeks": programme.cadence_weeks,
        "meeting_minutes": programme.meeting_minutes,
        "min_set_size": programme.min_set_size,
        "max_set_size": programme.max_set_size,
        "currency": programme.currency,
    }


def set_data(found: LearningSet) -> dict[str, Any]:
    return {"id": found.pk, "programme": found.programme_id, "name": found.name}


@api.get("/me", response={200: Me, **READ}, tags=["you"])
@asks_only()
def me(request: HttpRequest, response: HttpResponse) -> Any:
    """Who the token speaks for, where, and what it may do."""
    org = org_of(request)
    token = org.api_token  # type: ignore[attr-defined]
    return tagged(
        request,
        response,
        {
            "kind": "organisation" if token.for_organisation else "person",
            "email": "" if token.for_organisation else org.user.email,
            "name": org.user.name,
            "organisation": org.organisation.slug,
            "roles": [r.value for r in org.membership.roles],
            "scopes": token.scopes,
        },
    )


@api.get("/programmes", response={200: ProgrammePage, **READ}, tags=["programmes"])
@asks_only(*PAGE)
def programmes(request: HttpRequest, response: HttpResponse, query: Query[PageQuery]) -> Any:
    """The organisation's programmes (admins and sponsors)."""
    org = org_of(request)
    require_role(org.membership, *PROGRAMME_MANAGERS)
    found = cursor.page(
        Programme.objects.filter(organisation=org.organisation), query.after, query.limit
    )
    data = {"items": [_programme(p) for p in found["items"]], "next": found["next"]}
    return tagged(request, response, data)


@api.get("/programmes/{programme_id}", response={200: ProgrammeOut, **READ}, tags=["programmes"])
@asks_only()
def programme(request: HttpRequest, response: HttpResponse, programme_id: int) -> Any:
    return tagged(request, response, _programme(get_programme(org_of(request), programme_id)))


@api.get("/programmes/{programme_id}/sets", response={200: SetPage, **READ}, tags=["programmes"])
@asks_only(*PAGE)
def programme_sets(
    request: HttpRequest, response: HttpResponse, programme_id: int, query: Query[PageQuery]
) -> Any:
    """A programme's sets (admins and sponsors)."""
    found_programme = get_programme(org_of(request), programme_id)
    found = cursor.page(found_programme.sets.all(), query.after, query.limit)
    data = {"items": [set_data(s) for s in found["items"]], "next": found["next"]}
    return tagged(request, response, data)


@api.get("/sets/{set_id}", response={200: SetOut, **READ}, tags=["sets"])
@asks_only()
def learning_set(request: HttpRequest, response: HttpResponse, set_id: int) -> Any:
    """A set: for its members, its facilitators, admins and sponsors (anyone else: 404)."""
    return tagged(request, response, set_data(get_set(org_of(request), set_id).learning_set))
