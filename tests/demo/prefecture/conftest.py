"""The demo prefecture that `tsunagu demo-data` builds, built twice for every module of this package.

A build takes 36 s to several minutes on PostgreSQL, so the modules share two builds from an empty
database instead of making four (test_demo_data_options.py, test_demo_data.py, and two in
test_demo_cases.py): the first with `--password` (test_demo_data.py checks the option on it, and
test_demo_cases.py that it holds the same case work as the second), rolled back; the second with the
default password, whose rows the tests read, each test in a savepoint that is undone before the next.

Each build has a transaction of its own. Two builds in one transaction (the second after rolling back a
savepoint, as test_demo_cases.py did) took 343 s against 36 s and 39 s for builds in transactions of
their own (PostgreSQL 15, `--durations`): the rollup triggers update the same rollup rows thousands
of times, and the row versions of a transaction still open cannot be pruned.

A build is slow, too, when the planner believes the tables empty: once autovacuum has cleaned up after
a rolled-back build, `reltuples` is 0 and the triggers' statements scan a whole rollup index for every
row they change (EXPLAIN shows an index scan with no index condition). That is for the triggers to
fix (stats/rollups.py); here it is one reason more to build as few times as possible.

Run side by side on one loaded machine (PostgreSQL 15, `pytest --durations`), the three files took
1,209 s with four builds (249 s, 447 s, and 449 s for the two in one transaction) and 735 s with these two.

Tests that need an empty database (a refused password leaves nothing behind) are outside this package,
in tests/demo/test_demo_data_options.py.
"""

from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from tests.factories import restore_partner_categories
from tsunagu.cases.models import Case, Contact, Referral
from tsunagu.demo.cases import DemoCases, build_cases
from tsunagu.demo.network import build_network
from tsunagu.orgs.rules import Actor

PASSWORD = "tsunagu-demo-2026"
OTHER_PASSWORD = "another-long-passphrase"
SYSTEM = Actor.system("demo-data")


def demo_data(*args) -> str:
    out = StringIO()
    call_command("demo_data", *args, stdout=out)
    return out.getvalue()


def summary() -> dict:
    """Everything a second build must reproduce, without database ids."""
    return {
        "status": Counter(Case.objects.values_list("organisation__code", "status")),
        "channel": Counter(Contact.objects.values_list("channel", flat=True)),
        "consulter": Counter(Contact.objects.values_list("consulter", flat=True)),
        "age_band": Counter(Contact.objects.values_list("age_band", flat=True)),
        "referrals": Counter(Referral.objects.values_list("status", "to_ibasho", "partner__code")),
        "cases": list(
            Case.objects.order_by("organisation__code", "number").values_list(
                "organisation__code",
                "number",
                "opened_on",
                "name",
                "status",
                "closed_on",
                "reached_on",
                "first_contact_on",
                "last_contact_on",
            )
        ),
        "contacts": list(
            Contact.objects.order_by("case__organisation__code", "case__number", "date", "id").values_list(
                "case__number", "date", "channel", "consulter", "staff__username", "with_peer", "minutes"
            )
        ),
    }


def _added() -> DemoCases:
    """What a build from an empty database added (the database holds no case work before it)."""
    return DemoCases(Case.objects.count(), Contact.objects.count(), Referral.objects.count())


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        restore_partner_categories()  # a live-server test before this package may have emptied them
        assert _added() == DemoCases(0, 0, 0)
        with transaction.atomic():
            first_output = demo_data("--password", OTHER_PASSWORD)
            users = get_user_model().objects.all()
            first = {
                "first": _added(),
                "first_summary": summary(),
                "first_output": first_output,
                "other_password_users": [u.username for u in users if u.check_password(OTHER_PASSWORD)],
                "users": [u.username for u in users],
            }
            transaction.set_rollback(True)
        outer = transaction.atomic()
        outer.__enter__()
        try:
            output = demo_data()
            built = first | {"output": output, "second": _added(), "second_summary": summary()}
            # A third call must add nothing: the demo organisations already hold cases.
            built["third"] = build_cases(build_network(SYSTEM), SYSTEM, password=PASSWORD)
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
