"""What the periodic sweep does for the evidence: open the surveys that are due with their
invitations, remind those who have not answered, send what is waiting (each once), and delete
board reports whose link has expired; release the claims the sponsor's figures count where k
people's claims have changed (every claim write asks too). Safe twice at once: surveys and
notices are unique rows, notices are claimed by a conditional update before they are sent, a
release locks its programme."""

from datetime import datetime

from revans.programmes.models import Programme

from . import reports, services, surveys


def sweep(now: datetime) -> dict[str, int]:
    return {
        "surveys opened": surveys.open_due(now=now),
        "survey reminders due": surveys.remind_due(now=now),
        "survey emails sent": surveys.send_due(now=now),
        "board reports expired": reports.expire(now=now),
        "claim releases": sum(
            services.claims_release(programme=programme) is not None
            for programme in Programme.objects.filter(sets__challenges__claims__isnull=False)
            .select_related("organisation")
            .distinct()
        ),
    }
