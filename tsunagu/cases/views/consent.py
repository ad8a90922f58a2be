"""Consent: what the person (or the family for them) agreed may be shared, with whom; and withdrawal."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tsunagu.core.forms import apply_errors
from tsunagu.core.formtokens import AlreadySaved, already_saved, create_once

from .. import actions, queries
from ..access import get_case, get_consent
from ..forms import ConsentForm, WithdrawConsentForm
from . import case_work_view, reading


@case_work_view(write=True)
@require_http_methods(["GET", "POST"])
def consent_add(request, pk):
    actor = request.actor
    case = get_case(actor, pk, write=True, log_read=reading(request))
    form = ConsentForm(
        request.POST or None,
        organisations=queries.consent_organisations(actor.organisation),
        initial={"given_by": queries.likely_consenter(case)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            create_once(
                request,
                lambda: actions.record_consent(
                    actor=actor,
                    case=case,
                    given_by=data["given_by"],
                    purpose=data["purpose"],
                    given_on=data["given_on"],
                    share_with=list(data["share_with"]),
                    share_with_categories=list(data["share_with_categories"]),
                ),
                url_of=lambda consent: reverse("case_detail", kwargs={"pk": case.pk}) + "#consents",
            )
        except AlreadySaved as error:
            return already_saved(request, error)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("同意を記録しました。"))
            return redirect(reverse("case_detail", kwargs={"pk": case.pk}) + "#consents")
    return render(request, "cases/consent_form.html", {"case": case, "form": form})


@case_work_view(write=True)
@require_http_methods(["GET", "POST"])
def consent_withdraw(request, pk, consent_pk):
    actor = request.actor
    case = get_case(actor, pk, write=True, log_read=reading(request))
    consent = get_consent(actor, case, consent_pk)
    form = WithdrawConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.withdraw_consent(actor=actor, consent=consent, on=form.cleaned_data["on"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("同意の撤回を記録しました。この同意による共有は止まります。"))
            return redirect(reverse("case_detail", kwargs={"pk": case.pk}) + "#consents")
    return render(request, "cases/consent_withdraw.html", {"case": case, "consent": consent, "form": form})
