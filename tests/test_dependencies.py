"""What the service imports is what it declares, and what it declares is what the locks pin.

A module that imports a package which only arrives through another package's extra (gunicorn's
gevent worker importing `packaging`) works in the test environment and crashes a user's
`make run`: so every package `service/` imports, at the top of a module or inside a function,
must be a runtime dependency of pyproject.toml itself, and every dependency must be pinned, in
its range, by both locks (the runtime lock and the test lock agreeing on every version).
The installed wheel importing every module from the runtime lock alone is tests/test_wheel.py.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

RUNTIME_LOCK = ROOT / "requirements" / "runtime.lock"
TEST_LOCK = ROOT / "requirements" / "test.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._\-]*)==([^\s;\\]+)(?:\s*;\s*([^\\]+?))?\s*\\?$", re.M)


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def declared(extra: str | None = None) -> list[Requirement]:
    table = project()
    listed = table["dependencies"] if extra is None else table["optional-dependencies"][extra]
    return [Requirement(line) for line in listed]


def imported_top_levels(folder: Path) -> dict[str, str]:
    """Every top-level module imported anywhere in `folder` (absolute imports), with one file
    that imports it."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(folder)))
    return found


def pins(lock: Path) -> dict[str, list[tuple[str, str]]]:
    """Each pinned distribution of a lock: its versions, each with its environment marker."""
    pinned: dict[str, list[tuple[str, str]]] = {}
    for name, version, marker in PIN.findall(lock.read_text(encoding="utf-8")):
        pinned.setdefault(canonicalize_name(name), []).append((version, marker.strip()))
    return pinned


def test_every_package_the_service_imports_is_a_declared_runtime_dependency() -> None:
    distributions = packages_distributions()
    runtime = {canonicalize_name(r.name) for r in declared()}
    undeclared = {}
    for module, where in imported_top_levels(ROOT / "service").items():
        if module in sys.stdlib_module_names or module in ("service", "__future__"):
            continue
        providers = {canonicalize_name(d) for d in distributions.get(module, [])}
        assert providers, f"{module} (imported in {where}) is installed by no distribution"
        if not providers & runtime:
            undeclared[module] = (where, sorted(providers))
    assert not undeclared, f"imported but not in pyproject.toml's dependencies: {undeclared}"


def test_the_imports_check_sees_an_undeclared_import(tmp_path: Path) -> None:
    """The check above reads lazy imports too (gunicorn's worker module is imported inside
    `budgetpub serve`), so it cannot pass by missing them."""
    (tmp_path / "module.py").write_text("def f():\n    from packaging.version import parse\n")
    assert "packaging" in imported_top_levels(tmp_path)


def test_both_locks_pin_every_dependency_within_its_range() -> None:
    for lock, requirements in (
        (RUNTIME_LOCK, declared()),
        (TEST_LOCK, declared() + declared("test")),
    ):
        pinned = pins(lock)
        for requirement in requirements:
            versions = pinned.get(canonicalize_name(requirement.name))
            assert versions, f"{lock.name} does not pin {requirement.name}"
            for version, _marker in versions:
                assert requirement.specifier.contains(version, prereleases=True), (
                    f"{lock.name}: {requirement.name}=={version} is outside {requirement}"
                )
    assert pins(RUNTIME_LOCK)["packaging"]  # what the gevent worker imports


def test_the_runtime_lock_is_the_test_lock_without_the_test_tools() -> None:
    runtime, test = pins(RUNTIME_LOCK), pins(TEST_LOCK)

    def versions(pinned: dict[str, list[tuple[str, str]]]) -> dict[str, set[str]]:
        return {name: {version for version, _ in pinned[name]} for name in runtime}

    assert versions(runtime) == versions(test)  # markers may differ: only the test lock has pyshacl
    test_only = {canonicalize_name(r.name) for r in declared("test")}
    assert not test_only & set(runtime), "a test tool in the runtime lock"


def test_every_pin_carries_hashes() -> None:
    for lock in (RUNTIME_LOCK, TEST_LOCK):
        text = lock.read_text(encoding="utf-8")
        entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        for entry in entries:
            if "==" in entry:
                assert "--hash=sha256:" in entry, f"{lock.name}: {entry.splitlines()[0]}"
