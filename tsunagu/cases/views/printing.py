"""Printable forms of a case (cases.printing): read with the case's access, recorded when printed."""

from django.views.decorators.http import require_GET

from tsunagu.core.exporting import download
from tsunagu.orgs.access import deny

from .. import printing
from ..access import get_case
from . import case_work_view


@case_work_view()
@require_GET
def case_print(request, pk, form):
    actor = request.actor
    case = get_case(actor, pk, log_read=False)  # the print itself is the read the trail records
    printed = printing.print_form(actor, case, form)
    if printed is None:
        raise deny(actor, "print_form", form)
    body, filename = printed
    return download(body, filename, private=True)
