"""The demo network: a fictional prefecture (number 99) modelled on the seeds' Kochi-like set-up."""

from dataclasses import dataclass, field

from tsunagu.orgs import actions
from tsunagu.orgs.codes import check_digit
from tsunagu.orgs.models import Organisation, OrgKind, PartnerCategory
from tsunagu.orgs.rules import Actor

PREFECTURE_NUMBER = "99"  # not a real prefecture: codes 99xxxx can never clash with real bodies
PREFECTURE_NAME = "青海県"

# (3-digit municipal number, name): 市 are 2xx, 町村 3xx and up grouped by 郡, as in real codes.
MUNICIPALITIES = [
    ("201", "青海市"),
    ("202", "汐見市"),
    ("203", "朝凪市"),
    ("204", "岬原市"),
    ("205", "星ヶ浦市"),
    ("206", "風早市"),
    ("207", "月浜市"),
    ("208", "若葉台市"),
    ("209", "波見市"),
    ("210", "緑ヶ丘市"),
    ("211", "西浜市"),
    ("301", "山吹町"),
    ("302", "梢町"),
    ("303", "清流町"),
    ("321", "千草町"),
    ("322", "花咲町"),
    ("323", "青葉町"),
    ("341", "鈴音町"),
    ("342", "白雲町"),
    ("343", "春風町"),
    ("361", "夕凪町"),
    ("362", "竹ノ浦町"),
    ("381", "木漏日町"),
    ("382", "蛍川町"),
    ("401", "石楠花町"),
    ("304", "雲上村"),
    ("324", "星降村"),
    ("344", "深緑村"),
    ("363", "奥滝村"),
    ("402", "雪見村"),
]
CAPITAL = "201"  # the city whose staff log in to the demo
SATELLITE_CITY = "211"

# One partner agency per category of the national report, in its order: (category, name, where).
# "where" is a municipal number, or None for the prefecture.
PARTNERS = [
    ("福祉事務所", "青海市福祉事務所", "201"),
    ("福祉事務所以外の市区町村窓口", "汐見市 健康福祉課", "202"),
    ("社会福祉協議会", "青海市社会福祉協議会", "201"),
    ("自立相談支援事業実施機関", "青海市くらし自立相談センター", "201"),
    ("地域包括支援センター", "朝凪市地域包括支援センター", "203"),
    ("児童相談所", "青海県中央児童相談所", None),
    ("児童家庭支援センター", "児童家庭支援センター ひだまり", None),
    ("保健所・保健センター", "青海県西部保健所", None),
    ("精神保健福祉センター", "青海県精神保健福祉センター", None),
    ("発達障害者支援センター", "青海県発達障害者支援センター", None),
    ("医療機関", "医療法人 あおみ こころのクリニック", "201"),
    ("子ども・若者総合相談センター", "青海県子ども・若者総合相談センター", None),
    ("地域若者サポートステーション", "あおみ地域若者サポートステーション", None),
    ("ハローワーク", "ハローワーク青海", None),
    ("企業", "株式会社 汐見ファーム", "202"),
    ("学校・教育委員会等", "青海県教育委員会", None),
    ("民間支援団体（当事者団体・NPO法人等）", "NPO法人 居場所ひなた", "201"),
    ("障害者雇用促進関連施設", "青海障害者職業センター", None),
    ("障害者総合支援関連施設", "就労継続支援B型事業所 みどりの家", "211"),
    ("他のひきこもり地域支援センター", "緑川県ひきこもり地域支援センター", None),
    ("その他", "あおみ いのちの電話", None),
]


def municipality_code(number: str) -> str:
    first_five = PREFECTURE_NUMBER + number
    return f"{first_five}{check_digit(first_five)}"


PREFECTURE_CODE = municipality_code("000")  # 990001


@dataclass
class DemoNetwork:
    nation: Organisation
    prefecture: Organisation
    center: Organisation
    satellite: Organisation
    peer_support: Organisation  # 委託先 run by the family association; its staff are ピアサポーター
    employment_support: Organisation
    municipalities: dict[str, Organisation] = field(default_factory=dict)  # by code
    partners: dict[str, Organisation] = field(default_factory=dict)  # by category name
    created: int = 0  # how many organisations this run added (0 on a re-run)

    @property
    def organisations(self) -> list[Organisation]:
        fixed = [self.nation, self.prefecture, self.center, self.satellite, self.peer_support, self.employment_support]
        return [*fixed, *self.municipalities.values(), *self.partners.values()]

    @property
    def capital(self) -> Organisation:
        return self.municipalities[municipality_code(CAPITAL)]


class _Builder:
    """Adds each organisation unless its code is already there, so a second run changes nothing."""

    def __init__(self, actor: Actor):
        self.actor = actor
        self.existing = {org.code: org for org in Organisation.objects.all()}
        self.created = 0

    def org(self, code, name, kind, parent=None, category=None) -> Organisation:
        if code in self.existing:
            return self.existing[code]
        org = actions.create_organisation(
            actor=self.actor, code=code, name=name, kind=kind, parent=parent, category=category
        )
        self.existing[code] = org
        self.created += 1
        return org


def build_network(actor: Actor) -> DemoNetwork:
    b = _Builder(actor)
    nation = b.org("000000", "厚生労働省", OrgKind.NATIONAL)
    prefecture = b.org(PREFECTURE_CODE, PREFECTURE_NAME, OrgKind.PREFECTURE, nation)
    municipalities = {}
    for number, name in MUNICIPALITIES:
        code = municipality_code(number)
        municipalities[code] = b.org(code, name, OrgKind.MUNICIPALITY, prefecture)
    center = b.org("99CENTER", f"{PREFECTURE_NAME}ひきこもり地域支援センター", OrgKind.CENTER, prefecture)
    satellite_city = municipalities[municipality_code(SATELLITE_CITY)].name
    satellite = b.org(
        "99CENTER-W",
        f"{PREFECTURE_NAME}ひきこもり地域支援センター {satellite_city}サテライト",
        OrgKind.SATELLITE,
        center,
    )
    peer_support = b.org(
        "99PEER", "ひきこもりピアサポートセンター（青海県ひきこもり家族会 運営）", OrgKind.CONTRACTOR, center
    )
    employment_support = b.org("99WORK", "NPO法人 しごとのわ（就労支援）", OrgKind.CONTRACTOR, prefecture)
    categories = {category.name: category for category in PartnerCategory.objects.all()}
    partners = {}
    for order, (category, name, where) in enumerate(PARTNERS, start=1):
        parent = municipalities[municipality_code(where)] if where else prefecture
        partners[category] = b.org(f"99P{order:02d}", name, OrgKind.PARTNER, parent, categories[category])
    return DemoNetwork(
        nation=nation,
        prefecture=prefecture,
        center=center,
        satellite=satellite,
        peer_support=peer_support,
        employment_support=employment_support,
        municipalities=municipalities,
        partners=partners,
        created=b.created,
    )
