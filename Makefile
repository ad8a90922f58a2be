# The entry point for working on tsunagu: `make demo` to try it, `make test` to test it.
# Debian 12 is the reference machine; as root the targets install the Debian packages they need.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# pip writes these after a successful install; they are redone when pyproject.toml changes.
INSTALLED := $(VENV)/.installed
INSTALLED_TEST := $(VENV)/.installed-test

# What the test suite needs from Debian: a PostgreSQL server for the second run, the browser the
# Playwright tests drive, Japanese fonts and poppler for PDF output, gettext for the message catalogs.
TEST_PACKAGES := postgresql chromium fonts-ipaexfont poppler-utils gettext
# Each of the two test runs must finish within this many seconds; they run side by side, so this is
# also the limit of the whole suite. The goal is under 20 minutes on the 2-core reference machine; the
# PostgreSQL run is longer today (issue 9), so this limit only stops a run that hangs.
TEST_RUN_SECONDS ?= 2700

# Installs the Debian packages given as arguments that are not installed yet: as root with apt-get
# (one `apt-get update` per call), otherwise prints the apt-get line to run and fails.
define apt_ensure
missing=(); \
for pkg in $(1); do \
	dpkg -s "$$pkg" 2>/dev/null | grep -q '^Status: install ok installed' || missing+=("$$pkg"); \
done; \
if [ $${#missing[@]} -gt 0 ]; then \
	if [ "$$(id -u)" -eq 0 ]; then \
		echo "Installing Debian packages: $${missing[*]}"; \
		apt-get update; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$${missing[@]}"; \
	else \
		echo "Missing Debian packages. Install them with:" >&2; \
		echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends $${missing[*]}" >&2; \
		exit 1; \
	fi; \
fi
endef

.PHONY: help demo test lint check bench clean system-packages-test

help:
	@echo "make demo   install into .venv, load the demo prefecture into var/, serve http://127.0.0.1:8000"
	@echo "make test   install what the tests need, run the suite on SQLite and then on PostgreSQL"
	@echo "make lint   ruff (lint and format check) and lint-imports (the app graph runs one way)"
	@echo "make check  Django's deployment checks and the check for missing migrations"
	@echo "make messages  collect the UI strings into the English catalogue and compile it (translate new entries)"
	@echo "make bench  server time of the case pages with 100,000 cases, on SQLite and then on PostgreSQL"
	@echo "make clean  remove .venv, var/ (the demo database) and build leftovers"

# Debian's python3 cannot create a virtualenv without python3-venv (ensurepip).
$(BIN)/python:
	@if ! $(PYTHON) -c 'import ensurepip, venv' 2>/dev/null; then $(call apt_ensure,python3 python3-venv); fi
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The bench's own test (tests/bench) runs the DuckDB reference on a small nation, so the suite needs it too.
$(INSTALLED_TEST): pyproject.toml $(INSTALLED)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

# The demo always uses its own SQLite database under var/, even in a shell where DATABASE_URL points
# at a real database.
DEMO_ENV := env -u DATABASE_URL DEBUG=1

# The PDF reports need Pango and the IPAex fonts. As root they are installed; otherwise the demo runs
# without them and says which PDF download will fail and how to fix it.
DEMO_PACKAGES := fonts-ipaexfont libpango-1.0-0 libpangoft2-1.0-0

demo: $(INSTALLED)
	@if [ "$$(id -u)" -eq 0 ]; then $(call apt_ensure,$(DEMO_PACKAGES)); \
	else for pkg in $(DEMO_PACKAGES); do dpkg -s "$$pkg" >/dev/null 2>&1 || \
		echo "note: $$pkg is not installed; PDF downloads need it (sudo apt-get install $(DEMO_PACKAGES))"; done; fi
	$(DEMO_ENV) $(BIN)/tsunagu migrate --noinput
	$(DEMO_ENV) $(BIN)/tsunagu demo-data
	@echo
	@echo "tsunagu is starting on http://127.0.0.1:8000/ - log in there with one of the demo accounts above."
	@echo "The 管理者 accounts then ask for a code from an authenticator app set up with the key printed above."
	@echo "Passkeys need a host name: open http://localhost:8000/ to try them."
	@echo "Stop it with Ctrl+C; run 'make demo' again to start it again with the same data."
	@echo
	exec $(DEMO_ENV) $(BIN)/tsunagu runserver 127.0.0.1:8000

system-packages-test:
	@$(call apt_ensure,$(TEST_PACKAGES))

# Each run must collect tests: pytest's exit code 5 (no tests collected) is a failure here, not a pass.
define pytest_run
status=0; \
timeout --signal=INT --kill-after=30 $(TEST_RUN_SECONDS) $(1) $(BIN)/python -m pytest $(PYTEST_ARGS) || status=$$?; \
if [ $$status -eq 5 ]; then echo "pytest ran no tests (exit code 5): that is a failure here" >&2; fi; \
if [ $$status -eq 124 ]; then echo "the test run took longer than $(TEST_RUN_SECONDS)s" >&2; fi; \
exit $$status
endef

# The linters `make test` runs first (pre-commit runs the same ruff on each commit); lint-imports checks
# the app graph against the contracts in pyproject.toml ([tool.importlinter]).
lint: $(INSTALLED_TEST)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

# The two runs go side by side, one per core: each line of output says which run it belongs to, and
# each run's summary is printed again at the end. Either failing fails `make test`.
test: system-packages-test $(INSTALLED_TEST) lint
	@echo "== tests on SQLite [sqlite] and on PostgreSQL, a throw-away cluster [postgresql], side by side"
	@mkdir -p var
	@( $(call pytest_run,env -u DATABASE_URL TSUNAGU_TEST_DATABASE=sqlite) ) 2>&1 \
		| tee var/test-sqlite.log | sed -u 's/^/[sqlite] /' & sqlite=$$!; \
	( $(call pytest_run,env TSUNAGU_TEST_DATABASE=postgresql scripts/with-postgres) ) 2>&1 \
		| tee var/test-postgresql.log | sed -u 's/^/[postgresql] /' & postgresql=$$!; \
	status=0; \
	wait $$sqlite || status=1; \
	wait $$postgresql || status=1; \
	echo "== SQLite: $$(tail -n 1 var/test-sqlite.log)"; \
	echo "== PostgreSQL: $$(tail -n 1 var/test-postgresql.log)"; \
	exit $$status

# The deployment checks with the environment a production server would have (no secrets involved:
# the key is generated for this one run).
check: $(INSTALLED)
	env -u DATABASE_URL DEBUG=0 ALLOWED_HOSTS=tsunagu.example.jp \
		CSRF_TRUSTED_ORIGINS=https://tsunagu.example.jp \
		SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		$(BIN)/tsunagu check --deploy --fail-level WARNING
	env -u DATABASE_URL DEBUG=1 $(BIN)/tsunagu makemigrations --check --dry-run

# The English catalogue (the UI's source strings are Japanese): collect every marked string into
# tsunagu/locale/en/LC_MESSAGES/django.po (new ones arrive untranslated; translate them and run this
# again), then compile django.mo, which is committed so `make demo` needs no gettext. It runs inside
# tsunagu/ so the catalogue lands in settings.LOCALE_PATHS; tests/core/test_i18n.py checks the result.
.PHONY: messages
messages: $(INSTALLED)
	@$(call apt_ensure,gettext)
	cd tsunagu && env -u DATABASE_URL DEBUG=1 TSUNAGU_VAR_DIR=$(CURDIR)/var ../$(BIN)/django-admin makemessages \
		-l en --settings=tsunagu.settings --ignore 'static/*' --ignore 'var/*' --no-obsolete
	cd tsunagu && env -u DATABASE_URL DEBUG=1 TSUNAGU_VAR_DIR=$(CURDIR)/var ../$(BIN)/django-admin compilemessages \
		--settings=tsunagu.settings
	msgfmt --statistics -o /dev/null tsunagu/locale/en/LC_MESSAGES/django.po

# The case pages with 100,000 cases and 1,000,000 contacts (bench/README.md). SQLite keeps its rows in
# var/bench.sqlite3 between runs; the PostgreSQL cluster is thrown away, so its rows are made each time.
# Both engines run even when the first misses the 100 ms target; the exit status says whether any did.
bench: $(INSTALLED)
	@$(call apt_ensure,postgresql)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	@echo "== case pages on SQLite"
	@status=0; \
	env -u DATABASE_URL $(BIN)/python bench/case_pages.py || status=$$?; \
	echo "== case pages on PostgreSQL (throw-away cluster)"; \
	scripts/with-postgres $(BIN)/python bench/case_pages.py || status=$$?; \
	echo "== national report against DuckDB on SQLite"; \
	env -u DATABASE_URL $(BIN)/python bench/report_national.py || status=$$?; \
	echo "== national report against DuckDB on PostgreSQL (throw-away cluster)"; \
	scripts/with-postgres $(BIN)/python bench/report_national.py || status=$$?; \
	exit $$status

clean:
	rm -rf $(VENV) var build dist staticfiles .pytest_cache *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
