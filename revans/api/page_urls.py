from django.urls import path

from . import views

app_name = "tokens"

urlpatterns = [
    path("profile/api-tokens/", views.tokens, name="tokens"),
    path("profile/api-tokens/<int:api_token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
