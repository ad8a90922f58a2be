import pytest

from tsunagu.audit.models import AuditEntry
from tsunagu.cases.models import Case, Contact, Referral
from tsunagu.ledger.importing import import_ledger
from tsunagu.orgs.models import OrgKind

from ..factories import SYSTEM, make_org, public_code
from .builders import csv_files, xlsx_bytes


@pytest.fixture
def tree(db):
    """青海県 with two cities and a centre that keeps the ledger, and a second centre that starts empty."""
    nation = make_org(OrgKind.NATIONAL, code="000000", name="国")
    pref = make_org(OrgKind.PREFECTURE, nation, code="990001", name="青海県")
    tree = {
        "pref": pref,
        "city": make_org(OrgKind.MUNICIPALITY, pref, code="992011", name="青海市"),
        "shiomi": make_org(OrgKind.MUNICIPALITY, pref, code=public_code("99202"), name="汐見市"),
        "center": make_org(OrgKind.CENTER, pref, code="99CENTER", name="青海県ひきこもり地域支援センター"),
        "fresh": make_org(OrgKind.CENTER, pref, code="99FRESH", name="新しいセンター"),
    }
    return tree


@pytest.fixture
def org(tree):
    return tree["center"]


def run_import(org, sheets=None, *, files=None, csv_encoding=None):
    """Import a ledger given as sheets (written as one XLSX, or as CSVs in csv_encoding) or as files."""
    if files is None:
        files = csv_files(sheets, csv_encoding) if csv_encoding else [("台帳.xlsx", xlsx_bytes(sheets))]
    return import_ledger(actor=SYSTEM, organisation=org, files=files)


def assert_nothing_written():
    assert (Case.objects.count(), Contact.objects.count(), Referral.objects.count()) == (0, 0, 0)
    assert not AuditEntry.objects.filter(action__startswith="ledger.").exists()


def refused(org, data: bytes, name: str = "台帳.xlsx") -> list[str]:
    """The messages of importing one hostile file, which must write nothing."""
    result = run_import(org, files=[(name, data)])
    assert not result.ok
    assert_nothing_written()
    return result.errors
