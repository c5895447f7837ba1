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


LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]", "0.0.0.0")


def listening_address(host: str, port: int) -> str:
    """The address a browser on this machine reaches `host:port` by (every interface: loopback)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def base_note(built_base: str | None, host: str, port: int) -> tuple[str, bool]:
    """What `serve` says at start of the build's base IRI against the address it listens on,
    and whether it is a warning: IRIs, JSON-LD contexts and the catalog's download URLs are
    minted at build time, so a build for port 8000 served on 8101 links to port 8000. A base
    on another host is a publisher's domain (a proxy in front), said but not warned about."""
    listening = listening_address(host, port)
    if built_base is None:
        return f"serving {listening} (the build does not record its base IRI)", False
    if built_base == listening:
        return f"serving {listening}, the build's base IRI", False
    authority = built_base.split("://", 1)[-1].split("/", 1)[0]
    built_host = authority.rsplit(":", 1)[0] if not authority.endswith("]") else authority
    if built_host not in LOOPBACK:
        return f"serving {listening}; IRIs and links are minted under {built_base}", False
    return (
        f"warning: serving {listening}, but the build minted its IRIs, JSON-LD contexts and "
        f"download URLs under {built_base}, so links lead there. To publish at this address, "
        f"build again: BUDGETPUB_BASE_URL={listening} budgetpub build",
        True,
    )
