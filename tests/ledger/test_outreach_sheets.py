"""The 研修・啓発, 広報, サポーター and サポーター活動 sheets of the ledger (DOMAIN.md): all or nothing with
the place named, idempotent, exported back to the same rows."""

from datetime import date, datetime, timedelta

from tsunagu.audit.models import AuditEntry
from tsunagu.ledger.exporting import export_ledger
from tsunagu.outreach.models import Event, Material, Supporter, SupporterActivity
from tsunagu.stats.report import Period, build_report

from ..factories import SYSTEM
from .builders import case_row, contact_row, ledger, xlsx_cells
from .conftest import run_import

EVENT_HEADER = ["番号", "日付", "種別", "名称", "状態", "形式", "対象", "参加人数"]
MATERIAL_HEADER = ["番号", "日付", "種別", "名称", "作成数", "配布数", "配布先"]
SUPPORTER_HEADER = ["サポーター番号", "氏名", "状態", "養成研修修了日"]
ACTIVITY_HEADER = ["サポーター番号", "日付", "種別", "時間（分）", "ケース番号"]

# In the export's order (by number; activities by supporter, date, kind).
EVENTS = [
    ["K-01", "2021-06-10", "研修", "支援者研修（基礎）", "開催", "対面", "市町村職員", 89],
    ["K-02", "2021-09-30", "研修", "支援者研修（応用）", "開催", "Web", "関係機関", 97],
    ["K-03", "2021-08-01", "講演会・交流会", "つながるfesta", "開催", "ハイブリッド", "一般", 64],
    ["K-04", "2021-07-07", "講師派遣", "民生委員研修", "開催", "", "", 0],
    ["K-05", "2021-07-21", "講師派遣", "高校教職員研修", "開催", "", "", 0],
    ["K-06", "2021-09-01", "家族教室", "家族教室", "中止", "", "家族", 0],
]
MATERIALS = [
    ["P-01", "2021-04-20", "ポスター", "窓口ポスター", 5000, 4200, "市町村窓口"],
    ["P-02", "2021-04-20", "リーフレット", "窓口リーフレット", 30000, 25000, "公民館"],
    ["P-03", "2021-05-01", "SNS投稿", "相談のお知らせ", 0, 0, ""],
]
SUPPORTERS = [["S-01", "青木 由美", "登録", "2021-03-20"], ["S-02", "石田 健", "養成中", ""]]
ACTIVITIES = [
    ["S-01", "2021-06-01", "訪問支援", 90, "2021-0001"],
    ["S-01", "2021-06-01", "居場所運営", 120, ""],
    ["S-02", "2021-07-01", "同行", 60, ""],
]


def workbook(events=EVENTS, materials=MATERIALS, supporters=SUPPORTERS, activities=ACTIVITIES):
    sheets = ledger([case_row("2021-0001")], [contact_row("2021-0001")])
    sheets["研修・啓発"] = [EVENT_HEADER, *events]
    sheets["広報"] = [MATERIAL_HEADER, *materials]
    sheets["サポーター"] = [SUPPORTER_HEADER, *supporters]
    sheets["サポーター活動"] = [ACTIVITY_HEADER, *activities]
    return sheets


def _plain(cell):
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    return "" if cell is None else cell


def test_the_workbook_imports_and_counts_by_the_rules(org, tree):
    result = run_import(org, workbook())
    assert result.ok, result.errors
    assert result.sheet_counts["研修・啓発"] == {"created": 6, "updated": 0, "unchanged": 0}
    assert result.sheet_counts["サポーター活動"] == {"created": 3, "updated": 0, "unchanged": 0}
    report = build_report(tree["pref"], Period(date(2021, 4, 1), date(2021, 9, 30)))
    assert report["events"]["by_kind"]["研修"] == {"held": 2, "participants": 186, "planned": 0, "cancelled": 0}
    assert report["events"]["by_kind"]["講師派遣"]["held"] == 2
    assert report["materials"]["by_kind"]["リーフレット"]["made"] == 30000
    assert report["materials"]["by_kind"]["SNS投稿"]["made"] == 1
    assert report["supporters"]["registered"] == 1 and report["supporters"]["activities"] == 3
    visit = SupporterActivity.objects.get(kind="home_visit")
    assert (visit.case.number, visit.minutes) == ("2021-0001", 90)
    assert Supporter.objects.get(number="S-01").status_changes.get().applies_from == date(2021, 3, 20)
    assert AuditEntry.objects.filter(action="outreach.event_create").count() == 6


def test_a_bad_row_in_the_middle_changes_nothing_and_names_the_place(org):
    bad = [*EVENTS[:3], ["K-09", "2021-07-01", "懇親会", "暑気払い", "", "", "", "12"], *EVENTS[3:]]
    result = run_import(org, workbook(events=bad, activities=[*ACTIVITIES, ["S-09", "2021-07-02", "相談", 30, ""]]))
    assert result.errors == [
        "「研修・啓発」シート 5行目「種別」: 「懇親会」は使えません（使えるもの: 研修、講演会・交流会、家族教室、セミナー、相談会、講師派遣、その他）",
        "「サポーター活動」シート 5行目「サポーター番号」: 「S-09」はサポーターシートにもこの組織のサポーターにもありません",
    ]
    assert (Event.objects.count(), Material.objects.count(), Supporter.objects.count()) == (0, 0, 0)
    assert not AuditEntry.objects.filter(action__startswith="ledger.").exists()


def test_the_same_workbook_again_changes_nothing_and_exports_back_equal(org):
    assert run_import(org, workbook()).ok
    entries = AuditEntry.objects.count()
    again = run_import(org, workbook())
    assert again.ok, again.errors
    for sheet, n in (("研修・啓発", 6), ("広報", 3), ("サポーター", 2), ("サポーター活動", 3)):
        assert again.sheet_counts[sheet] == {"created": 0, "updated": 0, "unchanged": n}
    assert AuditEntry.objects.count() == entries + 1  # the import's own entry only
    data, counts = export_ledger(actor=SYSTEM, organisation=org, format="xlsx")
    assert (counts["研修・啓発"], counts["サポーター活動"]) == (6, 3)
    cells = xlsx_cells(data)
    assert cells["研修・啓発"][0] == EVENT_HEADER
    assert [[_plain(c) for c in row] for row in cells["研修・啓発"][1:]] == EVENTS
    assert [[_plain(c) for c in row] for row in cells["広報"][1:]] == MATERIALS
    assert [[_plain(c) for c in row] for row in cells["サポーター"][1:]] == SUPPORTERS
    assert [[_plain(c) for c in row] for row in cells["サポーター活動"][1:]] == ACTIVITIES
    back = run_import(org, files=[("台帳.xlsx", data)])
    assert back.ok and back.sheet_counts["サポーター活動"]["unchanged"] == 3


def test_a_changed_row_updates_its_record(org):
    assert run_import(org, workbook()).ok
    changed = [[*EVENTS[0][:7], 91], *EVENTS[1:]]
    result = run_import(
        org, workbook(events=changed, supporters=[["S-01", "青木 由美", "休止", "2021-03-20"], SUPPORTERS[1]])
    )
    assert result.ok, result.errors
    assert result.sheet_counts["研修・啓発"] == {"created": 0, "updated": 1, "unchanged": 5}
    assert Event.objects.get(number="K-01").participants == 91
    assert Supporter.objects.get(number="S-01").status == "resting"


def test_a_held_event_in_the_future_is_refused(org):
    ahead = (date.today() + timedelta(days=30)).isoformat()
    result = run_import(org, workbook(events=[["K-10", ahead, "研修", "先の研修", "", "", "", 1]]))
    assert result.errors == [
        "「研修・啓発」シート 2行目「状態」: まだ先の日付です。開催前なら「状態」を「予定」にしてください。"
    ]
    planned = run_import(org, workbook(events=[["K-10", ahead, "研修", "先の研修", "予定", "", "", ""]]))
    assert planned.ok, planned.errors
