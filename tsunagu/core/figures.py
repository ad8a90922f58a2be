"""A registry of figures that indicators can be computed from (KPI sources).

Each record type registers the figures it can count, as (key, label, unit, function(period, scope)),
from its app's ready(); the KPI app offers every registered figure as a source and never names one,
so a new record type adds figures without editing the KPI app. This module sits in core and imports
nothing of ours, so an app at any layer may register (as Zulip's lower layers offer hooks upward).

Figures that one query computes together register as one source: `compute(period, scope)` returns
a dict, and each figure picks its value from it, so a page with many indicators computes each source
once per period (FigureCache).

A source registered with cohorts=True also computes its figures for a cohort of people (the key of a
stats.cohorts cohort, e.g. 就職氷河期世代): `compute(period, scope, cohort)`; a KPI indicator may then name
a cohort (DOMAIN.md "Cohorts"). Sources without a case (meetings) are registered without.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    key: str
    label: str  # usually lazy: translated where it is shown
    unit: str
    source: str
    pick: Callable[[dict], int]

    def value(self, period, scope, cohort: str = "") -> int:
        """The figure for a period (start, end) and an organisation subtree, optionally a cohort's."""
        compute = FIGURES.source(self.source)
        return self.pick(compute(period, scope, cohort) if cohort else compute(period, scope))

    @property
    def has_cohorts(self) -> bool:
        return self.source in FIGURES.cohort_sources


class FigureRegistry(Mapping):
    """key → Figure, in registration order."""

    def __init__(self):
        self._figures: dict[str, Figure] = {}
        self._sources: dict[str, Callable] = {}
        self.cohort_sources: set[str] = set()

    def register(
        self,
        source: str,
        compute: Callable,
        figures: list[tuple[str, str, str, Callable[[dict], int]]],
        *,
        cohorts: bool = False,
    ):
        """Register the figures `compute(period, scope)` gives, each as (key, label, unit, pick);
        registering a key again replaces it (an app's ready() may run twice in tests). cohorts=True:
        compute(period, scope, cohort) counts a cohort's figures too."""
        self._sources[source] = compute
        if cohorts:
            self.cohort_sources.add(source)
        for key, label, unit, pick in figures:
            self._figures[key] = Figure(key, label, unit, source, pick)

    def source(self, name: str) -> Callable:
        return self._sources[name]

    def __getitem__(self, key: str) -> Figure:
        return self._figures[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._figures)

    def __len__(self) -> int:
        return len(self._figures)


FIGURES = FigureRegistry()
register = FIGURES.register


class FigureCache:
    """Figures of one scope, each source computed once per period."""

    def __init__(self, scope):
        self.scope = scope
        self._results: dict[tuple[str, object, str], dict] = {}

    def value(self, key: str, period, cohort: str = "") -> int:
        figure = FIGURES[key]
        if (figure.source, period, cohort) not in self._results:
            compute = FIGURES.source(figure.source)
            self._results[figure.source, period, cohort] = (
                compute(period, self.scope, cohort) if cohort else compute(period, self.scope)
            )
        return figure.pick(self._results[figure.source, period, cohort])
