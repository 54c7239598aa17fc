"""What the periodic sweep does for meetings: invitations for meetings coming into reach (and
for people who joined since), reminders, and any notice a worker did not send. Safe twice at once:
notices are unique rows, claimed by a conditional update before they are sent."""

from datetime import datetime

from . import notices


def sweep(now: datetime) -> dict[str, int]:
    return {
        "meeting invitations due": notices.invite_due(now=now),
        "meeting reminders due": notices.remind_due(now=now),
        "meeting emails sent": notices.send_due(now=now),
    }
