"""The attack on published figures (issue 13): for every hidden cell, the smallest and the largest value
it can take given everything published, by integer programming over every relation at once.

Written apart from tsunagu.stats.suppression (with HiGHS's modelling interface and one exact integer
programme per bound, no shortcut), so the tests do not take the method's word for its own safety.

An attacker knows every published value, the sums (rows, columns, tables sharing a total, and a body's
cell as its children's cells plus its own unpublished records, which are at least 0), the "うち"
relations (a part is at most its whole), and that a hidden cell is an integer of at least 1 (zeros are
published).
"""

import math
from dataclasses import dataclass

import highspy


@dataclass
class Result:
    ranges: dict  # hidden key → (min, max); max is math.inf when nothing bounds it
    recovered: list  # hidden keys with min == max
    narrowed: list  # primary keys whose max − min is below the protection interval (k wide)


def attack(values, equations, hidden, *, k, at_most=(), unpublished=(), primary=()) -> Result:
    hidden, unpublished = set(hidden), set(unpublished)
    unknown = hidden | unpublished
    relations = [((*eq.parts, eq.total), eq) for eq in equations]
    relations += [((rel.part, *rel.wholes), rel) for rel in at_most]
    relations = [(keys, rel) for keys, rel in relations if any(key in unknown for key in keys)]
    # Unknowns tied by no relation cannot tell each other anything: one programme per connected group.
    group = {key: key for key in unknown}

    def root(key):
        while group[key] != key:
            key = group[key]
        return key

    for keys, _rel in relations:
        tied = [root(key) for key in keys if key in unknown]
        for other in tied[1:]:
            group[other] = tied[0]
    ranges = {}
    for top in {root(key) for key in hidden}:
        members = {key for key in unknown if root(key) == top}
        rels = [rel for keys, rel in relations if any(key in members for key in keys)]
        ranges.update(_ranges(values, members, hidden & members, unpublished, rels))
    recovered = sorted((key for key, (low, high) in ranges.items() if low == high), key=repr)
    narrowed = sorted((key for key in primary if ranges[key][1] - ranges[key][0] < k), key=repr)
    return Result(ranges, recovered, narrowed)


def _ranges(values, members, hidden, unpublished, relations) -> dict:
    h = highspy.Highs()
    h.silent()
    unknowns = {}
    for key in sorted(members, key=repr):
        lower = 0 if key in unpublished else 1
        unknowns[key] = h.addVariable(lb=lower, ub=highspy.kHighsInf, type=highspy.HighsVarType.kInteger)

    def term(key):
        return unknowns[key] if key in unknowns else values[key]

    for relation in relations:
        if hasattr(relation, "total"):
            h.addConstr(sum((term(part) for part in relation.parts), 0) == term(relation.total))
        else:
            h.addConstr(term(relation.part) <= sum((term(whole) for whole in relation.wholes), 0))
    ranges = {}
    for key in sorted(hidden, key=repr):
        h.minimize(unknowns[key])
        low = round(h.getInfo().objective_function_value)
        h.maximize(unknowns[key])
        if h.modelStatusToString(h.getModelStatus()) == "Optimal":
            high = round(h.getInfo().objective_function_value)
        else:
            high = math.inf
        ranges[key] = (low, high)
    return ranges
