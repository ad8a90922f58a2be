"""Rendered directory pages kept in Django's cache (per process with the default LocMemCache).

The directory pages are the same for every visitor: no CSRF token, no user, nothing from the request.
Each is rendered once per language and per state of the directory, without the request so nothing
personal can slip into the copy. The state (queries.directory_version) costs one query; it is itself
remembered for STATE_SECONDS, so a busy page costs no query at all. Saving a window forgets it in the
process that saved; other app servers see the change within STATE_SECONDS, well inside the minute
(Cache-Control max-age) that browsers and proxies may keep the page anyway.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from . import queries

STATE_KEY = "tsunagu.public:directory-state"
STATE_SECONDS = 5
PAGE_SECONDS = 600


def directory_state() -> str:
    state = cache.get(STATE_KEY)
    if state is None:
        state = queries.directory_version()
        cache.set(STATE_KEY, state, STATE_SECONDS)
    return state


def forget_state() -> None:
    """Call when the directory changed; again after the commit, in case a page was rendered between."""
    cache.delete(STATE_KEY)
    transaction.on_commit(lambda: cache.delete(STATE_KEY))


def cached_page(name: str, template: str, context: Callable[[], dict]) -> HttpResponse:
    """The page `name`, rendered from `context()` only when the directory changed since it last was.
    `context` may raise Http404."""
    # The day is part of the key: an announced event leaves the pages once its day is past.
    key = f"tsunagu.public:page:{name}:{get_language()}:{timezone.localdate().isoformat()}:{directory_state()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, context())
        cache.set(key, html, PAGE_SECONDS)
    return HttpResponse(html)
