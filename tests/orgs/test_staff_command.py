import io

import pytest
from django.core.management import CommandError, call_command

from tsunagu.audit.models import AuditEntry
from tsunagu.orgs.models import Membership, Role

from ..factories import PASSWORD


def test_first_administrator_of_a_region(network, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    out = io.StringIO()
    call_command(
        "staff",
        "add",
        "--org",
        network["own"].code,
        "--username",
        "tanaka",
        "--role",
        "管理者",
        "--name",
        "田中",
        stdout=out,
    )
    membership = Membership.objects.get(user__username="tanaka")
    assert (membership.organisation, membership.role) == (network["own"], Role.ADMIN)
    assert membership.user.check_password(PASSWORD)
    assert out.getvalue().strip() == f"tanakaを{network['own'].name}の管理者にしました。"
    entry = AuditEntry.objects.get(action="staff.add")
    assert (entry.username, entry.organisation) == ("system:command line", network["own"])
    out = io.StringIO()
    call_command("staff", "list", "--org", network["own"].code, stdout=out)
    assert out.getvalue() == "tanaka\t管理者\n"


def test_weak_password_and_unknown_role_are_refused(network, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(CommandError, match="このパスワードは短すぎます"):
        call_command("staff", "add", "--org", network["own"].code, "--username", "x", "--role", "admin")
    with pytest.raises(CommandError, match="役割「boss」は使えません"):
        call_command("staff", "add", "--org", network["own"].code, "--username", "x", "--role", "boss")
    with pytest.raises(CommandError, match="組織「NOPE」が見つかりません。"):
        call_command("staff", "list", "--org", "NOPE")
    assert not Membership.objects.exists()
