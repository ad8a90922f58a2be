"""The demo prefecture's progress report (kpi.progress) reads like the seed's pages: each program's page
takes the figures of the organisation that runs it, and each shows work done in the half year. The demo's
activities are dated up to the day it is built, so the figures here are those of its latest whole half
year, 令和8年度上半期, checked as present rather than as exact numbers (tests/kpi/test_progress.py has those). The demo's 居場所
sessions are held only in the weeks before the build day, so the half year shows none of them."""

from tsunagu.demo.network import PREFECTURE_CODE
from tsunagu.kpi import progress
from tsunagu.kpi.models import Program
from tsunagu.orgs.models import Organisation


def _lines(page) -> dict:
    return {block.title: dict(block.rows) for block in page.blocks if len(block.columns) == 2}


def test_the_demo_prefectures_half_year_report(demo, db):
    prefecture = Organisation.objects.get(code=PREFECTURE_CODE)
    document = progress.build_report(prefecture, 2026, "h1")
    assert document.period_label == "令和8年度 上半期（4月〜9月）（令和8年4月1日〜令和8年9月30日）"
    sources = {page.program: page.source.code for page in document.pages}
    saposute = Organisation.objects.get(name="あおみ地域若者サポートステーション").code
    assert sources == {
        Program.CONSULTATION: PREFECTURE_CODE,
        Program.PEER_SUPPORT: "99PEER",
        Program.EMPLOYMENT: PREFECTURE_CODE,
        Program.SAPOSUTE: saposute,
        Program.CENTRE: "99CENTER",
        Program.NETWORK: PREFECTURE_CODE,
        Program.TRAINING: PREFECTURE_CODE,
        Program.AWARENESS: PREFECTURE_CODE,
    }
    pages = {page.program: _lines(page) for page in document.pages}
    shown = {
        "peer contacts": pages[Program.PEER_SUPPORT]["相談の件数"]["相談延べ件数"],
        "peer new cases": pages[Program.PEER_SUPPORT]["相談の件数"]["新規相談ケース数"],
        "peer with a peer": pages[Program.PEER_SUPPORT]["訪問支援とピアサポーター"][
            "うちピアサポーターが同行した訪問・同行"
        ],
        "employment registered": pages[Program.EMPLOYMENT]["就労支援の実績"]["利用登録者数"],
        "work experience": pages[Program.EMPLOYMENT]["就労体験"]["体験人数"],
        "saposute contacts": pages[Program.SAPOSUTE]["事業全体"]["相談延べ件数"],
        "saposute new": pages[Program.SAPOSUTE]["事業全体"]["新規登録者数"],
        "centre contacts": pages[Program.CENTRE]["相談支援（相談受理件数）"]["計"],
        "supporters": pages[Program.NETWORK]["ひきこもりサポーター"]["登録サポーター数（期間の末日）"],
        "training": pages[Program.TRAINING]["人材養成研修"]["参加者数"],
        "lectures": pages[Program.AWARENESS]["普及啓発"]["講演会・交流会の参加者数"],
        "windows": pages[Program.AWARENESS]["相談窓口の明確化"]["窓口を明確化した市区町村"],
    }
    assert {name: n for name, n in shown.items() if not n} == {}
    councils = next(b for b in document.page(Program.NETWORK).blocks if b.title == "会議の種別ごとの開催")
    assert {row[0]: row[1] for row in councils.rows}["連絡協議会・ネットワーク会議"] > 0
