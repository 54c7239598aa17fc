"""Cursor pagination: a page continues after the last row of the one before, so rows added or
removed meanwhile neither repeat nor vanish (unlike an offset). The cursor is opaque to clients."""

import base64
from typing import Any

from django.db.models import Model, QuerySet
from ninja.errors import HttpError

MAX_LIMIT = 100


def cursor_of(pk: int) -> str:
    return base64.urlsafe_b64encode(f"after:{pk}".encode()).decode().rstrip("=")


def after(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        label, _colon, pk = text.partition(":")
        if label != "after" or not pk.isdigit() or len(pk) > 18:
            raise ValueError(text)
        return int(pk)
    except ValueError:
        raise HttpError(400, "This cursor is not one of ours: start again without it.") from None


def page[M: Model](rows: QuerySet[M], cursor: str | None, limit: int) -> dict[str, Any]:
    """Up to `limit` rows in id order after the cursor, and the cursor of the next page."""
    chosen = list(rows.filter(pk__gt=after(cursor)).order_by("pk")[: limit + 1])
    more = len(chosen) > limit
    items = chosen[:limit]
    return {"items": items, "next": cursor_of(items[-1].pk) if more and items else None}
