"""What a run asks of the solver is a typed, versioned shape the service checks; a move rescores
only the two sets it touches; and moving formation into its own app kept every run."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from revans.accounts.models import SignupDomain
from revans.domain.formation.diversity import Prefer
from revans.formation import services
from revans.formation.inputs import InputsError, RunInputs, Weighting
from revans.formation.models import FormationRun
from revans.formation.proposal import gather, set_scores
from revans.programmes.models import Participant
from revans.tests.world import finished_run

DEPARTMENTS = ["Ops", "Finance", "IT"]


@pytest.fixture
def people(world):
    return [
        Participant.objects.create(
            organisation=world.org,
            email=f"m{i}@acme.test",
            name=f"Member {i}",
            department=DEPARTMENTS[i % 3],
            job_level=str(i % 4),
        ).pk
        for i in range(9)
    ]


def inputs_for(pool, **changes) -> RunInputs:
    people = list(pool)
    values = {
        "people": tuple(people),
        "sets": 3,
        "lower": 3,
        "upper": 3,
        "attributes": (
            Weighting(field="department", label="Department", weight=3),
            Weighting(field="job_level", label="Job level", weight=1, prefer=Prefer.SIMILAR),
        ),
        "apart": ((people[0], people[1]),),
        "pinned": ((people[2], 1),),
        "isolation": "department",
    }
    return RunInputs(**{**values, **changes})


def test_inputs_survive_the_round_trip_and_an_unknown_version_is_refused(people):
    inputs = inputs_for(people)
    assert RunInputs.from_json(inputs.to_json()) == inputs
    for broken in (
        {**inputs.to_json(), "version": 2},
        {k: v for k, v in inputs.to_json().items() if k != "version"},
        {**inputs.to_json(), "sets": "three"},
        {**inputs.to_json(), "attributes": [{"field": "site"}]},
    ):
        with pytest.raises(InputsError):
            RunInputs.from_json(broken)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"people": ()}, "Nobody matches"),
        ({"sets": 4}, "9 people do not make 4 sets of 3 to 3."),
        ({"lower": 4, "upper": 3}, "Set sizes must run from 2 to 12"),
        ({"upper": 13}, "Set sizes must run from 2 to 12"),
        ({"apart": ((1, 1),)}, "names someone not in the pool"),
        ({"pinned": ((0, 0),)}, "A pin names someone not in the pool"),
        ({"isolation": "site"}, "Isolation can be checked only"),
    ],
)
def test_the_service_refuses_inputs_that_cannot_work(world, people, changes, message):
    with pytest.raises(ValidationError) as refused:
        services.formation_run_create(
            programme=world.programme,
            by=world.admin,
            inputs=inputs_for(people, **changes),
            seconds=1,
            seed=1,
        )
    assert message in " ".join(refused.value.messages)
    assert not FormationRun.objects.exists()


def test_someone_from_another_organisation_is_refused(world, people):
    theirs = Participant.objects.create(
        organisation=world.other_org, email="x@bravo.test", name="X"
    )
    with pytest.raises(ValidationError):
        services.formation_run_create(
            programme=world.programme,
            by=world.admin,
            inputs=inputs_for([*people[:8], theirs.pk]),
            seconds=1,
            seed=1,
        )


def test_a_move_rescores_the_two_sets_as_a_full_rescore_would(world, people):
    groups = [people[0:3], people[3:6], people[6:9]]
    run = finished_run(world.programme, groups, inputs=inputs_for(people).to_json())
    run.scores = set_scores(gather(world.programme, run.request), groups)
    run.save()
    services.formation_move(run=run, participant_id=people[4], to_set=3)
    run.refresh_from_db()
    assert people[4] in run.groups[2]
    fresh = set_scores(gather(world.programme, run.request), run.groups)
    assert [s["total"] for s in run.scores] == pytest.approx([s["total"] for s in fresh])
    for kept, full in zip(run.scores, fresh, strict=True):
        assert kept["by_attribute"] == pytest.approx(full["by_attribute"])


@pytest.mark.django_db(transaction=True)
def test_the_migrations_keep_existing_runs_and_unproven_domains_stay_closed():
    before = [
        ("formation", None),
        ("programmes", "0002_formation_run"),
        ("accounts", "0001_initial"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before[1:]).apps
    Organisation = old.get_model("accounts", "Organisation")
    Programme = old.get_model("programmes", "Programme")
    OldRun = old.get_model("programmes", "FormationRun")
    org = Organisation.objects.create(name="Old", slug="old", open_signup_domain="Old.example")
    programme = Programme.objects.create(
        organisation=org, name="P", starts_on="2026-01-01", ends_on="2026-06-30"
    )
    legacy = {"people": [1, 2, 3, 4], "sets": 2, "lower": 2, "upper": 2, "attributes": []}
    pk = OldRun.objects.create(
        programme=programme, inputs=legacy, status="done", groups=[[1, 2], [3, 4]]
    ).pk

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    run = FormationRun.objects.get(pk=pk)
    assert run.groups == [[1, 2], [3, 4]] and run.status == FormationRun.Status.DONE
    assert run.request.people == (1, 2, 3, 4) and run.inputs["version"] == 1
    # A domain opened before proof was asked for is a claim now, waiting for its proof.
    claim = SignupDomain.objects.get(organisation_id=org.pk)
    assert claim.domain == "old.example" and not claim.is_verified
