from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from .models import AuditEntry


def search(
    organisation,
    *,
    staff_names,
    user="",
    record="",
    action="",
    date_from=None,
    date_to=None,
    denied_only=False,
):
    """Entries recorded for this organisation, newest first, with the entries of no organisation (log-ins,
    which happen before anyone acts for an organisation) of the user names in `staff_names` (a list or
    a values() subquery). Dates are whole days in local time."""
    entries = AuditEntry.objects.filter(
        Q(organisation=organisation) | Q(organisation__isnull=True, username__in=staff_names)
    )
    if user:
        entries = entries.filter(username__icontains=user.strip())
    if record:
        record = record.strip()
        entries = entries.filter(Q(object_id=record) | Q(object_label__icontains=record))
    if action:
        entries = entries.filter(action__startswith=action.strip())
    tz = timezone.get_current_timezone()
    if date_from:
        entries = entries.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        entries = entries.filter(at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz))
    if denied_only:
        entries = entries.filter(allowed=False)
    return entries.order_by("-at", "-id")
