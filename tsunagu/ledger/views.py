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
    counts = job.summary.get("counts") or {}
    context = {
        "job": job,
        "counts": [(label, counts[key]) for key, label in COUNT_LABELS if key in counts],
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
