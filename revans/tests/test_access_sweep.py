"""Every URL pattern x every HTTP method x anonymous, the outsider and each role."""

import re
from typing import Any

import pytest
from django.test import Client

from revans.accounts import services
from revans.accounts.models import Invitation, Role
from revans.programmes.models import FormationRun, ParticipantImport

from .access_registry import Kind, rule_for
from .sweeps import HTTP_METHODS, Endpoint, endpoints

ENDPOINTS = endpoints()
ROLE_OF_ACTOR = {
    "admin": Role.ADMIN,
    "sponsor": Role.SPONSOR,
    "facilitator": Role.FACILITATOR,
    "participant": Role.PARTICIPANT,
}


def test_every_url_has_a_registry_entry():
    missing = [e.route for e in ENDPOINTS if rule_for(e.route, e.name) is None]
    assert not missing, f"Add these to revans/tests/access_registry.py: {missing}"


def test_the_sweep_sees_the_organisation_pages():
    names = {e.name for e in ENDPOINTS}
    assert {"org_home", "member_list", "member_invite", "org_settings"} <= names


@pytest.fixture
def url_values(world):
    """Real objects for each URL parameter: the target is never one of the actors."""
    invitation = Invitation.objects.create(
        organisation=world.org,
        email="newcomer@acme.test",
        invited_by=world.admin,
        is_participant=True,
    )
    # An import whose file has an error, so applying it never succeeds and every actor sees it.
    batch = ParticipantImport.objects.create(
        organisation=world.org,
        uploaded_by=world.admin,
        filename="people.csv",
        content=b"name,email\nX,not-an-email\n",
    )
    # A finished formation run with a proposal of the pool's two unplaced people... and Rae.
    people = list(world.org.participants.values_list("pk", flat=True))
    run = FormationRun.objects.create(
        programme=world.programme,
        created_by=world.admin,
        inputs={"people": people, "sets": 1, "lower": 2, "upper": 6, "attributes": []},
        status=FormationRun.Status.DONE,
        groups=[people],
        solved_groups=[people],
        objective=0.0,
        random_objective=0.0,
    )
    return {
        "run_id": str(run.pk),
        "programme_id": str(world.programme.pk),
        "set_id": str(world.set_a.pk),
        "set_membership_id": str(
            world.set_a.memberships.get(participant__email=world.participant2.email).pk
        ),
        "facilitation_id": str(world.set_a.facilitations.get().pk),
        "import_id": str(batch.pk),
        "org": world.org.slug,
        "membership_id": str(world.membership(world.participant2).pk),
        "invitation_id": str(invitation.pk),
        "token": services.invitation_token(invitation),
    }


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _request(client: Client, method: str, url: str):
    return client.generic(method, url)


def _is_login_redirect(response) -> Any:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.key)
def test_access(endpoint: Endpoint, world, url_values):
    rule = rule_for(endpoint.route, endpoint.name)
    assert rule is not None
    url = endpoint.url(url_values)
    actors = {"anonymous": None, **world.actors}
    problems = []
    for actor, user in actors.items():
        client = _client(user)
        for method in HTTP_METHODS:
            response = _request(client, method, url)
            status = response.status_code
            expected = _expectation(rule, actor, method)
            if not expected(response):
                problems.append(f"{actor} {method} {url} -> {status}")
    assert not problems, "\n".join(problems)


def _expectation(rule, actor: str, method: str):
    allowed_method = method in rule.methods
    anonymous = actor == "anonymous"

    def answered(response) -> bool:
        # Allowed: a page or a redirect after an action, never a refusal or a crash.
        return response.status_code in (200, 302) if allowed_method else response.status_code == 405

    if rule.kind is Kind.PUBLIC:
        return answered
    if rule.kind is Kind.SIGNED_IN:
        return _is_login_redirect if anonymous else answered
    if rule.kind is Kind.ORG:
        if anonymous:
            return _is_login_redirect
        if actor == "outsider":
            return lambda r: r.status_code == 404
        if ROLE_OF_ACTOR[actor] in rule.roles:
            return answered
        return lambda r: r.status_code == 403
    if rule.kind is Kind.OPERATOR:
        # No actor is staff: the admin refuses or sends them to sign in, never shows a page.
        return lambda r: r.status_code in (302, 403, 404, 405)
    # Library pages: never a crash.
    return lambda r: r.status_code < 500


def test_deactivated_member_is_an_outsider(world, url_values):
    membership = world.membership(world.participant)
    membership.is_active = False
    membership.save()
    client = _client(world.participant)
    assert client.get(f"/o/{world.org.slug}/").status_code == 404


def test_outsider_cannot_tell_a_real_organisation_from_a_missing_one(world):
    client = _client(world.outsider)
    real = client.get(f"/o/{world.org.slug}/")
    missing = client.get("/o/no-such-organisation/")
    assert real.status_code == missing.status_code == 404
    assert _without_csrf(real.content) == _without_csrf(missing.content)


def _without_csrf(content: bytes) -> bytes:
    # The sign-out form's token is masked afresh on every response.
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def test_an_admin_of_b_cannot_reach_a_member_of_a_through_b(world):
    target = world.membership(world.participant2)
    client = _client(world.outsider)  # admin of organisation B
    base = f"/o/{world.other_org.slug}/members/{target.pk}"
    assert client.get(f"{base}/").status_code == 404
    assert client.post(f"{base}/deactivate/").status_code == 404
    target.refresh_from_db()
    assert target.is_active
