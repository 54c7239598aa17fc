"""Formation runs in the API: each role answered as the pages answer it, a run started, watched and
accepted as from the page (the same form judges what it is asked), refusals that change nothing,
another organisation's runs as absent as missing ones, and `formation.accepted` told to the
organisation's webhooks with ids and links only."""

import json

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from revans.accounts.models import Organisation, Role, User
from revans.api import services, webhooks
from revans.formation.models import FormationRun
from revans.programmes.models import LearningSet, Participant
from revans.tests.api.test_webhooks import Receiver
from revans.tests.world import finished_run, make_member, make_user

PROBLEM = "application/problem+json"
Status = FormationRun.Status
DEPARTMENTS = ["Ops", "Finance", "IT", "Sales"]
SITES = ["Leeds", "York", "Hull"]


@pytest.fixture(autouse=True)
def _fresh_limits(db):
    caches["api"].clear()


@pytest.fixture
def pool(world):
    """Twelve more people (with a manager and their two reports among them): with Rae, thirteen
    are in no set of the programme."""
    people = [
        Participant.objects.create(
            organisation=world.org,
            email=f"p{i}@acme.test",
            name=f"Person {i:02d}",
            department=DEPARTMENTS[i % 4],
            site=SITES[i % 3],
            job_level=str(1 + i % 4),
            attributes={"gender": "F" if i % 2 else "M"},
        )
        for i in range(12)
    ]
    for report in people[1:3]:
        report.manager = people[0]
        report.save()
    return people


def bearer(user: User, org: Organisation, *, can_write: bool = True) -> str:
    membership = user.memberships.get(organisation=org)
    _token, secret = services.token_create(
        user=user, membership=membership, name="Formation", can_write=can_write, expires_at=None
    )
    return secret


def actors(world) -> dict[str, tuple[User, Organisation]]:
    """Everyone whose answer the pages decide, with the organisation they speak in."""
    ours = {name: (user, world.org) for name, user in world.actors.items()}
    ours["other_facilitator"] = (world.other_facilitator, world.org)  # not named by it
    ours["outsider"] = (world.outsider, world.other_org)
    return ours


def call(secret: str, method: str, path: str, body=None, *, raw: str | None = None, **headers):
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    data = raw if raw is not None else ("" if body is None else json.dumps(body))
    return Client().generic(
        method,
        f"/api/v1{path}",
        data,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        **extra,
    )


def ask(**overrides):
    """The body that asks what `page_form` asks on the page."""
    body = {
        "pool": "unplaced",
        "sets": 3,
        "lower": 4,
        "upper": 5,
        "avoid_repeats": True,
        "apart": [["p3@acme.test", "p4@acme.test"]],
        "pinned": [{"email": "p5@acme.test", "set": 2}],
        "seconds": 1,
        "seed": 3,
        "attributes": {
            "department": {"weight": 3},
            "site": {"weight": 2, "prefer": "different"},
            "attr:gender": {"weight": 1, "prefer": "similar"},
        },
    }
    return body | overrides


def page_form():
    return {
        "pool": "unplaced",
        "sets": "3",
        "lower": "4",
        "upper": "5",
        "avoid_repeats": "on",
        "isolation": "",
        "apart": "p3@acme.test, p4@acme.test",
        "together": "",
        "pinned": "p5@acme.test, 2",
        "seconds": "1",
        "seed": "3",
        "weight_department": "3",
        "prefer_department": "different",
        "weight_site": "2",
        "prefer_site": "different",
        "weight_attr__gender": "1",
        "prefer_attr__gender": "similar",
    }


def naming(run: FormationRun, facilitator: User) -> dict[str, list[dict[str, str]]]:
    return {
        "sets": [
            {"name": f"Team {n}", "facilitator": facilitator.email}
            for n in range(1, len(run.groups) + 1)
        ]
    }


def two_sets(world, pool) -> FormationRun:
    return finished_run(
        world.programme,
        [[p.pk for p in pool[:6]], [p.pk for p in pool[6:]]],
        scores=[{"total": 4.0, "by_attribute": {"Department": 4.0}}] * 2,
        random_objective=5.0,
    )


@pytest.mark.parametrize(
    "actor", ["admin", "sponsor", "facilitator", "participant", "other_facilitator", "outsider"]
)
def test_each_role_gets_the_answer_the_pages_give(world, pool, actor):
    user, org = actors(world)[actor]
    run = two_sets(world, pool)
    browser = Client()
    browser.force_login(user)
    tool = f"/o/acme/programmes/{world.programme.pk}/formation/"
    on_the_pages = {
        "tool": browser.get(tool).status_code,
        "run": browser.get(run.get_absolute_url()).status_code,
    }
    secret = bearer(user, org)
    in_the_api = {
        "tool": call(secret, "GET", f"/programmes/{world.programme.pk}/formation-runs").status_code,
        "run": call(secret, "GET", f"/formation-runs/{run.pk}").status_code,
    }
    expected = {
        "admin": 200,
        "sponsor": 200,
        "facilitator": 200,
        "participant": 403,
        "other_facilitator": 404,
        "outsider": 404,
    }[actor]
    assert on_the_pages == in_the_api == {"tool": expected, "run": expected}
    # Writing is refused alike, and nothing has started or stopped.
    start = call(secret, "POST", f"/programmes/{world.programme.pk}/formation-runs", ask())
    stop = call(secret, "POST", f"/formation-runs/{run.pk}/cancel")
    if expected == 200:
        assert start.status_code == 202 and stop.status_code == 409
    else:
        assert start.status_code == stop.status_code == expected
        assert start["Content-Type"] == stop["Content-Type"] == PROBLEM
        assert FormationRun.objects.get() == run
    run.refresh_from_db()
    assert run.status == Status.DONE and not run.cancel_requested


def test_a_run_is_started_watched_and_accepted_as_from_the_page(
    world, pool, django_capture_on_commit_callbacks
):
    secret = bearer(world.facilitator, world.org)
    moment = timezone.now().replace(microsecond=0)
    start = f"/programmes/{world.programme.pk}/formation-runs"
    # The worker runs it once the request has committed, as it would from the page.
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        started = call(secret, "POST", start, ask())
    assert started.status_code == 202
    answer = started.json()
    assert answer["status"] == "queued" and answer["sets"] is None  # as it was asked
    assert started["Location"] == f"/api/v1/formation-runs/{answer['id']}"

    polled = call(secret, "GET", f"/formation-runs/{answer['id']}")
    run = FormationRun.objects.get()
    shown = polled.json()
    assert polled.status_code == 200 and shown["status"] == "done" and shown["acceptable"]
    assert shown["progress"] == 1.0 and shown["problems"] == []
    assert shown["created_at"] == shown["started_at"] == shown["finished_at"]
    assert shown["created_at"].startswith(moment.isoformat()[:19])
    # The proposal: participant ids only, set by set, as the run keeps them; the page's figures.
    assert [s["participants"] for s in shown["sets"]] == run.groups
    assert sorted(pk for s in shown["sets"] for pk in s["participants"]) == sorted(
        run.inputs["people"]
    )
    assert pool[5].pk in shown["sets"][1]["participants"]  # pinned to set 2
    assert shown["total_diversity"] == pytest.approx(sum(s["diversity"] for s in shown["sets"]))
    assert shown["random_split"] == run.random_objective
    gain = (shown["total_diversity"] - run.random_objective) / abs(run.random_objective) * 100
    assert shown["gain_over_chance"] == pytest.approx(gain) and gain > 0
    # Job level was left out: it counts 1, as on the page.
    assert set(shown["sets"][0]["by_attribute"]) == {"Department", "Site", "Job level", "Gender"}
    assert "Person" not in polled.text and "@acme.test" not in polled.text
    listed = call(secret, "GET", f"/programmes/{world.programme.pk}/formation-runs").json()
    assert [(r["id"], r["status"]) for r in listed["items"]] == [(run.pk, "done")]

    accepted = call(
        secret,
        "POST",
        f"/formation-runs/{run.pk}/accept",
        naming(run, world.facilitator),
        **{"If-Match": polled["ETag"]},
    )
    assert accepted.status_code == 200
    made = accepted.json()
    assert made["run"] == run.pk
    assert [s["name"] for s in made["sets"]] == ["Team 1", "Team 2", "Team 3"]
    for group, learning_set in zip(run.groups, made["sets"], strict=True):
        members = LearningSet.objects.get(pk=learning_set["id"]).memberships
        assert sorted(members.values_list("participant_id", flat=True)) == sorted(group)
    after = call(secret, "GET", f"/formation-runs/{run.pk}").json()
    assert after["status"] == "accepted" and not after["acceptable"]
    again = call(secret, "POST", f"/formation-runs/{run.pk}/accept", naming(run, world.facilitator))
    assert again.status_code == 409 and again.json()["detail"] == "There is no proposal to change."
    assert LearningSet.objects.filter(name__startswith="Team").count() == 3


def test_the_api_asks_the_solver_exactly_what_the_page_asks(world, pool):
    browser = Client()
    browser.force_login(world.facilitator)
    browser.post(f"/o/acme/programmes/{world.programme.pk}/formation/", page_form())
    from_the_page = FormationRun.objects.get()
    secret = bearer(world.facilitator, world.org)
    answer = call(secret, "POST", f"/programmes/{world.programme.pk}/formation-runs", ask())
    from_the_api = FormationRun.objects.get(pk=answer.json()["id"])
    assert from_the_api.inputs == from_the_page.inputs
    assert (from_the_api.seed, from_the_api.seconds) == (from_the_page.seed, from_the_page.seconds)
    assert from_the_api.created_by == world.facilitator


@pytest.mark.parametrize(
    ("body", "raw", "status", "says"),
    [
        (ask(colour="red"), None, 422, "colour"),
        (ask(sets="three"), None, 422, "sets"),
        (ask(apart="p3@acme.test, p4@acme.test"), None, 422, "apart"),
        (ask(pinned=[{"email": "p5@acme.test", "set": 2, "why": "x"}]), None, 422, "why"),
        (None, '{"sets": 3,', 400, "Cannot parse request body"),
        (None, "", 422, "Field required"),
        (ask(sets=5), None, 422, "13 people do not make 5 sets of 4 to 5."),
        (ask(apart=[["p1@acme.test", "ghost@acme.test"]]), None, 422, "apart: Line 1"),
        (ask(apart=[["p1@acme.test, p2@acme.test", "p3@acme.test"]]), None, 422, "apart"),
        (ask(pinned=[{"email": "p5@acme.test", "set": 9}]), None, 422, "from 1 to 3"),
        (ask(attributes={"shoe_size": {"weight": 2}}), None, 422, "has no shoe_size"),
        (ask(attributes={"site": {"weight": 9}}), None, 422, "attributes.site.weight"),
        (ask(attributes={"site": {"weight": 1, "prefer": "odd"}}), None, 422, "site.prefer"),
        (ask(departments=["Marketing"]), None, 422, "departments"),
        (ask(pool="friends"), None, 422, "pool"),
        (ask(seconds=601), None, 422, "seconds"),
        (ask(seed=2**40), None, 422, "seed"),
        (ask(isolation="shoe_size"), None, 422, "isolation"),
    ],
)
def test_what_the_page_would_refuse_the_api_refuses_and_nothing_starts(
    world, pool, body, raw, status, says
):
    secret = bearer(world.admin, world.org)
    answer = call(secret, "POST", f"/programmes/{world.programme.pk}/formation-runs", body, raw=raw)
    assert answer.status_code == status and answer["Content-Type"] == PROBLEM
    assert says in answer.json()["detail"]
    assert not FormationRun.objects.exists()


def test_a_read_only_token_or_an_unknown_parameter_changes_nothing(world, pool):
    run = two_sets(world, pool)
    read_only = bearer(world.admin, world.org, can_write=False)
    for path, body in (
        (f"/programmes/{world.programme.pk}/formation-runs", ask()),
        (f"/formation-runs/{run.pk}/cancel", None),
        (f"/formation-runs/{run.pk}/accept", naming(run, world.facilitator)),
    ):
        answer = call(read_only, "POST", path, body)
        assert answer.status_code == 403 and answer["Content-Type"] == PROBLEM
    writer = bearer(world.admin, world.org)
    forced = f"/formation-runs/{run.pk}/accept?force=1"
    unknown = call(writer, "POST", forced, naming(run, world.facilitator))
    assert unknown.status_code == 422 and "force" in unknown.json()["detail"]
    assert (
        FormationRun.objects.get() == run
        and not LearningSet.objects.filter(name__startswith="Team").exists()
    )
    run.refresh_from_db()
    assert run.status == Status.DONE


@pytest.mark.parametrize(
    ("change", "status", "says"),
    [
        ({"If-Match": '"stale"'}, 412, "changed since you read it"),
        ({"sets": [{"name": "Only one", "facilitator": "fay@acme.test"}]}, 422, "give 2"),
        ({"facilitator": "pat@acme.test"}, 422, "sets.1.facilitator"),  # no facilitator
        ({"facilitator": "nobody@acme.test"}, 422, "sets.1.facilitator"),
        ({"name": "x" * 121}, 422, "sets.1.name"),
        ({"name": ""}, 422, "sets.1.name"),
        ({"extra": "x"}, 422, "extra"),
        ({"raw": '{"sets": ['}, 400, "Cannot parse"),
    ],
)
def test_an_accept_that_is_refused_makes_no_set(world, pool, change, status, says):
    run = two_sets(world, pool)
    secret = bearer(world.sponsor, world.org)
    read = call(secret, "GET", f"/formation-runs/{run.pk}")
    body = naming(run, world.facilitator)
    headers = {"If-Match": change.get("If-Match", read["ETag"])}
    if "sets" in change:
        body = {"sets": change["sets"]}
    for field in ("facilitator", "name", "extra"):
        if field in change:
            body["sets"][1][field] = change[field]
    answer = call(
        secret, "POST", f"/formation-runs/{run.pk}/accept", body, raw=change.get("raw"), **headers
    )
    assert answer.status_code == status and answer["Content-Type"] == PROBLEM
    assert says in answer.json()["detail"]
    assert LearningSet.objects.filter(programme=world.programme).count() == 2  # A and B
    run.refresh_from_db()
    assert run.status == Status.DONE and run.accepted_at is None


def test_a_proposal_that_breaks_the_programme_s_rules_cannot_be_accepted_now(world, pool):
    # Eight in one set: over the programme's largest (six). The page refuses it with these words.
    run = finished_run(world.programme, [[p.pk for p in pool[:8]], [p.pk for p in pool[8:]]])
    secret = bearer(world.admin, world.org)
    accept = f"/formation-runs/{run.pk}/accept"
    answer = call(secret, "POST", accept, naming(run, world.facilitator))
    assert answer.status_code == 409 and "the most this programme allows" in answer.json()["detail"]
    assert not LearningSet.objects.filter(name__startswith="Team").exists()
    failed = finished_run(world.programme, [[pool[0].pk]], status=Status.FAILED)
    FormationRun.objects.filter(pk=failed.pk).update(groups=None)
    nothing = call(secret, "POST", f"/formation-runs/{failed.pk}/accept", {"sets": []})
    assert nothing.status_code == 409
    assert nothing.json()["detail"] == "There is no proposal to change."


def test_a_waiting_run_is_stopped_as_by_the_page_s_button(world, pool):
    run = FormationRun.objects.create(
        programme=world.programme, created_by=world.admin, inputs={"people": [pool[0].pk]}
    )
    secret = bearer(world.facilitator, world.org)
    read = call(secret, "GET", f"/formation-runs/{run.pk}")
    assert read.json()["status"] == "queued" and read.json()["sets"] is None
    stale = call(secret, "POST", f"/formation-runs/{run.pk}/cancel", **{"If-Match": '"old"'})
    assert stale.status_code == 412
    run.refresh_from_db()
    assert run.status == Status.QUEUED and not run.cancel_requested
    stopped = call(secret, "POST", f"/formation-runs/{run.pk}/cancel", **{"If-Match": read["ETag"]})
    assert stopped.status_code == 200
    assert stopped.json()["status"] == "cancelled" and stopped.json()["cancel_requested"]
    assert stopped["ETag"] != read["ETag"]
    again = call(secret, "POST", f"/formation-runs/{run.pk}/cancel")
    assert again.status_code == 409 and again.json()["detail"] == "This run has already finished."


def test_an_unchanged_run_is_not_sent_again(world, pool):
    run = two_sets(world, pool)
    secret = bearer(world.admin, world.org)
    first = call(secret, "GET", f"/formation-runs/{run.pk}")
    again = call(secret, "GET", f"/formation-runs/{run.pk}", **{"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    FormationRun.objects.filter(pk=run.pk).update(groups=[[p.pk for p in pool]], scores=None)
    moved = call(secret, "GET", f"/formation-runs/{run.pk}", **{"If-None-Match": first["ETag"]})
    assert moved.status_code == 200 and len(moved.json()["sets"]) == 1


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SPONSOR, Role.FACILITATOR, Role.PARTICIPANT])
def test_another_organisation_s_runs_answer_exactly_as_missing_ones(world, pool, role):
    run = two_sets(world, pool)
    member_of_b = make_user(f"{role.value}@bravo.test", "Bravo")
    make_member(world.other_org, member_of_b, role)
    secret = bearer(member_of_b, world.other_org)
    missing = 999999999
    for method, path, body in (
        ("GET", "/formation-runs/{run}", None),
        ("POST", "/formation-runs/{run}/cancel", None),
        ("POST", "/formation-runs/{run}/accept", naming(run, world.facilitator)),
        ("GET", "/programmes/{programme}/formation-runs", None),
        ("POST", "/programmes/{programme}/formation-runs", ask()),
    ):
        real = call(secret, method, path.format(run=run.pk, programme=world.programme.pk), body)
        absent = call(secret, method, path.format(run=missing, programme=missing), body)
        assert real.status_code in (403, 404), (method, path)
        assert (real.status_code, real.content) == (absent.status_code, absent.content)
    run.refresh_from_db()
    assert FormationRun.objects.get() == run and run.status == Status.DONE


def test_the_list_costs_the_same_queries_for_ten_runs_and_a_thousand(world, pool):
    secret = bearer(world.admin, world.org, can_write=False)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    url = f"/api/v1/programmes/{world.programme.pk}/formation-runs?limit=100"
    people = [p.pk for p in pool]
    groups = [people[:6], people[6:]]

    def runs(n: int) -> None:
        FormationRun.objects.bulk_create(
            FormationRun(
                programme=world.programme,
                inputs={"people": people},
                status=Status.DONE,
                groups=groups,
                solved_groups=groups,
            )
            for _ in range(n)
        )

    runs(10)
    with time_machine.travel(timezone.now(), tick=False):
        client.get(url)
        with CaptureQueriesContext(connection) as at_ten:
            assert len(client.get(url).json()["items"]) == 10
        runs(990)
        with CaptureQueriesContext(connection) as at_thousand:
            assert len(client.get(url).json()["items"]) == 100
    assert len(at_ten) == len(at_thousand), (len(at_ten), len(at_thousand))


@pytest.fixture
def receiver():
    endpoint = Receiver()
    yield endpoint
    endpoint.close()


def test_an_accepted_proposal_is_told_to_the_webhooks_with_ids_only(
    world, pool, receiver, django_capture_on_commit_callbacks
):
    added = webhooks.webhook_add(
        organisation=world.org, url=receiver.url, events=["formation.accepted"], by=world.admin
    )
    receiver.secret = added.secret
    run = two_sets(world, pool)
    secret = bearer(world.admin, world.org)
    with django_capture_on_commit_callbacks(execute=True):
        answer = call(
            secret, "POST", f"/formation-runs/{run.pk}/accept", naming(run, world.facilitator)
        )
    made = [s["id"] for s in answer.json()["sets"]]
    # From the page too: one event for each acceptance, wherever it was made (of other people).
    others = [
        Participant.objects.create(organisation=world.org, email=f"o{i}@acme.test", name=f"O{i}")
        for i in range(4)
    ]
    other = finished_run(world.programme, [[p.pk for p in others[:2]], [p.pk for p in others[2:]]])
    browser = Client()
    browser.force_login(world.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(
            f"{other.get_absolute_url()}accept/",
            {
                "name_1": "North",
                "name_2": "South",
                "facilitator_1": world.facilitator.pk,
                "facilitator_2": world.facilitator.pk,
            },
        )
    assert [r["event"] for r in receiver.received] == ["formation.accepted"] * 2
    assert all(r["valid"] and r["age"] < 60 for r in receiver.received)
    assert receiver.received[0]["body"]["data"] == {
        "run": run.pk,
        "programme": world.programme.pk,
        "sets": made,
        "url": f"/api/v1/formation-runs/{run.pk}",
    }
    assert receiver.received[1]["body"]["data"]["run"] == other.pk
    for words in ("Team", "North", "Person", "@acme.test", "Leaders"):
        assert not any(words in r["raw"] for r in receiver.received), words
    assert call(secret, "GET", receiver.received[0]["body"]["data"]["url"][7:]).status_code == 200


def test_the_runs_are_in_the_schema(world):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/programmes/{programme_id}/formation-runs"]) == {"get", "post"}
    assert "post" in paths["/api/v1/formation-runs/{run_id}/accept"]
    assert "post" in paths["/api/v1/formation-runs/{run_id}/cancel"]
