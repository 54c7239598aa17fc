from django.db.models import Q, QuerySet

from revans.accounts.models import Organisation

from .models import IdentityChange, ScimToken, ScimUser, SignOn


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def sign_on_for(email: str, *, required: bool = False) -> SignOn | None:
    """The enabled sign-on of the organisation that has proven the address's domain (one at most:
    a proven domain belongs to one organisation)."""
    rows = SignOn.objects.filter(
        enabled=True,
        organisation__signup_domains__domain__iexact=domain_of(email),
        organisation__signup_domains__verified_at__isnull=False,
    )
    if required:
        rows = rows.filter(required=True)
    return rows.select_related("organisation", "app").first()


def recent_changes(organisation: Organisation) -> QuerySet[IdentityChange]:
    return organisation.identity_changes.all()


def tokens(organisation: Organisation) -> QuerySet[ScimToken]:
    return organisation.scim_tokens.select_related("created_by")


def scim_users(
    organisation: Organisation, query: Q, start: int, count: int
) -> tuple[int, list[ScimUser]]:
    """The total that match, and the page from `start` (1-based) of at most `count`."""
    matching = ScimUser.objects.filter(organisation=organisation).filter(query)
    total = matching.count()
    if count == 0:
        return total, []
    return total, list(matching.order_by("created_at", "id")[start - 1 : start - 1 + count])
