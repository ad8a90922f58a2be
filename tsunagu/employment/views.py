"""Staff pages of employment support: the registrations of the organisation, a case's registrations
and their form, the funnel (counts only) with the 進路決定率 against its target."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tsunagu.cases.access import can_write_cases, get_case, require_case_work, visible_cases
from tsunagu.cases.models import ReferralStatus
from tsunagu.core import wareki
from tsunagu.core.forms import apply_errors
from tsunagu.core.formtokens import AlreadySaved, already_saved, create_once
from tsunagu.core.versions import with_version
from tsunagu.orgs.decorators import staff_view
from tsunagu.orgs.rules import Perm

from . import actions, domain, queries
from .access import FUNNEL_PERM, TARGET_PERM, get_registration, get_target, visible_registrations
from .forms import FunnelForm, RegistrationForm, TargetForm
from .models import Registration

SAPOSUTE = "地域若者サポートステーション"
LIST_LIMIT = 200


@staff_view(Perm.VIEW_ORG)
def registration_list(request):
    actor = request.actor
    require_case_work(actor, write=False)
    registrations = visible_registrations(actor).select_related("case").order_by("-registered_on", "-id")
    # Cases this organisation opened by accepting a つなぎ to a サポステ, not registered yet: one step to register.
    waiting = (
        visible_cases(actor)
        .filter(origin_referral__status=ReferralStatus.DECIDED, origin_referral__category__name=SAPOSUTE)
        .exclude(Exists(Registration.objects.filter(case_id=OuterRef("pk"))))
        .select_related("origin_referral")
        .order_by("-opened_on", "-id")[:LIST_LIMIT]
    )
    return render(
        request,
        "employment/list.html",
        {
            "registrations": registrations[:LIST_LIMIT],
            "waiting": waiting,
            "can_write": can_write_cases(actor),
            "can_funnel": actor.can(FUNNEL_PERM),
        },
    )


@staff_view(Perm.VIEW_ORG)
def case_registrations(request, pk):
    case = get_case(request.actor, pk)
    return render(
        request,
        "employment/case.html",
        {
            "case": case,
            "registrations": case.employment_registrations.order_by("-registered_on", "-id"),
            "can_write": can_write_cases(request.actor),
        },
    )


@staff_view(Perm.VIEW_ORG)
@require_http_methods(["GET", "POST"])
def registration_add(request, pk):
    case = get_case(request.actor, pk, write=True)
    origin = case.origin_referral
    initial = {"registered_on": origin.result_on} if origin is not None and origin.result_on else {}
    form = RegistrationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            create_once(
                request,
                lambda: actions.register(actor=request.actor, case=case, **form.cleaned_data),
                url_of=lambda registration: reverse("employment_case", kwargs={"pk": case.pk}),
            )
        except AlreadySaved as error:
            return already_saved(request, error)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("ケース%(number)sを就労支援に登録しました。") % {"number": case.number})
            return redirect("employment_case", pk=case.pk)
    return render(request, "employment/form.html", {"form": form, "case": case, "registration": None})


@staff_view(Perm.VIEW_ORG)
@require_http_methods(["GET", "POST"])
def registration_edit(request, pk):
    registration = get_registration(request.actor, pk, write=True)
    initial = {name: getattr(registration, name) for name in domain.FIELDS} | {"version": registration.version}
    form = with_version(RegistrationForm(request.POST or None, initial=initial))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_registration(actor=request.actor, registration=registration, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("就労支援の登録を保存しました。"))
            return redirect("employment_case", pk=registration.case_id)
    return render(
        request, "employment/form.html", {"form": form, "case": registration.case, "registration": registration}
    )


def _years(today) -> list[int]:
    this = wareki.fiscal_year(today)
    return list(range(this - 9, this + 1))


@staff_view(FUNNEL_PERM)
def funnel_page(request):
    today = timezone.localdate()
    data = {"fy": wareki.fiscal_year(today), "half": 0} | {k: v for k, v in request.GET.items() if v != ""}
    form = FunnelForm(data, years=_years(today))
    context = {"form": form, "org": request.actor.organisation, "can_target": request.actor.can(TARGET_PERM)}
    if form.is_valid():
        fy, half = form.cleaned_data["fy"], form.cleaned_data["half"] or 0
        start, end = wareki.half_year_range(fy, half) if half else wareki.fiscal_year_range(fy)
        funnel = queries.funnel(request.actor.organisation, start, end)
        context.update(
            funnel=funnel,
            fy=fy,
            start=start,
            end=end,
            by_outcome=queries.outcome_labels(funnel.counts.by_outcome),
            met=funnel.decision_rate >= float(funnel.target),
        )
    return render(request, "employment/funnel.html", context)


@staff_view(TARGET_PERM)
@require_http_methods(["GET", "POST"])
def target_edit(request):
    today = timezone.localdate()
    try:
        fy = int(request.GET.get("fy", wareki.fiscal_year(today)))
    except ValueError:
        fy = wareki.fiscal_year(today)
    if fy not in _years(today) + [wareki.fiscal_year(today) + 1]:
        fy = wareki.fiscal_year(today)
    target = get_target(request.actor, fy)
    initial = {"percent": queries.target_percent(request.actor.organisation, fy)}
    form = TargetForm(request.POST or None, initial=initial | ({"version": target.version} if target else {}))
    if target is not None:
        with_version(form)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)

        def save():
            return actions.set_target(
                actor=request.actor, organisation=request.actor.organisation, fiscal_year=fy, **values
            )

        try:
            if target is None:
                create_once(request, save, url_of=lambda t: f"{reverse('employment_funnel')}?fy={fy}")
            else:
                save()
        except AlreadySaved as error:
            return already_saved(request, error)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("目標を保存しました。"))
            return redirect(f"{reverse('employment_funnel')}?fy={fy}")
    return render(request, "employment/target.html", {"form": form, "fy": fy})
