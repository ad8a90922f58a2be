from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command

from tsunagu.audit.models import AuditEntry
from tsunagu.orgs.codes import check_digit
from tsunagu.orgs.importing import import_organisations
from tsunagu.orgs.models import Organisation, OrgKind
from tsunagu.orgs.rules import Actor

from ..factories import make_org

HEADER = ["コード", "名称", "種別", "上位コード", "区分"]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def code(first_five: str) -> str:
    return f"{first_five}{check_digit(first_five)}"


def tree_rows() -> list[list[str]]:
    """31 rows: the nation, a prefecture, its centre and 28 municipalities, as Excel users type them:
    full-width digits, Japanese kind labels, stray spaces."""
    rows = [
        ["００００００", "厚生労働省", "国", "", ""],
        ["９９０００１", "青海県", "都道府県", "００００００", ""],
        ["99CENTER", "青海県ひきこもり地域支援センター", "ひきこもり地域支援センター", "９９０００１", ""],
    ]
    for n in range(201, 229):
        rows.append([code(f"99{n}").translate(FULL_WIDTH), f" 市{n} ", "市区町村", "９９０００１", ""])
    return rows


def csv_bytes(rows, *, header=HEADER, encoding="cp932") -> bytes:
    lines = [",".join(header), *(",".join(row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def write(tmp_path, rows, **kwargs):
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes(rows, **kwargs))
    return path


def run(path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_orgs", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_error(path) -> list[str]:
    with pytest.raises(CommandError) as raised:
        run(path)
    return str(raised.value).splitlines()


def test_imports_a_cp932_tree_with_full_width_digits(db, tmp_path):
    out, _err = run(write(tmp_path, tree_rows()))
    assert out == "31行を読み込みました: 追加 31件、変更なし 0件\n"
    assert Organisation.objects.count() == 31
    city = Organisation.objects.get(code=code("99201"))
    assert (city.name, city.kind, city.parent.code, city.path) == (
        "市201",
        OrgKind.MUNICIPALITY,
        "990001",
        f"/000000/990001/{code('99201')}/",
    )
    assert Organisation.objects.get(code="99CENTER").parent.code == "990001"


def test_each_imported_organisation_has_its_audit_entry(db, tmp_path):
    run(write(tmp_path, tree_rows()))
    logged = set(AuditEntry.objects.filter(action="org.create").values_list("object_id", "username"))
    assert logged == {(str(pk), "system:import-orgs") for pk in Organisation.objects.values_list("pk", flat=True)}


def test_reimport_changes_nothing_and_says_so(db, tmp_path):
    path = write(tmp_path, tree_rows())
    run(path)
    entries = AuditEntry.objects.count()
    out, _err = run(path)
    assert out == "31行を読み込みました: 追加 0件、変更なし 31件\n"
    assert Organisation.objects.count() == 31
    assert AuditEntry.objects.count() == entries


def test_a_bad_row_in_the_middle_leaves_the_database_unchanged(db, tmp_path):
    rows = tree_rows()
    rows[15][0] = "992130"  # spreadsheet row 17 (header is row 1): 市213, whose check digit is 5
    assert import_error(write(tmp_path, rows)) == [
        "1件の誤りがあるため、何も登録しませんでした。",
        "17行目「コード」: 地方公共団体コード「992130」の検査数字が合いません（6桁目は5のはずです）。",
    ]
    assert Organisation.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_a_parent_may_come_later_in_the_file(db, tmp_path):
    rows = tree_rows()
    run(write(tmp_path, list(reversed(rows))))
    assert Organisation.objects.count() == 31


def test_english_headers_and_utf8_with_bom(db, tmp_path):
    make_org(OrgKind.NATIONAL, code="000000", name="厚生労働省")
    rows = [
        ["990001", "青海県", "prefecture", "000000", ""],
        ["99P09", "青海県精神保健福祉センター", "partner", "990001", "精神保健福祉センター"],
    ]
    run(write(tmp_path, rows, header=["code", "name", "kind", "parent", "category"], encoding="utf-8-sig"))
    assert Organisation.objects.get(code="99P09").category.name == "精神保健福祉センター"


def test_category_matches_after_normalising_brackets(db, tmp_path):
    make_org(OrgKind.PREFECTURE, make_org(OrgKind.NATIONAL, code="000000"), code="990001")
    rows = [["99P17", "居場所ひなた", "関係機関", "990001", "民間支援団体(当事者団体・NPO法人等)"]]
    run(write(tmp_path, rows))
    assert Organisation.objects.get(code="99P17").category.name == "民間支援団体（当事者団体・NPO法人等）"


@pytest.fixture
def prefecture(db):
    return make_org(OrgKind.PREFECTURE, make_org(OrgKind.NATIONAL, code="000000"), code="990001", name="青海県")


def test_unknown_kind(prefecture, tmp_path):
    errors = import_error(write(tmp_path, [["992011", "青海市", "市", "990001", ""]]))
    assert errors[1] == (
        "2行目「種別」: 種別「市」は使えません。使える種別: 国、都道府県、指定都市、市区町村、"
        "ひきこもり地域支援センター、サテライト、ひきこもり支援ステーション、委託先、関係機関"
    )


def test_missing_parent(prefecture, tmp_path):
    rows = [
        ["992011", "青海市", "市区町村", "990001", ""],
        ["99CENTER", "センター", "ひきこもり地域支援センター", "992017", ""],
    ]
    assert import_error(write(tmp_path, rows))[1:] == ["3行目「上位コード」: 組織「992017」が見つかりません。"]


def test_cycle(prefecture, tmp_path):
    rows = [["99K1", "委託先1", "委託先", "99K2", ""], ["99K2", "委託先2", "委託先", "99K1", ""]]
    assert import_error(write(tmp_path, rows))[1:] == [
        "2行目「上位コード」: 上位コードが循環しています（99K1 → 99K2 → 99K1）。",
        "3行目「上位コード」: 上位コードが循環しています（99K2 → 99K1 → 99K2）。",
    ]


def test_every_error_is_reported_in_row_order(prefecture, tmp_path):
    rows = [
        ["992011", "青海市", "市区町村", "990001", ""],
        ["992011", "", "市区町村", "990001", ""],
        ["99P01", "福祉事務所", "関係機関", "992011", ""],
        ["99P02", "病院", "関係機関", "992011", "病院"],
    ]
    assert import_error(write(tmp_path, rows)) == [
        "4件の誤りがあるため、何も登録しませんでした。",
        "3行目「コード」: コード「992011」は2行目と重複しています。",
        "3行目「名称」: 名称を入力してください。",
        "4行目「区分」: 関係機関には区分が必要です。",
        "5行目「区分」: 区分「病院」が見つかりません。",
    ]


def test_an_existing_code_with_other_values_is_refused(prefecture, tmp_path):
    assert import_error(write(tmp_path, [["990001", "青海県庁", "都道府県", "000000", ""]]))[1:] == [
        "2行目「名称」: 組織「990001」はすでに「青海県」で登録されています。このコマンドは追加だけを行い、変更はしません。"
    ]


def test_missing_column(db, tmp_path):
    path = write(tmp_path, [["990001", "青海県"]], header=["コード", "名称"])
    assert import_error(path)[1:] == ["1行目: 列「種別」がありません（必要な列: コード、名称、種別）。"]


def test_undecodable_file(db, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_bytes(b"code,name,kind\n\x81\x20")
    assert import_error(path)[1:] == [
        "「orgs.csv」の2行目の文字コードが読み取れません（UTF-8 または Shift_JIS（CP932）で保存してください）。"
    ]


def test_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="を読めません"):
        run(tmp_path / "none.csv")


def test_progress_every_200_rows(prefecture, tmp_path):
    rows = [[code(f"99{n:03d}"), f"町{n}", "市区町村", "990001", ""] for n in range(300, 501)]
    out, err = run(write(tmp_path, rows))
    assert out == "201行を読み込みました: 追加 201件、変更なし 0件\n"
    assert err == "検証中: 200 / 201行\n登録中: 200 / 201件\n"


def test_function_takes_an_uploaded_file_and_returns_the_result(db):
    upload = BytesIO(csv_bytes(tree_rows()[:2], encoding="utf-8"))
    result = import_organisations(upload, Actor.system("tests"))
    assert (result.ok, result.rows, [org.code for org in result.created], result.unchanged) == (
        True,
        2,
        ["000000", "990001"],
        0,
    )
    assert result.summary() == "追加 2件、変更なし 0件"


def test_a_name_of_200000_characters_is_an_error_on_its_cell(prefecture, tmp_path):
    rows = [
        [code("99201"), "長" * 200_000, "市区町村", "990001", ""],
        [code("99202"), "短市", "市区町村", "990001", ""],
    ]
    assert import_error(write(tmp_path, rows))[1:] == [
        "2行目「名称」: 120文字以内で入力してください（200,000文字あります）。"
    ]
    assert not Organisation.objects.filter(name="短市").exists()


@pytest.mark.parametrize(
    "data,message",
    [
        pytest.param(b"", "「orgs.csv」は空のファイルです（0バイト）。", id="empty"),
        pytest.param(
            "コード,名称,種別\r\n".encode("utf-16"),
            "「orgs.csv」はUTF-16（Excelの「Unicode テキスト」）で保存されています。"
            "「CSV UTF-8（コンマ区切り）」か「CSV（コンマ区切り）」で保存し直してください。",
            id="utf-16",
        ),
        pytest.param(
            b"code,name,kind\r\n\0\0",
            "「orgs.csv」の2行目にNUL文字（0x00）があります。テキストのCSVファイルではないようです。",
            id="nul",
        ),
        pytest.param(
            b"PK\x03\x04" + b"\0" * 30,
            "「orgs.csv」はCSVではなく、Excelファイル（.xlsx）かZIPファイルです。",
            id="xlsx",
        ),
        pytest.param(
            "コード,名称,種別\r\n".encode() + b"x\r\n" * 100_001,
            "「orgs.csv」は行が多すぎます（見出しのほかに100,000行まで）。",
            id="rows",
        ),
    ],
)
def test_files_that_are_not_an_organisation_csv(db, tmp_path, data, message):
    path = tmp_path / "orgs.csv"
    path.write_bytes(data)
    assert import_error(path) == ["1件の誤りがあるため、何も登録しませんでした。", message]


def test_a_file_over_the_size_limit_is_refused_unread(db, tmp_path):
    path = tmp_path / "orgs.csv"
    with path.open("wb") as sparse:
        sparse.truncate(2 * 1024**3)
    assert import_error(path)[1:] == ["「orgs.csv」は大きすぎます（10MBまで）。"]


def test_the_error_list_is_capped_with_a_count_of_the_rest(prefecture, tmp_path):
    rows = [[code(f"99{n:03d}"), f"町{n}", "村役場", "990001", ""] for n in range(300, 550)]
    lines = import_error(write(tmp_path, rows))
    assert (lines[0], len(lines), lines[-1]) == (
        "250件の誤りがあるため、何も登録しませんでした。",
        202,
        "ほか50件の誤りがあります（最初の200件だけを表示しています）。",
    )


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_tree_at_once_add_it_once(tmp_path):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    path = write(tmp_path, tree_rows())
    barrier, outcomes = threading.Barrier(2), []

    def run_import():
        try:
            barrier.wait()
            result = import_organisations(path, Actor.system("tests"))
            outcomes.append((len(result.created), result.unchanged, result.errors))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_import) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # The second either checked after the first committed (nothing to add) or before (refused whole).
    assert sorted(outcomes)[1] == (31, 0, [])
    assert sorted(outcomes)[0] in (
        (0, 31, []),
        (
            0,
            0,
            [
                "取り込みの途中で、同じコードの組織がほかの操作で登録されたため、何も登録しませんでした。"
                "もう一度取り込んでください。"
            ],
        ),
    )
    assert Organisation.objects.count() == 31
