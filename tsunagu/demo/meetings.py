"""The demo prefecture's meetings for 令和7年度 (FY2025) and 令和8年度 up to today: the centre's regional
liaison councils (中部 with 28 bodies), case conferences it supervised in the municipalities, 事例検討会,
visits to partners held against a plan per municipality, staff meetings with decisions, one council
called off. Dates after today are 予定.

Written through the meetings domain module: meetings by the action (validated, audited), attendance in
bulk after domain.clean_attendance with one audit entry per meeting. Idempotent: nothing is added when
the centre already has meetings.
"""

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from tsunagu.audit.log import log_actions
from tsunagu.meetings import actions, domain
from tsunagu.meetings.models import Attendance, Meeting, MeetingFormat, MeetingKind, MeetingStatus
from tsunagu.orgs.models import Membership, Role
from tsunagu.orgs.rules import Actor

from .network import DemoNetwork, municipality_code

SEED = 10
YEARS = (2025, 2026)
OUTSIDE_BODIES = [
    "青海県警察本部 生活安全企画課",
    "青海県民生委員児童委員協議会",
    "青海県ひきこもり家族会",
    "青海県臨床心理士会",
    "青海県精神保健福祉士協会",
    "青海県社会福祉士会",
    "青海県立青海高等学校",
    "あおみ法律事務所",
]
# (region, month, day, municipal numbers of the block)
COUNCILS = [
    ("中部", 7, 15, ["201", "203", "301", "302", "303", "321"]),
    ("西部", 10, 20, ["211", "206", "207", "341", "342"]),
    ("東部", 12, 10, ["202", "204", "361", "362"]),
    ("北部", 1, 22, ["205", "208", "381", "382", "401"]),
]
# Municipalities whose case conferences the centre supervises, with how many a year.
CONFERENCES = [("201", 4), ("202", 2), ("203", 2), ("211", 2), ("301", 1), ("321", 2), ("341", 1), ("361", 1)]
# 関係機関支援: (municipal number, planned a year, held in a whole year)
VISITS = [("202", 5, 4), ("204", 5, 2), ("302", 2, 2), ("342", 2, 1)]
VISIT_AREA = ("西部保健所管内", 2, 1)  # a typed counterpart, matched by the meetings' region


def _on(fy: int, month: int, day: int) -> date:
    return date(fy + 1 if month < 4 else fy, month, day)


def build_meetings(network: DemoNetwork, actor: Actor, *, seed: int = SEED, today: date | None = None) -> int:
    """Add the demo meetings unless the centre has some. Returns how many meetings were added."""
    if Meeting.objects.filter(organisation=network.center).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(seed)
    centre = network.center
    town = {number: network.municipalities[municipality_code(number)] for number in _numbers()}
    partners = list(network.partners.values())
    made: list[Meeting] = []
    bodies: dict[int, list[tuple]] = {}

    def meeting(on: date, kind, name, **values) -> Meeting | None:
        if on > today + timedelta(days=300):
            return None  # beyond what can be planned (a year ahead at most)
        status = values.pop("status", None) or (MeetingStatus.HELD if on <= today else MeetingStatus.PLANNED)
        m = actions.create_meeting(
            actor=actor,
            organisation=centre,
            date=on,
            kind=kind,
            name=name,
            status=status,
            cancel_reason=values.pop("cancel_reason", ""),
            format=values.pop("format", MeetingFormat.IN_PERSON),
            region=values.pop("region", ""),
            municipality=values.pop("municipality", None),
            supervision=values.pop("supervision", False),
            content=values.pop("content", ""),
        )
        made.append(m)
        return m

    def attend(m: Meeting | None, rows: list[tuple]) -> None:
        if m is not None and m.status == MeetingStatus.HELD:
            bodies[m.pk] = rows

    for fy in YEARS:
        for region, month, day, numbers in COUNCILS:
            on = _on(fy, month, day)
            if fy == 2025 and region == "北部":
                meeting(
                    on,
                    MeetingKind.COUNCIL,
                    f"{region}地区ひきこもり支援連絡協議会",
                    region=region,
                    status=MeetingStatus.CANCELLED,
                    cancel_reason="大雪警報の発令のため中止",
                )
                continue
            m = meeting(
                on,
                MeetingKind.COUNCIL,
                f"{region}地区ひきこもり支援連絡協議会",
                region=region,
                format=MeetingFormat.HYBRID,
                content="各機関の支援状況の共有、事例紹介、意見交換",
            )
            if region == "中部":
                # 28 bodies: the block's municipalities, every partner agency, the outside bodies.
                chosen = [town[n] for n in numbers] + partners[:14]
                outside = OUTSIDE_BODIES[: 28 - len(chosen)]
            else:
                chosen = [town[n] for n in numbers] + rng.sample(partners, 8)
                outside = rng.sample(OUTSIDE_BODIES, 3)
            attend(
                m,
                [(org, org.name, rng.choice((1, 1, 2))) for org in chosen]
                + [(None, name, rng.choice((1, 2))) for name in outside],
            )
        n = 0
        for number, count in CONFERENCES:
            for i in range(count):
                n += 1
                on = _on(fy, (3 + n * 5 + i * 3) % 12 + 1, 1 + (n * 7) % 27)
                m = meeting(
                    on,
                    MeetingKind.CASE_CONFERENCE,
                    f"{town[number].name} 個別ケース検討会",
                    municipality=town[number],
                    supervision=True,
                    content="支援方針の検討（個人に関する情報は会議資料にのみ記載）",
                )
                attend(m, [(town[number], town[number].name, 2), (centre, centre.name, 1)])
        for i, month in enumerate((6, 11)):
            m = meeting(
                _on(fy, month, 18), MeetingKind.CASE_STUDY, f"事例検討会（第{i + 1}回）", format=MeetingFormat.WEB
            )
            attend(m, [(town[n], town[n].name, 1) for n in rng.sample(list(town), 6)])
        for number, planned, held in VISITS:
            actions.create_plan(
                actor=actor,
                organisation=centre,
                fiscal_year=fy,
                kind=MeetingKind.AGENCY_SUPPORT,
                counterpart=town[number],
                counterpart_name="",
                planned=planned,
            )
            for i in range(held):
                meeting(
                    _on(fy, 5 + i * 2, 9 + i),
                    MeetingKind.AGENCY_SUPPORT,
                    ("ケース会議", "勉強会", "業務検討会")[i % 3],
                    municipality=town[number],
                )
        area, planned, held = VISIT_AREA
        actions.create_plan(
            actor=actor,
            organisation=centre,
            fiscal_year=fy,
            kind=MeetingKind.AGENCY_SUPPORT,
            counterpart=None,
            counterpart_name=area,
            planned=planned,
        )
        for _i in range(held):
            meeting(_on(fy, 9, 12), MeetingKind.AGENCY_SUPPORT, "保健所との業務検討会", region=area)
        for month in (4, 7, 10, 1):
            meeting(_on(fy, month, 5), MeetingKind.STAFF, "センター担当者会議", format=MeetingFormat.WEB)

    _bulk_attendance(actor, made, bodies)
    _decisions(actor, network, made, today)
    return len(made)


def _numbers() -> set[str]:
    numbers = {n for _r, _m, _d, block in COUNCILS for n in block}
    return numbers | {n for n, _c in CONFERENCES} | {n for n, _p, _h in VISITS}


def _bulk_attendance(actor: Actor, made: list[Meeting], bodies: dict[int, list[tuple]]) -> None:
    rows, entries = [], []
    by_pk = {m.pk: m for m in made}
    for pk, listed in bodies.items():
        for org, name, people in listed:
            name, people = domain.clean_attendance(body=org, body_name=name, people=people)
            rows.append(Attendance(meeting_id=pk, body=org, body_name=name, people=people))
        entries.append(
            {
                "action": "meeting.attendance_add",
                "obj": by_pk[pk],
                "label": str(by_pk[pk]),
                "changes": {"bodies": [None, len(listed)], "people": [None, sum(p for *_x, p in listed)]},
            }
        )
    Attendance.objects.bulk_create(rows, batch_size=500)
    log_actions(actor, entries, organisation=made[0].organisation if made else None)


def _decisions(actor: Actor, network: DemoNetwork, made: list[Meeting], today: date) -> None:
    owner = (
        Membership.objects.filter(organisation=network.center, role=Role.COORDINATOR, is_active=True)
        .order_by("pk")
        .values_list("user", flat=True)
        .first()
    )
    owner = get_user_model().objects.filter(pk=owner).first()
    held = [m for m in made if m.status == MeetingStatus.HELD and m.kind in (MeetingKind.COUNCIL, MeetingKind.STAFF)]
    texts = [
        "次回までに各機関の相談窓口一覧を更新して共有する",
        "家族教室の案内を各市町村の広報に載せる",
        "ケース検討の記録様式を統一する",
    ]
    for i, m in enumerate(held[-6:]):
        due = m.date + timedelta(days=60)
        done = m.date + timedelta(days=40) if i % 2 == 0 and m.date + timedelta(days=40) <= today else None
        actions.add_decision(
            actor=actor,
            meeting=m,
            text=texts[i % len(texts)],
            owner=owner,
            due_on=due if due <= today + timedelta(days=300) else None,
            done_on=done,
        )
