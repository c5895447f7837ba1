"""A private Virtuoso (Debian's virtuoso-opensource 7) as the shared store: started on
loopback with its own ini, loaded with the bulk loader into one named graph.

Why Virtuoso: big deployments share one store between many workers, and Virtuoso answers
a GROUP BY over every observation in tens of milliseconds (BENCHMARKS.md). Why a named
graph: Virtuoso keeps its own system graphs in the same quad store, so a build is loaded
into `graph` and the service names that graph on every query (`store_url()`: the SPARQL
protocol's default-graph-uri and named-graph-uri, which RemoteStore sends).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from service.net import free_port, stop, wait_until_answers

SERVER = "virtuoso-t"
ISQL = "isql-vt"  # Debian's name for Virtuoso's isql (isql is unixODBC's)
DEFAULT_GRAPH = "https://w3id.org/budgetpub/graph/build"
# 8 KB pages: 100,000 buffers is about 800 MB of page cache, enough for a few million
# triples; MaxDirtyBuffers three quarters of it, as Virtuoso's own ini advises
BUFFERS = 100_000
# rows Virtuoso returns before cutting a result silently: far above the service's own cap
# (SPARQL_MAX_ROWS), which the service enforces and says (Budgetpub-Truncated)
RESULT_MAX_ROWS = 1_000_000
# threads one query may use (Virtuoso's vectored execution splits a scan, a join and an
# aggregate between them): one a core, as Virtuoso advises; more than the cores only queue
# (bench/virtuoso.py, BENCHMARKS.md). Its pool of such threads holds two queries' worth.
THREADS = max(1, os.cpu_count() or 1)
INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 20
CheckpointInterval = 60
CaseMode = 2
AllowOSCalls = 0
DirsAllowed = {db}, {staging}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
MaxQueryMem = 1G
ThreadsPerQuery = {threads}
AsyncQueueMaxThreads = {async_threads}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
MaxClientConnections = 20
ServerThreads = 20
EnabledDavVSP = 0
HTTPProxyEnabled = 0
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 600
MaxQueryCostEstimationTime = 0
"""


def available() -> bool:
    """Whether Virtuoso's server and isql are installed (apt-get install virtuoso-opensource)."""
    return shutil.which(SERVER) is not None and shutil.which(ISQL) is not None


def ini_text(
    db: Path,
    staging: Path,
    http_port: int,
    sql_port: int,
    buffers: int = BUFFERS,
    threads: int = THREADS,
) -> str:
    """The instance's virtuoso.ini: everything in `db`, bulk loading allowed from `staging`,
    `threads` threads a query."""
    return INI.format(
        db=db,
        staging=staging,
        http_port=http_port,
        sql_port=sql_port,
        buffers=buffers,
        dirty=buffers * 3 // 4,
        max_rows=RESULT_MAX_ROWS,
        threads=threads,
        async_threads=2 * threads,
    )


@dataclass
class Virtuoso:
    """A running private instance: its folder, ports and process."""

    folder: Path
    http_port: int
    sql_port: int
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def endpoint(self) -> str:
        """The instance's SPARQL endpoint on loopback (unscoped: store_url names the graph)."""
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def store_url(self, graph: str = DEFAULT_GRAPH) -> str:
        """BUDGETPUB_STORE_URL for the service: the endpoint, scoped to the build's graph."""
        scope = urllib.parse.urlencode({"default-graph-uri": graph, "named-graph-uri": graph})
        return f"{self.endpoint}?{scope}"

    def sql(self, statements: str, timeout: float = 3600) -> str:
        """Run SQL through isql as dba (the instance's own, on loopback); its output, or
        RuntimeError naming the error isql printed."""
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", "VERBOSE=OFF", "BANNER=OFF",
             "PROMPT=OFF", "ECHO=OFF", "ERRORS=STDOUT", f"EXEC={statements}"],
            capture_output=True,
            text=True,
            timeout=timeout,
        )  # fmt: skip
        output = done.stdout + done.stderr
        if done.returncode != 0 or "*** Error" in output:
            raise RuntimeError(f"isql: {output.strip()[:2000]}")
        return output

    def load(
        self,
        dumps: list[Path],
        graph: str = DEFAULT_GRAPH,
        stamp: tuple[str, str] | None = None,
        loaders: int = 1,
    ) -> None:
        """Replace the graph with the dumps (N-Triples) by the bulk loader (ld_dir, then
        rdf_loader_run in `loaders` sessions side by side, as Virtuoso advises for a big
        load): the graph is cleared, the files are linked into the staging folder DirsAllowed
        names, loaded, checked for errors and checkpointed. The stamp (catalog IRI, build id)
        is added as `<catalog> bp:build "id"`, as load_remote does."""
        staging = self.folder / "staging"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        for number, dump in enumerate(dumps):
            target = staging / f"{number:06d}.nt"
            try:
                target.hardlink_to(dump)
            except OSError:  # another file system
                shutil.copyfile(dump, target)
        if stamp:
            build = "https://w3id.org/budgetpub/def#build"
            (staging / "stamp.nt").write_text(f'<{stamp[0]}> <{build}> "{stamp[1]}" .\n')
        quoted = graph.replace("'", "''")
        self.sql(
            "log_enable(3, 1); "
            f"SPARQL CLEAR GRAPH <{graph}>; "
            f"DELETE FROM DB.DBA.load_list WHERE ll_graph = '{quoted}'; "
            f"ld_dir('{staging}', '*.nt', '{quoted}');"
        )
        with ThreadPoolExecutor(loaders) as pool:
            list(pool.map(lambda _: self.sql("rdf_loader_run();"), range(loaders)))
        self.sql("checkpoint;")
        failed = self.sql(
            "SELECT ll_file, ll_error FROM DB.DBA.load_list "
            f"WHERE ll_graph = '{quoted}' AND ll_error IS NOT NULL;"
        )
        if ".nt" in failed:
            raise RuntimeError(f"Virtuoso could not load: {failed.strip()[:2000]}")
        shutil.rmtree(staging, ignore_errors=True)

    def stop(self) -> None:
        """Stop the Virtuoso process if it runs: SIGTERM, then SIGKILL if it has not ended within a
        minute."""
        if self.process is not None:
            stop(self.process, 60)
            self.process = None


def start(folder: Path, buffers: int = BUFFERS, seconds: float = 120) -> Virtuoso:
    """A private instance in `folder` (created; a new database the first time) on two free
    loopback ports, once its SPARQL endpoint answers."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "staging").mkdir(exist_ok=True)
    instance = Virtuoso(folder, free_port(), free_port())
    ini = folder / "virtuoso.ini"
    ini.write_text(
        ini_text(folder, folder / "staging", instance.http_port, instance.sql_port, buffers)
    )
    log = (folder / "server.out").open("wb")
    instance.process = subprocess.Popen(
        [SERVER, "+foreground", "+configfile", str(ini)],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    try:
        wait_until_answers(f"{instance.endpoint}?query=ASK%7B%7D", seconds, instance.process)
    except RuntimeError as error:
        instance.stop()
        said = (folder / "virtuoso.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"Virtuoso did not start: {error}\n{said}") from None
    return instance
