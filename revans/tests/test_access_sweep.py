"""Every URL pattern x every HTTP method x anonymous, the outsider and each role."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from revans.accounts import outbox, services
from revans.accounts.models import Invitation, Role, SignupDomain
from revans.api import services as api_services
from revans.api.models import Webhook
from revans.channels.models import Channel
from revans.evidence.models import BoardReport, CareerOutcome, Survey
from revans.identity import services as identity_services
from revans.identity.models import ScimUser, SignOn
from revans.impact.models import BenefitClaim, ClaimFile, CostItem, HourlyRate
from revans.learning.models import Action, Challenge, Reflection
from revans.meetings import services as meetings_services
from revans.meetings.links import rsvp_token
from revans.programmes.models import ParticipantImport
from revans.rights.models import DataExport, Erasure
from revans.tests.access_registry import Kind, rule_for
from revans.tests.identity.forged import idp_metadata, make_keys
from revans.tests.sweeps import HTTP_METHODS, Endpoint, endpoints
from revans.tests.world import finished_run, future_meeting, make_member, make_user

pytestmark = pytest.mark.slow  # a crawl or real servers: left out of `make test-fast`

ENDPOINTS = endpoints()
SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
ROLE_OF_ACTOR = {
    "admin": Role.ADMIN,
    "sponsor": Role.SPONSOR,
    "facilitator": Role.FACILITATOR,
    "other_facilitator": Role.FACILITATOR,  # of set B only, and not named by the programme
    "participant": Role.PARTICIPANT,
}


def test_every_url_has_a_registry_entry():
    missing = [e.route for e in ENDPOINTS if rule_for(e.route, e.name) is None]
    assert not missing, f"Add these to revans/tests/access_registry.py: {missing}"


def test_the_sweep_sees_the_organisation_pages():
    names = {e.name for e in ENDPOINTS}
    assert {
        "home:org_home",
        "accounts:member_list",
        "accounts:member_invite",
        "accounts:org_settings",
    } <= names


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
    run = finished_run(world.programme, [people], created_by=world.admin)
    domain = SignupDomain.objects.create(organisation=world.org, domain="acme-freight.example")
    meeting = future_meeting(world.set_a)
    pat = world.org.participants.get(user=world.participant)
    challenge = Challenge.objects.create(learning_set=world.set_a, owner=pat, statement="Mine")
    action = Action.objects.create(challenge=challenge, text="Do it", due_on="2030-01-01")
    reflection = Reflection.objects.create(learning_set=world.set_a, author=pat, text="Hm")
    claim = BenefitClaim.objects.create(
        challenge=challenge,
        owner=pat,
        category="cost_saving",
        description="Less overtime",
        currency="GBP",
        annual_value=1000,
        attribution=50,
        confidence=50,
    )
    ClaimFile.objects.create(
        claim=claim, name="e.txt", content_type="text/plain", size=2, content=b"ok", sha256="x"
    )
    cost = CostItem.objects.create(
        programme=world.programme, category="venue", spent_on="2026-03-01", amount=100
    )
    rate = HourlyRate.objects.create(programme=world.programme, job_level="Manager", rate=40)
    now = timezone.now()
    survey = Survey.objects.create(
        learning_set=world.set_a,
        kind=Survey.Kind.CLIMATE,
        items=["It is safe to take a risk on this team."],
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=5),
        key="sweep",
    )
    outcome = CareerOutcome.objects.create(
        programme=world.programme, participant=pat, kind="award", happened_on=now.date()
    )
    scim_user = ScimUser.objects.create(
        organisation=world.org, user_name="pat@acme.test", resource={"userName": "pat@acme.test"}
    )
    report = BoardReport.objects.create(
        programme=world.programme,
        requested_by=world.sponsor,
        status=BoardReport.Status.READY,
        content=b"%PDF-1.7 sweep",
        expires_at=now + timedelta(hours=1),
    )
    # Single sign-on (a pasted IdP's metadata: no network) and a SCIM token.
    identity_services.sign_on_save(
        sign_on=SignOn(
            organisation=world.org,
            protocol=SignOn.Protocol.SAML,
            display_name="Acme ID",
            metadata_xml=idp_metadata(make_keys()),
            enabled=True,
        ),
        by=world.admin,
    )
    scim_token, _secret = identity_services.token_create(
        organisation=world.org, name="Entra", by=world.admin
    )
    api_token, _secret = api_services.token_create(
        user=world.admin,
        membership=world.membership(world.admin),
        name="BI",
        can_write=False,
        expires_at=None,
    )
    organisation_token, _secret = api_services.organisation_token_create(
        organisation=world.org,
        by=world.admin,
        name="Warehouse",
        roles=[Role.SPONSOR],
        can_write=False,
        expires_at=None,
    )
    webhook = Webhook.objects.create(
        organisation=world.org, url="https://hooks.acme.test/revans", events=["set.joined"]
    )
    export = DataExport.objects.create(
        user=world.admin,
        status=DataExport.Status.READY,
        content=b"PK",
        expires_at=timezone.now() + timedelta(days=7),
    )
    own_erasure = Erasure.objects.create(
        user=world.admin, due_at=timezone.now() + timedelta(days=14)
    )
    erasure = Erasure.objects.create(
        user=world.participant2, organisation=world.org, due_at=timezone.now() + timedelta(days=14)
    )
    # Chat channels of set A and of the programme, on a port nothing answers (a test message
    # fails at once, never reaching out of this machine).
    for learning_set in (world.set_a, None):
        Channel.objects.create(
            programme=world.programme,
            learning_set=learning_set,
            kind="slack",
            url="http://127.0.0.1:9/services/T1/B2/x",
            connected_by=world.admin,
        )
    return {
        "erasure_id": str(erasure.pk),
        "my_erasure_id": str(own_erasure.pk),
        "export_id": str(export.pk),
        "organisation_token_id": str(organisation_token.pk),
        "webhook_id": str(webhook.pk),
        "api_token_id": str(api_token.pk),
        "token_id": str(scim_token.pk),
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
        "domain_id": str(domain.pk),
        "meeting_id": str(meeting.pk),
        "challenge_id": str(challenge.pk),
        "action_id": str(action.pk),
        "reflection_id": str(reflection.pk),
        "claim_id": str(claim.pk),
        "cost_id": str(cost.pk),
        "rate_id": str(rate.pk),
        "survey_id": str(survey.pk),
        "outcome_id": str(outcome.pk),
        "report_id": str(report.pk),
        "name": "attendance",
        "rsvp_token": rsvp_token(meeting, pat, nonce="sweep"),
        "unsubscribe_token": outbox.unsubscribe_token(world.participant.pk, "reminders"),
        "feed_token": meetings_services.feed_renew(user=world.participant),
        "token": services.invitation_token(invitation),
        "scim_id": str(scim_user.pk),
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
    actors = {"anonymous": None, **world.actors, "other_facilitator": world.other_facilitator}
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

    if rule.kind in (Kind.PUBLIC, Kind.SECRET_LINK):
        return answered
    if rule.kind is Kind.SIGNED_IN:
        if rule.mine is not None and not anonymous and actor != rule.mine:
            return lambda r: r.status_code == (404 if allowed_method else 405)
        return _is_login_redirect if anonymous else answered
    if rule.kind is Kind.ORG:
        if anonymous:
            return _is_login_redirect
        if actor == "outsider":
            return lambda r: r.status_code == 404
        if ROLE_OF_ACTOR[actor] not in rule.roles:
            return lambda r: r.status_code == 403
        if actor == "other_facilitator" and rule.others is not None:
            return lambda r: r.status_code == rule.others
        if rule.mine is not None and actor != rule.mine:
            return lambda r: r.status_code == 404
        return answered
    if rule.kind is Kind.TOKEN:
        # A session is no token: a SCIM error body, and nothing of the organisation's people.
        # (HEAD's body is dropped on the way out.)
        return lambda r: (
            r.status_code == 401
            and (method == "HEAD" or r.json()["schemas"] == [SCIM_ERROR])
            and b"acme" not in r.content
        )
    if rule.kind is Kind.API:
        # A session is no token: a problem+json 401 (405 for a method the endpoint lacks), and
        # nothing of the organisation's.
        return lambda r: (
            (
                (r.status_code == 401 and r["Content-Type"] == "application/problem+json")
                or r.status_code == 405
            )
            and b"Leaders" not in r.content
        )
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
    # The sign-out form's token is masked afresh on every response; the session's moments
    # (for the warning before it ends) move with the clock.
    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
    return re.sub(rb'data-session-[a-z-]+="[^"]*"', b"", content)


def test_an_admin_of_b_cannot_reach_a_member_of_a_through_b(world):
    target = world.membership(world.participant2)
    client = _client(world.outsider)  # admin of organisation B
    base = f"/o/{world.other_org.slug}/members/{target.pk}"
    assert client.get(f"{base}/").status_code == 404
    assert client.post(f"{base}/deactivate/").status_code == 404
    target.refresh_from_db()
    assert target.is_active


# Ids that name an object: with another organisation's slug in front, each must be unknown.
OBJECT_IDS = {name for e in ENDPOINTS for name in re.findall(r"<int:(\w+)>", e.route)}
WITH_IDS = [e for e in ENDPOINTS if "<slug:org>" in e.route and "<int:" in e.route]


@pytest.fixture
def members_of_b(world):
    """A member of organisation B in each role, and one holding all four."""
    people = {}
    for role in Role:
        user = make_user(f"{role.value}@bravo.test", f"Bravo {role.label}")
        make_member(world.other_org, user, role)
        people[role.value] = user
    people["every role"] = make_user("all@bravo.test", "Bravo Everything")
    make_member(world.other_org, people["every role"], *Role)
    return people


def test_the_sweep_tries_every_id_under_another_organisation():
    assert {"programme_id", "set_id", "run_id", "membership_id", "import_id"} <= OBJECT_IDS
    assert len(WITH_IDS) >= 15


@pytest.mark.parametrize("endpoint", WITH_IDS, ids=lambda e: e.key)
def test_a_member_of_b_cannot_reach_a_s_objects_under_b_s_slug(
    endpoint: Endpoint, world, url_values, members_of_b
):
    """The likeliest leak: B's own slug passes the organisation check, then A's ids are looked
    up. Every method must answer exactly as it does for an id that does not exist."""
    ours = {**url_values, "org": world.other_org.slug}
    missing = {**ours, **dict.fromkeys(OBJECT_IDS, "987654321")}
    problems = []
    for who, user in members_of_b.items():
        client = _client(user)
        for method in HTTP_METHODS:
            real = _request(client, method, endpoint.url(ours))
            absent = _request(client, method, endpoint.url(missing))
            if real.status_code not in (403, 404, 405):
                problems.append(f"{who} {method} {endpoint.url(ours)} -> {real.status_code}")
            elif (real.status_code, _without_csrf(real.content)) != (
                absent.status_code,
                _without_csrf(absent.content),
            ):
                problems.append(
                    f"{who} {method}: A's id -> {real.status_code}, a missing id -> "
                    f"{absent.status_code} (or a different page)"
                )
    assert not problems, "\n".join(problems)


# SCIM: a token speaks for its own organisation only, whatever id it names.
SCIM_ENDPOINTS = [
    e for e in ENDPOINTS if (rule := rule_for(e.route, e.name)) and rule.kind is Kind.TOKEN
]


def _scim(secret: str, method: str, url: str):
    return Client().generic(
        method,
        url,
        "{}",
        content_type="application/scim+json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


def test_the_sweep_sees_every_scim_endpoint():
    assert len(SCIM_ENDPOINTS) >= 10


@pytest.mark.parametrize("endpoint", SCIM_ENDPOINTS, ids=lambda e: e.key)
def test_a_token_of_b_cannot_reach_a_s_users(endpoint: Endpoint, world, url_values):
    """B's token with A's ids must answer exactly as for an id that does not exist, for every
    method; A's own token gets an answer for every method, never a crash."""
    _token, theirs = identity_services.token_create(
        organisation=world.other_org, name="Bravo", by=world.outsider
    )
    _token, ours = identity_services.token_create(
        organisation=world.org, name="Acme", by=world.admin
    )
    absent = "00000000-0000-4000-8000-000000000000"
    real_url = endpoint.url(url_values)
    missing_url = endpoint.url({**url_values, "scim_id": absent})
    problems = []
    for method in HTTP_METHODS:
        real = _scim(theirs, method, real_url)
        missing = _scim(theirs, method, missing_url)
        seen = real.content.replace(url_values["scim_id"].encode(), absent.encode())
        if b"pat@acme.test" in real.content or real.status_code >= 500:
            problems.append(f"B {method} {real_url} -> {real.status_code} {real.content[:200]}")
        elif (real.status_code, seen) != (missing.status_code, missing.content):
            problems.append(
                f"B {method} {real_url}: {real.status_code}, absent {missing.status_code}"
            )
        if _scim(ours, method, real_url).status_code >= 500:
            problems.append(f"A {method} {real_url} -> a server error")
    assert not problems, "\n".join(problems)


# The REST API: a token speaks for its own organisation only, whatever id it names.
API_ENDPOINTS = [
    e
    for e in ENDPOINTS
    if (rule := rule_for(e.route, e.name)) and rule.kind is Kind.API and "<" in e.route
]


@pytest.mark.parametrize("endpoint", API_ENDPOINTS, ids=lambda e: e.key)
def test_an_api_token_of_b_cannot_reach_a(endpoint: Endpoint, world, url_values):
    """B's token (one that may write) with A's ids answers exactly as for ids that do not exist,
    for every method; A's own tokens get an answer for every method, never a crash."""
    _token, theirs = api_services.token_create(
        user=world.outsider,
        membership=world.membership(world.outsider, world.other_org),
        name="Bravo",
        can_write=True,
        expires_at=None,
    )
    absent = {name: "999999999" for name in url_values if name.endswith("_id")}
    absent["report_id"] = "00000000-0000-4000-8000-000000000000"  # a UUID
    absent["export_id"] = "00000000-0000-4000-8000-000000000000"
    real_url, missing_url = endpoint.url(url_values), endpoint.url({**url_values, **absent})
    problems = []
    for method in HTTP_METHODS:
        real = _api(theirs, method, real_url)
        missing = _api(theirs, method, missing_url)
        if real.status_code >= 500 or b"Leaders" in real.content or b"Set A" in real.content:
            problems.append(f"B {method} {real_url} -> {real.status_code} {real.content[:200]}")
        elif (real.status_code, real.content) != (missing.status_code, missing.content):
            problems.append(
                f"B {method} {real_url}: {real.status_code}, absent {missing.status_code}"
            )
    for actor in ("admin", "sponsor", "facilitator", "participant"):
        user = world.actors[actor]
        _token, ours = api_services.token_create(
            user=user,
            membership=world.membership(user),
            name=actor,
            can_write=True,
            expires_at=None,
        )
        for method in HTTP_METHODS:
            if _api(ours, method, real_url).status_code >= 500:
                problems.append(f"{actor} {method} {real_url} -> a server error")
    assert not problems, "\n".join(problems)


def _api(secret: str, method: str, url: str):
    return Client().generic(method, url, "", HTTP_AUTHORIZATION=f"Bearer {secret}")
