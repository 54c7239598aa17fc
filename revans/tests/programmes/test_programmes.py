"""Programmes, sets, membership history, facilitation over time and ground rules."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from revans.accounts.models import Invitation, Role
from revans.programmes import services
from revans.programmes.models import (
    FacilitationMode,
    GroundRules,
    GroundRulesAcceptance,
    LearningSet,
    Participant,
    Programme,
    SetMembership,
)
from revans.tests.impact.test_claim_notices import claim
from revans.tests.world import make_member, make_user, today


def pool(world, n: int, prefix: str = "p") -> list[Participant]:
    return [
        Participant.objects.create(
            organisation=world.org, email=f"{prefix}{i}@acme.test", name=f"Person {i}"
        )
        for i in range(n)
    ]


PROGRAMME_FORM = {
    "name": "Managers 2027",
    "purpose": "Cross-functional problem solving",
    "starts_on": today(35),
    "ends_on": today(300),
    "cadence_weeks": 4,
    "meeting_minutes": 240,
    "min_set_size": 4,
    "max_set_size": 6,
    "currency": "eur",
    "reminder_days": "2",
    "quorum_percent": "50",
    "ground_rules": "Confidentiality first.\nQuestions, not advice.",
}


def test_sponsor_creates_a_programme(client, world):
    client.force_login(world.sponsor)
    response = client.post("/o/acme/programmes/new/", PROGRAMME_FORM)
    programme = Programme.objects.get(name="Managers 2027")
    assert response.url == programme.get_absolute_url()
    assert programme.organisation == world.org
    assert programme.currency == "EUR"
    assert (programme.min_set_size, programme.max_set_size) == (4, 6)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"min_set_size": 7, "max_set_size": 5}, b"cannot be smaller than the smallest"),
        ({"min_set_size": 1}, b"greater than or equal to 2"),
        ({"max_set_size": 13}, b"less than or equal to 12"),
        ({"ends_on": today(34)}, b"cannot end before it starts"),
        ({"currency": "12A"}, b"three-letter currency code"),
        ({"name": ""}, b"This field is required"),
    ],
)
def test_bad_programme_input_is_refused_and_nothing_is_saved(client, world, changes, message):
    client.force_login(world.admin)
    response = client.post("/o/acme/programmes/new/", {**PROGRAMME_FORM, **changes})
    assert response.status_code == 200
    assert message in response.content
    assert not Programme.objects.filter(name="Managers 2027").exists()


def test_set_bounds_cannot_shrink_below_a_current_set(client, world):
    client.force_login(world.admin)
    for person in pool(world, 3):
        SetMembership.objects.create(learning_set=world.set_a, participant=person)  # 5 members now
    data = {
        **PROGRAMME_FORM,
        "name": "Leaders",
        "starts_on": world.programme.starts_on,
        "ends_on": world.programme.ends_on,
    }
    data.update(min_set_size=2, max_set_size=4)
    response = client.post(f"/o/acme/programmes/{world.programme.pk}/edit/", data)
    assert b"already has 5 members" in response.content
    world.programme.refresh_from_db()
    assert world.programme.max_set_size == 6


def test_set_creation_needs_a_facilitator_with_the_role(client, world):
    client.force_login(world.sponsor)
    url = f"/o/acme/programmes/{world.programme.pk}/sets/new/"
    response = client.post(url, {"name": "Set C", "facilitators": [world.participant.pk]})
    assert b"Select a valid choice" in response.content
    response = client.post(url, {"name": "Set C"})
    assert b"Choose at least one facilitator" in response.content
    assert not LearningSet.objects.filter(name="Set C").exists()
    response = client.post(url, {"name": "Set C", "facilitators": [world.facilitator.pk]})
    learning_set = LearningSet.objects.get(name="Set C")
    assert response.url == learning_set.get_absolute_url()
    # It starts facilitated, with the programme's ground rules as version 1.
    assert learning_set.periods.get().mode == FacilitationMode.FACILITATED
    assert learning_set.ground_rules.get().text == world.programme.ground_rules


def test_adding_a_member_invites_them_once(client, world, django_capture_on_commit_callbacks):
    rae = Participant.objects.get(email="rae@acme.test")
    client.force_login(world.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/o/acme/sets/{world.set_a.pk}/members/add/",
            {"participant": rae.pk, "joined_on": today(-30), "reason": "Joined late"},
        )
    assert response.status_code == 302
    membership = world.set_a.memberships.get(participant=rae)
    assert (membership.joined_on, membership.join_reason) == (today(-30), "Joined late")
    invitation = Invitation.objects.get(email="rae@acme.test")
    assert invitation.roles == [Role.PARTICIPANT]
    invited = [m.to for m in mail.outbox if "invited you" in m.body]
    assert invited == [["rae@acme.test"]]
    # The set is told who joined (not the facilitator who added her).
    told = sorted(m.to[0] for m in mail.outbox if "Rae Pool joins Set A" in m.subject)
    assert told == ["pat@acme.test", "quinn@acme.test"]


def test_an_existing_member_is_not_invited_again(world):
    services.set_member_leave(
        membership=world.set_a.memberships.get(participant__email=world.participant.email),
        left_on=today(),
        reason="Moving",
    )
    person = Participant.objects.get(email=world.participant.email)
    services.set_member_add(
        learning_set=world.set_b,
        participant=person,
        joined_on=today(),
        reason="",
        by=world.admin,
    )
    assert not Invitation.objects.filter(email=world.participant.email).exists()


def test_a_full_set_refuses_another_member(client, world):
    for person in pool(world, 4):
        SetMembership.objects.create(learning_set=world.set_a, participant=person)  # 6 members
    rae = Participant.objects.get(email="rae@acme.test")
    client.force_login(world.admin)
    response = client.post(
        f"/o/acme/sets/{world.set_a.pk}/members/add/",
        {"participant": rae.pk, "joined_on": today(-30)},
    )
    assert b"already has 6 members, the most this programme allows" in response.content
    assert not world.set_a.memberships.filter(participant=rae).exists()
    assert not Invitation.objects.exists()


def test_one_current_set_per_programme(world):
    person = Participant.objects.get(email=world.participant.email)
    with pytest.raises(ValidationError, match=r"already in Set A\. Move them instead"):
        services.set_member_add(
            learning_set=world.set_b,
            participant=person,
            joined_on=today(),
            reason="",
            by=world.admin,
        )


def test_a_move_keeps_the_history(client, world):
    membership = world.set_a.memberships.get(participant__email=world.participant2.email)
    client.force_login(world.admin)
    response = client.post(
        f"/o/acme/sets/{world.set_a.pk}/members/{membership.pk}/move/",
        {"to_set": world.set_b.pk, "on": today(), "reason": ""},
    )
    assert response.status_code == 302
    history = SetMembership.objects.filter(participant__email=world.participant2.email).order_by(
        "pk"
    )
    assert [(m.learning_set.name, m.left_on, m.leave_reason or m.join_reason) for m in history] == [
        ("Set A", today(), "Moved to Set B"),
        ("Set B", None, "Moved from Set A"),
    ]
    page = client.get(f"/o/acme/sets/{world.set_a.pk}/")
    assert b"Moved to Set B" in page.content  # the history stays on the old set


def test_leaving_needs_a_reason_and_keeps_the_record(client, world):
    membership = world.set_a.memberships.get(participant__email=world.participant2.email)
    client.force_login(world.facilitator)
    url = f"/o/acme/sets/{world.set_a.pk}/members/{membership.pk}/leave/"
    assert b"This field is required" in client.post(url, {"left_on": today()}).content
    client.post(url, {"left_on": today(), "reason": "Left the company"})
    membership.refresh_from_db()
    assert (membership.left_on, membership.leave_reason) == (today(), "Left the company")
    # A leaver's past in the set is kept, attributed as it was.
    assert SetMembership.objects.filter(
        pk=membership.pk, participant__name="Quinn Participant"
    ).exists()


def test_a_set_below_the_minimum_is_flagged_everywhere(client, world):
    client.force_login(world.admin)
    warning = b"2 of at least 4 members"
    assert warning in client.get(f"/o/acme/programmes/{world.programme.pk}/").content
    assert warning in client.get(f"/o/acme/sets/{world.set_a.pk}/").content
    client.force_login(world.facilitator)
    assert warning in client.get("/o/acme/").content
    client.force_login(world.participant)
    assert warning in client.get("/o/acme/").content


def test_facilitation_fades_and_the_history_is_kept(client, world):
    client.force_login(world.facilitator)
    url = f"/o/acme/sets/{world.set_a.pk}/mode/"
    member = Participant.objects.get(email=world.participant.email)
    response = client.post(url, {"mode": FacilitationMode.SELF_FACILITATING, "starts_on": today(3)})
    assert b"Choose the member who facilitates" in response.content
    client.post(
        url,
        {
            "mode": FacilitationMode.CO_FACILITATED,
            "starts_on": today(),
            "note": "Pat co-facilitates",
        },
    )
    client.post(
        url,
        {
            "mode": FacilitationMode.SELF_FACILITATING,
            "starts_on": today(3),
            "member_facilitator": member.pk,
        },
    )
    modes = list(world.set_a.periods.values_list("mode", "starts_on"))
    assert modes == [
        (FacilitationMode.FACILITATED, world.set_a.periods.first().starts_on),
        (FacilitationMode.CO_FACILITATED, today()),
        (FacilitationMode.SELF_FACILITATING, today(3)),
    ]
    response = client.post(url, {"mode": FacilitationMode.FACILITATED, "starts_on": today(2)})
    assert b"cannot start before the current one" in response.content
    assert world.set_a.periods.count() == 3


def test_a_set_keeps_at_least_one_facilitator(client, world):
    client.force_login(world.admin)
    only = world.set_a.facilitations.get()
    response = client.post(
        f"/o/acme/sets/{world.set_a.pk}/facilitators/{only.pk}/end/", follow=True
    )
    assert b"keeps at least one facilitator" in response.content
    coach = make_user("coach@acme.test", "Cora Coach")
    make_member(world.org, coach, Role.FACILITATOR)
    client.post(f"/o/acme/sets/{world.set_a.pk}/facilitators/add/", {"user": coach.pk})
    client.post(f"/o/acme/sets/{world.set_a.pk}/facilitators/{only.pk}/end/")
    only.refresh_from_db()
    assert only.until is not None
    assert list(
        world.set_a.facilitations.filter(until=None).values_list("user__email", flat=True)
    ) == ["coach@acme.test"]


def test_ground_rules_versions_and_acceptance(client, world):
    client.force_login(world.participant)
    page = client.get(f"/o/acme/sets/{world.set_a.pk}/")
    assert b"Confidentiality" in page.content
    assert b"I accept these ground rules" in page.content
    client.post(f"/o/acme/sets/{world.set_a.pk}/ground-rules/accept/")
    v1 = world.set_a.ground_rules.get()
    assert GroundRulesAcceptance.objects.filter(
        ground_rules=v1, participant__email=world.participant.email
    ).exists()
    assert b"You have accepted" in client.get(f"/o/acme/sets/{world.set_a.pk}/").content

    # The facilitator sees who has not accepted, then changes the rules: a new version.
    client.force_login(world.facilitator)
    page = client.get(f"/o/acme/sets/{world.set_a.pk}/")
    assert b"Not yet accepted:</strong> Quinn Participant" in page.content
    client.post(
        f"/o/acme/sets/{world.set_a.pk}/ground-rules/", {"text": v1.text + "\nPhones away."}
    )
    assert list(
        GroundRules.objects.filter(learning_set=world.set_a).values_list("version", flat=True)
    ) == [2, 1]
    page = client.get(f"/o/acme/sets/{world.set_a.pk}/")
    assert b"Pat Participant, Quinn Participant" in page.content  # both must accept v2

    # The old acceptance stays on record, with its time.
    assert v1.acceptances.get().accepted_at is not None


def test_unchanged_ground_rules_make_no_new_version(client, world):
    client.force_login(world.facilitator)
    text = world.set_a.ground_rules.get().text
    response = client.post(f"/o/acme/sets/{world.set_a.pk}/ground-rules/", {"text": text})
    assert b"Nothing changed" in response.content
    assert world.set_a.ground_rules.count() == 1


def test_a_participant_sees_names_and_rules_but_cannot_manage(client, world):
    client.force_login(world.participant)
    page = client.get(f"/o/acme/sets/{world.set_a.pk}/")
    assert b"Quinn Participant" in page.content
    assert b"Fay Facilitator" in page.content
    assert b"Membership history" not in page.content
    assert b"Add a member" not in page.content
    assert client.get(f"/o/acme/sets/{world.set_a.pk}/members/add/").status_code == 403


@pytest.mark.parametrize("actor", ["facilitator", "participant"])
def test_people_outside_a_set_cannot_see_it(client, world, actor):
    # Set B has its own facilitator and no members from the world.
    client.force_login(world.actors[actor])
    assert client.get(f"/o/acme/sets/{world.set_b.pk}/").status_code == 404
    assert client.get(f"/o/acme/sets/{world.set_b.pk}/members/add/").status_code == 404
    accept = client.post(f"/o/acme/sets/{world.set_b.pk}/ground-rules/accept/")
    # Only participants accept ground rules at all; a participant outside the set finds nothing.
    assert accept.status_code == (404 if actor == "participant" else 403)


def test_a_left_member_loses_the_set(client, world):
    membership = world.set_a.memberships.get(participant__email=world.participant.email)
    services.set_member_leave(membership=membership, left_on=today(), reason="Left")
    client.force_login(world.participant)
    assert client.get(f"/o/acme/sets/{world.set_a.pk}/").status_code == 404


def test_an_invited_pool_member_finds_their_set_after_accepting(
    client, world, django_capture_on_commit_callbacks
):
    from revans.accounts import services as account_services

    rae = Participant.objects.get(email="rae@acme.test")
    services.set_member_add(
        learning_set=world.set_a,
        participant=rae,
        joined_on=today(),
        reason="",
        by=world.admin,
    )
    invitation = Invitation.objects.get(email="rae@acme.test")
    response = client.post(
        f"/invitations/{account_services.invitation_token(invitation)}/",
        {
            "name": "Rae Pool",
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
        },
    )
    assert response.url == "/o/acme/"
    home = client.get("/o/acme/")
    assert b"Set A" in home.content
    assert client.get(f"/o/acme/sets/{world.set_a.pk}/").status_code == 200


def test_nobody_joins_a_set_unseen(client, world, django_capture_on_commit_callbacks):
    """An admin who makes themselves a facilitator and adds themselves to a set is shown on the
    set page as added by them, and the set's members and facilitators are emailed; the admin
    reads none of the set's earlier process notes (test_cycle)."""
    world.set_a.name = "R&D"
    world.set_a.save()
    client.force_login(world.admin)
    admin = world.membership(world.admin)
    client.post(f"/o/acme/members/{admin.pk}/", {"roles": ["admin", "facilitator"]})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/o/acme/sets/{world.set_a.pk}/facilitators/add/", {"user": world.admin.pk}
        )
    assert response.status_code == 302
    told = sorted(m.to[0] for m in mail.outbox)
    assert told == ["fay@acme.test", "pat@acme.test", "quinn@acme.test"]
    message = mail.outbox[0]
    assert message.subject.endswith("Ada Admin now facilitates R&D")
    assert "Ada Admin added Ada Admin as a facilitator of R&D" in message.body
    page = client.get(f"/o/acme/sets/{world.set_a.pk}/").content.decode()
    assert "added by Ada Admin" in page


def test_the_home_lists_programmes_running_or_to_come_and_any_with_claims_to_verify(client, world):
    now = world.org.today()
    ended = Programme.objects.create(
        organisation=world.org,
        name="zqx-ended",
        starts_on=now - timedelta(days=400),
        ends_on=now - timedelta(days=30),
    )
    client.force_login(world.sponsor)
    home = client.get("/o/acme/").content.decode()
    assert world.programme.name in home and "zqx-ended" not in home
    assert "zqx-ended" in client.get("/o/acme/programmes/").content.decode()
    claim(world)  # in set A, which now belongs to the ended programme; Leaders has ended too
    world.set_a.programme = ended
    world.set_a.save()
    Programme.objects.filter(pk=world.programme.pk).update(ends_on=now - timedelta(days=1))
    home = client.get("/o/acme/").content.decode()
    assert "zqx-ended" in home and "1 claim to verify" in home
    assert world.programme.name not in home.split('id="programmes"')[1].split("</ul>")[0]
