"""A plain `pip install .` works: the wheel carries what the code reads (the vocabulary, the
templates, the static files), and installed on its own, away from the repository, it runs
the Docker image's entry point (docker-entrypoint.sh: ingest, build, serve), which reads
BUDGETPUB_BASE_URL and the publisher settings when it starts, not when the image is built."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from service.net import free_port, wait_until_answers
from tests.conftest import PACKAGES, ROOT, SEED, SEED_SLUG

PIP_WHEEL = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
CARRIED = [
    "service/vocabulary/context.jsonld",
    "service/vocabulary/budget.ttl",
    "service/vocabulary/codelists/functional.ttl",
    "service/templates/base.html",
    "service/static/site.css",
]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pip wheel .` as the Dockerfile builds it (the locked setuptools, no isolated build), from
    what the Dockerfile copies into the image (and away from the repository, where setuptools
    would leave build/)."""
    out = tmp_path_factory.mktemp("wheel")
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "setup.py", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source)
    for folder in ("service", "vocab"):
        shutil.copytree(
            ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    subprocess.run(
        [*PIP_WHEEL, "-w", str(out), str(source)],
        check=True,
        timeout=300,
    )
    (found,) = out.glob("budgetpub-*.whl")
    return found


def test_the_wheel_carries_what_the_code_reads(wheel: Path) -> None:
    """Every file of vocab/ (a Turtle file added later too, in any sub-folder) is in the
    wheel as service/vocabulary/…, beside the templates and static files."""
    names = set(zipfile.ZipFile(wheel).namelist())
    vocabulary = [
        "service/vocabulary/" + path.relative_to(ROOT / "vocab").as_posix()
        for pattern in ("*.ttl", "*.jsonld", "*.tsv")
        for path in (ROOT / "vocab").rglob(pattern)
    ]
    assert len(vocabulary) >= 10
    expected = [*CARRIED, *vocabulary]
    assert all(name in names for name in expected), [n for n in expected if n not in names]
    assert not [n for n in names if n.startswith(("tests/", "vocab/", "datapackages/"))]


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv as a user's: the runtime lock alone (no test extras, nothing of this
    environment), then the wheel (not editable) with its dependencies resolved against what
    the lock installed and no index, so a dependency the lock lacks fails here (uv installs:
    pip's take minutes of downloads on a fresh machine; the Makefile's use pip)."""
    venv = tmp_path_factory.mktemp("wheel-venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    uv = [str(Path(sys.executable).parent / "uv"), "pip", "install", "--quiet", "--python", python]
    lock = ROOT / "requirements" / "runtime.lock"
    subprocess.run([*uv, "--require-hashes", "-r", str(lock)], check=True, timeout=600)
    subprocess.run([*uv, "--no-index", str(wheel)], check=True, timeout=300)
    subprocess.run([python, "-m", "pip", "check"], check=True, capture_output=True)
    return venv


def test_every_module_imports_from_the_runtime_lock_alone(venv: Path) -> None:
    """Every module of the installed package imports with the runtime dependencies only (the
    gevent worker that `serve` starts among them); a test extra it leaned on would fail here."""
    script = (  # every .py file of the installed package, as a module name
        "import importlib, pathlib, service\n"
        "root = pathlib.Path(service.__file__).parent\n"
        "names = sorted({'.'.join(('service', *p.relative_to(root).with_suffix('').parts))"
        ".removesuffix('.__init__') for p in root.rglob('*.py')})\n"
        "for name in names: importlib.import_module(name)\n"
        "print(len(names))"
    )
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", script],
        cwd=venv.parent,  # away from the repository
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modules = [*(ROOT / "service").rglob("*.py"), *(ROOT / "vocab").rglob("*.py")]
    assert int(done.stdout) == len(modules)  # every one (vocab/ is service.vocabulary)
    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "list", "--format=freeze"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "pytest==" not in installed and "pyshacl==" not in installed


def test_the_installed_wheel_runs_the_container_entry_point(venv: Path, tmp_path: Path) -> None:
    app = tmp_path / "app"  # as /app in the image: sources and packages, no code
    (app / "sources").mkdir(parents=True)
    shutil.copy(SEED, app / "sources")
    shutil.copytree(PACKAGES / SEED_SLUG, app / "datapackages" / SEED_SLUG)
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import service; print(service.__file__)"],
        cwd=app,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(venv)), where  # the wheel, not the repository
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUDGETPUB_")}
    env |= {
        "PATH": f"{venv / 'bin'}:{env['PATH']}",
        "BUDGETPUB_BASE_URL": "https://budget.example.org/",
        "BUDGETPUB_PUBLISHER_NAME": "Open Budget Lab",
        "BUDGETPUB_DATA": str(app / "var"),
        "BUDGETPUB_PACKAGES": str(app / "datapackages"),
        "BUDGETPUB_SOURCES": str(app / "sources"),
    }
    log = (tmp_path / "entrypoint.log").open("wb")
    serving = ["--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    process = subprocess.Popen(
        ["sh", str(ROOT / "docker-entrypoint.sh"), *serving],
        cwd=app,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_until_answers(f"{base}healthz", 120, process)
        answers = {}
        for path in ("catalog.nt", "def.ttl", "context.jsonld", "", "static/site.css"):
            with urllib.request.urlopen(base + path, timeout=30) as response:
                answers[path] = (response.status, response.read().decode("utf-8"))
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
    assert all(status == 200 for status, _ in answers.values()), answers.keys()
    catalog = answers["catalog.nt"][1]
    assert f"<https://budget.example.org/dataset/{SEED_SLUG}>" in catalog  # minted at start
    assert '"Open Budget Lab"@en' in catalog
    assert "127.0.0.1:8000" not in catalog
    assert '"金额"@zh' in answers["def.ttl"][1]  # the vocabulary, read from the wheel
    assert '"@context"' in answers["context.jsonld"][1]
    assert "<html" in answers[""][1].lower()
