"""The 就労支援 sheet of the ledger (DOMAIN.md): all or nothing, errors by sheet/row/column, idempotent
on (ケース番号, 登録日), exported back to the same rows."""

from datetime import date, datetime

from tsunagu.audit.models import AuditEntry
from tsunagu.cases.models import Case
from tsunagu.employment.models import Outcome, Registration
from tsunagu.ledger.exporting import export_ledger
from tsunagu.orgs.periods import lock_months

from ..factories import SYSTEM
from .builders import case_row, contact_row, ledger, xlsx_cells
from .conftest import run_import

HEADER = ["ケース番号", "登録日", "STEP", "進路決定日", "進路", "終了日"]
# As the export writes them: by ケース番号, then 登録日.
GOOD = [
    ["2021-0001", "2021-05-01", 3, "", "", "2021-09-30"],
    ["2021-0001", "2021-10-01", 5, "2022-01-10", "就職（非正規）", "2022-07-10"],
    ["2021-0002", "2021-06-01", 2, "2021-12-01", "修学", ""],
]


def workbook(rows):
    sheets = ledger(
        [case_row("2021-0001"), case_row("2021-0002", name="鈴木 花子", furigana="すずき はなこ")],
        [contact_row("2021-0001"), contact_row("2021-0002")],
    )
    sheets["就労支援"] = [HEADER, *rows]
    return sheets


def test_the_sheet_imports_with_the_cases_again_changes_nothing_and_exports_back(org):
    typed = [
        ["2021-0001", "R3.5.1", "STEP3", "", "", "R3.9.30"],
        ["２０２１-０００１", "2021/10/1", "５", "R4.1.10", "就職（非正規）", "2022-07-10"],
        GOOD[2],
    ]
    result = run_import(org, workbook(typed))
    assert result.ok, result.errors
    assert result.sheet_counts["就労支援"] == {"created": 3, "updated": 0, "unchanged": 0}
    job = Registration.objects.get(registered_on=date(2021, 10, 1))
    assert (job.case.number, job.step, job.outcome, job.decided_on) == (
        "2021-0001",
        5,
        Outcome.NON_REGULAR,
        date(2022, 1, 10),
    )
    entries = AuditEntry.objects.count()
    again = run_import(org, workbook(GOOD))
    assert again.sheet_counts["就労支援"] == {"created": 0, "updated": 0, "unchanged": 3}
    assert AuditEntry.objects.count() == entries + 1  # the import's own entry
    data, counts = export_ledger(actor=SYSTEM, organisation=org, format="xlsx")
    assert counts["就労支援"] == 3
    cells = xlsx_cells(data)["就労支援"]
    assert cells[0] == HEADER
    exported = [
        [c.date().isoformat() if isinstance(c, datetime) else ("" if c is None else c) for c in row]
        for row in cells[1:]
    ]
    assert exported == GOOD
    assert run_import(org, files=[("台帳.xlsx", data)]).sheet_counts["就労支援"]["unchanged"] == 3


def test_a_changed_step_updates_the_registration(org):
    assert run_import(org, workbook(GOOD)).ok
    changed = [["2021-0001", "2021-05-01", 4, "", "", "2021-09-30"], *GOOD[1:]]
    result = run_import(org, workbook(changed))
    assert result.sheet_counts["就労支援"] == {"created": 0, "updated": 1, "unchanged": 2}
    assert Registration.objects.get(registered_on=date(2021, 5, 1)).step == 4


def test_a_bad_row_in_the_middle_changes_nothing_and_names_sheet_row_and_column(org):
    bad = [GOOD[0], ["2021-0002", "2021-06-01", 7, "", "", ""], GOOD[2]]
    result = run_import(org, workbook(bad))
    assert result.errors == ["「就労支援」シート 3行目「STEP」: 「7」は使えません（1から5、またはSTEP1〜STEP5）"]
    assert (Case.objects.count(), Registration.objects.count()) == (0, 0)
    outcome_without_date = [GOOD[0], ["2021-0002", "2021-06-01", 2, "", "修学", ""], GOOD[2]]
    assert run_import(org, workbook(outcome_without_date)).errors == [
        "「就労支援」シート 3行目「進路決定日」: 進路を選んだときは「進路決定日」を入力してください。"
    ]
    unknown = [["2099-0001", "2021-06-01", 2, "", "", ""]]
    assert run_import(org, workbook(unknown)).errors == [
        "「就労支援」シート 2行目「ケース番号」: 「2099-0001」はケースシートにもこの組織のケースにもありません"
    ]
    assert Registration.objects.count() == 0


def test_overlapping_rows_of_one_case_are_refused_whole(org):
    overlapping = [GOOD[0], ["2021-0001", "2021-06-01", 2, "", "", ""]]
    result = run_import(org, workbook(overlapping))
    assert result.errors == [
        "「就労支援」シート 3行目「登録日」: このケースは2021年5月1日からの登録と期間が重なっています。"
    ]
    assert Registration.objects.count() == 0


def test_a_registration_in_a_locked_month_is_refused_whole(org):
    lock_months(org, date(2021, 4, 1), date(2021, 9, 30))
    result = run_import(org, workbook([["2021-0001", "2021-05-01", 2, "", "", ""]]))
    assert not result.ok
    assert result.errors[0].startswith("「就労支援」シート 2行目「登録日」:") or "ケース" in result.errors[0]
    assert Registration.objects.count() == 0
