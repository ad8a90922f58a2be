"""A create form sent twice (a double click, the back button and 送信 again) saves one record, and the
second sending is answered with the first record's page, not an error and not a copy."""

import re
from datetime import date, time

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from tests.cases.factories import actor_for, make_case
from tests.conftest import act_as
from tests.factories import make_staff
from tests.kpi.factories import make_indicator
from tsunagu.cases.models import Case, Channel, Consent, Consulter, Contact, Referral, ReferralTarget
from tsunagu.core.formtokens import FIELD
from tsunagu.core.models import FormToken
from tsunagu.ibasho import actions as ibasho_actions
from tsunagu.ibasho.models import Attendance, Ibasho, IbashoEvent
from tsunagu.kpi.models import Indicator, Plan
from tsunagu.orgs.models import Organisation, OrgKind, Role

TOKEN = re.compile(r'name="form_token" value="([A-Za-z0-9_-]+)"')
AGAIN = "この内容はすでに保存されています。"


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


def _case(network, who):
    return {"pk": make_case(actor_for(who)).pk}


def _ibasho(network, who):
    ibasho = ibasho_actions.create_ibasho(
        actor=actor_for(who), organisation=network["own_center"], name="サロン", kind="online"
    )
    return {"pk": ibasho.pk}


def _event(network, who):
    ibasho = ibasho_actions.create_ibasho(
        actor=actor_for(who), organisation=network["own_center"], name="サロン", kind="online"
    )
    event = ibasho_actions.create_event(
        actor=actor_for(who), ibasho=ibasho, date=date(2021, 5, 8), start_time=time(14), online=True
    )
    return {"pk": event.pk}


HOUSEHOLD = {"household-TOTAL_FORMS": "0", "household-INITIAL_FORMS": "0"}

# url name, who, url kwargs, the POST, the model counted
CREATE_FORMS = {
    "case": (
        "case_add",
        "coordinator",
        None,
        {"opened_on": "2021-04-01", "first_consulter": "family", "age_band": "30s", "sex": "unknown", **HOUSEHOLD},
        Case,
    ),
    "contact": (
        "contact_add",
        "coordinator",
        _case,
        {"date": "2021-06-01", "channel": Channel.PHONE, "consulter": Consulter.FAMILY, "notes": "二度押し"},
        Contact,
    ),
    "quick_contact": (
        "contact_add",
        "coordinator",
        _case,
        {"quick": "1", "date": "2021-06-01", "channel": Channel.PHONE, "consulter": Consulter.FAMILY},
        Contact,
    ),
    "consent": (
        "consent_add",
        "coordinator",
        _case,
        {
            "given_by": ReferralTarget.PERSON,
            "purpose": "就労支援",
            "given_on": "2021-05-01",
            "share_with_categories": ["1"],
        },
        Consent,
    ),
    "referral": (
        "referral_add",
        "coordinator",
        _case,
        {"date": "2021-06-01", "target": ReferralTarget.PERSON, "destination": "ibasho", "partner_name": "サロン"},
        Referral,
    ),
    "ibasho": ("ibasho_add", "coordinator", None, {"name": "まったりサロン", "kind": "online"}, Ibasho),
    "ibasho_session": (
        "ibasho_event_add",
        "coordinator",
        _ibasho,
        {"date": "2026-01-05", "start_time": "10:00", "online": "on"},
        IbashoEvent,
    ),
    "attendance": (
        "ibasho_attendance_add",
        "coordinator",
        _event,
        {"nickname": "ゆう", "target": "person"},
        Attendance,
    ),
    "organisation": (
        "org_add_child",
        "admin",
        lambda network, who: {"code": network["own"].code},
        {"code": "NEW01", "name": "新しいセンター", "kind": OrgKind.CENTER},
        Organisation,
    ),
    "kpi_indicator": (
        "kpi_indicator_add",
        "admin",
        None,
        {"name": "連絡協議会の開催回数", "unit": "回", "source": "manual", "order": "0", "is_active": "on"},
        Indicator,
    ),
    "kpi_plan": (
        "kpi_plan",
        "admin",
        lambda network, who: {"pk": make_indicator(network["own"], "窓口設置数", unit="市町").pk},
        {"first_year": "2024", "baseline": "13", "baseline_label": "事業開始前", "increment_1": "5"},
        Plan,
    ),
}


@pytest.mark.parametrize("kind", CREATE_FORMS)
def test_the_same_create_form_sent_twice_saves_one_record_and_shows_it(request, client, network, kind):
    name, who, kwargs, post, model = CREATE_FORMS[kind]
    membership = request.getfixturevalue(who)
    url = reverse(name, kwargs=kwargs(network, membership) if kwargs else None)
    page_url = url
    if name == "ibasho_attendance_add":
        page_url = reverse("ibasho_event_detail", kwargs=kwargs(network, membership) if kwargs else None)
    if name == "contact_add" and post.get("quick"):
        page_url = reverse("case_detail", kwargs={"pk": Case.objects.get().pk})
    token = TOKEN.search(client.get(page_url).content.decode()).group(1)
    before = model.objects.count()
    first = client.post(url, {**post, "form_token": token})
    assert first.status_code == 302, first.context["form"].errors if first.context else first
    second = client.post(url, {**post, "form_token": token}, follow=True)
    assert model.objects.count() == before + 1
    assert second.redirect_chain[0] == (first["Location"], 302)
    assert second.status_code == 200
    assert AGAIN in second.content.decode()
    assert FormToken.objects.filter(token=token).count() == 1


def test_the_quick_phone_form_sent_twice_over_htmx_saves_once_and_sends_the_browser_to_the_case(
    client, network, coordinator
):
    case = make_case(actor_for(coordinator))
    url = reverse("contact_add", kwargs={"pk": case.pk})
    page = client.get(reverse("case_detail", kwargs={"pk": case.pk})).content.decode()
    token = TOKEN.search(page).group(1)
    post = {"quick": "1", "date": "2021-06-01", "channel": Channel.PHONE, "consulter": Consulter.FAMILY}
    first = client.post(url, {**post, "form_token": token}, HTTP_HX_REQUEST="true")
    assert first.status_code == 200
    fresh = TOKEN.search(first.content.decode()).group(1)
    assert fresh != token  # the next call on the same page is a new record
    second = client.post(url, {**post, "form_token": token}, HTTP_HX_REQUEST="true")
    assert (second.status_code, second["HX-Redirect"]) == (
        204,
        reverse("case_detail", kwargs={"pk": case.pk}) + "#timeline",
    )
    assert Contact.objects.filter(case=case).count() == 1
    third = client.post(url, {**post, "form_token": fresh}, HTTP_HX_REQUEST="true")
    assert third.status_code == 200
    assert Contact.objects.filter(case=case).count() == 2


def test_a_refused_form_spends_no_token(client, network, coordinator):
    token = TOKEN.search(client.get(reverse("ibasho_add")).content.decode()).group(1)
    refused = client.post(reverse("ibasho_add"), {"name": "", "kind": "online", "form_token": token})
    assert refused.status_code == 200
    assert not FormToken.objects.exists()
    saved = client.post(reverse("ibasho_add"), {"name": "サロン", "kind": "online", "form_token": token})
    assert saved.status_code == 302
    assert list(Ibasho.objects.values_list("name", flat=True)) == ["サロン"]


@pytest.mark.django_db(transaction=True)
def test_two_sendings_at_the_same_moment_save_one_record(network):
    import threading

    from django.db import connection, connections
    from django.test import RequestFactory

    from tsunagu.core.formtokens import AlreadySaved, create_once

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    membership = make_staff(network["own_center"], Role.COORDINATOR, username="sato")
    both_created, outcomes = threading.Barrier(2, timeout=20), []

    def send():
        request = RequestFactory().post("/ibasho/add/", {"form_token": "t" * 32})
        request.user = membership.user

        def create():
            ibasho = ibasho_actions.create_ibasho(
                actor=actor_for(membership), organisation=network["own_center"], name="サロン", kind="online"
            )
            both_created.wait()  # each has its record, neither has spent the token yet
            return ibasho

        try:
            create_once(request, create, url_of=lambda ibasho: f"/ibasho/{ibasho.pk}/")
            outcomes.append("saved")
        except AlreadySaved as error:
            outcomes.append(error.url)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    ibasho = Ibasho.objects.get()  # the loser's record was rolled back with its token
    assert sorted(outcomes) == sorted(["saved", f"/ibasho/{ibasho.pk}/"])


def test_search_forms_carry_no_token_in_their_address(client, db):
    # A GET form's fields end up in the address: a finder result or an audit search must stay a plain,
    # shareable URL, so only POST forms carry the one-time token.
    class Search(forms.Form):
        q = forms.CharField(required=False)

    for name in ("form_fields.html", "public/_fields.html"):
        assert FIELD not in render_to_string(name, {"form": Search(), "search_form": True})
        assert FIELD in render_to_string(name, {"form": Search()})
