"""A report restricted to a cohort (DOMAIN.md "Cohorts"): the page's 対象者 choice, its heading and the
XLSX title, and `tsunagu report --cohort`. On tests/stats/data.py's year: case A (born 1991-07-01) is
20代 on 2021-04-05 and 2021-06-30 and 30代 on 2021-07-01; case B is known only as 40代 (2021-10-01)."""

import json
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from tsunagu.orgs.models import Role

from ..conftest import act_as
from ..factories import make_staff
from . import data

pytestmark = pytest.mark.usefixtures("exact_small_cells")  # see tests/conftest.py


@pytest.fixture
def year(network):
    return data.build(network)


@pytest.fixture
def statistician(client, network):
    return act_as(client, make_staff(network["own"], Role.STATISTICIAN))


def test_the_page_counts_the_cohorts_records_and_says_which(statistician, network, year):
    response = statistician.get(reverse("stats_report"), {"period": "fy", "fy": "2021", "cohort": "20代"})
    report = response.context["report"]
    assert report["cohort"] == "20代"
    assert (report["contacts"]["total"], report["contacts"]["persons"], report["contacts"]["new_cases"]) == (2, 1, 1)
    assert report["referrals"]["total"] == 2  # A's two referrals (2021-05-01, 2021-06-01), at 29
    assert report["connected"] == {"total": 1, "本人": 1, "家族": 0}
    assert response.context["period_label"] == "2021年度（令和3年度）（20代）"
    assert "cohort=20%E4%BB%A3" in response.context["query"]
    xlsx = statistician.get(reverse("stats_export_xlsx"), {"period": "fy", "fy": "2021", "cohort": "20代"})
    sheet = load_workbook(BytesIO(xlsx.content)).worksheets[0]
    assert sheet["A1"].value.endswith("統計 2021年度（令和3年度）（20代）")


def test_an_unknown_cohort_is_a_message_on_the_field(statistician, network, year):
    response = statistician.get(reverse("stats_report"), {"period": "fy", "fy": "2021", "cohort": "80代"})
    assert response.status_code == 200
    assert "cohort" in response.context["form"].errors
    assert "report" not in response.context


def test_the_report_command_takes_a_cohort(network, year):
    out = StringIO()
    call_command("report", "--org", network["own"].code, "--fy", "2021", "--cohort", "４０代", stdout=out)
    report = json.loads(out.getvalue())
    assert (report["cohort"], report["contacts"]["total"], report["contacts"]["by_age_band"]["40代"]) == ("40代", 1, 1)
    assert report["employment"]["registered"] == 0
    with pytest.raises(CommandError, match="--cohort は次のどれかです: 就職氷河期世代、10代以下"):
        call_command("report", "--org", network["own"].code, "--fy", "2021", "--cohort", "団塊")
