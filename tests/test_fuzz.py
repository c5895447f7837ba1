"""Fuzzing the reader and the audit: a mangled document is read or refused, never a crash.

Copies of the seed and of synthetic documents get byte flips, deleted, duplicated and swapped
lines, cells replaced with random text, truncation, random unicode and stray tabs. Reading
(read_text / read_document) and auditing must either succeed or raise InputError, the
documented input error, and no example may hang.

`make test` runs the brief profile (a few seconds). The benchmark runs the "fuzz" profile for
at least five minutes: `BUDGETPUB_FUZZ_PROFILE=fuzz` (see bench/__main__.py); with
`BUDGETPUB_FUZZ_REPORT=path` the run writes how many examples it tried and their outcomes.
"""

from __future__ import annotations

import json
import os
import signal
import tempfile
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from service.audit import run_audit
from service.errors import InputError
from service.ingest import read_document, read_text
from service.synthetic import generate
from tests.conftest import SEED

HANG_SECONDS = 20  # one example reading past this is a hang, whatever the machine
settings.register_profile(
    "fuzz-brief",
    max_examples=100,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("BUDGETPUB_FUZZ_EXAMPLES", "3000")),
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
PROFILE = settings.get_profile(os.environ.get("BUDGETPUB_FUZZ_PROFILE", "fuzz-brief"))
OUTCOMES: Counter[str] = Counter()


@cache
def bases() -> tuple[bytes, ...]:
    """The seed and a few small synthetic documents (both units, with and without an error)."""
    documents = [
        generate(1, unit="万元", rows_per_table=5),
        generate(2, unit="元", rows_per_table=8),
        generate(3, unit="万元", rows_per_table=6, error="missing-row"),
    ]
    return (SEED.read_bytes(), *(d.text.encode() for d in documents))


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    yield
    target = os.environ.get("BUDGETPUB_FUZZ_REPORT")
    if target:
        Path(target).write_text(json.dumps(dict(OUTCOMES)), encoding="utf-8")


class Hang(Exception):
    """An example ran past HANG_SECONDS."""


def _alarm(signum: int, frame: object) -> None:
    raise Hang(f"an example ran longer than {HANG_SECONDS} s")


def read_and_audit(data: bytes, path: Path | None = None) -> str:
    """Read and audit; the outcome is ok or an input error type. Anything else propagates."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_SECONDS)
    try:
        document = read_document(path) if path else read_text(data, "fuzz.txt")
        checks = run_audit(document)
        assert all(check.status in ("pass", "warn", "fail") for check in checks)
        outcome = "ok"
    except InputError as error:
        assert error.type and error.message  # a usable message, not an empty shell
        outcome = f"input-error:{error.type}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    OUTCOMES["examples"] += 1
    OUTCOMES[outcome] += 1
    return outcome


# --- mutations: each op is data, applied with positions taken modulo the document's size ----

POSITION = st.integers(min_value=0, max_value=2**31)
TOKENS = st.sampled_from(
    [
        "",
        "-",
        "0",
        "0.00",
        "1e5",
        "NaN",
        "Infinity",
        "-12.5",
        "1,234.56",
        "１２３．４５",
        "合计",
        "小计",
        "总计",
        "其中：",
        "一、",
        "（三十四）",
        "部门名称：",
        "单位：元",
        "单位：万元",
        "2024年部门支出预算表",
        "201",
        "30101",
        "41039524000000012902",
        "≤",
        "≥95%",
        "**",
        "\t",
        "\t\t\t",
        " ",
        "\u3000",
        "\ufeff",
        "\x00",
        "\r",
        "\u2028",
        "٣",
        "𝟙𝟚",
    ]
)
TEXT = st.one_of(TOKENS, st.text(max_size=12), st.text(alphabet="0123456789.-,\t ", max_size=10))

OPS: SearchStrategy[tuple] = st.one_of(
    st.tuples(st.just("flip"), POSITION, st.integers(0, 255)),
    st.tuples(st.just("delete"), POSITION),
    st.tuples(st.just("duplicate"), POSITION),
    st.tuples(st.just("swap"), POSITION, POSITION),
    st.tuples(st.just("move"), POSITION, POSITION),
    st.tuples(st.just("cell"), POSITION, POSITION, TEXT),
    st.tuples(st.just("truncate"), POSITION),
    st.tuples(st.just("insert"), POSITION, TEXT),
    st.tuples(st.just("tab"), POSITION),
    st.tuples(st.just("delete-block"), POSITION, st.integers(1, 40)),
)


def mutate(data: bytes, ops: list[tuple]) -> bytes:
    for op in ops:
        kind = op[0]
        if kind in ("flip", "truncate", "insert", "tab"):
            if not data:
                continue
            at = op[1] % len(data)
            if kind == "flip":
                data = data[:at] + bytes([op[2]]) + data[at + 1 :]
            elif kind == "truncate":
                data = data[:at]
            elif kind == "insert":
                data = data[:at] + op[2].encode("utf-8", "surrogatepass") + data[at:]
            else:
                data = data[:at] + b"\t" + data[at:]
            continue
        lines = data.split(b"\n")
        i = op[1] % len(lines)
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = op[2] % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "move":
            line = lines.pop(i)
            lines.insert(op[2] % (len(lines) + 1), line)
        elif kind == "delete-block":
            del lines[i : i + op[2]]
        elif kind == "cell":
            cells = lines[i].split(b"\t")
            cells[op[2] % len(cells)] = op[3].encode("utf-8", "surrogatepass")
            lines[i] = b"\t".join(cells)
        data = b"\n".join(lines)
    return data


def encode(data: bytes, encoding: str) -> bytes:
    """Re-encode valid UTF-8 (as GB18030 or with a BOM); mangled bytes stay as they are."""
    if encoding == "utf-8":
        return data
    try:
        return data.decode("utf-8").encode(encoding)
    except (UnicodeDecodeError, UnicodeEncodeError):
        return data


DOCUMENT = st.integers(min_value=0, max_value=3)
MUTATIONS = st.lists(OPS, min_size=1, max_size=6)


@PROFILE
@given(DOCUMENT, MUTATIONS, st.sampled_from(["utf-8", "gb18030", "utf-8-sig"]))
def test_mutated_documents_are_read_or_refused(
    document: int, ops: list[tuple], encoding: str
) -> None:
    read_and_audit(encode(mutate(bases()[document], ops), encoding))


@PROFILE
@given(DOCUMENT, st.lists(st.tuples(POSITION, TEXT), min_size=1, max_size=30))
def test_many_cells_replaced(document: int, cells: list[tuple[int, str]]) -> None:
    """Cells inside the tables (where the amounts and codes are) replaced with random text."""
    data = bases()[document]
    lines = data.split(b"\n")
    tabbed = [i for i, line in enumerate(lines) if b"\t" in line]
    ops = [("cell", tabbed[pos % len(tabbed)], pos // 7, text) for pos, text in cells]
    read_and_audit(mutate(data, ops))


@settings(PROFILE, max_examples=max(10, PROFILE.max_examples // 5))  # noise is mostly refused
@given(st.binary(max_size=2048), st.booleans())
def test_random_bytes_and_prefixes(noise: bytes, after_seed_head: bool) -> None:
    """Pure noise, and noise after a real document's first part, through read_document."""
    head = bases()[0][: len(bases()[0]) // 2] if after_seed_head else b""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.txt"
        path.write_bytes(head + noise)
        read_and_audit(b"", path)


def test_clean_bases_read_without_error() -> None:
    """The unmutated bases read: the fuzzer starts from valid documents, not from refusals."""
    assert [read_and_audit(data) for data in bases()] == ["ok"] * 4


def test_input_errors_are_recognised() -> None:
    """The harness tells a refusal from success: an empty and a cut-off document are refused."""
    assert read_and_audit(b"") == "input-error:empty-file"
    seed = bases()[0]
    assert read_and_audit(seed[: seed.index("2024年部门收入预算表".encode())]).startswith(
        "input-error:"
    )


# --- crashes the fuzzer found, kept as plain regression tests ---------------------------------


def test_two_sided_table_whose_header_looks_like_data_is_refused() -> None:
    """收支总表 with its first header cell replaced: was IndexError, now garbled-header."""
    lines = bases()[0].split(b"\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("收入\t".encode()))
    lines[first] = lines[first].replace("收入".encode(), b"-", 1)
    assert read_and_audit(b"\n".join(lines)) == "input-error:garbled-header"


def test_project_with_a_blank_total_is_audited() -> None:
    """A project row whose 合计 is blank: the audit crashed formatting None, now it fails."""
    lines = bases()[0].split(b"\n")
    i = next(i for i, line in enumerate(lines) if "工作经费\t洛阳".encode() in line)
    cells = lines[i].split(b"\t")
    cells[3] = b""
    lines[i] = b"\t".join(cells)
    document = read_text(b"\n".join(lines), "blank.txt")
    checks = {c.id: c for c in run_audit(document)}
    amount = checks["performance:project-amount:41039524000000012902"]
    assert (amount.status, amount.expected, amount.found) == ("fail", "0", "195000.0")
