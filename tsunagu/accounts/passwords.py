"""A new staff member changes the initial password a 管理者 gave them before anything else.

The 職員 page's invite_staff says so when it creates the account through orgs.hooks.initial_password_set; the log-in copies the fact
into the session (one query per log-in, none per page); PasswordChangeMiddleware then lets that session
reach only the password change page and log-out; changing the password clears both.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import resolve
from django.urls.exceptions import Resolver404
from django.utils.translation import gettext as _

from tsunagu.audit.log import log_action
from tsunagu.orgs.rules import Actor

from .models import PasswordChangeRequired

SESSION_FLAG = "_tsunagu_change_password"
ALLOWED_URLS = {"password_change", "password_change_done", "logout", "public_language"}


def require_change(sender, *, user, **kwargs):
    PasswordChangeRequired.objects.get_or_create(user=user)


def remember_at_login(sender, *, request, user, **kwargs):
    if PasswordChangeRequired.objects.filter(user=user).exists():
        request.session[SESSION_FLAG] = True


class PasswordChangeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.session.get(SESSION_FLAG):
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None
            static = request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/"))
            if name not in ALLOWED_URLS and not static:
                messages.info(request, _("最初に、管理者が決めた仮のパスワードを自分のパスワードに変えてください。"))
                return redirect("password_change")
        return self.get_response(request)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page, which also ends the obligation to change an initial password."""

    def form_valid(self, form):
        response = super().form_valid(form)
        user = self.request.user
        if PasswordChangeRequired.objects.filter(user=user).delete()[0]:
            log_action(
                Actor(user=user, membership=None), "user.initial_password_changed", obj=user, label=user.username
            )
        self.request.session.pop(SESSION_FLAG, None)
        return response
