"""schemathesis against the API's own OpenAPI schema, with a token of each role: no server error,
every answer as the schema says, and nothing of another organisation's."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from revans.accounts.models import Membership, Role
from revans.api import services
from revans.learning.models import Action, Challenge, Reflection
from revans.programmes.models import Programme, SetMembership
from revans.tests.world import future_meeting
from revans.wsgi import application

pytestmark = pytest.mark.slow  # a crawl or real servers: left out of `make test-fast`

CANARY = "zqx-api-canary-5e1b"
PROBLEM = "application/problem+json"


def _judged_by_a_form(case) -> bool:
    """A body is judged by the page's own form against things as they are (a day in the past,
    an address that is no address, a person already placed, a run for a pool too small): one
    the schema allows may still be refused with a 422, as the page refuses it, so such an
    operation is not held to "a valid body is accepted" (every other check stands)."""
    return "requestBody" in case.operation.definition.raw


@pytest.fixture
def _keep_the_test_connection():
    """Calls into the WSGI app (not Django's test client) would close the test's database
    connection at each request's end; Django's own client holds these signals off the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# The schema as the app serves it (its own view, through WSGI: no database is needed for it).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# A body too large to read is refused before it is judged (413 Content Too Large, RFC 9110).
schema.config.checks.negative_data_rejection.expected_statuses.append("413")


@pytest.fixture
def bearers(world, _keep_the_test_connection) -> dict[str, str]:
    """A token that may write, for each role, and the organisation's own; a meeting to read; the
    canary in B's programme and in what a member of set B (no actor's set) wrote."""
    future_meeting(world.set_a, days=3)
    Programme.objects.create(
        organisation=world.other_org,
        name=f"B {CANARY}",
        starts_on=world.programme.starts_on,
        ends_on=world.programme.ends_on,
    )
    rae = world.org.participants.get(email="rae@acme.test")
    SetMembership.objects.create(
        learning_set=world.set_b, participant=rae, joined_on=world.programme.starts_on
    )
    challenge = Challenge.objects.create(
        learning_set=world.set_b, owner=rae, statement=f"Set B's {CANARY}"
    )
    Action.objects.create(challenge=challenge, text=CANARY, due_on=world.programme.ends_on)
    Reflection.objects.create(learning_set=world.set_b, author=rae, text=CANARY)
    _token, organisation_secret = services.organisation_token_create(
        organisation=world.org,
        by=world.admin,
        name="fuzz",
        roles=[Role.ADMIN, Role.SPONSOR],
        can_write=True,
        expires_at=None,
    )
    secrets = {"organisation": organisation_secret}
    for actor in ("admin", "sponsor", "facilitator", "participant"):
        user = world.actors[actor]
        membership = Membership.objects.get(user=user, organisation=world.org)
        _token, secrets[actor] = services.token_create(
            user=user, membership=membership, name="fuzz", can_write=True, expires_at=None
        )
    return secrets


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_its_schema_says(case, bearers, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 100_000
    excluded = [positive_data_acceptance] if _judged_by_a_form(case) else []
    if case.method == "GET":
        # Some query names the fuzzer makes (an empty one, say) are lost on the way to the app,
        # which then rightly answers what it was asked; unknown and ill-formed parameters of
        # every read are refused in test_every_read_refuses_parameters_it_does_not_know.
        excluded.append(negative_data_rejection)
    for secret in bearers.values():
        response = case.call_and_validate(
            headers={"Authorization": f"Bearer {secret}"}, excluded_checks=excluded
        )
        assert CANARY.encode() not in response.content


def test_every_read_refuses_parameters_it_does_not_know(world, bearers):
    """Every GET of the schema, with a name it does not take and with an ill-formed page: a
    problem+json 422, from any role's token, before anything is looked up."""
    reads = [
        (path, operation)
        for path, operations in schema.raw_schema["paths"].items()
        for method, operation in operations.items()
        if method == "get"
    ]
    assert len(reads) > 15
    for path, operation in reads:
        url = "/api/v1" + path.removeprefix("/api/v1").replace("{", "").replace("}", "")
        for name in ("programme_id", "set_id", "meeting_id", "challenge_id", "action_id"):
            url = url.replace(name, "1")
        takes = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        for query in ("?colour=red", "?=x", "?limit=many" if "limit" in takes else "?after=-1"):
            for secret in bearers.values():
                answer = Client().get(url + query, HTTP_AUTHORIZATION=f"Bearer {secret}")
                assert answer.status_code == 422, (url + query, answer.status_code)
                assert answer["Content-Type"] == PROBLEM
