"""Referrals (つなぎ): from the case page to a partner; their outcome for partners outside tsunagu; the
partner's incoming queue (accept, decline) and the directory of partner agencies."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tsunagu.core.forms import apply_errors
from tsunagu.core.formtokens import AlreadySaved, already_saved, create_once
from tsunagu.orgs.decorators import staff_view
from tsunagu.orgs.models import PartnerCategory, Role
from tsunagu.orgs.rules import Perm

from .. import actions, queries
from ..access import get_case, get_incoming_referral, get_referral
from ..forms import DeclineForm, ReferralForm, ReferralStatusForm
from . import case_work_view, reading


@case_work_view(write=True)
@require_http_methods(["GET", "POST"])
def referral_add(request, pk):
    actor = request.actor
    case = get_case(actor, pk, write=True, log_read=reading(request))
    form = ReferralForm(
        request.POST or None,
        partners=queries.partner_directory(actor.organisation),
        may_override=actor.role == Role.ADMIN,
    )
    consent_refused = False  # sharing refused for want of consent: the page says where to record it
    if request.method == "POST" and form.is_valid():
        try:
            referral = create_once(
                request,
                lambda: actions.refer(actor=actor, case=case, **form.referral_values()),
                url_of=lambda referral: reverse("case_detail", kwargs={"pk": case.pk}) + "#referrals",
            )
        except AlreadySaved as error:
            return already_saved(request, error)
        except ValidationError as error:
            consent_refused = "override_reason" in getattr(error, "error_dict", {})
            apply_errors(form, error)
        else:
            messages.success(
                request, _("%(partner)sへのつなぎを記録しました。") % {"partner": referral.partner_name or _("居場所")}
            )
            return redirect(reverse("case_detail", kwargs={"pk": case.pk}) + "#referrals")
    has_consent = case.consents.filter(withdrawn_on__isnull=True).exists()
    return render(
        request,
        "cases/referral_form.html",
        {"case": case, "form": form, "has_consent": has_consent, "consent_refused": consent_refused},
    )


@case_work_view(write=True)
@require_http_methods(["GET", "POST"])
def referral_status(request, pk, referral_pk):
    actor = request.actor
    case = get_case(actor, pk, write=True, log_read=reading(request))
    referral = get_referral(actor, case, referral_pk, write=True)
    form = ReferralStatusForm(request.POST or None, referral=referral, initial={"version": referral.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.set_referral_status(
                actor=actor, referral=referral, status=data["status"], on=data["on"], version=data["version"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("つなぎの結果を「%(status)s」にしました。") % {"status": referral.get_status_display()}
            )
            return redirect(reverse("case_detail", kwargs={"pk": case.pk}) + "#referrals")
    return render(request, "cases/referral_status.html", {"case": case, "referral": referral, "form": form})


@staff_view(Perm.VIEW_CASES)
def referral_incoming(request):
    actor = request.actor
    done = request.GET.get("done") == "1"
    page, rows = queries.incoming_page(actor, done=done, number=request.GET.get("page"))
    return render(
        request,
        "cases/incoming.html",
        {
            "rows": rows,
            "page": page,
            "done": done,
            "query": "done=1" if done else "",
            "can_accept": actor.can(Perm.EDIT_CASES),
        },
    )


@staff_view(Perm.EDIT_CASES)
@require_http_methods(["GET", "POST"])
def referral_accept(request, pk):
    actor = request.actor
    referral = get_incoming_referral(actor, pk, write=True)
    if request.method == "POST":
        try:
            case = actions.accept_referral(actor=actor, referral=referral, on=timezone.localdate())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("referral_incoming")
        messages.success(request, _("つなぎを受け付け、ケース%(number)sを作成しました。") % {"number": case.number})
        return redirect("case_detail", pk=case.pk)
    row = queries.incoming_rows([referral])[0]
    return render(request, "cases/incoming_answer.html", {"row": row, "accepting": True})


@staff_view(Perm.EDIT_CASES)
@require_http_methods(["GET", "POST"])
def referral_decline(request, pk):
    actor = request.actor
    referral = get_incoming_referral(actor, pk, write=True)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.decline_referral(
                actor=actor, referral=referral, on=timezone.localdate(), reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("つなぎをお断りしました。紹介元には「不成立」と伝わります。"))
            return redirect("referral_incoming")
    row = queries.incoming_rows([referral])[0]
    return render(request, "cases/incoming_answer.html", {"row": row, "accepting": False, "form": form})


@staff_view(Perm.VIEW_ORG)
def partner_directory(request):
    org = request.actor.organisation
    categories = list(PartnerCategory.objects.all())
    category = next((c for c in categories if str(c.pk) == request.GET.get("category")), None)
    query = request.GET.get("q", "")
    partners = queries.partner_directory(org, category=category, query=query)
    page = Paginator(partners, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "cases/partners.html",
        {
            "page": page,
            "categories": categories,
            "category": category,
            "q": query,
            "query": params.urlencode(),
            "region": queries.region_of(org),
        },
    )
