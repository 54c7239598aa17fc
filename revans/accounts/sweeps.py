"""What the periodic sweep does for accounts: the digests of the days and weeks that have ended
where their readers are, made and sent, each once (unique rows, claimed before they are sent);
and the sessions past their expiry, deleted (Django leaves them to `clearsessions`)."""

from datetime import datetime

from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session

from . import digests


def sessions_expired(now: datetime) -> int:
    """Delete the sessions past their expiry, with their rows in people's lists of sessions."""
    expired = Session.objects.filter(expire_date__lte=now)
    UserSession.objects.filter(session_key__in=expired.values("session_key")).delete()
    gone, _kinds = expired.delete()
    return gone


def sweep(now: datetime) -> dict[str, int]:
    return {
        "digests due": digests.make_due(now=now),
        "digests sent": digests.send_due(now=now),
        "sessions expired": sessions_expired(now),
    }
