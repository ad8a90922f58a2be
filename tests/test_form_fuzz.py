"""No server error from any input. Every URL of the access harness (tests/*/access_cases.py) whose page
carries a form is opened as a role that may use it, then sent hostile values into each of its fields in
turn: dates people mistype or that cannot be, 100,000 characters, NUL bytes, emoji, numbers far out of
range, an option that is not offered and another organisation's ids. No answer may be a 5xx; a refused
POST changes no row of any app table and says why; and the pages still render afterwards.

A new URL joins when its access case is declared. Each field gets a few of the values (rotating, so
every value meets every kind of field across the forms) to keep the run near a minute on SQLite."""

import inspect
import re

import pytest
from django import forms
from django.apps import apps
from django.db import connection
from django.urls import URLResolver, get_resolver, reverse

from tsunagu.orgs.models import Role

from .conftest import act_as
from .test_access import URL_CASES, _expected, _url, world  # noqa: F401 (world is the fixture)

DATES = ["R6.4.5", "R3.2.30", "0645-12-02"]
HOSTILE = [
    *DATES,
    "あ" * 100_000,
    "before\x00after",
    "😀🙇‍♀️👨‍👩‍👧",
    "99999999999999999999999",
    "-1e308",
]
PER_FIELD = 2
SKIP_FIELDS = {"csrfmiddlewaretoken", "form_token"}


def _views() -> dict:
    views = {}

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif pattern.name:
                views[pattern.name] = pattern.callback

    walk(get_resolver().url_patterns)
    return views


def _has_form(view) -> bool:
    """Whether the view builds a form (read from its source, so a new form page joins by itself)."""
    return "Form" in inspect.getsource(inspect.unwrap(view))


def _form_cases():
    seen, views = set(), _views()
    for case in URL_CASES:
        if case.name in seen or not any(_expected(case, role) == 200 for role in Role):
            continue
        if not _has_form(views[case.name]):
            continue
        seen.add(case.name)
        yield case


FORM_CASES = list(_form_cases())


def _role(case):
    return next(role for role in Role if _expected(case, role) == 200)


def _table_counts() -> tuple:
    """Row counts of every table of our apps, in one query."""
    tables = [
        model._meta.db_table
        for model in apps.get_models()
        if model.__module__.startswith("tsunagu.")
        and model._meta.managed
        and not model._meta.proxy
        # A refusal is itself recorded in the trail, by design.
        and model._meta.db_table != "audit_auditentry"
    ]
    tables += ["auth_user"]
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone()))


def _value(field):
    value = field.value()
    if value is None or value is False:
        return None
    if value is True:
        return "on"
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return str(value)


def _base(form, case) -> dict:
    data = {}
    for field in form:
        value = _value(field)
        if value is not None:
            data[field.html_name] = value
    return {**data, **{k: v for k, v in (case.post or {}).items() if k in data or k in form.fields}}


def _other_ids(objects) -> list[str]:
    ids = []
    for name, value in sorted(objects.items()):
        if name.startswith("other") and hasattr(value, "pk"):
            ids.append(str(value.pk))
            if hasattr(value, "code") and isinstance(value.code, str):
                ids.append(value.code)
    return ids


def _refused_says_why(response) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    body = response.content.decode(errors="replace")
    return 'role="alert"' in body or "errors" in body


POST_FORM = re.compile(r"<form\b[^>]*\bmethod=\"post\"[^>]*>", re.I)
ACTION = re.compile(r"\baction=\"([^\"]*)\"")


def _method(body: str, url: str) -> str | None:
    """ "post" when the page has a POST form that sends to this URL, "get" for a filter form, else None."""
    for tag in POST_FORM.findall(body):
        action = ACTION.search(tag)
        if action is None or action.group(1) in ("", url, url.split("?")[0]):
            return "post"
    return "get" if "<form" in body else None


@pytest.mark.parametrize("case", FORM_CASES, ids=lambda case: case.name)
def test_no_server_error_from_any_input(client, world, case):  # noqa: F811 (world is the fixture)
    act_as(client, world["members"][_role(case)])
    url = _url(case, world, "own")
    page = client.get(url)
    form = page.context.get("form") if page.context else None
    if form is None or not hasattr(form, "fields") or not page["Content-Type"].startswith("text/html"):
        pytest.skip("no form on this page")
    method = _method(page.content.decode(), url)
    if method is None:
        pytest.skip("the form sends elsewhere")
    base = _base(form, case)
    other_ids = _other_ids(world)
    problems = []
    names = [name for name in form.fields if form.add_prefix(name) not in SKIP_FIELDS]
    for index, name in enumerate(names):
        key = form.add_prefix(name)
        values = [HOSTILE[(index + k) % len(HOSTILE)] for k in range(PER_FIELD)]
        if isinstance(form.fields[name], forms.DateField) or "date" in name or name.endswith("_on"):
            values = [*DATES, HOSTILE[3 + index % (len(HOSTILE) - 3)]]
        if hasattr(form.fields[name], "choices") or hasattr(form.fields[name], "queryset"):
            values += ["99999999999999999999999", "987654321", other_ids[index % len(other_ids)]]
        multiple = isinstance(base.get(key), list) or getattr(
            form.fields[name].widget, "allow_multiple_selected", False
        )
        for value in values:
            data = {**base, key: [value] if multiple else value}
            before = _table_counts() if method == "post" else None
            try:
                response = client.post(url, data) if method == "post" else client.get(url, data)
            except Exception as error:  # the test client re-raises what would be a 500
                problems.append((name, value[:20], f"{type(error).__name__}: {str(error)[:120]}"))
                continue
            if response.status_code >= 500:
                problems.append((name, value[:20], response.status_code))
            elif method == "post" and response.status_code != 302:
                after = _table_counts()
                changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
                if changed:
                    problems.append((name, value[:20], f"refused but changed {changed}"))
                if not _refused_says_why(response):
                    problems.append((name, value[:20], f"refused without a message ({response.status_code})"))
    # Whatever was saved, the pages that show it still render (as the form's role, then as an admin).
    after = [url, reverse("case_detail", kwargs={"pk": world["own_case"].pk}), reverse("stats_report")]
    for member in (world["members"][_role(case)], world["members"][Role.ADMIN]):
        act_as(client, member)
        for again in after:
            try:
                status = client.get(again).status_code
            except Exception as error:
                problems.append(("page afterwards", again, f"{type(error).__name__}: {str(error)[:120]}"))
                continue
            if status >= 500:
                problems.append(("page afterwards", again, status))
    assert problems == []
