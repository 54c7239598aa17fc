"""Cross-cutting test helpers that grow with the app: URL discovery, crawling, query budgets."""

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.urls.resolvers import RegexPattern, RoutePattern

from revans.writes import kept_moved

HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


@dataclass(frozen=True)
class Endpoint:
    route: str  # the pattern as written, e.g. "o/<slug:org>/members/"
    name: str | None
    parts: tuple[object, ...]  # the chain of patterns, to build a concrete URL

    @property
    def key(self) -> str:
        return self.name or self.route

    def url(self, values: dict[str, str]) -> str:
        return "/" + "".join(_fill(part, values) for part in self.parts)


def endpoints() -> list[Endpoint]:
    """Every URL pattern the project serves, flattened."""

    def walk(
        patterns: Sequence[object], parts: tuple[object, ...], namespace: str
    ) -> Iterator[Endpoint]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, (*parts, entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                chain = (*parts, entry.pattern)
                route = "".join(str(p) for p in chain)
                name = f"{namespace}{entry.name}" if entry.name else None
                yield Endpoint(route=route, name=name, parts=chain)

    return list(walk(get_resolver().url_patterns, (), ""))


_CANDIDATES = ("1", "x", "accounts", "user")


def _fill(pattern: object, values: dict[str, str]) -> str:
    if isinstance(pattern, RoutePattern):
        route = str(pattern)

        def value(match: re.Match[str]) -> str:
            name = match.group(2)
            if name in values:
                return values[name]
            return "1" if isinstance(pattern.converters.get(name), IntConverter) else "x"

        return re.sub(r"<(?:(\w+):)?(\w+)>", value, route)
    if isinstance(pattern, RegexPattern):
        regex = str(pattern).lstrip("^").rstrip("$").replace("\\Z", "")

        def group(match: re.Match[str]) -> str:
            name, body = match.group(1), match.group(2)
            options = ([values[name]] if name in values else []) + list(_CANDIDATES)
            return next((c for c in options if re.fullmatch(body, c)), "x")

        filled = re.sub(r"\(\?P<(\w+)>((?:[^()]|\([^()]*\))*)\)", group, regex)
        return filled.replace("\\", "")
    raise TypeError(pattern)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


# Never followed by a crawler: leaving the session or the operators' admin.
_NOT_CRAWLED = ("/accounts/logout/", "/admin/")


def crawl(
    client: Client, start: list[str], limit: int = 300, statuses: dict[str, int] | None = None
) -> dict[str, str]:
    """GET every same-site page reachable by links from `start`; return {url: body}, and fill
    `statuses` with {url: final status code} when given."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = urldefrag(queue.pop(0))[0]
        if url in seen or url.startswith(_NOT_CRAWLED):
            continue
        response = client.get(url, follow=True)
        body = response.content.decode(errors="replace")
        seen[url] = body
        if statuses is not None:
            statuses[url] = response.status_code
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(body)
        for href in parser.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def assert_canary_absent(pages: dict[str, str], canary: str) -> None:
    leaks = [url for url, body in pages.items() if canary.lower() in body.lower()]
    assert not leaks, f"{canary!r} leaked into {leaks}"


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(context.captured_queries)


def assert_query_budget(client: Client, url: str, grow: Callable[[], None]) -> int:
    """The page costs the same number of queries before and after `grow` adds 9x the data,
    both read afresh (every kept read moved) and read again (what it keeps, kept)."""
    client.get(url)  # warm caches (sessions, content types) so both counts are like for like
    before = _afresh_and_again(client, url)
    grow()
    after = _afresh_and_again(client, url)
    assert before == after, f"{url}: {before} queries at 1x data, {after} at 10x"
    return before[1]


def _afresh_and_again(client: Client, url: str) -> tuple[int, int]:
    kept_moved()
    return count_queries(client, url), count_queries(client, url)
