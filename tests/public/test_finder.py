"""The resource finder: plain questions in a GET form; results that fit; nothing of the answers kept."""

from datetime import time, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_org
from tsunagu.audit.models import AuditEntry
from tsunagu.ibasho.models import Ibasho, IbashoEvent
from tsunagu.orgs.models import OrgKind
from tsunagu.orgs.rules import Actor
from tsunagu.public import actions
from tsunagu.public.models import WebConsultation

SYSTEM = Actor.system("tests")


@pytest.fixture
def region(network):
    """The own prefecture with windows, partners and 居場所; the other prefecture has the same kinds."""
    actions.save_window(actor=SYSTEM, organisation=network["own_city"], name="市の窓口", phone="099-000-0101")
    actions.save_window(actor=SYSTEM, organisation=network["own_center"], name="センターの窓口")
    peer = make_org(OrgKind.CONTRACTOR, network["own_center"], name="ピアサポートセンター")
    actions.save_window(actor=SYSTEM, organisation=peer, name="家族相談", topics=["family", "talk"])
    for side in ("own", "other"):
        for category in (
            "地域若者サポートステーション",
            "ハローワーク",
            "民間支援団体（当事者団体・NPO法人等）",
            "医療機関",
        ):
            make_org(OrgKind.PARTNER, network[side], category=category, name=f"{side}:{category}")
    actions.save_window(actor=SYSTEM, organisation=network["other_center"], name="otherセンター")
    today = timezone.localdate()
    near = Ibasho.objects.create(
        organisation=network["own_center"],
        name="近くの居場所",
        kind="physical",
        municipality=network["own_city"],
        place="市民会館",
        is_public=True,
    )
    Ibasho.objects.create(organisation=network["own_center"], name="オンライン居場所", kind="online", is_public=True)
    Ibasho.objects.create(organisation=network["own_center"], name="準備中の居場所", kind="physical", place="x")
    Ibasho.objects.create(organisation=network["other_center"], name="他県の居場所", kind="online", is_public=True)
    for days, public in ((-1, True), (3, True), (4, False)):
        IbashoEvent.objects.create(
            ibasho=near,
            organisation=network["own_center"],
            date=today + timedelta(days=days),
            start_time=time(14),
            is_public=public,
        )
    return network


def result_url(network, **answers):
    return (
        reverse("public_finder_result", kwargs={"region": network["own"].code})
        + "?"
        + "&".join(f"{k}={v}" for k, v in answers.items())
    )


def test_a_mother_asking_about_work_gets_her_citys_window_the_centre_and_work_services(region, client):
    url = result_url(region, who="family", age="30s", municipality=region["own_city"].code, want="work")
    page = client.get(url).content.decode()
    first = page[page.index('id="first"') : page.index('id="fit"')]
    assert "市の窓口" in first and "センターの窓口" in first and "otherセンター" not in first
    fit = page[page.index('id="fit"') : page.index('id="places"')]
    # Work, and as a family member also family support; never the other prefecture's, never unrelated ones.
    assert "own:地域若者サポートステーション" in fit and "own:ハローワーク" in fit
    assert "own:民間支援団体（当事者団体・NPO法人等）" in fit and "家族相談" in fit
    assert "other:" not in page and "医療機関" not in page
    assert "答え: 家族のこと ・ 30代 ・ " + region["own_city"].name + " ・ 仕事のことを相談したい" in page
    assert "http://testserver" + url.replace("&", "&amp;") in page


def test_a_person_looking_for_a_place_sees_near_public_places_first_and_coming_public_dates(region, client):
    url = result_url(region, who="person", age="20s", municipality=region["own_city"].code, want="place")
    page = client.get(url).content.decode()
    places = page[page.index('id="places"') :]
    assert places.index("近くの居場所") < places.index("オンライン居場所")
    assert "準備中の居場所" not in page and "他県の居場所" not in page
    assert "own:ハローワーク" not in page and "家族相談" not in page
    soon = timezone.localdate() + timedelta(days=3)
    assert places.count('<li class="event">') == 1
    assert f"{soon.year}年{soon.month}月{soon.day}日" in places


def test_not_knowing_the_municipality_still_leads_to_the_centre(region, client):
    page = client.get(result_url(region, who="other", age="unknown", municipality="", want="talk")).content.decode()
    assert "センターの窓口" in page and "市の窓口" not in page
    assert "答え: その他（知り合い・支援者など） ・ わからない・答えたくない ・ " + region["own"].name in page


def test_missing_answers_show_the_questions_again_naming_them(region, client):
    response = client.get(result_url(region, who="family", municipality=region["other_city"].code))
    page = response.content.decode()
    assert "「ご本人の年代」を選んでください。" in page
    assert "「どんなことを望んでいますか」を選んでください。" in page
    assert "「お住まいの市区町村」は一覧から選んでください。" in page
    assert 'value="family" id="id_who_1" required checked' in page


def test_nothing_of_the_answers_is_kept(region, client):
    before = (AuditEntry.objects.count(), WebConsultation.objects.count())
    response = client.get(
        result_url(region, who="family", age="40s", municipality=region["own_city"].code, want="family")
    )
    assert response.status_code == 200
    assert response.cookies == {}
    assert Session.objects.count() == 0
    assert (AuditEntry.objects.count(), WebConsultation.objects.count()) == before
    assert response["Cache-Control"] == "private, no-store"


def test_the_result_does_a_fixed_number_of_queries(region, client):
    url = result_url(region, who="family", age="40s", municipality=region["own_city"].code, want="place")
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for n in range(3):
        Ibasho.objects.create(organisation=region["own_center"], name=f"追加{n}", kind="online", is_public=True)
        make_org(OrgKind.PARTNER, region["own"], category="ハローワーク")
        actions.save_window(actor=SYSTEM, organisation=make_org(OrgKind.STATION, region["own"]), name=f"駅{n}")
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(second) == len(first)


def test_finder_start_goes_straight_to_the_only_region_or_asks(network, client):
    assert client.get(reverse("public_finder_start")).status_code == 200  # two prefectures: asks
    page = client.get(reverse("public_finder_start")).content.decode()
    assert reverse("public_finder", kwargs={"region": network["other"].code}) in page
    network["other"].is_active = False
    network["other"].save()
    response = client.get(reverse("public_finder_start"))
    assert response["Location"] == reverse("public_finder", kwargs={"region": network["own"].code})


def test_the_questions_are_a_get_form_and_the_page_prints(network, client):
    page = client.get(reverse("public_finder", kwargs={"region": network["own"].code})).content.decode()
    action = reverse("public_finder_result", kwargs={"region": network["own"].code})
    assert f'<form method="get" action="{action}"' in page
    assert "csrfmiddlewaretoken" not in page
    assert page.count("<fieldset") == 3 and "<legend>どなたのことですか" in page
    from django.contrib.staticfiles import finders

    css = open(finders.find("tsunagu/public.css"), encoding="utf-8").read()
    assert "@media print" in css and ".no-print" in css
