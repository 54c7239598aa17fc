"""Every page a person can reach: no leaks between organisations, strict CSP, steady query cost."""

import re
from datetime import date

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from django.utils.timezone import now

from revans.accounts import services
from revans.accounts.models import Invitation, Membership, Organisation, Role, SignupDomain, User
from revans.api import services as api_services
from revans.api.models import Delivery, Webhook
from revans.audit.models import Entry, Event
from revans.channels.models import Channel
from revans.channels.models import Delivery as ChannelDelivery
from revans.formation.models import FormationRun
from revans.identity import services as identity_services
from revans.identity.models import SignOn
from revans.learning.models import Action, Challenge, ProcessNote, Reflection, ReportBack
from revans.meetings.models import Attendance, Rsvp
from revans.programmes import services as programme_services
from revans.programmes.models import (
    FacilitationPeriod,
    Participant,
    Programme,
    SetMembership,
)
from revans.tests.identity.forged import idp_metadata, make_keys
from revans.tests.sweeps import assert_canary_absent, assert_query_budget, crawl
from revans.tests.world import finished_run, future_meeting, today

pytestmark = pytest.mark.slow  # a crawl or real servers: left out of `make test-fast`

CANARY = "zqx-canary-7f3a"
SET_CANARY = "zqx-setb-only-91c2"


@pytest.fixture
def planted(world):
    """Organisation B's names, people and invitations all carry the canary."""
    Organisation.objects.filter(pk=world.other_org.pk).update(name=f"Bravo {CANARY} Systems")
    User.objects.filter(pk=world.outsider.pk).update(name=f"Olly {CANARY}")
    services.invitation_create(
        organisation=Organisation.objects.get(pk=world.other_org.pk),
        invited_by=world.outsider,
        email=f"{CANARY}@bravo.test",
        name=f"Invitee {CANARY}",
        roles=[Role.PARTICIPANT],
    )
    # B's programme, set, people, ground rules and sign-up domain.
    bravo = Organisation.objects.get(pk=world.other_org.pk)
    services.signup_domain_add(organisation=bravo, domain=f"{CANARY}.example", by=world.outsider)
    programme = Programme.objects.create(
        organisation=bravo,
        name=f"Programme {CANARY}",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 1),
    )
    person = Participant.objects.create(
        organisation=bravo,
        email=f"pool-{CANARY}@bravo.test",
        name=f"Pool {CANARY}",
        department=f"Dept {CANARY}",
        attributes={"note": CANARY},
    )
    Membership.objects.filter(user=world.outsider).update(is_facilitator=True)
    learning_set = programme_services.set_create(
        programme=programme, name=f"Set {CANARY}", facilitators=[world.outsider], by=world.outsider
    )
    SetMembership.objects.create(learning_set=learning_set, participant=person)
    programme_services.ground_rules_update(
        learning_set=learning_set, text=f"Rule {CANARY}", by=world.outsider
    )
    # In A, set B's own contract is for set B: A's set members and other facilitators never see it.
    programme_services.ground_rules_update(
        learning_set=world.set_b, text=f"Rule {SET_CANARY}", by=world.admin
    )
    # The cycle: B's set's challenge, and in A, set B's, are for their own sets alone.
    Challenge.objects.create(learning_set=learning_set, owner=person, statement=f"B {CANARY}")
    set_b_member = Participant.objects.create(
        organisation=world.org, email="b1@acme.test", name="B1"
    )
    SetMembership.objects.create(learning_set=world.set_b, participant=set_b_member)
    Challenge.objects.create(
        learning_set=world.set_b, owner=set_b_member, statement=f"Set B {SET_CANARY}"
    )
    Reflection.objects.create(
        learning_set=world.set_b, author=set_b_member, text=f"Shared {SET_CANARY}", shared_at=now()
    )
    # Meetings: B's carry the canary in their place; in A, set B's meeting is set B's business.
    future_meeting(learning_set, place=f"Room {CANARY}")
    future_meeting(world.set_b, place=f"Room {SET_CANARY}")
    a_meeting = future_meeting(world.set_a, place="Room A")
    # B's single sign-on, SCIM token and what they changed.
    identity_services.sign_on_save(
        sign_on=SignOn(
            organisation=bravo,
            protocol=SignOn.Protocol.SAML,
            display_name=f"IdP {CANARY}",
            metadata_xml=idp_metadata(make_keys()),
            enabled=True,
        ),
        by=world.outsider,
    )
    identity_services.token_create(organisation=bravo, name=f"Token {CANARY}", by=world.outsider)
    identity_services.record(
        organisation=bravo,
        source="scim",
        by=f"Token {CANARY}",
        subject=f"{CANARY}@bravo.test",
        action="joined",
        changes={"name": [None, CANARY]},
    )
    # B's webhook and its delivery log, and its admin's API token.
    hook = Webhook.objects.create(
        organisation=bravo, url=f"https://{CANARY}.example/hook", events=["set.joined"]
    )
    Delivery.objects.create(webhook=hook, event="set.joined", payload={"id": CANARY})
    api_services.token_create(
        user=world.outsider,
        membership=Membership.objects.get(user=world.outsider, organisation=bravo),
        name=f"Token {CANARY}",
        can_write=False,
        expires_at=None,
    )
    Entry.objects.create(
        event=Event.ACCESS_REFUSED, organisation_id=bravo.pk, detail={"path": f"/o/{CANARY}/"}
    )
    api_services.organisation_token_create(
        organisation=bravo,
        by=world.outsider,
        name=f"Org token {CANARY}",
        roles=[Role.ADMIN],
        can_write=True,
        expires_at=None,
    )
    # B's chat channels, the canary in their secret addresses and in what one was answered;
    # A's set's, switched off, so that the crawl reaches its page and its log.
    b_channel = Channel.objects.create(
        programme=programme,
        learning_set=learning_set,
        kind="slack",
        url=f"https://hooks.slack.com/services/T1/B2/{CANARY}",
        connected_by=world.outsider,
    )
    Channel.objects.create(
        programme=programme, kind="teams", url=f"https://x.logic.azure.com/w?sig={CANARY}"
    )
    ChannelDelivery.objects.create(channel=b_channel, kind="test", key=CANARY, last_error=CANARY)
    a_channel = Channel.objects.create(
        programme=world.programme,
        learning_set=world.set_a,
        kind="teams",
        url="https://acme.webhook.office.com/webhookb2/a",
        switched_off_at=now(),
    )
    ChannelDelivery.objects.create(
        channel=a_channel, kind="scheduled", meeting=a_meeting, key="a", attempts=6, last_status=410
    )
    # A finished formation run in each organisation: A's proposal page is crawled, B's never.
    proposal(world.programme)
    proposal(programme)
    return world


def proposal(programme: Programme) -> FormationRun:
    """A finished formation run over the whole pool of the programme's organisation, in one set."""
    people = list(programme.organisation.participants.values_list("pk", flat=True))
    return finished_run(programme, [people])


START = [
    "/",
    "/meetings/",
    "/o/acme/",
    "/o/acme/members/",
    "/o/acme/settings/",
    "/o/acme/programmes/",
    "/o/acme/people/",
    "/accounts/2fa/",
    "/profile/api-tokens/",
]


@pytest.mark.parametrize(
    "actor", ["admin", "sponsor", "facilitator", "participant", "other_facilitator"]
)
def test_no_link_a_person_is_shown_leads_to_a_refusal(client, planted, actor):
    user = planted.other_facilitator if actor == "other_facilitator" else planted.actors[actor]
    client.force_login(user)
    statuses: dict[str, int] = {}
    pages = crawl(client, ["/", "/o/acme/"], statuses=statuses)
    assert len(pages) >= 3
    refused = {url: code for url, code in statuses.items() if code >= 400}
    assert not refused


@pytest.mark.parametrize("actor", ["admin", "sponsor", "facilitator", "participant"])
def test_organisation_b_never_reaches_organisation_a(client, planted, actor):
    client.force_login(planted.actors[actor])
    pages = crawl(client, START)
    assert len(pages) >= 5
    assert_canary_absent(pages, CANARY)
    if actor in ("facilitator", "participant"):
        assert f"/o/acme/sets/{planted.set_a.pk}/" in pages  # they do reach their own set
        assert_canary_absent(pages, SET_CANARY)


def test_managers_reach_every_set_page(client, planted):
    client.force_login(planted.admin)
    pages = crawl(client, START)
    for url in (
        f"/o/acme/programmes/{planted.programme.pk}/",
        f"/o/acme/sets/{planted.set_a.pk}/",
        f"/o/acme/sets/{planted.set_b.pk}/",
        f"/o/acme/sets/{planted.set_a.pk}/members/add/",
        f"/o/acme/sets/{planted.set_a.pk}/ground-rules/",
        "/o/acme/people/import/",
        f"/o/acme/programmes/{planted.programme.pk}/formation/",
    ):
        assert url in pages
    run = FormationRun.objects.get(programme=planted.programme)
    assert f"/o/acme/programmes/{planted.programme.pk}/formation/{run.pk}/" in pages
    assert any(SET_CANARY in body for body in pages.values())  # set B's rules are there for them


def test_the_admin_crawl_covers_the_admin_pages(client, planted):
    client.force_login(planted.admin)
    member = planted.membership(planted.participant)
    pages = crawl(client, START)
    for url in (
        "/o/acme/members/",
        "/o/acme/members/invite/",
        f"/o/acme/members/{member.pk}/",
        "/o/acme/settings/sign-on/",
        "/o/acme/settings/scim/",
        "/o/acme/settings/identity-changes/",
        "/o/acme/settings/webhooks/",
        "/o/acme/settings/api-tokens/",
        "/o/acme/settings/audit/",
        "/o/acme/settings/audit.csv",
        "/profile/activity/",
        "/profile/data/",
        f"/o/acme/programmes/{planted.programme.pk}/channel/",
        f"/o/acme/sets/{planted.set_a.pk}/channel/",
        f"/o/acme/sets/{planted.set_b.pk}/channel/",
    ):
        assert url in pages
    assert "answered 410" in pages[f"/o/acme/sets/{planted.set_a.pk}/channel/"]
    # The planted string is there to be found where it belongs.
    client.force_login(planted.outsider)
    assert CANARY in client.get("/o/bravo/members/").content.decode()
    b_set = Channel.objects.get(learning_set__programme__organisation=planted.other_org)
    assert CANARY in client.get(f"/o/bravo/sets/{b_set.learning_set_id}/channel/").text


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)


@pytest.mark.parametrize("actor", ["anonymous", "admin", "participant"])
def test_pages_carry_a_strict_csp_and_no_inline_code(client, world, actor):
    if actor != "anonymous":
        client.force_login(world.actors[actor])
    start = ["/accounts/login/", "/accounts/password/reset/"] if actor == "anonymous" else START
    pages = crawl(client, start)
    for url, body in pages.items():
        assert not INLINE_SCRIPT.search(body), url
        assert not INLINE_STYLE.search(body), url
    response = client.get(start[0])
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    # Pages that carry a script add their nonce to this; nothing else may run.
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def grow_organisation(world, times: int = 9) -> None:
    """Add `times` as many members and invitations as the world has (10x data)."""
    count = Membership.objects.filter(organisation=world.org).count()
    for i in range(count * times):
        user = User.objects.create_user(f"extra{i}@acme.test", "x", name=f"Extra {i}")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        membership = Membership(user=user, organisation=world.org, is_participant=True)
        membership.is_facilitator = i % 3 == 0
        membership.save()
        Invitation.objects.create(
            organisation=world.org,
            email=f"pending{i}@acme.test",
            invited_by=world.admin,
            is_participant=True,
        )
        # The person also belongs to other organisations, as facilitators do.
        other = Organisation.objects.create(name=f"Client {i}", slug=f"client-{i}")
        Membership.objects.create(user=world.facilitator, organisation=other, is_facilitator=True)
        # More programmes, each with a set that the facilitator runs and the participant is in.
        programme = Programme.objects.create(
            organisation=world.org,
            name=f"Cohort {i}",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 6, 1),
        )
        programme.facilitators.add(world.facilitator)
        learning_set = programme_services.set_create(
            programme=programme, name=f"Set {i}", facilitators=[world.facilitator], by=world.admin
        )
        person = Participant.objects.create(
            organisation=world.org, email=user.email, name=user.name, user=user
        )
        SignupDomain.objects.create(organisation=world.org, domain=f"site{i}.acme.example")
        for member in (
            person,
            Participant.objects.get(organisation=world.org, email=world.participant.email),
        ):
            SetMembership.objects.create(learning_set=learning_set, participant=member)
        # The world's programme gains sets, and set A gains history: past members and periods.
        extra = programme_services.set_create(
            programme=world.programme,
            name=f"Extra {i}",
            facilitators=[world.facilitator],
            by=world.admin,
        )
        SetMembership.objects.create(learning_set=extra, participant=person)
        SetMembership.objects.create(
            learning_set=world.set_a,
            participant=person,
            joined_on=today(-60),
            left_on=today(-5),
            leave_reason="Moved",
        )
        FacilitationPeriod.objects.create(learning_set=world.set_a, mode="co_facilitated")


@pytest.mark.parametrize(
    ("actor", "url"),
    [
        ("admin", "/o/acme/"),
        ("sponsor", "/o/acme/"),
        ("facilitator", "/o/acme/"),
        ("participant", "/o/acme/"),
        ("admin", "/o/acme/members/"),
        ("admin", "/o/acme/settings/"),
        ("facilitator", "/o/acme/programmes/{programme}/formation/"),
        ("facilitator", "/"),
        ("admin", "/o/acme/programmes/"),
        ("sponsor", "/o/acme/people/"),
        ("sponsor", "/o/acme/programmes/{programme}/"),
        ("admin", "/o/acme/sets/{set_a}/"),
        ("facilitator", "/o/acme/sets/{set_a}/"),
        ("participant", "/o/acme/sets/{set_a}/"),
    ],
)
def test_query_budget(client, world, actor, url):
    # A coach working for two clients sees the organisation chooser at "/".
    Membership.objects.create(
        user=world.facilitator, organisation=world.other_org, is_facilitator=True
    )
    client.force_login(world.actors[actor])
    url = url.format(programme=world.programme.pk, set_a=world.set_a.pk)
    queries = assert_query_budget(client, url, lambda: grow_organisation(world))
    assert queries <= 20  # a sanity bound; the real check is "no growth with data"


def test_query_budget_of_a_proposal(client, world):
    """The proposal page reads the run's people once, however many there are."""
    client.force_login(world.facilitator)
    run = proposal(world.programme)
    url = f"/o/acme/programmes/{world.programme.pk}/formation/{run.pk}/"

    def grow() -> None:
        grow_organisation(world)
        people = list(world.org.participants.values_list("pk", flat=True))
        run.inputs = {**run.inputs, "people": people, "upper": len(people)}
        run.groups = run.solved_groups = [people]
        run.save()

    assert_query_budget(client, url, grow)


def grow_meetings(world, meetings: int) -> None:
    """`meetings` more meetings in each of set A and set B, with answers and attendance."""
    pat = Participant.objects.get(user=world.participant)
    for i in range(meetings):
        for learning_set in (world.set_a, world.set_b):
            meeting = future_meeting(learning_set, days=1 + i)
            if learning_set == world.set_a:
                Rsvp.objects.create(meeting=meeting, participant=pat, answer="yes")
                Attendance.objects.create(meeting=meeting, participant=pat, present=True)


@pytest.mark.parametrize(
    ("actor", "url"),
    [
        ("participant", "/meetings/"),
        ("facilitator", "/meetings/"),
        ("sponsor", "/o/acme/programmes/{programme}/calendar/"),
        ("facilitator", "/o/acme/sets/{set_a}/meetings/"),
    ],
)
def test_query_budget_of_the_meeting_lists(client, world, actor, url):
    """The same number of queries with 5 meetings a set as with 50."""
    grow_meetings(world, 5)
    client.force_login(world.actors[actor])
    url = url.format(programme=world.programme.pk, set_a=world.set_a.pk)
    assert_query_budget(client, url, lambda: grow_meetings(world, 45))


def test_query_budget_of_a_meeting_page(client, world):
    meeting = future_meeting(world.set_a)
    client.force_login(world.facilitator)

    def grow() -> None:
        for i in range(9):
            user = User.objects.create_user(f"member{i}@acme.test", "x", name=f"Member {i}")
            person = Participant.objects.create(
                organisation=world.org, email=user.email, name=user.name, user=user
            )
            SetMembership.objects.create(learning_set=world.set_a, participant=person)
            Rsvp.objects.create(meeting=meeting, participant=person, answer="no", note="Away")

    assert_query_budget(client, meeting.get_absolute_url(), grow)


def grow_cycle(world, meetings: int) -> None:
    """`meetings` more past meetings of set A, each with an action and its report-back per
    member, attendance, a reflection each (one shared) and a process note."""
    members = list(Participant.objects.filter(user__in=[world.participant, world.participant2]))
    challenges = {
        p.pk: Challenge.objects.get_or_create(
            learning_set=world.set_a, owner=p, defaults={"statement": f"Problem of {p.name}"}
        )[0]
        for p in members
    }
    for i in range(meetings):
        meeting = future_meeting(world.set_a, days=-1 - i)
        ProcessNote.objects.create(meeting=meeting, author=world.facilitator, text="Note")
        for p in members:
            action = Action.objects.create(
                challenge=challenges[p.pk],
                text=f"Step {i}",
                due_on="2026-01-01",
                committed_at=meeting,
            )
            ReportBack.objects.create(action=action, meeting=meeting, outcome="partly")
            Attendance.objects.create(meeting=meeting, participant=p, present=True)
            Reflection.objects.create(
                learning_set=world.set_a,
                author=p,
                text="R",
                shared_at=timezone.now() if i % 2 else None,
            )
            Action.objects.create(challenge=challenges[p.pk], text=f"Open {i}", due_on="2030-01-01")


@pytest.mark.parametrize(
    ("actor", "url"),
    [
        ("participant", "/o/acme/"),
        ("facilitator", "/o/acme/"),
        ("participant", "/o/acme/sets/{set_a}/"),
        ("facilitator", "/o/acme/sets/{set_a}/cycle/"),
        ("participant", "/o/acme/sets/{set_a}/cycle/"),
        ("participant", "/o/acme/sets/{set_a}/log/"),
    ],
)
def test_query_budget_of_the_cycle(client, world, actor, url):
    """The same number of queries with 5 past meetings' worth of the cycle as with 50."""
    grow_cycle(world, 5)
    client.force_login(world.actors[actor])
    assert_query_budget(client, url.format(set_a=world.set_a.pk), lambda: grow_cycle(world, 45))
