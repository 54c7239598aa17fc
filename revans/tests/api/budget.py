"""Counting a list's queries: the same request twice in the same frozen minute, the second
counted, so the token's first use of the minute (its last-used time, its rate counter) is not."""

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def queries_of(client: Client, url: str) -> tuple[int, Any]:
    """(the queries a warm request costs, its JSON); call it under a frozen clock."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url)
    assert answer.status_code == 200, answer.content[:300]
    return len(queries), answer.json()
