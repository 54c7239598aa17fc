"""Who may reach what: every organisation-scoped object is fetched through these helpers.

Outsiders get 404, the same answer as for something that does not exist, so they learn nothing.
Members who lack the role get 403.
"""

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, cast

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from revans.audit import services as audit
from revans.audit.models import Event as AuditEvent

from .models import DIGESTS, Invitation, Membership, Organisation, Role, SignupDomain, Topic, User
from .outbox import UNSUBSCRIBE_SALT
from .services import INVITATION_SALT


class SignedInRequest(HttpRequest):
    """A request that LoginRequiredMiddleware has let through."""

    user: User


class OrgRequest(SignedInRequest):
    """A request inside /o/<org>/, resolved once by `org_view`."""

    organisation: Organisation
    membership: Membership


def memberships_of(request: HttpRequest) -> list[Membership]:
    """The person's active memberships with their organisations, by name: read once a request,
    for the page's access (`get_membership`) and its menu of organisations alike."""
    found: list[Membership] | None = getattr(request, "_memberships", None)
    if found is None:
        user = cast(User, request.user)
        found = list(
            Membership.objects.filter(user=user, is_active=True)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        for membership in found:
            membership.user = user
        request._memberships = found  # type: ignore[attr-defined]
    return found


def get_membership(request: HttpRequest, org_slug: str) -> Membership:
    """The person's active membership of the organisation, or 404."""
    if not request.user.is_authenticated:
        raise Http404
    for membership in memberships_of(request):
        if membership.organisation.slug == org_slug:
            return membership
    raise Http404


def require_role(membership: Membership, *roles: Role) -> None:
    if roles and not membership.has_role(*roles):
        raise PermissionDenied(_("Your role in this organisation does not allow this."))


# The organisation whose identity provider signed this session in (identity.adapters): its
# provider's own second factor stands in for ours.
SIGNED_IN_BY = "revans_signed_in_by"


def needs_mfa_setup(request: HttpRequest, membership: Membership) -> bool:
    """The organisation's policy asks this member for two-factor authentication they lack."""
    return (
        membership.organisation.require_mfa
        and request.session.get(SIGNED_IN_BY) != membership.organisation_id
        and membership.has_role(Role.ADMIN, Role.SPONSOR)
        and not is_mfa_enabled(membership.user)
    )


type OrgView = Callable[Concatenate[OrgRequest, ...], HttpResponse]
# Turns one id of the URL into what the view works with (an object, or an access record with
# it), refusing with 404 or 403; it is given what the resolvers before it found.
type Resolver = Callable[..., Any]


def org_view(
    *roles: Role, **resolvers: Resolver
) -> Callable[[OrgView], Callable[..., HttpResponse]]:
    """The one decorator of a page inside /o/<org>/: membership (else 404), role (else 403), the
    MFA policy; then each id the URL names, through its resolver (`set_id=get_cycle`, from an
    access.py), before the method check, so someone who may not see a thing meets the same
    answer whatever the method. The view receives what the resolvers return, in their order (a
    tuple spread), never an id."""

    def decorator(view: OrgView) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, org: str, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = get_membership(request, org)
            try:
                return _open(request, membership, *args, **kwargs)
            except PermissionDenied:
                audit.record(
                    AuditEvent.ACCESS_REFUSED,
                    organisation=membership.organisation_id,
                    detail={"path": request.path[:200], "method": request.method},
                )
                raise

        def _open(
            request: HttpRequest, membership: Membership, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            require_role(membership, *roles)
            if needs_mfa_setup(request, membership):
                messages.warning(
                    request,
                    _(
                        "%(org)s asks admins and sponsors to use two-factor authentication. "
                        "Set it up to continue."
                    )
                    % {"org": membership.organisation.name},
                )
                return HttpResponseRedirect(reverse("mfa_index"))
            org_request: OrgRequest = request  # type: ignore[assignment]
            if not membership.user.time_zone:  # inside an organisation, its zone by default
                timezone.activate(zoneinfo.ZoneInfo(membership.organisation.time_zone))
            if not membership.user.language:  # and its language
                translation.activate(membership.organisation.language)
                request.LANGUAGE_CODE = membership.organisation.language
            org_request.membership = membership
            org_request.organisation = membership.organisation
            found: list[Any] = []
            for name, resolve in resolvers.items():
                got = resolve(org_request, kwargs.pop(name), *found)
                found.extend(got if isinstance(got, tuple) else (got,))
            return view(org_request, *found, *args, **kwargs)

        return wrapper

    return decorator


def for_admin[M: Model](request: OrgRequest, rows: QuerySet[M], pk: int) -> M:
    """A row of the admin's own organisation, or 404 (anyone but an admin: 403)."""
    require_role(request.membership, Role.ADMIN)
    try:
        return rows.get(pk=pk, organisation=request.organisation)
    except ObjectDoesNotExist:
        raise Http404 from None


def get_member_for_admin(request: OrgRequest, membership_id: int) -> Membership:
    """A membership in the admin's own organisation, active or not."""
    return for_admin(request, Membership.objects.select_related("user"), membership_id)


def get_invitation_for_admin(request: OrgRequest, invitation_id: int) -> Invitation:
    return for_admin(request, Invitation.objects.all(), invitation_id)


def get_signup_domain_for_admin(request: OrgRequest, domain_id: int) -> SignupDomain:
    return for_admin(request, SignupDomain.objects.all(), domain_id)


@dataclass(frozen=True)
class UnsubscribeLink:
    """Whom an unsubscribe link is for (None: an address with no account) and what it names."""

    user: User | None
    subscription: str


def get_unsubscribe_link(token: str) -> UnsubscribeLink:
    """What a signed unsubscribe link names; a clear ValidationError for an altered link, or one
    whose account is gone."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id, subscription = data["u"], data["s"]
        if subscription not in (*Topic.values, *DIGESTS) or not isinstance(user_id, int | None):
            raise ValueError(subscription)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError(
            _("This link is not valid. Check that you copied the whole link from the email.")
        ) from None
    if user_id is None:
        return UnsubscribeLink(None, subscription)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise ValidationError(_("This link is no longer valid: its account has been closed."))
    return UnsubscribeLink(user, subscription)


def get_invitation_by_token(token: str) -> Invitation:
    """The invitation a signed link names; a clear ValidationError for a forged or stale link."""
    try:
        data = signing.loads(
            token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE_DAYS * 86400
        )
    except signing.SignatureExpired:
        raise ValidationError(
            _("This invitation has expired. Ask your organisation's admin for a new one.")
        ) from None
    except signing.BadSignature:
        raise ValidationError(
            _("This invitation link is not valid. Check that you copied the whole link.")
        ) from None
    try:
        return Invitation.objects.select_related("organisation").get(pk=data["invitation"])
    except (Invitation.DoesNotExist, KeyError, TypeError):
        raise ValidationError(_("This invitation link is not valid.")) from None
