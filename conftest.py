"""The suite's fixtures and hooks: its clock, its own DNS server, fast and contained settings, and
the small world every test speaks in (`revans/tests/world.py`)."""

import os
import re
from contextlib import ExitStack
from datetime import datetime, time

import pytest
import time_machine
from django.core import mail
from django.utils import timezone, translation

from revans.tests import clock
from revans.tests.dns_server import DNSServer
from revans.tests.world import World, build_world

_clock = ExitStack()
UNSUBSCRIBE_LINK = re.compile(r"<https?://[^/>\s]+/unsubscribe/[^/>\s]+/>")


def pytest_configure(config):
    """The suite's clock starts before the test modules are read, so that what they count from
    today at import is counted from the suite's today (`revans/tests/clock.py`)."""
    os.environ[clock.SHIFT] = str(_clock.enter_context(clock.suite_clock()))


def pytest_unconfigure(config):
    _clock.close()


@pytest.fixture(scope="session")
def _dns_server():
    server = DNSServer()
    yield server
    server.close()


@pytest.fixture
def dns_server(_dns_server):
    """The tests' own DNS server: publish TXT records on it; it is empty again after each test."""
    yield _dns_server
    _dns_server.clear()


@pytest.fixture(autouse=True)
def _fast_and_contained(settings, _dns_server):
    """Fast hashing, tasks run at once (Django's test setup keeps email in memory), DNS lookups
    go to the tests' own server, never out to the network, and the tests' own servers on this
    machine may be reached over plain http."""
    settings.DNS_NAMESERVERS = [("127.0.0.1", _dns_server.port)]
    settings.ALLOW_LOOPBACK_URLS = True  # the tests' identity providers and webhook receivers
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _language_of_each_test_its_own():
    """A page read in a person's language leaves it active in this thread (the locale
    middleware activates, never deactivates): each test starts in the site's language."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _every_email_can_be_unsubscribed():
    """Every email any test sends, of whatever kind, carries RFC 8058's one-click unsubscribe:
    a link to this site (https in production) and the header that says one POST does it."""
    yield
    for message in getattr(mail, "outbox", []):
        link = message.extra_headers.get("List-Unsubscribe", "")
        assert UNSUBSCRIBE_LINK.fullmatch(link), (message.subject, link)
        post = message.extra_headers.get("List-Unsubscribe-Post")
        assert post == "List-Unsubscribe=One-Click", message.subject


@pytest.fixture
def office_hours():
    """The clock at ten in the morning of the suite's today (still ticking), for tests of what
    happens at a time of day, such as a survey that opens at eight: they pass at any hour."""
    ten = datetime.combine(timezone.localdate(), time(10), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(ten, tick=True):
        yield


@pytest.fixture
def world(db) -> World:
    return build_world()
