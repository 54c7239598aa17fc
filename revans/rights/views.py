"""A person's data rights, from their profile: ask for the download of everything about them,
and fetch it once the worker has built it."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from revans.accounts.access import SignedInRequest

from . import services
from .access import get_own_export
from .models import DataExport


@never_cache
@require_http_methods(["GET", "POST"])
def my_data(request: SignedInRequest) -> HttpResponse:
    if request.method == "POST":
        _found, made = services.export_request(user=request.user)
        if made:
            messages.success(
                request, _("Your download is being prepared; this page shows when it is ready.")
            )
        return redirect("rights:my_data")
    exports = DataExport.objects.filter(user=request.user).defer("content")[:5]
    return render(request, "rights/my_data.html", {"exports": exports, "now": timezone.now()})


@never_cache
@require_safe
def my_data_download(request: SignedInRequest, export_id: UUID) -> HttpResponse:
    found = get_own_export(request, export_id)
    now = timezone.now()
    if (
        found.status != DataExport.Status.READY
        or found.expires_at is None
        or found.expires_at <= now
    ):
        messages.info(
            request, _("That download is not ready, or its link has expired: ask for a new one.")
        )
        return redirect("rights:my_data")
    response = HttpResponse(bytes(found.content or b""), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="revans-my-data-{found.created_at:%Y%m%d}.zip"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
