"""Sessions: a new key at sign-in, gone at sign-out or when the account is made inactive, and each
organisation's idle and absolute limits, with the page's warning and its "Stay signed in"."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from revans.accounts.models import Organisation, Role
from revans.tests.learning.test_live import started
from revans.tests.world import PASSWORD, make_member

SIGN_IN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    cache.clear()


def signed_in(email: str) -> Client:
    """A browser that signs in with the password form, as a person does."""
    client = Client()
    response = client.post(SIGN_IN, {"login": email, "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    return client


def with_cookie(key: str) -> Client:
    """Another browser holding a copied session cookie."""
    client = Client()
    client.cookies["sessionid"] = key
    return client


def sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and str(response["Location"]).startswith(SIGN_IN)


def test_signing_in_gives_a_new_session_key_and_the_old_one_opens_nothing(world):
    client = Client()
    before = client.session  # an anonymous session, as a fixed cookie would be
    before["visited"] = True
    before.save()
    old_key = before.session_key

    response = client.post(SIGN_IN, {"login": world.participant.email, "password": PASSWORD})

    assert response.status_code == 302
    new_key = client.cookies["sessionid"].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert client.get("/o/acme/").status_code == 200
    assert sent_to_sign_in(with_cookie(old_key).get("/o/acme/"))


def test_signing_out_ends_the_session(world):
    client = signed_in(world.participant.email)
    client.get("/o/acme/")
    key = client.cookies["sessionid"].value
    assert UserSession.objects.filter(session_key=key).exists()

    client.post("/accounts/logout/")

    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()
    assert sent_to_sign_in(with_cookie(key).get("/o/acme/"))


def test_an_account_made_inactive_is_signed_out_everywhere_at_once(world):
    laptop = signed_in(world.participant.email)
    phone = signed_in(world.participant.email)
    keys = [c.cookies["sessionid"].value for c in (laptop, phone)]
    laptop.get("/o/acme/")
    phone.get("/o/acme/")

    world.participant.is_active = False  # as an operator does in the Django admin
    world.participant.save()

    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.filter(user=world.participant).exists()
    for key in keys:
        assert sent_to_sign_in(with_cookie(key).get("/o/acme/"))


def test_a_member_deactivated_by_an_admin_is_signed_out_on_the_next_click(world):
    member = signed_in(world.participant.email)
    member.get("/o/acme/")
    key = member.cookies["sessionid"].value
    admin = Client()
    admin.force_login(world.admin)

    admin.post(f"/o/acme/members/{world.membership(world.participant).pk}/deactivate/")

    assert not Session.objects.filter(session_key=key).exists()
    assert sent_to_sign_in(member.get("/o/acme/"))


# Timeouts ---------------------------------------------------------------------------------------


def limits(org: Organisation, idle_minutes: int, absolute_hours: int) -> None:
    org.session_idle_minutes = idle_minutes
    org.session_absolute_hours = absolute_hours
    org.save()


def follow(client: Client, response) -> str:
    return client.get(response["Location"]).content.decode()


def test_an_idle_session_ends_with_a_message_saying_why(world):
    limits(world.org, 30, 24)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in(world.participant.email)
        key = client.cookies["sessionid"].value
        clock.move_to(start + timedelta(minutes=29))
        assert client.get("/o/acme/").status_code == 200  # activity: the idle time starts again
        clock.move_to(start + timedelta(minutes=58))
        assert client.get("/o/acme/").status_code == 200
        clock.move_to(start + timedelta(minutes=89))

        response = client.get("/o/acme/")

        assert sent_to_sign_in(response) and "next=/o/acme/" in response["Location"]
        assert "signed out after 30 minutes without activity" in follow(client, response)
        assert not Session.objects.filter(session_key=key).exists()
        assert not UserSession.objects.filter(session_key=key).exists()
        assert sent_to_sign_in(client.get("/o/acme/"))


def test_the_absolute_limit_ends_even_an_active_session(world):
    limits(world.org, 60, 2)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in(world.participant.email)
        for minutes in (50, 100, 119):
            clock.move_to(start + timedelta(minutes=minutes))
            assert client.get("/o/acme/").status_code == 200
        clock.move_to(start + timedelta(minutes=121))

        response = client.get("/o/acme/")

        assert sent_to_sign_in(response)
        assert "a session lasts at most 2 hours" in follow(client, response)


def test_a_polling_board_does_not_keep_the_session_alive(world):
    limits(world.org, 30, 24)
    meeting = started(world)
    poll = f"/o/acme/meetings/{meeting.pk}/board/poll/"
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in(world.participant.email)
        for minutes in (5, 15, 25, 29):
            clock.move_to(start + timedelta(minutes=minutes))
            assert client.get(poll).status_code in (200, 204)
        clock.move_to(start + timedelta(minutes=31))

        # htmx's poll is told to send the whole window to sign in, back to the board after.
        board = f"http://testserver/o/acme/meetings/{meeting.pk}/board/"
        answer = client.get(poll, headers={"HX-Request": "true", "HX-Current-URL": board})
        assert answer.status_code == 200
        assert answer["HX-Redirect"].startswith(SIGN_IN) and "board" in answer["HX-Redirect"]
        assert sent_to_sign_in(client.get(poll))


def test_stay_signed_in_extends_the_idle_limit_and_says_until_when(world):
    limits(world.org, 30, 24)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in(world.participant.email)
        clock.move_to(start + timedelta(minutes=27))

        stayed = client.post("/session/stay/").json()

        now = (start + timedelta(minutes=27)).timestamp()
        assert stayed["now"] == pytest.approx(now)
        assert stayed["idle_ends"] == pytest.approx(now + 30 * 60)
        assert stayed["ends"] == pytest.approx(start.timestamp() + 24 * 3600)
        clock.move_to(start + timedelta(minutes=50))
        assert client.get("/o/acme/").status_code == 200
        # Without it, the same wait signs out.
        other = signed_in(world.participant2.email)
        clock.move_to(start + timedelta(minutes=90))
        assert sent_to_sign_in(other.get("/o/acme/"))


def test_each_page_says_when_the_session_ends_and_carries_the_warning(world):
    limits(world.org, 30, 24)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = signed_in(world.participant.email)
        page = client.get("/o/acme/").content.decode()

    body = re.search(r"<body[^>]*>", page)
    assert body
    attributes = dict(re.findall(r'data-session-([a-z-]+)="([^"]*)"', body.group(0)))
    assert int(attributes["idle-ends"]) == pytest.approx(start.timestamp() + 30 * 60, abs=1)
    assert int(attributes["ends"]) == pytest.approx(start.timestamp() + 24 * 3600, abs=1)
    assert attributes["warn"] == "300"
    assert 'role="alertdialog"' in page and 'aria-labelledby="session-warning-title"' in page
    assert "Stay signed in" in page and 'action="/session/stay/"' in page
    assert "/static/js/session.js" in page
    # A signed-out page has no session to warn about.
    assert "data-session-idle-ends" not in Client().get(SIGN_IN).content.decode()


def test_the_strictest_of_a_persons_organisations_applies(world):
    limits(world.org, 8 * 60, 14 * 24)
    limits(world.other_org, 10, 24)
    make_member(world.other_org, world.participant, Role.PARTICIPANT)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in(world.participant.email)
        clock.move_to(start + timedelta(minutes=11))
        # Even on the lenient organisation's own pages.
        assert sent_to_sign_in(client.get("/o/acme/"))


def test_an_admins_change_applies_to_sessions_already_open(world):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in(world.participant.email)
        limits(world.org, 15, 24)
        clock.move_to(start + timedelta(minutes=2))
        assert client.get("/o/acme/").status_code == 200  # reads the new limit
        clock.move_to(start + timedelta(minutes=18))
        assert sent_to_sign_in(client.get("/o/acme/"))


SETTINGS = {"time_zone": "Europe/London", "min_group_size": 5}


@pytest.mark.parametrize(
    ("idle", "absolute", "error"),
    [
        (4, 24, "greater than or equal to 5"),
        (1441, 48, "less than or equal to 1440"),
        (30, 0, "greater than or equal to 1"),
        (30, 721, "less than or equal to 720"),
        (120, 1, "cannot be longer than the absolute one"),
    ],
)
def test_the_admin_chooses_limits_within_bounds(world, idle, absolute, error):
    admin = Client()
    admin.force_login(world.admin)
    form = SETTINGS | {"name": world.org.name}
    refused = admin.post(
        "/o/acme/settings/",
        form | {"session_idle_minutes": idle, "session_absolute_hours": absolute},
    )
    assert refused.status_code == 200 and error in refused.content.decode()
    world.org.refresh_from_db()
    assert (world.org.session_idle_minutes, world.org.session_absolute_hours) == (8 * 60, 14 * 24)

    admin.post(
        "/o/acme/settings/", form | {"session_idle_minutes": 20, "session_absolute_hours": 10}
    )
    world.org.refresh_from_db()
    assert (world.org.session_idle_minutes, world.org.session_absolute_hours) == (20, 10)


@pytest.mark.parametrize(
    "values",
    [
        {"session_idle_minutes": 4},
        {"session_idle_minutes": 1441},
        {"session_absolute_hours": 0},
        {"session_absolute_hours": 721},
        {"session_idle_minutes": 120, "session_absolute_hours": 1},
    ],
)
def test_the_database_refuses_limits_out_of_bounds(world, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=world.org.pk).update(**values)


def test_the_sweep_deletes_expired_sessions_with_their_rows_in_the_list(world):
    from revans.accounts.sweeps import sweep

    old = signed_in(world.participant.email).cookies["sessionid"].value
    with time_machine.travel(timezone.now() + timedelta(days=7), tick=False):
        kept = signed_in(world.facilitator.email).cookies["sessionid"].value
    assert UserSession.objects.filter(session_key__in=[old, kept]).count() == 2

    # Past the first session's expiry (SESSION_COOKIE_AGE, 14 days), not yet the second's.
    done = sweep(timezone.now() + timedelta(days=15))

    assert done["sessions expired"] == 1
    assert not Session.objects.filter(session_key=old).exists()
    assert not UserSession.objects.filter(session_key=old).exists()
    assert Session.objects.filter(session_key=kept).exists()
    assert UserSession.objects.filter(session_key=kept).exists()
    assert sweep(timezone.now() + timedelta(days=15))["sessions expired"] == 0
