"""Every page's header (the person's menus, their organisations, the organisation's links) is
kept as HTML under all that decides it: it follows each of those however it is written, a
signal or none, is never one person's for another, and its sign-out button still signs out."""

import re

from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.core.management import call_command
from django.utils import translation

from revans.accounts.access import memberships_of
from revans.accounts.context_processors import header_key
from revans.accounts.models import Membership, Organisation, Role, User
from revans.tests.world import make_member, make_user


def header(client) -> str:
    page = client.get("/o/acme/").content.decode()
    found = re.search(r"<header class=\"site-header\">.*?</header>", page, re.S)
    assert found is not None
    return found.group(0)


def test_the_header_follows_the_name_organisations_and_roles_however_they_are_written(
    client, world
):
    client.force_login(world.admin)
    assert "Settings" in header(client)
    # Written in bulk, with no signal to move anything kept: the key names each of them.
    User.objects.filter(pk=world.admin.pk).update(name="Zqxrenamed Admin")
    assert "Zqxrenamed" in header(client)
    Organisation.objects.filter(pk=world.org.pk).update(name="Zqx Industries")
    assert "Zqx Industries" in header(client)
    Membership.objects.filter(user=world.admin, organisation=world.org).update(
        is_admin=False, is_sponsor=True
    )
    assert "Settings" not in header(client) and "Programmes" in header(client)
    other = Organisation.objects.create(name="Zqx Other", slug="zqx-other")
    Membership.objects.create(user=world.admin, organisation=other, is_participant=True)
    assert 'href="/o/zqx-other/"' in header(client)
    User.objects.filter(pk=world.admin.pk).update(language="fr")
    assert "Se déconnecter" in header(client)


def test_the_header_is_each_person_s_own_and_is_kept(client, world):
    client.force_login(world.participant)
    mine = header(client)
    assert ">Pat<" in mine and "Settings" not in mine
    client.force_login(world.admin)
    theirs = header(client)
    assert ">Ada<" in theirs and ">Pat<" not in theirs and "Settings" in theirs
    # Kept: the fragment is in the cache under the key naming all it shows.
    request = client.get("/o/acme/").wsgi_request
    admins = memberships_of(request)
    membership = next(m for m in admins if m.organisation_id == world.org.pk)
    with translation.override(request.LANGUAGE_CODE):
        key = header_key(world.admin, admins, world.org, membership)
        kept = cache.get(make_template_fragment_key("header", [key]))
        assert kept is not None and ">Ada<" in kept
        # A release (migrate) renews it: what the old code kept is not read.
        call_command("migrate", verbosity=0)
        assert header_key(world.admin, admins, world.org, membership) != key


def test_sign_out_is_a_form_of_this_session_outside_the_kept_header(client, world):
    someone = make_user("zqx-signing-out@acme.test", "Zqx Leaving")
    make_member(world.org, someone, Role.PARTICIPANT)
    client.force_login(someone)
    page = client.get("/o/acme/", headers={"accept-language": "en"}).content.decode()
    assert 'form="sign-out"' in header(client)
    form = re.search(
        r'<form id="sign-out" method="post" action="([^"]+)" hidden>(.*?)</form>', page
    )
    assert form is not None and 'name="csrfmiddlewaretoken"' in form.group(2)
    client.post(form.group(1))
    assert client.get("/o/acme/").status_code == 302  # to sign in
