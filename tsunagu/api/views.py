"""The API token pages of the account: the acting membership's tokens, making one (shown once) and
revoking one. Tokens are made only by a session that passed the second factor. And the organisation's
page for its 管理者: every token of its memberships, any of which they revoke."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tsunagu.accounts.twofactor import verified
from tsunagu.core.forms import apply_errors
from tsunagu.core.formtokens import AlreadySaved, already_saved, create_once
from tsunagu.orgs.decorators import staff_view
from tsunagu.orgs.rules import Perm

from . import tokens
from .forms import TokenForm


@never_cache
@staff_view(Perm.VIEW_ORG)
@require_http_methods(["GET", "POST"])
def token_list(request):
    actor = request.actor
    second_factor = verified(request)
    form = TokenForm(request.POST or None)
    made = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = create_once(
                request,
                lambda: tokens.create_token(
                    actor=actor,
                    second_factor=second_factor,
                    name=data["name"],
                    scopes=data["scopes"],
                    expires_on=data["expires_on"],
                    allowed_addresses=data["allowed_addresses"],
                ),
                url_of=lambda made: reverse("api_tokens"),
            )
        except AlreadySaved as error:
            return already_saved(request, error)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            form = TokenForm()
    context = {
        "form": form,
        "made": made,
        "tokens": tokens.own_tokens(actor),
        "second_factor": second_factor,
    }
    return render(request, "api/tokens.html", context)


@staff_view(Perm.VIEW_ORG)
def token_revoke(request, pk):
    token = tokens.get_token(request.actor, pk)  # another's token: 404 whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    tokens.revoke_token(actor=request.actor, token=token)
    messages.success(request, _("トークン「%(name)s」を失効させました。") % {"name": token.name})
    return redirect("api_tokens")


@never_cache
@staff_view(Perm.MANAGE_ORG)
def organisation_token_list(request):
    return render(
        request,
        "api/organisation_tokens.html",
        {"tokens": tokens.organisation_tokens(request.actor)},
    )


@staff_view(Perm.MANAGE_ORG)
def organisation_token_revoke(request, pk):
    token = tokens.get_organisation_token(request.actor, pk)  # another organisation's: 404 whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    tokens.revoke_token(actor=request.actor, token=token)
    messages.success(
        request,
        _("%(owner)sさんのトークン「%(name)s」を失効させました。")
        % {"owner": tokens.owner_name(token), "name": token.name},
    )
    return redirect("api_organisation_tokens")
