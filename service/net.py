"""Loopback helpers: a free port, and waiting for a server to answer. Used by the store
process that `serve --store-process` starts, and by the tests and benchmarks that start
servers."""

from __future__ import annotations

import errno
import socket
import subprocess
import time
import urllib.request


def free_port() -> int:
    """A TCP port free on the loopback interface now (for a private server to listen on)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def address_taken(host: str, port: int) -> str | None:
    """Why HOST:PORT cannot be listened on (bound as gunicorn binds), or None when it can.
    Standard library only: `make run` loads this file before there is a virtualenv."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        return f"{host} is not an address here ({error.strerror})"
    family, kind, protocol, _, address = infos[0]
    with socket.socket(family, kind, protocol) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is already in use"
            return f"cannot listen on {host}:{port} ({error.strerror})"
    return None


def wait_until_answers(
    url: str, seconds: float, process: subprocess.Popen[bytes] | None = None
) -> None:
    """Return once a GET of url succeeds; RuntimeError if the process exits first or the
    time runs out (the caller adds what its log says)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if process is not None and process.poll() is not None:
                message = f"it exited ({process.returncode}) before {url} answered"
                raise RuntimeError(message) from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {seconds:.0f} s") from None
            time.sleep(0.1)


def stop(process: subprocess.Popen[bytes], seconds: float = 10) -> None:
    """SIGTERM, then SIGKILL if it has not ended within the seconds."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
