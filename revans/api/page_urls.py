from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("profile/api-tokens/", views.tokens, name="tokens"),
    path("profile/api-tokens/<int:api_token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path(
        "o/<slug:org>/settings/api-tokens/", views.organisation_tokens, name="organisation_tokens"
    ),
    path(
        "o/<slug:org>/settings/api-tokens/<int:organisation_token_id>/revoke/",
        views.organisation_token_revoke,
        name="organisation_token_revoke",
    ),
    path("o/<slug:org>/settings/webhooks/", views.webhooks, name="webhooks"),
    path(
        "o/<slug:org>/settings/webhooks/<int:webhook_id>/remove/",
        views.webhook_remove,
        name="webhook_remove",
    ),
]
