"""Japanese era calendar (和暦) and fiscal year (年度) helpers.

Pure stdlib so that forms, reports and management commands can all share it
without pulling in Django.  Fiscal years run April 1 – March 31 and are named
after the calendar year in which they start (FY2021 = 2021-04-01..2022-03-31).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class Era:
    name: str  # kanji, e.g. "令和"
    abbr: str  # one-letter abbreviation, e.g. "R"
    start: date  # first day (inclusive)
    end: date | None  # last day (inclusive); None for the current era
    romaji: str = ""  # the English interface's name, e.g. "Reiwa"


# (name, abbreviation, first day, romanised name).  Only the modern eras: case records never
# need anything earlier, and Meiji-era dates before 1873 used the lunar calendar.
_ERA_DATA = (
    ("明治", "M", date(1868, 10, 23), "Meiji"),
    ("大正", "T", date(1912, 7, 30), "Taisho"),
    ("昭和", "S", date(1926, 12, 25), "Showa"),
    ("平成", "H", date(1989, 1, 8), "Heisei"),
    ("令和", "R", date(2019, 5, 1), "Reiwa"),
)

# Each era ends the day before the next begins, so ends are derived, not typed.
ERAS: tuple[Era, ...] = tuple(
    Era(name, abbr, start, _ERA_DATA[i + 1][2] - timedelta(days=1) if i + 1 < len(_ERA_DATA) else None, romaji)
    for i, (name, abbr, start, romaji) in enumerate(_ERA_DATA)
)
_ERA_BY_KEY = {e.abbr: e for e in ERAS} | {e.name: e for e in ERAS}


class DateParseError(ValueError):
    """Raised by parse_date; the message is meant to be shown to users as is."""

    def __init__(self, message: str, text: str):
        super().__init__(message)
        self.text = text


def _as_date(d: date) -> date:
    # datetime is a date subclass but refuses to compare with plain dates.
    return d.date() if isinstance(d, datetime) else d


def _year_text(year: int) -> str:
    # The first year of an era is conventionally written 元年, not 1年.
    return "元" if year == 1 else str(year)


# --- fiscal years -----------------------------------------------------------


def fiscal_year(d: date) -> int:
    """Fiscal year (年度) containing d: January–March belong to the previous year."""
    return d.year if d.month >= 4 else d.year - 1


def current_fiscal_year() -> int:
    """The fiscal year of today in the site's time zone (settings.TIME_ZONE, not the server's clock)."""
    from django.utils import timezone  # here: the rest of this module runs without Django settings

    return fiscal_year(timezone.localdate())


def fiscal_year_range(fy: int) -> tuple[date, date]:
    """Inclusive (first day, last day) of fiscal year fy."""
    return date(fy, 4, 1), date(fy + 1, 3, 31)


def half_year_range(fy: int, half: int) -> tuple[date, date]:
    """Inclusive range of a half of fiscal year fy: 1 = 上期 Apr–Sep, 2 = 下期 Oct–Mar."""
    if half == 1:
        return date(fy, 4, 1), date(fy, 9, 30)
    if half == 2:
        return date(fy, 10, 1), date(fy + 1, 3, 31)
    raise ValueError(f"half must be 1 or 2, not {half!r}")


# --- era conversion and formatting ------------------------------------------


def era_of(d: date) -> tuple[Era, int]:
    """(era, era year) in effect on d; year 1 is the era's first (partial) year."""
    d = _as_date(d)
    for era in reversed(ERAS):
        if d >= era.start:
            return era, d.year - era.start.year + 1
    raise ValueError(f"{d.isoformat()} is before the Meiji era ({ERAS[0].start.isoformat()})")


def format_date(d: date, style: str = "long") -> str:
    """ "令和3年4月5日" (long, with 元年) or "R3.4.5" (short, digits only).

    A date outside the era table is written in 西暦 instead ("645年12月2日", "0645-12-02"): a date that
    reached the database before the range checks must never break a page.
    """
    if style not in ("long", "short"):
        raise ValueError(f"unknown style {style!r}")
    d = _as_date(d)
    if d < ERAS[0].start:
        return f"{d.year}年{d.month}月{d.day}日" if style == "long" else d.isoformat()
    era, year = era_of(d)
    if style == "long":
        return f"{era.name}{_year_text(year)}年{d.month}月{d.day}日"
    if style == "short":
        # Short form stays all digits so it round-trips through spreadsheets.
        return f"{era.abbr}{year}.{d.month}.{d.day}"
    raise ValueError(f"unknown style {style!r}")


def in_english() -> bool:
    """True when the active language is English (a page of the English interface); False without Django."""
    try:
        from django.utils.translation import get_language

        return (get_language() or "").startswith("en")
    except Exception:  # settings not configured: this module runs without Django too
        return False


def fiscal_year_label(fy: int, style: str = "long") -> str:
    """ "令和3年度" / "R3" for fiscal year fy; "FY2021 (Reiwa 3)" in the English interface (short: "R3").

    Convention: a fiscal year takes the era in effect on December 31 of its
    starting year, so all of FY2019 is 令和元年度 although April 2019 was 平成31年.
    """
    if style not in ("long", "short"):
        raise ValueError(f"unknown style {style!r}")
    english = style == "long" and in_english()
    if date(fy, 12, 31) < ERAS[0].start:  # 西暦 only, as format_date does
        if english:
            return f"FY{fy}"
        return f"{fy}年度" if style == "long" else str(fy)
    era, year = era_of(date(fy, 12, 31))
    if english:
        return f"FY{fy} ({era.romaji} {year})"
    if style == "long":
        return f"{era.name}{_year_text(year)}年度"
    if style == "short":
        return f"{era.abbr}{_year_text(year)}"
    raise ValueError(f"unknown style {style!r}")


def fiscal_year_label_both(fy: int) -> str:
    """ "2021年度（令和3年度）": western first, because that is what sorts; before 明治 only "645年度".
    The English label carries both already: "FY2021 (Reiwa 3)"."""
    if in_english():
        return fiscal_year_label(fy)
    if date(fy, 12, 31) < ERAS[0].start:
        return f"{fy}年度"
    return f"{fy}年度（{fiscal_year_label(fy)}）"


def fiscal_year_span_label(first: int, last: int) -> str:
    """ "令和元年度〜令和4年度（2019〜2022年度）"; "FY2019–FY2022 (Reiwa 1–4)" in English."""
    if not in_english():
        return f"{fiscal_year_label(first)}〜{fiscal_year_label(last)}（{first}〜{last}年度）"
    if date(first, 12, 31) < ERAS[0].start:
        return f"FY{first}–FY{last}"
    (era1, y1), (era2, y2) = era_of(date(first, 12, 31)), era_of(date(last, 12, 31))
    eras = f"{era1.romaji} {y1}–{y2}" if era1 == era2 else f"{era1.romaji} {y1}–{era2.romaji} {y2}"
    return f"FY{first}–FY{last} ({eras})"


# --- parsing ----------------------------------------------------------------


def _(message: str) -> str:
    """gettext when Django is set up (pages, commands), the Japanese as is otherwise (plain scripts)."""
    try:
        from django.utils.translation import gettext

        return gettext(message)
    except Exception:  # settings not configured: this module runs without Django too
        return message


# Dash look-alikes that NFKC leaves alone but IMEs happily produce.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ー", "-"))

# Excel/CSV exports append a time ("2021-04-05 00:00:00"); it is dropped.
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ERA_NAMES = "|".join(e.name for e in ERAS)
_ERA_ABBRS = "".join(e.abbr for e in ERAS)
_PATTERNS = (
    # 2021/4/5, 2021-04-05, 2021.4.5 (the separator must be consistent)
    (None, re.compile(rf"(\d{{4}})([/.-])(\d{{1,2}})\2(\d{{1,2}}){_TIME}", re.A)),
    (None, re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", re.A)),
    # 20240405, as some systems export it
    (None, re.compile(r"(\d{4})(\d{2})(\d{2})", re.A)),
    # R3.4.5, R3/4/5, r3-4-5, R元.5.1
    ("era", re.compile(rf"([{_ERA_ABBRS}])\s*(\d{{1,3}}|元)([/.-])(\d{{1,2}})\3(\d{{1,2}}){_TIME}", re.I | re.A)),
    ("era", re.compile(rf"({_ERA_NAMES})\s*(\d{{1,3}}|元)\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日", re.A)),
)


_SPACED_SEPARATOR = re.compile(r"\s*([/.\-年月日])\s*")


def _check_calendar(year: int, month: int, day: int, text: str) -> date:
    def bad(reason: str) -> DateParseError:
        return DateParseError(
            _("「%(text)s」は日付として正しくありません（%(reason)s）") % {"text": text, "reason": reason}, text
        )

    if not 1 <= month <= 12:
        raise bad(_("%(month)d月は存在しません") % {"month": month})
    if not 1 <= year <= 9999:
        raise bad(_("%(year)d年は扱えません") % {"year": year})
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise bad(_("%(month)d月%(day)d日は存在しません") % {"month": month, "day": day})
    return date(year, month, day)


def _era_date(era: Era, year: int, month: int, day: int, text: str) -> date:
    if year == 0:
        raise DateParseError(_("%(era)s0年は存在しません（和暦は元年（1年）から数えます）") % {"era": era.name}, text)
    d = _check_calendar(era.start.year + year - 1, month, day, text)
    if d < era.start:
        start = era.start
        message = _("%(era)s%(year)d年%(month)d月%(day)d日は%(era)sの始まり（%(start)s）より前です") % {
            "era": era.name,
            "year": year,
            "month": month,
            "day": day,
            "start": _("%(year)d年%(month)d月%(day)d日") % {"year": start.year, "month": start.month, "day": start.day},
        }
        raise DateParseError(message, text)
    if era.end is not None and d > era.end:
        last_year = era.end.year - era.start.year + 1
        until = _("（%(era)sは%(year)d年%(month)d月%(day)d日まで）") % {
            "era": era.name,
            "year": last_year,
            "month": era.end.month,
            "day": era.end.day,
        }
        if year > last_year:
            raise DateParseError(_("%(era)s%(year)d年は存在しません") % {"era": era.name, "year": year} + until, text)
        date_text = _("%(era)s%(year)d年%(month)d月%(day)d日") % {
            "era": era.name,
            "year": year,
            "month": month,
            "day": day,
        }
        raise DateParseError(_("%(date)sは存在しません") % {"date": date_text} + until, text)
    return d


def parse_date(text: str) -> date:
    """Parse a date the way people type it: western or 和暦, half- or full-width.

    Raises DateParseError with a Japanese message suitable for form errors.
    """
    original = text.strip() if isinstance(text, str) else str(text)
    # NFKC folds full-width digits/letters/punctuation and ㍻-style ligatures.
    s = unicodedata.normalize("NFKC", original).translate(_DASHES).strip()
    # "2024 / 4 / 5", "R6. 4. 5": spaces around a separator are typing, not meaning.
    s = _SPACED_SEPARATOR.sub(r"\1", s)
    for kind, pattern in _PATTERNS:
        m = pattern.fullmatch(s)
        if not m:
            continue
        if kind == "era":
            key, year_s, *rest = m.groups()
            month_s, day_s = rest[-2:]  # abbreviated form also captures its separator
            era = _ERA_BY_KEY[key.upper() if len(key) == 1 else key]
            year = 1 if year_s == "元" else int(year_s)
            return _era_date(era, year, int(month_s), int(day_s), original)
        groups = [g for g in m.groups() if g.isdigit()]
        return _check_calendar(*map(int, groups), original)
    raise DateParseError(_("日付の形式が読み取れません（例: 2021/4/5、R3.4.5、令和3年4月5日）"), original)


# --- ages ---------------------------------------------------------------------


def age_on(birth: date, on: date) -> int:
    """Completed years of age on `on`.

    Everyday rule: one year older once the birthday has arrived; a Feb 29
    birthday counts as Mar 1 in non-leap years.
    """
    birth, on = _as_date(birth), _as_date(on)
    if on < birth:
        raise ValueError("on must not be before birth")
    birthday = (birth.month, birth.day)
    if birthday == (2, 29) and not calendar.isleap(on.year):
        birthday = (3, 1)
    age = on.year - birth.year
    return age if (on.month, on.day) >= birthday else age - 1
