"""Access declarations for the log-in, account and home pages."""

from tsunagu.orgs.rules import Perm

from ..access import UrlCase

# Reachable without logging in; each has its own tests (tests/accounts/test_pages.py, browser/test_login.py).
PUBLIC = {"root", "login"}
# Need a logged-in user but no organisation: they act on the user's own account only.
ACCOUNT_ONLY = {"logout", "password_change", "password_change_done", "choose_organisation"}

URL_CASES = [
    UrlCase("home", Perm.VIEW_ORG, leak=lambda w: w["other"].name),
]
