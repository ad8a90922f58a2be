"""Published figures: the report's tables from records, small cells suppressed, as CSV and XLSX."""

import csv
import io
import subprocess
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from tsunagu.audit.models import AuditEntry
from tsunagu.cases import actions
from tsunagu.cases.models import Channel, Consulter, ReferralStatus, ReferralTarget
from tsunagu.orgs.models import OrgKind, Role
from tsunagu.stats.models import SuppressionPattern
from tsunagu.stats.published import fiscal_year_publication, write_csv, write_pdf, write_xlsx

from ..cases.factories import actor_for, make_case
from ..conftest import act_as
from ..factories import make_org, make_staff

X = "＊"


@pytest.fixture
def records(network):
    """FY2021 at the own centre. Contacts (channel × who consulted):
        電話 本人12 家族25 | メール 本人3 | 来所 家族15   (55 in all, ages unknown)
    Referrals: ハローワーク 12 (3 decided, 本人), 医療機関 4 (4 decided, 本人), 居場所 20 (11 decided, 家族)."""
    worker = actor_for(make_staff(network["own_center"], Role.COORDINATOR))
    person, family = make_case(worker, opened_on=date(2021, 4, 1)), make_case(worker, opened_on=date(2021, 4, 1))
    for case, channel, consulter, n in [
        (person, Channel.PHONE, Consulter.PERSON, 12),
        (person, Channel.EMAIL, Consulter.PERSON, 3),
        (family, Channel.PHONE, Consulter.FAMILY, 25),
        (family, Channel.VISIT_OFFICE, Consulter.FAMILY, 15),
    ]:
        for i in range(n):
            actions.log_contact(
                actor=worker, case=case, date=date(2021, 5, 1 + i), channel=channel, consulter=consulter
            )
    hello = make_org(OrgKind.PARTNER, network["own"], category="ハローワーク")
    clinic = make_org(OrgKind.PARTNER, network["own"], category="医療機関")
    for partner, n, decided in [(hello, 12, 3), (clinic, 4, 4)]:
        for i in range(n):
            actions.refer(
                actor=worker,
                case=person,
                date=date(2021, 6, 1),
                target=ReferralTarget.PERSON,
                partner=partner,
                status=ReferralStatus.DECIDED if i < decided else ReferralStatus.ARRANGING,
            )
    for i in range(20):
        actions.refer(
            actor=worker,
            case=family,
            date=date(2021, 7, 1),
            target=ReferralTarget.FAMILY,
            to_ibasho=True,
            partner_name="家族会",
            status=ReferralStatus.DECIDED if i < 11 else ReferralStatus.FAILED,
        )
    return network


def tables(pub):
    return {table.title: table for table in pub.tables}


def test_published_tables_hide_small_cells_and_what_would_reveal_them(records):
    pub = fiscal_year_publication(records["own"], 2021)
    by_title = tables(pub)
    cross = by_title["延べ相談件数（相談方法 × 相談者）"]
    assert cross.header == ["相談方法", "本人", "家族", "関係機関", "その他", "合計"]
    # メール 本人 3 is small (k=10: it must be able to lie anywhere in 3−2 … 3+8 = 1 … 11). メール's total
    # would give it away, so it goes; then the column 本人 (15) would: 電話 本人 goes, and with it 電話's
    # total (37). Now メール 本人 = m, 電話 本人 = 15 − m, 電話 = 40 − m: m can be 1 … 14. Per unit moved,
    # 電話 本人 and its row total cost 12 + 37 = 49, less than 電話 本人, 電話 家族, 来所 家族 and 来所's
    # total (12 + 25 + 15 + 15 = 67), the other way to balance the rows and columns.
    assert cross.rows == [
        ["電話", X, 25, 0, 0, X],
        ["メール", X, 0, 0, 0, X],
        ["来所", 0, 15, 0, 0, 15],
        ["訪問", 0, 0, 0, 0, 0],
        ["同行", 0, 0, 0, 0, 0],
        ["Web", 0, 0, 0, 0, 0],
        ["SNS", 0, 0, 0, 0, 0],
        ["オンライン", 0, 0, 0, 0, 0],
        ["合計", 15, 40, 0, 0, 55],
    ]
    assert by_title["延べ相談件数（当事者の年代別）"].rows[-2:] == [["不明", 55], ["合計", 55]]
    # 2 persons and 2 new cases are small; each is only bounded by new cases ≤ persons ≤ contacts (55).
    assert by_title["相談の実人数と新規ケース数"].rows == [["実人数", X], ["新規相談件数（新規ケース数）", X]]
    referrals = by_title["つなぎ先区分別のつなぎ件数"]
    rows = {row[0]: row[1:] for row in referrals.rows}
    # 医療機関 4 is small, so ハローワーク 12 (the next smallest) is hidden too, with both their shares:
    # 医療機関 is then 1 … 15. Decided: ハローワーク 3 and 医療機関 4 are small; 居場所's 11 is hidden with
    # them, since the decided total 18 is published (医療機関's decided is then 1 … 15 as well).
    assert rows["ハローワーク"] == [X, X, X]
    assert rows["医療機関"] == [X, X, X]
    assert rows["居場所"] == [20, 55.6, X]
    assert rows["福祉事務所"] == [0, 0.0, 0]
    assert rows["合計"] == [36, 100.0, 18]
    assert by_title["つなぎの対象"].rows == [["本人", 16], ["家族", 20], ["合計", 36]]
    # 1 + 1 connected: with the total 2 published, each would be exactly 1, so the total goes too.
    assert by_title["居場所等の支援につながった件数"].rows == [["本人", X], ["家族", X], ["合計", X]]
    assert pub.hidden == 14  # 4 in the contact table, 2 + 2 + 3 + 3 elsewhere


def test_a_body_and_the_child_holding_all_its_records_publish_the_same_pattern(records):
    """The centre holds every record of the prefecture: both publications hide the same cells, so reading
    them together tells nothing more; the municipality publishes only zeros."""
    prefecture, centre = (fiscal_year_publication(records[side], 2021) for side in ("own", "own_center"))
    assert [t.rows for t in prefecture.tables] == [t.rows for t in centre.tables]
    city = fiscal_year_publication(records["own_city"], 2021)
    assert city.hidden == 0 and tables(city)["延べ相談件数（相談方法 × 相談者）"].rows[-1] == ["合計", 0, 0, 0, 0, 0]


def test_k_and_mark_are_options(records):
    pub = fiscal_year_publication(records["own"], 2021, k=3, mark="-")
    cross = tables(pub)["延べ相談件数（相談方法 × 相談者）"]
    assert cross.rows[:3] == [["電話", 12, 25, 0, 0, 37], ["メール", 3, 0, 0, 0, 3], ["来所", 0, 15, 0, 0, 15]]
    assert tables(pub)["居場所等の支援につながった件数"].rows == [["本人", "-"], ["家族", "-"], ["合計", "-"]]


def test_csv_is_utf8_with_bom_and_neutralises_formulas(records):
    records["own"].name = '=HYPERLINK("http://example.com")'
    pub = fiscal_year_publication(records["own"], 2021)
    data = write_csv(pub)
    assert data.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0] == ["公表用集計", '\'=HYPERLINK("http://example.com")']
    assert lines[2] == ["期間", "2021年度（令和3年度） 2021-04-01〜2022-03-31"]
    assert lines[3] == ["秘匿の基準", "k=10"]
    start = lines.index(["延べ相談件数（相談方法 × 相談者）"])
    assert lines[start + 1 : start + 4] == [
        ["相談方法", "本人", "家族", "関係機関", "その他", "合計"],
        ["電話", X, "25", "0", "0", X],
        ["メール", X, "0", "0", "0", X],
    ]
    dash = write_csv(fiscal_year_publication(records["own"], 2021, mark="-")).decode("utf-8-sig")
    assert "\r\nメール,-,0,0,0,-\r\n" in dash  # the lone mark is not a formula and stays as published


def test_xlsx_holds_the_same_rows(records):
    pub = fiscal_year_publication(records["own"], 2021)
    sheet = load_workbook(io.BytesIO(write_xlsx(pub))).active
    values = [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]
    start = values.index(["延べ相談件数（相談方法 × 相談者）"])
    assert values[start + 2] == ["電話", X, 25, 0, 0, X]
    assert values[start + 10] == ["合計", 15, 40, 0, 0, 55]
    assert sheet.title == "公表用集計"


def test_xlsx_keeps_a_formula_looking_name_as_text_and_pdf_holds_the_same_rows(records):
    records["own"].name = '=HYPERLINK("http://example.com")'
    pub = fiscal_year_publication(records["own"], 2021)
    sheet = load_workbook(io.BytesIO(write_xlsx(pub))).active
    assert (sheet["B1"].value, sheet["B1"].data_type) == ('=HYPERLINK("http://example.com")', "s")
    assert sheet["B10"].alignment.horizontal == "right"  # 電話 本人 is suppressed
    pdf = write_pdf(pub)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    lines = [" ".join(line.split()) for line in text.decode().splitlines()]
    assert f"電話 {X} 25 0 0 {X}" in lines
    assert "合計 15 40 0 0 55" in lines


def test_publish_command_writes_csv_and_xlsx(records, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    path = tmp_path / "r3.csv"
    call_command(
        "publish",
        "--org",
        records["own"].code,
        "--fy",
        "2021",
        "--format",
        "csv",
        "--output",
        str(path),
        stdout=out,
        stderr=err,
    )
    assert out.getvalue().strip() == f"{path} に書き出しました（秘匿したセル 14）。"
    # The region's 16 small cells (8 in the prefecture's tables, the same 8 in the centre's) are protected
    # once; the progress goes to standard error.
    progress = err.getvalue().splitlines()
    assert progress[-2] == "秘匿パターンを計算しています: 要保護セル 16 / 16"
    assert progress[-1].startswith("所要時間 ") and progress[-1].endswith(" 秒")
    assert SuppressionPattern.objects.count() == 1
    assert "メール,＊,0,0,0,＊" in path.read_bytes().decode("utf-8-sig")
    xlsx = tmp_path / "r3.xlsx"
    call_command(
        "publish",
        "--org",
        records["own"].code,
        "--fy",
        "2021",
        "--k",
        "3",
        "--format",
        "xlsx",
        "--output",
        str(xlsx),
        stdout=io.StringIO(),
    )
    sheet = load_workbook(xlsx).active
    assert ["メール", 3, 0, 0, 0, 3] in [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert AuditEntry.objects.filter(action="stats.published.export", username="system:publish").count() == 2


def test_publish_command_refuses_unknown_org(db, tmp_path):
    with pytest.raises(CommandError, match="組織「NOPE」が見つかりません。"):
        call_command("publish", "--org", "NOPE", "--fy", "2021", "--output", str(tmp_path / "x.csv"))


def test_statistician_previews_and_downloads(client, records):
    member = make_staff(records["own"], Role.STATISTICIAN)
    act_as(client, member)
    url = reverse("stats_published")
    page = client.get(url, {"fy": 2021}).content.decode()
    assert "延べ相談件数（相談方法 × 相談者）" in page and f'<td class="number hidden-cell">{X}</td>' in page
    assert "「＊」は秘匿した値です（1〜9の値と、合計から逆算できないように併せて秘匿した値）。" in page
    response = client.get(url, {"fy": 2021, "k": 10, "mark": X, "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="published-{records["own"].code}-2021-04-01-2022-03-31-k10.csv"'
    )
    assert "メール,＊,0,0,0,＊" in response.content.decode("utf-8-sig")
    response = client.get(url, {"fy": 2021, "format": "xlsx"})
    assert load_workbook(io.BytesIO(response.content)).active.title == "公表用集計"
    response = client.get(url, {"fy": 2021, "format": "pdf"})
    assert (response["Content-Type"], response.content[:5]) == ("application/pdf", b"%PDF-")
    assert AuditEntry.objects.filter(action="stats.published.download", user=member.user).count() == 3


def test_form_errors_are_japanese_and_other_organisations_are_404(client, records):
    act_as(client, make_staff(records["own"], Role.STATISTICIAN))
    url = reverse("stats_published")
    page = client.get(url, {"fy": 2021, "k": "1"}).content.decode()
    assert "秘匿の基準 k は2以上の整数で入力してください。" in page and 'value="1"' in page
    assert client.get(url, {"fy": 2021, "org": records["other"].code}).status_code == 404
    page = client.get(url, {"fy": 2021, "org": records["own_center"].code}).content.decode()
    assert records["own_center"].name in page and "電話" in page


def test_the_regions_k_is_where_publication_starts(client, records, tmp_path):
    """Issue 13: the prefecture set k = 3, so the page and `tsunagu publish` start from it: メール 本人 3
    (3 ≥ k) is published, and the file is named k3. A k typed on the form still wins."""
    from tsunagu.orgs.models import Organisation

    Organisation.objects.filter(pk=records["own"].pk).update(small_cell_k=3)
    act_as(client, make_staff(records["own"], Role.STATISTICIAN))
    url = reverse("stats_published")
    page = client.get(url, {"fy": 2021}).content.decode()
    assert "format=csv" in page and "k=3" in page
    response = client.get(url, {"fy": 2021, "format": "csv"})
    assert response["Content-Disposition"].endswith('-k3.csv"')
    assert "メール,3,0,0,0,3" in response.content.decode("utf-8-sig")
    typed = client.get(url, {"fy": 2021, "k": "10", "format": "csv"})
    assert "メール,＊,0,0,0,＊" in typed.content.decode("utf-8-sig")
    path = tmp_path / "r3.csv"
    call_command("publish", "--org", records["own"].code, "--fy", "2021", "--output", str(path), stdout=io.StringIO())
    assert "メール,3,0,0,0,3" in path.read_bytes().decode("utf-8-sig")
