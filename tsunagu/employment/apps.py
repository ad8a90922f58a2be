from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    name = "tsunagu.employment"
    label = "employment"
    verbose_name = _("就労支援")
