"""The live meeting: the console runs a whole meeting on the records of the previous one, the
board follows, and nothing two people do at once, or a hostile request, corrupts the state."""

import html
import threading
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from revans.accounts.models import Role
from revans.domain.agenda import Item, Row, Slot
from revans.learning import services
from revans.learning.live import selectors as live_selectors
from revans.learning.live import services as live
from revans.learning.models import (
    Action,
    AgendaTemplate,
    Bid,
    Challenge,
    LiveMeeting,
    MeetingRecord,
    ProcessNote,
    Question,
    ReportBack,
)
from revans.meetings.models import Attendance
from revans.programmes.models import FacilitationMode, FacilitationPeriod, Participant
from revans.tests.sweeps import assert_canary_absent, assert_query_budget, count_queries, crawl
from revans.tests.world import future_meeting, make_member, make_user
from revans.writes import kept_moved


def person(user) -> Participant:
    return Participant.objects.get(user=user)


def started(world, minutes: float = 5):
    """Set A's meeting, begun `minutes` ago."""
    return future_meeting(world.set_a, days=-minutes / (24 * 60))


def url(meeting, tail: str = "console/") -> str:
    return f"/o/acme/meetings/{meeting.pk}/{tail}"


def version(meeting) -> int:
    """What boards poll with: raised by every change they show."""
    return LiveMeeting.objects.get(meeting=meeting).version


def state_version(meeting) -> int:
    """What a change of the clock, agenda, presenters or chair must name."""
    return LiveMeeting.objects.get(meeting=meeting).state_version


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, meeting, tail: str, **data):
    """POST as a browser would, following the redirect back to the page."""
    return client.post(url(meeting, tail), data, follow=True)


def pat_commits(world, previous, text: str) -> None:
    """An action Pat commits on their challenge, from the cycle pages (during a meeting, it
    is one of the meeting's)."""
    services.action_create(
        challenge=previous["challenge"],
        by=person(world.participant),
        on_behalf=False,
        submission=uuid.uuid4(),
        text=text,
        due_on=None,
    )


def ask(world, meeting, text: str, style: str = "") -> None:
    """A question asked of Pat by Quinn, noted by the facilitator (from any of their devices)."""
    live.question_add(
        meeting=meeting,
        by=world.facilitator,
        presenter_id=person(world.participant).pk,
        asked_by_id=person(world.participant2).pk,
        text=text,
        style=style,
        submission=uuid.uuid4(),
    )


def said(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def beside(response, form_id: str) -> str:
    """The HTML of one form on the page: where a refusal must be said, beside the fields."""
    body = response.content.decode()
    start = body.index(f'id="{form_id}"')
    return html.unescape(body[start : body.index("</form>", start)])


@pytest.fixture
def previous(world):
    """Pat's challenge, with an action agreed at the previous meeting, due at this one."""
    before = future_meeting(world.set_a, days=-28)
    challenge = Challenge.objects.create(
        learning_set=world.set_a, owner=person(world.participant), statement="Depot overtime"
    )
    action = Action.objects.create(
        challenge=challenge,
        text="Talk to the night shift",
        due_on=timezone.localdate(),
        committed_at=before,
    )
    after = future_meeting(world.set_a, days=28)
    return {"challenge": challenge, "action": action, "next": after}


def test_a_facilitator_runs_a_whole_meeting_and_the_record_is_filled_in(world, previous):
    meeting = started(world)
    fay, pat, quinn = (
        as_user(world.facilitator),
        person(world.participant),
        person(world.participant2),
    )
    assert fay.get(url(meeting)).status_code == 200  # the state is made with the default agenda

    for who in (pat, quinn):
        post(fay, meeting, "console/arrival/", participant=who.pk, present="yes")
    assert set(
        Attendance.objects.filter(meeting=meeting, present=True).values_list(
            "participant_id", flat=True
        )
    ) == {pat.pk, quinn.pk}

    # Check-in: Pat's action from last time, partly done, carried forward in one click.
    response = post(
        fay,
        meeting,
        "board/report-back/",
        action=previous["action"].pk,
        outcome="partly",
        what_happened="Met two of three teams",
        then="carry",
        back="console",
    )
    assert response.status_code == 200
    report = ReportBack.objects.get(action=previous["action"])
    assert report.meeting == meeting and report.outcome == "partly"
    assert previous["action"].carried_to.status == Action.Status.OPEN

    # Bids, from Pat's own phone; then the facilitator orders the presenters.
    post(
        as_user(world.participant),
        meeting,
        "board/bid/",
        participant=pat.pk,
        minutes=20,
        back="board",
    )
    assert Bid.objects.get(meeting=meeting).minutes == 20
    post(
        fay,
        meeting,
        "console/presenters/",
        version=state_version(meeting),
        **{f"order_{pat.pk}": 1, f"minutes_{pat.pk}": 20},
    )
    assert LiveMeeting.objects.get(meeting=meeting).slots == [[pat.pk, 20]]

    t0 = timezone.now()
    with time_machine.travel(t0, tick=False) as clock:
        post(fay, meeting, "console/clock/", version=state_version(meeting), operation="start")
        for minutes in (15, 5):  # check-in, then bids
            clock.shift(timedelta(minutes=minutes))
            post(fay, meeting, "console/clock/", version=state_version(meeting), operation="next")
        board = fay.get(url(meeting)).context["board"]
        assert board.presenter == "Pat Participant" and board.current.name == "Presentation"
        assert board.remaining == 180  # 5 of the 35 minutes, scaled to the 20 allotted

        post(
            fay,
            meeting,
            "console/questions/",
            presenter=pat.pk,
            asked_by=quinn.pk,
            text="What would the night shift say?",
            style="open",
            submission=uuid.uuid4(),
        )
        post(
            fay,
            meeting,
            "console/actions/",
            challenge=previous["challenge"].pk,
            text="Shadow a night shift",
            submission=uuid.uuid4(),
        )
        clock.shift(timedelta(minutes=3))
        for _phase in range(4):
            post(fay, meeting, "console/clock/", version=state_version(meeting), operation="next")
        board = fay.get(url(meeting)).context["board"]
        assert board.current.name == "Process review" and board.show_airtime
        post(fay, meeting, "console/review/", text="More open questions than last time")
        post(fay, meeting, "console/notes/", text="Pat was tired", submission=uuid.uuid4())
        response = post(fay, meeting, "console/close/", version=state_version(meeting), sure="on")

    assert "The meeting is closed" in said(response)
    record = MeetingRecord.objects.get(meeting=meeting)
    assert list(record.presenters.all()) == [pat]
    assert record.airtime == {str(pat.pk): 3 * 60}
    assert record.process_review == "More open questions than last time"
    assert record.closed_at is not None
    agreed = Action.objects.get(text="Shadow a night shift")
    assert agreed.committed_at == meeting and agreed.challenge == previous["challenge"]
    assert agreed.due_on == previous["next"].local_start.date()  # due by the next meeting
    question = Question.objects.get(meeting=meeting)
    assert (question.asked_by, question.presenter, question.style) == (quinn, pat, "open")
    assert ProcessNote.objects.get(meeting=meeting).text == "Pat was tired"
    page = as_user(world.participant2).get(url(meeting, "record/")).content.decode()
    assert "Pat Participant 3:00" in page and "What would the night shift say?" in page
    assert "1 question" in page and "Pat was tired" not in page

    # A stale console after the close changes nothing and says why.
    before = version(meeting)
    response = post(fay, meeting, "console/clock/", version=before, operation="start")
    assert "This meeting is closed" in said(response)
    response = post(
        fay,
        meeting,
        "console/questions/",
        presenter=pat.pk,
        asked_by=quinn.pk,
        submission=uuid.uuid4(),
    )
    assert "This meeting is closed" in response.content.decode()
    assert version(meeting) == before and Question.objects.count() == 1


def test_a_timer_started_twice_starts_once_and_the_second_sees_the_state(world):
    meeting = started(world)
    fay = as_user(world.facilitator)
    fay.get(url(meeting))
    post(fay, meeting, "console/arrival/", participant=person(world.participant).pk, present="yes")
    seen, polled = state_version(meeting), version(meeting)  # apart now: arrival is an addition
    post(fay, meeting, "console/clock/", version=seen, operation="start")
    response = post(fay, meeting, "console/clock/", version=seen, operation="start")
    assert "Someone changed the meeting" in said(response)
    assert response.context["board"].running  # the page shows the clock as it now is
    state = LiveMeeting.objects.get(meeting=meeting)
    assert state.state_version == seen + 1 and state.version == polled + 1
    assert state.deadline is not None
    # On the current version, a second start is refused in words, and nothing moves.
    response = post(fay, meeting, "console/clock/", version=state.state_version, operation="start")
    assert "already running" in said(response) and version(meeting) == polled + 1


def test_a_bid_or_a_question_meanwhile_does_not_make_the_console_stale(world):
    meeting = started(world)
    fay = as_user(world.facilitator)
    fay.get(url(meeting))
    shown, polled = state_version(meeting), version(meeting)
    pat = person(world.participant)
    post(as_user(world.participant), meeting, "board/bid/", participant=pat.pk, minutes=10)
    ask(world, meeting, "", "closed")  # from the facilitator's other device
    assert version(meeting) == polled + 2  # the boards learn of both
    response = post(fay, meeting, "console/clock/", version=shown, operation="start")
    assert said(response) == "" and LiveMeeting.objects.get(meeting=meeting).deadline


@pytest.mark.django_db(transaction=True)
def test_a_phase_advanced_from_two_devices_at_once_moves_one_step(world):
    meeting = started(world)
    live.live_of(meeting)
    seen = state_version(meeting)
    barrier, outcomes = threading.Barrier(2), []

    def advance() -> None:
        try:
            barrier.wait()
            live.clock_act(meeting=meeting, by=world.facilitator, version=seen, operation="next")
            outcomes.append("moved")
        except ValidationError as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=advance) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["Stale", "moved"]
    state = LiveMeeting.objects.get(meeting=meeting)
    assert state.position == 1 and state.state_version == seen + 1 and len(state.spent) == 1


def test_a_poll_is_204_with_no_body_until_something_changes(world):
    meeting = started(world)
    fay, pat = as_user(world.facilitator), as_user(world.participant)
    fay.get(url(meeting))
    seen = version(meeting)
    unchanged = pat.get(url(meeting, f"board/poll/?v={seen}"))
    assert unchanged.status_code == 204 and unchanged.content == b""
    post(fay, meeting, "console/clock/", version=seen, operation="start")
    changed = pat.get(url(meeting, f"board/poll/?v={seen}"))
    body = changed.content.decode()
    assert changed.status_code == 200 and f"?v={seen + 1}" in body and 'data-deadline="' in body
    assert fay.get(url(meeting, f"console/poll/?v={seen + 1}")).status_code == 204
    assert pat.get(url(meeting, "console/poll/?v=0")).status_code == 403


def test_a_reload_mid_phase_shows_the_same_remaining_time(world):
    meeting = started(world)
    fay, pat = as_user(world.facilitator), as_user(world.participant)
    fay.get(url(meeting))
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False) as clock:
        post(fay, meeting, "console/clock/", version=state_version(meeting), operation="start")
        clock.shift(timedelta(seconds=100))
        first = pat.get(url(meeting, "board/")).context["board"]
        again = pat.get(url(meeting, "board/")).context["board"]
        assert first.remaining == again.remaining == 15 * 60 - 100
        assert first.deadline_ms == again.deadline_ms
        post(fay, meeting, "console/clock/", version=state_version(meeting), operation="pause")
        clock.shift(timedelta(minutes=10))
        assert pat.get(url(meeting, "board/")).context["board"].remaining == 15 * 60 - 100


def test_bad_input_and_the_wrong_person_change_nothing(world, previous):
    meeting = started(world)
    fay, pat_client = as_user(world.facilitator), as_user(world.participant)
    pat, quinn = person(world.participant), person(world.participant2)
    rae = Participant.objects.get(email="rae@acme.test")  # in the pool, not in the set
    fay.get(url(meeting))
    seen = version(meeting)

    response = post(fay, meeting, "board/bid/", participant=rae.pk, minutes=10)
    assert "not understood" in said(response)
    response = post(
        pat_client, meeting, "board/bid/", participant=quinn.pk, minutes=10, back="board"
    )
    assert "Members bid for themselves" in said(response)
    response = post(
        pat_client, meeting, "board/bid/", participant=pat.pk, minutes=999, back="board"
    )
    assert "not understood" in said(response)
    assert not Bid.objects.exists()

    response = post(
        fay,
        meeting,
        "console/questions/",
        presenter=pat.pk,
        asked_by=rae.pk,
        submission=uuid.uuid4(),
    )
    assert "Select a valid choice" in response.content.decode()
    response = post(
        fay,
        meeting,
        "console/questions/",
        presenter=pat.pk,
        asked_by=pat.pk,
        text="What would you try first?",
        submission=uuid.uuid4(),
    )
    form = beside(response, "question-form")
    assert "asked questions by the others" in form and "What would you try first?" in form
    assert not Question.objects.exists()

    # An action for someone who is not presenting, and one on another member's challenge.
    response = post(
        fay,
        meeting,
        "console/actions/",
        challenge=previous["challenge"].pk,
        text="x",
        submission=uuid.uuid4(),
    )
    assert "this meeting's presenters" in said(response)
    # Presenters: too little time to give each phase half a minute.
    response = post(
        fay,
        meeting,
        "console/presenters/",
        version=seen,
        **{f"order_{pat.pk}": 1, f"minutes_{pat.pk}": 1},
    )
    assert "Allot from 2 to 180 minutes" in said(response)
    # Another member's report-back, from the board.
    response = post(
        as_user(world.participant2),
        meeting,
        "board/report-back/",
        action=previous["action"].pk,
        outcome="done",
        then="close",
        back="board",
    )
    assert "their own actions" in said(response)
    assert not ReportBack.objects.exists()

    # A member trying the facilitator's buttons: refused outright.
    tails = ("clock", "agenda", "presenters", "arrival", "questions", "actions", "review", "notes")
    for tail in (*tails, "close", "poll"):
        data = {"version": seen, "operation": "start", "participant": pat.pk, "text": "x"}
        assert pat_client.post(url(meeting, f"console/{tail}/"), data).status_code in (403, 405)
        assert pat_client.get(url(meeting, f"console/{tail}/")).status_code in (403, 405)
    response = post(pat_client, meeting, "board/chair/", version=seen, release="1")
    assert "Only the person running the meeting" in said(response)
    assert version(meeting) == seen
    assert LiveMeeting.objects.get(meeting=meeting).deadline is None


def test_the_agenda_changes_only_ahead_of_the_clock(world):
    meeting = started(world)
    fay = as_user(world.facilitator)
    fay.get(url(meeting))
    rows = LiveMeeting.objects.get(meeting=meeting).rows

    def agenda_post(rows: list[dict[str, object]], seen: int):
        """As the page sends it: the rows, then two blank rows for new items."""
        data: dict[str, object] = {
            "version": seen,
            "rows-TOTAL_FORMS": len(rows) + 2,
            "rows-INITIAL_FORMS": len(rows),
            "rows-MIN_NUM_FORMS": 0,
            "rows-MAX_NUM_FORMS": 20,
        }
        for n, row in enumerate(rows):
            data |= {f"rows-{n}-{k}": v for k, v in row.items()} | {f"rows-{n}-ORDER": n + 1}
        for n in (len(rows), len(rows) + 1):
            data |= {f"rows-{n}-item": "", f"rows-{n}-name": "", f"rows-{n}-minutes": ""}
        return fay.post(url(meeting, "console/agenda/"), data, follow=True)

    shorter = [dict(rows[0], minutes=10), *rows[1:]]
    response = agenda_post(shorter, state_version(meeting))
    assert "The agenda is saved" in said(response)
    assert LiveMeeting.objects.get(meeting=meeting).rows[0]["minutes"] == 10

    post(fay, meeting, "console/clock/", version=state_version(meeting), operation="start")
    response = agenda_post([dict(rows[0], minutes=20), *rows[1:]], state_version(meeting))
    assert "Only what is still ahead" in said(response)
    # An agenda that cannot run: presenter phases apart.
    broken = [rows[0], rows[2], rows[1], *rows[3:]]
    response = agenda_post(broken, state_version(meeting))
    assert "go together" in said(response)
    assert LiveMeeting.objects.get(meeting=meeting).rows[0]["minutes"] == 10


def test_a_new_meeting_takes_the_programme_s_agenda(world):
    fay = as_user(world.facilitator)
    page = fay.get(f"/o/acme/programmes/{world.programme.pk}/agenda/")
    assert page.status_code == 200
    template = AgendaTemplate.objects.get(programme=world.programme)
    template.rows = [{"item": "phase", "name": "Pitch", "minutes": 8}]
    template.save()
    meeting = started(world)
    fay.get(url(meeting))
    assert LiveMeeting.objects.get(meeting=meeting).rows == template.rows


def test_a_member_chairs_a_self_facilitating_set(world):
    meeting = started(world)
    pat, quinn = as_user(world.participant), as_user(world.participant2)
    assert pat.get(url(meeting)).status_code == 403
    FacilitationPeriod.objects.create(
        learning_set=world.set_a,
        mode=FacilitationMode.SELF_FACILITATING,
        starts_on=timezone.localdate(meeting.starts_at),  # the meeting's day, at any hour
        member_facilitator=person(world.participant),
    )
    assert pat.get(url(meeting)).status_code == 200  # named by the set's mode
    assert quinn.get(url(meeting)).status_code == 403
    response = post(quinn, meeting, "board/chair/", version=state_version(meeting))
    assert "chairing this meeting already" in said(response)
    # With nobody named, the chair rotates: the first member to take it runs the meeting.
    FacilitationPeriod.objects.update(member_facilitator=None)
    response = post(quinn, meeting, "board/chair/", version=state_version(meeting))
    assert response.context["console"] and quinn.get(url(meeting)).status_code == 200
    assert pat.get(url(meeting)).status_code == 403
    # The chair runs the meeting, but private notes stay the facilitators'.
    assert quinn.post(url(meeting, "console/notes/"), {"text": "x"}).status_code == 403


def test_only_the_set_s_current_people_see_the_board(world):
    meeting = started(world)
    assert as_user(world.participant).get(url(meeting, "board/")).status_code == 200
    assert as_user(world.facilitator).get(url(meeting, "board/")).status_code == 200
    for user, status in (
        (world.admin, 403),
        (world.sponsor, 403),
        (world.other_facilitator, 404),
        (world.outsider, 404),
    ):
        assert as_user(user).get(url(meeting, "board/")).status_code == status
        assert as_user(user).get(url(meeting, "board/poll/?v=0")).status_code == status
    membership = world.set_a.memberships.get(participant__user=world.participant2)
    membership.left_on = timezone.localdate()
    membership.save()
    assert as_user(world.participant2).get(url(meeting, "board/")).status_code == 404


def test_private_notes_reach_the_facilitators_alone_and_the_board_only_the_set(world, previous):
    meeting = started(world)
    live.live_of(meeting)
    canary_note, canary_question = "zqx-live-note-7", "zqx-live-question-8"
    live.private_note(
        meeting=meeting, by=world.facilitator, text=canary_note, submission=uuid.uuid4()
    )
    ask(world, meeting, canary_question)
    fay = crawl(as_user(world.facilitator), [url(meeting), url(meeting, "console/poll/?v=0")])
    assert canary_note in " ".join(fay.values()) and canary_question in " ".join(fay.values())
    for user in (world.participant, world.participant2):
        pages = crawl(as_user(user), [url(meeting, "board/"), url(meeting, "board/poll/?v=0")])
        assert canary_question in " ".join(pages.values())
        assert_canary_absent(pages, canary_note)
    for user in (world.admin, world.sponsor, world.other_facilitator, world.outsider):
        pages = crawl(
            as_user(user), [url(meeting, "board/"), url(meeting), f"/o/acme/meetings/{meeting.pk}/"]
        )
        assert_canary_absent(pages, canary_note)
        assert_canary_absent(pages, canary_question)
    # A member of organisation B, with A's meeting id in B's address, learns nothing.
    bravo = make_user("member@bravo.test", "Bravo Member")
    make_member(world.other_org, bravo, Role.FACILITATOR, Role.PARTICIPANT)
    response = as_user(bravo).get(f"/o/bravo/meetings/{meeting.pk}/board/")
    assert response.status_code == 404


def _past_meetings(world, count: int) -> None:
    """More history: meetings with attendance, bids, questions, actions and report-backs."""
    pat, quinn = person(world.participant), person(world.participant2)
    challenge = Challenge.objects.create(learning_set=world.set_a, owner=pat, statement="Past")
    for n in range(count):
        meeting = future_meeting(world.set_a, days=-30 - n)
        Attendance.objects.create(meeting=meeting, participant=pat, present=True)
        Bid.objects.create(meeting=meeting, participant=pat, minutes=10)
        Question.objects.create(meeting=meeting, presenter=pat, asked_by=quinn, text="Why?")
        done = Action.objects.create(
            challenge=challenge, text="Old", due_on="2026-01-01", committed_at=meeting
        )
        ReportBack.objects.create(action=done, meeting=meeting, outcome="done")
        LiveMeeting.objects.create(meeting=meeting)


def test_console_board_and_polls_cost_the_same_queries_with_5_or_50_past_meetings(world, previous):
    meeting = started(world)
    fay, pat = as_user(world.facilitator), as_user(world.participant)
    fay.get(url(meeting))
    live.slots_save(
        meeting=meeting,
        by=world.facilitator,
        version=state_version(meeting),
        slots=[Slot(person(world.participant).pk, 35)],
    )
    _past_meetings(world, 5)
    for client, tail in (
        (fay, "console/"),
        (pat, "board/"),
        (fay, "console/poll/?v=0"),
        (pat, "board/poll/?v=0"),
    ):
        assert_query_budget(client, url(meeting, tail), lambda: _past_meetings(world, 45))
    # An unchanged poll: a handful of queries, whatever the history.
    from django.test.utils import CaptureQueriesContext

    for count in (0, 45):
        _past_meetings(world, count)
        poll = url(meeting, f"board/poll/?v={version(meeting)}")
        with CaptureQueriesContext(connection) as queries:
            response = pat.get(poll)
        assert response.status_code == 204
        assert len(queries.captured_queries) <= 10, "\n".join(
            q["sql"][:150] for q in queries.captured_queries
        )


def test_a_board_s_rows_are_read_once_a_change_and_each_watcher_reads_only_theirs(world):
    """What the board is drawn from is kept per version of the meeting and shared by all who
    watch it; who reads each piece is still asked on every request, of each reader's periods."""
    meeting = started(world)
    live.live_of(meeting)
    pat, quinn = person(world.participant), person(world.participant2)
    ask(world, meeting, "zqx-before-quinn-joined")
    # Quinn's time in the set begins tomorrow: today's talk is not theirs to read.
    world.set_a.memberships.filter(participant=quinn).update(
        joined_on=timezone.localdate() + timedelta(days=1)
    )
    kept_moved()  # an update sends no signal
    poll = url(meeting, "board/poll/?v=0")
    pat_client, quinn_client = as_user(world.participant), as_user(world.participant2)
    for first, second in ((quinn_client, pat_client), (pat_client, quinn_client)):
        kept_moved()
        first_reads = count_queries(first, poll)
        second_reads = count_queries(second, poll)
        assert second_reads < first_reads  # the second watcher read the rows the first kept
        assert "zqx-before-quinn-joined" in pat_client.get(poll).content.decode()
        assert "zqx-before-quinn-joined" not in quinn_client.get(poll).content.decode()
    # A change in the meeting raises its version: the next read is drawn afresh.
    live.bid_place(
        meeting=meeting, by=world.participant, participant_id=pat.pk, minutes=25, urgent=True
    )
    assert "Pat Participant (25)" in pat_client.get(poll).content.decode()


def test_a_step_of_the_clock_reads_the_meeting_s_own_rows_again_and_not_the_set_s(world, previous):
    """The set's rows on the board (members, attendance, actions, report-backs) are kept until
    one of them is written; a change in the meeting alone (the clock, a question) has only the
    meeting's own rows (questions, bids, record) read again, and each shows as it is written."""
    meeting = started(world)
    live.live_of(meeting)
    poll = url(meeting, "board/poll/?v=0")
    pat, quinn = as_user(world.participant), as_user(world.participant2)
    kept_moved()
    afresh = count_queries(pat, poll)
    watching = count_queries(quinn, poll)
    by = world.facilitator
    live.clock_act(meeting=meeting, by=by, version=state_version(meeting), operation="start")
    stepped = count_queries(pat, poll)
    assert watching < stepped < afresh
    assert count_queries(quinn, poll) == watching
    ask(world, meeting, "zqx-asked-after-the-step")
    assert count_queries(pat, poll) == stepped
    assert "zqx-asked-after-the-step" in quinn.get(poll).content.decode()
    # An action committed in the meeting is a row of the set: it is read afresh, and shows.
    pat_commits(world, previous, "zqx-ring-the-depot")
    assert count_queries(pat, poll) == afresh
    assert "zqx-ring-the-depot" in quinn.get(poll).content.decode()


def test_actions_written_on_the_cycle_pages_during_the_meeting_reach_the_board(world, previous):
    meeting = started(world)
    live.live_of(meeting)
    seen = version(meeting)
    pat_commits(world, previous, "Ring the depot")
    assert version(meeting) == seen + 1
    board = as_user(world.participant2).get(url(meeting, "board/")).context["board"]
    assert [a.text for a in board.actions] == ["Ring the depot"]


def test_a_report_back_before_the_start_carries_to_the_next_meeting_and_leaves_check_in(
    world, previous
):
    meeting = future_meeting(world.set_a, days=20 / (24 * 60))  # starts in 20 minutes
    fay = as_user(world.facilitator)
    post(
        fay,
        meeting,
        "board/report-back/",
        action=previous["action"].pk,
        outcome="not",
        then="carry",
        back="console",
    )
    carried = previous["action"].carried_to
    assert carried.due_on == previous["next"].local_start.date()  # not this meeting: the next
    board = fay.get(url(meeting)).context["board"]
    pat_row = next(c for c in board.check_in if c.participant_id == person(world.participant).pk)
    assert pat_row.open_actions == [] and [r.outcome for r in pat_row.reported] == ["not"]


def test_a_presenter_whose_slot_was_skipped_is_not_recorded_as_presenting(world):
    meeting = started(world)
    pat, quinn = person(world.participant), person(world.participant2)
    live.live_of(meeting)
    by = world.facilitator
    live.slots_save(
        meeting=meeting,
        by=by,
        version=state_version(meeting),
        slots=[Slot(pat.pk, 4), Slot(quinn.pk, 4)],
    )
    for _step in range(2 + 4):  # check-in, bids and Pat's four phases, skipped unstarted
        live.clock_act(meeting=meeting, by=by, version=state_version(meeting), operation="skip")
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False) as clock:
        live.clock_act(meeting=meeting, by=by, version=state_version(meeting), operation="start")
        clock.shift(timedelta(seconds=50))
        record = live.close(meeting=meeting, by=by, version=state_version(meeting))
    assert list(record.presenters.all()) == [quinn] and record.airtime == {str(quinn.pk): 50}


def test_an_agenda_that_leaves_a_presenter_too_little_time_is_refused_in_words(world):
    meeting = started(world)
    pat = person(world.participant)
    fay = as_user(world.facilitator)
    fay.get(url(meeting))
    live.slots_save(meeting=meeting, by=world.facilitator, version=1, slots=[Slot(pat.pk, 2)])
    rows = LiveMeeting.objects.get(meeting=meeting).rows
    extra = [*rows[:-1], {"item": "phase", "name": "Reflection", "minutes": 2}, rows[-1]]
    data: dict[str, object] = {
        "version": state_version(meeting),
        "rows-TOTAL_FORMS": len(extra),
        "rows-INITIAL_FORMS": len(rows),
    }
    for n, row in enumerate(extra):
        data |= {f"rows-{n}-{k}": v for k, v in row.items()} | {f"rows-{n}-ORDER": n + 1}
    response = fay.post(url(meeting, "console/agenda/"), data)
    assert response.status_code == 200 and "Allot from 3 to 180 minutes" in said(response)
    assert LiveMeeting.objects.get(meeting=meeting).rows == rows

    # Someone saved the agenda first: the page starts again from what they saved.
    live.agenda_save(
        meeting=meeting,
        by=world.facilitator,
        version=state_version(meeting),
        rows=[
            Row(Item(r["item"]), r["name"], 7 if n == 0 else r["minutes"])
            for n, r in enumerate(rows)
        ],
    )
    data["version"] = 1
    response = fay.post(url(meeting, "console/agenda/"), data)
    assert "Someone changed the meeting" in said(response)
    assert response.context["formset"].initial[0]["minutes"] == 7
    assert response.context["version"].initial["version"] == state_version(meeting)


def test_a_member_chairing_sees_no_facilitator_s_private_note(world):
    meeting = started(world)
    live.live_of(meeting)
    live.private_note(
        meeting=meeting, by=world.facilitator, text="zqx-chair-10", submission=uuid.uuid4()
    )
    FacilitationPeriod.objects.create(
        learning_set=world.set_a,
        mode=FacilitationMode.SELF_FACILITATING,
        starts_on=timezone.localdate(meeting.starts_at),  # the meeting's day, at any hour
        member_facilitator=person(world.participant),
    )
    pages = crawl(as_user(world.participant), [url(meeting), url(meeting, "console/poll/?v=0")])
    assert "Close the meeting" in " ".join(pages.values())  # the chair's console, indeed
    assert_canary_absent(pages, "zqx-chair-10")


def test_attendance_taken_on_the_meeting_page_reaches_the_board(world):
    meeting = started(world)
    live.live_of(meeting)
    seen = version(meeting)
    pat = person(world.participant)
    as_user(world.facilitator).post(url(meeting, "attendance/"), {"present": [pat.pk]})
    assert version(meeting) == seen + 1
    board = as_user(world.participant).get(url(meeting, f"board/poll/?v={seen}")).context["board"]
    assert next(c for c in board.check_in if c.participant_id == pat.pk).present is True


# The live meeting as a facilitator meets it (issue 18, point 6) ------------------------------


def test_the_question_form_s_defaults_are_accepted_with_nobody_presenting(world):
    meeting = started(world)
    fay = as_user(world.facilitator)
    page = fay.get(url(meeting))
    question = page.context["question"]
    assert question["of"] and question["by"] and question["of"] != question["by"]
    post(
        fay,
        meeting,
        "console/questions/",
        presenter=question["of"],
        asked_by=question["by"],
        style="",
        text="",
        submission=uuid.uuid4(),
    )
    assert Question.objects.count() == 1


def test_check_in_says_who_is_not_marked_yet(world):
    meeting = started(world)
    page = as_user(world.facilitator).get(url(meeting)).content.decode()
    assert page.count("not marked yet") == 2  # Pat and Quinn, until they are marked
    assert "Mark Pat Participant here" in page and ">here<" not in page


def test_closing_is_confirmed_and_can_be_undone_for_two_hours(world):
    meeting = started(world)
    fay = as_user(world.facilitator)
    fay.get(url(meeting))  # the console opens the live meeting
    response = post(fay, meeting, "console/close/", version=state_version(meeting))
    assert "Tick the box to say the meeting is over" in response.content.decode()
    assert not live_selectors.is_closed(meeting)
    post(fay, meeting, "console/close/", version=state_version(meeting), sure="on")
    assert live_selectors.is_closed(meeting)
    record_page = fay.get(f"/o/acme/meetings/{meeting.pk}/record/").content.decode()
    assert "Reopen the meeting" in record_page
    response = post(fay, meeting, "console/reopen/")
    assert "open again" in said(response) and not live_selectors.is_closed(meeting)
    post(fay, meeting, "console/close/", version=state_version(meeting), sure="on")
    with time_machine.travel(timezone.now() + timedelta(hours=2, minutes=1)):
        response = post(fay, meeting, "console/reopen/")
        assert "correct its record instead" in said(response) and live_selectors.is_closed(meeting)


def test_only_whoever_runs_the_meeting_reopens_it(world):
    meeting = started(world)
    live.live_of(meeting)
    live.close(meeting=meeting, by=world.facilitator, version=state_version(meeting))
    with pytest.raises(ValidationError, match="Only the person running the meeting"):
        live.reopen(meeting=meeting, by=world.participant)  # the service asks, not only the page
    assert live_selectors.is_closed(meeting)
    live.reopen(meeting=meeting, by=world.facilitator)
    assert not live_selectors.is_closed(meeting)
