"""The review's low findings (issue 24): a facet value nobody ranks is no 500; a client's
limit sent to the store process cannot switch its row cap off; display-spoofing characters
leave department names; a killed query process is a 503 to retry, not a 500."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
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


def _query_children() -> list[int]:
    """This process's query processes (service/query/child.py)."""
    me = os.getpid()
    found = []
    for task in Path(f"/proc/{me}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                if b"service.query.child" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.append(int(child))
            except OSError:
                continue
    return found


def test_a_killed_query_process_is_a_503_to_retry_and_is_replaced(built_var: Path) -> None:
    """The kernel or an operator kills a query process mid-query: the client gets 503 with
    Retry-After (it was a 500), and the next query runs in a fresh process."""
    from service.errors import Refusal
    from service.query.runner import Backend, QueryRunner, every_form
    from tests.test_security_store import RUNAWAY

    runner = QueryRunner(Backend(data_dir=str(built_var)), timeout=60, max_rows=10)
    caught: list[Refusal] = []

    def ask() -> None:
        try:
            runner.run(RUNAWAY, every_form("json", "nt"), 10_000)
        except Refusal as refusal:
            caught.append(refusal)

    thread = threading.Thread(target=ask)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not _query_children() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(2)  # the query is running
        for pid in _query_children():
            os.kill(pid, signal.SIGKILL)
        thread.join(timeout=30)
        assert caught and (caught[0].status, caught[0].kind) == (503, "query-crashed")
        assert caught[0].retry_after
        assert runner.run("ASK { ?s ?p ?o }", every_form("json", "nt"), 1000).body
    finally:
        runner.stop()


def test_serve_opens_no_shared_control_socket(built_var: Path, tmp_path: Path) -> None:
    """gunicorn's control socket lives at ~/.gunicorn/gunicorn.ctl, shared by every
    instance of one user: `budgetpub serve` opens none."""
    import subprocess
    import sys

    from service.net import free_port, stop, wait_until_answers
    from tests.conftest import PACKAGES, ROOT

    port = free_port()
    home = tmp_path / "home"
    home.mkdir()
    command = [sys.executable, "-m", "service.cli", "serve", "--port", str(port)]
    command += ["--workers", "1", "--data", str(built_var), "--packages", str(PACKAGES)]
    env = {**os.environ, "HOME": str(home), "BUDGETPUB_CATALOG_WARM": "0"}
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until_answers(f"http://127.0.0.1:{port}/healthz", 60, process)
        time.sleep(1)
        assert not (home / ".gunicorn").exists()
    finally:
        stop(process)


def test_the_query_page_renders_a_page_of_rows(client) -> None:
    """format=html is rendered in the web worker: 500 rows at most, each cell cut at 2,000
    characters (it rendered up to 10,000 rows of any size); JSON still gives every row."""
    import re

    page = client.get(
        "/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }", "format": "html"}
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert len(re.findall(r"<tbody>.*?</tbody>", html, re.S)[0].split("<tr>")) - 1 == 500
    assert "已截断 truncated" in html
    long = "a" * 5000
    query = f'SELECT ?x WHERE {{ VALUES ?x {{ "{long}" }} }}'
    html = client.get("/sparql", query_string={"query": query, "format": "html"}).get_data(
        as_text=True
    )
    cell = re.search(r"<td>(a+)( …)?</td>", html)
    assert cell and (len(cell.group(1)), cell.group(2)) == (2000, " …")
    json_rows = client.get(
        "/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 600", "format": "json"}
    ).get_json()["results"]["bindings"]
    assert len(json_rows) == 600


def test_a_worker_booting_while_the_store_is_gone_boots_and_answers_503(tmp_path: Path) -> None:
    """gunicorn halts the whole server when a worker fails to boot: a worker (re)started
    while the store is deleted must boot, answer 503 store-unavailable naming no path, and
    serve again once a build is back (seen as a flaky `connection refused` under load, when
    the second worker booted after the test deleted the store)."""
    import shutil

    from service import create_app
    from service.build import build
    from tests.conftest import PACKAGES, SEED_SLUG

    packages = tmp_path / "packages"
    shutil.copytree(PACKAGES / SEED_SLUG, packages / SEED_SLUG)
    var = tmp_path / "var"
    assert build(packages, var, "http://127.0.0.1:8000/").ok
    moved = tmp_path / "stores-aside"
    (var / "stores").rename(moved)
    app = create_app({"DATA_DIR": str(var), "PACKAGES_DIR": str(packages), "TESTING": True})
    client = app.test_client()
    answer = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    assert answer.status_code == 503, answer.data[:300]
    assert answer.get_json()["type"].endswith("store-unavailable")
    assert str(tmp_path) not in answer.get_data(as_text=True)
    moved.rename(var / "stores")
    answer = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    assert answer.status_code == 200
