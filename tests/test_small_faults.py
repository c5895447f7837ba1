"""The review's low findings (issue 24): a facet value nobody ranks is no 500, and a client's
limit sent to the store process cannot switch its row cap off."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_security_store import _post


def test_an_unknown_audit_status_is_a_page(client) -> None:
    for value in ("foo", "", "pass"):
        assert client.get("/", query_string={"status": value}).status_code == 200, value


def test_a_negative_row_limit_keeps_the_store_process_cap(built_var: Path) -> None:
    from service.net import free_port, stop
    from service.store_process import start

    port = free_port()
    store = start(built_var, port, options=("--max-rows", "5"))
    try:
        for asked in ("-1", "0", "nan", "-inf", "2"):
            status, headers, body = _post(
                f"http://127.0.0.1:{port}/query",
                "SELECT * WHERE { ?s ?p ?o }",
                **{"Max-Rows": asked},
            )
            rows = len(json.loads(body)["results"]["bindings"])
            assert (status, rows) == (200, 2 if asked == "2" else 5), asked
            assert headers["Budgetpub-Truncated"]
    finally:
        stop(store)


def test_a_department_name_holds_no_display_spoofing(mutate, seed_lines: list[str]) -> None:
    """An RTL override or a zero-width space in the printed name is not part of it."""
    from service.ingest import read_document

    name = "洛阳市城乡一体化示范区政务服务中心"
    spoofed = "洛阳市\u202e城乡\u200b一体化示范区政务服务中心"
    changes = {
        n: line.replace(name, spoofed) for n, line in enumerate(seed_lines, 1) if name in line
    }
    document = read_document(mutate(changes))
    assert document.department == name
    assert "\u202e" not in document.title and "\u200b" not in document.title
