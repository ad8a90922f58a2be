from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tsunagu.audit.models import AuditEntry
from tsunagu.cases.models import Case, Contact

from . import hostile
from .builders import case_row, contact_row, csv_files, ledger, xlsx_bytes, xlsx_cells


def run(command, *args):
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_ledger_prints_progress_and_the_result(org, tmp_path):
    path = tmp_path / "台帳.xlsx"
    path.write_bytes(xlsx_bytes(ledger([case_row(number="A"), case_row(number="B")], [contact_row(number="A")])))
    out, err = run("import_ledger", "--org", "99CENTER", str(path))
    assert out == (
        "99CENTERに3行を取り込みました。ケース: 新規 2件、更新 0件、変更なし 0件／相談記録: 追加 1件、登録済み 0件／"
        "つなぎ: 追加 0件、更新 0件、登録済み 0件\n"
    )
    assert err == "確認中: 0/3行\n確認中: 3/3行\n書き込み中: 3行\n"
    assert Case.objects.filter(organisation=org).count() == 2
    assert AuditEntry.objects.get(action="ledger.import").username == "system:import-ledger"


def test_import_ledger_reads_the_three_csv_files(org, tmp_path):
    for name, data in csv_files(ledger([case_row(number="A")], [contact_row(number="A")]), "cp932"):
        (tmp_path / name).write_bytes(data)
    out, _err = run("import_ledger", "--org", "99CENTER", *(str(p) for p in sorted(tmp_path.iterdir())))
    assert out.startswith("99CENTERに2行を取り込みました。")
    assert Contact.objects.count() == 1


def test_import_ledger_lists_every_error_and_writes_nothing(org, tmp_path):
    path = tmp_path / "台帳.xlsx"
    path.write_bytes(xlsx_bytes(ledger([case_row(number="A", opened="R3.2.30"), case_row(number="B", sex="男")])))
    with pytest.raises(CommandError) as raised:
        run("import_ledger", "--org", "99CENTER", str(path))
    assert str(raised.value) == "\n".join(
        [
            "2件の誤りがあるため、何も登録しませんでした。",
            "「ケース」シート 2行目「受付日」: 「R3.2.30」は日付として正しくありません（2月30日は存在しません）",
            "「ケース」シート 3行目「性別」: 「男」は使えません（使えるもの: 男性、女性、その他、不明）",
        ]
    )
    assert Case.objects.count() == 0


def test_import_ledger_says_how_many_errors_it_left_out(org, tmp_path):
    path = tmp_path / "台帳.xlsx"
    path.write_bytes(xlsx_bytes(ledger([case_row(number=str(n), opened="R3.2.30") for n in range(203)])))
    with pytest.raises(CommandError) as raised:
        run("import_ledger", "--org", "99CENTER", str(path))
    lines = str(raised.value).splitlines()
    assert (lines[0], len(lines), lines[-1]) == (
        "203件の誤りがあるため、何も登録しませんでした。",
        202,
        "ほか3件の誤りがあります（最初の200件だけを表示しています）。",
    )


def test_import_ledger_unknown_organisation_and_missing_file(org, tmp_path):
    with pytest.raises(CommandError, match="組織コード「NOPE」は登録されていません。"):
        run("import_ledger", "--org", "NOPE", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="ファイル「.*x.xlsx」を読めません: No such file or directory"):
        run("import_ledger", "--org", "99CENTER", str(tmp_path / "x.xlsx"))


def test_export_ledger_writes_xlsx_and_csv(org, tmp_path):
    run(
        "import_ledger",
        "--org",
        "99CENTER",
        *_write(tmp_path, ledger([case_row(number="A")], [contact_row(number="A")])),
    )
    out, _err = run("export_ledger", "--org", "99CENTER", "--output", str(tmp_path / "out.xlsx"))
    assert out == f"書き出しました: {tmp_path / 'out.xlsx'}（ケース 1件、相談記録 1件、つなぎ 0件）\n"
    assert xlsx_cells((tmp_path / "out.xlsx").read_bytes())["ケース"][1][0] == "A"
    out, _err = run("export_ledger", "--org", "99CENTER", "--format", "csv", "--output", str(tmp_path / "csv"))
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(["ケース.csv", "相談記録.csv", "つなぎ.csv"])
    assert (tmp_path / "csv" / "ケース.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert [e.username for e in AuditEntry.objects.filter(action="ledger.export")] == ["system:export-ledger"] * 2


def _write(tmp_path, sheets):
    path = tmp_path / "in.xlsx"
    path.write_bytes(xlsx_bytes(sheets))
    return [str(path)]


def test_import_ledger_prints_why_a_hostile_workbook_is_refused(org, tmp_path):
    path = tmp_path / "台帳.xlsx"
    path.write_bytes(hostile.shared_strings_bomb())
    with pytest.raises(CommandError) as raised:
        run("import_ledger", "--org", "99CENTER", str(path))
    assert str(raised.value) == (
        "1件の誤りがあるため、何も登録しませんでした。\n"
        "「台帳.xlsx」の文字列の表は展開すると2,047MBになり、読み込める大きさ（128MB）を超えています。"
    )
    assert Case.objects.count() == 0


def test_import_ledger_refuses_a_file_over_the_limit_without_reading_it(org, tmp_path):
    path = tmp_path / "台帳.xlsx"
    with path.open("wb") as sparse:
        sparse.truncate(4 * 1024**3)  # 4 GB that take no disk: read into memory, they would take 4 GB
    with pytest.raises(CommandError) as raised:
        run("import_ledger", "--org", "99CENTER", str(path))
    assert str(raised.value) == "「台帳.xlsx」は大きすぎます（30MBまで）。"
