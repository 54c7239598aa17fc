"""The cycle, as its people live it: my challenges, my actions and their report-backs, my
learning log. Every record is read through `learning.access` (the confidentiality table, by the
record's own moment) and changed by the pages' forms and services; what people write is changed
only with `If-Match`, as the pages change it only from the version they showed."""

import uuid
from datetime import date, datetime
from typing import Any, Literal

from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Schema, Status
from ninja.errors import HttpError

from revans.accounts.access import require_role
from revans.accounts.models import Role
from revans.learning import services as learning
from revans.learning.access import (
    CycleAccess,
    commits_actions,
    get_action,
    get_challenge,
    get_cycle,
    get_reflection,
    member_of,
    own_action,
    own_challenge,
    own_reflection,
    reports_back,
)
from revans.learning.forms import (
    ActionForm,
    ChallengeEditForm,
    ChallengeForm,
    ProgressForm,
    ReflectionForm,
    ReportBackForm,
)
from revans.learning.models import Action, Challenge, Reflection
from revans.programmes.models import Participant

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
    check_if_match,
    org_of,
    refused_as,
    tagged,
    valid,
)

SUBMISSION = Field(
    None,
    description="A key of your own making: sending the same one again makes no second record.",
)


class ChallengeOut(Schema):
    id: int
    set: int
    owner: int = Field(description="The owner's id in the organisation's pool.")
    statement: str
    why_it_matters: str
    desired_outcome: str
    business_area: str
    status: str
    status_since: date
    written_at: datetime
    version: int


class ChallengePage(Schema):
    items: list[ChallengeOut]
    next: int | None


class ChallengeIn(Body):
    statement: str
    why_it_matters: str = ""
    desired_outcome: str = ""
    business_area: str = ""
    submission: uuid.UUID | None = SUBMISSION


class ChallengeChange(Body):
    """What changes; what is not sent stays as it is."""

    statement: str | None = None
    why_it_matters: str | None = None
    desired_outcome: str | None = None
    business_area: str | None = None
    status: Literal["open", "progressing", "resolved", "dropped"] | None = None


class ReportBackOut(Schema):
    outcome: str
    what_happened: str
    learned: str
    written_at: datetime


class ActionOut(Schema):
    id: int
    challenge: int
    text: str
    due_on: date
    status: str
    progress: str = Field(description="Empty where you were not in the set when it was written.")
    closed_reason: str
    carried_from: int | None
    report_back: ReportBackOut | None = Field(
        description="Null until reported, or where you were not in the set when it was."
    )
    written_at: datetime
    version: int


class ActionPage(Schema):
    items: list[ActionOut]
    next: int | None


class ActionIn(Body):
    text: str
    due_on: date | None = Field(None, description="Empty: the set's next meeting.")
    submission: uuid.UUID | None = SUBMISSION


class ProgressIn(Body):
    progress: str = ""
    done: bool = False


class ReportBackIn(Body):
    outcome: Literal["done", "partly", "not"]
    what_happened: str = ""
    learned: str = ""
    carry_forward: bool = False
    reason: str = ""


class ReflectionOut(Schema):
    id: int
    set: int
    prompt: str
    text: str
    shared: bool
    written_at: datetime


class ReflectionPage(Schema):
    items: list[ReflectionOut]
    next: int | None


class ReflectionIn(Body):
    text: str
    prompt: str = ""
    submission: uuid.UUID | None = SUBMISSION


class ReflectionShare(Body):
    shared: bool


class MineQuery(PageQuery):
    set: Id | None = Field(None, description="Only this set's.")


def _challenge(found: Challenge) -> dict[str, Any]:
    return {
        "id": found.pk,
        "set": found.learning_set_id,
        "owner": found.owner_id,
        "statement": found.statement,
        "why_it_matters": found.why_it_matters,
        "desired_outcome": found.desired_outcome,
        "business_area": found.business_area,
        "status": found.status,
        "status_since": found.status_since,
        "written_at": found.written_at,
        "version": found.version,
    }


def _action(found: Action) -> dict[str, Any]:
    """The action as the reader may read it (`CycleAccess.shown` decided its later parts)."""
    report = found.shown_report  # type: ignore[attr-defined]
    return {
        "id": found.pk,
        "challenge": found.challenge_id,
        "text": found.text,
        "due_on": found.due_on,
        "status": found.status,
        "progress": found.shown_progress,  # type: ignore[attr-defined]
        "closed_reason": found.closed_reason,
        "carried_from": found.carried_from_id,
        "report_back": {
            "outcome": report.outcome,
            "what_happened": report.what_happened,
            "learned": report.learned,
            "written_at": report.written_at,
        }
        if report
        else None,
        "written_at": found.written_at,
        "version": found.version,
    }


def _own_action(found: Action) -> dict[str, Any]:
    """One of the reader's own actions: all of it is theirs to read."""
    found.shown_progress = found.progress  # type: ignore[attr-defined]
    found.shown_report = getattr(found, "report_back", None)  # type: ignore[attr-defined]
    return _action(found)


def _reflection(found: Reflection) -> dict[str, Any]:
    return {
        "id": found.pk,
        "set": found.learning_set_id,
        "prompt": found.prompt,
        "text": found.text,
        "shared": found.is_shared,
        "written_at": found.written_at,
    }


def _mine(request: HttpRequest) -> list[int]:
    """The asker's entries in the organisation's pool: what they wrote is theirs to read."""
    org = org_of(request)
    return list(
        Participant.objects.filter(organisation=org.organisation, user=org.user).values_list(
            "pk", flat=True
        )
    )


def _writing_member(
    request: HttpRequest, set_id: int, refusal: str
) -> tuple[CycleAccess, Participant]:
    """The set and the asker as its current member: only members write there (as the pages)."""
    org = org_of(request)
    require_role(org.membership, Role.PARTICIPANT)
    access = get_cycle(org, set_id)
    return access, member_of(access, refusal)


def _made_here[M: Model](made: M, belongs: bool) -> M:
    """A submission key already used elsewhere answers that record: never someone else's."""
    if not belongs:
        raise HttpError(409, "That submission key was used for another record.")
    return made


def _changed(access: CycleAccess, found: Action) -> dict[str, Any]:
    fresh = Action.objects.select_related("challenge__owner", "report_back").get(pk=found.pk)
    return _action(access.shown(fresh))


# My challenges.


@api.get("/me/challenges", response={200: ChallengePage, **READ}, tags=["you"])
@asks_only(*PAGE, "set")
def my_challenges(request: HttpRequest, response: HttpResponse, query: Query[MineQuery]) -> Any:
    """The challenges you brought, in every set of this organisation."""
    rows = Challenge.objects.filter(owner__in=_mine(request))
    if query.set is not None:
        rows = rows.filter(learning_set=query.set)
    found = cursor.page(rows, query.after, query.limit)
    data = {"items": [_challenge(c) for c in found["items"]], "next": found["next"]}
    return tagged(request, response, data)


@api.post("/sets/{set_id}/challenges", response={201: ChallengeOut, **WRITE}, tags=["you"])
@asks_only()
def challenge_add(request: HttpRequest, set_id: int, body: ChallengeIn) -> Any:
    """Bring a challenge to your set (its current members)."""
    access, me = _writing_member(request, set_id, "Members bring challenges.")
    form = valid(ChallengeForm(body.model_dump() | {"submission": body.submission or uuid.uuid4()}))
    fields = {name: form.cleaned_data[name] for name in ChallengeForm.Meta.fields}
    with refused_as(422):
        made = learning.challenge_create(
            learning_set=access.learning_set,
            owner=me,
            submission=form.cleaned_data["submission"],
            fields=fields,
        )
    _made_here(made, made.owner_id == me.pk and made.learning_set_id == set_id)
    return Status(201, _challenge(made))


@api.get("/challenges/{challenge_id}", response={200: ChallengeOut, **READ}, tags=["you"])
@asks_only()
def challenge(request: HttpRequest, response: HttpResponse, challenge_id: int) -> Any:
    """A challenge, for whoever may read it on its page (its owner, and the set's members and
    facilitators in the set when it was written)."""
    _access, found = get_challenge(org_of(request), challenge_id)
    return tagged(request, response, _challenge(found))


@api.patch("/challenges/{challenge_id}", response={200: ChallengeOut, **WRITE}, tags=["you"])
@asks_only()
def challenge_change(
    request: HttpRequest, response: HttpResponse, challenge_id: int, body: ChallengeChange
) -> Any:
    """Change your challenge, from the version you read (`If-Match` is required)."""
    access, found = get_challenge(org_of(request), challenge_id)
    me = own_challenge(access, found)
    with transaction.atomic():
        locked = Challenge.objects.select_for_update().get(pk=found.pk)
        check_if_match(request, _challenge(locked), required=True)
        names = [*ChallengeEditForm.Meta.fields]
        current = {name: getattr(locked, name) for name in names} | {"version": locked.version}
        form = valid(ChallengeEditForm(current | body.model_dump(exclude_none=True)))
        with refused_as(422):
            saved = learning.challenge_update(
                challenge=locked,
                by=me,
                version=form.cleaned_data["version"],
                fields={name: form.cleaned_data[name] for name in names},
            )
    return tagged(request, response, _challenge(saved))


# Actions and report-backs.


@api.get("/me/actions", response={200: ActionPage, **READ}, tags=["you"])
@asks_only(*PAGE, "set")
def my_actions(request: HttpRequest, response: HttpResponse, query: Query[MineQuery]) -> Any:
    """The actions on the challenges you brought, with their progress and report-backs."""
    rows = Action.objects.filter(challenge__owner__in=_mine(request)).select_related("report_back")
    if query.set is not None:
        rows = rows.filter(challenge__learning_set=query.set)
    found = cursor.page(rows, query.after, query.limit)
    data = {"items": [_own_action(a) for a in found["items"]], "next": found["next"]}
    return tagged(request, response, data)


@api.get("/challenges/{challenge_id}/actions", response={200: ActionPage, **READ}, tags=["you"])
@asks_only()
def challenge_actions(request: HttpRequest, response: HttpResponse, challenge_id: int) -> Any:
    """A challenge's actions, as its page shows them to you (a challenge has a few)."""
    access, found = get_challenge(org_of(request), challenge_id)
    rows = found.actions.select_related("report_back", "challenge__owner").order_by("pk")
    items = [_action(access.shown(a)) for a in rows if access.reads_action(a)]
    return tagged(request, response, {"items": items, "next": None})


@api.post("/challenges/{challenge_id}/actions", response={201: ActionOut, **WRITE}, tags=["you"])
@asks_only()
def action_add(request: HttpRequest, challenge_id: int, body: ActionIn) -> Any:
    """Commit to an action on your challenge (or, as the set's facilitator, on a member's)."""
    access, found = get_challenge(org_of(request), challenge_id)
    commits_actions(access, found)
    form = valid(ActionForm(body.model_dump() | {"submission": body.submission or uuid.uuid4()}))
    with refused_as(422):
        made = learning.action_create(
            challenge=found, by=access.me, on_behalf=access.is_facilitator, **form.cleaned_data
        )
    _made_here(made, made.challenge_id == found.pk)
    return Status(201, _changed(access, made))


@api.get("/actions/{action_id}", response={200: ActionOut, **READ}, tags=["you"])
@asks_only()
def action(request: HttpRequest, response: HttpResponse, action_id: int) -> Any:
    access, found = get_action(org_of(request), action_id)
    return tagged(request, response, _action(access.shown(found)))


@api.patch("/actions/{action_id}", response={200: ActionOut, **WRITE}, tags=["you"])
@asks_only()
def action_progress(
    request: HttpRequest, response: HttpResponse, action_id: int, body: ProgressIn
) -> Any:
    """Your progress on your action, or mark it done (`If-Match` is required)."""
    access, found = get_action(org_of(request), action_id)
    me = own_action(access, found)
    with transaction.atomic():
        locked = Action.objects.select_for_update().select_related("challenge").get(pk=found.pk)
        check_if_match(request, _changed(access, locked), required=True)
        form = valid(ProgressForm(body.model_dump() | {"version": locked.version}))
        with refused_as(409):
            learning.action_progress(action=locked, by=me, **form.cleaned_data)
    return tagged(request, response, _changed(access, found))


@api.post("/actions/{action_id}/report-back", response={201: ActionOut, **WRITE}, tags=["you"])
@asks_only()
def report_back(request: HttpRequest, action_id: int, body: ReportBackIn) -> Any:
    """What became of the action (its owner, or the set's facilitator): once per action."""
    access, found = get_action(org_of(request), action_id)
    reports_back(access, found)
    form = valid(ReportBackForm(body.model_dump()))
    with refused_as(409):
        learning.report_back(action=found, by=org_of(request).user, **form.cleaned_data)
    return Status(201, _changed(access, found))


# My learning log.


@api.get("/me/reflections", response={200: ReflectionPage, **READ}, tags=["you"])
@asks_only(*PAGE, "set")
def my_reflections(request: HttpRequest, response: HttpResponse, query: Query[MineQuery]) -> Any:
    """Your learning log: your own entries only, shared or not."""
    rows = Reflection.objects.filter(author__in=_mine(request))
    if query.set is not None:
        rows = rows.filter(learning_set=query.set)
    found = cursor.page(rows, query.after, query.limit)
    data = {"items": [_reflection(r) for r in found["items"]], "next": found["next"]}
    return tagged(request, response, data)


@api.post("/sets/{set_id}/reflections", response={201: ReflectionOut, **WRITE}, tags=["you"])
@asks_only()
def reflection_add(request: HttpRequest, set_id: int, body: ReflectionIn) -> Any:
    """Write in your learning log (only you read it, unless you share it)."""
    access, me = _writing_member(request, set_id, "Members keep a learning log.")
    data = body.model_dump() | {"submission": body.submission or uuid.uuid4()}
    form = valid(ReflectionForm(data))
    with refused_as(422):
        made = learning.reflection_write(
            learning_set=access.learning_set, author=me, **form.cleaned_data
        )
    _made_here(made, made.author_id == me.pk and made.learning_set_id == set_id)
    return Status(201, _reflection(made))


@api.patch("/reflections/{reflection_id}", response={200: ReflectionOut, **WRITE}, tags=["you"])
@asks_only()
def reflection_share(
    request: HttpRequest, response: HttpResponse, reflection_id: int, body: ReflectionShare
) -> Any:
    """Share an entry with your set, or take it back."""
    access, found = get_reflection(org_of(request), reflection_id)
    me = own_reflection(access, found)
    with refused_as(409):
        shared = learning.reflection_share(reflection=found, by=me, shared=body.shared)
    return tagged(request, response, _reflection(shared))
