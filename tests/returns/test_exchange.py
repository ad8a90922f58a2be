"""Returns between installations on the pages: the sending prefecture makes its key, shows the public key and
fingerprint, downloads its approved return as a signed file; the receiving body registers the sender, uploads
the file, sees it beside its local returns, and its national view adds it number by number. Every bad file and
every bad key is refused with its message, and nothing is saved."""

import base64
import json
from datetime import date

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.api.tokens import bearer, make_token
from tests.cases.factories import actor_for, make_case
from tests.conftest import act_as
from tests.factories import make_org, make_staff
from tsunagu.audit.models import AuditEntry
from tsunagu.cases import actions as case_actions
from tsunagu.cases.models import Channel, Consulter, ReferralTarget
from tsunagu.core import wareki
from tsunagu.orgs.models import OrgKind, PartnerCategory, Role
from tsunagu.returns import actions, signing
from tsunagu.returns.models import ReceivedReturn, Return, SenderKey, SigningKey
from tsunagu.returns.national import national_years

# The national view shows the last five fiscal years; the returns are for last year's.
LAST_FY = wareki.fiscal_year(date.today()) - 1
FY = wareki.fiscal_year_range(LAST_FY)
DAY = date(LAST_FY, 5, 10)
PERIOD = f"?fiscal_year={LAST_FY}&part=fy"


def _work(org, contacts: int, referrals: int, category) -> None:
    actor = actor_for(make_staff(org, Role.COORDINATOR))
    case = make_case(actor, opened_on=FY[0])
    for _ in range(contacts):
        case_actions.log_contact(actor=actor, case=case, date=DAY, channel=Channel.PHONE, consulter=Consulter.FAMILY)
    for _ in range(referrals):
        case_actions.refer(
            actor=actor, case=case, date=DAY, target=ReferralTarget.PERSON, category=category, partner_name="窓口"
        )


def _approve_all(pref, nation) -> Return:
    """Every body below the prefecture, then the prefecture itself, approved for last year."""
    admin = actor_for(make_staff(pref, Role.ADMIN))
    for child in pref.children.all():
        ret = actions.submit(
            actor=actor_for(make_staff(child, Role.ADMIN)), organisation=child, starts_on=FY[0], ends_on=FY[1]
        )
        actions.approve(actor=admin, returns=[(ret, None)])
    ret = actions.submit(actor=admin, organisation=pref, starts_on=FY[0], ends_on=FY[1])
    actions.approve(actor=actor_for(make_staff(nation, Role.ADMIN)), returns=[(ret, None)])
    ret.refresh_from_db()
    return ret


@pytest.fixture
def categories(db):
    first, second = PartnerCategory.objects.order_by("pk")[:2]
    return first, second


@pytest.fixture
def sent(client, network, categories):
    """The own prefecture (3 + 2 contacts, referrals 1 + 1 of the first category) approved, and its signed file
    downloaded from its page by its administrator."""
    _work(network["own_city"], 3, 1, categories[0])
    _work(network["own_center"], 2, 1, categories[0])
    ret = _approve_all(network["own"], network["nation"])
    admin = make_staff(network["own"], Role.ADMIN)
    act_as(client, admin)
    detail = client.get(reverse("return_detail", args=[ret.pk])).content.decode()
    assert reverse("return_signed", args=[ret.pk]) in detail
    client.post(reverse("returns") + PERIOD, {"step": "key"})
    key = SigningKey.objects.get(organisation=network["own"])
    response = client.get(reverse("return_signed", args=[ret.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert signing.filename(ret) in response["Content-Disposition"]
    return {"ret": ret, "key": key, "data": response.content, "admin": admin}


@pytest.fixture
def receiver(categories):
    """The receiving installation: a nation of its own with one local prefecture whose city counted 4 contacts
    and 2 referrals of the second category, approved."""
    nation = make_org(OrgKind.NATIONAL, name="受け取る国")
    local = make_org(OrgKind.PREFECTURE, nation, name="地元の県")
    _work(make_org(OrgKind.MUNICIPALITY, local), 4, 2, categories[1])
    _approve_all(local, nation)
    return {"nation": nation, "local": local, "admin": make_staff(nation, Role.ADMIN)}


def _register(client, code, name, pem):
    return client.post(reverse("returns_received"), {"step": "register", "code": code, "name": name, "public_key": pem})


def _upload(client, data: bytes, name="return.json"):
    return client.post(
        reverse("returns_received"), {"step": "upload", "file": SimpleUploadedFile(name, data)}, follow=True
    )


def test_the_key_is_made_once_kept_encrypted_and_shown_with_its_fingerprint(client, network, sent):
    key = sent["key"]
    assert key.private_key.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert "PRIVATE" not in key.public_key
    with pytest.raises(TypeError):  # no usable key without the password derived from SECRET_KEY
        serialization.load_pem_private_key(key.private_key.encode(), password=None)
    page = client.get(reverse("returns") + PERIOD).content.decode()
    fingerprint = signing.fingerprint(key.public_key)
    assert len(fingerprint) == 16 * 4 + 15
    assert f'<code data-testid="fingerprint">{fingerprint}</code>' in page
    assert key.public_key.strip().splitlines()[1] in page
    assert "署名の鍵を作り直す" in page
    # The file's signature is made with that key.
    outer = json.loads(sent["data"])
    public = serialization.load_pem_public_key(key.public_key.encode())
    public.verify(base64.b64decode(outer["signature"]), signing._payload(outer["return"]))
    assert outer["return"]["sender"] == network["own"].code
    assert list(
        AuditEntry.objects.filter(action__in=["return.key_create", "return.sign"])
        .order_by("pk")
        .values_list("action", "username", "object_id")
    ) == [
        ("return.key_create", sent["admin"].user.username, str(key.pk)),
        ("return.sign", sent["admin"].user.username, str(sent["ret"].pk)),
    ]


def test_round_trip_national_sum_includes_the_received_return(client, network, sent, receiver, categories):
    act_as(client, receiver["admin"])
    response = _register(client, network["own"].code, "遠くの県", sent["key"].public_key)
    assert response.status_code == 302
    page = client.get(reverse("returns_received")).content.decode()
    assert f"<code>{signing.fingerprint(sent['key'].public_key)}</code>" in page

    page = _upload(client, sent["data"]).content.decode()
    assert (
        f"遠くの県（{network['own'].code}）の報告（{wareki.format_date(FY[0])}〜" in page
        and "の署名を確認し、受け取りました。" in page
    )
    received = ReceivedReturn.objects.get()
    assert (received.sender.code, received.starts_on, received.ends_on) == (network["own"].code, *FY)
    assert (received.frozen, received.sha256) == (sent["ret"].frozen, sent["ret"].sha256)
    assert AuditEntry.objects.filter(action="return.receive", user=receiver["admin"].user).count() == 1

    # Beside the local returns of the receiving body, for that year.
    listing = client.get(reverse("returns") + PERIOD).content.decode()
    assert '<th scope="row">遠くの県（' + network["own"].code + "）</th>" in listing
    assert '<td data-label="延べ相談件数">5</td>' in listing

    # The national view: the local prefecture's approved 4 contacts and 2 referrals (second category), and the
    # received 3 + 2 contacts and 1 + 1 referrals (first category).
    national = client.get(reverse("returns_national"))
    (year,) = [y for y in national.context["years"] if y.fiscal_year == LAST_FY]
    assert (year.contacts, year.referrals) == (9, 4)
    assert sorted(year.approved) == sorted(["地元の県", "遠くの県"])
    assert year.live == []
    rows = {name: (n, share) for name, n, share in year.categories}
    assert rows[categories[0].name] == (2, 50.0)
    assert rows[categories[1].name] == (2, 50.0)
    html = national.content.decode()
    assert '<td data-label="延べ相談件数">9</td><td data-label="つなぎ件数">4</td>' in html

    # The same file again replaces the copy instead of adding it twice.
    _upload(client, sent["data"])
    assert ReceivedReturn.objects.count() == 1

    # Removing the sender takes its returns out of the national view.
    sender = SenderKey.objects.get()
    page = client.post(reverse("returns_sender_remove", args=[sender.pk]), follow=True).content.decode()
    assert "送信元「" + str(sender) + "」と、そこから受け取った報告1件を削除しました。" in page
    assert (SenderKey.objects.count(), ReceivedReturn.objects.count()) == (0, 0)
    national = client.get(reverse("returns_national"))
    (year,) = [y for y in national.context["years"] if y.fiscal_year == LAST_FY]
    assert (year.contacts, year.referrals) == (4, 2)


def _tampered(data: bytes) -> bytes:
    outer = json.loads(data)
    outer["return"]["figures"]["contacts"]["total"] += 30
    return json.dumps(outer, ensure_ascii=False).encode()


REFUSED = "署名を確認できないファイルです。"
UNREADABLE = "署名付きの報告ファイルとして読めません（tsunaguの「署名付きファイル」で書き出したJSONを選んでください）。"


def test_bad_files_are_refused_with_their_message_and_nothing_is_saved(client, network, sent, receiver):
    act_as(client, receiver["admin"])
    code = network["own"].code
    unknown = _upload(client, sent["data"]).content.decode()
    assert f"登録されていない送信元（{code}）からのファイルです。" in unknown

    _register(client, code, "遠くの県", signing.public_pem(Ed25519PrivateKey.generate()))
    assert REFUSED in _upload(client, sent["data"]).content.decode()  # the wrong key
    SenderKey.objects.filter(code=code).update(public_key=sent["key"].public_key)

    assert REFUSED in _upload(client, _tampered(sent["data"])).content.decode()
    assert UNREADABLE in _upload(client, b"\xff not json").content.decode()
    assert UNREADABLE in _upload(client, b'{"return": [], "signature": "x"}').content.decode()
    assert UNREADABLE in _upload(client, b"[1, 2]").content.decode()
    huge = _upload(client, b" " * (signing.MAX_BYTES + 1)).content.decode()
    assert "ファイルが大きすぎます（5MBまで）。" in huge
    empty = client.post(reverse("returns_received"), {"step": "upload"}).content.decode()
    assert "署名付きの報告ファイルを選んでください。" in empty
    assert ReceivedReturn.objects.count() == 0
    assert not AuditEntry.objects.filter(action="return.receive").exists()


def test_a_validly_signed_file_with_figures_the_national_view_cannot_add_is_refused(client, network, receiver):
    """Signed by the registered key, but not a return's figures: refused, so the national page never breaks."""
    key = Ed25519PrivateKey.generate()
    act_as(client, receiver["admin"])
    _register(client, "SENDER1", "遠くの県", signing.public_pem(key))
    for figures in ({"contacts": {"total": "many"}}, {"contacts": 3}):
        body = {
            "sender": "SENDER1",
            "from": FY[0].isoformat(),
            "to": FY[1].isoformat(),
            "figures": figures,
            "sha256": actions.digest(figures),
        }
        signature = base64.b64encode(key.sign(signing._payload(body))).decode()
        data = json.dumps({"return": body, "signature": signature}).encode()
        assert UNREADABLE in _upload(client, data).content.decode()
    assert ReceivedReturn.objects.count() == 0


def test_registering_a_sender_says_what_is_wrong_and_keeps_what_was_typed(client, receiver):
    act_as(client, receiver["admin"])
    page = _register(client, "S1", "遠くの県", "鍵ではない文字").content.decode()
    assert "公開鍵がPEM形式ではありません（-----BEGIN PUBLIC KEY----- で始まる全体を貼り付けてください）。" in page
    assert 'value="遠くの県"' in page
    rsa_pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    page = _register(client, "S1", "遠くの県", rsa_pem).content.decode()
    assert "Ed25519の公開鍵ではありません（tsunaguが表示する公開鍵を貼り付けてください）。" in page
    assert SenderKey.objects.count() == 0
    pem = signing.public_pem(Ed25519PrivateKey.generate())
    assert _register(client, "S1", "遠くの県", "\n  " + pem + "\n").status_code == 302
    page = _register(client, "S1", "別の県", pem).content.decode()
    assert "送る組織のコード（S1）はすでに登録されています。" in page
    page = _register(client, " ", "", pem).content.decode()
    assert "送る組織のコードを入力してください。" in page and "送る組織の名称を入力してください。" in page
    assert list(SenderKey.objects.values_list("code", "name", "public_key")) == [("S1", "遠くの県", pem)]
    assert AuditEntry.objects.filter(action="return.sender_add").count() == 1


def test_only_the_returns_own_approvers_sign_it_and_only_approved(client, network, categories):
    _work(network["own_city"], 1, 0, categories[0])
    ret = _approve_all(network["own"], network["nation"])
    pref_admin = make_staff(network["own"], Role.ADMIN)
    # Without a key yet: the detail page says how to make one.
    act_as(client, pref_admin)
    page = client.get(reverse("return_signed", args=[ret.pk]), follow=True).content.decode()
    assert "署名の鍵がまだありません。報告の一覧のページで鍵を作ってください。" in page
    # The city's own approved return is the city's to sign, not the prefecture's.
    city_return = Return.objects.get(organisation=network["own_city"])
    assert client.get(reverse("return_signed", args=[city_return.pk])).status_code == 403
    page = client.get(reverse("return_detail", args=[city_return.pk])).content.decode()
    assert reverse("return_signed", args=[city_return.pk]) not in page
    # A statistician of the prefecture sees no key section.
    act_as(client, make_staff(network["own"], Role.STATISTICIAN))
    assert "署名の鍵" not in client.get(reverse("returns") + PERIOD).content.decode()
    assert not AuditEntry.objects.filter(action="return.sign").exists()


def test_the_api_gives_the_signed_file_and_takes_it(client, network, categories, receiver):
    _work(network["own_city"], 3, 1, categories[0])
    ret = _approve_all(network["own"], network["nation"])
    sender_admin = make_staff(network["own"], Role.ADMIN)
    signing.create_key(actor=actor_for(sender_admin), organisation=network["own"])
    raw = make_token(sender_admin)
    response = client.get(reverse("api_return_signed", args=[ret.pk]), **bearer(raw))
    assert response.status_code == 200
    signed = response.json()
    assert (signed["return"]["sender"], signed["return"]["sha256"]) == (network["own"].code, ret.sha256)
    assert AuditEntry.objects.filter(action="return.sign", user=sender_admin.user).count() == 1
    # A return not approved yet is refused with the page's message.
    draft = Return.objects.create(organisation=network["own"], starts_on=date(2030, 4, 1), ends_on=date(2031, 3, 31))
    response = client.get(reverse("api_return_signed", args=[draft.pk]), **bearer(raw))
    assert (response.status_code, response.json()["errors"]) == (
        400,
        {"non_field_errors": ["承認された報告だけを送れます。"]},
    )

    receiver_raw = make_token(receiver["admin"])
    url = reverse("api_returns_received")
    data = json.dumps(signed, ensure_ascii=False).encode()
    response = client.post(url, {"file": SimpleUploadedFile("r.json", data)}, **bearer(receiver_raw))
    assert (response.status_code, response.json()["errors"]) == (
        400,
        {"non_field_errors": [f"登録されていない送信元（{network['own'].code}）からのファイルです。"]},
    )
    signing.register_sender(
        actor=actor_for(receiver["admin"]), code=network["own"].code, name="遠くの県", public_key=_pem(network)
    )
    response = client.post(url, {"file": SimpleUploadedFile("r.json", _tampered(data))}, **bearer(receiver_raw))
    assert (response.status_code, response.json()["errors"]) == (400, {"non_field_errors": [REFUSED]})
    response = client.post(url, {}, **bearer(receiver_raw))
    assert (response.status_code, response.json()["errors"]) == (
        400,
        {"file": ["署名付きの報告ファイルを選んでください。"]},
    )
    assert ReceivedReturn.objects.count() == 0
    response = client.post(url, {"file": SimpleUploadedFile("r.json", data)}, **bearer(receiver_raw))
    assert response.status_code == 201
    body = response.json()
    assert (body["sender"], body["sender_name"], body["from"], body["to"], body["sha256"]) == (
        network["own"].code,
        "遠くの県",
        FY[0].isoformat(),
        FY[1].isoformat(),
        ret.sha256,
    )
    assert AuditEntry.objects.filter(action="return.receive", user=receiver["admin"].user).count() == 1
    (year,) = national_years(receiver["nation"], [LAST_FY])
    assert (year.contacts, year.referrals) == (4 + 3, 2 + 1)
    # A token of a role that does not approve returns cannot hand one in.
    viewer_raw = make_token(make_staff(receiver["nation"], Role.VIEWER))
    response = client.post(url, {"file": SimpleUploadedFile("r.json", data)}, **bearer(viewer_raw))
    assert response.status_code == 403


def _pem(network) -> str:
    return SigningKey.objects.get(organisation=network["own"]).public_key


def test_a_new_secret_key_makes_the_key_unreadable_with_a_message_and_a_new_key_replaces_it(network):
    from django.core.exceptions import ValidationError
    from django.test import override_settings

    key = signing.create_key(actor=actor_for(make_staff(network["own"], Role.ADMIN)), organisation=network["own"])
    assert signing.public_pem(signing.private_key(network["own"])) == key.public_key
    with override_settings(SECRET_KEY="another-secret-key-of-fifty-characters-or-more-xyz"):
        with pytest.raises(ValidationError) as error:
            signing.private_key(network["own"])
        assert error.value.messages == [
            "署名の鍵を読めません（SECRET_KEYが変わった可能性があります）。鍵を作り直し、"
            "受け取る側に新しい公開鍵を登録してください。"
        ]
        new = signing.create_key(actor=actor_for(make_staff(network["own"], Role.ADMIN)), organisation=network["own"])
        assert signing.public_pem(signing.private_key(network["own"])) == new.public_key != key.public_key
    assert SigningKey.objects.count() == 1
    entry = AuditEntry.objects.filter(action="return.key_create").order_by("pk").last()
    assert entry.changes == {"fingerprint": [signing.fingerprint(key.public_key), signing.fingerprint(new.public_key)]}
