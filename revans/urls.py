from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from revans.identity.views import saml_acs, sign_in

# The operators' admin signs in through allauth, so MFA and rate limits apply there too.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Revans operations"

urlpatterns = [
    # Sign-in asks for the email first (single sign-on or password); allauth does the rest.
    path("accounts/login/", sign_in, name="account_login"),
    path("accounts/saml/<slug:organization_slug>/acs/", saml_acs, name="saml_acs"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("revans.home.urls")),
    path("", include("revans.accounts.urls")),
    path("", include("revans.programmes.urls")),
    path("", include("revans.formation.urls")),
    path("", include("revans.meetings.urls")),
    path("", include("revans.learning.urls")),
    path("", include("revans.impact.urls")),
    path("", include("revans.evidence.urls")),
    path("", include("revans.identity.urls")),
    path("", include("revans.rights.urls")),
    path("scim/v2/", include("revans.identity.scim_urls")),
    path("api/v1/", include(("revans.api.urls", "api"), namespace="api")),
    path("", include("revans.api.page_urls")),
    path("", include("revans.channels.urls")),
]

# allauth's rate limits answer through this (allauth.core.internal.ratelimit.respond_429).
handler429 = "revans.web.too_many_requests"
# A database that cannot be reached answers 503 with Retry-After, never a 500.
handler500 = "revans.web.server_error"
