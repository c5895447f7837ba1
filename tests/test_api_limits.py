"""The aggregate API's limits (issue 24, H2): one request must not take the facts index away
from a worker. A cut of 255,000 values made SQLite refuse the statement, the worker took that
for a broken file and answered /healthz 503 until restarted."""

from __future__ import annotations

import sqlite3

from tests.conftest import SEED_SLUG

HUGE = "dataset:" + ";" * 255_000  # 255 KB, under gunicorn's request-line limit


def test_a_huge_cut_is_a_clear_400_and_the_index_stays(app) -> None:
    client = app.test_client()
    for path in (
        "/api/3/cubes/expenditure/aggregate",
        "/api/3/cubes/expenditure/facts",
        "/export/aggregate/expenditure.csv",
    ):
        response = client.get(path, query_string={"cut": HUGE})
        assert response.status_code == 400, (path, response.get_data(as_text=True)[:300])
        body = response.get_json()
        assert body["type"].endswith("/bad-cut") and "at most 1000" in body["detail"]
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["facts_index"] == "ok"
    honest = client.get(
        "/api/3/cubes/expenditure/aggregate", query_string={"cut": f"dataset:{SEED_SLUG}"}
    )
    assert honest.get_json()["summary"]["_count"] == 6
    many = ";".join([SEED_SLUG] * 1000)  # the most a request may ask, answered
    assert (
        client.get(
            "/api/3/cubes/expenditure/aggregate", query_string={"cut": f"dataset:{many}"}
        ).status_code
        == 200
    )


def test_a_request_error_never_marks_the_index_broken(app) -> None:
    """Whatever SQLite refuses of one request, the file still reads: that request gets a
    400 (too large) or a 503 to retry, and /healthz and every other request keep the index."""
    from flask import g

    from service.web.api_index import facts_index_state, index_failed, opened

    with app.test_request_context("/api/3/cubes/expenditure/aggregate"):
        assert opened() is not None and g.facts_index
        refused = index_failed(sqlite3.OperationalError("too many SQL variables"))
        assert refused.status_code == 400 and refused.get_json()["type"].endswith(
            "/request-too-large"
        )
        busy = index_failed(sqlite3.OperationalError("database is locked"))
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "1"
        assert facts_index_state() == "ok"
    assert app.test_client().get("/healthz").status_code == 200


def test_a_long_cut_list_makes_no_huge_link_header(app) -> None:
    """The Link header repeated the whole cut list five times (a 165 KB request made a 64 KB+
    header line): past 8 KB the links are in the JSON answer only."""
    many = ";".join([SEED_SLUG] * 1000)
    for form in ("csv", "json"):
        response = app.test_client().get(
            "/api/3/cubes/expenditure/facts",
            query_string={"cut": f"dataset:{many}", "format": form, "pagesize": "2"},
        )
        assert response.status_code == 200
        assert len(response.headers.get("Link", "")) <= 8192
        assert response.headers["X-Total-Count"]
    short = app.test_client().get(
        "/api/3/cubes/expenditure/facts", query_string={"format": "csv", "pagesize": "2"}
    )
    assert 'rel="next"' in short.headers["Link"]
