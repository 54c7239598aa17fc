"""Notices the way each person wants them (issue 22): at once, in one daily or weekly digest
where they are, or off (invitations and cancellations always come); and every email's one-click
unsubscribe (RFC 8058), which works by POST without a session and changes nothing on GET.

Every test runs on the suite's clock, moved with time_machine to hours of the suite's today."""

import re
import threading
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail, signing
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from revans.accounts import digests, outbox, services
from revans.accounts.access import get_unsubscribe_link
from revans.accounts.models import Digest, NoticePreference, Role, User
from revans.evidence.models import Survey, SurveyNotice
from revans.impact import services as impact_services
from revans.learning.models import Action, Challenge
from revans.meetings import services as meetings_services
from revans.meetings.models import Notice
from revans.programmes.models import Participant, Programme
from revans.tests.world import future_meeting, today

LONDON = ZoneInfo("Europe/London")
EVERYTHING = ("changes", "reminders", "actions", "surveys", "claims")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment of the suite's calendar, in London (the world's organisation's zone)."""
    return datetime.combine(day, time(hour, minute), LONDON)


def to(user) -> list[EmailMessage]:
    return [m for m in mail.outbox if m.to == [user.email]]


def choose(user, frequency: str, *topics: str) -> None:
    services.preferences_save(user=user, chosen=dict.fromkeys(topics or EVERYTHING, frequency))


def sweep() -> None:
    call_command("sweep")


def digests_to(user) -> list[EmailMessage]:
    return [m for m in to(user) if "in Revans:" in m.subject]


def token_of(message: EmailMessage) -> str:
    """The signed token in an email's List-Unsubscribe link."""
    path = urlsplit(str(message.extra_headers["List-Unsubscribe"]).strip("<>")).path
    return path.removeprefix("/unsubscribe/").removesuffix("/")


def open_action(world, due: date) -> Action:
    pat = Participant.objects.get(user=world.participant)
    challenge = Challenge.objects.create(learning_set=world.set_a, owner=pat, statement="Depot")
    return Action.objects.create(challenge=challenge, text="Call the depot", due_on=due)


def survey_for(world, *, closes_in: timedelta, key: str) -> Survey:
    """A survey of set A, and its invitation to the participant. (The sweep may open the
    programme's own climate round beside it, with invitations of its own.)"""
    now = timezone.now()
    survey = Survey.objects.create(
        learning_set=world.set_a,
        kind=Survey.Kind.CLIMATE,
        items=["It is safe to take a risk on this team."],
        opens_at=now,
        closes_at=now + closes_in,
        key=key,
    )
    SurveyNotice.objects.create(
        survey=survey, user=world.participant, kind="invitation", key=f"{key}:pat"
    )
    return survey


def new_claim(world):
    pat = Participant.objects.get(user=world.participant)
    challenge = Challenge.objects.create(learning_set=world.set_a, owner=pat, statement="Rota")
    return impact_services.claim_create(
        challenge=challenge,
        action=None,
        by=world.participant,
        submission=uuid.uuid4(),
        fields={
            "category": "cost_saving",
            "description": "Fewer overtime shifts",
            "workings": "",
            "evidence": "",
            "share_description": False,
            "annual_value": Decimal(40000),
            "attribution": 60,
            "confidence": 75,
        },
        currency="GBP",
    )


def decide(world, claim):
    return impact_services.claim_decide(
        claim=claim, by=world.sponsor, version=claim.version, verified=True, reason=""
    )


def decided_claim(world):
    """A claim of the participant's, verified by the sponsor."""
    return decide(world, new_claim(world))


# Digests -----------------------------------------------------------------------------------


def test_a_day_of_notices_is_one_daily_digest_with_every_one_and_its_link(world):
    choose(world.participant, "daily")
    day = today()
    with time_machine.travel(at(day, 9), tick=False) as clock:
        meeting = future_meeting(world.set_a, days=1.5)  # invited now, reminded (2 days)
        open_action(world, due=day)  # a note of it before the meeting
        survey = survey_for(world, closes_in=timedelta(days=5), key="daily")
        sweep()
        # The invitation comes at once, always; the rest waits for the day's end.
        assert [m.subject.split(":")[0] for m in to(world.participant)] == ["[Revans] Invitation"]
        assert any("Reminder:" in m.subject for m in to(world.facilitator))  # theirs: at once
        clock.move_to(at(day, 15))
        claim = decided_claim(world)  # the owner's news of the sponsor's decision
        sweep()
        clock.move_to(at(day, 23, 50))
        sweep()
        assert not digests_to(world.participant)
        held = Notice.objects.filter(user=world.participant, held_for="daily")
        assert held.count() == 2 and set(held.values_list("kind", flat=True)) == {
            "reminder",
            "prepare",
        }

        clock.move_to(at(day + timedelta(days=1), 0, 10))
        sweep()
        sweep()  # and again: nothing twice
    [digest] = digests_to(world.participant)
    assert len(to(world.participant)) == 2  # the invitation, and the one digest
    body = digest.body
    for expected in (
        "Meeting reminders",
        "Reminder: Set A: action learning set, meeting 1",
        f"/o/acme/meetings/{meeting.pk}/",
        "Your open actions before a meeting",
        "Call the depot",
        "Surveys",
        f"/o/acme/surveys/{survey.pk}/",
        "Benefit claims",
        f"/o/acme/claims/{claim.pk}/",
    ):
        assert expected in body, expected
    assert isinstance(digest, EmailMultiAlternatives)
    html = next(str(content) for content, kind in digest.alternatives if kind == "text/html")
    assert f'href="{settings.SITE_URL}/o/acme/claims/{claim.pk}/"' in html
    # Everything it carried is sent, with it, and counted once.
    row = Digest.objects.get(user=world.participant)
    assert row.sent_at is not None and row.period == day and row.kind == "daily"
    for model in (Notice, SurveyNotice):
        mine = model.objects.filter(user=world.participant).exclude(kind="invitation")
        assert all(n.digest_id == row.pk and n.sent_at == row.sent_at for n in mine)
    assert get_unsubscribe_link(token_of(digest)).subscription == "daily"


def test_a_week_of_notices_is_one_weekly_digest_on_monday_where_the_reader_is(world):
    choose(world.participant, "weekly", "reminders", "surveys")
    Programme.objects.filter(pk=world.programme.pk).update(reminder_days=14)
    day = today()
    monday = day + timedelta(days=7 - day.weekday())
    with time_machine.travel(at(day, 9), tick=False) as clock:
        future_meeting(world.set_a, days=12)
        sweep()
        clock.move_to(at(day, 18))
        survey_for(world, closes_in=timedelta(days=12), key="weekly")
        sweep()
        clock.move_to(at(monday - timedelta(days=1), 23, 59))
        sweep()
        assert not digests_to(world.participant)
        clock.move_to(at(monday, 0, 30))
        sweep()
        clock.move_to(at(monday, 9))
        sweep()
    [digest] = digests_to(world.participant)
    assert "Your week in Revans: the week of" in digest.subject
    assert "Reminder: Set A" in digest.body and "Climate" in digest.body
    assert Digest.objects.get(user=world.participant).period == day - timedelta(days=day.weekday())


def test_the_day_of_a_digest_is_the_readers_own(world):
    """Someone in Sydney gets their day's digest just after midnight in Sydney."""
    world.participant.time_zone = "Australia/Sydney"
    world.participant.save()
    choose(world.participant, "daily", "surveys")
    sydney = ZoneInfo("Australia/Sydney")
    day = today()
    with time_machine.travel(datetime.combine(day, time(10), sydney), tick=False) as clock:
        survey_for(world, closes_in=timedelta(days=5), key="sydney")
        sweep()
        clock.move_to(datetime.combine(day, time(23, 59), sydney))
        sweep()
        assert not digests_to(world.participant)
        clock.move_to(datetime.combine(day + timedelta(days=1), time(0, 5), sydney))
        sweep()
    assert len(digests_to(world.participant)) == 1


def test_off_means_none_but_invitations_and_cancellations_still_come(world):
    choose(world.participant, "off")
    day = today()
    with time_machine.travel(at(day, 9), tick=False) as clock:
        meeting = future_meeting(world.set_a, days=1)
        survey_for(world, closes_in=timedelta(days=5), key="off")
        sweep()
        meetings_services.meeting_cancel(meeting=meeting)
        sweep()
        clock.move_to(at(day + timedelta(days=8), 1))
        sweep()
    subjects = [m.subject for m in to(world.participant)]
    assert [s.split(":")[0] for s in subjects] == ["[Revans] Invitation", "[Revans] Cancelled"]
    skipped = Notice.objects.filter(user=world.participant, kind="reminder").get().skipped
    assert skipped == outbox.SWITCHED_OFF
    surveys = SurveyNotice.objects.filter(user=world.participant)
    assert {n.skipped for n in surveys} == {outbox.SWITCHED_OFF}
    assert len([m for m in to(world.participant2) if "Reminder:" in m.subject]) == 1  # theirs


def test_a_notice_held_and_then_no_longer_true_is_left_out_and_an_empty_digest_is_not_sent(world):
    choose(world.participant, "daily", "reminders")
    day = today()
    with time_machine.travel(at(day, 9), tick=False) as clock:
        meeting = future_meeting(world.set_a, days=1.5)
        sweep()
        meetings_services.meeting_cancel(meeting=meeting)  # the reminder is no longer true
        sweep()
        clock.move_to(at(day + timedelta(days=1), 0, 10))
        sweep()
    assert not digests_to(world.participant)
    meetings = [m.subject for m in to(world.participant) if "Set A: action learning" in m.subject]
    assert [subject.split(":")[0] for subject in meetings] == [
        "[Revans] Invitation",
        "[Revans] Cancelled",
    ]
    reminder = Notice.objects.get(user=world.participant, kind="reminder")
    assert reminder.skipped == "cancelled" and reminder.sent_at is None
    assert Digest.objects.get(user=world.participant).skipped == "nothing left to tell"


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_one_digest(world):
    choose(world.participant, "daily")
    choose(world.participant2, "weekly")
    day = today()
    monday = day + timedelta(days=7 - day.weekday())
    with time_machine.travel(at(day, 9), tick=False) as clock:
        for n in range(3):
            survey_for(world, closes_in=timedelta(days=9), key=f"race{n}")
        SurveyNotice.objects.create(
            survey=Survey.objects.get(key="race0"),
            user=world.participant2,
            kind="invitation",
            key="race0:quinn",
        )
        future_meeting(world.set_a, days=1.5)
        sweep()
        clock.move_to(at(monday, 0, 30))
        start = threading.Barrier(3)

        def racing() -> None:
            start.wait()
            try:
                sweep()
            finally:
                connection.close()

        threads = [threading.Thread(target=racing) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        sweep()
    assert len(digests_to(world.participant)) == 1
    assert len(digests_to(world.participant2)) == 1
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(ids) == len(set(ids))
    assert Digest.objects.filter(sent_at__isnull=False).count() == 2
    # Everything held before Monday went in them (the sweeps sent more since, held for later).
    assert not SurveyNotice.objects.filter(sent_at=None, skipped="", held_at__lt=at(monday, 0))


def test_a_digest_that_fails_to_send_keeps_its_notices_and_goes_next_time(world, settings):
    choose(world.participant, "daily", "surveys")
    day = today()
    with time_machine.travel(at(day, 9), tick=False) as clock:
        survey_for(world, closes_in=timedelta(days=5), key="fails")
        sweep()
        clock.move_to(at(day + timedelta(days=1), 0, 10))
        settings.MAILERS = {
            "default": {"BACKEND": "revans.tests.meetings.test_meeting_reminders.Broken"}
        }
        sweep()
        notice = SurveyNotice.objects.get(key="fails:pat")
        assert notice.sent_at is None and notice.digest_id is not None
        settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        clock.move_to(at(day + timedelta(days=1), 0, 20))
        sweep()
    assert len(digests_to(world.participant)) == 1
    assert SurveyNotice.objects.get(key="fails:pat").sent_at is not None


def test_finding_the_digests_due_costs_the_same_however_many_people_wait(
    world, django_assert_max_num_queries
):
    people = [world.participant, world.participant2, world.facilitator, world.admin, world.sponsor]
    day = today()
    with time_machine.travel(at(day, 9), tick=False) as clock:
        survey = survey_for(world, closes_in=timedelta(days=5), key="many")
        for person in people:
            SurveyNotice.objects.create(
                survey=survey,
                user=person,
                kind="invitation",
                key=f"many:{person.pk}",
                held_for="daily",
                held_at=timezone.now(),
            )
        clock.move_to(at(day + timedelta(days=1), 0, 10))
        with django_assert_max_num_queries(8):  # each table, the people's zones, the digests
            assert digests.make_due(now=timezone.now()) == len(people)


# The preferences page ----------------------------------------------------------------------


def test_the_page_shows_at_once_by_default_and_saves_every_choice(client, world):
    client.force_login(world.participant)
    page = client.get("/profile/notifications/").content.decode()
    assert len(re.findall(r'value="immediate"[^>]*checked', page)) == len(EVERYTHING)
    assert "Meeting invitations and cancellations" in page  # always, and said so
    response = client.post(
        "/profile/notifications/",
        {
            "changes": "immediate",
            "reminders": "off",
            "actions": "daily",
            "surveys": "weekly",
            "claims": "daily",
        },
    )
    assert response.status_code == 302
    chosen = dict(
        NoticePreference.objects.filter(user=world.participant).values_list("topic", "frequency")
    )
    assert chosen == {
        "changes": "immediate",
        "reminders": "off",
        "actions": "daily",
        "surveys": "weekly",
        "claims": "daily",
    }


def test_a_bad_choice_changes_nothing_and_says_why(client, world):
    client.force_login(world.participant)
    response = client.post(
        "/profile/notifications/",
        {
            "changes": "off",
            "reminders": "hourly",
            "actions": "daily",
            "surveys": "off",
            "claims": "off",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not NoticePreference.objects.exists()
    with pytest.raises(Exception, match="always come at once"):
        services.preferences_save(user=world.participant, chosen={"meetings": "off"})
    with pytest.raises(Exception, match="Choose at once"):
        services.preferences_save(user=world.participant, chosen={"surveys": "off", "claims": "x"})
    assert not NoticePreference.objects.exists()  # all or none


# One-click unsubscribe ----------------------------------------------------------------------


def link(user, subscription: str) -> str:
    return f"/unsubscribe/{outbox.unsubscribe_token(user.pk if user else None, subscription)}/"


def frequencies(user) -> dict[str, str]:
    return dict(NoticePreference.objects.filter(user=user).values_list("topic", "frequency"))


def test_a_get_only_asks_and_changes_nothing(world):
    response = Client().get(link(world.participant, "reminders"))
    page = response.content.decode()
    assert response.status_code == 200 and "Switch them off" in page and "Meeting reminders" in page
    assert response["Cache-Control"].startswith("max-age=0")
    assert not NoticePreference.objects.exists()


def test_a_post_without_a_session_or_csrf_token_switches_the_topic_off(world):
    browserless = Client(enforce_csrf_checks=True)  # as a mail program posts: nothing but the link
    response = browserless.post(
        link(world.participant, "surveys"), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert "You will no longer get emails about" in response.content.decode()
    assert frequencies(world.participant) == {"surveys": "off"}
    assert not frequencies(world.participant2)


def test_a_tampered_or_foreign_link_is_refused_and_changes_nothing(world):
    good = outbox.unsubscribe_token(world.participant.pk, "reminders")
    payload, rest = good.split(":", 1)
    forged = signing.dumps({"u": world.participant2.pk, "s": "reminders"}, salt="another salt")
    for token in (
        payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + ":" + rest,  # altered
        good[:-1] + ("A" if good[-1] != "A" else "B"),  # its signature altered
        forged,
        signing.dumps({"u": world.participant.pk, "s": "everything"}, salt=outbox.UNSUBSCRIBE_SALT),
        "x" * 300,
    ):
        for method in ("get", "post"):
            response = getattr(Client(enforce_csrf_checks=True), method)(f"/unsubscribe/{token}/")
            assert response.status_code == 400, token
            assert "Nothing was changed" in response.content.decode()
    assert not NoticePreference.objects.exists()


def test_invitations_cannot_be_switched_off_so_their_link_switches_off_reminders(world):
    page = Client().get(link(world.participant, "meetings")).content.decode()
    assert "cannot be switched off" in page and "Meeting reminders" in page
    Client().post(link(world.participant, "meetings"))
    assert frequencies(world.participant) == {"reminders": "off"}


def test_an_account_emails_link_switches_off_all_that_can_be(world):
    Client().post(link(world.participant, "account"))
    assert frequencies(world.participant) == dict.fromkeys(EVERYTHING, "off")


def test_a_digests_link_switches_off_what_comes_in_it(world):
    choose(world.participant, "daily", "reminders", "surveys")
    choose(world.participant, "weekly", "claims")
    Client().post(link(world.participant, "daily"))
    assert frequencies(world.participant) == {
        "reminders": "off",
        "surveys": "off",
        "claims": "weekly",
    }


def test_an_address_without_an_account_has_nothing_to_switch_off(world):
    client = Client()
    for method in ("get", "post"):
        response = getattr(client, method)(link(None, "account"))
        assert response.status_code == 200
        assert "no account for this address" in response.content.decode()
    assert not NoticePreference.objects.exists()


# Every kind of email carries both headers, and its link switches off its own kind ----------


def test_each_kind_of_email_carries_its_own_one_click_unsubscribe(
    world, django_capture_on_commit_callbacks
):
    """conftest.py checks both headers on every email of every test; this one sends each kind
    and follows each one's link."""
    day = today()
    sent = partial(django_capture_on_commit_callbacks, execute=True)  # as after a commit
    with time_machine.travel(at(day, 9), tick=False), sent():
        meeting = future_meeting(world.set_a, days=1.5)
        open_action(world, due=day)
        survey_for(world, closes_in=timedelta(days=5), key="kinds")
        sweep()  # invitation, reminder, open actions, survey
        meetings_services.meeting_change(
            meeting=meeting,
            when=meetings_services.When(
                meeting.local_start.date(), meeting.local_start.time(), 120, "Europe/London"
            ),
            place="Leeds",
            video_url="",
            following=False,
        )
    with time_machine.travel(at(day, 10), tick=False):
        with sent():
            claim = new_claim(world)  # waits for a decision (to the sponsor)
        with sent():
            decide(world, claim)  # decided (to its owner)
        with sent():
            services.invitation_create(  # an account email, to an address with no account
                organisation=world.org,
                invited_by=world.admin,
                email="new@acme.test",
                name="",
                roles=[Role.PARTICIPANT],
            )
        with sent():
            Client().post("/accounts/password/reset/", {"email": world.participant.email})
        sweep()
    expected = {
        ("pat@acme.test", "Invitation"): "meetings",
        ("pat@acme.test", "Changed"): "changes",
        ("pat@acme.test", "Reminder"): "reminders",
        ("pat@acme.test", "Your open actions"): "actions",
        ("pat@acme.test", "Climate"): "surveys",
        ("pat@acme.test", "Your benefit claim is verified"): "claims",
        ("sam@acme.test", "A benefit claim waits for your decision"): "claims",
        ("new@acme.test", "You are invited to Acme Freight on Revans"): "account",
        ("pat@acme.test", "Password Reset Email"): "account",
    }
    for (address, what), subscription in expected.items():
        [message, *_] = [
            m for m in mail.outbox if m.to == [address] and m.subject.startswith(f"[Revans] {what}")
        ]
        link = get_unsubscribe_link(token_of(message))
        assert link.subscription == subscription, (address, what)
        assert link.user == (
            None if address == "new@acme.test" else User.objects.get(email=address)
        )
