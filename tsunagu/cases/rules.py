"""Derived facts about a case that the counting rules depend on (DOMAIN.md)."""

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.core.wareki import age_on, fiscal_year

from .models import AgeBand

# --- plausible dates -------------------------------------------------------------------
# One place for the ranges, so the pages, the ledger import and the API refuse the same dates with the
# same words. Each *_error function answers the message or None; the check_* functions raise it on a field.

# No support network kept records before 平成: an earlier year is almost always a 和暦 year typed as 西暦
# (R6.4.5 read as 0645) or a slip of the keyboard.
EARLIEST_RECORD_DATE = date(1989, 1, 8)
# Record dates (ibasho sessions, plans) may be entered ahead, but not by more than a year.
RECORD_DAYS_AHEAD = 365
EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def _western(d: date) -> str:
    return _("%(year)d年%(month)d月%(day)d日") % {"year": d.year, "month": d.month, "day": d.day}


def record_date_error(on: date, *, today: date | None = None, future: bool = True) -> str | None:
    """A date a record is dated by: 1989-01-08 or later, and at most a year ahead (not at all ahead
    when future=False: a contact, a consent or a status change cannot have happened yet)."""
    today = today or timezone.localdate()
    if on < EARLIEST_RECORD_DATE:
        return _(
            "1989年1月8日（平成元年）より前の日付は記録できません。和暦の年（例: R6.4.5）は元号を付けて入力してください。"
        )
    if not future and on > today:
        return _("未来の日付は入力できません。")
    limit = today + timedelta(days=RECORD_DAYS_AHEAD)
    if on > limit:
        return _("1年より先の日付は記録できません（%(limit)sまで）。年を確かめてください。") % {
            "limit": _western(limit)
        }
    return None


def birth_date_error(birth: date, *, today: date | None = None) -> str | None:
    today = today or timezone.localdate()
    if birth < EARLIEST_BIRTH_DATE:
        return _("1900年より前の生年月日は記録できません。和暦なら元号を付けて入力してください（例: S57.5.3）。")
    if birth > today:
        return _("未来の日付は入力できません。")
    return None


def before_birth_message(birth: date | None) -> str:
    """None where the birth date is a stored record the reader did not type (a ledger import's error
    text must not become a way to read birth dates: issue 13)."""
    if birth is None:
        return _("ケースの生年月日より前の日付です。日付か生年月日を確かめてください。")
    return _("生年月日（%(birth)s）より前の日付です。日付か生年月日を確かめてください。") % {"birth": _western(birth)}


def after_contact_message(first: date | None) -> str:
    if first is None:
        return _("ケースの最初の相談記録より後の生年月日です。生年月日か相談記録の日付を確かめてください。")
    return _("%(date)sの相談記録より後の生年月日です。生年月日か相談記録の日付を確かめてください。") % {
        "date": _western(first)
    }


def band_for_age(age: int | None) -> str:
    if age is None:
        return AgeBand.UNKNOWN
    if age < 20:
        return AgeBand.UNDER_20
    if age >= 60:
        return AgeBand.SIXTY_PLUS
    return {2: AgeBand.TWENTIES, 3: AgeBand.THIRTIES, 4: AgeBand.FORTIES, 5: AgeBand.FIFTIES}[age // 10]


def age_band_on(*, birth_date: date | None, known_band: str, on: date) -> str:
    """The person's band at a date: from the birth date when known, else the band the ledger gave."""
    if birth_date is not None:
        # A stored contact before the birth date (from before the date checks) has no age: 不明, not a 500.
        return band_for_age(age_on(birth_date, on) if on >= birth_date else None)
    return known_band or AgeBand.UNKNOWN


# The national grant program's 就職氷河期世代: ages 34–49 in the fiscal year (age on April 1).
ICE_AGE_RANGE = (34, 49)


def is_ice_age_generation(birth_date: date | None, on: date) -> bool | None:
    if birth_date is None:
        return None
    fy_start = date(fiscal_year(on), 4, 1)
    if birth_date > fy_start:  # born during the fiscal year: no age on its April 1
        return False
    low, high = ICE_AGE_RANGE
    return low <= age_on(birth_date, fy_start) <= high


PARENT_WORDS = {"父", "母", "父親", "母親", "義父", "義母"}
# "8050": a parent in their 70s–80s supporting a withdrawn child in their 40s–50s.
OLD_PARENT_AGE, MIDDLE_AGED = 70, 40


def looks_like_8050(*, person_age: int | None, household) -> bool:
    """Suggests the 8050 flag from the household; staff confirm it on the case (household_8050)."""
    if person_age is None or person_age < MIDDLE_AGED:
        return False
    return any(m.age is not None and m.age >= OLD_PARENT_AGE and m.relationship in PARENT_WORDS for m in household)
