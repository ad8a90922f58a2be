"""Session time limits: a log-in ends after a while without a request, and after so many hours in all."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

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
