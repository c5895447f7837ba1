"""/openapi.json is complete and true: a real validator (openapi-spec-validator) accepts it,
every route of the app is in it with its methods, integer parameters are integers, and what
a real server answers on a sample of routes is what the document says (status, media type,
headers, and JSON bodies against their schemas with openapi-schema-validator)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from tests.conftest import SEED_SLUG

SAMPLE = [
    ("/healthz", 200),
    ("/api/3/cubes", 200),
    ("/api/3/cubes/expenditure/model", 200),
    ("/api/3/cubes/expenditure/aggregate?drilldown=functional_class&pagesize=3", 200),
    ("/api/3/cubes/expenditure/aggregate?drilldown=functional_class&format=csv", 200),
    ("/api/3/cubes/expenditure/members/functional?pagesize=5&page=2", 200),
    ("/api/3/cubes/expenditure/facts?pagesize=4&page=2", 200),
    ("/api/3/cubes/expenditure/facts?format=csv&pagesize=all", 200),
    ("/api/3/cubes/expenditure-by-function/model", 200),
    ("/api/3/cubes/expenditure-by-function/aggregate?drilldown=functional_class", 200),
    ("/api/3/cubes/revenue-by-source/facts?pagesize=2", 200),
    ("/api/3/cubes/nothing/facts", 404),
    ("/api/3/cubes/expenditure/facts?pagesize=0", 400),
    ("/api/3/cubes/expenditure/facts?format=xml", 406),
    ("/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D&format=json", 200),
    ("/sparql?query=SELEC", 400),
    ("/catalog.ttl?pagesize=2", 200),
    ("/catalog.ttl?page=0", 400),
    (f"/dataset/{SEED_SLUG}.jsonld", 200),
    ("/code/functional/2010301.nt", 200),
    ("/def.ttl", 200),
    (f"/datapackages/{SEED_SLUG}/datapackage.json", 200),
    (f"/datapackages/{SEED_SLUG}/data/expenditure.xlsx", 200),
    (f"/datapackages/{SEED_SLUG}.zip", 200),
    ("/dataset/no-such-dataset", 404),
]


@pytest.fixture(scope="module")
def spec(app) -> dict[str, Any]:
    return json.loads(app.test_client().get("/openapi.json").data)


def template(rule: str) -> str:
    """A Flask rule as an OpenAPI path: <slug> → {slug}, .<extension> → .{format}."""
    rule = re.sub(r"\.<extension>", ".{format}", rule)
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def test_a_real_validator_accepts_the_document(spec) -> None:
    validate(spec)  # raises on any error (OpenAPI 3.0.3 schema and semantics)


def test_every_route_is_documented_with_its_methods(app, spec) -> None:
    for rule in app.url_map.iter_rules():
        if rule.rule == "/<path:path>":  # every minted IRI: the templates below
            for path in ("/dataset/{slug}", "/organization/{department}", "/project/{code}"):
                assert path in spec["paths"] and f"{path}.{{format}}" in spec["paths"]
            continue
        path = template(rule.rule)
        assert path in spec["paths"], f"{rule.rule} is not in /openapi.json (as {path})"
        methods = {m.lower() for m in rule.methods or ()} - {"head", "options"}
        assert methods <= set(spec["paths"][path]), (path, methods)


def test_integer_parameters_are_integers(spec) -> None:
    seen = 0
    for path, item in spec["paths"].items():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] not in ("page", "pagesize"):
                    continue
                seen += 1
                schema = parameter["schema"]
                types = {s.get("type") for s in schema.get("oneOf", [schema])}
                assert "integer" in types, (path, parameter)
                assert types <= {"integer", "string"}
                if "string" in types:  # only pagesize=all, for the facts export
                    assert path.endswith("/facts") and parameter["name"] == "pagesize"
    assert seen >= 8


def operation_for(spec: dict[str, Any], url: str) -> tuple[str, dict[str, Any]]:
    path = url.split("?")[0]
    for template_path, item in sorted(spec["paths"].items(), key=lambda kv: -len(kv[0])):
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template_path))
        if re.fullmatch(pattern, path) and "get" in item:
            return template_path, item["get"]
    raise AssertionError(f"no documented path for {url}")


@pytest.mark.parametrize(("url", "status"), SAMPLE)
def test_answers_are_what_the_document_says(live_server, spec, url: str, status: int) -> None:
    request = urllib.request.Request(live_server.rstrip("/") + url)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            found, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        found, headers, body = error.code, error.headers, error.read()
    assert found == status, body[:300]
    path, operation = operation_for(spec, url)
    documented = operation["responses"].get(str(status))
    assert documented is not None, (path, status)
    media = headers["Content-Type"].split(";")[0]
    assert media in documented["content"], (path, status, media)
    for header in documented.get("headers", {}):
        assert headers.get(header), (path, header)
    schema = documented["content"][media].get("schema", {})
    if media.endswith("json") and schema:
        rooted = {**schema, "components": spec["components"]}
        errors = list(OAS30Validator(rooted).iter_errors(json.loads(body)))
        assert not errors, (path, [e.message for e in errors[:3]])
