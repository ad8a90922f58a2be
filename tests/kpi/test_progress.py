"""The yearly progress report (令和3年度の取組状況): a page per program whose figures are the report
contract's, a text per page with a version, and the XLSX and PDF downloads.

The world is tests/stats/data.py's year of consultation work at the own centre, with Kochi's half year
of training and awareness (tests/outreach/test_report.py) and a council meeting. In the first half of
令和3年度 (2021-04-01 … 09-30) the consultation figures are case A's: 3 contacts (電話/家族 4/5,
訪問/本人 with a peer 6/30, 来所/本人 7/1), 1 person, 1 new case (A; B's first contact was in March),
connected 1 (A's decided referral of 5/1, 本人), referrals 2 (精神保健福祉センター decided, ハローワーク
failed). Training: 研修 held 2 (89 + 97 = 186 participants), 1 planned. Awareness: 講演会・交流会 1 with 64,
講師派遣 2, ポスター 5,000 made. Network: 連絡協議会 西部ブロック 6/10, 2 bodies, 38 people.
"""

import io
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook

from tsunagu.audit.models import AuditEntry
from tsunagu.cases import actions as cases
from tsunagu.core.versions import StaleEdit
from tsunagu.kpi import actions, progress
from tsunagu.kpi.models import Program, ProgressPage
from tsunagu.meetings.models import MeetingKind
from tsunagu.orgs.models import OrgKind, Role
from tsunagu.outreach import actions as outreach
from tsunagu.stats.queries import report

from ..cases.factories import actor_for, make_case
from ..conftest import act_as
from ..factories import SYSTEM, make_org, make_staff
from ..meetings.factories import attend, make_meeting
from ..stats import data

H1 = progress.period_of(2021, "h1")


def _event(org, on, kind, participants=0, status="held"):
    outreach.create_event(
        actor=SYSTEM, organisation=org, date=on, kind=kind, name="研修", status=status, participants=participants
    )


@pytest.fixture
def world(network):
    built = data.build(network)
    centre = network["own_center"]
    _event(centre, date(2021, 6, 10), "training", 89)
    _event(centre, date(2021, 9, 30), "training", 97)
    _event(centre, date(2021, 9, 1), "training", 50, status="planned")
    _event(centre, date(2021, 10, 1), "training", 40)  # the second half
    _event(centre, date(2021, 8, 1), "lecture", 64)
    _event(centre, date(2021, 7, 7), "lecturer", 30)
    _event(centre, date(2021, 7, 21), "lecturer")
    outreach.create_material(
        actor=SYSTEM, organisation=centre, date=date(2021, 4, 20), kind="poster", name="ポスター", made=5000
    )
    council = make_meeting(
        built["worker"], date=date(2021, 6, 10), kind=MeetingKind.COUNCIL, name="支援者連絡会議", region="西部"
    )
    attend(built["worker"], council, 2, 38)
    return network


def _lines(page) -> dict:
    """{label: figure} of a page's two-column blocks, each block's rows under its title."""
    return {block.title: dict(block.rows) for block in page.blocks if len(block.columns) == 2}


def test_consultation_page_of_the_half_year(world):
    page = progress.build_report(world["own"], 2021, "h1").page(Program.CONSULTATION)
    assert page.source == world["own"]
    lines = _lines(page)
    assert lines["相談の件数"] == {"相談延べ件数": 3, "実人数": 1, "新規相談ケース数": 1}
    assert lines["相談の方法別"] == {
        "電話": 1,
        "メール": 0,
        "来所": 1,
        "訪問": 1,
        "同行": 0,
        "Web": 0,
        "SNS": 0,
        "オンライン": 0,
        "計": 3,
    }
    assert lines["当事者の年齢別相談件数"]["20代"] == 2
    assert lines["当事者の年齢別相談件数"]["30代"] == 1
    assert lines["居場所への参加や関係機関による対応につながった件数"] == {"つながった件数": 1, "当事者": 1, "家族": 0}
    referrals = lines["関係機関へのつなぎ"]
    assert (referrals["つなぎ件数"], referrals["支援が決定した件数"]) == (2, 1)
    assert referrals["つなぎ先: 精神保健福祉センター"] == 1


def test_every_figure_is_the_report_contracts(world):
    """Each row of a two-column block equals the contract figure its key names, in the report of the page's
    organisation (and of the cohorts for the サポステ page)."""
    document = progress.build_report(world["own"], 2021, "h1")
    assert [page.program for page in document.pages] == list(Program.values)
    checked = set()
    for page in document.pages:
        contract = report(page.source, H1)
        cohorts = {c: report(page.source, H1, c) for c in (progress.ICE_AGE, progress.FORTIES)}
        for block in page.blocks:
            for row, key in zip(block.rows, block.keys, strict=False):
                assert row[1] == progress.contract_value(contract, cohorts, key), (page.program, key)
                checked.add(page.program)
    # (The network page's meeting tables are the contract's rows themselves; its supporters are keyed.)
    assert checked == set(Program.values)


def test_training_awareness_and_network_pages(world):
    document = progress.build_report(world["own"], 2021, "h1")
    training = _lines(document.page(Program.TRAINING))["人材養成研修"]
    assert training == {"開催回数": 2, "参加者数": 186, "開催予定": 1, "事例検討会の開催回数": 0}
    awareness = document.page(Program.AWARENESS)
    lines = _lines(awareness)
    assert lines["普及啓発"] == {
        "講演会・交流会の開催回数": 1,
        "講演会・交流会の参加者数": 64,
        "家族教室の参加者数": 0,
        "講師派遣回数": 2,
    }
    materials = next(block for block in awareness.blocks if block.title == "広報")
    assert materials.rows[0] == ["ポスター", 5000, 0]
    assert materials.shown_rows[0] == [("種別", "ポスター"), ("作成数", "5,000"), ("配布数", "0")]
    held = next(block for block in document.page(Program.NETWORK).blocks if block.title == "開催した会議")
    assert held.rows == [["R3.6.10", "連絡協議会・ネットワーク会議", "支援者連絡会議", "西部", 2, 38]]


def test_pages_take_the_figures_of_the_organisation_that_runs_the_program(world):
    peer = make_org(OrgKind.CONTRACTOR, world["own_center"], name="ひきこもりピアサポートセンター")
    peer_worker = actor_for(make_staff(peer, Role.COORDINATOR))
    case = make_case(peer_worker, number="P-1", opened_on=date(2021, 5, 1))
    cases.log_contact(actor=peer_worker, case=case, date=date(2021, 5, 1), channel="phone", consulter="person")
    document = progress.build_report(world["own"], 2021, "h1")
    assert document.page(Program.PEER_SUPPORT).source == peer
    assert document.page(Program.CENTRE).source == world["own_center"]
    assert _lines(document.page(Program.PEER_SUPPORT))["相談の件数"]["相談延べ件数"] == 1
    # The centre's subtree holds the peer support centre: 3 + 1 contacts, as the contract counts a subtree.
    assert _lines(document.page(Program.CENTRE))["相談支援（相談受理件数）"]["計"] == 4
    # A page may name another organisation of the subtree: the consultation page for the peer centre alone.
    actions.save_progress_page(
        actor=SYSTEM,
        organisation=world["own"],
        fiscal_year=2021,
        part="h1",
        program=Program.CONSULTATION,
        text="",
        source=peer,
        version=0,
    )
    page = progress.build_report(world["own"], 2021, "h1").page(Program.CONSULTATION)
    assert (page.source, page.source_is_chosen) == (peer, True)
    assert _lines(page)["相談の件数"]["相談延べ件数"] == 1


def test_a_source_outside_the_subtree_is_refused(world):
    with pytest.raises(Exception) as refused:
        actions.save_progress_page(
            actor=SYSTEM,
            organisation=world["own"],
            fiscal_year=2021,
            part="h1",
            program=Program.CENTRE,
            text="",
            source=world["other_center"],
            version=0,
        )
    assert refused.value.message_dict == {"source": ["数字を取る組織は、この組織とその下の組織から選んでください。"]}


def test_page_text_is_saved_with_audit_and_a_stale_edit_is_refused(world):
    own = world["own"]
    saved = actions.save_progress_page(
        actor=SYSTEM,
        organisation=own,
        fiscal_year=2021,
        part="h1",
        program=Program.TRAINING,
        text="研修を2回。",
        version=0,
    )
    assert saved.version == 2
    entry = AuditEntry.objects.filter(action="kpi.progress.save").get()
    assert entry.changes == {"text": ["", "研修を2回。"]}
    page = progress.build_report(own, 2021, "h1").page(Program.TRAINING)
    assert (page.text, page.version) == ("研修を2回。", 2)
    # The second half and the whole year are pages of their own.
    assert progress.build_report(own, 2021, "h2").page(Program.TRAINING).text == ""
    with pytest.raises(StaleEdit) as stale:
        actions.save_progress_page(
            actor=SYSTEM,
            organisation=own,
            fiscal_year=2021,
            part="h1",
            program=Program.TRAINING,
            text="古い版",
            version=0,
        )
    assert stale.value.current["text"] == "研修を2回。"
    assert ProgressPage.objects.get().text == "研修を2回。"


def test_stale_save_on_the_page_shows_the_other_persons_text(world, client):
    admin = make_staff(world["own"], Role.ADMIN)
    act_as(client, admin)
    url = f"/kpi/progress/{world['own'].code}/training/?fy=2021&part=h1"
    first = client.get(url)
    assert first.status_code == 200
    assert 'name="version" value="0"' in first.content.decode()
    actions.save_progress_page(
        actor=SYSTEM, organisation=world["own"], fiscal_year=2021, part="h1", program="training", text="別の人の文"
    )
    response = client.post(url, {"text": "私の文", "source": "", "version": "0"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "別の人の文" in body and "私の文" in body
    assert ProgressPage.objects.get().text == "別の人の文"
    response = client.post(url, {"text": "私の文", "source": "", "version": "2"})
    assert response.status_code == 302
    assert ProgressPage.objects.get().text == "私の文"
    page = client.get(f"/kpi/progress/{world['own'].code}/?fy=2021&part=h1").content.decode()
    assert "私の文" in page and "令和3年度 上半期（4月〜9月）" in page


def test_xlsx_has_a_sheet_per_program_with_the_figures(world):
    body, name = progress.download_file(SYSTEM, progress.build_report(world["own"], 2021, "h1"), "xlsx")
    assert name == f"取組状況_{world['own'].name}_令和3年度_上半期.xlsx"
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == [
        "相談支援",
        "ピアサポート",
        "就労支援",
        "若者サポートステーション",
        "ひきこもり地域支援センター",
        "地域支援（会議・ネットワーク）",
        "人材養成（研修）",
        "普及啓発・広報",
    ]
    rows = [[c for c in row if c is not None] for row in book["相談支援"].iter_rows(values_only=True)]
    assert ["相談延べ件数", 3] in rows
    assert [world["own"].name, "令和3年度 上半期（4月〜9月）（令和3年4月1日〜令和3年9月30日）"] in rows
    poster = next(row for row in book["普及啓発・広報"].iter_rows() if row[0].value == "ポスター")
    assert (poster[1].value, poster[1].number_format) == (5000, "#,##0")
    assert ["―"] in [[c for c in row if c is not None] for row in book["人材養成（研修）"].iter_rows(values_only=True)]
    assert AuditEntry.objects.filter(action="kpi.progress.export", object_label__startswith="XLSX").count() == 1


def test_pdf_text_carries_the_page_headings_and_figures(world, tmp_path):
    body, _name = progress.download_file(SYSTEM, progress.build_report(world["own"], 2021, "h1"), "pdf")
    path = tmp_path / "progress.pdf"
    path.write_bytes(body)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for heading in ("1 相談支援", "7 人材養成（研修）", "8 普及啓発・広報", "令和3年度の取組状況"):
        assert heading in flat
    assert "ポスター 5,000 0" in flat
    assert "参加者数 186" in flat


def test_download_view_records_the_download(world, client):
    act_as(client, make_staff(world["own"], Role.STATISTICIAN))
    response = client.get(f"/kpi/progress/{world['own'].code}/report.xlsx?fy=2021&part=h1")
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="kpi.progress.export").count() == 1
    # A 統計担当 reads the report but writes no page.
    assert client.get(f"/kpi/progress/{world['own'].code}/training/?fy=2021&part=h1").status_code == 403


def test_a_label_with_a_slash_is_one_step_of_a_key():
    figures = {"referrals": {"by_category": {"医療/保健": {"count": 4}, "a~b": {"count": 2}}}}
    key = f"referrals/by_category/{progress.escape('医療/保健')}/count"
    assert key == "referrals/by_category/医療~1保健/count"
    assert progress.contract_value(figures, {}, key) == 4
    assert progress.contract_value(figures, {}, f"referrals/by_category/{progress.escape('a~b')}/count") == 2
