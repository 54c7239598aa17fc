"""Erasure: after the grace period, a scan of every table finds no trace of what the person
wrote, their name or their address; their places in sets remain as "a former member"; the
figures already shown are the same before and after."""

import dataclasses
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.utils import timezone

from revans.accounts.models import Invitation, Membership, Role
from revans.api import services as api_services
from revans.audit.models import Entry, Event
from revans.evidence.dashboard import dashboard
from revans.identity.models import IdentityChange
from revans.impact.selectors import roi
from revans.programmes.models import SetMembership
from revans.rights import services
from revans.rights.models import DataExport, Erasure
from revans.tests.rights.test_export import MINE, THEIRS, _content
from revans.tests.world import make_member

NAME, EMAIL = "Pat Participant", "pat@acme.test"
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.BinaryField)


def traces(*needles: str) -> list[str]:
    """Every text, JSON and binary value of every table that holds one of the needles."""
    found = []
    for model in apps.get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(
                f, models.CharField | models.TextField | models.JSONField | models.BinaryField
            )
        ]
        for row in model._default_manager.all().values_list("pk", *[f.attname for f in fields]):
            for field, value in zip(fields, row[1:], strict=True):
                text = (
                    bytes(value).decode("latin-1")
                    if isinstance(value, bytes | memoryview)
                    else str(value)
                )
                for needle in needles:
                    if needle.lower() in text.lower():
                        found.append(f"{model._meta.label}.{field.name} #{row[0]}: {needle}")
    return found


def _copies(world) -> None:
    """Copies of Pat's name and address outside the cycle."""
    Invitation.objects.create(
        organisation=world.other_org,
        email=EMAIL,
        name=NAME,
        invited_by=world.outsider,
        is_participant=True,
    )
    IdentityChange.objects.create(
        organisation=world.org,
        source="scim",
        by="Entra",
        subject=EMAIL,
        action="updated",
        changes={"name": ["Pat P", NAME]},
    )
    api_services.token_create(
        user=world.participant,
        membership=world.membership(world.participant),
        name="mine",
        can_write=False,
        expires_at=None,
    )
    services.build(str(services.export_request(user=world.participant)[0].pk))


def test_after_the_grace_period_no_table_holds_a_trace_and_the_figures_stand(world):
    pat = world.org.participants.get(user=world.participant)
    quinn = world.org.participants.get(user=world.participant2)
    _content(world, pat, MINE)
    _content(world, quinn, THEIRS)
    _copies(world)
    # Three more members with content of every kind: five in the set, as many as the
    # dashboard's k, so its figures are shown and could move.
    others = [world.org.participants.get(email="rae@acme.test")] + [
        world.org.participants.create(email=f"m{i}@acme.test", name=f"Member {i}") for i in range(2)
    ]
    for person in others:
        SetMembership.objects.create(
            learning_set=world.set_a, participant=person, joined_on=world.programme.starts_on
        )
        _content(world, person, f"zqx-other-{person.pk}")
    assert traces(MINE, NAME, EMAIL)  # the scan finds them while they are there
    places = sorted(world.set_a.memberships.values_list("pk", "participant_id", "joined_on"))
    browser = Client()
    browser.force_login(world.participant)
    asked = browser.post("/profile/data/erase/", {"confirm": "yes"})
    assert asked.status_code == 302
    erasure = Erasure.objects.get()
    assert erasure.due_at.date() == (timezone.now() + timedelta(days=14)).date()
    call_command("sweep")
    assert not Erasure.objects.get().done_at  # the grace period is not over
    with time_machine.travel(erasure.due_at + timedelta(minutes=1), tick=False):
        before = (dashboard(world.programme), roi(world.programme))  # as they stand that day
        call_command("sweep")
        call_command("sweep")  # twice: once
        after = (dashboard(world.programme), roi(world.programme))
    assert Erasure.objects.get().done_at is not None
    assert traces(MINE, NAME, EMAIL) == []
    assert traces(THEIRS)  # Quinn's are untouched
    assert before[0].participants.value == 5  # shown: the figures compared are real ones
    for old, new in zip(before, after, strict=True):
        for name in dataclasses.fields(old):
            assert getattr(old, name.name) == getattr(new, name.name), name.name
    assert (
        sorted(world.set_a.memberships.values_list("pk", "participant_id", "joined_on")) == places
    )
    pat.refresh_from_db()
    assert pat.name == "A former member"
    world.participant.refresh_from_db()
    assert not world.participant.is_active and not world.participant.has_usable_password()
    assert not DataExport.objects.exists()
    done = Entry.objects.filter(event=Event.ERASED, detail__step="done").get()
    assert done.detail["challenges"] == 1 and done.subject_id == world.participant.pk


def test_an_admin_erases_a_person_here_only(world):
    pat = world.org.participants.get(user=world.participant)
    _content(world, pat, MINE)
    make_member(world.other_org, world.participant, Role.PARTICIPANT)
    bravo_entry = world.other_org.participants.create(
        email=EMAIL, name=NAME, user=world.participant
    )
    admin = Client()
    admin.force_login(world.admin)
    membership = world.membership(world.participant)
    assert admin.get(f"/o/acme/members/{membership.pk}/erase/").status_code == 200
    admin.post(f"/o/acme/members/{membership.pk}/erase/")
    erasure = Erasure.objects.get()
    assert erasure.organisation == world.org
    with time_machine.travel(erasure.due_at + timedelta(minutes=1)):
        call_command("sweep")
    assert traces(MINE) == []
    pat.refresh_from_db()
    bravo_entry.refresh_from_db()
    world.participant.refresh_from_db()
    assert pat.name == "A former member" and bravo_entry.name == NAME  # Bravo's is Bravo's
    assert world.participant.is_active and world.participant.email == EMAIL  # still in Bravo
    assert not Membership.objects.get(pk=membership.pk).is_active


def test_an_erasure_can_be_cancelled_and_is_asked_once(world):
    browser = Client()
    browser.force_login(world.participant)
    refused = browser.post("/profile/data/erase/")  # not confirmed
    assert refused.status_code == 302 and not Erasure.objects.exists()
    browser.post("/profile/data/erase/", {"confirm": "yes"})
    browser.post("/profile/data/erase/", {"confirm": "yes"})
    assert Erasure.objects.count() == 1
    erasure = Erasure.objects.get()
    other = Client()
    other.force_login(world.participant2)
    assert other.post(f"/profile/data/erase/{erasure.pk}/cancel/").status_code == 404
    browser.post(f"/profile/data/erase/{erasure.pk}/cancel/")
    with time_machine.travel(erasure.due_at + timedelta(days=1)):
        call_command("sweep")
    world.participant.refresh_from_db()
    assert world.participant.is_active and world.participant.name == NAME
    assert Erasure.objects.get().cancelled_at is not None


@pytest.mark.parametrize("actor", ["sponsor", "facilitator", "participant"])
def test_only_an_admin_erases_someone_else(world, actor):
    browser = Client()
    browser.force_login(getattr(world, actor))
    membership = world.membership(world.participant2)
    assert browser.post(f"/o/acme/members/{membership.pk}/erase/").status_code == 403
    assert not Erasure.objects.exists()
