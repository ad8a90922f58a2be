"""Placements: what the action refuses, and the case timeline showing them."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.cases.factories import actor_for, make_case
from tests.conftest import act_as
from tests.factories import make_staff
from tsunagu.orgs.models import Role
from tsunagu.orgs.periods import lock_months
from tsunagu.work import actions

from .conftest import place


def test_a_placement_needs_the_organisations_case_and_host_and_sensible_dates(network, coordinator, farm):
    outsider = actor_for(make_staff(network["other_center"], Role.COORDINATOR))
    foreign_case = make_case(outsider, opened_on=date(2021, 4, 1))
    with pytest.raises(ValidationError) as refused:
        place(coordinator, farm, case=foreign_case, end=date(2021, 4, 30), outcome="employed")
    assert refused.value.message_dict == {
        "case": ["「ケース番号」のケースはこの組織のケースではありません。"],
        "end": ["「終了日」は開始日より後にしてください。"],
    }
    with pytest.raises(ValidationError) as refused:
        place(coordinator, farm, outcome="employed")
    assert refused.value.message_dict == {"outcome": ["「結果」は終了日と一緒に入力してください。"]}


def test_a_day_outside_the_placement_or_in_a_locked_month_is_refused(coordinator, farm):
    placement = place(coordinator, farm, end=date(2021, 5, 31))
    with pytest.raises(ValidationError) as refused:
        actions.record_days(actor=coordinator, placement=placement, days={date(2021, 6, 1): Decimal(5)})
    assert refused.value.message_dict == {"d20210601": ["就労体験の期間（開始日から終了日まで）の外の日です。"]}
    lock_months(coordinator.organisation, date(2021, 5, 1), date(2021, 5, 31))
    with pytest.raises(ValidationError) as refused:
        actions.record_days(actor=coordinator, placement=placement, days={date(2021, 5, 3): Decimal(5)})
    assert refused.value.message_dict["d20210503"][0].startswith("令和3年5月1日〜令和3年5月31日は締められた期間です。")
    assert placement.days.count() == 0


def test_the_case_timeline_shows_the_placement_and_its_outcome(client, coordinator, farm):
    placement = place(coordinator, farm, end=date(2021, 5, 31), outcome="seeking")
    actions.record_days(actor=coordinator, placement=placement, days={date(2021, 5, 3): Decimal(5)})
    act_as(client, coordinator.membership)
    page = client.get(reverse("case_detail", args=[placement.case.pk])).content.decode()
    assert "就労体験の開始" in page and "山田農園（農家） ・ 就労1日" in page
    assert "就労体験の終了" in page and "結果: 求職活動" in page
    assert reverse("work_placement_detail", args=[placement.pk]) in page


@pytest.mark.parametrize("name", ["work_placements", "work_payment_lists", "work_hosts"])
def test_list_pages_take_as_many_queries_for_one_row_as_for_three(client, coordinator, admin, farm, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    act_as(client, coordinator.membership)
    client.get(reverse(name))  # the first request of a session does its own work (last seen, …)
    counts = []
    made = 0
    for n in (1, 3):
        for month in range(made, n):
            placement = place(coordinator, farm, start=date(2021, 5, 1 + month))
            actions.record_days(actor=coordinator, placement=placement, days={date(2021, 5, 20): Decimal(5)})
            actions.create_payment_list(
                actor=coordinator, organisation=coordinator.organisation, month=date(2021, 4 + month, 1), payee="host"
            )
            actions.create_host(
                actor=coordinator, organisation=coordinator.organisation, name=f"受入先{month}", kind="shop"
            )
        made = n
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
