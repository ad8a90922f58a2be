"""Statistics writers never deadlock and never wait for another organisation (PostgreSQL; SQLite lets
one writer in at a time, so there is nothing to deadlock or to wait for).

Each deadlock test pins the interleaving that deadlocked: transaction B has already written a counted
record of the organisation (so it holds what the rollup triggers take) and is about to log a contact on
case X; transaction A is the other action on case X, started meanwhile. Before the one lock order, A
locked X's row and then waited for the rollups, B waited for X's row, and PostgreSQL aborted one of
them after deadlock_timeout."""

import threading
import time
from datetime import date

import pytest
from django.db import connection, connections, transaction

from tsunagu.cases import actions
from tsunagu.cases.models import Channel, Consulter, Contact
from tsunagu.orgs.models import Role
from tsunagu.stats import national, rollups

from ..cases.factories import actor_for, make_case
from ..factories import SYSTEM, make_staff

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")


@pytest.fixture
def worker(network):
    return actor_for(make_staff(network["own_center"], Role.COORDINATOR))


def _session(lock_timeout="8s"):
    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = '{lock_timeout}'")
        cursor.execute("SET deadlock_timeout = '200ms'")


def _someone_waits(seconds=5.0) -> bool:
    """True once another backend waits for a lock (read from a connection of the test's own)."""
    watcher = connections.create_connection("default")
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with watcher.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                if cursor.fetchone()[0]:
                    return True
            time.sleep(0.02)
        return False
    finally:
        watcher.close()


def _contact(worker, case, day=date(2021, 4, 5), channel=Channel.PHONE):
    return actions.log_contact(actor=worker, case=case, date=day, channel=channel, consulter=Consulter.PERSON)


def run_against_b(worker, other_case, case_x, action_a):
    """B: log a contact on other_case, let A start, then log one on case_x; A: action_a(). Returns the
    errors the two threads met."""
    b_holds, errors = threading.Event(), []

    def b():
        try:
            _session()
            with transaction.atomic():
                _contact(worker, other_case)
                b_holds.set()
                _someone_waits()  # A has locked what it locks and waits
                _contact(worker, case_x, channel=Channel.EMAIL)
        except Exception as error:  # noqa: BLE001 - asserted below
            errors.append(("B", repr(error)))
        finally:
            b_holds.set()
            connections.close_all()

    def a():
        try:
            b_holds.wait(5)
            _session()
            action_a()
        except Exception as error:  # noqa: BLE001 - asserted below
            errors.append(("A", repr(error)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=b), threading.Thread(target=a)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


def test_update_case_and_log_contact_on_one_case_do_not_deadlock(network, worker):
    other, case = make_case(worker), make_case(worker, name="山田")

    def rename():
        actions.update_case(actor=worker, case=case, name="山田 花子")

    assert run_against_b(worker, other, case, rename) == []
    assert rollups.differences() == {}
    assert Contact.objects.filter(case=case).count() == 1


def test_ledger_import_and_log_contact_on_one_case_do_not_deadlock(network, worker):
    from tsunagu.ledger.importing import import_ledger

    from ..ledger.builders import contact_row, ledger, xlsx_bytes

    other, case = make_case(worker), make_case(worker)
    files = [("台帳.xlsx", xlsx_bytes(ledger(contacts=[contact_row(number=case.number, day="2021-05-06")])))]
    outcome = {}

    def import_it():
        outcome["result"] = import_ledger(actor=SYSTEM, organisation=network["own_center"], files=files)

    assert run_against_b(worker, other, case, import_it) == []
    assert outcome["result"].ok, outcome["result"].errors
    assert outcome["result"].counts["contacts_created"] == 1
    assert Contact.objects.filter(case=case).count() == 2
    assert rollups.differences() == {}


def test_ibasho_attendance_and_log_contact_on_one_case_do_not_deadlock(network, worker):
    from datetime import time as clock

    from tsunagu.ibasho import actions as ibasho_actions
    from tsunagu.ibasho.models import Attendance

    place = ibasho_actions.create_ibasho(actor=worker, organisation=network["own_center"], name="サロン", kind="online")
    event = ibasho_actions.create_event(
        actor=worker, ibasho=place, date=date(2021, 6, 1), start_time=clock(10), online=True
    )
    other, case = make_case(worker), make_case(worker)

    def attend():
        ibasho_actions.record_attendance(actor=worker, event=event, case=case)

    assert run_against_b(worker, other, case, attend) == []
    assert Attendance.objects.get(case=case).is_first
    assert rollups.differences() == {}


def _saved_while_held(worker, hold, save) -> float:
    """Seconds `save()` took while another thread keeps `hold()`'s transaction open for 2 s."""
    started, result = threading.Event(), {}

    def holder():
        try:
            with transaction.atomic():
                hold()
                started.set()
                time.sleep(2)
        finally:
            started.set()
            connections.close_all()

    def saver():
        try:
            started.wait(10)
            _session(lock_timeout="5s")
            begun = time.perf_counter()
            save()
            result["seconds"] = time.perf_counter() - begun
        except Exception as error:  # noqa: BLE001 - asserted below
            result["error"] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=holder), threading.Thread(target=saver)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert "error" not in result, result
    return result["seconds"]


def test_a_contact_in_one_prefecture_does_not_wait_for_a_long_transaction_in_another(network, worker):
    here = make_case(worker)
    there_worker = actor_for(make_staff(network["other_center"], Role.COORDINATOR))
    there = make_case(there_worker)
    # The same month, channel, consulter and band: a shared national rollup row would make B wait for A.
    seconds = _saved_while_held(worker, lambda: _contact(worker, here), lambda: _contact(there_worker, there))
    assert seconds < 0.5, seconds
    assert rollups.differences() == {}


def test_a_fold_does_not_wait_for_a_long_transaction_writing_a_contact(network, worker):
    from tsunagu.stats.models import ContactMonthDelta

    _contact(worker, make_case(worker))  # a committed delta to fold
    there_worker = actor_for(make_staff(network["other_center"], Role.COORDINATOR))
    there, folded = make_case(there_worker), {}
    seconds = _saved_while_held(
        worker, lambda: _contact(there_worker, there), lambda: folded.update(done=national.fold())
    )
    assert seconds < 0.5, seconds
    assert folded["done"] is True
    # The writer's delta was not committed when the fold took the deltas: it waits for the next fold.
    assert ContactMonthDelta.objects.count() == 1
    assert rollups.differences() == {}


def test_a_contact_does_not_wait_for_a_long_fold_and_the_nation_stays_exact(network, worker):
    from tsunagu.stats.report import Period, build_report

    _contact(worker, make_case(worker))
    there_worker = actor_for(make_staff(network["other_center"], Role.COORDINATOR))
    there, seen = make_case(there_worker), {}
    fiscal_year = Period(date(2021, 4, 1), date(2022, 3, 31))

    def save_and_read():
        _contact(there_worker, there)
        seen["total"] = build_report(network["nation"], fiscal_year)["contacts"]["total"]

    seconds = _saved_while_held(worker, national.fold, save_and_read)
    assert seconds < 1.5, seconds  # the contact and the nation's report, neither waiting
    assert seen["total"] == 2  # the fold in flight is not seen: its deltas still count
    assert build_report(network["nation"], fiscal_year)["contacts"]["total"] == 2
    assert rollups.differences() == {}


def test_a_second_fold_skips_while_one_is_in_flight(network, worker):
    _contact(worker, make_case(worker))
    second = {}
    seconds = _saved_while_held(worker, national.fold, lambda: second.update(done=national.fold()))
    assert seconds < 0.5, seconds
    assert second["done"] is False
    assert national.unfolded() == 0
    assert rollups.differences() == {}


def test_a_large_import_does_not_hold_another_organisations_saves(network, worker):
    from tsunagu.ledger.importing import import_ledger

    from ..ledger.builders import big_ledger, xlsx_bytes

    sheets = big_ledger(200, 2, [])
    sheets["つなぎ"] = sheets["つなぎ"][:1]
    files = [("台帳.xlsx", xlsx_bytes(sheets))]
    city_worker = actor_for(make_staff(network["own_city"], Role.COORDINATOR))
    city_case = make_case(city_worker)  # the same prefecture, another organisation

    def import_it():
        result = import_ledger(actor=SYSTEM, organisation=network["own_center"], files=files)
        assert result.ok, result.errors

    seconds = _saved_while_held(worker, import_it, lambda: _contact(city_worker, city_case))
    assert seconds < 0.5, seconds
    assert rollups.differences() == {}


def _other_actions(worker, network, case):
    """Actions on case X other than the ones above, each as A against B's log_contact."""
    from datetime import time as clock

    from tsunagu.cases.models import ReferralTarget, Status
    from tsunagu.ibasho import actions as ibasho_actions

    contact = _contact(worker, case, day=date(2021, 4, 9))
    referral = actions.refer(
        actor=worker,
        case=case,
        date=date(2021, 6, 1),
        target=ReferralTarget.PERSON,
        to_ibasho=True,
        partner_name="サロン",
    )
    place = ibasho_actions.create_ibasho(actor=worker, organisation=network["own_center"], name="サロン", kind="online")
    event = ibasho_actions.create_event(
        actor=worker, ibasho=place, date=date(2021, 6, 1), start_time=clock(10), online=True
    )
    ibasho_actions.record_attendance(actor=worker, event=event, case=case)
    fresh = lambda: type(case).objects.get(pk=case.pk)  # noqa: E731 - the version as A reads it
    return {
        "birth date (rebands contacts)": lambda: actions.update_case(
            actor=worker, case=fresh(), birth_date=date(1990, 5, 1)
        ),
        "update_contact": lambda: actions.update_contact(
            actor=worker, contact=Contact.objects.get(pk=contact.pk), date=date(2021, 7, 1)
        ),
        "delete_contact": lambda: actions.delete_contact(actor=worker, contact=Contact.objects.get(pk=contact.pk)),
        "refer": lambda: actions.refer(
            actor=worker,
            case=fresh(),
            date=date(2021, 6, 2),
            target=ReferralTarget.FAMILY,
            to_ibasho=True,
            partner_name="サロン",
        ),
        "set_referral_status": lambda: actions.set_referral_status(
            actor=worker, referral=type(referral).objects.get(pk=referral.pk), status="decided", on=date(2021, 6, 3)
        ),
        "change_status": lambda: actions.change_status(
            actor=worker, case=fresh(), status=Status.ASSESSMENT, on=date(2021, 6, 4)
        ),
        "event date (moves attendance)": lambda: ibasho_actions.update_event(
            actor=worker,
            event=type(event).objects.get(pk=event.pk),
            date=date(2021, 5, 1),
            start_time=clock(10),
            online=True,
        ),
    }


ACTIONS = [
    "birth date (rebands contacts)",
    "update_contact",
    "delete_contact",
    "refer",
    "set_referral_status",
    "change_status",
    "event date (moves attendance)",
]


@pytest.mark.parametrize("name", ACTIONS)
def test_each_case_action_and_log_contact_on_one_case_do_not_deadlock(network, worker, name):
    other, case = make_case(worker), make_case(worker, birth_date=date(1985, 6, 1))
    action = _other_actions(worker, network, case)[name]
    assert run_against_b(worker, other, case, action) == []
    assert rollups.differences() == {}
