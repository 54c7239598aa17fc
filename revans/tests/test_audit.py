"""The audit trail: every listed event is recorded by the action that causes it, in its
organisation, with no one's words; entries are never changed or removed (on PostgreSQL the
database itself refuses); admins filter and export it; each person sees their own."""

import json
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.utils import timezone

from revans.accounts import services as accounts
from revans.accounts.models import Role
from revans.api import services as api_services
from revans.api import webhooks
from revans.audit.models import Entry, Event
from revans.evidence.models import BoardReport
from revans.identity import services as identity_services
from revans.identity.models import SignOn
from revans.programmes import services as programmes
from revans.tests.identity.forged import idp_metadata, make_keys


def events(world, **filters) -> list[str]:
    return list(
        Entry.objects.filter(organisation=world.org, **filters)
        .order_by("pk")
        .values_list("event", flat=True)
    )


def test_signing_in_and_failing_to_are_recorded_for_the_person_s_organisations(world):
    world.admin.set_password("a long enough secret")
    world.admin.save()
    browser = Client()
    browser.post("/accounts/login/", {"login": "ada@acme.test", "password": "wrong wrong wrong"})
    browser.post("/accounts/login/", {"login": "nobody@acme.test", "password": "wrong wrong"})
    assert events(world) == [Event.SIGN_IN_FAILED]
    failed = Entry.objects.get()
    assert failed.subject == world.admin and "nobody" not in json.dumps(failed.detail)
    assert not Entry.objects.filter(organisation=None).exists()  # no one's: nowhere
    browser.force_login(world.admin)  # force_login sends user_logged_in too
    assert events(world)[-1] == Event.SIGNED_IN


def test_each_listed_action_records_its_event_with_who_did_it(world):
    browser = Client()
    browser.force_login(world.admin)
    start = Entry.objects.count()
    browser.post(
        "/o/acme/members/invite/",
        {"email": "new@acme.test", "name": "New", "roles": ["participant"]},
    )
    membership = world.membership(world.participant2)
    browser.post(f"/o/acme/members/{membership.pk}/", {"roles": ["participant", "sponsor"]})
    browser.post(f"/o/acme/members/{membership.pk}/deactivate/")
    browser.get("/o/acme/people/export.csv")
    browser.post(
        "/o/acme/settings/webhooks/", {"url": "https://hooks.acme.test/x", "events": ["set.joined"]}
    )
    browser.post("/o/acme/settings/api-tokens/", {"name": "BI", "roles": ["sponsor"]})
    made = list(Entry.objects.filter(pk__gt=0).order_by("pk"))[start:]
    assert [e.event for e in made] == [
        Event.INVITED,
        Event.ROLES_CHANGED,
        Event.DEACTIVATED,
        Event.EXPORTED,
        Event.WEBHOOK_ADDED,
        Event.API_TOKEN_MADE,
    ], [e.event for e in made]
    assert {e.actor_id for e in made} == {world.admin.pk}
    roles = next(e for e in made if e.event == Event.ROLES_CHANGED)
    assert roles.subject == world.participant2
    assert roles.detail == {"from": ["participant"], "to": ["participant", "sponsor"]}
    assert "new@acme.test" not in json.dumps([e.detail for e in made])  # ids, not addresses


def test_services_record_in_their_own_transaction(world):
    """A change that rolls back leaves no entry; the worker's have no person as actor."""
    with pytest.raises(RuntimeError), transaction.atomic():
        accounts.membership_set_roles(
            membership=world.membership(world.participant2), roles=[Role.SPONSOR]
        )
        raise RuntimeError
    assert not Entry.objects.exists()
    facilitation = programmes.set_facilitator_add(
        learning_set=world.set_a, user=world.other_facilitator, by=world.admin
    )
    programmes.set_facilitator_end(facilitation=facilitation, until=world.org.today())
    assert events(world) == [Event.FACILITATOR_ADDED, Event.FACILITATOR_ENDED]
    assert set(Entry.objects.values_list("actor", flat=True)) == {None}
    api_services.token_create(
        user=world.facilitator,
        membership=world.membership(world.facilitator),
        name="x",
        can_write=True,
        expires_at=None,
    )
    hook = webhooks.webhook_add(
        organisation=world.org, url="https://hooks.acme.test/y", events=["set.left"], by=world.admin
    )
    webhooks.webhook_remove(webhook=hook)
    assert events(world)[-3:] == [Event.API_TOKEN_MADE, Event.WEBHOOK_ADDED, Event.WEBHOOK_REMOVED]


def test_two_factor_changes_and_refused_access_are_recorded(world, rf):
    authenticator = Authenticator(user=world.sponsor, type=Authenticator.Type.TOTP, data={})
    authenticator_added.send(
        sender=Authenticator, request=rf.get("/"), user=world.sponsor, authenticator=authenticator
    )
    assert events(world, subject=world.sponsor) == [Event.MFA_ADDED]
    browser = Client()
    browser.force_login(world.participant)
    refused = browser.get("/o/acme/settings/")
    assert refused.status_code == 403
    entry = Entry.objects.filter(event=Event.ACCESS_REFUSED).get()
    assert entry.actor == world.participant and entry.detail["path"] == "/o/acme/settings/"
    _token, secret = api_services.token_create(
        user=world.participant,
        membership=world.membership(world.participant),
        name="x",
        can_write=False,
        expires_at=None,
    )
    api = Client().get("/api/v1/programmes", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 403
    by_token = Entry.objects.filter(event=Event.ACCESS_REFUSED, via="api").get()
    assert by_token.actor == world.participant


def test_the_trail_is_append_only(world):
    Entry.objects.create(event=Event.EXPORTED, organisation_id=world.org.pk)
    entry = Entry.objects.get()
    entry.event = Event.SIGNED_IN
    for attempt in (
        entry.save,
        entry.delete,
        lambda: Entry.objects.update(event="x"),
        lambda: Entry.objects.all().delete(),
    ):
        with pytest.raises(PermissionError):
            attempt()
    if connection.vendor == "postgresql":
        # Past the app: the database refuses too.
        for sql in ("UPDATE audit_entry SET event = 'x'", "DELETE FROM audit_entry"):
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
    assert Entry.objects.get().event == Event.EXPORTED


def test_admins_filter_and_export_and_each_person_sees_their_own(world):
    accounts.membership_set_roles(
        membership=world.membership(world.participant2), roles=[Role.PARTICIPANT, Role.SPONSOR]
    )
    Entry.objects.create(event=Event.EXPORTED, organisation_id=world.other_org.pk)  # Bravo's
    admin = Client()
    admin.force_login(world.admin)
    page = admin.get("/o/acme/settings/audit/", {"event": "roles_changed"})
    assert page.status_code == 200 and list(page.context["page"]) == list(
        Entry.objects.filter(event=Event.ROLES_CHANGED)
    )
    assert 'data-label="About">Quinn Participant</td>' in page.text
    none = admin.get("/o/acme/settings/audit/", {"event": "invited"})
    assert not none.context["page"].object_list and "Nothing here." in none.text
    exported = admin.get("/o/acme/settings/audit.csv", {"person": world.participant2.pk})
    assert exported["Content-Type"].startswith("text/csv")
    assert exported.content.decode().count("\n") == 2  # the header and the one entry
    assert events(world)[-1] == Event.EXPORTED  # the export itself is in the trail
    quinn = Client()
    quinn.force_login(world.participant2)
    mine = quinn.get("/profile/activity/")
    assert mine.status_code == 200 and "roles changed" in mine.text
    pat = Client()
    pat.force_login(world.participant)
    assert "roles changed" not in pat.get("/profile/activity/").text
    assert quinn.get("/o/acme/settings/audit/").status_code == 403


def test_the_other_listed_events_are_recorded_by_what_causes_them(world, rf):
    """Single sign-on and SCIM, invitations revoked and accepted, reactivation, a board report
    downloaded, and two-factor methods removed or renewed."""
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
    scim, _secret = identity_services.token_create(organisation=world.org, name="E", by=world.admin)
    identity_services.token_revoke(token=scim)
    revoked = accounts.invitation_create(
        organisation=world.org,
        invited_by=world.admin,
        email="gone@acme.test",
        name="Gone",
        roles=[Role.PARTICIPANT],
    )
    accounts.invitation_revoke(invitation=revoked)
    accepted = accounts.invitation_create(
        organisation=world.org,
        invited_by=world.admin,
        email="olly@bravo.test",
        name="Olly",
        roles=[Role.PARTICIPANT],
    )
    accounts.invitation_accept(invitation=accepted, user=world.outsider)
    membership = world.membership(world.participant2)
    accounts.membership_deactivate(membership=membership, by=world.admin)
    accounts.membership_reactivate(membership=membership)
    report = BoardReport.objects.create(
        programme=world.programme,
        requested_by=world.sponsor,
        status=BoardReport.Status.READY,
        content=b"%PDF-1.7",
        expires_at=timezone.now() + timedelta(minutes=10),
    )
    sponsor = Client()
    sponsor.force_login(world.sponsor)
    assert sponsor.get(f"/o/acme/reports/{report.pk}/download/").status_code == 200
    authenticator = Authenticator(user=world.admin, type=Authenticator.Type.TOTP, data={})
    for signal in (authenticator_removed, authenticator_reset):
        signal.send(
            sender=Authenticator, request=rf.get("/"), user=world.admin, authenticator=authenticator
        )
    assert [e for e in events(world) if e != Event.SIGNED_IN] == [
        Event.SSO_CHANGED,
        Event.SCIM_TOKEN_MADE,
        Event.SCIM_TOKEN_REVOKED,
        Event.INVITED,
        Event.INVITATION_REVOKED,
        Event.INVITED,
        Event.JOINED,
        Event.DEACTIVATED,
        Event.REACTIVATED,
        Event.REPORT_DOWNLOADED,
        Event.MFA_REMOVED,
        Event.MFA_RESET,
    ]
    assert Entry.objects.get(event=Event.JOINED).subject == world.outsider
    assert Entry.objects.get(event=Event.REPORT_DOWNLOADED).actor == world.sponsor
