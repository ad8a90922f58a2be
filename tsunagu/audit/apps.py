from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "tsunagu.audit"
    verbose_name = _("監査ログ")

    def ready(self):
        from . import signals  # noqa: F401  (login, logout and lock-out entries)
