"""Reads shared by several pages."""

from django.db.models import Count, Q, QuerySet

from .models import Invitation, Membership, Organisation, Role, User


def member_counts(organisation: Organisation) -> dict[str, int]:
    """Active members in all, and per role (keys: "total" and each role's value)."""
    counts: dict[str, int] = organisation.memberships.filter(is_active=True).aggregate(
        total=Count("pk"),
        **{role.value: Count("pk", filter=Q(**{f"is_{role.value}": True})) for role in Role},
    )
    return counts


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    """Everyone in the organisation, active or not."""
    return Membership.objects.filter(organisation=organisation).select_related("user")


def memberships_of(user: User) -> list[Membership]:
    """The organisations this person is an active member of."""
    return list(Membership.objects.filter(user=user, is_active=True).select_related("organisation"))


def open_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organisation=organisation, accepted_at=None, revoked_at=None
    ).select_related("invited_by")
