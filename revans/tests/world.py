"""The small world every test speaks in, and the helpers that add to it.

Organisation A has an admin, a sponsor, a facilitator (of set A, and named by the programme to
form its sets), another facilitator (of set B only) and two participants; organisation B has an
outsider (its own admin) who must never see anything of A. Its dates are counted from the
suite's today (`clock.py`). The `world` fixture (`conftest.py`) builds it for each test.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.utils import timezone

from revans.accounts.models import Membership, Organisation, Role, User
from revans.formation.inputs import RunInputs, Weighting
from revans.formation.models import FormationRun
from revans.meetings.models import Meeting
from revans.programmes import services as programme_services
from revans.programmes.models import (
    LearningSet,
    Participant,
    Programme,
    SetFacilitator,
    SetMembership,
)

PASSWORD = "correct horse battery staple"


@dataclass
class World:
    org: Organisation
    other_org: Organisation
    admin: User
    sponsor: User
    facilitator: User
    participant: User
    participant2: User
    outsider: User
    other_facilitator: User
    programme: Programme
    set_a: LearningSet
    set_b: LearningSet

    def membership(self, user: User, org: Organisation | None = None) -> Membership:
        return Membership.objects.get(user=user, organisation=org or self.org)

    @property
    def actors(self) -> dict[str, User]:
        """Everyone the access sweep acts as, by role name."""
        return {
            "admin": self.admin,
            "sponsor": self.sponsor,
            "facilitator": self.facilitator,
            "participant": self.participant,
            "outsider": self.outsider,
        }


def today(days: int = 0) -> date:
    """The suite's today (`revans/tests/clock.py`), or the day `days` from it."""
    return timezone.localdate() + timedelta(days=days)


def email_link(message, path: str) -> str:
    """The site-relative link under `path` in an email, e.g. "/invitations/"."""
    found = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", message.body)
    assert found is not None, message.body
    return found.group(1)


def make_user(email: str, name: str, password: str = PASSWORD) -> User:
    user = User.objects.create_user(email, password, name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def finished_run(programme: Programme, groups: list[list[int]], **fields) -> FormationRun:
    """A run that has proposed these groups of participant ids, as the worker leaves it."""
    people = tuple(pk for group in groups for pk in group)
    inputs = RunInputs(
        people=people,
        sets=len(groups),
        lower=min(len(g) for g in groups),
        upper=max(len(g) for g in groups),
        attributes=(Weighting(field="department", label="Department", weight=1),),
    )
    values = {
        "programme": programme,
        "inputs": inputs.to_json(),
        "status": FormationRun.Status.DONE,
        "groups": groups,
        "solved_groups": groups,
        "objective": 0.0,
        "random_objective": 0.0,
        **fields,
    }
    return FormationRun.objects.create(**values)


def future_meeting(learning_set: LearningSet, days: float = 10, **fields) -> Meeting:
    """A scheduled four-hour meeting of the set, `days` from now, in London's zone."""
    start = (timezone.now() + timedelta(days=days)).replace(second=0, microsecond=0)
    values = {
        "learning_set": learning_set,
        "starts_at": start,
        "ends_at": start + timedelta(hours=4),
        "time_zone": "Europe/London",
        **fields,
    }
    return Meeting.objects.create(**values)


def set_elsewhere(world: World) -> LearningSet:
    """A set of another programme of the world's organisation, running on the same days."""
    other = Programme.objects.create(
        organisation=world.org,
        name="Another cohort",
        starts_on=world.programme.starts_on,
        ends_on=world.programme.ends_on,
    )
    return LearningSet.objects.create(programme=other, name="Elsewhere")


def make_challenge(learning_set: LearningSet, owner, statement: str):
    """A challenge brought through the service, with only its statement filled in."""
    from revans.learning.services import challenge_create

    return challenge_create(
        learning_set=learning_set,
        owner=owner,
        submission=uuid.uuid4(),
        fields={
            "statement": statement,
            "why_it_matters": "",
            "desired_outcome": "",
            "business_area": "",
        },
    )


def make_member(org: Organisation, user: User, *roles: Role) -> Membership:
    membership = Membership(user=user, organisation=org)
    membership.set_roles(roles)
    membership.save()
    return membership


def build_world() -> World:
    org = Organisation.objects.create(name="Acme Freight", slug="acme", require_mfa=False)
    other = Organisation.objects.create(name="Bravo Systems", slug="bravo", require_mfa=False)
    w = World(
        programme=None,  # set below, once the people exist
        set_a=None,
        set_b=None,
        org=org,
        other_org=other,
        admin=make_user("ada@acme.test", "Ada Admin"),
        sponsor=make_user("sam@acme.test", "Sam Sponsor"),
        facilitator=make_user("fay@acme.test", "Fay Facilitator"),
        participant=make_user("pat@acme.test", "Pat Participant"),
        participant2=make_user("quinn@acme.test", "Quinn Participant"),
        outsider=make_user("olly@bravo.test", "Olly Outsider"),
        other_facilitator=make_user("fern@acme.test", "Fern Facilitator"),
    )
    make_member(org, w.admin, Role.ADMIN)
    make_member(org, w.sponsor, Role.SPONSOR)
    make_member(org, w.facilitator, Role.FACILITATOR)
    make_member(org, w.participant, Role.PARTICIPANT)
    make_member(org, w.participant2, Role.PARTICIPANT)
    make_member(other, w.outsider, Role.ADMIN, Role.PARTICIPANT)

    # A programme with two sets: the facilitator runs A, where both participants are members;
    # B belongs to another facilitator, so nobody above but the admin and sponsor may see it.
    make_member(org, w.other_facilitator, Role.FACILITATOR)
    people = {
        user.email: Participant.objects.create(
            organisation=org, email=user.email, name=user.name, user=user
        )
        for user in (w.participant, w.participant2)
    }
    Participant.objects.create(organisation=org, email="rae@acme.test", name="Rae Pool")
    today = timezone.localdate()
    w.programme = Programme.objects.create(
        organisation=org,
        name="Leaders",
        starts_on=today - timedelta(days=180),  # half a year behind it, half ahead
        ends_on=today + timedelta(days=180),
    )
    w.set_a = programme_services.set_create(
        programme=w.programme, name="Set A", facilitators=[w.facilitator], by=w.admin
    )
    w.programme.facilitators.add(w.facilitator)
    w.set_b = programme_services.set_create(
        programme=w.programme, name="Set B", facilitators=[w.other_facilitator], by=w.admin
    )
    # Everyone has been in their set since the programme began.
    SetFacilitator.objects.filter(learning_set__programme=w.programme).update(
        since=w.programme.starts_on
    )
    for person in people.values():
        SetMembership.objects.create(
            learning_set=w.set_a, participant=person, joined_on=w.programme.starts_on
        )
    return w
