"""The 21 partner categories: rows with a stable code, labelled by the gettext of their Japanese name."""

from django.utils import translation

from tsunagu.orgs.categories import CATEGORY_LABELS
from tsunagu.orgs.models import PartnerCategory


def test_every_category_row_has_the_code_of_its_label_in_the_reports_order(db):
    rows = list(PartnerCategory.objects.values_list("order", "code", "name"))
    with translation.override("ja"):
        labels = [(order, code, str(label)) for order, (code, label) in enumerate(CATEGORY_LABELS.items(), start=1)]
    assert rows == labels
    assert len(rows) == 21
    assert rows[0] == (1, "welfare_office", "福祉事務所")
    assert rows[13] == (14, "hello_work", "ハローワーク")
    assert rows[-1] == (21, "other", "その他")


def test_the_label_follows_the_active_language_and_the_name_stays_japanese(db):
    other = PartnerCategory.objects.get(code="other")
    with translation.override("ja"):
        assert (other.label, str(other)) == ("その他", "その他")
    with translation.override("en"):
        assert (other.label, str(other), other.name) == ("Other", "Other", "その他")


def test_a_category_of_an_unknown_code_is_labelled_by_its_name(db):
    added = PartnerCategory.objects.create(code="category-99", name="地域の見守り団体", order=99)
    with translation.override("en"):
        assert added.label == "地域の見守り団体"
