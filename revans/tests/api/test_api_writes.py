"""Changes through the API: as from the pages (the same forms decide what is valid, the same
services send the same notices), and bad input refused with a problem+json that changes nothing."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from revans.api import services
from revans.meetings.models import Attendance, Meeting
from revans.programmes.models import LearningSet, Programme
from revans.tests.world import future_meeting

PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _fresh_limits(db):
    caches["api"].clear()


def token(world, actor: str = "facilitator", *, can_write: bool = True) -> str:
    user = world.actors[actor]
    _token, secret = services.token_create(
        user=user,
        membership=world.membership(user),
        name="CLI",
        can_write=can_write,
        expires_at=None,
    )
    return secret


def send(secret: str, method: str, path: str, body=None, *, raw: bytes | None = None, **headers):
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    data = raw if raw is not None else json.dumps(body) if body is not None else ""
    return Client().generic(
        method,
        f"/api/v1{path}",
        data,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        **extra,
    )


def _day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_a_facilitator_adds_a_meeting_and_the_invitations_go_out(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = send(
            token(world),
            "POST",
            f"/sets/{world.set_a.pk}/meetings",
            {"day": _day(20), "at": "09:30", "place": "Room 4"},
        )
    assert made.status_code == 201, made.content
    meeting = Meeting.objects.get(pk=made.json()["id"])
    assert meeting.place == "Room 4" and meeting.minutes == world.programme.meeting_minutes
    assert meeting.time_zone == world.org.time_zone
    invited = {address for message in mail.outbox for address in message.to}
    assert {"pat@acme.test", "quinn@acme.test"} <= invited


def test_a_meeting_moves_as_the_page_moves_it_and_if_match_guards_it(world):
    meeting = future_meeting(world.set_a, days=5)
    secret = token(world)
    read = send(secret, "GET", f"/meetings/{meeting.pk}")
    moved = send(
        secret,
        "PATCH",
        f"/meetings/{meeting.pk}",
        {"day": _day(6), "place": "The library"},
        **{"If-Match": read["ETag"]},
    )
    assert moved.status_code == 200, moved.content
    meeting.refresh_from_db()
    assert meeting.place == "The library" and meeting.local_start.date().isoformat() == _day(6)
    stale = send(
        secret,
        "PATCH",
        f"/meetings/{meeting.pk}",
        {"place": "Elsewhere"},
        **{"If-Match": read["ETag"]},
    )
    assert stale.status_code == 412 and stale["Content-Type"] == PROBLEM
    meeting.refresh_from_db()
    assert meeting.place == "The library"


def test_attendance_is_read_and_recorded_by_those_who_manage_the_meeting(world):
    meeting = future_meeting(world.set_a, days=-1)
    Meeting.objects.filter(pk=meeting.pk).update(ends_at=timezone.now() - timedelta(hours=1))
    pat = world.org.participants.get(user=world.participant)
    secret = token(world)
    recorded = send(secret, "PUT", f"/meetings/{meeting.pk}/attendance", {"present": [pat.pk]})
    assert recorded.status_code == 200, recorded.content
    present = dict(
        Attendance.objects.filter(meeting=meeting).values_list("participant_id", "present")
    )
    assert present[pat.pk] is True and list(present.values()).count(False) == 1
    listed = send(secret, "GET", f"/meetings/{meeting.pk}/attendance").json()
    assert {p["participant"]: p["present"] for p in listed["people"]} == present
    # A member reads the meeting, not the register; a stranger to the set finds nothing.
    assert (
        send(token(world, "participant"), "GET", f"/meetings/{meeting.pk}/attendance").status_code
        == 403
    )
    rae = world.org.participants.get(email="rae@acme.test")
    outsider = send(secret, "PUT", f"/meetings/{meeting.pk}/attendance", {"present": [rae.pk]})
    assert outsider.status_code == 422 and outsider["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    ("body", "raw", "status"),
    [
        (None, b"{not json", 400),
        (None, b"[1, 2]", 422),
        ({"day": "soon", "at": "09:30"}, None, 422),
        ({"day": 12, "at": "09:30"}, None, 422),
        ({"at": "09:30"}, None, 422),
        ({"day": "DAY", "at": "09:30", "colour": "red"}, None, 422),
        ({"day": "DAY", "at": "09:30", "minutes": 100000}, None, 422),
        ({"day": "DAY", "at": "09:30", "time_zone": "Mars/Olympus"}, None, 422),
        ({"day": "DAY", "at": "09:30", "video_url": "javascript:alert(1)"}, None, 422),
        ({"day": "DAY", "at": "09:30", "place": "x" * 301}, None, 422),
        ({"day": "1999-01-01", "at": "09:30"}, None, 422),
        ({"day": "9999-12-31", "at": "23:59", "minutes": 720}, None, 422),
        (None, b'{"day": "' + b"9" * 300_000 + b'"}', 413),
        (None, b'{"day": "' + b"9" * 3_000_000 + b'"}', 413),
    ],
)
def test_bad_input_is_refused_with_a_problem_and_changes_nothing(world, body, raw, status):
    if body and body.get("day") == "DAY":
        body["day"] = _day(9)
    before = Meeting.objects.count()
    answer = send(token(world), "POST", f"/sets/{world.set_a.pk}/meetings", body, raw=raw)
    assert answer.status_code == status, answer.content[:300]
    assert answer["Content-Type"] == PROBLEM and answer.json()["status"] == status
    assert Meeting.objects.count() == before and not mail.outbox


def test_a_read_only_token_and_a_member_change_nothing(world):
    meeting = future_meeting(world.set_a, days=5)
    reader = send(token(world, can_write=False), "PATCH", f"/meetings/{meeting.pk}", {"place": "X"})
    assert reader.status_code == 403
    member = send(token(world, "participant"), "PATCH", f"/meetings/{meeting.pk}", {"place": "X"})
    assert member.status_code == 403
    other_set = send(
        token(world), "POST", f"/sets/{world.set_b.pk}/meetings", {"day": _day(9), "at": "09:30"}
    )
    assert other_set.status_code == 404
    meeting.refresh_from_db()
    assert meeting.place == "" and Meeting.objects.count() == 1


def test_an_unknown_path_or_method_is_a_problem_too(world):
    secret = token(world)
    missing = send(secret, "GET", "/nothing/here")
    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM
    wrong = send(secret, "DELETE", "/me")
    assert wrong.status_code == 405 and wrong["Content-Type"] == PROBLEM
    assert "GET" in wrong["Allow"]


def test_an_admin_makes_a_programme_and_its_sets_with_the_pages_forms(world):
    secret = token(world, "admin")
    starts, ends = _day(30), _day(400)
    made = send(
        secret,
        "POST",
        "/programmes",
        {
            "name": "Leaders 2",
            "starts_on": starts,
            "ends_on": ends,
            "facilitators": ["FAY@acme.test"],
        },
    )
    assert made.status_code == 201, made.content
    programme = Programme.objects.get(name="Leaders 2")
    assert programme.cadence_weeks == Programme().cadence_weeks  # the page's default
    assert list(programme.facilitators.all()) == [world.facilitator]
    read = send(secret, "GET", f"/programmes/{programme.pk}")
    renamed = send(
        secret,
        "PATCH",
        f"/programmes/{programme.pk}",
        {"name": "Leaders II"},
        **{"If-Match": read["ETag"]},
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "Leaders II"
    stale = send(
        secret, "PATCH", f"/programmes/{programme.pk}", {"name": "X"}, **{"If-Match": read["ETag"]}
    )
    assert stale.status_code == 412
    added = send(
        secret,
        "POST",
        f"/programmes/{programme.pk}/sets",
        {"name": "Set C", "facilitators": ["fay@acme.test"]},
    )
    assert added.status_code == 201, added.content
    learning_set = LearningSet.objects.get(name="Set C")
    assert [f.user for f in learning_set.facilitations.all()] == [world.facilitator]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            "/programmes",
            {
                "name": "X",
                "starts_on": "DAY",
                "ends_on": "DAY",
                "facilitators": ["nobody@acme.test"],
            },
        ),
        (
            "/programmes",
            {
                "name": "X",
                "starts_on": "DAY",
                "ends_on": "LATER",
                "facilitators": ["pat@acme.test"],
            },
        ),
        ("/programmes", {"name": "", "starts_on": "DAY", "ends_on": "LATER"}),
        ("/programmes", {"name": "X", "starts_on": "DAY", "ends_on": "LATER", "max_set_size": 0}),
        ("/programmes", {"name": "X", "starts_on": "DAY", "ends_on": "LATER", "currency": "XX"}),
        ("/programmes", {"name": "X", "starts_on": "DAY", "ends_on": "LATER", "owner": 1}),
        ("/programmes/PID/sets", {"name": "Set Z", "facilitators": []}),
        ("/programmes/PID/sets", {"name": "Set Z", "facilitators": ["olly@bravo.test"]}),
        ("/programmes/PID/sets", {"name": "", "facilitators": ["fay@acme.test"]}),
    ],
)
def test_a_bad_programme_or_set_is_refused_and_nothing_is_made(world, path, body):
    good = send(
        token(world, "admin"),
        "POST",
        "/programmes",
        {"name": "Fine", "starts_on": _day(30), "ends_on": _day(200)},
    )
    assert good.status_code == 201  # the body is sound but for its one fault
    Programme.objects.filter(name="Fine").delete()
    days = {"DAY": _day(30), "LATER": _day(200)}
    body = {k: days.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    before = (Programme.objects.count(), LearningSet.objects.count())
    answer = send(token(world, "admin"), "POST", path.replace("PID", str(world.programme.pk)), body)
    assert answer.status_code == 422 and answer["Content-Type"] == PROBLEM, answer.content
    assert (Programme.objects.count(), LearningSet.objects.count()) == before


def test_only_admins_and_sponsors_make_programmes(world):
    body = {"name": "X", "starts_on": _day(30), "ends_on": _day(90)}
    for actor in ("facilitator", "participant"):
        assert send(token(world, actor), "POST", "/programmes", body).status_code == 403
    path = f"/programmes/{world.programme.pk}"
    assert send(token(world, "facilitator"), "PATCH", path, {"name": "Mine"}).status_code == 403
    assert Programme.objects.get().name == "Leaders"
