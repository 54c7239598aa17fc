"""What the periodic sweep does for claims: any claim email a worker did not send (each once:
notices are unique rows, claimed by a conditional update before they are sent)."""

from datetime import datetime

from . import notices


def sweep(now: datetime) -> dict[str, int]:
    return {"claim emails sent": notices.send_due(now=now)}
