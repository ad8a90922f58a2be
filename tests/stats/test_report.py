"""Every counting rule of DOMAIN.md with hand-computed values, and the seed's peer-support half year
rebuilt from records."""

import io
import json
import random
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from tsunagu.cases import actions
from tsunagu.cases.models import AgeBand, Channel, Consulter, ReferralStatus, ReferralTarget
from tsunagu.orgs.models import OrgKind, PartnerCategory, Role
from tsunagu.stats.report import Period, build_report, rate

from ..cases.factories import actor_for, make_case
from ..factories import make_org, make_staff

FY2021 = Period(date(2021, 4, 1), date(2022, 3, 31))
H1_2021 = Period(date(2021, 4, 1), date(2021, 9, 30))


@pytest.fixture
def worker(network):
    return actor_for(make_staff(network["own_center"], Role.COORDINATOR))


def contact(actor, case, on, channel=Channel.PHONE, consulter=Consulter.FAMILY, **extra):
    return actions.log_contact(actor=actor, case=case, date=on, channel=channel, consulter=consulter, **extra)


@pytest.mark.parametrize(
    "part,whole,expected",
    [
        (1323, 7520, 17.6),
        (1, 3, 33.3),
        (2, 3, 66.7),
        (1, 8, 12.5),
        (1, 16, 6.3),
        (1, 2000, 0.1),
        (0, 0, 0.0),
        (5, 5, 100.0),
    ],
)
def test_rate_rounds_half_up_to_one_decimal(part, whole, expected):
    # 1/16 = 6.25 → 6.3 (half up, not banker's 6.2); 1/2000 = 0.05 → 0.1.
    assert rate(part, whole) == expected


def test_totals_persons_and_new_cases(network, worker):
    old = make_case(worker, opened_on=date(2020, 4, 1))
    contact(worker, old, date(2021, 3, 31))  # before FY2021: old is not new in FY2021
    contact(worker, old, date(2021, 4, 1))
    contact(worker, old, date(2021, 4, 2))
    fresh = make_case(worker, opened_on=date(2021, 5, 1))
    contact(worker, fresh, date(2021, 5, 1))
    contact(worker, fresh, date(2022, 3, 31))
    contact(worker, fresh, date(2022, 4, 1))  # FY2022
    silent = make_case(worker, opened_on=date(2021, 6, 1))  # no contact: neither 実人数 nor 新規
    report = build_report(network["own_center"], FY2021)["contacts"]
    assert (report["total"], report["persons"], report["new_cases"]) == (4, 2, 1)
    # The same figures for everything below the prefecture, and nothing in the other prefecture.
    assert build_report(network["own"], FY2021)["contacts"]["total"] == 4
    assert build_report(network["other"], FY2021)["contacts"]["total"] == 0
    assert silent.first_contact_on is None


def test_parent_contact_counts_in_person_age_band(network, worker):
    """A mother's call about her son counts in the son's band at the call date, not hers."""
    son = make_case(worker, birth_date=date(1991, 7, 1))
    contact(worker, son, date(2021, 6, 30), consulter=Consulter.FAMILY)  # son is 29
    contact(worker, son, date(2021, 7, 1), consulter=Consulter.FAMILY)  # son turns 30
    banded = make_case(worker, age_band=AgeBand.FORTIES)  # the ledger knew only the band
    contact(worker, banded, date(2021, 8, 1))
    unknown = make_case(worker)
    contact(worker, unknown, date(2021, 8, 1))
    bands = build_report(network["own_center"], FY2021)["contacts"]["by_age_band"]
    assert bands == {"10代以下": 0, "20代": 1, "30代": 1, "40代": 1, "50代": 0, "60代以上": 0, "不明": 1}


def test_breakdowns_list_every_label_and_the_cross_table(network, worker):
    case = make_case(worker)
    contact(worker, case, date(2021, 4, 5), Channel.PHONE, Consulter.FAMILY)
    contact(worker, case, date(2021, 4, 6), Channel.PHONE, Consulter.PERSON)
    contact(worker, case, date(2021, 4, 7), Channel.HOME_VISIT, Consulter.PERSON, with_peer=True)
    contact(worker, case, date(2021, 4, 8), Channel.ACCOMPANY, Consulter.PERSON)
    report = build_report(network["own_center"], FY2021)["contacts"]
    assert report["by_channel"] == {
        "電話": 2,
        "メール": 0,
        "来所": 0,
        "訪問": 1,
        "同行": 1,
        "Web": 0,
        "SNS": 0,
        "オンライン": 0,
    }
    assert report["by_consulter"] == {"本人": 3, "家族": 1, "関係機関": 0, "その他": 0}
    assert report["channel_by_consulter"]["電話"] == {"本人": 1, "家族": 1, "関係機関": 0, "その他": 0}
    assert report["channel_by_consulter"]["訪問"] == {"本人": 1, "家族": 0, "関係機関": 0, "その他": 0}
    assert report["outreach"] == {"visits": 1, "accompaniment": 1, "with_peer": 1}


def _partner(network, category):
    return make_org(OrgKind.PARTNER, network["own"], category=category)


def test_referrals_count_by_date_with_category_shares(network, worker):
    mhwc = _partner(network, "精神保健福祉センター")
    hello = _partner(network, "ハローワーク")
    case = make_case(worker)
    for day, partner, status in [
        (date(2021, 4, 10), mhwc, ReferralStatus.DECIDED),
        (date(2021, 5, 10), mhwc, ReferralStatus.FAILED),
        (date(2021, 6, 10), hello, ReferralStatus.DECIDED),
        (date(2022, 4, 1), hello, ReferralStatus.DECIDED),  # FY2022
    ]:
        actions.refer(actor=worker, case=case, date=day, target=ReferralTarget.PERSON, partner=partner, status=status)
    actions.refer(
        actor=worker,
        case=case,
        date=date(2021, 7, 1),
        target=ReferralTarget.FAMILY,
        to_ibasho=True,
        partner_name="家族会",
        status=ReferralStatus.DECIDED,
    )
    report = build_report(network["own_center"], FY2021)["referrals"]
    assert (report["total"], report["decided"]) == (4, 3)
    assert report["by_category"]["精神保健福祉センター"] == {"count": 2, "rate": 50.0, "decided": 1}
    assert report["by_category"]["ハローワーク"] == {"count": 1, "rate": 25.0, "decided": 1}
    assert report["by_category"]["居場所"] == {"count": 1, "rate": 25.0, "decided": 1}
    assert report["by_category"]["医療機関"] == {"count": 0, "rate": 0.0, "decided": 0}
    assert list(report["by_category"])[:2] == ["福祉事務所", "福祉事務所以外の市区町村窓口"]
    assert len(report["by_category"]) == PartnerCategory.objects.count() + 1
    assert report["by_target"] == {"本人": 3, "家族": 1}


def test_connected_counts_each_case_once_per_target(network, worker):
    hello = _partner(network, "ハローワーク")
    twice = make_case(worker)
    for day in (date(2021, 5, 1), date(2021, 6, 1)):
        actions.refer(
            actor=worker,
            case=twice,
            date=day,
            target=ReferralTarget.PERSON,
            partner=hello,
            status=ReferralStatus.DECIDED,
        )
    actions.refer(
        actor=worker,
        case=twice,
        date=date(2021, 6, 2),
        target=ReferralTarget.FAMILY,
        to_ibasho=True,
        partner_name="居場所ひなた",
        status=ReferralStatus.DECIDED,
    )
    pending = make_case(worker)
    actions.refer(actor=worker, case=pending, date=date(2021, 5, 1), target=ReferralTarget.PERSON, partner=hello)
    earlier = make_case(worker)
    actions.refer(
        actor=worker,
        case=earlier,
        date=date(2021, 3, 31),
        target=ReferralTarget.PERSON,
        partner=hello,
        status=ReferralStatus.DECIDED,
    )
    assert build_report(network["own_center"], FY2021)["connected"] == {"total": 2, "本人": 1, "家族": 1}


def test_a_first_ibasho_attendance_connects_a_case_once(network, worker):
    """居場所等の支援につながった件数 also counts a case whose first 居場所 attendance falls in the period;
    later attendances do not, and a case both referred and attending counts once per target."""
    from datetime import time

    from tsunagu.ibasho import actions as ibasho_actions

    place = ibasho_actions.create_ibasho(
        actor=worker, organisation=network["own_center"], name="ほっとサロン", kind="physical", place="公民館"
    )

    def session(on):
        return ibasho_actions.create_event(actor=worker, ibasho=place, date=on, start_time=time(13))

    spring, summer, next_year = session(date(2021, 5, 10)), session(date(2021, 8, 2)), session(date(2022, 4, 5))
    attends = make_case(worker)  # first attendance in FY2021, again in summer: 本人 1
    ibasho_actions.record_attendance(actor=worker, event=spring, case=attends)
    ibasho_actions.record_attendance(actor=worker, event=summer, case=attends)
    mother = make_case(worker)  # a family member's first attendance, and a decided family referral: 家族 1
    ibasho_actions.record_attendance(actor=worker, event=summer, case=mother, target=ReferralTarget.FAMILY)
    actions.refer(
        actor=worker,
        case=mother,
        date=date(2021, 9, 1),
        target=ReferralTarget.FAMILY,
        to_ibasho=True,
        partner_name="居場所ひなた",
        status=ReferralStatus.DECIDED,
    )
    before = make_case(worker)  # first attended in FY2020: its FY2021 attendance is not a first
    ibasho_actions.record_attendance(actor=worker, event=session(date(2021, 3, 20)), case=before)
    ibasho_actions.record_attendance(actor=worker, event=spring, case=before)
    later = make_case(worker)  # first attendance in FY2022
    ibasho_actions.record_attendance(actor=worker, event=next_year, case=later)
    ibasho_actions.record_attendance(actor=worker, event=spring, nickname="たぬき")  # no case: not counted
    ibasho_actions.record_attendance(actor=worker, event=spring, anonymous=True)
    center = network["own_center"]
    assert build_report(center, FY2021)["connected"] == {"total": 2, "本人": 1, "家族": 1}
    assert build_report(center, H1_2021)["connected"] == {"total": 2, "本人": 1, "家族": 1}
    assert build_report(center, Period(date(2021, 6, 1), date(2021, 8, 1)))["connected"]["total"] == 0
    assert build_report(network["own"], Period(date(2020, 4, 1), date(2021, 3, 31)))["connected"]["本人"] == 1
    # The spring session moves to FY2022: `attends` now first attends in the summer, still FY2021.
    ibasho_actions.update_event(actor=worker, event=spring, date=date(2022, 5, 1), start_time=time(13))
    assert build_report(center, FY2021)["connected"] == {"total": 2, "本人": 1, "家族": 1}
    assert build_report(center, Period(date(2021, 4, 1), date(2021, 7, 31)))["connected"]["本人"] == 0


def test_moving_a_contact_across_the_fiscal_year_changes_both_years(network, worker):
    case = make_case(worker, opened_on=date(2021, 4, 1))
    first = contact(worker, case, date(2022, 3, 31))
    contact(worker, case, date(2022, 4, 2))
    fy2022 = Period(date(2022, 4, 1), date(2023, 3, 31))
    before = [build_report(network["own_center"], p)["contacts"] for p in (FY2021, fy2022)]
    assert [(c["total"], c["new_cases"]) for c in before] == [(1, 1), (1, 0)]
    actions.update_contact(actor=worker, contact=first, date=date(2022, 4, 1))
    after = [build_report(network["own_center"], p)["contacts"] for p in (FY2021, fy2022)]
    assert [(c["total"], c["persons"], c["new_cases"]) for c in after] == [(0, 0, 0), (2, 1, 1)]


def test_seed_peer_support_half_year_is_rebuilt_from_records(network):
    """DOMAIN.md: a peer-support centre's half year — 545 contacts (電話114, メール222, 訪問70, 来所139;
    10代8, 20代77, 30代271, 40代83, 50代78, 60代11, 不明17), 29 new cases, 11 connected (本人5, 家族6)."""
    peer_centre = make_org(OrgKind.CONTRACTOR, network["own"], name="ピアサポートセンター")
    worker = actor_for(make_staff(peer_centre, Role.COORDINATOR))
    rng = random.Random(2021)
    channels = [Channel.PHONE] * 114 + [Channel.EMAIL] * 222 + [Channel.HOME_VISIT] * 70 + [Channel.VISIT_OFFICE] * 139
    rng.shuffle(channels)
    # (band, contacts in the half year, cases): 32 cases, 3 of them already known before April.
    groups = [
        (AgeBand.UNDER_20, 8, 1),
        (AgeBand.TWENTIES, 77, 5),
        (AgeBand.THIRTIES, 271, 12),
        (AgeBand.FORTIES, 83, 6),
        (AgeBand.FIFTIES, 78, 5),
        (AgeBand.SIXTY_PLUS, 11, 1),
        (AgeBand.UNKNOWN, 17, 2),
    ]
    cases = []
    for band, n_contacts, n_cases in groups:
        group = [make_case(worker, age_band=band, opened_on=date(2021, 3, 1)) for _ in range(n_cases)]
        cases.extend(group)
        for i in range(n_contacts):
            day = H1_2021.start + timedelta(days=rng.randrange(183))
            consulter = rng.choice([Consulter.PERSON, Consulter.FAMILY])
            contact(worker, group[i % n_cases], day, channels.pop(), consulter)
    for known in cases[:3]:
        contact(worker, known, date(2021, 3, 15))  # before the half year: not new, not counted
    hello = _partner(network, "ハローワーク")
    for case in cases[3:8]:  # 本人 5
        actions.refer(
            actor=worker,
            case=case,
            date=date(2021, 8, 1),
            target=ReferralTarget.PERSON,
            partner=hello,
            status=ReferralStatus.DECIDED,
        )
    for case in cases[8:14]:  # 家族 6, one of them twice
        actions.refer(
            actor=worker,
            case=case,
            date=date(2021, 9, 1),
            target=ReferralTarget.FAMILY,
            to_ibasho=True,
            partner_name="居場所ひなた",
            status=ReferralStatus.DECIDED,
        )
    actions.refer(
        actor=worker,
        case=cases[8],
        date=date(2021, 9, 20),
        target=ReferralTarget.FAMILY,
        to_ibasho=True,
        partner_name="居場所ひなた",
        status=ReferralStatus.DECIDED,
    )
    actions.refer(
        actor=worker,
        case=cases[20],
        date=date(2021, 9, 2),
        target=ReferralTarget.PERSON,
        partner=hello,
        status=ReferralStatus.FAILED,
    )

    report = build_report(peer_centre, H1_2021)
    contacts = report["contacts"]
    assert contacts["total"] == 545
    assert {k: v for k, v in contacts["by_channel"].items() if v} == {
        "電話": 114,
        "メール": 222,
        "来所": 139,
        "訪問": 70,
    }
    assert contacts["by_age_band"] == {
        "10代以下": 8,
        "20代": 77,
        "30代": 271,
        "40代": 83,
        "50代": 78,
        "60代以上": 11,
        "不明": 17,
    }
    assert contacts["new_cases"] == 29
    assert contacts["persons"] == 32
    assert report["connected"] == {"total": 11, "本人": 5, "家族": 6}


def test_report_command_prints_the_contract(network, worker):
    case = make_case(worker)
    contact(worker, case, date(2021, 4, 5))
    out = io.StringIO()
    call_command("report", "--org", network["own"].code, "--fy", "2021", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["org"], data["from"], data["to"]) == (network["own"].code, "2021-04-01", "2022-03-31")
    assert data["contacts"]["total"] == 1
    out = io.StringIO()
    call_command("report", "--org", network["own"].code, "--from", "R3.4.1", "--to", "令和3年9月30日", stdout=out)
    assert json.loads(out.getvalue())["to"] == "2021-09-30"
