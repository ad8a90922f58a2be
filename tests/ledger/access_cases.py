"""Access declarations for the ledger pages (see tests/test_access.py)."""

from tsunagu.ledger.models import ImportJob, JobStatus
from tsunagu.orgs.rules import Perm

from ..access import UrlCase

URL_CASES = [
    UrlCase("ledger_import", Perm.EDIT_CASES, leak=lambda w: w["other_ledger_job"].file_names),
    UrlCase("ledger_job", Perm.EDIT_CASES, kwargs=lambda w, side: {"pk": w[f"{side}_ledger_job"].pk}),
    # A binary download: that it holds only the acting organisation's cases is
    # tests/ledger/test_views.py::test_export_downloads_the_organisations_ledger.
    UrlCase("ledger_export", Perm.VIEW_CASES),
]


def extend_world(world):
    for side in ("own", "other"):
        world[f"{side}_ledger_job"] = ImportJob.objects.create(
            organisation=world[side],
            file_names=f"{side}-secret-ledger.xlsx",
            status=JobStatus.DONE,
            total_rows=3,
            processed_rows=3,
        )
