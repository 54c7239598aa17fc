"""Times on every page are in the reader's own zone: their setting, else (inside /o/<org>/,
see access.org_view) their organisation's, else that of their first organisation."""

from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .models import User


def reader_zone(user: User) -> str:
    """The person's own zone, else their first organisation's (one query), else ""."""
    if user.time_zone:
        return user.time_zone
    first = (
        user.memberships.filter(is_active=True)
        .order_by("organisation__name")
        .values_list("organisation__time_zone", flat=True)
        .first()
    )
    return first or ""


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
