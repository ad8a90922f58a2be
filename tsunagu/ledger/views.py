"""Ledger pages: upload (→ an import job), the job's progress and result, and the export download."""

from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.core.exporting import download
from tsunagu.orgs.decorators import staff_view
from tsunagu.orgs.rules import Perm

from . import jobs, queries
from .access import get_job
from .exporting import export_ledger, zip_csv_files
from .forms import LedgerUploadForm
from .models import JobStatus

COUNT_LABELS = [
    ("cases_created", _("ケース（新規）")),
    ("cases_updated", _("ケース（更新）")),
    ("cases_unchanged", _("ケース（変更なし）")),
    ("contacts_created", _("相談記録（追加）")),
    ("contacts_unchanged", _("相談記録（登録済み）")),
    ("referrals_created", _("つなぎ（追加）")),
    ("referrals_updated", _("つなぎ（更新）")),
    ("referrals_unchanged", _("つなぎ（登録済み）")),
]
SHEET_COUNT_LABELS = [("created", _("新規")), ("updated", _("更新")), ("unchanged", _("変更なし"))]


def _counts(summary: dict) -> list[tuple[str, int]]:
    """(label, count) of the case sheets, then of each activity sheet the files carried."""
    counts = summary.get("counts") or {}
    shown = [(label, counts[key]) for key, label in COUNT_LABELS if key in counts]
    if summary.get("sheets") and not any(counts.values()):
        shown = []  # activity sheets only
    for sheet, sheet_counts in (summary.get("sheets") or {}).items():
        shown += [(f"{sheet}（{label}）", sheet_counts[key]) for key, label in SHEET_COUNT_LABELS]
    return shown


@staff_view(Perm.EDIT_CASES)
@require_http_methods(["GET", "POST"])
def import_page(request):
    # Bound on every POST, so that a POST without any file says which field is missing.
    form = LedgerUploadForm(request.POST, request.FILES) if request.method == "POST" else LedgerUploadForm()
    if request.method == "POST" and form.is_valid():
        job = jobs.submit_import(actor=request.actor, files=form.cleaned_data["files"])
        return redirect("ledger_job", pk=job.pk)
    return render(
        request, "ledger/import.html", {"form": form, "jobs": queries.recent_jobs(request.actor.organisation)}
    )


@staff_view(Perm.EDIT_CASES)
@require_GET
def job_page(request, pk):
    job = get_job(request.actor, pk)
    if job.status == JobStatus.RUNNING and jobs.fail_stale_jobs():
        # Its worker was killed: the page that polls it says so now (and the files are gone).
        job = get_job(request.actor, pk)
    context = {
        "job": job,
        "counts": _counts(job.summary),
        "more_errors": job.error_count - len(job.errors),
    }
    # htmx polls for the status block only; it stops once the block it gets has no trigger.
    template = "ledger/_job_status.html" if request.headers.get("HX-Request") else "ledger/job.html"
    return render(request, template, context)


@staff_view(Perm.VIEW_CASES)
@require_GET
def export(request):
    org = request.actor.organisation
    stem = f"台帳_{org.code}_{timezone.localdate():%Y%m%d}"
    if request.GET.get("format") == "csv":
        files, _counts = export_ledger(actor=request.actor, organisation=org, format="csv")
        # personal data: private keeps it out of a shared cache and the browser's
        return download(zip_csv_files(files), f"{stem}_csv.zip", private=True)
    data, _counts = export_ledger(actor=request.actor, organisation=org, format="xlsx")
    return download(data, f"{stem}.xlsx", private=True)
