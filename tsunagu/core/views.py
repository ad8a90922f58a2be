from django.db import connection
from django.http import HttpResponse
from django.utils.html import escape
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .forms import understood_text
from .wareki import DateParseError, parse_date


@never_cache
def healthz(request):
    """For the load balancer in front of several app servers: answers only when the database does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def date_understood(request):
    """The date a typed value is understood as, for the hint beside every date field (htmx). The value is
    `?value=`, or the field named by `?field=` (htmx sends the input under its own name). Reads nothing
    stored, so it answers anyone."""
    value = request.GET.get("value")
    if value is None:
        value = request.GET.get(request.GET.get("field", ""), "")
    value = value[:100]
    if not value.strip():
        return HttpResponse("")
    try:
        text = understood_text(parse_date(value))
    except DateParseError as error:
        return HttpResponse(f'<span class="error">{escape(str(error))}</span>')
    return HttpResponse(escape(text))
