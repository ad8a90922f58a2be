"""The 組織 chooser of the statistics and KPI pages: search as one types within the acting subtree only,
the same choice without JavaScript (one fit, several, none), and a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.audit.models import AuditEntry
from tsunagu.orgs.chooser import CHILDREN_PER_PAGE, RESULT_LIMIT, SELECT_LIMIT
from tsunagu.orgs.models import OrgKind, Role

from ..conftest import act_as
from ..factories import make_org, make_staff

FILLERS = 62  # more than a select holds and more than one page of children


@pytest.fixture
def large(network):
    """The own prefecture with enough municipalities that the field becomes a search, and a 府中市 on
    each side."""
    own = network["own"]
    for _ in range(FILLERS):
        make_org(OrgKind.MUNICIPALITY, own)
    return {
        "yokohama": make_org(OrgKind.MUNICIPALITY, own, name="横浜市"),
        "yokosuka": make_org(OrgKind.MUNICIPALITY, own, name="横須賀市"),
        "fuchu": make_org(OrgKind.MUNICIPALITY, own, name="府中市"),
        "other_fuchu": make_org(OrgKind.MUNICIPALITY, network["other"], name="府中市"),
        "station": make_org(OrgKind.STATION, network["own_city"], name="若者サポートステーション"),
    }


@pytest.fixture
def statistician(client, network):
    return act_as(client, make_staff(network["own"], Role.STATISTICIAN))


def search(client, text, page="stats_report", **params) -> str:
    response = client.get(reverse("org_search"), {"org": text, "for": page, **params})
    assert response.status_code == 200
    return response.content.decode()


def listed(html) -> list[str]:
    """The names of the organisations a fragment or page offers, in order."""
    return re.findall(r'<li><a href="[^"]*">([^<]+)</a>', html)


def hrefs(html) -> list[str]:
    return [href.replace("&amp;", "&") for href in re.findall(r'<li><a href="([^"]*)">', html)]


def test_search_by_part_of_a_name_links_to_the_report_keeping_the_period(statistician, large):
    html = search(statistician, "横", period="fy", fy="2021")
    assert listed(html) == ["横浜市", "横須賀市"]
    assert hrefs(html) == [
        f"/stats/?org={large['yokohama'].code}&period=fy&fy=2021",
        f"/stats/?org={large['yokosuka'].code}&period=fy&fy=2021",
    ]
    assert "2件見つかりました。選ぶとその組織を表示します。" in html


def test_search_by_code_and_by_width_and_kana_variants(statistician, large):
    code = large["yokosuka"].code
    assert listed(search(statistician, code)) == ["横須賀市"]
    full_width = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert listed(search(statistician, full_width)) == ["横須賀市"]
    for typed in ("ｻﾎﾟｰﾄ", "さぽーと", "サポート　ステーション", "ｻﾎﾟｰﾄｽﾃｰｼｮﾝ"):
        assert listed(search(statistician, typed)) == ["若者サポートステーション"], typed


def test_search_never_lists_an_organisation_outside_the_subtree(statistician, network, large):
    html = search(statistician, "府中")
    assert listed(html) == ["府中市"]
    assert large["fuchu"].code in html and large["other_fuchu"].code not in html
    for outside in (large["other_fuchu"].code, network["other"].code, network["other"].name, network["nation"].code):
        html = search(statistician, outside)
        assert listed(html) == [] and "に当てはまる組織はありません。" in html


def test_search_is_capped_and_makes_the_same_queries_for_one_fit_or_many(statistician, large):
    search(statistician, "横浜")  # the first request of a session also refreshes the session
    counts, pages = [], []
    for typed in ("横浜", "市区町村"):
        with CaptureQueriesContext(connection) as queries:
            pages.append(search(statistician, typed))
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert listed(pages[0]) == ["横浜市"]
    assert len(listed(pages[1])) == RESULT_LIMIT
    assert f"{FILLERS + 1}件見つかりました。" in pages[1]  # and the network's own city
    assert f"ほか{FILLERS + 1 - RESULT_LIMIT}件あります。名前をもう少し入力して絞り込んでください。" in pages[1]


def test_a_large_subtree_gets_a_search_field_and_a_small_one_a_select(client, network, large):
    act_as(client, make_staff(network["own"], Role.STATISTICIAN))
    html = client.get(reverse("stats_report")).content.decode()
    assert re.search(
        r'<input type="text" name="org" value="{}"[^>]*hx-get="/stats/organisations/"'.format(network["own"].code), html
    )
    assert 'aria-controls="org-results"' in html and 'id="org-results"' in html
    assert '<select name="org"' not in html
    act_as(client, make_staff(network["own_city"], Role.STATISTICIAN))  # the city and its station
    html = client.get(reverse("stats_report")).content.decode()
    assert f'<option value="{large["station"].code}">\u3000若者サポートステーション</option>' in html
    assert 'hx-get="/stats/organisations/"' not in html
    assert SELECT_LIMIT < FILLERS


@pytest.mark.parametrize("url", ["stats_report", "stats_trends"])
def test_without_javascript_one_fit_goes_to_that_organisation_by_code(statistician, large, url):
    response = statistician.get(reverse(url), {"org": "横須", "fy": "2021"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse(url)}?org={large['yokosuka'].code}&fy=2021"
    page = statistician.get(response["Location"])
    assert page.context["form"].cleaned_data["org"] == large["yokosuka"].code
    assert page.context["org"] == large["yokosuka"]


@pytest.mark.parametrize("url", ["stats_report", "stats_trends"])
def test_without_javascript_several_fits_are_offered_as_links(statistician, large, url):
    response = statistician.get(reverse(url), {"org": "横", "period": "fy", "fy": "2021"})
    assert response.status_code == 200
    assert response.context["form"].errors["org"] == ["2件見つかりました。一つ選んでください。"]
    html = re.search(r'data-testid="org-matches">(.*?)</ul>', response.content.decode(), re.S).group(1)
    assert listed(html) == ["横浜市", "横須賀市"]
    assert f"{reverse(url)}?org={large['yokohama'].code}&period=fy&fy=2021" in hrefs(html)
    assert 'name="org" value="横"' in response.content.decode()
    assert "report" not in response.context and "tables" not in response.context


def test_a_whole_name_is_chosen_even_where_it_is_part_of_another(statistician, network, large):
    make_org(OrgKind.CENTER, large["yokohama"], name="横浜市ひきこもり地域支援センター")
    response = statistician.get(reverse("stats_report"), {"org": "横浜市"})
    assert response["Location"] == f"{reverse('stats_report')}?org={large['yokohama'].code}"


@pytest.mark.parametrize("url", ["stats_report", "stats_trends"])
def test_without_javascript_nothing_fitting_is_a_japanese_error_on_the_field(statistician, large, url):
    response = statistician.get(reverse(url), {"org": "存在しない町"})
    assert response.status_code == 200  # a typing mistake, not a refusal: nothing in the audit trail
    assert not AuditEntry.objects.filter(action="access.denied").exists()
    assert response.context["form"].errors["org"] == [
        "組織: 「存在しない町」に当てはまる組織は見つかりません。名前の一部かコードを入力してください。"
    ]
    assert "report" not in response.context and "tables" not in response.context


@pytest.mark.parametrize("url", ["stats_report", "stats_trends"])
def test_a_code_outside_the_subtree_typed_by_hand_is_refused_on_the_field(statistician, network, large, url):
    code = large["other_fuchu"].code
    response = statistician.get(reverse(url), {"org": code, "fy": "2021"})
    assert response.status_code == 404
    html = response.content.decode()
    assert f"組織: 「{code}」に当てはまる組織は見つかりません。" in html
    assert "府中市" not in html and network["other"].name not in html
    assert "report" not in response.context and "tables" not in response.context
    assert AuditEntry.objects.get(action="access.denied").object_label == f"organisation:{code}"
    for export in ("stats_export_xlsx", "stats_export_pdf"):
        assert statistician.get(reverse(export), {"org": code, "fy": "2021"}).status_code == 404


def test_the_page_shows_where_the_organisation_sits_and_links_one_level_down(statistician, network, large):
    html = statistician.get(reverse("stats_report"), {"org": large["station"].code, "fy": "2021"}).content.decode()
    crumbs = re.search(r'data-testid="org-crumbs">(.*?)</ol>', html, re.S).group(1)
    assert re.findall(r">([^<>]+)</(?:a|strong)>", crumbs) == [
        network["own"].name,
        network["own_city"].name,
        "若者サポートステーション",
    ]
    assert f'href="/stats/?org={network["own"].code}&amp;fy=2021"' in crumbs

    html = statistician.get(reverse("stats_report"), {"org": network["own"].code}).content.decode()
    children = re.search(r'data-testid="org-children">(.*?)</ul>', html, re.S).group(1)
    below = FILLERS + 5  # the fillers, 横浜, 横須賀, 府中, and the network's city and centre
    assert f"この下の組織（{below}）" in html
    assert len(re.findall(r"<li>", children)) == CHILDREN_PER_PAGE
    assert network["nation"].name not in children and "若者サポートステーション" not in children
    second = statistician.get(reverse("stats_report"), {"org": network["own"].code, "below": "2"}).content.decode()
    children = re.search(r'data-testid="org-children">(.*?)</ul>', second, re.S).group(1)
    assert len(re.findall(r"<li>", children)) == below - CHILDREN_PER_PAGE
    assert "2 / 2 ページ" in second


def test_report_page_queries_do_not_grow_with_the_subtree(statistician, network, large):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert statistician.get(reverse("stats_report"), {"org": network["own"].code}).status_code == 200
        return len(queries)

    count()
    before = count()
    for _ in range(5):
        make_org(OrgKind.MUNICIPALITY, network["own"])
    assert count() == before


def test_kpi_page_chooses_the_same_way(client, network, large):
    act_as(client, make_staff(network["own"], Role.STATISTICIAN))
    html = client.get(reverse("kpi_overview")).content.decode()
    assert 'hx-get="/stats/organisations/"' in html
    assert 'action="/kpi/"' in html
    kpi_links = hrefs(search(client, "横", page="kpi_overview", fy="2021"))
    assert kpi_links == [
        reverse("kpi_org", kwargs={"code": large["yokohama"].code}) + "?fy=2021",
        reverse("kpi_org", kwargs={"code": large["yokosuka"].code}) + "?fy=2021",
    ]
    response = client.get(reverse("kpi_overview"), {"org": "横須", "fy": "2021"})
    assert response["Location"] == reverse("kpi_org", kwargs={"code": large["yokosuka"].code}) + "?fy=2021"
    several = client.get(reverse("kpi_overview"), {"org": "横"})
    assert several.status_code == 200
    assert "2件見つかりました。一つ選んでください。" in several.content.decode()
    outside = client.get(reverse("kpi_overview"), {"org": large["other_fuchu"].code})
    assert outside.status_code == 404
    assert "に当てはまる組織は見つかりません。" in outside.content.decode()
    page = client.get(reverse("kpi_org", kwargs={"code": large["station"].code})).content.decode()
    assert f'value="{large["station"].code}"' in page
    assert network["own_city"].name in re.search(r'data-testid="org-crumbs">(.*?)</ol>', page, re.S).group(1)


def test_a_download_for_a_name_that_fits_nothing_goes_back_to_the_page(statistician, large):
    for export in ("stats_export_xlsx", "stats_export_pdf"):
        response = statistician.get(reverse(export), {"org": "存在しない町", "fy": "2021"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("stats_report") + "?")
    assert not AuditEntry.objects.filter(action__in=["access.denied", "stats.export"]).exists()
