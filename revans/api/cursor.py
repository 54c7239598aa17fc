"""Cursor pagination: a page continues after the last row of the one before (`after`, an id), so
rows added or removed meanwhile neither repeat nor vanish, as they would with an offset."""

from typing import Any

from django.db.models import Model, QuerySet

MAX_LIMIT = 100


def page[M: Model](rows: QuerySet[M], after: int, limit: int) -> dict[str, Any]:
    """Up to `limit` rows in id order after `after`, and where the next page starts."""
    chosen = list(rows.filter(pk__gt=after).order_by("pk")[: limit + 1])
    items = chosen[:limit]
    more = len(chosen) > limit and items
    return {"items": items, "next": items[-1].pk if more else None}
