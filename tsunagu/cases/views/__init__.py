"""Case-work pages, split by area: cases, contacts, consent, referrals.

Every view starts with a gate (orgs.decorators.staff_view, or case_work_view below, which is built on
it) and reaches records only through cases.access, which answers 404 for anything the actor may not see.
"""

from functools import wraps

from tsunagu.orgs.decorators import staff_view
from tsunagu.orgs.rules import Perm

from ..access import require_case_work


def case_work_view(*, write: bool = False):
    """staff_view for case work. Reading needs VIEW_CASES or ASSIGNED_CASES, writing EDIT_CASES or
    ASSIGNED_CASES: a ピアサポーター works on the cases assigned to them, which one permission of
    staff_view cannot say. Logged in and acting for an organisation is staff_view's part."""

    def decorate(view):
        @wraps(view)
        def gated(request, *args, **kwargs):
            require_case_work(request.actor, write=write)
            return view(request, *args, **kwargs)

        return staff_view(Perm.VIEW_ORG)(gated)

    return decorate


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def reading(request) -> bool:
    """A GET shows the case, so it is logged as a read; a POST's change is logged by its action."""
    return request.method == "GET"
