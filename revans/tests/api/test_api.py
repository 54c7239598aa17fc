"""The REST API: tokens (made, shown once, expiring, revoked, read-only), its answers as the same
access rules give them, problem+json for every refusal, pages, ETags and the rate limit."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from revans.accounts import services as accounts
from revans.accounts.models import Role, User
from revans.api import services
from revans.api.models import ApiToken, token_digest
from revans.meetings import notices
from revans.meetings.models import Meeting, Notice
from revans.programmes.models import LearningSet, Participant, Programme
from revans.tests.world import future_meeting

PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _fresh_limits(db):
    caches["api"].clear()


def token(world, actor: str = "admin", *, can_write: bool = False, expires_at=None) -> str:
    user = world.outsider if actor == "outsider" else world.actors[actor]
    org = world.other_org if actor == "outsider" else world.org
    membership = user.memberships.get(organisation=org)
    _token, secret = services.token_create(
        user=user, membership=membership, name="BI", can_write=can_write, expires_at=expires_at
    )
    return secret


def get(secret: str | None, path: str, **headers: str):
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    if secret is not None:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return Client().get(f"/api/v1{path}", **extra)


def test_a_token_is_shown_once_and_kept_as_its_digest(world):
    secret = token(world)
    row = ApiToken.objects.get()
    assert row.digest == token_digest(secret) and secret not in str(row.__dict__)
    me = get(secret, "/me").json()
    assert me == {
        "kind": "person",
        "email": "ada@acme.test",
        "name": "Ada Admin",
        "organisation": "acme",
        "roles": ["admin"],
        "scopes": ["read"],
    }


@pytest.mark.parametrize("how", ["missing", "wrong", "expired", "revoked", "left"])
def test_without_a_live_token_every_request_is_refused_as_problem_json(world, how):
    secret = token(world, "sponsor")
    row = ApiToken.objects.get()
    if how == "expired":
        ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    if how == "revoked":
        services.token_revoke(token=row)
    if how == "left":
        world.membership(world.sponsor).__class__.objects.filter(user=world.sponsor).update(
            is_active=False
        )
    answer = get(None if how == "missing" else "nope" if how == "wrong" else secret, "/me")
    assert answer.status_code == 401
    assert answer["Content-Type"] == PROBLEM
    assert answer.json()["status"] == 401 and "Bearer" in answer["WWW-Authenticate"]


def test_roles_and_sets_decide_as_on_the_pages(world):
    pid = world.programme.pk
    assert get(token(world, "sponsor"), "/programmes").json()["items"][0]["id"] == pid
    refused = get(token(world, "participant"), "/programmes")
    assert refused.status_code == 403 and refused["Content-Type"] == PROBLEM
    # A set is its members', facilitators' and managers'; to anyone else it does not exist.
    assert get(token(world, "participant"), f"/sets/{world.set_a.pk}").status_code == 200
    assert get(token(world, "participant"), f"/sets/{world.set_b.pk}").status_code == 404
    assert get(token(world, "facilitator"), f"/sets/{world.set_b.pk}").status_code == 404


def test_another_organisations_token_finds_nothing(world):
    outsider = token(world, "outsider")
    for path in (
        f"/programmes/{world.programme.pk}",
        f"/programmes/{world.programme.pk}/sets",
        f"/sets/{world.set_a.pk}",
        f"/sets/{world.set_a.pk}/meetings",
    ):
        answer = get(outsider, path)
        assert answer.status_code == 404, path
        assert "Set A" not in answer.text and "Leaders" not in answer.text
    assert get(outsider, "/programmes").json()["items"] == []


def test_pages_continue_from_their_cursor(world):
    for n in range(5):
        Programme.objects.create(
            organisation=world.org,
            name=f"P{n}",
            starts_on=world.programme.starts_on,
            ends_on=world.programme.ends_on,
        )
    secret = token(world)
    seen, after = [], 0
    while True:
        body = get(secret, f"/programmes?limit=2&after={after}").json()
        seen += [p["name"] for p in body["items"]]
        if not body["next"]:
            break
        after = body["next"]
    assert seen == ["Leaders", "P0", "P1", "P2", "P3", "P4"]
    for bad in ("after=-1", "after=x", "limit=0", "limit=101", "programme=1", "page=2"):
        answer = get(secret, f"/programmes?{bad}")
        assert answer.status_code == 422 and answer["Content-Type"] == PROBLEM, bad


def test_meetings_filter_by_date(world):
    soon = future_meeting(world.set_a, days=2)
    later = future_meeting(world.set_a, days=40)
    secret = token(world, "participant")
    cut = (soon.starts_at + timedelta(days=5)).date().isoformat()
    ids = [m["id"] for m in get(secret, f"/sets/{world.set_a.pk}/meetings").json()["items"]]
    assert ids == sorted(
        Meeting.objects.filter(learning_set=world.set_a).values_list("pk", flat=True)
    )
    before = get(secret, f"/sets/{world.set_a.pk}/meetings?starts_before={cut}").json()["items"]
    assert soon.pk in [m["id"] for m in before] and later.pk not in [m["id"] for m in before]
    wrong = get(secret, f"/sets/{world.set_a.pk}/meetings?starts_from=yesterday")
    assert wrong.status_code == 422 and wrong["Content-Type"] == PROBLEM


def test_an_unchanged_answer_is_not_sent_again(world):
    secret = token(world)
    first = get(secret, f"/programmes/{world.programme.pk}")
    again = get(secret, f"/programmes/{world.programme.pk}", **{"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and not again.content
    Programme.objects.filter(pk=world.programme.pk).update(name="Leaders 2")
    changed = get(secret, f"/programmes/{world.programme.pk}", **{"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and changed.json()["name"] == "Leaders 2"


def post(secret: str, path: str, **headers: str):
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    return Client().post(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {secret}", **extra)


def test_a_facilitator_cancels_a_meeting_as_the_page_does(world):
    meeting = future_meeting(world.set_a, days=3)
    invited = [world.participant, world.participant2, world.facilitator]
    for user in invited:  # their invitations went out
        notice = notices.make(meeting, user, Notice.Kind.INVITATION, "0")
        notice.sent_at = timezone.now()
        notice.save()
    read_only = post(token(world, "facilitator"), f"/meetings/{meeting.pk}/cancel")
    assert read_only.status_code == 403 and read_only["Content-Type"] == PROBLEM
    assert get(token(world, "participant"), f"/meetings/{meeting.pk}").status_code == 200
    member = post(token(world, "participant", can_write=True), f"/meetings/{meeting.pk}/cancel")
    assert member.status_code == 403
    writer = token(world, "facilitator", can_write=True)
    tag = get(writer, f"/meetings/{meeting.pk}")["ETag"]
    stale = post(writer, f"/meetings/{meeting.pk}/cancel", **{"If-Match": '"stale"'})
    assert stale.status_code == 412 and stale["Content-Type"] == PROBLEM
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    done = post(writer, f"/meetings/{meeting.pk}/cancel", **{"If-Match": tag})
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    # The same cancellation notices as the page's, one per person of the set.
    cancelled = Notice.objects.filter(meeting=meeting, kind=Notice.Kind.CANCELLATION)
    assert set(cancelled.values_list("user", flat=True)) == {u.pk for u in invited}
    again = post(writer, f"/meetings/{meeting.pk}/cancel")
    assert again.status_code == 409 and "already cancelled" in again.json()["detail"]
    other = post(token(world, "outsider", can_write=True), f"/meetings/{meeting.pk}/cancel")
    assert other.status_code == 404


def test_each_token_has_its_requests_a_minute(world, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    secret = token(world)
    answers = [get(secret, "/me") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60
    assert get(token(world, "sponsor"), "/me").status_code == 200  # another token's own minute


def test_the_schema_and_its_docs_are_served_by_the_app(world):
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1") and "/api/v1/programmes" in schema["paths"]
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower() and "/static/ninja/" in docs.text


def test_a_person_makes_and_revokes_their_tokens_from_their_profile(world):
    browser = Client()
    browser.force_login(world.facilitator)
    assert "/profile/api-tokens/" in browser.get("/profile/").text
    page = browser.post(
        "/profile/api-tokens/",
        {
            "name": "Calendar sync",
            "membership": world.membership(world.facilitator).pk,
            "can_write": "on",
            "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    secret = page.context["secret"]
    assert secret.startswith("revans_api_") and secret in page.text
    assert secret not in browser.get("/profile/api-tokens/").text  # shown once
    assert get(secret, "/me").json()["scopes"] == ["read", "write"]
    row = ApiToken.objects.get(user=world.facilitator)
    # Another person cannot revoke it; its owner can.
    other = Client()
    other.force_login(world.participant)
    assert other.post(f"/profile/api-tokens/{row.pk}/revoke/").status_code == 404
    browser.post(f"/profile/api-tokens/{row.pk}/revoke/")
    assert get(secret, "/me").status_code == 401


def test_tokens_are_made_only_for_ones_own_organisations(world):
    browser = Client()
    browser.force_login(world.facilitator)
    page = browser.post(
        "/profile/api-tokens/",
        {"name": "x", "membership": world.membership(world.outsider, world.other_org).pk},
    )
    assert page.status_code == 200 and not ApiToken.objects.exists()
    past = browser.post(
        "/profile/api-tokens/",
        {
            "name": "x",
            "membership": world.membership(world.facilitator).pk,
            "expires_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
    )
    assert "cannot expire before" in past.text and not ApiToken.objects.exists()


@pytest.mark.parametrize("path", ["/programmes", "/programmes/{p}/sets", "/sets/{s}/meetings"])
def test_a_list_costs_the_same_queries_for_ten_rows_and_a_thousand(world, path):
    secret = token(world)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    url = "/api/v1" + path.format(p=world.programme.pk, s=world.set_a.pk) + "?limit=100"

    def rows(n: int) -> None:
        start, end = world.programme.starts_on, world.programme.ends_on
        Programme.objects.bulk_create(
            Programme(organisation=world.org, name=f"G{n}-{i}", starts_on=start, ends_on=end)
            for i in range(n)
        )
        LearningSet.objects.bulk_create(
            LearningSet(programme=world.programme, name=f"S{n}-{i}") for i in range(n)
        )
        first = future_meeting(world.set_a, days=5)
        Meeting.objects.bulk_create(
            Meeting(
                learning_set=world.set_a,
                starts_at=first.starts_at + timedelta(days=7 * (i + 1)),
                ends_at=first.ends_at + timedelta(days=7 * (i + 1)),
                time_zone=first.time_zone,
            )
            for i in range(n)
        )

    rows(10)
    # One minute for both (a new minute's rate counter is one more row), and warm.
    with time_machine.travel(timezone.now(), tick=False):
        client.get(url)
        with CaptureQueriesContext(connection) as at_ten:
            assert client.get(url).status_code == 200
        rows(990)
        with CaptureQueriesContext(connection) as at_thousand:
            assert len(client.get(url).json()["items"]) == 100
    assert len(at_ten) == len(at_thousand), (len(at_ten), len(at_thousand))


def test_leaving_the_organisation_revokes_its_tokens_for_good(world):
    secret = token(world, "participant")
    membership = world.membership(world.participant)
    accounts.membership_deactivate(membership=membership, by=world.admin)
    assert ApiToken.objects.get().revoked_at is not None
    accounts.membership_reactivate(membership=membership)
    assert get(secret, "/me").status_code == 401  # coming back does not bring it back


def test_the_mfa_policy_stands_before_a_token(world):
    world.org.require_mfa = True
    world.org.save()
    browser = Client()
    browser.force_login(world.admin)
    page = browser.post(
        "/profile/api-tokens/", {"name": "x", "membership": world.membership(world.admin).pk}
    )
    assert "two-factor authentication first" in page.text and not ApiToken.objects.exists()
    world.org.require_mfa = False
    world.org.save()
    secret = token(world)
    world.org.require_mfa = True
    world.org.save()
    refused = get(secret, "/me")
    assert refused.status_code == 403 and "two-factor" in refused.json()["detail"]
    assert get(token(world, "participant"), "/me").status_code == 200  # not asked of them


def test_a_token_expires_within_five_years_and_a_304_keeps_its_tag(world):
    browser = Client()
    browser.force_login(world.admin)
    far = browser.post(
        "/profile/api-tokens/",
        {"name": "x", "membership": world.membership(world.admin).pk, "expires_on": "9999-12-31"},
    )
    assert far.status_code == 200 and not ApiToken.objects.exists()
    secret = token(world)
    first = get(secret, "/me")
    again = get(secret, "/me", **{"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again["ETag"] == first["ETag"]


def test_an_admin_makes_an_organisation_token_that_acts_with_the_roles_it_was_given(world):
    browser = Client()
    browser.force_login(world.admin)
    page = "/o/acme/settings/api-tokens/"
    made = browser.post(page, {"name": "Warehouse", "roles": ["sponsor"], "can_write": "on"})
    secret = made.context["secret"]
    assert secret.startswith("revans_api_") and secret in made.content.decode()
    assert secret not in browser.get(page).content.decode()  # shown this once
    row = ApiToken.objects.get(name="Warehouse")
    assert row.for_organisation and row.roles == [Role.SPONSOR] and row.created_by == world.admin
    me = get(secret, "/me").json()
    assert me == {
        "kind": "organisation",
        "email": "",
        "name": "Warehouse (organisation token)",
        "organisation": "acme",
        "roles": ["sponsor"],
        "scopes": ["read", "write"],
    }
    assert get(secret, "/programmes").status_code == 200
    # Its account holds no place in any set and cannot sign in by any door.
    account = row.user
    assert not account.is_active and not account.has_usable_password()
    assert not account.memberships.exists() and not Participant.objects.filter(user=account)
    assert not Client().login(email=account.email, password="")
    # What it changes is done as the token, with a sponsor's rights (the page's rule).
    meeting = future_meeting(world.set_a, days=3)
    cancelled = post(secret, f"/meetings/{meeting.pk}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_an_organisation_token_outlives_its_maker_until_an_admin_revokes_it(world):
    _row, secret = services.organisation_token_create(
        organisation=world.org,
        by=world.admin,
        name="HR",
        roles=[Role.ADMIN],
        can_write=False,
        expires_at=None,
    )
    second_admin = world.membership(world.sponsor)
    second_admin.is_admin = True
    second_admin.save()
    accounts.membership_deactivate(membership=world.membership(world.admin), by=world.sponsor)
    assert get(secret, "/me").status_code == 200  # the organisation's, not the person's
    browser = Client()
    browser.force_login(world.sponsor)
    row = ApiToken.objects.get(name="HR")
    listed = browser.get("/o/acme/settings/api-tokens/")
    assert "HR" in listed.content.decode() and "by Ada Admin" in listed.content.decode()
    revoked = browser.post(f"/o/acme/settings/api-tokens/{row.pk}/revoke/")
    assert revoked.status_code == 302
    assert get(secret, "/me").status_code == 401


def test_an_organisation_token_reads_no_person_content_and_no_other_organisation(world):
    _row, secret = services.organisation_token_create(
        organisation=world.org,
        by=world.admin,
        name="All",
        roles=[Role.ADMIN, Role.SPONSOR],
        can_write=True,
        expires_at=None,
    )
    # A person's own token, a facilitator's: their set; the organisation's: not as a member.
    assert get(token(world, "participant"), f"/sets/{world.set_a.pk}").status_code == 200
    assert get(secret, f"/sets/{world.set_a.pk}").status_code == 200  # as a sponsor sees it
    theirs = Programme.objects.create(
        organisation=world.other_org,
        name="Bravo's",
        starts_on=world.programme.starts_on,
        ends_on=world.programme.ends_on,
    )
    assert get(secret, f"/programmes/{theirs.pk}").status_code == 404


@pytest.mark.parametrize(
    "roles", [[], ["participant"], ["facilitator"], ["admin", "participant"], ["nobody"]]
)
def test_an_organisation_token_holds_organisation_wide_roles_only(world, roles):
    browser = Client()
    browser.force_login(world.admin)
    refused = browser.post("/o/acme/settings/api-tokens/", {"name": "X", "roles": roles})
    assert refused.status_code == 200 and refused.context["form"].errors
    assert not ApiToken.objects.exists()
    with pytest.raises(ValidationError):
        services.organisation_token_create(
            organisation=world.org,
            by=world.admin,
            name="X",
            roles=[Role.FACILITATOR],
            can_write=False,
            expires_at=None,
        )
    assert not ApiToken.objects.exists() and not User.objects.filter(name__startswith="X (")
