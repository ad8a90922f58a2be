"""State changes of the public side: windows kept by staff, consultations sent by residents and taken
on by staff. Each runs in one transaction and writes its audit entry inside it."""

import logging
import re
import secrets
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, send_mass_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tsunagu.audit.log import MASK, diff, log_action, snapshot
from tsunagu.cases import actions as case_actions
from tsunagu.cases.models import AgeBand, Channel, Consulter
from tsunagu.core.text import fold
from tsunagu.core.versions import StaleEdit, claim, current_values
from tsunagu.orgs.access import require, state_change
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.regions import MUNICIPAL_KINDS, case_workers
from tsunagu.orgs.rules import Actor, Perm

from . import pagecache, throttle
from .models import ConsultationReply, ConsultationStatus, ReplyMethod, Want, Way, WebConsultation, Window, Writer
from .windows import WINDOW_KINDS, intake_organisation

logger = logging.getLogger(__name__)

WINDOW_FIELDS = ["name", "reading", "phone", "email", "hours", "address", "ways", "topics", "note"]


_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ー－", "-"))
_PHONE = re.compile(r"\+?[0-9()\- ]+")


def window_phone(text: str) -> tuple[str, str | None]:
    """A window's phone number as residents will read and dial it: full-width digits and dashes made
    half-width (０１２３ー４５ → 0123-45), and refused unless it is a number of 10 or 11 digits
    (「でんわ」 is not). Returns the number and the problem, if any."""
    phone = " ".join(unicodedata.normalize("NFKC", text).translate(_DASHES).split())
    if not phone:
        return "", None
    digits = sum(ch.isdigit() for ch in phone)
    if not _PHONE.fullmatch(phone) or not 10 <= digits <= 11:
        return phone, _("「電話番号」は市外局番からの数字10〜11桁で書いてください（例: 0123-45-6789）。")
    return phone, None


@state_change
def save_window(*, actor: Actor, organisation: Organisation, version: int | None = None, **values) -> Window:
    """Create or update the organisation's consultation window (its 管理者, or one above it). A form
    says the version it was opened at, 0 when there was no window yet; a stale one is refused."""
    require(actor, Perm.MANAGE_ORG, organisation, below=True, message=_("この組織の窓口は編集できません。"))
    errors = {}
    if organisation.kind not in WINDOW_KINDS:
        errors["name"] = _("%(name)sには相談窓口を登録できません。") % {"name": organisation.name}
    if not (values.get("name") or "").strip():
        errors["name"] = _("窓口の名称を入力してください。")
    if "reading" in values:
        values["reading"] = fold(values["reading"] or "")[:200]
    if "phone" in values:
        values["phone"], problem = window_phone(values["phone"] or "")
        if problem:
            errors["phone"] = problem
    if set(values.get("ways", [])) - set(Way.values):
        errors["ways"] = _("相談の方法に使えない値があります。")
    if set(values.get("topics", [])) - set(Want.values):
        errors["topics"] = _("得意な相談に使えない値があります。")
    if errors:
        raise ValidationError(errors)
    values["name"] = values["name"].strip()
    # Stored in the order of the choices, so a window reads the same whichever order boxes were ticked.
    values["ways"] = [way for way in Way.values if way in values.get("ways", [])]
    values["topics"] = [want for want in Want.values if want in values.get("topics", [])]
    window = Window.objects.filter(organisation=organisation).first()
    if window is not None and version == 0:  # somebody created it while this person was typing
        raise StaleEdit(current=current_values(window, WINDOW_FIELDS))
    if window is not None:
        claim(window, version, fields=WINDOW_FIELDS)
    before = snapshot(window, WINDOW_FIELDS) if window else {}
    if window is None:
        window = Window(organisation=organisation)
    for name in WINDOW_FIELDS:
        setattr(window, name, values.get(name, getattr(window, name)))
    window.save()
    pagecache.forget_state()
    log_action(
        actor,
        "window.update" if before else "window.create",
        obj=window,
        organisation=organisation,
        changes=diff(before, snapshot(window, WINDOW_FIELDS)),
    )
    return window


class Refused(Exception):
    """A submission the form cannot take; the message is shown to the visitor as it is."""


# Readable and unguessable: no 0/O, 1/I/L; 31^8 ≈ 8.5 × 10^11 references.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"W-{chars[:4]}-{chars[4:]}"


def submit_consultation(
    *,
    actor: Actor,
    region: Organisation,
    site_url: str,
    writer: str,
    age_band: str,
    municipality: Organisation | None,
    reply_method: str,
    message: str,
    name: str = "",
    email: str = "",
    phone: str = "",
) -> WebConsultation:
    """Take a resident's web consultation into the right intake queue. The actor is the visitor: its
    address counts against the rate limit (as a keyed hash) and is recorded nowhere. Raises Refused when
    that address is over the limit; then nothing is stored."""
    if writer not in Writer.values or age_band not in AgeBand.values or reply_method not in ReplyMethod.values:
        raise ValidationError(_("選択肢にない値が送られました。"))
    if municipality is not None and (municipality.kind not in MUNICIPAL_KINDS or not municipality.is_within(region)):
        raise ValidationError({"municipality": _("お住まいの市区町村を一覧から選んでください。")})
    organisation = intake_organisation(region, municipality)
    with transaction.atomic():
        if not throttle.admit(throttle.address_hash(actor.ip)):
            raise Refused(
                _(
                    "短い時間に何度も送信されたため、受け付けできませんでした。しばらく（10分ほど）待ってから、"
                    "もう一度送ってください。急ぐときは、窓口に電話してください。"
                )
            )
        for attempt in range(5):
            try:
                with transaction.atomic():
                    consultation = WebConsultation.objects.create(
                        organisation=organisation,
                        reference=new_reference(),
                        writer=writer,
                        age_band=age_band,
                        municipality=municipality,
                        name=name.strip(),
                        reply_method=reply_method,
                        email=email.strip() if reply_method == ReplyMethod.EMAIL else "",
                        phone=phone.strip() if reply_method == ReplyMethod.PHONE else "",
                        message=message,
                    )
                break
            except IntegrityError:
                if attempt == 4:
                    raise
        # The trail records where it landed, not who sent it or from which address.
        log_action(Actor.system("web-form"), "webconsult.receive", obj=consultation, organisation=organisation)
        link = site_url.rstrip("/") + reverse("intake_detail", kwargs={"pk": consultation.pk})
        transaction.on_commit(lambda: _notify(consultation, link))
    return consultation


def _notify(consultation: WebConsultation, link: str) -> None:
    """Tell the case workers a consultation is waiting. The mail carries no personal data, only the
    reference and a link: what the resident wrote stays inside tsunagu."""
    with translation.override(settings.LANGUAGE_CODE):  # the staff's language, not the visitor's
        subject = _("【tsunagu】Web相談が届きました（%(reference)s）") % {"reference": consultation.reference}
        body = _(
            "%(org)sの受付にWeb相談が1件届きました。\n"
            "受付番号: %(reference)s\n\n"
            "内容はtsunaguにログインして確認してください:\n%(link)s\n\n"
            "このメールには相談の内容を載せていません。"
        ) % {"org": consultation.organisation.name, "reference": consultation.reference, "link": link}
    messages = [
        (subject, body, settings.DEFAULT_FROM_EMAIL, [m.user.email]) for m in case_workers(consultation.organisation)
    ]
    try:
        send_mass_mail(messages, fail_silently=False)
    except Exception:  # the consultation is saved; a mail server that is down must not lose it
        logger.exception("Could not notify case workers of web consultation %s", consultation.pk)


def _require_new(consultation: WebConsultation) -> None:
    if consultation.status != ConsultationStatus.NEW:
        raise ValidationError(
            _("このWeb相談はすでに対応済みです（%(status)s）。") % {"status": consultation.get_status_display()}
        )


@state_change
def convert_to_case(*, actor: Actor, consultation: WebConsultation):
    """ケースにする: open a case from the consultation and record it as its first contact (channel Web)."""
    consultation = WebConsultation.objects.select_for_update().get(pk=consultation.pk)
    require(actor, Perm.EDIT_CASES, consultation.organisation, message=_("他の組織のWeb相談です。"))
    _require_new(consultation)
    received_on = timezone.localdate(consultation.received_at)
    writer = Consulter(consultation.writer)
    reply = {
        ReplyMethod.EMAIL: _("メール（%(to)s）") % {"to": consultation.email},
        ReplyMethod.PHONE: _("電話（%(to)s）") % {"to": consultation.phone},
        ReplyMethod.NONE: _("返事は不要"),
    }[consultation.reply_method]
    notes = _("Web相談 %(reference)s から作成。相談者: %(writer)s%(name)s。返事の方法: %(reply)s") % {
        "reference": consultation.reference,
        "writer": writer.label,
        "name": f"（{consultation.name}）" if consultation.name else "",
        "reply": reply,
    }
    case = case_actions.open_case(
        actor=actor,
        opened_on=received_on,
        first_consulter=writer.value,
        age_band=consultation.age_band,
        municipality=consultation.municipality,
        name=consultation.name if writer == Consulter.PERSON else "",
        notes=notes,
    )
    case_actions.log_contact(
        actor=actor,
        case=case,
        date=received_on,
        channel=Channel.WEB,
        consulter=writer.value,
        notes=consultation.message,
    )
    consultation.status, consultation.case = ConsultationStatus.CONVERTED, case
    consultation.handled_by, consultation.handled_at = actor.user, timezone.now()
    consultation.save(update_fields=["status", "case", "handled_by", "handled_at"])
    log_action(
        actor,
        "webconsult.convert",
        obj=consultation,
        label=f"{consultation.reference}→{case.number}",
        changes={"status": [ConsultationStatus.NEW, ConsultationStatus.CONVERTED], "case": [None, case.pk]},
    )
    return case


@state_change
def add_to_case(*, actor: Actor, consultation: WebConsultation, case) -> None:
    """The consultation is from the person of an existing case (the similar-case check found it): record
    it on that case as a Web contact instead of opening a second case. `case` came through
    cases.access.get_case, so it is the acting organisation's."""
    consultation = WebConsultation.objects.select_for_update().get(pk=consultation.pk)
    require(actor, Perm.EDIT_CASES, consultation.organisation, message=_("他の組織のWeb相談です。"))
    _require_new(consultation)
    if case.organisation_id != consultation.organisation_id:
        raise ValidationError(_("他の組織のケースです。"))
    case_actions.log_contact(
        actor=actor,
        case=case,
        date=timezone.localdate(consultation.received_at),
        channel=Channel.WEB,
        consulter=Consulter(consultation.writer).value,
        notes=consultation.message,
    )
    consultation.status, consultation.case = ConsultationStatus.CONVERTED, case
    consultation.handled_by, consultation.handled_at = actor.user, timezone.now()
    consultation.save(update_fields=["status", "case", "handled_by", "handled_at"])
    log_action(
        actor,
        "webconsult.add_to_case",
        obj=consultation,
        label=f"{consultation.reference}→{case.number}",
        changes={"status": [ConsultationStatus.NEW, ConsultationStatus.CONVERTED], "case": [None, case.pk]},
    )


@state_change
def reply_to_consultation(*, actor: Actor, consultation: WebConsultation, subject: str, body: str) -> ConsultationReply:
    """Reply by e-mail to the address the sender gave, from DEFAULT_FROM_EMAIL with the organisation's
    own address to answer to. The reply is recorded and audited; the address itself is not copied into
    the trail. The mail is sent last, inside the transaction: a mail server that refuses it leaves no
    record of a reply that never left."""
    consultation = WebConsultation.objects.select_for_update().get(pk=consultation.pk)
    require(actor, Perm.EDIT_CASES, consultation.organisation, message=_("他の組織のWeb相談です。"))
    if not consultation.email:
        raise ValidationError(
            {"body": _("このWeb相談にはメールアドレスが書かれていないため、メールで返事はできません。")}
        )
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise ValidationError({"body" if subject else "subject": _("件名と本文を書いてください。")})
    reply = ConsultationReply.objects.create(
        consultation=consultation,
        organisation=consultation.organisation,
        sent_by=actor.user,
        subject=subject,
        body=body,
    )
    log_action(
        actor,
        "webconsult.reply",
        obj=consultation,
        label=consultation.reference,
        changes={"subject": [None, subject], "body": [None, MASK]},
    )
    organisation = consultation.organisation
    message = EmailMessage(
        subject=subject.replace("\n", " ").replace("\r", " "),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[consultation.email],
        reply_to=[organisation.email] if organisation.email else None,
    )
    try:
        message.send(fail_silently=False)
    except Exception as error:  # any backend's failure (SMTP, socket): refused, nothing recorded
        logger.warning("web consultation reply %s not sent: %s", consultation.reference, error)
        raise ValidationError(
            {"body": _("メールを送信できませんでした。時間をおいてもう一度送ってください。")}
        ) from None
    return reply


@state_change
def close_consultation(*, actor: Actor, consultation: WebConsultation, reason: str) -> WebConsultation:
    """対応不要: close without a case, saying why (e.g. a test message, an advertisement)."""
    consultation = WebConsultation.objects.select_for_update().get(pk=consultation.pk)
    require(actor, Perm.EDIT_CASES, consultation.organisation, message=_("他の組織のWeb相談です。"))
    _require_new(consultation)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("対応不要とする理由を入力してください。")})
    consultation.status, consultation.closed_reason = ConsultationStatus.CLOSED, reason[:300]
    consultation.handled_by, consultation.handled_at = actor.user, timezone.now()
    consultation.save(update_fields=["status", "closed_reason", "handled_by", "handled_at"])
    log_action(
        actor,
        "webconsult.close",
        obj=consultation,
        label=consultation.reference,
        changes={"status": [ConsultationStatus.NEW, ConsultationStatus.CLOSED], "reason": [None, reason[:300]]},
    )
    return consultation
