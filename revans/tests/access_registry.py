"""What each role may do, URL by URL. The access sweep checks every pattern against this.

A URL that is not listed here (by name, or under a third-party prefix) fails the suite:
add it with the roles that may use it and the methods it answers.
"""

from dataclasses import dataclass, field
from enum import Enum

from revans.accounts.models import Role


class Kind(Enum):
    PUBLIC = "anyone, signed in or not"
    SIGNED_IN = "any signed-in person"
    ORG = "members of the organisation in the URL, with one of the roles"
    THIRD_PARTY = "pages of a library (allauth), checked for crashes and leaks only"
    OPERATOR = "Django admin: operators (is_staff) only"


ANY_ROLE = frozenset(Role)


@dataclass(frozen=True)
class Rule:
    kind: Kind
    methods: frozenset[str] = frozenset({"GET", "HEAD"})
    roles: frozenset[Role] = field(default=ANY_ROLE)


def org(*roles: Role, methods: tuple[str, ...] = ("GET", "HEAD")) -> Rule:
    return Rule(Kind.ORG, frozenset(methods), frozenset(roles) or ANY_ROLE)


FORM = ("GET", "POST")
ACTION = ("POST",)

REGISTRY: dict[str, Rule] = {
    "home": Rule(Kind.SIGNED_IN),
    "healthz": Rule(Kind.PUBLIC),
    "invitation_accept": Rule(Kind.PUBLIC, frozenset(FORM)),
    "org_home": org(),
    "member_list": org(Role.ADMIN),
    "member_invite": org(Role.ADMIN, methods=FORM),
    "member_edit": org(Role.ADMIN, methods=FORM),
    "member_deactivate": org(Role.ADMIN, methods=FORM),
    "member_reactivate": org(Role.ADMIN, methods=ACTION),
    "invitation_revoke": org(Role.ADMIN, methods=ACTION),
    "org_settings": org(Role.ADMIN, methods=FORM),
}

# Whole URL trees owned by libraries, matched by the start of the route.
PREFIXES: dict[str, Rule] = {
    "accounts/": Rule(Kind.THIRD_PARTY),
    "admin/": Rule(Kind.OPERATOR),
}


def rule_for(route: str, name: str | None) -> Rule | None:
    for prefix, rule in PREFIXES.items():
        if route.startswith(prefix):
            return rule
    return REGISTRY.get(name or "")
