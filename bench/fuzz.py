"""The fuzz benchmark: tests/test_fuzz.py under the "fuzz" profile for at least five minutes.

Hypothesis stops after max_examples, so the run is repeated (each time with fresh random
examples) until the time is up; each run reports its examples through BUDGETPUB_FUZZ_REPORT.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MINIMUM_SECONDS = 300.0


def bench_fuzz(seconds: float | None = None) -> bool:
    """Fuzz for `seconds` (BUDGETPUB_FUZZ_SECONDS, default 300); True when nothing crashed."""
    if seconds is None:
        seconds = float(os.environ.get("BUDGETPUB_FUZZ_SECONDS", MINIMUM_SECONDS))
    start = time.monotonic()
    outcomes: Counter[str] = Counter()
    runs = 0
    ok = True
    while runs == 0 or time.monotonic() - start < seconds:
        with tempfile.TemporaryDirectory() as folder:
            report = Path(folder) / "fuzz.json"
            env = os.environ | {
                "BUDGETPUB_FUZZ_PROFILE": "fuzz",
                "BUDGETPUB_FUZZ_REPORT": str(report),
            }
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    "-q",
                    "-p",
                    "no:cacheprovider",
                    "tests/test_fuzz.py",
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            runs += 1
            if report.exists():
                outcomes.update(json.loads(report.read_text(encoding="utf-8")))
        if result.returncode != 0:
            ok = False
            print(result.stdout[-4000:])
            break
    elapsed = time.monotonic() - start
    examples = outcomes.pop("examples", 0)
    refused = sum(v for k, v in outcomes.items() if k.startswith("input-error:"))
    print(
        f"{'fuzz reader+audit (hypothesis)':<40} {examples} examples in {elapsed:.0f} s "
        f"({runs} runs): {outcomes.get('ok', 0)} read, {refused} refused with InputError; "
        + ("no other exception, no hang" if ok else "UNEXPECTED EXCEPTION (see above)")
        + f"   target >= {MINIMUM_SECONDS:.0f} s"
    )
    common = ", ".join(
        f"{k.removeprefix('input-error:')} {v}"
        for k, v in outcomes.most_common(8)
        if k.startswith("input-error:")
    )
    print(f"{'':<40} most common refusals: {common}")
    return ok


if __name__ == "__main__":
    sys.exit(0 if bench_fuzz(float(sys.argv[1]) if len(sys.argv) > 1 else None) else 1)
