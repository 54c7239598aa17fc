"""Who may form a programme's sets: its admins and sponsors, and the facilitators the programme
names. The tool shows the whole pool with every attribute, so any other facilitator of the
organisation finds neither the tool nor its runs (404, as for an id that does not exist)."""

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate

from django.http import Http404, HttpResponse

from revans.accounts.access import OrgRequest, org_view, require_role
from revans.accounts.models import Role
from revans.programmes.models import Programme

from .models import FormationRun

FORMERS = (Role.ADMIN, Role.SPONSOR, Role.FACILITATOR)


def get_programme_to_form(request: OrgRequest, programme_id: int) -> Programme:
    membership = request.membership
    require_role(membership, *FORMERS)
    programmes = Programme.objects.filter(organisation=request.organisation)
    if not membership.has_role(Role.ADMIN, Role.SPONSOR):
        programmes = programmes.filter(facilitators=request.user)
    try:
        return programmes.select_related("organisation").get(pk=programme_id)
    except Programme.DoesNotExist:
        raise Http404 from None


type FormingView = Callable[Concatenate[OrgRequest, Programme, ...], HttpResponse]


def forming_view(view: FormingView) -> Callable[..., HttpResponse]:
    """Resolve /o/<org>/programmes/<programme_id>/formation/ before anything else, so someone
    who may not form its sets gets the same answer (403 or 404) whatever the HTTP method."""

    @org_view(*FORMERS)
    @wraps(view)
    def wrapper(request: OrgRequest, programme_id: int, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, get_programme_to_form(request, programme_id), *args, **kwargs)

    return wrapper


def get_formation_run(programme: Programme, run_id: int) -> FormationRun:
    try:
        run = programme.formation_runs.get(pk=run_id)
    except FormationRun.DoesNotExist:
        raise Http404 from None
    run.programme = programme
    return run
