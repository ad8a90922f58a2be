"""Making, finding and revoking API tokens: the token's access and actions, audited like the pages'.

A token is `tsu_` + an 8-character lookup prefix + `_` + a random secret. The row keeps the prefix in
clear and the sha256 of the whole token; a presented token is found by its prefix and compared in
constant time. Tokens are made only from a session that passed the second factor."""

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit.log import log_action
from tsunagu.audit.models import VIA_API
from tsunagu.orgs.access import deny, require, state_change
from tsunagu.orgs.rules import Actor, Perm

from .models import ApiToken, Scope

TOKEN_START = "tsu_"
PREFIX_LENGTH = 8
MAX_DAYS = 366
MAX_ADDRESSES = 20
# `last used` is written at most this often per token: a busy integration would otherwise write a row a request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def new_secret() -> tuple[str, str]:
    """(token, prefix) for a new token."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}", prefix


def parse_addresses(text: str) -> list[str]:
    """Addresses or networks (203.0.113.5, 192.0.2.0/24, 2001:db8::/32), one a line or comma-separated."""
    items = [part.strip() for part in text.replace(",", "\n").splitlines() if part.strip()]
    if len(items) > MAX_ADDRESSES:
        raise ValidationError({"allowed_addresses": _("アドレスは%(n)s個までです。") % {"n": MAX_ADDRESSES}})
    networks = []
    for item in items:
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ValidationError(
                {
                    "allowed_addresses": _("「%(value)s」はIPアドレスでもネットワーク（CIDR）でもありません。")
                    % {"value": item[:60]}
                }
            ) from None
    return networks


def address_allowed(token: ApiToken, ip: str | None) -> bool:
    if not token.allowed_addresses:
        return True
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net) for net in token.allowed_addresses)


def token_errors(*, name: str, scopes, expires_on: date | None, today: date) -> dict[str, str]:
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("名前を入力してください。")
    elif len(name) > 100:
        errors["name"] = _("名前は100文字以内にしてください。")
    scopes = set(scopes or ())
    if not scopes & {Scope.READ, Scope.WRITE}:
        errors["scopes"] = _("「読み取り」か「書き込み」の少なくとも一つを選んでください。")
    elif scopes - set(Scope.values):
        errors["scopes"] = _("範囲の選び方が正しくありません。")
    if expires_on is None:
        errors["expires_on"] = _("有効期限を入力してください。")
    elif expires_on <= today:
        errors["expires_on"] = _("有効期限は明日以降の日付にしてください。")
    elif expires_on > today + timedelta(days=MAX_DAYS):
        errors["expires_on"] = _("有効期限は1年以内にしてください。")
    return errors


@dataclass(frozen=True)
class Made:
    token: ApiToken
    secret: str  # shown once, never stored


def own_tokens(actor: Actor) -> QuerySet[ApiToken]:
    """The acting membership's tokens (a person sees and revokes their own, per organisation)."""
    if actor.membership is None:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(membership=actor.membership)


def get_token(actor: Actor, pk) -> ApiToken:
    require(actor, Perm.VIEW_ORG)
    token = own_tokens(actor).filter(pk=pk).first() if str(pk).isdigit() else None
    if token is None:
        raise deny(actor, "api_token", pk)
    return token


def organisation_tokens(actor: Actor) -> QuerySet[ApiToken]:
    """Every token of the acting organisation's memberships, for its 管理者: who owns it and what it may
    do, never its secret (only a digest is kept). The organisations below have their own 管理者."""
    require(actor, Perm.MANAGE_ORG)
    return (
        ApiToken.objects.filter(membership__organisation=actor.organisation)
        .select_related("membership__user", "membership__organisation")
        .order_by("-created_at", "-id")
    )


def get_organisation_token(actor: Actor, pk) -> ApiToken:
    """One token of the acting organisation's memberships, for its 管理者; anyone else's is not found."""
    tokens = organisation_tokens(actor)
    token = tokens.filter(pk=pk).first() if str(pk).isdigit() else None
    if token is None:
        raise deny(actor, "api_token", pk)
    return token


def owner_name(token: ApiToken) -> str:
    return token.membership.user.get_username()


@state_change
def create_token(
    *,
    actor: Actor,
    second_factor: bool,
    name: str,
    scopes,
    expires_on: date | None,
    allowed_addresses: str = "",
) -> Made:
    """A new token of the acting membership. `second_factor`: the session passed it (twofactor.verified)."""
    require(actor, Perm.VIEW_ORG)
    if not second_factor:
        raise PermissionDenied(_("APIトークンは二要素認証を済ませたログインでだけ作れます。"))
    today = timezone.localdate()
    errors = token_errors(name=name, scopes=scopes, expires_on=expires_on, today=today)
    try:
        networks = parse_addresses(allowed_addresses or "")
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
        networks = []
    if errors:
        raise ValidationError(errors)
    raw, prefix = new_secret()
    expires_at = timezone.make_aware(datetime.combine(expires_on, time(23, 59, 59)))
    ordered = [s for s in Scope.values if s in set(scopes)]
    token = ApiToken.objects.create(
        membership=actor.membership,
        name=name.strip(),
        prefix=prefix,
        digest=digest_of(raw),
        scopes=ordered,
        allowed_addresses=networks,
        expires_at=expires_at,
    )
    log_action(
        actor,
        "token.create",
        obj=token,
        label=f"{token.name} ({prefix})",
        changes={
            "scopes": [None, ordered],
            "expires_at": [None, expires_on.isoformat()],
            "allowed_addresses": [None, networks],
        },
    )
    return Made(token, raw)


def _revoke(actor: Actor, token: ApiToken) -> None:
    """Revoke a live token, audited with its owner named (the organisation is the token's)."""
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    log_action(
        actor,
        "token.revoke",
        obj=token,
        label=f"{token.name} ({token.prefix}) / {owner_name(token)}",
        organisation=token.membership.organisation,
    )


@state_change
def revoke_token(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Its owner revokes a token, or a 管理者 of the organisation of the token's membership does."""
    require(actor, Perm.VIEW_ORG)
    own = token.membership_id == getattr(actor.membership, "pk", None)
    administered = actor.can(Perm.MANAGE_ORG) and token.membership.organisation_id == getattr(
        actor.organisation, "pk", None
    )
    if not (own or administered):
        raise deny(actor, "api_token", token.pk)
    _revoke(actor, token)
    return token


def revoke_membership_tokens(*, actor: Actor, membership, **kwargs) -> int:
    """orgs.hooks.membership_ended: the membership's live tokens are revoked, in the transaction that ended
    it, so they stay unusable if the membership is made active again. Returns how many."""
    live = ApiToken.objects.filter(membership=membership, revoked_at__isnull=True).select_related(
        "membership__user", "membership__organisation"
    )
    count = 0
    for token in live:
        _revoke(actor, token)
        count += 1
    return count


def find_token(raw: str, ip: str | None) -> ApiToken | None:
    """The live token `raw` names, usable from `ip`, or None. Marks it used."""
    if not raw.startswith(TOKEN_START) or len(raw) > 200:
        return None
    prefix = raw[len(TOKEN_START) : len(TOKEN_START) + PREFIX_LENGTH]
    token = (
        ApiToken.objects.select_related("membership__user", "membership__organisation").filter(prefix=prefix).first()
    )
    if token is None or not hmac.compare_digest(token.digest, digest_of(raw)):
        return None
    now = timezone.now()
    membership = token.membership
    if token.revoked_at is not None or token.expires_at <= now:
        return None
    if not membership.is_active or not membership.user.is_active or not membership.organisation.is_active:
        return None
    if not address_allowed(token, ip):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION or token.last_used_ip != ip:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)
        token.last_used_at, token.last_used_ip = now, ip
    return token


def token_actor(token: ApiToken, ip: str | None) -> Actor:
    """The token's membership acting; its audit entries name the token (via "api:<id>" and its name)."""
    return Actor(
        user=token.membership.user,
        membership=token.membership,
        ip=ip,
        via=f"{VIA_API}{token.pk}",
        via_label=token.name,
    )
