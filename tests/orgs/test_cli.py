import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tsunagu.audit.models import AuditEntry
from tsunagu.orgs.models import Organisation, OrgKind

from ..factories import make_org


def run(*args) -> str:
    out = StringIO()
    call_command("orgs", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def tree(db):
    nation = make_org(OrgKind.NATIONAL, code="000000", name="厚生労働省")
    pref = make_org(OrgKind.PREFECTURE, nation, code="990001", name="青海県")
    city = make_org(OrgKind.MUNICIPALITY, pref, code="992011", name="青海市")
    make_org(OrgKind.CENTER, pref, code="99CENTER", name="青海県ひきこもり地域支援センター")
    make_org(OrgKind.PARTNER, city, code="99P01", name="青海市福祉事務所", category="福祉事務所")
    return {"nation": nation, "pref": pref, "city": city}


EXPECTED_JSON = [
    {"code": "000000", "name": "厚生労働省", "kind": "national", "kind_label": "国", "parent": None, "category": None},
    {
        "code": "990001",
        "name": "青海県",
        "kind": "prefecture",
        "kind_label": "都道府県",
        "parent": "000000",
        "category": None,
    },
    {
        "code": "992011",
        "name": "青海市",
        "kind": "municipality",
        "kind_label": "市区町村",
        "parent": "990001",
        "category": None,
    },
    {
        "code": "99P01",
        "name": "青海市福祉事務所",
        "kind": "partner",
        "kind_label": "関係機関",
        "parent": "992011",
        "category": "福祉事務所",
    },
    {
        "code": "99CENTER",
        "name": "青海県ひきこもり地域支援センター",
        "kind": "center",
        "kind_label": "ひきこもり地域支援センター",
        "parent": "990001",
        "category": None,
    },
]


def test_json_lists_every_organisation_in_tree_order(tree):
    assert json.loads(run("--format", "json")) == EXPECTED_JSON


def test_list_subcommand_accepts_the_format_too(tree):
    assert json.loads(run("list", "--format", "json")) == EXPECTED_JSON


def test_table_shows_code_kind_indented_name_and_parent(tree):
    lines = run().splitlines()
    assert lines[0].split() == ["コード", "種別", "名称", "上位コード"]
    assert [line.split() for line in lines[2:-1]] == [
        ["000000", "国", "厚生労働省"],
        ["990001", "都道府県", "青海県", "000000"],
        ["992011", "市区町村", "青海市", "990001"],
        ["99P01", "関係機関", "青海市福祉事務所", "992011"],
        ["99CENTER", "ひきこもり地域支援センター", "青海県ひきこもり地域支援センター", "990001"],
    ]
    # Names are indented by depth, and columns line up by display width (a kanji takes two columns):
    # code 8 wide, kind 26 (ひきこもり地域支援センター), name 36 (the centre, two levels in), 2 between.
    assert lines[3] == "990001" + " " * 4 + "都道府県" + " " * 20 + "  青海県" + " " * 30 + "000000"
    assert lines[5] == "99P01" + " " * 5 + "関係機関" + " " * 20 + "      青海市福祉事務所" + " " * 16 + "992011"
    assert lines[-1] == "5件"


def test_add_accepts_the_japanese_kind_label(tree):
    out = run("add", "--code", "992020", "--name", "汐見市", "--kind", "市区町村", "--parent", "990001")
    assert out == "追加しました: 992020 汐見市（市区町村、上位: 990001）\n"
    org = Organisation.objects.get(code="992020")
    assert (org.kind, org.parent, org.path) == (OrgKind.MUNICIPALITY, tree["pref"], "/000000/990001/992020/")
    entry = AuditEntry.objects.get(action="org.create", object_id=str(org.pk))
    assert entry.username == "system:orgs add"
    assert entry.changes["code"] == [None, "992020"]


def test_add_accepts_the_english_kind_value_and_a_category(tree):
    run(
        "add",
        "--code",
        "99P17",
        "--name",
        "NPO法人 居場所ひなた",
        "--kind",
        "partner",
        "--parent",
        "992011",
        "--category",
        "民間支援団体（当事者団体・NPO法人等）",
    )
    org = Organisation.objects.get(code="99P17")
    assert (org.kind, org.category.name) == ("partner", "民間支援団体（当事者団体・NPO法人等）")


def test_add_without_parent_creates_a_root_national_body(db):
    run("add", "--code", "000000", "--name", "厚生労働省", "--kind", "国")
    assert Organisation.objects.get(code="000000").path == "/000000/"


def test_add_without_parent_refuses_anything_but_national(db):
    with pytest.raises(CommandError) as raised:
        run("add", "--code", "990001", "--name", "青海県", "--kind", "都道府県")
    assert str(raised.value) == "上位コード（--parent）: 都道府県には上位組織が必要です。"
    assert not Organisation.objects.exists()


def test_add_names_an_unknown_parent(tree):
    with pytest.raises(CommandError) as raised:
        run("add", "--code", "992020", "--name", "汐見市", "--kind", "市区町村", "--parent", "992017")
    assert str(raised.value) == "上位コード（--parent）: 組織「992017」が見つかりません。"


def test_add_names_a_bad_check_digit(tree):
    with pytest.raises(CommandError) as raised:
        run("add", "--code", "992021", "--name", "汐見市", "--kind", "市区町村", "--parent", "990001")
    assert str(raised.value) == (
        "コード（--code）: 地方公共団体コード「992021」の検査数字が合いません（6桁目は0のはずです）。"
    )


def test_add_names_an_unknown_kind(tree):
    with pytest.raises(CommandError) as raised:
        run("add", "--code", "99X", "--name", "x", "--kind", "町", "--parent", "990001")
    assert str(raised.value).startswith("種別（--kind）: 種別「町」は使えません。使える種別: 国、都道府県、")


def test_add_names_an_unknown_category(tree):
    with pytest.raises(CommandError) as raised:
        run("add", "--code", "99P09", "--name", "x", "--kind", "関係機関", "--parent", "990001", "--category", "病院")
    assert str(raised.value) == "区分（--category）: 区分「病院」が見つかりません。"


def test_add_reports_every_field_that_is_wrong(tree):
    with pytest.raises(CommandError) as raised:
        run("add", "--code", "992011", "--name", " ", "--kind", "市区町村", "--parent", "990001")
    assert str(raised.value).splitlines() == [
        "名称（--name）: 名称を入力してください。",
        "コード（--code）: コード「992011」はすでに使われています。",
    ]
    assert Organisation.objects.count() == 5
