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
    SECRET_LINK = (
        "anyone holding the secret in the URL (a calendar feed, an RSVP or unsubscribe link)"
    )
    TOKEN = "an organisation's SCIM client, by its bearer token: no session opens it (401)"
    API = "the REST API, by a person's bearer token: no session opens it (401 problem+json)"


ANY_ROLE = frozenset(Role)


@dataclass(frozen=True)
class Rule:
    kind: Kind
    methods: frozenset[str] = frozenset({"GET", "HEAD"})
    roles: frozenset[Role] = field(default=ANY_ROLE)
    # The answer for a member whose role is allowed but who is not attached to the object in the
    # URL (a set they are not in, a programme that does not name them); None: not scoped.
    others: int | None = None
    # Only this actor's own (a board report is for the person who asked): the other actors with
    # an allowed role get the 404 of a missing id.
    mine: str | None = None


def org(
    *roles: Role,
    methods: tuple[str, ...] = ("GET", "HEAD"),
    others: int | None = None,
    mine: str | None = None,
) -> Rule:
    return Rule(Kind.ORG, frozenset(methods), frozenset(roles) or ANY_ROLE, others, mine)


FORM = ("GET", "POST")
ACTION = ("POST",)
MANAGERS = (Role.ADMIN, Role.SPONSOR)
SET_MANAGERS = (Role.ADMIN, Role.SPONSOR, Role.FACILITATOR)
FORMERS = (Role.ADMIN, Role.SPONSOR, Role.FACILITATOR)
CYCLE = (Role.FACILITATOR, Role.PARTICIPANT)

# Members with an allowed role who are not attached to the target (the set's other
# facilitator, a facilitator the programme does not name) get the 404 of a missing id.
SCOPED = 404

REGISTRY: dict[str, Rule] = {
    "home:home": Rule(Kind.SIGNED_IN),
    "accounts:healthz": Rule(Kind.PUBLIC),
    "accounts:invitation_accept": Rule(Kind.PUBLIC, frozenset(FORM)),
    "home:org_home": org(),
    "accounts:member_list": org(Role.ADMIN),
    "accounts:member_invite": org(Role.ADMIN, methods=FORM),
    "accounts:member_edit": org(Role.ADMIN, methods=FORM),
    "accounts:member_deactivate": org(Role.ADMIN, methods=FORM),
    "accounts:member_reactivate": org(Role.ADMIN, methods=ACTION),
    "accounts:invitation_revoke": org(Role.ADMIN, methods=ACTION),
    "accounts:org_settings": org(Role.ADMIN, methods=FORM),
    "accounts:signup_domain_add": org(Role.ADMIN, methods=ACTION),
    "accounts:signup_domain_check": org(Role.ADMIN, methods=ACTION),
    "accounts:signup_domain_remove": org(Role.ADMIN, methods=ACTION),
    # Single sign-on and SCIM: the organisation's admins set them up and see what they changed;
    # anyone may start the organisation's sign-in at its provider.
    "identity:sign_on_start": Rule(Kind.PUBLIC, frozenset(ACTION)),
    "identity:sign_on_settings": org(Role.ADMIN, methods=FORM),
    "identity:scim_tokens": org(Role.ADMIN, methods=FORM),
    "identity:scim_token_revoke": org(Role.ADMIN, methods=ACTION),
    "identity:identity_changes": org(Role.ADMIN),
    "accounts:audit_trail": org(Role.ADMIN),
    "accounts:audit_trail_csv": org(Role.ADMIN),
    # Programmes and the pool of people: admins and sponsors.
    "programmes:programme_list": org(*MANAGERS),
    "programmes:programme_create": org(*MANAGERS, methods=FORM),
    "programmes:programme_detail": org(*MANAGERS),
    "programmes:programme_edit": org(*MANAGERS, methods=FORM),
    "programmes:set_create": org(*MANAGERS, methods=FORM),
    "programmes:participant_list": org(*MANAGERS),
    "programmes:participant_export": org(*MANAGERS),
    "programmes:participant_import": org(*MANAGERS, methods=FORM),
    "programmes:participant_import_preview": org(*MANAGERS, methods=FORM),
    # A set: the sweep's target set is the one the facilitator runs and the participant is in.
    "programmes:set_detail": org(others=SCOPED),
    "programmes:set_rename": org(*SET_MANAGERS, methods=FORM, others=SCOPED),
    "programmes:set_member_add": org(*SET_MANAGERS, methods=FORM, others=SCOPED),
    "programmes:set_member_leave": org(*SET_MANAGERS, methods=FORM, others=SCOPED),
    "programmes:set_member_move": org(*SET_MANAGERS, methods=FORM, others=SCOPED),
    "programmes:set_facilitator_add": org(*SET_MANAGERS, methods=FORM, others=SCOPED),
    "programmes:set_facilitator_end": org(*SET_MANAGERS, methods=ACTION, others=SCOPED),
    "programmes:set_mode": org(*SET_MANAGERS, methods=FORM, others=SCOPED),
    "programmes:set_ground_rules": org(*SET_MANAGERS, methods=FORM, others=SCOPED),
    "programmes:set_ground_rules_accept": org(Role.PARTICIPANT, methods=ACTION, others=SCOPED),
    # Forming sets: admins, sponsors and the facilitators the programme names.
    "formation:new": org(*FORMERS, methods=FORM, others=SCOPED),
    "formation:run": org(*FORMERS, others=SCOPED),
    "formation:cancel": org(*FORMERS, methods=ACTION, others=SCOPED),
    "formation:again": org(*FORMERS, methods=ACTION, others=SCOPED),
    "formation:move": org(*FORMERS, methods=ACTION, others=SCOPED),
    "formation:accept": org(*FORMERS, methods=FORM, others=SCOPED),
    # Meetings: a set's people read, its managers schedule; the target meeting is set A's.
    "meetings:set_meetings": org(others=SCOPED),
    "meetings:schedule": org(*SET_MANAGERS, methods=FORM, others=SCOPED),
    "meetings:add": org(*SET_MANAGERS, methods=FORM, others=SCOPED),
    "meetings:meeting": org(others=SCOPED),
    "meetings:edit": org(*SET_MANAGERS, methods=FORM, others=SCOPED),
    "meetings:cancel": org(*SET_MANAGERS, methods=FORM, others=SCOPED),
    "meetings:rsvp": org(methods=ACTION, others=SCOPED),
    "meetings:attendance": org(*SET_MANAGERS, methods=ACTION, others=SCOPED),
    # Every facilitator of the programme (named, or of any of its sets) reads its calendar.
    "meetings:programme_calendar": org(*FORMERS),
    "meetings:mine": Rule(Kind.SIGNED_IN),
    "meetings:feed": Rule(Kind.SIGNED_IN, frozenset(FORM)),
    "accounts:profile": Rule(Kind.SIGNED_IN, frozenset(FORM)),
    "accounts:my_activity": Rule(Kind.SIGNED_IN),
    # The session warning's "Stay signed in" (JSON): activity, nothing else.
    "accounts:session_stay": Rule(Kind.SIGNED_IN, frozenset(ACTION)),
    "rights:my_data": Rule(Kind.SIGNED_IN, frozenset(FORM)),
    "rights:my_data_download": Rule(Kind.SIGNED_IN, mine="admin"),
    "rights:my_data_erase": Rule(Kind.SIGNED_IN, frozenset(ACTION)),
    "rights:my_erasure_cancel": Rule(Kind.SIGNED_IN, frozenset(ACTION), mine="admin"),
    "rights:member_erase": org(Role.ADMIN, methods=FORM),
    "rights:erasure_cancel": org(Role.ADMIN, methods=ACTION),
    "accounts:notifications": Rule(Kind.SIGNED_IN, frozenset(FORM)),
    # A person's API tokens: their own (another's is a missing one); the API's schema and docs.
    "integrations:tokens": Rule(Kind.SIGNED_IN, frozenset(FORM)),
    "integrations:token_revoke": Rule(Kind.SIGNED_IN, frozenset(ACTION), mine="admin"),
    "integrations:organisation_tokens": org(Role.ADMIN, methods=FORM),
    "integrations:organisation_token_revoke": org(Role.ADMIN, methods=ACTION),
    "integrations:webhooks": org(Role.ADMIN, methods=FORM),
    "integrations:webhook_remove": org(Role.ADMIN, methods=ACTION),
    # Chat channels: admins, for a programme or any set; a set's facilitators, for their own
    # (sponsors and members: 403; another set's facilitator finds nothing).
    "channels:set_channel": org(Role.ADMIN, Role.FACILITATOR, methods=FORM, others=SCOPED),
    "channels:set_channel_test": org(Role.ADMIN, Role.FACILITATOR, methods=ACTION, others=SCOPED),
    "channels:set_channel_disconnect": org(
        Role.ADMIN, Role.FACILITATOR, methods=ACTION, others=SCOPED
    ),
    "channels:programme_channel": org(Role.ADMIN, methods=FORM),
    "channels:programme_channel_test": org(Role.ADMIN, methods=ACTION),
    "channels:programme_channel_disconnect": org(Role.ADMIN, methods=ACTION),
    "api:openapi-json": Rule(Kind.PUBLIC),
    "api:openapi-view": Rule(Kind.PUBLIC),
    "api:api-root": Rule(Kind.PUBLIC),
    # Secret links: anyone holding one (checked for crashes and leaks; bad links are a 400/404).
    "meetings:feed_ics": Rule(Kind.SECRET_LINK),
    "meetings:rsvp_link": Rule(Kind.SECRET_LINK, frozenset(FORM)),
    # Every email's one-click unsubscribe: a POST without a session switches its kind off.
    "accounts:unsubscribe": Rule(Kind.SECRET_LINK, frozenset(FORM)),
    # The cycle: the set's members and facilitators; admins and sponsors never read its text (403),
    # others find nothing (404). The target challenge, action and reflection are the participant's.
    "learning:set_cycle": org(*CYCLE, others=SCOPED),
    "learning:challenge_new": org(Role.PARTICIPANT, methods=FORM, others=SCOPED),
    "learning:log": org(*CYCLE, others=SCOPED),
    "learning:log_write": org(Role.PARTICIPANT, methods=ACTION, others=SCOPED),
    "learning:challenge": org(*CYCLE, others=SCOPED),
    "learning:challenge_edit": org(Role.PARTICIPANT, methods=ACTION, others=SCOPED),
    "learning:action_new": org(*CYCLE, methods=ACTION, others=SCOPED),
    "learning:action": org(*CYCLE, others=SCOPED),
    "learning:action_progress": org(Role.PARTICIPANT, methods=ACTION, others=SCOPED),
    "learning:report_back": org(*CYCLE, methods=ACTION, others=SCOPED),
    "learning:reflection_share": org(Role.PARTICIPANT, methods=ACTION, others=SCOPED),
    "learning:process_notes": org(Role.FACILITATOR, methods=FORM, others=SCOPED),
    "learning:meeting_record": org(*CYCLE, others=SCOPED),
    "learning:meeting_record_save": org(Role.FACILITATOR, methods=ACTION, others=SCOPED),
    # The live meeting: the console for whoever runs it (the sweep's facilitator; a member only
    # when chairing a self-facilitating set), the board for the set's members and facilitators.
    "learning:console": org(Role.FACILITATOR, others=SCOPED),
    "learning:console_poll": org(Role.FACILITATOR, others=SCOPED),
    "learning:live_clock": org(Role.FACILITATOR, methods=ACTION, others=SCOPED),
    "learning:live_agenda": org(Role.FACILITATOR, methods=FORM, others=SCOPED),
    "learning:live_presenters": org(Role.FACILITATOR, methods=ACTION, others=SCOPED),
    "learning:live_arrival": org(Role.FACILITATOR, methods=ACTION, others=SCOPED),
    "learning:live_question": org(Role.FACILITATOR, methods=ACTION, others=SCOPED),
    "learning:live_action": org(Role.FACILITATOR, methods=ACTION, others=SCOPED),
    "learning:live_review": org(Role.FACILITATOR, methods=ACTION, others=SCOPED),
    "learning:live_note": org(Role.FACILITATOR, methods=ACTION, others=SCOPED),
    "learning:live_close": org(Role.FACILITATOR, methods=ACTION, others=SCOPED),
    "learning:live_reopen": org(Role.FACILITATOR, methods=ACTION, others=SCOPED),
    "learning:board": org(*CYCLE, others=SCOPED),
    "learning:board_poll": org(*CYCLE, others=SCOPED),
    "learning:live_bid": org(*CYCLE, methods=ACTION, others=SCOPED),
    "learning:live_bid_withdraw": org(*CYCLE, methods=ACTION, others=SCOPED),
    "learning:live_report": org(*CYCLE, methods=ACTION, others=SCOPED),
    "learning:live_chair": org(*CYCLE, methods=ACTION, others=SCOPED),
    "learning:agenda_template": org(*SET_MANAGERS, methods=FORM),  # as the programme calendar
    # Impact: costs and the ROI are figures, for admins and sponsors; the claims to verify are
    # the sponsors'; a claim is its owner's, their facilitators' and the sponsors'.
    "impact:costs": org(*MANAGERS),
    "impact:cost_add": org(*MANAGERS, methods=ACTION),
    "impact:cost_remove": org(*MANAGERS, methods=ACTION),
    "impact:rate_set": org(*MANAGERS, methods=ACTION),
    "impact:rate_remove": org(*MANAGERS, methods=ACTION),
    "impact:settings": org(*MANAGERS, methods=ACTION),
    "impact:roi": org(*MANAGERS),
    "impact:roi_csv": org(*MANAGERS),
    "impact:claims": org(Role.SPONSOR),
    "impact:claim_new": org(*CYCLE, methods=FORM, others=SCOPED),
    "impact:claim": org(*CYCLE, Role.SPONSOR, others=SCOPED),
    "impact:claim_edit": org(*CYCLE, methods=ACTION, others=SCOPED),
    "impact:claim_decide": org(Role.SPONSOR, methods=ACTION),
    "impact:claim_file": org(*CYCLE, Role.SPONSOR, others=SCOPED),
    # The evidence beyond money: a survey for its set's members and facilitators (admins and
    # sponsors never see a set's answers: 403); the plan, dashboard, charts, CSV and the board's
    # PDF for admins and sponsors (figures); outcomes, person by person, for admins only.
    "evidence:survey": org(*CYCLE, methods=FORM, others=SCOPED),
    "evidence:survey_plan": org(*MANAGERS, methods=FORM),
    "evidence:outcomes": org(Role.ADMIN),
    "evidence:outcome_add": org(Role.ADMIN, methods=ACTION),
    "evidence:outcome_remove": org(Role.ADMIN, methods=ACTION),
    "evidence:baseline_save": org(Role.ADMIN, methods=ACTION),
    "evidence:dashboard": org(*MANAGERS),
    "evidence:chart": org(*MANAGERS),
    "evidence:dashboard_csv": org(*MANAGERS),
    "evidence:board_report_new": org(*MANAGERS, methods=ACTION),
    "evidence:board_report": org(*MANAGERS, mine="sponsor"),
    "evidence:board_report_download": org(*MANAGERS, mine="sponsor"),
    # SCIM (/scim/v2/): the organisation's provisioning client, by its token alone; every other
    # method gets a SCIM 405 from a token holder, and the catch-all answers Groups etc. with 404.
    "scim:users": Rule(Kind.TOKEN, frozenset({"GET", "HEAD", "POST"})),
    "scim:users_search": Rule(Kind.TOKEN, frozenset({"POST"})),
    "scim:user": Rule(Kind.TOKEN, frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE"})),
    "scim:search": Rule(Kind.TOKEN, frozenset({"POST"})),
    "scim:service_provider_config": Rule(Kind.TOKEN),
    "scim:resource_types": Rule(Kind.TOKEN),
    "scim:resource_type": Rule(Kind.TOKEN),
    "scim:schemas": Rule(Kind.TOKEN),
    "scim:schema": Rule(Kind.TOKEN),
    "scim:not_found": Rule(Kind.TOKEN, frozenset()),
}

# Whole URL trees owned by libraries, matched by the start of the route (a name listed above
# comes first: the API's schema and docs are public).
PREFIXES: dict[str, Rule] = {
    "api/v1/": Rule(Kind.API, frozenset({"GET", "HEAD", "POST"})),
    "accounts/": Rule(Kind.THIRD_PARTY),
    "admin/": Rule(Kind.OPERATOR),
}


def rule_for(route: str, name: str | None) -> Rule | None:
    if name in REGISTRY:
        return REGISTRY[name]
    for prefix, rule in PREFIXES.items():
        if route.startswith(prefix):
            return rule
    return REGISTRY.get(name or "")
