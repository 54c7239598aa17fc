import logging
import secrets

from allauth.account.internal.templatekit import get_entrance_context_data
from allauth.account.views import LoginView
from allauth.socialaccount.providers.base.constants import AuthProcess
from allauth.socialaccount.providers.saml import views as allauth_saml
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from revans.accounts.access import OrgRequest, org_view
from revans.accounts.models import Role
from revans.web import perform, posted, save_form

from . import selectors, services
from .access import get_token_for_admin
from .adapters import OIDC_NONCE, refuse
from .forms import EmailForm, ScimTokenForm, SignOnForm
from .models import ScimToken, SignOn

CSP_FORM_ACTION: list[str] = settings.SECURE_CSP["form-action"]  # type: ignore[assignment]
logger = logging.getLogger(__name__)
# The address typed at the first step, offered again at the password step.
SIGN_IN_EMAIL = "revans_sign_in_email"


class PasswordStep(LoginView):  # type: ignore[misc]
    """allauth's password sign-in, with the address from the first step filled in."""

    def get_initial(self) -> dict[str, str]:
        return {"login": self.request.session.get(SIGN_IN_EMAIL, "")}

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context: dict[str, object] = super().get_context_data(**kwargs)
        email = self.request.session.get(SIGN_IN_EMAIL, "")
        context["sign_on"] = selectors.sign_on_for(email) if email else None
        return context

    def render_to_response(self, context: dict[str, object], **kwargs: object) -> HttpResponse:
        response: HttpResponse = super().render_to_response(context, **kwargs)
        sign_on = context.get("sign_on")
        return allow_provider(response, sign_on) if isinstance(sign_on, SignOn) else response


def allow_provider(response: HttpResponse, sign_on: SignOn) -> HttpResponse:
    """Let this page's forms leave for the provider: the start view redirects there, and a
    browser holds a form's redirects to the page's CSP."""
    form_action = [*CSP_FORM_ACTION, sign_on.sign_in_origin]
    response._csp_config = {**settings.SECURE_CSP, "form-action": form_action}  # type: ignore[attr-defined]
    return response


def _next(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure())
    return url if safe else ""


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Sign-in starts with the email address: at a domain whose organisation requires single
    sign-on it goes to that organisation's provider; any other gets the password step."""
    if request.GET.get("step") == "password" or "password" in request.POST:
        response: HttpResponse = PasswordStep.as_view()(request)
        return response
    form = EmailForm(posted(request))
    if form.is_valid():
        email = form.cleaned_data["email"]
        required = selectors.sign_on_for(email, required=True)
        if required is not None:
            return _to_provider(request, required, email)
        request.session[SIGN_IN_EMAIL] = email
        next_url = _next(request)
        query = {"step": "password"} | ({"next": next_url} if next_url else {})
        return redirect(f"{reverse('account_login')}?{urlencode(query)}")
    context = {"form": form, "next": _next(request), **get_entrance_context_data(request)}
    return render(request, "identity/sign_in.html", context)


def _to_provider(request: HttpRequest, sign_on: SignOn, email: str) -> HttpResponse:
    """A page that sends the browser on to the provider (a form, submitted by script; a button
    without it)."""
    context = {"sign_on": sign_on, "email": email, "next": _next(request)}
    return allow_provider(render(request, "identity/to_provider.html", context), sign_on)


@login_not_required
@require_POST
def sign_on_start(request: HttpRequest, org: str) -> HttpResponse:
    """Start the organisation's sign-in at its provider (allauth's), with a fresh OIDC nonce the
    answer must carry (adapters.SocialAccountAdapter.pre_social_login)."""
    sign_on = SignOn.objects.filter(organisation__slug=org, enabled=True).first()
    if sign_on is None or sign_on.app is None:
        raise Http404
    provider = sign_on.app.get_provider(request)
    extra: dict[str, object] = {}
    if sign_on.protocol == SignOn.Protocol.OIDC:
        nonce = secrets.token_urlsafe(24)
        request.session[OIDC_NONCE] = nonce
        email = request.POST.get("email", "")[:254]
        hint = {"login_hint": email} if email else {}
        extra["auth_params"] = {**provider.get_auth_params(), "nonce": nonce, **hint}
    try:
        response: HttpResponse = provider.redirect(
            request, AuthProcess.LOGIN, next_url=_next(request) or None, **extra
        )
    except Exception:  # its discovery or metadata did not answer, or made no sense
        logger.exception("The identity provider of %s did not answer", org)
        raise refuse(
            request,
            None,
            _("Your organisation's identity provider did not answer. Try again soon."),
        ) from None
    return response


@org_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def sign_on_settings(request: OrgRequest) -> HttpResponse:
    current = SignOn.objects.filter(organisation=request.organisation).first()
    instance = current or SignOn(organisation=request.organisation)
    form = SignOnForm(posted(request), instance=instance)
    if save_form(
        request, form, lambda: services.sign_on_save(sign_on=form.instance, by=request.user)
    ):
        messages.success(request, _("Single sign-on settings saved."))
        return redirect("identity:sign_on_settings", org=request.organisation.slug)
    slug = request.organisation.slug
    return render(
        request,
        "identity/sign_on_settings.html",
        {
            "form": form,
            "saved": current,
            "oidc_redirect_uri": request.build_absolute_uri(
                reverse(
                    "openid_connect_callback",
                    kwargs={"provider_id": services.provider_id(SignOn.Protocol.OIDC, slug)},
                )
            ),
            "saml_metadata_url": request.build_absolute_uri(
                reverse("saml_metadata", kwargs={"organization_slug": slug})
            ),
            "saml_acs_url": request.build_absolute_uri(
                reverse("saml_acs", kwargs={"organization_slug": slug})
            ),
        },
    )


@org_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def scim_tokens(request: OrgRequest) -> HttpResponse:
    form = ScimTokenForm(posted(request))
    made = save_form(
        request,
        form,
        lambda: services.token_create(
            organisation=request.organisation, name=form.cleaned_data["name"], by=request.user
        ),
    )
    # The secret is shown in this answer only (never stored, so never shown again).
    secret = made[1] if made else ""
    return render(
        request,
        "identity/scim_tokens.html",
        {
            "form": ScimTokenForm() if made else form,
            "secret": secret,
            "tokens": selectors.tokens(request.organisation),
            "scim_url": request.build_absolute_uri("/scim/v2/"),
        },
    )


@org_view(Role.ADMIN, token_id=get_token_for_admin)
@require_POST
def scim_token_revoke(request: OrgRequest, token: ScimToken) -> HttpResponse:
    perform(request, lambda: services.token_revoke(token=token), _("Token revoked."))
    return redirect("identity:scim_tokens", org=request.organisation.slug)


@org_view(Role.ADMIN)
@require_safe
def identity_changes(request: OrgRequest) -> HttpResponse:
    page = Paginator(selectors.recent_changes(request.organisation), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "identity/identity_changes.html", {"page": page})


@login_not_required
@csrf_exempt
def saml_acs(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """allauth's assertion consumer, for a response whose IDs were never posted before (allauth
    and python3-saml check its signature, audience and times). Nothing is recorded for the admin:
    anyone may post here."""
    encoded = request.POST.get("SAMLResponse", "")
    if not services.saml_first_use(slug=organization_slug, encoded=encoded):
        raise refuse(request, None, _("This sign-in answer was already used, or is unreadable."))
    response: HttpResponse = allauth_saml.acs(request, organization_slug=organization_slug)
    return response
