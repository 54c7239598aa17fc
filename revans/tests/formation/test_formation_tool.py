"""The facilitator's set-formation tool: ask, get a proposal, move people by hand, accept."""

import pytest
from django.core.exceptions import ValidationError

from revans.domain.formation.diversity import isolated
from revans.formation.models import FormationRun
from revans.formation.tasks import run_formation
from revans.programmes import services as programme_services
from revans.programmes.models import LearningSet, Participant
from revans.tests.world import finished_run

DEPARTMENTS = ["Ops", "Finance", "IT", "Sales"]
SITES = ["Leeds", "York", "Hull"]


@pytest.fixture
def pool(world):
    """Twelve more people, with a manager and their two reports among them."""
    people = [
        Participant.objects.create(
            organisation=world.org,
            email=f"p{i}@acme.test",
            name=f"Person {i:02d}",
            department=DEPARTMENTS[i % 4],
            site=SITES[i % 3],
            job_level=str(1 + i % 4),
            attributes={"gender": "F" if i % 2 else "M"},
        )
        for i in range(12)
    ]
    for report in people[1:3]:
        report.manager = people[0]
        report.save()
    return people  # with Rae, 13 people are in no set of the programme


def form_data(**overrides):
    data = {
        "pool": "unplaced",
        "sets": "3",
        "lower": "4",
        "upper": "5",
        "avoid_repeats": "on",
        "isolation": "",
        "apart": "",
        "together": "",
        "seconds": "1",
        "seed": "3",
        "weight_department": "3",
        "prefer_department": "different",
        "weight_site": "2",
        "prefer_site": "different",
        "weight_job_level": "1",
        "prefer_job_level": "different",
        "weight_attr__gender": "1",
        "prefer_attr__gender": "different",
    }
    data.update(overrides)
    return data


def propose(client, world, django_capture_on_commit_callbacks, **overrides) -> FormationRun:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/o/acme/programmes/{world.programme.pk}/formation/", form_data(**overrides)
        )
    run = FormationRun.objects.latest("pk")
    assert response.url == f"/o/acme/programmes/{world.programme.pk}/formation/{run.pk}/"
    run.refresh_from_db()
    return run


def test_a_facilitator_forms_sets_moves_someone_and_accepts(
    client, world, pool, django_capture_on_commit_callbacks
):
    client.force_login(world.facilitator)
    run = propose(client, world, django_capture_on_commit_callbacks)
    assert run.status == FormationRun.Status.DONE
    assert run.solver_version and run.seed == 3 and run.inputs["sets"] == 3
    placed = sorted(pk for group in run.groups for pk in group)
    assert placed == sorted(run.inputs["people"]) and len(placed) == 13
    assert all(4 <= len(group) <= 5 for group in run.groups)
    boss = pool[0].pk
    boss_set = next(g for g in run.groups if boss in g)
    assert pool[1].pk not in boss_set and pool[2].pk not in boss_set  # manager apart from reports
    assert run.objective > run.random_objective  # better than chance

    page = client.get(f"/o/acme/programmes/{world.programme.pk}/formation/{run.pk}/")
    assert b"Gain over chance" in page.content
    assert b"Department" in page.content  # the breakdown by attribute
    assert b"Move Person 00 to" in page.content  # the keyboard-usable control

    # Move the manager in with a report: allowed, and flagged.
    report_set = next(i for i, g in enumerate(run.groups, start=1) if pool[1].pk in g)
    client.post(
        f"/o/acme/programmes/{world.programme.pk}/formation/{run.pk}/move/",
        {"participant": boss, "to_set": report_set},
    )
    run.refresh_from_db()
    assert boss in run.groups[report_set - 1]
    assert run.solved_groups != run.groups  # what the solver proposed is kept beside the edit
    page = client.get(f"/o/acme/programmes/{world.programme.pk}/formation/{run.pk}/")
    assert b"Person 00 and Person 01 should be in different sets." in page.content

    # Move back, then accept: three sets with their members.
    origin = next(i for i, g in enumerate(run.solved_groups, start=1) if boss in g)
    client.post(
        f"/o/acme/programmes/{world.programme.pk}/formation/{run.pk}/move/",
        {"participant": boss, "to_set": origin},
    )
    accept = {f"name_{n}": f"Team {n}" for n in (1, 2, 3)}
    accept.update({f"facilitator_{n}": str(world.facilitator.pk) for n in (1, 2, 3)})
    response = client.post(
        f"/o/acme/programmes/{world.programme.pk}/formation/{run.pk}/accept/", accept
    )
    assert response.url == "/o/acme/"  # a facilitator has no programme page: home, with the sets
    run.refresh_from_db()
    assert run.status == FormationRun.Status.ACCEPTED
    for n, group in enumerate(run.groups, start=1):
        learning_set = LearningSet.objects.get(programme=world.programme, name=f"Team {n}")
        members = sorted(learning_set.memberships.values_list("participant_id", flat=True))
        assert members == sorted(group)


def test_sizes_that_cannot_work_are_refused_before_running(client, world, pool):
    client.force_login(world.sponsor)
    response = client.post(
        f"/o/acme/programmes/{world.programme.pk}/formation/", form_data(sets="5")
    )
    assert b"13 people do not make 5 sets of 4 to 5." in response.content
    assert not FormationRun.objects.exists()


def test_contradictory_rules_fail_with_a_reason(
    client, world, pool, django_capture_on_commit_callbacks
):
    client.force_login(world.admin)
    pair = "p3@acme.test, p4@acme.test"
    run = propose(client, world, django_capture_on_commit_callbacks, apart=pair, together=pair)
    assert run.status == FormationRun.Status.FAILED
    page = client.get(f"/o/acme/programmes/{world.programme.pk}/formation/{run.pk}/")
    assert (
        b"Person 03 and Person 04 must be kept apart, but the keep-together rules" in page.content
    )


def test_an_unknown_email_in_a_rule_is_refused(client, world, pool):
    client.force_login(world.admin)
    response = client.post(
        f"/o/acme/programmes/{world.programme.pk}/formation/",
        form_data(apart="p1@acme.test, ghost@acme.test"),
    )
    assert b"Line 1: give two emails of people in this pool" in response.content
    assert not FormationRun.objects.exists()


def test_nobody_is_left_alone_where_it_can_be_helped(
    client, world, pool, django_capture_on_commit_callbacks
):
    client.force_login(world.admin)
    run = propose(client, world, django_capture_on_commit_callbacks, isolation="site")
    sites = {p.pk: p.site or None for p in Participant.objects.filter(organisation=world.org)}
    people = [pk for group in run.groups for pk in group]
    lonely = isolated([sites[pk] for pk in people], _positions(run.groups))
    # Three sites spread over three sets of four or five: nobody needs to be alone.
    assert lonely == []
    page = client.get(f"/o/acme/programmes/{world.programme.pk}/formation/{run.pk}/")
    assert b"is the only one with" not in page.content
    # A move that leaves someone alone is flagged.
    group = run.groups[0]
    by_site: dict[str | None, list[int]] = {}
    for pk in group:
        by_site.setdefault(sites[pk], []).append(pk)
    pair = next(members for site, members in by_site.items() if site and len(members) == 2)
    client.post(
        f"/o/acme/programmes/{world.programme.pk}/formation/{run.pk}/move/",
        {"participant": pair[0], "to_set": 2},
    )
    page = client.get(f"/o/acme/programmes/{world.programme.pk}/formation/{run.pk}/")
    assert b"is the only one with" in page.content


def _positions(groups):
    positions, k = [], 0
    for group in groups:
        positions.append(list(range(k, k + len(group))))
        k += len(group)
    return positions


def test_a_run_can_be_stopped_before_it_starts(client, world, pool):
    run = FormationRun.objects.create(
        programme=world.programme,
        created_by=world.admin,
        inputs={"people": [pool[0].pk]},
        seconds=1,
    )
    client.force_login(world.facilitator)
    client.post(f"/o/acme/programmes/{world.programme.pk}/formation/{run.pk}/cancel/")
    run.refresh_from_db()
    assert run.status == FormationRun.Status.CANCELLED and run.cancel_requested
    run_formation.call(run.pk)  # the worker picks it up later and leaves it alone
    run.refresh_from_db()
    assert run.status == FormationRun.Status.CANCELLED and run.groups is None


def test_a_participant_cannot_use_the_tool(client, world):
    client.force_login(world.participant)
    assert client.get(f"/o/acme/programmes/{world.programme.pk}/formation/").status_code == 403


def test_accepting_a_proposal_that_breaks_the_size_limit_creates_nothing(
    client, world, pool, django_capture_on_commit_callbacks
):
    client.force_login(world.admin)
    run = propose(client, world, django_capture_on_commit_callbacks, sets="2", upper="7")
    full = max(range(2), key=lambda g: len(run.groups[g]))
    for person in list(run.groups[1 - full])[:1]:  # make one set 8 strong: over the programme's 6
        client.post(
            f"/o/acme/programmes/{world.programme.pk}/formation/{run.pk}/move/",
            {"participant": person, "to_set": full + 1},
        )
    accept = {
        "name_1": "One",
        "name_2": "Two",
        "facilitator_1": world.facilitator.pk,
        "facilitator_2": world.facilitator.pk,
    }
    response = client.post(
        f"/o/acme/programmes/{world.programme.pk}/formation/{run.pk}/accept/", accept
    )
    assert b"the most this programme allows" in response.content
    assert not LearningSet.objects.filter(name__in=["One", "Two"]).exists()


def test_pinned_people_stay_in_their_set(client, world, pool, django_capture_on_commit_callbacks):
    client.force_login(world.admin)
    run = propose(
        client, world, django_capture_on_commit_callbacks, pinned="p5@acme.test, 2\np6@acme.test, 2"
    )
    assert pool[5].pk in run.groups[1] and pool[6].pk in run.groups[1]
    response = client.post(
        f"/o/acme/programmes/{world.programme.pk}/formation/", form_data(pinned="p5@acme.test, 9")
    )
    assert b"a set number from 1 to 3" in response.content


def test_only_the_facilitators_the_programme_names_may_form_its_sets(client, world, pool):
    run = finished_run(world.programme, [[p.pk for p in pool[:6]], [p.pk for p in pool[6:]]])
    tool = f"/o/acme/programmes/{world.programme.pk}/formation/"
    client.force_login(world.other_facilitator)  # facilitates set B, not named by the programme
    assert client.get(tool).status_code == 404
    assert client.get(run.get_absolute_url()).status_code == 404
    assert b"Form sets for" not in client.get("/o/acme/").content

    client.force_login(world.facilitator)  # named
    assert client.get(tool).status_code == 200
    home = client.get("/o/acme/").content.decode()
    assert f'href="{tool}"' in home


def test_admins_and_sponsors_name_the_programme_s_facilitators(client, world):
    client.force_login(world.sponsor)
    edit = f"/o/acme/programmes/{world.programme.pk}/edit/"
    data = {
        "name": "Leaders 2026",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "cadence_weeks": "4",
        "meeting_minutes": "240",
        "min_set_size": "2",
        "max_set_size": "6",
        "currency": "GBP",
        "reminder_days": "2",
        "quorum_percent": "50",
        "ground_rules": "Be kind.",
        "facilitators": [str(world.other_facilitator.pk)],
    }
    assert client.post(edit, data).status_code == 302
    assert list(world.programme.facilitators.all()) == [world.other_facilitator]
    # Only active members with the facilitator role can be chosen.
    response = client.post(edit, {**data, "facilitators": [str(world.participant.pk)]})
    assert response.status_code == 200 and b"Select a valid choice" in response.content
    assert list(world.programme.facilitators.all()) == [world.other_facilitator]


def test_the_service_refuses_a_facilitator_from_elsewhere(world):
    with pytest.raises(ValidationError):
        programme_services.programme_save(programme=world.programme, facilitators=[world.outsider])
    assert list(world.programme.facilitators.all()) == [world.facilitator]


def test_the_pool_to_form_from_is_chosen_before_the_settings(client, world, pool):
    tool = f"/o/acme/programmes/{world.programme.pk}/formation/"
    client.force_login(world.facilitator)
    # Set A's two members are busy in this running programme; Rae and the twelve are free.
    assert b"13 people in the pool." in client.get(tool).content
    assert b"13 people in the pool." in client.get(f"{tool}?pool=unplaced").content
    everyone = client.get(f"{tool}?pool=everyone").content
    assert b"15 people in the pool." in everyone
    assert b'name="pool" value="everyone"' in everyone  # the proposal asks for the same people
    assert b"13 people in the pool." in client.get(f"{tool}?pool=nonsense").content
