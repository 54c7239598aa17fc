"""Admins invite people by email; the link is signed, expires, and works once."""

from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError

from revans.accounts import services
from revans.accounts.models import Invitation, Membership, Role, User
from revans.tests.world import PASSWORD, email_link, make_user


def invite(world, email="new@acme.test", roles=(Role.PARTICIPANT,), name="Nia New"):
    return services.invitation_create(
        organisation=world.org, invited_by=world.admin, email=email, name=name, roles=roles
    )


def test_admin_invites_through_the_page_and_an_email_is_sent(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/o/acme/members/invite/",
            {"email": "New@Acme.test", "name": "Nia New", "roles": ["participant", "facilitator"]},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "new@acme.test"
    assert set(invitation.roles) == {Role.PARTICIPANT, Role.FACILITATOR}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@acme.test"]
    assert "Acme Freight" in message.subject
    # The link in the email is the one that accepts.
    assert client.get(email_link(message, "/invitations/")).status_code == 200


def test_new_person_accepts_sets_a_password_and_lands_in_the_organisation(client, world):
    invitation = invite(world)
    url = f"/invitations/{services.invitation_token(invitation)}/"
    page = client.get(url)
    assert page.status_code == 200
    assert b"Create your account" in page.content
    response = client.post(url, {"name": "Nia New", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/o/acme/"
    user = User.objects.get(email="new@acme.test")
    assert user.name == "Nia New"
    assert user.check_password(PASSWORD)
    membership = Membership.objects.get(user=user, organisation=world.org)
    assert membership.roles == [Role.PARTICIPANT]
    assert EmailAddress.objects.get(user=user).verified
    # Signed in already.
    assert client.get("/o/acme/").status_code == 200


def test_existing_account_is_linked_after_signing_in(client, world):
    invitation = invite(world, email=world.outsider.email, roles=(Role.FACILITATOR,))
    url = f"/invitations/{services.invitation_token(invitation)}/"
    page = client.get(url)
    assert b"Sign in to accept" in page.content
    assert not User.objects.filter(name="").exists()
    client.force_login(world.outsider)
    response = client.post(url)
    assert response.status_code == 302
    membership = world.membership(world.outsider)
    assert membership.roles == [Role.FACILITATOR]
    # The person now belongs to both organisations and keeps B's roles.
    assert world.membership(world.outsider, world.other_org).is_admin


def test_signed_in_as_someone_else_cannot_accept(client, world):
    invitation = invite(world)
    client.force_login(world.participant)
    url = f"/invitations/{services.invitation_token(invitation)}/"
    assert b"Sign out, then open the link again" in client.get(url).content
    client.post(url)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not Membership.objects.filter(user__email="new@acme.test").exists()


def test_a_used_link_cannot_be_used_again(client, world):
    invitation = invite(world)
    url = f"/invitations/{services.invitation_token(invitation)}/"
    client.post(url, {"name": "Nia", "password1": PASSWORD, "password2": PASSWORD})
    other = type(client)()
    response = other.get(url)
    assert response.status_code == 400
    assert b"already been used" in response.content
    assert User.objects.filter(email="new@acme.test").count() == 1


def test_an_expired_link_is_refused(client, world):
    invitation = invite(world)
    url = f"/invitations/{services.invitation_token(invitation)}/"
    with time_machine.travel(invitation.created_at + timedelta(days=15)):
        response = client.post(url, {"name": "Nia", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 400
    assert b"expired" in response.content
    assert not User.objects.filter(email="new@acme.test").exists()


@pytest.mark.parametrize("token", ["garbage", "eyJpbnZpdGF0aW9uIjoxfQ:forged:signature"])
def test_a_forged_link_is_refused(client, world, token):
    invite(world)
    response = client.get(f"/invitations/{token}/")
    assert response.status_code == 400
    assert b"not valid" in response.content


def test_a_token_for_another_purpose_is_refused(client, world):
    from django.core import signing

    invitation = invite(world)
    token = signing.dumps({"invitation": invitation.pk}, salt="something.else")
    assert client.get(f"/invitations/{token}/").status_code == 400


def test_a_withdrawn_invitation_is_refused(client, world):
    invitation = invite(world)
    services.invitation_revoke(invitation=invitation)
    response = client.get(f"/invitations/{services.invitation_token(invitation)}/")
    assert response.status_code == 400
    assert b"withdrawn" in response.content


def test_inviting_a_member_is_refused_and_changes_nothing(client, world):
    client.force_login(world.admin)
    response = client.post(
        "/o/acme/members/invite/", {"email": "PAT@acme.test", "roles": ["participant"]}
    )
    assert response.status_code == 200
    assert b"is already a member of Acme Freight" in response.content
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_a_second_open_invitation_is_refused(world):
    invite(world)
    with pytest.raises(ValidationError, match="already has an open invitation"):
        invite(world, email="NEW@acme.test")
    assert Invitation.objects.count() == 1


def test_an_invitation_needs_a_role(client, world):
    client.force_login(world.admin)
    response = client.post("/o/acme/members/invite/", {"email": "x@acme.test"})
    assert b"Choose at least one role" in response.content
    assert not Invitation.objects.exists()


def test_accepting_with_a_weak_password_creates_nothing(client, world):
    invitation = invite(world)
    url = f"/invitations/{services.invitation_token(invitation)}/"
    response = client.post(url, {"name": "Nia", "password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert b"too short" in response.content
    assert not User.objects.filter(email="new@acme.test").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_invitation_for_an_address_that_signed_up_meanwhile_links_the_account(world):
    invitation = invite(world)
    user = make_user("new@acme.test", "Nia")
    with pytest.raises(ValidationError, match="already exists"):
        services.invitation_accept_with_new_account(
            invitation=invitation, name="Nia", password=PASSWORD
        )
    services.invitation_accept(invitation=invitation, user=user)
    assert Membership.objects.get(user=user).is_participant


def test_a_deactivated_member_can_be_invited_back(world):
    member = world.membership(world.participant2)
    services.membership_deactivate(membership=member, by=world.admin)
    invitation = invite(world, email=world.participant2.email, roles=(Role.FACILITATOR,))
    services.invitation_accept(invitation=invitation, user=world.participant2)
    member.refresh_from_db()
    assert member.is_active
    assert member.roles == [Role.FACILITATOR]


def test_only_admins_may_invite(client, world):
    client.force_login(world.sponsor)
    response = client.post(
        "/o/acme/members/invite/", {"email": "x@acme.test", "roles": ["participant"]}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()
