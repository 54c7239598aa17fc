from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language

from revans.writes import kept_key

from .access import memberships_of
from .models import Membership, Organisation, User


def organisations(request: HttpRequest) -> dict[str, Any]:
    """The organisations a signed-in person may switch between, and the current one; and the
    key the page's header is kept under (base.html)."""
    if not request.user.is_authenticated:
        return {"header_key": lambda: kept_key("header", get_language(), rows=False)}
    mine = memberships_of(request)
    # Set by access.org_view on pages inside /o/<org>/.
    organisation = getattr(request, "organisation", None)
    membership = getattr(request, "membership", None)
    return {
        "my_memberships": mine,
        "organisation": organisation,
        "membership": membership,
        # Asked only where a page draws the header, once its language is chosen.
        "header_key": lambda: header_key(request.user, mine, organisation, membership),
    }


def header_key(
    user: User,
    mine: list[Membership],
    organisation: Organisation | None,
    membership: Membership | None,
) -> str:
    """All that the header shows depends on: the person's name, their organisations, the one
    they are in and their roles there, the language (and each release, through the key's
    generation)."""
    return kept_key(
        "header",
        get_language(),
        user.pk,
        user.get_short_name(),
        [(m.organisation_id, m.organisation.slug, m.organisation.name) for m in mine],
        organisation and (organisation.pk, organisation.slug, organisation.name),
        membership and (membership.is_admin, membership.is_sponsor),
        rows=False,
    )


def session_clock(request: HttpRequest) -> dict[str, Any]:
    """When the session ends (set by SessionTimeoutMiddleware), for the page's warning."""
    clock = getattr(request, "session_clock", None)
    return {"session_clock": clock} if clock else {}
