"""Reading merchant files in a child process with hard limits, so a hostile file costs one child, not a worker.

The caller forks; the child sets an address-space limit, a CPU-time limit and no right to write files before
it reads a byte, sends its facts back as JSON over a pipe (never pickle: the child is parsing hostile input)
and leaves with os._exit, touching none of the caller's connections. The caller reads with a wall-clock
deadline and kills the child when it passes. pikepdf and Pillow are imported here, before any fork, so a
child starts in a few milliseconds without importing anything.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import select
import signal
import time
from pathlib import Path

import pikepdf  # noqa: F401  (imported before forking, see above)
import PIL.Image  # noqa: F401

from platen.preflight.inspection import inspect
from platen.preflight.limits import LIMITS, LimitExceeded, Limits, Unreadable


def inspect_file(path: Path, kind: str | None = None, limits: Limits = LIMITS) -> dict:
    """Facts about the file (inspection.inspect), computed in a limited child. Raises Unreadable.

    The facts carry "stats": wall seconds (here, fork included), the child's CPU seconds and peak RSS."""
    if kind is None:
        from platen.preflight.fetching import sniff_type

        with open(path, "rb") as f:
            kind = sniff_type(f.read(4096)) or "unknown"
    started = time.monotonic()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _child(write_end, Path(path), kind, limits)  # never returns
    os.close(write_end)
    try:
        answer = _read_until(read_end, started + limits.wall_seconds)
    finally:
        os.close(read_end)
    if answer is None:
        os.kill(pid, signal.SIGKILL)
    status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    if answer is None:
        raise LimitExceeded(f"Reading the file took longer than {limits.wall_seconds:.0f} s; simplify or flatten it and export again.",
                            cacheable=False)
    if not answer:
        raise _death_reason(status, limits)
    message = json.loads(answer)
    if "facts" not in message:
        raise (LimitExceeded if message["limit"] else Unreadable)(message["reason"])
    facts = message["facts"]
    facts["stats"]["seconds"] = round(time.monotonic() - started, 4)
    return facts


def _read_until(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes until it closes the pipe, or None when the deadline passes first."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    chunks = []
    while (left := deadline - time.monotonic()) > 0:
        if not poller.poll(left * 1000):
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
    return None


def _death_reason(exitcode: int | None, limits: Limits) -> Unreadable:
    if exitcode == -signal.SIGXCPU:
        return LimitExceeded(f"Reading the file needed more than {limits.cpu_seconds} s of processor time; simplify or flatten it.")
    if exitcode == -signal.SIGKILL:
        return LimitExceeded("Reading the file needed more memory than Platen allows (it may be a decompression bomb).",
                             cacheable=False)  # the kernel's out-of-memory killer: the machine's state, not only the file
    return Unreadable(f"The file crashed the reader (exit {exitcode}): it is damaged; export it again.", cacheable=False)


def _child(fd: int, path: Path, kind: str, limits: Limits):
    status = 0
    try:
        for sig in (signal.SIGTERM, signal.SIGINT):  # the caller's handlers are not the child's business
            signal.signal(sig, signal.SIG_DFL)
        # A collection would walk (and so copy) every page of the caller's heap shared with this short-lived
        # child; the address-space limit bounds what cycles could hold meanwhile.
        gc.disable()
        _limit_self(limits)
        try:
            facts = inspect(path, kind, limits)
            usage = resource.getrusage(resource.RUSAGE_SELF)
            facts["stats"] = {"cpu_seconds": round(usage.ru_utime + usage.ru_stime, 4), "peak_rss_kb": usage.ru_maxrss}
            message = {"facts": facts}
        except Unreadable as exc:
            message = {"reason": exc.reason, "limit": isinstance(exc, LimitExceeded)}
        data = json.dumps(message).encode()
        while data:
            data = data[os.write(fd, data):]
    except BaseException:
        status = 70  # nothing sent: the caller reports a crashed reader
    finally:
        os._exit(status)


def _limit_self(limits: Limits) -> None:
    with open("/proc/self/statm") as f:
        mapped = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (mapped + limits.memory_bytes,) * 2)
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
