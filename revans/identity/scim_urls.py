"""The SCIM 2.0 API, included at /scim/v2/ (RFC 7644 §3: no trailing slashes)."""

from django.urls import path, re_path

from . import scim_views as views

app_name = "scim"

urlpatterns = [
    path("Users", views.users, name="users"),
    path("Users/.search", views.search, name="users_search"),
    path("Users/<str:scim_id>", views.user, name="user"),
    path(".search", views.search, name="search"),
    path("ServiceProviderConfig", views.service_provider_config, name="service_provider_config"),
    path("ResourceTypes", views.resource_types, name="resource_types"),
    path("ResourceTypes/<str:name>", views.resource_type, name="resource_type"),
    path("Schemas", views.schemas, name="schemas"),
    path("Schemas/<str:schema_id>", views.schema, name="schema"),
    # Groups, Bulk, /Me and anything else: a SCIM 404, not a page.
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
