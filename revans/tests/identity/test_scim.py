"""SCIM provisioning: the token, Users and their filters, what a User becomes in the pool and the
organisation, deactivation, and every refusal (an RFC 7644 error body, nothing changed)."""

from datetime import timedelta

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from revans.accounts.models import Membership, SignupDomain, User
from revans.identity import services
from revans.identity.models import IdentityChange, ScimToken, ScimUser, token_digest
from revans.identity.scim import CORE, ENTERPRISE, ERROR, MAX_BODY
from revans.learning.models import Challenge
from revans.programmes.models import Participant, SetMembership
from revans.tests.identity.scim_helpers import Scim, token_for, user_body
from revans.tests.world import PASSWORD, make_user

PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def patch(*operations):
    return {"schemas": [PATCH], "Operations": list(operations)}


@pytest.fixture
def proven(world):
    return SignupDomain.objects.create(
        organisation=world.org, domain="acme.test", verified_at=timezone.now()
    )


@pytest.fixture
def api(world):
    return token_for(world.org, world.admin)


@pytest.fixture
def bravo(world):
    return token_for(world.other_org, world.outsider, name="Bravo's Okta")


def created(api, user_name, **more):
    response = api("POST", "/Users", user_body(user_name, **more))
    assert response.status_code == 201, response.content
    return response.json()


def snapshot():
    """What a refused request must leave exactly as it was."""
    return (
        list(ScimUser.objects.values_list("pk", "user_name", "version", "active", "resource")),
        list(Participant.objects.values_list("pk", "email", "name", "department", "manager")),
        IdentityChange.objects.count(),
        User.objects.count(),
        list(Membership.objects.values_list("pk", "is_active")),
    )


def refused(response, status, scim_type=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/scim+json"
    body = response.json()
    assert body["schemas"] == [ERROR]
    assert body["status"] == str(status)
    assert body.get("scimType") == scim_type
    assert body["detail"]
    return body["detail"]


# The token ---------------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_kept_as_its_digest(world):
    token, secret = services.token_create(organisation=world.org, name="Okta", by=world.admin)
    assert secret.startswith("revans_scim_") and len(secret) > 40
    assert token.digest == token_digest(secret) and secret not in token.digest
    assert token.hint == secret[-4:]
    assert ScimToken.objects.filter(digest=token_digest(secret)).get() == token


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer nope", "Basic YWRhOnB3", "Bearer " + "x" * 5000],
)
def test_without_a_live_token_every_request_is_refused(world, api, header):
    scim_user = created(api, "pat@acme.test")
    client = Scim(None)
    headers = {} if header is None else {"Authorization": header}
    for method, path in [
        ("GET", "/Users"),
        ("GET", f"/Users/{scim_user['id']}"),
        ("DELETE", f"/Users/{scim_user['id']}"),
        ("POST", "/Users"),
        ("GET", "/ServiceProviderConfig"),
    ]:
        response = client(method, path, user_body("x@acme.test"), **headers)
        refused(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert b"pat@acme.test" not in response.content
    assert ScimUser.objects.count() == 1


def test_a_revoked_token_stops_at_once(world, api):
    token = ScimToken.objects.get()
    assert api("GET", "/Users").status_code == 200
    services.token_revoke(token=token)
    refused(api("GET", "/Users"), 401)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_last_use_is_written_at_most_once_a_minute(world, api):
    token = ScimToken.objects.get()
    api("GET", "/Users")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    api("GET", "/Users")
    token.refresh_from_db()
    assert token.last_used_at == first
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        api("GET", "/Users")
    token.refresh_from_db()
    assert token.last_used_at > first


def test_another_organisations_token_finds_nothing_and_changes_nothing(world, api, bravo):
    pat = created(api, "pat@acme.test", externalId="p-1")
    before = snapshot()
    url = f"/Users/{pat['id']}"
    missing = "/Users/00000000-0000-4000-8000-000000000000"
    for method, body in [
        ("GET", None),
        ("PUT", user_body("stolen@bravo.test")),
        ("PATCH", patch({"op": "replace", "value": {"active": False}})),
        ("DELETE", None),
    ]:
        theirs, absent = bravo(method, url, body), bravo(method, missing, body)
        refused(theirs, 404)
        assert absent.status_code == 404
        assert b"pat@acme.test" not in theirs.content
    listed = bravo("GET", '/Users?filter=userName eq "pat@acme.test"').json()
    assert listed["totalResults"] == 0 and listed["Resources"] == []
    assert bravo("GET", "/Users").json()["totalResults"] == 0
    assert snapshot() == before


# Users and their filters -------------------------------------------------------------------------


def test_a_user_reads_back_as_sent_with_its_version(world, api):
    sent = user_body(
        "Kim@Acme.test",
        externalId="K-1",
        name={"givenName": "Kim", "familyName": "Lee"},
        emails=[{"value": "kim@acme.test", "type": "work", "primary": True}],
        title="Engineer",
        department="Ops",
        employeeNumber="0042",
    )
    response = api("POST", "/Users", sent)
    assert response.status_code == 201
    assert response["ETag"] == 'W/"1"'
    body = response.json()
    assert response["Location"].endswith(f"/scim/v2/Users/{body['id']}")
    got = api("GET", f"/Users/{body['id']}").json()
    for key in ("userName", "externalId", "name", "emails", "title", ENTERPRISE):
        assert got[key] == sent[key]
    assert got["meta"]["version"] == 'W/"1"'
    assert got["meta"]["resourceType"] == "User"


def test_filters(world, api):
    kim = created(
        api,
        "kim@acme.test",
        externalId="Ext-1",
        name={"givenName": "Kim", "familyName": "Lee"},
        displayName="Kim Lee",
    )
    created(api, "lou@acme.test", externalId="Ext-2", active=False, department="Ops")
    created(api, "max", name={"familyName": "Lester"})

    def names(expression):
        response = api("POST", "/Users/.search", {"filter": expression})
        assert response.status_code == 200, response.content
        return sorted(r["userName"] for r in response.json()["Resources"])

    assert names('userName eq "KIM@acme.TEST"') == ["kim@acme.test"]  # without case (RFC 7643)
    assert names('externalId eq "Ext-1"') == ["kim@acme.test"]
    assert names('externalId eq "ext-1"') == []  # externalId is caseExact
    assert names(f'id eq "{kim["id"]}"') == ["kim@acme.test"]
    assert names('id eq "garbage"') == []
    assert names("active eq false") == ["lou@acme.test"]
    assert names('emails.value eq "kim@acme.test"') == ["kim@acme.test"]
    assert names('name.familyName sw "le"') == ["kim@acme.test", "max"]
    assert names('displayName co "im L"') == ["kim@acme.test"]
    assert names('userName sw "k" or userName eq "max"') == ["kim@acme.test", "max"]
    assert names('userName ne "max" and active eq true') == ["kim@acme.test"]
    assert names("externalId pr") == ["kim@acme.test", "lou@acme.test"]
    assert names(f'{ENTERPRISE}:department eq "ops"') == ["lou@acme.test"]
    earlier = (timezone.now() - timedelta(hours=1)).isoformat()
    assert len(names(f'meta.lastModified gt "{earlier}"')) == 3
    by_query = api("GET", "/Users?filter=userName%20eq%20%22kim@acme.test%22").json()
    assert by_query["totalResults"] == 1


@pytest.mark.parametrize(
    "expression",
    [
        'password eq "x"',
        'nickName eq "x"',
        'userName eq "x" and bogus eq "y"',
        'emails[type eq "work"].value eq "x"',
        "userName eq",
        "((",
        'meta.lastModified gt "yesterday"',
        'active eq "yes"',
        "x" * 2000,
    ],
)
def test_a_filter_revans_cannot_answer_is_refused(world, api, expression):
    created(api, "kim@acme.test")
    refused(api("POST", "/Users/.search", {"filter": expression}), 400, "invalidFilter")


def test_pages(world, api):
    for n in range(7):
        created(api, f"p{n}@acme.test")
    page = api("GET", "/Users?startIndex=3&count=2").json()
    assert page["totalResults"] == 7
    assert page["startIndex"] == 3 and page["itemsPerPage"] == 2
    assert [r["userName"] for r in page["Resources"]] == ["p2@acme.test", "p3@acme.test"]
    assert api("GET", "/Users?startIndex=0&count=1").json()["startIndex"] == 1
    assert api("GET", "/Users?count=-5").json()["Resources"] == []
    assert api("GET", "/Users?startIndex=99").json()["Resources"] == []
    assert api("GET", "/Users?count=0").json()["totalResults"] == 7
    assert len(api("GET", "/Users?count=100000").json()["Resources"]) == 7
    refused(api("GET", "/Users?count=many"), 400, "invalidValue")
    only = api("GET", "/Users?count=1&attributes=userName").json()["Resources"][0]
    assert set(only) == {"schemas", "id", "userName"}
    assert api("POST", "/.search", {"startIndex": 7, "count": 5}).json()["itemsPerPage"] == 1


def test_what_revans_announces_is_what_it_keeps(world, api):
    config = api("GET", "/ServiceProviderConfig").json()
    assert config["patch"]["supported"] and config["etag"]["supported"]
    assert not config["bulk"]["supported"] and not config["sort"]["supported"]
    assert config["filter"] == {"supported": True, "maxResults": 200}
    user_schema = api("GET", f"/Schemas/{CORE}").json()
    names = {a["name"] for a in user_schema["attributes"]}
    assert {"userName", "emails", "active", "name", "displayName", "title"} <= names
    assert not names & {"password", "groups", "x509Certificates"}
    enterprise = api("GET", f"/Schemas/{ENTERPRISE}").json()
    manager = next(a for a in enterprise["attributes"] if a["name"] == "manager")
    assert {s["name"] for s in manager["subAttributes"]} == {"value", "$ref"}
    refused(api("GET", "/Groups"), 404)
    refused(api("POST", "/Bulk", {}), 404)
    refused(api("PUT", "/ServiceProviderConfig", {}), 405)


# What a User becomes ----------------------------------------------------------------------------


def test_a_user_at_a_proven_domain_gets_an_account_and_joins_as_a_participant(world, api, proven):
    created(api, "new@acme.test", displayName="Nia New")
    user = User.objects.get(email="new@acme.test")
    assert user.name == "Nia New" and not user.has_usable_password()
    membership = Membership.objects.get(user=user, organisation=world.org)
    assert membership.is_active and [r.value for r in membership.roles] == ["participant"]
    entry = Participant.objects.get(organisation=world.org, email="new@acme.test")
    assert entry.user == user
    assert ScimUser.objects.get().user == user


def test_an_existing_members_roles_stay(world, api, proven):
    created(api, "ada@acme.test", displayName="Ada")
    assert [r.value for r in world.membership(world.admin).roles] == ["admin"]


def test_an_address_at_another_domain_is_a_pool_entry_only(world, api, proven):
    before = User.objects.count()
    created(api, "olly@bravo.test", displayName="Not Olly")
    created(api, "someone@elsewhere.test")
    assert User.objects.count() == before
    world.outsider.refresh_from_db()
    assert world.outsider.name == "Olly Outsider"
    entry = Participant.objects.get(organisation=world.org, email="olly@bravo.test")
    assert entry.user is None
    assert not Membership.objects.filter(organisation=world.org, user=world.outsider).exists()


def test_without_an_address_a_user_stays_a_scim_resource(world, api):
    pool = Participant.objects.count()
    created(api, "no-address", displayName="Anon")
    assert Participant.objects.count() == pool
    assert ScimUser.objects.get().participant is None


def test_the_pool_gets_what_set_formation_reads(world, api):
    boss = created(api, "boss@acme.test", displayName="Bo Boss")
    report = created(
        api,
        "rae@acme.test",  # an entry the admin imported: SCIM takes it over
        name={"givenName": "Rae", "familyName": "Pool"},
        department="Logistics",
        manager=boss["id"],
        title="Driver",
        employeeNumber="77",
    )
    rae = Participant.objects.get(organisation=world.org, email="rae@acme.test")
    assert ScimUser.objects.get(pk=report["id"]).participant == rae
    assert rae.name == "Rae Pool" and rae.department == "Logistics"
    assert rae.manager == Participant.objects.get(email="boss@acme.test")
    assert rae.attributes == {"title": "Driver", "employeeNumber": "77"}
    # Entra ID's way: the manager's id alone, as the value of the extension's attribute.
    other = created(api, "other@acme.test")
    response = api(
        "PATCH",
        f"/Users/{report['id']}",
        patch({"op": "Replace", "path": f"{ENTERPRISE}:manager", "value": other["id"]}),
    )
    assert response.status_code == 200, response.content
    rae.refresh_from_db()
    assert rae.manager.email == "other@acme.test"
    api("PATCH", f"/Users/{report['id']}", patch({"op": "remove", "path": f"{ENTERPRISE}:manager"}))
    rae.refresh_from_db()
    assert rae.manager is None


def test_a_manager_must_be_a_user_of_the_same_organisation(world, api, bravo):
    theirs = created(bravo, "b@bravo.test")
    mine = created(api, "me@acme.test")
    before = snapshot()
    for manager in (theirs["id"], "00000000-0000-4000-8000-000000000000", "not-an-id"):
        detail = refused(
            api("POST", "/Users", user_body("new@acme.test", manager=manager)), 400, "invalidValue"
        )
        assert "manager" in detail
    refused(
        api(
            "PATCH",
            f"/Users/{mine['id']}",
            patch({"op": "add", "path": f"{ENTERPRISE}:manager", "value": {"value": mine["id"]}}),
        ),
        400,
        "invalidValue",
    )
    assert snapshot() == before


def test_every_change_is_recorded_for_the_admin(world, api):
    kim = created(api, "kim@acme.test", displayName="Kim", department="Ops")
    joined = IdentityChange.objects.get()
    assert (joined.source, joined.by, joined.subject, joined.action) == (
        "scim",
        "Entra ID",
        "kim@acme.test",
        "joined",
    )
    assert joined.changes["department"] == [None, "Ops"]
    api(
        "PATCH",
        f"/Users/{kim['id']}",
        patch({"op": "replace", "path": "displayName", "value": "Kim Lee"}),
    )
    updated = IdentityChange.objects.first()
    assert updated.action == "updated"
    assert updated.changes == {"name": ["Kim", "Kim Lee"]}
    # The same again changes nothing: no new version, nothing recorded.
    again = api(
        "PATCH",
        f"/Users/{kim['id']}",
        patch({"op": "replace", "path": "displayName", "value": "Kim Lee"}),
    )
    assert again["ETag"] == 'W/"2"'
    assert IdentityChange.objects.count() == 2
    api("PATCH", f"/Users/{kim['id']}", patch({"op": "replace", "value": {"active": False}}))
    api("PATCH", f"/Users/{kim['id']}", patch({"op": "replace", "value": {"active": True}}))
    api("DELETE", f"/Users/{kim['id']}")
    assert list(IdentityChange.objects.values_list("action", flat=True)) == [
        "deleted",
        "reactivated",
        "deactivated",
        "updated",
        "joined",
    ]


# Deactivation ------------------------------------------------------------------------------------


def test_deactivation_ends_access_at_once_and_loses_nothing(world, api, proven):
    pat = created(api, "pat@acme.test", displayName="Pat Participant")
    entry = Participant.objects.get(user=world.participant)
    challenge = Challenge.objects.create(learning_set=world.set_a, owner=entry, statement="Mine")
    browser = Client()
    assert browser.login(email=world.participant.email, password=PASSWORD)
    browser.get("/o/acme/")
    assert UserSession.objects.filter(user=world.participant).exists()

    response = api(
        "PATCH", f"/Users/{pat['id']}", patch({"op": "replace", "path": "active", "value": False})
    )
    assert response.status_code == 200 and response.json()["active"] is False

    assert not world.membership(world.participant).is_active
    assert not UserSession.objects.filter(user=world.participant).exists()
    assert not Session.objects.filter(session_key=browser.session.session_key).exists()
    assert browser.get("/o/acme/").status_code == 302
    place = SetMembership.objects.get(participant=entry)
    assert place.left_on == world.org.today()  # a former member of the set, not removed
    assert Challenge.objects.filter(pk=challenge.pk, statement="Mine").exists()
    assert Participant.objects.filter(pk=entry.pk).exists()
    assert IdentityChange.objects.first().changes["sets left"] == 1

    # Back again: the membership returns (the sets are the admin's to give back).
    api("PATCH", f"/Users/{pat['id']}", patch({"op": "replace", "value": {"active": "True"}}))
    assert world.membership(world.participant).is_active


def test_delete_removes_the_resource_after_the_person_leaves(world, api, proven):
    pat = created(api, "pat@acme.test")
    response = api("DELETE", f"/Users/{pat['id']}")
    assert response.status_code == 204
    refused(api("GET", f"/Users/{pat['id']}"), 404)
    refused(api("DELETE", f"/Users/{pat['id']}"), 404)
    assert not world.membership(world.participant).is_active
    assert Participant.objects.filter(user=world.participant).exists()
    assert SetMembership.objects.filter(participant__user=world.participant).get().left_on


# Refusals: an RFC 7644 error body, and nothing changed -------------------------------------------


def test_duplicates_are_refused_as_uniqueness(world, api):
    kim = created(api, "kim@acme.test", externalId="k")
    lou = created(api, "lou@acme.test")
    before = snapshot()
    refused(api("POST", "/Users", user_body("KIM@acme.test")), 409, "uniqueness")
    refused(api("POST", "/Users", user_body("new@acme.test", externalId="k")), 409, "uniqueness")
    refused(
        api("POST", "/Users", user_body("x", emails=[{"value": "kim@acme.test"}])),
        409,
        "uniqueness",
    )
    refused(api("PUT", f"/Users/{lou['id']}", user_body("Kim@Acme.Test")), 409, "uniqueness")
    refused(
        api(
            "PATCH",
            f"/Users/{lou['id']}",
            patch({"op": "replace", "path": "userName", "value": "kim@acme.test"}),
        ),
        409,
        "uniqueness",
    )
    assert snapshot() == before
    assert kim["id"] != lou["id"]


def test_a_stale_version_is_refused(world, api):
    kim = created(api, "kim@acme.test")
    url = f"/Users/{kim['id']}"
    api("PATCH", url, patch({"op": "replace", "path": "title", "value": "Lead"}))
    before = snapshot()
    refused(api("PUT", url, user_body("kim@acme.test"), If_Match='W/"1"'), 412)
    refused(api("PATCH", url, patch({"op": "remove", "path": "title"}), If_Match='W/"1"'), 412)
    refused(api("DELETE", url, If_Match='"1"'), 412)
    assert snapshot() == before
    response = api("PUT", url, user_body("kim@acme.test"), If_Match='W/"2"')
    assert response.status_code == 200 and response["ETag"] == 'W/"3"'


HUGE_EMAILS = [{"value": f"a{n}@acme.test"} for n in range(21)]


@pytest.mark.parametrize(
    ("body", "status", "scim_type"),
    [
        ("{not json", 400, "invalidSyntax"),
        ("[1, 2]", 400, "invalidSyntax"),
        ("[" * 100_000, 400, "invalidSyntax"),
        (user_body("x", favouriteColour="blue"), 400, "invalidSyntax"),
        ({"schemas": [CORE, "urn:example:unknown"], "userName": "x"}, 400, "invalidSyntax"),
        (user_body(123), 400, "invalidValue"),
        (user_body("x", active="perhaps"), 400, "invalidValue"),
        (user_body("x", emails="a@acme.test"), 400, "invalidValue"),
        (user_body("x", emails=HUGE_EMAILS), 400, "invalidValue"),
        (user_body("x", emails=[{"value": "not an address"}]), 400, "invalidValue"),
        ({"schemas": [CORE]}, 400, "invalidValue"),
        (user_body("nul\x00"), 400, "invalidValue"),
        (user_body("x", title="t\x00"), 400, "invalidValue"),
        (user_body("x" * 256), 400, "invalidValue"),
        (user_body("x", displayName="n" * 151), 400, "invalidValue"),
        (user_body("x", department="d" * 501), 400, "invalidValue"),
        (user_body("x", emails=[{"value": "a" * 250 + "@acme.test"}]), 400, "invalidValue"),
        (user_body("x", displayName="y" * (MAX_BODY + 1)), 413, None),
    ],
    ids=lambda v: str(v)[:40],
)
def test_a_bad_body_is_refused_and_changes_nothing(world, api, body, status, scim_type):
    before = snapshot()
    refused(api("POST", "/Users", body), status, scim_type)
    assert snapshot() == before


def test_a_bad_patch_is_refused_and_changes_nothing(world, api):
    kim = created(api, "kim@acme.test")
    url = f"/Users/{kim['id']}"
    before = snapshot()
    many = [{"op": "add", "path": "title", "value": "t"}] * 101
    cases = [
        (patch(*many), "tooMany"),
        (patch({"op": "explode", "path": "title"}), "invalidValue"),
        (patch({"op": "add", "path": "favouriteColour", "value": "x"}), "invalidPath"),
        (patch({"op": "replace", "path": "active", "value": "perhaps"}), "invalidValue"),
        (patch({"op": "remove", "path": "userName"}), "mutability"),
        (patch({"op": "add", "path": "emails", "value": HUGE_EMAILS}), "invalidValue"),
        (patch({"op": "replace", "path": "displayName", "value": "n" * 151}), "invalidValue"),
        ({"schemas": [PATCH]}, "invalidValue"),
    ]
    for body, scim_type in cases:
        response = api("PATCH", url, body)
        assert response.status_code == 400, (body, response.content)
        assert response.json()["scimType"] == scim_type, (body, response.content)
    assert snapshot() == before


def test_a_self_sign_up_nobody_proved_cannot_wait_for_provisioning(world, api, proven):
    # Someone signs up as the CEO with a password, never proving the address; when the company's
    # client provisions the CEO, that password must not open the account.
    squatter = User.objects.create_user(email="ceo@acme.test", password=PASSWORD, name="Not CEO")
    created(api, "ceo", emails=[{"value": "ceo@acme.test", "primary": True}], displayName="CEO")
    squatter.refresh_from_db()
    assert not squatter.has_usable_password()
    assert not Client().login(email="ceo@acme.test", password=PASSWORD)


def test_a_new_address_moves_the_account_not_the_person(world, api, proven):
    nia = created(api, "nia", emails=[{"value": "nia@acme.test", "primary": True}])
    user = User.objects.get(email="nia@acme.test")
    body = user_body("nia", emails=[{"value": "nia.smith@acme.test", "primary": True}])
    assert api("PUT", f"/Users/{nia['id']}", body).status_code == 200
    user.refresh_from_db()
    assert user.email == "nia.smith@acme.test"
    assert User.objects.filter(email__startswith="nia").count() == 1
    assert Membership.objects.filter(user=user, organisation=world.org, is_active=True).exists()
    # Taking another account's address is refused, and changes nothing.
    before = snapshot()
    body = user_body("nia", emails=[{"value": "pat@acme.test", "primary": True}])
    answer = api("PUT", f"/Users/{nia['id']}", body)
    assert answer.status_code == 409 and answer.json()["scimType"] == "uniqueness"
    assert snapshot() == before


def test_deactivation_reaches_an_account_the_person_made_by_single_sign_on(world, api):
    # Provisioned before the domain was proven (a pool entry only); once it was, they signed in
    # by single sign-on, which made their account and linked the entry.
    scim_user = created(api, "raj", emails=[{"value": "raj@acme.test", "primary": True}])
    assert ScimUser.objects.get(pk=scim_user["id"]).user is None
    raj = make_user("raj@acme.test", "Raj")
    Membership.objects.create(organisation=world.org, user=raj, is_participant=True)
    Participant.objects.filter(email="raj@acme.test").update(user=raj)
    SignupDomain.objects.create(
        organisation=world.org, domain="acme.test", verified_at=timezone.now()
    )
    off = patch({"op": "replace", "path": "active", "value": False})
    assert api("PATCH", f"/Users/{scim_user['id']}", off).status_code == 200
    assert not Membership.objects.get(user=raj, organisation=world.org).is_active


@pytest.mark.parametrize("start", ["99999999999999999999", "1e30"])
def test_a_page_beyond_any_organisation_is_empty_not_an_error(world, api, start):
    created(api, "ada")
    answer = api("GET", f"/Users?startIndex={start}")
    assert answer.status_code in (200, 400), answer.content
    if answer.status_code == 200:
        assert answer.json()["Resources"] == []
    searched = api("POST", "/.search", '{"startIndex": 1e999, "schemas": ["x"]}')
    assert searched.status_code == 400


def test_reports_follow_a_manager_who_reaches_the_pool_later(world, api):
    # The manager was provisioned without an address (no pool entry); their report was not.
    boss = created(api, "boss")
    created(api, "report", emails=[{"value": "rep@acme.test", "primary": True}], manager=boss["id"])
    assert Participant.objects.get(email="rep@acme.test").manager is None
    body = user_body("boss", emails=[{"value": "boss@acme.test", "primary": True}])
    assert api("PUT", f"/Users/{boss['id']}", body).status_code == 200
    entry = Participant.objects.get(email="rep@acme.test")
    assert entry.manager == Participant.objects.get(email="boss@acme.test")
