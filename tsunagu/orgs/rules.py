"""What each role may do, as data: one table to read when asking "who can do this?"."""

from dataclasses import dataclass
from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser

from tsunagu.audit.log import system_name

from .models import Membership, Organisation, Role


class Perm:
    VIEW_ORG = "view_org"  # see the organisation, its home page and the tree below it
    MANAGE_ORG = "manage_org"  # edit the organisation and add organisations below it
    MANAGE_STAFF = "manage_staff"  # add staff, change roles, deactivate memberships
    VIEW_AUDIT = "view_audit"  # search the audit trail of the organisation
    VIEW_CASES = "view_cases"  # read personal records of the organisation
    EDIT_CASES = "edit_cases"  # full case work
    ASSIGNED_CASES = "assigned_cases"  # case work limited to cases assigned to the user
    VIEW_STATS = "view_stats"  # aggregates of the organisation and everything below it
    APPROVE_PAYMENTS = "approve_payments"  # approve and settle allowance payment lists, set rates and budgets
    SUBMIT_RETURNS = "submit_returns"  # submit the organisation's figures upward (報告の提出)
    APPROVE_RETURNS = "approve_returns"  # approve or send back the returns of the bodies below
    OPEN_LOCK_EXCEPTIONS = "open_lock_exceptions"  # let one person change records of an approved (locked) period


ROLE_PERMS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        {
            Perm.VIEW_ORG,
            Perm.MANAGE_ORG,
            Perm.MANAGE_STAFF,
            Perm.VIEW_AUDIT,
            Perm.VIEW_CASES,
            Perm.EDIT_CASES,
            Perm.VIEW_STATS,
            Perm.APPROVE_PAYMENTS,
            Perm.SUBMIT_RETURNS,
            Perm.APPROVE_RETURNS,
            Perm.OPEN_LOCK_EXCEPTIONS,
        }
    ),
    Role.COORDINATOR: frozenset({Perm.VIEW_ORG, Perm.VIEW_CASES, Perm.EDIT_CASES, Perm.VIEW_STATS}),
    Role.PEER: frozenset({Perm.VIEW_ORG, Perm.ASSIGNED_CASES}),
    Role.VIEWER: frozenset({Perm.VIEW_ORG, Perm.VIEW_CASES, Perm.VIEW_STATS}),
    Role.STATISTICIAN: frozenset({Perm.VIEW_ORG, Perm.VIEW_STATS, Perm.SUBMIT_RETURNS}),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting, for which organisation, in which role, and from where.

    Every access function and every state change takes one. ActingOrganisationMiddleware builds one per
    request: a person acting for one of their memberships, or, with no membership (a visitor, or a
    person who has not chosen an organisation yet), an actor that may do nothing. Work that no person
    does (a command-line job, the web form's intake) acts as Actor.system(label), a kind of its own that
    no request can produce.

    `via` says through what the person acts when it is not a signed-in page: "api:<token id>" for a
    request of the REST API, with `via_label` the token's name. The audit trail records both, so an
    entry tells which token acted without the foundation knowing the API app.
    """

    user: AbstractBaseUser | None
    membership: Membership | None
    ip: str | None = None
    via: str = ""
    via_label: str = ""

    # Only SystemActor says True: a missing user or organisation never makes an actor the system.
    is_system: ClassVar[bool] = False

    @property
    def organisation(self) -> Organisation | None:
        return self.membership.organisation if self.membership else None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def audit_name(self) -> str:
        """The name the audit trail records: the person's user name ("" for a visitor)."""
        return self.user.get_username() if self.user is not None else ""

    def can(self, perm: str) -> bool:
        return self.membership is not None and perm in ROLE_PERMS.get(self.membership.role, frozenset())

    @classmethod
    def system(cls, label: str) -> "SystemActor":
        """The actor of work no person does, named by what it is (import-ledger, demo-data, web-form)."""
        return SystemActor(user=None, membership=None, ip=None, label=label)


@dataclass(frozen=True)
class SystemActor(Actor):
    """tsunagu itself at work: may do everything, for no organisation in particular. Its audit entries
    carry "system:LABEL" as the user name, which no account can have (Django's user names cannot hold
    a colon), so they are never taken for a person's."""

    label: str = ""
    is_system: ClassVar[bool] = True

    def __post_init__(self):
        if not self.label.strip() or self.user is not None or self.membership is not None:
            raise ValueError("a system actor has a label and no user or membership")

    @property
    def audit_name(self) -> str:
        return system_name(self.label)

    def can(self, perm: str) -> bool:
        return True
