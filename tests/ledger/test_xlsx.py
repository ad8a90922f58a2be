"""Hostile and malformed workbooks: each is refused with a Japanese message that says what is wrong with
it (and where, when it is about a cell), writes nothing, and is refused before its bulk is expanded.
The files are built in tests/ledger/hostile.py; their peak memory is measured by bench/ledger_bombs.py."""

import datetime
import os

import pytest

from tsunagu.cases.models import Case, Contact
from tsunagu.ledger import xlsx, xlsx_zip
from tsunagu.ledger.sheets import MAX_ROWS

from . import hostile
from .builders import xlsx_bytes
from .conftest import refused, run_import

MB = hostile.MB


def sheet_part(rows_xml: str) -> bytes:
    return f'<worksheet xmlns="{hostile.MAIN}"><sheetData>{rows_xml}</sheetData></worksheet>'.encode()


def with_contact_sheet(xml: bytes) -> bytes:
    """The small ledger with its contact sheet replaced."""
    parts = hostile.ledger_parts()
    parts["xl/worksheets/sheet2.xml"] = xml
    return hostile.xlsx_of(parts)


def test_the_shared_strings_bomb_of_the_spine_issue_is_refused_unexpanded(org):
    bomb = hostile.shared_strings_bomb()
    assert len(bomb) < 3 * MB
    assert refused(org, bomb) == [
        "「台帳.xlsx」の文字列の表は展開すると2,047MBになり、読み込める大きさ（128MB）を超えています。"
    ]


def test_a_sheet_that_expands_a_thousandfold_is_refused_for_its_ratio(org):
    parts = hostile.ledger_parts()
    name = "xl/worksheets/sheet2.xml"
    head, tail = parts[name][: -len(b"</sheetData></worksheet>")], b"</sheetData></worksheet>"
    data, _crc = hostile.deflate_repeated(head, b"<row/>" * 10_000, 500, tail)
    size = len(head) + 60_000 * 500 + len(tail)
    bomb = hostile.xlsx_of(parts, {name: hostile.Member(name, data, size)})
    [message] = refused(org, bomb)
    assert message.startswith("「相談記録」シートは圧縮率が異常に高く（")
    assert message.endswith(
        "倍）、展開すると大きくなりすぎるため読み込みません（Excelが保存するファイルは20倍程度までです）。"
    )


def test_a_part_larger_than_its_declared_size_is_read_no_further(org):
    assert refused(org, hostile.lying_bomb(expanded=8 * MB)) == [
        "「台帳.xlsx」が壊れています（ファイルが途中で切れているか、中身が書き換わっています）。"
        "ダウンロードやコピーをし直すか、Excelで開けるか確かめて保存し直してください。"
    ]


DTD_REFUSED = (
    "「台帳.xlsx」の文字列の表にDTD（文書型宣言）があります。Excelが保存するファイルにはないもので、"
    "ほかのファイルを読み込ませたり、展開して大きくしたりするのに使われるため、読み込みません。"
)


def test_a_billion_laughs_is_refused_at_its_dtd(org):
    assert refused(org, hostile.billion_laughs()) == [DTD_REFUSED]


def test_an_external_entity_never_reads_the_local_file(org, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("秘密の内容", encoding="utf-8")
    assert refused(org, hostile.external_entity(str(secret))) == [DTD_REFUSED]


def test_an_entity_without_a_dtd_is_broken_xml(org):
    parts = hostile.ledger_parts()
    strings = parts["xl/sharedStrings.xml"].decode()
    parts["xl/sharedStrings.xml"] = strings.replace("<si><t>A</t></si>", "<si><t>&xxe;</t></si>").encode()
    assert refused(org, hostile.xlsx_of(parts)) == [
        "「台帳.xlsx」の文字列の表が壊れています（XMLとして読めません）。Excelで開けるか確かめ、保存し直してください。"
    ]


def test_a_formula_without_its_value_is_an_error_on_its_cell(org):
    assert refused(org, hostile.formula_without_value()) == [
        '「ケース」シート 2行目「氏名」: 数式（=A2&"様"）の計算結果がファイルに保存されていません。'
        "Excelで開いて保存し直すか、値として貼り付けてください"
    ]


def test_a_shared_formula_without_its_value_is_an_error_on_its_cell(org):
    cells = {"ケース": {"C2": '<c r="C2" t="str"><f t="shared" si="0"/></c>'}}
    data = hostile.xlsx_of(hostile.ledger_parts(hostile.small_ledger(), raw_cells=cells))
    assert refused(org, data) == [
        "「ケース」シート 2行目「氏名」: 数式の計算結果がファイルに保存されていません。"
        "Excelで開いて保存し直すか、値として貼り付けてください"
    ]


def test_a_formula_that_gives_an_error_is_an_error_on_its_cell(org):
    cells = {"相談記録": {"B2": '<c r="B2" t="e"><f>VLOOKUP(A2,X:Y,2,0)</f><v>#N/A</v></c>'}}
    data = hostile.xlsx_of(hostile.ledger_parts(hostile.small_ledger(), raw_cells=cells))
    assert refused(org, data) == ["「相談記録」シート 2行目「日付」: 数式の結果がエラー（#N/A）になっています"]


def test_a_formula_with_its_cached_value_imports_the_value(org):
    cells = {"ケース": {"C2": '<c r="C2" t="str"><f>"山田"&amp;" 太郎"</f><v>山田 太郎</v></c>'}}
    result = run_import(org, files=[("台帳.xlsx", hostile.xlsx_of(hostile.ledger_parts(raw_cells=cells)))])
    assert result.ok, result.errors
    assert Case.objects.get().name == "山田 太郎"


def test_a_date_in_a_japanese_built_in_format_is_a_date(org):
    """numFmtId 31 is yyyy"年"m"月"d"日" in Japanese Excel, which does not write the format into the file."""
    parts = hostile.ledger_parts(raw_cells={"相談記録": {"B2": '<c r="B2" s="1"><v>44291</v></c>'}})
    parts["xl/styles.xml"] = (
        f'<styleSheet xmlns="{hostile.MAIN}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="31"/></cellXfs>'
        "</styleSheet>"
    ).encode()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdY" Target="styles.xml" Type="{hostile.REL}/styles"/>'.encode() + b"</Relationships>",
    )
    result = run_import(org, files=[("台帳.xlsx", hostile.xlsx_of(parts))])
    assert result.ok, result.errors
    assert Contact.objects.get().date == datetime.date(2021, 4, 5)


def test_a_truncated_workbook(org):
    assert refused(org, hostile.truncated(xlsx_bytes(hostile.small_ledger()))) == [
        "「台帳.xlsx」が壊れています（ファイルが途中で切れているか、中身が書き換わっています）。"
        "ダウンロードやコピーをし直すか、Excelで開けるか確かめて保存し直してください。"
    ]


def test_a_zip_that_is_not_a_workbook(org):
    assert refused(org, hostile.plain_zip()) == [
        "「台帳.xlsx」はExcelファイル（.xlsx）ではなく、ZIPファイルです。Excelで「Excel ブック（*.xlsx）」として保存してください。"
    ]


def test_an_opendocument_spreadsheet_is_named(org):
    ods = hostile.zip_of(
        [
            hostile.member("mimetype", b"application/vnd.oasis.opendocument.spreadsheet", method=0),
            hostile.member("content.xml", b"<office:document-content/>"),
        ]
    )
    assert refused(org, ods) == [
        "「台帳.xlsx」はExcelファイル（.xlsx）ではなく、OpenDocument（LibreOfficeなどの .ods）のファイルです。"
        "Excelで「Excel ブック（*.xlsx）」として保存してください。"
    ]


def test_an_encrypted_or_old_workbook(org):
    assert refused(org, hostile.ole_file()) == [
        "「台帳.xlsx」はパスワードで保護されたExcelファイルか、古い形式（.xls）のファイルです。"
        "Excelでパスワードを外し、「Excel ブック（*.xlsx）」で保存し直してください。"
    ]


def test_a_zip_encrypted_part(org):
    parts = hostile.ledger_parts()
    locked = hostile.member("xl/workbook.xml", parts.pop("xl/workbook.xml"))
    locked.flags = 1
    assert refused(org, hostile.xlsx_of(parts, {"xl/workbook.xml": locked})) == [
        "「台帳.xlsx」はパスワードで保護されたExcelファイルか、古い形式（.xls）のファイルです。"
        "Excelでパスワードを外し、「Excel ブック（*.xlsx）」で保存し直してください。"
    ]


def test_an_empty_file(org):
    assert refused(org, b"") == ["「台帳.xlsx」は空のファイルです（0バイト）。"]


def test_a_workbook_whose_sheets_are_misnamed_lists_the_sheets_it_has(org):
    sheets = {"Sheet1": [["ケース番号"]], "相談記録（2021）": [["ケース番号"]]}
    assert refused(org, xlsx_bytes(sheets)) == [
        "「台帳.xlsx」に「ケース」、「相談記録」シートがありません（あるシート: 「Sheet1」、「相談記録（2021）」）。"
    ]


def test_too_many_files_in_the_zip(org):
    members = [hostile.member(f"xl/media/image{n}.png", b"") for n in range(xlsx_zip.MAX_MEMBERS + 1)]
    assert refused(org, hostile.zip_of(members)) == [
        "「台帳.xlsx」は中に含むファイルが多すぎます（1,001個。Excelのファイルは多くても数百個です）。"
    ]


def test_a_million_empty_rows_after_the_data_are_skipped(org):
    result = run_import(org, files=[("台帳.xlsx", hostile.many_empty_rows(rows=MAX_ROWS + 50_000))])
    assert result.ok, result.errors
    assert (Case.objects.count(), Contact.objects.count()) == (1, 1)


def test_a_row_past_the_row_limit_refuses_the_sheet(org):
    row = MAX_ROWS + 2
    rows = hostile.sheet_xml(hostile.small_ledger()["相談記録"]).decode()
    rows = rows.replace(
        "</sheetData>", f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>A</t></is></c></row></sheetData>'
    )
    assert refused(org, with_contact_sheet(rows.encode())) == [
        "「相談記録」シートは行が多すぎます（見出しのほかに100,000行まで。100,002行目にも入力があります）。"
        "ファイルを分けて取り込んでください。"
    ]


def test_more_cells_than_the_cell_limit_refuses_the_sheet(org, monkeypatch):
    # A lower limit, so that the test builds thousands of cells rather than millions; the counting is the same.
    monkeypatch.setattr(xlsx, "MAX_CELLS", 5_000)
    rows = "".join(
        f'<row r="{n}">' + "".join(f'<c r="{c}{n}"/>' for c in "ABCDEFGHIJ") + "</row>" for n in range(1, 502)
    )
    assert refused(org, with_contact_sheet(sheet_part(rows))) == [
        "「相談記録」シートはセルが多すぎます（空のセルも含めて5,000個まで）。使っていない行や列を削除してください。"
    ]


def test_a_value_far_to_the_right_refuses_the_sheet(org):
    cells = {"ケース": {"XFD2": '<c r="XFD2" t="inlineStr"><is><t>メモ</t></is></c>'}}
    assert refused(org, hostile.xlsx_of(hostile.ledger_parts(raw_cells=cells))) == [
        "「ケース」シート 2行目のXFD列に入力があります。読み取るのはCV列（100列目）までです。"
    ]


def test_a_cell_longer_than_excel_holds_is_an_error_on_its_cell(org):
    cells = {
        "ケース": {
            "C2": f'<c r="C2" t="inlineStr"><is><r><t>{"あ" * 30_000}</t></r><r><t>{"い" * 10_000}</t></r></is></c>'
        }
    }
    assert refused(org, hostile.xlsx_of(hostile.ledger_parts(raw_cells=cells))) == [
        "「ケース」シート 2行目「氏名」: 1つのセルに入れられるのは32,767文字までです（40,000文字あります）"
    ]


def test_a_shared_string_longer_than_excel_holds_is_an_error_where_it_is_used(org):
    parts = hostile.ledger_parts()
    strings = parts["xl/sharedStrings.xml"].decode()
    parts["xl/sharedStrings.xml"] = strings.replace("母親から電話", "母" * 33_000).encode()
    assert refused(org, hostile.xlsx_of(parts)) == [
        "「相談記録」シート 2行目「内容」: 1つのセルに入れられるのは32,767文字までです（33,000文字あります）"
    ]


def test_a_text_of_megabytes_is_refused_before_it_is_held(org):
    rows = f'<row r="1"><c r="A1" t="inlineStr"><is><t>{os.urandom(MB).hex()}</t></is></c></row>'
    assert refused(org, with_contact_sheet(sheet_part(rows))) == [
        "「相談記録」シートに長すぎるデータがあります（1つの値や要素が1MBを超えています）。"
    ]


def test_an_attribute_of_megabytes_is_refused_before_it_is_held(org):
    rows = f'<row r="1" x="{os.urandom(MB).hex().replace("a", ">")}"/>'
    assert refused(org, with_contact_sheet(sheet_part(rows))) == [
        "「相談記録」シートに長すぎるデータがあります（1つの値や要素が1MBを超えています）。"
    ]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("<x>" * 100 + "</x>" * 100, id="deep"),
        pytest.param("".join(f"<x{n}/>" for n in range(2_000)), id="many-names"),
        pytest.param('<row r="1"><c r="A1" t="s"><v>999</v></c></row>', id="missing-string"),
        pytest.param('<row r="0"/>', id="row-zero"),
        pytest.param('<row r="1"><c r="1A"/></row>', id="bad-reference"),
    ],
)
def test_xml_no_excel_writes_is_broken(org, body):
    [message] = refused(org, with_contact_sheet(sheet_part(body)))
    assert message.startswith("「相談記録」シート") and "が壊れています（Excelのファイルにはない形" in message


def test_too_many_shared_strings(org, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_SHARED_STRINGS", 1_000)  # thousands rather than millions, as above
    parts = hostile.ledger_parts()
    extra = "".join(f"<si><t>{n}</t></si>" for n in range(1_000))
    parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(b"</sst>", extra.encode() + b"</sst>")
    assert refused(org, hostile.xlsx_of(parts)) == [
        "「台帳.xlsx」の文字列の表は文字列が多すぎます（1,000個まで）。ファイルを分けて取り込んでください。"
    ]


def test_a_sheet_that_expands_to_gigabytes_is_refused_unexpanded(org):
    parts = hostile.ledger_parts()
    name = "xl/worksheets/sheet1.xml"
    head, tail = parts[name][: -len(b"</sheetData></worksheet>")], b"</sheetData></worksheet>"
    data, _crc = hostile.deflate_repeated(head, b"<row/>" * (MB // 6), 2 * 1024, tail)
    bomb = hostile.xlsx_of(parts, {name: hostile.Member(name, data, len(head) + 2 * 1024 * (MB // 6) * 6 + len(tail))})
    assert len(bomb) < 4 * MB
    assert refused(org, bomb) == [
        "「ケース」シートは展開すると2,048MBになり、読み込める大きさ（128MB）を超えています。"
    ]


def test_more_text_than_a_workbook_may_hold(org, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_TEXT_CHARS", 50)  # fifty characters rather than millions, as above
    assert refused(org, hostile.xlsx_of(hostile.ledger_parts())) == [
        "「台帳.xlsx」は文字が多すぎます（全体で50文字まで）。ファイルを分けて取り込んでください。"
    ]
