"""Shared fixtures: the seed document, read once, and helpers to make mutated copies."""

from __future__ import annotations

import os
import resource
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import RdfFormat, Store

from service.ingest import read_document
from service.ingest.model import Document
from service.net import free_port, wait_until_answers

# builds in the tests date their datasets (dct:issued, dct:modified) by this clock, so two
# builds of the same packages say the same catalog (service/rdf/released.py)
os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
# a typed reading's programming error fails the tests instead of keeping its table as printed
os.environ["BUDGETPUB_STRICT"] = "1"
ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "sources" / "luoyang-sfq-zwfwzx-2024-budget.txt"
SEED_SLUG = "luoyang-sfq-zwfwzx-2024-budget"
# the DCAT-AP 3.0.1 SHACL shapes, vendored with their licence note (a clone has no ../shared)
STANDARDS = ROOT / "tests" / "fixtures" / "standards"


def dumps(rdf: Path, name: str) -> list[Path]:
    """A build's N-Triples dumps of one name: a package's own triples and its shared ones."""
    return [p for p in (rdf / f"{name}.nt", rdf / f"{name}.common.nt") if p.is_file()]


def dump_graph(*paths: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in paths:
        graph.parse(path, format="nt")
    return graph


def load_dumps(store: Store, paths: list[Path]) -> None:
    for path in paths:
        store.load(path=str(path), format=RdfFormat.N_TRIPLES)


ADDRESS_SPACE = resource.getrlimit(resource.RLIMIT_AS)  # as the test run started


@pytest.fixture(autouse=True)
def _address_space_restored() -> Iterator[None]:
    """`budgetpub ingest` run in the test process (here, or in a module's fixture) caps its
    address space (service/corpus/run.py cap_memory); Chromium, started later by another
    test, dies of that cap (SIGTRAP). Each test starts and ends with the run's own limit."""
    if resource.getrlimit(resource.RLIMIT_AS) != ADDRESS_SPACE:
        resource.setrlimit(resource.RLIMIT_AS, ADDRESS_SPACE)
    yield
    if resource.getrlimit(resource.RLIMIT_AS) != ADDRESS_SPACE:
        resource.setrlimit(resource.RLIMIT_AS, ADDRESS_SPACE)


@pytest.fixture(scope="session")
def seed() -> Document:
    return read_document(SEED)


@pytest.fixture(scope="session")
def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").split("\n")


@pytest.fixture
def mutate(tmp_path: Path, seed_lines: list[str]) -> Callable[..., Path]:
    """Write a copy of the seed with some lines replaced (1-based), or removed when None."""

    def make(changes: dict[int, str | None], name: str = "mutant.txt") -> Path:
        lines = [changes.get(number, text) for number, text in enumerate(seed_lines, start=1)]
        path = tmp_path / name
        path.write_text("\n".join(line for line in lines if line is not None), encoding="utf-8")
        return path

    return make


PACKAGES = ROOT / "datapackages"


@pytest.fixture(scope="session")
def built_var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`budgetpub build` of the committed packages, with the default base IRI."""
    from service.build import build

    out = tmp_path_factory.mktemp("var")
    result = build(PACKAGES, out, "http://127.0.0.1:8000/")
    assert result.ok, result.failed
    return out


@pytest.fixture(scope="session")
def dumps_store(built_var: Path):
    """Every RDF dump of that build in one in-memory store (read it, never change it)."""
    from pyoxigraph import Store

    store = Store()
    load_dumps(store, sorted((built_var / "rdf").glob("*.nt")))
    return store


@pytest.fixture(scope="session")
def app(built_var: Path):
    from service import create_app

    return create_app(
        {
            "DATA_DIR": str(built_var),
            "PACKAGES_DIR": str(PACKAGES),
            "BASE_URL": "http://127.0.0.1:8000/",
            "TESTING": True,
        }
    )


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory):
    """A real gunicorn on loopback, with IRIs minted for its own address."""
    import os
    import sys

    from service.build import build

    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    out = tmp_path_factory.mktemp("live")
    assert build(PACKAGES, out, base).ok
    env = {
        **os.environ,
        "BUDGETPUB_DATA": str(out),
        "BUDGETPUB_PACKAGES": str(PACKAGES),
        "BUDGETPUB_BASE_URL": base,
    }
    gunicorn = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
    process = started([*gunicorn, "--workers", "2", "service:create_app()"], env, base)
    yield base
    process.terminate()
    process.wait(timeout=10)


DECOY_GRAPH = "http://127.0.0.1:9/decoy"  # a graph the service must never see


@pytest.fixture(scope="session")
def virtuoso(built_var: Path, tmp_path_factory: pytest.TempPathFactory):
    """A private Virtuoso on loopback holding the seed's build in its named graph, and one
    decoy triple in another graph. Without Virtuoso a test is skipped, except under CI=true,
    where it fails: .ci/run installs it, and a missing server must not pass silently."""
    from service import virtuoso as vt

    if not vt.available():
        if os.environ.get("CI"):
            pytest.fail("CI must provide Virtuoso (apt-get install virtuoso-opensource)")
        pytest.skip("no Virtuoso here (apt-get install virtuoso-opensource)")
    instance = vt.start(tmp_path_factory.mktemp("virtuoso"), buffers=20_000)
    try:
        instance.load(sorted((built_var / "rdf").glob("*.nt")))
        instance.sql(
            f"SPARQL INSERT DATA {{ GRAPH <{DECOY_GRAPH}> {{ <{DECOY_GRAPH}#s> "
            f"<https://w3id.org/budgetpub/def#amount> 1485300.00 }} }};"
        )
        yield instance
    finally:
        instance.stop()


def started(
    command: list[str], env: dict[str, str], base: str, stderr: int = subprocess.PIPE
) -> subprocess.Popen[bytes]:
    """A server started from the repository, once its /healthz at `base` answers (30 s at the
    most); else killed, with what it said on stderr (when `stderr` is a pipe)."""
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        wait_until_answers(base + "healthz", 30, process)
    except RuntimeError as error:
        process.kill()
        message = process.stderr.read().decode() if process.stderr else ""
        raise RuntimeError(f"{command[2]} did not start: {error}\n{message}") from None
    return process


REAL = ROOT / "tests" / "fixtures" / "real"


@pytest.fixture(scope="session")
def real_packages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The eight real documents of tests/fixtures/real, read, audited and packaged (once a
    session: the analysis, coverage and linked-data tests share them)."""
    from service.audit import run_audit
    from service.package.writer import write_package

    out = tmp_path_factory.mktemp("real")
    written = []
    for source in sorted(REAL.iterdir()):
        if source.suffix == ".pdf" or source.is_dir():
            document = read_document(source)
            written.append(write_package(document, run_audit(document), out, validate="schema"))
    assert len(written) == 8
    return written


@pytest.fixture(scope="session")
def real_site(real_packages: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed department packages and the real ones in one folder, their combined
    years written and the whole built (store, facts and search index): what `make run`
    serves for that corpus. Returns the folder holding `packages` and `var`."""
    from service.build import build, package_dirs
    from service.corpus.combine import combine

    root = tmp_path_factory.mktemp("real-site")
    packages = root / "packages"
    packages.mkdir()
    for package in [*package_dirs(PACKAGES), *real_packages]:
        (packages / package.name).symlink_to(package, target_is_directory=True)
    combine(packages, validate="schema")
    assert build(packages, root / "var", "http://127.0.0.1:8000/").ok
    return root


@pytest.fixture(scope="session")
def real_app(real_site: Path):
    from service import create_app

    return create_app(
        {
            "DATA_DIR": str(real_site / "var"),
            "PACKAGES_DIR": str(real_site / "packages"),
            "BASE_URL": "http://127.0.0.1:8000/",
            "TESTING": True,
        }
    )
