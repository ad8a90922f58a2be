"""The one way views reach an import job: the acting organisation's own, or "not found"."""

from tsunagu.orgs.access import deny, require
from tsunagu.orgs.rules import Actor, Perm

from .models import ImportJob


def get_job(actor: Actor, pk) -> ImportJob:
    require(actor, Perm.EDIT_CASES)
    org = actor.organisation
    job = ImportJob.objects.select_related("user").filter(pk=pk, organisation=org).first() if org else None
    if job is None:
        raise deny(actor, "import_job", pk)
    return job
