"""Staff pages: hosts, placements and their weeks of worked days, rates and budgets, payment lists."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tsunagu.core import exporting
from tsunagu.core.formpages import saved_once
from tsunagu.core.forms import apply_errors
from tsunagu.core.versions import with_version
from tsunagu.orgs.decorators import staff_view
from tsunagu.orgs.rules import Perm

from . import actions, domain, exports
from .access import (
    APPROVE_PERM,
    READ_PERM,
    WRITE_PERM,
    get_host,
    get_payment_list,
    get_placement,
    own_hosts,
    own_payment_lists,
    own_placements,
)
from .forms import BudgetForm, HostForm, ListStepForm, PaymentListForm, PlacementForm, RateForm, WeekForm, week_start
from .models import AllowanceRate, ProgramBudget

# --- hosts ---------------------------------------------------------------------------------------------


@staff_view(Perm.VIEW_ORG)
def host_list(request):
    hosts = own_hosts(request.actor).annotate(placement_count=Count("placements"))
    return render(request, "work/host_list.html", {"hosts": hosts, "can_write": request.actor.can(WRITE_PERM)})


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def host_add(request):
    form = HostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = request.actor.organisation
        done = saved_once(
            request,
            lambda: actions.create_host(actor=request.actor, organisation=org, **form.cleaned_data),
            lambda host: reverse("work_hosts"),
            form,
            _("受入先を登録しました。"),
        )
        if done:
            return done
    return render(request, "work/form.html", {"form": form, "title": _("受入先を登録"), "back": reverse("work_hosts")})


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def host_edit(request, pk):
    host = get_host(request.actor, pk, write=True)
    initial = {name: getattr(host, name) for name in actions.HOST_FIELDS} | {"version": host.version}
    form = with_version(HostForm(request.POST or None, initial=initial))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_host(actor=request.actor, host=host, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("受入先を保存しました。"))
            return redirect("work_hosts")
    return render(request, "work/form.html", {"form": form, "title": _("受入先を編集"), "back": reverse("work_hosts")})


# --- placements ----------------------------------------------------------------------------------------


@staff_view(READ_PERM)
def placement_list(request):
    placements = (
        own_placements(request.actor)
        .select_related("case", "host")
        .annotate(day_count=Count("days"), hour_total=Sum("days__hours"))
        .order_by("-start", "-id")[:200]
    )
    return render(
        request,
        "work/placement_list.html",
        {"placements": placements, "can_write": request.actor.can(WRITE_PERM)},
    )


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def placement_add(request):
    form = PlacementForm(request.POST or None, actor=request.actor, initial={"case": request.GET.get("case", "")})
    if request.method == "POST" and form.is_valid():
        org = request.actor.organisation
        done = saved_once(
            request,
            lambda: actions.create_placement(actor=request.actor, organisation=org, **form.cleaned_data),
            lambda placement: reverse("work_placement_detail", kwargs={"pk": placement.pk}),
            form,
            _("就労体験を登録しました。"),
        )
        if done:
            return done
    return render(
        request, "work/form.html", {"form": form, "title": _("就労体験を登録"), "back": reverse("work_placements")}
    )


@staff_view(READ_PERM)
def placement_detail(request, pk):
    placement = get_placement(request.actor, pk)
    return render(
        request,
        "work/placement_detail.html",
        {
            "placement": placement,
            "days": placement.days.order_by("-date")[:400],
            "can_write": request.actor.can(WRITE_PERM),
        },
    )


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def placement_edit(request, pk):
    placement = get_placement(request.actor, pk, write=True)
    initial = {name: getattr(placement, name) for name in actions.PLACEMENT_FIELDS} | {
        "case": placement.case.number,
        "version": placement.version,
    }
    form = with_version(PlacementForm(request.POST or None, actor=request.actor, initial=initial))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_placement(actor=request.actor, placement=placement, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("就労体験を保存しました。"))
            return redirect("work_placement_detail", pk=placement.pk)
    back = reverse("work_placement_detail", kwargs={"pk": placement.pk})
    return render(request, "work/form.html", {"form": form, "title": _("就労体験を編集"), "back": back})


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def placement_week(request, pk):
    """A week of worked days on one phone screen: seven hour boxes, Monday to Sunday."""
    placement = get_placement(request.actor, pk, write=True)
    start = week_start(request.GET.get("start") or request.POST.get("start"), placement)
    saved = dict(placement.days.filter(date__range=(start, start + timedelta(days=6))).values_list("date", "hours"))
    initial = {domain.day_field(on): hours for on, hours in saved.items()} | {"version": placement.version}
    form = WeekForm(request.POST or None, start=start, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_days(
                actor=request.actor, placement=placement, days=form.hours(), version=form.cleaned_data["version"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("1週間の就労実績を保存しました。"))
            return redirect(reverse("work_placement_week", kwargs={"pk": placement.pk}) + f"?start={start:%Y-%m-%d}")
    return render(
        request,
        "work/week.html",
        {
            "placement": placement,
            "form": form,
            "start": start,
            "previous": start - timedelta(days=7),
            "next": start + timedelta(days=7),
        },
    )


# --- rates and budgets ---------------------------------------------------------------------------------


@staff_view(Perm.VIEW_ORG)
def rate_list(request):
    org = request.actor.organisation
    return render(
        request,
        "work/rates.html",
        {
            "rates": AllowanceRate.objects.filter(organisation=org).order_by("program", "payee", "-applies_from"),
            "budgets": ProgramBudget.objects.filter(organisation=org),
            "can_approve": request.actor.can(APPROVE_PERM),
        },
    )


@staff_view(APPROVE_PERM)
@require_http_methods(["GET", "POST"])
def rate_add(request):
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = request.actor.organisation
        done = saved_once(
            request,
            lambda: actions.add_rate(actor=request.actor, organisation=org, **form.cleaned_data),
            lambda rate: reverse("work_rates"),
            form,
            _("手当単価を登録しました。"),
        )
        if done:
            return done
    return render(
        request, "work/form.html", {"form": form, "title": _("手当単価を登録"), "back": reverse("work_rates")}
    )


@staff_view(APPROVE_PERM)
@require_http_methods(["GET", "POST"])
def budget_set(request):
    form = BudgetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = request.actor.organisation
        done = saved_once(
            request,
            lambda: actions.set_budget(actor=request.actor, organisation=org, **form.cleaned_data),
            lambda budget: reverse("work_rates"),
            form,
            _("予算を保存しました。"),
        )
        if done:
            return done
    return render(request, "work/form.html", {"form": form, "title": _("予算を設定"), "back": reverse("work_rates")})


# --- payment lists -------------------------------------------------------------------------------------


@staff_view(READ_PERM)
def payment_lists(request):
    lists = own_payment_lists(request.actor).annotate(total=Sum("lines__amount"), line_count=Count("lines"))
    return render(request, "work/payment_lists.html", {"lists": lists, "can_write": request.actor.can(WRITE_PERM)})


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def payment_list_add(request):
    form = PaymentListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = request.actor.organisation
        done = saved_once(
            request,
            lambda: actions.create_payment_list(actor=request.actor, organisation=org, **form.cleaned_data),
            lambda payment_list: reverse("work_payment_list", kwargs={"pk": payment_list.pk}),
            form,
            _("支払一覧を作成しました。"),
        )
        if done:
            return done
    return render(
        request, "work/form.html", {"form": form, "title": _("支払一覧を作成"), "back": reverse("work_payment_lists")}
    )


def _list_page(request, payment_list, form=None):
    lines = list(
        payment_list.lines.select_related("placement__case", "placement__host", "payment_list").order_by(
            "for_month", "placement__number", "id"
        )
    )
    return render(
        request,
        "work/payment_list.html",
        {
            "payment_list": payment_list,
            "title": exports.title(payment_list),
            "lines": lines,
            "total": sum(line.amount for line in lines),
            "thousand": exports.thousand_yen(sum(line.amount for line in lines)),
            "form": form or ListStepForm(initial={"version": payment_list.version}),
            "can_write": request.actor.can(WRITE_PERM),
            "can_approve": request.actor.can(APPROVE_PERM),
        },
    )


@staff_view(READ_PERM)
def payment_list_detail(request, pk):
    return _list_page(request, get_payment_list(request.actor, pk))


def _step(request, pk, perm, run, message):
    """A step of a list (POST); asked with GET, the list's page."""
    payment_list = get_payment_list(request.actor, pk, perm=perm)
    if request.method != "POST":
        return _list_page(request, payment_list)
    form = ListStepForm(request.POST)
    if form.is_valid():
        try:
            run(payment_list, form.cleaned_data["version"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, message)
            return redirect("work_payment_list", pk=payment_list.pk)
    payment_list.refresh_from_db()
    return _list_page(request, payment_list, form)


@staff_view(WRITE_PERM)
@require_http_methods(["GET", "POST"])
def payment_list_refresh(request, pk):
    return _step(
        request,
        pk,
        WRITE_PERM,
        lambda pl, version: actions.refresh_payment_list(actor=request.actor, payment_list=pl),
        _("支払一覧を就労実績から計算し直しました。"),
    )


@staff_view(APPROVE_PERM)
@require_http_methods(["GET", "POST"])
def payment_list_approve(request, pk):
    return _step(
        request,
        pk,
        APPROVE_PERM,
        lambda pl, version: actions.approve_payment_list(actor=request.actor, payment_list=pl, version=version),
        _("支払一覧を承認しました。"),
    )


@staff_view(APPROVE_PERM)
@require_http_methods(["GET", "POST"])
def payment_list_settle(request, pk):
    return _step(
        request,
        pk,
        APPROVE_PERM,
        lambda pl, version: actions.settle_payment_list(actor=request.actor, payment_list=pl, version=version),
        _("支払一覧を確定しました。"),
    )


@staff_view(READ_PERM)
def payment_list_download(request, pk, ext):
    payment_list = get_payment_list(request.actor, pk)
    if ext not in ("xlsx", "pdf"):
        raise Http404
    body = exports.to_xlsx(payment_list) if ext == "xlsx" else exports.to_pdf(payment_list)
    return exporting.download(body, exports.filename(payment_list, ext), private=True)
