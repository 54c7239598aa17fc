"""Chat channels: a real HTTP receiver on loopback stands in for Slack and for Teams and checks
what each is sent (shape, escaping, content), in order; a failed message is sent again later;
after the last failure the channel is switched off and whoever connected it is emailed; an
address that is not an https incoming webhook of the chosen service is refused; and nothing any
member writes, of any kind, ever reaches a channel."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from revans.accounts import posting
from revans.channels import deliveries, services, sweeps
from revans.channels.access import Scope
from revans.channels.models import Channel, ChannelNotice, Delivery
from revans.domain.confidentiality import CHANNEL, Kind, may_read
from revans.evidence.models import Answer, Survey
from revans.impact.models import BenefitClaim, ClaimFile
from revans.learning.models import (
    Action,
    Challenge,
    MeetingRecord,
    ProcessNote,
    Question,
    Reflection,
    ReportBack,
)
from revans.meetings import notices
from revans.meetings import services as meetings
from revans.meetings.models import Rsvp
from revans.programmes.models import LearningSet, Participant, SetFacilitator
from revans.tests.world import future_meeting, today

CANARY = "zqx-member-words-5e1b"


class Receiver:
    """A channel's webhook on loopback: records each message and answers with the statuses it
    is given in turn (then 200, or `always` once they run out)."""

    def __init__(self, answers: list[int] | None = None, always: int = 200) -> None:
        self.received: list[dict[str, Any]] = []
        self.answers = list(answers or [])
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(
                    {
                        "body": json.loads(raw),
                        "raw": raw.decode(),
                        "type": self.headers["Content-Type"],
                    }
                )
                status = receiver.answers.pop(0) if receiver.answers else always
                self.send_response(status)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/T1/B2/secret"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [r["body"] for r in self.received]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    endpoint = Receiver()
    yield endpoint
    endpoint.close()


def set_a(world) -> Scope:
    return Scope(world.programme, world.set_a)


def connect(scope: Scope, receiver: Receiver, by, kind: str = "slack") -> Channel:
    return services.channel_connect(scope=scope, kind=kind, url=receiver.url, by=by)


def move(meeting, days: int = 1, place: str | None = None) -> None:
    local = meeting.local_start + timedelta(days=days)
    meetings.meeting_change(
        meeting=meeting,
        when=meetings.When(local.date(), local.time(), meeting.minutes, meeting.time_zone),
        place=meeting.place if place is None else place,
        video_url=meeting.video_url,
        following=False,
    )


def test_slack_is_told_each_kind_of_news_in_order_escaped_as_mrkdwn(
    world, receiver, django_capture_on_commit_callbacks
):
    LearningSet.objects.filter(pk=world.set_a.pk).update(name="R&D <Ops>")
    with django_capture_on_commit_callbacks(execute=True):
        connect(set_a(world), receiver, world.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = future_meeting(
            world.set_a,
            days=10,
            place="Room <4> & co",
            video_url="https://meet.example/r?a=1&b=2",
        )
    link = f"<{settings.SITE_URL}/o/acme/meetings/{meeting.pk}/|Open the meeting in Revans>"
    when = notices.when(meeting, ZoneInfo("Europe/London"))
    assert receiver.received[0]["type"] == "application/json"
    assert receiver.bodies[0] == {
        "text": "\n".join(
            [
                "*Meeting scheduled: R&amp;D &lt;Ops&gt;: action learning set, meeting 1*",
                when,
                "Where: Room &lt;4&gt; &amp; co",
                "Video: <https://meet.example/r?a=1&amp;b=2>",
                link,
            ]
        )
    }
    with django_capture_on_commit_callbacks(execute=True):
        move(meeting, place="Hall")
    meeting.refresh_from_db()
    assert receiver.bodies[1]["text"].splitlines()[:3] == [
        "*Meeting changed: R&amp;D &lt;Ops&gt;: action learning set, meeting 1*",
        f"Now: {notices.when(meeting, ZoneInfo('Europe/London'))}",
        "Where: Hall",
    ]
    # The reminder comes the programme's reminder days before (two by default), once.
    with time_machine.travel(meeting.starts_at - timedelta(days=1), tick=True):
        sweeps.sweep(timezone.now())
        sweeps.sweep(timezone.now())
    assert receiver.bodies[2]["text"].startswith("*Reminder: R&amp;D &lt;Ops&gt;")
    with django_capture_on_commit_callbacks(execute=True):
        meetings.meeting_cancel(meeting=meeting)
    assert receiver.bodies[3]["text"].splitlines() == [
        "*Meeting cancelled: R&amp;D &lt;Ops&gt;: action learning set, meeting 1*",
        notices.when(meeting, ZoneInfo("Europe/London")),
        link,
    ]
    assert len(receiver.received) == 4
    assert Delivery.objects.filter(delivered_at__isnull=False).count() == 4


def test_teams_is_sent_an_adaptive_card_with_markdown_escaped(
    world, receiver, django_capture_on_commit_callbacks
):
    LearningSet.objects.filter(pk=world.set_a.pk).update(name="Ops_[1] *new*")
    with django_capture_on_commit_callbacks(execute=True):
        connect(set_a(world), receiver, world.admin, kind="teams")
        meeting = future_meeting(world.set_a, days=10, video_url="https://meet.example/x_y")
    [sent] = receiver.bodies
    assert sent["type"] == "message"
    [attachment] = sent["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    assert [block["text"] for block in card["body"]] == [
        r"Meeting scheduled: Ops\_\[1\] \*new\*: action learning set, meeting 1",
        notices.when(meeting, ZoneInfo("Europe/London")),
        r"Video: https://meet.example/x\_y",
    ]
    assert all(block["type"] == "TextBlock" and block["wrap"] for block in card["body"])
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Join the video call", "url": meeting.video_url},
        {
            "type": "Action.OpenUrl",
            "title": "Open the meeting in Revans",
            "url": f"{settings.SITE_URL}/o/acme/meetings/{meeting.pk}/",
        },
    ]


def test_a_message_refused_with_500_is_sent_again_after_its_wait(
    world, django_capture_on_commit_callbacks
):
    receiver = Receiver(answers=[500])
    try:
        with django_capture_on_commit_callbacks(execute=True):
            connect(set_a(world), receiver, world.facilitator)
            future_meeting(world.set_a, days=10)
        delivery = Delivery.objects.get()
        assert (delivery.attempts, delivery.last_status, delivery.delivered_at) == (1, 500, None)
        assert sweeps.sweep(timezone.now())["chat messages handed to the worker"] == 0  # waits
        with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=True):
            sweeps.sweep(timezone.now())
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.last_status) == (2, 200)
        assert delivery.delivered_at is not None
        assert receiver.bodies[0] == receiver.bodies[1]
    finally:
        receiver.close()


def test_after_the_last_failure_the_channel_is_switched_off_and_its_connector_told(
    world, django_capture_on_commit_callbacks
):
    receiver = Receiver(always=404)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            channel = connect(set_a(world), receiver, world.facilitator)
            future_meeting(world.set_a, days=10)
        delivery = Delivery.objects.get()
        moment = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            for wait in posting.BACKOFF:
                moment += wait + timedelta(seconds=1)
                deliveries.deliver_now(delivery_id=delivery.pk, now=moment)
        assert len(receiver.received) == len(posting.BACKOFF) + 1
        channel.refresh_from_db()
        assert channel.switched_off_at is not None
        [notice] = ChannelNotice.objects.all()
        assert notice.user == world.facilitator and notice.sent_at is not None
        [email] = mail.outbox
        assert email.to == [world.facilitator.email]
        assert email.subject.endswith("Chat channel switched off: Set A")
        assert "It answered 404 to the last message, sent 6 times" in email.body
        assert f"/o/acme/sets/{world.set_a.pk}/channel/" in email.body
        assert receiver.url not in email.body  # the address is a secret; its hint says which
        # Nothing more is posted, and the page says why.
        with django_capture_on_commit_callbacks(execute=True):
            future_meeting(world.set_a, days=12)
        assert Delivery.objects.count() == 1
        browser = Client()
        browser.force_login(world.facilitator)
        page = browser.get(f"/o/acme/sets/{world.set_a.pk}/channel/").text
        assert "Switched off on" in page and "answered 404" in page
        # Connected again, it is told of the meetings within reach afresh.
        receiver.answers = [200, 200]
        with django_capture_on_commit_callbacks(execute=True):
            answer = browser.post(
                f"/o/acme/sets/{world.set_a.pk}/channel/",
                {"kind": "slack", "url": receiver.url},
            )
        assert answer.status_code == 302
        channel.refresh_from_db()
        assert channel.is_on
        assert len(receiver.received) == len(posting.BACKOFF) + 3
    finally:
        receiver.close()


def test_a_connector_who_may_no_longer_connect_it_is_not_told_the_admins_are(
    world, django_capture_on_commit_callbacks
):
    receiver = Receiver(always=503)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            channel = connect(set_a(world), receiver, world.facilitator)
        SetFacilitator.objects.filter(learning_set=world.set_a).update(until=today())
        with django_capture_on_commit_callbacks(execute=True):
            deliveries.switch_off(channel, timezone.now())
        assert [m.to for m in mail.outbox] == [[world.admin.email]]
    finally:
        receiver.close()


@pytest.mark.parametrize(
    ("kind", "url", "says"),
    [
        ("slack", "http://hooks.slack.com/services/T1/B2/x", "must start with https://"),
        ("slack", "https://10.0.0.1/services/T1/B2/x", "is not a public address"),
        ("slack", "https://127.0.0.1:8443/services/x", "is not a public address"),
        ("slack", "https://user:pw@hooks.slack.com/services/x", "must start with https://"),
        ("slack", "https://hooks.example.com/services/T1/B2/x", "not a Slack incoming webhook"),
        ("slack", "https://hooks.slack.com/workflows/T1/A2/x", "not a Slack incoming webhook"),
        ("teams", "https://hooks.slack.com/services/T1/B2/x", "not a Microsoft Teams webhook"),
        ("teams", "https://logic.azure.com.evil.example/workflows/x", "not a Microsoft Teams"),
    ],
)
def test_an_address_that_is_not_an_https_incoming_webhook_is_refused(
    world, settings, kind, url, says
):
    settings.ALLOW_LOOPBACK_URLS = False
    with pytest.raises(ValidationError, match=says):
        services.channel_connect(scope=set_a(world), kind=kind, url=url, by=world.admin)
    browser = Client()
    browser.force_login(world.admin)
    page = browser.post(f"/o/acme/sets/{world.set_a.pk}/channel/", {"kind": kind, "url": url})
    assert page.status_code == 200 and says in page.text
    assert not Channel.objects.exists() and not Delivery.objects.exists()


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("slack", "https://hooks.slack.com/services/T000/B000/XXXXXXXX"),
        (
            "teams",
            "https://prod-12.westeurope.logic.azure.com:443/workflows/0a1b/triggers/manual/"
            "paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=abc",
        ),
        (
            "teams",
            "https://default0a1b.c2.environment.api.powerplatform.com:443/powerautomate/"
            "automations/direct/workflows/0a1b/triggers/manual/paths/invoke?sig=abc",
        ),
        ("teams", "https://acme.webhook.office.com/webhookb2/0a1b@c2/IncomingWebhook/d3/e4"),
    ],
)
def test_the_services_own_addresses_are_accepted(world, settings, kind, url):
    settings.ALLOW_LOOPBACK_URLS = False
    channel = services.channel_connect(scope=set_a(world), kind=kind, url=url, by=world.admin)
    assert (channel.kind, channel.url, channel.programme) == (kind, url, world.programme)


def test_the_programmes_channel_hears_every_set_a_sets_only_its_own(
    world, django_capture_on_commit_callbacks
):
    ours, everyone = Receiver(), Receiver()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            connect(set_a(world), ours, world.facilitator)
            connect(Scope(world.programme), everyone, world.admin, kind="teams")
            future_meeting(world.set_a, days=5)
            future_meeting(world.set_b, days=6)
        assert ["Set A" in r["raw"] for r in ours.received] == [True]
        assert ["Set B" in r["raw"] for r in everyone.received] == [False, True]
    finally:
        ours.close()
        everyone.close()


def test_connecting_announces_the_meetings_within_reach_and_a_test_follows(
    world, receiver, django_capture_on_commit_callbacks
):
    future_meeting(world.set_a, days=5)
    future_meeting(world.set_a, days=100)  # beyond reach: announced when it comes closer
    with django_capture_on_commit_callbacks(execute=True):
        scope = set_a(world)
        connect(scope, receiver, world.facilitator)
        services.channel_test(scope=scope)
    assert [b["text"].splitlines()[0] for b in receiver.bodies] == [
        "*Meeting scheduled: Set A: action learning set, meeting 1*",
        "*Revans is connected to this channel*",
    ]
    with pytest.raises(ValidationError, match="connected already"):
        connect(scope, receiver, world.facilitator)
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=True):
        sweeps.sweep(timezone.now())
    assert receiver.bodies[2]["text"].startswith("*Meeting scheduled: Set A")
    services.channel_disconnect(scope=scope)
    assert not Channel.objects.exists() and not Delivery.objects.exists()
    with pytest.raises(ValidationError, match="No chat channel"):
        services.channel_test(scope=scope)


def plant_every_kind_of_member_content(world, meeting) -> set[Kind]:
    """The canary in everything members and facilitators write in set A, of every kind the
    confidentiality table knows (and the live meeting's questions besides)."""
    pat = Participant.objects.get(user=world.participant)
    now = timezone.now()
    challenge = Challenge.objects.create(
        learning_set=world.set_a,
        owner=pat,
        statement=CANARY,
        why_it_matters=CANARY,
        desired_outcome=CANARY,
        business_area=CANARY,
    )
    action = Action.objects.create(
        challenge=challenge, text=CANARY, due_on=today(30), progress=CANARY, progress_at=now
    )
    done = Action.objects.create(challenge=challenge, text=CANARY, due_on=today(1))
    ReportBack.objects.create(
        action=done, meeting=meeting, outcome="partly", what_happened=CANARY, learned=CANARY
    )
    Reflection.objects.create(learning_set=world.set_a, author=pat, text=CANARY)
    Reflection.objects.create(learning_set=world.set_a, author=pat, text=CANARY, shared_at=now)
    ProcessNote.objects.create(meeting=meeting, author=world.facilitator, text=CANARY)
    MeetingRecord.objects.create(meeting=meeting, process_review=CANARY)
    Question.objects.create(meeting=meeting, presenter=pat, asked_by=pat, text=CANARY)
    Rsvp.objects.create(meeting=meeting, participant=pat, answer="no", note=CANARY)
    claim = BenefitClaim.objects.create(
        challenge=challenge,
        action=action,
        owner=pat,
        category="cost_saving",
        description=CANARY,
        workings=CANARY,
        evidence=CANARY,
        share_description=True,
        currency="GBP",
        annual_value=1000,
        attribution=50,
        confidence=50,
    )
    ClaimFile.objects.create(
        claim=claim, name=CANARY, content_type="text/plain", size=2, content=b"ok", sha256="x"
    )
    survey = Survey.objects.create(
        learning_set=world.set_a,
        kind=Survey.Kind.EVALUATION,
        meeting=meeting,
        items=["Useful?"],
        opens_at=now,
        closes_at=now + timedelta(days=5),
        key="canary",
    )
    Answer.objects.create(survey=survey, scores={"0": 5}, text=CANARY)
    return {
        Kind.CHALLENGE,
        Kind.ACTION,
        Kind.REPORT_BACK,
        Kind.REFLECTION,
        Kind.SHARED_REFLECTION,
        Kind.PROCESS_NOTE,
        Kind.MEETING_RECORD,
        Kind.CLAIM,
        Kind.CLAIM_DESCRIPTION,
        Kind.SHARED_CLAIM_DESCRIPTION,
        Kind.CLAIM_FILE,
        Kind.SURVEY_TEXT,
        Kind.APOLOGY_NOTE,
    }


def test_nothing_any_member_writes_ever_reaches_a_channel(
    world, django_capture_on_commit_callbacks
):
    slack, teams = Receiver(), Receiver()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            connect(set_a(world), slack, world.facilitator)
            connect(Scope(world.programme), teams, world.admin, kind="teams")
            meeting = future_meeting(world.set_a, days=10, place="Room A")
        planted = plant_every_kind_of_member_content(world, meeting)
        assert planted == set(Kind)  # a new kind of content must be planted here too
        assert not any(may_read(kind, CHANNEL, timezone.now()) for kind in Kind)
        with django_capture_on_commit_callbacks(execute=True):
            services.channel_test(scope=set_a(world))
            move(meeting)
        meeting.refresh_from_db()
        with time_machine.travel(meeting.starts_at - timedelta(hours=30), tick=True):
            sweeps.sweep(timezone.now())
        with django_capture_on_commit_callbacks(execute=True):
            meetings.meeting_cancel(meeting=meeting)
        sent = Delivery.objects.filter(delivered_at__isnull=False)
        kinds = set(sent.values_list("kind", flat=True))
        assert kinds == set(Delivery.Kind.values)  # every kind of message was sent
        for receiver in (slack, teams):
            assert len(receiver.received) >= 4
            assert not any(CANARY in r["raw"] for r in receiver.received)
    finally:
        slack.close()
        teams.close()


def test_the_page_is_for_admins_and_the_sets_facilitators_and_hides_the_address(world):
    channel = Channel.objects.create(
        programme=world.programme,
        learning_set=world.set_a,
        kind="slack",
        url="https://hooks.slack.com/services/T1/B2/very-secret-token-wxyz",
    )
    url = f"/o/acme/sets/{world.set_a.pk}/channel/"
    for user, status in [
        (world.admin, 200),
        (world.facilitator, 200),
        (world.sponsor, 403),
        (world.participant, 403),
        (world.other_facilitator, 404),
        (world.outsider, 404),
    ]:
        browser = Client()
        browser.force_login(user)
        page = browser.get(url)
        assert page.status_code == status, user
        if status == 200:
            assert channel.hint in page.text and "very-secret-token" not in page.text
    browser = Client()
    browser.force_login(world.facilitator)
    assert browser.get(f"/o/acme/programmes/{world.programme.pk}/channel/").status_code == 403
    set_page = browser.get(f"/o/acme/sets/{world.set_a.pk}/").text
    assert url in set_page
