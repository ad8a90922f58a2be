"""Access declarations for the 就労体験 pages."""

from datetime import date
from decimal import Decimal

from tsunagu.cases.models import Case
from tsunagu.orgs.rules import Perm
from tsunagu.work.models import AllowanceRate, Host, PaymentList, Placement, ProgramBudget, WorkedDay

from ..access import UrlCase


def _host(world, side):
    return {"pk": world[f"{side}_host"].pk}


def _placement(world, side):
    return {"pk": world[f"{side}_placement"].pk}


def _list(world, side):
    return {"pk": world[f"{side}_payment_list"].pk}


def _download(world, side):
    return {"pk": world[f"{side}_payment_list"].pk, "ext": "xlsx"}


def _other_list_moved(world):
    return PaymentList.objects.get(pk=world["other_payment_list"].pk).status != "draft"


URL_CASES = [
    UrlCase("work_placements", Perm.VIEW_CASES, leak=lambda w: w["other_placement"].number),
    UrlCase("work_placement_add", Perm.EDIT_CASES, leak=lambda w: w["other_host"].name),
    UrlCase("work_placement_detail", Perm.VIEW_CASES, kwargs=_placement),
    UrlCase(
        "work_placement_edit",
        Perm.EDIT_CASES,
        kwargs=_placement,
        post={"case": "x", "program": "training", "start": "2029-06-01", "version": "1"},
        changed=lambda w: Placement.objects.filter(pk=w["other_placement"].pk, program="training").exists(),
    ),
    UrlCase(
        "work_placement_week",
        Perm.EDIT_CASES,
        kwargs=_placement,
        post={"version": "1", "d20290604": "5"},
        changed=lambda w: WorkedDay.objects.filter(placement=w["other_placement"], date=date(2029, 6, 4)).exists(),
    ),
    UrlCase("work_hosts", Perm.VIEW_ORG, leak=lambda w: w["other_host"].name),
    UrlCase("work_host_add", Perm.EDIT_CASES, leak=lambda w: w["other_host"].name),
    UrlCase(
        "work_host_edit",
        Perm.EDIT_CASES,
        kwargs=_host,
        post={"name": "書き換え", "kind": "farm", "version": "1"},
        changed=lambda w: Host.objects.filter(name="書き換え").exists(),
    ),
    UrlCase("work_rates", Perm.VIEW_ORG, leak=lambda w: "7777円"),
    UrlCase("work_rate_add", Perm.APPROVE_PAYMENTS, leak=lambda w: "7777円"),
    UrlCase("work_budget_set", Perm.APPROVE_PAYMENTS, leak=lambda w: "8888"),
    UrlCase("work_payment_lists", Perm.VIEW_CASES, leak=lambda w: "2029-03"),
    UrlCase("work_payment_list_add", Perm.EDIT_CASES, leak=lambda w: "2029-03"),
    UrlCase("work_payment_list", Perm.VIEW_CASES, kwargs=_list),
    UrlCase(
        "work_payment_list_refresh", Perm.EDIT_CASES, kwargs=_list, post={"version": "1"}, changed=_other_list_moved
    ),
    UrlCase(
        "work_payment_list_approve",
        Perm.APPROVE_PAYMENTS,
        kwargs=_list,
        post={"version": "1"},
        changed=_other_list_moved,
    ),
    UrlCase(
        "work_payment_list_settle",
        Perm.APPROVE_PAYMENTS,
        kwargs=_list,
        post={"version": "1"},
        changed=_other_list_moved,
    ),
    UrlCase("work_payment_list_download", Perm.VIEW_CASES, kwargs=_download),
]


def extend_world(world):
    for side in ("own", "other"):
        org = world[side]
        host = world[f"{side}_host"] = Host.objects.create(organisation=org, name=f"{side}-secret-host", kind="farm")
        case = Case.objects.create(organisation=org, number=f"{side}-work-case", opened_on=date(2029, 1, 1))
        placement = world[f"{side}_placement"] = Placement.objects.create(
            organisation=org,
            number=f"{side}-secret-W1",
            case=case,
            host=host,
            program="experience",
            start=date(2029, 6, 1),
        )
        WorkedDay.objects.create(placement=placement, organisation=org, date=date(2029, 6, 1), hours=Decimal(5))
        month = date(2029, 6, 1) if side == "own" else date(2029, 3, 1)
        world[f"{side}_payment_list"] = PaymentList.objects.create(organisation=org, month=month, payee="host")
    AllowanceRate.objects.create(
        organisation=world["other"],
        program="experience",
        payee="host",
        unit="day",
        value=7777,
        applies_from=date(2029, 1, 1),
    )
    ProgramBudget.objects.create(organisation=world["other"], program="experience", fiscal_year=2029, amount=8888)
