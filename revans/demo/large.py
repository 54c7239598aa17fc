"""A large organisation for load and query-count tests: `factor` 1 is 300 sets of six, 1,800
participants and 60 facilitators over two years of meetings and everything a set writes,
generated from one seed and written with bulk_create a programme at a time (its memory stays
that of one programme, whatever the factor)."""

import math
import random
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from revans.accounts.models import Membership, Organisation, Role, User
from revans.domain.cadence import Cadence, exact_start
from revans.evidence import surveys
from revans.evidence.models import Answer, Baseline, CareerOutcome, Receipt, Survey
from revans.impact import services as impact_services
from revans.impact.models import BenefitClaim, CostItem, HourlyRate
from revans.learning.models import Action, Challenge, ProcessNote, Reflection, ReportBack
from revans.meetings import notices
from revans.meetings.models import Attendance, Meeting, MeetingSeries, Notice, Rsvp
from revans.programmes.models import (
    FacilitationMode,
    FacilitationPeriod,
    GroundRules,
    GroundRulesAcceptance,
    LearningSet,
    Participant,
    Programme,
    SetFacilitator,
    SetMembership,
)

from .data import (
    EVALUATION_TEXTS,
    PASSWORD,
    PROCESS_NOTES,
    ROI_COSTS,
    ROI_RATES,
    STORIES,
    Story,
)

SETS = 300  # at factor 1
MEMBERS = 6  # a set's members
FACILITATORS = 60
SETS_A_PROGRAMME = 20
DAYS = 730  # two years of meetings ...
AHEAD = 90  # ... and the programmes run on a while, so every home has meetings to come
MEETING_TIME = time(9, 30)
BATCH = 1000
SAMPLE = 5  # logins printed for each role

DEPARTMENTS = ("Operations", "Finance", "Sales", "Technology", "People", "Customer service")
SITES = ("Leeds", "Bristol", "Glasgow", "Cardiff", "Belfast", "Norwich", "York", "Derby")
LEVELS = tuple(level for level, _rate in ROI_RATES if level)
FIRST = ("Amara", "Ben", "Chloe", "Dev", "Elif", "Femi", "Grace", "Hugo", "Isla", "Jonas")
LAST = ("Adeyemi", "Brown", "Chen", "Davies", "Evans", "Fraser", "Gupta", "Hughes", "Ito", "Jones")


class AlreadyBuilt(Exception):
    """An organisation with the slug exists: building into it would mix two worlds."""


@dataclass(frozen=True)
class Size:
    sets: int
    facilitators: int

    @property
    def participants(self) -> int:
        return self.sets * MEMBERS

    @property
    def programmes(self) -> int:
        return math.ceil(self.sets / SETS_A_PROGRAMME)


def size_of(factor: float) -> Size:
    if not 0 < factor <= 100:
        raise ValueError("The factor is a number above 0 and at most 100.")
    return Size(
        sets=max(1, round(SETS * factor)), facilitators=max(1, round(FACILITATORS * factor))
    )


@dataclass
class Built:
    organisation: Organisation
    rows: Counter[str]
    logins: list[tuple[Role, str]]


def email(slug: str, kind: str, n: int) -> str:
    """The address of the n-th person of a kind (participant, facilitator) in the organisation."""
    return f"{kind}{n:05d}@{slug}.example"


@transaction.atomic
def build(*, slug: str, factor: float, seed: int) -> Built:
    """The organisation `slug` at `factor` times the default size; refuses an existing slug."""
    size = size_of(factor)
    if Organisation.objects.filter(slug=slug).exists():
        raise AlreadyBuilt(
            f"An organisation with the slug {slug!r} exists already: "
            "choose another with --slug, or delete that one first."
        )
    rng = random.Random(seed)  # noqa: S311 (generated data, the same for the same seed)
    builder = _Builder(slug, size, rng)
    builder.people()
    for n in range(size.programmes):
        builder.programme(n)
    return Built(builder.organisation, builder.rows, builder.logins)


class _Builder:
    def __init__(self, slug: str, size: Size, rng: random.Random) -> None:
        self.size = size
        self.rng = rng
        self.rows: Counter[str] = Counter()
        # Ids from their own sequence, seeded by the slug too: two organisations built from one
        # seed hold the same content under ids that never collide.
        self.ids = random.Random(f"{slug}:{rng.random()}")  # noqa: S311
        self.organisation = Organisation.objects.create(
            slug=slug,
            name=f"Large organisation {slug}",
            time_zone="Europe/London",
            require_mfa=False,  # the load rig signs in with a password, as the demo's people do
        )
        self.zone = ZoneInfo(self.organisation.time_zone)
        self.now = timezone.now()
        self.today = self.organisation.today()
        self.logins: list[tuple[Role, str]] = []

    def add[M: models.Model](self, model: type[M], rows: list[M]) -> list[M]:
        made: list[M] = model._default_manager.bulk_create(rows, batch_size=BATCH)
        self.rows[model._meta.label] += len(made)
        return made

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.ids.getrandbits(128), version=4)

    # People ------------------------------------------------------------------------------

    def people(self) -> None:
        slug = self.organisation.slug
        hashed = make_password(PASSWORD)  # one hash for all: hashing each would take minutes
        kinds = [(Role.ADMIN, f"admin@{slug}.example", "Alex Admin")]
        kinds.append((Role.SPONSOR, f"sponsor@{slug}.example", "Sam Sponsor"))
        kinds += [
            (Role.FACILITATOR, email(slug, "facilitator", n), self.name(n + 7))
            for n in range(self.size.facilitators)
        ]
        kinds += [
            (Role.PARTICIPANT, email(slug, "participant", n), self.name(n))
            for n in range(self.size.participants)
        ]
        users = self.add(
            User, [User(email=address, name=name, password=hashed) for _r, address, name in kinds]
        )
        self.add(
            EmailAddress,
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        )
        self.add(
            Membership,
            [
                Membership(user=user, organisation=self.organisation, **{f"is_{role.value}": True})
                for (role, _a, _n), user in zip(kinds, users, strict=True)
            ],
        )
        by_role: dict[Role, list[User]] = {}
        for (role, _a, _n), user in zip(kinds, users, strict=True):
            by_role.setdefault(role, []).append(user)
        self.admin = by_role[Role.ADMIN][0]
        self.sponsor = by_role[Role.SPONSOR][0]
        self.facilitators = by_role[Role.FACILITATOR]
        self.members = self.add(
            Participant,
            [
                Participant(
                    organisation=self.organisation,
                    email=user.email,
                    name=user.name,
                    user=user,
                    department=DEPARTMENTS[n % len(DEPARTMENTS)],
                    site=SITES[self.rng.randrange(len(SITES))],
                    job_level=LEVELS[self.rng.randrange(len(LEVELS))],
                )
                for n, user in enumerate(by_role[Role.PARTICIPANT])
            ],
        )
        for role in (Role.ADMIN, Role.SPONSOR, Role.FACILITATOR, Role.PARTICIPANT):
            self.logins += [(role, user.email) for user in by_role[role][:SAMPLE]]

    def name(self, n: int) -> str:
        return f"{FIRST[n % len(FIRST)]} {LAST[n // len(FIRST) % len(LAST)]} {n}"

    # A programme and its sets -------------------------------------------------------------

    def programme(self, n: int) -> None:
        first_set = n * SETS_A_PROGRAMME
        count = min(SETS_A_PROGRAMME, self.size.sets - first_set)
        starts = self.today - timedelta(days=DAYS - 7 * (n % 4))
        programme = Programme.objects.create(
            organisation=self.organisation,
            name=f"Leadership programme {n + 1}",
            purpose="Managers across the organisation working on real problems together.",
            starts_on=starts,
            ends_on=self.today + timedelta(days=AHEAD),
            ground_rules="What is said in the set stays in the set.",
        )
        self.rows["programmes.Programme"] += 1
        sets = self.add(
            LearningSet,
            [
                LearningSet(programme=programme, name=f"Set {first_set + k + 1}")
                for k in range(count)
            ],
        )
        facilitator = {
            s.pk: self.facilitators[(first_set + k) % len(self.facilitators)]
            for k, s in enumerate(sets)
        }
        programme.facilitators.set(set(facilitator.values()))
        members = {
            s.pk: self.members[(first_set + k) * MEMBERS : (first_set + k + 1) * MEMBERS]
            for k, s in enumerate(sets)
        }
        self.add(
            SetFacilitator,
            [
                SetFacilitator(
                    learning_set=s, user=facilitator[s.pk], since=starts, added_by=self.admin
                )
                for s in sets
            ],
        )
        self.add(
            FacilitationPeriod,
            [
                FacilitationPeriod(
                    learning_set=s, mode=FacilitationMode.FACILITATED, starts_on=starts
                )
                for s in sets
            ],
        )
        rules = self.add(
            GroundRules,
            [
                GroundRules(
                    learning_set=s, version=1, text=programme.ground_rules, created_by=self.admin
                )
                for s in sets
            ],
        )
        self.add(
            SetMembership,
            [
                SetMembership(learning_set=s, participant=p, joined_on=starts)
                for s in sets
                for p in members[s.pk]
            ],
        )
        accepted = self.at(starts + timedelta(days=1))
        self.add(
            GroundRulesAcceptance,
            [
                GroundRulesAcceptance(ground_rules=r, participant=p, accepted_at=accepted)
                for r in rules
                for p in members[r.learning_set_id]
            ],
        )
        meetings = self.meetings(programme, sets, members, facilitator)
        challenges = self.cycle(programme, sets, members, meetings, facilitator)
        self.evidence(programme, sets, members, meetings)
        self.money(programme, challenges)

    def at(self, day: date) -> datetime:
        return datetime.combine(day, MEETING_TIME, tzinfo=self.zone)

    def meetings(
        self,
        programme: Programme,
        sets: list[LearningSet],
        members: dict[int, list[Participant]],
        facilitator: dict[int, User],
    ) -> dict[int, list[Meeting]]:
        """Every four weeks from the programme's second week to its end: past ones answered and
        attended (one apology each, in turn), the next one mostly answered, invitations sent
        for those within notices.INVITE_AHEAD."""
        step = timedelta(weeks=programme.cadence_weeks)
        first = programme.starts_on + timedelta(days=7)
        days: list[date] = []
        while first + step * len(days) <= programme.ends_on:
            days.append(first + step * len(days))
        self.add(
            MeetingSeries,
            [
                MeetingSeries(
                    learning_set=s,
                    cadence=Cadence.WEEKLY,
                    weekday=first.weekday(),
                    every_weeks=programme.cadence_weeks,
                    first_on=first,
                    until=programme.ends_on,
                    start_time=MEETING_TIME,
                    minutes=programme.meeting_minutes,
                    time_zone=self.organisation.time_zone,
                )
                for s in sets
            ],
        )
        length = timedelta(minutes=programme.meeting_minutes)
        made = self.add(
            Meeting,
            [
                Meeting(
                    learning_set=s,
                    uid=f"{self.uuid()}@revans",
                    starts_at=exact_start(day, MEETING_TIME, self.organisation.time_zone),
                    ends_at=exact_start(day, MEETING_TIME, self.organisation.time_zone) + length,
                    time_zone=self.organisation.time_zone,
                    place=f"Head office, room {s.pk % 12 + 1}",
                )
                for s in sets
                for day in days
            ],
        )
        by_set: dict[int, list[Meeting]] = {}
        for meeting in made:
            by_set.setdefault(meeting.learning_set_id, []).append(meeting)
        rsvps, marks, sent = [], [], []
        for s in sets:
            people = members[s.pk]
            upcoming = [m for m in by_set[s.pk] if m.starts_at > self.now]
            for number, meeting in enumerate(by_set[s.pk]):
                if meeting.starts_at < self.now:
                    away = people[number % len(people)]
                    for person in people:
                        here = person != away
                        rsvps.append(
                            Rsvp(
                                meeting=meeting,
                                participant=person,
                                answer=Rsvp.Answer.YES if here else Rsvp.Answer.NO,
                                note="" if here else "On leave that week, sorry.",
                                answered_at=meeting.starts_at - timedelta(days=5),
                            )
                        )
                        marks.append(Attendance(meeting=meeting, participant=person, present=here))
                elif meeting is upcoming[0]:
                    rsvps += [
                        Rsvp(meeting=meeting, participant=p, answer=Rsvp.Answer.YES)
                        for p in people[:-2]
                    ]
                if self.now < meeting.starts_at <= self.now + notices.INVITE_AHEAD:
                    for user in [facilitator[s.pk]] + [p.user for p in people if p.user]:
                        notice = notices.make(meeting, user, Notice.Kind.INVITATION, "0")
                        notice.sent_at = self.now - timedelta(days=1)
                        sent.append(notice)
        self.add(Rsvp, rsvps)
        self.add(Attendance, marks)
        self.add(Notice, sent)
        return by_set

    def cycle(
        self,
        programme: Programme,
        sets: list[LearningSet],
        members: dict[int, list[Participant]],
        meetings: dict[int, list[Meeting]],
        facilitator: dict[int, User],
    ) -> list[Challenge]:
        """A challenge each (the first member resolves theirs halfway and brings another), an
        action committed at each past meeting and reported back at the next, the last still
        open; four reflections each over the two years, one shared; a process note a meeting."""
        challenges: list[Challenge] = []
        plan: list[tuple[Challenge, Story, list[Meeting]]] = []  # and the meetings it ran
        for s in sets:
            past = [m for m in meetings[s.pk] if m.starts_at < self.now]
            for i, person in enumerate(members[s.pk]):
                runs = [past]
                if i == 0 and len(past) >= 6:
                    runs = [past[: len(past) // 2], past[len(past) // 2 :]]
                for r, run in enumerate(runs):
                    story = STORIES[self.rng.randrange(len(STORIES))]
                    opened = run[0].starts_at if run else self.now
                    challenge = Challenge(
                        learning_set=s,
                        owner=person,
                        statement=story.statement.format(site=person.site),
                        why_it_matters=story.why,
                        desired_outcome=story.outcome.format(site=person.site),
                        business_area=story.area,
                        status=(
                            Challenge.Status.RESOLVED
                            if r < len(runs) - 1
                            else Challenge.Status.PROGRESSING
                        ),
                        status_since=opened.date(),
                        written_at=opened,
                    )
                    challenges.append(challenge)
                    plan.append((challenge, story, run))
        self.add(Challenge, challenges)
        actions, told = [], []
        outcomes = ("done", "partly", "done", "not")
        upcoming = {
            s.pk: next((m for m in meetings[s.pk] if m.starts_at > self.now), None) for s in sets
        }
        for challenge, story, run in plan:
            for k, meeting in enumerate(run):
                text, happened, learned = story.steps[k % len(story.steps)]
                following = run[k + 1] if k + 1 < len(run) else upcoming[challenge.learning_set_id]
                outcome = outcomes[(challenge.owner_id + k) % len(outcomes)]
                closed = k + 1 < len(run)
                action = Action(
                    challenge=challenge,
                    text=text.format(site=challenge.owner.site),
                    due_on=(following or meeting).local_start.date(),
                    committed_at=meeting,
                    written_at=meeting.ends_at,
                    status=(
                        (Action.Status.DONE if outcome == "done" else Action.Status.CLOSED)
                        if closed
                        else Action.Status.OPEN
                    ),
                    closed_reason="Carried forward" if closed and outcome != "done" else "",
                )
                actions.append(action)
                if closed:
                    told.append((action, run[k + 1], outcome, happened, learned))
        self.add(Action, actions)
        self.add(
            ReportBack,
            [
                ReportBack(
                    action=action,
                    meeting=meeting,
                    outcome=outcome,
                    what_happened=happened if outcome != "not" else "Not yet: still to do.",
                    learned=learned.format(site=action.challenge.owner.site)
                    if outcome != "not"
                    else "",
                    written_at=meeting.starts_at,
                )
                for action, meeting, outcome, happened, learned in told
            ],
        )
        reflections, notes = [], []
        for s in sets:
            past = [m for m in meetings[s.pk] if m.starts_at < self.now]
            if not past:
                continue
            for i, person in enumerate(members[s.pk]):
                story = STORIES[(s.pk + i) % len(STORIES)]
                for r in range(4):
                    written = past[min(len(past) - 1, r * len(past) // 4)].ends_at
                    reflections.append(
                        Reflection(
                            learning_set=s,
                            author=person,
                            text=story.reflections[r % len(story.reflections)].format(
                                site=person.site
                            ),
                            written_at=written,
                            shared_at=written if r == 1 else None,
                        )
                    )
            notes += [
                ProcessNote(
                    meeting=m,
                    author=facilitator[s.pk],
                    text=PROCESS_NOTES[k % len(PROCESS_NOTES)],
                    written_at=m.ends_at,
                )
                for k, m in enumerate(past)
            ]
        self.add(Reflection, reflections)
        self.add(ProcessNote, notes)
        return challenges

    def evidence(
        self,
        programme: Programme,
        sets: list[LearningSet],
        members: dict[int, list[Participant]],
        meetings: dict[int, list[Meeting]],
    ) -> None:
        """The climate rounds and meeting evaluations that have closed, answered (anonymously:
        a receipt for who, an answer for what) by the members, or those present; open ones are
        the sweep's, with their invitations. A few promotions, and the baseline."""
        plan = surveys.plan_of(programme)
        plan.save()
        window = timedelta(days=plan.answer_days)
        found: list[tuple[Survey, list[Participant]]] = []
        for s in sets:
            for n, day in enumerate(surveys.climate_rounds(programme, plan)):
                opens = datetime.combine(day, time(8), tzinfo=self.zone)
                if opens + window > self.now:
                    break
                survey = Survey(
                    learning_set=s,
                    kind=Survey.Kind.CLIMATE,
                    round=n,
                    items=surveys.items_of(Survey.Kind.CLIMATE, plan),
                    opens_at=opens,
                    closes_at=opens + window,
                    key=f"{s.pk}:{Survey.Kind.CLIMATE}:{opens:%Y%m%d}",
                )
                found.append((survey, members[s.pk]))
            for number, meeting in enumerate(meetings[s.pk]):
                if meeting.ends_at + window > self.now:
                    break
                survey = Survey(
                    learning_set=s,
                    kind=Survey.Kind.EVALUATION,
                    meeting=meeting,
                    items=surveys.items_of(Survey.Kind.EVALUATION, plan),
                    opens_at=meeting.ends_at,
                    closes_at=meeting.ends_at + window,
                    key=f"{s.pk}:{Survey.Kind.EVALUATION}:m{meeting.pk}",
                )
                away = members[s.pk][number % MEMBERS]
                found.append((survey, [p for p in members[s.pk] if p != away]))
        self.add(Survey, [survey for survey, _people in found])
        receipts, answers = [], []
        for survey, people in found:
            for person in people:
                if self.rng.random() < 0.15:
                    continue  # not everyone answers
                receipts.append(Receipt(id=self.uuid(), survey=survey, participant=person))
                answers.append(self.answer(survey))
        self.add(Receipt, receipts)
        self.add(Answer, answers)
        everyone = [p for s in sets for p in members[s.pk]]
        self.add(
            CareerOutcome,
            [
                CareerOutcome(
                    programme=programme,
                    participant=person,
                    kind=CareerOutcome.Kind.PROMOTION,
                    happened_on=programme.starts_on + timedelta(days=self.rng.randrange(30, DAYS)),
                    recorded_by=self.admin,
                )
                for person in everyone
                if self.rng.random() < 0.08
            ],
        )
        self.add(
            Baseline,
            [
                Baseline(
                    programme=programme,
                    kind=CareerOutcome.Kind.PROMOTION,
                    people=10 * len(everyone),
                    events=len(everyone) // 2,
                    group="Managers at the same levels",
                )
            ],
        )

    def answer(self, survey: Survey) -> Answer:
        if survey.kind == Survey.Kind.CLIMATE:
            scores = {str(i): self.rng.randint(3, 7) for i in range(len(survey.items))}
            return Answer(id=self.uuid(), survey=survey, scores=scores)
        return Answer(
            id=self.uuid(),
            survey=survey,
            scores={"0": self.rng.choice((3, 4, 4, 5, 5))},
            recommend=self.rng.random() < 0.85,
            text=self.rng.choice(EVALUATION_TEXTS),
        )

    def money(self, programme: Programme, challenges: list[Challenge]) -> None:
        """The programme's costs and rates, a claim on one challenge in three (most decided),
        and the release of the claims the sponsor's figures count."""
        self.add(
            CostItem,
            [
                CostItem(
                    programme=programme,
                    category=kind,
                    spent_on=programme.starts_on + timedelta(days=days),
                    amount=Decimal(amount) * SETS_A_PROGRAMME // 3,
                    note=note,
                    recorded_by=self.sponsor,
                )
                for days, kind, amount, note in ROI_COSTS
            ],
        )
        self.add(
            HourlyRate,
            [
                HourlyRate(programme=programme, job_level=level, rate=Decimal(rate))
                for level, rate in ROI_RATES
            ],
        )
        statuses = ("verified", "verified", "claimed", "rejected", "verified")
        categories = [c for c, _label in BenefitClaim.Category.choices]
        claims = []
        for n, challenge in enumerate(challenges[::3]):
            status = statuses[n % len(statuses)]
            claims.append(
                BenefitClaim(
                    challenge=challenge,
                    owner=challenge.owner,
                    category=categories[n % len(categories)],
                    description=f"What changed after: {challenge.statement[:120]}",
                    share_description=n % 4 != 0,
                    currency=programme.currency,
                    annual_value=Decimal(self.rng.randrange(1, 60) * 1000),
                    attribution=self.rng.choice((40, 50, 60, 80)),
                    confidence=self.rng.choice((50, 70, 80, 90)),
                    status=status,
                    decided_by=self.sponsor if status != "claimed" else None,
                    decided_at=self.now if status != "claimed" else None,
                    decision_reason="Not from the set's work." if status == "rejected" else "",
                )
            )
        self.add(BenefitClaim, claims)
        impact_services.claims_release(programme=programme)
