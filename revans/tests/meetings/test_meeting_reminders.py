"""Reminders and invitations leave exactly once, even with two sweeps and two workers at once,
and a reminder for a meeting that has moved is never sent for the old time. One invitation goes
through a real SMTP server, and arrives as a calendar invitation."""

import email
import re
import socket
import threading
from datetime import timedelta

import icalendar
import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from revans.accounts.outbox import RECLAIM_AFTER
from revans.evidence import surveys as impact_surveys
from revans.evidence.models import Survey, SurveyNotice
from revans.meetings import notices, services
from revans.meetings.models import Meeting, Notice
from revans.programmes.models import Programme
from revans.tests.world import future_meeting

Kind = Notice.Kind


def reminders() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox if "Reminder:" in m.subject)


def test_each_reminder_goes_once_however_often_the_sweep_runs(world):
    meeting = future_meeting(world.set_a, days=1)  # within the programme's 2 days
    future_meeting(world.set_a, days=5)  # not yet
    for _run in range(3):
        call_command("sweep")
    assert reminders() == sorted(
        [world.facilitator.email, world.participant.email, world.participant2.email]
    )
    sent = Notice.objects.filter(kind=Kind.REMINDER, sent_at__isnull=False)
    assert {n.meeting_id for n in sent} == {meeting.pk}
    ids = {m.extra_headers["Message-ID"] for m in mail.outbox if "Reminder:" in m.subject}
    assert ids == set(sent.values_list("message_id", flat=True))  # stable, one per notice


def test_a_reminder_for_the_old_time_is_never_sent_after_a_move(world):
    Programme.objects.filter(pk=world.programme.pk).update(reminder_days=3)
    meeting = future_meeting(world.set_a, days=1)
    notices.remind_due(now=timezone.now())  # due, not yet sent...
    new_day = meeting.local_start.date() + timedelta(days=1)
    services.meeting_change(  # ...when the facilitator moves the meeting a day later
        meeting=meeting,
        when=services.When(new_day, meeting.local_start.time(), 240, "Europe/London"),
        place="",
        video_url="",
        following=False,
    )
    call_command("sweep")
    meeting.refresh_from_db()
    old = Notice.objects.filter(kind=Kind.REMINDER).exclude(for_start=meeting.starts_at)
    assert old.count() == 3 and set(old.values_list("skipped", flat=True)) == {"moved"}
    assert len(reminders()) == 3  # the reminders for the new time
    for message in (m for m in mail.outbox if "Reminder:" in m.subject):
        assert notices.when(meeting, meeting.zone).split(",")[0] in message.body


def test_a_failed_send_is_tried_again_by_the_next_sweep(world, settings):
    future_meeting(world.set_a, days=1)
    settings.MAILERS = {
        "default": {"BACKEND": "revans.tests.meetings.test_meeting_reminders.Broken"}
    }
    call_command("sweep")
    assert Notice.objects.filter(sent_at__isnull=False).count() == 0
    assert Notice.objects.filter(claimed_at__isnull=False).count() == 0  # claims released
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    call_command("sweep")
    assert len(reminders()) == 3


class Broken:
    """A mail backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the SMTP server is down")


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_and_two_workers_at_once_send_every_reminder_once(world):
    for days in (0.5, 1, 1.5):
        future_meeting(world.set_a, days=days)
        future_meeting(world.set_b, days=days)
    start = threading.Barrier(4)

    def sweep() -> None:
        start.wait()
        try:
            call_command("sweep")
        finally:
            connection.close()

    def worker() -> None:
        start.wait()
        try:
            notices.send_due(now=timezone.now())
        finally:
            connection.close()

    threads = [threading.Thread(target=t) for t in (sweep, sweep, worker, worker)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    call_command("sweep")  # anything a racing sweep created after the others finished
    sent = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(sent) == len(set(sent))  # no notice went twice
    # Three meetings of set A (two members and a facilitator), three of set B (its facilitator).
    expected = 3 * 3 + 3 * 1
    assert Notice.objects.filter(kind=Kind.REMINDER, sent_at__isnull=False).count() == expected
    assert len(reminders()) == expected


class Collect:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_server():
    handler = Collect()
    with socket.socket() as probe:  # a free port (aiosmtpd cannot take port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, handler
    controller.stop()


def test_an_invitation_through_a_real_smtp_server_arrives_as_a_calendar_request(
    world, settings, smtp_server, django_capture_on_commit_callbacks
):
    controller, handler = smtp_server
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "use_tls": False},
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_add(
            learning_set=world.set_a,
            when=services.When(
                (timezone.now() + timedelta(days=9)).date(),
                timezone.now().replace(hour=9, minute=30).time(),
                240,
                "Europe/London",
            ),
            place="Leeds",
            video_url="",
            by=world.facilitator,
        )
    assert len(handler.messages) == 3
    arrived = email.message_from_bytes(handler.messages[0])
    parts = [p for p in arrived.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1 and parts[0].get_param("method") == "REQUEST"
    assert parts[0].get_content_charset() == "utf-8"
    calendar = icalendar.Calendar.from_ical(parts[0].get_payload(decode=True))
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == meeting.uid and calendar["METHOD"] == "REQUEST"
    assert arrived["Message-ID"].startswith("<invitation.")
    assert Meeting.objects.get().sequence == 0


# Email that mail systems accept once (issue 18, point 4) --------------------------------------

# RFC 5322's msg-id: "<" dot-atom-text "@" dot-atom-text ">".
ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
MSG_ID = re.compile(rf"<{ATEXT}(\.{ATEXT})*@{ATEXT}(\.{ATEXT})*>")


def test_every_message_id_is_valid_and_unique_and_subjects_are_not_html(world):
    world.set_a.name = "R&D <Leeds>"
    world.set_a.save()
    future_meeting(world.set_a, days=1)
    call_command("sweep")
    surveys_sent = []
    for round_ in (0, 1):  # two surveys of one kind, one set, one person: keys with colons
        survey = Survey.objects.create(
            learning_set=world.set_a,
            kind=Survey.Kind.CLIMATE,
            round=round_,
            items=["I feel safe"],
            opens_at=timezone.now(),
            closes_at=timezone.now() + timedelta(days=5),
            key=f"{world.set_a.pk}:climate:2026120{round_}",
        )
        notice = SurveyNotice.objects.create(
            survey=survey, user=world.participant, kind="invitation", key=f"k{round_}"
        )
        surveys_sent.append(impact_surveys.message(notice))
    messages = [*mail.outbox, *surveys_sent]
    assert len(messages) >= 4
    ids = [m.extra_headers["Message-ID"] for m in messages]
    for message_id in ids:
        assert MSG_ID.fullmatch(message_id), message_id
    assert len(set(ids)) == len(ids)
    for message in mail.outbox:
        assert "R&D <Leeds>" in message.subject and "&amp;" not in message.subject
        assert "&amp;" not in message.body and "&lt;" not in message.body


class SlowMail:
    """A mail server so slow that a batch outlasts the claim timeout (each message takes longer
    than it); while it takes the batch's second message, the next sweep runs."""

    sent: list[str] = []
    traveller: time_machine.Traveller
    swept = False

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        SlowMail.sent += [m.extra_headers["Message-ID"] for m in messages]
        if len(SlowMail.sent) == 2 and not SlowMail.swept:
            SlowMail.swept = True
            notices.send_due(now=timezone.now())
        SlowMail.traveller.shift(RECLAIM_AFTER + timedelta(minutes=1))
        return len(messages)


def test_a_batch_longer_than_the_claim_timeout_still_sends_each_once(world, settings):
    for days in (1, 1.5):
        future_meeting(world.set_a, days=days)
    notices.remind_due(now=timezone.now())
    settings.MAILERS = {
        "default": {"BACKEND": "revans.tests.meetings.test_meeting_reminders.SlowMail"}
    }
    SlowMail.sent, SlowMail.swept = [], False
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        SlowMail.traveller = traveller
        notices.send_due(now=timezone.now())
    assert len(SlowMail.sent) == Notice.objects.count() == 6
    assert len(set(SlowMail.sent)) == len(SlowMail.sent)
