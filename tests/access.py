"""The shape of an access declaration (see tests/test_access.py)."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class UrlCase:
    name: str
    perm: str
    # Builds the URL kwargs from the world for "own" or "other"; None for URLs without an object.
    kwargs: Callable[[dict, str], dict] | None = None
    # Builds the query-string ids the page reads (?org=CODE, ?plan=ID) for "own" or "other": the harness
    # asks the own page with the own ids (as `expected`) and with the other organisation's (404, logged).
    query: Callable[[dict, str], dict] | None = None
    # For URLs without an object: text of the other organisation that must never appear.
    leak: Callable[[dict], str] | None = None
    post: dict | None = None  # a POST that would change something, checked to change nothing
    changed: Callable[[dict], object] = field(default=lambda world: None)
    # Status on the own organisation's object when the role table alone does not say (e.g. assigned cases).
    expected: Callable[[str], int] | None = None
