"""Import jobs: claimed once, run by the web process or by `tsunagu run-ledger-jobs`, never left hanging."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tsunagu.cases.models import Case
from tsunagu.ledger import jobs
from tsunagu.ledger.models import ImportFile, ImportJob, JobStatus
from tsunagu.orgs.models import Membership, Role
from tsunagu.orgs.rules import Actor

from ..factories import make_staff
from .builders import case_row, contact_row, ledger, xlsx_bytes


@pytest.fixture
def actor(org):
    membership = make_staff(org, Role.COORDINATOR, username="soudan")
    return Actor(user=membership.user, membership=membership, ip="192.0.2.10")


def queue(actor, settings, sheets=None):
    settings.LEDGER_JOBS_IN_WEB = False  # stays queued, as with a separate worker
    sheets = sheets or ledger([case_row(number="A")], [contact_row(number="A")])
    return jobs.submit_import(actor=actor, files=[("台帳.xlsx", xlsx_bytes(sheets))])


def test_a_job_runs_once_however_many_workers_try(actor, settings):
    job = queue(actor, settings)
    assert ImportJob.objects.get(pk=job.pk).status == JobStatus.QUEUED
    assert jobs.run_job(job.pk).status == JobStatus.DONE
    assert jobs.run_job(job.pk) is None
    assert Case.objects.count() == 1


def test_run_ledger_jobs_works_through_the_queue(actor, settings):
    first, second = queue(actor, settings), queue(actor, settings, ledger([case_row(number="B", sex="男")]))
    out = StringIO()
    call_command("run_ledger_jobs", "--once", stdout=out, stderr=StringIO())
    assert out.getvalue() == f"取込 {first.pk}: 完了（2行）\n取込 {second.pk}: 失敗（1行）\n"
    assert ImportJob.objects.get(pk=second.pk).errors == [
        "「ケース」シート 2行目「性別」: 「男」は使えません（使えるもの: 男性、女性、その他、不明）"
    ]
    assert not ImportFile.objects.exists()


def test_the_job_writes_as_the_uploader_from_their_address(actor, settings):
    from tsunagu.audit.models import AuditEntry

    job = queue(actor, settings)
    assert ImportFile.objects.filter(job=job).count() == 1
    jobs.run_job(job.pk)
    assert not ImportFile.objects.filter(job=job).exists()  # done: the files are gone
    entry = AuditEntry.objects.get(action="ledger.import")
    assert (entry.user, entry.ip, entry.organisation) == (actor.user, "192.0.2.10", actor.organisation)


def test_a_job_whose_uploader_lost_the_right_to_import_fails(actor, settings):
    job = queue(actor, settings)
    Membership.objects.filter(pk=actor.membership.pk).update(role=Role.VIEWER)
    job = jobs.run_job(job.pk)
    assert (job.status, job.errors) == (
        JobStatus.FAILED,
        ["取り込みを依頼した利用者に、この組織へ取り込む権限がなくなりました。"],
    )
    assert Case.objects.count() == 0
    assert not ImportFile.objects.filter(job=job).exists()


def test_a_job_left_running_by_a_dead_worker_is_failed(actor, settings):
    job, recent = queue(actor, settings), queue(actor, settings)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now() - timedelta(hours=3))
    ImportJob.objects.filter(pk=recent.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    queue(actor, settings)  # the next upload notices it, as `tsunagu run-ledger-jobs` would
    assert jobs.fail_stale_jobs() == 0
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.errors == [
        "取り込みが途中で止まりました（サーバーの再起動など）。何も登録されていません。もう一度取り込んでください。"
    ]
    assert ImportJob.objects.get(pk=recent.pk).status == JobStatus.RUNNING
    assert not ImportFile.objects.filter(job=job).exists()
    assert ImportFile.objects.filter(job=recent).count() == 1


def _killed_process() -> int:
    """The pid of a process of this machine that was killed with SIGKILL (and reaped)."""
    import signal
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    return process.pid


def test_a_job_whose_worker_was_killed_is_failed_at_once_and_its_files_deleted(actor, settings, client):
    """Before, a killed import kept its uploaded files (personal data) until the sweep two hours later."""
    import socket

    from ..conftest import act_as

    job, alive = queue(actor, settings), queue(actor, settings)
    assert jobs.claim(job.pk) and jobs.claim(alive.pk)
    assert ImportJob.objects.get(pk=alive.pk).worker == jobs.this_worker()  # this test's own process
    ImportJob.objects.filter(pk=job.pk).update(worker=f"{socket.gethostname()}:{_killed_process()}")
    assert ImportFile.objects.filter(job=job).count() == 1
    act_as(client, actor.membership)
    page = client.get(f"/ledger/jobs/{job.pk}/")  # the page that polls the job notices first
    assert page.status_code == 200
    job.refresh_from_db()
    assert (job.status, job.error_count) == (JobStatus.FAILED, 1)
    assert "取り込みが途中で止まりました" in page.content.decode()
    assert not ImportFile.objects.filter(job=job).exists()
    assert (ImportJob.objects.get(pk=alive.pk).status, ImportFile.objects.filter(job=alive).count()) == (
        JobStatus.RUNNING,
        1,
    )
    # A worker on another machine is left to STALE_AFTER.
    ImportJob.objects.filter(pk=alive.pk).update(worker="elsewhere.example:1")
    assert jobs.fail_stale_jobs() == 0


def test_an_unexpected_failure_is_reported_and_writes_nothing(actor, settings, monkeypatch):
    job = queue(actor, settings)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "import_ledger", broken)
    job = jobs.run_job(job.pk)
    assert (job.status, job.errors) == (
        JobStatus.FAILED,
        ["取り込み中に予期しない問題が起きたため、何も登録しませんでした。管理者に連絡してください。"],
    )
    assert not ImportFile.objects.filter(job=job).exists()


@pytest.mark.django_db(transaction=True)
def test_in_the_web_process_the_job_runs_in_a_background_thread(tree):
    """The real path: committed upload, a thread with its own database connection, progress in the row."""
    import threading

    membership = make_staff(tree["center"], Role.COORDINATOR)
    actor = Actor(user=membership.user, membership=membership)
    job = jobs.submit_import(actor=actor, files=[("台帳.xlsx", xlsx_bytes(ledger([case_row(number="A")])))])
    for thread in threading.enumerate():
        if thread.name == f"ledger-job-{job.pk}":
            thread.join(timeout=30)
    job.refresh_from_db()
    assert (job.status, job.total_rows, job.processed_rows) == (JobStatus.DONE, 1, 1)
    assert Case.objects.filter(organisation=tree["center"], number="A").exists()
