"""Access declarations for the public pages and the staff pages of tsunagu.public."""

from tsunagu.orgs.rules import Perm
from tsunagu.public.models import ConsultationReply, ConsultationStatus, WebConsultation, Window

from ..access import UrlCase

# Residents use these without logging in; tests/public/test_*.py test each one.
PUBLIC = {
    "public_top",
    "public_windows",
    "public_region",
    "public_window",
    "public_finder_start",
    "public_finder",
    "public_finder_result",
    "public_consult_start",
    "public_consult",
    "public_consult_thanks",
    "public_ibasho",
    "public_events",
    "public_language",
}


def _city(world, side):
    return {"code": world[f"{side}_city"].code}


def _consultation(world, side):
    return {"pk": world[f"{side}_consultation"].pk}


def _other_handled(world) -> bool:
    return WebConsultation.objects.get(pk=world["other_consultation"].pk).status != ConsultationStatus.NEW


URL_CASES = [
    UrlCase("window_list", Perm.MANAGE_ORG, leak=lambda w: w["other_city"].name),
    UrlCase(
        "window_edit",
        Perm.MANAGE_ORG,
        kwargs=_city,
        post={"name": "書き換えた窓口", "version": "0"},
        changed=lambda w: Window.objects.filter(name="書き換えた窓口").exists(),
    ),
    UrlCase("intake_list", Perm.VIEW_CASES, leak=lambda w: w["other_consultation"].reference),
    UrlCase("intake_detail", Perm.VIEW_CASES, kwargs=_consultation),
    UrlCase("intake_convert", Perm.EDIT_CASES, kwargs=_consultation, post={}, changed=_other_handled),
    UrlCase(
        "intake_reply",
        Perm.EDIT_CASES,
        kwargs=_consultation,
        post={"subject": "件名", "body": "書き込み"},
        changed=lambda w: ConsultationReply.objects.exists(),
    ),
    UrlCase("intake_close", Perm.EDIT_CASES, kwargs=_consultation, post={"reason": "いたずら"}, changed=_other_handled),
]


def extend_world(world):
    for side in ("own", "other"):
        Window.objects.create(organisation=world[f"{side}_city"], name=f"{side}-window", phone="099-000-0000")
        world[f"{side}_consultation"] = WebConsultation.objects.create(
            organisation=world[side],
            reference=f"W-{side.upper()[:4]:A<4}-2345",
            writer="family",
            age_band="30s",
            reply_method="none",
            message=f"{side} の相談",
        )
