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

from tsunagu.cases import queries as case_queries
from tsunagu.orgs import queries as org_queries
from tsunagu.orgs.access import get_own_membership
from tsunagu.orgs.decorators import staff_view
from tsunagu.orgs.middleware import SESSION_KEY
from tsunagu.orgs.rules import Perm
from tsunagu.public.access import intake_queue
from tsunagu.public.models import ConsultationStatus

from . import actions
from .middleware import LOGIN_AT, SEEN_AT


def root(request):
    # Residents arrive here too: they get the public pages; staff find the log-in in their footer.
    return redirect("home" if request.user.is_authenticated else "public_top")


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form):
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
    return render(request, "accounts/choose.html", {"memberships": memberships})


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
