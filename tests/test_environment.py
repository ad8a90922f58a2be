"""The test run itself is checked: it must run on the database it was asked for, with every
component present. In CI (CI=true) a missing component fails the run instead of skipping tests,
so a green CI run cannot have quietly skipped PostgreSQL or the browser."""

import glob
import os
import shutil
from io import StringIO

import dj_database_url
import pytest
from django.core.management import call_command
from django.db import connection

IN_CI = os.environ.get("CI", "").lower() == "true"
# Set by `make test` for each of its two runs: "sqlite" or "postgresql".
EXPECTED_VENDOR = os.environ.get("TSUNAGU_TEST_DATABASE", "")


def missing(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing component is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def test_database_engine_is_the_one_database_url_names():
    url = os.environ.get("DATABASE_URL")
    expected = dj_database_url.parse(url)["ENGINE"] if url else "django.db.backends.sqlite3"

    assert connection.settings_dict["ENGINE"] == expected


def test_run_uses_the_database_make_test_asked_for(db):
    if not EXPECTED_VENDOR:
        if IN_CI:
            pytest.fail("CI=true but TSUNAGU_TEST_DATABASE is unset: run the suite through `make test`", pytrace=False)
        pytest.skip("TSUNAGU_TEST_DATABASE is unset (make test sets it for each of its runs)")

    assert connection.vendor == EXPECTED_VENDOR
    if EXPECTED_VENDOR == "postgresql":
        # Answered by the server itself, not by the settings.
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            (version,) = cursor.fetchone()
        assert version.startswith("PostgreSQL ")


def test_postgresql_server_is_installed():
    # What scripts/with-postgres needs to start the throw-away cluster of the second run.
    if os.environ.get("PG_BINDIR"):
        found = os.path.exists(os.path.join(os.environ["PG_BINDIR"], "initdb"))
    else:
        found = bool(glob.glob("/usr/lib/postgresql/*/bin/initdb") or shutil.which("initdb"))
    if not found:
        missing("PostgreSQL server programs (initdb) not found: apt-get install postgresql, or run `make test`")


def test_every_model_change_has_its_migration(db):
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"Models changed without a migration; run `tsunagu makemigrations`:\n{out.getvalue()}")
