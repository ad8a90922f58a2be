"""The yearly progress report (令和3年度の取組状況): for an organisation subtree and a fiscal year or one of
its halves, a page per program with the figures of the seed's pages and a text written by staff.

Every figure is read from the report contract (stats.queries.shown_report: the numbers of `tsunagu report`,
with another organisation's small cells as ranges):
a row names the contract key it shows ("contacts/by_channel/電話"), nothing is counted here. A page's
figures are those of one organisation of the subtree (the ピアサポートセンター for the peer support page,
the センター for the centre's) or of the whole subtree, as its ProgressPage says; by default the first
organisation whose name or kind fits the program. HTML, XLSX and PDF render the same blocks."""

from dataclasses import dataclass, field
from datetime import date

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from tsunagu.audit.log import log_action
from tsunagu.core import exporting, wareki
from tsunagu.orgs.models import Organisation, OrgKind
from tsunagu.stats.queries import Period, report, shown_report

from .models import Program, ProgressPage, ReportPart

BLANK = "―"
ICE_AGE, FORTIES = "就職氷河期世代", "40代"

# Where a program's figures come from when its page names no organisation: the first organisation of the
# subtree (in tree order) whose name contains one of the words or whose kind is the kind; else the subtree.
# Employment support is the subtree's: its figures count only the organisations that register people for
# work support and hold placements, wherever in the subtree they are.
DEFAULT_SOURCES = {
    Program.PEER_SUPPORT: (("ピアサポート",), None),
    Program.SAPOSUTE: (("サポートステーション", "サポステ"), None),
    Program.CENTRE: ((), OrgKind.CENTER),
}


def period_of(fiscal_year: int, part: str) -> Period:
    if part == ReportPart.FIRST_HALF:
        return Period(*wareki.half_year_range(fiscal_year, 1))
    if part == ReportPart.SECOND_HALF:
        return Period(*wareki.half_year_range(fiscal_year, 2))
    return Period(*wareki.fiscal_year_range(fiscal_year))


def period_label(fiscal_year: int, part: str) -> str:
    """令和3年度 上半期（令和3年4月1日〜令和3年9月30日）."""
    period = period_of(fiscal_year, part)
    name = wareki.fiscal_year_label(fiscal_year)
    if part != ReportPart.YEAR:
        name = f"{name} {ReportPart(part).label}"
    return f"{name}（{wareki.format_date(period.start)}〜{wareki.format_date(period.end)}）"


# --- the figures of a page --------------------------------------------------------------------------------


def escape(label: str) -> str:
    """A breakdown's label as one step of a key (JSON Pointer, RFC 6901: ~ is ~0, / is ~1)."""
    return label.replace("~", "~0").replace("/", "~1")


def contract_value(report_: dict, cohorts: dict, key: str):
    """The figure at a contract key, a JSON Pointer into the report without its leading slash:
    "contacts/total" is report["contacts"]["total"]; "[40代]employment/decided" reads a cohort's report."""
    source = report_
    if key.startswith("["):
        cohort, key = key[1:].split("]", 1)
        source = cohorts[cohort]
    for step in key.split("/"):
        source = source[step.replace("~1", "/").replace("~0", "~")]
    return source


@dataclass
class Block:
    """One table of a page: a first column of labels and one or more columns of figures. `keys` names,
    for a two-column block, the contract key of each row's figure."""

    title: str
    columns: list[str]
    rows: list[list]
    keys: list[str] = field(default_factory=list)

    @property
    def shown_rows(self) -> list[list[tuple[str, str]]]:
        """Each row's cells as (column, text), for the page's cards on a phone."""
        return [[(column, shown(value)) for column, value in zip(self.columns, row, strict=True)] for row in self.rows]


def _figures(title: str, column: str, lines: list[tuple[str, str]], report_: dict, cohorts: dict) -> Block:
    return Block(
        title,
        [_("項目"), column],
        [[label, contract_value(report_, cohorts, key)] for label, key in lines],
        [key for _label, key in lines],
    )


def _breakdown(title: str, head: str, key: str, report_: dict, total_key: str | None = None) -> Block:
    """Every label of a contract breakdown, with its total when the contract has one."""
    counts = contract_value(report_, {}, key)
    lines = [(label, f"{key}/{escape(label)}") for label in counts]
    block = _figures(title, _("件数"), lines, report_, {})
    block.columns[0] = head
    if total_key:
        block.rows.append([_("計"), contract_value(report_, {}, total_key)])
        block.keys.append(total_key)
    return block


def _consultation(r: dict) -> list[Block]:
    return [
        _figures(
            _("相談の件数"),
            _("件数"),
            [
                (_("相談延べ件数"), "contacts/total"),
                (_("実人数"), "contacts/persons"),
                (_("新規相談ケース数"), "contacts/new_cases"),
            ],
            r,
            {},
        ),
        _breakdown(_("相談の方法別"), _("方法"), "contacts/by_channel", r, "contacts/total"),
        _breakdown(_("当事者の年齢別相談件数"), _("年代"), "contacts/by_age_band", r, "contacts/total"),
        _breakdown(_("相談者別"), _("相談者"), "contacts/by_consulter", r, "contacts/total"),
        _figures(
            _("居場所への参加や関係機関による対応につながった件数"),
            _("件数"),
            [
                (_("つながった件数"), "connected/total"),
                (_("当事者"), "connected/本人"),
                (_("家族"), "connected/家族"),
            ],
            r,
            {},
        ),
    ]


def _referrals(r: dict) -> Block:
    lines = [(_("つなぎ件数"), "referrals/total"), (_("支援が決定した件数"), "referrals/decided")]
    lines += [
        (_("つなぎ先: %(category)s") % {"category": category}, f"referrals/by_category/{escape(category)}/count")
        for category in r["referrals"]["by_category"]
    ]
    return _figures(_("関係機関へのつなぎ"), _("件数"), lines, r, {})


def _peer_support(r: dict) -> list[Block]:
    return _consultation(r) + [
        _figures(
            _("訪問支援とピアサポーター"),
            _("件数"),
            [
                (_("訪問"), "contacts/outreach/visits"),
                (_("同行"), "contacts/outreach/accompaniment"),
                (_("うちピアサポーターが同行した訪問・同行"), "contacts/outreach/with_peer"),
            ],
            r,
            {},
        ),
    ]


def _employment(r: dict) -> list[Block]:
    return [
        _figures(
            _("就労支援の実績"),
            _("人数・回数"),
            [
                (_("利用登録者数"), "employment/registered"),
                (_("新規登録者数"), "employment/new_registrations"),
                (_("利用回数（延べ）"), "employment/uses"),
                (_("進路決定者数"), "employment/decided"),
                (_("就職につながった人数"), "employment/employed"),
            ],
            r,
            {},
        ),
        _figures(
            _("就労体験"),
            _("人数・件数"),
            [
                (_("体験人数"), "work_experience/persons"),
                (_("就労体験の件数"), "work_experience/placements"),
                (_("体験先の数"), "work_experience/hosts"),
                (_("体験期間（最短・日）"), "work_experience/days/min"),
                (_("体験期間（最長・日）"), "work_experience/days/max"),
            ],
            r,
            {},
        ),
        _breakdown(_("体験した人の年代"), _("年代"), "work_experience/by_age_band", r, "work_experience/persons"),
        _breakdown(_("体験の種別"), _("種別"), "work_experience/by_program", r),
        _breakdown(_("体験後（期間中に終了した体験）"), _("結果"), "work_experience/by_outcome", r),
        _breakdown(_("手当（円）"), _("支払先"), "work_experience/allowances", r),
    ]


def _cohort_lines(cohort: str) -> list[tuple[str, str]]:
    return [
        (_("相談延べ件数"), f"[{cohort}]contacts/total"),
        (_("新規登録者数"), f"[{cohort}]employment/new_registrations"),
        (_("進路決定者数"), f"[{cohort}]employment/decided"),
    ]


def _saposute(r: dict, cohorts: dict) -> list[Block]:
    overall = [
        (_("相談延べ件数"), "contacts/total"),
        (_("新規登録者数"), "employment/new_registrations"),
        (_("進路決定者数"), "employment/decided"),
    ]
    overall += [
        (_("うち%(outcome)s") % {"outcome": outcome}, f"employment/by_outcome/{escape(outcome)}")
        for outcome in r["employment"]["by_outcome"]
    ]
    overall += [
        (_("単年度進路決定率（%）"), "employment/decision_rate"),
        (_("セミナー等参加延べ人数"), "events/by_kind/セミナー/participants"),
        (_("職場体験（インセンティブ制度）の人数"), "work_experience/by_program/職場体験"),
    ]
    return [
        _figures(_("事業全体"), _("件数・人数"), overall, r, cohorts),
        _breakdown(
            _("新規登録者の年齢別人数"), _("年代"), "employment/new_by_age_band", r, "employment/new_registrations"
        ),
        _figures(_("就職氷河期世代支援"), _("件数・人数"), _cohort_lines(ICE_AGE), r, cohorts),
        _figures(_("40代支援"), _("件数・人数"), _cohort_lines(FORTIES), r, cohorts),
    ]


def _centre(r: dict) -> list[Block]:
    return [
        _breakdown(_("相談支援（相談受理件数）"), _("方法"), "contacts/by_channel", r, "contacts/total"),
        _figures(
            _("居場所づくり支援"),
            _("件数"),
            [
                (_("参加延べ人数"), "ibasho/attendances"),
                (_("開催回数"), "ibasho/sessions"),
                (_("居場所数"), "ibasho/places"),
            ],
            r,
            {},
        ),
        _figures(
            _("社会体験事業"),
            _("件数"),
            [
                (_("体験人数"), "work_experience/persons"),
                (_("事業所数"), "work_experience/hosts"),
                (_("体験期間（最長・日）"), "work_experience/days/max"),
            ],
            r,
            {},
        ),
    ]


def _network(r: dict) -> list[Block]:
    meetings = r["meetings"]
    supporters = _figures(
        _("ひきこもりサポーター"),
        _("人数・件数"),
        [
            (_("登録サポーター数（期間の末日）"), "supporters/registered"),
            (_("活動件数"), "supporters/activities"),
            (_("前年同期の活動件数"), "supporters/previous_activities"),
        ],
        r,
        {},
    )
    return [
        Block(
            _("会議の種別ごとの開催"),
            [_("種別"), _("開催"), _("予定"), _("市区町村数"), _("参加機関（延べ）"), _("参加人数")],
            [
                [kind, f["held"], f["planned"], f["municipalities"], f["agency_attendances"], f["people"]]
                for kind, f in meetings["by_kind"].items()
            ],
        ),
        Block(
            _("開催した会議"),
            [_("日付"), _("種別"), _("名称"), _("地域・ブロック"), _("参加機関"), _("参加人数")],
            [
                [_short_date(m["date"]), m["kind"], m["name"], m["region"] or BLANK, m["agencies"], m["people"]]
                for m in meetings["held"]
            ],
        ),
        Block(
            _("関係機関支援（実施済／予定）"),
            [_("相手先"), _("種別"), _("実施済"), _("予定")],
            [[p["counterpart"], p["kind"], p["held"], p["planned"]] for p in meetings["plans"]],
        ),
        supporters,
    ]


def _short_date(iso: str) -> str:
    return wareki.format_date(date.fromisoformat(iso), "short")


def _training(r: dict) -> list[Block]:
    return [
        _figures(
            _("人材養成研修"),
            _("回数・人数"),
            [
                (_("開催回数"), "events/by_kind/研修/held"),
                (_("参加者数"), "events/by_kind/研修/participants"),
                (_("開催予定"), "events/by_kind/研修/planned"),
                (_("事例検討会の開催回数"), "meetings/by_kind/事例検討会/held"),
            ],
            r,
            {},
        )
    ]


def _awareness(r: dict) -> list[Block]:
    return [
        _figures(
            _("普及啓発"),
            _("回数・人数"),
            [
                (_("講演会・交流会の開催回数"), "events/by_kind/講演会・交流会/held"),
                (_("講演会・交流会の参加者数"), "events/by_kind/講演会・交流会/participants"),
                (_("家族教室の参加者数"), "events/by_kind/家族教室/participants"),
                (_("講師派遣回数"), "events/by_kind/講師派遣/held"),
            ],
            r,
            {},
        ),
        Block(
            _("広報"),
            [_("種別"), _("作成数"), _("配布数")],
            [[kind, f["made"], f["distributed"]] for kind, f in r["materials"]["by_kind"].items()],
        ),
        _figures(
            _("相談窓口の明確化"),
            _("市区町村数"),
            [(_("市区町村"), "network/municipalities"), (_("窓口を明確化した市区町村"), "network/windows")],
            r,
            {},
        ),
    ]


BUILDERS = {
    Program.CONSULTATION: lambda r, c: _consultation(r) + [_referrals(r)],
    Program.PEER_SUPPORT: lambda r, c: _peer_support(r),
    Program.EMPLOYMENT: lambda r, c: _employment(r),
    Program.SAPOSUTE: _saposute,
    Program.CENTRE: lambda r, c: _centre(r),
    Program.NETWORK: lambda r, c: _network(r),
    Program.TRAINING: lambda r, c: _training(r),
    Program.AWARENESS: lambda r, c: _awareness(r),
}


# --- the document ----------------------------------------------------------------------------------------


@dataclass
class Page:
    program: str
    title: str
    source: Organisation
    source_is_chosen: bool  # named on the page, not the default
    blocks: list[Block]
    text: str
    version: int  # 0 when nothing is written yet


@dataclass
class ProgressReport:
    organisation: Organisation
    fiscal_year: int
    part: str
    pages: list[Page]

    @property
    def period_label(self) -> str:
        return period_label(self.fiscal_year, self.part)

    @property
    def title(self) -> str:
        return _("%(year)sの取組状況") % {"year": wareki.fiscal_year_label(self.fiscal_year)}

    def page(self, program: str) -> Page:
        return next(page for page in self.pages if page.program == program)


def subtree(org: Organisation) -> list[Organisation]:
    return list(Organisation.objects.filter(path__startswith=org.path).order_by("path"))


def default_source(program: str, organisations: list[Organisation]) -> Organisation:
    words, kind = DEFAULT_SOURCES.get(program, ((), None))
    for candidate in organisations:
        if any(word in candidate.name for word in words) or (kind and candidate.kind == kind):
            return candidate
    return organisations[0]


def build_report(
    org: Organisation, fiscal_year: int, part: str, *, acting: Organisation | None = None, only: str | None = None
) -> ProgressReport:
    """The document as the staff of `acting` see it (the views pass it; exact without it, as `tsunagu
    report` is): a page whose figures count another organisation's records shows their small cells as
    ranges (stats.queries.shown_report, issue 13). `only` builds one program's page (the page that edits
    its text)."""
    period = period_of(fiscal_year, part)
    organisations = subtree(org)
    written = {
        page.program: page
        for page in ProgressPage.objects.filter(organisation=org, fiscal_year=fiscal_year, part=part).select_related(
            "source"
        )
    }
    reports: dict[tuple[int, str], dict] = {}

    def report_of(source: Organisation, cohort: str = "") -> dict:
        key = (source.pk, cohort)
        if key not in reports:
            reports[key] = (
                report(source, period, cohort) if acting is None else shown_report(acting, source, period, cohort)
            )
        return reports[key]

    pages = []
    for program, title in Program.choices:
        if only and program != only:
            continue
        saved = written.get(program)
        chosen = saved.source if saved and saved.source and saved.source.path.startswith(org.path) else None
        source = chosen or default_source(program, organisations)
        cohorts = (
            {cohort: report_of(source, cohort) for cohort in (ICE_AGE, FORTIES)} if program == Program.SAPOSUTE else {}
        )
        pages.append(
            Page(
                program=program,
                title=str(title),
                source=source,
                source_is_chosen=chosen is not None,
                blocks=BUILDERS[program](report_of(source), cohorts),
                text=saved.text if saved else "",
                version=saved.version if saved else 0,
            )
        )
    return ProgressReport(org, fiscal_year, part, pages)


# --- rendering --------------------------------------------------------------------------------------------


def shown(value) -> str:
    """A figure as the pages print it: 5,418; 40.0 for a rate; ― for a blank."""
    if value is None or value == "":
        return BLANK
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


def _cell(value):
    if isinstance(value, bool) or value is None or value == "":
        return BLANK if value in (None, "") else value
    if isinstance(value, int):
        return exporting.Cell(value, number_format="#,##0", align_right=True)
    if isinstance(value, float):
        return exporting.Cell(value, number_format="0.0", align_right=True)
    return value


def _page_rows(document: ProgressReport, page: Page) -> list[list]:
    rows = [
        [exporting.Cell(document.title, bold=True)],
        [document.organisation.name, document.period_label],
        [exporting.Cell(page.title, bold=True), _("数字: %(org)s") % {"org": page.source.name}],
    ]
    for block in page.blocks:
        rows += [[], [exporting.Cell(block.title, bold=True)], [exporting.Cell(c, bold=True) for c in block.columns]]
        rows += [[_cell(v) for v in row] for row in block.rows] or [[BLANK]]
    rows += [[], [exporting.Cell(_("取組の状況・課題と対策"), bold=True)], [page.text or BLANK]]
    return rows


def filename(document: ProgressReport, ext: str) -> str:
    part = "" if document.part == ReportPart.YEAR else f"_{ReportPart(document.part).label[:3]}"
    return f"取組状況_{document.organisation.name}_{wareki.fiscal_year_label(document.fiscal_year)}{part}.{ext}"


def xlsx(document: ProgressReport) -> bytes:
    taken: set[str] = set()
    return exporting.xlsx_bytes(
        [
            exporting.Sheet(
                exporting.sheet_name(page.title, taken),
                _page_rows(document, page),
                widths={"A": 34, **dict.fromkeys("BCDEF", 14)},
            )
            for page in document.pages
        ]
    )


def pdf(document: ProgressReport) -> bytes:
    return exporting.html_to_pdf(render_to_string("kpi/progress_pdf.html", {"document": document}))


def download_file(actor, document: ProgressReport, fmt: str) -> tuple[bytes, str]:
    """The document as `fmt` (xlsx, pdf) and its file name; who took which organisation's report for which
    period is recorded (kpi.progress.export), as stats.export records the statistics report."""
    body = pdf(document) if fmt == "pdf" else xlsx(document)
    org = document.organisation
    log_action(
        actor,
        "kpi.progress.export",
        obj=org,
        organisation=org,
        label=f"{fmt.upper()} {org.code} {document.fiscal_year} {document.part}",
    )
    return body, filename(document, fmt)
