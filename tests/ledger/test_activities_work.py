"""The 手当単価, 就労体験 and 就労実績 sheets: all or nothing, named problems, idempotent, exported back."""

from datetime import date, datetime
from decimal import Decimal

from tsunagu.audit.models import AuditEntry
from tsunagu.ledger.exporting import export_ledger
from tsunagu.work.models import AllowanceRate, Host, Placement, WorkedDay

from ..factories import SYSTEM
from .builders import case_row, contact_row, ledger, xlsx_cells
from .conftest import run_import

RATE_HEADER = ["種別", "支払先", "単位", "単価", "1日上限", "適用開始日"]
PLACEMENT_HEADER = ["番号", "ケース番号", "種別", "受入先", "開始日", "終了日", "結果"]
DAY_HEADER = ["番号", "日付", "時間"]
RATES = [
    ["就労体験", "事業者", "日", 4500, None, "2021-04-01"],
    ["就労体験", "利用者", "日", 500, None, "2021-04-01"],
    ["職場体験", "利用者", "時間", 625, 5000, "2021-04-01"],
]
PLACEMENTS = [
    ["W0001", "2021-0001", "就労体験", "山田農園", "2021-05-10", "2021-05-31", "就職"],
    ["W0002", "2021-0002", "職場体験", "高知製作所", "2021-06-01", None, None],
]
DAYS = [
    ["W0001", "2021-05-10", 6],
    ["W0001", "2021-05-11", 5.5],
    ["W0001", "2021-05-12", 6],
    ["W0002", "2021-06-01", 10],
]


def workbook(days=DAYS, placements=PLACEMENTS, rates=RATES):
    sheets = ledger(
        [case_row("2021-0001"), case_row("2021-0002", name="鈴木 花子", furigana="すずき はなこ")],
        [contact_row("2021-0001"), contact_row("2021-0002")],
    )
    sheets["手当単価"] = [RATE_HEADER, *rates]
    sheets["就労体験"] = [PLACEMENT_HEADER, *placements]
    sheets["就労実績"] = [DAY_HEADER, *days]
    return sheets


def test_the_work_sheets_import_and_again_change_nothing_and_export_back(org):
    result = run_import(org, workbook())
    assert result.ok, result.errors
    assert {k: v for k, v in result.sheet_counts.items() if k in ("手当単価", "就労体験", "就労実績")} == {
        "手当単価": {"created": 3, "updated": 0, "unchanged": 0},
        "就労体験": {"created": 2, "updated": 0, "unchanged": 0},
        "就労実績": {"created": 4, "updated": 0, "unchanged": 0},
    }
    assert sorted(Host.objects.values_list("name", "kind")) == [("山田農園", "other"), ("高知製作所", "other")]
    first = Placement.objects.get(number="W0001")
    assert (first.case.number, first.program, first.end, first.outcome) == (
        "2021-0001",
        "experience",
        date(2021, 5, 31),
        "employed",
    )
    assert WorkedDay.objects.get(placement=first, date=date(2021, 5, 11)).hours == Decimal("5.5")
    assert AllowanceRate.objects.get(program="workplace").cap_per_day == 5000

    entries = AuditEntry.objects.count()
    again = run_import(org, workbook())
    assert again.ok, again.errors
    assert again.sheet_counts["就労実績"] == {"created": 0, "updated": 0, "unchanged": 4}
    assert again.sheet_counts["就労体験"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert again.sheet_counts["手当単価"] == {"created": 0, "updated": 0, "unchanged": 3}
    assert AuditEntry.objects.count() == entries + 1  # the import's own entry only

    data, counts = export_ledger(actor=SYSTEM, organisation=org, format="xlsx")
    assert (counts["手当単価"], counts["就労体験"], counts["就労実績"]) == (3, 2, 4)
    cells = xlsx_cells(data)

    def plain(rows):
        return [[c.date().isoformat() if isinstance(c, datetime) else c for c in row] for row in rows]

    assert plain(cells["就労体験"][1:]) == PLACEMENTS
    assert plain(cells["就労実績"][1:]) == DAYS
    assert plain(cells["手当単価"][1:]) == RATES
    assert run_import(org, files=[("台帳.xlsx", data)]).sheet_counts["就労実績"]["unchanged"] == 4


def test_a_bad_day_in_the_middle_changes_nothing_and_is_named(org):
    bad = [*DAYS[:2], ["W0001", "2021-06-15", 6], *DAYS[2:]]
    result = run_import(org, workbook(bad))
    assert result.errors == ["「就労実績」シート 4行目「日付」: 就労体験の期間（開始日から終了日まで）の外の日です。"]
    assert (Placement.objects.count(), WorkedDay.objects.count(), AllowanceRate.objects.count()) == (0, 0, 0)
    assert not AuditEntry.objects.filter(action__startswith="ledger.").exists()


def test_each_work_problem_names_sheet_row_and_column(org):
    result = run_import(
        org,
        workbook(
            days=[["W0009", "2021-05-10", 6], ["W0001", "2021-05-10", 25]],
            placements=[PLACEMENTS[0], ["W0002", "2021-0002", "体験", "高知製作所", "2021-06-01", None, None]],
            rates=[["就労体験", "利用者", "週", 500, None, "2021-04-01"]],
        ),
    )
    assert result.errors == [
        "「手当単価」シート 2行目「単位」: 「週」は使えません（使えるもの: 日、時間）",
        "「就労体験」シート 3行目「種別」: 「体験」は使えません（使えるもの: 就労体験、就労訓練、職場体験、社会体験）",
        "「就労実績」シート 2行目「番号」: 「W0009」は就労体験シートにもこの組織の就労体験にもありません",
        "「就労実績」シート 3行目「時間」: 「時間」は0より多く24以下で入力してください。",
    ]
