"""A pool entry is linked to its person's account by key, once, when they accept their invitation
or sign in; from then on their sets follow the account, whatever its address becomes."""

from allauth.account.models import EmailAddress
from django.core import mail

from revans.accounts.models import Role
from revans.programmes import services
from revans.programmes.models import Participant
from revans.tests.world import PASSWORD, email_link, make_member, make_user


def join_set(world, email: str, name: str = "Nia New") -> Participant:
    person = Participant.objects.create(organisation=world.org, email=email, name=name)
    services.set_member_add(
        learning_set=world.set_a,
        participant=person,
        joined_on=world.org.today(),
        reason="",
        by=world.admin,
    )
    return person


def test_accepting_the_invitation_links_the_entry_and_shows_the_set(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person = join_set(world, "Nia@Acme.test")
    assert person.user is None  # no account yet
    link = email_link(mail.outbox[-1], "/invitations/")
    client.post(link, {"name": "Nia New", "password1": PASSWORD, "password2": PASSWORD})
    person.refresh_from_db()
    assert person.user is not None and person.user.email == "nia@acme.test"
    assert client.get(world.set_a.get_absolute_url()).status_code == 200


def test_a_changed_sign_in_address_keeps_the_person_s_sets(client, world):
    user = world.participant
    user.email = "pat.new@elsewhere.test"
    user.save()
    EmailAddress.objects.filter(user=user).update(email=user.email)
    client.force_login(user)
    assert client.get(world.set_a.get_absolute_url()).status_code == 200
    assert b"Set A" in client.get("/o/acme/").content


def test_signing_in_links_an_entry_added_after_the_person_joined(client, world):
    person = Participant.objects.create(
        organisation=world.org, email="ADA@acme.test", name="Ada Admin"
    )
    client.post("/accounts/login/", {"login": world.admin.email, "password": PASSWORD})
    person.refresh_from_db()
    assert person.user == world.admin


def test_joining_a_set_links_someone_who_is_a_member_already(world):
    user = make_user("kim@acme.test", "Kim Member")
    make_member(world.org, user, Role.PARTICIPANT)
    person = join_set(world, "kim@acme.test")
    person.refresh_from_db()
    assert person.user == user


def test_an_unverified_address_or_another_organisation_links_nothing(client, world):
    # Olly's account has an unverified address that matches an entry in A's pool, and a
    # verified one that matches an entry of an organisation Olly is not a member of.
    EmailAddress.objects.create(user=world.outsider, email="olly@acme.test", verified=False)
    unverified = Participant.objects.create(
        organisation=world.org, email="olly@acme.test", name="Olly?"
    )
    make_member(world.org, world.outsider, Role.PARTICIPANT)
    elsewhere = Participant.objects.create(
        organisation=world.org, email="someone@bravo.test", name="Someone"
    )
    services.participants_link(user=world.outsider)
    for entry in (unverified, elsewhere):
        entry.refresh_from_db()
        assert entry.user is None


def test_a_person_has_one_entry_per_organisation(world):
    second = Participant.objects.create(
        organisation=world.org, email="pat.other@acme.test", name="Pat again"
    )
    EmailAddress.objects.create(user=world.participant, email=second.email, verified=True)
    assert services.participants_link(user=world.participant) == 0  # already linked in A
    second.refresh_from_db()
    assert second.user is None
