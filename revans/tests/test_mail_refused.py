"""A mail server that refuses mail for a while (451 "try again later"), then is down, then is back:
nothing is marked sent while it refuses, and once it is back every email arrives exactly once.

A real SMTP server (aiosmtpd) on loopback; the notices go through the periodic sweep, the
account emails through the real database queue and its worker."""

import email
import socket
from datetime import timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from revans.accounts import services as account_services
from revans.accounts import tasks as account_tasks
from revans.accounts.management.commands.sweep import sweep_once
from revans.accounts.models import Role
from revans.evidence.models import SurveyNotice
from revans.impact.models import ClaimNotice
from revans.meetings import services
from revans.meetings.models import Notice

pytestmark = pytest.mark.slow
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class MailServer:
    """Takes mail, or refuses it as a busy server does; `stop` and `start` take it down and up
    again on the same port."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.refusing = False
        with socket.socket() as probe:  # a free port (aiosmtpd cannot take port 0)
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "451 4.3.0 Mailbox busy, try again later"
        self.messages.append(envelope.content)
        return "250 OK"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def message_ids(self) -> list[str]:
        return [email.message_from_bytes(m)["Message-ID"] for m in self.messages]


@pytest.fixture
def mail_server(settings):
    server = MailServer()
    server.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "use_tls": False, "timeout": 5},
        }
    }
    yield server
    server.stop()


def invite_to_a_meeting(world) -> None:
    services.meeting_add(
        learning_set=world.set_a,
        when=services.When(
            (timezone.now() + timedelta(days=9)).date(),
            timezone.now().replace(hour=9, minute=30).time(),
            90,
            "Europe/London",
        ),
        place="Leeds",
        video_url="",
        by=world.facilitator,
    )


def test_notices_refused_then_undeliverable_are_each_sent_once_when_the_server_is_back(
    world, mail_server, django_capture_on_commit_callbacks, caplog
):
    mail_server.refusing = True
    with django_capture_on_commit_callbacks(execute=True):  # the worker tries at once
        invite_to_a_meeting(world)
    notices = Notice.objects.all()
    assert notices.count() == 3  # set A's two members and its facilitator
    assert mail_server.messages == []
    assert not notices.filter(sent_at__isnull=False).exists()
    assert not notices.filter(claimed_at__isnull=False).exists()  # released for the next sweep
    assert "could not be sent; the next sweep tries again" in caplog.text

    mail_server.stop()  # down altogether
    sweep_once()
    assert not notices.filter(sent_at__isnull=False).exists()

    mail_server.refusing = False
    mail_server.start()
    sweep_once()
    sweep_once()  # a second sweep finds nothing left to send
    assert notices.filter(sent_at__isnull=False).count() == 3
    arrived = mail_server.message_ids()
    assert len(set(arrived)) == len(arrived)  # none twice
    assert len([m for m in arrived if m.startswith("<invitation.")]) == 3
    # The survey emails the sweep found due meanwhile went through the same outage.
    sent = sum(
        table.objects.filter(sent_at__isnull=False).count()
        for table in (Notice, SurveyNotice, ClaimNotice)
    )
    assert len(arrived) == sent


@pytest.mark.django_db(transaction=True)
def test_an_account_email_refused_is_sent_once_by_the_worker_when_the_server_is_back(
    world, settings, mail_server
):
    settings.TASKS = DATABASE_QUEUE
    mail_server.refusing = True
    account_services.invitation_create(
        organisation=world.org,
        invited_by=world.admin,
        email="new@acme.test",
        name="",
        roles=[Role.PARTICIPANT],
    )

    def work() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    work()  # refused: the task asks to be run again in a minute
    assert mail_server.messages == []
    waiting = DBTaskResult.objects.filter(status="READY")
    assert waiting.count() == 1
    mail_server.stop()
    with time_machine.travel(timezone.now() + account_tasks.FIRST_WAIT, tick=True):
        work()  # down: asked again, two minutes on
    assert mail_server.messages == [] and waiting.count() == 1

    mail_server.refusing = False
    mail_server.start()
    work()  # not yet due: nothing is sent before its time
    assert mail_server.messages == []
    with time_machine.travel(timezone.now() + 3 * account_tasks.FIRST_WAIT, tick=True):
        work()
        work()
    assert len(mail_server.messages) == 1
    arrived = email.message_from_bytes(mail_server.messages[0])
    assert arrived["To"] == "new@acme.test" and arrived["List-Unsubscribe"]
    assert not waiting.exists()
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == [
        "SUCCESSFUL",
        "SUCCESSFUL",
        "SUCCESSFUL",
    ]
