"""Who may reach identity's pages (the organisation's admins) and its SCIM API (the holder of a
live token, and only their organisation's Users)."""

from django.http import HttpRequest
from scim2_models import NotFoundException, UnauthorizedException

from revans.accounts.access import OrgRequest, for_admin

from . import scim
from .models import ScimToken, ScimUser, token_digest


def get_token_for_admin(request: OrgRequest, token_id: int) -> ScimToken:
    return for_admin(request, ScimToken.objects.all(), token_id)


def scim_token(request: HttpRequest) -> ScimToken:
    """The live token the request carries as `Authorization: Bearer <secret>`."""
    scheme, _space, secret = request.headers.get("Authorization", "").strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or len(secret) > 200:
        raise UnauthorizedException(detail="Send the organisation's SCIM token as a Bearer token.")
    # A lookup by the digest of a long random secret: nothing to learn from its timing.
    token = (
        ScimToken.objects.live()
        .select_related("organisation")
        .filter(digest=token_digest(secret))
        .first()
    )
    if token is None:
        raise UnauthorizedException(detail="This token is unknown or has been revoked.")
    return token


def scim_user(token: ScimToken, scim_id: str) -> ScimUser:
    """A User of the token's organisation; another organisation's is as unknown as a missing one."""
    found = None
    if scim.is_id(scim_id):
        found = ScimUser.objects.filter(organisation=token.organisation, pk=scim_id).first()
    if found is None:
        raise NotFoundException(detail=f"User {scim_id[:100]} not found.")
    return found
