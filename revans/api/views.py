"""A person's API tokens, from their profile: made (the secret shown once) and revoked."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from revans.accounts.access import OrgRequest, SignedInRequest, needs_mfa_setup, org_view
from revans.accounts.models import Role
from revans.web import perform, posted, save_form

from . import selectors, services
from . import webhooks as webhook_service
from .access import get_organisation_token_for_admin, get_webhook_for_admin
from .forms import ApiTokenForm, OrganisationTokenForm, WebhookForm
from .models import ApiToken, Delivery, Webhook


@never_cache  # the page that shows a new secret is kept nowhere
@require_http_methods(["GET", "POST"])
def tokens(request: SignedInRequest) -> HttpResponse:
    form = ApiTokenForm(posted(request), user=request.user)

    def make() -> tuple[ApiToken, str]:
        if needs_mfa_setup(request, form.cleaned_data["membership"]):
            raise ValidationError(
                _("This organisation asks you for two-factor authentication first.")
            )
        return services.token_create(
            user=request.user,
            membership=form.cleaned_data["membership"],
            name=form.cleaned_data["name"],
            can_write=form.cleaned_data["can_write"],
            expires_at=form.expires_at(),
        )

    made = save_form(request, form, make)
    return render(
        request,
        "api/tokens.html",
        {
            "form": ApiTokenForm(user=request.user) if made else form,
            "secret": made[1] if made else "",
            "tokens": request.user.api_tokens.select_related("organisation"),
            "api_url": request.build_absolute_uri("/api/v1/"),
        },
    )


@require_POST
def token_revoke(request: SignedInRequest, api_token_id: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=api_token_id, user=request.user).first()
    if token is None:  # someone else's is as missing as one that never was
        raise Http404
    perform(request, lambda: services.token_revoke(token=token), _("Token revoked."))
    return redirect("integrations:tokens")


@never_cache
@org_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def organisation_tokens(request: OrgRequest) -> HttpResponse:
    form = OrganisationTokenForm(posted(request))
    made = save_form(
        request,
        form,
        lambda: services.organisation_token_create(
            organisation=request.organisation,
            by=request.user,
            name=form.cleaned_data["name"],
            roles=form.cleaned_data["roles"],
            can_write=form.cleaned_data["can_write"],
            expires_at=form.expires_at(),
        ),
    )
    return render(
        request,
        "api/organisation_tokens.html",
        {
            "form": OrganisationTokenForm() if made else form,
            "secret": made[1] if made else "",
            "tokens": selectors.organisation_tokens(request.organisation),
            "api_url": request.build_absolute_uri("/api/v1/"),
        },
    )


@org_view(Role.ADMIN, organisation_token_id=get_organisation_token_for_admin)
@require_POST
def organisation_token_revoke(request: OrgRequest, api_token: ApiToken) -> HttpResponse:
    perform(request, lambda: services.token_revoke(token=api_token), _("Token revoked."))
    return redirect("integrations:organisation_tokens", org=request.organisation.slug)


@org_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def webhooks(request: OrgRequest) -> HttpResponse:
    form = WebhookForm(posted(request))
    added = save_form(
        request,
        form,
        lambda: webhook_service.webhook_add(
            organisation=request.organisation,
            url=form.cleaned_data["url"],
            events=form.cleaned_data["events"],
            by=request.user,
        ),
    )
    if added:
        messages.success(request, _("Webhook added. Its signing secret is shown below."))
        return redirect("integrations:webhooks", org=request.organisation.slug)
    hooks = Webhook.objects.filter(organisation=request.organisation)
    recent = Delivery.objects.filter(webhook__organisation=request.organisation).select_related(
        "webhook"
    )
    return render(
        request,
        "api/webhooks.html",
        {"form": form, "hooks": hooks, "deliveries": recent.order_by("-pk")[:50]},
    )


@org_view(Role.ADMIN)
@require_POST
def webhook_remove(request: OrgRequest, webhook_id: int) -> HttpResponse:
    # Resolved after the method check (as signup_domain_remove): a removed webhook is gone for
    # every later request, and a GET must still meet 405, not 404.
    webhook = get_webhook_for_admin(request, webhook_id)
    perform(request, lambda: webhook_service.webhook_remove(webhook=webhook), _("Webhook removed."))
    return redirect("integrations:webhooks", org=request.organisation.slug)
