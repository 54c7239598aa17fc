"""allauth's hooks for single sign-on: who may arrive through an organisation's provider, and
what arriving does; and the "SSO required" rule (`password_refused`) every other way in asks."""

import hmac
from typing import Any

from allauth.account.utils import user_email
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from revans.accounts.access import SIGNED_IN_BY
from revans.accounts.adapters import AccountAdapter as BaseAccountAdapter
from revans.accounts.models import User

from . import services
from .models import IdentityChange, SignOn
from .selectors import sign_on_for

# The nonce an OIDC answer must carry: made when the sign-in starts (views.sign_in).
OIDC_NONCE = "revans_oidc_nonce"


def refuse(request: HttpRequest, sign_on: SignOn | None, reason: str) -> ImmediateHttpResponse:
    """The page for a sign-in the provider allowed and we do not; nothing has been saved."""
    if sign_on is not None:
        services.record(
            organisation=sign_on.organisation,
            source=IdentityChange.Source.SSO,
            by=sign_on.display_name,
            subject=_("a sign-in"),
            action=IdentityChange.Action.REFUSED,
            changes={"reason": reason},
        )
    page = render(request, "identity/sign_in_refused.html", {"reason": reason}, status=403)
    return ImmediateHttpResponse(page)


def sign_on_of(provider: Any) -> SignOn | None:
    """The organisation's sign-on behind an allauth provider (a sign-in's provider)."""
    app = provider.app
    return SignOn.objects.select_related("organisation").filter(app=app).first() if app else None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        sign_on = sign_on_of(sociallogin.provider)
        if sign_on is None or not sign_on.enabled:
            raise refuse(request, None, _("Single sign-on is not enabled for this organisation."))
        if sociallogin.state.get("process") != "login":
            raise refuse(request, None, _("Accounts are connected by signing in, not here."))
        if sign_on.protocol == SignOn.Protocol.OIDC:
            expected = request.session.pop(OIDC_NONCE, "")
            nonce = str(sociallogin.account.extra_data.get("id_token", {}).get("nonce", ""))
            if not expected or not hmac.compare_digest(nonce, expected):
                raise refuse(
                    request,
                    sign_on,
                    _("The identity provider's answer was not for this sign-in (its nonce)."),
                )
        email = user_email(sociallogin.user) or ""
        if not email or not services.proven(sign_on.organisation, email):
            raise refuse(
                request,
                sign_on,
                _(
                    "%(org)s's identity provider can sign in people at its proven domains only; "
                    "it sent %(email)s."
                )
                % {"org": sign_on.organisation.name, "email": email or _("no email address")},
            )

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return True  # pre_social_login has let only the organisation's own people this far

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: Any) -> bool:
        return True

    def is_email_verified(self, provider: Any, email: str) -> bool:
        sign_on = sign_on_of(provider)
        return sign_on is not None and services.proven(sign_on.organisation, email)

    def can_authenticate_by_email(self, login: Any, email: str) -> bool:
        # An existing account is the provider's to sign into only at the organisation's domains.
        return self.is_email_verified(login.provider, email)

    def populate_user(self, request: HttpRequest, sociallogin: Any, data: dict[str, Any]) -> Any:
        user = super().populate_user(request, sociallogin, data)
        given = " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))
        user.name = (data.get("name") or given or user.email or "")[:150]
        return user

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        # Tampered, expired or misdirected answers: one clear page (allauth's says only "error").
        raise refuse(
            request,
            None,
            _(
                "The identity provider's answer could not be accepted (it was altered, expired, "
                "already used, or meant for another service). Start again from the sign-in page."
            ),
        )


class AccountAdapter(BaseAccountAdapter):
    def password_refused(self, email: str) -> str | None:
        required = sign_on_for(email, required=True)
        if required is None:
            return None
        return _("%(org)s signs its people in through %(provider)s: use it instead.") % {
            "org": required.organisation.name,
            "provider": required.display_name,
        }

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        # Every sign-in but the provider's passes here (a password is refused earlier still, in
        # forms.LoginForm, before it is checked). Operators keep theirs: the way back in when a
        # provider fails (break-glass).
        social = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        refused = None if social or user.is_staff else self.password_refused(user.email)
        if refused:
            messages.error(request, refused)
            return HttpResponseRedirect(reverse("account_login"))
        response: HttpResponse | None = super().pre_login(request, user, **kwargs)
        return response

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        sign_on = sign_on_of(sociallogin.provider) if sociallogin else None
        if sociallogin and sign_on is not None:
            account: User = user
            groups = services.groups_of(sociallogin.account.extra_data)
            services.arrive(sign_on=sign_on, user=account, groups=groups)
            request.session[SIGNED_IN_BY] = sign_on.organisation_id
        response: HttpResponse = super().post_login(request, user, **kwargs)
        return response
