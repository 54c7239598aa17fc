"""Load the demo world. Safe to run again: it only creates what is missing."""

from datetime import UTC, date, datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.db import transaction

from revans.accounts.models import Membership, Organisation, Role, User
from revans.programmes import services as programme_services
from revans.programmes.models import (
    FacilitationPeriod,
    GroundRules,
    GroundRulesAcceptance,
    Participant,
    Programme,
    SetFacilitator,
)

from .data import (
    ORGANISATIONS,
    PASSWORD,
    DemoOrganisation,
    DemoProgramme,
    DemoSet,
    PoolPerson,
)


@transaction.atomic
def load_demo() -> list[tuple[str, Role, str]]:
    """Create the demo organisations, people and programmes; return the logins to print."""
    logins: list[tuple[str, Role, str]] = []
    for demo_org in ORGANISATIONS:
        organisation, _ = Organisation.objects.get_or_create(
            slug=demo_org.slug,
            # The demo is explored by clicking around, so no MFA prompt stands in the way.
            defaults={"name": demo_org.name, "time_zone": demo_org.time_zone, "require_mfa": False},
        )
        logins += _load_people(organisation, demo_org)
        _load_pool(organisation, demo_org)
        for demo_programme in demo_org.programmes:
            _load_programme(organisation, demo_programme)
    return logins


def _load_people(
    organisation: Organisation, demo_org: DemoOrganisation
) -> list[tuple[str, Role, str]]:
    logins: list[tuple[str, Role, str]] = []
    shown: set[Role] = set()
    for person in demo_org.people:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create_user(person.email, PASSWORD, name=person.name)
        EmailAddress.objects.get_or_create(
            user=user, email=person.email, defaults={"verified": True, "primary": True}
        )
        if not Membership.objects.filter(user=user, organisation=organisation).exists():
            membership = Membership(user=user, organisation=organisation)
            membership.set_roles(person.roles)
            membership.save()
        for role in person.roles:
            if role not in shown:
                shown.add(role)
                logins.append((organisation.name, role, person.email))
        if Role.PARTICIPANT in person.roles:
            Participant.objects.get_or_create(
                organisation=organisation,
                email=person.email,
                defaults={
                    "name": person.name,
                    "department": person.department,
                    "site": person.site,
                    "job_level": person.job_level,
                },
            )
    pool = {p.email: p for p in Participant.objects.filter(organisation=organisation)}
    for person in demo_org.people:
        if person.manager and pool[person.email].manager_id is None:
            pool[person.email].manager = pool[person.manager]
            pool[person.email].save(update_fields=["manager"])
    return logins


def forming() -> list[tuple[str, str]]:
    """(programme, facilitator email) for each demo programme that has not started yet."""
    found = []
    for demo_org in ORGANISATIONS:
        for demo in demo_org.programmes:
            if demo.started_days_ago < 0 and demo.facilitators:
                found.append((demo.name, demo.facilitators[0]))
    return found


def pool_email(person: PoolPerson, domain: str) -> str:
    return person.name.lower().replace("'", "").replace(" ", ".") + "@" + domain


def _load_pool(organisation: Organisation, demo_org: DemoOrganisation) -> None:
    """People in the pool without accounts yet, as an import would leave them."""
    for person in demo_org.pool:
        Participant.objects.get_or_create(
            organisation=organisation,
            email=pool_email(person, demo_org.email_domain),
            defaults={
                "name": person.name,
                "department": person.department,
                "site": person.site,
                "job_level": person.job_level,
                "attributes": {"years_at_company": str(person.years)},
            },
        )
    by_name = {p.name: p for p in Participant.objects.filter(organisation=organisation)}
    for person in demo_org.pool:
        entry = by_name[person.name]
        if person.manager and entry.manager_id is None:
            entry.manager = by_name[person.manager]
            entry.save(update_fields=["manager"])


def _load_programme(organisation: Organisation, demo: DemoProgramme) -> None:
    if Programme.objects.filter(organisation=organisation, name=demo.name).exists():
        return
    starts = organisation.today() - timedelta(days=demo.started_days_ago)
    programme = programme_services.programme_save(
        programme=Programme(
            organisation=organisation,
            name=demo.name,
            purpose=demo.purpose,
            starts_on=starts,
            ends_on=starts + timedelta(days=demo.months * 30),
        ),
        facilitators=User.objects.filter(email__in=demo.facilitators),
    )
    for demo_set in demo.sets:
        _load_set(programme, demo_set, starts)


def _load_set(programme: Programme, demo: DemoSet, starts: date) -> None:
    organisation = programme.organisation
    admin = User.objects.get(memberships__organisation=organisation, memberships__is_admin=True)
    learning_set = programme_services.set_create(
        programme=programme,
        name=demo.name,
        facilitators=User.objects.filter(email__in=demo.facilitators),
        by=admin,
    )
    # The set began with the programme: date its first records back to then.
    SetFacilitator.objects.filter(learning_set=learning_set).update(since=starts)
    FacilitationPeriod.objects.filter(learning_set=learning_set).update(starts_on=starts)
    members = [Participant.objects.get(organisation=organisation, email=e) for e in demo.members]
    for member in members:
        programme_services.set_member_add(
            learning_set=learning_set, participant=member, joined_on=starts, reason="", by=admin
        )
    first_rules = GroundRules.objects.get(learning_set=learning_set)
    for member in members:
        GroundRulesAcceptance.objects.create(
            ground_rules=first_rules,
            participant=member,
            accepted_at=_at(starts + timedelta(days=1)),
        )
    for days, mode, member_email in demo.fading:
        programme_services.facilitation_period_add(
            learning_set=learning_set,
            mode=mode,
            starts_on=starts + timedelta(days=days),
            member_facilitator=(
                Participant.objects.get(organisation=organisation, email=member_email)
                if member_email
                else None
            ),
            note="",
        )
    if demo.extra_rule:
        second = programme_services.ground_rules_update(
            learning_set=learning_set, text=f"{first_rules.text}\n{demo.extra_rule}", by=admin
        )
        # Everyone but the last member has accepted the new version, so the flag shows.
        for member in members[:-1]:
            GroundRulesAcceptance.objects.create(
                ground_rules=second,
                participant=member,
                accepted_at=_at(starts + timedelta(days=35)),
            )


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 30), tzinfo=UTC)
