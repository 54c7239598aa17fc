"""What the periodic sweep does for the evidence: open the surveys that are due with their
invitations, remind those who have not answered, send what is waiting (each once), delete board
reports whose link has expired, and give a build whose worker vanished to another. Safe twice at
once: surveys and notices are unique rows, notices are claimed by a conditional update before
they are sent, a report is moved by one conditional update."""

from datetime import datetime

from . import reports, surveys


def sweep(now: datetime) -> dict[str, int]:
    return {
        "surveys opened": surveys.open_due(now=now),
        "survey reminders due": surveys.remind_due(now=now),
        "survey emails sent": surveys.send_due(now=now),
        "board reports expired": reports.expire(now=now),
        "board reports resumed": reports.resume(now=now),
    }
