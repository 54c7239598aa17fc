from uuid import UUID

from django.http import Http404

from revans.accounts.access import OrgRequest, SignedInRequest, for_admin

from .models import DataExport, Erasure


def get_own_export(request: SignedInRequest, export_id: UUID) -> DataExport:
    """A download of one's own; anyone else's is as missing as one that never was."""
    found = DataExport.objects.filter(pk=export_id, user=request.user).first()
    if found is None:
        raise Http404
    return found


def get_own_erasure(request: SignedInRequest, erasure_id: int) -> Erasure:
    found = Erasure.objects.filter(pk=erasure_id, user=request.user, organisation=None).first()
    if found is None:
        raise Http404
    return found


def get_erasure_for_admin(request: OrgRequest, erasure_id: int) -> Erasure:
    return for_admin(request, Erasure.objects.select_related("user"), erasure_id)
