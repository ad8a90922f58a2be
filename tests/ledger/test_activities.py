"""The activity sheets of the ledger (DOMAIN.md): the registry's rules, shown on the 居場所 and 居場所参加
sheets, and the helpers for 年度 and 相手先 that every activity sheet uses."""

from datetime import date, datetime, time
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tsunagu.audit.models import AuditEntry
from tsunagu.cases.models import Case
from tsunagu.ibasho import actions
from tsunagu.ibasho.models import Attendance, Ibasho, IbashoEvent, IbashoKind
from tsunagu.ledger import mapping as m
from tsunagu.ledger.exporting import export_ledger
from tsunagu.ledger.models import ImportJob
from tsunagu.orgs.models import OrgKind, Role
from tsunagu.orgs.periods import lock_months

from ..conftest import act_as
from ..factories import SYSTEM, make_org, make_staff
from .builders import case_row, contact_row, csv_files, ledger, xlsx_bytes, xlsx_cells
from .conftest import run_import

IBASHO_HEADER = ["居場所名", "形態", "市区町村"]
ATTENDANCE_HEADER = ["居場所名", "日付", "ケース番号", "ニックネーム", "対象"]


def workbook(attendances, places=None, cases=None):
    sheets = ledger(
        cases
        if cases is not None
        else [case_row("2021-0001"), case_row("2021-0002", name="鈴木 花子", furigana="すずき はなこ")],
        [contact_row("2021-0001"), contact_row("2021-0002")],
    )
    sheets["居場所"] = [
        IBASHO_HEADER,
        *(places or [["青年期の集い", "リアル", "青海市"], ["オンライン居場所", "オンライン（電子居場所）", ""]]),
    ]
    sheets["居場所参加"] = [ATTENDANCE_HEADER, *attendances]
    return sheets


# Sorted as the export writes them: by 居場所名, then 日付, then as entered.
GOOD = [
    ["オンライン居場所", "2021-05-10", "", "", "本人"],
    ["青年期の集い", "2021-04-10", "2021-0001", "", "本人"],
    ["青年期の集い", "2021-04-10", "2021-0001", "", "家族"],
    ["青年期の集い", "2021-04-10", "", "たろう", "本人"],
    ["青年期の集い", "2021-04-10", "", "", "本人"],
    ["青年期の集い", "2021-04-10", "", "", "本人"],
    ["青年期の集い", "2021-05-08", "2021-0002", "", "本人"],
    ["青年期の集い", "2021-05-08", "2021-0001", "", "本人"],
]


def test_the_activity_sheets_import_with_the_cases_of_the_same_workbook(org, tree):
    result = run_import(org, workbook(GOOD))
    assert result.ok, result.errors
    assert result.sheet_counts == {
        "居場所": {"created": 2, "updated": 0, "unchanged": 0},
        "居場所参加": {"created": 8, "updated": 0, "unchanged": 0},
    }
    place = Ibasho.objects.get(organisation=org, name="青年期の集い")
    assert (place.kind, place.municipality, place.place) == (IbashoKind.PHYSICAL, tree["city"], "")
    assert Ibasho.objects.get(name="オンライン居場所").kind == IbashoKind.ONLINE
    # One session per 居場所 and day, known by its day only.
    assert sorted((e.ibasho.name, e.date, e.start_time, e.online) for e in IbashoEvent.objects.all()) == [
        ("オンライン居場所", date(2021, 5, 10), None, True),
        ("青年期の集い", date(2021, 4, 10), None, False),
        ("青年期の集い", date(2021, 5, 8), None, False),
    ]
    first = Case.objects.get(number="2021-0001")
    assert sorted((a.date, a.target, a.is_first) for a in Attendance.objects.filter(case=first)) == [
        (date(2021, 4, 10), "family", True),
        (date(2021, 4, 10), "person", True),
        (date(2021, 5, 8), "person", False),
    ]
    assert Attendance.objects.filter(nickname="たろう").count() == 1
    assert Attendance.objects.filter(anonymous=True).count() == 3
    assert AuditEntry.objects.filter(action="ibasho.attendance_add").count() == 8
    assert AuditEntry.objects.filter(action="ibasho.create").count() == 2
    counts = AuditEntry.objects.get(action="ledger.import").changes
    assert counts["居場所参加:created"] == [None, 8]
    assert "居場所: 新規 2件、更新 0件、変更なし 0件／居場所参加: 新規 8件、更新 0件、変更なし 0件" in result.summary()


def test_the_same_workbook_again_changes_nothing_and_exports_back_equal(org):
    sheets = workbook(GOOD)
    assert run_import(org, sheets).ok
    entries = AuditEntry.objects.count()
    again = run_import(org, sheets)
    assert again.ok, again.errors
    assert again.sheet_counts == {
        "居場所": {"created": 0, "updated": 0, "unchanged": 2},
        "居場所参加": {"created": 0, "updated": 0, "unchanged": 8},
    }
    assert Attendance.objects.count() == 8 and IbashoEvent.objects.count() == 3
    assert AuditEntry.objects.count() == entries + 1  # the import's own entry only
    data, counts = export_ledger(actor=SYSTEM, organisation=org, format="xlsx")
    assert (counts["居場所"], counts["居場所参加"]) == (2, 8)
    cells = xlsx_cells(data)
    assert cells["居場所"] == [
        IBASHO_HEADER,
        ["オンライン居場所", "オンライン（電子居場所）", None],
        ["青年期の集い", "リアル", "青海市"],
    ]
    exported = [
        [c.date().isoformat() if isinstance(c, datetime) else c or "" for c in row] for row in cells["居場所参加"][1:]
    ]
    assert cells["居場所参加"][0] == ATTENDANCE_HEADER
    assert exported == GOOD
    # and what was exported imports to the same records
    assert run_import(org, files=[("台帳.xlsx", data)]).sheet_counts["居場所参加"]["unchanged"] == 8


def test_a_bad_row_in_the_middle_of_the_attendance_sheet_changes_nothing(org):
    bad = [*GOOD[:4], ["青年期の集い", "R3.4.31", "2021-0001", "", "本人"], *GOOD[4:]]
    result = run_import(org, workbook(bad))
    assert not result.ok
    assert result.errors == [
        "「居場所参加」シート 6行目「日付」: 「R3.4.31」は日付として正しくありません（4月31日は存在しません）"
    ]
    assert (Case.objects.count(), Ibasho.objects.count(), Attendance.objects.count()) == (0, 0, 0)
    assert not AuditEntry.objects.filter(action__startswith="ledger.").exists()


@pytest.mark.parametrize(
    "row, message",
    [
        (
            ["青年期の集い", "2021-04-10", "2099-0001", "", "本人"],
            "「居場所参加」シート 2行目「ケース番号」: 「2099-0001」はケースシートにもこの組織のケースにもありません",
        ),
        (
            ["夜の集い", "2021-04-10", "", "", ""],
            "「居場所参加」シート 2行目「居場所名」: 「夜の集い」は居場所シートにもこの組織の居場所にもありません",
        ),
        (
            ["青年期の集い", "2021-04-10", "2021-0001", "たろう", "本人"],
            "「居場所参加」シート 2行目「ニックネーム」: 「ケース番号」と「ニックネーム」は、どちらか一方だけを入力してください",
        ),
        (
            ["青年期の集い", "2021-04-10", "", "", "親戚"],
            "「居場所参加」シート 2行目「対象」: 「親戚」は使えません（使えるもの: 本人、家族）",
        ),
        (
            ["青年期の集い", "", "", "", ""],
            "「居場所参加」シート 2行目「日付」: 入力が必要です",
        ),
    ],
)
def test_each_problem_names_sheet_row_and_column(org, row, message):
    result = run_import(org, workbook([row]))
    assert result.errors == [message]
    assert Ibasho.objects.count() == 0


def test_a_case_twice_at_one_session_is_a_duplicate_row(org):
    rows = [GOOD[1], GOOD[3], GOOD[1]]
    assert run_import(org, workbook(rows)).errors == [
        "「居場所参加」シート 4行目「居場所名」: 「居場所名」・「日付」・「ケース番号」が2行目と同じです（同じ記録が2行あります）"
    ]


def test_an_unknown_kind_is_refused_on_the_place_sheet(org):
    result = run_import(org, workbook([], places=[["青年期の集い", "屋外", ""]]))
    assert result.errors == [
        "「居場所」シート 2行目「形態」: 「屋外」は使えません（使えるもの: リアル、オンライン（電子居場所）、ハイブリッド）"
    ]


def test_a_changed_kind_updates_the_place(org):
    assert run_import(org, workbook([])).ok
    result = run_import(org, workbook([], places=[["青年期の集い", "ハイブリッド", "青海市"]]))
    assert result.sheet_counts["居場所"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert Ibasho.objects.get(name="青年期の集い").kind == IbashoKind.HYBRID


def test_csv_files_named_after_the_activity_sheets_import_alone(org):
    """An organisation can send its 居場所 sheets without the case sheets."""
    assert run_import(org, workbook([])).ok
    files = csv_files({"居場所参加": [ATTENDANCE_HEADER, ["青年期の集い", "Ｒ３．４．１０", "", "ニコ", ""]]}, "cp932")
    result = run_import(org, files=files)
    assert result.ok, result.errors
    assert result.summary() == "居場所参加: 新規 1件、更新 0件、変更なし 0件"
    assert Attendance.objects.get().nickname == "ニコ"


def test_attendance_in_a_locked_month_is_refused_whole(org):
    lock_months(org, date(2021, 5, 1), date(2021, 5, 31))
    result = run_import(org, workbook(GOOD))
    locked = "令和3年5月1日〜令和3年5月31日は締められた期間です。この期間の記録は追加・変更・削除できません。"
    assert result.errors == [f"「居場所参加」シート {row}行目「日付」: {locked}" for row in (2, 8, 9)]
    assert (Case.objects.count(), Attendance.objects.count()) == (0, 0)


def test_an_exception_lets_its_holder_import_attendance_in_a_locked_month_and_nobody_else(org):
    from django.utils import timezone

    from tests.cases.factories import actor_for
    from tsunagu.ledger.importing import import_ledger
    from tsunagu.orgs.models import LockException

    holder, other = (actor_for(make_staff(org, Role.COORDINATOR)) for _ in range(2))
    lock = lock_months(org, date(2021, 5, 1), date(2021, 5, 31))
    LockException.objects.create(lock=lock, user=holder.user, until=timezone.localdate(), reason="参加の記録漏れ")
    files = [("台帳.xlsx", xlsx_bytes(workbook(GOOD)))]
    locked = "令和3年5月1日〜令和3年5月31日は締められた期間です。この期間の記録は追加・変更・削除できません。"
    result = import_ledger(actor=other, organisation=org, files=files)
    assert result.errors == [f"「居場所参加」シート {row}行目「日付」: {locked}" for row in (2, 8, 9)]
    assert Attendance.objects.count() == 0
    result = import_ledger(actor=holder, organisation=org, files=files)
    assert result.ok, result.errors
    assert Attendance.objects.count() == 8


def test_csv_export_has_the_activity_sheets_when_there_are_records(org):
    assert run_import(org, workbook(GOOD)).ok
    files, _counts = export_ledger(actor=SYSTEM, organisation=org, format="csv")
    assert list(files) == ["ケース.csv", "相談記録.csv", "つなぎ.csv", "居場所.csv", "居場所参加.csv"]


@pytest.mark.parametrize(
    "typed, year",
    [
        ("2021", 2021),
        ("2021年度", 2021),
        ("R3", 2021),
        ("r3", 2021),
        ("令和3年度", 2021),
        ("令和元年度", 2019),
        ("Ｈ２８", 2016),
        ("平成31年度", 2019),
        ("", None),
    ],
)
def test_fiscal_year_cells(typed, year):
    assert m.parse_fiscal_year(typed) == year


@pytest.mark.parametrize("typed", ["R", "21", "令和", "3年度", "X3"])
def test_fiscal_year_cells_that_are_not_years(typed):
    with pytest.raises(m.CellError):
        m.parse_fiscal_year(typed)


def test_counterparts_by_code_or_name_else_as_typed(tree):
    make_org(OrgKind.CONTRACTOR, tree["pref"], code="99PART2", name="同名の機関")
    make_org(OrgKind.CONTRACTOR, tree["pref"], code="99PART3", name="同名の機関")
    counterparts = m.Counterparts()
    assert counterparts.match("992011") == (tree["city"].pk, "")
    assert counterparts.match("青海市") == (tree["city"].pk, "")
    assert counterparts.match("ＮＰＯ法人あおぞら") == (None, "NPO法人あおぞら")
    shared, typed = counterparts.match("同名の機関")
    assert (shared, typed) == (None, "同名の機関")
    assert counterparts.cell(tree["city"].pk, "") == "青海市"
    part2 = counterparts.match("99PART2")[0]
    assert counterparts.cell(part2, "") == "99PART2"
    assert counterparts.cell(None, "NPO法人あおぞら") == "NPO法人あおぞら"


def test_the_job_page_shows_the_counts_of_each_sheet(client, org, settings, django_capture_on_commit_callbacks):
    settings.LEDGER_JOBS_INLINE = True
    act_as(client, make_staff(org, Role.COORDINATOR, username="soudan"))
    upload = SimpleUploadedFile("台帳.xlsx", xlsx_bytes(workbook(GOOD)), content_type="application/octet-stream")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ledger_import"), {"files": [upload]})
    job = ImportJob.objects.get()
    assert job.summary["sheets"]["居場所参加"] == {"created": 8, "updated": 0, "unchanged": 0}
    body = client.get(response["Location"]).content.decode()
    assert "<dt>ケース（新規）</dt><dd>2</dd>" in body
    assert "<dt>居場所（新規）</dt><dd>2</dd>" in body and "<dt>居場所参加（新規）</dt><dd>8</dd>" in body


def test_the_commands_print_the_counts_of_each_sheet(org, tmp_path):
    path = tmp_path / "台帳.xlsx"
    path.write_bytes(xlsx_bytes(workbook(GOOD)))
    out = StringIO()
    call_command("import_ledger", "--org", org.code, str(path), stdout=out, stderr=StringIO())
    assert out.getvalue() == (
        "99CENTERに14行を取り込みました。ケース: 新規 2件、更新 0件、変更なし 0件／相談記録: 追加 2件、登録済み 0件／"
        "つなぎ: 追加 0件、更新 0件、登録済み 0件／居場所: 新規 2件、更新 0件、変更なし 0件／"
        "居場所参加: 新規 8件、更新 0件、変更なし 0件\n"
    )
    out = StringIO()
    call_command("export_ledger", "--org", org.code, "--output", str(tmp_path / "out.xlsx"), stdout=out)
    assert out.getvalue().endswith("（ケース 2件、相談記録 2件、つなぎ 0件、居場所 2件、居場所参加 8件）\n")


def test_sessions_entered_on_the_pages_export_and_import_back_unchanged(org):
    assert run_import(org, workbook([])).ok
    place = Ibasho.objects.get(name="青年期の集い")
    case = Case.objects.get(number="2021-0001")
    morning = actions.create_event(actor=SYSTEM, ibasho=place, date=date(2021, 7, 3), start_time=time(10), online=True)
    afternoon = actions.create_event(
        actor=SYSTEM, ibasho=place, date=date(2021, 7, 3), start_time=time(14), online=True
    )
    actions.record_attendance(actor=SYSTEM, event=morning, anonymous=True)
    actions.record_attendance(actor=SYSTEM, event=afternoon, case=case)
    actions.record_attendance(actor=SYSTEM, event=afternoon, anonymous=True)
    data, _counts = export_ledger(actor=SYSTEM, organisation=org, format="xlsx")
    result = run_import(org, files=[("台帳.xlsx", data)])
    assert result.sheet_counts["居場所参加"] == {"created": 0, "updated": 0, "unchanged": 3}
    assert (IbashoEvent.objects.count(), Attendance.objects.count()) == (2, 3)


def test_an_empty_activity_sheet_is_no_sheet(org):
    sheets = workbook([])
    sheets["居場所参加"] = []
    result = run_import(org, sheets)
    assert result.ok and list(result.sheet_counts) == ["居場所"]
