"""The gunicorn worker `budgetpub serve` runs: gevent, so a slow client costs a greenlet.

With gunicorn's threaded workers each connection holds a thread while its request trickles
in: 16 clients sending a header byte every 2 s took every thread, and /healthz timed out for
40 s. A gevent worker reads requests cooperatively (up to --worker-connections at once), so
slow clients wait on their own sockets and everything else goes on. Queries do not run in
the worker (service/query/runner.py waits on the query process's pipe, cooperatively).

Two of gunicorn's own answers are changed, for the whole process:
- its errors (a request line or headers too long, a malformed request) are RFC 9457
  problem details like every other error of the service, not HTML (create_app does the
  same under any gunicorn worker: service/web/errors.py);
- the request line may be as long as a GET of the longest query the endpoint takes
  (20,000 characters, each up to 9 bytes percent-encoded), where gunicorn stops at 8 KB.
"""

from __future__ import annotations

from gunicorn.http import message
from gunicorn.workers.ggevent import GeventWorker

from service.web.errors import answer_gunicorn_errors_as_problems

REQUEST_LINE = 256 * 1024  # bytes: 20,000 × %E4%B8%80 and the rest of the URL
message.MAX_REQUEST_LINE = max(message.MAX_REQUEST_LINE, REQUEST_LINE)


answer_gunicorn_errors_as_problems()


class Worker(GeventWorker):
    """GeventWorker, with the two changes above made when this module is imported."""
