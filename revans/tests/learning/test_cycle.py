"""The action learning cycle: challenges, actions, report-backs, the learning log and process notes,
each read only by those the confidentiality table allows, with no silent overwrite and no
duplicate row."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from revans.accounts.models import Role
from revans.learning import services
from revans.learning.live import services as live
from revans.learning.models import (
    Action,
    Challenge,
    MeetingRecord,
    ProcessNote,
    Reflection,
    ReportBack,
)
from revans.meetings import services as meeting_services
from revans.programmes import services as programme_services
from revans.programmes.models import Participant, SetMembership
from revans.tests.sweeps import assert_canary_absent, crawl
from revans.tests.world import (
    future_meeting,
    make_challenge,
    make_member,
    make_user,
    set_elsewhere,
)

CANARIES = {
    "challenge": "zqx-challenge-1",
    "action": "zqx-action-2",
    "report_back": "zqx-report-3",
    "reflection": "zqx-private-4",
    "shared_reflection": "zqx-shared-5",
    "process_note": "zqx-process-6",
    # The live meeting: a question and the process review are set content; a note written on the
    # console is a process note, the facilitators' alone.
    "question": "zqx-question-7",
    "review": "zqx-review-8",
    "console_note": "zqx-console-9",
    # An apology's note "for your facilitator": the facilitators' alone.
    "apology": "zqx-apology-10",
}


def pat(world) -> Participant:
    return Participant.objects.get(user=world.participant)


@pytest.fixture
def planted(world):
    """One canary in each kind of private content, all in set A, written by Pat or Fay ten days
    ago."""
    with time_machine.travel(timezone.now() - timedelta(days=10), tick=False):
        return _plant(world)


def _plant(world):
    owner = pat(world)
    challenge = services.challenge_create(
        learning_set=world.set_a,
        owner=owner,
        submission=uuid.uuid4(),
        fields={
            "statement": f"Depot overtime {CANARIES['challenge']}",
            "why_it_matters": "",
            "desired_outcome": "",
            "business_area": "Operations",
        },
    )
    action = services.action_create(
        challenge=challenge,
        by=owner,
        on_behalf=False,
        submission=uuid.uuid4(),
        text=f"Talk to the night shift {CANARIES['action']}",
        due_on=timezone.localdate() + timedelta(days=17),  # a week after the test's today
    )
    done = services.action_create(
        challenge=challenge,
        by=owner,
        on_behalf=False,
        submission=uuid.uuid4(),
        text="Map the rota",
        due_on=timezone.localdate() + timedelta(days=17),  # a week after the test's today
    )
    services.report_back(
        action=done,
        by=world.facilitator,
        outcome="partly",
        what_happened=f"Half mapped {CANARIES['report_back']}",
        learned="",
        carry_forward=True,
    )
    services.reflection_write(
        learning_set=world.set_a,
        author=owner,
        submission=uuid.uuid4(),
        prompt="",
        text=f"I avoid conflict {CANARIES['reflection']}",
    )
    shared = services.reflection_write(
        learning_set=world.set_a,
        author=owner,
        submission=uuid.uuid4(),
        prompt="",
        text=f"Questions beat advice {CANARIES['shared_reflection']}",
    )
    services.reflection_share(reflection=shared, by=owner, shared=True)
    meeting = future_meeting(world.set_a, days=-7)
    services.process_note_write(
        meeting=meeting,
        author=world.facilitator,
        submission=uuid.uuid4(),
        text=f"Pat dominated {CANARIES['process_note']}",
    )
    earlier = future_meeting(world.set_a, days=-14)  # run on the console
    live.live_of(earlier)
    live.question_add(
        meeting=earlier,
        by=world.facilitator,
        presenter_id=owner.pk,
        asked_by_id=Participant.objects.get(user=world.participant2).pk,
        text=f"What would the night shift say? {CANARIES['question']}",
        style="open",
        submission=uuid.uuid4(),
    )
    live.review_note(meeting=earlier, by=world.facilitator, text=f"Calmer {CANARIES['review']}")
    live.private_note(
        meeting=earlier,
        by=world.facilitator,
        text=f"Quinn withdrew {CANARIES['console_note']}",
        submission=uuid.uuid4(),
    )
    upcoming = future_meeting(world.set_a, days=20)
    meeting_services.rsvp_answer(
        meeting=upcoming,
        participant=Participant.objects.get(user=world.participant2),
        answer="no",
        note=f"At the depot audit {CANARIES['apology']}",
    )
    return {"challenge": challenge, "action": action, "meeting": meeting, "live": earlier}


def pages_of(client, user, world, planted) -> dict[str, str]:
    client.force_login(user)
    start = [
        "/",
        "/o/acme/",
        f"/o/acme/sets/{world.set_a.pk}/",
        f"/o/acme/sets/{world.set_a.pk}/cycle/",
        f"/o/acme/sets/{world.set_a.pk}/log/",
        f"/o/acme/challenges/{planted['challenge'].pk}/",
        f"/o/acme/actions/{planted['action'].pk}/",
        f"/o/acme/meetings/{planted['meeting'].pk}/process-notes/",
        f"/o/acme/meetings/{planted['live'].pk}/board/",
        f"/o/acme/meetings/{planted['live'].pk}/board/poll/?v=0",
        f"/o/acme/meetings/{planted['live'].pk}/console/",
        f"/o/acme/meetings/{planted['live'].pk}/console/poll/?v=0",
        "/meetings/",
    ]
    return crawl(client, start)


EVERYONE_IN_THE_SET = {
    "challenge",
    "action",
    "report_back",
    "shared_reflection",
    "question",
    "review",
}
FACILITATORS_ONLY = ("process_note", "console_note", "apology")


def test_the_author_reads_everything_of_theirs_but_the_facilitators_notes(client, world, planted):
    pages = pages_of(client, world.participant, world, planted)
    text = " ".join(pages.values())
    for kind in EVERYONE_IN_THE_SET | {"reflection"}:
        assert CANARIES[kind] in text, kind
    for kind in FACILITATORS_ONLY:
        assert_canary_absent(pages, CANARIES[kind])


def test_another_member_reads_the_set_s_content_but_no_private_entry(client, world, planted):
    pages = pages_of(client, world.participant2, world, planted)
    text = " ".join(pages.values())
    for kind in EVERYONE_IN_THE_SET:
        assert CANARIES[kind] in text, kind
    for kind in ("reflection", *FACILITATORS_ONLY):
        assert_canary_absent(pages, CANARIES[kind])


def test_the_facilitator_reads_the_set_s_content_and_the_process_notes(client, world, planted):
    pages = pages_of(client, world.facilitator, world, planted)
    text = " ".join(pages.values())
    for kind in EVERYONE_IN_THE_SET | set(FACILITATORS_ONLY):
        assert CANARIES[kind] in text, kind
    assert_canary_absent(pages, CANARIES["reflection"])


@pytest.mark.parametrize("who", ["admin", "sponsor", "other_facilitator", "outsider", "other_set"])
def test_nobody_else_reads_any_of_it(client, world, planted, who):
    if who == "other_set":  # a member of set B, in the same programme
        user = make_user("bo@acme.test", "Bo B")
        make_member(world.org, user, Role.PARTICIPANT)
        person = Participant.objects.create(
            organisation=world.org, email=user.email, name=user.name, user=user
        )
        SetMembership.objects.create(learning_set=world.set_b, participant=person)
    else:
        user = getattr(world, who)
    pages = pages_of(client, user, world, planted)
    for canary in CANARIES.values():
        assert_canary_absent(pages, canary)


def test_a_former_member_reads_what_was_said_while_they_were_there_and_nothing_later(
    client, world, planted
):
    quinn = SetMembership.objects.get(participant__user=world.participant2)
    quinn.left_on = timezone.localdate() - timedelta(days=1)
    quinn.save()
    later = make_challenge(world.set_a, pat(world), "zqx-after-leaving")
    client.force_login(world.participant2)
    assert client.get(f"/o/acme/challenges/{planted['challenge'].pk}/").status_code == 200
    assert client.get(f"/o/acme/challenges/{later.pk}/").status_code == 404


def test_the_day_someone_leaves_is_not_a_day_in_the_set(client, world, planted):
    """Left this morning: what is written this afternoon is not theirs, to the moment."""
    quinn = SetMembership.objects.get(participant__user=world.participant2)
    programme_services.set_member_leave(
        membership=quinn, left_on=timezone.localdate(), reason="Left the company"
    )
    later = services.challenge_create(
        learning_set=world.set_a,
        owner=pat(world),
        submission=uuid.uuid4(),
        fields={"statement": "zqx-same-day", "why_it_matters": "", "desired_outcome": ""},
    )
    client.force_login(world.participant2)
    assert client.get(f"/o/acme/challenges/{later.pk}/").status_code == 404
    assert client.get(f"/o/acme/challenges/{planted['challenge'].pk}/").status_code == 200


def test_a_double_clicked_submit_makes_one_challenge(client, world):
    client.force_login(world.participant)
    key = str(uuid.uuid4())
    data = {"submission": key, "statement": "Too many handovers", "business_area": "Ops"}
    first = client.post(f"/o/acme/sets/{world.set_a.pk}/cycle/challenges/new/", data)
    second = client.post(f"/o/acme/sets/{world.set_a.pk}/cycle/challenges/new/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Challenge.objects.count() == 1


def test_two_people_saving_at_once_cannot_overwrite_each_other(client, world, planted):
    action = planted["action"]
    client.force_login(world.participant)
    url = f"/o/acme/actions/{action.pk}/progress/"
    assert (
        client.post(url, {"version": action.version, "progress": "Booked a slot"}).status_code
        == 302
    )
    stale = client.post(url, {"version": action.version, "progress": "My other tab's text"})
    body = stale.content.decode()
    assert stale.status_code == 200 and "Someone else saved this" in body
    assert "Booked a slot" in body and "My other tab&#x27;s text" in body  # theirs, and mine kept
    action.refresh_from_db()
    assert action.progress == "Booked a slot" and action.version == 2


def test_a_report_back_happens_once_and_carries_the_unfinished_forward(world, planted):
    carried = Action.objects.get(carried_from__isnull=False)
    assert carried.text == "Map the rota" and carried.is_open
    original = carried.carried_from
    assert original.status == Action.Status.CLOSED and original.closed_reason == "Carried forward"
    with pytest.raises(ValidationError, match="report-back already"):
        services.report_back(
            action=original,
            by=world.facilitator,
            outcome="done",
            what_happened="",
            learned="",
            carry_forward=False,
        )
    assert ReportBack.objects.count() == 1


def test_only_the_owner_changes_a_challenge_and_only_the_author_shares(client, world, planted):
    challenge = planted["challenge"]
    client.force_login(world.participant2)
    response = client.post(
        f"/o/acme/challenges/{challenge.pk}/edit/",
        {"version": 1, "statement": "Hijacked", "status": "dropped"},
    )
    assert response.status_code == 403
    entry = Reflection.objects.get(shared_at__isnull=False)
    assert client.post(f"/o/acme/reflections/{entry.pk}/share/", {"share": "no"}).status_code == 403
    entry.refresh_from_db()
    assert entry.is_shared
    challenge.refresh_from_db()
    assert challenge.statement.startswith("Depot overtime")


def test_an_action_on_someone_else_s_challenge_is_refused(world, planted):
    with pytest.raises(ValidationError, match="your own challenge"):
        services.action_create(
            challenge=planted["challenge"],
            by=Participant.objects.get(user=world.participant2),
            on_behalf=False,
            submission=uuid.uuid4(),
            text="Meddle",
            due_on=None,
        )


def test_the_author_takes_a_shared_entry_back(client, world, planted):
    entry = Reflection.objects.get(shared_at__isnull=False)
    client.force_login(world.participant)
    client.post(f"/o/acme/reflections/{entry.pk}/share/", {"share": "no"})
    client.force_login(world.participant2)
    page = client.get(f"/o/acme/sets/{world.set_a.pk}/log/").content.decode()
    assert CANARIES["shared_reflection"] not in page


def test_process_notes_are_for_facilitators_for_what_was_written_in_their_periods(
    client, world, planted
):
    url = f"/o/acme/meetings/{planted['meeting'].pk}/process-notes/"
    client.force_login(world.participant)
    assert client.get(url).status_code == 403  # a member's role does not reach the notes at all
    world.set_a.facilitations.update(until=timezone.localdate())
    client.force_login(world.facilitator)
    assert CANARIES["process_note"] in client.get(url).content.decode()  # a former facilitator
    # A facilitator added today reads none of what was written before.
    programme_services.set_facilitator_add(
        learning_set=world.set_a, user=world.other_facilitator, by=world.admin
    )
    client.force_login(world.other_facilitator)
    page = client.get(url)
    assert page.status_code == 200 and CANARIES["process_note"] not in page.content.decode()
    assert ProcessNote.objects.filter(meeting=planted["meeting"]).count() == 1


def test_the_facilitator_records_the_meeting_and_a_second_editor_cannot_overwrite(
    client, world, planted
):
    meeting = planted["meeting"]
    url = f"/o/acme/meetings/{meeting.pk}/record/"
    client.force_login(world.facilitator)
    owner = pat(world)
    data = {"version": 1, "presenters": [owner.pk], "process_review": "zqx-review-7 went well"}
    assert client.post(f"{url}save/", data).status_code == 302
    stale = client.post(f"{url}save/", {**data, "process_review": "Another tab"})
    assert b"Someone else saved this" in stale.content
    client.post(f"{url}save/", {**data, "version": 2, "close": "on"})
    record = MeetingRecord.objects.get(meeting=planted["meeting"])
    assert record.closed_at is not None and record.version == 3
    assert list(record.presenters.all()) == [owner]
    # Members read the record; sponsors and the other set's facilitator do not.
    client.force_login(world.participant2)
    assert "zqx-review-7" in client.get(url).content.decode()
    for user in (world.sponsor, world.other_facilitator):
        client.force_login(user)
        assert client.get(url).status_code in (403, 404)
    client.force_login(world.participant)
    assert client.post(f"{url}save/", data).status_code == 403


def test_a_facilitator_who_joined_later_neither_reads_nor_overwrites_the_record(
    client, world, planted
):
    meeting = planted["meeting"]
    url = f"/o/acme/meetings/{meeting.pk}/record/"
    services.meeting_record_save(
        meeting=meeting,
        by=world.facilitator,
        version=1,
        presenters=[],
        process_review="zqx-record-8",
        close=False,
    )
    MeetingRecord.objects.filter(meeting=meeting).update(
        written_at=timezone.now() - timedelta(days=2)
    )
    programme_services.set_facilitator_add(
        learning_set=world.set_a, user=world.other_facilitator, by=world.admin
    )
    client.force_login(world.other_facilitator)
    page = client.get(url).content.decode()
    assert "zqx-record-8" not in page and 'name="process_review"' not in page
    for version in (1, 2):  # a stale version would answer with the record's text as "theirs"
        refused = client.post(f"{url}save/", {"version": version, "process_review": "Over it"})
        assert refused.status_code == 403 and b"zqx-record-8" not in refused.content
    assert MeetingRecord.objects.get(meeting=meeting).process_review == "zqx-record-8"


def test_members_with_open_actions_get_one_note_before_the_meeting_listing_only_theirs(world):
    from django.core import mail
    from django.core.management import call_command

    meeting = future_meeting(world.set_a, days=3)
    challenge = services.challenge_create(
        learning_set=world.set_a,
        owner=pat(world),
        submission=uuid.uuid4(),
        fields={"statement": "S", "why_it_matters": "", "desired_outcome": "", "business_area": ""},
    )
    services.action_create(
        challenge=challenge,
        by=pat(world),
        on_behalf=False,
        submission=uuid.uuid4(),
        text="Call the night lead",
        due_on=None,  # by the next meeting
    )
    quinn = Participant.objects.get(user=world.participant2)
    theirs = services.challenge_create(
        learning_set=world.set_a,
        owner=quinn,
        submission=uuid.uuid4(),
        fields={"statement": "Q", "why_it_matters": "", "desired_outcome": "", "business_area": ""},
    )
    services.action_create(
        challenge=theirs,
        by=quinn,
        on_behalf=False,
        submission=uuid.uuid4(),
        text="zqx-quinns-action",
        due_on=meeting.local_start.date() + timedelta(days=30),  # not due yet
    )
    for _run in range(2):
        call_command("sweep")
    notes = [m for m in mail.outbox if "Your open actions:" in m.subject]
    assert [m.to for m in notes] == [[world.participant.email]]
    assert "Call the night lead" in notes[0].body
    assert all("zqx-quinns-action" not in m.message().as_string() for m in mail.outbox)


def test_an_unfinished_action_can_be_closed_with_a_reason(world, planted):
    services.report_back(
        action=planted["action"],
        by=world.facilitator,
        outcome="not",
        what_happened="",
        learned="",
        carry_forward=False,
        reason="The night shift was cut",
    )
    planted["action"].refresh_from_db()
    assert planted["action"].status == Action.Status.CLOSED
    assert planted["action"].closed_reason == "The night shift was cut"
    assert not Action.objects.filter(carried_from=planted["action"]).exists()


def test_a_former_member_s_crawl_shows_the_past_and_nothing_written_after_they_left(
    client, world, planted
):
    """All four things written after a member left (a report-back, a progress update, an entry
    shared, a new challenge) stay out of every page the former member can still reach."""
    quinn = SetMembership.objects.get(participant__user=world.participant2)
    quinn.left_on = timezone.localdate() - timedelta(days=1)
    quinn.save()
    owner = pat(world)
    with time_machine.travel(timezone.now() - timedelta(days=5), tick=False):
        kept = services.reflection_write(
            learning_set=world.set_a,
            author=owner,
            submission=uuid.uuid4(),
            prompt="",
            text="zqx-shared-after-leaving",
        )  # written while Quinn was there, shared only after
        pending = services.action_create(
            challenge=planted["challenge"],
            by=owner,
            on_behalf=False,
            submission=uuid.uuid4(),
            text="Ask the depot",
            due_on=timezone.localdate() + timedelta(days=3),
        )
    later = make_challenge(world.set_a, owner, "zqx-later-challenge")
    services.action_create(
        challenge=later,
        by=owner,
        on_behalf=False,
        submission=uuid.uuid4(),
        text="zqx-later-action",
        due_on=timezone.localdate() + timedelta(days=3),
    )
    shared = services.reflection_write(
        learning_set=world.set_a,
        author=owner,
        submission=uuid.uuid4(),
        prompt="",
        text="zqx-later-shared",
    )
    services.reflection_share(reflection=shared, by=owner, shared=True)
    services.reflection_share(reflection=kept, by=owner, shared=True)
    services.action_progress(
        action=planted["action"], by=owner, version=1, progress="zqx-later-progress", done=False
    )
    services.report_back(
        action=pending,
        by=world.facilitator,
        outcome="done",
        what_happened="zqx-later-report-back",
        learned="",
        carry_forward=False,
    )
    pages = pages_of(client, world.participant2, world, planted)
    assert any(f"/actions/{planted['action'].pk}/" in url for url in pages)
    assert any(f"/actions/{pending.pk}/" in url for url in pages)
    for canary in (
        "zqx-later-challenge",
        "zqx-later-action",
        "zqx-later-shared",
        "zqx-shared-after-leaving",
        "zqx-later-progress",
        "zqx-later-report-back",
    ):
        assert_canary_absent(pages, canary)
    for canary in ("reflection", "process_note"):
        assert_canary_absent(pages, CANARIES[canary])
    text = " ".join(pages.values())
    for kind in ("challenge", "action", "report_back", "shared_reflection"):
        assert CANARIES[kind] in text, kind
    # The figures stop where Quinn's time did: Pat's one report-back then, not the later one.
    page = pages[next(u for u in pages if u.endswith(f"/sets/{world.set_a.pk}/cycle/"))]
    row = page[page.index("<td>Pat Participant</td>") :].split("</tr>")[0]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[1:3]] == ["1", "1"]


def test_prompts_rotate_through_revans_and_marquardt_s_questions(client, world):
    owner = pat(world)
    seen = []
    client.force_login(world.participant)
    for _entry in range(len(services.PROMPTS) + 1):
        seen.append(services.prompt_for(owner))
        page = client.get(f"/o/acme/sets/{world.set_a.pk}/log/").content.decode()
        assert seen[-1].replace("'", "&#x27;") in page
        services.reflection_write(
            learning_set=world.set_a,
            author=owner,
            submission=uuid.uuid4(),
            prompt=seen[-1],
            text=".",
        )
    assert seen[: len(services.PROMPTS)] == list(services.PROMPTS) and seen[-1] == seen[0]


def test_follow_through_figures_and_the_facilitator_s_home(client, world, planted):
    Action.objects.filter(pk=planted["action"].pk).update(
        due_on=timezone.localdate() - timedelta(days=2)
    )
    client.force_login(world.facilitator)
    home = client.get("/o/acme/").content.decode()
    assert "Pat Participant (2, 1 overdue)" in home  # the overdue action, and the carried one
    assert CANARIES["action"] not in home  # counts, never text
    page = client.get(f"/o/acme/sets/{world.set_a.pk}/cycle/").content.decode()
    # Pat: one action reported back (partly), one carried forward.
    row = page[page.index("<td>Pat Participant</td>") :].split("</tr>")[0]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[1:5]] == ["1", "1", "1", "0"]


def test_access_ends_with_the_facilitator_role(client, world, planted):
    """An admin takes Fay's facilitator role: the set's cycle, its challenges, the live console
    and its private-note form are closed to her at once, and her facilitation of the set ends."""
    meeting = future_meeting(world.set_a, days=-5 / (24 * 60))  # under way
    client.force_login(world.admin)
    fay = world.membership(world.facilitator)
    response = client.post(f"/o/acme/members/{fay.pk}/", {"roles": ["participant"]})
    assert response.status_code == 302
    assert world.set_a.facilitations.get(user=world.facilitator).until == world.org.today()
    client.force_login(world.facilitator)
    for url in (
        f"/o/acme/sets/{world.set_a.pk}/",
        f"/o/acme/sets/{world.set_a.pk}/cycle/",
        f"/o/acme/challenges/{planted['challenge'].pk}/",
        f"/o/acme/meetings/{planted['meeting'].pk}/process-notes/",
        f"/o/acme/meetings/{meeting.pk}/console/",
    ):
        assert client.get(url).status_code in (403, 404), url
    notes = ProcessNote.objects.count()
    response = client.post(
        f"/o/acme/meetings/{meeting.pk}/console/notes/",
        {"text": "zqx-after-the-role", "submission": str(uuid.uuid4())},
    )
    assert response.status_code in (403, 404)
    assert ProcessNote.objects.count() == notes


def test_the_cycle_page_shows_the_work_in_hand_and_counts_all_of_it(client, world, planted):
    """Each challenge being worked on, with its latest four actions; earlier actions and the
    resolved and dropped challenges are a link away; the figures count every one of them."""
    owner = pat(world)
    for n in range(4):  # due after the planted two, so these are the latest
        services.action_create(
            challenge=planted["challenge"],
            by=owner,
            on_behalf=False,
            submission=uuid.uuid4(),
            text=f"Step {n}",
            due_on=timezone.localdate() + timedelta(days=20 + n),
        )
    resolved = make_challenge(world.set_a, owner, "zqx-resolved-challenge")
    Challenge.objects.filter(pk=resolved.pk).update(status=Challenge.Status.RESOLVED)
    client.force_login(world.participant2)
    url = f"/o/acme/sets/{world.set_a.pk}/cycle/"
    page = client.get(url).content.decode()
    assert all(f"Step {n}" in page for n in range(4))
    assert CANARIES["action"] not in page and "Map the rota" not in page
    assert "3 earlier actions" in page  # the planted two, and the one carried forward
    assert "zqx-resolved-challenge" not in page and "1 resolved or dropped challenge" in page
    row = page[page.index("<td>Pat Participant</td>") :].split("</tr>")[0]
    cells = [cell.split(">")[-1] for cell in row.split("</td>")[1:5]]
    assert cells == ["1", "1", "1", "1"]  # the earlier actions' report-back, and the resolved
    closed = client.get(url + "?closed=1").content.decode()
    assert "zqx-resolved-challenge" in closed and CANARIES["challenge"] not in closed
    assert "Back to the 1 challenge being worked on" in closed
    challenge = client.get(f"/o/acme/challenges/{planted['challenge'].pk}/").content.decode()
    assert CANARIES["action"] in challenge and "Map the rota" in challenge


def test_the_kept_cycle_page_is_each_reader_s_own(client, world, planted):
    """The cycle page is kept under the reader's relation to the set: read first by someone
    who reads everything, it still shows a former member nothing from after they left, and a
    write after it was kept is read by those who may read it."""
    quinn = SetMembership.objects.get(participant__user=world.participant2)
    quinn.left_on = timezone.localdate() - timedelta(days=1)
    quinn.save()
    later = make_challenge(world.set_a, pat(world), "zqx-after-leaving")
    url = f"/o/acme/sets/{world.set_a.pk}/cycle/"
    for _twice in range(2):
        client.force_login(world.facilitator)
        assert "zqx-after-leaving" in client.get(url).content.decode()
        client.force_login(world.participant2)
        page = client.get(url).content.decode()
        assert "zqx-after-leaving" not in page and CANARIES["challenge"] in page
    services.action_create(
        challenge=later,
        by=pat(world),
        on_behalf=False,
        submission=uuid.uuid4(),
        text="zqx-new-action",
        due_on=timezone.localdate() + timedelta(days=3),
    )
    client.force_login(world.facilitator)
    assert "zqx-new-action" in client.get(url).content.decode()
    client.force_login(world.participant2)
    assert "zqx-new-action" not in client.get(url).content.decode()


def test_a_member_s_open_actions_of_another_programme_show_as_they_are_written(client, world):
    """The cycle page lists the reader's open actions of every set they are in. What the page
    keeps is of this programme alone (a write in another leaves it kept), so the list is kept
    apart, under the reads confined to no programme: one written in another programme's set
    shows at once."""
    owner = pat(world)
    elsewhere = set_elsewhere(world)
    SetMembership.objects.create(learning_set=elsewhere, participant=owner)
    client.force_login(world.participant)
    url = f"/o/acme/sets/{world.set_a.pk}/cycle/"
    assert "zqx-elsewhere" not in client.get(url).content.decode()  # and the page is kept
    services.action_create(
        challenge=make_challenge(elsewhere, owner, "A question elsewhere"),
        by=owner,
        on_behalf=False,
        submission=uuid.uuid4(),
        text="zqx-elsewhere",
        due_on=timezone.localdate() + timedelta(days=3),
    )
    assert "zqx-elsewhere" in client.get(url).content.decode()
