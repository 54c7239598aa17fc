"""Each page in the reader's language: their own choice, else (inside /o/<org>/, see
access.org_view) their organisation's, else their first organisation's; a visitor who is not
signed in gets LocaleMiddleware's pick from their browser's Accept-Language.

Times on every page are in the reader's own zone: their setting, else (inside /o/<org>/,
see access.org_view) their organisation's, else that of their first organisation. And the
sessions list's activity, kept for every view but those devices call by themselves."""

from collections.abc import Callable
from zoneinfo import ZoneInfo

from allauth.usersessions.internal import usersessionkit
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from . import selectors


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
        if not getattr(view, "not_activity", False):
            usersessionkit.track_activity(
                request,
                user=getattr(request, "user", None),
                session=getattr(request, "session", None),
            )
