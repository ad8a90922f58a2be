"""Two imports of one organisation at the same time: one imports, the other waits for it and then finds
nothing to change; never an IntegrityError. Real threads with their own connections, on PostgreSQL (the
production engine; SQLite's test database shares one cache between connections and locks whole tables)."""

import threading

import pytest
from django.db import connection, connections, transaction

from tsunagu.cases.models import Case, Contact
from tsunagu.ledger import jobs, locks
from tsunagu.ledger.importing import import_ledger
from tsunagu.ledger.models import ImportJob, JobPhase, JobStatus
from tsunagu.orgs.models import Role
from tsunagu.orgs.rules import Actor

from ..cases.factories import actor_for, make_case
from ..factories import SYSTEM, make_staff
from .builders import big_ledger, xlsx_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def workbook(cases: int, contacts: int) -> list[tuple[str, bytes]]:
    """A ledger without referrals: a transactional test's flush empties the partner categories that a
    migration made, so a referral would be refused in the tests that run after the first."""
    sheets = big_ledger(cases, contacts, [])
    sheets["つなぎ"] = sheets["つなぎ"][:1]
    return [("台帳.xlsx", xlsx_bytes(sheets))]


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")


def at_once(*calls):
    """Run the calls in threads released together; their results (or exceptions) in order."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # the test looks at what each thread met
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_two_identical_imports_at_once_import_once(tree):
    org = tree["center"]
    files = workbook(300, 2)
    outcomes = at_once(*[lambda: import_ledger(actor=SYSTEM, organisation=org, files=files)] * 2)
    assert [type(outcome).__name__ for outcome in outcomes] == ["ImportResult", "ImportResult"]
    assert all(outcome.ok for outcome in outcomes), [outcome.errors for outcome in outcomes]
    created = sorted(outcome.counts["cases_created"] for outcome in outcomes)
    unchanged = sorted(outcome.counts["cases_unchanged"] for outcome in outcomes)
    assert (created, unchanged) == ([0, 300], [0, 300])
    assert (Case.objects.count(), Contact.objects.count()) == (300, 600)


def test_an_import_waits_for_the_one_running_and_says_so(tree):
    org = tree["center"]
    phases = []
    holder = connections.create_connection("default")  # the other import's connection
    holder.inc_thread_sharing()  # released from the importing thread, once that says it waits
    with holder.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [locks.IMPORT_LOCK, org.pk])
    files = workbook(3, 1)

    def progress(phase, processed, total):
        phases.append(phase)
        if phase == JobPhase.WAITING:
            with holder.cursor() as cursor:  # the other import ends
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [locks.IMPORT_LOCK, org.pk])

    try:
        [result] = at_once(lambda: import_ledger(actor=SYSTEM, organisation=org, files=files, progress=progress))
    finally:
        holder.dec_thread_sharing()
        holder.close()
    assert result.ok and result.counts["cases_created"] == 3
    assert phases[0] == JobPhase.WAITING and JobPhase.WRITING in phases


def test_an_import_that_waits_too_long_is_refused_with_a_message(tree, monkeypatch):
    org = tree["center"]
    monkeypatch.setattr(locks, "WAIT_SECONDS", 0.2)  # not a quarter of an hour
    holder = connections.create_connection("default")
    with holder.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [locks.IMPORT_LOCK, org.pk])
    try:
        [result] = at_once(lambda: import_ledger(actor=SYSTEM, organisation=org, files=workbook(1, 1)))
    finally:
        holder.close()
    assert result.errors == [
        "この組織のほかの取込が終わらないため、取り込みませんでした（0分待ちました）。終わってからもう一度取り込んでください。"
    ]
    assert Case.objects.count() == 0


def test_two_uploads_at_once_both_finish(tree, settings):
    settings.LEDGER_JOBS_IN_WEB = False
    membership = make_staff(tree["center"], Role.COORDINATOR)
    actor = Actor(user=membership.user, membership=membership)
    files = workbook(200, 2)
    first, second = (jobs.submit_import(actor=actor, files=files) for _ in range(2))
    at_once(lambda: jobs.run_job(first.pk), lambda: jobs.run_job(second.pk))
    done = ImportJob.objects.order_by("pk")
    assert [(job.status, job.error_count) for job in done] == [(JobStatus.DONE, 0), (JobStatus.DONE, 0)]
    assert sorted(job.summary["counts"]["cases_created"] for job in done) == [0, 200]
    assert Case.objects.count() == 200


def test_workers_claiming_one_job_at_once_run_it_once(tree, settings):
    settings.LEDGER_JOBS_IN_WEB = False
    membership = make_staff(tree["center"], Role.COORDINATOR)
    actor = Actor(user=membership.user, membership=membership)
    job = jobs.submit_import(actor=actor, files=workbook(5, 1))
    outcomes = at_once(*[lambda: jobs.run_job(job.pk)] * 3)
    assert sorted(outcome is None for outcome in outcomes) == [False, True, True]
    job.refresh_from_db()
    assert (job.status, job.errors, Case.objects.count()) == (JobStatus.DONE, [], 5)


def test_a_case_saved_elsewhere_while_the_import_writes_is_a_message(tree):
    """The case page opens 「L000000」 in a transaction of its own that commits while the import, which
    did not see it when it checked, is inserting the same number."""
    org = tree["center"]
    membership = make_staff(org, Role.COORDINATOR)
    opened, go = threading.Event(), threading.Event()

    def open_on_the_case_page():
        with transaction.atomic():
            make_case(actor_for(membership), number="L000000")
            opened.set()
            go.wait(timeout=30)

    def on_progress(phase, processed, total):
        if phase == JobPhase.WRITING:
            threading.Timer(0.5, go.set).start()  # commit while the import waits on the case number

    def run_import():
        opened.wait(timeout=30)
        return import_ledger(actor=SYSTEM, organisation=org, files=workbook(3, 1), progress=on_progress)

    _opened, result = at_once(open_on_the_case_page, run_import)
    assert result.errors == [
        "取り込みの途中で、同じケース番号などがほかの操作で登録されたため、何も登録しませんでした。もう一度取り込んでください。"
    ]
    assert list(Case.objects.values_list("number", flat=True)) == ["L000000"]
