"""Returns upward: the acting organisation's returns and those of the bodies below (submit, approve many,
send back, 対象外), who waits for whom across the tree, a return's frozen figures against the live ones with
lock exceptions, and the national view (the sum of the approved returns of the bodies below)."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tsunagu.core import wareki
from tsunagu.core.exporting import download
from tsunagu.core.forms import apply_errors
from tsunagu.orgs.decorators import staff_view
from tsunagu.orgs.rules import Perm

from . import actions, signing
from .access import get_return, get_sender
from .forms import ExceptionForm, PeriodForm, ReceivedFileForm, SendBackForm, SenderForm
from .models import ReceivedReturn, Return, ReturnStatus, SenderKey, SigningKey
from .national import national_years


def _span(fiscal_year: int, part: str) -> tuple[date, date]:
    start, end = wareki.fiscal_year_range(fiscal_year)
    if part == "h1":
        return start, date(fiscal_year, 9, 30)
    if part == "h2":
        return date(fiscal_year, 10, 1), end
    return start, end


def _period(request) -> tuple[PeriodForm, tuple[date, date]]:
    default = wareki.fiscal_year(date.today()) - 1
    form = PeriodForm(request.GET or {"fiscal_year": default, "part": "fy"})
    if not form.is_valid():
        form = PeriodForm({"fiscal_year": default, "part": "fy"})
        form.is_valid()
    return form, _span(form.cleaned_data["fiscal_year"], form.cleaned_data["part"])


def _tree(org, start, end) -> list[dict]:
    """Every organisation of the subtree with its return's state for the period and whom it waits for."""
    subtree = list(org.__class__.objects.filter(path__startswith=org.path).order_by("path"))
    returns = {
        r.organisation_id: r for r in Return.objects.filter(organisation__in=subtree, starts_on=start, ends_on=end)
    }
    by_pk = {o.pk: o for o in subtree}
    rows = []
    for o in subtree:
        ret = returns.get(o.pk)
        status = ret.status if ret else ReturnStatus.DRAFT
        children = [c for c in subtree if c.parent_id == o.pk]
        waiting_for = [c.name for c in children if not (returns.get(c.pk) and returns[c.pk].status in actions.DONE)]
        parent = by_pk.get(o.parent_id)
        rows.append(
            {
                "org": o,
                "depth": o.path.count("/") - org.path.count("/"),
                "ret": ret,
                "status": ReturnStatus(status).label,
                "waits_for": waiting_for,
                "awaited_by": parent.name if parent and status == ReturnStatus.SUBMITTED else "",
            }
        )
    return rows


@staff_view(Perm.VIEW_STATS)
@require_http_methods(["GET", "POST"])
def return_list(request):
    actor = request.actor
    org = actor.organisation
    period_form, (start, end) = _period(request)
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "submit":
                actions.submit(actor=actor, organisation=org, starts_on=start, ends_on=end)
                messages.success(request, _("報告を提出しました。"))
            elif step == "approve":
                chosen = []
                for value in request.POST.getlist("ret"):
                    ret = get_return(actor, value) if value.isdigit() else None
                    if ret is not None and ret.organisation.parent_id == org.pk:
                        chosen.append((ret, int(request.POST.get(f"v{ret.pk}") or 0) or None))
                if not chosen:
                    raise ValidationError(_("承認する報告を選んでください。"))
                actions.approve(actor=actor, returns=chosen)
                messages.success(request, _("%(n)d件の報告を承認しました。") % {"n": len(chosen)})
            elif step == "exempt":
                child = org.children.filter(
                    pk=request.POST.get("org") if (request.POST.get("org") or "").isdigit() else None
                ).first()
                if child is None:
                    raise ValidationError(_("対象外にする組織を選んでください。"))
                actions.mark_exempt(actor=actor, organisation=child, starts_on=start, ends_on=end)
                messages.success(request, _("対象外にしました。"))
            elif step == "key":
                signing.create_key(actor=actor, organisation=org)
                messages.success(request, _("署名の鍵を作りました。公開鍵を受け取る側に登録してもらってください。"))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect(request.get_full_path())
    own = Return.objects.filter(organisation=org, starts_on=start, ends_on=end).first()
    below = Return.objects.filter(organisation__parent=org, starts_on=start, ends_on=end).select_related("organisation")
    can_approve = actor.can(Perm.APPROVE_RETURNS)
    key = SigningKey.objects.filter(organisation=org).first() if can_approve else None
    return render(
        request,
        "returns/list.html",
        {
            "period_form": period_form,
            "start": start,
            "end": end,
            "own": own,
            "below": below,
            "tree": _tree(org, start, end),
            "children": org.children.order_by("code"),
            "can_submit": actor.can(Perm.SUBMIT_RETURNS) and org.parent_id is not None,
            "can_approve": can_approve,
            "key": key,
            "fingerprint": signing.fingerprint(key.public_key) if key else "",
            "received": ReceivedReturn.objects.filter(sender__receiver=org, starts_on=start, ends_on=end)
            .select_related("sender")
            .order_by("sender__code"),
        },
    )


@staff_view(Perm.VIEW_STATS)
@require_http_methods(["GET", "POST"])
def return_detail(request, pk):
    actor = request.actor
    ret = get_return(actor, pk)
    may_decide = actor.can(Perm.APPROVE_RETURNS) and ret.organisation.parent_id == actor.organisation.pk
    back_form = SendBackForm(request.POST if request.POST.get("step") == "send_back" else None)
    exception_form = ExceptionForm(
        request.POST if request.POST.get("step") == "exception" else None, organisation=ret.organisation
    )
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "send_back" and back_form.is_valid():
                actions.send_back(actor=actor, ret=ret, reason=back_form.cleaned_data["reason"])
                messages.success(request, _("差し戻しました。"))
                return redirect(reverse("return_detail", args=[ret.pk]))
            if step == "exception" and exception_form.is_valid():
                actions.open_exception(actor=actor, ret=ret, **exception_form.cleaned_data)
                messages.success(request, _("例外を開きました。"))
                return redirect(reverse("return_detail", args=[ret.pk]))
        except ValidationError as error:
            apply_errors(back_form if step == "send_back" else exception_form, error)
    return render(
        request,
        "returns/detail.html",
        {
            "ret": ret,
            "differences": actions.differences(ret) if ret.status == ReturnStatus.APPROVED else [],
            "modifications": actions.modifications(ret),
            "exceptions": ret.organisation.locked_periods.filter(starts_on__lte=ret.starts_on).prefetch_related(
                "exceptions__user"
            ),
            "back_form": back_form,
            "exception_form": exception_form,
            "may_decide": may_decide and ret.status == ReturnStatus.SUBMITTED,
            "may_open": actor.can(Perm.OPEN_LOCK_EXCEPTIONS)
            and ret.status == ReturnStatus.APPROVED
            and ret.organisation != actor.organisation,
            "may_sign": actor.can(Perm.APPROVE_RETURNS)
            and ret.status == ReturnStatus.APPROVED
            and ret.organisation == actor.organisation,
        },
    )


@staff_view(Perm.APPROVE_RETURNS)
def return_signed(request, pk):
    """The organisation's own approved return as a file signed with its key, to hand to another installation."""
    actor = request.actor
    ret = get_return(actor, pk)
    try:
        data = signing.sign_return(actor=actor, ret=ret)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(reverse("return_detail", args=[ret.pk]))
    return download(data, signing.filename(ret), content_type="application/json")


@staff_view(Perm.APPROVE_RETURNS)
@require_http_methods(["GET", "POST"])
def received(request):
    """At the receiving body: the senders of other installations (register, remove) and the signed returns
    received from them (upload a file)."""
    actor = request.actor
    step = request.POST.get("step")
    sender_form = SenderForm(request.POST if step == "register" else None)
    file_form = ReceivedFileForm(
        request.POST if step == "upload" else None, request.FILES if step == "upload" else None
    )
    if request.method == "POST":
        try:
            if step == "register" and sender_form.is_valid():
                sender = signing.register_sender(actor=actor, **sender_form.cleaned_data)
                messages.success(request, _("送信元「%(sender)s」を登録しました。") % {"sender": sender})
                return redirect("returns_received")
            if step == "upload" and file_form.is_valid():
                got = signing.receive(actor=actor, data=file_form.cleaned_data["file"])
                messages.success(
                    request,
                    _("%(sender)sの報告（%(period)s）の署名を確認し、受け取りました。")
                    % {
                        "sender": got.sender,
                        "period": f"{wareki.format_date(got.starts_on)}〜{wareki.format_date(got.ends_on)}",
                    },
                )
                return redirect("returns_received")
        except ValidationError as error:
            apply_errors(sender_form if step == "register" else file_form, error)
    senders = list(SenderKey.objects.filter(receiver=actor.organisation).order_by("code"))
    for sender in senders:
        sender.fingerprint = signing.fingerprint(sender.public_key)
    return render(
        request,
        "returns/received.html",
        {
            "senders": senders,
            "received": ReceivedReturn.objects.filter(sender__receiver=actor.organisation)
            .select_related("sender")
            .order_by("-starts_on", "sender__code"),
            "sender_form": sender_form,
            "file_form": file_form,
        },
    )


@staff_view(Perm.APPROVE_RETURNS)
def sender_remove(request, pk):
    sender = get_sender(request.actor, pk)  # another organisation's: 404 whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    removed = signing.remove_sender(actor=request.actor, sender=sender)
    messages.success(
        request,
        _("送信元「%(sender)s」と、そこから受け取った報告%(n)d件を削除しました。") % {"sender": sender, "n": removed},
    )
    return redirect("returns_received")


@staff_view(Perm.VIEW_STATS)
def national(request):
    org = request.actor.organisation
    this_year = wareki.fiscal_year(date.today())
    years = national_years(org, list(range(this_year - 4, this_year + 1)))
    return render(request, "returns/national.html", {"years": years, "last": years[-2] if len(years) > 1 else None})
