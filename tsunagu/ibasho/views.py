"""Staff pages for 居場所: the organisation's places and their dates, whether residents see them, and
who attended each date."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tsunagu.core.forms import apply_errors
from tsunagu.core.formtokens import AlreadySaved, already_saved, create_once
from tsunagu.core.versions import with_version
from tsunagu.orgs.decorators import staff_view
from tsunagu.orgs.rules import Perm

from . import actions, queries
from .access import ATTENDANCE_READ_PERM, WRITE_PERM, get_attendance, get_event, get_ibasho, own_ibasho
from .forms import AttendanceForm, EventForm, IbashoForm


@staff_view(Perm.VIEW_ORG)
def ibasho_list(request):
    places = own_ibasho(request.actor).select_related("municipality").order_by("name", "id")
    return render(request, "ibasho/list.html", {"places": places, "can_write": request.actor.can(WRITE_PERM)})


@staff_view(Perm.VIEW_ORG)
def ibasho_detail(request, pk):
    ibasho = get_ibasho(request.actor, pk)
    return render(
        request,
        "ibasho/detail.html",
        {
            "ibasho": ibasho,
            "events": ibasho.events.annotate(attendance_count=Count("attendances")).order_by(
                "-date", "-start_time", "-id"
            )[:100],
            "can_write": request.actor.can(WRITE_PERM),
            "can_read_attendance": request.actor.can(ATTENDANCE_READ_PERM),
        },
    )


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def ibasho_add(request):
    org = request.actor.organisation
    form = IbashoForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        try:
            ibasho = create_once(
                request,
                lambda: actions.create_ibasho(actor=request.actor, organisation=org, **form.cleaned_data),
                url_of=lambda ibasho: reverse("ibasho_detail", kwargs={"pk": ibasho.pk}),
            )
        except AlreadySaved as error:
            return already_saved(request, error)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("居場所「%(name)s」を登録しました。") % {"name": ibasho.name})
            return redirect("ibasho_detail", pk=ibasho.pk)
    return render(request, "ibasho/form.html", {"form": form, "ibasho": None})


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def ibasho_edit(request, pk):
    ibasho = get_ibasho(request.actor, pk, write=True)
    initial = {name: getattr(ibasho, name) for name in actions.IBASHO_FIELDS} | {"version": ibasho.version}
    form = with_version(IbashoForm(request.POST or None, initial=initial, organisation=ibasho.organisation))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_ibasho(actor=request.actor, ibasho=ibasho, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("居場所「%(name)s」を保存しました。") % {"name": ibasho.name})
            return redirect("ibasho_detail", pk=ibasho.pk)
    return render(request, "ibasho/form.html", {"form": form, "ibasho": ibasho})


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def event_add(request, pk):
    ibasho = get_ibasho(request.actor, pk, write=True)
    form = EventForm(request.POST or None, initial={"is_public": ibasho.is_public})
    if request.method == "POST" and form.is_valid():
        try:
            create_once(
                request,
                lambda: actions.create_event(actor=request.actor, ibasho=ibasho, **form.cleaned_data),
                url_of=lambda event: reverse("ibasho_detail", kwargs={"pk": ibasho.pk}),
            )
        except AlreadySaved as error:
            return already_saved(request, error)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("開催日を追加しました。"))
            return redirect("ibasho_detail", pk=ibasho.pk)
    return render(request, "ibasho/event_form.html", {"form": form, "ibasho": ibasho, "event": None})


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def event_edit(request, pk):
    event = get_event(request.actor, pk, write=True)
    initial = {name: getattr(event, name) for name in actions.EVENT_FIELDS} | {"version": event.version}
    form = with_version(EventForm(request.POST or None, initial=initial))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_event(actor=request.actor, event=event, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("開催日を保存しました。"))
            return redirect("ibasho_detail", pk=event.ibasho_id)
    return render(request, "ibasho/event_form.html", {"form": form, "ibasho": event.ibasho, "event": event})


def _event_page(request, event, form):
    attendance = queries.event_attendance(request.actor, event)
    return render(
        request,
        "ibasho/event_detail.html",
        {
            "event": event,
            "ibasho": event.ibasho,
            "attendance": attendance,
            "form": form,
            "can_write": request.actor.can(WRITE_PERM),
        },
    )


@staff_view(ATTENDANCE_READ_PERM)
def event_detail(request, pk):
    event = get_event(request.actor, pk)
    form = AttendanceForm(actor=request.actor) if request.actor.can(WRITE_PERM) else None
    return _event_page(request, event, form)


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def attendance_add(request, pk):
    """The event page with its attendee form; a mistake shows here with what was typed."""
    event = get_event(request.actor, pk, write=True)
    form = AttendanceForm(request.POST or None, actor=request.actor)
    if request.method == "POST" and form.is_valid():
        try:
            attendance = create_once(
                request,
                lambda: actions.record_attendance(actor=request.actor, event=event, **form.cleaned_data),
                url_of=lambda attendance: reverse("ibasho_event_detail", kwargs={"pk": event.pk}),
            )
        except AlreadySaved as error:
            return already_saved(request, error)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if attendance.case_id:
                messages.success(
                    request, _("ケース%(number)sの参加を記録しました。") % {"number": attendance.case.number}
                )
            else:
                messages.success(request, _("参加を記録しました。"))
            return redirect("ibasho_event_detail", pk=event.pk)
    return _event_page(request, event, form)


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def attendance_remove(request, pk):
    attendance = get_attendance(request.actor, pk)
    event = attendance.event
    if request.method == "POST":
        try:
            actions.remove_attendance(actor=request.actor, attendance=attendance)
        except ValidationError as error:  # an attendance in a locked period
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("参加の記録を削除しました。"))
        return redirect("ibasho_event_detail", pk=event.pk)
    queries.attendance_to_remove(request.actor, attendance)
    return render(request, "ibasho/attendance_remove.html", {"attendance": attendance, "event": event})
