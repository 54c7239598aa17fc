"""Gunicorn's access log without the secrets some URLs carry (calendar feeds, RSVP links,
invitations, allauth's password-reset and email-confirmation keys put their token in the path,
since calendars and mail clients cannot send headers)."""

import re
from typing import Any

from gunicorn.glogging import Logger

SECRET_PATH = re.compile(r"/(calendar|rsvp|invitations|confirm-email|password/reset/key)/[^/\s?]+")


def scrub(text: str) -> str:
    return SECRET_PATH.sub(lambda m: f"/{m.group(1)}/[secret]", text)


class ScrubbingLogger(Logger):  # type: ignore[misc]  # gunicorn ships no types
    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        # Every atom: the request line, the path, the referrer, and the environ's copies of them.
        return {k: scrub(v) if isinstance(v, str) else v for k, v in atoms.items()}
