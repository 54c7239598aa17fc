"""A person's data rights, from their profile: ask for the download of everything about them,
and fetch it once the worker has built it."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from revans.accounts.access import OrgRequest, SignedInRequest, get_member_for_admin, org_view
from revans.accounts.models import Membership, Role
from revans.web import perform

from . import services
from .access import get_erasure_for_admin, get_own_erasure, get_own_export
from .models import DataExport, Erasure


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
    pending = Erasure.objects.filter(
        user=request.user, organisation=None, cancelled_at=None, done_at=None
    ).first()
    return render(
        request,
        "rights/my_data.html",
        {"exports": exports, "now": timezone.now(), "pending": pending},
    )


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


@require_POST
def my_data_erase(request: SignedInRequest) -> HttpResponse:
    """Ask for one's data to be erased everywhere, after the grace period."""
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that you want your data erased."))
        return redirect("rights:my_data")
    perform(
        request,
        lambda: services.erasure_request(user=request.user, organisation=None, by=request.user),
        _("Your data will be erased in 14 days. You can cancel until then."),
    )
    return redirect("rights:my_data")


@require_POST
def my_erasure_cancel(request: SignedInRequest, my_erasure_id: int) -> HttpResponse:
    erasure = get_own_erasure(request, my_erasure_id)
    perform(request, lambda: services.erasure_cancel(erasure=erasure), _("Erasure cancelled."))
    return redirect("rights:my_data")


@org_view(Role.ADMIN, membership_id=get_member_for_admin)
@require_http_methods(["GET", "POST"])
def member_erase(request: OrgRequest, member: Membership) -> HttpResponse:
    """GET asks for confirmation; POST asks for the person's data here to be erased."""
    pending = Erasure.objects.filter(
        user=member.user, organisation=request.organisation, cancelled_at=None, done_at=None
    ).first()
    if request.method == "POST":
        perform(
            request,
            lambda: services.erasure_request(
                user=member.user, organisation=request.organisation, by=request.user
            ),
            _("%(name)s's data here will be erased in 14 days.") % {"name": member.user},
        )
        return redirect(
            "rights:member_erase", org=request.organisation.slug, membership_id=member.pk
        )
    return render(request, "rights/member_erase.html", {"member": member, "pending": pending})


@org_view(Role.ADMIN, erasure_id=get_erasure_for_admin)
@require_POST
def erasure_cancel(request: OrgRequest, erasure: Erasure) -> HttpResponse:
    perform(request, lambda: services.erasure_cancel(erasure=erasure), _("Erasure cancelled."))
    return redirect("accounts:member_list", org=request.organisation.slug)
