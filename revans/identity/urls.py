from django.urls import path

from . import views

app_name = "identity"

urlpatterns = [
    path("sign-in/<slug:org>/", views.sign_on_start, name="sign_on_start"),
    path("o/<slug:org>/settings/sign-on/", views.sign_on_settings, name="sign_on_settings"),
    path("o/<slug:org>/settings/scim/", views.scim_tokens, name="scim_tokens"),
    path(
        "o/<slug:org>/settings/scim/<int:token_id>/revoke/",
        views.scim_token_revoke,
        name="scim_token_revoke",
    ),
    path(
        "o/<slug:org>/settings/identity-changes/", views.identity_changes, name="identity_changes"
    ),
]
