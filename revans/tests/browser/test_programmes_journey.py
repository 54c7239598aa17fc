"""A sponsor sets up a programme: imports people, forms two sets by hand, assigns a facilitator;
then a member accepts the ground rules. Every page passes axe-core and raises no CSP violation."""

import pytest

from revans.programmes.models import GroundRulesAcceptance, LearningSet, Participant

from .test_journey import sign_in

PEOPLE_CSV = b"""name,email,department,site,job_level,manager_email,Tenure
Pat Participant,pat@acme.test,Operations,Leeds,Manager,,6
Maya Boss,maya@acme.test,Finance,York,Senior manager,,11
Noor Lead,noor@acme.test,Finance,York,Manager,maya@acme.test,4
Olu Analyst,olu@acme.test,IT,Leeds,Team leader,,2
"""


@pytest.mark.django_db(transaction=True)
def test_sponsor_sets_up_a_programme_and_a_member_accepts_the_rules(new_page, world):
    sponsor = new_page()
    page = sponsor.page
    sign_in(sponsor, world.sponsor.email, "correct horse battery staple")
    sponsor.audit()

    page.get_by_role("link", name="Programmes").first.click()
    sponsor.audit()
    page.get_by_role("link", name="New programme").click()
    sponsor.audit()
    page.get_by_label("Name").fill("Managers 2027")
    page.get_by_label("Purpose").fill("Cross-functional problem solving")
    page.get_by_label("Start date").fill("2027-01-11")
    page.get_by_label("End date").fill("2027-09-30")
    page.get_by_label("Smallest set").fill("2")
    page.get_by_role("button", name="Save programme").click()
    sponsor.audit()
    assert page.get_by_role("heading", name="Managers 2027").is_visible()

    # Import the people from a spreadsheet: preview first, then apply.
    page.get_by_role("link", name="Import participants").first.click()
    sponsor.audit()
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": PEOPLE_CSV}]
    )
    page.get_by_role("button", name="Check the file").click()
    sponsor.audit()
    assert page.get_by_text("4 rows read.").is_visible()
    page.get_by_role("button", name="Import", exact=True).click()
    sponsor.audit()
    assert page.get_by_text("Imported: 3 new, 1 updated, 0 unchanged.").is_visible()
    noor = Participant.objects.select_related("manager").get(email="noor@acme.test")
    assert noor.manager is not None and noor.manager.email == "maya@acme.test"

    # Two sets by hand, each with a facilitator.
    for name, members in (
        ("Blue", ["Pat Participant", "Olu Analyst"]),
        ("Green", ["Maya Boss", "Noor Lead"]),
    ):
        page.get_by_role("link", name="Programmes").first.click()
        sponsor.audit()
        page.get_by_role("link", name="Managers 2027").click()
        sponsor.audit()
        page.get_by_role("link", name="New set").click()
        sponsor.audit()
        page.get_by_label("Name").fill(name)
        page.get_by_label("Fay Facilitator (fay@acme.test)").check()
        page.get_by_role("button", name="Create set").click()
        sponsor.audit()
        for member in members:
            page.get_by_role("link", name="Add a member").click()
            sponsor.audit()
            person = Participant.objects.get(organisation=world.org, name=member)
            page.get_by_label("Person").select_option(value=str(person.pk))
            page.get_by_role("button", name="Save").click()
            sponsor.audit()
    green = LearningSet.objects.get(name="Green")
    assert sorted(m.participant.name for m in green.memberships.all()) == ["Maya Boss", "Noor Lead"]
    # A second facilitator joins Green.
    page.get_by_role("link", name="Add a facilitator").click()
    sponsor.audit()
    page.get_by_label("Facilitator").select_option(label="Fern Facilitator (fern@acme.test)")
    page.get_by_role("button", name="Save").click()
    sponsor.audit()
    assert page.get_by_text("Fern Facilitator").first.is_visible()

    # Pat, already a member of Acme, opens the set from home and accepts its ground rules.
    pat = new_page()
    sign_in(pat, world.participant.email, "correct horse battery staple")
    pat.audit()
    pat.page.get_by_role("link", name="Blue").click()
    pat.audit()
    assert pat.page.get_by_text("Confidentiality").first.is_visible()
    pat.page.get_by_role("button", name="I accept these ground rules").click()
    pat.audit()
    assert pat.page.get_by_text("You have accepted these ground rules.").is_visible()
    assert GroundRulesAcceptance.objects.filter(
        participant__email=world.participant.email, ground_rules__learning_set__name="Blue"
    ).exists()
