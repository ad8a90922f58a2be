import pytest

from tsunagu.orgs.middleware import SESSION_KEY
from tsunagu.orgs.models import OrgKind

from .factories import make_org, pass_second_factor


@pytest.fixture(autouse=True)
def japanese_by_default():
    """Each test starts in the default language: a request made in English by an earlier test must not
    leave English active for the next one (Django's LocaleMiddleware does not undo its activate)."""
    from django.utils import translation

    translation.activate("ja")
    yield
    translation.deactivate()


@pytest.fixture
def network(db):
    """A small network: a nation, two prefectures, each with a municipality and a centre.

    "own" is the prefecture the tests act in; "other" is the one they must never see into.
    """
    nation = make_org(OrgKind.NATIONAL, code="000000", name="国")
    tree = {"nation": nation}
    for side, _prefix in (("own", "91"), ("other", "92")):
        pref = make_org(OrgKind.PREFECTURE, nation)
        tree[side] = pref
        tree[f"{side}_city"] = make_org(OrgKind.MUNICIPALITY, pref)
        tree[f"{side}_center"] = make_org(OrgKind.CENTER, pref)
    return tree


def act_as(client, membership):
    """Log the client in as the membership's user, acting for its organisation, past the second factor."""
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = membership.pk
    pass_second_factor(session, membership.user)
    session.save()
    return client


@pytest.fixture
def exact_small_cells(monkeypatch):
    """For tests of the arithmetic of a hand-built world of a few people, which every report of another
    organisation would show as ranges at k = 10: k = 1 keeps every figure exact (the live server of a
    browser test runs in this process, so it sees it too). The ranges themselves are tested in
    tests/stats/test_smallcells*.py."""
    from tsunagu.stats import smallcells

    monkeypatch.setattr(smallcells, "K", 1)
