"""Contacts: the phone call's short form on the case page (htmx, or a plain POST without JS), the full
form for visits and accompaniment, editing with an optimistic lock, and deleting a mistaken entry."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tsunagu.core.forms import apply_errors
from tsunagu.core.formtokens import AlreadySaved, already_saved, create_once
from tsunagu.core.wareki import format_date

from .. import actions, queries
from ..access import can_write_cases, get_case, get_contact
from ..forms import ContactForm
from ..models import AppointmentStatus, Channel
from . import case_work_view, is_htmx, reading

CONTACT_FORM_FIELDS = [
    "date",
    "time",
    "channel",
    "consulter",
    "consulter_relation",
    "staff",
    "minutes",
    "notes",
    "with_peer",
    "with_specialist_team",
    "visit_members",
]


def _saved_message(contact) -> str:
    return _("%(date)s（%(wareki)s）の%(channel)sを記録しました。") % {
        "date": contact.date.isoformat(),
        "wareki": format_date(contact.date),
        "channel": contact.get_channel_display(),
    }


def _quick_response(request, case, form, saved=None):
    """The htmx answer: the short form again (fresh after a save, with errors otherwise) and, after a
    save, the timeline swapped in out of band."""
    context = {
        "case": case,
        "quick_form": form,
        "saved_message": _saved_message(saved) if saved else "",
        "can_write": can_write_cases(request.actor),
    }
    if saved is not None:
        context.update(queries.case_page(case), oob=True)
    return render(request, "cases/_quick_contact.html", context)


def _planned(planned, value):
    """The planned appointment of the case named in the address, or None (another case's, a closed one,
    or an id that is no number)."""
    if not value:
        return None
    try:
        return ContactForm(appointments=planned).fields["appointment"].clean(value)
    except ValidationError:
        return None


@case_work_view(write=True)
@require_http_methods(["GET", "POST"])
def contact_add(request, pk):
    actor = request.actor
    case = get_case(actor, pk, write=True, log_read=reading(request))
    quick = request.POST.get("quick") == "1"
    channel = request.GET.get("channel")
    initial = {
        "consulter": case.first_consulter,
        "staff": actor.user,
        "channel": channel if channel in Channel.values else Channel.PHONE,
    }
    planned = case.appointments.filter(status=AppointmentStatus.PLANNED)
    # "この予定の記録をする": the form opens with the appointment's date, time, method and staff.
    appointment = _planned(planned, request.GET.get("appointment"))
    if appointment is not None:
        first_staff = appointment.staff.order_by("username").first()
        initial.update(
            appointment=appointment,
            date=appointment.date,
            time=appointment.time,
            channel=appointment.channel,
            staff=first_staff or actor.user,
        )
    form = ContactForm(
        request.POST or None,
        quick=quick,
        staff_queryset=queries.case_staff(actor.organisation),
        initial=initial,
        appointments=None if quick else planned,
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = create_once(
                request,
                lambda: actions.log_contact(actor=actor, case=case, **form.contact_values()),
                url_of=lambda contact: reverse("case_detail", kwargs={"pk": case.pk}) + "#timeline",
            )
        except AlreadySaved as error:
            return already_saved(request, error)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if quick and is_htmx(request):
                fresh = ContactForm(quick=True, initial={"consulter": contact.consulter})
                return _quick_response(request, case, fresh, saved=contact)
            messages.success(request, _saved_message(contact))
            return redirect(reverse("case_detail", kwargs={"pk": case.pk}) + "#timeline")
    if quick and is_htmx(request):
        return _quick_response(request, case, form)
    chosen = appointment or (
        form.cleaned_data.get("appointment") if form.is_bound and hasattr(form, "cleaned_data") else None
    )
    return render(
        request, "cases/contact_form.html", {"case": case, "form": form, "contact": None, "appointment": chosen}
    )


@case_work_view(write=True)
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk, contact_pk):
    actor = request.actor
    case = get_case(actor, pk, write=True, log_read=reading(request))
    contact = get_contact(actor, case, contact_pk, write=True)
    staff = queries.case_staff(actor.organisation)
    if request.method == "POST":
        form = ContactForm(request.POST, editing=True, staff_queryset=staff)
        if form.is_valid():
            values = {name: value for name, value in form.cleaned_data.items() if name != "version"}
            try:
                actions.update_contact(actor=actor, contact=contact, version=form.cleaned_data["version"], **values)
            except ValidationError as error:  # StaleEdit included: the other person's values are shown
                apply_errors(form, error)
            else:
                messages.success(request, _("相談記録を保存しました。"))
                return redirect(reverse("case_detail", kwargs={"pk": case.pk}) + "#timeline")
    else:
        initial = {name: getattr(contact, name) for name in CONTACT_FORM_FIELDS}
        form = ContactForm(initial={**initial, "version": contact.version}, editing=True, staff_queryset=staff)
    return render(request, "cases/contact_form.html", {"case": case, "form": form, "contact": contact})


@case_work_view(write=True)
@require_http_methods(["GET", "POST"])
def contact_delete(request, pk, contact_pk):
    actor = request.actor
    case = get_case(actor, pk, write=True, log_read=reading(request))
    contact = get_contact(actor, case, contact_pk, write=True)
    if request.method == "POST":
        try:
            actions.delete_contact(actor=actor, contact=contact)
        except ValidationError as error:  # a contact in a locked period
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("相談記録を削除しました。"))
        return redirect(reverse("case_detail", kwargs={"pk": case.pk}) + "#timeline")
    return render(request, "cases/contact_delete.html", {"case": case, "contact": contact})
