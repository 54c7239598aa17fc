"""What a channel is told, in the shape its service takes.

A message is made from the meeting's own fields alone: its set's name and number (the title
invitations carry), when it is in the organisation's zone, its place and video link as the
invitation shows them, and a link to its page. Never what anyone wrote: the confidentiality
table gives a channel no kind of content (`domain.confidentiality.CHANNEL`), and nothing here
asks for any (not even the open actions a member's "prepare" email lists).

Slack (an incoming webhook) takes `{"text": ...}` in mrkdwn, with `&`, `<` and `>` escaped so
that a name can make no link or mention. Teams (a Workflows webhook, "Post to a channel when a
webhook request is received", or a legacy incoming webhook) takes a message with one Adaptive
Card attachment (version 1.4); its text is Markdown, so `\\`, `*`, `_`, `[` and `]` are escaped
so that a name can make no link or emphasis.
"""

import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from revans.meetings import calendar, notices
from revans.meetings.models import Meeting

from .models import Channel, Delivery

Kind = Delivery.Kind


@dataclass(frozen=True)
class Message:
    headline: str
    lines: tuple[str, ...] = ()  # plain text, a line each
    video_url: str = ""
    link: str = ""  # the meeting's page


def when(meeting: Meeting) -> str:
    """In the organisation's zone; in the meeting's own as well when it is another."""
    home = meeting.learning_set.programme.organisation.time_zone
    zones = [ZoneInfo(home)] + ([meeting.zone] if meeting.time_zone != home else [])
    return "; ".join(notices.when(meeting, zone) for zone in zones)


def message(delivery: Delivery) -> Message:
    meeting = delivery.meeting
    if meeting is None:  # a test
        channel = delivery.channel
        name = (channel.learning_set or channel.programme).name
        return Message(
            _("Revans is connected to this channel"),
            (
                _(
                    "Meeting times, changes, cancellations and reminders of %(name)s will be "
                    "posted here."
                )
                % {"name": name},
            ),
        )
    title = calendar.title(meeting, notices.number(meeting))
    headline = {
        Kind.SCHEDULED: _("Meeting scheduled: %(title)s"),
        Kind.CHANGED: _("Meeting changed: %(title)s"),
        Kind.CANCELLED: _("Meeting cancelled: %(title)s"),
        Kind.REMINDER: _("Reminder: %(title)s"),
    }[Kind(delivery.kind)] % {"title": title}
    link = settings.SITE_URL + meeting.get_absolute_url()
    if delivery.kind == Kind.CANCELLED:
        return Message(headline, (when(meeting),), link=link)
    time = _("Now: %(when)s") if delivery.kind == Kind.CHANGED else "%(when)s"
    lines = [time % {"when": when(meeting)}]
    if meeting.place:
        lines.append(_("Where: %(place)s") % {"place": meeting.place})
    return Message(headline, tuple(lines), video_url=meeting.video_url, link=link)


def payload(delivery: Delivery) -> dict[str, Any]:
    found = message(delivery)
    return slack(found) if delivery.channel.kind == Channel.Kind.SLACK else teams(found)


def slack_text(text: str) -> str:
    """Slack's three control characters, escaped as its mrkdwn asks."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_link(url: str, label: str = "") -> str:
    target = slack_text(url.replace("|", "%7C"))
    return f"<{target}|{slack_text(label)}>" if label else f"<{target}>"


def slack(message: Message) -> dict[str, Any]:
    lines = [f"*{slack_text(message.headline)}*", *map(slack_text, message.lines)]
    if message.video_url:
        lines.append(_("Video: %(url)s") % {"url": slack_link(message.video_url)})
    if message.link:
        lines.append(slack_link(message.link, _("Open the meeting in Revans")))
    return {"text": "\n".join(lines)}


MARKDOWN = re.compile(r"([\\*_\[\]])")


def teams_text(text: str) -> str:
    """The characters of an Adaptive Card's Markdown that make emphasis or a link, escaped."""
    return MARKDOWN.sub(r"\\\1", text)


def open_url(title: str, url: str) -> dict[str, str]:
    return {"type": "Action.OpenUrl", "title": title, "url": url}


def teams(message: Message) -> dict[str, Any]:
    def block(text: str, **style: Any) -> dict[str, Any]:
        return {"type": "TextBlock", "text": teams_text(text), "wrap": True, **style}

    body = [block(message.headline, weight="Bolder", size="Medium")]
    body += [block(line, spacing="Small") for line in message.lines]
    actions = []
    if message.video_url:
        body.append(block(_("Video: %(url)s") % {"url": message.video_url}, spacing="Small"))
        actions.append(open_url(_("Join the video call"), message.video_url))
    if message.link:
        actions.append(open_url(_("Open the meeting in Revans"), message.link))
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }
