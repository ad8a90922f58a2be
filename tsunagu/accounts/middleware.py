"""Session time limits: a log-in ends after a while without a request, and after so many hours in all."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import resolve
from django.urls.exceptions import Resolver404
from django.utils.translation import gettext as _

from tsunagu.orgs.twofactor import two_factor_required

LOGIN_AT = "_tsunagu_login_at"
SEEN_AT = "_tsunagu_seen_at"
# Writing the session on every request would cost a database write per page; a minute's slack is enough.
SEEN_RESOLUTION = 60


class SessionTimeoutMiddleware:
    """Ends a session after 30 idle minutes or 12 hours in all (settings.SESSION_*_TIMEOUT)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            login_at = request.session.get(LOGIN_AT)
            seen_at = request.session.get(SEEN_AT)
            if login_at is None:
                request.session[LOGIN_AT] = login_at = now
            if seen_at is None:
                seen_at = now
            idle = now - seen_at > settings.SESSION_IDLE_TIMEOUT
            expired = now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT
            if idle or expired:
                logout(request)
                messages.info(
                    request,
                    _("しばらく操作がなかったため、ログアウトしました。もう一度ログインしてください。")
                    if idle
                    else _("ログインから12時間が過ぎたため、ログアウトしました。もう一度ログインしてください。"),
                )
                return redirect_to_login(request.get_full_path())
            if now - seen_at >= SEEN_RESOLUTION or SEEN_AT not in request.session:
                request.session[SEEN_AT] = now
        return self.get_response(request)


# What a logged-in person whose session still lacks its second factor may open: the second step itself,
# log-out, the language switch, and the files those pages need.
SECOND_STEP_URLS = {
    "two_factor_verify",
    "two_factor_enrol",
    "logout",
    "set_language",
    "healthz",
    "login",
}
SECOND_STEP_NAMESPACES = {"otp_webauthn"}


class TwoFactorMiddleware:
    """A logged-in session that must pass a second factor and has not (the organisation's policy changed
    since the log-in, or a 管理者 reset the person's devices) reaches nothing but the second step.

    A fresh log-in never gets here unverified: accounts.twofactor logs the person in only once the second
    step passes. Needs ActingOrganisationMiddleware (request.memberships) and django-otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            if two_factor_required(getattr(request, "memberships", [])):
                try:
                    match = resolve(request.path_info)
                except Resolver404:
                    match = None
                allowed = match is not None and (
                    match.url_name in SECOND_STEP_URLS or match.namespace in SECOND_STEP_NAMESPACES
                )
                if not allowed and not request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
                    return redirect("two_factor_verify")
        return self.get_response(request)
