"""The demo world loads once, loads again without change, and every printed login works."""

from collections import defaultdict
from datetime import timedelta
from io import StringIO

import pytest
from allauth.socialaccount.models import SocialApp
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from revans.accounts.models import Invitation, Membership, Organisation, Role, User
from revans.demo.data import ORGANISATIONS, PASSWORD
from revans.evidence.models import SurveyNotice
from revans.evidence.surveys import open_due
from revans.formation.models import FormationRun
from revans.identity.models import SignOn
from revans.learning.models import (
    Action,
    Challenge,
    LiveMeeting,
    ProcessNote,
    Reflection,
    ReportBack,
)
from revans.meetings.models import Meeting, Notice
from revans.programmes.models import (
    FacilitationMode,
    FacilitationPeriod,
    GroundRules,
    GroundRulesAcceptance,
    LearningSet,
    Participant,
    Programme,
    SetMembership,
)
from revans.programmes.selectors import free_participants, set_summary


def snapshot():
    return (
        sorted(Organisation.objects.values_list("slug", "name")),
        sorted(User.objects.values_list("email", "name", "password")),
        sorted(
            Membership.objects.values_list(
                "user__email",
                "organisation__slug",
                "is_admin",
                "is_sponsor",
                "is_facilitator",
                "is_participant",
            )
        ),
        Invitation.objects.count(),
        sorted(Participant.objects.values_list("email", "manager__email", "department")),
        sorted(
            SetMembership.objects.values_list(
                "learning_set__programme__name",
                "learning_set__name",
                "participant__email",
                "joined_on",
            )
        ),
        sorted(GroundRules.objects.values_list("learning_set__name", "version")),
        GroundRulesAcceptance.objects.count(),
        sorted(FacilitationPeriod.objects.values_list("learning_set__name", "mode", "starts_on")),
    )


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = snapshot()
    call_command("load_demo", stdout=StringIO())
    assert snapshot() == first
    assert len(first[0]) == 2


@pytest.mark.django_db
def test_the_printed_logins_cover_every_role_of_both_organisations_and_work():
    out = StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert f"Every demo password is: {PASSWORD}" in text
    for demo_org in ORGANISATIONS:
        organisation = Organisation.objects.get(slug=demo_org.slug)
        for role in (Role.ADMIN, Role.SPONSOR, Role.FACILITATOR, Role.PARTICIPANT):
            line = next(
                line
                for line in text.splitlines()
                if demo_org.name in line and str(role.label) in line
            )
            email = line.split()[-1]
            client = Client()
            response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
            assert response.status_code == 302, email
            membership = Membership.objects.get(user__email=email, organisation=organisation)
            assert membership.has_role(role)
            assert client.get(f"/o/{demo_org.slug}/").status_code == 200


@pytest.mark.django_db
def test_the_coach_works_for_both_organisations():
    call_command("load_demo", stdout=StringIO())
    coach = User.objects.get(email="tom.okafor@coaching.example")
    assert set(coach.memberships.values_list("organisation__slug", flat=True)) == {
        "northbridge",
        "kestrel",
    }


@pytest.mark.django_db
def test_each_organisation_shows_single_sign_on_filled_in_as_an_example_not_enabled():
    call_command("load_demo", stdout=StringIO())
    admin = Membership.objects.filter(organisation__slug="northbridge", is_admin=True).first()
    client = Client()
    client.force_login(admin.user)
    page = client.get("/o/northbridge/settings/sign-on/").content.decode()
    assert "https://login.northbridge.example/" in page
    assert "Saved, not enabled" in page and "Programme office = admin" in page
    assert not SignOn.objects.filter(enabled=True).exists()
    assert not SocialApp.objects.exists()  # nothing for allauth to send anyone to


@pytest.mark.django_db
def test_the_logistics_company_runs_three_sets_that_tell_the_story():
    call_command("load_demo", stdout=StringIO())
    sets = LearningSet.objects.filter(programme__organisation__slug="northbridge").order_by("name")
    assert [s.name for s in sets] == ["Compass", "Harbour", "Summit"]
    for learning_set in sets:
        summary = set_summary(learning_set)
        assert len(summary.members) == 5
        # Nobody shares a set with their manager.
        emails = {m.participant.email for m in summary.members}
        assert all(
            m.participant.manager is None or m.participant.manager.email not in emails
            for m in summary.members
        )
    harbour = set_summary(sets.get(name="Harbour"))
    assert harbour.ground_rules is not None and harbour.ground_rules.version == 2
    assert [p.name for p in harbour.not_accepted] == ["Fatima Noor"]
    assert harbour.mode is not None and harbour.mode.mode == FacilitationMode.SELF_FACILITATING
    assert harbour.mode.member_facilitator is not None
    # The sponsor is the Commercial Director's role in the story; she sees the programme.
    client = Client()
    client.post(
        "/accounts/login/", {"login": "margaret.holloway@northbridge.example", "password": PASSWORD}
    )
    page = client.get(f"/o/northbridge/programmes/{sets[0].programme_id}/")
    assert b"Harbour" in page.content and b"Compass" in page.content


@pytest.mark.django_db
def test_a_newcomer_can_form_the_next_cohort_s_sets_as_its_facilitator(
    django_capture_on_commit_callbacks,
):
    out = StringIO()
    call_command("load_demo", stdout=out)
    email = "elena.marsh@northbridge.example"
    assert f"To form the sets of Leading Across Functions 2027, sign in as {email}." in (
        out.getvalue()
    )
    programme = Programme.objects.get(name="Leading Across Functions 2027")
    assert programme.starts_on > programme.organisation.today()  # about to start
    free = list(free_participants(programme))
    assert len(free) == 40
    assert {p.department for p in free} >= {"Warehousing", "Finance", "IT", "HR"}
    assert len({p.site for p in free}) == 4 and len({p.job_level for p in free}) == 3
    assert sum(1 for p in free if p.manager_id) >= 25  # managers and reports among them

    client = Client()
    client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    home = client.get("/o/northbridge/").content.decode()
    tool = f"/o/northbridge/programmes/{programme.pk}/formation/"
    assert f'href="{tool}"' in home
    assert "40 people in the pool" in client.get(tool).content.decode()
    data = {"pool": "free", "sets": 8, "lower": 4, "upper": 6, "seconds": 1, "seed": 1}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(tool, {**data, "avoid_repeats": "on", "isolation": "site"})
    run = FormationRun.objects.get(programme=programme)
    assert response["Location"] == run.get_absolute_url() and run.status == FormationRun.Status.DONE
    where = {pk: g for g, group in enumerate(run.groups) for pk in group}
    assert all(where[p.pk] != where[p.manager_id] for p in free if p.manager_id in where)

    source = next(g for g, group in enumerate(run.groups) if len(group) > 4)
    target = next(g for g, group in enumerate(run.groups) if len(group) < 6 and g != source)
    person = run.groups[source][0]
    client.post(f"{run.get_absolute_url()}move/", {"participant": person, "to_set": target + 1})
    run.refresh_from_db()
    assert person in run.groups[target]
    accept = {f"name_{n}": f"Cohort {n}" for n in range(1, 9)}
    elena = User.objects.get(email=email)
    accept.update({f"facilitator_{n}": str(elena.pk) for n in range(1, 9)})
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"{run.get_absolute_url()}accept/", accept)
    assert page.status_code == 302
    assert programme.sets.count() == 8
    assert not free_participants(programme).exists()


@pytest.mark.django_db
def test_every_set_has_meetings_past_and_next_with_real_answers():
    call_command("load_demo", stdout=StringIO())
    now = timezone.now()
    for learning_set in LearningSet.objects.exclude(programme__name__endswith="2027"):
        meetings = list(learning_set.meetings.all())
        past = [m for m in meetings if m.starts_at < now]
        upcoming = [m for m in meetings if m.starts_at > now]
        assert len(past) >= 4, learning_set
        assert all(m.attendance.count() == 5 and m.rsvps.count() == 5 for m in past)
        assert all(m.attendance.filter(present=False).count() == 1 for m in past)
        if learning_set.name == "Summit":  # its next meeting starts minutes from now
            today = upcoming.pop(0)
            assert today.takes_attendance and today.rsvps.count() == 5
        assert upcoming[0].starts_at - now < timedelta(days=4)  # the next is days away
        assert upcoming[0].rsvps.count() == 3
        assert upcoming[0].local_start.strftime("%H:%M") == "09:30"
    # Invitations count as sent already, so the first sweep does not flood anyone's inbox: it
    # sends only the notes about open actions before the next meeting, one per member at most.
    before = Notice.objects.count()
    call_command("sweep", stdout=StringIO())
    new = Notice.objects.filter(sent_at__gte=now)
    assert set(new.values_list("kind", flat=True)) <= {"prepare"}
    assert Notice.objects.exclude(kind="prepare").count() == before
    assert new.count() <= SetMembership.objects.filter(left_on=None).count()
    snapshot_meetings = sorted(Meeting.objects.values_list("learning_set__name", "starts_at"))
    call_command("load_demo", stdout=StringIO())
    assert sorted(Meeting.objects.values_list("learning_set__name", "starts_at")) == (
        snapshot_meetings
    )


@pytest.mark.django_db
def test_one_set_s_next_meeting_is_ready_to_run_on_the_console(client):
    call_command("load_demo", stdout=StringIO())
    meeting = LiveMeeting.objects.get().meeting
    assert meeting.learning_set.name == "Summit" and meeting.takes_attendance
    coach = User.objects.get(email="tom.okafor@coaching.example")
    client.force_login(coach)
    home = client.get("/o/northbridge/").content.decode()
    console = f"/o/northbridge/meetings/{meeting.pk}/console/"
    assert console in home  # "Run it now" on the coach's home page
    board = client.get(console).context["board"]
    assert [s.name for s in board.steps][:2] == ["Check-in and report-backs", "Bids for airtime"]
    assert len(board.bids) == 2
    assert all(c.open_actions for c in board.check_in)  # everyone has an action to report on
    response = client.post(
        f"{console}clock/", {"version": board.version, "operation": "start"}, follow=True
    )
    assert response.context["board"].running


@pytest.mark.django_db
def test_every_set_has_six_months_of_the_cycle():
    call_command("load_demo", stdout=StringIO())
    for learning_set in LearningSet.objects.exclude(programme__name__endswith="2027"):
        members = learning_set.memberships.filter(left_on=None).count()
        # A challenge each, and a second for whoever resolved their first.
        found = Challenge.objects.filter(learning_set=learning_set)
        assert found.exclude(status="resolved").count() == members
        outcomes = set(
            ReportBack.objects.filter(action__challenge__learning_set=learning_set).values_list(
                "outcome", flat=True
            )
        )
        assert outcomes == {"done", "partly", "not"}, learning_set
        assert Action.objects.filter(
            challenge__learning_set=learning_set, carried_from__isnull=False
        ).exists()
        assert Action.objects.filter(challenge__learning_set=learning_set, status="open").exists()
        shared = Reflection.objects.filter(learning_set=learning_set, shared_at__isnull=False)
        private = Reflection.objects.filter(learning_set=learning_set, shared_at__isnull=True)
        assert shared.exists() and private.exists()
        assert ProcessNote.objects.filter(meeting__learning_set=learning_set).exists()
    assert Challenge.objects.filter(status="resolved").exists()


@pytest.mark.django_db
def test_the_logistics_company_s_roi_is_believable_and_conservative(client):
    call_command("load_demo", stdout=StringIO())
    programme = Programme.objects.get(name="Leading Across Functions 2026")
    client.force_login(User.objects.get(email="margaret.holloway@northbridge.example"))
    roi = client.get(f"/o/northbridge/programmes/{programme.pk}/roi/").context["roi"]
    reasons = {line.reason for line in roi.report.lines if line.reason}
    assert {"rejected by the sponsor", "not verified", "extreme (the programme's rule)"} <= reasons
    assert any(line.outcome == "counted as zero" for line in roi.report.lines)
    assert not roi.benefits.hidden and 0 < roi.bcr.value < 3  # a return, and a modest one
    assert roi.costs.uncosted_people == 0 and roi.costs.total > 20000  # time is costed too
    assert roi.report.claimed > 10 * roi.report.benefits  # what was claimed, and what counts


@pytest.mark.django_db
def test_the_demo_tells_the_evidence_story_and_the_sweep_opens_what_is_due(client):
    call_command("load_demo", stdout=StringIO())
    northbridge = Programme.objects.get(name="Leading Across Functions 2026")
    client.force_login(User.objects.get(email="margaret.holloway@northbridge.example"))
    dash = client.get(f"/o/northbridge/programmes/{northbridge.pk}/dashboard/").context["dash"]
    rounds = [value for _period, value in dash.climate.shown]
    assert len(rounds) >= 2 and rounds[-1] > rounds[0]  # trust rising between the surveys
    outcomes = {line.label: line for line in dash.outcomes}
    # Two promotions and an award of the programme's people: said as "fewer than 5", never
    # as a count that points at the two, or the one.
    for kind in ("Promotion", "Award"):
        assert outcomes[kind].cell.hidden and "fewer than 5 of the" in outcomes[kind].cell.reason
    assert outcomes["Promotion"].baseline is not None
    assert not dash.roi.benefits.hidden  # and the savings
    kestrel = Programme.objects.get(name="Steadying the Ship")
    client.force_login(
        User.objects.get(memberships__organisation__slug="kestrel", memberships__is_sponsor=True)
    )
    steady = client.get(f"/o/kestrel/programmes/{kestrel.pk}/dashboard/").context["dash"]
    values = [value for _period, value in steady.climate.shown]
    assert len(values) >= 2 and abs(values[-1] - values[0]) < 1  # steadying, not leaping
    # What is open now is the sweep's: it opens it with invitations, once.
    opened = open_due(now=timezone.now())
    assert opened > 0 and SurveyNotice.objects.filter(kind="invitation").exists()
    assert open_due(now=timezone.now()) == 0


@pytest.mark.django_db
def test_each_demo_member_writes_in_their_own_words(client):
    """No two people share a challenge, an action, a report-back or a reflection, so that a
    newcomer (and every leak test) can tell who wrote what; and a member whose challenge is
    resolved has brought a new one for their open action."""
    call_command("load_demo", stdout=StringIO())
    texts: dict[str, set[int]] = defaultdict(set)
    for text, owner in Challenge.objects.values_list("statement", "owner_id"):
        texts[text].add(owner)
    for text, owner in Action.objects.values_list("text", "challenge__owner_id"):
        texts[text].add(owner)
    for text, owner in ReportBack.objects.values_list(
        "what_happened", "action__challenge__owner_id"
    ):
        texts[text].add(owner)
    for text, owner in Reflection.objects.values_list("text", "author_id"):
        texts[text].add(owner)
    shared = {text: owners for text, owners in texts.items() if len(owners) > 1}
    assert not shared, shared
    for person in Participant.objects.filter(challenges__status="resolved").distinct():
        assert person.challenges.exclude(status="resolved").exists()
        client.force_login(person.user)
        home = client.get(f"/o/{person.organisation.slug}/").content.decode()
        assert "Bring a challenge to your set" not in home
