"""Access declarations for the case-work URLs.

Cases belong to exactly one organisation. In the world, the own prefecture has a case assigned to the
coordinator only, so a ピアサポーター of the prefecture gets 404 on it (visible_cases), and a second case
assigned to that peer, on which the peer works like a coordinator. Referral queue URLs name referrals
sent to the acting organisation.
"""

from datetime import date

from tsunagu.cases import actions
from tsunagu.cases.models import (
    Appointment,
    AppointmentStatus,
    Case,
    Channel,
    Consent,
    Consulter,
    Contact,
    Referral,
    ReferralStatus,
    ReferralTarget,
)
from tsunagu.orgs.models import OrgKind, Role
from tsunagu.orgs.rules import Actor, Perm

from ..access import UrlCase
from ..factories import make_org, make_staff

READERS = {Role.ADMIN: 200, Role.COORDINATOR: 200, Role.VIEWER: 200, Role.STATISTICIAN: 403}
WRITERS = {Role.ADMIN: 200, Role.COORDINATOR: 200, Role.VIEWER: 403, Role.STATISTICIAN: 403}


def read(assigned: bool):
    return lambda role: READERS.get(role, 200 if assigned else 404)


def write(assigned: bool):
    return lambda role: WRITERS.get(role, 200 if assigned else 404)


def _case(world, side):
    return {"pk": world[f"{side}_case"].pk}


def _peer_case(world, side):
    return {"pk": world[f"{side}_peer_case"].pk}


def _print(world, side):
    return {"pk": world[f"{side}_case"].pk, "form": "intake"}


def _peer_print(world, side):
    return {"pk": world[f"{side}_peer_case"].pk, "form": "progress"}


def _contact(world, side):
    return {"pk": world[f"{side}_case"].pk, "contact_pk": world[f"{side}_contact"].pk}


def _consent(world, side):
    return {"pk": world[f"{side}_case"].pk, "consent_pk": world[f"{side}_consent"].pk}


def _referral(world, side):
    return {"pk": world[f"{side}_case"].pk, "referral_pk": world[f"{side}_referral"].pk}


def _appointment(world, side):
    return {"pk": world[f"{side}_case"].pk, "appointment_pk": world[f"{side}_appointment"].pk}


def _other_appointment_changed(world):
    appointment = Appointment.objects.get(pk=world["other_appointment"].pk)
    return appointment.version != 1 or appointment.status != AppointmentStatus.PLANNED or appointment.place != ""


def _find(role):
    # The search box answers with a redirect (to the case, or to the list searching for the words).
    return {Role.STATISTICIAN: 403}.get(role, 302)


def _incoming(world, side):
    return {"pk": world[f"{side}_incoming"].pk}


def _other_case_changed(world):
    case = Case.objects.get(pk=world["other_case"].pk)
    return case.version != 1 or case.name != "他県花子"


NEW_CONTACT = {"date": "2021-06-01", "channel": Channel.PHONE, "consulter": Consulter.FAMILY, "notes": "書き込み"}

URL_CASES = [
    UrlCase("case_list", Perm.VIEW_CASES, leak=lambda w: w["other_case"].name, expected=read(True)),
    UrlCase("case_add", Perm.EDIT_CASES, leak=lambda w: w["other_city"].name, expected=write(True)),
    UrlCase("case_detail", Perm.VIEW_CASES, kwargs=_case, expected=read(False)),
    UrlCase("case_detail", Perm.VIEW_CASES, kwargs=_peer_case, expected=read(True)),
    UrlCase("case_print", Perm.VIEW_CASES, kwargs=_print, expected=read(False)),
    UrlCase("case_print", Perm.VIEW_CASES, kwargs=_peer_print, expected=read(True)),
    UrlCase(
        "case_edit",
        Perm.EDIT_CASES,
        kwargs=_case,
        expected=write(False),
        post={
            "number": "X-1",
            "opened_on": "2021-04-01",
            "first_consulter": Consulter.FAMILY,
            "name": "書換",
            "age_band": "unknown",
            "sex": "unknown",
            "version": "1",
            "household-TOTAL_FORMS": "0",
            "household-INITIAL_FORMS": "0",
        },
        changed=_other_case_changed,
    ),
    UrlCase("case_edit", Perm.EDIT_CASES, kwargs=_peer_case, expected=write(True)),
    UrlCase(
        "case_status",
        Perm.EDIT_CASES,
        kwargs=_case,
        expected=write(False),
        post={"status": "closed", "on": "2021-05-01", "version": "1"},
        changed=_other_case_changed,
    ),
    UrlCase(
        "case_assign",
        Perm.EDIT_CASES,
        kwargs=_case,
        post={"users": [], "version": "1"},
        changed=lambda w: not w["other_case"].assigned.exists(),
    ),
    UrlCase(
        "contact_add",
        Perm.EDIT_CASES,
        kwargs=_case,
        expected=write(False),
        post=NEW_CONTACT,
        changed=lambda w: Contact.objects.filter(notes="書き込み").exists(),
    ),
    UrlCase("contact_add", Perm.EDIT_CASES, kwargs=_peer_case, expected=write(True)),
    UrlCase(
        "contact_edit",
        Perm.EDIT_CASES,
        kwargs=_contact,
        expected=write(False),
        post={**NEW_CONTACT, "version": 1},
        changed=lambda w: Contact.objects.filter(notes="書き込み").exists(),
    ),
    UrlCase(
        "contact_delete",
        Perm.EDIT_CASES,
        kwargs=_contact,
        expected=write(False),
        post={},
        changed=lambda w: not Contact.objects.filter(pk=w["other_contact"].pk).exists(),
    ),
    UrlCase(
        "consent_add",
        Perm.EDIT_CASES,
        kwargs=_case,
        expected=write(False),
        post={
            "given_by": ReferralTarget.PERSON,
            "purpose": "書き込み",
            "given_on": "2021-05-01",
            "share_with_categories": ["1"],
        },
        changed=lambda w: Consent.objects.filter(purpose="書き込み").exists(),
    ),
    UrlCase(
        "consent_withdraw",
        Perm.EDIT_CASES,
        kwargs=_consent,
        expected=write(False),
        post={"on": "2021-06-01"},
        changed=lambda w: Consent.objects.get(pk=w["other_consent"].pk).withdrawn_on is not None,
    ),
    UrlCase(
        "referral_add",
        Perm.EDIT_CASES,
        kwargs=_case,
        expected=write(False),
        post={
            "date": "2021-06-01",
            "target": ReferralTarget.PERSON,
            "partner_name": "書き込み",
            "destination": "ibasho",
        },
        changed=lambda w: Referral.objects.filter(partner_name="書き込み").exists(),
    ),
    UrlCase(
        "referral_status",
        Perm.EDIT_CASES,
        kwargs=_referral,
        expected=write(False),
        post={"status": ReferralStatus.DECIDED, "on": "2021-06-02", "version": "1"},
        changed=lambda w: Referral.objects.get(pk=w["other_referral"].pk).status != ReferralStatus.REQUESTED,
    ),
    UrlCase("referral_incoming", Perm.VIEW_CASES, leak=lambda w: w["other_incoming"].organisation.name),
    UrlCase(
        "referral_accept",
        Perm.EDIT_CASES,
        kwargs=_incoming,
        post={},
        changed=lambda w: Referral.objects.get(pk=w["other_incoming"].pk).status != ReferralStatus.REQUESTED,
    ),
    UrlCase(
        "referral_decline",
        Perm.EDIT_CASES,
        kwargs=_incoming,
        post={"reason": "x"},
        changed=lambda w: Referral.objects.get(pk=w["other_incoming"].pk).status != ReferralStatus.REQUESTED,
    ),
    UrlCase("partner_directory", Perm.VIEW_ORG, leak=lambda w: w["other_partner"].name),
    UrlCase("case_find", Perm.VIEW_CASES, expected=_find),
    UrlCase("case_settings", Perm.MANAGE_ORG),
    UrlCase("appointment_week", Perm.VIEW_CASES, leak=lambda w: w["other_case"].number, expected=read(True)),
    UrlCase(
        "appointment_add",
        Perm.EDIT_CASES,
        kwargs=_case,
        expected=write(False),
        post={"date": "2021-06-01", "channel": Channel.PHONE, "place": "書き込み"},
        changed=lambda w: Appointment.objects.filter(place="書き込み").exists(),
    ),
    UrlCase("appointment_add", Perm.EDIT_CASES, kwargs=_peer_case, expected=write(True)),
    UrlCase(
        "appointment_edit",
        Perm.EDIT_CASES,
        kwargs=_appointment,
        expected=write(False),
        post={"date": "2021-06-01", "channel": Channel.PHONE, "place": "書き込み", "version": "1"},
        changed=_other_appointment_changed,
    ),
    UrlCase(
        "appointment_cancel",
        Perm.EDIT_CASES,
        kwargs=_appointment,
        expected=write(False),
        post={"version": "1"},
        changed=_other_appointment_changed,
    ),
]


def extend_world(world):
    for side in ("own", "other"):
        pref = world[side]
        coordinator = make_staff(pref, Role.COORDINATOR, username=f"{side}-case-worker")
        actor = Actor(user=coordinator.user, membership=coordinator)
        name = "自県太郎" if side == "own" else "他県花子"
        case = actions.open_case(
            actor=actor,
            number=f"{side.upper()}-0001",
            opened_on=date(2021, 4, 1),
            name=name,
            first_consulter=Consulter.FAMILY,
        )
        world[f"{side}_case"] = case
        peer = world["members"][Role.PEER] if side == "own" else make_staff(pref, Role.PEER)
        world[f"{side}_peer_case"] = actions.open_case(
            actor=actor, number=f"{side.upper()}-0002", opened_on=date(2021, 4, 1), assigned=[peer.user]
        )
        world[f"{side}_appointment"] = actions.schedule_appointment(
            actor=actor, case=case, date=date(2021, 6, 1), channel=Channel.HOME_VISIT
        )
        world[f"{side}_contact"] = actions.log_contact(
            actor=actor, case=case, date=date(2021, 5, 1), channel=Channel.PHONE, consulter=Consulter.FAMILY
        )
        partner = make_org(
            OrgKind.PARTNER, pref, name=f"{'自県' if side == 'own' else '他県'}みなと病院", category="医療機関"
        )
        world[f"{side}_partner"] = partner
        world[f"{side}_consent"] = actions.record_consent(
            actor=actor,
            case=case,
            given_by=ReferralTarget.PERSON,
            purpose="受診のため",
            given_on=date(2021, 5, 1),
            share_with=[partner],
        )
        world[f"{side}_referral"] = actions.refer(
            actor=actor,
            case=case,
            date=date(2021, 5, 2),
            target=ReferralTarget.PERSON,
            partner_name="外部の相談窓口",
            category=partner.category,
        )
        # A referral a centre sent to the prefecture itself: it is in the prefecture's queue.
        center = make_org(OrgKind.CENTER, pref, name=f"{'自県' if side == 'own' else '他県'}の紹介元センター")
        sender = make_staff(center, Role.COORDINATOR)
        sender_actor = Actor(user=sender.user, membership=sender)
        sent = actions.open_case(actor=sender_actor, number="C-1", opened_on=date(2021, 4, 1))
        world[f"{side}_incoming"] = actions.refer(
            actor=sender_actor,
            case=sent,
            date=date(2021, 5, 3),
            target=ReferralTarget.FAMILY,
            partner=pref,
            category=partner.category,
        )
