"""CSV text as Japanese Excel writes it, read record by record; what is not text is named."""

import pytest

from tsunagu.core import textfiles


def read(data: bytes, max_cells: int = 1_000) -> list[tuple[int, list[str]]]:
    return list(textfiles.records(data, "a.csv", max_cells=max_cells))


def test_cp932_and_utf8_with_bom_read_alike():
    rows = [(1, ["ケース番号", "内容"]), (2, ["A", "電話"])]
    assert read("ケース番号,内容\r\nA,電話\r\n".encode("cp932")) == rows
    assert read("ケース番号,内容\r\nA,電話\r\n".encode("utf-8-sig")) == rows


def test_a_quoted_line_break_stays_in_its_cell_and_its_record_keeps_one_number():
    assert read('A,"1行目\r\n2行目"\r\nB,x\r\n'.encode("cp932")) == [(1, ["A", "1行目\r\n2行目"]), (2, ["B", "x"])]


def test_a_field_longer_than_the_csv_modules_default_limit_is_read_whole():
    assert read(b"A," + b"x" * 200_000)[0][1][1] == "x" * 200_000


def test_the_cells_a_file_could_hold_are_counted_before_parsing():
    with pytest.raises(textfiles.TextFileError, match="「a.csv」はセルが多すぎます（空のセルも含めて10個まで）。"):
        read(b",,,,,\n,,,,,\n", max_cells=10)


def test_an_unreadable_byte_is_named_by_its_line():
    with pytest.raises(textfiles.TextFileError, match="「a.csv」の2行目の文字コードが読み取れません"):
        read("見出し\r\n".encode("cp932") + b"\x82\r\n")


@pytest.mark.parametrize(
    "data,kind",
    [
        (b"PK\x03\x04rest", "Excelファイル（.xlsx）かZIPファイル"),
        (textfiles.OLE_SIGNATURE + b"rest", "Excelの古い形式（.xls）のファイルか、パスワードで保護されたExcelファイル"),
        ("見出し".encode("utf-16"), "UTF-16"),
        (b"abc\n\0def", "2行目にNUL文字（0x00）"),
    ],
)
def test_what_is_not_text_is_named(data, kind):
    assert kind in textfiles.describe_binary(data, "a.csv")


def test_text_is_not_named():
    assert textfiles.describe_binary("ケース番号,日付\r\n".encode("cp932"), "a.csv") is None
