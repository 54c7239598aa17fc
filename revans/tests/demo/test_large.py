"""build_large_organisation: what it builds, that it refuses to build twice, the same from the
same seed, its logins sign in; and every busy page costs the same queries at two sizes tenfold
apart, each built by the command."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from revans.accounts.models import Membership, Organisation, User
from revans.api import services as api_services
from revans.demo.data import PASSWORD
from revans.learning.models import Challenge
from revans.meetings.models import Meeting
from revans.programmes.models import LearningSet, Participant, Programme, SetMembership


def build(slug: str, factor: float, seed: int = 1) -> str:
    out = StringIO()
    call_command(
        "build_large_organisation", factor=factor, slug=slug, seed=seed, stdout=out, stderr=out
    )
    return out.getvalue()


def test_it_builds_the_size_asked_once_and_prints_logins_that_sign_in(db):
    printed = build("tiny", 0.02)
    organisation = Organisation.objects.get(slug="tiny")
    assert LearningSet.objects.filter(programme__organisation=organisation).count() == 6
    assert Participant.objects.filter(organisation=organisation).count() == 36
    facilitators = Membership.objects.filter(organisation=organisation, is_facilitator=True)
    assert facilitators.count() == 1
    assert "Built 'tiny'" in printed and " s." in printed
    now = timezone.now()
    meetings = Meeting.objects.filter(learning_set__programme__organisation=organisation)
    assert meetings.filter(starts_at__lt=now - timedelta(days=700)).exists()  # two years ...
    assert meetings.filter(starts_at__gt=now).exists()  # ... and meetings to come
    for email in ("admin@tiny.example", "sponsor@tiny.example", "participant00000@tiny.example"):
        assert email in printed
        assert Client().login(email=email, password=PASSWORD), email
    with pytest.raises(CommandError, match="exists already"):
        build("tiny", 0.02)
    assert Participant.objects.filter(organisation=organisation).count() == 36  # nothing added


def test_a_bad_factor_is_refused_in_words(db):
    with pytest.raises(CommandError, match="above 0"):
        build("none", 0)
    assert not Organisation.objects.filter(slug="none").exists()


def test_the_same_seed_builds_the_same_organisation(db):
    build("one", 0.01, seed=7)
    build("two", 0.01, seed=7)
    build("three", 0.01, seed=8)

    def told(slug: str) -> list[str]:
        return list(
            Challenge.objects.filter(learning_set__programme__organisation__slug=slug)
            .order_by("pk")
            .values_list("statement", flat=True)
        )

    assert told("one") == told("two")
    assert told("one") != told("three")


def _warm_count(client: Client, url: str) -> int:
    """The queries of the second of two requests (the first warms sessions and caches)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url)
    assert answer.status_code == 200, (url, answer.status_code)
    return len(queries)


def _busy_pages(slug: str) -> dict[str, int]:
    """The queries of each busy page in the organisation, as its first people see them."""
    organisation = Organisation.objects.get(slug=slug)
    pat = Participant.objects.get(
        organisation=organisation, email=f"participant00000@{slug}.example"
    )
    place = SetMembership.objects.get(participant=pat)
    learning_set = place.learning_set
    programme = Programme.objects.filter(organisation=organisation).order_by("pk").first()
    assert programme is not None
    now = timezone.now()
    upcoming = learning_set.meetings.filter(starts_at__gt=now).order_by("starts_at").first()
    assert upcoming is not None
    live = Meeting.objects.create(
        learning_set=learning_set,
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=3),
        time_zone=organisation.time_zone,
    )
    people = {
        role: User.objects.get(email=f"{role}@{slug}.example")
        for role in ("admin", "sponsor", "participant00000", "facilitator00000")
    }
    ids = {"set": learning_set.pk, "p": programme.pk, "next": upcoming.pk, "live": live.pk}
    pages = {
        "participant00000": [
            "/o/{org}/",
            "/o/{org}/sets/{set}/",
            "/o/{org}/sets/{set}/log/",
            "/o/{org}/sets/{set}/cycle/",
            "/o/{org}/meetings/{next}/",
            "/o/{org}/meetings/{live}/board/poll/?v=0",
        ],
        "facilitator00000": [
            "/o/{org}/",
            "/o/{org}/sets/{set}/",
            "/o/{org}/sets/{set}/cycle/",
            "/o/{org}/meetings/{next}/",
        ],
        "sponsor": [
            "/o/{org}/",
            "/o/{org}/programmes/{p}/",
            "/o/{org}/programmes/{p}/dashboard/",
            "/o/{org}/programmes/{p}/roi/",
        ],
        "admin": ["/o/{org}/", "/o/{org}/programmes/", "/o/{org}/programmes/{p}/"],
    }
    counts = {}
    for who, urls in pages.items():
        client = Client()
        client.force_login(people[who])
        for url in urls:
            counts[f"{who} {url}"] = _warm_count(client, url.format(org=slug, **ids))
    api = {
        "admin": [
            "/api/v1/programmes",
            "/api/v1/participants?limit=100",
            "/api/v1/programmes/{p}/sets",
            "/api/v1/sets/{set}/members",
            "/api/v1/sets/{set}/meetings",
        ],
        "participant00000": [
            "/api/v1/me/challenges",
            "/api/v1/me/actions",
            "/api/v1/me/reflections",
        ],
    }
    for who, urls in api.items():
        user = people[who]
        _token, secret = api_services.token_create(
            user=user,
            membership=Membership.objects.get(user=user, organisation=organisation),
            name="Load",
            can_write=False,
            expires_at=None,
        )
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        for url in urls:
            counts[f"{who} {url}"] = _warm_count(client, url.format(**ids))
    return counts


def test_every_busy_page_costs_the_same_queries_at_two_sizes_tenfold_apart(db):
    caches["api"].clear()
    with time_machine.travel(timezone.now(), tick=False):  # one frozen minute for both counts
        build("small", 0.01)
        build("big", 0.1)
        small, big = _busy_pages("small"), _busy_pages("big")
    grown = {page: (small[page], big[page]) for page in small if small[page] != big[page]}
    assert not grown, f"queries (small, big) of the pages that grew: {grown}"
    assert len(small) == 25
