"""Load the demo world. Safe to run again: it only creates what is missing."""

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from revans.accounts.models import Membership, Organisation, Role, User
from revans.domain import climate
from revans.domain.cadence import Cadence, exact_start
from revans.evidence import surveys
from revans.evidence.models import Baseline, CareerOutcome, Survey
from revans.identity.models import SignOn
from revans.impact import services as impact_services
from revans.impact.models import BenefitClaim, CostItem, HourlyRate
from revans.learning.live.services import live_of
from revans.learning.models import (
    Action,
    AgendaTemplate,
    Bid,
    Challenge,
    ProcessNote,
    Reflection,
    ReportBack,
)
from revans.meetings import notices
from revans.meetings.models import Attendance, Meeting, MeetingSeries, Notice, Rsvp
from revans.programmes import services as programme_services
from revans.programmes.models import (
    FacilitationPeriod,
    GroundRules,
    GroundRulesAcceptance,
    LearningSet,
    Participant,
    Programme,
    SetFacilitator,
)

from .data import (
    EVALUATION_TEXTS,
    ORGANISATIONS,
    PASSWORD,
    PROCESS_NOTES,
    ROI_CLAIMS,
    ROI_COSTS,
    ROI_RATES,
    STORIES,
    DemoOrganisation,
    DemoProgramme,
    DemoSet,
    PoolPerson,
    Story,
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
        _load_sign_on(organisation)
        for demo_programme in demo_org.programmes:
            _load_programme(organisation, demo_programme)
    return logins


def _load_sign_on(organisation: Organisation) -> None:
    """Single sign-on filled in as an example, not enabled: the demo has no identity provider,
    and enabling it asks the provider's address to answer (identity.services.sign_on_save)."""
    SignOn.objects.get_or_create(
        organisation=organisation,
        defaults={
            "protocol": SignOn.Protocol.OIDC,
            "display_name": f"{organisation.name} account",
            "discovery_url": f"https://login.{organisation.slug}.example/",
            "client_id": f"revans-{organisation.slug}",
            "group_roles": {"Programme office": ["admin"], "Sponsors": ["sponsor"]},
            "enabled": False,
        },
    )


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


def meeting_now() -> list[tuple[str, str, str]]:
    """(set, facilitator email, a member's email) for each demo set that meets today."""
    return [
        (demo_set.name, demo_set.facilitators[0], demo_set.members[0])
        for demo_org in ORGANISATIONS
        for demo in demo_org.programmes
        for demo_set in demo.sets
        if demo_set.meets_today
    ]


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
    if demo.tells_roi:
        _load_roi(programme)
    _load_evidence(programme, demo)


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
            learning_set=learning_set,
            participant=member,
            joined_on=starts,
            reason="",
            by=admin,
            announce=False,
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
    place = f"Head office, the {demo.name} room"
    _load_meetings(learning_set, members, place)
    today = _meeting_today(learning_set, members, place) if demo.meets_today else None
    _load_cycle(learning_set, members)
    if today is not None:
        _ready_to_run(today, members)


MEETING_TIME = time(9, 30)
NEXT_MEETING_IN = 3  # days: the next meeting is close, so reminders and "my meetings" show it


def _load_meetings(learning_set: LearningSet, members: list[Participant], place: str) -> None:
    """A meeting every `cadence` weeks over the programme's life, the next one days away: past
    ones with answers and attendance, invitations already sent, as if Revans had run all along."""
    programme = learning_set.programme
    zone = programme.organisation.time_zone
    today = programme.organisation.today()
    step = timedelta(weeks=programme.cadence_weeks)
    first = today + timedelta(days=NEXT_MEETING_IN)
    while first - step >= programme.starts_on + timedelta(days=7):
        first -= step
    days = []
    day = first
    while day <= programme.ends_on:
        days.append(day)
        day += step
    series = MeetingSeries.objects.create(
        learning_set=learning_set,
        cadence=Cadence.WEEKLY,
        weekday=first.weekday(),
        every_weeks=programme.cadence_weeks,
        first_on=first,
        until=programme.ends_on,
        start_time=MEETING_TIME,
        minutes=programme.meeting_minutes,
        time_zone=zone,
    )
    now = timezone.now()
    people = notices.recipients(learning_set)
    answered_next = False
    for number, day in enumerate(days):
        start = exact_start(day, MEETING_TIME, zone)
        meeting = Meeting.objects.create(
            learning_set=learning_set,
            series=series,
            starts_at=start,
            ends_at=start + timedelta(minutes=programme.meeting_minutes),
            time_zone=zone,
            place=place,
        )
        if start - notices.INVITE_AHEAD <= now:
            Notice.objects.bulk_create(
                [
                    Notice(
                        meeting=meeting,
                        user=user,
                        kind=Notice.Kind.INVITATION,
                        sequence=0,
                        for_start=start,
                        key=f"{meeting.uid}:invitation:{user.pk}:0",
                        message_id=f"<invitation.0.{user.pk}.{meeting.uid}>",
                        sent_at=min(now, start - timedelta(days=60)),
                    )
                    for user in people
                ]
            )
        away = members[number % len(members)]  # one apology a meeting, in turn
        if start < now:
            for person in members:
                here = person != away
                Rsvp.objects.create(
                    meeting=meeting,
                    participant=person,
                    answer=Rsvp.Answer.YES if here else Rsvp.Answer.NO,
                    note="" if here else "Site visit that day, sorry.",
                    answered_at=start - timedelta(days=5),
                )
                Attendance.objects.create(meeting=meeting, participant=person, present=here)
        elif not answered_next:  # the next meeting: most have answered already
            answered_next = True
            for person in members[:-2]:
                Rsvp.objects.create(meeting=meeting, participant=person, answer=Rsvp.Answer.YES)


def _load_roi(programme: Programme) -> None:
    """What the programme cost, and its members' benefit claims as the sponsor has decided
    them: some verified, one rejected, one extreme (left out by the median rule), one waiting,
    one without a figure (counted as zero)."""
    sponsor = User.objects.get(
        memberships__organisation=programme.organisation, memberships__is_sponsor=True
    )
    for days, kind, amount, note in ROI_COSTS:
        CostItem.objects.create(
            programme=programme,
            category=kind,
            spent_on=programme.starts_on + timedelta(days=days),
            amount=Decimal(amount),
            note=note,
            recorded_by=sponsor,
        )
    for level, rate in ROI_RATES:
        HourlyRate.objects.create(programme=programme, job_level=level, rate=Decimal(rate))
    now = timezone.now()
    for demo in ROI_CLAIMS:
        owner = Participant.objects.get(organisation=programme.organisation, email=demo.member)
        challenge = Challenge.objects.filter(learning_set__programme=programme, owner=owner).first()
        if challenge is None:
            continue
        BenefitClaim.objects.create(
            challenge=challenge,
            action=challenge.actions.order_by("-created_at").first(),
            owner=owner,
            category=demo.category,
            description=demo.description,
            workings=demo.workings,
            share_description=demo.shared,
            currency=programme.currency,
            annual_value=Decimal(demo.value) if demo.value else None,
            attribution=demo.attribution,
            confidence=demo.confidence,
            status=demo.status,
            decided_by=sponsor if demo.status != "claimed" else None,
            decided_at=now if demo.status != "claimed" else None,
            decision_reason=demo.reason,
        )
    impact_services.claims_release(programme=programme)  # what the sponsor's figures count


def _answers_about(rng: random.Random, mean: float) -> dict[int, int]:
    """One member's answers to Edmondson's items, scattered around a mean score (as scored)."""
    answers = {}
    for item, (_text, reverse) in enumerate(climate.PSYCHOLOGICAL_SAFETY):
        score = min(7, max(1, round(rng.gauss(mean, 0.8))))
        answers[item] = 8 - score if reverse else score
    return answers


def _load_evidence(programme: Programme, demo: DemoProgramme) -> None:
    """Climate surveys answered by every member in the rounds that have closed, evaluations of
    past meetings from those present, career outcomes and the organisation's baseline. What is
    open now is left to the sweep (`make run` runs it at once), which opens it and invites the
    members by email, as it will from then on."""
    rng = random.Random(programme.name)  # noqa: S311 (the same demo every time)
    now = timezone.now()
    plan = surveys.plan_of(programme)
    plan.save()
    rounds = surveys.climate_rounds(programme, plan)
    zone = ZoneInfo(programme.organisation.time_zone)
    window = timedelta(days=plan.answer_days)
    for learning_set in programme.sets.all():
        members = [m.participant for m in learning_set.memberships.current()]
        if not members:
            continue
        for n, day in enumerate(rounds):
            opens = datetime.combine(day, time(8), tzinfo=zone)
            if opens + window > now:
                break  # open now or later: the sweep opens it, with its invitations
            survey = Survey.objects.create(
                learning_set=learning_set,
                kind=Survey.Kind.CLIMATE,
                round=n,
                items=surveys.items_of(Survey.Kind.CLIMATE, plan),
                opens_at=opens,
                closes_at=opens + window,
                key=f"{learning_set.pk}:{Survey.Kind.CLIMATE}:{opens:%Y%m%d}",
            )
            if n >= len(demo.climate):
                continue
            for person in members:
                surveys.answer(
                    survey=survey,
                    participant=person,
                    scores=_answers_about(rng, demo.climate[n]),
                    now=opens + timedelta(days=1),
                )
        for meeting in learning_set.meetings.filter(ends_at__lte=now - window).order_by(
            "starts_at"
        ):  # the evaluations still open are the sweep's to open, with their invitations
            survey = Survey.objects.create(
                learning_set=learning_set,
                kind=Survey.Kind.EVALUATION,
                meeting=meeting,
                items=surveys.items_of(Survey.Kind.EVALUATION, plan),
                opens_at=meeting.ends_at,
                closes_at=meeting.ends_at + window,
                key=f"{learning_set.pk}:{Survey.Kind.EVALUATION}:m{meeting.pk}",
            )
            present = Attendance.objects.filter(meeting=meeting, present=True)
            for mark in present.select_related("participant"):
                surveys.answer(
                    survey=survey,
                    participant=mark.participant,
                    scores={0: rng.choice((3, 4, 4, 5, 5))},
                    recommend=rng.random() < 0.85,
                    text=rng.choice(EVALUATION_TEXTS),
                    now=meeting.ends_at + timedelta(hours=2),
                )
    admin = User.objects.get(
        memberships__organisation=programme.organisation, memberships__is_admin=True
    )
    for email, kind, days, note in demo.outcomes:
        person = Participant.objects.get(organisation=programme.organisation, email=email)
        CareerOutcome.objects.create(
            programme=programme,
            participant=person,
            kind=kind,
            happened_on=programme.starts_on + timedelta(days=days),
            note=note,
            recorded_by=admin,
        )
    for kind, people, events, period, group in demo.baselines:
        Baseline.objects.create(
            programme=programme, kind=kind, people=people, events=events, period=period, group=group
        )


def _meeting_today(learning_set: LearningSet, members: list[Participant], place: str) -> Meeting:
    """An extra meeting that starts a few minutes after the demo loads, so a person trying
    Revans can run it on the console at once (it stays runnable until it is closed)."""
    now = timezone.now()
    start = now.replace(second=0, microsecond=0) + timedelta(minutes=10 - now.minute % 5)
    programme = learning_set.programme
    meeting = Meeting.objects.create(
        learning_set=learning_set,
        starts_at=start,
        ends_at=start + timedelta(minutes=programme.meeting_minutes),
        time_zone=programme.organisation.time_zone,
        place=place,
    )
    people = notices.recipients(learning_set)
    sent = []  # the invitation and the reminder went out days ago, as if Revans ran all along
    for user in people:
        for kind, about in (
            (Notice.Kind.INVITATION, "0"),
            (Notice.Kind.REMINDER, notices.for_start(meeting)),
        ):
            notice = notices.make(meeting, user, kind, about)
            notice.sent_at = now - timedelta(days=2)
            sent.append(notice)
    Notice.objects.bulk_create(sent)
    for person in members:
        Rsvp.objects.create(meeting=meeting, participant=person, answer=Rsvp.Answer.YES)
    return meeting


def _ready_to_run(meeting: Meeting, members: list[Participant]) -> None:
    """The meeting's console opened once (its agenda copied from the programme's) and two bids
    for airtime in, sent from members' phones before the start."""
    AgendaTemplate.objects.get_or_create(programme=meeting.learning_set.programme)
    live_of(meeting)
    for person, minutes, urgent in ((members[1], 30, True), (members[3], 20, False)):
        Bid.objects.create(meeting=meeting, participant=person, minutes=minutes, urgent=urgent)


def _load_cycle(learning_set: LearningSet, members: list[Participant]) -> None:
    """Six months of the cycle, each member in their own words: a challenge each, the next step
    of it committed at each past meeting and reported back at the next (unfinished ones carried
    forward), reflections private and shared, and the facilitator's process notes. A member who
    resolved their challenge has brought a new one, which holds their open action."""
    now = timezone.now()
    past = list(learning_set.meetings.filter(starts_at__lt=now).order_by("starts_at"))
    upcoming = learning_set.meetings.filter(starts_at__gt=now).order_by("starts_at").first()
    facilitator = learning_set.facilitations.order_by("since").first()
    outcomes = ("done", "partly", "done", "not")
    for i, member in enumerate(members):
        site = member.site or member.department or "head office"
        story = _own_story(learning_set.pk * 3 + i, site)
        opened = past[0].local_start.date() if past else learning_set.programme.starts_on
        opened_at = past[0].starts_at if past else _at(opened)
        resolved = i == 0 and len(past) >= 5
        challenge = _challenge(learning_set, member, story, site, opened_at)
        if resolved:
            challenge.status = Challenge.Status.RESOLVED
            challenge.status_since = past[-2].local_start.date()
            challenge.save(update_fields=["status", "status_since"])
        previous: Action | None = None
        step = 0
        for k, meeting in enumerate(past):
            due = past[k + 1].local_start.date() if k + 1 < len(past) else None
            text, happened, learned = story.steps[min(step, len(story.steps) - 1)]
            owner_challenge = challenge
            if due is None and resolved:  # the new challenge brought to the last meeting
                story = _own_story(learning_set.pk * 3 + i + 1, site)
                owner_challenge = _challenge(learning_set, member, story, site, meeting.starts_at)
                text, happened, learned = story.steps[0]
                previous = None
            action = Action.objects.create(
                challenge=owner_challenge,
                text=previous.text if previous else text.format(site=site),
                due_on=due
                or (upcoming.local_start.date() if upcoming else meeting.local_start.date()),
                committed_at=meeting,
                written_at=meeting.ends_at,
                carried_from=previous,
            )
            previous = None
            if due is None:
                continue  # due at the next meeting: still open
            outcome = outcomes[(i + k) % len(outcomes)]
            at_site = f"At {site}, {happened[0].lower()}{happened[1:]}"
            told = {
                "done": at_site,
                "partly": f"Half of it so far. {at_site}",
                "not": f"Not yet: {action.text[0].lower()}{action.text[1:-1]} is still to do.",
            }[outcome]
            ReportBack.objects.create(
                action=action,
                meeting=past[k + 1],
                outcome=outcome,
                what_happened=told,
                learned=learned.format(site=site) if outcome != "not" else "",
                written_at=past[k + 1].starts_at,
            )
            action.status = Action.Status.DONE if outcome == "done" else Action.Status.CLOSED
            action.closed_reason = "" if outcome == "done" else "Carried forward"
            action.save(update_fields=["status", "closed_reason"])
            previous = action if outcome != "done" else None
            step += outcome == "done"
        for r, text in enumerate(story.reflections[: 2 + i % 2]):
            written = past[min(r, len(past) - 1)].ends_at if past else opened_at
            Reflection.objects.create(
                learning_set=learning_set,
                author=member,
                prompt="",
                text=text.format(site=site),
                written_at=written,
                shared_at=written if r == 1 else None,
            )
    if facilitator is not None:
        for k, meeting in enumerate(past):
            ProcessNote.objects.create(
                meeting=meeting,
                author=facilitator.user,
                text=PROCESS_NOTES[k % len(PROCESS_NOTES)],
                written_at=meeting.ends_at,
            )


def _own_story(start: int, site: str) -> Story:
    """The first story from `start` on that nobody in the demo tells at this site yet: each
    member's words are their own."""
    told = set(Challenge.objects.values_list("statement", flat=True))
    for n in range(start, start + len(STORIES)):
        story = STORIES[n % len(STORIES)]
        if story.statement.format(site=site) not in told:
            return story
    raise ValueError(f"Every demo story is told at {site} already: add a story.")


def _challenge(
    learning_set: LearningSet, member: Participant, story: Story, site: str, at: datetime
) -> Challenge:
    return Challenge.objects.create(
        learning_set=learning_set,
        owner=member,
        statement=story.statement.format(site=site),
        why_it_matters=story.why,
        desired_outcome=story.outcome.format(site=site),
        business_area=story.area,
        status=Challenge.Status.PROGRESSING,
        status_since=at.date(),
        written_at=at,
    )


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 30), tzinfo=UTC)
