# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock | md5sum | cut -c1-12)
PYTEST_ARGS ?=

.PHONY: install run test test-browser lint format lock bench clean

$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py seed_commons_demo
	@echo ""
	@echo "  Social Business School is starting on  http://localhost:8000/"
	@echo "  Admin: http://localhost:8000/admin/   (Ctrl-C stops web, worker and beat)"
	@echo ""
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" DEBUG=1 $(VENV)/bin/honcho -f Procfile.dev start

# In parallel (pytest-xdist, one process a core): each process has its own test database,
# files and Redis database (tests/settings.py); TEST_WORKERS=0 runs in this process.
TEST_WORKERS ?= auto
test: install
	SECRET_KEY="$${SECRET_KEY:-insecure-key-for-tests-only}" VAR_DIR="$${TEST_VAR_DIR:-$(CURDIR)/var/test}" $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Only the real-browser journeys (Playwright + Debian's Chromium; they also run in `make test`,
# last). Screenshots land in test-artifacts/ (not committed).
test-browser: install
	$(MAKE) test PYTEST_ARGS="-m browser $(PYTEST_ARGS)"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# PostgreSQL + Redis at a real school's size (see README, "Benchmarks"); BENCH_ARGS takes
# --quick, --embedded, --smoke, --only pages|erasure|digest, --reseed, --writes-per-second N.
# The first figure is the mix: 200 members signed in, each request a random member and a page
# she may see (wrk with a Lua script), while members post responses and helpful marks through
# the forms (2 a second); then each kind of page alone, erasure beside posts, single URLs
# re-read by one member (no goals), and the weekly digest.
BENCH_ARGS ?=
bench: install
	SECRET_KEY="$${SECRET_KEY:-insecure-key-for-benchmarks}" $(PY) -m benchmarks $(BENCH_ARGS)

# Regenerate the lock from pyproject.toml (needs the package registry).
lock:
	rm -rf /tmp/sbs-lock-venv && $(PYTHON) -m venv /tmp/sbs-lock-venv
	/tmp/sbs-lock-venv/bin/pip install --quiet --upgrade pip
	/tmp/sbs-lock-venv/bin/pip install --quiet "$$(pwd)[dev]"
	/tmp/sbs-lock-venv/bin/pip freeze --exclude social-business-school > requirements.lock

clean:
	rm -rf $(VENV) var
