"""`tsunagu demo-data`: the network, the staff and their log-ins, and what a second run does."""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model

from tsunagu.audit.models import AuditEntry
from tsunagu.orgs.codes import code_problem
from tsunagu.orgs.models import Membership, Organisation, OrgKind, PartnerCategory

from .conftest import OTHER_PASSWORD, PASSWORD, demo_data


@pytest.fixture
def built(demo) -> str:
    """What `tsunagu demo-data` printed when it built the demo (conftest.py builds it once for the package)."""
    return demo["output"]


def state() -> dict:
    return {
        "orgs": list(Organisation.objects.values_list("code", "name", "kind", "parent__code", "category__name")),
        "users": list(get_user_model().objects.order_by("username").values_list("username", "first_name")),
        "memberships": list(Membership.objects.values_list("user__username", "organisation__code", "role")),
        "audit": Counter(AuditEntry.objects.values_list("action", flat=True)),
    }


def test_builds_the_network_of_a_prefecture(built, db):
    assert Counter(Organisation.objects.values_list("kind", flat=True)) == {
        OrgKind.NATIONAL: 1,
        OrgKind.PREFECTURE: 1,
        OrgKind.MUNICIPALITY: 30,
        OrgKind.CENTER: 1,
        OrgKind.SATELLITE: 1,
        OrgKind.CONTRACTOR: 2,
        OrgKind.PARTNER: 21,
    }
    assert Organisation.objects.get(code="000000").name == "厚生労働省"
    prefecture = Organisation.objects.get(kind=OrgKind.PREFECTURE)
    assert (prefecture.code, prefecture.parent.code) == ("990001", "000000")
    center = Organisation.objects.get(kind=OrgKind.CENTER)
    assert center.parent == prefecture
    assert Organisation.objects.get(kind=OrgKind.SATELLITE).parent == center
    assert Organisation.objects.get(code="99PEER").parent == center


def test_municipality_codes_are_valid_and_in_prefecture_99(built, db):
    municipalities = Organisation.objects.filter(kind=OrgKind.MUNICIPALITY)
    codes = [org.code for org in municipalities]
    assert [code for code in codes if code_problem(code, public_body=True) or not code.startswith("99")] == []
    assert {org.parent.code for org in municipalities} == {"990001"}
    assert Counter(org.name[-1] for org in municipalities) == {"市": 11, "町": 14, "村": 5}
    assert len({org.name for org in municipalities}) == 30


def test_every_partner_category_has_a_partner(built, db):
    partners = Organisation.objects.filter(kind=OrgKind.PARTNER).select_related("category", "parent")
    assert sorted(p.category.order for p in partners) == list(range(1, 22))
    assert PartnerCategory.objects.count() == 21
    assert {p.parent.kind for p in partners} == {OrgKind.PREFECTURE, OrgKind.MUNICIPALITY}


def test_each_organisation_has_its_create_entry(built, db):
    logged = set(AuditEntry.objects.filter(action="org.create").values_list("object_id", "username"))
    assert logged == {(str(pk), "system:demo-data") for pk in Organisation.objects.values_list("pk", flat=True)}


def test_staff_log_ins(built, db):
    assert list(
        Membership.objects.order_by("user__username", "organisation__code").values_list(
            "user__username", "organisation__code", "role"
        )
    ) == [
        ("center-admin", "99CENTER", "admin"),
        ("center-coordinator", "99CENTER", "coordinator"),
        ("center-peer", "99CENTER", "peer"),
        ("center-stats", "99CENTER", "statistician"),
        ("center-viewer", "99CENTER", "viewer"),
        ("city-admin", "992011", "admin"),
        ("city-coordinator", "992011", "coordinator"),
        ("peer-coordinator", "99PEER", "coordinator"),
        ("peer-supporter", "99PEER", "peer"),
        ("pref-stats", "990001", "statistician"),
        ("saposute-coordinator", "99P13", "coordinator"),  # the サポステ's case work (demo/employment.py)
        ("shiomi-coordinator", "992020", "coordinator"),
        ("tsukihama-coordinator", "992071", "coordinator"),
        ("two-orgs", "99CENTER", "coordinator"),
        ("two-orgs", "99PEER", "peer"),
    ]
    users = get_user_model().objects.all()
    assert all(user.check_password(PASSWORD) for user in users)
    assert all(user.first_name and not user.first_name.isascii() for user in users)


def test_prints_the_log_in_table(built, db):
    lines = built.splitlines()
    assert lines[0] == "組織: 追加 57件（デモの組織は全部で57件）"
    assert lines[1].split() == ["ログイン名", "パスワード", "組織", "役割"]
    assert lines[3].split() == ["center-admin", PASSWORD, "青海県ひきこもり地域支援センター（99CENTER）", "管理者"]
    assert lines[8].split() == ["city-admin", PASSWORD, "青海市（992011）", "管理者"]
    assert lines[10].split() == ["pref-stats", PASSWORD, "青海県（990001）", "統計担当"]
    assert [line.split()[0] for line in lines[11:13]] == ["two-orgs", "two-orgs"]
    assert lines[13] == (
        "管理者はパスワードの後に認証アプリの6桁のコードを入力します。デモの管理者に共通の鍵"
        "（認証アプリに「鍵を入力」で登録）: ORZX K3TB M52S 2ZDF NVXS 25DP ORYC 2MRQ GI3A"
    )
    assert len(lines) == 14


def test_demo_administrators_pass_the_second_step_with_the_printed_key(built, client):
    from base64 import b32decode

    from django.urls import reverse
    from django_otp.oath import TOTP

    secret = built.splitlines()[13].rsplit(": ", 1)[1].replace(" ", "")
    totp = TOTP(b32decode(secret + "=" * (-len(secret) % 8)))
    response = client.post(reverse("login"), {"username": "center-admin", "password": PASSWORD})
    assert response["Location"] == reverse("two_factor_verify")
    response = client.post(reverse("two_factor_verify"), {"code": f"{totp.token():06d}"})
    assert response["Location"] == reverse("home")
    # The other demo roles need only their password: the demo organisations require nothing more of them.
    client.post(reverse("logout"))
    response = client.post(reverse("login"), {"username": "center-coordinator", "password": PASSWORD})
    assert response["Location"] == reverse("home")


def test_running_twice_changes_nothing(built, db):
    first = state()
    out = demo_data()
    assert state() == first
    assert first["audit"]["org.create"] == 57
    assert out.splitlines()[0] == "組織: 追加 0件（デモの組織は全部で57件）"
    assert f"center-admin        {PASSWORD}" in out


def test_rerun_with_another_password_says_the_old_one_stays(built, db):
    out = demo_data("--password", "another-long-passphrase")
    assert "another-long-passphrase" not in out
    assert out.count("（既存の利用者: 以前のパスワードのまま）") == 10


def test_password_option(demo, db):
    # The first build of conftest.py, from an empty database, was made with --password.
    assert demo["other_password_users"] == demo["users"]
    assert "two-orgs" in demo["users"]
    assert demo["first_output"].splitlines()[3].split()[:2] == ["center-admin", OTHER_PASSWORD]
    assert PASSWORD not in demo["first_output"]


def test_the_last_complete_half_year_has_returns_in_every_state(built, db):
    """令和8年度上半期 (the demo's END is 2026-10-31): 27 municipalities approved and locked, 汐見市 waiting,
    青海市 sent back with the reason, 雪見村 対象外; the prefecture itself still 作成中, waiting for them."""
    from datetime import date

    from tsunagu.orgs.models import LockedPeriod
    from tsunagu.returns.models import Return, ReturnStatus

    half = Return.objects.filter(starts_on=date(2026, 4, 1), ends_on=date(2026, 9, 30))
    returns = half.filter(organisation__kind=OrgKind.MUNICIPALITY)
    assert Counter(returns.values_list("status", flat=True)) == {
        ReturnStatus.APPROVED: 27,
        ReturnStatus.SUBMITTED: 1,
        ReturnStatus.SENT_BACK: 1,
        ReturnStatus.EXEMPT: 1,
    }
    # The 9 partner agencies under 青海市 (5), 汐見市 (2), 朝凪市 and 西浜市 are 対象外; no other return exists.
    partners = half.filter(organisation__kind=OrgKind.PARTNER)
    assert set(partners.values_list("status", flat=True)) == {ReturnStatus.EXEMPT}
    assert (partners.count(), Return.objects.count()) == (9, 39)
    assert returns.get(status=ReturnStatus.SUBMITTED).organisation.name == "汐見市"
    sent_back = returns.get(status=ReturnStatus.SENT_BACK)
    assert (sent_back.organisation.name, sent_back.submissions) == ("青海市", 1)
    assert sent_back.reason.startswith("9月の訪問件数が月報")
    assert returns.get(status=ReturnStatus.EXEMPT).organisation.name == "雪見村"
    # The capital's frozen copy is its half year's records: the figures the prefecture sent back.
    assert sent_back.frozen["contacts"]["total"] > 0
    assert LockedPeriod.objects.filter(starts_on=date(2026, 4, 1), ends_on=date(2026, 9, 30)).count() == 27
    assert Counter(AuditEntry.objects.filter(action__startswith="return.").values_list("action", flat=True)) == {
        "return.submit": 29,
        "return.approve": 27,
        "return.send_back": 1,
        "return.exempt": 10,
    }
