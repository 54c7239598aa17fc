from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .models import Invitation, Membership, Organisation, SignupDomain, User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "name"]
    fieldsets = (
        (None, {"fields": ("email", "name", "password")}),
        (
            "Access",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),
    )


class MembershipInline(admin.TabularInline[Membership, Organisation]):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "slug", "time_zone", "require_mfa"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ["email", "organisation", "created_at", "accepted_at", "revoked_at"]
    list_filter = ["organisation"]
    search_fields = ["email"]
    raw_id_fields = ["invited_by", "accepted_by"]


@admin.register(SignupDomain)
class SignupDomainAdmin(admin.ModelAdmin[SignupDomain]):
    """Operators approve a domain for an organisation that cannot publish a DNS record."""

    list_display = ["domain", "organisation", "verified_at", "verified_by", "checked_at"]
    list_filter = ["verified_by"]
    search_fields = ["domain", "organisation__name"]
    readonly_fields = ["token", "verified_at", "verified_by", "approved_by", "checked_at"]
    raw_id_fields = ["created_by"]
    actions = ["approve"]

    @admin.action(description="Approve the selected domains (I have checked they are theirs)")
    def approve(self, request: HttpRequest, queryset: QuerySet[SignupDomain]) -> None:
        for row in queryset:
            try:
                services.signup_domain_approve(signup_domain=row, operator=request.user)  # type: ignore[arg-type]
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, f"{row.domain} approved for {row.organisation}.")
