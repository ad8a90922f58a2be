"""The demo's public side: a consultation window for every municipality and the centre, a few public
居場所 with their coming dates (and the sessions already held, with who came: demo/attendance.py), and
e-mail addresses for the case workers so that the console mail backend shows the web consultation notices.

Idempotent: a window, 居場所 or date that is already there is left as it is (staff may have edited it).
Dates of the 居場所 follow fixed weekly rules over the eight weeks before and the eight weeks from
today, so a run on the same day always gives the same rows.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from tsunagu.cases.models import ReferralTarget
from tsunagu.ibasho import actions as ibasho_actions
from tsunagu.ibasho.models import Ibasho, IbashoEvent, IbashoKind
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.regions import CASE_WORK_ROLES
from tsunagu.orgs.rules import Actor
from tsunagu.public import actions as public_actions
from tsunagu.public.models import Want, Way, Window

from .attendance import record_held_sessions
from .network import CAPITAL, DemoNetwork, municipality_code

WEEKS_AHEAD = 8
WEEKS_HELD = 8  # sessions before today, whose attendees the demo records
OFFICE_HOURS = "平日 8時30分〜17時15分（祝日・年末年始を除く）"
# Subscriber numbers never start with 0 in Japan, so these can never ring anybody.
PHONE = "099-000-{:04d}"


# How residents say the demo municipalities, so the window search finds あおみし.
READINGS = {
    "青海市": "あおみし",
    "汐見市": "しおみし",
    "朝凪市": "あさなぎし",
    "岬原市": "みさきばらし",
    "星ヶ浦市": "ほしがうらし",
    "風早市": "かざはやし",
    "月浜市": "つきはまし",
    "若葉台市": "わかばだいし",
    "波見市": "なみみし",
    "緑ヶ丘市": "みどりがおかし",
    "西浜市": "にしはまし",
    "山吹町": "やまぶきちょう",
    "梢町": "こずえちょう",
    "清流町": "せいりゅうちょう",
    "千草町": "ちぐさちょう",
    "花咲町": "はなさきちょう",
    "青葉町": "あおばちょう",
    "鈴音町": "すずねちょう",
    "白雲町": "しらくもちょう",
    "春風町": "はるかぜちょう",
    "夕凪町": "ゆうなぎちょう",
    "竹ノ浦町": "たけのうらちょう",
    "木漏日町": "こもれびちょう",
    "蛍川町": "ほたるがわちょう",
    "石楠花町": "しゃくなげちょう",
    "雲上村": "うんじょうむら",
    "星降村": "ほしふるむら",
    "深緑村": "しんりょくむら",
    "奥滝村": "おくたきむら",
    "雪見村": "ゆきみむら",
}


def _municipal_window(org: Organisation, serial: int) -> dict:
    is_city = org.name.endswith("市")
    return {
        "name": "ひきこもり相談窓口（福祉課）" if is_city else "保健福祉課 ひきこもり相談",
        "reading": READINGS.get(org.name, ""),
        "phone": PHONE.format(100 + serial),
        "email": f"hikikomori@{org.code}.example.jp" if is_city else "",
        "hours": OFFICE_HOURS,
        "address": f"{org.name}役所 1階 福祉課" if is_city else f"{org.name}役場 保健福祉課",
        "ways": [Way.PHONE, Way.EMAIL, Way.OFFICE, Way.HOME_VISIT]
        if is_city
        else [Way.PHONE, Way.OFFICE, Way.HOME_VISIT],
        "topics": [Want.TALK],
        "note": "ご本人からも、ご家族からも相談できます。訪問での相談もできます。",
    }


def _support_windows(network: DemoNetwork) -> list[tuple[Organisation, dict]]:
    return [
        (
            network.center,
            {
                "name": "ひきこもり相談ダイヤル",
                "phone": PHONE.format(1),
                "email": "soudan@99center.example.jp",
                "hours": "月〜金 9時〜17時（水曜は20時まで）",
                "address": "青海県青海市中央1-1 青海県総合福祉センター 3階",
                "ways": [Way.PHONE, Way.EMAIL, Way.OFFICE, Way.HOME_VISIT, Way.WEB, Way.ONLINE],
                "topics": [Want.TALK, Want.PLACE, Want.WORK, Want.FAMILY],
                "note": "県の専門の相談窓口です。どこに相談したらよいかわからないときも、まずはご連絡ください。",
            },
        ),
        (
            network.satellite,
            {
                "name": "西部サテライト 相談窓口",
                "phone": PHONE.format(2),
                "hours": OFFICE_HOURS,
                "address": "青海県西浜市港町2-5",
                "ways": [Way.PHONE, Way.OFFICE, Way.HOME_VISIT],
                "topics": [Want.TALK],
                "note": "県の西部にお住まいの方は、こちらが近くて便利です。",
            },
        ),
        (
            network.peer_support,
            {
                "name": "ピアサポート・家族相談",
                "phone": PHONE.format(3),
                "hours": "火・木・土 10時〜16時",
                "address": "青海県汐見市本町3-8",
                "ways": [Way.PHONE, Way.EMAIL, Way.OFFICE, Way.HOME_VISIT, Way.SNS],
                "email": "peer@99peer.example.jp",
                "topics": [Want.TALK, Want.FAMILY],
                "note": "ひきこもりを経験した人や、同じ立場の家族が相談にのります。",
            },
        ),
        (
            network.employment_support,
            {
                "name": "しごと相談",
                "phone": PHONE.format(4),
                "hours": OFFICE_HOURS,
                "address": "青海県青海市駅前町4-2",
                "ways": [Way.PHONE, Way.OFFICE, Way.ONLINE],
                "topics": [Want.WORK],
                "note": "働くことに不安がある方の、最初の一歩を手伝います。職場体験もあります。",
            },
        ),
    ]


@dataclass(frozen=True)
class DemoIbasho:
    organisation: str  # attribute of DemoNetwork
    name: str
    kind: str
    municipality: str | None  # municipal number
    place: str
    description: str
    is_public: bool
    weekday: int | None  # 0 = Monday; None: no dates
    start: time
    end: time
    how_to_join: str
    attendee: str = ReferralTarget.PERSON  # who comes to it for a case: the person or a family member


IBASHO = [
    DemoIbasho(
        "center",
        "まったりサロン",
        IbashoKind.PHYSICAL,
        CAPITAL,
        "青海市民会館 2階 和室",
        "お茶を飲んだり、ゲームをしたり、本を読んだり。話さなくても大丈夫です。",
        True,
        2,
        time(14),
        time(16),
        "申し込みはいりません。途中から来ても、途中で帰ってもかまいません。",
    ),
    DemoIbasho(
        "center",
        "オンライン居場所 よるのへや",
        IbashoKind.ONLINE,
        None,
        "",
        "夜に、家からオンラインで参加できる集まりです。カメラはオフ、ニックネームで参加できます。",
        True,
        4,
        time(20),
        time(21, 30),
        "はじめての方は、センターに電話かメールで連絡してください。参加のしかたをお伝えします。",
    ),
    DemoIbasho(
        "peer_support",
        "家族のつどい",
        IbashoKind.HYBRID,
        "202",
        "汐見市福祉センター 会議室",
        "ひきこもりの子をもつ家族が、経験を話し合う会です。会場にもオンラインでも参加できます。",
        True,
        5,
        time(10),
        time(12),
        "会場は申し込み不要です。オンラインで参加する方は前日までに連絡してください。",
        attendee=ReferralTarget.FAMILY,
    ),
    DemoIbasho(
        "satellite",
        "西浜ゆるカフェ（準備中）",
        IbashoKind.PHYSICAL,
        "211",
        "西浜市港町2-5 サテライト 1階",
        "来年度の開設に向けて準備中です。",
        False,
        None,
        time(13),
        time(15),
        "",
    ),
]


def _dates(weekday: int, start: date) -> list[date]:
    first = start + timedelta(days=(weekday - start.weekday()) % 7)
    return [first + timedelta(weeks=n) for n in range(WEEKS_AHEAD)]


def _held_dates(weekday: int, today: date) -> list[date]:
    last = today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)  # the latest before today
    return [last - timedelta(weeks=n) for n in reversed(range(WEEKS_HELD))]


def _case_worker_emails(network: DemoNetwork) -> None:
    """Case workers without an address get one under example.jp, which no mail server delivers to."""
    User = get_user_model()
    workers = User.objects.filter(
        memberships__organisation__in=[network.center, network.capital], memberships__role__in=CASE_WORK_ROLES, email=""
    ).distinct()
    for user in workers.order_by("username"):
        user.email = f"{user.username}@example.jp"
        user.save(update_fields=["email"])


def build_public(network: DemoNetwork, actor: Actor) -> None:
    windows = set(Window.objects.values_list("organisation_id", flat=True))
    plan = [
        (org, _municipal_window(org, serial)) for serial, org in enumerate(network.municipalities.values(), start=1)
    ]
    for org, values in _support_windows(network) + plan:
        if org.pk not in windows:
            public_actions.save_window(actor=actor, organisation=org, **values)
    today = timezone.localdate()
    for spec in IBASHO:
        org = getattr(network, spec.organisation)
        ibasho = Ibasho.objects.filter(organisation=org, name=spec.name).first()
        if ibasho is None:
            municipality = network.municipalities[municipality_code(spec.municipality)] if spec.municipality else None
            ibasho = ibasho_actions.create_ibasho(
                actor=actor,
                organisation=org,
                name=spec.name,
                kind=spec.kind,
                municipality=municipality,
                place=spec.place,
                description=spec.description,
                is_public=spec.is_public,
            )
        if spec.weekday is None:
            continue
        existing = set(IbashoEvent.objects.filter(ibasho=ibasho).values_list("date", flat=True))
        for day in _held_dates(spec.weekday, today) + _dates(spec.weekday, today):
            if day not in existing:
                ibasho_actions.create_event(
                    actor=actor,
                    ibasho=ibasho,
                    date=day,
                    start_time=spec.start,
                    end_time=spec.end,
                    online=spec.kind != IbashoKind.PHYSICAL,
                    place="",
                    how_to_join=spec.how_to_join,
                    is_public=spec.is_public,
                )
        record_held_sessions(ibasho, spec.attendee, today=today, actor=actor)
    _case_worker_emails(network)
