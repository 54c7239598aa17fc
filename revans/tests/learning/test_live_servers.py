"""The live state is in the database, not in a process: two app servers (separate gunicorn
processes) serve the same meeting, and a change made through one is seen through the other."""

import re
import secrets

import pytest
from django.db import connection
from django.test import Client

from revans.learning.live.services import live_of
from revans.learning.models import LiveMeeting
from revans.tests.servers import app_servers, database_url, request
from revans.tests.world import future_meeting

pytestmark = pytest.mark.slow  # a crawl or real servers: left out of `make test-fast`


def call(url: str, cookies: dict[str, str], data: dict[str, object] | None = None):
    status, body = request(url, "; ".join(f"{k}={v}" for k, v in cookies.items()), data)
    return status, body.decode()


@pytest.mark.django_db(transaction=True)
def test_a_change_through_one_app_server_is_seen_through_the_other(world, tmp_path):
    meeting = future_meeting(world.set_a, days=-5 / (24 * 60))
    live_of(meeting)
    fay, pat = Client(), Client()
    fay.force_login(world.facilitator)
    pat.force_login(world.participant)
    csrf = secrets.token_hex(16)  # a 32-character secret, sent as cookie and field alike
    fay_cookies = {"sessionid": fay.cookies["sessionid"].value, "csrftoken": csrf}
    pat_cookies = {"sessionid": pat.cookies["sessionid"].value}
    path = f"/o/acme/meetings/{meeting.pk}"

    with app_servers(2, database_url(connection.settings_dict), logs=tmp_path) as (one, two):
        seen = LiveMeeting.objects.get(meeting=meeting).version
        assert call(f"{two}{path}/board/poll/?v={seen}", pat_cookies) == (204, "")

        status, _body = call(
            f"{one}{path}/console/clock/",
            fay_cookies,
            {"csrfmiddlewaretoken": csrf, "version": seen, "operation": "start"},
        )
        assert status == 302
        status, body = call(f"{two}{path}/board/poll/?v={seen}", pat_cookies)
        assert status == 200 and "running" in body and f"?v={seen + 1}" in body
        deadline = re.search(r'data-deadline="(\d+)"', body)
        assert deadline

        # And back: paused through the second, seen through the first, at the same moment.
        call(
            f"{two}{path}/console/clock/",
            fay_cookies,
            {"csrfmiddlewaretoken": csrf, "version": seen + 1, "operation": "pause"},
        )
        status, body = call(f"{one}{path}/console/poll/?v={seen + 1}", fay_cookies)
        assert status == 200 and "paused" in body and "data-deadline" not in body
        # A second start sent on the old version through either server is refused.
        call(
            f"{one}{path}/console/clock/",
            fay_cookies,
            {"csrfmiddlewaretoken": csrf, "version": seen, "operation": "start"},
        )
    state = LiveMeeting.objects.get(meeting=meeting)
    assert state.version == seen + 2 and state.deadline is None and state.left is not None
