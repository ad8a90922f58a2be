"""The rollup triggers read only the rollup rows they change, whatever the planner believes of the tables
(PostgreSQL; SQLite's row triggers find each row by its key).

When the statistics say a table is empty (reltuples = 0 — a fresh table, or one that autovacuum counted
while a build was still open, since rows of a transaction in progress are not live), the planner ran
`UPDATE rollup t … FROM (the changed keys) g` as a nested loop over a scan of the whole rollup table
for every changed record. (On the demo's small rollup tables that costs little: `tsunagu demo-data` with
those statistics used 22 s of PostgreSQL CPU before and after the fix, PostgreSQL 15; the cost grows
with the table.) The test
gives the rollup tables that state inside its own transaction (the catalogue row is rolled back with
it), puts 2,000 rows of another organisation in each, and counts the rows the triggers read
(pg_stat_xact_user_tables) while a contact, a case, a referral and an attendance are changed and
deleted."""

from datetime import date

import pytest
from django.db import connection

from tsunagu.cases import actions
from tsunagu.cases.models import Case, Channel, Consulter, Contact, Referral, ReferralStatus, ReferralTarget
from tsunagu.orgs.models import PartnerCategory, Role
from tsunagu.stats import rollups

from ..cases.factories import actor_for, make_case
from ..factories import make_staff

FOREIGN = 2_000  # rows of an organisation that does not exist, in every rollup table
STRANGER = 2_000_000_000


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the planner's statistics are PostgreSQL's")


def _fill_and_forget_statistics() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO stats_contactmonth (ancestor_id, month, channel, consulter, age_band, with_peer, n) "
            f"SELECT {STRANGER}, date '2000-01-01' + i, 'phone', 'person', 'unknown', false, 1 "
            f"FROM generate_series(1, {FOREIGN}) i"
        )
        cursor.execute(
            f"INSERT INTO stats_newcasemonth (ancestor_id, month, n) "
            f"SELECT {STRANGER}, date '2000-01-01' + i, 1 FROM generate_series(1, {FOREIGN}) i"
        )
        cursor.execute(
            f"INSERT INTO stats_referralmonth (ancestor_id, month, category_id, target, decided, n) "
            f"SELECT {STRANGER}, date '2000-01-01' + i, 0, 'person', false, 1 FROM generate_series(1, {FOREIGN}) i"
        )
        cursor.execute(
            f"INSERT INTO stats_caseyear (ancestor_id, fy, case_id, n) "
            f"SELECT {STRANGER}, 2000, i, 1 FROM generate_series(1, {FOREIGN}) i"
        )
        cursor.execute(
            f"INSERT INTO stats_connectedyear (ancestor_id, fy, target, case_id, n) "
            f"SELECT {STRANGER}, 2000, 'person', i, 1 FROM generate_series(1, {FOREIGN}) i"
        )
        # What autovacuum leaves after counting a table while a build is open: pages and no live rows.
        cursor.execute(
            "UPDATE pg_class SET reltuples = 0, relpages = 100 WHERE relkind = 'r' AND relname = ANY(%s)",
            [list(rollups.ROLLUP_TABLES)],
        )


def _rows_read() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) "
            "FROM pg_stat_xact_user_tables WHERE relname = ANY(%s)",
            [list(rollups.ROLLUP_TABLES)],
        )
        return dict(cursor.fetchall())


def test_changing_and_deleting_records_reads_only_the_rollup_rows_they_change(network):
    worker = actor_for(make_staff(network["own_center"], Role.COORDINATOR))
    category = PartnerCategory.objects.order_by("order").first()
    case = make_case(worker, opened_on=date(2021, 4, 1))
    contact = actions.log_contact(
        actor=worker, case=case, date=date(2021, 4, 5), channel=Channel.PHONE, consulter=Consulter.PERSON
    )
    referral = actions.refer(
        actor=worker,
        case=case,
        date=date(2021, 6, 1),
        target=ReferralTarget.PERSON,
        category=category,
        partner_name="A",
    )
    actions.set_referral_status(actor=worker, referral=referral, status=ReferralStatus.DECIDED, on=date(2021, 7, 1))
    _fill_and_forget_statistics()
    before = _rows_read()

    # Each change subtracts the old keys and adds the new ones (the counted columns change).
    Contact.objects.filter(pk=contact.pk).update(date=date(2021, 5, 6), channel=Channel.VISIT_OFFICE)
    Case.objects.filter(pk=case.pk).update(first_contact_on=date(2021, 5, 6))
    Referral.objects.filter(pk=referral.pk).update(date=date(2021, 6, 2))
    Referral.objects.filter(pk=referral.pk).delete()
    Contact.objects.filter(pk=contact.pk).delete()
    Case.objects.filter(pk=case.pk).delete()

    after = _rows_read()
    read = {table: after.get(table, 0) - before.get(table, 0) for table in rollups.ROLLUP_TABLES}
    # A handful of rows each (the keys changed), never the 2,000 foreign rows.
    assert all(n < 20 for n in read.values()), read
    assert rollups.differences() == {
        "stats_contactmonth": FOREIGN,
        "stats_newcasemonth": FOREIGN,
        "stats_referralmonth": FOREIGN,
        "stats_caseyear": FOREIGN,
        "stats_connectedyear": FOREIGN,
    }
