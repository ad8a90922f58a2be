"""A small hand-built year of support work whose figures are worked out by hand below, for the page,
download and browser tests.

In the own prefecture's centre, fiscal year 2021 (令和3年度):
  case A (born 1991-07-01, name 山田太郎): 2021-04-05 電話/家族 (29, 20代); 2021-06-30 訪問/本人 with a
    peer (29, 20代); 2021-07-01 来所/本人 (30, 30代). Referred (本人) to 精神保健福祉センター 2021-05-01,
    decided; to ハローワーク 2021-06-01, 不成立.
  case B (band 40代): 2021-03-31 メール/家族 (fiscal 2020, so B is not new in 2021); 2021-10-01
    同行/関係機関. Referred (家族) to a 居場所 2021-11-01, decided.
  case C (age unknown): 2022-03-31 電話/家族. Referred to 精神保健福祉センター 2022-04-01 (fiscal 2022).
In the other prefecture: one contact in 2021 that no figure of the own prefecture may count.

FY2021: 延べ 5, 実人数 3, 新規 2 (A, C); 電話 2, 来所 1, 訪問 1, 同行 1; 本人 2, 家族 2, 関係機関 1;
20代 2, 30代 1, 40代 1, 不明 1; 訪問 1, 同行 1, with a peer 1; つなぎ 3 (精神保健福祉センター 1,
ハローワーク 1, 居場所 1: each 33.3%), 支援決定 2; つながった 本人 1, 家族 1, 計 2.
"""

from datetime import date

from tsunagu.cases import actions
from tsunagu.cases.models import AgeBand, Channel, Consulter, ReferralStatus, ReferralTarget
from tsunagu.orgs.models import OrgKind, Role

from ..cases.factories import actor_for, make_case
from ..factories import make_org, make_staff

PERSONAL_NAME = "山田太郎"


def build(network) -> dict:
    centre = network["own_center"]
    worker = actor_for(make_staff(centre, Role.COORDINATOR))
    mhwc = make_org(OrgKind.PARTNER, network["own"], category="精神保健福祉センター", name="県精神保健福祉センター")
    hello = make_org(OrgKind.PARTNER, network["own"], category="ハローワーク", name="ハローワーク中央")

    def contact(case, on, channel, consulter, **extra):
        actions.log_contact(actor=worker, case=case, date=on, channel=channel, consulter=consulter, **extra)

    a = make_case(worker, number="A-001", name=PERSONAL_NAME, birth_date=date(1991, 7, 1), opened_on=date(2021, 4, 5))
    contact(a, date(2021, 4, 5), Channel.PHONE, Consulter.FAMILY)
    contact(a, date(2021, 6, 30), Channel.HOME_VISIT, Consulter.PERSON, with_peer=True)
    contact(a, date(2021, 7, 1), Channel.VISIT_OFFICE, Consulter.PERSON)
    actions.refer(
        actor=worker,
        case=a,
        date=date(2021, 5, 1),
        target=ReferralTarget.PERSON,
        partner=mhwc,
        status=ReferralStatus.DECIDED,
    )
    actions.refer(
        actor=worker,
        case=a,
        date=date(2021, 6, 1),
        target=ReferralTarget.PERSON,
        partner=hello,
        status=ReferralStatus.FAILED,
    )

    b = make_case(worker, number="B-002", age_band=AgeBand.FORTIES, opened_on=date(2021, 3, 31))
    contact(b, date(2021, 3, 31), Channel.EMAIL, Consulter.FAMILY)
    contact(b, date(2021, 10, 1), Channel.ACCOMPANY, Consulter.AGENCY)
    actions.refer(
        actor=worker,
        case=b,
        date=date(2021, 11, 1),
        target=ReferralTarget.FAMILY,
        to_ibasho=True,
        partner_name="家族会",
        status=ReferralStatus.DECIDED,
    )

    c = make_case(worker, number="C-003", opened_on=date(2022, 3, 31))
    contact(c, date(2022, 3, 31), Channel.PHONE, Consulter.FAMILY)
    actions.refer(actor=worker, case=c, date=date(2022, 4, 1), target=ReferralTarget.PERSON, partner=mhwc)

    other_worker = actor_for(make_staff(network["other_center"], Role.COORDINATOR))
    elsewhere = make_case(other_worker, number="X-999")
    actions.log_contact(
        actor=other_worker, case=elsewhere, date=date(2021, 8, 1), channel=Channel.SNS, consulter=Consulter.PERSON
    )
    return {"worker": worker, "cases": (a, b, c), "mhwc": mhwc, "hello": hello}


def one_person(network, worker):
    """The small-cell world of tests/stats/test_smallcells.py: in June 2021 one person (born 1995-01-01,
    20代) has three phone calls from the family (6/1, 6/8, 6/15), a home visit with a peer supporter (6/20)
    and a referral (本人) to a 精神保健福祉センター, decided (6/25). Returns the case."""
    mhwc = make_org(OrgKind.PARTNER, network["own"], category="精神保健福祉センター", name="県精神保健福祉センター")
    case = make_case(worker, number="P-001", birth_date=date(1995, 1, 1), opened_on=date(2021, 6, 1))
    for day in (1, 8, 15):
        actions.log_contact(
            actor=worker, case=case, date=date(2021, 6, day), channel=Channel.PHONE, consulter=Consulter.FAMILY
        )
    actions.log_contact(
        actor=worker,
        case=case,
        date=date(2021, 6, 20),
        channel=Channel.HOME_VISIT,
        consulter=Consulter.PERSON,
        with_peer=True,
    )
    actions.refer(
        actor=worker,
        case=case,
        date=date(2021, 6, 25),
        target=ReferralTarget.PERSON,
        partner=mhwc,
        status=ReferralStatus.DECIDED,
    )
    return case


def ten_forties(worker) -> None:
    """Ten more people (40代), each with one e-mail (本人) on 2021-06-02."""
    for n in range(10):
        case = make_case(worker, number=f"E-{n:03d}", age_band=AgeBand.FORTIES, opened_on=date(2021, 6, 2))
        actions.log_contact(
            actor=worker, case=case, date=date(2021, 6, 2), channel=Channel.EMAIL, consulter=Consulter.PERSON
        )
