"""The 会議, 会議参加 and 会議予定 sheets of the ledger: all or nothing, problems by sheet, row and column,
re-import unchanged, export back equal, and the report counts what was imported."""

from datetime import date, datetime

from tsunagu.audit.models import AuditEntry
from tsunagu.ledger.exporting import export_ledger
from tsunagu.meetings.models import Attendance, Meeting, MeetingStatus, Plan
from tsunagu.stats.report import Period, build_report

from ..factories import SYSTEM
from .builders import xlsx_cells
from .conftest import run_import

MEETING_HEADER = [
    "会議番号",
    "日付",
    "種別",
    "名称",
    "状態",
    "中止理由",
    "地域",
    "市区町村",
    "形式",
    "スーパーバイズ",
    "内容",
]
ATTENDANCE_HEADER = ["会議番号", "参加機関", "人数"]
PLAN_HEADER = ["年度", "種別", "相手先", "予定回数"]

# As the export writes them: by date and number.
MEETINGS = [
    [
        "R2-01",
        "2020-07-15",
        "連絡協議会・ネットワーク会議",
        "中部地区連絡協議会",
        "開催",
        "",
        "中部",
        "",
        "ハイブリッド",
        "いいえ",
        "情報交換",
    ],
    ["R2-02", "2020-09-01", "関係機関支援", "ケース会議", "開催", "", "", "汐見市", "対面", "はい", ""],
    [
        "R2-03",
        "2021-02-05",
        "連絡協議会・ネットワーク会議",
        "宮古地区連絡協議会",
        "中止",
        "緊急事態宣言の発出のため中止",
        "宮古",
        "",
        "対面",
        "いいえ",
        "",
    ],
]
ATTENDANCES = [
    ["R2-01", "青海市", 3],
    ["R2-01", "汐見市", 2],
    ["R2-01", "青海県警察本部", 1],
    ["R2-02", "汐見市", 2],
]
PLANS = [
    ["2020", "関係機関支援", "汐見市", 5],
    ["2020", "関係機関支援", "幡多福祉保健所管内", 2],
]


def workbook(meetings=MEETINGS, attendances=ATTENDANCES, plans=PLANS):
    return {
        "会議": [MEETING_HEADER, *meetings],
        "会議参加": [ATTENDANCE_HEADER, *attendances],
        "会議予定": [PLAN_HEADER, *plans],
    }


def test_the_meeting_sheets_import_and_count_in_the_report(org, tree):
    result = run_import(org, workbook())
    assert result.ok, result.errors
    assert result.sheet_counts == {
        "会議": {"created": 3, "updated": 0, "unchanged": 0},
        "会議参加": {"created": 4, "updated": 0, "unchanged": 0},
        "会議予定": {"created": 2, "updated": 0, "unchanged": 0},
    }
    cancelled = Meeting.objects.get(number="R2-03")
    assert (cancelled.status, cancelled.cancel_reason) == (MeetingStatus.CANCELLED, "緊急事態宣言の発出のため中止")
    council = Meeting.objects.get(number="R2-01")
    assert [(a.body_id, a.body_name, a.people) for a in council.attendances.order_by("id")] == [
        (tree["city"].pk, "青海市", 3),
        (tree["shiomi"].pk, "汐見市", 2),
        (None, "青海県警察本部", 1),
    ]
    assert Plan.objects.get(counterpart_name="汐見市").counterpart == tree["shiomi"]
    section = build_report(tree["pref"], Period(date(2020, 4, 1), date(2021, 3, 31)))["meetings"]
    assert section["by_kind"]["連絡協議会・ネットワーク会議"] == {
        "held": 1,
        "planned": 0,
        "cancelled": 1,
        "municipalities": 0,
        "agency_attendances": 3,
        "people": 6,
    }
    assert [(p["counterpart"], p["held"], p["planned"]) for p in section["plans"]] == [
        ("汐見市", 1, 5),
        ("幡多福祉保健所管内", 0, 2),
    ]
    assert AuditEntry.objects.filter(action="meeting.create").count() == 3


def test_the_same_workbook_again_changes_nothing_and_exports_back_equal(org):
    assert run_import(org, workbook()).ok
    entries = AuditEntry.objects.count()
    again = run_import(org, workbook())
    assert again.ok, again.errors
    assert again.sheet_counts == {
        "会議": {"created": 0, "updated": 0, "unchanged": 3},
        "会議参加": {"created": 0, "updated": 0, "unchanged": 4},
        "会議予定": {"created": 0, "updated": 0, "unchanged": 2},
    }
    assert AuditEntry.objects.count() == entries + 1  # the import's own entry only
    data, counts = export_ledger(actor=SYSTEM, organisation=org, format="xlsx")
    assert (counts["会議"], counts["会議参加"], counts["会議予定"]) == (3, 4, 2)
    cells = xlsx_cells(data)

    def plain(rows):
        return [
            [c.date().isoformat() if isinstance(c, datetime) else ("" if c is None else c) for c in r] for r in rows
        ]

    assert plain(cells["会議"]) == [MEETING_HEADER, *MEETINGS]
    assert plain(cells["会議参加"]) == [ATTENDANCE_HEADER, *ATTENDANCES]
    assert plain(cells["会議予定"]) == [PLAN_HEADER, *PLANS]
    assert run_import(org, files=[("台帳.xlsx", data)]).sheet_counts["会議参加"]["unchanged"] == 4


def test_a_changed_head_count_and_plan_update_their_records(org):
    assert run_import(org, workbook()).ok
    result = run_import(
        org, workbook(attendances=[*ATTENDANCES[:3], ["R2-02", "汐見市", 4]], plans=[PLANS[0], [*PLANS[1][:3], 3]])
    )
    assert result.ok, result.errors
    assert result.sheet_counts["会議参加"] == {"created": 0, "updated": 1, "unchanged": 3}
    assert result.sheet_counts["会議予定"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert Attendance.objects.get(meeting__number="R2-02").people == 4
    assert Plan.objects.get(counterpart_name="幡多福祉保健所管内").planned == 3


def test_a_bad_row_in_the_middle_changes_nothing_and_names_the_place(org):
    bad_meetings = [MEETINGS[0], [*MEETINGS[1][:4], "中止", "", *MEETINGS[1][6:]], MEETINGS[2]]
    bad_attendance = [*ATTENDANCES[:2], ["R2-09", "青海市", 1], ["R2-01", "汐見市", 2], *ATTENDANCES[2:]]
    bad_plans = [PLANS[0], ["R2", "勉強会", "汐見市", 2], PLANS[1]]
    result = run_import(org, workbook(bad_meetings, bad_attendance, bad_plans))
    assert not result.ok
    assert result.errors == [
        "「会議」シート 3行目「中止理由」: 中止した会議には「中止理由」を入力してください。",
        "「会議参加」シート 4行目「会議番号」: 「R2-09」は会議シートにもこの組織の会議にもありません",
        "「会議参加」シート 5行目「会議番号」: 「会議番号」・「参加機関」が3行目と同じです（同じ記録が2行あります）",
        # the attendance of the refused meeting row is refused with it
        "「会議参加」シート 7行目「会議番号」: 「R2-02」は会議シートにもこの組織の会議にもありません",
        "「会議予定」シート 3行目「種別」: 「勉強会」は使えません（使えるもの: 個別ケース検討会、事例検討会、"
        "連絡協議会・ネットワーク会議、関係機関支援、担当者会議、その他）",
    ]
    assert (Meeting.objects.count(), Attendance.objects.count(), Plan.objects.count()) == (0, 0, 0)
    assert not AuditEntry.objects.filter(action__startswith="ledger.").exists()
