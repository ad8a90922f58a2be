"""What each role may do, as data: one table to read when asking "who can do this?"."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

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
        }
    ),
    Role.COORDINATOR: frozenset({Perm.VIEW_ORG, Perm.VIEW_CASES, Perm.EDIT_CASES, Perm.VIEW_STATS}),
    Role.PEER: frozenset({Perm.VIEW_ORG, Perm.ASSIGNED_CASES}),
    Role.VIEWER: frozenset({Perm.VIEW_ORG, Perm.VIEW_CASES, Perm.VIEW_STATS}),
    Role.STATISTICIAN: frozenset({Perm.VIEW_ORG, Perm.VIEW_STATS}),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting, for which organisation, in which role, and from where.

    Every access function and every state change takes one; it is built once per request by
    ActingOrganisationMiddleware, or by the command line for jobs run there.
    """

    user: AbstractBaseUser | None
    membership: Membership | None
    ip: str | None = None

    @property
    def organisation(self) -> Organisation | None:
        return self.membership.organisation if self.membership else None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    def can(self, perm: str) -> bool:
        return self.membership is not None and perm in ROLE_PERMS.get(self.membership.role, frozenset())

    @classmethod
    def system(cls, label: str = "system") -> "Actor":
        """The actor for command-line jobs (import, demo data): no user, recorded by label."""
        return _SystemActor(user=None, membership=None, ip=None, label=label)


@dataclass(frozen=True)
class _SystemActor(Actor):
    label: str = "system"

    def can(self, perm: str) -> bool:
        return True
