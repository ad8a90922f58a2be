"""All or nothing: every problem is reported in Japanese with sheet, Excel row and column, and a ledger
with any problem writes nothing at all."""

from datetime import date

import pytest

from tsunagu.cases.models import Contact
from tsunagu.ledger.importing import MAX_ERRORS

from .builders import HEADERS, case_row, contact_row, csv_bytes, ledger, referral_row, xlsx_bytes
from .conftest import assert_nothing_written, run_import

REQUIRED = [
    ("ケース", "ケース番号"),
    ("ケース", "受付日"),
    ("相談記録", "ケース番号"),
    ("相談記録", "日付"),
    ("相談記録", "方法"),
    ("相談記録", "相談者"),
    ("つなぎ", "ケース番号"),
    ("つなぎ", "日付"),
    ("つなぎ", "対象"),
    ("つなぎ", "つなぎ先区分"),
]


@pytest.mark.parametrize("sheet,column", REQUIRED, ids=[f"{s}-{c}" for s, c in REQUIRED])
def test_every_required_column_missing_from_the_header_is_named(org, sheet, column):
    sheets = ledger([case_row()], [contact_row()], [referral_row()])
    index = HEADERS[sheet].index(column)
    sheets[sheet] = [[cell for i, cell in enumerate(row) if i != index] for row in sheets[sheet]]
    result = run_import(org, sheets)
    assert result.errors == [
        f"「{sheet}」シート: 必須の列「{column}」がありません（1行目の見出しを確かめてください）。"
    ]
    assert_nothing_written()


def test_a_header_may_carry_the_required_mark_and_full_width_letters(org):
    sheets = ledger([case_row()], [contact_row()])
    sheets["ケース"][0] = ["ケース番号*", "受付日＊", *sheets["ケース"][0][2:]]
    sheets["相談記録"][0][5] = "所要時間(分)"
    result = run_import(org, sheets)
    assert result.ok, result.errors
    assert Contact.objects.get().minutes == 30


def test_a_bad_row_in_the_middle_rejects_the_whole_file(org):
    contacts = [contact_row(day=f"R3.4.{day}") for day in range(1, 31)]
    contacts[15][1] = "R3.2.30"  # the 16th contact is on row 17: the header is row 1
    result = run_import(org, ledger([case_row(opened="2021-04-01")], contacts))
    assert result.errors == [
        "「相談記録」シート 17行目「日付」: 「R3.2.30」は日付として正しくありません（2月30日は存在しません）"
    ]
    assert result.rows == 31
    assert_nothing_written()


def test_bad_dates_of_every_kind(org):
    cases = [
        case_row(number="A", opened="2021-13-01"),
        case_row(number="B", birth="H31.5.1"),
        case_row(number="C", reached="昨日"),
        case_row(number="D", opened="2099-01-01", birth=""),
    ]
    result = run_import(org, ledger(cases))
    assert result.errors == [
        "「ケース」シート 2行目「受付日」: 「2021-13-01」は日付として正しくありません（13月は存在しません）",
        "「ケース」シート 3行目「生年月日」: 平成31年5月1日は存在しません（平成は31年4月30日まで）",
        "「ケース」シート 4行目「本人につながった日」: 日付の形式が読み取れません（例: 2021/4/5、R3.4.5、令和3年4月5日）",
        "「ケース」シート 5行目「受付日」: 未来の日付は入力できません。",
    ]
    assert_nothing_written()


def test_implausible_dates_are_refused_per_row_with_the_pages_words(org):
    cases = [
        case_row(number="A", opened="0645-12-02", birth=""),
        case_row(number="B", birth="1899-12-31"),
        case_row(number="C"),
    ]
    contacts = [contact_row(number="C", day="1988-12-31"), contact_row(number="C", day="R6.4.5")]
    result = run_import(org, ledger(cases, contacts))
    before_heisei = (
        "1989年1月8日（平成元年）より前の日付は記録できません。和暦の年（例: R6.4.5）は元号を付けて入力してください。"
    )
    assert result.errors == [
        f"「ケース」シート 2行目「受付日」: {before_heisei}",
        "「ケース」シート 3行目「生年月日」: 1900年より前の生年月日は記録できません。"
        "和暦なら元号を付けて入力してください（例: S57.5.3）。",
        f"「相談記録」シート 2行目「日付」: {before_heisei}",
    ]
    assert_nothing_written()


def test_unknown_labels_name_the_allowed_ones(org):
    result = run_import(
        org,
        ledger(
            [case_row(sex="男", status="対応中", h8050="有")],
            [contact_row(channel="でんわ", consulter="母")],
            [referral_row(category="病院", target="本人", result="決定")],
        ),
    )
    assert result.errors == [
        "「ケース」シート 2行目「性別」: 「男」は使えません（使えるもの: 男性、女性、その他、不明）",
        "「ケース」シート 2行目「8050世帯」: 「有」は使えません（使えるもの: はい、いいえ）",
        "「ケース」シート 2行目「状態」: 「対応中」は使えません（使えるもの: 受付、支援中、終結）",
        "「相談記録」シート 2行目「方法」: 「でんわ」は使えません（使えるもの: 電話、メール、来所、訪問、同行、Web、SNS、オンライン）",
        "「相談記録」シート 2行目「相談者」: 「母」は使えません（使えるもの: 本人、家族、関係機関、その他）",
        "「つなぎ」シート 2行目「つなぎ先区分」: 「病院」は使えません（使えるもの: 福祉事務所、福祉事務所以外の市区町村窓口、"
        "社会福祉協議会、自立相談支援事業実施機関、地域包括支援センター、児童相談所、児童家庭支援センター、保健所・保健センター、"
        "精神保健福祉センター、発達障害者支援センター、医療機関、子ども・若者総合相談センター、地域若者サポートステーション、"
        "ハローワーク、企業、学校・教育委員会等、民間支援団体（当事者団体・NPO法人等）、障害者雇用促進関連施設、"
        "障害者総合支援関連施設、他のひきこもり地域支援センター、その他、居場所）",
        "「つなぎ」シート 2行目「結果」: 「決定」は使えません（使えるもの: 支援決定、調整中、不成立、取下げ）",
    ]
    assert_nothing_written()


def test_numbers_out_of_range_and_text_too_long(org):
    result = run_import(org, ledger([case_row(outing="5", months="1年", name="あ" * 101)], [contact_row(minutes="-3")]))
    assert result.errors == [
        "「ケース」シート 2行目「氏名」: 100文字以内で入力してください（101文字あります）。",
        "「ケース」シート 2行目「外出状況」: 1から4までの整数で入力してください（「5」）",
        "「ケース」シート 2行目「ひきこもり期間（月）」: 「1年」は整数ではありません",
        "「相談記録」シート 2行目「所要時間（分）」: 0から1440までの整数で入力してください（「-3」）",
    ]


def test_required_cells_left_blank(org):
    result = run_import(org, ledger([case_row(opened="")], [contact_row(channel="")]))
    assert result.errors == [
        "「ケース」シート 2行目「受付日」: 入力が必要です",
        "「相談記録」シート 2行目「方法」: 入力が必要です",
    ]


def test_rules_across_columns(org):
    result = run_import(
        org,
        ledger(
            [
                case_row(number="A", opened="2021-04-05", birth="2021-05-01", reached="2021-04-01"),
                case_row(number="B", status="終結", closed=""),
                case_row(number="C", status="支援中", closed="2022-01-01"),
                case_row(number="D", birth="2000-01-01"),
            ],
            [contact_row(number="D", day="1999-12-31")],
            [
                referral_row(number="B", day="2021-06-01", result="調整中", result_on="2021-07-01"),
                referral_row(number="B", day="2021-06-01", result="支援決定", result_on="2021-05-01"),
            ],
        ),
    )
    assert result.errors == [
        "「ケース」シート 2行目「生年月日」: 生年月日が受付日より後になっています。",
        "「ケース」シート 2行目「本人につながった日」: 本人につながった日が受付日より前になっています。",
        "「ケース」シート 3行目「終結日」: 状態が「終結」のときは終結日を入力してください。",
        "「ケース」シート 4行目「終結日」: 終結日は状態が「終結」のときだけ入力します。",
        "「相談記録」シート 2行目「日付」: ケースの生年月日より前の日付です。日付か生年月日を確かめてください。",
        "「つなぎ」シート 2行目「結果日」: 結果日は結果が支援決定・不成立・取下げのときだけ入力します。",
        "「つなぎ」シート 3行目「結果日」: 結果日がつなぎの日付より前になっています。",
    ]


def test_errors_never_read_out_a_stored_cases_birth_date(org):
    """Finding of issue 13: a contacts file dated 1999-12-31 for every case number read out each stored
    case's birth date in the job's error text. The message names the row and column, not the value."""
    from tsunagu.orgs.models import Role

    from ..cases.factories import actor_for, make_case
    from ..factories import make_staff

    actor = actor_for(make_staff(org, Role.COORDINATOR))
    make_case(actor, number="2021-0001", birth_date=date(2000, 1, 1))
    result = run_import(org, ledger([], [contact_row(number="2021-0001", day="1999-12-31")]))
    assert result.errors == [
        "「相談記録」シート 2行目「日付」: ケースの生年月日より前の日付です。日付か生年月日を確かめてください。"
    ]
    assert not any("2000" in error for error in result.errors)


def test_rows_for_cases_that_are_nowhere_are_errors(org):
    result = run_import(
        org,
        ledger([case_row(number="2021-0001")], [contact_row(number="2021-0099")], [referral_row(number="2021-0098")]),
    )
    assert result.errors == [
        "「相談記録」シート 2行目「ケース番号」: 「2021-0099」はケースシートにもこの組織のケースにもありません",
        "「つなぎ」シート 2行目「ケース番号」: 「2021-0098」はケースシートにもこの組織のケースにもありません",
    ]


def test_rows_of_a_case_with_a_bad_row_are_not_reported_twice(org):
    result = run_import(org, ledger([case_row(number="X", opened="R3.2.30")], [contact_row(number="X")]))
    assert result.errors == [
        "「ケース」シート 2行目「受付日」: 「R3.2.30」は日付として正しくありません（2月30日は存在しません）"
    ]


def test_a_case_number_twice_in_the_case_sheet(org):
    result = run_import(org, ledger([case_row(number="2021-0001"), case_row(number="２０２１－０００１")]))
    assert result.errors == ["「ケース」シート 3行目「ケース番号」: 「2021-0001」は2行目と重複しています"]


def test_unknown_and_ambiguous_municipalities(org, tree):
    from tsunagu.orgs.models import OrgKind

    from ..factories import make_org, public_code

    other_pref = make_org(OrgKind.PREFECTURE, tree["pref"].parent, code="980005", name="緑川県")
    make_org(OrgKind.MUNICIPALITY, other_pref, code=public_code("98201"), name="府中市")
    make_org(OrgKind.MUNICIPALITY, other_pref, code=public_code("98202"), name="府中市")
    result = run_import(
        org,
        ledger(
            [
                case_row(number="A", municipality="架空市"),
                case_row(number="B", municipality="府中市"),
                case_row(number="C", municipality="123456"),
            ]
        ),
    )
    assert result.errors == [
        "「ケース」シート 2行目「市区町村」: 「架空市」という市区町村は登録されていません（名称か6桁の地方公共団体コードで入力してください）",
        f"「ケース」シート 3行目「市区町村」: 「府中市」は複数あります。6桁の地方公共団体コード"
        f"（{public_code('98201')}、{public_code('98202')}）で入力してください",
        "「ケース」シート 4行目「市区町村」: コード「123456」の市区町村は登録されていません",
    ]


def test_the_error_list_is_capped_with_a_count_of_the_rest(org):
    result = run_import(org, ledger([case_row(number=str(n), opened="R3.2.30") for n in range(250)]))
    assert (len(result.errors), result.error_count, result.more_errors) == (MAX_ERRORS, 250, 50)
    assert (
        result.errors[-1]
        == "「ケース」シート 201行目「受付日」: 「R3.2.30」は日付として正しくありません（2月30日は存在しません）"
    )


def test_csv_errors_name_the_file(org):
    files = [
        ("ケース.csv", csv_bytes([HEADERS["ケース"], case_row(opened="R3.2.30")])),
        ("相談記録.csv", csv_bytes([HEADERS["相談記録"]])),
    ]
    result = run_import(org, files=files)
    assert result.errors == [
        "「ケース.csv」 2行目「受付日」: 「R3.2.30」は日付として正しくありません（2月30日は存在しません）"
    ]


@pytest.mark.parametrize(
    "files,message",
    [
        (
            [("ケース.csv", b"")],
            "「相談記録.csv」がありません（選んだファイル: ケース.csv）。CSVで取り込むときは "
            "「ケース.csv」、「相談記録.csv」 を一緒に選んでください（「つなぎ.csv」は省略できます）。",
        ),
        (
            [("cases.csv", b""), ("相談記録.csv", b"")],
            "CSVファイル「cases.csv」が何の表か分かりません。ファイル名を 「ケース.csv」、「相談記録.csv」、「つなぎ.csv」 のどれか"
            "（活動のシートは「居場所.csv」のようにシート名）にしてください。",
        ),
        (
            [("台帳.xlsx", b"not a zip")],
            "「台帳.xlsx」はExcelファイル（.xlsx）ではありません（中身が別の形式のファイルです）。",
        ),
        (
            [("台帳.xlsx", b""), ("ケース.csv", b"")],
            "Excelファイル（.xlsx）は1つだけ選んでください（CSVと一緒には取り込めません）。",
        ),
        (
            [("memo.txt", b"")],
            "「memo.txt」は取り込めません。Excelファイル（.xlsx）1つか、CSVファイルを選んでください。",
        ),
        (
            [("ケース.csv", b"\x82\xa0\x85\x40"), ("相談記録.csv", b"")],
            "「ケース.csv」の1行目の文字コードが読み取れません（UTF-8 または Shift_JIS（CP932）で保存してください）。",
        ),
    ],
)
def test_files_that_do_not_make_a_ledger(org, files, message):
    assert run_import(org, files=files).errors == [message]
    assert_nothing_written()


def test_a_workbook_without_the_contact_sheet(org):
    sheets = ledger([case_row()])
    del sheets["相談記録"]
    assert run_import(org, sheets).errors == [
        "「台帳.xlsx」に「相談記録」シートがありません（あるシート: 「ケース」、「つなぎ」）。"
    ]


def test_a_workbook_may_leave_out_the_referral_sheet(org):
    sheets = ledger([case_row()], [contact_row()])
    del sheets["つなぎ"]
    assert run_import(org, files=[("台帳.xlsx", xlsx_bytes(sheets))]).ok
    assert Contact.objects.count() == 1
