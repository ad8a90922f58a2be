import time

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tsunagu.audit.log import log_action
from tsunagu.orgs import queries as org_queries
from tsunagu.orgs.decorators import staff_view
from tsunagu.orgs.middleware import SESSION_KEY, active_memberships
from tsunagu.orgs.rules import Perm

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
    memberships = list(active_memberships(request.user))
    if request.method == "POST":
        chosen = next((m for m in memberships if str(m.pk) == request.POST.get("membership")), None)
        if chosen is not None:
            request.session[SESSION_KEY] = chosen.pk
            request.actor = request.actor.__class__(user=request.user, membership=chosen, ip=request.actor.ip)
            log_action(request.actor, "auth.act_for", obj=chosen.organisation)
            messages.success(request, _("%(org)sとして作業します。") % {"org": chosen.organisation.name})
            return redirect("home")
        messages.error(request, _("選んだ組織に所属していません。"))
    return render(request, "core/choose.html", {"memberships": memberships})


@staff_view(Perm.VIEW_ORG)
def home(request):
    org = request.actor.organisation
    return render(
        request,
        "core/home.html",
        {"org": org, "kind_counts": org_queries.kind_counts(org), "children": org_queries.children(org)[:12]},
    )


@never_cache
def healthz(request):
    """For the load balancer in front of several app servers: answers only when the database does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
