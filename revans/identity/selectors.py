"""What the SCIM API reads: one organisation's Users, a page at a time."""

from django.db.models import Q

from revans.accounts.models import Organisation

from .models import ScimUser


def scim_users(
    organisation: Organisation, query: Q, start: int, count: int
) -> tuple[int, list[ScimUser]]:
    """The total that match, and the page from `start` (1-based) of at most `count`."""
    matching = ScimUser.objects.filter(organisation=organisation).filter(query)
    total = matching.count()
    if count == 0:
        return total, []
    return total, list(matching.order_by("created_at", "id")[start - 1 : start - 1 + count])
