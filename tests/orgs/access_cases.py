"""Access declarations for the organisations' URLs (organisations, staff, audit trail, 組織 search)."""

from tsunagu.audit.models import AuditEntry
from tsunagu.orgs.models import Invitation, Membership, Organisation, OrgKind, Role
from tsunagu.orgs.rules import Perm

from ..access import UrlCase
from ..factories import make_staff


def _city(world, side):
    return {"code": world[f"{side}_city"].code}


URL_CASES = [
    UrlCase("org_list", Perm.VIEW_ORG, leak=lambda w: w["other_city"].name),
    UrlCase("org_detail", Perm.VIEW_ORG, kwargs=_city),
    UrlCase(
        "org_edit",
        Perm.MANAGE_ORG,
        kwargs=_city,
        post={"code": "X9999", "name": "書き換え", "kind": OrgKind.MUNICIPALITY, "version": "1"},
        changed=lambda w: Organisation.objects.filter(name="書き換え").exists(),
    ),
    UrlCase(
        "org_add_child",
        Perm.MANAGE_ORG,
        kwargs=_city,
        post={"code": "NEW01", "name": "新しい組織", "kind": OrgKind.CENTER},
        changed=lambda w: Organisation.objects.filter(code="NEW01").exists(),
    ),
    UrlCase("staff_list", Perm.MANAGE_STAFF, leak=lambda w: w["other_staff"].user.username),
    UrlCase("staff_add", Perm.MANAGE_STAFF, leak=lambda w: w["other_staff"].user.username),
    UrlCase(
        "staff_edit",
        Perm.MANAGE_STAFF,
        kwargs=lambda w, s: {"pk": w[f"{s}_staff"].pk},
        post={"role": Role.ADMIN, "is_active": "on", "version": "1"},
        changed=lambda w: Membership.objects.get(pk=w["other_staff"].pk).role == Role.ADMIN,
    ),
    UrlCase(
        "org_two_factor",
        Perm.MANAGE_ORG,
        kwargs=_city,
        post={"roles": [Role.COORDINATOR], "version": "1"},
        changed=lambda w: Organisation.objects.get(pk=w["other_city"].pk).two_factor_roles != [],
    ),
    UrlCase(
        "org_small_cells",
        Perm.MANAGE_ORG,
        kwargs=lambda w, s: {"code": w[s].code},
        post={"k": "5", "version": "1"},
        changed=lambda w: Organisation.objects.get(pk=w["other"].pk).small_cell_k is not None,
    ),
    UrlCase(
        "staff_reset_two_factor",
        Perm.MANAGE_STAFF,
        kwargs=lambda w, s: {"pk": w[f"{s}_staff"].pk},
        post={},
        changed=lambda w: AuditEntry.objects.filter(action="staff.reset_2fa", allowed=True).exists(),
    ),
    UrlCase(
        "invitation_withdraw",
        Perm.MANAGE_STAFF,
        kwargs=lambda w, s: {"pk": w[f"{s}_invitation"].pk},
        post={},
        changed=lambda w: not Invitation.objects.filter(pk=w["other_invitation"].pk).exists(),
    ),
    UrlCase("audit_search", Perm.VIEW_AUDIT, leak=lambda w: w["other_marker_action"]),
    # The 組織 search fragment; test_chooser.py searches for the other prefecture's names and codes.
    UrlCase("org_search", Perm.VIEW_STATS, leak=lambda w: w["other"].name),
]


def extend_world(world):
    world["own_staff"] = make_staff(world["own"], Role.VIEWER)
    world["other_staff"] = make_staff(world["other"], Role.COORDINATOR, username="other-prefecture-worker")
    # An audit entry of the other organisation that the audit search must not show.
    world["own_invitation"] = Invitation.objects.create(
        organisation=world["own"], username="own-invited", role=Role.PEER
    )
    world["other_invitation"] = Invitation.objects.create(
        organisation=world["other"], username="other-invited", role=Role.PEER
    )
    world["other_marker_action"] = "org.other-secret"
    AuditEntry.objects.create(organisation=world["other"], action=world["other_marker_action"], username="x")
