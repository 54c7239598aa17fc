"""Webhooks: a real HTTP receiver on loopback checks each delivery's signature, answers 500 once,
and sees every event in the order it happened; what it receives carries no one's words."""

import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from revans.api import webhooks
from revans.api.models import Delivery, Webhook
from revans.learning.models import Reflection
from revans.meetings import services as meetings
from revans.programmes.models import Participant, SetMembership
from revans.tests.world import future_meeting

SECRET_WORDS = "zqx-private-reflection-3c9d"


class Receiver:
    """An endpoint on loopback: records each delivery, verifying its signature; answers with the
    statuses it is given in turn (then 200)."""

    def __init__(self, answers: list[int] | None = None) -> None:
        self.received: list[dict[str, object]] = []
        self.answers = list(answers or [])
        self.secret = ""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                stamp, _, mac = self.headers["Revans-Signature"].partition(",v1=")
                expected = hmac.new(
                    receiver.secret.encode(), f"{stamp[2:]}.".encode() + body, hashlib.sha256
                ).hexdigest()
                receiver.received.append(
                    {
                        "valid": hmac.compare_digest(mac, expected),
                        "age": abs(time.time() - int(stamp[2:])),
                        "event": self.headers["Revans-Event"],
                        "body": json.loads(body),
                        "raw": body.decode(),
                    }
                )
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    endpoint = Receiver()
    yield endpoint
    endpoint.close()


def hook(world, receiver, *events: str) -> Webhook:
    added = webhooks.webhook_add(
        organisation=world.org, url=receiver.url, events=list(events), by=world.admin
    )
    receiver.secret = added.secret
    return added


def test_deliveries_are_signed_in_order_and_carry_no_ones_words(
    world, receiver, django_capture_on_commit_callbacks
):
    hook(world, receiver, "meeting.scheduled", "meeting.cancelled", "set.joined")
    Reflection.objects.create(
        learning_set=world.set_a,
        author=Participant.objects.get(user=world.participant),
        text=SECRET_WORDS,
        shared_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting = future_meeting(world.set_a, days=4)
    with django_capture_on_commit_callbacks(execute=True):
        meetings.meeting_cancel(meeting=meeting)
    newcomer = Participant.objects.create(organisation=world.org, email="n@acme.test", name="N")
    with django_capture_on_commit_callbacks(execute=True):
        SetMembership.objects.create(learning_set=world.set_a, participant=newcomer)
    assert [r["event"] for r in receiver.received] == [
        "meeting.scheduled",
        "meeting.cancelled",
        "set.joined",
    ]
    assert all(r["valid"] and r["age"] < 60 for r in receiver.received)
    assert receiver.received[0]["body"]["data"] == {
        "meeting": meeting.pk,
        "set": world.set_a.pk,
        "url": f"/api/v1/meetings/{meeting.pk}",
    }
    assert not any(SECRET_WORDS in r["raw"] or "Set A" in r["raw"] for r in receiver.received)
    assert Delivery.objects.filter(delivered_at__isnull=False).count() == 3


def test_a_failed_delivery_is_sent_again_later_and_the_next_waits_its_turn(
    world, django_capture_on_commit_callbacks
):
    receiver = Receiver(answers=[500])
    try:
        hook(world, receiver, "meeting.scheduled")
        with django_capture_on_commit_callbacks(execute=True):
            first = future_meeting(world.set_a, days=4)
        with django_capture_on_commit_callbacks(execute=True):
            second = future_meeting(world.set_a, days=11)
        # The first was refused (500); the second waits behind it.
        assert [r["body"]["data"]["meeting"] for r in receiver.received] == [first.pk]
        failed = Delivery.objects.order_by("pk").first()
        assert (failed.attempts, failed.last_status) == (1, 500)
        assert webhooks.due(timezone.now()) == []  # not due yet, and the second waits
        with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=True):
            handed = webhooks.sweep(timezone.now())
        assert handed == {"webhook deliveries handed to the worker": 1}  # the endpoint's oldest
        order = [r["body"]["data"]["meeting"] for r in receiver.received]
        assert order == [first.pk, first.pk, second.pk]
        assert all(r["valid"] for r in receiver.received)
    finally:
        receiver.close()


def test_an_endpoint_that_never_answers_is_given_up_after_the_last_wait(
    world, django_capture_on_commit_callbacks
):
    gone = Webhook.objects.create(
        organisation=world.org, url="http://127.0.0.1:9/nothing", events=["meeting.scheduled"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        future_meeting(world.set_a, days=4)
    delivery = Delivery.objects.get(webhook=gone)
    moment = timezone.now()
    for wait in webhooks.BACKOFF:
        moment += wait + timedelta(seconds=1)
        webhooks.deliver_now(delivery_id=delivery.pk, now=moment)
    delivery.refresh_from_db()
    assert delivery.attempts == len(webhooks.BACKOFF) + 1
    assert delivery.next_attempt_at is None and delivery.delivered_at is None
    assert delivery.last_error == "no answer"  # never why a connection failed


def test_one_failing_endpoint_never_stands_in_anothers_way(
    world, django_capture_on_commit_callbacks
):
    dead = Webhook.objects.create(
        organisation=world.other_org, url="http://127.0.0.1:9/x", events=["meeting.scheduled"]
    )
    alive = Webhook.objects.create(
        organisation=world.org, url="http://127.0.0.1:9/y", events=["meeting.scheduled"]
    )
    stuck = [
        Delivery(
            webhook=dead,
            event="meeting.scheduled",
            payload={"id": str(n)},
            next_attempt_at=timezone.now(),
        )
        for n in range(600)
    ]
    Delivery.objects.bulk_create(stuck)
    mine = Delivery.objects.create(
        webhook=alive,
        event="meeting.scheduled",
        payload={"id": "a"},
        next_attempt_at=timezone.now(),
    )
    heads = webhooks.due(timezone.now())
    assert len(heads) == 2 and mine.pk in heads


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example/x",
        "https://127.0.0.1:6379/x",
        "https://169.254.169.254/latest/meta-data",
        "https://10.0.0.1:22/",
        "https://[::ffff:127.0.0.1]:8443/",
        "https://printer.local/",
        "https://user:pw@hooks.example/",
    ],
)
def test_an_endpoint_must_be_public_and_https(world, settings, url):
    settings.ALLOW_LOOPBACK_URLS = False
    with pytest.raises(ValidationError):
        webhooks.webhook_add(organisation=world.org, url=url, events=["set.left"], by=world.admin)
    assert not Webhook.objects.exists()


def test_a_name_that_now_leads_inside_is_not_posted_to(world, settings):
    settings.ALLOW_LOOPBACK_URLS = False
    hook = Webhook.objects.create(
        organisation=world.org, url="https://localhost.:8443/x", events=["set.left"]
    )
    delivery = Delivery.objects.create(
        webhook=hook, event="set.left", payload={"id": "x"}, next_attempt_at=timezone.now()
    )
    assert webhooks.deliver_now(delivery_id=delivery.pk) is False
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status, delivery.last_error) == (1, None, "no answer")


def test_only_the_organisations_own_events_reach_its_endpoints(
    world, receiver, django_capture_on_commit_callbacks
):
    bravo_hook = webhooks.webhook_add(
        organisation=world.other_org,
        url=receiver.url,
        events=["meeting.scheduled"],
        by=world.outsider,
    )
    receiver.secret = bravo_hook.secret
    with django_capture_on_commit_callbacks(execute=True):
        future_meeting(world.set_a, days=4)
    assert receiver.received == []


def test_an_admin_adds_an_https_endpoint_and_sees_its_deliveries(world):
    browser = Client()
    browser.force_login(world.admin)
    refused = browser.post(
        "/o/acme/settings/webhooks/", {"url": "http://hooks.example/x", "events": ["set.left"]}
    )
    assert "must start with https://" in refused.text and not Webhook.objects.exists()
    nothing = browser.post("/o/acme/settings/webhooks/", {"url": "https://hooks.example/x"})
    assert nothing.status_code == 200 and not Webhook.objects.exists()
    added = browser.post(
        "/o/acme/settings/webhooks/", {"url": "https://hooks.example/x", "events": ["set.left"]}
    )
    assert added.status_code == 302
    page = browser.get("/o/acme/settings/webhooks/")
    assert Webhook.objects.get().secret in page.text
    member = Client()
    member.force_login(world.participant)
    assert member.get("/o/acme/settings/webhooks/").status_code == 403
