"""Times on every page are in the reader's own zone: their setting, else (inside /o/<org>/,
see access.org_view) their organisation's, else that of their first organisation. And the
sessions list's activity, kept for every view but those devices call by themselves."""

from collections.abc import Callable
from zoneinfo import ZoneInfo

from allauth.account.adapter import get_adapter
from allauth.usersessions import app_settings as usersessions_settings
from allauth.usersessions.internal import usersessionkit
from allauth.usersessions.models import UserSession
from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class TimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = getattr(request.user, "time_zone", "")
        if zone:
            timezone.activate(ZoneInfo(zone))
        else:
            timezone.deactivate()  # org_view or the view itself chooses one
        return self.get_response(request)


def not_activity[V: Callable[..., HttpResponse]](view: V) -> V:
    """Mark a view that devices call on their own (a board's poll every few seconds): it does
    not count as the person's activity in their list of sessions."""
    view.not_activity = True  # type: ignore[attr-defined]
    return view


class SessionActivityMiddleware:
    """allauth's session tracking (last seen, IP, browser), left out for views marked
    `not_activity`: it writes a row on every request, which a polling board would make every
    two seconds per device."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], *args: object
    ) -> None:
        if getattr(view, "not_activity", False) or _seen_again(request):
            return
        usersessionkit.track_activity(
            request,
            user=getattr(request, "user", None),
            session=getattr(request, "session", None),
        )


def _seen_again(request: HttpRequest) -> bool:
    """The usual request in one UPDATE: the same person, address and browser as the session's
    row, whose last-seen time moves on. allauth's own tracking (a transaction, three reads and
    a write on every page) is left for a new session or a changed client, which it signals."""
    user, session = getattr(request, "user", None), getattr(request, "session", None)
    if not usersessions_settings.TRACK_ACTIVITY or session is None or not session.session_key:
        return False
    if user is None or not user.is_authenticated:
        return False
    agent = request.META.get("HTTP_USER_AGENT", "")[
        : UserSession._meta.get_field("user_agent").max_length
    ]
    same = UserSession.objects.filter(
        session_key=session.session_key,
        user_id=user.pk,
        ip=get_adapter().get_client_ip(request),
        user_agent=agent,
    )
    return bool(same.update(last_seen_at=timezone.now()) == 1)
