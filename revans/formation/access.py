"""Who may form a programme's sets: its admins and sponsors, and the facilitators the programme
names. The tool shows the whole pool with every attribute, so any other facilitator of the
organisation finds neither the tool nor its runs (404, as for an id that does not exist)."""

from django.http import Http404

from revans.accounts.access import OrgRequest, require_role
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


def get_formation_run(request: OrgRequest, run_id: int, programme: Programme) -> FormationRun:
    try:
        run = programme.formation_runs.get(pk=run_id)
    except FormationRun.DoesNotExist:
        raise Http404 from None
    run.programme = programme
    return run


def get_formation_run_by_id(request: OrgRequest, run_id: int) -> FormationRun:
    """A run named by its id alone (as the API names it), with the same answers as
    `get_programme_to_form` then `get_formation_run`: a run of another organisation, or none,
    is refused exactly as a run this person may not see."""
    programme_id = (
        FormationRun.objects.filter(pk=run_id, programme__organisation=request.organisation)
        .values_list("programme_id", flat=True)
        .first()
    )
    # No such run here: programme 0, which never exists, so the refusal is the same (403 or 404).
    programme = get_programme_to_form(request, programme_id or 0)
    return get_formation_run(request, run_id, programme)
