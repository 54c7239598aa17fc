"""SCIM 2.0 (RFC 7643/7644) as Revans speaks it: the User schema it publishes (only the attributes
it keeps), what it announces about itself, filters turned into queries, and the mapping from a
SCIM User to the person it stands for in the pool.

Nothing here writes: `services` does, `scim_views` speaks HTTP.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from pydantic import Field, field_validator
from scim2_filter_parser import ast as scim2ast
from scim2_filter_parser.lexer import SCIMLexer
from scim2_filter_parser.parser import SCIMParser
from scim2_filter_parser.transpilers.django_q_object import Transpiler
from scim2_models import (
    URN,
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    ComplexAttribute,
    Context,
    ETag,
    Extension,
    Filter,
    InvalidFilterException,
    Patch,
    PatchOp,
    Reference,
    Required,
    Resource,
    ResourceType,
    ResponseParameters,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    TooManyException,
    Uniqueness,
)

from .models import ScimUser

# Bounds on what one request may ask for: a body, a list inside it, a page of results.
MAX_BODY = 1_000_000
MAX_VALUES = 20  # emails in one User
MAX_OPERATIONS = 100  # PATCH operations in one request
MAX_RESULTS = 200
MAX_FILTER = 1_000

CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


class Name(ComplexAttribute):
    formatted: str | None = None
    """The full name, formatted for display."""

    family_name: str | None = None
    """The family name."""

    given_name: str | None = None
    """The given name."""


class Email(ComplexAttribute):
    # A plain string: the address is checked where it is used (the pool's own validator), so a
    # bad one is refused in the words the rest of Revans uses.
    value: str | None = None
    """An email address of the person: the primary one is their address in the pool."""

    type: str | None = None
    """A label for the address, such as 'work'."""

    primary: bool | None = None
    """Whether this is the person's preferred address."""


class Manager(ComplexAttribute):
    value: Annotated[str | None, CaseExact.true] = None
    """The id of the manager's User resource, in the same organisation."""

    # Clients send it or not; the id is what counts, so it is not required here.
    ref: Reference["User"] | None = Field(None, serialization_alias="$ref", validation_alias="$ref")
    """The URI of the manager's User resource."""


class EnterpriseUser(Extension):
    __schema__ = URN(ENTERPRISE)

    employee_number: str | None = None
    """The organisation's identifier for the person."""

    department: str | None = None
    """The person's department: set formation mixes departments."""

    manager: Manager | None = None
    """The person's manager: set formation keeps people apart from their manager."""

    @field_validator("manager", mode="before")
    @classmethod
    def _bare_manager(cls, value: Any) -> Any:
        # Entra ID sends the manager's id as a bare string in its PATCH requests.
        return {"value": value} if isinstance(value, str) else value


class User(Resource[Any]):
    """A person the organisation's identity provider provisions."""

    __schema__ = URN(CORE)

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    """The person's unique name at the identity provider (often their email address)."""

    name: Name | None = None
    """The components of the person's name."""

    display_name: str | None = None
    """The person's name as shown in Revans."""

    title: str | None = None
    """The person's job title."""

    active: bool | None = None
    """False ends the person's access: their sessions end and they leave their sets."""

    emails: Annotated[list[Email] | None, Field(max_length=MAX_VALUES)] = None
    """The person's email addresses."""


# Subscripted through the call the syntax stands for: mypy reads User[...] as a type, not a value.
UserResource = cast(type[User], User.__class_getitem__(EnterpriseUser))

CONFIG = ServiceProviderConfig(
    documentation_uri=None,
    patch=Patch(supported=True),
    bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
    filter=Filter(supported=True, max_results=MAX_RESULTS),
    change_password=ChangePassword(supported=False),
    sort=Sort(supported=False),
    etag=ETag(supported=True),
    authentication_schemes=[
        AuthenticationScheme(
            type=AuthenticationScheme.Type.oauthbearertoken,
            name="Bearer token",
            description="A token your organisation's admin makes in Revans, sent as "
            "'Authorization: Bearer <token>'.",
            primary=True,
        )
    ],
)

PROVIDER = ScimProvider(
    models=[User, EnterpriseUser],
    resource_types=[ResourceType.from_resource(UserResource)],
    config=CONFIG,
)


# What a person is, as Revans keeps it: the mapped fields of one SCIM User.
@dataclass(frozen=True)
class Person:
    user_name: str
    external_id: str
    active: bool
    email: str  # "" when the User has no usable address: it then stays a SCIM resource only
    name: str
    department: str
    manager: str  # the manager's SCIM id as sent ("" for none)
    title: str
    employee_number: str

    def mapped(self) -> dict[str, Any]:
        """The fields an admin sees change (IdentityChange.changes)."""
        return {
            "userName": self.user_name,
            "externalId": self.external_id,
            "active": self.active,
            "email": self.email,
            "name": self.name,
            "department": self.department,
            "manager": self.manager,
            "title": self.title,
            "employeeNumber": self.employee_number,
        }


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def email_of(user: User) -> str:
    """The primary address, else the first one, else the userName when it is an address."""
    addresses = [e for e in user.emails or [] if e.value]
    chosen = next((e for e in addresses if e.primary), addresses[0] if addresses else None)
    if chosen is not None and chosen.value:
        return chosen.value.strip()
    user_name = (user.user_name or "").strip()
    return user_name if _is_email(user_name) else ""


def name_of(user: User) -> str:
    """displayName, else name.formatted, else given and family names, else the userName."""
    name = user.name or Name()
    parts = " ".join(p.strip() for p in (name.given_name or "", name.family_name or "") if p)
    candidates = (user.display_name, name.formatted, parts, user.user_name)
    return next((c.strip() for c in candidates if c and c.strip()), "")


def person_of(user: User) -> Person:
    extension = cast(EnterpriseUser | None, user[EnterpriseUser])
    manager = extension.manager if extension else None
    return Person(
        user_name=(user.user_name or "").strip(),
        external_id=(user.external_id or "").strip(),
        active=user.active is not False,
        email=email_of(user),
        name=name_of(user),
        department=((extension.department if extension else None) or "").strip(),
        manager=((manager.value if manager else None) or "").strip(),
        title=(user.title or "").strip(),
        employee_number=((extension.employee_number if extension else None) or "").strip(),
    )


def stored(user: User) -> dict[str, Any]:
    """What is kept of a User: what the client sent, without what the server assigns."""
    data = user.model_dump()
    data.pop("id", None)
    data.pop("meta", None)
    return data


def is_id(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def user_from_store(scim_user: ScimUser, location: str | None = None) -> User:
    """The User resource of a row: what the client sent, with the server's id and meta. The
    manager is the row's own (a deleted manager is named no more)."""
    data = {key: value for key, value in scim_user.resource.items() if key != ENTERPRISE}
    extension = dict(scim_user.resource.get(ENTERPRISE) or {})
    sent = extension.pop("manager", None) or {}
    if scim_user.manager_id is not None:
        manager = str(scim_user.manager_id)
        extension["manager"] = sent if sent.get("value") == manager else {"value": manager}
    schemas = [CORE]
    if extension:
        data[ENTERPRISE] = extension
        schemas.append(ENTERPRISE)
    data.update(
        schemas=schemas,
        id=str(scim_user.pk),
        meta={
            "resourceType": "User",
            "created": scim_user.created_at.isoformat(),
            "lastModified": scim_user.updated_at.isoformat(),
            "location": location,
            "version": etag(scim_user.version),
        },
    )
    return UserResource.model_validate(data)


def read_user(data: Any, context: Context) -> User:
    """The User a creation or replacement request sends (pydantic's ValidationError if not)."""
    return UserResource.model_validate(data, scim_ctx=context)


def read_patch(data: Any) -> "PatchOp[Any]":
    operations = data.get("Operations") if isinstance(data, dict) else None
    if isinstance(operations, list) and len(operations) > MAX_OPERATIONS:
        raise TooManyException(detail=f"A PATCH has at most {MAX_OPERATIONS} operations.")
    patch_op: type[PatchOp[Any]] = PatchOp.__class_getitem__(UserResource)
    return patch_op.model_validate(data, scim_ctx=Context.RESOURCE_PATCH_REQUEST)


def patched(scim_user: ScimUser, patch: "PatchOp[Any]") -> User:
    """The User once the operations are applied, checked again as a whole."""
    user = user_from_store(scim_user)
    patch.patch(user)
    return read_user(user.model_dump(), Context.RESOURCE_REPLACEMENT_REQUEST)


def dump(user: User, context: Context, parameters: ResponseParameters[Any] | None) -> Any:
    return user.model_dump(scim_ctx=context, response_parameters=parameters)


def response_parameters(attributes: str | None, excluded: str | None) -> Any:
    """The `attributes` and `excludedAttributes` a request names, checked against the schema."""
    if not attributes and not excluded:
        return None
    model = cast(type[ResponseParameters[Any]], ResponseParameters.__class_getitem__(UserResource))
    return model.model_validate(
        {"attributes": attributes or None, "excluded_attributes": excluded or None}
    )


def has_nul(value: Any) -> bool:
    """A NUL anywhere in the value: PostgreSQL stores none, in text or in JSON."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


# Filters ----------------------------------------------------------------------------------------

# (attribute, sub-attribute, schema) as scim2-filter-parser names them -> a ScimUser lookup.
_CORE = CORE.lower()
_ENT = ENTERPRISE.lower()
_PATHS: dict[tuple[str, str | None], str] = {
    ("username", None): "user_name",
    ("externalid", None): "external_id",
    ("id", None): "id",
    ("active", None): "active",
    ("emails", None): "participant__email",
    ("emails", "value"): "participant__email",
    ("displayname", None): "resource__displayName",
    ("title", None): "resource__title",
    ("name", "familyname"): "resource__name__familyName",
    ("name", "givenname"): "resource__name__givenName",
    ("name", "formatted"): "resource__name__formatted",
    ("meta", "lastmodified"): "updated_at",
    ("meta", "created"): "created_at",
}
_ENTERPRISE_PATHS: dict[tuple[str, str | None], str] = {
    ("department", None): f"resource__{ENTERPRISE}__department",
    ("employeenumber", None): f"resource__{ENTERPRISE}__employeeNumber",
    ("manager", None): "manager_id",
    ("manager", "value"): "manager_id",
}
ATTRIBUTES: dict[tuple[str, str | None, str | None], str] = {
    **{(a, s, None): f for (a, s), f in _PATHS.items()},
    **{(a, s, _CORE): f for (a, s), f in _PATHS.items()},
    **{(a, s, _ENT): f for (a, s), f in _ENTERPRISE_PATHS.items()},
}
# Compared exactly (RFC 7643: caseExact), where the library compares without case.
_CASE_EXACT = {"id", "external_id", "manager_id"}
_UUIDS = {"id", "manager_id"}
_MOMENTS = {"updated_at", "created_at"}
_BOOLEANS = {"active"}
_NOWHERE = Q(pk__in=[])


class _Filter(Transpiler):  # type: ignore[misc]
    """scim2-filter-parser's transpiler, strict: an attribute Revans does not keep is refused
    (the library leaves it out, which widens the result), values are checked against their
    column, and ids compare exactly."""

    def visit_AttrPath(self, node: Any) -> str:
        field = super().visit_AttrPath(node)
        if field is None:
            named = node.attr_name if isinstance(node.attr_name, str) else "a value path"
            sub = f".{node.sub_attr.value}" if node.sub_attr else ""
            raise InvalidFilterException(detail=f"Cannot filter on {named}{sub}.")
        return cast(str, field)

    def is_filter(self, node: Any) -> Q:
        raise InvalidFilterException(detail="Value filters ([...]) are not supported.")

    def visit_AttrExpr(self, node: Any) -> Q:
        if isinstance(node.attr_path.attr_name, scim2ast.Filter):
            return self.is_filter(node)
        field = self.visit(node.attr_path)
        operator = node.value.lower()
        value = self.visit(node.comp_value) if node.comp_value else None
        if operator == "pr":
            present = ~Q(**{field: ""}) if field == "external_id" else Q()
            return Q(**{f"{field}__isnull": False}) & present
        query = self._compare(field, operator, value)
        return ~query if operator == "ne" else query

    def _compare(self, field: str, operator: str, value: Any) -> Q:
        lookup = {
            "eq": "iexact",
            "ne": "iexact",
            "co": "icontains",
            "sw": "istartswith",
            "ew": "iendswith",
            "gt": "gt",
            "ge": "gte",
            "lt": "lt",
            "le": "lte",
        }.get(operator)
        if lookup is None:
            raise InvalidFilterException(detail=f"Unknown operator {operator}.")
        if field in _BOOLEANS:
            if not isinstance(value, bool) or operator not in ("eq", "ne"):
                raise InvalidFilterException(detail="active compares with eq or ne to true/false.")
            return Q(**{field: value})
        if value is None or isinstance(value, bool):
            raise InvalidFilterException(detail=f"Compare {field} with a string.")
        text = str(value)
        if field in _UUIDS:
            if operator not in ("eq", "ne"):
                raise InvalidFilterException(detail="Ids compare with eq or ne only.")
            try:
                return Q(**{field: uuid.UUID(text)})
            except ValueError:
                return _NOWHERE  # no resource has an id that is not one of ours
        if field in _MOMENTS:
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                raise InvalidFilterException(detail=f"{text} is not a date and time.") from None
            if moment.tzinfo is None:
                raise InvalidFilterException(detail=f"{text} has no time zone.")
            return Q(**{f"{field}__{lookup.removeprefix('i')}": moment})
        if field in _CASE_EXACT:
            lookup = lookup.removeprefix("i")
        return Q(**{f"{field}__{lookup}": text})


def query_of(text: str) -> Q:
    """The query a SCIM filter stands for, or InvalidFilterException."""
    if len(text) > MAX_FILTER:
        raise InvalidFilterException(detail=f"A filter has at most {MAX_FILTER} characters.")
    try:
        tree = SCIMParser().parse(SCIMLexer().tokenize(text))
    except Exception as error:  # the parser raises bare ValueErrors and its own errors
        raise InvalidFilterException(detail=f"The filter cannot be read: {error}") from None
    if tree is None:
        raise InvalidFilterException(detail="The filter cannot be read.")
    return cast(Q, _Filter(ATTRIBUTES).transpile(tree))


_ETAG = re.compile(r'^\s*(?:W/)?"(\d{1,9})"\s*$')


def etag(version: int) -> str:
    return f'W/"{version}"'


def matches(header: str, version: int) -> bool:
    """An If-Match header names this version (or any: *)."""
    for candidate in header.split(","):
        if candidate.strip() == "*":
            return True
        found = _ETAG.match(candidate)
        if found and int(found.group(1)) == version:
            return True
    return False
