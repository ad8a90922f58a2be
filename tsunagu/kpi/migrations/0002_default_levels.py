"""The default progress judgement (順調 ≥ 100%, 概ね順調 ≥ 80%, やや遅れ ≥ 50%, 遅れ below), kept as data so
an administrator can change labels and limits for an organisation without a release."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = [("順調", Decimal("100.0")), ("概ね順調", Decimal("80.0")), ("やや遅れ", Decimal("50.0")),
            ("遅れ", Decimal("0.0"))]


def add_defaults(apps, schema_editor):
    JudgementLevel = apps.get_model("kpi", "JudgementLevel")
    if not JudgementLevel.objects.filter(organisation__isnull=True).exists():
        JudgementLevel.objects.bulk_create(
            JudgementLevel(organisation=None, label=label, min_ratio=min_ratio) for label, min_ratio in DEFAULTS
        )


def remove_defaults(apps, schema_editor):
    apps.get_model("kpi", "JudgementLevel").objects.filter(organisation__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("kpi", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
