"""Returns between installations: an approved return leaves as a file signed with the sending body's
Ed25519 key (the `cryptography` package, already installed for webauthn); the receiving installation
verifies the signature against the public key registered for that sender (SenderKey), checks the hash of
the figures and keeps it (ReceivedReturn), which the national view adds like a local approved return."""

import base64
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from tsunagu.audit.log import log_action
from tsunagu.orgs.access import require, state_change
from tsunagu.orgs.rules import Actor, Perm

from .actions import digest
from .models import ReceivedReturn, Return, ReturnStatus, SenderKey

MAX_BYTES = 5 * 1024 * 1024


def _payload(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


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


def public_pem(private_key: Ed25519PrivateKey) -> str:
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@state_change
def receive(*, actor: Actor, data: bytes) -> ReceivedReturn:
    """Verify a signed return file from a registered sender of the acting organisation and keep it."""
    require(actor, Perm.APPROVE_RETURNS)
    refused = ValidationError(_("署名を確認できないファイルです。"))
    if len(data) > MAX_BYTES:
        raise refused
    try:
        outer = json.loads(data.decode("utf-8"))
        body, signature = outer["return"], base64.b64decode(outer["signature"], validate=True)
        code = str(body["sender"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise refused from None
    sender = SenderKey.objects.filter(receiver=actor.organisation, code=code).first()
    if sender is None:
        raise ValidationError(_("登録されていない送信元（%(code)s）からのファイルです。") % {"code": code[:20]})
    try:
        key = serialization.load_pem_public_key(sender.public_key.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise refused
        key.verify(signature, _payload(body))
    except (InvalidSignature, ValueError):
        raise refused from None
    starts_on, ends_on = parse_date(str(body.get("from"))), parse_date(str(body.get("to")))
    figures = body.get("figures")
    if not (starts_on and ends_on and isinstance(figures, dict)) or digest(figures) != body.get("sha256"):
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
