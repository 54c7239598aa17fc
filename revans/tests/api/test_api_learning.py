"""My challenges, actions, report-backs and learning log through the API: read as the pages
read them (the confidentiality table, by each record's own moment), changed only by their
owner, from the version they read, with the pages' forms and services."""

import json
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from revans.accounts.models import Role
from revans.api import services
from revans.learning.models import Action, Challenge, Reflection, ReportBack
from revans.programmes.models import SetMembership
from revans.tests.api.budget import queries_of

PROBLEM = "application/problem+json"
CANARY = "zqx-learning-canary-77a1"


@pytest.fixture(autouse=True)
def _fresh_limits(db):
    caches["api"].clear()


def token(world, actor: str = "participant") -> str:
    user = getattr(world, actor)
    _token, secret = services.token_create(
        user=user, membership=world.membership(user), name="CLI", can_write=True, expires_at=None
    )
    return secret


def send(secret: str, method: str, path: str, body=None, **headers):
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    return Client().generic(
        method,
        f"/api/v1{path}",
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        **extra,
    )


def _pat(world):
    return world.org.participants.get(user=world.participant)


def test_a_member_brings_a_challenge_commits_reports_back_and_reads_it_all_as_theirs(world):
    pat = token(world)
    key = str(uuid.uuid4())
    body = {"statement": f"Overtime {CANARY}", "business_area": "Ops", "submission": key}
    made = send(pat, "POST", f"/sets/{world.set_a.pk}/challenges", body)
    assert made.status_code == 201, made.content
    again = send(pat, "POST", f"/sets/{world.set_a.pk}/challenges", body)  # a retry
    assert again.json()["id"] == made.json()["id"] and Challenge.objects.count() == 1
    cid = made.json()["id"]
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    action = send(pat, "POST", f"/challenges/{cid}/actions", {"text": "Ask Ops", "due_on": due})
    assert action.status_code == 201 and action.json()["status"] == "open", action.content
    aid = action.json()["id"]
    read = send(pat, "GET", f"/actions/{aid}")
    unnamed = send(pat, "PATCH", f"/actions/{aid}", {"progress": "Asked"})
    assert unnamed.status_code == 428 and unnamed["Content-Type"] == PROBLEM
    updated = send(
        pat, "PATCH", f"/actions/{aid}", {"progress": "Asked"}, **{"If-Match": read["ETag"]}
    )
    assert updated.status_code == 200 and updated.json()["progress"] == "Asked", updated.content
    stale = send(
        pat, "PATCH", f"/actions/{aid}", {"progress": "Nope"}, **{"If-Match": read["ETag"]}
    )
    assert stale.status_code == 412 and Action.objects.get(pk=aid).progress == "Asked"
    reported = send(
        pat, "POST", f"/actions/{aid}/report-back", {"outcome": "done", "learned": "Ask"}
    )
    assert reported.status_code == 201 and reported.json()["report_back"]["outcome"] == "done"
    twice = send(pat, "POST", f"/actions/{aid}/report-back", {"outcome": "not"})
    assert twice.status_code == 409 and ReportBack.objects.count() == 1
    mine = send(pat, "GET", "/me/challenges").json()["items"]
    assert [c["id"] for c in mine] == [cid]
    actions = send(pat, "GET", "/me/actions").json()["items"]
    assert actions[0]["progress"] == "Asked" and actions[0]["report_back"]["learned"] == "Ask"


def test_a_challenge_changes_only_by_its_owner_from_the_version_they_read(world):
    challenge = Challenge.objects.create(learning_set=world.set_a, owner=_pat(world), statement="A")
    pat = token(world)
    read = send(pat, "GET", f"/challenges/{challenge.pk}")
    quinn = send(
        token(world, "participant2"),
        "PATCH",
        f"/challenges/{challenge.pk}",
        {"statement": "Mine now"},
        **{"If-Match": read["ETag"]},
    )
    assert quinn.status_code == 403  # they read it (a member when it was written), not change it
    changed = send(
        pat,
        "PATCH",
        f"/challenges/{challenge.pk}",
        {"status": "resolved"},
        **{"If-Match": read["ETag"]},
    )
    assert changed.status_code == 200, changed.content
    challenge.refresh_from_db()
    assert challenge.status == "resolved" and challenge.statement == "A" and challenge.version == 2
    unknown = send(
        pat, "PATCH", f"/challenges/{challenge.pk}", {"owner": 1}, **{"If-Match": changed["ETag"]}
    )
    assert unknown.status_code == 422 and Challenge.objects.get().version == 2


def test_what_members_write_is_read_as_the_pages_read_it(world):
    pat = _pat(world)
    written = timezone.now() - timedelta(days=10)
    challenge = Challenge.objects.create(
        learning_set=world.set_a, owner=pat, statement=f"Secret {CANARY}", written_at=written
    )
    path = f"/challenges/{challenge.pk}"
    assert send(token(world, "participant2"), "GET", path).status_code == 200
    assert send(token(world, "facilitator"), "GET", path).status_code == 200
    for actor in ("admin", "sponsor"):  # the organisation's figures, never the members' words
        refused = send(token(world, actor), "GET", path)
        assert refused.status_code == 403 and CANARY not in refused.text
    _org_token, secret = services.organisation_token_create(
        organisation=world.org,
        by=world.admin,
        name="BI",
        roles=[Role.ADMIN, Role.SPONSOR],
        can_write=True,
        expires_at=None,
    )
    assert send(secret, "GET", path).status_code == 403
    assert send(token(world, "other_facilitator"), "GET", path).status_code == 404
    # Quinn joined after it was written: as on the page, it is not theirs to read.
    SetMembership.objects.filter(participant__user=world.participant2).update(
        joined_on=timezone.localdate()
    )
    late = send(token(world, "participant2"), "GET", path)
    assert late.status_code == 404 and CANARY not in late.text


def test_a_submission_key_never_answers_someone_elses_record(world):
    theirs = Reflection.objects.create(
        learning_set=world.set_a, author=_pat(world), text=f"Private {CANARY}"
    )
    answer = send(
        token(world, "participant2"),
        "POST",
        f"/sets/{world.set_a.pk}/reflections",
        {"text": "Mine", "submission": str(theirs.submission)},
    )
    assert answer.status_code == 409 and CANARY not in answer.text


def test_my_learning_log_is_mine_only(world):
    pat = token(world)
    made = send(pat, "POST", f"/sets/{world.set_a.pk}/reflections", {"text": "I avoid conflict"})
    assert made.status_code == 201 and made.json()["shared"] is False, made.content
    quinn = world.org.participants.get(user=world.participant2)
    Reflection.objects.create(
        learning_set=world.set_a, author=quinn, text=f"Shared {CANARY}", shared_at=timezone.now()
    )
    log = send(pat, "GET", "/me/reflections")
    assert [r["text"] for r in log.json()["items"]] == ["I avoid conflict"]
    assert CANARY not in log.text
    shared = send(pat, "PATCH", f"/reflections/{made.json()['id']}", {"shared": True})
    assert shared.status_code == 200 and shared.json()["shared"] is True
    theirs = Reflection.objects.get(author=quinn)
    refused = send(pat, "PATCH", f"/reflections/{theirs.pk}", {"shared": False})
    assert refused.status_code == 403 and Reflection.objects.get(pk=theirs.pk).is_shared
    assert (
        send(
            token(world, "facilitator"),
            "POST",
            f"/sets/{world.set_a.pk}/reflections",
            {"text": "x"},
        ).status_code
        == 403
    )


@pytest.mark.parametrize("path", ["/me/challenges", "/me/actions", "/me/reflections"])
def test_my_lists_cost_the_same_queries_for_ten_rows_and_a_thousand(world, path):
    pat = _pat(world)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token(world)}")
    url = f"/api/v1{path}?limit=100"
    due = timezone.localdate() + timedelta(days=7)
    counts = []
    with time_machine.travel(timezone.now(), tick=False):
        for n in (10, 990):
            challenges = Challenge.objects.bulk_create(
                Challenge(learning_set=world.set_a, owner=pat, statement=f"C{i}") for i in range(n)
            )
            Action.objects.bulk_create(
                Action(challenge=c, text="a", due_on=due) for c in challenges
            )
            Reflection.objects.bulk_create(
                Reflection(learning_set=world.set_a, author=pat, text="r") for _ in range(n)
            )
            count, answer = queries_of(client, url)
            assert len(answer["items"]) == min(100, n)
            counts.append(count)
    assert counts[0] == counts[1], counts
