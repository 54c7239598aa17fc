"""What the periodic sweep does for data rights: delete downloads whose link has expired."""

from datetime import datetime

from . import services


def sweep(now: datetime) -> dict[str, int]:
    return {"data downloads expired": services.expire(now=now)}
