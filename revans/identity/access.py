from revans.accounts.access import OrgRequest, for_admin

from .models import ScimToken


def get_token_for_admin(request: OrgRequest, token_id: int) -> ScimToken:
    return for_admin(request, ScimToken.objects.all(), token_id)
