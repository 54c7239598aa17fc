from django.db.models import QuerySet

from revans.accounts.models import Organisation

from .models import ApiToken


def organisation_tokens(organisation: Organisation) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(organisation=organisation, for_organisation=True).select_related(
        "created_by"
    )
