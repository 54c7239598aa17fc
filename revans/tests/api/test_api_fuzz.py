"""schemathesis against the API's own OpenAPI schema, with a token of each role: no server error,
every answer as the schema says, and nothing of another organisation's."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from revans.accounts.models import Membership
from revans.api import services
from revans.programmes.models import Programme
from revans.tests.world import future_meeting
from revans.wsgi import application

pytestmark = pytest.mark.slow  # a crawl or real servers: left out of `make test-fast`

CANARY = "zqx-api-canary-5e1b"

# A run's inputs are judged by the page's form against the pool as it is (who is in it, how many
# sets they make, whose emails they are): a body the schema allows may still be refused there
# (422), as on the page, so starting a run is not held to "a valid body is accepted".
JUDGED_BY_THE_POOL = {"POST /api/v1/programmes/{programme_id}/formation-runs"}


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


@pytest.fixture
def bearers(world, _keep_the_test_connection) -> dict[str, str]:
    """A token that may write, for each role; a meeting to read, and B's canary programme."""
    future_meeting(world.set_a, days=3)
    Programme.objects.create(
        organisation=world.other_org,
        name=f"B {CANARY}",
        starts_on=world.programme.starts_on,
        ends_on=world.programme.ends_on,
    )
    secrets = {}
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
    excluded = [positive_data_acceptance] if case.operation.label in JUDGED_BY_THE_POOL else []
    for secret in bearers.values():
        response = case.call_and_validate(
            headers={"Authorization": f"Bearer {secret}"}, excluded_checks=excluded
        )
        assert CANARY.encode() not in response.content
