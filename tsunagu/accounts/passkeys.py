"""Passkeys (WebAuthn) as a second factor, through django-otp-webauthn's views and its own JavaScript.

Its views act for request.user; here the person is still pending (not logged in) until the passkey
passes, so the views below act for twofactor.subject(request) instead, and a passed ceremony completes
the log-in the same way a TOTP code does. Pass-word-less log-in is off (settings).
"""

from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy as _
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as webauthn_views
from django_otp_webauthn.helpers import WebAuthnHelper

from . import actions, twofactor


class Locked(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "locked_out"
    default_detail = _("誤りが続いたため、このアカウントへのログインを一時的に止めています。")


class PasskeyHelper(WebAuthnHelper):
    """The relying party is the host the browser asked for, already checked against ALLOWED_HOSTS."""

    def get_relying_party_domain(self) -> str:
        host = self.request.get_host()
        return host.rsplit("]", 1)[0].lstrip("[") if host.startswith("[") else host.split(":", 1)[0]

    def get_allowed_origins(self) -> list[str]:
        return [f"{self.request.scheme}://{self.request.get_host()}"]


class _ForSubject:
    def get_user(self):
        if self.request.user.is_authenticated and self.request.user.is_verified():
            return self.request.user
        return twofactor.subject(self.request)


class BeginRegistration(_ForSubject, webauthn_views.BeginCredentialRegistrationView):
    """Enrolment (a pending person with no device yet) or adding a passkey to a verified session. A person
    who has a device but has not used it this session is refused by the library (NotVerified)."""


class CompleteRegistration(_ForSubject, webauthn_views.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        user = self.get_user()
        enrolling = not (self.request.user.is_authenticated and self.request.user.is_verified())
        response = super().post(*args, **kwargs)
        if response.status_code == 200 and enrolling:
            from django_otp_webauthn.models import WebAuthnCredential

            device = WebAuthnCredential.objects.filter(user=user).order_by("-pk").first()
            actions.enrolled(actor=twofactor.client_actor(self.request, user), device=device)
            twofactor.complete(self.request, user, device)
            self.request.session[twofactor.NEW_CODES] = twofactor.issue_recovery_codes(user)
        elif response.status_code == 200:
            from django_otp_webauthn.models import WebAuthnCredential

            device = WebAuthnCredential.objects.filter(user=user).order_by("-pk").first()
            actions.enrolled(actor=twofactor.client_actor(self.request, user), device=device)
        return response


class BeginAuthentication(_ForSubject, webauthn_views.BeginCredentialAuthenticationView):
    def check_can_authenticate(self):
        if self.get_user() is None:
            raise exceptions.NotAuthenticated()


class CompleteAuthentication(_ForSubject, webauthn_views.CompleteCredentialAuthenticationView):
    def check_can_authenticate(self):
        if self.get_user() is None:
            raise exceptions.NotAuthenticated()

    def post(self, *args, **kwargs):
        user = self.get_user()
        if user is not None and twofactor.is_locked(self.request, user):
            raise Locked()
        try:
            return super().post(*args, **kwargs)
        except exceptions.OTPWebAuthnApiError:
            if user is not None:
                twofactor.fail(self.request, user, "passkey")
            raise

    def complete_auth(self, device):
        user = self.get_user()
        if device.user_id != user.pk:
            raise exceptions.CredentialNotFound()
        twofactor.complete(self.request, user, device)

    def get_success_url(self):
        return self._next or resolve_url(settings.LOGIN_REDIRECT_URL)

    def dispatch(self, request, *args, **kwargs):
        self._next = twofactor.next_url(request)
        return super().dispatch(request, *args, **kwargs)
