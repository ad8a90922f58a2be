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
    h = highspy.Highs()
    h.silent()
    unknowns = {}
    for key in sorted(hidden | unpublished, key=repr):
        lower = 0 if key in unpublished else 1
        unknowns[key] = h.addVariable(lb=lower, ub=highspy.kHighsInf, type=highspy.HighsVarType.kInteger)

    def term(key):
        return unknowns[key] if key in unknowns else values[key]

    for equation in equations:
        if any(key in unknowns for key in (*equation.parts, equation.total)):
            h.addConstr(sum((term(part) for part in equation.parts), 0) == term(equation.total))
    for relation in at_most:
        if any(key in unknowns for key in (relation.part, *relation.wholes)):
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
    recovered = [key for key, (low, high) in ranges.items() if low == high]
    narrowed = [key for key in primary if ranges[key][1] - ranges[key][0] < k]
    return Result(ranges, recovered, narrowed)
