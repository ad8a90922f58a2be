"""Issue 13: the region sets the minimum below which another organisation's figures are ranges
(orgs/disclosure.py). The report test uses the world of tests/stats/test_smallcells.py, worked by hand: in
June 2021 one person (20代) of the own prefecture's municipality has 4 contacts and ten more people (40代)
come once each, so 実人数 is 11.
"""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tsunagu.audit.models import AuditEntry
from tsunagu.core.versions import StaleEdit
from tsunagu.orgs import disclosure
from tsunagu.orgs.models import Organisation, OrgKind, Role
from tsunagu.stats.report import Period
from tsunagu.stats.smallcells import k_for, shown_report

from ..cases.factories import actor_for
from ..conftest import act_as
from ..factories import make_org, make_staff
from ..stats.test_smallcells import city, person, ten_more, worker  # noqa: F401 (fixtures)

JUNE = Period(date(2021, 6, 1), date(2021, 6, 30))


def _set(org, k):
    Organisation.objects.filter(pk=org.pk).update(small_cell_k=k)
    org.refresh_from_db()


def test_k_is_the_regions_and_ten_where_the_region_sets_none(network):
    city_ = network["own_city"]
    assert disclosure.region_k(city_) == k_for(city_) == 10
    _set(network["own"], 5)
    assert disclosure.region_k(city_) == disclosure.region_k(network["own"]) == 5
    assert disclosure.region_k(network["other_city"]) == 10  # another region's setting does not reach it
    assert disclosure.region_k(network["nation"]) == 10  # the nation is in no region
    # A designated city is a region of its own: the prefecture's setting does not reach it.
    designated = make_org(OrgKind.DESIGNATED_CITY, network["nation"])
    ward = make_org(OrgKind.CENTER, designated)
    assert disclosure.region_k(ward) == 10
    _set(designated, 20)
    assert disclosure.region_k(ward) == 20
    assert disclosure.region_k(city_) == 5


def test_a_regions_administrator_sets_it_with_a_version_check_and_an_audit_entry(network):
    admin = actor_for(make_staff(network["own"], Role.ADMIN))
    pref = network["own"]
    version = pref.version
    disclosure.set_region_minimum(actor=admin, org=pref, k=3, version=version)
    assert Organisation.objects.get(pk=pref.pk).small_cell_k == 3
    entry = AuditEntry.objects.get(action="org.small_cell_k")
    assert entry.changes == {"small_cell_k": [None, 3]} and entry.organisation_id == pref.pk
    with pytest.raises(StaleEdit):
        disclosure.set_region_minimum(actor=admin, org=Organisation.objects.get(pk=pref.pk), k=4, version=version)
    assert Organisation.objects.get(pk=pref.pk).small_cell_k == 3
    with pytest.raises(ValidationError):
        disclosure.set_region_minimum(actor=admin, org=Organisation.objects.get(pk=pref.pk), k=1)
    with pytest.raises(ValidationError):
        disclosure.set_region_minimum(actor=admin, org=Organisation.objects.get(pk=pref.pk), k=101)
    # A municipality is not a region: it follows its prefecture.
    with pytest.raises(ValidationError):
        disclosure.set_region_minimum(actor=admin, org=network["own_city"], k=3)
    # Clearing it goes back to the default.
    disclosure.set_region_minimum(actor=admin, org=Organisation.objects.get(pk=pref.pk), k=None)
    assert disclosure.region_k(network["own_city"]) == 10


def test_a_municipalitys_administrator_cannot_set_the_prefectures(network):
    admin = actor_for(make_staff(network["own_city"], Role.ADMIN))
    with pytest.raises(PermissionDenied):
        disclosure.set_region_minimum(actor=admin, org=network["own"], k=2)
    assert Organisation.objects.get(pk=network["own"].pk).small_cell_k is None


def test_the_page_saves_it_and_a_municipality_has_none(network):
    client = act_as(Client(), make_staff(network["own"], Role.ADMIN))
    url = reverse("org_small_cells", kwargs={"code": network["own"].code})
    page = client.get(url)
    assert page.status_code == 200 and "決めていなければ10人です" in page.content.decode()
    assert url in client.get(reverse("org_detail", kwargs={"code": network["own"].code})).content.decode()
    bad = client.post(url, {"k": "1", "version": network["own"].version})
    assert bad.status_code == 200
    assert "小さな数の基準 k は2以上100以下の整数で入力してください。" in bad.content.decode()
    assert 'value="1"' in bad.content.decode()  # what was typed stays
    saved = client.post(url, {"k": "５", "version": network["own"].version})
    assert saved["Location"] == reverse("org_detail", kwargs={"code": network["own"].code})
    assert Organisation.objects.get(pk=network["own"].pk).small_cell_k == 5
    municipality = reverse("org_small_cells", kwargs={"code": network["own_city"].code})
    assert client.get(municipality).status_code == 404
    detail = client.get(reverse("org_detail", kwargs={"code": network["own_city"].code})).content.decode()
    assert "/small-cells/" not in detail and "小さな数の基準" not in detail


def test_the_prefectures_k_decides_what_its_statistician_sees(network, city, ten_more):  # noqa: F811
    """Default k = 10: 20代 (one person, 4 contacts) is 「1〜9」 and, by the complementary rule, 40代 (ten
    persons, 10 contacts) 「10〜19」; 実人数 11 is exact. With k = 2 the ranges are 2 wide: 「4〜5」 and
    「10〜11」 (still the complementary cell). With k = 20 the 11 persons of 実人数 are 「1〜19」."""
    viewer = network["own"]
    report = shown_report(viewer, city, JUNE)
    assert report["ranged"] == 10
    assert report["contacts"]["by_age_band"]["20代"] == "1〜9"
    assert report["contacts"]["by_age_band"]["40代"] == "10〜19"
    assert report["contacts"]["persons"] == 11
    _set(network["own"], 2)
    city.refresh_from_db()
    report = shown_report(viewer, city, JUNE)
    assert report["ranged"] == 2
    assert report["contacts"]["by_age_band"]["20代"] == "4〜5"
    assert report["contacts"]["by_age_band"]["40代"] == "10〜11"
    assert report["contacts"]["persons"] == 11
    _set(network["own"], 20)
    report = shown_report(viewer, city, JUNE)
    assert report["ranged"] == 20
    assert report["contacts"]["persons"] == "1〜19"
    # The municipality's own staff see it exactly whatever the region's k.
    assert shown_report(city, city, JUNE)["contacts"]["by_age_band"]["20代"] == 4
