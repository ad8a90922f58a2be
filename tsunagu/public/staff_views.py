"""Staff pages of the public side: keeping windows up to date, and the web consultation intake queue."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tsunagu.cases.access import get_case
from tsunagu.core.forms import apply_errors
from tsunagu.core.formtokens import AlreadySaved, already_saved, create_once
from tsunagu.core.versions import with_version
from tsunagu.orgs.access import get_organisation
from tsunagu.orgs.decorators import staff_view
from tsunagu.orgs.rules import Perm

from . import actions, queries
from .access import get_consultation, intake_queue
from .forms import CloseForm, ReplyForm, WindowForm
from .models import ConsultationStatus, ReplyMethod, Window


@staff_view(Perm.MANAGE_ORG)
def window_list(request):
    org = request.actor.organisation
    return render(request, "public/staff/window_list.html", {"org": org, "orgs": queries.manageable_windows(org)})


@staff_view(Perm.MANAGE_ORG)
@require_http_methods(["GET", "POST"])
def window_edit(request, code):
    org = get_organisation(request.actor, code, perm=Perm.MANAGE_ORG)
    window = Window.objects.filter(organisation=org).first()
    initial = (
        {name: getattr(window, name) for name in actions.WINDOW_FIELDS} | {"version": window.version}
        if window
        else {"phone": org.phone, "email": org.email, "address": org.address, "version": 0}
    )
    form = with_version(WindowForm(request.POST or None, initial=initial))
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_window(actor=request.actor, organisation=org, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)sの相談窓口を保存しました。") % {"name": org.name})
            return redirect("window_list")
    return render(request, "public/staff/window_form.html", {"form": form, "org": org, "window": window})


@staff_view(Perm.VIEW_CASES)
def intake_list(request):
    status = request.GET.get("status", ConsultationStatus.NEW)
    consultations = intake_queue(request.actor)
    page = Paginator(queries.queue(consultations, status), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "public/staff/intake_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ConsultationStatus.choices,
            "counts": queries.queue_counts(consultations),
            "query": f"status={status}",
        },
    )


@staff_view(Perm.VIEW_CASES)
def intake_detail(request, pk):
    consultation = get_consultation(request.actor, pk)
    return render(
        request,
        "public/staff/intake_detail.html",
        {
            "consultation": consultation,
            "close_form": CloseForm(),
            "reply_form": _reply_form(consultation) if consultation.email else None,
            "replies": list(consultation.replies.select_related("sent_by")),
        },
    )


def _reply_form(consultation, data=None):
    org = consultation.organisation
    subject = _("【%(org)s】Web相談 %(reference)s へのお返事") % {"org": org.name, "reference": consultation.reference}
    return ReplyForm(data, initial={"subject": subject})


@staff_view(Perm.EDIT_CASES)
@require_http_methods(["GET", "POST"])
def intake_reply(request, pk):
    """Reply by e-mail to the address the sender gave (only this organisation's staff see it)."""
    actor = request.actor
    consultation = get_consultation(actor, pk, write=True, log_read=request.method == "GET")
    form = _reply_form(consultation, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            create_once(
                request,
                lambda: actions.reply_to_consultation(actor=actor, consultation=consultation, **form.cleaned_data),
                url_of=lambda reply: reverse("intake_detail", kwargs={"pk": consultation.pk}) + "#replies",
            )
        except AlreadySaved as error:
            return already_saved(request, error)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("返事をメールで送りました。"))
            return redirect(reverse("intake_detail", kwargs={"pk": consultation.pk}) + "#replies")
    return render(
        request,
        "public/staff/intake_reply.html",
        {"consultation": consultation, "form": form, "wants_email": consultation.reply_method == ReplyMethod.EMAIL},
    )


@staff_view(Perm.EDIT_CASES)
@require_http_methods(["GET", "POST"])
def intake_convert(request, pk):
    actor = request.actor
    consultation = get_consultation(actor, pk, write=True, log_read=False)
    existing = queries.existing_cases(consultation) if consultation.status == ConsultationStatus.NEW else []
    if request.method == "POST" and request.POST.get("case"):
        case = get_case(actor, request.POST["case"], write=True, log_read=False)
        try:
            actions.add_to_case(actor=actor, consultation=consultation, case=case)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("intake_detail", pk=consultation.pk)
        messages.success(
            request,
            _("Web相談 %(reference)s をケース %(number)s の相談記録にしました。")
            % {"reference": consultation.reference, "number": case.number},
        )
        return redirect("case_detail", pk=case.pk)
    # The similar-case check: with a possible case of the same person, a new case needs a second answer.
    if request.method == "POST" and (not existing or request.POST.get("new_case")):
        try:
            case = actions.convert_to_case(actor=actor, consultation=consultation)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Web相談 %(reference)s からケース %(number)s を作りました。")
                % {"reference": consultation.reference, "number": case.number},
            )
            return redirect("case_detail", pk=case.pk)
        return redirect("intake_detail", pk=consultation.pk)
    return render(request, "public/staff/intake_convert.html", {"consultation": consultation, "existing": existing})


@staff_view(Perm.EDIT_CASES)
@require_http_methods(["GET", "POST"])
def intake_close(request, pk):
    consultation = get_consultation(request.actor, pk, write=True, log_read=False)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.close_consultation(
                actor=request.actor, consultation=consultation, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Web相談 %(reference)s を対応不要にしました。") % {"reference": consultation.reference}
            )
            return redirect("intake_list")
    return render(request, "public/staff/intake_close.html", {"consultation": consultation, "form": form})
