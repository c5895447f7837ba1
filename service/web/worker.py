"""The gunicorn worker `budgetpub serve` runs: gevent, so a slow client costs a greenlet.

With gunicorn's threaded workers each connection holds a thread while its request trickles
in: 16 clients sending a header byte every 2 s took every thread, and /healthz timed out for
40 s. A gevent worker reads requests cooperatively (up to --worker-connections at once), so
slow clients wait on their own sockets and everything else goes on. Queries do not run in
the worker (service/query/runner.py waits on the query process's pipe, cooperatively).

Two of gunicorn's own answers are changed, for the whole process:
- its errors (a request line or headers too long, a malformed request) are RFC 9457
  problem details like every other error of the service, not HTML;
- the request line may be as long as a GET of the longest query the endpoint takes
  (20,000 characters, each up to 9 bytes percent-encoded), where gunicorn stops at 8 KB.
"""

from __future__ import annotations

import json
import socket

from gunicorn import util
from gunicorn.http import message
from gunicorn.workers.ggevent import GeventWorker

REQUEST_LINE = 256 * 1024  # bytes: 20,000 × %E4%B8%80 and the rest of the URL
KINDS = {
    400: "bad-request",
    403: "forbidden",
    414: "uri-too-long",
    417: "expectation-failed",
    431: "request-header-fields-too-large",
    500: "internal-error",
    501: "not-implemented",
}

message.MAX_REQUEST_LINE = max(message.MAX_REQUEST_LINE, REQUEST_LINE)


def write_problem(sock: socket.socket, status: int, reason: str, detail: str) -> None:
    """gunicorn's util.write_error, answering problem+json."""
    body = json.dumps(
        {
            "type": f"https://w3id.org/budgetpub/errors/{KINDS.get(status, 'error')}",
            "title": reason,
            "status": status,
            "detail": detail[:300],
            "instance": "",
        },
        ensure_ascii=False,
    ).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        "Content-Type: application/problem+json\r\nAccess-Control-Allow-Origin: *\r\n"
        f"Cache-Control: no-store\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


util.write_error = write_problem


class Worker(GeventWorker):
    """GeventWorker, with the two changes above made when this module is imported."""
