"""Erasure (GDPR art. 17): what a person wrote is deleted, and who they were is replaced, while
every row that a figure counts stays (an attendance, an answer to an invitation, a claim's
value, a survey receipt), so that no figure already shown changes and the suppression rules
hold as before. Their places in sets remain, as "a former member".

What a person wrote: challenges, actions and progress notes, report-backs, reflections, the
questions they asked, notes with an apology, the words and files of their claims, the reasons
given when they joined or left a set, notes on their career outcomes. Who they were: their
name, addresses, pool attributes, and every copy of those (invitations, the identity provider's
records and its change log, formation runs' messages, unapplied import files)."""

import re
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from revans.accounts import services as accounts
from revans.accounts.models import Invitation, User
from revans.api.models import ApiToken
from revans.evidence.models import CareerOutcome
from revans.formation.models import FormationRun
from revans.identity.models import IdentityChange, ScimUser
from revans.impact.models import BenefitClaim, ClaimFile
from revans.learning.models import (
    Action,
    Challenge,
    MeetingRecord,
    ProcessNote,
    Question,
    Reflection,
    ReportBack,
)
from revans.meetings.models import CalendarFeed, Rsvp
from revans.programmes.models import Participant, ParticipantImport, SetMembership
from revans.writes import kept_moved

from .models import DataExport


def former_member() -> str:
    return _("A former member")


def erased_address(kind: str, pk: object) -> str:
    """Unique, never deliverable (RFC 2606), and no one's."""
    return f"erased-{kind}-{pk}@erased.invalid"


@transaction.atomic
def erase(*, entries: list[Participant], user: User | None) -> dict[str, int]:
    """Erase what these pool entries wrote and who they were, and (`user`) the account too.
    Returns how many records of each kind were changed or deleted."""
    mine = [p.pk for p in entries]
    names = {p.name for p in entries if p.name} | ({user.name} if user and user.name else set())
    addresses = {p.email.lower() for p in entries} | ({user.email.lower()} if user else set())
    done = empty_text(owners=mine)
    done |= _copies(mine, names, addresses)
    for entry in entries:
        entry.name = former_member()
        entry.email = erased_address("p", entry.pk)
        entry.department = entry.site = entry.job_level = ""
        entry.attributes = {}
        entry.manager = None
        entry.save()
    Participant.objects.filter(manager__in=mine).update(manager=None)
    done["pool entries"] = len(entries)
    if user is not None:
        done |= _account(user)
    return {kind: n for kind, n in done.items() if n}


def empty_text(
    *, owners: list[int] | None = None, programmes: list[int] | None = None
) -> dict[str, int]:
    """Empty what was written: by these pool entries (`owners`), or anyone's in the sets of
    these programmes (`programmes`, retention), the facilitators' notes included there.
    Every row stays, so every figure that counts it stands."""

    def rows(model: Any, owner: str, learning_set: str) -> Any:
        if owners is not None:
            return model.objects.filter(**{f"{owner}__in": owners})
        return model.objects.filter(**{f"{learning_set}__programme__in": programmes or []})

    actions = rows(Action, "challenge__owner", "challenge__learning_set")
    claims = rows(BenefitClaim, "owner", "challenge__learning_set")
    done = {
        "challenges": rows(Challenge, "owner", "learning_set").update(
            statement="", why_it_matters="", desired_outcome="", business_area=""
        ),
        "actions": actions.update(text="", progress="", closed_reason=""),
        "report-backs": ReportBack.objects.filter(action__in=actions).update(
            what_happened="", learned=""
        ),
        "reflections": rows(Reflection, "author", "learning_set").update(text="", prompt=""),
        "questions": rows(Question, "asked_by", "meeting__learning_set").update(text=""),
        "notes with apologies": rows(Rsvp, "participant", "meeting__learning_set")
        .exclude(note="")
        .update(note=""),
        "claims": claims.update(description="", workings="", evidence="", decision_reason=""),
        "claim files": ClaimFile.objects.filter(claim__in=claims).delete()[0],
        "set places": rows(SetMembership, "participant", "learning_set").update(
            join_reason="", leave_reason=""
        ),
    }
    if owners is not None:
        done["career outcomes"] = CareerOutcome.objects.filter(participant__in=owners).update(
            note=""
        )
    else:
        done["process notes"] = ProcessNote.objects.filter(
            meeting__learning_set__programme__in=programmes or []
        ).update(text="")
        done["meeting records"] = MeetingRecord.objects.filter(
            meeting__learning_set__programme__in=programmes or []
        ).update(process_review="")
    kept_moved()  # pages keep what was written: bulk updates send no signal
    return done


def _copies(mine: list[int], names: set[str], addresses: set[str]) -> dict[str, int]:
    """Every other place a name or an address was copied to."""
    by_address = Q()
    for address in addresses:
        by_address |= Q(email__iexact=address)
    invitations = 0
    for invitation in Invitation.objects.filter(by_address) if addresses else []:
        invitation.email = erased_address("i", invitation.pk)
        invitation.name = ""
        invitation.save(update_fields=["email", "name"])
        invitations += 1
    changes = IdentityChange.objects.filter(subject__in=[*addresses, *names]).update(
        subject=former_member(), changes={}
    )
    scim = 0
    for row in ScimUser.objects.filter(Q(participant__in=mine) | Q(user_name__in=addresses)):
        row.user_name = erased_address("s", row.pk)
        row.external_id = ""
        row.resource = {"userName": row.user_name, "active": False}
        row.active = False
        row.save()
        scim += 1
    runs = 0
    if names:
        pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
        for run in FormationRun.objects.exclude(problems=[]):
            scrubbed = [pattern.sub(former_member(), str(p)) for p in run.problems]
            if scrubbed != run.problems:
                run.problems = scrubbed
                run.save(update_fields=["problems"])
                runs += 1
    files = 0
    for batch in ParticipantImport.objects.filter(applied_at=None):
        content = bytes(batch.content or b"").lower()
        if any(a.encode() in content for a in addresses):
            batch.delete()
            files += 1
    return {
        "invitations": invitations,
        "identity provider changes": changes,
        "provisioning records": scim,
        "formation runs' messages": runs,
        "import files not applied": files,
    }


def _account(user: User) -> dict[str, Any]:
    """The account can no longer be signed into, and says nothing of who it was."""
    UserSession.objects.filter(user=user).delete()
    counts = {
        "sign-in addresses": EmailAddress.objects.filter(user=user).delete()[0],
        "single sign-on links": SocialAccount.objects.filter(user=user).delete()[0],
        "two-factor methods": Authenticator.objects.filter(user=user).delete()[0],
        "API tokens": ApiToken.objects.filter(user=user).delete()[0],
        "calendar feeds": CalendarFeed.objects.filter(user=user).delete()[0],
        "downloads": DataExport.objects.filter(user=user).delete()[0],
    }
    user.name = former_member()
    user.email = erased_address("u", user.pk)
    user.time_zone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    for membership in user.memberships.filter(is_active=True):
        accounts.membership_end(membership=membership, end_sessions=False)
    counts["accounts"] = 1
    return counts
