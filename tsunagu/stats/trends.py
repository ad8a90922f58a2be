"""The report's figures per fiscal year over many years.

One grouped query per section covers the whole range, with the fiscal year computed from each row's
date by a CASE over the April boundaries; the rows are then folded in Python into exactly the
structure build_report gives for each year (tests/stats/test_trends.py checks they are equal).
"""

from django.db.models import Case, Count, IntegerField, Max, Min, Q, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tsunagu.cases.models import (
    AgeBand, Channel, Consulter, Contact, Referral, ReferralStatus, ReferralTarget,
)
from tsunagu.cases.models import Case as SupportCase
from tsunagu.core import wareki
from tsunagu.orgs.models import Organisation, PartnerCategory

from . import charts
from .exporters import LABEL, RATE, Column, Table
from .report import IBASHO_LABEL, _labelled, _subtree_ids, rate


def data_years(org: Organisation) -> tuple[int, int] | None:
    """The first and last fiscal year with a contact in the subtree, or None (two queries)."""
    span = SupportCase.objects.filter(organisation_id__in=_subtree_ids(org)).aggregate(
        first=Min("first_contact_on"), last=Max("last_contact_on"))
    if span["first"] is None:
        return None
    return wareki.fiscal_year(span["first"]), wareki.fiscal_year(span["last"])


def selectable_years(span: tuple[int, int] | None, *, at_least: int = 10) -> list[int]:
    """Fiscal years to offer: every year with data, and at least the last `at_least` up to this one."""
    current = wareki.fiscal_year(timezone.localdate())
    first = min(span[0], current - at_least + 1) if span else current - at_least + 1
    return list(range(first, max(current, span[1] if span else current) + 1))


def default_years(span: tuple[int, int] | None, count: int = 5) -> list[int]:
    """The last `count` fiscal years that have data (this year alone when there is none)."""
    if span is None:
        return [wareki.fiscal_year(timezone.localdate())]
    first, last = span
    return list(range(max(first, last - count + 1), last + 1))


def _fiscal_year_of(field: str, years: list[int]) -> Case:
    return Case(*[When(**{f"{field}__range": wareki.fiscal_year_range(y)}, then=Value(y)) for y in years],
                output_field=IntegerField())


def build_trends(org: Organisation, years: list[int]) -> dict[int, dict]:
    """{fiscal year: the build_report dict for that fiscal year}, from seven queries whatever the range (the subtree ids, then one per section)."""
    with translation.override("ja"):
        return _build(org, sorted(years))


def _build(org: Organisation, years: list[int]) -> dict[int, dict]:
    span = (wareki.fiscal_year_range(years[0])[0], wareki.fiscal_year_range(years[-1])[1])
    subtree = _subtree_ids(org)
    contacts = Contact.objects.filter(organisation_id__in=subtree, date__range=span).annotate(
        fy=_fiscal_year_of("date", years))
    grouped = contacts.values_list("fy", "channel", "consulter", "age_band").annotate(
        n=Count("id"), peer=Count("id", filter=Q(with_peer=True))
    ).values_list("fy", "channel", "consulter", "age_band", "n", "peer")
    persons = dict(contacts.values_list("fy").annotate(n=Count("case_id", distinct=True)).values_list("fy", "n"))
    new_cases = dict(
        SupportCase.objects.filter(organisation_id__in=subtree, first_contact_on__range=span)
        .annotate(fy=_fiscal_year_of("first_contact_on", years))
        .values_list("fy").annotate(n=Count("id")).values_list("fy", "n")
    )
    referrals = Referral.objects.filter(organisation_id__in=subtree, date__range=span).annotate(
        fy=_fiscal_year_of("date", years))
    referral_rows = referrals.values_list("fy", "category_id", "target").annotate(
        n=Count("id"), decided=Count("id", filter=Q(status=ReferralStatus.DECIDED))
    ).values_list("fy", "category_id", "target", "n", "decided")
    connected = referrals.filter(status=ReferralStatus.DECIDED).values_list("fy", "target").annotate(
        n=Count("case_id", distinct=True)).values_list("fy", "target", "n")
    categories = list(PartnerCategory.objects.order_by("order").values_list("pk", "name"))

    contact_rows, referral_by_year, connected_by_year = _by_year(grouped), _by_year(referral_rows), {}
    for fy, target, n in connected:
        connected_by_year.setdefault(fy, {})[target] = n
    result = {}
    for year in years:
        start, end = wareki.fiscal_year_range(year)
        result[year] = {
            "org": org.code, "org_name": org.name, "from": start.isoformat(), "to": end.isoformat(),
            "contacts": _contacts(contact_rows.get(year, []), persons.get(year, 0), new_cases.get(year, 0)),
            "referrals": _referrals(referral_by_year.get(year, []), categories),
            "connected": _connected(connected_by_year.get(year, {})),
        }
    return result


def _by_year(rows) -> dict[int, list[tuple]]:
    """Rows whose first value is the fiscal year, bucketed by it (the year dropped)."""
    buckets: dict[int, list[tuple]] = {}
    for row in rows:
        buckets.setdefault(row[0], []).append(row[1:])
    return buckets


def _add(counts: dict, key, n: int) -> None:
    counts[key] = counts.get(key, 0) + n


def _contacts(rows, persons: int, new_cases: int) -> dict:
    by_channel, by_consulter, by_band, cross = {}, {}, {}, {}
    total = with_peer = 0
    for channel, consulter, band, n, peer in rows:
        total += n
        _add(by_channel, channel, n)
        _add(by_consulter, consulter, n)
        _add(by_band, band, n)
        _add(cross, (channel, consulter), n)
        if channel in (Channel.HOME_VISIT, Channel.ACCOMPANY):
            with_peer += peer
    return {
        "total": total, "persons": persons, "new_cases": new_cases,
        "by_channel": _labelled(Channel.choices, by_channel),
        "by_consulter": _labelled(Consulter.choices, by_consulter),
        "by_age_band": _labelled(AgeBand.choices, by_band),
        "channel_by_consulter": {
            str(channel_label): {
                str(label): cross.get((channel, consulter), 0) for consulter, label in Consulter.choices
            }
            for channel, channel_label in Channel.choices
        },
        "outreach": {"visits": by_channel.get(Channel.HOME_VISIT, 0),
                     "accompaniment": by_channel.get(Channel.ACCOMPANY, 0), "with_peer": with_peer},
    }


def _referrals(rows, categories) -> dict:
    per_category, by_target = {}, {}
    total = decided = 0
    for category_id, target, n, n_decided in rows:
        total += n
        decided += n_decided
        _add(by_target, target, n)
        count, dec = per_category.get(category_id, (0, 0))  # None is the 居場所 bucket, as in build_report
        per_category[category_id] = (count + n, dec + n_decided)
    by_category = {}
    for pk, name in categories + [(None, IBASHO_LABEL)]:
        n, n_decided = per_category.get(pk, (0, 0))
        by_category[name] = {"count": n, "rate": rate(n, total), "decided": n_decided}
    return {"total": total, "decided": decided, "by_category": by_category,
            "by_target": _labelled(ReferralTarget.choices, by_target)}


def _connected(counts: dict) -> dict:
    person, family = counts.get(ReferralTarget.PERSON, 0), counts.get(ReferralTarget.FAMILY, 0)
    return {"total": person + family, str(ReferralTarget.PERSON.label): person,
            str(ReferralTarget.FAMILY.label): family}


# --- tables and charts ----------------------------------------------------------------------------------


def _year_columns(years: list[int]) -> list[Column]:
    return [Column(wareki.fiscal_year_label(y, "short"), full=wareki.fiscal_year_label_both(y)) for y in years]


def _per_year(key, title, heading, years, trends, pick, labels, *, note="", chart=None) -> Table:
    rows = [[_(label)] + [pick(trends[y])[label] for y in years] for label in labels]
    totals = [sum(row[i] for row in rows) for i in range(1, len(years) + 1)]
    return Table(key, title, [Column(heading, LABEL)] + _year_columns(years), rows, total=[_("計")] + totals,
                 note=note, chart=chart or "")


def trend_tables(trends: dict[int, dict]) -> list[Table]:
    years = sorted(trends)
    x_labels = [wareki.fiscal_year_label(y, "short") for y in years]
    reports = [trends[y] for y in years]
    main = [
        (_("延べ相談件数"), [r["contacts"]["total"] for r in reports]),
        (_("実人数"), [r["contacts"]["persons"] for r in reports]),
        (_("新規相談件数"), [r["contacts"]["new_cases"] for r in reports]),
        (_("訪問件数"), [r["contacts"]["outreach"]["visits"] for r in reports]),
        (_("同行件数"), [r["contacts"]["outreach"]["accompaniment"] for r in reports]),
        (_("つなぎ件数"), [r["referrals"]["total"] for r in reports]),
        (_("専門機関での支援が決定した件数"), [r["referrals"]["decided"] for r in reports]),
        (_("居場所等の支援につながった件数（本人）"), [r["connected"]["本人"] for r in reports]),
        (_("居場所等の支援につながった件数（家族）"), [r["connected"]["家族"] for r in reports]),
        (_("居場所等の支援につながった件数（計）"), [r["connected"]["total"] for r in reports]),
    ]
    first = reports[0]
    channels = [c for c in first["contacts"]["by_channel"]
                if any(r["contacts"]["by_channel"][c] for r in reports)] or list(first["contacts"]["by_channel"])
    return [
        Table("main", _("主な指標の推移"), [Column(_("指標"), LABEL)] + _year_columns(years),
              [[label] + values for label, values in main],
              chart=charts.line_chart(chart_id="chart-trend-contacts", title=_("相談件数の推移"), x_labels=x_labels,
                                      series=main[:3], unit=_("件"))),
        _per_year("by_channel", _("相談方法別の件数の推移"), _("方法"), years, trends,
                  lambda r: r["contacts"]["by_channel"], list(first["contacts"]["by_channel"]),
                  chart=charts.line_chart(chart_id="chart-trend-channels", title=_("相談方法別の件数の推移"),
                                          x_labels=x_labels, unit=_("件"), series=[
                                              (_(c), [r["contacts"]["by_channel"][c] for r in reports])
                                              for c in channels])),
        _per_year("by_consulter", _("相談者別の件数の推移"), _("相談者"), years, trends,
                  lambda r: r["contacts"]["by_consulter"], list(first["contacts"]["by_consulter"])),
        _per_year("by_age_band", _("本人の年代別の件数の推移"), _("年代"), years, trends,
                  lambda r: r["contacts"]["by_age_band"], list(first["contacts"]["by_age_band"]),
                  note=_("年代は本人の相談日時点の年齢です（家族からの相談も本人の年代に数えます）。")),
        _referral_table(years, reports, x_labels),
    ]


def _referral_table(years: list[int], reports: list[dict], x_labels: list[str]) -> Table:
    """Like the national table of referrals per partner category: count and share for each year."""
    columns = [Column(_("つなぎ先区分"), LABEL)]
    for year, label in zip(years, x_labels):
        full = wareki.fiscal_year_label_both(year)
        columns += [Column(_("%(year)s 件数") % {"year": label}, full=full),
                    Column(_("%(year)s 率（%%）") % {"year": label}, RATE, full=full)]
    rows = []
    for name in reports[0]["referrals"]["by_category"]:
        row = [name]
        for report in reports:
            figures = report["referrals"]["by_category"][name]
            row += [figures["count"], figures["rate"]]
        rows.append(row)
    total = [_("総計")]
    for report in reports:
        total += [report["referrals"]["total"], 100.0 if report["referrals"]["total"] else 0.0]
    chart = charts.column_chart(
        chart_id="chart-trend-referrals", title=_("つなぎ件数と支援決定件数の推移"), x_labels=x_labels, unit=_("件"),
        series=[(_("つなぎ件数"), [r["referrals"]["total"] for r in reports]),
                (_("専門機関での支援が決定した件数"), [r["referrals"]["decided"] for r in reports])])
    return Table("referrals", _("つなぎ先区分別の件数の推移"), columns, rows, total=total, chart=chart,
                 note=_("率は各年度のつなぎ件数全体に対する割合（小数第1位で四捨五入）です。"))


def year_range_label(years: list[int]) -> str:
    first, last = years[0], years[-1]
    return f"{wareki.fiscal_year_label(first)}〜{wareki.fiscal_year_label(last)}（{first}〜{last}年度）"

