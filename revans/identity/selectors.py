from django.db.models import QuerySet

from revans.accounts.models import Organisation

from .models import IdentityChange, ScimToken, SignOn
from .services import domain_of


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
