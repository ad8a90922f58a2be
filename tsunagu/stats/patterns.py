"""Which cells of a region's publications are hidden: the publications of an organisation subtree are
protected together (suppression.py), since a reader can combine them.

The region is the prefecture an organisation lies in (or the organisation itself above or outside one):
its publication and every publication below it have the same tables, and a body's cell is the sum of
its children's cells and of its own records (never published, so an unknown of at least 0). Where a
figure is not such a sum (a case counted by two bodies is counted once above them), no relation is
claimed.

A pattern depends only on the published values, the relations and k, so it is stored under a digest of
those (SuppressionPattern): the first request or `tsunagu publish` computes it, and every later one
reads it back.
"""

import hashlib
import json
import time
from collections.abc import Callable

from django.db import IntegrityError, transaction

from tsunagu.orgs.models import Organisation, OrgKind

from .models import SuppressionPattern
from .published import region_counts, report_cells
from .report import Period
from .suppression import Equation, suppress

METHOD = "protection-levels-1"  # part of the digest: a changed method computes new patterns


def region_root(org: Organisation) -> Organisation:
    """The prefecture the organisation belongs to, or the organisation itself when it is not below one."""
    if org.kind == OrgKind.PREFECTURE:
        return org
    codes = org.path.strip("/").split("/")
    found = Organisation.objects.filter(code__in=codes, kind=OrgKind.PREFECTURE).first()
    return found or org


class Region:
    """Every publication of a region for a period, as one set of cells keyed (org code, cell key)."""

    def __init__(self, root: Organisation, period: Period, *, k: int):
        self.root, self.period, self.k = root, period, k
        orgs = list(Organisation.objects.filter(path__startswith=root.path).order_by("path"))
        counts = region_counts(orgs, period)
        self.cells = {org.code: report_cells(counts[org.pk]) for org in orgs}
        self.values: dict = {}
        self.equations: list[Equation] = []
        self.at_most: list = []
        self.unpublished: set = set()
        self.primary: set = set()
        for code, cells in self.cells.items():
            self.values.update({(code, key): value for key, value in cells.values.items()})
            self.equations += [
                Equation(tuple((code, part) for part in eq.parts), (code, eq.total)) for eq in cells.equations
            ]
            self.at_most += [
                type(rel)((code, rel.part), tuple((code, whole) for whole in rel.wholes)) for rel in cells.at_most
            ]
            self.primary |= {(code, key) for key in cells.primary(k)}
        by_id = {org.pk: org for org in orgs}
        children: dict[str, list[str]] = {}
        for org in orgs:
            if org.parent_id in by_id and org.pk != root.pk:
                children.setdefault(by_id[org.parent_id].code, []).append(org.code)
        for parent, kids in children.items():
            for key, value in self.cells[parent].values.items():
                own = value - sum(self.cells[kid].values[key] for kid in kids)
                if own < 0:
                    continue  # a distinct count: not a sum of the children's
                parts = [(kid, key) for kid in kids]
                if own:
                    self.values[("own", parent, key)] = own
                    self.unpublished.add(("own", parent, key))
                    parts.append(("own", parent, key))
                self.equations.append(Equation(tuple(parts), (parent, key)))

    def digest(self) -> str:
        canonical = {
            "method": METHOD,
            "k": self.k,
            "values": sorted([repr(key), value] for key, value in self.values.items()),
            "equations": [[repr(eq.parts), repr(eq.total)] for eq in self.equations],
            "at_most": [[repr(rel.part), repr(rel.wholes)] for rel in self.at_most],
            "primary": sorted(repr(key) for key in self.primary),
        }
        return hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode()).hexdigest()

    def solve(self, progress: Callable[[int, int], None] | None = None) -> set:
        return suppress(
            self.values,
            self.equations,
            k=self.k,
            at_most=self.at_most,
            unpublished=self.unpublished,
            primary=self.primary,
            progress=progress,
        )


def _to_json(key):
    return list(map(_to_json, key)) if isinstance(key, tuple) else key


def _from_json(key):
    return tuple(map(_from_json, key)) if isinstance(key, list) else key


def region_pattern(root: Organisation, period: Period, *, k: int, progress=None) -> dict[str, set]:
    """{org code: hidden cell keys} for every publication of the region, stored after the first time."""
    region = Region(root, period, k=k)
    digest = region.digest()
    stored = SuppressionPattern.objects.filter(digest=digest).first()
    if stored is None:
        began = time.monotonic()
        hidden = region.solve(progress)
        by_org: dict[str, list] = {}
        for code, key in sorted((key for key in hidden if key[0] != "own"), key=repr):
            by_org.setdefault(code, []).append(_to_json(key))
        try:
            with transaction.atomic():
                stored = SuppressionPattern.objects.create(
                    digest=digest,
                    root_code=root.code,
                    start=period.start,
                    end=period.end,
                    k=k,
                    hidden=by_org,
                    cells=len(region.values),
                    seconds=round(time.monotonic() - began, 3),
                )
        except IntegrityError:  # another request stored the same pattern first
            stored = SuppressionPattern.objects.get(digest=digest)
    return {code: {_from_json(key) for key in keys} for code, keys in stored.hidden.items()}


def hidden_cells(org: Organisation, period: Period, *, k: int, progress=None) -> set:
    """The hidden cell keys of one organisation's publication."""
    return region_pattern(region_root(org), period, k=k, progress=progress).get(org.code, set())
