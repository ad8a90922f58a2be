"""Appointments (次回予定): planning one on the case page, changing or cancelling it, and the week view
of one staff member or the whole organisation. Recording the contact is the contact form's part
(contacts.contact_add with ?appointment=)."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tsunagu.core.forms import apply_errors
from tsunagu.core.formtokens import AlreadySaved, already_saved, create_once
from tsunagu.core.wareki import format_date

from .. import actions, queries
from ..access import can_write_cases, get_appointment, get_case
from ..forms import AppointmentForm, CancelAppointmentForm, WeekForm
from . import case_work_view, reading


def _back(case) -> str:
    return reverse("case_detail", kwargs={"pk": case.pk}) + "#appointments"


def _saved(appointment) -> str:
    return _("%(date)sの予定（%(channel)s）を保存しました。") % {
        "date": format_date(appointment.date),
        "channel": appointment.get_channel_display(),
    }


@case_work_view(write=True)
@require_http_methods(["GET", "POST"])
def appointment_add(request, pk):
    actor = request.actor
    case = get_case(actor, pk, write=True, log_read=reading(request))
    form = AppointmentForm(
        request.POST or None,
        staff_queryset=queries.case_staff(actor.organisation),
        initial={"staff": [actor.user]},
    )
    if request.method == "POST" and form.is_valid():
        values = form.appointment_values()
        try:
            appointment = create_once(
                request,
                lambda: actions.schedule_appointment(actor=actor, case=case, **values),
                url_of=lambda appointment: _back(case),
            )
        except AlreadySaved as error:
            return already_saved(request, error)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _saved(appointment))
            return redirect(_back(case))
    return render(request, "cases/appointment_form.html", {"case": case, "form": form, "appointment": None})


@case_work_view(write=True)
@require_http_methods(["GET", "POST"])
def appointment_edit(request, pk, appointment_pk):
    actor = request.actor
    case = get_case(actor, pk, write=True, log_read=reading(request))
    appointment = get_appointment(actor, case, appointment_pk, write=True)
    staff = queries.case_staff(actor.organisation)
    if request.method == "POST":
        form = AppointmentForm(request.POST, staff_queryset=staff, editing=True)
        if form.is_valid():
            try:
                actions.update_appointment(
                    actor=actor,
                    appointment=appointment,
                    version=form.cleaned_data["version"],
                    **form.appointment_values(),
                )
            except ValidationError as error:  # StaleEdit included: what was typed stays on the page
                apply_errors(form, error)
            else:
                messages.success(request, _saved(appointment))
                return redirect(_back(case))
    else:
        initial = {name: getattr(appointment, name) for name in actions.APPOINTMENT_FIELDS}
        initial.update(staff=list(appointment.staff.all()), version=appointment.version)
        form = AppointmentForm(initial=initial, staff_queryset=staff, editing=True)
    return render(request, "cases/appointment_form.html", {"case": case, "form": form, "appointment": appointment})


@case_work_view(write=True)
@require_http_methods(["GET", "POST"])
def appointment_cancel(request, pk, appointment_pk):
    actor = request.actor
    case = get_case(actor, pk, write=True, log_read=reading(request))
    appointment = get_appointment(actor, case, appointment_pk, write=True)
    form = CancelAppointmentForm(request.POST or None, initial={"version": appointment.version})
    if request.method == "POST" and form.is_valid():
        try:
            actions.cancel_appointment(actor=actor, appointment=appointment, version=form.cleaned_data["version"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("予定を取り消しました。"))
            return redirect(_back(case))
    return render(request, "cases/appointment_cancel.html", {"case": case, "form": form, "appointment": appointment})


@case_work_view()
def appointment_week(request):
    """A week of appointments: the acting person's by default, another staff member's, or everyone's."""
    actor, today = request.actor, timezone.localdate()
    staff = queries.case_staff(actor.organisation)
    data = request.GET.copy()
    if "staff" not in data and "week" not in data:
        data["staff"] = str(actor.user.pk)
    form = WeekForm(data, staff_queryset=staff)
    chosen = form.cleaned_data if form.is_valid() else {}
    day = chosen.get("week") or today
    week = queries.week_page(actor, day=day, staff=chosen.get("staff"))
    return render(
        request,
        "cases/appointment_week.html",
        {
            "form": form,
            **week,
            "today": today,
            "who": chosen.get("staff"),
            "previous": (week["start"] - timedelta(days=7)).isoformat(),
            "next": (week["start"] + timedelta(days=7)).isoformat(),
            "can_write": can_write_cases(actor),
        },
    )
