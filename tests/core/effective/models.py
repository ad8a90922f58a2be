from django.db import models

from tsunagu.core.models import EffectiveDated


class UnitPrice(EffectiveDated):
    """A price per kind of service, as rates will be: keyed by kind, dated from when it applies."""

    effective_key = ("kind",)

    kind = models.CharField(max_length=20)

    class Meta(EffectiveDated.Meta):
        constraints = [EffectiveDated.unique_key("kind", name="unit_price_one_per_kind_and_date")]
