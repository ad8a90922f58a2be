"""The 21 関係機関 categories of the national report (DOMAIN.md), by a stable code.

The rows (PartnerCategory) keep the Japanese name, which the report's keys and the ledger's cells are;
the label shown on a page is the gettext of that name looked up by code, so Japanese stays the source
and the English interface reads the English (tsunagu/locale)."""

from django.utils.translation import gettext_lazy as _

# code → label, in the report's order.
CATEGORY_LABELS = {
    "welfare_office": _("福祉事務所"),
    "municipal_window": _("福祉事務所以外の市区町村窓口"),
    "social_welfare_council": _("社会福祉協議会"),
    "self_reliance_support": _("自立相談支援事業実施機関"),
    "community_care_center": _("地域包括支援センター"),
    "child_guidance_center": _("児童相談所"),
    "child_family_support_center": _("児童家庭支援センター"),
    "public_health_center": _("保健所・保健センター"),
    "mental_health_welfare_center": _("精神保健福祉センター"),
    "developmental_disability_center": _("発達障害者支援センター"),
    "medical_institution": _("医療機関"),
    "youth_consultation_center": _("子ども・若者総合相談センター"),
    "youth_support_station": _("地域若者サポートステーション"),
    "hello_work": _("ハローワーク"),
    "company": _("企業"),
    "school": _("学校・教育委員会等"),
    "private_support_group": _("民間支援団体（当事者団体・NPO法人等）"),
    "disability_employment_facility": _("障害者雇用促進関連施設"),
    "disability_services_facility": _("障害者総合支援関連施設"),
    "other_hikikomori_center": _("他のひきこもり地域支援センター"),
    "other": _("その他"),
}
