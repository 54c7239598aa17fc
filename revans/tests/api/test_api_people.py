"""A set's members and the organisation's pool through the API: the pages' forms and services,
and the spreadsheet import's own checks for people sent as JSON, all or none."""

import json

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from revans.api import services
from revans.programmes.models import Participant, ParticipantImport, SetMembership
from revans.tests.api.budget import queries_of

PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _fresh_limits(db):
    caches["api"].clear()


def token(world, actor: str = "admin") -> str:
    user = getattr(world, actor)
    _token, secret = services.token_create(
        user=user, membership=world.membership(user), name="HR", can_write=True, expires_at=None
    )
    return secret


def send(secret: str, method: str, path: str, body=None):
    return Client().generic(
        method,
        f"/api/v1{path}",
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


def test_a_set_s_members_are_listed_added_and_leave_as_on_the_pages(world):
    secret = token(world, "facilitator")
    listed = send(secret, "GET", f"/sets/{world.set_a.pk}/members").json()["items"]
    assert {m["name"] for m in listed} == {"Pat Participant", "Quinn Participant"}
    rae = world.org.participants.get(email="rae@acme.test")
    added = send(secret, "POST", f"/sets/{world.set_a.pk}/members", {"participant": rae.pk})
    assert added.status_code == 201, added.content
    assert added.json()["joined_on"] == world.org.today().isoformat()
    again = send(secret, "POST", f"/sets/{world.set_b.pk}/members", {"participant": rae.pk})
    assert again.status_code == 404  # not their set
    twice = send(token(world), "POST", f"/sets/{world.set_b.pk}/members", {"participant": rae.pk})
    assert twice.status_code == 422 and twice["Content-Type"] == PROBLEM  # placed already
    place = added.json()["id"]
    left = send(
        secret, "POST", f"/sets/{world.set_a.pk}/members/{place}/leave", {"reason": "Moved on"}
    )
    assert left.status_code == 200 and left.json()["left_on"] == world.org.today().isoformat()
    no_reason = send(secret, "POST", f"/sets/{world.set_a.pk}/members/{place}/leave", {})
    assert no_reason.status_code == 422
    assert SetMembership.objects.filter(participant=rae).count() == 1


@pytest.mark.parametrize("actor", ["participant", "sponsor"])
def test_a_member_reads_no_register_and_a_sponsor_sees_the_pool(world, actor):
    members = send(token(world, actor), "GET", f"/sets/{world.set_a.pk}/members")
    pool = send(token(world, actor), "GET", "/participants")
    if actor == "participant":
        assert members.status_code == 403 and pool.status_code == 403
    else:
        assert members.status_code == 200 and pool.status_code == 200
        assert {p["email"] for p in pool.json()["items"]} == {
            "pat@acme.test",
            "quinn@acme.test",
            "rae@acme.test",
        }


def test_people_are_imported_with_the_spreadsheet_s_checks_all_or_none(world):
    secret = token(world)
    people = [
        {"email": "new@acme.test", "name": "New Person", "department": "Ops"},
        {
            "email": "rae@acme.test",
            "name": "Rae Pool",
            "site": "Leeds",
            "attributes": {"tenure": "3"},
        },
        {"email": "boss@acme.test", "name": "Boss", "manager_email": ""},
    ]
    checked = send(secret, "POST", "/participants/import", {"people": people, "apply": False})
    assert checked.json() == {"applied": False, "new": 2, "updated": 1, "unchanged": 0}
    assert (
        not Participant.objects.filter(email="new@acme.test")
        and not ParticipantImport.objects.exists()
    )
    people[0]["manager_email"] = "boss@acme.test"
    applied = send(secret, "POST", "/participants/import", {"people": people})
    assert applied.status_code == 200 and applied.json()["new"] == 2, applied.content
    new = Participant.objects.get(email="new@acme.test")
    assert new.manager.email == "boss@acme.test" and new.department == "Ops"
    assert Participant.objects.get(email="rae@acme.test").attributes == {"tenure": "3"}
    assert ParticipantImport.objects.get().content == b""  # not kept once applied


@pytest.mark.parametrize(
    "people",
    [
        [{"email": "not-an-email", "name": "X"}],
        [{"email": "a@acme.test", "name": ""}],
        [{"email": "a@acme.test", "name": "A\x00"}],
        [{"email": "a@acme.test", "name": "A" * 151}],
        [
            {"email": "a@acme.test", "name": "A"},
            {"email": "b@acme.test", "name": "B", "site": "x" * 501},
        ],
        [{"email": "a@acme.test", "name": "A", "manager_email": "nobody@acme.test"}],
        [{"email": "a@acme.test", "name": "A", "colour": "red"}],
        [{"email": "a@acme.test", "name": "A", "attributes": {"x": 1}}],
        [],
    ],
)
def test_a_bad_person_refuses_the_whole_import(world, people):
    before = list(Participant.objects.values_list("email", "name", "site"))
    answer = send(token(world), "POST", "/participants/import", {"people": people})
    assert answer.status_code == 422 and answer["Content-Type"] == PROBLEM, answer.content
    assert list(Participant.objects.values_list("email", "name", "site")) == before
    assert not ParticipantImport.objects.exists()


def test_the_pool_costs_the_same_queries_for_ten_people_and_a_thousand(world):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token(world)}")
    counts = []
    with time_machine.travel(timezone.now(), tick=False):
        for n in (10, 990):
            Participant.objects.bulk_create(
                Participant(organisation=world.org, email=f"p{n}-{i}@acme.test", name=f"P{i}")
                for i in range(n)
            )
            count, answer = queries_of(client, "/api/v1/participants?limit=100")
            assert len(answer["items"]) == min(100, Participant.objects.count())
            counts.append(count)
    assert counts[0] == counts[1], counts


def test_a_set_s_members_cost_the_same_queries_for_ten_and_a_thousand(world):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token(world)}")
    url = f"/api/v1/sets/{world.set_b.pk}/members?limit=100"
    counts = []
    with time_machine.travel(timezone.now(), tick=False):
        for n in (10, 990):
            people = Participant.objects.bulk_create(
                Participant(organisation=world.org, email=f"m{n}-{i}@acme.test", name=f"M{i}")
                for i in range(n)
            )
            SetMembership.objects.bulk_create(
                SetMembership(learning_set=world.set_b, participant=p, joined_on=world.org.today())
                for p in people
            )
            count, answer = queries_of(client, url)
            assert len(answer["items"]) == min(
                100, SetMembership.objects.filter(learning_set=world.set_b).count()
            )
            counts.append(count)
    assert counts[0] == counts[1], counts
