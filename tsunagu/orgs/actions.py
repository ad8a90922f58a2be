"""State changes of the network: organisations and staff. Each writes its audit entry in the same
transaction; each takes the acting Actor explicitly."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tsunagu.audit.log import NO_ORGANISATION, diff, log_action, snapshot
from tsunagu.core.versions import claim

from .access import refuse, require, state_change
from .codes import code_problem, normalise_code
from .hooks import initial_password_set, membership_ended, organisation_moved
from .models import (
    ALLOWED_PARENT_KINDS,
    PUBLIC_BODY_KINDS,
    Invitation,
    Membership,
    Organisation,
    OrgKind,
    PartnerCategory,
    Role,
)
from .rules import Actor, Perm
from .usernames import username_error

ORG_FIELDS = ["code", "name", "kind", "parent", "category", "is_active"]


def validate_organisation(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Organisation | None,
    category: PartnerCategory | None,
    instance: Organisation | None = None,
) -> None:
    """Raise ValidationError (field -> Japanese message) when these values cannot make an organisation."""
    errors = {}
    if kind not in OrgKind.values:
        errors["kind"] = _("種別「%(kind)s」は使えません。使える種別: %(kinds)s") % {
            "kind": kind,
            "kinds": "、".join(str(label) for label in OrgKind.labels),
        }
    else:
        problem = code_problem(code, public_body=kind in PUBLIC_BODY_KINDS)
        if problem:
            errors["code"] = problem
        allowed = ALLOWED_PARENT_KINDS[OrgKind(kind)]
        if parent is None and allowed:
            errors["parent"] = _("%(kind)sには上位組織が必要です。") % {"kind": OrgKind(kind).label}
        elif parent is not None and parent.kind not in allowed:
            errors["parent"] = _("%(kind)sは%(parent_kind)s（%(parent)s）の下には置けません。") % {
                "kind": OrgKind(kind).label,
                "parent_kind": OrgKind(parent.kind).label,
                "parent": parent.name,
            }
        if kind == OrgKind.PARTNER and category is None:
            errors["category"] = _("関係機関には区分が必要です。")
        if kind != OrgKind.PARTNER and category is not None:
            errors["category"] = _("区分は関係機関にだけ付けられます。")
    if not name.strip():
        errors["name"] = _("名称を入力してください。")
    if code and Organisation.objects.filter(code=code).exclude(pk=getattr(instance, "pk", None)).exists():
        errors["code"] = _("コード「%(code)s」はすでに使われています。") % {"code": code}
    if instance is not None and parent is not None and parent.is_within(instance):
        errors["parent"] = _("組織を自分自身の下に移すことはできません。")
    if instance is not None and kind in OrgKind.values and kind != instance.kind:
        misfit = next((c for c in instance.children.all() if kind not in ALLOWED_PARENT_KINDS[OrgKind(c.kind)]), None)
        if misfit is not None:
            errors["kind"] = _("下にある%(child)s（%(kind)s）が置けなくなるため、種別を変えられません。") % {
                "child": misfit.name,
                "kind": OrgKind(misfit.kind).label,
            }
    if errors:
        raise ValidationError(errors)


@state_change
def create_organisation(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    parent: Organisation | None = None,
    category: PartnerCategory | None = None,
) -> Organisation:
    if parent is None:
        # Only a command-line job may create a root; staff add organisations below their own.
        if not actor.is_system:
            raise refuse(actor, "org.create_root", _("最上位の組織はコマンドラインからのみ作成できます。"))
    else:
        require(actor, Perm.MANAGE_ORG, parent, below=True, message=_("この組織の下には追加できません。"))
    code = normalise_code(code)
    name = name.strip()
    validate_organisation(code=code, name=name, kind=kind, parent=parent, category=category)
    org = Organisation.objects.create(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        category=category,
        path=f"{parent.path if parent else '/'}{code}/",
    )
    log_action(actor, "org.create", obj=org, changes=diff({}, snapshot(org, ORG_FIELDS)))
    return org


@state_change
def update_organisation(*, actor: Actor, org: Organisation, version: int | None = None, **values) -> Organisation:
    """Edit an organisation opened at `version` (a stale one is refused with the saved values)."""
    require(actor, Perm.MANAGE_ORG, org, below=True)
    before = snapshot(org, ORG_FIELDS)
    new = {name: values.get(name, getattr(org, name)) for name in ORG_FIELDS}
    new["code"] = normalise_code(new["code"])
    new["name"] = new["name"].strip()
    if new["parent"] != org.parent and not actor.is_system:
        if new["parent"] is None or not new["parent"].is_within(actor.organisation) or org == actor.organisation:
            raise refuse(actor, f"org.move:{org.code}", _("この組織をそこへ移す権限がありません。"))
    validate_organisation(
        code=new["code"],
        name=new["name"],
        kind=new["kind"],
        parent=new["parent"],
        category=new["category"],
        instance=org,
    )
    claim(org, version, fields=ORG_FIELDS)
    old_path = org.path
    old_ancestors = _ancestor_ids(org.path)
    for name, value in new.items():
        setattr(org, name, value)
    org.path = f"{org.parent.path if org.parent else '/'}{org.code}/"
    org.save()
    if org.path != old_path:
        _repath_descendants(old_path, org.path)
        # The statistics of everything below it now count for its new ancestors instead.
        organisation_moved.send(
            sender=Organisation,
            organisation=org,
            old_ancestors=old_ancestors,
            new_ancestors=_ancestor_ids(org.path),
        )
    log_action(actor, "org.update", obj=org, changes=diff(before, snapshot(org, ORG_FIELDS)))
    return org


def _ancestor_ids(path: str) -> list[int]:
    """The ids of the organisations above the one at `path` (/A/B/C/ → those at /A/ and /A/B/), in id order."""
    codes = [code for code in path.split("/") if code][:-1]
    above = ["/" + "".join(f"{code}/" for code in codes[:n]) for n in range(1, len(codes) + 1)]
    return sorted(Organisation.objects.filter(path__in=above).values_list("pk", flat=True)) if above else []


def _repath_descendants(old_prefix: str, new_prefix: str) -> None:
    for child in Organisation.objects.filter(path__startswith=old_prefix).exclude(path=new_prefix):
        child.path = new_prefix + child.path[len(old_prefix) :]
        child.save(update_fields=["path"])


MEMBERSHIP_FIELDS = ["role", "is_active"]


def _check_new_member(username: str, role: str) -> None:
    if problem := username_error(username):
        raise ValidationError({"username": problem})
    if role not in Role.values:
        raise ValidationError({"role": _("役割「%(role)s」は使えません。") % {"role": role}})


def _checked_password(password: str, user) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None


@state_change
def add_staff(
    *,
    actor: Actor,
    organisation: Organisation,
    username: str,
    role: str,
    full_name: str = "",
    email: str = "",
    password: str | None = None,
) -> Membership:
    """Give a person a role in an organisation at once, creating the account when it does not exist yet:
    the command line's and the demo's way (system work). A 管理者 invites instead (invite_staff), so that
    nobody's existing account joins an organisation without them."""
    if not actor.is_system:
        raise refuse(actor, f"add_staff:{organisation.code}", _("職員は招待で加えます。"))
    _check_new_member(username, role)
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        if not password:
            raise ValidationError({"password": _("新しい利用者にはパスワードが必要です。")})
        user = User(username=username, first_name=full_name[:150], email=email)
        _checked_password(password, user)
        user.set_password(password)
        user.save()
        log_action(actor, "user.create", obj=user, label=username, organisation=organisation)
    elif Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError({"username": _("%(user)sはすでにこの組織の職員です。") % {"user": username}})
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    log_action(
        actor,
        "staff.add",
        obj=membership,
        label=f"{username} @ {organisation.code}",
        organisation=organisation,
        changes=diff({}, snapshot(membership, MEMBERSHIP_FIELDS)),
    )
    return membership


@state_change
def invite_staff(
    *,
    actor: Actor,
    organisation: Organisation,
    username: str,
    role: str,
    full_name: str = "",
    email: str = "",
    password: str | None = None,
) -> Invitation:
    """Invite a person by user name; they become staff when they accept after signing in. The answer is
    the same whether an account of that name exists or not: a new name with an initial password gets
    its account (recorded under no organisation, so the audit page does not tell either), a known name
    keeps its own password and details, and a name with no account and no password is an invitation
    nobody can accept. Only this organisation's own staff and invitations are named in refusals."""
    require(actor, Perm.MANAGE_STAFF, organisation, message=_("他の組織の職員は管理できません。"))
    _check_new_member(username, role)
    User = get_user_model()
    # Checked against the details typed, not the account's, so the verdict is the same either way.
    candidate = User(username=username, first_name=full_name[:150], email=email)
    if password:
        _checked_password(password, candidate)
    if Membership.objects.filter(user__username=username, organisation=organisation).exists():
        raise ValidationError({"username": _("%(user)sはすでにこの組織の職員です。") % {"user": username}})
    if Invitation.objects.filter(username=username, organisation=organisation).exists():
        raise ValidationError({"username": _("%(user)sはすでに招待しています。") % {"user": username}})
    user = User.objects.filter(username=username).first()
    if user is None and password:
        candidate.set_password(password)
        candidate.save()
        user = candidate
        log_action(actor, "user.create", obj=user, label=username, organisation=NO_ORGANISATION)
        # The 管理者 chose this password: the person changes it at their first log-in.
        initial_password_set.send(sender=invite_staff, user=user)
    elif password:
        make_password(password)  # the same work as for a new account, so the answer takes as long
    invitation = Invitation.objects.create(
        organisation=organisation, username=username, user=user, role=role, invited_by=actor.user
    )
    log_action(
        actor,
        "staff.invite",
        obj=invitation,
        label=f"{username} @ {organisation.code}",
        organisation=organisation,
        changes={"role": [None, role]},
    )
    return invitation


@state_change
def withdraw_invitation(*, actor: Actor, invitation: Invitation) -> None:
    require(actor, Perm.MANAGE_STAFF, invitation.organisation, message=_("他の組織の職員は管理できません。"))
    log_action(
        actor,
        "staff.invitation_withdraw",
        obj=invitation,
        label=f"{invitation.username} @ {invitation.organisation.code}",
        organisation=invitation.organisation,
    )
    invitation.delete()


@state_change
def accept_invitation(*, actor: Actor, invitation: Invitation) -> Membership:
    """The invited person takes the role: from now on (and not before) the organisation's 管理者 sees
    their log-ins."""
    if invitation.user_id is None or invitation.user_id != getattr(actor.user, "pk", None):
        raise refuse(actor, f"invitation:{invitation.pk}")
    membership, _created = Membership.objects.get_or_create(
        user=actor.user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    log_action(
        actor,
        "staff.invitation_accept",
        obj=membership,
        label=f"{invitation.username} @ {invitation.organisation.code}",
        organisation=invitation.organisation,
        changes=diff({}, snapshot(membership, MEMBERSHIP_FIELDS)),
    )
    invitation.delete()
    return membership


@state_change
def decline_invitation(*, actor: Actor, invitation: Invitation) -> None:
    if invitation.user_id is None or invitation.user_id != getattr(actor.user, "pk", None):
        raise refuse(actor, f"invitation:{invitation.pk}")
    log_action(
        actor,
        "staff.invitation_decline",
        obj=invitation,
        label=f"{invitation.username} @ {invitation.organisation.code}",
        organisation=invitation.organisation,
    )
    invitation.delete()


@state_change
def change_staff(
    *, actor: Actor, membership: Membership, role: str, is_active: bool, version: int | None = None
) -> Membership:
    """Change a role opened at `version` (a stale one is refused with the saved values)."""
    require(actor, Perm.MANAGE_STAFF, membership.organisation, message=_("他の組織の職員は管理できません。"))
    if role not in Role.values:
        raise ValidationError({"role": _("役割「%(role)s」は使えません。") % {"role": role}})
    if membership == actor.membership and (role != Role.ADMIN or not is_active):
        # Otherwise an organisation can lose its last administrator by a slip of the mouse.
        raise ValidationError({"role": _("自分自身の管理者権限は外せません。他の管理者に依頼してください。")})
    claim(membership, version, fields=["role", "is_active"])
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    membership.role = role
    membership.is_active = is_active
    membership.save(update_fields=["role", "is_active"])
    log_action(
        actor,
        "staff.change",
        obj=membership,
        label=f"{membership.user.username} @ {membership.organisation.code}",
        organisation=membership.organisation,
        changes=diff(before, snapshot(membership, MEMBERSHIP_FIELDS)),
    )
    if before["is_active"] and not is_active:
        membership_ended.send(sender=change_staff, actor=actor, membership=membership)
    return membership
