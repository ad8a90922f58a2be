"""The 関係機関 categories of the national report, in the report's order (DOMAIN.md)."""

from django.db import migrations

CATEGORIES = [
    "福祉事務所",
    "福祉事務所以外の市区町村窓口",
    "社会福祉協議会",
    "自立相談支援事業実施機関",
    "地域包括支援センター",
    "児童相談所",
    "児童家庭支援センター",
    "保健所・保健センター",
    "精神保健福祉センター",
    "発達障害者支援センター",
    "医療機関",
    "子ども・若者総合相談センター",
    "地域若者サポートステーション",
    "ハローワーク",
    "企業",
    "学校・教育委員会等",
    "民間支援団体（当事者団体・NPO法人等）",
    "障害者雇用促進関連施設",
    "障害者総合支援関連施設",
    "他のひきこもり地域支援センター",
    "その他",
]


def add_categories(apps, schema_editor):
    PartnerCategory = apps.get_model("orgs", "PartnerCategory")
    for order, name in enumerate(CATEGORIES, start=1):
        PartnerCategory.objects.update_or_create(name=name, defaults={"order": order})


def remove_categories(apps, schema_editor):
    apps.get_model("orgs", "PartnerCategory").objects.filter(name__in=CATEGORIES).delete()


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(add_categories, remove_categories)]
