"""Every API operation answers bad input with a 4xx JSON body, never a 500 (a small fuzz over the OpenAPI)."""

import itertools
import json

import pytest

from jingmin.api import api

BAD_VALUES = [
    "",
    "'",
    "-1",
    "0",
    "1e309",
    "NaN",
    "9" * 30,
    "2026-02-30",
    "../../etc",
    "%00",
    "x" * 3000,
    "中文",
]
BAD_BODIES = [None, "not json", "[]", "{}", '{"unexpected": true}', json.dumps({"lat": "north", "lon": 999})]


def operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            yield path, method, op


def fill(path, value):
    out = path
    while "{" in out:
        start = out.index("{")
        out = out[:start] + value + out[out.index("}", start) + 1 :]
    return out


@pytest.mark.parametrize("path,method,op", list(operations()), ids=lambda x: x if isinstance(x, str) else "")
def test_operation_survives_bad_input(client, w, path, method, op):
    client.force_login(w.inside["station_chief"])
    params = [p["name"] for p in op.get("parameters", []) if p.get("in") == "query"]
    for value, body in itertools.islice(itertools.product(BAD_VALUES, BAD_BODIES), 0, None, 7):
        url = fill(path, value or "1")
        query = {name: value for name in params}
        if method == "get":
            response = client.get(url, query)
        else:
            kwargs = {"content_type": "application/json"} if body is not None else {}
            response = getattr(client, method)(url, body if body is not None else {}, **kwargs)
        assert response.status_code < 500, (method, url, query, body, response.content[:300])
        if response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
            assert "detail" in response.json()


@pytest.mark.parametrize(
    "url,kwargs",
    [
        ("/api/v1/units/%00", {}),
        ("/api/v1/units?kind=%00", {}),
        ("/org/units/?q=a%00b", {}),
    ],
)
def test_nul_characters_are_refused(client, w, url, kwargs):
    client.force_login(w.inside["station_chief"])
    response = client.get(url, **kwargs)
    assert response.status_code == 400


def test_nul_in_json_body_is_refused(client, w):
    response = client.post(
        "/api/v1/auth/token", '{"username": "demo\\u0000", "password": "x"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"]
