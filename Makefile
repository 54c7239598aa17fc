# Revans: `make run` serves the demo, `make test` runs every check. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser)
REVANS_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
export REVANS_TEST_DATABASE_URL

.PHONY: help run test install messages lint typecheck migrations-check test-fast test-sqlite test-postgres test-browser test-dates clean

help:
	@echo "make run    install, migrate, load the demo and serve http://127.0.0.1:8000 with its worker and sweep"
	@echo "make test   install with dev extras and run every check"

# The virtual environment, rebuilt when pyproject.toml changes.
$(BIN)/.installed: pyproject.toml
	@python=$$(scripts/find-python) || exit 1; \
	  if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    rm -rf $(VENV); echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV) || exit 1; \
	  fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m revans.domain.formation.warmup
	@touch $@

# Each language's catalogue compiled from its committed .po (GNU gettext's msgfmt; the .mo files
# are not committed). --check refuses a translation that drops or changes a placeholder.
MO := $(patsubst %.po,%.mo,$(wildcard revans/locale/*/LC_MESSAGES/*.po))
%.mo: %.po
	msgfmt --check -o $@ $<

install: $(BIN)/.installed $(MO)

# After changing a string people read: extract every message into each catalogue, then translate
# the new ones (revans/tests/i18n/test_catalogue.py fails until every one is).
messages: install
	cd revans && for po in locale/*/LC_MESSAGES/django.po; do \
	  ../$(PY) ../manage.py makemessages -l $$(echo $$po | cut -d/ -f2) --no-obsolete --no-location -i "tests/*"; \
	done

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

# The identity providers the sign-in tests start (revans/tests/identity/idps/): oidc-provider
# from npm, SimpleSAMLphp unpacked from Debian's .debs (PHP itself: `.ci/run` installs it).
.cache/simplesamlphp/.unpacked: scripts/simplesamlphp
	scripts/simplesamlphp
	@touch $@

IDPS := node_modules/.installed .cache/simplesamlphp/.unpacked

run: install
	$(MANAGE) migrate --no-input
	$(MANAGE) createcachetable
	$(MANAGE) collectstatic --no-input --verbosity 0
	$(MANAGE) load_demo
	@echo; echo "Revans is starting on http://127.0.0.1:8000 (web, worker and the sweep). Ctrl-C stops them all."; echo
	$(BIN)/honcho start --procfile Procfile

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: install
	$(BIN)/mypy revans conftest.py

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

# Everyday work: everything but the slow crawls, the real app servers and the browser, on SQLite.
test-fast: install
	$(BIN)/pytest -m "not browser and not slow" -n 2 -q

test-sqlite: install $(IDPS)
	$(BIN)/pytest -m "not browser" -n 2 -q

test-postgres: install $(IDPS)
	@if $(PY) scripts/wait-for-postgres "$$REVANS_TEST_DATABASE_URL"; then \
	  REVANS_DATABASE_URL="$$REVANS_TEST_DATABASE_URL" $(BIN)/pytest -m "not browser" -n 2 -q; \
	else \
	  echo "!!!!! PostgreSQL is not reachable at $$REVANS_TEST_DATABASE_URL: the PostgreSQL run is SKIPPED !!!!!"; \
	  if [ "$$CI" = "true" ]; then echo "CI=true: a skipped part is a failure."; exit 1; fi; \
	fi

test-browser: install $(IDPS)
	@if [ -n "$(CHROMIUM)" ]; then \
	  REVANS_CHROMIUM="$(CHROMIUM)" $(BIN)/pytest -m browser -q; \
	else \
	  echo "!!!!! Chromium is not installed (apt-get install chromium): the browser tests are SKIPPED !!!!!"; \
	  if [ "$$CI" = "true" ]; then echo "CI=true: a skipped part is a failure."; exit 1; fi; \
	fi

# The suite on the days where calendars turn (revans/tests/clock.py): a year's last day (just
# after midnight, before anything of the day opens), a new year (late in the evening), February's
# end and a leap day (at the real time of day); today is the test-sqlite run itself. CI runs the
# modules that count with dates (DATE_TESTS); `make test-dates DATE_TESTS=revans` runs everything.
TEST_DATES ?= 2026-12-31T00:00:30Z 2027-01-01T23:50:00Z 2027-02-28 2028-02-29
DATE_TESTS ?= $(addprefix revans/tests/,programmes/test_programmes.py \
  programmes/test_memberships.py learning/test_cycle.py learning/test_live.py \
  meetings/test_meetings.py meetings/test_meeting_reminders.py evidence/test_evidence.py \
  impact/test_impact.py test_pages.py demo/test_demo.py test_hostile.py \
  accounts/test_invitations.py accounts/test_auth.py formation/test_formation_runs_end.py \
  domain/test_confidentiality.py)
test-dates: install $(IDPS)
	@for day in $(TEST_DATES); do \
	  echo "The suite on $$day"; \
	  REVANS_TEST_TODAY=$$day $(BIN)/pytest -m "not browser" -n 2 -q $(DATE_TESTS) || exit 1; \
	done

# The suite runs once whole, on PostgreSQL as in production; SQLite runs the fast part.
test: lint typecheck migrations-check test-fast test-postgres test-dates test-browser
	@echo "All checks passed."

clean:
	rm -rf $(VENV) node_modules staticfiles .mypy_cache .ruff_cache .cache/simplesamlphp
