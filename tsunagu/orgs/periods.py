"""Period locks: once an organisation has reported a span of months upward, the work dated in them is
frozen for it and for every organisation below it (their figures are in that report).

Every write path that records dated work calls ensure_open (one query) or, for many rows at once such as
a ledger import, `OpenCheck` (one query, then a lookup per row). Approving a return upward creates the
lock (tsunagu.returns.actions.approve → lock_months). A lock exception (LockException: one person, until
a day, why) lets that person through: pass `user=` to ensure_open / OpenCheck.
"""

import calendar
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.core import wareki

from .models import LockedPeriod, LockException, Organisation


def _ancestor_paths(organisation: Organisation) -> list[str]:
    # "/000000/990001/992011/" → "/000000/", "/000000/990001/", "/000000/990001/992011/"
    codes = organisation.path.strip("/").split("/")
    return ["/" + "/".join(codes[: n + 1]) + "/" for n in range(len(codes))]


def _locks(organisation: Organisation, user=None):
    """The locks over the organisation, less those an open exception lets `user` through."""
    locks = LockedPeriod.objects.filter(organisation__path__in=_ancestor_paths(organisation))
    if user is not None and getattr(user, "pk", None) is not None:
        excepted = LockException.objects.filter(lock=OuterRef("pk"), user=user, until__gte=timezone.localdate())
        locks = locks.exclude(Exists(excepted))
    return locks


def lock_months(organisation: Organisation, first: date, last: date) -> LockedPeriod:
    """Lock the months from that of `first` to that of `last`, both whole."""
    ends_on = last.replace(day=calendar.monthrange(last.year, last.month)[1])
    return LockedPeriod.objects.create(organisation=organisation, starts_on=first.replace(day=1), ends_on=ends_on)


def lock_fiscal_year(organisation: Organisation, fiscal_year: int) -> LockedPeriod:
    start, end = wareki.fiscal_year_range(fiscal_year)
    return lock_months(organisation, start, end)


def locked_message(lock_start: date, lock_end: date) -> str:
    return _("%(start)s〜%(end)sは締められた期間です。この期間の記録は追加・変更・削除できません。") % {
        "start": wareki.format_date(lock_start),
        "end": wareki.format_date(lock_end),
    }


def _refuse(lock: tuple[date, date], field: str | None):
    message = locked_message(*lock)
    raise ValidationError({field: message} if field else message)


def ensure_open(organisation: Organisation, on: date | None, *, field: str | None = None, user=None) -> None:
    """Refuse (ValidationError on `field`, with the locked span) when `on` lies in a period locked for
    the organisation or one above it, unless an open exception lets `user` through. None (a date not
    given) is open."""
    if on is None:
        return
    lock = (
        _locks(organisation, user)
        .filter(starts_on__lte=on, ends_on__gte=on)
        .values_list("starts_on", "ends_on")
        .first()
    )
    if lock is not None:
        _refuse(lock, field)


class OpenCheck:
    """The locks of one organisation read once, for checking many dates (a ledger import)."""

    def __init__(self, organisation: Organisation, user=None):
        self.spans = list(_locks(organisation, user).values_list("starts_on", "ends_on"))

    def lock_of(self, on: date | None) -> tuple[date, date] | None:
        if on is None:
            return None
        return next(((start, end) for start, end in self.spans if start <= on <= end), None)

    def message(self, on: date | None) -> str | None:
        """The refusal for a date in a locked period, or None when it is open."""
        lock = self.lock_of(on)
        return locked_message(*lock) if lock else None

    def ensure_open(self, on: date | None, *, field: str | None = None) -> None:
        if (lock := self.lock_of(on)) is not None:
            _refuse(lock, field)
