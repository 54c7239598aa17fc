"""What the periodic sweep does for accounts: the digests of the days and weeks that have ended
where their readers are, made and sent, each once (unique rows, claimed before they are sent)."""

from datetime import datetime

from . import digests


def sweep(now: datetime) -> dict[str, int]:
    return {
        "digests due": digests.make_due(now=now),
        "digests sent": digests.send_due(now=now),
    }
