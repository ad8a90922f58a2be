"""The demo's 就労体験 (tsunagu/demo/work.py) on a small network: built once, and a second run adds nothing."""

from collections import Counter
from datetime import date
from types import SimpleNamespace

from tests.cases.factories import make_case
from tsunagu.demo.work import build_work
from tsunagu.orgs.rules import Actor
from tsunagu.work.allowances import RateBook
from tsunagu.work.models import AllowanceRate, Host, PaymentLine, PaymentList, Placement, WorkedDay


def test_the_demo_builds_a_year_of_work_and_its_payment_lists(coordinator):
    for n in range(10):
        make_case(coordinator, opened_on=date(2025, 1, 1 + n))
    network = SimpleNamespace(center=coordinator.organisation)
    system = Actor.system("demo-data")
    assert build_work(network, system, today=date(2026, 12, 2)) == 8
    assert Host.objects.count() == 3 and AllowanceRate.objects.count() == 7 and Placement.objects.count() == 8
    days = WorkedDay.objects.all()
    assert (
        days.exists()
        and min(d.date for d in days) >= date(2025, 12, 1)
        and max(d.date for d in days) < date(2026, 12, 1)
    )
    assert Counter(PaymentList.objects.values_list("status", flat=True)) == {"settled": 20, "approved": 2, "draft": 2}
    # What the lists pay is what the days come to at the rates of each day.
    book = RateBook.of(coordinator.organisation.pk)
    expected = sum(book.day_total(d.date, d.hours, d.placement.program) for d in days.select_related("placement"))
    assert sum(PaymentLine.objects.values_list("amount", flat=True)) == expected
    assert build_work(network, system, today=date(2026, 12, 2)) == 0
    assert Placement.objects.count() == 8
