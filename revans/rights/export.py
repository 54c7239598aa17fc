"""The download of everything Revans holds about one person, across their organisations: a
ZIP of JSON (and CSV for the tables people open in a spreadsheet) with a README that says what
each file is. Only what is theirs or about them: what others wrote stays out (the questions
others asked them, others' notes), and so do survey answers, which are anonymous by design: only
the receipt that they answered is theirs."""

import io
import json
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from allauth.account.models import EmailAddress
from django.db import models
from django.db.models import Q
from django.utils import timezone

from revans.accounts.models import Membership, User
from revans.api.models import ApiToken
from revans.audit.models import Entry
from revans.evidence.models import CareerOutcome, Receipt
from revans.impact.models import BenefitClaim, ClaimFile
from revans.learning.models import Action, Bid, Challenge, Question, Reflection, ReportBack
from revans.meetings.models import Attendance, Rsvp
from revans.programmes.models import GroundRulesAcceptance, Participant, SetMembership
from revans.web import write_csv

# Never in a download: secrets and their digests, and bytes that are files of their own.
LEFT_OUT = {"password", "digest", "hint", "content", "submission", "used_links"}

README = """Everything Revans holds about you
================================

Made on {made} for {email}. Each file holds one kind of record; dates and times are in UTC.
Ids are Revans's own, so that records can be matched with one another (an action's
"challenge" is the id of a challenge in challenges.json).

profile.json             your account: name, address(es), time zone, when you joined
memberships.json         each organisation you belong to, your roles there, and their history
pool_entries.json        how each organisation's pool of people lists you (department, site,
                         job level, other attributes your organisation imported)
set_memberships.csv      the sets you have been in, when you joined and left, and why
ground_rules.csv         the ground rules you accepted, and when
challenges.json          the challenges you brought
actions.json             the actions on your challenges, with your progress notes
report_backs.json        what became of those actions
reflections.json         your learning log, shared entries and private ones
questions_asked.json     the questions you asked others in live meetings
bids.json                the time you asked for in live meetings
rsvps.csv                your answers to meeting invitations, with your notes
attendance.csv           the meetings you were recorded at, present or not
claims.json              your benefit claims, with how they were decided
claim_files/             the evidence files you attached to claims
survey_receipts.csv      the surveys you answered: that you answered, never what (your
                         answers are anonymous: Revans cannot tell which are yours)
career_outcomes.json     promotions and other outcomes your organisation recorded for you
api_tokens.json          your API tokens (their names and dates; never the secrets)
account_activity.csv     what the audit trail records about your account

What others wrote is not here, even where it is about you: ask the person who wrote it.
"""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    return value


def _rows(found: Iterable[models.Model]) -> list[dict[str, Any]]:
    """Each row's own fields (a foreign key as its id), without secrets or file bytes."""
    rows = []
    for row in found:
        fields = {}
        for field in row._meta.concrete_fields:
            if field.name in LEFT_OUT:
                continue
            name = field.attname if field.is_relation else field.name
            fields[field.name] = _plain(getattr(row, name))
        rows.append(fields)
    return rows


def _json(rows: Any) -> bytes:
    return json.dumps(rows, indent=2, ensure_ascii=False, sort_keys=True).encode()


def _csv(rows: list[dict[str, Any]]) -> bytes:
    headers = sorted({key for row in rows for key in row})
    body = write_csv(headers, ([str(row.get(h, "") or "") for h in headers] for row in rows))
    return body.encode()


def files_of(user: User) -> dict[str, bytes]:
    """Every file of the download, by its name in the ZIP."""
    entries = list(Participant.objects.filter(Q(user=user) | Q(email__iexact=user.email)))
    mine = [p.pk for p in entries]
    challenges = Challenge.objects.filter(owner__in=mine)
    actions = Action.objects.filter(challenge__owner__in=mine)
    claims = BenefitClaim.objects.filter(owner__in=mine)
    files: dict[str, bytes] = {
        "profile.json": _json(
            {
                "account": _rows([user])[0],
                "addresses": _rows(EmailAddress.objects.filter(user=user)),
            }
        ),
        "memberships.json": _json(_rows(Membership.objects.filter(user=user))),
        "pool_entries.json": _json(_rows(entries)),
        "set_memberships.csv": _csv(_rows(SetMembership.objects.filter(participant__in=mine))),
        "ground_rules.csv": _csv(_rows(GroundRulesAcceptance.objects.filter(participant__in=mine))),
        "challenges.json": _json(_rows(challenges)),
        "actions.json": _json(_rows(actions)),
        "report_backs.json": _json(_rows(ReportBack.objects.filter(action__in=actions))),
        "reflections.json": _json(_rows(Reflection.objects.filter(author__in=mine))),
        "questions_asked.json": _json(_rows(Question.objects.filter(asked_by__in=mine))),
        "bids.json": _json(_rows(Bid.objects.filter(participant__in=mine))),
        "rsvps.csv": _csv(_rows(Rsvp.objects.filter(participant__in=mine))),
        "attendance.csv": _csv(_rows(Attendance.objects.filter(participant__in=mine))),
        "claims.json": _json(_rows(claims)),
        "survey_receipts.csv": _csv(_rows(Receipt.objects.filter(participant__in=mine))),
        "career_outcomes.json": _json(_rows(CareerOutcome.objects.filter(participant__in=mine))),
        "api_tokens.json": _json(_rows(ApiToken.objects.filter(user=user))),
        "account_activity.csv": _csv(_rows(Entry.objects.filter(subject=user))),
    }
    for attached in ClaimFile.objects.filter(claim__in=claims):
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in attached.name)[:100]
        files[f"claim_files/{attached.claim_id}-{safe}"] = bytes(attached.content)
    files["README.txt"] = README.format(
        made=timezone.now().strftime("%Y-%m-%d %H:%M UTC"), email=user.email
    ).encode()
    return files


def build_zip(user: User) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files_of(user).items()):
            archive.writestr(name, content)
    return out.getvalue()
