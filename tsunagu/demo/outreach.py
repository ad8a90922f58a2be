"""The demo's training and awareness work, materials and ひきこもりサポーター, for the centre: the last
fiscal year and this one up to today, and a few public events in the coming weeks that the public pages
announce. Figures echo the seeds (研修 89名・97名, つながるfesta 64名, 講師派遣 2回, ポスター 5,000枚,
リーフレット 30,000部).

Idempotent: each record carries a fixed number (E…, M…, S…) and a number already there is left alone;
a supporter's activities are added only when the supporter is new. Dates follow fixed rules from today,
so a run on the same day always gives the same rows.
"""

from datetime import date, time, timedelta

from django.utils import timezone

from tsunagu.cases.models import Case
from tsunagu.core import wareki
from tsunagu.orgs.rules import Actor
from tsunagu.outreach import actions
from tsunagu.outreach.models import Event, Material, Supporter

from .network import DemoNetwork

PLACE = "青海県総合福祉センター 3階 大会議室"

# (number, months after the fiscal year's start, day, kind, name, participants, audience)
YEAR_EVENTS = [
    ("01", 2, 10, "training", "ひきこもり支援者研修（基礎編）", 89, "市町村職員・関係機関職員"),
    ("02", 8, 14, "training", "ひきこもり支援者研修（応用編）", 97, "市町村職員・関係機関職員"),
    ("03", 4, 23, "lecture", "つながるfesta", 64, "一般・家族・当事者"),
    ("04", 3, 7, "lecturer", "町の民生委員研修会への講師派遣", 0, "民生委員"),
    ("05", 9, 18, "lecturer", "高校教職員研修への講師派遣", 0, "教職員"),
    ("06", 1, 20, "family_class", "家族教室（第1回）", 12, "家族"),
    ("07", 5, 21, "family_class", "家族教室（第2回）", 9, "家族"),
    ("08", 10, 19, "family_class", "家族教室（第3回）", 11, "家族"),
    ("09", 6, 5, "seminar", "8050問題セミナー", 42, "一般"),
    ("10", 7, 12, "consultation_day", "休日ひきこもり相談会", 7, "本人・家族"),
]
MATERIALS = [
    ("01", 0, 20, "poster", "相談窓口ポスター", 5000, 4200, "市町村窓口、医療機関、学校"),
    ("02", 0, 20, "leaflet", "相談窓口リーフレット", 20000, 15000, "市町村窓口、公民館"),
    ("03", 5, 1, "leaflet", "家族向けリーフレット", 10000, 8000, "保健所、地域包括支援センター"),
    ("04", 3, 1, "newsletter", "センター通信 夏号", 800, 760, "関係機関"),
    ("05", 9, 1, "newsletter", "センター通信 冬号", 800, 740, "関係機関"),
    ("06", 6, 15, "video", "相談の流れの紹介動画", 1, 0, "センターのホームページ"),
]
SUPPORTERS = [
    ("S01", "青木 由美", "registered", 0),
    ("S02", "石田 健", "registered", 0),
    ("S03", "上野 さち子", "registered", 0),
    ("S04", "江口 誠", "registered", 1),
    ("S05", "大西 千尋", "registered", 1),
    ("S06", "加藤 亮", "resting", 0),
    ("S07", "木村 直子", "training", 1),
]
KINDS = ["home_visit", "ibasho", "accompany", "consultation", "home_visit", "ibasho"]


def _on(start: date, months: int, day: int) -> date:
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, min(day, 28))


def _event(actor, center, number, on, kind, name, participants, audience, today, **values):
    if number in values.pop("taken"):
        return
    status = "held" if on <= today else "planned"
    actions.create_event(
        actor=actor,
        organisation=center,
        number=number,
        date=on,
        kind=kind,
        name=name,
        status=status,
        format="in_person",
        audience=audience,
        participants=participants if status == "held" else 0,
        **values,
    )


def build_outreach(network: DemoNetwork, actor: Actor, today: date | None = None) -> None:
    today = today or timezone.localdate()
    center = network.center
    fy = wareki.fiscal_year(today)
    taken = set(Event.objects.filter(organisation=center).values_list("number", flat=True))
    for year in (fy - 1, fy):
        start = wareki.fiscal_year_range(year)[0]
        for serial, months, day, kind, name, participants, audience in YEAR_EVENTS:
            on = _on(start, months, day)
            if on > today + timedelta(days=300):
                continue
            _event(actor, center, f"E{year}-{serial}", on, kind, name, participants, audience, today, taken=taken)
    # Announced to residents: the coming weeks.
    upcoming = [
        (10, "lecture", "ひきこもりを知る講演会", "どなたでも", time(13, 30)),
        (24, "family_class", "はじめての家族教室", "ご家族", time(10, 0)),
        (38, "consultation_day", "休日ひきこもり相談会", "ご本人・ご家族", time(13, 0)),
    ]
    for n, (days, kind, name, audience, start_time) in enumerate(upcoming, 1):
        _event(
            actor,
            center,
            f"P{n:02d}",
            today + timedelta(days=days),
            kind,
            name,
            0,
            audience,
            today,
            taken=taken,
            is_public=True,
            start_time=start_time,
            place=PLACE,
            how_to_join="申込不要・参加無料です。当日、会場へお越しください。"
            if kind != "family_class"
            else "前日までにお電話（099-000-0001）でお申し込みください。参加無料です。",
        )

    made = set(Material.objects.filter(organisation=center).values_list("number", flat=True))
    for year in (fy - 1, fy):
        start = wareki.fiscal_year_range(year)[0]
        for serial, months, day, kind, name, copies, distributed, where in MATERIALS:
            number, on = f"M{year}-{serial}", _on(start, months, day)
            if number in made or on > today:
                continue
            actions.create_material(
                actor=actor,
                organisation=center,
                number=number,
                date=on,
                kind=kind,
                name=name,
                made=copies,
                distributed=distributed,
                distributed_to=where,
            )
        for month in range(12):  # one SNS post a month
            number, on = f"M{year}-SNS{month + 1:02d}", _on(start, month, 5)
            if number in made or on > today:
                continue
            actions.create_material(
                actor=actor,
                organisation=center,
                number=number,
                date=on,
                kind="sns_post",
                name="相談窓口のお知らせ（SNS）",
            )
    _supporters(center, actor, today, fy)


def _supporters(center, actor, today: date, fy: int) -> None:
    existing = set(Supporter.objects.filter(organisation=center).values_list("number", flat=True))
    last_start = wareki.fiscal_year_range(fy - 1)[0]
    cases = list(Case.objects.filter(organisation=center).order_by("number")[:3])
    for index, (number, name, status, joined) in enumerate(SUPPORTERS):
        if number in existing:
            continue
        trained = last_start - timedelta(days=30) if joined == 0 else last_start + timedelta(days=150)
        registered_from = trained + timedelta(days=14)
        supporter = actions.create_supporter(
            actor=actor,
            organisation=center,
            number=number,
            name=name,
            status="training" if status == "training" else "registered",
            status_from=registered_from if status != "training" else trained,
            trained_on=trained if status != "training" else None,
        )
        if status == "resting":
            actions.update_supporter(
                actor=actor, supporter=supporter, status="resting", status_from=last_start + timedelta(days=200)
            )
        if status == "training":
            continue
        # Every other week or so per supporter from registration; this year a little busier than last.
        day, step = registered_from + timedelta(days=3 + index), 16 - (index % 3)
        until = today if status != "resting" else last_start + timedelta(days=199)
        n = 0
        while day <= until:
            busier = wareki.fiscal_year(day) == fy
            kind = KINDS[n % len(KINDS)]
            case = cases[n % len(cases)] if cases and kind in ("home_visit", "accompany") and n % 4 == 0 else None
            actions.record_activity(
                actor=actor,
                organisation=center,
                supporter=supporter,
                date=day,
                kind=kind,
                minutes=60 + 30 * (n % 3),
                case=case,
            )
            n += 1
            day += timedelta(days=step - (3 if busier else 0))
