"""The people of the load benchmark (benchmarks/load.py), for locust. It knows nothing of Django:
it reads the plan load.py wrote (LOAD_PLAN, a JSON file) with, for each page, the requests that
show it (a path and the headers of a signed-in person or an API token), and each live board.

Two ways to run it, chosen by load.py:
- `PageUser` alone, with LOAD_ONLY=<page>: that page as fast as the server answers, one request
  after another per user (the saturation phase, as wrk did);
- `BoardUser` and `PersonUser` together: each board polls its live meeting every LOAD_POLL_EVERY
  seconds with the version it has; each person opens one of the pages, chosen by the plan's
  weights, then reads for LOAD_THINK seconds (the mixed phase).
"""

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

import gevent
from locust import FastHttpUser, constant, task
from locust.exception import StopUser

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text()) if "LOAD_PLAN" in os.environ else {}
PAGES: dict = PLAN.get("pages", {})
BOARDS: list = PLAN.get("boards", [])
VERSION = re.compile(r"\?v=(\d+)")  # the version a changed board answer names
_turns = {name: itertools.cycle(page["requests"]) for name, page in PAGES.items()}
_boards = iter(BOARDS)
POLL_EVERY = float(os.environ.get("LOAD_POLL_EVERY", "2"))  # seconds, as the board's hx-trigger


def fetch(user: FastHttpUser, name: str) -> None:
    """One request of the page, as the next person in its list; any other answer than the
    page's own (200, or 204 for an unchanged poll) is an error: a redirect to sign-in or to an
    MFA set-up would otherwise look like a fast page."""
    path, headers = next(_turns[name])
    expected = PAGES[name].get("expect", [200])
    with user.client.get(
        path, headers=headers, name=name, allow_redirects=False, catch_response=True
    ) as response:
        if response.status_code not in expected:
            response.failure(f"{response.status_code} for {path}")


class PageUser(FastHttpUser):
    """Saturation: one page, no pause."""

    wait_time = constant(0)

    @task
    def page(self) -> None:
        fetch(self, os.environ["LOAD_ONLY"])


class BoardUser(FastHttpUser):
    """A member's live board: polls with the version it has, every few seconds."""

    fixed_count = len(BOARDS)

    def on_start(self) -> None:
        try:
            self.path, self.headers = next(_boards)
        except StopIteration:
            raise StopUser() from None
        self.version = "0"
        # Each board opened at its own moment, as people open them, then polling on its own
        # beat (htmx's `every 2s`). Locust starts users in batches, and its constant_pacing
        # keeps each user's beat from when it was made: boards made together polled together,
        # 20 at the same instant every 2 s for the whole run, each waiting for those before it.
        self.due = time.monotonic() + random.uniform(0, POLL_EVERY)
        gevent.sleep(self.due - time.monotonic())

    def wait_time(self) -> float:
        self.due += POLL_EVERY
        return max(0.0, self.due - time.monotonic())

    @task
    def poll(self) -> None:
        with self.client.get(
            f"{self.path}?v={self.version}",
            headers=self.headers,
            name="live board poll",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 200 and (found := VERSION.search(response.text or "")):
                self.version = found.group(1)
            elif response.status_code != 204:
                response.failure(f"{response.status_code} for {self.path}")


class PersonUser(FastHttpUser):
    """Someone using the app: a page, by the plan's weights, then reading it a while."""

    low, high = (float(x) for x in os.environ.get("LOAD_THINK", "1,3").split(","))

    def wait_time(self) -> float:
        return random.uniform(self.low, self.high)

    @task
    def page(self) -> None:
        names = list(PLAN["mix"])
        fetch(self, random.choices(names, weights=[PLAN["mix"][n] for n in names])[0])
