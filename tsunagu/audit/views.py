from django.core.paginator import Paginator
from django.shortcuts import render

from tsunagu.orgs.decorators import staff_view
from tsunagu.orgs.rules import Perm

from .forms import AuditSearchForm
from .queries import search


@staff_view(Perm.VIEW_AUDIT)
def audit_search(request):
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = search(request.actor.organisation, **filters)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/search.html", {"form": form, "page": page, "query": query.urlencode()})
