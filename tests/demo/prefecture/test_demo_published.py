"""The demo prefecture's published figures withstand the attack of issue 13: every publication of the
prefecture and of every organisation below it, for each fiscal year of the demo, read together."""

import csv
import io

import pytest

from tests.stats.attack import attack
from tsunagu.core.wareki import fiscal_year_range
from tsunagu.orgs.models import Organisation, OrgKind
from tsunagu.stats.models import SuppressionPattern
from tsunagu.stats.patterns import Region, region_pattern, region_root
from tsunagu.stats.published import fiscal_year_publication, write_csv
from tsunagu.stats.report import Period

K = 10


def _prefecture():
    return Organisation.objects.get(kind=OrgKind.PREFECTURE, code__startswith="99")


@pytest.mark.parametrize("fy", [2024, 2025, 2026])
def test_the_attack_recovers_and_narrows_no_hidden_cell(demo, db, fy):
    root = _prefecture()
    period = Period(*fiscal_year_range(fy))
    region = Region(root, period, k=K)
    pattern = region_pattern(root, period, k=K)
    hidden = {(code, key) for code, keys in pattern.items() for key in keys}
    assert len(region.cells) == Organisation.objects.filter(path__startswith=root.path).count()
    assert region.primary <= hidden
    assert all(region.values[key] > 0 for key in hidden)  # zeros are published
    found = attack(
        region.values,
        region.equations,
        hidden,
        k=K,
        at_most=region.at_most,
        unpublished=region.unpublished,
        primary=region.primary,
    )
    assert (found.recovered, found.narrowed) == ([], [])


def test_fy2025_figures_and_the_csv_marks_exactly_the_hidden_cells(demo, db):
    root = _prefecture()
    period = Period(*fiscal_year_range(2025))
    region = Region(root, period, k=K)
    published = [key for key in region.values if key[0] != "own"]
    hidden = {(code, key) for code, keys in region_pattern(root, period, k=K).items() for key in keys}
    # The figures of docs/domain.md (published figures).
    assert (len(region.cells), len(published), len(region.primary), len(hidden)) == (56, 5936, 110, 214)
    assert sum(1 for key in published if region.values[key]) == 308
    assert round(1000 * sum(region.values[key] for key in hidden) / sum(region.values[key] for key in published)) == 171

    stored = SuppressionPattern.objects.count()
    for org in [root, *Organisation.objects.filter(parent=root).order_by("code")[:3]]:
        assert region_root(org) == root
        pub = fiscal_year_publication(org, 2025, k=K)
        assert pub.hidden_keys == {key for code, key in hidden if code == org.code}
        lines = list(csv.reader(io.StringIO(write_csv(pub).decode("utf-8-sig"))))
        for table in pub.tables:
            start = lines.index([table.title]) + 2
            for offset, (row, keys) in enumerate(zip(table.rows, table.keys)):
                assert lines[start + offset][0] == row[0]
                for text, value, key in zip(lines[start + offset][1:], row[1:], keys):
                    if key is not None:  # a count: the mark exactly where the pattern hides it
                        assert (text == pub.mark) == (key in pub.hidden_keys)
                        assert text == pub.mark or text == str(region.values[(org.code, key)])
                    else:  # a share: hidden with its count or the total
                        assert (text == pub.mark) == (value == pub.mark)
    assert SuppressionPattern.objects.count() == stored  # every publication read the stored pattern
