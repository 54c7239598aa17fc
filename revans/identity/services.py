"""What single sign-on and SCIM change: accounts, memberships and the pool, each change recorded
for the organisation's admins."""

from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialApp
from allauth.usersessions.models import UserSession
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
from onelogin.saml2.utils import OneLogin_Saml2_Utils
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML
from scim2_models import (
    InvalidValueException,
    PreconditionFailedException,
    UniquenessException,
)

from revans.accounts import services as accounts
from revans.accounts.models import Membership, Organisation, Role, User
from revans.accounts.signals import membership_joined
from revans.audit import services as audit
from revans.audit.models import Event
from revans.programmes.models import Participant, SetMembership
from revans.programmes.services import set_member_leave, stored_value_problems
from revans.web import secure_url
from revans.writes import kept_moved

from . import scim
from .models import (
    IdentityChange,
    ScimToken,
    ScimUser,
    SignOn,
    UsedAssertion,
    new_token_secret,
    token_digest,
)
from .selectors import domain_of

type Changes = dict[str, Any]


def proven(organisation: Organisation, email: str) -> bool:
    """The address is at one of the organisation's proven domains: only then may its identity
    provider or SCIM client speak for the person's account."""
    return organisation.signup_domains.filter(
        domain__iexact=domain_of(email), verified_at__isnull=False
    ).exists()


def record(
    *,
    organisation: Organisation,
    source: str,
    by: str,
    subject: str,
    action: str,
    changes: Changes | None = None,
) -> IdentityChange:
    return IdentityChange.objects.create(
        organisation=organisation,
        source=source,
        by=by[:200],
        subject=subject[:255],
        action=action,
        changes=changes or {},
    )


def diff(before: Changes, after: Changes) -> Changes:
    """{field: [before, after]} for the fields that changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _end_sessions(user: User) -> None:
    for session in UserSession.objects.filter(user=user):
        session.end()


@transaction.atomic
def account_for(*, email: str, name: str, current: User | None = None) -> User:
    """The account at a proven address, found or made without a password (its owner signs in
    through the identity provider); the address counts as verified, the provider vouches for it.
    `current` is the account the person already has: a new address moves it, never makes a second.
    Refused (ValidationError) when the address is another account's."""
    email = email.lower()
    user = User.objects.filter(email__iexact=email).first()
    verified_elsewhere = EmailAddress.objects.filter(email__iexact=email, verified=True).exclude(
        user=user
    )
    if (current is not None and user not in (None, current)) or verified_elsewhere.exists():
        raise ValidationError(_("%(email)s is the address of another account.") % {"email": email})
    if user is None and current is not None:
        user = current
        user.email = email
        user.save(update_fields=["email"])
    elif user is None:
        user = User.objects.create_user(email=email, password=None, name=name[:150])
    if name and user.name != name[:150]:
        user.name = name[:150]
        user.save(update_fields=["name"])
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        address = EmailAddress.objects.create(user=user, email=email)
    if not address.verified:
        # Whoever signed up at this address never proved it: their password is not the owner's.
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
            _end_sessions(user)
        address.verified = True
        address.save(update_fields=["verified"])
    if not address.primary:
        address.set_as_primary()
    return user


@transaction.atomic
def join(
    *, organisation: Organisation, user: User, roles: Iterable[Role] = (Role.PARTICIPANT,)
) -> tuple[Membership, Changes]:
    """Make the person a member with these roles (an existing membership takes them, unless that
    would leave the organisation without an admin). A deactivated membership stays so: only an
    admin or the SCIM client brings it back (`rejoin`)."""
    chosen = set(roles) or {Role.PARTICIPANT}
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if membership is None:
        membership = Membership(organisation=organisation, user=user)
        membership.set_roles(chosen)
        try:
            with transaction.atomic():
                membership.save()
        except IntegrityError:  # two first sign-ins at once: the other made it
            return Membership.objects.get(organisation=organisation, user=user), {}
        membership_joined.send(sender=Membership, user=user, organisation=organisation)
        audit.record(Event.JOINED, organisation=organisation, subject=user, target="sso")
        return membership, {"roles": [None, sorted(r.value for r in chosen)]}
    before = sorted(r.value for r in membership.roles)
    if set(membership.roles) != chosen:
        accounts.membership_set_roles(membership=membership, roles=chosen)
    after = sorted(r.value for r in membership.roles)
    return membership, ({"roles": [before, after]} if before != after else {})


@transaction.atomic
def rejoin(*, membership: Membership) -> Membership:
    if not membership.is_active:
        accounts.membership_reactivate(membership=membership)
    return membership


@transaction.atomic
def leave(*, organisation: Organisation, user: User | None, participant: Participant | None) -> int:
    """The identity provider says the person has gone: their membership ends with their sessions,
    and they become a former member of their sets. Nothing they wrote is touched. Returns how many
    sets they left."""
    if user is None and participant is not None:
        user = participant.user  # an account linked to the entry otherwise (an SSO sign-in)
    if user is not None:
        membership = Membership.objects.filter(
            organisation=organisation, user=user, is_active=True
        ).first()
        if membership is not None:
            # Sessions end everywhere only for the organisation's own people: a guest from
            # another domain loses this organisation's access, not their sign-in elsewhere.
            end_sessions = proven(organisation, user.email)
            accounts.membership_end(membership=membership, end_sessions=end_sessions)
    entries = Participant.objects.filter(organisation=organisation)
    if participant is not None:
        entries = entries.filter(pk=participant.pk)
    elif user is not None:
        entries = entries.filter(user=user)
    else:
        return 0
    today = organisation.today()
    left = 0
    for place in SetMembership.objects.current().filter(participant__in=entries):
        set_member_leave(
            membership=place,
            left_on=max(today, place.joined_on),
            reason=_("Left the organisation (its identity provider)"),
        )
        left += 1
    return left


# --- Single sign-on: the organisation's settings, and the people who arrive through them ---

# What a SAML IdP may call the attributes we read, by vendor (Entra ID's are claim URIs).
SAML_ATTRIBUTES = {
    "email": [
        "email",
        "mail",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    ],
    "first_name": [
        "firstName",
        "givenName",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
    ],
    "last_name": [
        "lastName",
        "sn",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
    ],
    "name": ["name", "displayName", "http://schemas.microsoft.com/identity/claims/displayname"],
}
GROUP_ATTRIBUTES = (
    "groups",
    "memberof",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
)
METADATA_TIMEOUT = 10
ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion"


def provider_id(protocol: str, slug: str) -> str:
    """allauth's key for the organisation's provider; the protocol is in it so that no slug can
    meet a provider's own name ("saml"), and accounts of two organisations never share a key."""
    return f"{protocol}-{slug}"


def _saml_idp(sign_on: SignOn) -> dict[str, Any]:
    """The IdP as allauth's SAML provider wants it: read now, so that a wrong address or pasted
    XML is refused on the settings page rather than at the first sign-in."""
    if sign_on.metadata_url:
        trusted_url(sign_on.metadata_url)
    try:
        if sign_on.metadata_url:
            parsed = OneLogin_Saml2_IdPMetadataParser.parse_remote(
                sign_on.metadata_url, timeout=METADATA_TIMEOUT
            )
        else:
            parsed = OneLogin_Saml2_IdPMetadataParser.parse(sign_on.metadata_xml)
        idp = parsed["idp"]
        entity_id = idp["entityId"]
        sso_url = idp["singleSignOnService"]["url"]
        cert = idp.get("x509cert") or next(iter(idp.get("x509certMulti", {}).get("signing", [])))
    except Exception:  # a network error, XML that is not metadata, or metadata without a key
        raise ValidationError(
            _(
                "The identity provider's metadata could not be read: check the address (it "
                "must answer from here) or paste the XML instead."
            )
        ) from None
    sign_on.sign_in_origin = origin(sso_url)
    if sign_on.metadata_url:
        return {"entity_id": entity_id, "metadata_url": sign_on.metadata_url}
    slo = idp.get("singleLogoutService", {}).get("url")
    return {"entity_id": entity_id, "sso_url": sso_url, "x509cert": cert, "slo_url": slo}


def trusted_url(url: str) -> str:
    """An identity provider's address we may fetch trust from and send people to."""
    return secure_url(url)


def origin(url: str) -> str:
    """The scheme, host and port alone: what a CSP source names (trusted_url checked the rest)."""
    parts = urlsplit(trusted_url(url))
    return f"{parts.scheme}://{parts.netloc}"


def _oidc_check(sign_on: SignOn) -> None:
    url = trusted_url(sign_on.discovery_url)
    if not url.rstrip("/").endswith(".well-known/openid-configuration"):
        url = url.rstrip("/") + "/.well-known/openid-configuration"
    try:
        answer = requests.get(url, timeout=METADATA_TIMEOUT, allow_redirects=False)
        answer.raise_for_status()
        found = answer.json()
        if not (found["issuer"] and found["authorization_endpoint"] and found["token_endpoint"]):
            raise ValueError("incomplete")
        sign_on.sign_in_origin = origin(found["authorization_endpoint"])
    except Exception:  # unreachable, not JSON, or not a provider's configuration
        raise ValidationError(
            _(
                "No OpenID Connect provider answered at %(url)s: check the issuer or discovery "
                "URL (it must answer from here)."
            ),
            params={"url": url},
        ) from None


def _app_settings(sign_on: SignOn) -> dict[str, Any]:
    if sign_on.protocol == SignOn.Protocol.OIDC:
        _oidc_check(sign_on)
        scope = ["openid", "profile", "email"] + (["groups"] if sign_on.groups_scope else [])
        return {"server_url": sign_on.discovery_url, "oauth_pkce_enabled": True, "scope": scope}
    return {
        "idp": _saml_idp(sign_on),
        "attribute_mapping": SAML_ATTRIBUTES,
        "use_nameid_for_email": False,
        "advanced": {
            "strict": True,
            "want_assertion_signed": True,
            # Our own addresses may be single-label (http://localhost:8000 on a laptop).
            "allow_single_label_domains": True,
            "reject_idp_initiated_sso": not sign_on.idp_initiated,
        },
    }


def sign_on_save(*, sign_on: SignOn, by: User | None) -> SignOn:
    """Save the admin's settings and write the SocialApp allauth reads from them. The provider is
    asked first, outside the transaction: no row waits on another server."""
    settings = _app_settings(sign_on)
    with transaction.atomic():
        if (
            sign_on.required
            and not sign_on.organisation.signup_domains.filter(verified_at__isnull=False).exists()
        ):
            raise ValidationError(
                _("Prove a domain first: single sign-on can only be required for proven domains.")
            )
        app = sign_on.app or SocialApp()
        oidc = sign_on.protocol == SignOn.Protocol.OIDC
        app.provider = "openid_connect" if oidc else "saml"
        app.provider_id = provider_id(sign_on.protocol, sign_on.organisation.slug)
        app.name = sign_on.display_name
        app.client_id = sign_on.client_id if oidc else sign_on.organisation.slug
        app.secret = sign_on.client_secret if oidc else ""
        app.settings = settings
        app.save()
        sign_on.app = app
        sign_on.updated_at = timezone.now()
        sign_on.updated_by = by
        sign_on.full_clean()
        sign_on.save()
        audit.record(
            Event.SSO_CHANGED,
            organisation=sign_on.organisation,
            target=audit.target(sign_on),
            detail={
                "protocol": sign_on.protocol,
                "enabled": sign_on.enabled,
                "required": sign_on.required,
            },
        )
    return sign_on


def saml_ids(encoded: str) -> list[str] | None:
    """The IDs of a posted SAML response and of its assertions, read as python3-saml will read
    them; None when it cannot be read (then python3-saml cannot read it either)."""
    try:
        root = OneLogin_Saml2_XML.to_etree(OneLogin_Saml2_Utils.b64decode(encoded))
    except Exception:  # not base64, or not XML
        return None
    ids = [root.get("ID", "")]
    ids += [a.get("ID", "") for a in root.iter(f"{{{ASSERTION}}}Assertion")]
    return [i for i in ids if i]


@transaction.atomic
def saml_first_use(*, slug: str, encoded: str) -> bool:
    """Note each ID of the posted response as used; False if it was used before, or unreadable."""
    ids = saml_ids(encoded)
    if ids is None:
        return False
    for found in ids:
        try:
            with transaction.atomic():
                UsedAssertion.objects.create(key=f"{slug}:{found}"[:400])
        except IntegrityError:
            return False
    return True


def groups_of(extra_data: dict[str, Any]) -> list[str]:
    """The groups a provider sent: OIDC's `groups` claim, or a SAML attribute named for them."""
    for source in (extra_data.get("id_token"), extra_data.get("userinfo")):
        if isinstance(source, dict) and isinstance(source.get("groups"), list):
            return [str(g) for g in source["groups"]]
    for name, values in extra_data.items():
        if name.lower() in GROUP_ATTRIBUTES and isinstance(values, list):
            return [str(v) for v in values]
    return []


def roles_for(sign_on: SignOn, groups: Iterable[str]) -> set[Role] | None:
    """The roles the admin's mapping gives these groups; None when there is no mapping (then
    roles are the admin's to set, and newcomers join as participants)."""
    if not sign_on.group_roles:
        return None
    roles = {Role(r) for g in groups for r in sign_on.group_roles.get(g, [])}
    return roles or {Role.PARTICIPANT}


@transaction.atomic
def arrive(*, sign_on: SignOn, user: User, groups: Iterable[str]) -> Membership:
    """A person signed in through the organisation's provider: they are a member (made now, the
    first time), with the roles their groups map to, and in the pool."""
    organisation = sign_on.organisation
    roles = roles_for(sign_on, groups)
    # In the pool first, so that joining links the entry to the account (participants_link).
    pool = Participant.objects.filter(organisation=organisation)
    if not pool.filter(Q(email__iexact=user.email) | Q(user=user)).exists():
        with transaction.atomic():  # a second sign-in at once may have made it: then keep theirs
            Participant.objects.bulk_create(
                [
                    Participant(
                        organisation=organisation, email=user.email, name=user.name or user.email
                    )
                ],
                ignore_conflicts=True,
            )
            kept_moved()  # a bulk write sends no signal; the pool's counts are kept
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    action: str = IdentityChange.Action.UPDATED
    changes: Changes = {}
    if membership is None:
        action = IdentityChange.Action.JOINED
        membership, changes = join(organisation=organisation, user=user, roles=roles or ())
    elif roles is not None and membership.is_active:
        try:
            membership, changes = join(organisation=organisation, user=user, roles=roles)
        except ValidationError as refused:  # it would leave the organisation without an admin
            action, changes = IdentityChange.Action.REFUSED, {"reason": " ".join(refused.messages)}
    if changes:
        record(
            organisation=organisation,
            source=IdentityChange.Source.SSO,
            by=sign_on.display_name,
            subject=user.email,
            action=action,
            changes=changes,
        )
    return membership


# --- SCIM tokens ---


@transaction.atomic
def token_create(*, organisation: Organisation, name: str, by: User) -> tuple[ScimToken, str]:
    """A new bearer token for the organisation's SCIM client; the secret is returned once and
    only its digest is kept."""
    secret = new_token_secret()
    token = ScimToken.objects.create(
        organisation=organisation,
        name=name.strip()[:100] or _("SCIM client"),
        digest=token_digest(secret),
        hint=secret[-4:],
        created_by=by,
    )
    audit.record(Event.SCIM_TOKEN_MADE, organisation=organisation, target=audit.target(token))
    return token, secret


@transaction.atomic
def token_revoke(*, token: ScimToken) -> ScimToken:
    """The token stops working at once; it stays listed, with when it was revoked."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            Event.SCIM_TOKEN_REVOKED, organisation=token.organisation_id, target=audit.target(token)
        )
    return token


# Written at most once a minute: a client provisioning thousands of people is one token.
TOKEN_USE_PRECISION = timedelta(minutes=1)


def token_used(*, token: ScimToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_PRECISION:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# --- SCIM users: the resource, and the person it projects into the pool and the organisation ---


def _check(person: scim.Person, resource: dict[str, Any]) -> None:
    """Refuse in words what the database would refuse (lengths, NUL), before anything is written."""
    if scim.has_nul(resource):
        raise InvalidValueException(detail="Values cannot contain NUL characters.")
    if not person.user_name:
        raise InvalidValueException(detail="userName is required.")
    limits = {"userName": person.user_name, "externalId": person.external_id}
    for attribute, value in limits.items():
        if len(value) > 255:
            raise InvalidValueException(detail=f"{attribute} has at most 255 characters.")
    columns = {
        "name": person.name,
        "department": person.department,
        "attribute": person.title,
    }
    if person.email:
        columns["email"] = person.email
    labels = {"name": "name", "department": "department", "attribute": "title", "email": "email"}
    for column, value in columns.items():
        problems = stored_value_problems(column, value)
        if problems:
            raise InvalidValueException(detail=f"{labels[column]}: {' '.join(problems)}")
    if stored_value_problems("attribute", person.employee_number):
        raise InvalidValueException(detail="employeeNumber has at most 500 characters.")


def _unique(organisation: Organisation, person: scim.Person, scim_user: ScimUser | None) -> None:
    others = ScimUser.objects.filter(organisation=organisation)
    if scim_user is not None:
        others = others.exclude(pk=scim_user.pk)
    if others.filter(user_name__iexact=person.user_name).exists():
        raise UniquenessException(detail=f"userName {person.user_name} is already taken.")
    if person.external_id and others.filter(external_id=person.external_id).exists():
        raise UniquenessException(detail=f"externalId {person.external_id} is already taken.")


def _manager(
    organisation: Organisation, person: scim.Person, scim_user: ScimUser | None
) -> ScimUser | None:
    """The manager is another User of the same organisation, named by its id."""
    if not person.manager:
        return None
    manager = None
    if scim.is_id(person.manager):
        manager = ScimUser.objects.filter(organisation=organisation, pk=person.manager).first()
    if manager is None:
        raise InvalidValueException(detail=f"manager {person.manager} is not a known User.")
    if scim_user is not None and manager.pk == scim_user.pk:
        raise InvalidValueException(detail="A person cannot be their own manager.")
    return manager


def _pool_entry(
    organisation: Organisation, person: scim.Person, scim_user: ScimUser | None, user: User | None
) -> Participant | None:
    """The person's entry in the pool: theirs already, their account's, or an entry at their
    address nobody else provisions (an admin's import: SCIM takes it over)."""
    if not person.email:
        return scim_user.participant if scim_user else None
    pool = Participant.objects.filter(organisation=organisation)
    entry = scim_user.participant if scim_user else None
    if entry is None and user is not None:
        entry = pool.filter(user=user).first()
    at_address = pool.filter(email__iexact=person.email)
    if entry is not None:
        at_address = at_address.exclude(pk=entry.pk)
    other = at_address.first()
    if other is not None:
        claimed = ScimUser.objects.filter(organisation=organisation, participant=other)
        if entry is not None or (scim_user and claimed.exclude(pk=scim_user.pk).exists()):
            raise UniquenessException(
                detail=f"{person.email} is the address of another person in the pool."
            )
        if claimed.exists():
            raise UniquenessException(
                detail=f"{person.email} is the address of another provisioned User."
            )
        entry = other
    return entry or Participant(organisation=organisation)


def _project(
    organisation: Organisation,
    person: scim.Person,
    entry: Participant | None,
    manager: ScimUser | None,
    user: User | None,
) -> Participant | None:
    """Write the pool's entry for the person: what set formation reads (department, manager,
    job title), keeping what only the admin sets (job level, site, other attributes)."""
    if entry is None:
        return None
    if person.email:
        entry.email = person.email
    entry.name = person.name
    entry.department = person.department
    entry.manager = manager.participant if manager else None
    attributes = dict(entry.attributes)
    for key, value in (("title", person.title), ("employeeNumber", person.employee_number)):
        if value:
            attributes[key] = value
        else:
            attributes.pop(key, None)
    entry.attributes = attributes
    if user is not None and entry.user_id is None:
        entry.user = user
    entry.save()
    return entry


def _account(
    organisation: Organisation, person: scim.Person, current: User | None = None
) -> User | None:
    """An account only at one of the organisation's proven domains: another domain's people are
    never written by this organisation's client."""
    if not person.email or not proven(organisation, person.email):
        return None
    try:
        return account_for(email=person.email, name=person.name, current=current)
    except ValidationError as taken:
        raise UniquenessException(detail=" ".join(taken.messages)) from None


def _membership_follows(
    organisation: Organisation, user: User | None, was_active: bool | None, active: bool
) -> dict[str, Any]:
    """A new person joins as a participant (existing members keep their roles); a person the
    client reactivates is brought back."""
    if user is None or not active:
        return {}
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if membership is None:
        _membership, changes = join(organisation=organisation, user=user)
        return changes
    if was_active is False and not membership.is_active:
        rejoin(membership=membership)
    return {}


def _save(scim_user: ScimUser) -> None:
    # A race between two requests for one userName ends here as the constraint's refusal.
    try:
        with transaction.atomic():
            scim_user.save()
    except IntegrityError:
        raise UniquenessException(detail="userName or externalId is already taken.") from None


@transaction.atomic
def scim_user_create(*, token: ScimToken, resource: scim.User) -> ScimUser:
    organisation = token.organisation
    person = scim.person_of(resource)
    data = scim.stored(resource)
    _check(person, data)
    _unique(organisation, person, None)
    manager = _manager(organisation, person, None)
    user = _account(organisation, person) if person.active else None
    entry = _pool_entry(organisation, person, None, user)
    now = timezone.now()
    scim_user = ScimUser(
        organisation=organisation,
        user_name=person.user_name,
        external_id=person.external_id,
        active=person.active,
        resource=data,
        manager=manager,
        user=user,
        created_at=now,
        updated_at=now,
    )
    _save(scim_user)
    scim_user.participant = _project(organisation, person, entry, manager, user)
    scim_user.save(update_fields=["participant"])
    changes = diff({}, {k: v for k, v in person.mapped().items() if v != ""})
    changes.update(_membership_follows(organisation, user, None, person.active))
    record(
        organisation=organisation,
        source=IdentityChange.Source.SCIM,
        by=token.name,
        subject=person.user_name,
        action=IdentityChange.Action.JOINED,
        changes=changes,
    )
    return scim_user


@transaction.atomic
def scim_user_replace(
    *, token: ScimToken, scim_user: ScimUser, resource: scim.User, if_match: str | None = None
) -> ScimUser:
    """PUT, and PATCH once its operations are applied: the resource becomes `resource`, and the
    person follows (a deactivation ends their access, a reactivation brings it back)."""
    organisation = token.organisation
    scim_user = (
        ScimUser.objects.select_for_update(of=("self",))
        .select_related("user", "participant")
        .get(pk=scim_user.pk)
    )
    if if_match is not None and not scim.matches(if_match, scim_user.version):
        raise PreconditionFailedException(
            detail=f"The User has changed: its version is now {scim.etag(scim_user.version)}."
        )
    before = scim.person_of(scim.user_from_store(scim_user))
    person = scim.person_of(resource)
    data = scim.stored(resource)
    _check(person, data)
    if data == scim_user.resource:
        return scim_user  # nothing changed: no new version, nothing to record
    _unique(organisation, person, scim_user)
    manager = _manager(organisation, person, scim_user)
    # The account is asked for again only when what it is made from changed.
    same = scim_user.user is not None and (person.email, person.name) == (before.email, before.name)
    user = (
        _account(organisation, person, current=scim_user.user)
        if person.active and not same
        else scim_user.user
    )
    entry = _pool_entry(organisation, person, scim_user, user)
    scim_user.participant = _project(organisation, person, entry, manager, user)
    scim_user.user_name = person.user_name
    scim_user.external_id = person.external_id
    scim_user.active = person.active
    scim_user.resource = data
    scim_user.manager = manager
    scim_user.user = user or scim_user.user
    scim_user.version += 1
    scim_user.updated_at = timezone.now()
    _save(scim_user)
    # The reports' pool entries follow their manager's entry, which may be new or another.
    reports = scim_user.reports.exclude(participant=None).values("participant")
    Participant.objects.filter(pk__in=reports).exclude(manager=scim_user.participant).update(
        manager=scim_user.participant
    )
    changes = diff(before.mapped(), person.mapped())
    action = IdentityChange.Action.UPDATED
    if before.active and not person.active:
        action = IdentityChange.Action.DEACTIVATED
        changes["sets left"] = leave(
            organisation=organisation, user=scim_user.user, participant=scim_user.participant
        )
    elif person.active and not before.active:
        action = IdentityChange.Action.REACTIVATED
    changes.update(_membership_follows(organisation, user, before.active, person.active))
    record(
        organisation=organisation,
        source=IdentityChange.Source.SCIM,
        by=token.name,
        subject=person.user_name,
        action=action,
        changes=changes,
    )
    return scim_user


@transaction.atomic
def scim_user_patch(
    *, token: ScimToken, scim_user: ScimUser, patch: Any, if_match: str | None = None
) -> ScimUser:
    """PATCH: the operations apply to the row as it is under the lock, so two at once both count."""
    locked = ScimUser.objects.select_for_update(of=("self",)).get(pk=scim_user.pk)
    resource = scim.patched(locked, patch)
    return scim_user_replace(token=token, scim_user=locked, resource=resource, if_match=if_match)


@transaction.atomic
def scim_user_delete(*, token: ScimToken, scim_user: ScimUser, if_match: str | None = None) -> None:
    """The client forgets the person: they leave as on deactivation, then the resource goes.
    Their pool entry, account and everything they wrote stay."""
    organisation = token.organisation
    scim_user = ScimUser.objects.select_for_update().get(pk=scim_user.pk)
    if if_match is not None and not scim.matches(if_match, scim_user.version):
        raise PreconditionFailedException(
            detail=f"The User has changed: its version is now {scim.etag(scim_user.version)}."
        )
    left = 0
    if scim_user.active:
        left = leave(
            organisation=organisation, user=scim_user.user, participant=scim_user.participant
        )
    record(
        organisation=organisation,
        source=IdentityChange.Source.SCIM,
        by=token.name,
        subject=scim_user.user_name,
        action=IdentityChange.Action.DELETED,
        changes={"sets left": left} if left else {},
    )
    scim_user.delete()
