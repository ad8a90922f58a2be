"""Ledger import jobs. The job and its progress live in the database, so any web server can show a
job that another server (or `tsunagu run-ledger-jobs`) is running."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.orgs.models import Organisation


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("待機中")
    RUNNING = "running", _("実行中")
    DONE = "done", _("完了")
    FAILED = "failed", _("失敗")


class JobPhase(models.TextChoices):
    READING = "reading", _("ファイルの読み込み")
    WAITING = "waiting", _("この組織のほかの取込が終わるのを待っています")
    CHECKING = "checking", _("内容の確認")
    WRITING = "writing", _("書き込み")
    FINISHED = "finished", _("終了")


class ImportJob(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("組織"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("利用者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ip = models.GenericIPAddressField(_("アドレス"), null=True, blank=True)  # for the audit entries the job writes
    # Through what it was uploaded (orgs.rules.Actor.via: an API token), for the same audit entries.
    via = models.CharField(_("経路"), max_length=40, blank=True, default="")
    via_label = models.CharField(_("経路の名前"), max_length=100, blank=True, default="")
    status = models.CharField(_("状態"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    phase = models.CharField(_("段階"), max_length=10, choices=JobPhase.choices, default=JobPhase.READING)
    file_names = models.CharField(_("ファイル"), max_length=400)
    total_rows = models.PositiveIntegerField(_("行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("確認済みの行数"), default=0)
    # Japanese messages, at most MAX_ERRORS of them; error_count is the full number.
    errors = models.JSONField(_("誤り"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("誤りの数"), default=0)
    summary = models.JSONField(_("結果"), default=dict, blank=True)
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True)
    started_at = models.DateTimeField(_("開始日時"), null=True, blank=True)
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    # host:pid of the process that claimed the job, so one that was killed is found dead at once
    # (jobs.fail_stale_jobs) instead of after STALE_AFTER, and its uploaded files go with it.
    worker = models.CharField(_("実行した処理"), max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="ledger_job_status")]
        verbose_name = _("台帳の取込")
        verbose_name_plural = _("台帳の取込")

    def __str__(self):
        return f"{self.organisation.code} {self.file_names} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        return round(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class ImportFile(models.Model):
    """An uploaded file waiting for its job. Deleted when the job ends: the personal data it holds
    then lives only in the case records."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(_("ファイル名"), max_length=200)
    data = models.BinaryField()

    class Meta:
        ordering = ["id"]
        verbose_name = _("取込ファイル")
        verbose_name_plural = _("取込ファイル")
