"""Returns between installations: an approved return leaves as a file signed with the sending body's
Ed25519 key (the `cryptography` package, already installed for webauthn); the receiving installation
verifies the signature against the public key registered for that sender (SenderKey), checks the hash of
the figures and keeps it (ReceivedReturn), which the national view adds like a local approved return.

Where the sending body's private key is kept: in the database (SigningKey), as PKCS#8 encrypted with a
password derived from SECRET_KEY and the organisation (django.utils.crypto.salted_hmac). Chosen over a key
file under TSUNAGU_VAR_DIR because every app server of an installation reaches the same database but not
the same disk (ledger uploads already run on whichever server received them), and because a database dump
alone, or a copy of the repository, never holds a usable key: SECRET_KEY lives only in the environment.
The cost: a new SECRET_KEY makes the key unreadable; the organisation then makes a new key (create_key
replaces it) and registers the new public key at the receiver again. The key is generated on this
machine, once per organisation, never written to the repository or to a log."""

import base64
import hashlib
import json

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from tsunagu.audit.log import log_action
from tsunagu.orgs.access import require, state_change
from tsunagu.orgs.models import Organisation
from tsunagu.orgs.rules import Actor, Perm

from .actions import digest
from .models import ReceivedReturn, Return, ReturnStatus, SenderKey, SigningKey

MAX_BYTES = 5 * 1024 * 1024  # a return's JSON is a few tens of kilobytes


def _payload(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _password(organisation: Organisation) -> bytes:
    return salted_hmac("tsunagu.returns.signing_key", str(organisation.pk), algorithm="sha256").hexdigest().encode()


def public_pem(private_key: Ed25519PrivateKey) -> str:
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def fingerprint(pem: str) -> str:
    """SHA-256 of the raw public key, in groups of four hex digits: read aloud or compared on a phone call
    between the sender and the receiver before the key is trusted."""
    key = serialization.load_pem_public_key(pem.encode())
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digits = hashlib.sha256(raw).hexdigest().upper()
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


@state_change
def create_key(*, actor: Actor, organisation: Organisation) -> SigningKey:
    """Generate the organisation's signing key (or a new one in place of an unreadable or replaced one)."""
    require(actor, Perm.APPROVE_RETURNS, organisation, message=_("他の組織の鍵は作れません。"))
    private = Ed25519PrivateKey.generate()
    encrypted = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_password(organisation)),
    ).decode()
    old = SigningKey.objects.filter(organisation=organisation).first()
    key, _created = SigningKey.objects.update_or_create(
        organisation=organisation, defaults={"public_key": public_pem(private), "private_key": encrypted}
    )
    log_action(
        actor,
        "return.key_create",
        obj=key,
        label=str(organisation),
        changes={"fingerprint": [fingerprint(old.public_key) if old else None, fingerprint(key.public_key)]},
        organisation=organisation,
    )
    return key


def private_key(organisation: Organisation) -> Ed25519PrivateKey:
    key = SigningKey.objects.filter(organisation=organisation).first()
    if key is None:
        raise ValidationError(_("署名の鍵がまだありません。報告の一覧のページで鍵を作ってください。"))
    try:
        private = serialization.load_pem_private_key(key.private_key.encode(), password=_password(organisation))
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise ValidationError(
            _(
                "署名の鍵を読めません（SECRET_KEYが変わった可能性があります）。鍵を作り直し、受け取る側に新しい公開鍵を登録してください。"
            )
        ) from None
    return private


def signed_file(ret: Return, private_key: Ed25519PrivateKey) -> bytes:
    """The approved return as a signed JSON file."""
    if ret.status != ReturnStatus.APPROVED:
        raise ValidationError(_("承認された報告だけを送れます。"))
    body = {
        "sender": ret.organisation.code,
        "sender_name": ret.organisation.name,
        "from": ret.starts_on.isoformat(),
        "to": ret.ends_on.isoformat(),
        "figures": ret.frozen,
        "sha256": ret.sha256,
    }
    signature = base64.b64encode(private_key.sign(_payload(body))).decode()
    return json.dumps({"return": body, "signature": signature}, ensure_ascii=False).encode()


@state_change
def sign_return(*, actor: Actor, ret: Return) -> bytes:
    """The signed file of the organisation's own approved return, for its approvers (audited)."""
    require(actor, Perm.APPROVE_RETURNS, ret.organisation, message=_("自分の組織の報告だけを署名して送れます。"))
    data = signed_file(ret, private_key(ret.organisation))
    log_action(
        actor,
        "return.sign",
        obj=ret,
        label=str(ret),
        changes={"sha256": [None, ret.sha256]},
        organisation=ret.organisation,
    )
    return data


def filename(ret: Return) -> str:
    return f"return-{ret.organisation.code}-{ret.starts_on:%Y%m%d}-{ret.ends_on:%Y%m%d}.json"


def check_public_key(text: str) -> str:
    """The PEM of an Ed25519 public key, written the one way (what SenderKey keeps)."""
    try:
        key = serialization.load_pem_public_key((text or "").strip().encode())
    except (ValueError, UnsupportedAlgorithm):
        raise ValidationError(
            {
                "public_key": _(
                    "公開鍵がPEM形式ではありません（-----BEGIN PUBLIC KEY----- で始まる全体を貼り付けてください）。"
                )
            }
        ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValidationError(
            {"public_key": _("Ed25519の公開鍵ではありません（tsunaguが表示する公開鍵を貼り付けてください）。")}
        )
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@state_change
def register_sender(*, actor: Actor, code: str, name: str, public_key: str) -> SenderKey:
    """Register a body of another installation whose signed returns the acting organisation receives."""
    require(actor, Perm.APPROVE_RETURNS)
    receiver = actor.organisation
    code, name = (code or "").strip(), (name or "").strip()
    errors = {}
    if not code:
        errors["code"] = _("送る組織のコードを入力してください。")
    elif len(code) > 20:
        errors["code"] = _("送る組織のコードは20文字以内にしてください。")
    elif SenderKey.objects.filter(receiver=receiver, code=code).exists():
        errors["code"] = _("送る組織のコード（%(code)s）はすでに登録されています。") % {"code": code}
    if not name:
        errors["name"] = _("送る組織の名称を入力してください。")
    elif len(name) > 200:
        errors["name"] = _("送る組織の名称は200文字以内にしてください。")
    try:
        pem = check_public_key(public_key)
    except ValidationError as error:
        errors |= error.message_dict
    if errors:
        raise ValidationError(errors)
    sender = SenderKey.objects.create(receiver=receiver, code=code, name=name, public_key=pem)
    log_action(
        actor,
        "return.sender_add",
        obj=sender,
        label=str(sender),
        changes={"code": [None, code], "name": [None, name], "fingerprint": [None, fingerprint(pem)]},
    )
    return sender


@state_change
def remove_sender(*, actor: Actor, sender: SenderKey) -> int:
    """Remove a sender and the returns received from it (they leave the national view: a sender whose key
    changed sends them again, signed with the new key). Returns how many received returns went with it."""
    require(actor, Perm.APPROVE_RETURNS, sender.receiver)
    removed, _by_model = sender.returns.all().delete()
    log_action(
        actor,
        "return.sender_remove",
        obj=sender,
        label=str(sender),
        changes={
            "code": [sender.code, None],
            "fingerprint": [fingerprint(sender.public_key), None],
            "received": [removed, 0],
        },
    )
    sender.delete()
    return removed


def _adds_up(figures) -> bool:
    """The figures hold what the national view adds (national._add), as whole numbers."""
    try:
        counts = [figures["contacts"]["total"], figures["referrals"]["total"]]
        counts += [cell["count"] for cell in figures["referrals"]["by_category"].values()]
    except (KeyError, TypeError, AttributeError):
        return False
    return all(type(n) is int for n in counts)


def too_large() -> ValidationError:
    return ValidationError(_("ファイルが大きすぎます（%(max)dMBまで）。") % {"max": MAX_BYTES // (1024 * 1024)})


@state_change
def receive(*, actor: Actor, data: bytes) -> ReceivedReturn:
    """Verify a signed return file from a registered sender of the acting organisation and keep it."""
    require(actor, Perm.APPROVE_RETURNS)
    if len(data) > MAX_BYTES:
        raise too_large()
    unreadable = ValidationError(
        _("署名付きの報告ファイルとして読めません（tsunaguの「署名付きファイル」で書き出したJSONを選んでください）。")
    )
    refused = ValidationError(_("署名を確認できないファイルです。"))
    try:
        outer = json.loads(data.decode("utf-8"))
        body, signature = outer["return"], base64.b64decode(outer["signature"], validate=True)
        code = str(body["sender"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise unreadable from None
    if not isinstance(body, dict):
        raise unreadable
    sender = SenderKey.objects.filter(receiver=actor.organisation, code=code).first()
    if sender is None:
        raise ValidationError(_("登録されていない送信元（%(code)s）からのファイルです。") % {"code": code[:20]})
    try:
        key = serialization.load_pem_public_key(sender.public_key.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise refused
        key.verify(signature, _payload(body))
    except (InvalidSignature, ValueError, UnsupportedAlgorithm):
        raise refused from None
    try:
        starts_on, ends_on = parse_date(str(body.get("from"))), parse_date(str(body.get("to")))
    except ValueError:
        starts_on = ends_on = None
    figures = body.get("figures")
    if not (starts_on and ends_on and starts_on <= ends_on and _adds_up(figures)):
        raise unreadable
    if digest(figures) != body.get("sha256"):
        raise refused
    received, _created = ReceivedReturn.objects.update_or_create(
        sender=sender, starts_on=starts_on, ends_on=ends_on, defaults={"frozen": figures, "sha256": body["sha256"]}
    )
    log_action(
        actor,
        "return.receive",
        obj=received,
        label=f"{sender} {starts_on}〜{ends_on}",
        changes={"sha256": [None, body["sha256"]]},
    )
    return received
