from uuid import UUID

from django.http import Http404

from revans.accounts.access import SignedInRequest

from .models import DataExport


def get_own_export(request: SignedInRequest, export_id: UUID) -> DataExport:
    """A download of one's own; anyone else's is as missing as one that never was."""
    found = DataExport.objects.filter(pk=export_id, user=request.user).first()
    if found is None:
        raise Http404
    return found
