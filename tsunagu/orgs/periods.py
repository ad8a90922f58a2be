"""Period locks: once an organisation has reported a span of months upward, the work dated in them is
frozen for it and for every organisation below it (their figures are in that report).

Every write path that records dated work calls ensure_open (one query) or, for many rows at once such as
a ledger import, `OpenCheck` (one query, then a lookup per row); a record counted in every period of a span
(a fiscal year's meeting plan) calls ensure_span_open. Approving a return upward creates the lock
(tsunagu.returns.actions.approve → lock_months). A lock exception (LockException: one person, until a day,
why) lets that person through: each check takes the acting Actor as a required keyword and lets its person
through their open exceptions. The system actor (a command, the demo, the web form) and an actor with no
person behind it have no exception: a locked period is locked for them.
"""

import calendar
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.core import wareki

from .models import LockedPeriod, LockException, Organisation
from .rules import Actor


def _ancestor_paths(organisation: Organisation) -> list[str]:
    # "/000000/990001/992011/" → "/000000/", "/000000/990001/", "/000000/990001/992011/"
    codes = organisation.path.strip("/").split("/")
    return ["/" + "/".join(codes[: n + 1]) + "/" for n in range(len(codes))]


def excepted_user(actor: Actor):
    """The person whose open exceptions apply to what `actor` does: none for the system or a visitor."""
    if not isinstance(actor, Actor):
        raise TypeError("a period-lock check needs the acting Actor (actor=...)")
    return None if actor.is_system else actor.user


def _locks(organisation: Organisation, actor: Actor):
    """The locks over the organisation, less those an open exception lets the actor's person through."""
    user = excepted_user(actor)
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


def ensure_open(organisation: Organisation, on: date | None, *, actor: Actor, field: str | None = None) -> None:
    """Refuse (ValidationError on `field`, with the locked span) when `on` lies in a period locked for
    the organisation or one above it, unless an open exception lets the actor's person through. None (a
    date not given) is open."""
    locks = _locks(organisation, actor)  # no query yet; a call without an Actor fails even with no date
    if on is None:
        return
    lock = locks.filter(starts_on__lte=on, ends_on__gte=on).values_list("starts_on", "ends_on").first()
    if lock is not None:
        _refuse(lock, field)


def ensure_span_open(
    organisation: Organisation, first: date, last: date, *, actor: Actor, field: str | None = None
) -> None:
    """Refuse as ensure_open does when any day from `first` to `last` lies in a locked period: for a record
    counted in every period of its span (a fiscal year's plan). One query."""
    lock = (
        _locks(organisation, actor)
        .filter(starts_on__lte=last, ends_on__gte=first)
        .order_by("starts_on")
        .values_list("starts_on", "ends_on")
        .first()
    )
    if lock is not None:
        _refuse(lock, field)


class OpenCheck:
    """The locks of one organisation read once, for checking many dates (a ledger import)."""

    def __init__(self, organisation: Organisation, *, actor: Actor):
        self.spans = list(_locks(organisation, actor).values_list("starts_on", "ends_on"))

    def lock_of(self, on: date | None) -> tuple[date, date] | None:
        if on is None:
            return None
        return next(((start, end) for start, end in self.spans if start <= on <= end), None)

    def message(self, on: date | None) -> str | None:
        """The refusal for a date in a locked period, or None when it is open."""
        lock = self.lock_of(on)
        return locked_message(*lock) if lock else None

    def span_message(self, first: date, last: date) -> str | None:
        """The refusal when any day from `first` to `last` is locked (a fiscal year's plan), else None."""
        lock = min(((start, end) for start, end in self.spans if start <= last and end >= first), default=None)
        return locked_message(*lock) if lock else None

    def ensure_open(self, on: date | None, *, field: str | None = None) -> None:
        if (lock := self.lock_of(on)) is not None:
            _refuse(lock, field)
