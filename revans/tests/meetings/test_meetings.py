"""Meetings: series in the set's zone, invitations calendars understand, changes and
cancellations, RSVP, attendance, feeds, and the pages that show them."""

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction

from revans.accounts.models import Role
from revans.meetings import services
from revans.meetings.links import rsvp_token
from revans.meetings.models import Attendance, Meeting, Notice, Rsvp
from revans.programmes import services as programme_services
from revans.programmes.models import Participant, Programme, SetMembership
from revans.tests.world import future_meeting, make_member, make_user

SECRET = "zqx-meeting-secret-91"
MARCH = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def calendars(message) -> list[tuple[str, icalendar.Calendar]]:
    """The text/calendar parts of a sent email, with their Content-Type."""
    parts = []
    for part in message.message().walk():
        if part.get_content_type() == "text/calendar":
            parts.append(
                (part["Content-Type"], icalendar.Calendar.from_ical(part.get_payload(decode=True)))
            )
    return parts


def the_event(message):
    [(_type, calendar)] = calendars(message)
    [event] = calendar.walk("VEVENT")
    return event


def series_data(**overrides):
    data = {
        "cadence": "weekly",
        "every_weeks": "2",
        "weekday": "1",
        "nth": "1",
        "dates": "",
        "first_on": "2026-03-10",
        "until": "2026-04-30",
        "at": "09:30",
        "minutes": "240",
        "time_zone": "Europe/London",
        "place": "Leeds office, room 4",
        "video_url": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def secret_in_the_set(world):
    """Confidential text a set holds: none of it may reach an invitation or a feed."""
    programme_services.ground_rules_update(
        learning_set=world.set_a, text=f"Apologies: two days before.\nRule {SECRET}", by=world.admin
    )


def schedule(client, world, capture, **overrides):
    with capture(execute=True):
        return client.post(
            f"/o/acme/sets/{world.set_a.pk}/meetings/schedule/", series_data(**overrides)
        )


@time_machine.travel(MARCH, tick=False)
def test_a_series_keeps_its_wall_clock_time_and_every_invitation_is_a_calendar_request(
    client, world, secret_in_the_set, django_capture_on_commit_callbacks
):
    client.force_login(world.facilitator)
    response = schedule(client, world, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    meetings = list(Meeting.objects.filter(learning_set=world.set_a))
    # Every other Tuesday, 10 March to 21 April: 09:30 in London before and after 29 March.
    assert [m.local_start.strftime("%Y-%m-%d %H:%M") for m in meetings] == [
        "2026-03-10 09:30",
        "2026-03-24 09:30",
        "2026-04-07 09:30",
        "2026-04-21 09:30",
    ]
    assert [m.starts_at.hour for m in meetings] == [9, 9, 8, 8]  # UTC moves with the clocks

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.participant.email, world.participant2.email, world.facilitator.email] * 4
    )
    for message in mail.outbox:
        [(content_type, calendar)] = calendars(message)
        assert (
            content_type.replace('"', "").lower() == "text/calendar; method=request; charset=utf-8"
        )
        assert calendar["METHOD"] == "REQUEST"
        assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"
        event = calendar.walk("VEVENT")[0]
        meeting = Meeting.objects.get(uid=str(event["UID"]))
        assert event["SEQUENCE"] == 0
        assert event.decoded("DTSTART") == meeting.local_start
        assert str(event["ORGANIZER"]).startswith("mailto:")
        assert str(event["ATTENDEE"]) == f"mailto:{message.to[0]}"
        assert re.fullmatch(r"Set A: action learning set, meeting [1-4]", str(event["SUMMARY"]))
        assert {a.mimetype for a in message.alternatives} >= {"text/html"}
        assert SECRET not in message.body and SECRET not in message.message().as_string()
        assert message.extra_headers["Message-ID"].startswith("<invitation.")
    first = next(m for m in mail.outbox if m.to == [world.participant.email])
    assert "(Europe/London)" in first.body  # times with their zone named
    assert "Apologies: two days before." in first.body  # the ground rules' notice period


@time_machine.travel(MARCH, tick=False)
def test_a_move_and_a_cancellation_update_the_same_event(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.facilitator)
    schedule(client, world, django_capture_on_commit_callbacks)
    meeting = Meeting.objects.filter(learning_set=world.set_a).first()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/o/acme/meetings/{meeting.pk}/edit/",
            {
                "day": "2026-03-11",
                "at": "14:00",
                "minutes": "180",
                "time_zone": "Europe/London",
                "place": "York office",
                "video_url": "",
                "scope": "this",
            },
        )
    assert len(mail.outbox) == 3
    update = the_event(mail.outbox[0])
    assert str(update["UID"]) == meeting.uid and update["SEQUENCE"] == 1
    assert update.decoded("DTSTART").strftime("%d %H:%M") == "11 14:00"
    assert str(update["LOCATION"]) == "York office"
    assert mail.outbox[0].subject.startswith("[Revans] Changed:")

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/o/acme/meetings/{meeting.pk}/cancel/")
    assert len(mail.outbox) == 3
    [(content_type, calendar)] = calendars(mail.outbox[0])
    assert "method=CANCEL" in content_type.replace('"', "")
    assert calendar["METHOD"] == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == meeting.uid and event["SEQUENCE"] == 2
    assert event["STATUS"] == "CANCELLED"


@time_machine.travel(MARCH, tick=False)
def test_a_change_to_this_and_every_later_meeting_keeps_each_one_s_week(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.facilitator)
    schedule(client, world, django_capture_on_commit_callbacks)
    second = Meeting.objects.filter(learning_set=world.set_a)[1]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/o/acme/meetings/{second.pk}/edit/",
            {
                "day": "2026-03-25",
                "at": "10:00",
                "minutes": "240",
                "time_zone": "Europe/London",
                "place": "",
                "video_url": "https://meet.example/harbour",
                "scope": "following",
            },
        )
    starts = [
        m.local_start.strftime("%a %d %H:%M")
        for m in Meeting.objects.filter(learning_set=world.set_a)
    ]
    assert starts == ["Tue 10 09:30", "Wed 25 10:00", "Wed 08 10:00", "Wed 22 10:00"]
    assert [m.sequence for m in Meeting.objects.filter(learning_set=world.set_a)] == [0, 1, 1, 1]


@time_machine.travel(MARCH, tick=False)
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"first_on": "2026-02-01"}, "cannot start in the past"),
        (
            {"at": "01:30", "weekday": "6", "first_on": "2026-03-29", "until": "2026-03-29"},
            "does not exist",
        ),
        (
            {"cadence": "dates", "dates": "2026-10-25", "at": "01:30", "until": "2026-10-31"},
            "happens twice",
        ),
        (
            {"weekday": "5", "first_on": "2026-03-02", "until": "2026-03-06"},
            "give no meeting dates",
        ),
        ({"every_weeks": "1", "until": "2028-12-31"}, "more than 60 meetings"),
        ({"until": "2026-03-01"}, "cannot end before it starts"),
        ({"minutes": "0"}, "greater than or equal to 15"),
        ({"cadence": "dates", "dates": "next tuesday"}, "is not a date"),
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice"),
        (
            {
                "cadence": "dates",
                "dates": "9999-12-31",
                "first_on": "9999-12-31",
                "until": "9999-12-31",
                "at": "23:30",
                "time_zone": "Etc/GMT+12",
            },
            "out of range",
        ),
    ],
)
def test_bad_schedules_are_refused_and_change_nothing(
    client, world, django_capture_on_commit_callbacks, overrides, message
):
    client.force_login(world.facilitator)
    response = schedule(client, world, django_capture_on_commit_callbacks, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Meeting.objects.exists() and not Notice.objects.exists() and mail.outbox == []


def test_a_rolled_back_request_sends_and_enqueues_nothing(
    world, django_capture_on_commit_callbacks
):
    when = services.When(
        day=(datetime.now(UTC) + timedelta(days=20)).date(),
        at=time(9, 30),
        minutes=120,
        time_zone="Europe/London",
    )
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.meeting_add(
            learning_set=world.set_a, when=when, place="", video_url="", by=world.admin
        )
        raise RuntimeError("the request failed after the service")
    assert callbacks == [] and not Meeting.objects.exists() and not Notice.objects.exists()
    assert mail.outbox == []


def rsvp_link(message) -> str:
    found = re.search(r"https?://[^/\s]+(/rsvp/[^\s]+/)", message.body)
    assert found is not None, message.body
    return found.group(1)


@pytest.fixture
def invited(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_add(
            learning_set=world.set_a,
            when=services.When(
                day=(datetime.now(UTC) + timedelta(days=9)).date(),
                at=time(9, 30),
                minutes=240,
                time_zone="Europe/London",
            ),
            place="Leeds",
            video_url="",
            by=world.facilitator,
        )
    message = next(m for m in mail.outbox if m.to == [world.participant.email])
    return meeting, message


def test_a_member_answers_from_the_emailed_link_without_signing_in(client, world, invited):
    meeting, message = invited
    link = rsvp_link(message)
    page = client.get(link)
    assert page.status_code == 200 and b"Send my answer" in page.content
    assert not Rsvp.objects.exists()  # a GET changes nothing: mail scanners follow links
    assert b"Apologies" in page.content  # the ground rules' notice period is shown
    response = client.post(link, {"answer": "no", "note": "Board meeting that day."})
    assert b"is recorded" in response.content
    rsvp = Rsvp.objects.get()
    assert (rsvp.answer, rsvp.note) == ("no", "Board meeting that day.")
    assert rsvp.participant.user == world.participant
    # The same link again: refused, the answer kept.
    again = client.post(link, {"answer": "yes"})
    assert b"used this link already" in again.content
    assert Rsvp.objects.get().answer == "no"
    # The facilitator sees the apology and its note.
    client.force_login(world.facilitator)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Board meeting that day." in page and "Sending apologies" in page


def test_an_rsvp_link_works_once_even_after_a_later_one_was_used(client, world, invited):
    meeting, message = invited
    first = rsvp_link(message)
    pat = Participant.objects.get(user=world.participant)
    second = f"/rsvp/{rsvp_token(meeting, pat, 'a later email')}/"
    assert b"is recorded" in client.post(first, {"answer": "yes"}).content
    assert b"is recorded" in client.post(second, {"answer": "no", "note": "Ill"}).content
    again = client.post(first, {"answer": "yes"})
    assert b"used this link already" in again.content
    assert Rsvp.objects.get().answer == "no"


def test_an_apology_s_note_is_for_its_author_and_the_facilitators_alone(client, world, invited):
    meeting, message = invited
    client.post(rsvp_link(message), {"answer": "no", "note": "zqx-apology-note"})
    for user, reads in (
        (world.facilitator, True),
        (world.sponsor, False),
        (world.admin, False),
    ):
        client.force_login(user)
        page = client.get(meeting.get_absolute_url())
        assert page.status_code == 200
        assert ("zqx-apology-note" in page.content.decode()) is reads, user


@pytest.mark.parametrize("damage", ["tamper", "cancelled", "started", "left"])
def test_a_bad_rsvp_link_says_what_to_do_and_changes_nothing(client, world, invited, damage):
    meeting, message = invited
    link = rsvp_link(message)
    if damage == "tamper":
        link = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    elif damage == "cancelled":
        services.meeting_cancel(meeting=meeting)
    elif damage == "started":
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=datetime.now(UTC) - timedelta(minutes=5)
        )
    else:
        SetMembership.objects.filter(participant__user=world.participant).update(
            left_on=world.org.today()
        )
    for response in (client.get(link), client.post(link, {"answer": "yes"})):
        assert response.status_code == 400
        assert b"Sign in and see my meetings" in response.content
    assert not Rsvp.objects.exists()


def test_members_answer_in_the_app_and_the_facilitator_takes_attendance(client, world):
    meeting = future_meeting(world.set_a, days=0.01)
    client.force_login(world.participant)
    page = meeting.get_absolute_url()
    assert "You said" not in client.get(page).content.decode()
    client.post(f"/o/acme/meetings/{meeting.pk}/rsvp/", {"answer": "yes"})
    assert Rsvp.objects.get().answer == "yes"
    # The page says the answer as it is now, kept or not, however it was changed.
    assert "You said: Coming." in client.get(page).content.decode()
    client.post(f"/o/acme/meetings/{meeting.pk}/rsvp/", {"answer": "no", "note": "Away"})
    assert "You said: Sending apologies." in client.get(page).content.decode()
    client.post(f"/o/acme/meetings/{meeting.pk}/rsvp/", {"answer": "yes"})
    assert "You said: Coming." in client.get(page).content.decode()
    assert client.post(f"/o/acme/meetings/{meeting.pk}/attendance/").status_code == 403

    client.force_login(world.facilitator)
    pat = Participant.objects.get(user=world.participant)
    client.post(f"/o/acme/meetings/{meeting.pk}/attendance/", {"present": [pat.pk]})
    assert dict(Attendance.objects.values_list("participant__name", "present")) == {
        "Pat Participant": True,
        "Quinn Participant": False,
    }
    page = client.get(f"/o/acme/sets/{world.set_a.pk}/meetings/").content.decode()
    assert "1 present" in page and "1 coming, 0 not coming" in page


def test_attendance_is_not_taken_for_a_meeting_weeks_away_nor_for_strangers(world):
    meeting = future_meeting(world.set_a, days=20)
    with pytest.raises(ValidationError):
        services.attendance_record(meeting=meeting, present=set(), by=world.facilitator)
    soon = future_meeting(world.set_a, days=0.01)
    stranger = Participant.objects.get(email="rae@acme.test")
    with pytest.raises(ValidationError):
        services.attendance_record(meeting=soon, present={stranger.pk}, by=world.facilitator)
    assert not Attendance.objects.exists()


def test_too_few_yeses_raise_a_quorum_warning_for_a_meeting_days_away(client, world):
    meeting = future_meeting(world.set_a, days=3)
    future_meeting(world.set_a, days=30)  # a month ahead nobody has answered yet: no warning
    client.force_login(world.facilitator)
    page = client.get(f"/o/acme/sets/{world.set_a.pk}/meetings/").content.decode()
    assert page.count("0 of 2 members said they are coming; the quorum is 1.") == 1
    Rsvp.objects.create(
        meeting=meeting, participant=Participant.objects.get(user=world.participant), answer="yes"
    )
    page = client.get(f"/o/acme/sets/{world.set_a.pk}/meetings/").content.decode()
    assert "the quorum is" not in page


def test_my_meetings_span_every_organisation_in_my_own_time_zone(client, world):
    # The facilitator also works for Bravo, as coaches do.
    make_member(world.other_org, world.facilitator, Role.FACILITATOR)
    programme = Programme.objects.create(
        organisation=world.other_org,
        name="Bravo leaders",
        starts_on="2026-01-01",
        ends_on="2027-12-31",
    )
    bravo_set = programme_services.set_create(
        programme=programme, name="Bravo set", facilitators=[world.facilitator], by=world.outsider
    )
    ours, theirs = future_meeting(world.set_a, days=3), future_meeting(bravo_set, days=4)
    future_meeting(world.set_b, days=5)  # not the facilitator's set
    world.facilitator.time_zone = "America/New_York"
    world.facilitator.save()
    client.force_login(world.facilitator)
    page = client.get("/meetings/").content.decode()
    assert "Set A, meeting 1" in page and "Bravo set, meeting 1" in page
    assert "Set B" not in page
    local = ours.starts_at.astimezone(ZoneInfo("America/New_York"))
    assert local.strftime("%H:%M") in page and "America/New_York" in page
    assert theirs.get_absolute_url() in page


def test_a_person_sets_their_own_time_zone(client, world):
    client.force_login(world.participant)
    client.post("/profile/", {"name": "Pat Participant", "time_zone": "Australia/Sydney"})
    world.participant.refresh_from_db()
    assert world.participant.time_zone == "Australia/Sydney"
    response = client.post("/profile/", {"name": "Pat", "time_zone": "Nowhere/Land"})
    assert b"Select a valid choice" in response.content
    world.participant.refresh_from_db()
    assert world.participant.time_zone == "Australia/Sydney"


def test_the_programme_calendar_shows_every_set_s_meetings(client, world):
    future_meeting(world.set_a, days=3)
    future_meeting(world.set_b, days=4)
    for user in (world.sponsor, world.facilitator, world.other_facilitator):
        client.force_login(user)
        page = client.get(f"/o/acme/programmes/{world.programme.pk}/calendar/").content.decode()
        assert "Set A" in page and "Set B" in page
    client.force_login(world.participant)
    assert client.get(f"/o/acme/programmes/{world.programme.pk}/calendar/").status_code == 403


def test_the_feed_is_secret_revocable_and_holds_nothing_confidential(
    client, world, secret_in_the_set
):
    first = future_meeting(world.set_a, days=3, place="Leeds")
    future_meeting(world.set_b, days=4)  # not Pat's
    client.force_login(world.participant)
    client.post("/meetings/feed/", {"action": "renew"})
    page = client.get("/meetings/feed/").content.decode()
    url = re.search(r'value="https?://[^/"]+(/calendar/[^"]+\.ics)"', page).group(1)
    assert "refresh on their own schedule" in page
    assert client.get("/meetings/feed/").content.decode().count(".ics") == 0  # shown once

    anonymous = type(client)()
    response = anonymous.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert SECRET not in response.content.decode()
    calendar = icalendar.Calendar.from_ical(response.content)
    assert "METHOD" not in calendar
    window = recurring_ical_events.of(calendar).between(
        datetime.now(UTC), datetime.now(UTC) + timedelta(days=30)
    )
    assert [str(e["UID"]) for e in window] == [first.uid]

    client.post("/meetings/feed/", {"action": "renew"})
    assert anonymous.get(url).status_code == 404  # a new address kills the old one
    client.post("/meetings/feed/", {"action": "revoke"})
    assert not world.participant.calendar_feeds.filter(revoked_at=None).exists()


def test_someone_outside_the_set_sees_no_meeting(client, world):
    meeting = future_meeting(world.set_b)
    client.force_login(world.participant)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.post(f"/o/acme/meetings/{meeting.pk}/rsvp/", {"answer": "yes"}).status_code == 404
    assert not Rsvp.objects.exists()


def test_people_who_join_later_are_invited_by_the_sweep(world, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    meeting = future_meeting(world.set_a, days=12)
    call_command("sweep")
    assert {m.to[0] for m in mail.outbox} == {
        world.participant.email,
        world.participant2.email,
        world.facilitator.email,
    }
    newcomer = make_user("nia@acme.test", "Nia New")
    make_member(world.org, newcomer, Role.PARTICIPANT)
    person = Participant.objects.create(
        organisation=world.org, email=newcomer.email, name="Nia New", user=newcomer
    )
    SetMembership.objects.create(learning_set=world.set_a, participant=person)
    mail.outbox.clear()
    call_command("sweep")
    call_command("sweep")
    assert [m.to for m in mail.outbox] == [[newcomer.email]]
    assert the_event(mail.outbox[0])["UID"] == meeting.uid


def test_the_meeting_page_s_kept_parts_follow_each_write_and_the_reader_s_language(client, world):
    """The meeting's number and the set's apologies rule are kept: a meeting added before it
    and new ground rules show on the next read; the answer's fields are in each reader's
    language."""
    Meeting.objects.filter(learning_set=world.set_a).delete()
    meeting = future_meeting(world.set_a, days=10)
    client.force_login(world.participant)
    url = f"/o/acme/meetings/{meeting.pk}/"
    assert "meeting 1" in client.get(url).content.decode()
    assert "meeting 1" in client.get(url).content.decode()  # kept
    future_meeting(world.set_a, days=5)
    assert "meeting 2" in client.get(url).content.decode()
    programme_services.ground_rules_update(
        learning_set=world.set_a,
        by=world.facilitator,
        text="Confidentiality first.\nApologies: zqx two days' notice to the facilitator.",
    )
    assert "zqx two days" in client.get(url).content.decode()
    world.participant.language = "fr"
    world.participant.save()  # the answer's fields are kept by language alone
    assert "Venez-vous" in client.get(url).content.decode()


def test_the_kept_meeting_page_drops_its_change_links_once_the_meeting_starts(client, world):
    """What the page says of the meeting is kept as HTML; the clock alone, with no write, takes
    away the links to move or cancel it when it starts."""
    meeting = future_meeting(world.set_a, days=1 / 24)  # in an hour
    client.force_login(world.facilitator)
    url = f"/o/acme/meetings/{meeting.pk}/"
    change = f"/o/acme/meetings/{meeting.pk}/edit/"
    assert change in client.get(url).content.decode()
    assert change in client.get(url).content.decode()  # kept
    with time_machine.travel(meeting.starts_at + timedelta(minutes=1)):
        page = client.get(url).content.decode()
    assert change not in page and f"/o/acme/meetings/{meeting.pk}/console/" in page


def test_the_kept_answer_fields_are_renewed_by_a_release(client, world):
    """Their HTML is alike for every member in a language, until a release changes the form."""
    meeting = future_meeting(world.set_a, days=2)
    client.force_login(world.participant)
    page = client.get(meeting.get_absolute_url())
    assert "Send my answer" in page.content.decode()
    before = page.context["rsvp_fields_as"]
    assert client.get(meeting.get_absolute_url()).context["rsvp_fields_as"] == before
    call_command("migrate", verbosity=0)
    assert client.get(meeting.get_absolute_url()).context["rsvp_fields_as"] != before
