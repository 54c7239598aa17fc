"""Reads shared by several pages."""

from django.db.models import Count, Q, QuerySet

from .models import Invitation, Organisation, Role


def member_counts(organisation: Organisation) -> dict[str, int]:
    """Active members in all, and per role (keys: "total" and each role's value)."""
    counts: dict[str, int] = organisation.memberships.filter(is_active=True).aggregate(
        total=Count("pk"),
        **{role.value: Count("pk", filter=Q(**{f"is_{role.value}": True})) for role in Role},
    )
    return counts


def open_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organisation=organisation, accepted_at=None, revoked_at=None
    ).select_related("invited_by")
