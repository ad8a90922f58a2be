"""Access declarations for the outreach pages (研修・啓発, 広報, サポーター)."""

from datetime import date

from tsunagu.cases.models import Case
from tsunagu.orgs.rules import Perm
from tsunagu.outreach.models import (
    Event,
    Material,
    Supporter,
    SupporterActivity,
    SupporterStatusChange,
)

from ..access import UrlCase


def _pk(key):
    return lambda world, side: {"pk": world[f"{side}_{key}"].pk}


URL_CASES = [
    UrlCase("outreach_event_list", Perm.VIEW_ORG, leak=lambda w: w["other_outreach_event"].name),
    UrlCase("outreach_event_add", Perm.EDIT_CASES, leak=lambda w: w["other_outreach_event"].name),
    UrlCase(
        "outreach_event_edit",
        Perm.EDIT_CASES,
        kwargs=_pk("outreach_event"),
        post={"date": "2024-05-01", "kind": "training", "name": "書き換え", "status": "held", "version": "1"},
        changed=lambda w: Event.objects.filter(name="書き換え").exists(),
    ),
    UrlCase("outreach_material_list", Perm.VIEW_ORG, leak=lambda w: w["other_material"].name),
    UrlCase("outreach_material_add", Perm.EDIT_CASES, leak=lambda w: w["other_material"].name),
    UrlCase(
        "outreach_material_edit",
        Perm.EDIT_CASES,
        kwargs=_pk("material"),
        post={"date": "2024-05-01", "kind": "poster", "name": "書き換え", "version": "1"},
        changed=lambda w: Material.objects.filter(name="書き換え").exists(),
    ),
    UrlCase("supporter_list", Perm.VIEW_ORG, leak=lambda w: w["other_supporter"].name),
    UrlCase("supporter_add", Perm.EDIT_CASES, leak=lambda w: w["other_supporter"].name),
    UrlCase(
        "supporter_edit",
        Perm.EDIT_CASES,
        kwargs=_pk("supporter"),
        post={"name": "書き換え", "status": "left", "version": "1"},
        changed=lambda w: Supporter.objects.filter(name="書き換え").exists(),
    ),
    UrlCase("supporter_activity_list", Perm.VIEW_ORG, leak=lambda w: w["other_supporter"].name),
    UrlCase("supporter_activity_add", Perm.EDIT_CASES, leak=lambda w: w["other_supporter"].name),
    UrlCase(
        "supporter_activity_edit",
        Perm.EDIT_CASES,
        kwargs=_pk("activity"),
        post={"date": "2024-05-02", "kind": "other", "minutes": "999", "version": "1"},
        changed=lambda w: SupporterActivity.objects.filter(minutes=999).exists(),
    ),
]


def extend_world(world):
    today = date.today()
    for side in ("own", "other"):
        org = world[side]
        world[f"{side}_outreach_event"] = Event.objects.create(
            organisation=org, number="E1", date=today, kind="training", name=f"{side}-secret-event", participants=5
        )
        world[f"{side}_material"] = Material.objects.create(
            organisation=org, number="M1", date=today, kind="poster", name=f"{side}-secret-poster", made=10
        )
        supporter = world[f"{side}_supporter"] = Supporter.objects.create(
            organisation=org, number="S1", name=f"{side}-secret-supporter", status="registered"
        )
        SupporterStatusChange.objects.create(
            supporter=supporter, organisation=org, value="registered", applies_from=date(2024, 4, 1)
        )
        case = Case.objects.create(organisation=org, number=f"{side}-supporter-case", opened_on=date(2024, 4, 1))
        world[f"{side}_activity"] = SupporterActivity.objects.create(
            supporter=supporter, organisation=org, date=today, kind="home_visit", minutes=60, case=case
        )
