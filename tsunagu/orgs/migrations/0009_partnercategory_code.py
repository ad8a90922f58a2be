"""A stable code for each partner category, by which its label is translated (orgs.categories)."""

from django.db import migrations, models

# The names of migration 0002 with their codes, frozen here as migrations are.
CODES = {
    "福祉事務所": "welfare_office",
    "福祉事務所以外の市区町村窓口": "municipal_window",
    "社会福祉協議会": "social_welfare_council",
    "自立相談支援事業実施機関": "self_reliance_support",
    "地域包括支援センター": "community_care_center",
    "児童相談所": "child_guidance_center",
    "児童家庭支援センター": "child_family_support_center",
    "保健所・保健センター": "public_health_center",
    "精神保健福祉センター": "mental_health_welfare_center",
    "発達障害者支援センター": "developmental_disability_center",
    "医療機関": "medical_institution",
    "子ども・若者総合相談センター": "youth_consultation_center",
    "地域若者サポートステーション": "youth_support_station",
    "ハローワーク": "hello_work",
    "企業": "company",
    "学校・教育委員会等": "school",
    "民間支援団体（当事者団体・NPO法人等）": "private_support_group",
    "障害者雇用促進関連施設": "disability_employment_facility",
    "障害者総合支援関連施設": "disability_services_facility",
    "他のひきこもり地域支援センター": "other_hikikomori_center",
    "その他": "other",
}


def add_codes(apps, schema_editor):
    PartnerCategory = apps.get_model("orgs", "PartnerCategory")
    for category in PartnerCategory.objects.all():
        # A category added by hand keeps a code of its own; its label is then its name.
        category.code = CODES.get(category.name, f"category-{category.pk}")
        category.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("orgs", "0008_lockexception")]
    operations = [
        migrations.AddField(
            model_name="partnercategory",
            name="code",
            field=models.SlugField(default="", max_length=40, verbose_name="コード"),
            preserve_default=False,
        ),
        migrations.RunPython(add_codes, migrations.RunPython.noop),
    ]
