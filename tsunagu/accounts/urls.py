from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from . import passkeys, passwords, views

# django-otp-webauthn's JavaScript finds its endpoints by these names (namespace otp_webauthn); the views
# are ours so that they act for the person at the second step (accounts.passkeys).
passkey_urls = [
    path("registration/begin/", passkeys.BeginRegistration.as_view(), name="credential-registration-begin"),
    path("registration/complete/", passkeys.CompleteRegistration.as_view(), name="credential-registration-complete"),
    path("authentication/begin/", passkeys.BeginAuthentication.as_view(), name="credential-authentication-begin"),
    path(
        "authentication/complete/",
        passkeys.CompleteAuthentication.as_view(),
        name="credential-authentication-complete",
    ),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]

urlpatterns = [
    path("", views.root, name="root"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/2fa/", views.two_factor_settings, name="two_factor_settings"),
    path("accounts/2fa/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("accounts/2fa/enrol/", views.two_factor_enrol, name="two_factor_enrol"),
    path("accounts/2fa/passkey/", include((passkey_urls, "otp_webauthn"))),
    path("accounts/log-ins/", views.own_log_in_history, name="own_log_ins"),
    path("act/", views.choose_organisation, name="choose_organisation"),
    path("home/", views.home, name="home"),
]
