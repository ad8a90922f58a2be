"""Access declarations for the log-in, account and home pages."""

from tsunagu.orgs.rules import Perm

from ..access import UrlCase

# Reachable without logging in; each has its own tests (tests/accounts/test_pages.py, browser/test_login.py).
PUBLIC = {"root", "login"}
# The passkey endpoints (POST, JSON) act only for the person at the second step (accounts.passkeys);
# tests/accounts/test_twofactor.py and browser/test_two_factor.py cover them.
PUBLIC |= {
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
}
# Need a logged-in user but no organisation: they act on the user's own account only.
ACCOUNT_ONLY = {"logout", "password_change", "password_change_done", "choose_organisation"}
# The second step and the person's own second factors (anonymous is sent to log in).
ACCOUNT_ONLY |= {"two_factor_verify", "two_factor_enrol", "two_factor_settings"}
# The person's own log-in history (tests/audit/test_scope.py) and their own invitations
# (tests/orgs/test_invitations.py: another's invitation is a 404).
ACCOUNT_ONLY |= {"own_log_ins", "invitations"}

URL_CASES = [
    UrlCase("home", Perm.VIEW_ORG, leak=lambda w: w["other"].name),
]
