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
MANAGERS = (Role.ADMIN, Role.SPONSOR)
SET_MANAGERS = (Role.ADMIN, Role.SPONSOR, Role.FACILITATOR)
FORMERS = (Role.ADMIN, Role.SPONSOR, Role.FACILITATOR)

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
    # Programmes and the pool of people: admins and sponsors.
    "programme_list": org(*MANAGERS),
    "programme_create": org(*MANAGERS, methods=FORM),
    "programme_detail": org(*MANAGERS),
    "programme_edit": org(*MANAGERS, methods=FORM),
    "set_create": org(*MANAGERS, methods=FORM),
    # Forming sets: the facilitator's tool as well as the managers'.
    "formation_new": org(*FORMERS, methods=FORM),
    "formation_run": org(*FORMERS),
    "formation_cancel": org(*FORMERS, methods=ACTION),
    "formation_move": org(*FORMERS, methods=ACTION),
    "formation_accept": org(*FORMERS, methods=FORM),
    "participant_list": org(*MANAGERS),
    "participant_export": org(*MANAGERS),
    "participant_import": org(*MANAGERS, methods=FORM),
    "participant_import_preview": org(*MANAGERS, methods=FORM),
    # A set: the sweep's target set is the one the facilitator runs and the participant is in.
    "set_detail": org(),
    "set_rename": org(*SET_MANAGERS, methods=FORM),
    "set_member_add": org(*SET_MANAGERS, methods=FORM),
    "set_member_leave": org(*SET_MANAGERS, methods=FORM),
    "set_member_move": org(*SET_MANAGERS, methods=FORM),
    "set_facilitator_add": org(*SET_MANAGERS, methods=FORM),
    "set_facilitator_end": org(*SET_MANAGERS, methods=ACTION),
    "set_mode": org(*SET_MANAGERS, methods=FORM),
    "set_ground_rules": org(*SET_MANAGERS, methods=FORM),
    "set_ground_rules_accept": org(Role.PARTICIPANT, methods=ACTION),
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
