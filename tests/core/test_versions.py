"""No lost update on any edit form: two people open the same record, the first saves, the second is
refused with the message and the first person's values on the page, and what the second typed stays in
the form. A form that arrives without its version is refused the same way."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.cases.factories import actor_for, make_case
from tests.conftest import act_as
from tests.factories import SYSTEM, make_staff
from tests.kpi.factories import make_indicator
from tsunagu.cases import actions as case_actions
from tsunagu.cases.models import Case, Channel, Consulter, Contact
from tsunagu.ibasho import actions as ibasho_actions
from tsunagu.ibasho.models import Ibasho, IbashoEvent
from tsunagu.kpi import actions as kpi_actions
from tsunagu.kpi.models import Indicator, Plan
from tsunagu.orgs.models import Organisation, Role
from tsunagu.public import actions as public_actions
from tsunagu.public.models import Window

STALE = "この記録は、あなたが開いた後に他の人が保存しました。上書きしないよう保存を止めました。"
MISSING = "この画面には、開いたときの記録の版がありません。上書きしないよう保存を止めました。"


def form_data(response) -> dict:
    """What the browser would send back for the page's form (and its formsets), unchanged."""
    data = {}
    for name in ("form", "household"):
        form = response.context.get(name)
        if form is None:
            continue
        forms = [form.management_form, *form.forms] if hasattr(form, "management_form") else [form]
        for each in forms:
            for field in each:
                value = field.value()
                if value is None or value is False:
                    continue
                if value is True:
                    value = "on"
                elif isinstance(value, (list, tuple)):
                    value = [str(v) for v in value]
                else:
                    value = str(value)
                data[field.html_name] = value
    return data


@pytest.fixture
def coordinator(client, network):
    membership = make_staff(network["own_center"], Role.COORDINATOR, username="sato")
    act_as(client, membership)
    return membership


@pytest.fixture
def admin(client, network):
    membership = make_staff(network["own"], Role.ADMIN, username="pref-admin")
    act_as(client, membership)
    return membership


def _case(network, coordinator):
    return make_case(actor_for(coordinator), number="2026-0001", notes="最初")


def _contact(network, coordinator):
    case = _case(network, coordinator)
    return case_actions.log_contact(
        actor=actor_for(coordinator),
        case=case,
        date=date(2021, 5, 1),
        channel=Channel.PHONE,
        consulter=Consulter.FAMILY,
        notes="最初",
    )


def _ibasho(network, coordinator):
    return ibasho_actions.create_ibasho(
        actor=actor_for(coordinator), organisation=network["own_center"], name="最初", kind="online"
    )


def _event(network, coordinator):
    ibasho = ibasho_actions.create_ibasho(
        actor=actor_for(coordinator), organisation=network["own_center"], name="サロン", kind="online"
    )
    return ibasho_actions.create_event(
        actor=actor_for(coordinator), ibasho=ibasho, date=date(2026, 5, 8), start_time=time(14), place="最初"
    )


def _plan(network, admin):
    indicator = make_indicator(network["own"], "窓口設置数", unit="市町")
    return kpi_actions.save_plan(
        actor=SYSTEM,
        indicator=indicator,
        first_year=2020,
        baseline=Decimal(13),
        increments=[Decimal(5)],
        baseline_label="最初",
    )


def _window(network, admin):
    return public_actions.save_window(actor=SYSTEM, organisation=network["own_center"], name="最初")


# (builder, who, url of the edit page, field typed into, how to read the saved value back)
EDIT_FORMS = {
    "case": (
        _case,
        "coordinator",
        lambda obj: reverse("case_edit", kwargs={"pk": obj.pk}),
        "notes",
        lambda obj: Case.objects.get(pk=obj.pk).notes,
    ),
    "contact": (
        _contact,
        "coordinator",
        lambda obj: reverse("contact_edit", kwargs={"pk": obj.case_id, "contact_pk": obj.pk}),
        "notes",
        lambda obj: Contact.objects.get(pk=obj.pk).notes,
    ),
    "ibasho": (
        _ibasho,
        "coordinator",
        lambda obj: reverse("ibasho_edit", kwargs={"pk": obj.pk}),
        "name",
        lambda obj: Ibasho.objects.get(pk=obj.pk).name,
    ),
    "ibasho_event": (
        _event,
        "coordinator",
        lambda obj: reverse("ibasho_event_edit", kwargs={"pk": obj.pk}),
        "place",
        lambda obj: IbashoEvent.objects.get(pk=obj.pk).place,
    ),
    "organisation": (
        lambda network, admin: network["own_city"],
        "admin",
        lambda obj: reverse("org_edit", kwargs={"code": obj.code}),
        "name",
        lambda obj: Organisation.objects.get(pk=obj.pk).name,
    ),
    "kpi_plan": (
        _plan,
        "admin",
        lambda obj: reverse("kpi_plan", kwargs={"pk": obj.indicator_id}) + f"?plan={obj.pk}",
        "baseline_label",
        lambda obj: Plan.objects.get(pk=obj.pk).baseline_label,
    ),
    "kpi_indicator": (
        lambda network, admin: make_indicator(network["own"], "最初", unit="回"),
        "admin",
        lambda obj: reverse("kpi_indicator_edit", kwargs={"pk": obj.pk}),
        "name",
        lambda obj: Indicator.objects.get(pk=obj.pk).name,
    ),
    "public_window": (
        _window,
        "admin",
        lambda obj: reverse("window_edit", kwargs={"code": obj.organisation.code}),
        "name",
        lambda obj: Window.objects.get(pk=obj.pk).name,
    ),
}


@pytest.mark.parametrize("kind", EDIT_FORMS)
def test_the_second_save_from_the_same_version_is_refused_with_the_first_persons_values(request, client, network, kind):
    build, who, url_of, field, saved = EDIT_FORMS[kind]
    obj = build(network, request.getfixturevalue(who))
    url = url_of(obj)
    opened = form_data(client.get(url))  # both people open the page at the same version
    first = client.post(url, {**opened, field: "先に保存した人"})
    assert first.status_code == 302, first.context["form"].errors if first.context else first
    second = client.post(url, {**opened, field: "後から保存した人"})
    assert second.status_code == 200
    page = second.content.decode()
    assert STALE in page
    form = second.context["form"]
    assert dict(form.stale)[str(form.fields[field].label)] == "先に保存した人"
    assert 'data-testid="stale-values"' in page
    assert second.context["form"][field].value() == "後から保存した人"  # what they typed stays
    assert saved(obj) == "先に保存した人"


@pytest.mark.parametrize("kind", EDIT_FORMS)
def test_a_save_without_its_version_is_refused(request, client, network, kind):
    build, who, url_of, field, saved = EDIT_FORMS[kind]
    obj = build(network, request.getfixturevalue(who))
    url = url_of(obj)
    opened = form_data(client.get(url))
    before = saved(obj)
    assert "version" in opened
    del opened["version"]
    response = client.post(url, {**opened, field: "版なしで保存"})
    assert response.status_code == 200
    assert MISSING in response.content.decode()
    assert saved(obj) == before


def test_two_assignments_from_the_same_page_keep_the_first_and_show_it(client, network, coordinator):
    admin = make_staff(network["own_center"], Role.ADMIN, username="center-admin")
    peer = make_staff(network["own_center"], Role.PEER, username="peer-suzuki")
    case = _case(network, coordinator)
    act_as(client, admin)
    url = reverse("case_assign", kwargs={"pk": case.pk})
    opened = form_data(client.get(url))
    assert client.post(url, {**opened, "users": [str(peer.user.pk)]}).status_code == 302
    second = client.post(url, {**opened, "users": [str(coordinator.user.pk)]})
    assert STALE in second.content.decode()
    assert dict(second.context["form"].stale) == {"担当者": str(peer.user.get_full_name() or peer.user)}
    assert list(Case.objects.get(pk=case.pk).assigned.all()) == [peer.user]
    del opened["version"]
    missing = client.post(url, {**opened, "users": [str(coordinator.user.pk)]})
    assert MISSING in missing.content.decode()
    assert list(Case.objects.get(pk=case.pk).assigned.all()) == [peer.user]


def test_a_window_created_by_someone_else_while_typing_is_not_overwritten(client, network, admin):
    url = reverse("window_edit", kwargs={"code": network["own_center"].code})
    opened = form_data(client.get(url))
    assert opened["version"] == "0"
    public_actions.save_window(actor=SYSTEM, organisation=network["own_center"], name="先に作った人")
    response = client.post(url, {**opened, "name": "後から作った人"})
    assert STALE in response.content.decode()
    assert dict(response.context["form"].stale)["窓口の名称"] == "先に作った人"
    assert list(Window.objects.values_list("name", flat=True)) == ["先に作った人"]


def test_a_status_change_from_a_stale_page_is_refused(client, network, coordinator):
    case = _case(network, coordinator)
    url = reverse("case_status", kwargs={"pk": case.pk})
    opened = form_data(client.get(url))
    assert client.post(url, {**opened, "status": "assessment", "on": "2021-04-10"}).status_code == 302
    response = client.post(url, {**opened, "status": "closed", "on": "2021-04-11"})
    assert STALE in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == "assessment"
