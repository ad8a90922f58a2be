from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tsunagu.accounts"
    verbose_name = _("ログインとホーム")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from tsunagu.orgs.hooks import initial_password_set

        from . import passwords

        initial_password_set.connect(passwords.require_change, dispatch_uid="accounts.require_change")
        user_logged_in.connect(passwords.remember_at_login, dispatch_uid="accounts.remember_at_login")
