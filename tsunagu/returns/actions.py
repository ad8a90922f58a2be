"""State changes of returns upward and of lock exceptions, each in one transaction with its audit entry."""

import hashlib
import json
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit.log import log_action
from tsunagu.core.versions import claim
from tsunagu.orgs.access import require, state_change
from tsunagu.orgs.models import LockedPeriod, LockException, Organisation
from tsunagu.orgs.periods import lock_months
from tsunagu.orgs.rules import Actor, Perm
from tsunagu.stats.report import Period, build_report

from .models import Return, ReturnStatus

DONE = (ReturnStatus.APPROVED, ReturnStatus.EXEMPT)
READS = ("case.view", "case.home")  # audit entries of reading a case, not of changing it


def figures(organisation: Organisation, starts_on: date, ends_on: date) -> dict:
    """The report of the organisation's subtree for the period, as JSON would carry it."""
    return json.loads(json.dumps(build_report(organisation, Period(starts_on, ends_on)), default=str))


def digest(frozen: dict) -> str:
    return hashlib.sha256(json.dumps(frozen, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _state(ret: Return, new: str, **values) -> None:
    old = ret.status
    claim(ret, values.pop("version", None), fields=("status", "reason"), status=new, **values)
    return old


def _period_return(organisation: Organisation, starts_on: date, ends_on: date) -> Return:
    ret, _created = Return.objects.get_or_create(organisation=organisation, starts_on=starts_on, ends_on=ends_on)
    return ret


def below(ret: Return):
    """The returns of the same period of the organisations directly below."""
    return Return.objects.filter(organisation__parent=ret.organisation, starts_on=ret.starts_on, ends_on=ret.ends_on)


def pending_below(ret: Return) -> list[Organisation]:
    """The organisations directly below whose return for the period is neither approved nor 対象外."""
    done = set(below(ret).filter(status__in=DONE).values_list("organisation_id", flat=True))
    return [child for child in ret.organisation.children.order_by("code") if child.pk not in done]


@state_change
def submit(*, actor: Actor, organisation: Organisation, starts_on: date, ends_on: date, version=None) -> Return:
    require(actor, Perm.SUBMIT_RETURNS, organisation, message=_("他の組織の報告は提出できません。"))
    if organisation.parent_id is None:
        raise ValidationError(_("最上位の組織には提出先がありません。"))
    ret = _period_return(organisation, starts_on, ends_on)
    if ret.status in (ReturnStatus.SUBMITTED, ReturnStatus.APPROVED, ReturnStatus.EXEMPT):
        raise ValidationError(_("この報告は%(status)sです。提出できません。") % {"status": ret.get_status_display()})
    frozen = figures(organisation, starts_on, ends_on)
    old = ret.status
    claim(
        ret,
        version,
        fields=("status",),
        status=ReturnStatus.SUBMITTED,
        frozen=frozen,
        sha256=digest(frozen),
        submissions=ret.submissions + 1,
        submitted_by=actor.user,
        submitted_at=timezone.now(),
    )
    log_action(
        actor,
        "return.submit",
        obj=ret,
        label=str(ret),
        changes={"status": [old, ret.status], "sha256": [None, ret.sha256]},
        organisation=organisation,
    )
    return ret


def _require_above(actor: Actor, ret: Return) -> None:
    parent = ret.organisation.parent
    require(actor, Perm.APPROVE_RETURNS, parent, message=_("直属の下位組織の報告だけを承認・差戻しできます。"))


@state_change
def send_back(*, actor: Actor, ret: Return, reason: str, version=None) -> Return:
    _require_above(actor, ret)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("差戻しの理由を入力してください。")})
    if ret.status != ReturnStatus.SUBMITTED:
        raise ValidationError(_("提出された報告だけを差し戻せます。"))
    claim(
        ret,
        version,
        fields=("status", "reason"),
        status=ReturnStatus.SENT_BACK,
        reason=reason,
        decided_by=actor.user,
        decided_at=timezone.now(),
    )
    log_action(
        actor,
        "return.send_back",
        obj=ret,
        label=str(ret),
        changes={"status": [ReturnStatus.SUBMITTED.value, ret.status], "reason": [None, reason]},
    )
    return ret


def approve_error(ret: Return) -> str | None:
    if ret.status != ReturnStatus.SUBMITTED:
        return _("提出された報告だけを承認できます。")
    if waiting := pending_below(ret):
        return _("下位の組織の報告がすべて承認または対象外になるまで承認できません（未了：%(names)s）。") % {
            "names": "、".join(o.name for o in waiting)
        }
    return None


@state_change
def approve(*, actor: Actor, returns: list[tuple[Return, int | None]]) -> list[Return]:
    """Approve each (return, version); all or none. Each approval locks the period for the organisation."""
    approved = []
    for ret, version in returns:
        _require_above(actor, ret)
        if error := approve_error(ret):
            raise ValidationError(f"{ret.organisation.name}: {error}")
        claim(
            ret,
            version,
            fields=("status",),
            status=ReturnStatus.APPROVED,
            decided_by=actor.user,
            decided_at=timezone.now(),
        )
        if not LockedPeriod.objects.filter(
            organisation=ret.organisation, starts_on=ret.starts_on, ends_on__gte=ret.ends_on
        ).exists():
            lock_months(ret.organisation, ret.starts_on, ret.ends_on)
        log_action(
            actor,
            "return.approve",
            obj=ret,
            label=str(ret),
            changes={"status": [ReturnStatus.SUBMITTED.value, ret.status], "sha256": [None, ret.sha256]},
        )
        approved.append(ret)
    return approved


@state_change
def mark_exempt(*, actor: Actor, organisation: Organisation, starts_on: date, ends_on: date) -> Return:
    """The body above says an organisation below need not return figures for the period (対象外)."""
    require(actor, Perm.APPROVE_RETURNS, organisation.parent, message=_("直属の下位組織だけを対象外にできます。"))
    ret = _period_return(organisation, starts_on, ends_on)
    if ret.status == ReturnStatus.APPROVED:
        raise ValidationError(_("承認済みの報告は対象外にできません。"))
    old = ret.status
    claim(ret, None, fields=("status",), status=ReturnStatus.EXEMPT, decided_by=actor.user, decided_at=timezone.now())
    log_action(actor, "return.exempt", obj=ret, label=str(ret), changes={"status": [old, ret.status]})
    return ret


@state_change
def open_exception(*, actor: Actor, ret: Return, user, until: date, reason: str) -> LockException:
    """Let `user` (staff of the organisation or one below it) change the records of the return's approved
    period until `until`, for `reason`. It opens this return's lock only: a body above that has approved a
    return over the same months holds a lock of its own, which needs its own exception."""
    require(actor, Perm.OPEN_LOCK_EXCEPTIONS, ret.organisation.parent or ret.organisation, below=True)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("例外の理由を入力してください。")
    if until is None or until < timezone.localdate():
        errors["until"] = _("期限は今日以降の日付にしてください。")
    lock = LockedPeriod.objects.filter(
        organisation=ret.organisation, starts_on__lte=ret.starts_on, ends_on__gte=ret.ends_on
    ).first()
    if lock is None:
        errors["__all__"] = _("この報告の期間は締められていません。")
    if (
        user is None
        or not user.memberships.filter(organisation__path__startswith=ret.organisation.path, is_active=True).exists()
    ):
        errors["user"] = _("この組織またはその下位の組織の職員を選んでください。")
    if errors:
        raise ValidationError(errors)
    exception = LockException.objects.create(
        lock=lock, user=user, until=until, reason=reason.strip(), opened_by=actor.user
    )
    log_action(
        actor,
        "lock_exception.open",
        obj=exception,
        label=str(ret),
        changes={"user": [None, user.username], "until": [None, until.isoformat()], "reason": [None, reason.strip()]},
        organisation=ret.organisation,
    )
    return exception


def differences(ret: Return) -> list[tuple[str, object, object]]:
    """(figure path, frozen value, live value) for every figure that changed since the freeze."""
    if ret.frozen is None:
        return []
    live = figures(ret.organisation, ret.starts_on, ret.ends_on)
    out = []

    def walk(path, a, b):
        if isinstance(a, dict) or isinstance(b, dict):
            a, b = a if isinstance(a, dict) else {}, b if isinstance(b, dict) else {}
            # In the live report's order: PostgreSQL's jsonb does not keep the frozen copy's key order.
            for key in list(b) + [k for k in a if k not in b]:
                walk(f"{path} / {key}" if path else str(key), a.get(key), b.get(key))
        elif a != b:
            out.append((path, a, b))

    walk("", ret.frozen, live)
    return out


def modifications(ret: Return) -> int:
    """Changes of case records of the organisation's subtree since the return was approved (audit entries;
    only a lock exception lets one in the locked months, and the differences say which figures moved)."""
    from tsunagu.audit.models import AuditEntry

    if ret.decided_at is None or ret.status != ReturnStatus.APPROVED:
        return 0
    return (
        AuditEntry.objects.filter(
            at__gt=ret.decided_at,
            organisation__path__startswith=ret.organisation.path,
            action__regex=r"^(contact|case|referral|consent|appointment)\.",
            allowed=True,
        )
        .exclude(action__in=READS)
        .count()
    )
