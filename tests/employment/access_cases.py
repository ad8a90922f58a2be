"""Access declarations for the employment support pages. A registration is a record of its case: the
case access rules decide (a ピアサポーター reaches only the cases assigned to them, so the own case,
assigned to the coordinator only, is 404 for them)."""

from datetime import date

from tsunagu.employment import actions
from tsunagu.employment.models import DecisionRateTarget, Registration
from tsunagu.orgs.rules import Actor, Perm

from ..access import UrlCase
from ..cases.access_cases import read, write


def _case(world, side):
    return {"pk": world[f"{side}_case"].pk}


def _registration(world, side):
    return {"pk": world[f"{side}_registration"].pk}


URL_CASES = [
    UrlCase("employment_list", Perm.VIEW_CASES, leak=lambda w: w["other_case"].number, expected=read(True)),
    UrlCase("employment_funnel", Perm.VIEW_STATS, leak=lambda w: w["other"].name),
    UrlCase("employment_target", Perm.MANAGE_ORG, leak=lambda w: w["other"].name),
    UrlCase("employment_case", Perm.VIEW_CASES, kwargs=_case, expected=read(False)),
    UrlCase(
        "employment_register",
        Perm.EDIT_CASES,
        kwargs=_case,
        expected=write(False),
        post={"registered_on": "2021-08-01", "step": "2"},
        changed=lambda w: Registration.objects.filter(registered_on=date(2021, 8, 1)).exists(),
    ),
    UrlCase(
        "employment_edit",
        Perm.EDIT_CASES,
        kwargs=_registration,
        expected=write(False),
        post={"registered_on": "2021-06-01", "step": "3", "step3_on": "2021-07-01", "version": "1"},
        changed=lambda w: Registration.objects.filter(step=3).exists() or DecisionRateTarget.objects.exists(),
    ),
]


def extend_world(world):
    for side in ("own", "other"):
        case = world[f"{side}_case"]
        actor = Actor.system("tests")
        world[f"{side}_registration"] = actions.register(actor=actor, case=case, registered_on=date(2021, 6, 1))
