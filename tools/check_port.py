"""`make run` asks this first: is HOST:PORT free? A clear message and exit 1 if not, before
anything is installed, ingested or built. Runs on the system Python (no virtualenv yet), so it
loads service/net.py (standard library only) as a file rather than importing the package."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

NET = Path(__file__).resolve().parents[1] / "service" / "net.py"


def main(argv: list[str]) -> int:
    spec = importlib.util.spec_from_file_location("budgetpub_net", NET)
    assert spec is not None and spec.loader is not None
    net = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(net)
    host, port = argv[0], int(argv[1])
    problem = net.address_taken(host, port)
    if problem is None:
        return 0
    print(
        f"make run: {problem}.\n"
        "  Another `make run` or `budgetpub serve` may be running: stop it, or choose another\n"
        f"  port, e.g. `make run PORT={port + 1}` (HOST= chooses the address).",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
