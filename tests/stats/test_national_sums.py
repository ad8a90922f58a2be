"""The nation's report reads the national sums plus the unfolded deltas (stats/rollups.py): it is exact
whether nothing, part or all of the deltas has been folded, the check and the rebuild cover those tables,
and a subtree that is not the whole tree reads the organisations' rows through the closure."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from tsunagu.cases import actions
from tsunagu.cases.models import Channel, Consulter, ReferralTarget
from tsunagu.orgs.models import OrgKind, Role
from tsunagu.stats import national, rollups
from tsunagu.stats.models import ContactMonthDelta, NationContactMonth, NationNewCaseMonth, NewCaseMonthDelta
from tsunagu.stats.report import Period, Rollups, build_report, counted_report

from ..cases.factories import actor_for, make_case
from ..factories import make_org, make_staff

FY2021 = Period(date(2021, 4, 1), date(2022, 3, 31))
HALF = Period(date(2021, 4, 1), date(2021, 9, 30))
ODD = Period(date(2021, 5, 17), date(2022, 1, 9))


@pytest.fixture
def here(network):
    return actor_for(make_staff(network["own_center"], Role.COORDINATOR))


@pytest.fixture
def there(network):
    return actor_for(make_staff(network["other_center"], Role.COORDINATOR))


def _contact(actor, case, day, channel=Channel.PHONE):
    return actions.log_contact(actor=actor, case=case, date=day, channel=channel, consulter=Consulter.PERSON)


def _nation_contacts(network, period=FY2021) -> dict:
    return build_report(network["nation"], period)["contacts"]


def _assert_exact(network):
    assert rollups.differences() == {}
    for period in (FY2021, HALF, ODD):
        assert build_report(network["nation"], period) == counted_report(network["nation"], period), period


def test_the_nation_is_exact_with_deltas_unfolded_partly_folded_and_folded(network, here, there):
    national.fold()  # whatever the fixtures wrote
    a, b = make_case(here), make_case(there)
    _contact(here, a, date(2021, 5, 3))
    _contact(here, a, date(2021, 5, 20), channel=Channel.HOME_VISIT)
    _contact(there, b, date(2021, 5, 9))
    # Unfolded: three contact deltas of +1 (two phone calls in May share a key but not a row), two new cases.
    assert ContactMonthDelta.objects.count() == 3
    assert sorted(ContactMonthDelta.objects.values_list("channel", "n")) == [
        (Channel.HOME_VISIT, 1),
        (Channel.PHONE, 1),
        (Channel.PHONE, 1),
    ]
    assert NewCaseMonthDelta.objects.count() == 2
    assert not NationContactMonth.objects.exists()
    contacts = _nation_contacts(network)
    assert (contacts["total"], contacts["new_cases"], contacts["outreach"]["visits"]) == (3, 2, 1)
    _assert_exact(network)

    assert national.fold() is True
    assert not ContactMonthDelta.objects.exists() and not NewCaseMonthDelta.objects.exists()
    assert sorted(NationContactMonth.objects.values_list("month", "channel", "n")) == [
        (date(2021, 5, 1), Channel.HOME_VISIT, 1),
        (date(2021, 5, 1), Channel.PHONE, 2),
    ]
    assert list(NationNewCaseMonth.objects.values_list("month", "n")) == [(date(2021, 5, 1), 2)]
    assert _nation_contacts(network)["total"] == 3

    # Partly folded: a phone call moved to June (-1 May, +1 June) and one more in May, unfolded.
    first = a.contacts.get(date=date(2021, 5, 3))
    actions.update_contact(actor=here, contact=first, date=date(2021, 6, 1))
    _contact(there, b, date(2021, 5, 30))
    assert sorted(ContactMonthDelta.objects.values_list("month", "channel", "n")) == [
        (date(2021, 5, 1), Channel.PHONE, -1),
        (date(2021, 5, 1), Channel.PHONE, 1),
        (date(2021, 6, 1), Channel.PHONE, 1),
    ]
    contacts = _nation_contacts(network)
    assert contacts["total"] == 4
    assert _nation_contacts(network, Period(date(2021, 5, 1), date(2021, 5, 31)))["total"] == 3
    _assert_exact(network)

    # Every contact of the home visit's key deleted: the folded row goes, as a fresh count has none.
    actions.delete_contact(actor=here, contact=a.contacts.get(channel=Channel.HOME_VISIT))
    assert national.fold() is True
    assert sorted(NationContactMonth.objects.values_list("month", "channel", "n")) == [
        (date(2021, 5, 1), Channel.PHONE, 2),
        (date(2021, 6, 1), Channel.PHONE, 1),
    ]
    assert _nation_contacts(network)["total"] == 3
    _assert_exact(network)


def test_referrals_reach_the_nation_through_the_deltas(network, here):
    case = make_case(here)
    _contact(here, case, date(2021, 4, 5))
    referral = actions.refer(
        actor=here,
        case=case,
        date=date(2021, 6, 1),
        target=ReferralTarget.PERSON,
        to_ibasho=True,
        partner_name="サロン",
    )
    actions.set_referral_status(actor=here, referral=referral, status="decided", on=date(2021, 6, 3))
    referrals = build_report(network["nation"], FY2021)["referrals"]
    assert (referrals["total"], referrals["decided"]) == (1, 1)
    national.fold()
    referrals = build_report(network["nation"], FY2021)["referrals"]
    assert (referrals["total"], referrals["decided"]) == (1, 1)
    _assert_exact(network)


def test_the_nations_report_folds_once_the_deltas_have_grown(network, here, monkeypatch):
    national.fold()
    monkeypatch.setattr(national, "FOLD_ABOVE", 2)
    case = make_case(here)
    _contact(here, case, date(2021, 5, 3))
    _contact(here, case, date(2021, 5, 4))
    build_report(network["own"], FY2021)  # a prefecture's report does not read the national sums
    build_report(network["nation"], FY2021)  # 2 contact deltas and 1 new case: above 2
    assert national.unfolded() == 0
    assert NationContactMonth.objects.get().n == 2
    _contact(here, case, date(2021, 5, 5))
    assert _nation_contacts(network)["total"] == 3  # one delta: read, not folded
    assert national.unfolded() == 1


def test_the_check_counts_the_deltas_and_the_rebuild_folds_them(network, here):
    case = make_case(here)
    _contact(here, case, date(2021, 5, 3))
    national.fold()
    NationContactMonth.objects.update(n=5)  # a hand edit
    ContactMonthDelta.objects.create(
        month=date(2021, 7, 1),
        channel=Channel.EMAIL,
        consulter=Consulter.PERSON,
        age_band="unknown",
        with_peer=False,
        n=1,
    )
    assert rollups.differences() == {"stats_contactmonth_nation": 2}
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("rollups", stdout=out)
    assert "stats_contactmonth_nation: 2行が記録と一致しません。" in out.getvalue()
    call_command("rollups", rebuild=True, stdout=io.StringIO())
    assert national.unfolded() == 0
    assert NationContactMonth.objects.get().n == 1
    _assert_exact(network)


def test_the_fold_command_says_how_many_deltas_it_folded(network, here):
    national.fold()
    case = make_case(here)
    _contact(here, case, date(2021, 5, 3))
    _contact(here, case, date(2021, 5, 4))
    out = io.StringIO()
    call_command("rollups", fold=True, stdout=out)
    assert "全国の差分3行を畳み込みました" in out.getvalue()  # two contacts and the new case
    assert national.unfolded() == 0
    _assert_exact(network)


def test_only_the_whole_tree_reads_the_national_sums(network, here):
    assert Rollups(network["nation"]).whole is True
    assert Rollups(network["own"]).whole is False
    case = make_case(here)
    _contact(here, case, date(2021, 5, 3))
    # A second root: the nation's subtree is no longer every organisation, so it reads the closure.
    elsewhere = make_org(OrgKind.NATIONAL, code="999999", name="別の国")
    center = make_org(OrgKind.CENTER, make_org(OrgKind.PREFECTURE, elsewhere))
    other_worker = actor_for(make_staff(center, Role.COORDINATOR))
    _contact(other_worker, make_case(other_worker), date(2021, 5, 4))
    assert Rollups(network["nation"]).whole is False
    assert _nation_contacts(network)["total"] == 1
    assert build_report(elsewhere, FY2021)["contacts"]["total"] == 1
    _assert_exact(network)
