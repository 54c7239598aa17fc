import json
from collections.abc import Callable
from functools import partial
from zoneinfo import ZoneInfo

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from revans.audit import selectors as audit_selectors
from revans.audit import services as audit
from revans.audit.models import Entry
from revans.audit.models import Event as AuditEvent
from revans.web import perform, posted, save_form, write_csv

from . import digests, selectors, services
from .access import (
    OrgRequest,
    SignedInRequest,
    get_invitation_by_token,
    get_invitation_for_admin,
    get_member_for_admin,
    get_signup_domain_for_admin,
    get_unsubscribe_link,
    org_view,
)
from .forms import (
    AcceptWithNewAccountForm,
    AuditFilterForm,
    InvitationForm,
    NotificationsForm,
    OrganisationSettingsForm,
    ProfileForm,
    RolesForm,
    SignupDomainForm,
)
from .middleware import session_touch
from .models import ALWAYS, DIGESTS, Invitation, Membership, Role, SignupDomain, Topic, User

ALLAUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@login_not_required
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@org_view(Role.ADMIN)
@require_safe
def member_list(request: OrgRequest) -> HttpResponse:
    members = selectors.members_of(request.organisation)
    invitations = selectors.open_invitations(request.organisation)
    return render(
        request,
        "accounts/member_list.html",
        {
            "active": [m for m in members if m.is_active],
            "inactive": [m for m in members if not m.is_active],
            "invitations": invitations,
        },
    )


@org_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def member_invite(request: OrgRequest) -> HttpResponse:
    form = InvitationForm(posted(request))
    invitation = save_form(
        request,
        form,
        lambda: services.invitation_create(
            organisation=request.organisation,
            invited_by=request.user,
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            roles=form.cleaned_data["roles"],
        ),
    )
    if invitation:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
        return redirect("accounts:member_list", org=request.organisation.slug)
    return render(
        request,
        "accounts/member_invite.html",
        {"form": form, "days": settings.INVITATION_MAX_AGE_DAYS},
    )


@org_view(Role.ADMIN, membership_id=get_member_for_admin)
@require_http_methods(["GET", "POST"])
def member_edit(request: OrgRequest, member: Membership) -> HttpResponse:
    form = RolesForm(posted(request), initial={"roles": member.roles})
    if save_form(
        request,
        form,
        lambda: services.membership_set_roles(membership=member, roles=form.cleaned_data["roles"]),
    ):
        messages.success(request, _("Roles of %(name)s saved.") % {"name": member.user})
        return redirect("accounts:member_list", org=request.organisation.slug)
    return render(request, "accounts/member_edit.html", {"member": member, "form": form})


def _member_action(request: OrgRequest, action: Callable[[], object], done: str) -> HttpResponse:
    """Run one service for a button on the members page; report the outcome there."""
    perform(request, action, done)
    return redirect("accounts:member_list", org=request.organisation.slug)


@org_view(Role.ADMIN, membership_id=get_member_for_admin)
@require_http_methods(["GET", "POST"])
def member_deactivate(request: OrgRequest, member: Membership) -> HttpResponse:
    """GET asks for confirmation; POST deactivates and signs the person out everywhere."""
    if request.method == "GET":
        return render(request, "accounts/member_deactivate.html", {"member": member})
    return _member_action(
        request,
        partial(services.membership_deactivate, membership=member, by=request.user),
        _("%(name)s was deactivated and signed out.") % {"name": member.user},
    )


@org_view(Role.ADMIN, membership_id=get_member_for_admin)
@require_POST
def member_reactivate(request: OrgRequest, member: Membership) -> HttpResponse:
    return _member_action(
        request,
        partial(services.membership_reactivate, membership=member),
        _("%(name)s is active again.") % {"name": member.user},
    )


@org_view(Role.ADMIN, invitation_id=get_invitation_for_admin)
@require_POST
def invitation_revoke(request: OrgRequest, invitation: Invitation) -> HttpResponse:
    return _member_action(
        request,
        partial(services.invitation_revoke, invitation=invitation),
        _("Invitation to %(email)s withdrawn.") % {"email": invitation.email},
    )


@org_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def org_settings(request: OrgRequest) -> HttpResponse:
    form = OrganisationSettingsForm(posted(request), instance=request.organisation)
    if save_form(request, form, lambda: services.organisation_update(organisation=form.instance)):
        messages.success(request, _("Settings saved."))
        return redirect("accounts:org_settings", org=request.organisation.slug)
    return _settings_page(request, form, SignupDomainForm())


def _settings_page(
    request: OrgRequest, form: OrganisationSettingsForm, domain_form: SignupDomainForm
) -> HttpResponse:
    return render(
        request,
        "accounts/org_settings.html",
        {
            "form": form,
            "domain_form": domain_form,
            "domains": request.organisation.signup_domains.all(),
        },
    )


@org_view(Role.ADMIN)
@require_POST
def signup_domain_add(request: OrgRequest) -> HttpResponse:
    domain_form = SignupDomainForm(request.POST)
    if save_form(
        request,
        domain_form,
        lambda: services.signup_domain_add(
            organisation=request.organisation,
            domain=domain_form.cleaned_data["domain"],
            by=request.user,
        ),
    ):
        messages.success(request, _("Domain added. Publish the DNS record shown, then check it."))
        return redirect("accounts:org_settings", org=request.organisation.slug)
    form = OrganisationSettingsForm(instance=request.organisation)
    return _settings_page(request, form, domain_form)


@org_view(Role.ADMIN, domain_id=get_signup_domain_for_admin)
@require_POST
def signup_domain_check(request: OrgRequest, row: SignupDomain) -> HttpResponse:
    try:
        row = services.signup_domain_check(signup_domain=row)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if row.is_verified:
            messages.success(
                request,
                _("%(domain)s is proven: people there may now sign up.") % {"domain": row.domain},
            )
        else:
            messages.error(request, row.check_result)
    return redirect("accounts:org_settings", org=request.organisation.slug)


# The one id resolved after the method check: removing deletes the row, and a method this page
# does not take still answers 405, not the 404 of a domain removed a moment ago.
@org_view(Role.ADMIN)
@require_POST
def signup_domain_remove(request: OrgRequest, domain_id: int) -> HttpResponse:
    row = get_signup_domain_for_admin(request, domain_id)
    perform(
        request,
        partial(services.signup_domain_remove, signup_domain=row),
        _("Sign-up for %(domain)s is closed.") % {"domain": row.domain},
    )
    return redirect("accounts:org_settings", org=request.organisation.slug)


@require_POST
def session_stay(request: SignedInRequest) -> HttpResponse:
    """The warning's "Stay signed in": this request is activity; the page learns the new end."""
    clock = session_touch(request)
    return JsonResponse(
        {"now": clock.now, "idle_ends": clock.idle_ends, "ends": clock.ends},
        headers={"Cache-Control": "no-store"},
    )


@require_http_methods(["GET", "POST"])
def profile(request: SignedInRequest) -> HttpResponse:
    form = ProfileForm(posted(request), instance=request.user)
    if save_form(request, form, lambda: services.profile_update(user=form.instance)):
        messages.success(request, _("Saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@require_http_methods(["GET", "POST"])
def notifications(request: SignedInRequest) -> HttpResponse:
    form = NotificationsForm(posted(request), initial=selectors.frequencies(request.user.pk))
    if save_form(
        request,
        form,
        lambda: services.preferences_save(user=request.user, chosen=form.cleaned_data),
    ):
        messages.success(request, _("Saved: your emails come as you chose."))
        return redirect("accounts:notifications")
    return render(
        request,
        "accounts/notifications.html",
        {
            "form": form,
            "always": [topic.label for topic in Topic if topic in ALWAYS],
            "zone": digests.zone_of(request.user).key,
        },
    )


# RFC 8058: a mail program posts with no session, so with no CSRF token; the signed link, for one
# person and one kind of email, is the authority (the preferences page keeps its CSRF check).
@login_not_required
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, unsubscribe_token: str) -> HttpResponse:
    """The link every email carries (List-Unsubscribe). A GET only says what the button will
    switch off (mail scanners follow links); the POST, from that button or from the mail
    program's own one click, switches it off."""
    try:
        link = get_unsubscribe_link(unsubscribe_token)
    except ValidationError as error:
        return render(
            request, "accounts/unsubscribe_invalid.html", {"errors": error.messages}, status=400
        )
    done = request.method == "POST"
    if done:
        topics = services.unsubscribe(user=link.user, subscription=link.subscription)
    else:
        topics = selectors.unsubscribes(link.user, link.subscription)
    return render(
        request,
        "accounts/unsubscribe.html",
        {
            "link": link,
            "done": done,
            "topics": [topic.label for topic in topics],
            "always": link.subscription in ALWAYS,
            "digest": link.subscription in DIGESTS,
            "about": "" if link.subscription in DIGESTS else Topic(link.subscription).label,
        },
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email: create an account, or link the one that exists."""
    try:
        invitation = get_invitation_by_token(token)
        services.check_acceptable(invitation)
    except ValidationError as error:
        return render(
            request, "accounts/invitation_invalid.html", {"errors": error.messages}, status=400
        )
    user = request.user
    context: dict[str, object] = {"invitation": invitation}
    if user.is_authenticated:
        if request.method == "POST":
            try:
                membership = services.invitation_accept(invitation=invitation, user=user)
            except ValidationError as error:
                context["errors"] = error.messages
            else:
                messages.success(
                    request, _("Welcome to %(org)s.") % {"org": invitation.organisation}
                )
                return redirect(membership.organisation)
        context["wrong_account"] = user.email.lower() != invitation.email.lower()
        return render(request, "accounts/invitation_accept.html", context)
    # An existing account, or an address whose organisation signs its people in itself: sign in
    # first (no password is made here), then accept.
    context["sign_on"] = get_adapter(request).password_refused(invitation.email)
    if context["sign_on"] or User.objects.filter(email__iexact=invitation.email).exists():
        context["login_url"] = f"{reverse('account_login')}?{urlencode({'next': request.path})}"
        return render(request, "accounts/invitation_accept.html", context)
    form = AcceptWithNewAccountForm(
        posted(request), email=invitation.email, initial={"name": invitation.name}
    )
    new_user = save_form(
        request,
        form,
        lambda: services.invitation_accept_with_new_account(
            invitation=invitation,
            name=form.cleaned_data["name"],
            password=form.cleaned_data["password1"],
        ),
    )
    if new_user:
        login(request, new_user, backend=ALLAUTH_BACKEND)
        messages.success(request, _("Welcome to %(org)s.") % {"org": invitation.organisation})
        return redirect(invitation.organisation)
    context["form"] = form
    return render(request, "accounts/invitation_accept.html", context)


def _trail(request: OrgRequest) -> tuple[AuditFilterForm, QuerySet[Entry]]:
    """The organisation's trail as the admin's filters narrow it (bad filters: the whole)."""
    form = AuditFilterForm(request.GET or None, organisation=request.organisation)
    chosen = form.cleaned_data if form.is_valid() else {}
    person = chosen.get("person")
    rows = audit_selectors.trail(
        request.organisation.pk,
        event=chosen.get("event") or "",
        person_id=person.pk if person else None,
        since=chosen.get("since"),
        until=chosen.get("until"),
        zone=ZoneInfo(request.organisation.time_zone),
    )
    return form, rows


@org_view(Role.ADMIN)
@require_safe
def audit_trail(request: OrgRequest) -> HttpResponse:
    form, rows = _trail(request)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit_trail.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@org_view(Role.ADMIN)
@require_safe
def audit_trail_csv(request: OrgRequest) -> HttpResponse:
    _form, rows = _trail(request)
    headers = ["when (UTC)", "what", "who", "about", "target", "detail", "via", "address"]
    body = write_csv(
        headers,
        (
            [
                f"{e.at:%Y-%m-%d %H:%M:%S}",
                e.get_event_display(),
                str(e.actor or ""),
                str(e.subject or ""),
                e.target,
                json.dumps(e.detail, sort_keys=True) if e.detail else "",
                e.via,
                e.ip or "",
            ]
            for e in rows.iterator(chunk_size=1000)
        ),
    )
    audit.record(
        AuditEvent.EXPORTED, organisation=request.organisation, detail={"file": "audit.csv"}
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{request.organisation.slug}-audit.csv"'
    )
    return response


@require_safe
def my_activity(request: SignedInRequest) -> HttpResponse:
    """What the audit trail says about one's own account, in every organisation."""
    page = Paginator(audit_selectors.about(request.user.pk), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/my_activity.html", {"page": page})
