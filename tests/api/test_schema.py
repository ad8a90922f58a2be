"""The OpenAPI schema is served and valid, and a property-based walk over it (hypothesis over every
operation's path and query parameters, and over JSON bodies built from the forms' field names) finds
no server error."""

import json
from datetime import date

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tsunagu.cases import actions
from tsunagu.cases.models import Consulter
from tsunagu.orgs.models import Role
from tsunagu.orgs.rules import Actor

from ..factories import make_staff
from .tokens import bearer, make_token


def _schema(client):
    response = client.get(reverse("api_schema") + "?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_schema_is_served_and_valid(client, db):
    schema = _schema(client)
    validate_schema(schema)  # drf-spectacular's validation against the OpenAPI 3 JSON schema
    assert schema["components"]["securitySchemes"] == {"bearerAuth": {"type": "http", "scheme": "bearer"}}
    paths = set(schema["paths"])
    assert {"/api/v1/cases/", "/api/v1/cases/{id}/", "/api/v1/statistics/report/", "/api/v1/ledger/imports/"} <= paths
    assert len(paths) == 15


FIELD_NAMES = [
    "opened_on", "first_consulter", "name", "furigana", "birth_date", "age_band", "sex", "municipality",
    "reached_on", "outing_level", "duration_months", "household_8050", "number", "notes", "version",
    "confirm_similar", "household", "date", "time", "channel", "consulter", "staff", "minutes", "target",
    "partner", "partner_name", "destination", "shares_personal_data", "override_reason", "reason", "case",
    "nickname", "anonymous",
]  # fmt: skip
TEXT = st.text(max_size=30) | st.sampled_from(
    ["R3.4.5", "2021-04-05", "0", "-1", "9" * 30, "２０２１-０００１", "\x00", "family"]
)
SCALAR = st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats() | TEXT
JSON_VALUE = st.recursive(
    SCALAR, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=6
)
BODY = st.dictionaries(st.sampled_from(FIELD_NAMES), JSON_VALUE, max_size=8) | JSON_VALUE


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, op in item.items():
            yield path, method, op


@pytest.fixture
def admin(network):
    member = make_staff(network["own"], Role.ADMIN)
    actor = Actor(user=member.user, membership=member)
    case = actions.open_case(
        actor=actor, number="2021-0001", opened_on=date(2021, 4, 5), first_consulter=Consulter.FAMILY
    )
    return member, case


def _value(param, real):
    kind = param.get("schema", {}).get("type")
    number = st.integers(min_value=-(2**64), max_value=2**64)
    if param["in"] == "path":
        return st.just(real) | (
            number if kind == "integer" else st.text(min_size=1, max_size=20).filter(lambda t: "/" not in t)
        )
    return st.none() | TEXT | number.map(str)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_no_input_answers_500(client, admin, data):
    member, case = admin
    raw = make_token(member, days=10)
    schema = _schema(client)
    path, method, op = data.draw(st.sampled_from(list(_operations(schema))))
    if path == "/api/schema/":
        return
    url = path
    query = {}
    for param in op.get("parameters", []):
        real = case.pk if param["name"] == "id" else member.organisation.code
        value = data.draw(_value(param, real))
        if param["in"] == "path":
            url = url.replace("{" + param["name"] + "}", str(value))
        elif value is not None:
            query[param["name"]] = value
    client.raise_request_exception = False
    if method == "get":
        response = client.get(url, query, **bearer(raw))
    elif "multipart/form-data" in op.get("requestBody", {}).get("content", {}):
        files = data.draw(st.binary(max_size=200))
        name = data.draw(st.text(min_size=1, max_size=20) | st.sampled_from(["台帳.xlsx", "ケース.csv"]))
        try:
            upload = SimpleUploadedFile(name, files)
        except SuspiciousFileOperation:  # a name the test client itself cannot send ("..", "/")
            upload = SimpleUploadedFile("x.xlsx", files)
        response = client.post(url, {"files": [upload]}, **bearer(raw))
    else:
        body = json.dumps(data.draw(BODY), allow_nan=True)
        response = getattr(client, method)(url, body, content_type="application/json", **bearer(raw))
    assert response.status_code < 500, (method, url, query, response.content[:300])
