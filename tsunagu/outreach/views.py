"""Staff pages for 研修・啓発, 広報 and ひきこもりサポーター: lists by 年度, create and edit forms."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tsunagu.core import wareki
from tsunagu.core.formpages import create_page, edit_page
from tsunagu.core.versions import with_version
from tsunagu.orgs.decorators import staff_view

from . import actions, queries
from .access import (
    READ_PERM,
    WRITE_PERM,
    get_activity,
    get_event,
    get_material,
    get_supporter,
    own_supporters,
)
from .domain import ACTIVITY_FIELDS, EVENT_FIELDS, MATERIAL_FIELDS, SUPPORTER_FIELDS
from .forms import ActivityForm, EventForm, MaterialForm, SupporterForm, YearForm


def _fiscal_year(request) -> tuple[int, YearForm]:
    form = YearForm(request.GET or None, initial={"fy": wareki.current_fiscal_year()})
    fy = form.cleaned_data["fy"] if form.is_bound and form.is_valid() else wareki.current_fiscal_year()
    return fy, form


def _year_page(request, template, rows, fy, form, **extra):
    return render(
        request,
        template,
        {
            "rows": rows,
            "fy": fy,
            "fy_label": wareki.fiscal_year_label_both(fy),
            "year_form": form,
            "can_write": request.actor.can(WRITE_PERM),
            **extra,
        },
    )


def _year_url(name: str, on) -> str:
    return f"{reverse(name)}?fy={wareki.fiscal_year(on)}"


# --- events ----------------------------------------------------------------------------------------------


@staff_view(READ_PERM)
def event_list(request):
    fy, form = _fiscal_year(request)
    rows = queries.events_of_year(request.actor, fy)
    held = [row for row in rows if row.status == "held"]
    return _year_page(
        request,
        "outreach/event_list.html",
        rows,
        fy,
        form,
        held=len(held),
        participants=sum(row.participants for row in held),
    )


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def event_add(request):
    org = request.actor.organisation
    return create_page(
        request,
        EventForm(request.POST or None),
        lambda data: actions.create_event(actor=request.actor, organisation=org, **data),
        url_of=lambda event: _year_url("outreach_event_list", event.date),
        done=lambda event: _("「%(name)s」を登録しました。") % {"name": event.name},
        template="outreach/form.html",
        context={"title": _("研修・啓発を登録"), "back": reverse("outreach_event_list")},
    )


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def event_edit(request, pk):
    event = get_event(request.actor, pk, write=True)
    initial = {name: getattr(event, name) for name in EVENT_FIELDS} | {"version": event.version}
    return edit_page(
        request,
        with_version(EventForm(request.POST or None, initial=initial)),
        lambda data: actions.update_event(actor=request.actor, event=event, **data),
        url=_year_url("outreach_event_list", event.date),
        done=_("「%(name)s」を保存しました。") % {"name": event.name},
        template="outreach/form.html",
        context={"title": _("研修・啓発を編集"), "back": _year_url("outreach_event_list", event.date)},
    )


# --- materials -------------------------------------------------------------------------------------------


@staff_view(READ_PERM)
def material_list(request):
    fy, form = _fiscal_year(request)
    rows = queries.materials_of_year(request.actor, fy)
    return _year_page(request, "outreach/material_list.html", rows, fy, form)


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def material_add(request):
    org = request.actor.organisation
    return create_page(
        request,
        MaterialForm(request.POST or None),
        lambda data: actions.create_material(actor=request.actor, organisation=org, **data),
        url_of=lambda material: _year_url("outreach_material_list", material.date),
        done=lambda material: _("「%(name)s」を登録しました。") % {"name": material.name},
        template="outreach/form.html",
        context={"title": _("広報を登録"), "back": reverse("outreach_material_list")},
    )


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def material_edit(request, pk):
    material = get_material(request.actor, pk, write=True)
    initial = {name: getattr(material, name) for name in MATERIAL_FIELDS} | {"version": material.version}
    return edit_page(
        request,
        with_version(MaterialForm(request.POST or None, initial=initial)),
        lambda data: actions.update_material(actor=request.actor, material=material, **data),
        url=_year_url("outreach_material_list", material.date),
        done=_("「%(name)s」を保存しました。") % {"name": material.name},
        template="outreach/form.html",
        context={"title": _("広報を編集"), "back": _year_url("outreach_material_list", material.date)},
    )


# --- supporters ------------------------------------------------------------------------------------------


@staff_view(READ_PERM)
def supporter_list(request):
    return render(
        request,
        "outreach/supporter_list.html",
        {
            "supporters": list(own_supporters(request.actor).order_by("number", "id")),
            "progress": queries.activity_progress(request.actor.organisation),
            "can_write": request.actor.can(WRITE_PERM),
        },
    )


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def supporter_add(request):
    org = request.actor.organisation
    return create_page(
        request,
        SupporterForm(request.POST or None),
        lambda data: actions.create_supporter(actor=request.actor, organisation=org, **data),
        url_of=lambda supporter: reverse("supporter_list"),
        done=lambda supporter: _("サポーター%(number)sを登録しました。") % {"number": supporter.number},
        template="outreach/form.html",
        context={"title": _("サポーターを登録"), "back": reverse("supporter_list")},
    )


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def supporter_edit(request, pk):
    supporter = get_supporter(request.actor, pk, write=True)
    initial = {name: getattr(supporter, name) for name in SUPPORTER_FIELDS} | {
        "status": supporter.status,
        "version": supporter.version,
    }
    return edit_page(
        request,
        with_version(SupporterForm(request.POST or None, initial=initial)),
        lambda data: actions.update_supporter(actor=request.actor, supporter=supporter, **data),
        url=reverse("supporter_list"),
        done=_("サポーター%(number)sを保存しました。") % {"number": supporter.number},
        template="outreach/form.html",
        context={"title": _("サポーターを編集"), "back": reverse("supporter_list")},
    )


@staff_view(READ_PERM)
def activity_list(request):
    fy, form = _fiscal_year(request)
    rows = queries.activities_of_year(request.actor, fy)
    return _year_page(request, "outreach/activity_list.html", rows, fy, form)


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def activity_add(request):
    org = request.actor.organisation
    return create_page(
        request,
        ActivityForm(request.POST or None, actor=request.actor),
        lambda data: actions.record_activity(actor=request.actor, organisation=org, **data),
        url_of=lambda activity: _year_url("supporter_activity_list", activity.date),
        done=lambda activity: _("活動を記録しました。"),
        template="outreach/form.html",
        context={"title": _("サポーターの活動を記録"), "back": reverse("supporter_activity_list")},
    )


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    activity = get_activity(request.actor, pk, write=True)
    initial = {name: getattr(activity, name) for name in ACTIVITY_FIELDS} | {
        "case": activity.case.number if activity.case_id else "",
        "version": activity.version,
    }
    return edit_page(
        request,
        with_version(ActivityForm(request.POST or None, initial=initial, actor=request.actor)),
        lambda data: actions.update_activity(actor=request.actor, activity=activity, **data),
        url=_year_url("supporter_activity_list", activity.date),
        done=_("活動を保存しました。"),
        template="outreach/form.html",
        context={"title": _("サポーターの活動を編集"), "back": _year_url("supporter_activity_list", activity.date)},
    )
