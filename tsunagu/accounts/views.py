"""Log-in, the organisation a person acts for, and the home page after log-in."""

import time

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user, user_has_device

from tsunagu.audit.queries import own_log_ins
from tsunagu.cases import queries as case_queries
from tsunagu.orgs import queries as org_queries
from tsunagu.orgs.access import get_own_membership, own_invitations
from tsunagu.orgs.decorators import staff_view
from tsunagu.orgs.middleware import SESSION_KEY
from tsunagu.orgs.rules import Perm
from tsunagu.public.access import intake_queue
from tsunagu.public.models import ConsultationStatus

from . import actions, twofactor
from .forms import EnrolTotpForm, SecondFactorForm
from .middleware import LOGIN_AT, SEEN_AT
from .models import RecoveryCodeDevice


def root(request):
    # Residents arrive here too: they get the public pages; staff find the log-in in their footer.
    return redirect("home" if request.user.is_authenticated else "public_top")


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if twofactor.needs_second_step(user):
            # Not logged in yet: the second step logs the person in (and writes the auth.login entry).
            twofactor.start(self.request, user, self.get_redirect_url())
            return redirect("two_factor_verify")
        response = super().form_valid(form)
        # The 12-hour limit counts from this log-in, not from an earlier one in the same browser.
        now = int(time.time())
        self.request.session[LOGIN_AT] = now
        self.request.session[SEEN_AT] = now
        return response


@login_required
@require_http_methods(["GET", "POST"])
def choose_organisation(request):
    memberships = list(org_queries.active_memberships(request.user))
    if request.method == "POST":
        try:
            chosen = get_own_membership(request.actor, request.POST.get("membership", ""))
        except Http404:
            # Someone else's membership, or one deactivated since the page was shown: logged, and the
            # person gets their own choices again.
            messages.error(request, _("選んだ組織に所属していません。"))
            return render(request, "accounts/choose.html", {"memberships": memberships}, status=404)
        request.actor = actions.act_for(actor=request.actor, membership=chosen)
        request.session[SESSION_KEY] = chosen.pk
        messages.success(request, _("%(org)sとして作業します。") % {"org": chosen.organisation.name})
        return redirect("home")
    return render(
        request,
        "accounts/choose.html",
        {"memberships": memberships, "invitations": own_invitations(request.user).count()},
    )


@login_required
def own_log_in_history(request):
    """The person's own log-ins, log-outs and second-factor events: theirs, whatever they act for."""
    from django.core.paginator import Paginator

    page = Paginator(own_log_ins(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/log_ins.html", {"page": page, "query": ""})


def _quiet_days(request) -> int:
    value = request.GET.get("quiet", "")
    return int(value) if value.isdigit() and int(value) in case_queries.QUIET_CHOICES else 90


@staff_view(Perm.VIEW_ORG)
def home(request):
    """The organisation at a glance and, for those who do case work, what to do today (cases.queries.
    home_casework). The block `meetings_due` in the template is left for the meetings' decisions."""
    actor = request.actor
    org = actor.organisation
    context = {"org": org, "kind_counts": org_queries.kind_counts(org), "children": org_queries.children(org)[:12]}
    if actor.user is not None and (actor.can(Perm.EDIT_CASES) or actor.can(Perm.ASSIGNED_CASES)):
        context["casework"] = case_queries.home_casework(
            actor, today=timezone.localdate(), quiet_days=_quiet_days(request)
        )
        context["web_waiting"] = intake_queue(actor).filter(status=ConsultationStatus.NEW).count()
    return render(request, "accounts/home.html", context)


def _after_second_step(request, url: str):
    return redirect(url or "home")


@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step: a code from the authenticator app, a recovery code, or a passkey."""
    user = twofactor.subject(request)
    if user is None:
        return redirect("home" if request.user.is_authenticated else "login")
    if not user_has_device(user, confirmed=True):
        return redirect("two_factor_enrol")
    if twofactor.is_locked(request, user):
        return render(request, "registration/locked_out.html", status=429)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.match(user, form.cleaned_data["code"])
        if device is not None:
            url = twofactor.next_url(request)
            twofactor.complete(request, user, device)
            if isinstance(device, RecoveryCodeDevice):
                messages.warning(
                    request,
                    _("リカバリーコードを使いました。残りは%(n)s個です。") % {"n": device.remaining()},
                )
            return _after_second_step(request, url)
        twofactor.fail(request, user, "code")
        # django-axes answers with its lock-out page when this was the last try allowed.
        form.add_error("code", _("コードが正しくありません。"))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "passkey": twofactor.has_passkey(user), "next": twofactor.next_url(request)},
    )


@require_http_methods(["GET", "POST"])
def two_factor_enrol(request):
    """First sign-in of a person who needs a second factor: an authenticator app (QR code) or a passkey."""
    user = twofactor.subject(request)
    if user is None:
        return redirect("two_factor_settings" if request.user.is_authenticated else "login")
    if user_has_device(user, confirmed=True):
        return redirect("two_factor_verify")
    device = twofactor.pending_totp(user)
    form = EnrolTotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            actions.enrolled(actor=twofactor.client_actor(request, user), device=device)
            twofactor.complete(request, user, device)
            request.session[twofactor.NEW_CODES] = twofactor.issue_recovery_codes(user)
            return redirect("two_factor_settings")
        form.add_error(
            "code", _("コードが正しくありません。時計がずれていないか確かめて、新しいコードを入力してください。")
        )
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {"form": form, "qr": twofactor.qr_svg(device), "secret": device_secret(device)},
    )


def device_secret(device) -> str:
    """The key in base32, for typing into an app that cannot read the QR code."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_settings(request):
    """The person's own second factors: new recovery codes (shown once), and adding a passkey."""
    if request.method == "POST":
        if not twofactor.verified(request):
            # Recovery codes back up a device this session used; without one they would be the only factor.
            messages.error(request, _("先に認証アプリかパスキーを登録してください。"))
            return redirect("two_factor_settings")
        codes = twofactor.issue_recovery_codes(request.user)
        actions.recovery_codes_issued(actor=twofactor.client_actor(request, request.user))
        request.session[twofactor.NEW_CODES] = codes
        return redirect("two_factor_settings")
    codes = request.session.pop(twofactor.NEW_CODES, None)
    return render(
        request,
        "accounts/two_factor_settings.html",
        {
            "codes": codes,
            "devices": list(devices_for_user(request.user, confirmed=True)),
            "recovery": RecoveryCodeDevice.objects.filter(user=request.user).first(),
        },
    )
