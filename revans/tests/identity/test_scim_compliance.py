"""An independent checker (scim2-tester) against the running app: no check may fail on what
Revans serves (Users, discovery, PATCH, ETags)."""

from collections import Counter

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from revans.accounts.models import Organisation, Role
from revans.identity import services
from revans.tests.world import make_member, make_user

pytestmark = pytest.mark.slow  # a real app server: left out of `make test-fast`

FAILED = {Status.ERROR, Status.CRITICAL}


def test_scim2_tester_finds_no_failure(live_server, transactional_db):
    # Its own organisation: the checker leaves the Users it made behind.
    org = Organisation.objects.create(name="Checker Ltd", slug="checker", require_mfa=False)
    admin = make_user("admin@checker.test", "Checker Admin")
    make_member(org, admin, Role.ADMIN)
    _token, secret = services.token_create(organisation=org, name="scim2-tester", by=admin)
    http = httpx2.Client(
        base_url=f"{live_server.url}/scim/v2",
        headers={"Authorization": f"Bearer {secret}"},
        timeout=30,
    )
    with http:
        results = check_server(SyncSCIMClient(http), resource_types=["User"])
    failures = [f"{r.title}: {r.reason}" for r in results if r.status in FAILED]
    assert results
    assert not failures, f"{len(failures)} of {len(results)} checks failed:\n" + "\n".join(failures)
    tally = Counter(r.status.name for r in results)
    print(f"scim2-tester: {len(results)} checks, none failed: {dict(tally)}")
    deviations = [f"{r.title}: {r.reason}" for r in results if r.status is Status.DEVIATION]
    print("\n".join(deviations))
