"""Small cells of internal reports (issue 13): in a report that counts another organisation's records
(report.counts_other_organisations), no case-based cell that describes fewer than k persons shows its
exact value. It is shown as a range k wide instead (「1〜9」「20〜29」), so a query for one day or one
person says nothing about that person that the region's minimum does not allow.

k is the region's (orgs.disclosure): the prefecture or designated city the reported organisation sits
in sets it for everything inside it, and a region that sets none uses DEFAULT_K (10).

The persons behind a cell are the distinct cases of its records in the period, counted with GROUP BY
queries over the records of the subtree (Records.ids): contacts by channel, consulter, age band,
channel × consulter, and the peer visits; referrals by category (and decided), by target. 実人数,
新規相談件数 and the connected cases per target count persons already; their 計 is the distinct cases
connected (a case connected as 本人 and as 家族 is one person). A zero describes no one and stays 0.

Against recovery by subtraction: within each breakdown (the cells that add up to a shown total, the
rows and columns of 相談方法×相談者 included), when exactly one cell is ranged the smallest other
non-zero cell of it is ranged too, repeated until no breakdown has a single ranged cell. A rate of a
ranged count is not shown (it would give the count back), and neither is a chart with a ranged bar.

The further sections that describe persons follow the same rule (section_cells): work_experience (就労体験:
件数, 実人数, 就労日数, 手当, by 年代, 種別 and 結果), employment (就労支援: 登録者, 新規, 利用回数, 進路決定 by 進路, 新規
by 年代, and 進路決定率 not shown when its counts are ranged) and ibasho (居場所: 開催回数, 参加延べ人数, by 形態 and
参加者). A cell that counts persons is its own persons; a count of placements, registrations, days,
sessions, attendances (延べ) or an amount has the distinct cases of its records behind it. Anonymous and
nickname-only 居場所 attendees have no case: only cases are counted as persons, so an attendance without
one never makes a cell look like k persons (each is at most one person, and may be the same one again).
A yen amount is shown as a range 10,000円 wide (「10,000〜19,999」). 受入先の数 and 居場所数 count places,
not persons, and stay exact.

The trends page (shown_trends) protects each fiscal year's report as the report page would; the KPIs read
the shown report's sections through stats.queries.shown_sources, so an indicator's actual is the same range.
"""

import copy

from django.db import connection
from django.db.models import Count, Q
from django.utils import translation
from django.utils.translation import gettext_lazy

from tsunagu.cases.models import (
    OUTREACH_CHANNELS,
    AgeBand,
    Channel,
    Consulter,
    Contact,
    Referral,
    ReferralStatus,
    ReferralTarget,
)
from tsunagu.core.wareki import fiscal_year_range
from tsunagu.ibasho.models import Attendance
from tsunagu.orgs.disclosure import region_minimum

from .exporters import _ranged
from .models import OrgAncestor
from .report import (
    IBASHO_CATEGORY,
    IBASHO_LABEL,
    Organisation,
    Period,
    Records,
    _distinct,
    build_report,
    counts_other_organisations,
    partner_categories,
)
from .suppression import DEFAULT_K

K = DEFAULT_K  # for a region that sets none

NOTE = gettext_lazy("%(k)s人未満の人についての数字は範囲で示しています（個人を特定しないため）。")


def k_for(org: Organisation) -> int:
    """The k of the reports of `org`: its region's, or K."""
    return region_minimum(org) or K


def ranged_note(report: dict) -> str:
    """The line under the tables of a report with ranges, or ""."""
    return str(NOTE % {"k": report["ranged"]}) if report.get("ranged") else ""


def range_text(value: int, k: int) -> str:
    """The bucket k wide that holds value: 3 → 1〜9, 25 → 20〜29 (k = 10)."""
    base = (value // k) * k
    return f"{max(1, base)}〜{base + k - 1}"


YEN = 10_000


def yen_range_text(value: int) -> str:
    """The bucket 10,000円 wide that holds an amount: 3,000 → 1〜9,999, 12,500 → 10,000〜19,999."""
    base = (value // YEN) * YEN
    return f"{max(1, base):,}〜{base + YEN - 1:,}"


def _by(query, *fields) -> dict:
    rows = query.values_list(*fields).annotate(n=Count("case_id", distinct=True)).values_list(*fields, "n")
    return {row[:-1] if len(fields) > 1 else row[0]: row[-1] for row in rows.order_by()}


# Above this many contacts in the report, the persons behind a cell are counted only up to k, cell by cell
# (capped_persons): the exact GROUP BY counts of cell_persons read every record of a large subtree's period.
CAPPED_ABOVE = 20_000


def cell_persons(org: Organisation, period: Period, cohort=None) -> dict:
    """{cell key: distinct cases behind it} for the case-based cells of the report (keys as in `cells`)."""
    if cohort is not None:
        return _cohort_persons(org, period, cohort)
    ids = Records(org).ids
    span = (period.start, period.end)
    contacts = Contact.objects.filter(organisation_id__in=ids, date__range=span)
    referrals = Referral.objects.filter(organisation_id__in=ids, date__range=span)
    persons: dict = {}
    persons[("contacts", "total")] = contacts.aggregate(n=Count("case_id", distinct=True))["n"]
    # A value outside the choices (a row stored without one) is in no shown cell, as in the report.
    channel_labels, consulter_labels = dict(Channel.choices), dict(Consulter.choices)
    for name, field, labels in (
        ("by_channel", "channel", channel_labels),
        ("by_consulter", "consulter", consulter_labels),
        ("by_age_band", "age_band", dict(AgeBand.choices)),
    ):
        for value, n in _by(contacts, field).items():
            if value in labels:
                persons[(name, str(labels[value]))] = n
    for (channel, consulter), n in _by(contacts, "channel", "consulter").items():
        if channel in channel_labels and consulter in consulter_labels:
            persons[("cross", str(channel_labels[channel]), str(consulter_labels[consulter]))] = n
    persons[("outreach", "with_peer")] = contacts.filter(channel__in=OUTREACH_CHANNELS, with_peer=True).aggregate(
        n=Count("case_id", distinct=True)
    )["n"]
    decided = Q(status=ReferralStatus.DECIDED)
    total = referrals.aggregate(n=Count("case_id", distinct=True), d=Count("case_id", distinct=True, filter=decided))
    persons[("referrals", "total")], persons[("referrals", "decided")] = total["n"], total["d"]
    names = dict(partner_categories()) | {IBASHO_CATEGORY: IBASHO_LABEL}
    for category, n, d in (
        referrals.values_list("category_id")
        .annotate(n=Count("case_id", distinct=True), d=Count("case_id", distinct=True, filter=decided))
        .values_list("category_id", "n", "d")
        .order_by()
    ):
        name = names[category or IBASHO_CATEGORY]
        persons[("by_category", name, "count")] = n
        persons[("by_category", name, "decided")] = d
    targets = dict(ReferralTarget.choices)
    for target, n in _by(referrals, "target").items():
        persons[("by_target", str(targets.get(target, target)))] = n
    attended = Attendance.objects.filter(organisation_id__in=ids, date__range=span, is_first=True, case__isnull=False)
    persons[("connected", "total")] = _distinct(
        [
            referrals.filter(decided).values_list("case_id").order_by(),
            attended.values_list("case_id").order_by(),
        ]
    )
    return persons


def _up_to(query, k: int) -> int:
    """The distinct cases of `query` (a values_list of case_id), counting no further than k."""
    return query.distinct().order_by()[:k].count()


def capped_persons(org: Organisation, period: Period, values: dict, k: int) -> dict:
    """cell_persons for what ranged_cells asks of it: min(persons, k) for each non-person cell of k or
    more records (a cell of fewer records has fewer than k persons, and one left out counts as 0, so it is
    ranged as it would be). Each count stops at the k-th distinct case it finds, so a large subtree's
    cells cost a few index reads each instead of grouping every record of the period. The subtree is a
    subquery of the closure: a list of its ids would be compiled into each of the hundred queries."""
    ids = OrgAncestor.objects.filter(ancestor_id=org.pk).values("org_id")
    span = (period.start, period.end)
    contacts = Contact.objects.filter(organisation_id__in=ids, date__range=span).values_list("case_id")
    referrals = Referral.objects.filter(organisation_id__in=ids, date__range=span).values_list("case_id")
    decided = Q(status=ReferralStatus.DECIDED)
    with translation.override("ja"):
        channels = {str(label): value for value, label in Channel.choices}
        consulters = {str(label): value for value, label in Consulter.choices}
        bands = {str(label): value for value, label in AgeBand.choices}
        targets = {str(label): value for value, label in ReferralTarget.choices}
    categories = {name: pk for pk, name in partner_categories()}

    def records(key):
        match key:
            case ("contacts", "total"):
                return contacts
            case ("by_channel", label):
                return contacts.filter(channel=channels[label])
            case ("by_consulter", label):
                return contacts.filter(consulter=consulters[label])
            case ("by_age_band", label):
                return contacts.filter(age_band=bands[label])
            case ("cross", channel, consulter):
                return contacts.filter(channel=channels[channel], consulter=consulters[consulter])
            case ("outreach", "with_peer"):
                return contacts.filter(channel__in=OUTREACH_CHANNELS, with_peer=True)
            case ("referrals", "total"):
                return referrals
            case ("referrals", "decided"):
                return referrals.filter(decided)
            case ("by_category", name, figure):
                to = Q(category__isnull=True) if name == IBASHO_LABEL else Q(category_id=categories[name])
                return referrals.filter(to & decided if figure == "decided" else to)
            case ("by_target", label):
                return referrals.filter(target=targets[label])
        return None

    persons: dict = {}
    for key, value in values.items():
        if value < k or _person_cells(key):
            continue
        if key == ("connected", "total"):
            attended = Attendance.objects.filter(
                organisation_id__in=ids, date__range=span, is_first=True, case__isnull=False
            ).values_list("case_id")
            union = referrals.filter(decided).order_by().union(attended.order_by())
            sql, params = union.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM ({sql}) u LIMIT {int(k)}) c", params)
                persons[key] = cursor.fetchone()[0]
        elif (query := records(key)) is not None:
            persons[key] = _up_to(query, k)
    return persons


def cells(report: dict) -> tuple[dict, list[tuple]]:
    """({cell key: value}, [(parts, total key)]) of the report's case-based cells."""
    contacts, referrals, connected = report["contacts"], report["referrals"], report["connected"]
    values = {
        ("contacts", "total"): contacts["total"],
        ("contacts", "persons"): contacts["persons"],
        ("contacts", "new_cases"): contacts["new_cases"],
        ("outreach", "with_peer"): contacts["outreach"]["with_peer"],
        ("referrals", "total"): referrals["total"],
        ("referrals", "decided"): referrals["decided"],
        ("connected", "total"): connected["total"],
    }
    breakdowns = []
    for name in ("by_channel", "by_consulter", "by_age_band"):
        parts = [(name, label) for label in contacts[name]]
        values |= {key: contacts[name][key[1]] for key in parts}
        breakdowns.append((parts, ("contacts", "total")))
    cross = contacts["channel_by_consulter"]
    for channel, row in cross.items():
        parts = [("cross", channel, consulter) for consulter in row]
        values |= {key: row[key[2]] for key in parts}
        breakdowns.append((parts, ("by_channel", channel)))
    for consulter in contacts["by_consulter"]:
        breakdowns.append(([("cross", channel, consulter) for channel in cross], ("by_consulter", consulter)))
    for figure, total in (("count", "total"), ("decided", "decided")):
        parts = [("by_category", name, figure) for name in referrals["by_category"]]
        values |= {key: referrals["by_category"][key[1]][figure] for key in parts}
        breakdowns.append((parts, ("referrals", total)))
    parts = [("by_target", label) for label in referrals["by_target"]]
    values |= {key: referrals["by_target"][key[1]] for key in parts}
    breakdowns.append((parts, ("referrals", "total")))
    parts = [("connected", label) for label in connected if label != "total"]
    values |= {key: connected[key[1]] for key in parts}
    breakdowns.append((parts, ("connected", "total")))
    return values, breakdowns


def _person_cells(key) -> bool:
    return key in (("contacts", "persons"), ("contacts", "new_cases")) or (
        key[0] == "connected" and key != ("connected", "total")
    )


def ranged_cells(values: dict, breakdowns: list, persons: dict, k: int) -> set:
    """The keys shown as ranges: non-zero with fewer than k persons, and the complementary cells."""
    ranged = {
        key for key, value in values.items() if value and (value if _person_cells(key) else persons.get(key, 0)) < k
    }
    changed = True
    while changed:
        changed = False
        for parts, _total in breakdowns:
            hidden = [key for key in parts if key in ranged]
            others = [key for key in parts if key not in ranged and values[key]]
            if len(hidden) == 1 and others:
                ranged.add(min(others, key=lambda key: values[key]))
                changed = True
    return ranged


def protect(report: dict, org: Organisation, period: Period, *, k: int | None = None, cohort=None) -> tuple[dict, bool]:
    """The report with its ranged cells as range texts (and their rates as None), and whether any is;
    a report with a range has "ranged": k."""
    k = k_for(org) if k is None else k
    values, breakdowns = cells(report)
    with translation.override("ja"):  # the report's keys are DOMAIN.md's Japanese labels
        if cohort is None and values[("contacts", "total")] > CAPPED_ABOVE:
            persons = capped_persons(org, period, values, k)
        else:
            persons = cell_persons(org, period, cohort)
        more, more_breakdowns, more_persons = section_cells(report, org, period, cohort)
        values, breakdowns, persons = values | more, breakdowns + more_breakdowns, persons | more_persons
        ranged = ranged_cells(values, breakdowns, persons, k)
    if not ranged:
        return report, False
    result = copy.deepcopy(report)
    contacts, referrals, connected = result["contacts"], result["referrals"], result["connected"]
    text = {key: yen_range_text(values[key]) if _is_yen(key) else range_text(values[key], k) for key in ranged}
    with translation.override("ja"):
        visits, accompany = str(Channel.HOME_VISIT.label), str(Channel.ACCOMPANY.label)
    for key, shown in text.items():
        match key:
            case (section, *path) if section in SECTION_KEYS:
                place = result[section]
                for step in path[:-1]:
                    place = place[step]
                place[path[-1]] = shown
            case ("contacts" | "referrals", name):
                result[key[0]][name] = shown
            case ("outreach", name):
                contacts["outreach"][name] = shown
            case ("cross", channel, consulter):
                contacts["channel_by_consulter"][channel][consulter] = shown
            case ("by_category", name, figure):
                referrals["by_category"][name][figure] = shown
                if figure == "count":
                    referrals["by_category"][name]["rate"] = None
            case ("by_target", label):
                referrals["by_target"][label] = shown
            case ("connected", label):
                connected[label] = shown
            case (name, label):
                contacts[name][label] = shown
    # 訪問件数 and 同行件数 are the 訪問 and 同行 cells of 相談方法別.
    contacts["outreach"]["visits"] = contacts["by_channel"][visits]
    contacts["outreach"]["accompaniment"] = contacts["by_channel"][accompany]
    if "employment" in result:
        employment = result["employment"]
        if _ranged(employment["decided"], employment["new_registrations"]):
            employment["decision_rate"] = None
    result["ranged"] = k
    return result, True


SECTION_KEYS = ("work_experience", "employment", "ibasho")


def _is_yen(key) -> bool:
    return key[:2] == ("work_experience", "allowances")


def section_cells(report: dict, org: Organisation, period: Period, cohort=None) -> tuple[dict, list, dict]:
    """({cell key: value}, [(parts, total key)], {cell key: persons}) of the further sections' cells that
    describe persons, keyed (section key, *path in the section's figures). A cell that counts persons is
    its own persons; the others have the distinct cases of their records behind them."""
    values: dict = {}
    breakdowns: list = []
    persons: dict = {}
    if "work_experience" in report:
        _work_cells(report["work_experience"], org, period, values, breakdowns, persons)
    if "employment" in report:
        _employment_cells(report["employment"], org, period, cohort, values, breakdowns, persons)
    if "ibasho" in report:
        _ibasho_cells(report["ibasho"], org, period, values, breakdowns, persons)
    return values, breakdowns, persons


def _work_cells(section: dict, org, period, values, breakdowns, persons) -> None:
    """Placements with a worked day in the period and those ended in it (four queries): 実人数 and the breakdowns by 年代 and
    種別 count persons; 件数, 就労日数 and 手当 have the cases worked behind them, 結果 the cases per 結果."""
    from tsunagu.work.models import Outcome as WorkOutcome
    from tsunagu.work.models import Placement, WorkedDay

    key = "work_experience"
    ids = OrgAncestor.objects.filter(ancestor_id=org.pk).values("org_id")
    span = (period.start, period.end)
    worked = WorkedDay.objects.filter(organisation_id__in=ids, date__range=span).aggregate(
        n=Count("placement__case_id", distinct=True)
    )["n"]
    ended = Placement.objects.filter(organisation_id__in=ids, end__range=span).exclude(outcome="")
    outcomes = dict(WorkOutcome.choices)
    by_outcome = {
        str(outcomes[outcome]): n
        for outcome, n in ended.values_list("outcome")
        .annotate(n=Count("case_id", distinct=True))
        .values_list("outcome", "n")
        .order_by()
    }
    for path in (("placements",), ("days", "min"), ("days", "max")):
        values[(key, *path)] = section[path[0]] if len(path) == 1 else section[path[0]][path[1]]
        persons[(key, *path)] = worked
    values[(key, "persons")] = persons[(key, "persons")] = section["persons"]
    for payee, amount in section["allowances"].items():
        values[(key, "allowances", payee)] = amount
        persons[(key, "allowances", payee)] = worked
    for name in ("by_age_band", "by_program"):
        parts = [(key, name, label) for label in section[name]]
        for part in parts:
            values[part] = persons[part] = section[name][part[2]]
        breakdowns.append((parts, (key, "persons")))
    parts = [(key, "by_outcome", label) for label in section["by_outcome"]]
    for part in parts:
        values[part] = section["by_outcome"][part[2]]
        persons[part] = by_outcome.get(part[2], 0)
    values[(key, "ended")] = section["ended"]
    persons[(key, "ended")] = ended.aggregate(n=Count("case_id", distinct=True))["n"]
    breakdowns.append((parts, (key, "ended")))


def _employment_cells(section: dict, org, period, cohort, values, breakdowns, persons) -> None:
    """Registrations open in the period and the uses (the two queries of employment.queries): 利用登録者数
    counts persons; 新規 (by 年代), 進路決定 (by 進路, うち就職) and 利用回数 have their distinct cases."""
    from tsunagu.cases.rules import age_band_on
    from tsunagu.employment import queries
    from tsunagu.employment.models import EMPLOYED_OUTCOMES, Outcome

    key = "employment"
    keep = cohort.includes if cohort is not None else None
    start, end = period.start, period.end
    ids = queries.subtree_ids(org)
    rows = queries._registration_rows(ids, start, end)
    sets: dict = {}
    bands, outcomes = dict(AgeBand.choices), dict(Outcome.choices)
    for case, on, ended, decided, outcome, birth, band, _org in rows:
        if on > end or (ended is not None and ended < start):
            continue
        if start <= on <= end and queries._case_in(keep, birth, band, on):
            sets.setdefault("new_registrations", set()).add(case)
            label = str(bands[age_band_on(birth_date=birth, known_band=band, on=on)])
            sets.setdefault(("new_by_age_band", label), set()).add(case)
        if decided is not None and start <= decided <= end and queries._case_in(keep, birth, band, decided):
            sets.setdefault("decided", set()).add(case)
            sets.setdefault(("by_outcome", str(outcomes[outcome])), set()).add(case)
            if outcome in EMPLOYED_OUTCOMES:
                sets.setdefault("employed", set()).add(case)
    for on, birth, band, case in queries._uses(ids, start, end, rows):
        if queries._case_in(keep, birth, band, on):
            sets.setdefault("uses", set()).add(case)
    values[(key, "registered")] = persons[(key, "registered")] = section["registered"]
    for name in ("new_registrations", "uses", "decided", "employed"):
        values[(key, name)] = section[name]
        persons[(key, name)] = len(sets.get(name, ()))
    for name, total in (("by_outcome", "decided"), ("new_by_age_band", "new_registrations")):
        parts = [(key, name, label) for label in section[name]]
        for part in parts:
            values[part] = section[name][part[2]]
            persons[part] = len(sets.get(part[1:], ()))
        breakdowns.append((parts, (key, total)))


def _ibasho_cells(section: dict, org, period, values, breakdowns, persons) -> None:
    """Attendances of the held sessions (two queries): 開催回数 and 参加延べ人数 (in all and by 形態) have the
    distinct cases that attended behind them, ケース the cases; ニックネーム and 匿名 have no case, so none."""
    from tsunagu.ibasho.models import IbashoKind

    from .sections.ibasho import _held

    key = "ibasho"
    attended = _held(Attendance, org, period.start, period.end).filter(case__isnull=False)
    cases = attended.aggregate(n=Count("case_id", distinct=True))["n"]
    kinds = dict(IbashoKind.choices)
    by_kind = {str(kinds[kind]): n for kind, n in _by(attended, "event__ibasho__kind").items()}
    for name in ("sessions", "attendances"):
        values[(key, name)] = section[name]
        persons[(key, name)] = cases
        parts = [(key, "by_kind", kind, name) for kind in section["by_kind"]]
        for part in parts:
            values[part] = section["by_kind"][part[2]][name]
            persons[part] = by_kind.get(part[2], 0)
        breakdowns.append((parts, (key, name)))
    parts = [(key, "by_attendee", label) for label in section["by_attendee"]]
    for part in parts:
        values[part] = section["by_attendee"][part[2]]
        persons[part] = cases if part[2] == "ケース" else 0
    breakdowns.append((parts, (key, "attendances")))


def _cohort_persons(org: Organisation, period: Period, cohort) -> dict:
    """cell_persons for a cohort's report: its records only, kept in Python as cohorts.CohortRecords
    keeps them (the cohort depends on each record's date)."""
    from .cohorts import PERSON  # cohorts builds on report

    ids = Records(org).ids
    span = (period.start, period.end)
    channels, consulters, bands = dict(Channel.choices), dict(Consulter.choices), dict(AgeBand.choices)
    sets: dict = {}

    def add(key, case):
        sets.setdefault(key, set()).add(case)

    for channel, consulter, band, peer, case, on, birth, known in Contact.objects.filter(
        organisation_id__in=ids, date__range=span
    ).values_list("channel", "consulter", "age_band", "with_peer", "case_id", "date", *PERSON):
        if not cohort.includes(birth, known, on):
            continue
        add(("contacts", "total"), case)
        # A value outside the choices (a row stored without one) keys no shown cell.
        by_channel, by_consulter = str(channels.get(channel, channel)), str(consulters.get(consulter, consulter))
        add(("by_channel", by_channel), case)
        add(("by_consulter", by_consulter), case)
        add(("by_age_band", str(bands.get(band, band))), case)
        add(("cross", by_channel, by_consulter), case)
        if peer and channel in OUTREACH_CHANNELS:
            add(("outreach", "with_peer"), case)
    names = dict(partner_categories()) | {IBASHO_CATEGORY: IBASHO_LABEL}
    targets = dict(ReferralTarget.choices)
    for category, target, status, case, on, birth, known in Referral.objects.filter(
        organisation_id__in=ids, date__range=span
    ).values_list("category_id", "target", "status", "case_id", "date", *PERSON):
        if not cohort.includes(birth, known, on):
            continue
        name = names[category or IBASHO_CATEGORY]
        add(("referrals", "total"), case)
        add(("by_category", name, "count"), case)
        add(("by_target", str(targets.get(target, target))), case)
        if status == ReferralStatus.DECIDED:
            add(("connected", "total"), case)
            add(("referrals", "decided"), case)
            add(("by_category", name, "decided"), case)
    for case, on, birth, known in Attendance.objects.filter(
        organisation_id__in=ids, date__range=span, is_first=True, case__isnull=False
    ).values_list("case_id", "date", *PERSON):
        if cohort.includes(birth, known, on):
            add(("connected", "total"), case)
    return {key: len(cases) for key, cases in sets.items()}


def shown_trends(acting: Organisation, org: Organisation, years: list[int]) -> dict[int, dict]:
    """The trends of `org` (trends.build_trends) as the staff of `acting` see them: each fiscal year's report
    protected as shown_report protects a report, when it counts another organisation's records. Protecting
    counts the persons behind the cells from the records, a fixed number of queries per year shown."""
    from .trends import build_trends  # trends builds on report, as this module does

    trends = build_trends(org, years)
    if not counts_other_organisations(acting, org):
        return trends
    with translation.override("ja"):
        return {year: protect(report, org, Period(*fiscal_year_range(year)))[0] for year, report in trends.items()}


def trends_note(trends: dict[int, dict]) -> str:
    """The line under the trends' tables when a year has a range, or ""."""
    return next((ranged_note(report) for report in trends.values() if report.get("ranged")), "")


def shown_report(acting: Organisation, org: Organisation, period: Period, cohort=None) -> dict:
    """The report of `org` as the staff of `acting` see it: exact for their own leaf organisation, with
    small cells as ranges when it counts another organisation's records."""
    report = build_report(org, period, cohort)
    if counts_other_organisations(acting, org):
        report, _any = protect(report, org, period, cohort=cohort)
    return report
