"""Admins change roles and deactivate members; the organisation always keeps an admin."""

from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client

from revans.accounts.models import Organisation, Role
from revans.tests.world import PASSWORD, make_member


def test_admin_changes_roles(client, world):
    client.force_login(world.admin)
    member = world.membership(world.participant)
    response = client.post(
        f"/o/acme/members/{member.pk}/", {"roles": ["participant", "facilitator"]}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.roles == [Role.FACILITATOR, Role.PARTICIPANT]


def test_the_last_admin_cannot_drop_the_role(client, world):
    client.force_login(world.admin)
    member = world.membership(world.admin)
    response = client.post(f"/o/acme/members/{member.pk}/", {"roles": ["participant"]})
    assert b"at least one admin" in response.content
    member.refresh_from_db()
    assert member.roles == [Role.ADMIN]


def test_with_a_second_admin_the_first_may_step_down(client, world):
    make_member_admin = world.membership(world.sponsor)
    make_member_admin.is_admin = True
    make_member_admin.save()
    client.force_login(world.admin)
    member = world.membership(world.admin)
    client.post(f"/o/acme/members/{member.pk}/", {"roles": ["sponsor"]})
    member.refresh_from_db()
    assert member.roles == [Role.SPONSOR]


def test_roles_cannot_be_emptied(client, world):
    client.force_login(world.admin)
    member = world.membership(world.participant)
    response = client.post(f"/o/acme/members/{member.pk}/", {"roles": []})
    assert b"Choose at least one role" in response.content
    member.refresh_from_db()
    assert member.roles == [Role.PARTICIPANT]


def test_an_unknown_role_is_refused(client, world):
    client.force_login(world.admin)
    member = world.membership(world.participant)
    response = client.post(f"/o/acme/members/{member.pk}/", {"roles": ["owner"]})
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    member.refresh_from_db()
    assert member.roles == [Role.PARTICIPANT]


def test_deactivation_ends_the_persons_sessions_and_access(world):
    # The member signs in for real, so a session and its record exist.
    member_client = Client()
    assert member_client.login(email=world.participant.email, password=PASSWORD)
    member_client.get("/o/acme/")
    assert UserSession.objects.filter(user=world.participant).exists()

    admin = Client()
    admin.force_login(world.admin)
    member = world.membership(world.participant)
    response = admin.post(f"/o/acme/members/{member.pk}/deactivate/", follow=True)
    assert b"was deactivated and signed out" in response.content

    member.refresh_from_db()
    assert not member.is_active
    assert member.deactivated_at is not None
    assert not UserSession.objects.filter(user=world.participant).exists()
    assert not Session.objects.filter(session_key=member_client.session.session_key).exists()
    # The old browser is signed out; signing in again does not reopen the organisation.
    assert member_client.get("/o/acme/").status_code == 302
    assert member_client.login(email=world.participant.email, password=PASSWORD)
    assert member_client.get("/o/acme/").status_code == 404


def test_deactivation_keeps_other_organisations(world):
    make_member(world.other_org, world.participant, Role.PARTICIPANT)
    admin = Client()
    admin.force_login(world.admin)
    admin.post(f"/o/acme/members/{world.membership(world.participant).pk}/deactivate/")
    client = Client()
    client.force_login(world.participant)
    assert client.get("/o/bravo/").status_code == 200
    assert client.get("/o/acme/").status_code == 404


def test_an_admin_cannot_deactivate_themselves(client, world):
    client.force_login(world.admin)
    member = world.membership(world.admin)
    response = client.post(f"/o/acme/members/{member.pk}/deactivate/", follow=True)
    assert b"cannot deactivate yourself" in response.content
    member.refresh_from_db()
    assert member.is_active


def test_reactivation(client, world):
    client.force_login(world.admin)
    member = world.membership(world.participant)
    client.post(f"/o/acme/members/{member.pk}/deactivate/")
    page = client.get("/o/acme/members/")
    assert b"Deactivated" in page.content
    client.post(f"/o/acme/members/{member.pk}/reactivate/")
    member.refresh_from_db()
    assert member.is_active
    assert member.deactivated_at is None


def test_admin_edits_organisation_settings(client, world):
    client.force_login(world.admin)
    response = client.post(
        "/o/acme/settings/",
        {
            "name": "Acme Freight Ltd",
            "time_zone": "America/New_York",
            "min_group_size": 6,
            "require_mfa": "on",
            "session_idle_minutes": 60,
            "session_absolute_hours": 12,
        },
    )
    assert response.status_code == 302
    org = Organisation.objects.get(pk=world.org.pk)
    assert (org.name, org.time_zone, org.min_group_size, org.require_mfa) == (
        "Acme Freight Ltd",
        "America/New_York",
        6,
        True,
    )
    assert (org.session_idle_minutes, org.session_absolute_hours) == (60, 12)


def test_the_group_size_floor_holds(client, world):
    client.force_login(world.admin)
    response = client.post(
        "/o/acme/settings/",
        {"name": "Acme", "time_zone": "Europe/London", "min_group_size": 2},
    )
    assert response.status_code == 200
    assert b"greater than or equal to 3" in response.content
    world.org.refresh_from_db()
    assert world.org.min_group_size == 5
    assert world.org.name == "Acme Freight"


def test_an_unknown_time_zone_is_refused(client, world):
    client.force_login(world.admin)
    response = client.post(
        "/o/acme/settings/", {"name": "Acme", "time_zone": "Mars/Olympus", "min_group_size": 5}
    )
    assert b"Select a valid choice" in response.content
    world.org.refresh_from_db()
    assert world.org.time_zone == "Europe/London"


def test_deactivation_asks_first(client, world):
    client.force_login(world.admin)
    member = world.membership(world.participant)
    page = client.get(f"/o/acme/members/{member.pk}/deactivate/")
    assert b"Deactivate Pat Participant?" in page.content
    member.refresh_from_db()
    assert member.is_active
