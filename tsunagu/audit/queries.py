from datetime import datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .models import VIA_API, AuditEntry

# Entries of no organisation that tell about one person: their log-ins, log-outs and second-factor work.
PERSONAL_PREFIX = "auth."


def search(
    organisation,
    *,
    members: QuerySet,
    user="",
    record="",
    kind="",
    date_from=None,
    date_to=None,
    denied_only=False,
    api_only=False,
    token=None,
):
    """Entries recorded for this organisation, newest first, and of the entries of no organisation only
        the log-ins of its members from the day each joined: `members` is the organisation's memberships
        (a queryset with user and created_at). Matched on the account, never on a user name, so an account
        named like another's name or like system work sees nothing of theirs. Dates are whole days in local
        time; `user` matches the user name or the person's name. `api_only` keeps what was done through an API
    token, `token` (a token id) what that one token did."""
    joined = members.filter(user=OuterRef("user"), created_at__lte=OuterRef("at"))
    entries = AuditEntry.objects.filter(
        Q(organisation=organisation)
        | Q(organisation__isnull=True, user__isnull=False, action__startswith=PERSONAL_PREFIX) & Exists(joined)
    )
    if user:
        user = user.strip()
        entries = entries.filter(
            Q(username__icontains=user) | Q(user__first_name__icontains=user) | Q(user__last_name__icontains=user)
        )
    if record:
        record = record.strip()
        entries = entries.filter(Q(object_id=record) | Q(object_label__icontains=record))
    if kind:
        entries = entries.filter(Q(action__startswith=f"{kind}.") | Q(action=kind))
    tz = timezone.get_current_timezone()
    if date_from:
        entries = entries.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        entries = entries.filter(at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz))
    if denied_only:
        entries = entries.filter(allowed=False)
    if token:
        entries = entries.filter(via=f"{VIA_API}{token}")
    elif api_only:
        entries = entries.filter(via__startswith=VIA_API)
    return entries.select_related("user").order_by("-at", "-id")


def own_log_ins(user):
    """A person's own log-in history: theirs to read, whichever organisation they act for."""
    return AuditEntry.objects.filter(user=user, organisation__isnull=True, action__startswith=PERSONAL_PREFIX).order_by(
        "-at", "-id"
    )
