"""Printable forms of a case, as PDF in the layout of the 自立相談支援機関使用標準様式 (帳票類).

Municipalities already file these: the 相談受付・申込票 (A票: basic facts, who came, what about, and the
application with or without the line consenting to sharing with partner agencies), the 支援経過記録シート
(the contacts in date order), a ケース記録票 (everything recorded about the case on one sheet) and a 同意書
to sign. Each is filled from the records; what the records do not hold is left as an empty box to write in
by hand. Printing a form reads personal data, so it is written to the audit trail (case.print, with the
form's key) by print_form, which is the only way to produce one.
"""

from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.audit.log import log_action
from tsunagu.core.exporting import html_to_pdf
from tsunagu.core.wareki import age_on, format_date
from tsunagu.orgs.rules import Actor

from .models import Case, Consulter, ReferralTarget


@dataclass(frozen=True)
class PrintForm:
    key: str
    title: str
    template: str
    filename: str  # without the case number and extension


FORMS = {
    form.key: form
    for form in (
        PrintForm("intake", _("相談受付・申込票"), "cases/print/intake.html", "相談受付・申込票"),
        PrintForm(
            "intake-consent",
            _("相談受付・申込票（同意欄つき）"),
            "cases/print/intake.html",
            "相談受付・申込票_同意欄つき",
        ),
        PrintForm("progress", _("支援経過記録シート"), "cases/print/progress.html", "支援経過記録シート"),
        PrintForm("record", _("ケース記録票"), "cases/print/record.html", "ケース記録票"),
        PrintForm("consent", _("同意書"), "cases/print/consent.html", "同意書"),
    )
}

# The concerns listed on the standard A票; a hikikomori support centre's case is always the one marked.
CONCERNS = [
    _("病気や健康、障害のこと"),
    _("住まいについて"),
    _("収入・生活費のこと"),
    _("仕事探し、就職について"),
    _("地域との関係について"),
    _("家族との関係について"),
    _("介護のこと"),
    _("ひきこもり・不登校"),
    _("DV・虐待"),
    _("その他"),
]
HIKIKOMORI = 7


def _staff_name(user) -> str:
    if user is None:
        return ""
    return user.first_name or user.get_username()  # as the case pages name staff


def _visitor(case: Case, first_contact, household: list) -> dict | None:
    """Who came to the first consultation when it was not the person: the family member named on the
    contact (母), with that member's name and phone from the people around the case."""
    consulter = first_contact.consulter if first_contact else case.first_consulter
    if consulter == Consulter.PERSON:
        return None
    relation = first_contact.consulter_relation if first_contact else ""
    member = next((m for m in household if relation and m.relationship == relation), None)
    return {
        "consulter": Consulter(consulter).label,
        "relation": relation,
        "name": member.name if member else "",
        "phone": member.phone if member else "",
    }


def form_context(case: Case, form: PrintForm, *, printed_by, today: date) -> dict:
    """What the form's template shows, read from the case's records."""
    household = list(case.household.all())
    contacts = list(case.contacts.select_related("staff").order_by("date", "time", "id"))
    for contact in contacts:
        contact.staff_label = contact.staff_name or _staff_name(contact.staff)
    first_contact = contacts[0] if contacts else None
    consents = list(case.consents.prefetch_related("share_with", "share_with_categories").order_by("-given_on", "-id"))
    active = next((c for c in consents if c.is_active), None)
    return {
        "form": form,
        "title": form.title,
        "case": case,
        "organisation": case.organisation,
        "today": today,
        "printed_on": format_date(today),
        "printed_by": _staff_name(printed_by),
        "age": age_on(case.birth_date, today) if case.birth_date and case.birth_date <= today else None,
        "household": household,
        "contacts": contacts,
        "first_contact": first_contact,
        "visitor": _visitor(case, first_contact, household),
        "concerns": [{"label": label, "marked": i == HIKIKOMORI} for i, label in enumerate(CONCERNS)],
        "with_consent": form.key == "intake-consent",
        "assigned": [_staff_name(u) for u in case.assigned.order_by("username")],
        "status_changes": list(case.status_changes.order_by("changed_on", "id")),
        "consents": consents,
        "consent": active,
        "family_consent": active is not None and active.given_by == ReferralTarget.FAMILY,
        "referrals": list(case.referrals.select_related("category", "partner").order_by("date", "id")),
        "appointments": list(case.appointments.filter(status="planned").order_by("date", "time", "id")),
    }


def print_form(actor: Actor, case: Case, key: str) -> tuple[bytes, str] | None:
    """The form `key` of a case the actor reached through access.get_case, as PDF bytes and a file
    name; None for a form that does not exist. The print is recorded (case.print, labelled with the case number and the form's key)."""
    form = FORMS.get(key)
    if form is None:
        return None
    today = timezone.localdate()
    html = render_to_string(form.template, form_context(case, form, printed_by=actor.user, today=today))
    pdf = html_to_pdf(html)
    log_action(actor, "case.print", obj=case, label=f"{case.number} {form.key}")
    return pdf, f"{form.filename}_{case.number}.pdf"
