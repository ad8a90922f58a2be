"""Choosing one organisation of the acting organisation's subtree by what a person types: part of a name,
a code, or either in another width or kana (ｾﾝﾀｰ, せんたー and センター are the same letters). The
statistics and KPI pages carry it; each page registers how picking an organisation links to it
(register_page, from its app's AppConfig.ready), so the search fragment can link back to any of them.

Every read starts from the acting organisation's path, so an organisation outside its subtree is never
listed, matched or confirmed. Each function does a fixed number of queries whatever the subtree's size.
"""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.core.text import fold

from .access import deny
from .models import Organisation, OrgKind
from .rules import Actor

# A subtree this small is still easy to scan as a plain select (a centre with its stations, a small city).
SELECT_LIMIT = 50
# Rows a search shows: enough to pick from, few enough for a phone; more than this asks for more letters.
RESULT_LIMIT = 20
# Direct children shown as links at a time: a prefecture has up to 179 municipalities (北海道).
CHILDREN_PER_PAGE = 60


@dataclass(frozen=True)
class OrgRow:
    """One organisation as the chooser shows it; `href` is where picking it leads on the current page."""

    code: str
    name: str
    path: str
    kind: str
    href: str = ""

    @property
    def kind_label(self) -> str:
        return OrgKind(self.kind).label if self.kind in OrgKind.values else self.kind


def _rows(acting: Organisation):
    return (
        Organisation.objects.filter(path__startswith=acting.path)
        .order_by("path")
        .values_list("code", "name", "path", "kind")
    )


def small_subtree_choices(acting: Organisation) -> list[tuple[str, str]] | None:
    """The subtree as indented select choices when it has at most SELECT_LIMIT organisations, else None
    (one query, reading at most SELECT_LIMIT + 1 rows)."""
    rows = list(_rows(acting)[: SELECT_LIMIT + 1])
    if len(rows) > SELECT_LIMIT:
        return None
    return [(code, "\u3000" * (path.count("/") - acting.path.count("/")) + name) for code, name, path, _k in rows]


def _rank(query: str, code: str, name: str) -> int | None:
    """How well a folded query fits: 0 the code itself, 1 the whole name, 2 a code or name that starts
    with it, 3 a name that contains it; None when it does not fit."""
    code, name = fold(code), fold(name)
    if query == code:
        return 0
    if query == name:
        return 1
    if code.startswith(query) or name.startswith(query):
        return 2
    if query in name:
        return 3
    return None


@dataclass(frozen=True)
class SearchResult:
    rows: list[OrgRow]  # at most the limit, best first
    total: int  # how many fit in all
    exact: int  # how many are the code or the whole name typed

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def search(acting: Organisation, text: str, *, limit: int = RESULT_LIMIT) -> SearchResult:
    """The organisations of the subtree whose code or name fits `text`, best first (one query).

    The names are folded here rather than in the database: a national subtree is about 2,000 short
    rows, read as tuples in a few milliseconds, and no column holds a folded name to index.
    """
    query = fold(text)
    if not query:
        return SearchResult([], 0, 0)
    ranked = []
    for code, name, path, kind in _rows(acting):
        rank = _rank(query, code, name)
        if rank is not None:
            ranked.append((rank, path, OrgRow(code, name, path, kind)))
    ranked.sort(key=lambda item: (item[0], item[1]))
    exact = sum(1 for rank, _p, _r in ranked if rank <= 1)
    return SearchResult([row for _r, _p, row in ranked[:limit]], len(ranked), exact)


@dataclass(frozen=True)
class Resolution:
    """What the 組織 field's text comes to: one organisation, or none with the matches to pick from
    (none at all when nothing fits) and the message to show on the field. `refused` is a code that names
    no organisation of the subtree (one outside it, or none at all, look the same): the page answers 404
    and the refusal is audited. A name that fits nothing is only a typing mistake."""

    org: Organisation | None
    matches: SearchResult | None = None
    error: str = ""
    refused: bool = False


def resolve(actor: Actor, text: str) -> Resolution:
    """The one organisation of the acting subtree that `text` names: its code (the common case, a
    bookmarked ?org=CODE, one query), else the only one whose code or whole name it is, else the only
    partial fit. A refused code is logged as access.denied, as any look-up outside the subtree is."""
    resolution = _resolve(actor.organisation, text)
    if resolution.refused:
        deny(actor, "organisation", text)
    return resolution


def _resolve(acting: Organisation, text: str) -> Resolution:
    typed = unicodedata.normalize("NFKC", text or "").strip()
    if not typed:
        return Resolution(acting)
    org = _within(acting).filter(code=typed).first()
    if org is not None:
        return Resolution(org)
    found = search(acting, typed)
    if found.exact == 1 or found.total == 1:
        return Resolution(_within(acting).get(code=found.rows[0].code))
    if found.total:
        return Resolution(None, found, _("%(n)d件見つかりました。一つ選んでください。") % {"n": found.total})
    return Resolution(
        None,
        None,
        _("組織: 「%(text)s」に当てはまる組織は見つかりません。名前の一部かコードを入力してください。")
        % {"text": text.strip()},
        refused=_code_shaped(typed),
    )


def _code_shaped(text: str) -> bool:
    """ASCII letters, digits and hyphens only, as organisation codes are (141003, 99CENTER, 13-CENTER)."""
    return text.isascii() and all(ch.isalnum() or ch == "-" for ch in text)


def _within(acting: Organisation):
    return Organisation.objects.select_related("parent", "category").filter(path__startswith=acting.path)


def breadcrumb(acting: Organisation, org: Organisation) -> list[OrgRow]:
    """The chosen organisation and those above it, from the acting organisation down (one query)."""
    codes = org.path.strip("/").split("/")[acting.depth :]
    return [OrgRow(*row) for row in _rows(acting).filter(code__in=codes)]


def children_page(org: Organisation, number):
    """One page of the organisations directly below `org`, in code order (two queries: count, rows)."""
    rows = Organisation.objects.filter(parent=org).order_by("path").values_list("code", "name", "path", "kind")
    page = Paginator(rows, CHILDREN_PER_PAGE).get_page(number)
    page.object_list = [OrgRow(*row) for row in page.object_list]
    return page


# --- what a page shows around its 組織 field -------------------------------------------------------------

# Builds, from what else the page had chosen and the acting organisation, the link for an organisation code.
PageLinker = Callable[[dict, Organisation], Callable[[str], str]]

# The pages that carry the chooser, by URL name, in the order they registered; the search fragment's
# links lead back to one of them.
PAGES: dict[str, PageLinker] = {}


def query_linker(page: str) -> PageLinker:
    """The usual link: the page's own address with ?org=CODE and what else was chosen."""

    def make(keep: dict, acting: Organisation) -> Callable[[str], str]:
        url = reverse(page)
        return lambda code: f"{url}?{urlencode({'org': code, **keep})}"

    return make


def register_page(page: str, make_linker: PageLinker | None = None) -> None:
    """Declare a page (a URL name) that carries the chooser; by default picking links with ?org=CODE."""
    PAGES[page] = make_linker or query_linker(page)


def linker(page: str, params, acting: Organisation) -> Callable[[str], str]:
    """Where picking an organisation leads on `page`, keeping what else was chosen (the period, the
    year), so picking is one click and the link can be bookmarked."""
    keep = {key: value for key, value in params.items() if key not in ("org", "below", "for") and value != ""}
    return PAGES[page](keep, acting)


@dataclass
class Chooser:
    """The 組織 field's surroundings: the matches to pick from, where the chosen organisation sits, and
    links one level down."""

    searchable: bool
    matches: list[OrgRow] = field(default_factory=list)
    more: int = 0
    crumbs: list[OrgRow] = field(default_factory=list)
    children: list[OrgRow] = field(default_factory=list)
    children_page: object = None
    previous_href: str = ""
    next_href: str = ""


def chooser(acting: Organisation, resolution: Resolution, *, searchable: bool, link, below="1") -> Chooser:
    """What the page shows around the field (three queries with an organisation chosen, none without)."""
    linked = lambda rows: [replace(row, href=link(row.code)) for row in rows]  # noqa: E731
    if resolution.org is None:
        found = resolution.matches
        return Chooser(searchable, matches=linked(found.rows) if found else [], more=found.more if found else 0)
    org = resolution.org
    page = children_page(org, below)
    here = link(org.code)
    joiner = "&" if "?" in here else "?"
    return Chooser(
        searchable,
        crumbs=linked(breadcrumb(acting, org)),
        children=linked(page.object_list),
        children_page=page,
        previous_href=f"{here}{joiner}below={page.previous_page_number()}" if page.has_previous() else "",
        next_href=f"{here}{joiner}below={page.next_page_number()}" if page.has_next() else "",
    )
