"""A facilitator forms sets with the solver, moves someone with the keyboard, and accepts.
Every page passes axe-core and raises no CSP violation."""

import re

import pytest

from revans.formation.models import FormationRun
from revans.programmes.models import LearningSet, Participant

from .test_journey import sign_in


@pytest.mark.django_db(transaction=True)
def test_facilitator_forms_sets_and_accepts(new_page, world, settings):
    for i in range(10):
        Participant.objects.create(
            organisation=world.org,
            email=f"p{i}@acme.test",
            name=f"Person {i:02d}",
            department=["Ops", "Finance", "IT"][i % 3],
            site=["Leeds", "York"][i % 2],
        )
    audited = new_page()
    page = audited.page
    sign_in(audited, world.facilitator.email, "correct horse battery staple")
    audited.audit()
    page.goto(f"/o/acme/programmes/{world.programme.pk}/formation/")
    audited.audit()
    page.get_by_label("Number of sets").fill("2")
    page.get_by_text("Search settings").click()  # a closed <details>
    page.get_by_label("Search time (seconds)").fill("1")
    page.get_by_role("button", name="Propose sets").click()
    page.wait_for_url(re.compile(r"/formation/\d+/$"))
    page.get_by_text("Proposal ready").wait_for(timeout=30_000)
    audited.audit()
    run = FormationRun.objects.get()
    assert run.status == FormationRun.Status.DONE

    # Move someone using only the keyboard: focus the select, choose, press Enter on the button.
    # From the larger set to the smaller, so both stay within the size limits.
    source = max(range(2), key=lambda g: len(run.groups[g]))
    person = run.groups[source][0]
    name = Participant.objects.get(pk=person).name
    select = page.get_by_label(f"Move {name} to")
    select.focus()
    select.select_option(str(2 - source))
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    audited.audit()
    run.refresh_from_db()
    assert person in run.groups[1 - source]

    page.get_by_role("link", name="Accept and create these sets").click()
    audited.audit()
    page.get_by_label("Name of set 1").fill("North")
    page.get_by_label("Name of set 2").fill("South")
    for n in (1, 2):
        page.get_by_label(f"Facilitator of set {n}").select_option(str(world.facilitator.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Create the sets").click()
    audited.audit()
    assert page.get_by_text("2 sets created").is_visible(), page.inner_text("main")
    assert (
        LearningSet.objects.filter(programme=world.programme, name__in=["North", "South"]).count()
        == 2
    )
