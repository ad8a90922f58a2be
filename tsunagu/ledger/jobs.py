"""Import jobs: an upload becomes an ImportJob row with its files, run in a background thread of the web
process (no extra server), or by `tsunagu run-ledger-jobs` where several servers share the work.
Whoever runs a job first claims it with a conditional UPDATE, so a job never runs twice.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit.log import log_action
from tsunagu.orgs.access import require
from tsunagu.orgs.models import Membership
from tsunagu.orgs.rules import Actor, Perm

from .importing import import_ledger
from .models import ImportFile, ImportJob, JobPhase, JobStatus

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(hours=2)


def submit_import(*, actor: Actor, files: list[tuple[str, bytes]]) -> ImportJob:
    """Queue an import of the acting organisation's ledger; it starts once this transaction commits."""
    require(actor, Perm.EDIT_CASES)
    # Without a separate worker nobody else would notice a job whose web process was restarted.
    fail_stale_jobs()
    with transaction.atomic():
        job = ImportJob.objects.create(
            organisation=actor.organisation,
            user=actor.user,
            ip=actor.ip,
            via=actor.via,
            via_label=actor.via_label,
            file_names="、".join(name for name, _data in files)[:400],
        )
        ImportFile.objects.bulk_create([ImportFile(job=job, name=name[:200], data=data) for name, data in files])
        log_action(actor, "ledger.upload", obj=job, label=job.file_names)
        transaction.on_commit(lambda: start(job.pk))
    return job


def start(job_id: int) -> None:
    if not settings.LEDGER_JOBS_IN_WEB:
        return  # left in the queue for `tsunagu run-ledger-jobs`
    if settings.LEDGER_JOBS_INLINE:
        run_job(job_id)
        return
    threading.Thread(target=_run_in_thread, args=(job_id,), name=f"ledger-job-{job_id}", daemon=True).start()


def _run_in_thread(job_id: int) -> None:
    try:
        run_job(job_id)
    finally:
        # The thread had its own connection; leaving it open would leak one per import.
        connections.close_all()


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _dead_here(worker: str) -> bool:
    """Whether `worker` (host:pid) was a process on this machine that no longer runs."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def claim(job_id: int) -> bool:
    return bool(
        ImportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now(), worker=this_worker()
        )
    )


def next_queued() -> int | None:
    return (
        ImportJob.objects.filter(status=JobStatus.QUEUED)
        .order_by("created_at", "id")
        .values_list("id", flat=True)
        .first()
    )


def _job_actor(job: ImportJob) -> Actor | None:
    """The uploader acting for the organisation (through the same token, if an API token uploaded it), as
    long as they still may import."""
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=job.user, organisation=job.organisation, is_active=True)
        .first()
    )
    if membership is None:
        return None
    actor = Actor(user=job.user, membership=membership, ip=job.ip, via=job.via, via_label=job.via_label)
    return actor if actor.can(Perm.EDIT_CASES) else None


def _finish(job: ImportJob, status: str, **fields) -> None:
    fields.update(status=status, phase=JobPhase.FINISHED, finished_at=timezone.now())
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    # The uploaded files hold personal data: once imported (or refused) they are not kept.
    ImportFile.objects.filter(job=job).delete()


def run_job(job_id: int) -> ImportJob | None:
    """Claim and run one job; None when another worker already has it."""
    if not claim(job_id):
        return None
    job = ImportJob.objects.select_related("organisation", "user").get(pk=job_id)
    try:
        actor = _job_actor(job)
        if actor is None:
            _finish(
                job,
                JobStatus.FAILED,
                error_count=1,
                errors=[_("取り込みを依頼した利用者に、この組織へ取り込む権限がなくなりました。")],
            )
        else:
            _import(job, actor)
    except Exception:
        log.exception("ledger import job %s failed", job_id)
        _finish(
            job,
            JobStatus.FAILED,
            error_count=1,
            errors=[_("取り込み中に予期しない問題が起きたため、何も登録しませんでした。管理者に連絡してください。")],
        )
    job.refresh_from_db()
    return job


def _import(job: ImportJob, actor: Actor) -> None:
    def progress(phase: str, processed: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(phase=phase, processed_rows=processed, total_rows=total)

    # PostgreSQL gives a memoryview, SQLite bytes: one copy of each file, not two.
    files = [(f.name, f.data if isinstance(f.data, bytes) else bytes(f.data)) for f in job.files.all()]
    result = import_ledger(
        actor=actor, organisation=job.organisation, files=files, file_label=job.file_names, progress=progress
    )
    if result.ok:
        _finish(
            job,
            JobStatus.DONE,
            total_rows=result.rows,
            processed_rows=result.rows,
            summary={
                "counts": result.counts,
                "sheets": result.sheet_counts,
                "ignored_columns": result.ignored_columns,
            },
        )
    else:
        _finish(
            job,
            JobStatus.FAILED,
            errors=result.errors,
            error_count=result.error_count,
            summary={"ignored_columns": result.ignored_columns},
        )


def fail_stale_jobs(now=None) -> int:
    """Jobs whose worker died (a restarted server, a kill -9) would show 実行中 forever and keep their
    uploaded files: give them an answer and delete the files. A worker of this machine that no longer
    runs is dead at once; one of another machine after STALE_AFTER."""
    now = now or timezone.now()
    running = ImportJob.objects.filter(status=JobStatus.RUNNING)
    stale = [
        job
        for job in running.only("pk", "worker", "started_at")
        if (job.started_at is not None and job.started_at < now - STALE_AFTER) or _dead_here(job.worker)
    ]
    for job in stale:
        _finish(
            job,
            JobStatus.FAILED,
            error_count=1,
            errors=[
                _(
                    "取り込みが途中で止まりました（サーバーの再起動など）。何も登録されていません。もう一度取り込んでください。"
                )
            ],
        )
    return len(stale)
