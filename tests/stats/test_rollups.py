"""The rollup tables stay exact whatever writes the records: the actions, bulk inserts, queryset updates,
cascading deletes, a moved organisation. After each change the stored rollups equal a fresh count
(rollups.differences() is empty) and the report read from them equals the report counted from records."""

import random
from datetime import date, timedelta

import pytest
from django.db import connection

from tsunagu.cases import actions
from tsunagu.cases.models import Case, Channel, Consulter, Contact, Referral, ReferralStatus, ReferralTarget
from tsunagu.orgs import actions as org_actions
from tsunagu.orgs.models import Organisation, PartnerCategory, Role
from tsunagu.orgs.rules import Actor
from tsunagu.stats import rollups
from tsunagu.stats.models import CaseYear, ContactMonth, OrgAncestor
from tsunagu.stats.report import Period, build_report, counted_report

from ..cases.factories import actor_for, make_case
from ..factories import make_staff

FY2021 = Period(date(2021, 4, 1), date(2022, 3, 31))
ODD = Period(date(2021, 5, 17), date(2022, 1, 9))  # partial months at both ends
HALF = Period(date(2021, 4, 1), date(2021, 9, 30))  # whole months: the presence tables by month


@pytest.fixture
def worker(network):
    return actor_for(make_staff(network["own_center"], Role.COORDINATOR))


def assert_exact(*orgs, periods=(FY2021, ODD, HALF)):
    assert rollups.differences() == {}
    for org in orgs:
        for period in periods:
            assert build_report(org, period) == counted_report(org, period), (org.code, period)


def test_triggers_are_installed_after_migrate(db):
    assert set(rollups.expected_triggers()) == rollups.installed_triggers()
    assert rollups.ensure() is False


def test_closure_lists_each_organisation_and_its_ancestors(network):
    center = network["own_center"]
    ancestors = set(OrgAncestor.objects.filter(org_id=center.pk).values_list("ancestor_id", flat=True))
    expected = {o.pk for o in Organisation.objects.all() if center.path.startswith(o.path)}
    assert ancestors == expected and center.pk in ancestors and network["own"].pk in ancestors


def test_contact_changes_keep_rollups_exact(network, worker):
    case = make_case(worker, opened_on=date(2021, 4, 1))
    first = actions.log_contact(
        actor=worker, case=case, date=date(2021, 5, 20), channel=Channel.PHONE, consulter=Consulter.FAMILY
    )
    actions.log_contact(
        actor=worker,
        case=case,
        date=date(2021, 5, 3),
        channel=Channel.HOME_VISIT,
        consulter=Consulter.PERSON,
        with_peer=True,
    )
    month = ContactMonth.objects.get(
        ancestor_id=network["own_center"].pk, month=date(2021, 5, 1), channel=Channel.PHONE
    )
    assert month.n == 1
    # The row is the centre's own: its prefecture and the nation read it through the closure.
    assert ContactMonth.objects.filter(channel=Channel.PHONE).count() == 1
    assert build_report(network["nation"], FY2021)["contacts"]["total"] == 2
    assert_exact(network["own"], network["own_center"])
    # Across the fiscal-year boundary: the case leaves FY2021's persons only when no contact is left there.
    actions.update_contact(actor=worker, contact=first, date=date(2022, 4, 2))
    assert_exact(network["own"])
    assert CaseYear.objects.filter(ancestor_id=network["own_center"].pk, case_id=case.pk).count() == 2
    actions.delete_contact(actor=worker, contact=first)
    assert_exact(network["own"])
    assert not ContactMonth.objects.filter(month=date(2022, 4, 1)).exists()


def test_bulk_writes_updates_and_cascades_keep_rollups_exact(network, worker):
    rng = random.Random(4)
    cases = [make_case(worker, opened_on=date(2021, 4, 1)) for _ in range(6)]
    Contact.objects.bulk_create(
        [
            Contact(
                case=c,
                organisation=c.organisation,
                date=date(2021, 3, 1) + timedelta(days=rng.randrange(500)),
                channel=rng.choice(Channel.values),
                consulter=rng.choice(Consulter.values),
                age_band=rng.choice(["20s", "30s", "unknown"]),
                with_peer=rng.random() < 0.3,
            )
            for c in cases
            for _ in range(15)
        ]
    )
    assert_exact(network["own"], network["own_center"])
    Contact.objects.filter(channel=Channel.PHONE).update(channel=Channel.EMAIL)
    Contact.objects.filter(date__month=5).update(date=date(2022, 6, 30))
    assert_exact(network["own"])
    cases[0].delete()  # its contacts go with it
    Case.objects.filter(pk=cases[1].pk).update(first_contact_on=date(2021, 12, 24))
    assert_exact(network["own"])


def test_referral_changes_keep_rollups_exact(network, worker):
    category = PartnerCategory.objects.order_by("order").first()
    case = make_case(worker, opened_on=date(2021, 4, 1))
    actions.log_contact(
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
    actions.refer(
        actor=worker, case=case, date=date(2021, 6, 3), target=ReferralTarget.FAMILY, to_ibasho=True, partner_name="B"
    )
    assert_exact(network["own"])
    actions.set_referral_status(actor=worker, referral=referral, status=ReferralStatus.DECIDED, on=date(2021, 7, 1))
    assert build_report(network["own"], FY2021)["connected"] == {"total": 1, "本人": 1, "家族": 0}
    assert_exact(network["own"])
    Referral.objects.filter(pk=referral.pk).update(date=date(2022, 4, 1))
    assert build_report(network["own"], FY2021)["connected"]["total"] == 0
    assert_exact(network["own"])


def test_moving_an_organisation_moves_its_counts(network, worker):
    center, other = network["own_center"], network["other"]
    case = make_case(worker, opened_on=date(2021, 4, 1))
    actions.log_contact(
        actor=worker, case=case, date=date(2021, 4, 5), channel=Channel.PHONE, consulter=Consulter.PERSON
    )
    assert build_report(network["own"], FY2021)["contacts"]["total"] == 1
    org_actions.update_organisation(actor=Actor.system("test"), org=center, parent=other)
    assert_exact(network["own"], other, Organisation.objects.get(pk=center.pk))
    assert build_report(network["own"], FY2021)["contacts"]["total"] == 0
    assert build_report(other, FY2021)["contacts"]["total"] == 1


def test_a_dropped_trigger_is_noticed_and_the_rollups_rebuilt(network, worker):
    case = make_case(worker, opened_on=date(2021, 4, 1))
    name = next(n for n in rollups.installed_triggers() if n.startswith("stats_contactmonth_ins"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f'DROP TRIGGER "{name}" ON cases_contact')
        else:
            cursor.execute(f'DROP TRIGGER "{name}"')
    actions.log_contact(
        actor=worker, case=case, date=date(2021, 4, 5), channel=Channel.PHONE, consulter=Consulter.PERSON
    )
    assert "stats_contactmonth" in rollups.differences()
    assert rollups.ensure() is True
    assert_exact(network["own"])


def test_the_rollups_command_checks_and_rebuilds(network, worker):
    import io

    from django.core.management import CommandError, call_command

    case = make_case(worker, opened_on=date(2021, 4, 1))
    actions.log_contact(
        actor=worker, case=case, date=date(2021, 4, 5), channel=Channel.PHONE, consulter=Consulter.PERSON
    )
    out = io.StringIO()
    call_command("rollups", stdout=out)
    assert "照合済み 7/10: stats_connectedmonth" in out.getvalue()
    assert "照合済み 10/10: stats_referralmonth_nation" in out.getvalue()
    assert "すべての集計表が記録と一致しました" in out.getvalue()
    ContactMonth.objects.filter(ancestor_id=network["own_center"].pk).update(n=7)  # a hand edit
    out = io.StringIO()
    with pytest.raises(CommandError, match="tsunagu rollups --rebuild"):
        call_command("rollups", stdout=out)
    assert "stats_contactmonth: 1行が記録と一致しません。" in out.getvalue()
    call_command("rollups", rebuild=True, stdout=io.StringIO())
    assert_exact(network["own"])


def test_ibasho_attendance_keeps_connected_exact(network, worker):
    from datetime import time

    from tsunagu.ibasho import actions as ibasho_actions

    place = ibasho_actions.create_ibasho(actor=worker, organisation=network["own_center"], name="サロン", kind="online")
    events = [
        ibasho_actions.create_event(actor=worker, ibasho=place, date=on, start_time=time(10), online=True)
        for on in (date(2021, 6, 1), date(2021, 12, 1), date(2022, 5, 1))
    ]
    cases = [make_case(worker, opened_on=date(2021, 4, 1)) for _ in range(3)]
    kept = []
    for event in events:
        for case in cases:
            kept.append(ibasho_actions.record_attendance(actor=worker, event=event, case=case))
    ibasho_actions.record_attendance(actor=worker, event=events[1], case=cases[0], target=ReferralTarget.FAMILY)
    assert_exact(network["own"], network["own_center"])
    ibasho_actions.remove_attendance(actor=worker, attendance=kept[0])  # cases[0] now first attends in December
    ibasho_actions.update_event(actor=worker, event=events[2], date=date(2021, 4, 2), start_time=time(10), online=True)
    assert_exact(network["own"], network["own_center"])
    cases[1].delete()
    assert_exact(network["own"])


def test_writers_in_opposite_orders_queue_instead_of_deadlocking(transactional_db, network):
    """Two transactions each write two contacts whose rollup rows they would lock in opposite orders.
    Without the triggers' per-organisation lock PostgreSQL aborts one with a deadlock; with it the second waits
    for the first to commit and both succeed, exactly counted."""
    import threading
    import time

    from django.db import connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: there is nothing to deadlock")
    worker = actor_for(make_staff(network["own_center"], Role.COORDINATOR))
    cases = {name: make_case(worker, opened_on=date(2021, 4, 1)) for name in "ab"}
    a_wrote_first, b_starting = threading.Event(), threading.Event()
    errors = []

    def write(channel):
        case = cases[threading.current_thread().name]
        Contact.objects.create(
            case=case,
            organisation=case.organisation,
            date=date(2021, 4, 5),
            channel=channel,
            consulter=Consulter.PERSON,
            age_band="30s",
        )

    def a():
        try:
            with transaction.atomic():
                write(Channel.PHONE)
                a_wrote_first.set()
                b_starting.wait(5)
                time.sleep(0.3)  # B is now inside its first write
                write(Channel.EMAIL)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            a_wrote_first.set()
            connections.close_all()

    def b():
        try:
            a_wrote_first.wait(5)
            b_starting.set()
            with transaction.atomic():
                write(Channel.EMAIL)
                write(Channel.PHONE)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=a, name="a"), threading.Thread(target=b, name="b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert rollups.differences() == {}
    assert ContactMonth.objects.get(ancestor_id=network["own_center"].pk, channel=Channel.EMAIL).n == 2


def test_a_report_reads_the_subtree_once_and_a_fiscal_year_not_at_all(network):
    from django.test.utils import CaptureQueriesContext

    def subtree_reads(period):
        with CaptureQueriesContext(connection) as queries:
            build_report(network["own"], period)
        return sum('FROM "orgs_organisation"' in q["sql"] for q in queries.captured_queries)

    # The network section counts the subtree's municipalities themselves, and the employment section's three
    # queries (the registered cases counted, the new and decided registrations, and the contacts of registered
    # cases) take the subtree as a subquery (work_experience goes through the closure table): four statements
    # that name the tree for a fiscal year, one more for the partial months of any other period.
    assert (subtree_reads(FY2021), subtree_reads(ODD)) == (4, 5)


def _rollup_rows() -> dict[str, list]:
    """Every rollup row as stored, with PostgreSQL's xmin and ctid (each action is a savepoint with its
    own transaction id, and every write makes a new row version): a row written again with the same
    values shows. On SQLite a rewritten row was deleted at 0 and inserted under a new id."""
    rows = {}
    with connection.cursor() as cursor:
        for table in rollups.ROLLUP_TABLES:
            written = "xmin::text || ctid::text" if connection.vendor == "postgresql" else "''"
            cursor.execute(f"SELECT *, {written} FROM {table} ORDER BY id")
            rows[table] = cursor.fetchall()
    return rows


def test_an_edit_that_changes_no_counted_column_writes_no_rollup_row(network, worker):
    case = make_case(worker, opened_on=date(2021, 4, 1), name="山田 太郎")
    contact = actions.log_contact(
        actor=worker, case=case, date=date(2021, 4, 5), channel=Channel.PHONE, consulter=Consulter.PERSON
    )
    actions.refer(
        actor=worker,
        case=case,
        date=date(2021, 6, 1),
        target=ReferralTarget.PERSON,
        to_ibasho=True,
        partner_name="サロン",
    )
    before = _rollup_rows()
    assert [len(before[table]) for table in rollups.ROLLUP_TABLES] == [1, 1, 1, 1, 0, 1, 0]
    case.refresh_from_db()
    actions.update_case(actor=worker, case=case, name="山田 花子", notes="改名")
    case.refresh_from_db()
    actions.update_contact(actor=worker, contact=contact, notes="内容だけ直す")
    assert _rollup_rows() == before
    assert_exact(network["own"])


def test_the_rollups_command_prints_the_triggers_it_installs(db):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("rollups", sql=True, stdout=out)
    printed = out.getvalue()
    assert printed == "".join(statement + ";\n" for statement in rollups.trigger_sql())
    for name in rollups.installed_triggers():
        assert name in printed
    # The national deltas are plain inserts: no upsert, so no two writers meet on a delta row.
    assert "INSERT INTO stats_contactmonth_delta" in printed
    assert "ON CONFLICT" not in printed.split("INSERT INTO stats_contactmonth_delta", 1)[1].split(";", 1)[0]
    if connection.vendor == "postgresql":
        assert printed.count("CREATE TRIGGER") == 28  # the closure's and 3 per feed (9 feeds)
        assert "pg_advisory_xact_lock(1937006964, (org % 2147483648)::int)" in printed
        assert "IS DISTINCT FROM" in printed
    else:
        assert printed.count("CREATE TRIGGER") == 30  # the closure's 3 and 3 per feed (9 feeds)
        assert "WHEN OLD.organisation_id IS NOT NEW.organisation_id" in printed


def test_a_half_year_counts_persons_and_connected_from_the_month_presence_tables(network, worker):
    """A case with contacts in April and in September counts once in the half year; a case connected
    twice (a decided referral, then its first 居場所 attendance) counts once per target."""
    case = make_case(worker, opened_on=date(2021, 4, 1))
    other = make_case(worker, opened_on=date(2021, 4, 1))
    for day in (date(2021, 4, 5), date(2021, 4, 20), date(2021, 9, 30)):
        actions.log_contact(actor=worker, case=case, date=day, channel=Channel.PHONE, consulter=Consulter.PERSON)
    actions.log_contact(
        actor=worker, case=other, date=date(2021, 10, 1), channel=Channel.PHONE, consulter=Consulter.PERSON
    )
    for day in (date(2021, 5, 1), date(2021, 8, 1)):
        referral = actions.refer(
            actor=worker, case=case, date=day, target=ReferralTarget.PERSON, to_ibasho=True, partner_name="A"
        )
        actions.set_referral_status(actor=worker, referral=referral, status=ReferralStatus.DECIDED, on=day)
    report = build_report(network["own"], HALF)
    assert report["contacts"]["persons"] == 1 and report["contacts"]["total"] == 3
    assert report["connected"] == {"total": 1, "本人": 1, "家族": 0}
    assert rollups.differences() == {}
    assert report == counted_report(network["own"], HALF)
