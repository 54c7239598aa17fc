"""Each service that writes several rows writes all of them or none: its last write is refused by
the database itself, and every table is then as it was before the service was called.

How: the service is run once to count its writes (then rolled back); then again with its last
write replaced by one the database refuses (a table that does not exist), through
`connection.execute_wrapper`, so the error is the driver's own, raised where the real one would
be. Nothing of the first writes may remain."""

import uuid
from collections.abc import Callable
from datetime import time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from revans.domain.cadence import Cadence, Rule
from revans.formation import services as formation_services
from revans.impact import services as impact_services
from revans.learning import services as learning_services
from revans.learning.models import Challenge
from revans.meetings import services as meeting_services
from revans.programmes import services as programme_services
from revans.programmes.models import Participant, SetMembership
from revans.rights import services as rights_services
from revans.tests.impact.test_impact import claim_data
from revans.tests.programmes.test_import import ROWS, csv_bytes
from revans.tests.world import finished_run, future_meeting

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
# The cache's tables are not the service's rows (a save moves the dashboard's generation there,
# on its first save with an insert, after with an update): their writes are not counted.
CACHE_TABLES = tuple(c["LOCATION"] for c in settings.CACHES.values() if "Database" in c["BACKEND"])


def written(sql: str) -> bool:
    return sql.lstrip().upper().startswith(WRITES) and not any(t in sql for t in CACHE_TABLES)


class _Counted(Exception):
    """Rolls the counting run back."""


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as the database holds it."""
    tables = {}
    for model in apps.get_models():
        rows = model._base_manager.order_by("pk").values_list()
        tables[model._meta.db_table] = [
            tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows
        ]
    return tables


def writes_of(call: Callable[[], object]) -> int:
    counted = 0

    def count(execute, sql, params, many, context):
        nonlocal counted
        counted += written(sql)
        return execute(sql, params, many, context)

    try:
        with transaction.atomic(), connection.execute_wrapper(count):
            call()
            raise _Counted
    except _Counted:
        pass
    return counted


def assert_all_or_nothing(call: Callable[[], object]) -> int:
    """The service's last write fails in the database: nothing of the others is left."""
    writes = writes_of(call)
    assert writes >= 2, "a single write is atomic by itself"
    seen = 0

    def refuse_the_last(execute, sql, params, many, context):
        nonlocal seen
        if written(sql):
            seen += 1
            if seen == writes:
                return execute("INSERT INTO zqx_no_such_table VALUES (1)", None, False, context)
        return execute(sql, params, many, context)

    before = snapshot()
    refused = pytest.raises(DatabaseError, match="zqx_no_such_table")
    with refused, connection.execute_wrapper(refuse_the_last):
        call()
    assert seen == writes
    # A failed statement leaves PostgreSQL's transaction unusable until it is rolled back: the
    # service's own atomic block must have done that, or this read fails too.
    assert snapshot() == before
    return writes


def pat(world) -> Participant:
    return Participant.objects.get(user=world.participant)


def a_challenge(world, owner: Participant) -> Challenge:
    return learning_services.challenge_create(
        learning_set=world.set_a,
        owner=owner,
        submission=uuid.uuid4(),
        fields={"statement": "Overtime", "why_it_matters": "", "desired_outcome": ""},
    )


def test_set_creation(world):
    assert_all_or_nothing(
        lambda: programme_services.set_create(
            programme=world.programme,
            name="Set C",
            facilitators=[world.facilitator],
            by=world.admin,
        )
    )


def test_moving_someone_between_sets(world):
    joined = SetMembership.objects.filter(learning_set=world.set_a, participant=pat(world))
    assert_all_or_nothing(  # fetched each time: the service changes the row it is given
        lambda: programme_services.set_member_move(
            membership=joined.get(),
            to_set=world.set_b,
            on=timezone.localdate(),
            reason="",
            by=world.admin,
        )
    )


def test_applying_an_import(world):
    batch = programme_services.import_upload(
        organisation=world.org, by=world.admin, filename="a.csv", content=csv_bytes(ROWS)
    )
    assert_all_or_nothing(lambda: programme_services.import_apply(batch=batch))


def test_accepting_a_formation_proposal(world):
    people = [
        Participant.objects.create(organisation=world.org, email=f"f{i}@acme.test", name=f"F {i}")
        for i in range(4)
    ]
    run = finished_run(
        world.programme, [[people[0].pk, people[1].pk], [people[2].pk, people[3].pk]]
    )
    assert_all_or_nothing(
        lambda: formation_services.formation_accept(
            run=run,
            names=["North", "South"],
            facilitators=[world.facilitator, world.other_facilitator],
            by=world.admin,
        )
    )


def test_scheduling_a_meeting_series(world):
    first = timezone.localdate() + timedelta(days=7)
    rule = Rule(
        cadence=Cadence.WEEKLY,
        first=first,
        until=first + timedelta(days=28),
        weekday=first.weekday(),
    )
    assert_all_or_nothing(
        lambda: meeting_services.series_schedule(
            learning_set=world.set_a,
            rule=rule,
            at=time(10),
            minutes=90,
            time_zone="Europe/London",
            place="Room 4",
            video_url="",
            by=world.facilitator,
        )
    )


def test_recording_attendance(world):
    meeting = future_meeting(world.set_a, days=0.01)
    present = {pat(world).pk}
    assert_all_or_nothing(
        lambda: meeting_services.attendance_record(
            meeting=meeting, present=present, by=world.facilitator
        )
    )


def test_a_report_back_that_carries_the_action_forward(world):
    owner = pat(world)
    challenge = a_challenge(world, owner)
    action = learning_services.action_create(
        challenge=challenge,
        by=owner,
        on_behalf=False,
        submission=uuid.uuid4(),
        text="Map the rota",
        due_on=timezone.localdate() + timedelta(days=17),
    )
    assert_all_or_nothing(
        lambda: learning_services.report_back(
            action=action,
            by=world.facilitator,
            outcome="partly",
            what_happened="Half mapped",
            learned="",
            carry_forward=True,
        )
    )


def test_making_a_claim(world):
    owner = pat(world)
    challenge = a_challenge(world, owner)
    fields = {k: v for k, v in claim_data().items() if k in impact_services.FIELDS}
    fields |= {"share_description": False, "annual_value": Decimal(40000)}
    fields |= {"attribution": 60, "confidence": 75}
    assert_all_or_nothing(
        lambda: impact_services.claim_create(
            challenge=challenge,
            action=None,
            by=world.participant,
            submission=uuid.uuid4(),
            fields=fields,
            currency="GBP",
        )
    )


def test_asking_for_and_carrying_out_an_erasure(world):
    assert_all_or_nothing(
        lambda: rights_services.erasure_request(
            user=world.participant, organisation=world.org, by=world.admin
        )
    )
    rights_services.erasure_request(user=world.participant, organisation=world.org, by=world.admin)
    later = timezone.now() + rights_services.ERASURE_GRACE + timedelta(minutes=1)
    writes = assert_all_or_nothing(lambda: rights_services.erase_due(now=later))
    assert writes > 5  # the person's rows across the apps, then the erasure's own
