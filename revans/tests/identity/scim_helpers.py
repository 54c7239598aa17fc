"""A SCIM client for the tests: the Django test client with an organisation's bearer token."""

import json
from typing import Any

from django.test import Client

from revans.identity import services
from revans.identity.scim import CORE, ENTERPRISE

BASE = "/scim/v2"


class Scim:
    """Requests to /scim/v2 with a token, JSON in and out."""

    def __init__(self, secret: str | None) -> None:
        self.client = Client()
        self.secret = secret

    def __call__(self, method: str, path: str, body: Any = None, **headers: str):
        extra = {f"HTTP_{k.upper()}": v for k, v in headers.items()}
        if self.secret is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.secret}"
        data = body if isinstance(body, (str, bytes)) else json.dumps(body) if body else ""
        return self.client.generic(
            method, BASE + path, data, content_type="application/scim+json", **extra
        )


def token_for(org, by, name: str = "Entra ID") -> Scim:
    _token, secret = services.token_create(organisation=org, name=name, by=by)
    return Scim(secret)


def user_body(user_name: str, **more: Any) -> dict[str, Any]:
    enterprise = {k: more.pop(k) for k in ("department", "manager", "employeeNumber") if k in more}
    body: dict[str, Any] = {"schemas": [CORE], "userName": user_name, **more}
    if enterprise:
        body["schemas"].append(ENTERPRISE)
        if isinstance(enterprise.get("manager"), str):
            enterprise["manager"] = {"value": enterprise["manager"]}
        body[ENTERPRISE] = enterprise
    return body
