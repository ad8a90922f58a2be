from dataclasses import replace
from functools import partial

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.audit import queries as audit_queries
from tsunagu.audit.forms import AuditSearchForm
from tsunagu.core.forms import apply_errors
from tsunagu.core.formtokens import AlreadySaved, already_saved, create_once
from tsunagu.core.versions import with_version

from . import actions, chooser, disclosure, queries, twofactor
from .access import get_invitation, get_membership, get_organisation, get_own_invitation, own_invitations
from .decorators import staff_view
from .forms import OrganisationForm, SmallCellForm, StaffAddForm, StaffEditForm, TwoFactorPolicyForm
from .models import Membership, OrgKind
from .regions import REGION_KINDS
from .rules import Perm


@staff_view(Perm.VIEW_ORG)
def org_list(request):
    query, kind = request.GET.get("q", ""), request.GET.get("kind", "")
    page = Paginator(queries.subtree(request.actor.organisation, query=query, kind=kind), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "orgs/list.html", {"page": page, "q": query, "kind": kind, "kinds": OrgKind.choices})


@staff_view(Perm.VIEW_ORG)
def org_detail(request, code):
    org = get_organisation(request.actor, code)
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "children": queries.children(org),
            "kind_counts": queries.kind_counts(org),
            "is_region": org.kind in REGION_KINDS,
            "small_cell_k": org.small_cell_k or disclosure.DEFAULT_K,
        },
    )


@staff_view(Perm.MANAGE_ORG)
@require_http_methods(["GET", "POST"])
def org_edit(request, code):
    org = get_organisation(request.actor, code, perm=Perm.MANAGE_ORG)
    initial = {
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "category": org.category,
        "is_active": org.is_active,
        "version": org.version,
    }
    parent_kind = org.parent.kind if org.parent else None
    form = with_version(OrganisationForm(request.POST or None, initial=initial, parent_kind=parent_kind, editing=True))
    if request.method == "POST" and form.is_valid():
        try:
            org = actions.update_organisation(actor=request.actor, org=org, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)sを保存しました。") % {"name": org.name})
            return redirect("org_detail", code=org.code)
    return render(request, "orgs/form.html", {"form": form, "org": org, "parent": org.parent})


def _org_setting(request, org, form, save, saved: str, template: str, **context):
    """One setting of an organisation on its own page: saved on the version the form was opened at,
    back to the organisation with `saved`, or the form again with what was typed and why not."""
    if request.method == "POST" and form.is_valid():
        try:
            save(**form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, saved)
            return redirect("org_detail", code=org.code)
    return render(request, template, {"form": form, "org": org, **context})


@staff_view(Perm.MANAGE_ORG)
@require_http_methods(["GET", "POST"])
def org_two_factor(request, code):
    """Which roles of the organisation must pass a second factor at log-in (管理者 always must)."""
    org = get_organisation(request.actor, code, perm=Perm.MANAGE_ORG)
    initial = {"roles": list(org.two_factor_roles or []), "version": org.version}
    return _org_setting(
        request,
        org,
        with_version(TwoFactorPolicyForm(request.POST or None, initial=initial)),
        partial(twofactor.set_two_factor_policy, actor=request.actor, org=org),
        _("%(name)sの二要素認証の設定を保存しました。") % {"name": org.name},
        "orgs/two_factor.html",
    )


@staff_view(Perm.MANAGE_ORG)
@require_http_methods(["GET", "POST"])
def org_small_cells(request, code):
    """The region's k: below it, a figure another organisation reads is a range."""
    org = get_organisation(request.actor, code, perm=Perm.MANAGE_ORG)
    if org.kind not in REGION_KINDS:
        raise Http404
    return _org_setting(
        request,
        org,
        with_version(SmallCellForm(request.POST or None, initial={"k": org.small_cell_k, "version": org.version})),
        partial(disclosure.set_region_minimum, actor=request.actor, org=org),
        _("%(name)sの小さな数の基準を保存しました。") % {"name": org.name},
        "orgs/small_cells.html",
        default_k=disclosure.DEFAULT_K,
    )


@staff_view(Perm.MANAGE_ORG)
@require_http_methods(["GET", "POST"])
def org_add_child(request, code):
    parent = get_organisation(request.actor, code, perm=Perm.MANAGE_ORG)
    form = OrganisationForm(request.POST or None, parent_kind=parent.kind)
    if request.method == "POST" and form.is_valid():
        try:
            org = create_once(
                request,
                lambda: actions.create_organisation(actor=request.actor, parent=parent, **form.cleaned_data),
                url_of=lambda org: reverse("org_detail", kwargs={"code": org.code}),
            )
        except AlreadySaved as error:
            return already_saved(request, error)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)sを追加しました。") % {"name": org.name})
            return redirect("org_detail", code=org.code)
    return render(request, "orgs/form.html", {"form": form, "org": None, "parent": parent})


@staff_view(Perm.MANAGE_STAFF)
def staff_list(request):
    org = request.actor.organisation
    return render(
        request,
        "orgs/staff_list.html",
        {"org": org, "memberships": queries.staff(org), "invitations": queries.invitations(org)},
    )


@staff_view(Perm.MANAGE_STAFF)
@require_http_methods(["GET", "POST"])
def staff_add(request):
    form = StaffAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = create_once(
                request,
                lambda: actions.invite_staff(
                    actor=request.actor, organisation=request.actor.organisation, **form.cleaned_data
                ),
                url_of=lambda invitation: reverse("staff_list"),
            )
        except AlreadySaved as error:
            return already_saved(request, error)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            # The same words whether the name has an account or not (actions.invite_staff).
            messages.success(
                request,
                _("%(user)sを招待しました。本人がログインして承諾すると職員になります。")
                % {"user": invitation.username},
            )
            return redirect("staff_list")
    return render(request, "orgs/staff_form.html", {"form": form, "membership": None})


@staff_view(Perm.MANAGE_STAFF)
@require_http_methods(["GET", "POST"])
def invitation_withdraw(request, pk):
    invitation = get_invitation(request.actor, pk)
    if request.method == "GET":
        return render(request, "orgs/invitation_withdraw.html", {"invitation": invitation})
    actions.withdraw_invitation(actor=request.actor, invitation=invitation)
    messages.success(request, _("%(user)sへの招待を取り消しました。") % {"user": invitation.username})
    return redirect("staff_list")


@require_http_methods(["GET", "POST"])
def invitations(request):
    """The signed-in person's open invitations: accepting one makes them staff of that organisation."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        invitation = get_own_invitation(request.actor, request.POST.get("invitation", ""))
        if request.POST.get("answer") == "accept":
            actions.accept_invitation(actor=request.actor, invitation=invitation)
            messages.success(request, _("%(org)sの職員になりました。") % {"org": invitation.organisation.name})
            return redirect("choose_organisation")
        if request.POST.get("answer") != "decline":
            return redirect("invitations")
        actions.decline_invitation(actor=request.actor, invitation=invitation)
        messages.success(request, _("%(org)sからの招待を断りました。") % {"org": invitation.organisation.name})
        return redirect("invitations")
    return render(request, "orgs/invitations.html", {"invitations": own_invitations(request.user)})


@staff_view(Perm.MANAGE_STAFF)
@require_http_methods(["GET", "POST"])
def staff_edit(request, pk):
    membership = get_membership(request.actor, pk)
    initial = {"role": membership.role, "is_active": membership.is_active, "version": membership.version}
    form = with_version(StaffEditForm(request.POST or None, initial=initial))
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_staff(actor=request.actor, membership=membership, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(user)sの役割を保存しました。") % {"user": membership.user.username})
            return redirect("staff_list")
    return render(request, "orgs/staff_form.html", {"form": form, "membership": membership})


@staff_view(Perm.MANAGE_STAFF)
@require_http_methods(["GET", "POST"])
def staff_reset_two_factor(request, pk):
    """Remove a member's second-factor devices (a lost phone); they enrol again at their next log-in."""
    membership = get_membership(request.actor, pk)
    if request.method == "GET":
        return render(request, "orgs/staff_reset_two_factor.html", {"membership": membership})
    removed = twofactor.reset_two_factor(actor=request.actor, membership=membership)
    messages.success(
        request,
        _("%(user)sの二要素認証を解除しました（%(n)s件）。次のログインで登録し直します。")
        % {"user": membership.user.username, "n": removed},
    )
    return redirect("staff_edit", pk=membership.pk)


@staff_view(Perm.VIEW_STATS)
@require_GET
def org_search(request):
    """The htmx fragment under the 組織 field of the statistics and KPI pages: at most RESULT_LIMIT
    organisations of the acting subtree that fit what was typed, each a link to the page it was typed
    on (?for=, one of chooser.PAGES; a fixed number of queries)."""
    page = request.GET.get("for")
    if page not in chooser.PAGES:
        page = next(iter(chooser.PAGES), None)
    if page is None:
        raise Http404(_("見つかりません。"))
    acting = request.actor.organisation
    found = chooser.search(acting, request.GET.get("org", ""))
    link = chooser.linker(page, request.GET, acting)
    rows = [replace(row, href=link(row.code)) for row in found.rows]
    return render(
        request,
        "orgs/_chooser_results.html",
        {"rows": rows, "found": found, "typed": request.GET.get("org", "").strip()},
    )


@staff_view(Perm.VIEW_AUDIT)
def audit_search(request):
    """The organisation's audit trail, with the log-ins of its staff since each joined."""
    org = request.actor.organisation
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_queries.search(org, members=Membership.objects.filter(organisation=org), **filters)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/search.html", {"form": form, "page": page, "query": query.urlencode()})
