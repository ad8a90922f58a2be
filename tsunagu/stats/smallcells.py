"""Small cells of internal reports (issue 13): in a report that counts another organisation's records
(report.counts_other_organisations), no case-based cell that describes fewer than k persons shows its
exact value. It is shown as a range k wide instead (「1〜9」「20〜29」), so a query for one day or one
person says nothing about that person that the region's minimum does not allow.

k is suppression.DEFAULT_K: there is no organisation setting for it (the published figures' k is an
option of `tsunagu publish`, not a setting of the region), so every region uses the same k.

The persons behind a cell are the distinct cases of its records in the period, counted with GROUP BY
queries over the records of the subtree (Records.ids): contacts by channel, consulter, age band,
channel × consulter, and the peer visits; referrals by category (and decided), by target. 実人数,
新規相談件数 and the connected cases per target count persons already; their 計 is the distinct cases
connected (a case connected as 本人 and as 家族 is one person). A zero describes no one and stays 0.

Against recovery by subtraction: within each breakdown (the cells that add up to a shown total, the
rows and columns of 相談方法×相談者 included), when exactly one cell is ranged the smallest other
non-zero cell of it is ranged too, repeated until no breakdown has a single ranged cell. A rate of a
ranged count is not shown (it would give the count back), and neither is a chart with a ranged bar.
"""

import copy

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
from tsunagu.ibasho.models import Attendance

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

K = DEFAULT_K

NOTE = gettext_lazy("%(k)s人未満の人についての数字は範囲で示しています（個人を特定しないため）。")


def ranged_note(report: dict) -> str:
    """The line under the tables of a report with ranges, or ""."""
    return str(NOTE % {"k": report["ranged"]}) if report.get("ranged") else ""


def range_text(value: int, k: int) -> str:
    """The bucket k wide that holds value: 3 → 1〜9, 25 → 20〜29 (k = 10)."""
    base = (value // k) * k
    return f"{max(1, base)}〜{base + k - 1}"


def _by(query, *fields) -> dict:
    rows = query.values_list(*fields).annotate(n=Count("case_id", distinct=True)).values_list(*fields, "n")
    return {row[:-1] if len(fields) > 1 else row[0]: row[-1] for row in rows.order_by()}


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
    channel_labels, consulter_labels = dict(Channel.choices), dict(Consulter.choices)
    for channel, n in _by(contacts, "channel").items():
        persons[("by_channel", str(channel_labels[channel]))] = n
    for consulter, n in _by(contacts, "consulter").items():
        persons[("by_consulter", str(consulter_labels[consulter]))] = n
    bands = dict(AgeBand.choices)
    for band, n in _by(contacts, "age_band").items():
        persons[("by_age_band", str(bands[band]))] = n
    for (channel, consulter), n in _by(contacts, "channel", "consulter").items():
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
        persons[("by_target", str(targets[target]))] = n
    attended = Attendance.objects.filter(organisation_id__in=ids, date__range=span, is_first=True, case__isnull=False)
    persons[("connected", "total")] = _distinct(
        [
            referrals.filter(decided).values_list("case_id").order_by(),
            attended.values_list("case_id").order_by(),
        ]
    )
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
    k = K if k is None else k
    values, breakdowns = cells(report)
    with translation.override("ja"):  # the report's keys are DOMAIN.md's Japanese labels
        ranged = ranged_cells(values, breakdowns, cell_persons(org, period, cohort), k)
    if not ranged:
        return report, False
    result = copy.deepcopy(report)
    contacts, referrals, connected = result["contacts"], result["referrals"], result["connected"]
    text = {key: range_text(values[key], k) for key in ranged}
    with translation.override("ja"):
        visits, accompany = str(Channel.HOME_VISIT.label), str(Channel.ACCOMPANY.label)
    for key, shown in text.items():
        match key:
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
    result["ranged"] = k
    return result, True


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
        add(("by_channel", str(channels[channel])), case)
        add(("by_consulter", str(consulters[consulter])), case)
        add(("by_age_band", str(bands[band])), case)
        add(("cross", str(channels[channel]), str(consulters[consulter])), case)
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
        add(("by_target", str(targets[target])), case)
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


def shown_report(acting: Organisation, org: Organisation, period: Period, cohort=None) -> dict:
    """The report of `org` as the staff of `acting` see it: exact for their own leaf organisation, with
    small cells as ranges when it counts another organisation's records."""
    report = build_report(org, period, cohort)
    if counts_other_organisations(acting, org):
        report, _ranged = protect(report, org, period, cohort=cohort)
    return report
