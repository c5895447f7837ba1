"""HTTP benchmarks: gunicorn with 2 workers on loopback, measured with wrk (Debian package).

CSV download, dataset JSON-LD, and 304 revalidation; requests per second, p50 and p99.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.__main__ import ROOT
from service.net import free_port

SLUG = "luoyang-sfq-zwfwzx-2024-budget"


def start_server(data: Path, base: str, port: int, workers: int = 2) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "BUDGETPUB_DATA": str(data),
        "BUDGETPUB_PACKAGES": str(ROOT / "datapackages"),
        "BUDGETPUB_BASE_URL": base,
    }
    process = subprocess.Popen(  # exactly what `make run` runs
        [
            sys.executable,
            "-m",
            "service.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--data",
            str(data),
            "--packages",
            str(ROOT / "datapackages"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}healthz", timeout=1).read()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def wrk(
    url: str, seconds: int = 10, connections: int = 32, header: str | None = None
) -> dict[str, str]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if header:
        command[1:1] = ["-H", header]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = {"rps": re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)}  # type: ignore[union-attr]
    for percent in ("50", "99"):
        match = re.search(rf"\s{percent}(?:\.000)?%\s+([\d.]+\w+)", output)
        found[f"p{percent}"] = match.group(1) if match else "?"
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    found["errors"] = errors.group(1) if errors else "0"
    return found


def bench_http() -> None:
    from service.build import build

    if shutil.which("wrk") is None:
        print("http: wrk is not installed (apt-get install wrk); skipped")
        return
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory() as out:
        build(ROOT / "datapackages", Path(out), base)
        server = start_server(Path(out), base, port)
        try:
            csv_url = f"{base}datapackages/{SLUG}/data/expenditure.csv"
            jsonld_url = f"{base}dataset/{SLUG}.jsonld"
            urllib.request.urlopen(jsonld_url).read()  # warm both workers' render caches
            urllib.request.urlopen(jsonld_url).read()
            etag = urllib.request.urlopen(csv_url).headers["ETag"]
            for name, url, header, target in (
                ("CSV download", csv_url, None, ">= 1,000 req/s"),
                ("dataset JSON-LD", jsonld_url, None, ">= 300 req/s"),
                ("304 revalidation (CSV)", csv_url, f"If-None-Match: {etag}", ">= 2,000 req/s"),
            ):
                found = wrk(url, header=header)
                print(
                    f"{'http: ' + name:<40} {float(found['rps']):>9,.0f} req/s   p50 {found['p50']:>8}"
                    f"   p99 {found['p99']:>8}   non-2xx/3xx {found['errors']}   target {target}"
                )
        finally:
            server.terminate()
            server.wait(timeout=10)
