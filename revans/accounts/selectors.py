"""Reads shared by several pages."""

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet

from .models import (
    DEFAULT_ABSOLUTE_HOURS,
    DEFAULT_IDLE_MINUTES,
    DIGESTS,
    TUNABLE,
    Frequency,
    Invitation,
    Membership,
    NoticePreference,
    Organisation,
    Role,
    Topic,
    User,
)


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


def _own_else_first(users: Iterable[User], field: str) -> dict[int, str]:
    """Each person's own setting, else their first organisation's (by name), else "" (one
    query at most)."""
    found = {user.pk: getattr(user, field) for user in users}
    without = [pk for pk, value in found.items() if not value]
    if without:
        firsts = (
            Membership.objects.filter(user_id__in=without, is_active=True)
            .order_by("user_id", "organisation__name")
            .values_list("user_id", f"organisation__{field}")
        )
        for user_id, value in firsts:
            found[user_id] = found[user_id] or value  # the first by name
    return found


def reader_zones(users: Iterable[User]) -> dict[int, str]:
    """Each person's own zone, else their first organisation's, else "" (one query at most)."""
    return _own_else_first(users, "time_zone")


def reader_languages(users: Iterable[User]) -> dict[int, str]:
    """Each person's own language, else their first organisation's, else the site's (one
    query at most): what their emails, calendar entries and reports are written in."""
    return {
        pk: language or settings.LANGUAGE_CODE
        for pk, language in _own_else_first(users, "language").items()
    }


def reader_language(user: User) -> str:
    return reader_languages([user])[user.pk]


def address_language(email: str, default: str = "") -> str:
    """The language of whoever has this address: their account's, else `default` (an
    invitation's organisation's), else the site's."""
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return reader_language(user)
    return default or settings.LANGUAGE_CODE


def reader_zone(user: User) -> str:
    """The person's own zone, else their first organisation's (one query), else ""."""
    return reader_zones([user])[user.pk]


def frequencies(user_id: int) -> dict[str, str]:
    """How the person wants each topic they may tune (at once, where they have not chosen)."""
    chosen = dict(
        NoticePreference.objects.filter(user_id=user_id).values_list("topic", "frequency")
    )
    return {topic: chosen.get(topic, Frequency.IMMEDIATE) for topic in TUNABLE}


def unsubscribes(user: User | None, subscription: str) -> list[Topic]:
    """What an unsubscribe link switches off. A topic: itself. A digest: every topic the
    person now has in it. An invitation or cancellation cannot be switched off (it keeps the
    calendar right), so its link switches off the reminders, which the calendar makes
    unnecessary; an account email cannot either (it carries a sign-in link, or says who now
    reads a set), so its link switches off everything that can be."""
    if user is None:
        return []  # an address with no account: nothing is sent to it but what it asked for
    if subscription in DIGESTS:
        now = frequencies(user.pk)
        return [topic for topic in TUNABLE if now[topic] == subscription]
    if subscription == Topic.MEETINGS:
        return [Topic.REMINDERS]
    if subscription == Topic.ACCOUNT:
        return list(TUNABLE)
    return [Topic(subscription)]


def session_limits(user: User) -> tuple[int, int]:
    """Seconds without activity, and since signing in, after which the person's session ends:
    the strictest of their active organisations' limits (docs/decisions.md), else the defaults."""
    row = Membership.objects.filter(user=user, is_active=True).aggregate(
        idle=Min("organisation__session_idle_minutes"),
        absolute=Min("organisation__session_absolute_hours"),
    )
    idle = row["idle"] or DEFAULT_IDLE_MINUTES
    absolute = row["absolute"] or DEFAULT_ABSOLUTE_HOURS
    return idle * 60, absolute * 3600
