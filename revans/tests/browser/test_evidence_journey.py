"""A member answers the climate survey from their home page; the sponsor opens the programme's
dashboard (its charts load as images), asks for the board's PDF, waits for it and downloads it.
axe-core and CSP on every page."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from revans.evidence.models import Answer, BoardReport, Receipt
from revans.tests.evidence.test_evidence import answered_rounds, climate_survey, members
from revans.tests.world import PASSWORD

from .test_journey import sign_in


@pytest.mark.django_db(transaction=True)
def test_a_member_answers_and_the_sponsor_downloads_the_board_s_pdf(new_page, world, tmp_path):
    world.org.min_group_size = 3
    world.org.save()
    members(world, 3)
    answered_rounds(world, [4])  # the first round, closed, answered by all five
    survey = climate_survey(world, round_=1)
    survey.opens_at = timezone.now() - timedelta(hours=2)
    survey.save()

    member = new_page()
    sign_in(member, world.participant.email, PASSWORD)
    member.audit()
    page = member.page
    page.get_by_role("link", name="Climate · Set A").click()
    member.audit()
    for item in page.locator("fieldset.scale").all():
        item.get_by_text("6", exact=True).click()
    page.get_by_role("button", name="Send my answer").click()
    member.audit()
    expect(page.get_by_text("your answer is in, kept apart from your name")).to_be_visible()
    assert (
        Receipt.objects.filter(survey=survey).count()
        == Answer.objects.filter(survey=survey).count()
        == 1
    )

    sponsor = new_page()
    sign_in(sponsor, world.sponsor.email, PASSWORD)
    sponsor.audit()
    board = sponsor.page
    board.get_by_role("link", name="Dashboard").first.click()
    sponsor.audit()
    expect(board.get_by_role("heading", name="What the programme is doing")).to_be_visible()
    expect(board.get_by_text("Psychological safety: 4.", exact=False).first).to_be_visible()
    for image in board.locator("figure img").all():
        image.scroll_into_view_if_needed()
        assert board.evaluate(
            "(img) => img.complete && img.naturalWidth > 0", image.element_handle()
        )
    board.get_by_role("button", name="Make the PDF").click()
    sponsor.audit()
    link = board.get_by_role("link", name="Download the PDF")
    expect(link).to_be_visible()
    with board.expect_download() as download:
        link.click()
    saved = tmp_path / "board.pdf"
    download.value.save_as(saved)
    content = saved.read_bytes()
    assert content.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Leaders" in text and "Psychological safety" in text
    assert "Pat Participant" not in text
    assert BoardReport.objects.get().status == "ready"
