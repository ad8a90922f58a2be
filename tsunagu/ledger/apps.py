from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "tsunagu.ledger"
    label = "ledger"
    verbose_name = _("台帳の取込・書出")
