"""Each page in the reader's language: their own choice, else (inside /o/<org>/, see
access.org_view) their organisation's, else their first organisation's; a visitor who is not
signed in gets LocaleMiddleware's pick from their browser's Accept-Language.

Times on every page are in the reader's own zone: their setting, else (inside /o/<org>/,
see access.org_view) their organisation's, else that of their first organisation. The
sessions list's activity, kept for every view but those devices call by themselves. And the
organisations' session timeouts, idle and absolute."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from allauth.account.adapter import get_adapter
from allauth.usersessions import app_settings as usersessions_settings
from allauth.usersessions.internal import usersessionkit
from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import ngettext

from . import selectors

if TYPE_CHECKING:
    from .models import User


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


class LanguageMiddleware:
    """After LocaleMiddleware (the browser's wish) and authentication: a signed-in person's own
    language wins. A page inside an organisation (a view given `org`) leaves a person without
    one to org_view, which knows the organisation already; elsewhere their first
    organisation's is read (one query)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[object, ...],
        kwargs: dict[str, object],
    ) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        if user.language:
            language = user.language
        elif "org" in kwargs:
            return
        else:
            language = selectors.reader_language(user)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def not_activity[V: Callable[..., HttpResponse]](view: V) -> V:
    """Mark a view that devices call on their own (a board's poll every few seconds): it does
    not count as the person's activity in their list of sessions."""
    view.not_activity = True  # type: ignore[attr-defined]
    return view


class SessionActivityMiddleware(MiddlewareMixin):  # process_view only
    """allauth's session tracking (last seen, IP, browser), left out for views marked
    `not_activity`: it writes a row on every request, which a polling board would make every
    two seconds per device."""

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


# The session's own record of its timeouts: when it signed in, when it was last active (to the
# minute: writing the session on every click would cost a write per request), and the limits in
# seconds, read again with each activity recorded so an admin's change applies within a minute.
SIGNED_IN_AT = "revans_signed_in_at"
ACTIVE_AT = "revans_active_at"
LIMITS = "revans_session_limits"
RECORD_EVERY = 60


@dataclass(frozen=True)
class SessionClock:
    """When this session ends for want of activity, and at the latest (epoch seconds)."""

    now: float
    idle_ends: float
    ends: float

    @property
    def warn_before(self) -> int:
        """Seconds before the idle end that the page warns: five minutes, less for short limits."""
        return int(min(300, (self.idle_ends - self.now) / 2))


def session_start(request: HttpRequest, user: Any) -> None:
    """A new sign-in: both clocks start now (called when Django signs anyone in)."""
    now = timezone.now().timestamp()
    request.session[SIGNED_IN_AT] = now
    request.session[ACTIVE_AT] = now
    request.session[LIMITS] = list(selectors.session_limits(user))


def session_touch(request: HttpRequest) -> SessionClock:
    """Count this request as activity now, whatever the minute (the warning's "stay" button)."""
    request.session[ACTIVE_AT] = timezone.now().timestamp()
    request.session[LIMITS] = list(selectors.session_limits(cast("User", request.user)))
    return session_clock(request)


def session_clock(request: HttpRequest) -> SessionClock:
    session = request.session
    idle, absolute = session[LIMITS]
    ends = session[SIGNED_IN_AT] + absolute
    return SessionClock(timezone.now().timestamp(), min(session[ACTIVE_AT] + idle, ends), ends)


class SessionTimeoutMiddleware(MiddlewareMixin):  # process_view only
    """Ends a session idle longer than its limit, or older than the absolute one, and sends the
    person to sign in again with a message saying why. Views marked `not_activity` (a board's
    poll) are checked but never extend the idle time; the page learns the moments for its
    warning (`request.session_clock`, on <body>)."""

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], *args: object
    ) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        session = request.session
        if not all(key in session for key in (SIGNED_IN_AT, ACTIVE_AT, LIMITS)):
            session_start(request, request.user)  # signed in before timeouts were kept
        clock = session_clock(request)
        if clock.now >= clock.ends:
            hours = round(session[LIMITS][1] / 3600)
            return self._end(
                request,
                ngettext(
                    "You were signed out: a session lasts at most %(hours)s hour. "
                    "Sign in again to go on.",
                    "You were signed out: a session lasts at most %(hours)s hours. "
                    "Sign in again to go on.",
                    hours,
                )
                % {"hours": hours},
            )
        if clock.now >= clock.idle_ends:
            minutes = round(session[LIMITS][0] / 60)
            return self._end(
                request,
                ngettext(
                    "You were signed out after %(minutes)s minute without activity. "
                    "Sign in again to go on.",
                    "You were signed out after %(minutes)s minutes without activity. "
                    "Sign in again to go on.",
                    minutes,
                )
                % {"minutes": minutes},
            )
        if not getattr(view, "not_activity", False) and clock.now - session[ACTIVE_AT] >= (
            RECORD_EVERY
        ):
            clock = session_touch(request)
        request.session_clock = clock  # type: ignore[attr-defined]
        return None

    def _end(self, request: HttpRequest, message: str) -> HttpResponse:
        logout(request)  # receivers.signed_out removes it from the list of sessions
        messages.info(request, message)
        if request.headers.get("HX-Request"):
            # A board's poll (htmx) would swap the sign-in page into the board: the whole
            # window goes to sign in instead, and comes back to the page, not to the poll.
            page = request.headers.get("HX-Current-URL") or request.get_full_path()
            return HttpResponse(headers={"HX-Redirect": redirect_to_login(page)["Location"]})
        return redirect_to_login(request.get_full_path())
