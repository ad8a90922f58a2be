"""The statistics report of DOMAIN.md ("The report contract"), for an organisation and everything
below it, over a period. Breakdowns list every label with 0 where nothing was counted.

The figures come from the rollup tables (models.py), which count the records of each organisation per
month or per fiscal year and are kept exact by database triggers: the whole months of a period are a
sum over the rollup rows of the subtree's organisations (read through the closure), or for the nation
the national sums of contacts, new cases and referrals with their unfolded deltas (rollups.py), and only
the days of a partial month at either end are counted from the records. 実人数 and the connected cases are distinct counts: for a fiscal year
they are read from the per-year presence tables, for a period of whole months (a half year) the distinct
cases of the per-month presence tables, and for any other period counted from the records.

`counted_report` computes the same report from the records alone. It is the definition the rollups are
tested against (tests/stats/test_rollups.py) and what `tsunagu rollups --check` compares.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db import connection
from django.db.models import Count, Sum
from django.utils import translation
from django.utils.translation import gettext_lazy

from tsunagu.cases.models import (
    OUTREACH_CHANNELS,
    AgeBand,
    Case,
    Channel,
    Consulter,
    Contact,
    Referral,
    ReferralStatus,
    ReferralTarget,
)
from tsunagu.core import wareki
from tsunagu.ibasho.models import Attendance
from tsunagu.orgs.models import Organisation, PartnerCategory

from . import sections
from .models import (
    CaseMonth,
    CaseYear,
    ConnectedMonth,
    ConnectedYear,
    ContactMonth,
    ContactMonthDelta,
    NationContactMonth,
    NationNewCaseMonth,
    NationReferralMonth,
    NewCaseMonth,
    NewCaseMonthDelta,
    ReferralMonth,
    ReferralMonthDelta,
    subtree,
)
from .national import fold_if_due

IBASHO_LABEL = "居場所"
IBASHO_CATEGORY = 0  # the rollups' category_id for referrals to a 居場所 (no partner category)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("期間の終了日が開始日より前です。")

    @property
    def fiscal_year(self) -> int | None:
        """The fiscal year when the period is exactly one, else None."""
        year = wareki.fiscal_year(self.start)
        return year if wareki.fiscal_year_range(year) == (self.start, self.end) else None

    def split(self) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
        """(first and last month wholly inside the period, as first days; or None) and the date ranges of
        the partial months at either end."""
        first = self.start if self.start.day == 1 else _next_month(self.start)
        after = self.end + timedelta(days=1)
        last_end = self.end if after.day == 1 else after.replace(day=1) - timedelta(days=1)
        if first > last_end:
            return None, [(self.start, self.end)]
        edges = []
        if self.start < first:
            edges.append((self.start, first - timedelta(days=1)))
        if last_end < self.end:
            edges.append((last_end + timedelta(days=1), self.end))
        return (first, last_end.replace(day=1)), edges


def counts_other_organisations(acting: Organisation, org: Organisation) -> bool:
    """Whether the report of `org` seen by the staff of `acting` counts another organisation's records:
    another organisation's, or one's own with bodies below it (issue 13: such figures are shown for no
    period shorter than a month, and their small cells as ranges, smallcells.py)."""
    return org.pk != acting.pk or Organisation.objects.filter(parent=org).exists()


def other_organisation_problem(acting: Organisation, org: Organisation, period: Period) -> str | None:
    """Why the report of `org` for `period` is refused to the staff of `acting`, or None. Figures that
    count another organisation's records (another organisation's, or one's own with bodies below it) are
    shown for no period shorter than a month (issue 13: a day of one municipality's records can describe
    one person); an organisation's staff see their own records over any period."""
    if not counts_other_organisations(acting, org):
        return None
    start = period.start
    month_later = _next_month(start)
    try:
        month_later = month_later.replace(day=start.day)
    except ValueError:  # 1/31 → the last day of February is a month on
        month_later = _next_month(month_later)
    if period.end >= month_later - timedelta(days=1):
        return None
    return str(MINIMUM_PERIOD_MESSAGE)


MINIMUM_PERIOD_MESSAGE = gettext_lazy(
    "他の組織の集計は1か月以上の期間で指定してください（短い期間の数字は個人を特定するおそれがあるため）。"
)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def rate(part: int, whole: int) -> float:
    """A share as a percentage rounded half up to one decimal (17.59… → 17.6; 0.05 → 0.1)."""
    if not whole:
        return 0.0
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _labelled(choices, counts: dict) -> dict:
    return {str(label): counts.get(value, 0) for value, label in choices}


def _subtree_ids(org: Organisation) -> list[int]:
    """The ids of the organisation and everything below it, as a list: given literal ids, PostgreSQL
    reads the rows of a prefecture through the (organisation, date) indexes instead of scanning the
    whole nation's rows and joining (bench/report_national.py: a prefecture's report 477 ms → 15 ms)."""
    return list(Organisation.objects.filter(path__startswith=org.path).values_list("id", flat=True))


def _add(counts: dict, key, n: int) -> None:
    counts[key] = counts.get(key, 0) + n


# --- rows: from the records, and from the rollups ---------------------------------------------------------
# Contact rows are (channel, consulter, age band, with peer, n); referral rows (category id or 0 for a
# 居場所, target, decided, n); connected is {target: cases}.


class Records:
    """Counts straight from the records of a subtree over a date range (the subtree's ids read once, when
    first needed)."""

    def __init__(self, org: Organisation):
        self.org = org

    @cached_property
    def ids(self) -> list[int]:
        return _subtree_ids(self.org)

    @cached_property
    def rollups(self) -> "Rollups":
        """The subtree's rollups (whether it is the whole tree read once)."""
        return Rollups(self.org)

    def contact_rows(self, start, end) -> list[tuple]:
        return list(
            Contact.objects.filter(organisation_id__in=self.ids, date__range=(start, end))
            .values_list("channel", "consulter", "age_band", "with_peer")
            .annotate(n=Count("id"))
            .values_list("channel", "consulter", "age_band", "with_peer", "n")
        )

    def persons(self, start, end) -> int:
        return Contact.objects.filter(organisation_id__in=self.ids, date__range=(start, end)).aggregate(
            n=Count("case_id", distinct=True)
        )["n"]

    def new_cases(self, start, end) -> int:
        return Case.objects.filter(organisation_id__in=self.ids, first_contact_on__range=(start, end)).count()

    def referral_rows(self, start, end) -> list[tuple]:
        rows = (
            Referral.objects.filter(organisation_id__in=self.ids, date__range=(start, end))
            .values_list("category_id", "target", "status")
            .annotate(n=Count("id"))
            .values_list("category_id", "target", "status", "n")
        )
        return [
            (category or IBASHO_CATEGORY, target, status == ReferralStatus.DECIDED, n)
            for category, target, status, n in rows
        ]

    def connected(self, start, end) -> dict:
        """Cases per target with a decided referral or their first 居場所 attendance in the range (each case
        once per target)."""
        pairs = set(
            Referral.objects.filter(
                organisation_id__in=self.ids, date__range=(start, end), status=ReferralStatus.DECIDED
            ).values_list("target", "case_id")
        )
        pairs |= set(
            Attendance.objects.filter(
                organisation_id__in=self.ids, date__range=(start, end), is_first=True, case__isnull=False
            ).values_list("target", "case_id")
        )
        counts: dict = {}
        for target, _case in pairs:
            _add(counts, target, 1)
        return counts


def whole_tree(org: Organisation) -> bool:
    """Whether the organisation's subtree is every organisation (the nation): then its contacts, new cases
    and referrals are the national sums (rollups.py)."""
    return org.parent_id is None and not Organisation.objects.exclude(path__startswith=org.path).exists()


def _national_sum(summed, deltas, months, columns: tuple) -> list[tuple]:
    """Rows of (columns…, n) summed over the national table and its unfolded deltas, in one statement
    (one snapshot, so a fold meanwhile is seen wholly or not at all)."""
    fields = (*columns, "n")
    stored = summed.objects.filter(month__range=months).values_list(*fields).order_by()
    union = stored.union(deltas.objects.filter(month__range=months).values_list(*fields).order_by(), all=True)
    sql, params = union.query.sql_with_params()
    keys = ", ".join(f"u.{column}" for column in columns)
    with connection.cursor() as cursor:
        if columns:
            cursor.execute(f"SELECT {keys}, sum(u.n) FROM ({sql}) u GROUP BY {keys}", params)
        else:
            cursor.execute(f"SELECT sum(u.n) FROM ({sql}) u", params)
        return cursor.fetchall()


class Rollups:
    """Counts read from the rollup tables of one organisation subtree: the rows of each organisation in
    it, through the closure; for the whole tree, the additive counts from the national sums and their
    deltas. The distinct counts read the closure even for the whole tree: the tables' one index leads
    with the organisation, and without the closure SQLite scanned them (bench/report_national.py, the
    nation's 実人数 for FY2024 1.4 ms through the closure, 4.6 ms without; for a half year 4.9 and 28.6 ms)."""

    def __init__(self, org: Organisation):
        self.whole = whole_tree(org)
        self.rows = subtree(org.pk)

    def contact_rows(self, first_month, last_month) -> list[tuple]:
        columns = ("channel", "consulter", "age_band", "with_peer")
        if self.whole:
            rows = _national_sum(NationContactMonth, ContactMonthDelta, (first_month, last_month), columns)
            return [(channel, consulter, band, bool(peer), n) for channel, consulter, band, peer, n in rows]
        return list(
            ContactMonth.objects.filter(self.rows, month__range=(first_month, last_month))
            .values_list(*columns)
            .annotate(total=Sum("n"))
            .values_list(*columns, "total")
        )

    def new_cases(self, first_month, last_month) -> int:
        if self.whole:
            return _national_sum(NationNewCaseMonth, NewCaseMonthDelta, (first_month, last_month), ())[0][0] or 0
        return (
            NewCaseMonth.objects.filter(self.rows, month__range=(first_month, last_month)).aggregate(total=Sum("n"))[
                "total"
            ]
            or 0
        )

    def referral_rows(self, first_month, last_month) -> list[tuple]:
        columns = ("category_id", "target", "decided")
        if self.whole:
            rows = _national_sum(NationReferralMonth, ReferralMonthDelta, (first_month, last_month), columns)
            return [(category, target, bool(decided), n) for category, target, decided, n in rows]
        return list(
            ReferralMonth.objects.filter(self.rows, month__range=(first_month, last_month))
            .values_list(*columns)
            .annotate(total=Sum("n"))
            .values_list(*columns, "total")
        )

    def persons(self, fy: int) -> int:
        return CaseYear.objects.filter(self.rows, fy=fy).count()

    def person_ids(self, first_month, last_month):
        return (
            CaseMonth.objects.filter(self.rows, month__range=(first_month, last_month))
            .values_list("case_id")
            .order_by()
        )

    def connected_pairs(self, first_month, last_month) -> list:
        return [
            ConnectedMonth.objects.filter(self.rows, month__range=(first_month, last_month)).values_list(
                "target", "case_id"
            )
        ]

    def connected(self, fy: int) -> dict:
        return dict(
            ConnectedYear.objects.filter(self.rows, fy=fy)
            .values_list("target")
            .annotate(cases=Count("id"))
            .values_list("target", "cases")
        )


# --- the sections ----------------------------------------------------------------------------------------


def contacts_from_rows(rows, persons: int, new_cases: int) -> dict:
    by_channel, by_consulter, by_band, cross = {}, {}, {}, {}
    total = with_peer = 0
    for channel, consulter, band, peer, n in rows:
        total += n
        _add(by_channel, channel, n)
        _add(by_consulter, consulter, n)
        _add(by_band, band, n)
        _add(cross, (channel, consulter), n)
        if peer and channel in OUTREACH_CHANNELS:
            with_peer += n
    return {
        "total": total,
        "persons": persons,
        "new_cases": new_cases,
        "by_channel": _labelled(Channel.choices, by_channel),
        "by_consulter": _labelled(Consulter.choices, by_consulter),
        "by_age_band": _labelled(AgeBand.choices, by_band),
        "channel_by_consulter": {
            str(channel_label): {
                str(label): cross.get((channel, consulter), 0) for consulter, label in Consulter.choices
            }
            for channel, channel_label in Channel.choices
        },
        "outreach": {
            "visits": by_channel.get(Channel.HOME_VISIT, 0),
            "accompaniment": by_channel.get(Channel.ACCOMPANY, 0),
            "with_peer": with_peer,
        },
    }


def referrals_from_rows(rows, categories: list[tuple[int, str]]) -> dict:
    per_category, by_target = {}, {}
    total = decided = 0
    for category_id, target, is_decided, n in rows:
        total += n
        _add(by_target, target, n)
        count, dec = per_category.get(category_id, (0, 0))
        per_category[category_id] = (count + n, dec + (n if is_decided else 0))
        decided += n if is_decided else 0
    by_category = {}
    for pk, name in categories + [(IBASHO_CATEGORY, IBASHO_LABEL)]:
        n, n_decided = per_category.get(pk, (0, 0))
        by_category[name] = {"count": n, "rate": rate(n, total), "decided": n_decided}
    return {
        "total": total,
        "decided": decided,
        "by_category": by_category,
        "by_target": _labelled(ReferralTarget.choices, by_target),
    }


def connected_from_counts(counts: dict) -> dict:
    person, family = counts.get(ReferralTarget.PERSON, 0), counts.get(ReferralTarget.FAMILY, 0)
    return {
        "total": person + family,
        str(ReferralTarget.PERSON.label): person,
        str(ReferralTarget.FAMILY.label): family,
    }


def partner_categories() -> list[tuple[int, str]]:
    return list(PartnerCategory.objects.order_by("order").values_list("pk", "name"))


def _summed(rows, key_length: int) -> list[tuple]:
    totals: dict = {}
    for row in rows:
        _add(totals, row[:key_length], row[key_length])
    return [(*key, n) for key, n in totals.items()]


def _additive(
    org: Organisation, period: Period, rollup: str, record: str, records: Records, *, key_length: int | None = None
):
    """A count (or rows of counts) over the period: the whole months from the rollups, the partial
    months at either end from the records."""
    months, edges = period.split()
    parts = [getattr(records.rollups, rollup)(*months)] if months else []
    parts += [getattr(records, record)(start, end) for start, end in edges]
    if key_length is None:
        return sum(parts)
    return _summed([row for part in parts for row in part], key_length)


def _distinct(queries: list, group: str | None = None):
    """Distinct rows of the union of `queries` (each a values_list query of the same columns): their
    number, or {first column: number} with `group`."""
    union = queries[0].union(*queries[1:]) if len(queries) > 1 else queries[0].distinct()
    sql, params = union.query.sql_with_params()
    with connection.cursor() as cursor:
        if group is None:
            cursor.execute(f"SELECT count(*) FROM ({sql}) u", params)
            return cursor.fetchone()[0]
        cursor.execute(f"SELECT u.{group}, count(*) FROM ({sql}) u GROUP BY u.{group}", params)
        return dict(cursor.fetchall())


def _whole_months(period: Period) -> tuple[date, date] | None:
    """(first, last month) when the period is whole months (a half year, a quarter), else None.

    Only then are the distinct counts read from the presence tables by month: with partial months a
    union of those rows and the records of the partial days was slower than counting the period's
    records at once (bench/report_national.py, 5/17–1/9), since a case has about two contacts a month."""
    months, edges = period.split()
    return months if months and not edges else None


def contact_section(org: Organisation, period: Period, records: Records | None = None) -> dict:
    records = records or Records(org)
    rows = _additive(org, period, "contact_rows", "contact_rows", records, key_length=4)
    if period.fiscal_year is not None:
        persons = records.rollups.persons(period.fiscal_year)
    elif months := _whole_months(period):
        persons = _distinct([records.rollups.person_ids(*months)])
    else:
        persons = records.persons(period.start, period.end)
    return contacts_from_rows(rows, persons, _additive(org, period, "new_cases", "new_cases", records))


def referral_section(org: Organisation, period: Period, records: Records | None = None) -> dict:
    rows = _additive(org, period, "referral_rows", "referral_rows", records or Records(org), key_length=3)
    return referrals_from_rows(rows, partner_categories())


def connected_section(org: Organisation, period: Period, records: Records | None = None) -> dict:
    """Cases connected, per target: a case counts once per target however many decided referrals it
    had in the period, or when its first 居場所 attendance falls in it (DOMAIN.md,
    居場所等の支援につながった件数)."""
    records = records or Records(org)
    if period.fiscal_year is not None:
        return connected_from_counts(records.rollups.connected(period.fiscal_year))
    if months := _whole_months(period):
        return connected_from_counts(_distinct(records.rollups.connected_pairs(*months), group="target"))
    return connected_from_counts(records.connected(period.start, period.end))


def build_report(org: Organisation, period: Period, cohort=None) -> dict:
    """The report; restricted to a stats.cohorts Cohort, it is counted from the records (counted_report)."""
    if cohort is not None:
        return counted_report(org, period, cohort)
    # The contract's keys are DOMAIN.md's Japanese labels whatever language the caller uses.
    records = Records(org)  # the subtree's ids, read once if a partial month or a distinct count needs them
    if records.rollups.whole:
        fold_if_due()  # the nation's report reads the unfolded deltas; a short fold when they have grown
    with translation.override("ja"):
        return (
            _header(org, period)
            | {
                "contacts": contact_section(org, period, records),
                "referrals": referral_section(org, period, records),
                "connected": connected_section(org, period, records),
            }
            | sections.figures(org, period)
        )


def counted_report(org: Organisation, period: Period, cohort=None) -> dict:
    """build_report counted from the records alone, without the rollups; with a cohort, only its people's
    records and the case-based sections (the rollups do not know who is in a cohort)."""
    from .cohorts import CohortRecords  # cohorts builds on Records

    records = Records(org) if cohort is None else CohortRecords(org, cohort)
    span = (period.start, period.end)
    with translation.override("ja"):
        return (
            _header(org, period)
            | ({"cohort": cohort.key} if cohort is not None else {})
            | {
                "contacts": contacts_from_rows(
                    records.contact_rows(*span), records.persons(*span), records.new_cases(*span)
                ),
                "referrals": referrals_from_rows(records.referral_rows(*span), partner_categories()),
                "connected": connected_from_counts(records.connected(*span)),
            }
            | sections.figures(org, period, cohort)
        )


def _header(org: Organisation, period: Period) -> dict:
    return {"org": org.code, "org_name": org.name, "from": period.start.isoformat(), "to": period.end.isoformat()}
