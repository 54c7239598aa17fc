"""Signed RSVP links and hashed feed tokens: secrets in URLs, made safe to put there."""

import hashlib

from django.core import signing

from revans.programmes.models import Participant

from .models import Meeting

RSVP_SALT = "revans.rsvp"


def rsvp_token(meeting: Meeting, participant: Participant, nonce: str) -> str:
    """A link for one person and one meeting; each email's link is its own (`nonce`)."""
    return signing.dumps({"m": meeting.pk, "p": participant.pk, "n": nonce}, salt=RSVP_SALT)


def rsvp_payload(token: str) -> dict[str, object]:
    """What the link says; signing.BadSignature for a link that was tampered with."""
    data = signing.loads(token, salt=RSVP_SALT)
    if not isinstance(data, dict):
        raise signing.BadSignature("not an RSVP link")
    return data


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
