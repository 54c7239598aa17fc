"""What the periodic sweep does for chat channels: announcements of meetings coming into reach
(and for channels connected since), reminders, each channel's next due message handed to the
worker (retries included), and any switch-off email a worker did not send. Safe twice at once:
messages and emails are unique rows, claimed before they leave."""

from datetime import datetime

from . import deliveries


def sweep(now: datetime) -> dict[str, int]:
    announced = deliveries.announce_due(now=now)
    reminded = deliveries.remind_due(now=now)
    return {
        "chat channels with new messages": len(announced | reminded),
        "chat messages handed to the worker": deliveries.hand(now=now),
        "chat channel emails sent": deliveries.send_notices_due(now=now),
    }
