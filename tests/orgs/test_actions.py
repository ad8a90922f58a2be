import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tsunagu.audit.log import MASK
from tsunagu.audit.models import AuditEntry
from tsunagu.orgs import actions, hooks
from tsunagu.orgs.codes import check_digit, code_problem
from tsunagu.orgs.models import Membership, Organisation, OrgKind, PartnerCategory, Role
from tsunagu.orgs.rules import Actor

from ..factories import PASSWORD, SYSTEM, make_org, make_staff, make_user


def actor_for(membership):
    return Actor(user=membership.user, membership=membership, ip="192.0.2.7")


@pytest.mark.parametrize(
    "code,digit", [("13000", 1), ("01000", 6), ("01100", 2), ("39000", 3), ("27100", 4), ("99000", 1)]
)
def test_check_digit_of_real_codes(code, digit):
    """東京都 130001, 北海道 010006, 札幌市 011002, 高知県 390003, 大阪市 271004; 99000 is the demo's."""
    assert check_digit(code) == digit


def test_code_problems_are_japanese_sentences():
    assert code_problem("130001", public_body=True) is None
    assert code_problem("13000", public_body=True) == "地方公共団体コードは6桁の数字です（例: 130001）。"
    assert code_problem("130002", public_body=True) == (
        "地方公共団体コード「130002」の検査数字が合いません（6桁目は1のはずです）。"
    )
    assert code_problem("peer-01", public_body=False) is None
    assert code_problem("-x", public_body=False).startswith("コードは2〜20文字")


def test_create_builds_path_and_audit_entry(network):
    pref = network["own"]
    org = actions.create_organisation(
        actor=SYSTEM, code=" ＡＢ１２ ", name=" 子ども相談 ", kind=OrgKind.CENTER, parent=pref
    )
    assert org.code == "AB12"  # full-width normalised, spaces stripped
    assert org.name == "子ども相談"
    assert org.path == f"{pref.path}AB12/"
    entry = AuditEntry.objects.get(action="org.create", object_id=str(org.pk))
    assert entry.username == "system:tests"
    assert entry.changes["code"] == [None, "AB12"]
    assert entry.changes["parent"] == [None, pref.pk]


@pytest.mark.parametrize(
    "kind,parent_key,category,field,message",
    [
        (OrgKind.MUNICIPALITY, "nation", None, "parent", "市区町村は国（国）の下には置けません。"),
        (OrgKind.SATELLITE, "own", None, "parent", "サテライトは都道府県（"),
        (OrgKind.PARTNER, "own", None, "category", "関係機関には区分が必要です。"),
        (OrgKind.CENTER, "own", "医療機関", "category", "区分は関係機関にだけ付けられます。"),
        ("hospital", "own", None, "kind", "種別「hospital」は使えません。"),
    ],
)
def test_tree_shape_is_enforced(network, kind, parent_key, category, field, message):
    with pytest.raises(ValidationError) as error:
        actions.create_organisation(
            actor=SYSTEM,
            code="Z0001",
            name="x",
            kind=kind,
            parent=network[parent_key],
            category=PartnerCategory.objects.get(name=category) if category else None,
        )
    assert error.value.message_dict[field][0].startswith(message)
    assert not Organisation.objects.filter(code="Z0001").exists()


def test_duplicate_code_is_refused(network):
    with pytest.raises(ValidationError) as error:
        actions.create_organisation(
            actor=SYSTEM, code=network["own_city"].code, name="x", kind=OrgKind.CENTER, parent=network["own"]
        )
    assert error.value.message_dict["code"] == [f"コード「{network['own_city'].code}」はすでに使われています。"]


def test_staff_cannot_create_roots_or_outside_their_tree(network):
    admin = actor_for(make_staff(network["own"], Role.ADMIN))
    with pytest.raises(PermissionDenied):
        actions.create_organisation(actor=admin, code="R1", name="x", kind=OrgKind.NATIONAL)
    with pytest.raises(PermissionDenied):
        actions.create_organisation(actor=admin, code="C1", name="x", kind=OrgKind.CENTER, parent=network["other"])
    coordinator = actor_for(make_staff(network["own"], Role.COORDINATOR))
    with pytest.raises(PermissionDenied):
        actions.create_organisation(actor=coordinator, code="C2", name="x", kind=OrgKind.CENTER, parent=network["own"])


def test_changing_a_code_moves_the_paths_below(network):
    center = network["own_center"]
    old_code = center.code
    satellite = make_org(OrgKind.SATELLITE, center)
    actions.update_organisation(actor=SYSTEM, org=center, code="MAINCTR")
    satellite.refresh_from_db()
    assert satellite.path == f"{network['own'].path}MAINCTR/{satellite.code}/"
    entry = AuditEntry.objects.get(action="org.update", object_id=str(center.pk))
    assert entry.changes == {"code": [old_code, "MAINCTR"]}


def test_a_move_tells_the_apps_above_its_old_and_new_ancestors_inside_its_transaction(network):
    """orgs.hooks.organisation_moved: the statistics connect to it; a receiver that fails undoes the move."""
    center, satellite = network["own_center"], make_org(OrgKind.SATELLITE, network["own_center"])
    heard = []

    def refuse(*, organisation, old_ancestors, new_ancestors, **kwargs):
        heard.append((organisation.code, old_ancestors, new_ancestors))
        raise RuntimeError("the statistics could not follow")

    hooks.organisation_moved.connect(refuse, sender=Organisation, dispatch_uid="test-refuse")
    try:
        with pytest.raises(RuntimeError):
            actions.update_organisation(actor=SYSTEM, org=center, parent=network["other"])
    finally:
        hooks.organisation_moved.disconnect(sender=Organisation, dispatch_uid="test-refuse")
    nation = network["nation"].pk
    assert heard == [(center.code, sorted([nation, network["own"].pk]), sorted([nation, network["other"].pk]))]
    assert Organisation.objects.get(pk=center.pk).parent == network["own"]
    assert Organisation.objects.get(pk=satellite.pk).path == f"{network['own'].path}{center.code}/{satellite.code}/"
    assert not AuditEntry.objects.filter(action="org.update").exists()


def test_an_organisation_cannot_move_below_itself(network):
    center = network["own_center"]
    satellite = make_org(OrgKind.SATELLITE, center)
    with pytest.raises(ValidationError):
        actions.update_organisation(actor=SYSTEM, org=center, parent=satellite)


def test_failed_change_writes_no_audit_entry(network):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        actions.update_organisation(actor=SYSTEM, org=network["own_city"], name="")
    assert AuditEntry.objects.count() == before


def test_the_command_line_adds_staff_creating_the_account_with_a_validated_password(network):
    with pytest.raises(ValidationError) as error:
        actions.add_staff(actor=SYSTEM, organisation=network["own"], username="new", role=Role.PEER, password="short")
    assert "password" in error.value.message_dict
    membership = actions.add_staff(
        actor=SYSTEM,
        organisation=network["own"],
        username="new",
        role=Role.PEER,
        password=PASSWORD,
        full_name="山田花子",
    )
    assert membership.user.check_password(PASSWORD)
    entries = AuditEntry.objects.filter(action__in=["user.create", "staff.add"]).order_by("id")
    assert [(e.action, e.actor_kind) for e in entries] == [("user.create", "system"), ("staff.add", "system")]
    staff_entry = AuditEntry.objects.get(action="staff.add")
    assert staff_entry.organisation == network["own"]
    assert staff_entry.changes == {"is_active": [None, True], "role": [None, "peer"]}


def test_an_existing_user_joins_a_second_organisation_from_the_command_line(network):
    user = make_user("shared")
    make_staff(network["own_city"], Role.COORDINATOR, user=user)
    membership = actions.add_staff(actor=SYSTEM, organisation=network["own"], username="shared", role=Role.VIEWER)
    assert Membership.objects.filter(user=user).count() == 2
    with pytest.raises(ValidationError):
        actions.add_staff(actor=SYSTEM, organisation=network["own"], username="shared", role=Role.VIEWER)
    assert membership.role == Role.VIEWER


def test_an_admin_cannot_attach_an_account_directly(network):
    """Finding: a 管理者 attached any existing account to their organisation, without its owner."""
    user = make_user("elsewhere")
    make_staff(network["other"], Role.COORDINATOR, user=user)
    admin = actor_for(make_staff(network["own"], Role.ADMIN))
    with pytest.raises(PermissionDenied):
        actions.add_staff(actor=admin, organisation=network["own"], username="elsewhere", role=Role.VIEWER)
    assert list(Membership.objects.filter(user=user).values_list("organisation", flat=True)) == [network["other"].pk]


def test_admin_cannot_invite_to_another_organisation(network):
    admin = actor_for(make_staff(network["own"], Role.ADMIN))
    with pytest.raises(PermissionDenied):
        actions.invite_staff(
            actor=admin, organisation=network["own_city"], username="x", role=Role.PEER, password=PASSWORD
        )


def test_refused_staff_changes_are_logged(network):
    coordinator = actor_for(make_staff(network["own"], Role.COORDINATOR))
    with pytest.raises(PermissionDenied):
        actions.invite_staff(actor=coordinator, organisation=network["own"], username="newbie", role=Role.PEER)
    admin = actor_for(make_staff(network["own"], Role.ADMIN))
    with pytest.raises(PermissionDenied):
        actions.invite_staff(actor=admin, organisation=network["other"], username="newbie", role=Role.PEER)
    denied = AuditEntry.objects.filter(action="permission.denied").order_by("id")
    assert [(e.username, e.object_label, e.organisation, e.allowed) for e in denied] == [
        (coordinator.user.username, "manage_staff", network["own"], False),
        (admin.user.username, f"manage_staff:{network['other'].code}", network["own"], False),
    ]
    assert not Membership.objects.filter(user__username="newbie").exists()


def test_admin_cannot_remove_own_admin_role(network):
    membership = make_staff(network["own"], Role.ADMIN)
    with pytest.raises(ValidationError):
        actions.change_staff(actor=actor_for(membership), membership=membership, role=Role.VIEWER, is_active=True)
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_change_staff_records_the_diff(network):
    admin = actor_for(make_staff(network["own"], Role.ADMIN))
    peer = make_staff(network["own"], Role.PEER)
    actions.change_staff(actor=admin, membership=peer, role=Role.COORDINATOR, is_active=False)
    entry = AuditEntry.objects.get(action="staff.change")
    assert entry.changes == {"is_active": [True, False], "role": ["peer", "coordinator"]}


def test_audit_entry_is_rolled_back_with_the_change(network):
    """Same transaction: when the surrounding work fails, neither the change nor its entry remain."""
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            actions.create_organisation(
                actor=SYSTEM, code="ROLLED", name="x", kind=OrgKind.CENTER, parent=network["own"]
            )
            raise RuntimeError("later step failed")
    assert not Organisation.objects.filter(code="ROLLED").exists()
    assert AuditEntry.objects.count() == before


def test_diff_masks_personal_fields():
    from tsunagu.audit.log import diff

    assert diff({"name": "山田", "age": 30}, {"name": "山本", "age": 30}, personal={"name"}) == {"name": [MASK, MASK]}


def test_kind_cannot_change_when_children_would_no_longer_fit(network):
    center = network["own_center"]
    satellite = make_org(OrgKind.SATELLITE, center, name="西サテライト")
    with pytest.raises(ValidationError) as error:
        actions.update_organisation(actor=SYSTEM, org=center, kind=OrgKind.STATION)
    assert error.value.message_dict["kind"] == [
        "下にある西サテライト（サテライト）が置けなくなるため、種別を変えられません。"
    ]
    assert satellite.parent.kind == OrgKind.CENTER
