"""How many queries run at once on this machine, across every gunicorn worker: a few slots,
and a bounded queue in front of them.

A query takes a slot (one of N lock files, flock'd) or, when all are taken, a ticket (one of
M more) and waits for a slot; with no ticket left it is refused at once, 503 with
Retry-After. A query's time limit counts from its arrival, waiting included, so a queue of
runaway queries ends within one limit instead of one limit after another. The kernel drops a
process's locks when it dies, so a killed worker never keeps a slot.
"""

from __future__ import annotations

import fcntl
import hashlib
import math
import os
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from service.errors import Refusal

POLL = 0.02  # seconds between looks for a free slot while queued


def default_directory(identity: str) -> Path:
    """One folder per served data (its path or store URL) and user, under the temp dir."""
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"budgetpub-slots-{os.getuid()}-{digest}"


class Slots:
    def __init__(self, directory: Path, slots: int, queue: int):
        self.directory = directory
        self.slots = max(1, slots)
        self.queue = max(0, queue)

    def _take(self, prefix: str, count: int) -> int | None:
        """An open, flock'd file descriptor of one of the files, or None if all are held."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        start = random.randrange(count) if count else 0
        for number in range(count):
            path = self.directory / f"{prefix}-{(start + number) % count}"
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(descriptor)
                continue
            return descriptor
        return None

    @contextmanager
    def hold(self, deadline: float, limit: float) -> Iterator[None]:
        """A slot until the block ends; Refusal 503 when the queue is full (at once) or the
        deadline passes while queued."""
        slot = self._take("slot", self.slots)
        if slot is None:
            ticket = self._take("queue", self.queue)
            if ticket is None:
                raise Refusal(
                    503,
                    "too-many-queries",
                    f"{self.slots} queries are running and {self.queue} waiting: try again shortly",
                    retry_after=max(1, math.ceil(limit)),
                )
            try:
                while slot is None:
                    if time.monotonic() >= deadline:
                        raise Refusal(
                            503,
                            "query-timeout",
                            f"the query waited the whole {limit:g} s limit for a free slot",
                            retry_after=max(1, math.ceil(limit)),
                        )
                    time.sleep(POLL)
                    slot = self._take("slot", self.slots)
            finally:
                os.close(ticket)
        try:
            yield
        finally:
            os.close(slot)
