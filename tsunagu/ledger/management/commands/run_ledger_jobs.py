"""`tsunagu run-ledger-jobs`: run queued ledger imports, for setups where the web processes should not
(several servers, or LEDGER_JOBS_IN_WEB = False). Jobs are claimed with a conditional UPDATE, so any
number of these and of web processes can share one queue."""

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from tsunagu.ledger.jobs import fail_stale_jobs, next_queued, run_job


class Command(BaseCommand):
    help = "待機中の台帳取込を実行します。--once のときは待機中がなくなったら終わります。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help=_("待機中の取込を実行したら終わる"))
        parser.add_argument("--interval", type=float, default=2.0, help=_("待機中の取込を探す間隔（秒）"))

    def handle(self, *args, once, interval, **options):
        while True:
            stale = fail_stale_jobs()
            if stale:
                self.stderr.write(_("途中で止まった取込 %(count)d件を失敗にしました。") % {"count": stale})
            job_id = next_queued()
            if job_id is None:
                if once:
                    return
                time.sleep(interval)
                continue
            job = run_job(job_id)
            if job is not None:
                self.stdout.write(
                    _("取込 %(id)d: %(status)s（%(rows)d行）")
                    % {"id": job.pk, "status": job.get_status_display(), "rows": job.total_rows}
                )
