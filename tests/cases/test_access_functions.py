"""The case access functions: own organisation only, peers only their assigned cases, reads logged."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tsunagu.audit.models import AuditEntry
from tsunagu.cases import actions
from tsunagu.cases.access import get_case, get_incoming_referral, search_filter, visible_cases
from tsunagu.cases.models import Case, ReferralTarget
from tsunagu.orgs.models import OrgKind, Role

from ..factories import make_org, make_staff
from .factories import actor_for, make_case


@pytest.fixture
def setting(network):
    center = network["own_center"]
    coordinator = actor_for(make_staff(center, Role.COORDINATOR))
    peer = actor_for(make_staff(center, Role.PEER))
    mine = make_case(coordinator, name="山田太郎", furigana="やまだたろう", assigned=[peer.user])
    not_mine = make_case(coordinator, name="鈴木一郎", furigana="すずきいちろう")
    return {"center": center, "coordinator": coordinator, "peer": peer, "mine": mine, "not_mine": not_mine}


def test_coordinator_reads_and_the_read_is_logged(setting):
    case = get_case(setting["coordinator"], setting["mine"].pk)
    assert case == setting["mine"]
    entry = AuditEntry.objects.filter(action="case.view").get()
    assert (entry.user, entry.object_id, entry.allowed) == (setting["coordinator"].user, str(case.pk), True)


def test_peer_reaches_only_assigned_cases(setting):
    assert get_case(setting["peer"], setting["mine"].pk, write=True) == setting["mine"]
    with pytest.raises(Http404):
        get_case(setting["peer"], setting["not_mine"].pk)
    assert list(visible_cases(setting["peer"])) == [setting["mine"]]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.VIEWER])
def test_prefecture_above_sees_no_case_of_the_centre(network, setting, role):
    above = actor_for(make_staff(network["own"], role))
    with pytest.raises(Http404):
        get_case(above, setting["mine"].pk)
    denied = AuditEntry.objects.get(action="access.denied", user=above.user)
    assert (denied.allowed, denied.object_label) == (False, f"case:{setting['mine'].pk}")


def test_statistician_gets_no_personal_records(setting):
    stats = actor_for(make_staff(setting["center"], Role.STATISTICIAN))
    with pytest.raises(PermissionDenied):
        get_case(stats, setting["mine"].pk)
    assert visible_cases(stats).count() == 0


def test_viewer_reads_but_cannot_write(setting):
    viewer = actor_for(make_staff(setting["center"], Role.VIEWER))
    assert get_case(viewer, setting["mine"].pk) == setting["mine"]
    with pytest.raises(PermissionDenied):
        get_case(viewer, setting["mine"].pk, write=True)


@pytest.mark.parametrize("query", ["ヤマダ", "ﾔﾏﾀﾞ", "やまだ", "山田", "たろう", "太郎"])
def test_search_is_kana_and_width_insensitive(setting, query):
    found = visible_cases(setting["coordinator"]).filter(search_filter(query))
    assert list(found) == [setting["mine"]]


def test_search_by_number(setting):
    number = setting["not_mine"].number
    assert list(visible_cases(setting["coordinator"]).filter(search_filter(f" {number} "))) == [setting["not_mine"]]


def test_incoming_referral_is_visible_only_to_the_partner(network, setting):
    partner = make_org(OrgKind.PARTNER, network["own"], category="医療機関")
    referral = actions.refer(
        actor=setting["coordinator"],
        case=setting["mine"],
        date=date(2021, 6, 1),
        target=ReferralTarget.PERSON,
        partner=partner,
    )
    partner_worker = actor_for(make_staff(partner, Role.COORDINATOR))
    assert get_incoming_referral(partner_worker, referral.pk) == referral
    with pytest.raises(Http404):
        get_case(partner_worker, setting["mine"].pk)
    third = actor_for(make_staff(network["other_center"], Role.COORDINATOR))
    with pytest.raises(Http404):
        get_incoming_referral(third, referral.pk)
    with pytest.raises(Http404):
        get_incoming_referral(setting["coordinator"], referral.pk)
    assert Case.objects.count() == 2
