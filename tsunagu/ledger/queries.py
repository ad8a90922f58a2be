"""Reads for the ledger pages: a fixed number of queries whatever the number of jobs."""

from tsunagu.orgs.models import Organisation

from .models import ImportJob

RECENT_JOBS = 20


def recent_jobs(organisation: Organisation) -> list[ImportJob]:
    return list(
        ImportJob.objects.filter(organisation=organisation)
        .select_related("user")
        .only(
            "id",
            "status",
            "phase",
            "file_names",
            "total_rows",
            "error_count",
            "created_at",
            "finished_at",
            "user__username",
            "user__first_name",
            "user__last_name",
        )[:RECENT_JOBS]
    )
