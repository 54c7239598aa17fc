"""Who may open a survey (its set's current members and facilitators), read its free text
(`revans.domain.confidentiality`) and download a board report (the person who asked, while they
may still read the ROI). The programme's evidence pages are for its managers
(`revans.impact.access.ROI_READERS`)."""

from django.core.exceptions import ValidationError
from django.http import Http404

from revans.accounts.access import OrgRequest
from revans.domain.confidentiality import Kind, may_read
from revans.learning.access import CycleAccess, cycle_in
from revans.programmes.models import Programme

from .models import BoardReport, CareerOutcome, Survey


def get_survey(request: OrgRequest, survey_id: int) -> tuple[CycleAccess, Survey]:
    """A survey its set's current members answer and its current facilitators follow; anyone
    else meets the cycle's own refusal (404, or 403 for admins and sponsors)."""
    try:
        survey = Survey.objects.select_related(
            "learning_set__programme__organisation", "meeting"
        ).get(pk=survey_id, learning_set__programme__organisation=request.organisation)
    except Survey.DoesNotExist:
        raise Http404 from None
    cycle = cycle_in(request, survey.learning_set)
    if cycle.me is None and not cycle.is_facilitator:
        raise Http404  # a former member: the set's surveys are for those in it now
    return cycle, survey


def reads_survey_text(cycle: CycleAccess, survey: Survey) -> bool:
    return may_read(Kind.SURVEY_TEXT, cycle.reader, survey.opens_at)


def get_report(request: OrgRequest, report_id: object) -> BoardReport:
    """A board report, for the person who asked for it, while they may still read the ROI."""
    try:
        report = BoardReport.objects.select_related("programme").get(
            pk=str(report_id),
            programme__organisation=request.organisation,
            requested_by=request.user,
        )
    except (BoardReport.DoesNotExist, ValidationError):
        raise Http404 from None
    return report  # the role to read the ROI is asked by org_view(*ROI_READERS, ...)


def get_outcome(request: OrgRequest, outcome_id: int, programme: Programme) -> CareerOutcome | None:
    """A career outcome of the programme, or None when it is gone (a second click)."""
    return CareerOutcome.objects.filter(pk=outcome_id, programme=programme).first()
