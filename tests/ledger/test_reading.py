"""CSV ledgers that are malformed or hostile: a message naming the file (and the row and column, when it
is about a cell), and nothing written."""

import pytest

from tsunagu.cases.models import Contact
from tsunagu.ledger.sheets import MAX_ROWS

from .builders import HEADERS, case_row, contact_row, csv_bytes
from .conftest import assert_nothing_written, run_import
from .hostile import OLE_SIGNATURE, ledger_parts, small_ledger, xlsx_of


def files_with(contacts: bytes, encoding="cp932") -> list[tuple[str, bytes]]:
    return [("ケース.csv", csv_bytes([HEADERS["ケース"], case_row(number="A")], encoding)), ("相談記録.csv", contacts)]


def refused(org, files) -> list[str]:
    result = run_import(org, files=files)
    assert not result.ok
    assert_nothing_written()
    return result.errors


def test_a_field_of_200000_characters_is_an_error_on_its_row_and_column(org):
    contacts = csv_bytes([HEADERS["相談記録"], contact_row(number="A"), contact_row(number="A", notes="あ" * 200_000)])
    assert refused(org, files_with(contacts)) == [
        "「相談記録.csv」 3行目「内容」: 1つのセルに入れられるのは32,767文字までです（200,000文字あります）"
    ]


def test_a_quote_left_open_is_named_on_the_cell_it_swallows(org):
    lines = [",".join(HEADERS["相談記録"]), 'A,2021-04-05,電話,家族,佐藤,30,"母親から電話']
    lines += [f"A,2021-04-{day:02d},電話,家族,佐藤,30,{'相談の続き' * 400}" for day in range(6, 26)]
    contacts = "\r\n".join(lines).encode("cp932")
    [message] = refused(org, files_with(contacts))
    assert message.startswith("「相談記録.csv」 2行目「内容」: 1つのセルに入れられるのは32,767文字までです（")
    assert message.endswith(
        '文字あります）。引用符（"）が閉じられずに、後の行まで1つのセルになっていないか確かめてください'
    )


@pytest.mark.parametrize(
    "data,message",
    [
        pytest.param(b"", "「相談記録.csv」は空のファイルです（0バイト）。", id="empty"),
        pytest.param(
            "ケース番号,日付\r\nA,2021-04-05\r\n".encode().replace(b"A,", b"A\0,"),
            "「相談記録.csv」の2行目にNUL文字（0x00）があります。テキストのCSVファイルではないようです。",
            id="nul",
        ),
        pytest.param(
            "ケース番号,日付\r\n".encode("utf-16"),
            "「相談記録.csv」はUTF-16（Excelの「Unicode テキスト」）で保存されています。"
            "「CSV UTF-8（コンマ区切り）」か「CSV（コンマ区切り）」で保存し直してください。",
            id="utf-16",
        ),
        pytest.param(
            xlsx_of(ledger_parts(small_ledger())),
            "「相談記録.csv」はCSVではなく、Excelファイル（.xlsx）かZIPファイルです。",
            id="xlsx",
        ),
        pytest.param(
            OLE_SIGNATURE + b"\0" * 100,
            "「相談記録.csv」はCSVではなく、Excelの古い形式（.xls）のファイルか、パスワードで保護されたExcelファイルです。",
            id="ole",
        ),
        pytest.param(
            "ケース番号,日付\r\nA,2021-04-05\r\n".encode("cp932") + b"A,\x82\r\n",
            "「相談記録.csv」の3行目の文字コードが読み取れません（UTF-8 または Shift_JIS（CP932）で保存してください）。",
            id="unknown-encoding",
        ),
        pytest.param(
            b"," * 2_000_001,
            "「相談記録.csv」はセルが多すぎます（空のセルも含めて2,000,000個まで）。",
            id="commas",
        ),
    ],
)
def test_files_that_are_not_csv_text(org, data, message):
    assert refused(org, files_with(data)) == [message]


def test_an_euc_jp_file_is_named_on_its_first_unreadable_line(org):
    contacts = csv_bytes([HEADERS["相談記録"], contact_row(number="A")], "euc_jp")
    assert refused(org, files_with(contacts)) == [
        "「相談記録.csv」の1行目の文字コードが読み取れません（UTF-8 または Shift_JIS（CP932）で保存してください）。"
    ]


def test_headings_of_which_none_is_ours_get_one_message(org):
    contacts = csv_bytes([["case_no", "date", "channel", "who"], ["A", "2021-04-05", "phone", "family"]])
    assert refused(org, files_with(contacts)) == [
        "「相談記録.csv」 1行目: 見出しが標準様式の列名と1つも合いません（読み取った見出し: 「case_no」、「date」、"
        "「channel」、「who」）。1行目が見出しの行か、文字コードが UTF-8 か Shift_JIS（CP932）かを確かめてください。"
    ]


def test_a_value_past_the_hundredth_column(org):
    row = contact_row(number="A") + [""] * 93 + ["メモ"]
    assert refused(org, files_with(csv_bytes([HEADERS["相談記録"], row]))) == [
        "「相談記録.csv」 2行目のCW列に入力があります。読み取るのはCV列（100列目）までです。"
    ]


def test_empty_cells_past_the_hundredth_column_are_ignored(org):
    row = contact_row(number="A") + [""] * 200
    assert run_import(org, files=files_with(csv_bytes([HEADERS["相談記録"], row]))).ok
    assert Contact.objects.count() == 1


def test_more_rows_than_the_row_limit(org):
    rows = [HEADERS["相談記録"]] + [["A"]] * (MAX_ROWS + 1)
    assert refused(org, files_with(csv_bytes(rows))) == [
        "「相談記録.csv」は行が多すぎます（見出しのほかに100,000行まで。100,002行目にも入力があります）。"
        "ファイルを分けて取り込んでください。"
    ]


def test_blank_lines_past_the_row_limit_are_skipped(org):
    data = csv_bytes([HEADERS["相談記録"], contact_row(number="A")]) + b",,,\r\n" * (MAX_ROWS + 10)
    assert run_import(org, files=files_with(data)).ok
    assert Contact.objects.count() == 1


def test_a_file_over_the_size_limit_is_refused_unread(org):
    assert refused(org, files_with(b"A" * (30 * 1024 * 1024 + 1))) == ["「相談記録.csv」は大きすぎます（30MBまで）。"]


def test_a_csv_ledger_still_reads_a_bom_and_quoted_line_breaks(org):
    contacts = csv_bytes([HEADERS["相談記録"], contact_row(number="A", notes="1行目\r\n2行目")], "utf-8-sig")
    result = run_import(org, files=files_with(contacts))
    assert result.ok, result.errors
    assert Contact.objects.get().notes == "1行目\n2行目"


def test_files_over_the_size_limit_together_are_refused_unread(org):
    files = [("ケース.csv", b"A" * (20 * 1024 * 1024)), ("相談記録.csv", b"A" * (11 * 1024 * 1024))]
    assert refused(org, files) == ["選んだファイルは合わせて31MBあり、大きすぎます（合わせて30MBまで）。"]
