"""What a channel's page shows: the channel, why it was switched off, its latest messages."""

from dataclasses import dataclass

from .access import Scope
from .deliveries import given_up
from .models import Channel, Delivery

SHOWN = 20


@dataclass(frozen=True)
class ChannelPage:
    channel: Channel | None
    given_up: Delivery | None  # the message whose last failure switched it off
    deliveries: list[Delivery]


def channel_page(scope: Scope) -> ChannelPage:
    channel = scope.channel()
    if channel is None:
        return ChannelPage(None, None, [])
    latest = channel.deliveries.select_related("meeting__learning_set").order_by("-pk")[:SHOWN]
    return ChannelPage(channel, None if channel.is_on else given_up(channel), list(latest))
