"""Small helpers every app's views and forms share: a view hands a service to one of these and
stays thin."""

import csv
import io
import ipaddress
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults


def text_area(
    label: Any, *, max_length: int | None = None, rows: int = 2, required: bool = True, **more: Any
) -> forms.CharField:
    """A free-text field of a few lines (bounded as its model column is)."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        **more,
    )


def posted(request: HttpRequest) -> QueryDict | None:
    """Form data on POST, even when empty (an empty POST must still show its errors)."""
    return request.POST if request.method == "POST" else None


def save_form[T](request: HttpRequest, form: BaseForm, action: Callable[[], T]) -> T | None:
    """On POST, run the service for a valid form and return its result; a refusal by the service
    becomes the form's error. None means: show the form (again)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return action()
    except ValidationError as error:
        form.add_error(None, error)
        return None


def perform(request: HttpRequest, action: Callable[[], object], done: str | None) -> bool:
    """Run the service behind a button; say what happened (unless the page shows it: `done`
    None), or why it was refused."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    if done:
        messages.success(request, done)
    return True


def form_problems(form: BaseForm) -> str:
    """A form's errors in one sentence, each after its field's label."""
    return " ".join(
        f"{form.fields[name].label or name}: {error}" if name in form.fields else str(error)
        for name, errors in form.errors.items()
        for error in errors
    )


def perform_form(
    request: HttpRequest,
    form: BaseForm,
    action: Callable[[], object],
    done: str | None,
    invalid: str | None,
) -> bool:
    """`perform` for a small form behind a button: `invalid` says what the form lacks (None: the
    form's own errors, field by field)."""
    if not form.is_valid():
        messages.error(request, invalid or form_problems(form))
        return False
    return perform(request, action, done)


# The longest window of ACCOUNT_RATE_LIMITS (5 failed sign-ins per address in five minutes).
RETRY_AFTER_MINUTES = 5


def too_many_requests(request: HttpRequest) -> HttpResponse:
    """allauth's answer to too many sign-in or reset attempts (ROOT_URLCONF.handler429): a page
    in the product's style that says when to try again, with Retry-After."""
    response = render(request, "429.html", {"retry_minutes": RETRY_AFTER_MINUTES}, status=429)
    response["Retry-After"] = str(RETRY_AFTER_MINUTES * 60)
    return response


RETRY_AFTER_SECONDS = 30  # a restart or a fail-over of PostgreSQL takes seconds


def server_error(request: HttpRequest) -> HttpResponse:
    """ROOT_URLCONF.handler500: a database that cannot be reached (stopped, restarting, failed
    over) is an outage to wait out, answered 503 with Retry-After: a page for people, the API's
    problem+json for the API. Anything else is Django's own 500. Django calls this inside its
    `except`, so the error is at hand."""
    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return defaults.server_error(request)
    retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path.startswith("/api/"):
        detail = _("Revans cannot reach its database just now. Try again in a moment.")
        body = {"type": "about:blank", "title": "Unavailable for a moment", "status": 503}
        return JsonResponse(
            body | {"detail": detail},
            status=503,
            content_type="application/problem+json",
            headers=retry,
        )
    # No request context: its processors would ask the database for the user again.
    page = loader.render_to_string("503.html", {"retry_seconds": RETRY_AFTER_SECONDS})
    return HttpResponse(page, status=503, headers=retry)


HOST = re.compile(r"[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]")
LOOPBACK = {"localhost", "127.0.0.1", "[::1]"}


def public_address(host: str) -> bool:
    """Not this machine, nor a private, link-local or reserved network: an IP literal must be a
    global address; a name must not be one of the names that mean here."""
    bare = host.strip("[]").lower()
    try:
        return ipaddress.ip_address(bare).is_global
    except ValueError:
        return bare not in LOOPBACK and not bare.endswith((".localhost", ".local", ".internal"))


def secure_url(url: str) -> str:
    """An address of another service that we fetch from or post to, or send people to: https, a
    plain public host, no user or password. Plain http to this machine only where the settings
    allow it (REVANS_ALLOW_LOOPBACK_URLS: a developer's own provider; the tests' servers).
    Refused (ValidationError) otherwise."""
    parts = urlsplit(url)
    try:
        host = parts.netloc.rpartition(":")[0] if parts.port else parts.netloc
    except ValueError:  # a port that is not one
        host = ""
    here = settings.ALLOW_LOOPBACK_URLS and host in LOOPBACK
    secure = parts.scheme == "https" or (parts.scheme == "http" and here)
    if not secure or "@" in parts.netloc or not HOST.fullmatch(host):
        raise ValidationError(
            _("%(url)s must start with https:// and name a host, with no user or password.")
            % {"url": url[:200]}
        )
    if not here and not public_address(host):
        raise ValidationError(
            _("%(url)s is not a public address: Revans does not reach into private networks.")
            % {"url": url[:200]}
        )
    return url


# Downloads: a CSV that a spreadsheet opens as data.

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: str) -> str:
    """Make a cell that a spreadsheet would run as a formula show as text instead (OWASP)."""
    return "'" + value if value.startswith(FORMULA_START) else value


type Cell = str | int | Decimal | None


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """A CSV that spreadsheets read as data, whatever their separator: numbers stay numbers
    (unquoted, so -35.2 is a number); every text cell is quoted, so a separator inside it
    ("x;=1+1" in a spreadsheet that splits on semicolons) cannot start a new cell, and a text
    cell that starts a formula is prefixed to show as text."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)

    def cell(value: Cell) -> Cell:
        if value is None or isinstance(value, bool):
            return escape_formula(str(value or ""))
        return value if isinstance(value, int | Decimal) else escape_formula(str(value))

    writer.writerow([cell(h) for h in headers])
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return out.getvalue()
