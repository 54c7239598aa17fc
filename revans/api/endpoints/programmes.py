"""Who the token speaks for; the organisation's programmes and their sets."""

from datetime import date
from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Schema, Status

from revans.accounts.access import require_role
from revans.programmes import services as programmes_services
from revans.programmes.access import PROGRAMME_MANAGERS, get_programme, get_set
from revans.programmes.forms import ProgrammeForm, SetCreateForm
from revans.programmes.models import LearningSet, Programme

from .. import cursor
from ..api import api
from .common import (
    PAGE,
    READ,
    WRITE,
    Body,
    PageQuery,
    asks_only,
    check_if_match,
    org_of,
    refused_as,
    tagged,
    valid,
)

FACILITATORS = Field(description="Their email addresses; each a facilitator of the organisation.")


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


class ProgrammeIn(Body):
    """A programme as its page takes it; what is not sent takes the page's default."""

    name: str
    starts_on: date
    ends_on: date
    purpose: str | None = None
    cadence_weeks: int | None = None
    meeting_minutes: int | None = None
    min_set_size: int | None = None
    max_set_size: int | None = None
    reminder_days: int | None = None
    quorum_percent: int | None = None
    currency: str | None = None
    ground_rules: str | None = None
    facilitators: list[str] | None = Field(None, description=FACILITATORS.description)


class ProgrammeChange(Body):
    """What changes; what is not sent stays as it is."""

    name: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    purpose: str | None = None
    cadence_weeks: int | None = None
    meeting_minutes: int | None = None
    min_set_size: int | None = None
    max_set_size: int | None = None
    reminder_days: int | None = None
    quorum_percent: int | None = None
    currency: str | None = None
    ground_rules: str | None = None
    facilitators: list[str] | None = Field(None, description=FACILITATORS.description)


class SetIn(Body):
    name: str
    facilitators: list[str] = FACILITATORS


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


def _programme_form(programme: Programme, sent: dict[str, Any]) -> ProgrammeForm:
    """The page's form, over the programme as it is, with what was sent; people by email."""
    fields = ProgrammeForm.Meta.fields
    current = model_to_dict(programme, fields=[f for f in fields if f != "facilitators"])
    current["facilitators"] = (
        [u.email for u in programme.facilitators.all()] if programme.pk else []
    )
    sent = {name: value for name, value in sent.items() if value is not None}
    if "facilitators" in sent:
        sent["facilitators"] = [email.lower() for email in sent["facilitators"]]
    form = ProgrammeForm(current | sent, instance=programme)
    form.fields["facilitators"].to_field_name = "email"  # type: ignore[attr-defined]
    return valid(form)


@api.post("/programmes", response={201: ProgrammeOut, **WRITE}, tags=["programmes"])
@asks_only()
def programme_add(request: HttpRequest, body: ProgrammeIn) -> Any:
    """A new programme (admins and sponsors)."""
    org = org_of(request)
    require_role(org.membership, *PROGRAMME_MANAGERS)
    form = _programme_form(Programme(organisation=org.organisation), body.model_dump())
    with refused_as(422):
        made = programmes_services.programme_save(
            programme=form.instance, facilitators=form.cleaned_data["facilitators"]
        )
    return Status(201, _programme(made))


@api.patch("/programmes/{programme_id}", response={200: ProgrammeOut, **WRITE}, tags=["programmes"])
@asks_only()
def programme_change(
    request: HttpRequest, response: HttpResponse, programme_id: int, body: ProgrammeChange
) -> Any:
    """Change a programme (admins and sponsors); with `If-Match`, only as you last read it."""
    found = get_programme(org_of(request), programme_id)
    with transaction.atomic():
        locked = Programme.objects.select_for_update().get(pk=found.pk)
        check_if_match(request, _programme(locked))
        form = _programme_form(locked, body.model_dump())
        with refused_as(422):
            saved = programmes_services.programme_save(
                programme=form.instance, facilitators=form.cleaned_data["facilitators"]
            )
    return tagged(request, response, _programme(saved))


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


@api.post("/programmes/{programme_id}/sets", response={201: SetOut, **WRITE}, tags=["programmes"])
@asks_only()
def set_add(request: HttpRequest, programme_id: int, body: SetIn) -> Any:
    """A new set of the programme, with its facilitators (admins and sponsors)."""
    org = org_of(request)
    programme = get_programme(org, programme_id)
    sent = {"name": body.name, "facilitators": [email.lower() for email in body.facilitators]}
    form = SetCreateForm(sent, organisation=org.organisation)
    form.fields["facilitators"].to_field_name = "email"  # type: ignore[attr-defined]
    valid(form)
    with refused_as(422):
        made = programmes_services.set_create(programme=programme, **form.cleaned_data, by=org.user)
    return Status(201, set_data(made))


@api.get("/sets/{set_id}", response={200: SetOut, **READ}, tags=["sets"])
@asks_only()
def learning_set(request: HttpRequest, response: HttpResponse, set_id: int) -> Any:
    """A set: for its members, its facilitators, admins and sponsors (anyone else: 404)."""
    return tagged(request, response, set_data(get_set(org_of(request), set_id).learning_set))
