from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "tsunagu.returns"
    label = "returns"
    verbose_name = _("報告の提出と承認")
