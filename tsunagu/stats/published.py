"""Published figures: the report's tables with small cells suppressed, as CSV or XLSX, from one set of
rows (used by `tsunagu publish` and the download on the statistics side)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tsunagu.audit.log import log_action
from tsunagu.cases.models import AgeBand, Channel, Consulter, ReferralTarget
from tsunagu.core.exporting import Cell, Sheet, csv_bytes, download, pdf_bytes, xlsx_bytes
from tsunagu.core.forms import FiscalYearField
from tsunagu.core.wareki import current_fiscal_year, fiscal_year_label_both, fiscal_year_range
from tsunagu.orgs.access import get_organisation
from tsunagu.orgs.decorators import staff_view
from tsunagu.orgs.disclosure import region_k
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.rules import Actor, Perm

from .models import CaseYear, ConnectedYear, ContactMonth, NewCaseMonth, ReferralMonth
from .report import (
    Period,
    Records,
    connected_from_counts,
    connected_section,
    contact_section,
    contacts_from_rows,
    partner_categories,
    rate,
    referral_section,
    referrals_from_rows,
)
from .suppression import DEFAULT_K, AtMost, Equation, primary_cells

MARKS = ("＊", "-")


@dataclass
class PublishedTable:
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)  # label first, then ints or the mark
    keys: list[list] = field(default_factory=list)  # per row, the cell key of each value (None: a share)


@dataclass
class Publication:
    org: Organisation
    period: Period
    period_label: str
    k: int
    mark: str
    tables: list[PublishedTable]
    hidden: int  # how many distinct cells were suppressed
    hidden_keys: frozenset = frozenset()

    @property
    def note(self) -> str:
        return _(
            "「%(mark)s」は秘匿した値です（1〜%(top)dの値と、合計から逆算できないように併せて秘匿した値）。"
            "0は0のまま公表します。"
        ) % {"mark": self.mark, "top": self.k - 1}

    def meta_rows(self) -> list[list[str]]:
        return [
            [_("公表用集計"), self.org.name],
            [_("組織コード"), self.org.code],
            [_("期間"), f"{self.period_label} {self.period.start.isoformat()}〜{self.period.end.isoformat()}"],
            [_("秘匿の基準"), _("k=%(k)d") % {"k": self.k}],
            [_("注"), self.note],
        ]


class _Cells:
    """Values by key and the relations between them, shared by every table of one publication."""

    def __init__(self):
        self.values: dict = {}
        self.equations: list[Equation] = []
        self.at_most: list[AtMost] = []

    def put(self, key, value: int):
        self.values[key] = value
        return key

    def add(self, parts: list, total) -> None:
        self.equations.append(Equation(tuple(parts), total))

    def primary(self, k: int) -> set:
        return primary_cells(self.values, self.equations, k)


@dataclass(frozen=True)
class _Share:
    category: str | None  # None: the total row


def _labels(choices) -> list[str]:
    return [str(label) for _value, label in choices]


def publication(
    org: Organisation,
    period: Period,
    *,
    k: int = DEFAULT_K,
    mark: str = MARKS[0],
    period_label: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> Publication:
    """The organisation's publication, its hidden cells chosen together with every other publication of
    its region (patterns.py), so that no combination of them gives a hidden cell away."""
    from .patterns import hidden_cells  # patterns builds on the cells of this module

    report = published_counts(org, period)
    hidden = hidden_cells(org, period, k=k, progress=progress)
    with translation.override("ja"):
        # Table and row labels are the report's Japanese labels, like the report contract.
        return _publication(org, period, report, hidden, k=k, mark=mark, period_label=period_label)


def published_counts(org: Organisation, period: Period) -> dict:
    """The report's sections that are published (the contract's contacts, referrals and connected)."""
    records = Records(org)
    with translation.override("ja"):
        return {
            "contacts": contact_section(org, period, records),
            "referrals": referral_section(org, period, records),
            "connected": connected_section(org, period, records),
        }


def region_counts(orgs: list[Organisation], period: Period) -> dict[int, dict]:
    """published_counts of every organisation of `orgs` (a whole subtree), by id. For a fiscal year in a
    few queries: every rollup row of the subtree read once, each organisation's figures summed from the
    rows of the organisations below it (the same sums as Rollups); for another period one by one."""
    fy = period.fiscal_year
    if fy is None:
        return {org.pk: published_counts(org, period) for org in orgs}
    ids = [org.pk for org in orgs]
    (first, _edges) = period.split()
    months = {"month__range": first}

    def rows(model, *columns, **filters):
        grouped: dict[int, list[tuple]] = {}
        query = model.objects.filter(ancestor_id__in=ids, **filters).values_list("ancestor_id", *columns)
        for owner, *values in query.order_by():
            grouped.setdefault(owner, []).append(tuple(values))
        return grouped

    contacts = rows(ContactMonth, "channel", "consulter", "age_band", "with_peer", "n", **months)
    new_cases = rows(NewCaseMonth, "n", **months)
    referrals = rows(ReferralMonth, "category_id", "target", "decided", "n", **months)
    persons = rows(CaseYear, "case_id", fy=fy)
    connected = rows(ConnectedYear, "target", fy=fy)
    categories = partner_categories()
    found = {}
    with translation.override("ja"):
        for org in orgs:
            below = [other.pk for other in orgs if other.path.startswith(org.path)]

            def every(grouped, below=below):
                return [row for pk in below for row in grouped.get(pk, ())]

            links: dict = {}
            for (target,) in every(connected):
                links[target] = links.get(target, 0) + 1
            found[org.pk] = {
                "contacts": contacts_from_rows(
                    every(contacts), len(every(persons)), sum(n for (n,) in every(new_cases))
                ),
                "referrals": referrals_from_rows(every(referrals), categories),
                "connected": connected_from_counts(links),
            }
    return found


def report_cells(report) -> _Cells:
    """The counts of a publication by key, with their sums and "うち" relations."""
    with translation.override("ja"):
        return _report_cells(report)


def _report_cells(report) -> _Cells:
    cells = _Cells()
    contacts, referrals, connected = report["contacts"], report["referrals"], report["connected"]
    channels, consulters, bands = _labels(Channel.choices), _labels(Consulter.choices), _labels(AgeBand.choices)
    targets = _labels(ReferralTarget.choices)
    total = cells.put("contacts", contacts["total"])

    # Contacts by channel × who consulted, with both margins.
    for channel in channels:
        row = [cells.put(("cell", channel, c), contacts["channel_by_consulter"][channel][c]) for c in consulters]
        cells.add(row, cells.put(("channel", channel), contacts["by_channel"][channel]))
    for consulter in consulters:
        cells.add(
            [("cell", ch, consulter) for ch in channels],
            cells.put(("consulter", consulter), contacts["by_consulter"][consulter]),
        )
    cells.add([("channel", ch) for ch in channels], total)
    cells.add([("consulter", c) for c in consulters], total)
    cells.add([cells.put(("band", band), contacts["by_age_band"][band]) for band in bands], total)
    cells.put("persons", contacts["persons"])
    cells.put("new_cases", contacts["new_cases"])
    cells.put("with_peer", contacts["outreach"]["with_peer"])
    # What a reader knows besides the sums: new cases are persons of the period, each with a contact,
    # and a peer supporter goes along on visits and accompaniment only.
    cells.at_most += [AtMost("new_cases", ("persons",)), AtMost("persons", (total,))]
    visits = (("channel", str(Channel.HOME_VISIT.label)), ("channel", str(Channel.ACCOMPANY.label)))
    cells.at_most.append(AtMost("with_peer", visits))

    categories = list(referrals["by_category"])
    referral_total = cells.put("referrals", referrals["total"])
    decided_total = cells.put("decided", referrals["decided"])
    cells.add([cells.put(("ref", c), referrals["by_category"][c]["count"]) for c in categories], referral_total)
    cells.add([cells.put(("dec", c), referrals["by_category"][c]["decided"]) for c in categories], decided_total)
    cells.at_most += [AtMost(("dec", c), (("ref", c),)) for c in categories]
    cells.add([cells.put(("target", t), referrals["by_target"][t]) for t in targets], referral_total)
    cells.add([cells.put(("connected", t), connected[t]) for t in targets], cells.put("connected", connected["total"]))
    return cells


def _publication(org, period, report, hidden, *, k, mark, period_label) -> Publication:
    cells = _report_cells(report)
    channels, consulters, bands = _labels(Channel.choices), _labels(Consulter.choices), _labels(AgeBand.choices)
    targets = _labels(ReferralTarget.choices)
    categories = list(report["referrals"]["by_category"])
    total, referral_total, decided_total = "contacts", "referrals", "decided"
    hidden = {key for key in hidden if key in cells.values}

    def show(key):
        if isinstance(key, _Share):
            return share(key.category)
        return mark if key in hidden else cells.values[key]

    def share(category):
        """A category's share of all referrals (None: the total row's own share)."""
        key = ("ref", category) if category is not None else referral_total
        if key in hidden or referral_total in hidden:
            return mark  # a share of a hidden count, or of a hidden total, would give the count away
        return rate(cells.values[key], cells.values[referral_total])

    def table(title, header, key_rows) -> PublishedTable:
        """A table from rows of a label and cell keys (or shares)."""
        return PublishedTable(
            title,
            header,
            [[label, *map(show, keys)] for label, *keys in key_rows],
            [[None if isinstance(key, _Share) else key for key in keys] for _label, *keys in key_rows],
        )

    total_label = _("合計")
    tables = [
        table(
            _("延べ相談件数（相談方法 × 相談者）"),
            [_("相談方法"), *consulters, total_label],
            [
                *([ch, *(("cell", ch, c) for c in consulters), ("channel", ch)] for ch in channels),
                [total_label, *(("consulter", c) for c in consulters), total],
            ],
        ),
        table(
            _("延べ相談件数（当事者の年代別）"),
            [_("年代"), _("件数")],
            [*([band, ("band", band)] for band in bands), [total_label, total]],
        ),
        table(
            _("相談の実人数と新規ケース数"),
            [_("項目"), _("数")],
            [[_("実人数"), "persons"], [_("新規相談件数（新規ケース数）"), "new_cases"]],
        ),
        table(
            _("訪問支援・同行支援"),
            [_("項目"), _("件数")],
            [
                [_("訪問"), ("channel", str(Channel.HOME_VISIT.label))],
                [_("同行"), ("channel", str(Channel.ACCOMPANY.label))],
                [_("うちピアサポーターが同行した件数"), "with_peer"],
            ],
        ),
        table(
            _("つなぎ先区分別のつなぎ件数"),
            [_("つなぎ先区分"), _("件数"), _("割合（%）"), _("うち支援決定")],
            [
                *([c, ("ref", c), _Share(c), ("dec", c)] for c in categories),
                [total_label, referral_total, _Share(None), decided_total],
            ],
        ),
        table(
            _("つなぎの対象"),
            [_("対象"), _("件数")],
            [*([t, ("target", t)] for t in targets), [total_label, referral_total]],
        ),
        table(
            _("居場所等の支援につながった件数"),
            [_("対象"), _("件数")],
            [*([t, ("connected", t)] for t in targets), [total_label, "connected"]],
        ),
    ]
    return Publication(
        org=org,
        period=period,
        period_label=period_label,
        k=k,
        mark=mark,
        tables=tables,
        hidden=len(hidden),
        hidden_keys=frozenset(hidden),
    )


def fiscal_year_publication(org: Organisation, fy: int, **options) -> Publication:
    return publication(org, Period(*fiscal_year_range(fy)), period_label=fiscal_year_label_both(fy), **options)


# --- writers ---------------------------------------------------------------------------------------


def rows(pub: Publication):
    """Every line of the publication, for every format: the facts, then each table after a blank line
    (its title bold, the suppression marks right-aligned). A published file is a Japanese document
    whatever the language of the page it was downloaded from."""
    with translation.override("ja"):
        meta = pub.meta_rows()
    yield from meta
    for table in pub.tables:
        yield []
        yield [Cell(table.title, bold=True)]
        yield table.header
        for row in table.rows:
            yield [row[0], *(Cell(v, align_right=True) if v == pub.mark else v for v in row[1:])]


def _sheet(pub: Publication) -> Sheet:
    return Sheet("公表用集計", rows(pub), widths={"A": 40})


def write_csv(pub: Publication) -> bytes:
    # The lone suppression mark "-" is not a formula and stays as published.
    return csv_bytes(_sheet(pub), keep=(pub.mark,))[0]


def write_xlsx(pub: Publication) -> bytes:
    return xlsx_bytes([_sheet(pub)])


def write_pdf(pub: Publication) -> bytes:
    with translation.override("ja"):
        title = _("公表用集計")
    return pdf_bytes([_sheet(pub)], title=f"{title} {pub.org.name}")


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "pdf": write_pdf}


def file_name(pub: Publication, fmt: str) -> str:
    return f"published-{pub.org.code}-{pub.period.start.isoformat()}-{pub.period.end.isoformat()}-k{pub.k}.{fmt}"


def published_file(actor: Actor, pub: Publication, fmt: str) -> bytes:
    """The publication as a file (a format of WRITERS) taken from the statistics side; recorded as
    stats.published.download (the command line records its own stats.published.export)."""
    body = WRITERS[fmt](pub)
    log_action(
        actor,
        "stats.published.download",
        obj=pub.org,
        label=f"{pub.org.code} {pub.period.start.isoformat()} k={pub.k} {fmt}",
    )
    return body


# --- the download on the statistics side ------------------------------------------------------------


class PublishForm(forms.Form):
    fy = FiscalYearField()
    k = forms.IntegerField(
        label=gettext_lazy("秘匿の基準 k（1〜k−1 の値を秘匿）"),
        min_value=2,
        max_value=1000,
        required=False,
        help_text=gettext_lazy("空欄は地域が決めた基準（決めていなければ10）です。"),
        error_messages={
            "invalid": gettext_lazy("秘匿の基準 k は2以上の整数で入力してください。"),
            "min_value": gettext_lazy("秘匿の基準 k は2以上の整数で入力してください。"),
            "max_value": gettext_lazy("秘匿の基準 k は1000以下で入力してください。"),
        },
    )
    mark = forms.ChoiceField(label=gettext_lazy("秘匿の記号"), choices=[(m, m) for m in MARKS], initial=MARKS[0])
    org = forms.CharField(label=gettext_lazy("組織コード（空欄は作業中の組織）"), max_length=20, required=False)


@staff_view(Perm.VIEW_STATS)
@require_GET
def published_figures(request):
    """Preview of the published tables for a fiscal year, and their CSV / XLSX downloads (?format=)."""
    data = request.GET.copy()
    for name, default in (("fy", current_fiscal_year()), ("mark", MARKS[0])):
        data.setdefault(name, str(default))
    form = PublishForm(data)
    pub, query = None, ""
    if form.is_valid():
        code = form.cleaned_data["org"].strip()
        org = get_organisation(request.actor, code, perm=Perm.VIEW_STATS) if code else request.actor.organisation
        k = form.cleaned_data["k"] or region_k(org)
        pub = fiscal_year_publication(org, form.cleaned_data["fy"], k=k, mark=form.cleaned_data["mark"])
        query = urlencode({"fy": form.cleaned_data["fy"], "k": k, "mark": form.cleaned_data["mark"], "org": code})
        fmt = request.GET.get("format")
        if fmt in WRITERS:
            return download(published_file(request.actor, pub, fmt), file_name(pub, fmt))
    return render(request, "stats/published.html", {"form": form, "pub": pub, "formats": list(WRITERS), "query": query})
