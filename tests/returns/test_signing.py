"""An approved return leaves one installation as a signed file; the other verifies the signature and the
sender, keeps it, and its national view adds it like a local approved return."""

import json
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ValidationError

from tests.cases.factories import actor_for, make_case
from tests.factories import make_staff
from tsunagu.cases import actions as case_actions
from tsunagu.cases.models import Channel, Consulter
from tsunagu.orgs.models import Role
from tsunagu.returns import actions, signing
from tsunagu.returns.models import SenderKey
from tsunagu.returns.national import national_years

FY = (date(2021, 4, 1), date(2022, 3, 31))


def test_a_signed_return_is_verified_kept_and_added(network):
    pref = network["own"]
    worker = actor_for(make_staff(network["own_city"], Role.COORDINATOR))
    case = make_case(worker, opened_on=date(2021, 4, 5))
    for _ in range(3):
        case_actions.log_contact(
            actor=worker, case=case, date=date(2021, 5, 1), channel=Channel.PHONE, consulter=Consulter.FAMILY
        )
    pref_admin = actor_for(make_staff(pref, Role.ADMIN))
    nation_admin = actor_for(make_staff(network["nation"], Role.ADMIN))
    for child in (network["own_city"], network["own_center"]):
        actions.mark_exempt(actor=pref_admin, organisation=child, starts_on=FY[0], ends_on=FY[1])
    ret = actions.submit(actor=pref_admin, organisation=pref, starts_on=FY[0], ends_on=FY[1])
    actions.approve(actor=nation_admin, returns=[(ret, None)])
    ret.refresh_from_db()

    key, stranger = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    data = signing.signed_file(ret, key)

    # The receiving installation: here the other prefecture's nation stands in for another one's.
    receiver = network["nation"]
    with pytest.raises(ValidationError) as error:
        signing.receive(actor=nation_admin, data=data)
    assert error.value.messages == [f"登録されていない送信元（{pref.code}）からのファイルです。"]
    SenderKey.objects.create(
        receiver=receiver, code=pref.code, name="遠くの県", public_key=signing.public_pem(stranger)
    )
    with pytest.raises(ValidationError) as error:
        signing.receive(actor=nation_admin, data=data)
    assert error.value.messages == ["署名を確認できないファイルです。"]
    SenderKey.objects.filter(code=pref.code).update(public_key=signing.public_pem(key))
    tampered = json.loads(data)
    tampered["return"]["figures"]["contacts"]["total"] = 30
    with pytest.raises(ValidationError):
        signing.receive(actor=nation_admin, data=json.dumps(tampered).encode())
    with pytest.raises(ValidationError):
        signing.receive(actor=nation_admin, data=b"\xff not json")

    received = signing.receive(actor=nation_admin, data=data)
    assert (received.frozen, received.sha256) == (ret.frozen, ret.sha256)
    (r3,) = national_years(receiver, [2021])
    # The local approved return (3) and the received copy of it (3); the other prefecture live (0).
    assert r3.contacts == 6
    assert sorted(r3.approved) == sorted([pref.name, "遠くの県"])
    assert r3.live == [network["other"].name]
