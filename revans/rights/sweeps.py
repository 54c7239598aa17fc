"""What the periodic sweep does for data rights: delete downloads whose link has expired, and
carry out the erasures whose grace period is over, and empty what was written in programmes
past their organisation's retention."""

from datetime import datetime

from . import retention, services


def sweep(now: datetime) -> dict[str, int]:
    return {
        "data downloads expired": services.expire(now=now),
        "erasures carried out": services.erase_due(now=now),
        "programmes past their retention emptied": retention.apply(now=now),
    }
