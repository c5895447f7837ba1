"""No network for the processes that run queries: a seccomp filter, installed with ctypes.

Oxigraph evaluates SERVICE by making an HTTP request. The guard (service/query/safety.py)
refuses SERVICE, but a guard is a parser, and the next parser trick would again reach the
network. So the processes in which Oxigraph evaluates queries (the query process of an
embedded build, and the store process's) cannot connect anywhere, whatever the query says:
after `confine()` the kernel answers EPERM to

- `connect` (any address family: TCP, UDP, Unix),
- `socket` for any family but AF_UNIX (no new TCP/UDP/raw/netlink sockets),
- `sendto` with a destination address, `sendmsg`, `sendmmsg` (no datagrams, no TCP Fast
  Open, which connects from sendto),
- `io_uring_setup` (io_uring's own connect would not pass through the filter),
- `ptrace`, `process_vm_writev` (no steering another process into connecting),

and to every system call of another ABI (i386, x32) that would dodge the numbers above.
Sockets made before `confine()` keep working: the store process binds, listens and accepts,
none of which connects. The filter covers every thread (TSYNC) and every child, and cannot
be lifted (no_new_privs). Linux on x86-64 or arm64; elsewhere `confine()` raises.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import socket
import struct

PR_SET_NO_NEW_PRIVS = 38
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_TSYNC = 1
RET_ALLOW = 0x7FFF0000
RET_EPERM = 0x00050000 | errno.EPERM
LD_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
JEQ = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
JGE = 0x35  # BPF_JMP | BPF_JGE | BPF_K
RET = 0x06  # BPF_RET | BPF_K
NR, ARCH = 0, 4  # offsets in struct seccomp_data
X32_BIT = 0x40000000


def _arg(index: int, high: bool = False) -> int:
    """Offset of a 64-bit argument's low (or high) half (little-endian)."""
    return 16 + 8 * index + (4 if high else 0)


# (audit arch, seccomp syscall, {name: number}) per machine
ABI = {
    "x86_64": (
        0xC000003E,
        317,
        {
            "socket": 41,
            "connect": 42,
            "sendto": 44,
            "sendmsg": 46,
            "ptrace": 101,
            "sendmmsg": 307,
            "process_vm_writev": 311,
            "io_uring_setup": 425,
        },
    ),
    "aarch64": (
        0xC00000B7,
        277,
        {
            "socket": 198,
            "connect": 203,
            "sendto": 206,
            "sendmsg": 211,
            "ptrace": 117,
            "sendmmsg": 269,
            "process_vm_writev": 271,
            "io_uring_setup": 425,
        },
    ),
}
ABI["arm64"] = ABI["aarch64"]
DENIED = ("connect", "sendmsg", "sendmmsg", "io_uring_setup", "ptrace", "process_vm_writev")


class SandboxError(OSError):
    """The filter could not be installed: the caller must not run queries."""


def program(machine: str) -> list[tuple[int, int, int, int]]:
    """The BPF program as (code, jump if true, jump if false, k). Written with labels; BPF
    jumps only forward, so the checks come first and the two verdicts last."""
    arch, _, numbers = ABI[machine]
    lines: list[tuple[int, str | int, str | int, int] | str] = [
        (LD_ABS, 0, 0, ARCH),
        (JEQ, 0, "deny", arch),  # another ABI (i386 on x86-64): denied whole
        (LD_ABS, 0, 0, NR),
    ]
    if machine == "x86_64":
        lines.append((JGE, "deny", 0, X32_BIT))  # the x32 ABI
    lines += [(JEQ, "deny", 0, numbers[name]) for name in DENIED]
    lines += [
        (JEQ, "socket", 0, numbers["socket"]),
        (JEQ, "sendto", 0, numbers["sendto"]),
        (RET, 0, 0, RET_ALLOW),
        "socket",
        (LD_ABS, 0, 0, _arg(0)),  # the address family
        (JEQ, "allow", "deny", socket.AF_UNIX),
        "sendto",
        (LD_ABS, 0, 0, _arg(4)),  # dest_addr, both halves: NULL for send() on a connection
        (JEQ, 0, "deny", 0),
        (LD_ABS, 0, 0, _arg(4, high=True)),
        (JEQ, "allow", "deny", 0),
        "allow",
        (RET, 0, 0, RET_ALLOW),
        "deny",
        (RET, 0, 0, RET_EPERM),
    ]
    labels: dict[str, int] = {}
    ops: list[tuple[int, str | int, str | int, int]] = []
    for line in lines:
        if isinstance(line, str):
            labels[line] = len(ops)
        else:
            ops.append(line)

    def offset(target: str | int, here: int) -> int:
        jump = labels[target] - here - 1 if isinstance(target, str) else target
        assert 0 <= jump < 256, "BPF jumps forward, by less than 256"
        return jump

    return [(code, offset(jt, i), offset(jf, i), k) for i, (code, jt, jf, k) in enumerate(ops)]


class _Filter(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def confine() -> None:
    """Install the filter on this process (every thread, every later child); SandboxError
    when the machine or kernel does not allow it."""
    machine = platform.machine()
    if os.uname().sysname != "Linux" or machine not in ABI:
        raise SandboxError(f"no network sandbox on {os.uname().sysname} {machine}")
    ops = program(machine)
    code = b"".join(struct.pack("=HBBI", *op) for op in ops)
    buffer = ctypes.create_string_buffer(code, len(code))
    fprog = _Filter(len(ops), ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    seccomp = ABI[machine][1]
    result = libc.syscall(
        ctypes.c_long(seccomp),
        ctypes.c_long(SECCOMP_SET_MODE_FILTER),
        ctypes.c_long(SECCOMP_FILTER_FLAG_TSYNC),
        ctypes.byref(fprog),
    )
    if result != 0:
        raise SandboxError(ctypes.get_errno(), f"seccomp filter not installed ({result})")


def required() -> bool:
    """BUDGETPUB_SANDBOX=off runs queries without the filter (a platform without seccomp);
    by default a process that cannot install it runs no query."""
    return os.environ.get("BUDGETPUB_SANDBOX", "on").lower() not in ("off", "0", "no")
