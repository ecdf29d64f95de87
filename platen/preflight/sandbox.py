"""Reading merchant files in a child process with hard limits, so a hostile file costs one child, not a worker.

The caller forks; the child sets an address-space limit, a CPU-time limit and no right to write files before
it reads a byte, sends its facts back as JSON over a pipe (never pickle: the child is parsing hostile input)
and leaves with os._exit, touching none of the caller's connections. The caller reads with a wall-clock
deadline and kills the child when it passes. pikepdf and Pillow are imported here, before any fork, so a
child starts in a few milliseconds without importing anything. A PDF is read by two children at once, each
a half of its pages (pdf.py), so a 1000-page book takes both cores of a small machine; each has the limits.
Previews (preview.py) are drawn the same way, in one child with the same limits.
"""

from __future__ import annotations

import base64
import functools
import gc
import json
import os
import resource
import select
import signal
import time
from pathlib import Path

import PIL.Image  # noqa: F401  (imported before forking, see above; pikepdf comes with pdf)
import pypdfium2  # noqa: F401  (the same, for previews)

from platen.preflight import preview
from platen.preflight.inspection import inspect
from platen.preflight.limits import LIMITS, LimitExceeded, Limits, Unreadable
from platen.preflight.pdf import merge_parts


def inspect_file(path: Path, kind: str | None = None, limits: Limits = LIMITS) -> dict:
    """Facts about the file (inspection.inspect), computed in limited children. Raises Unreadable.

    A PDF is read by one child per core, each reading a range of its pages (a short PDF: the first reads it
    all). The facts carry "stats": wall seconds (here, forks included), the children's CPU seconds together
    and the largest peak RSS."""
    if kind is None:
        from platen.preflight.fetching import sniff_type

        with open(path, "rb") as f:
            kind = sniff_type(f.read(4096)) or "unknown"
    started = time.monotonic()
    count = min(2, os.cpu_count() or 1) if kind == "pdf" else 1
    children = dict(_fork(functools.partial(inspect, Path(path), kind, limits, (index, count)), limits)
                    for index in range(count))
    parts = _answers(children, started, limits)
    facts = merge_parts(parts)
    facts["stats"] = {"cpu_seconds": round(sum(p["stats"]["cpu_seconds"] for p in parts), 4),
                      "peak_rss_kb": max(p["stats"]["peak_rss_kb"] for p in parts),
                      "seconds": round(time.monotonic() - started, 4)}
    return facts


def render_preview(path: Path, kind: str, limits: Limits = LIMITS) -> bytes:
    """A small PNG of the file's first page (preview.render), drawn in one limited child. Raises Unreadable."""
    def draw() -> dict:
        return {"png": base64.b64encode(preview.render(Path(path), kind, limits)).decode()}

    started = time.monotonic()
    (answer,) = _answers(dict([_fork(draw, limits)]), started, limits)
    return base64.b64decode(answer["png"])


def _fork(work, limits: Limits) -> tuple[int, int]:
    """A child running work() under the limits; returns (read end of its pipe, pid)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _child(write_end, work, limits)  # never returns
    os.close(write_end)
    return read_end, pid


def _answers(children: dict[int, int], started: float, limits: Limits) -> list[dict]:
    """What each child (read end -> pid) found, in order; kills them all when the wall clock runs out."""
    try:
        answers = _read_all(list(children), started + limits.wall_seconds)
    finally:
        for fd in children:
            os.close(fd)
    if answers is None:
        for pid in children.values():
            os.kill(pid, signal.SIGKILL)
    statuses = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children.values()]
    if answers is None:
        raise LimitExceeded(f"Reading the file took longer than {limits.wall_seconds:.0f} s; simplify or flatten it and export again.")
    parts = []
    for answer, status in zip(answers, statuses, strict=True):
        if not answer:
            raise _death_reason(status, limits)
        message = json.loads(answer)
        if "facts" not in message:
            raise (LimitExceeded if message["limit"] else Unreadable)(message["reason"])
        parts.append(message["facts"])
    return parts


def _read_all(fds: list[int], deadline: float) -> list[bytes] | None:
    """Everything each child writes until it closes its pipe, or None when the deadline passes first."""
    poller = select.poll()
    for fd in fds:
        poller.register(fd, select.POLLIN)
    chunks: dict[int, list[bytes]] = {fd: [] for fd in fds}
    open_fds = set(fds)
    while open_fds and (left := deadline - time.monotonic()) > 0:
        for fd, _event in poller.poll(left * 1000):
            chunk = os.read(fd, 1 << 16)
            if chunk:
                chunks[fd].append(chunk)
            else:
                poller.unregister(fd)
                open_fds.discard(fd)
    return None if open_fds else [b"".join(chunks[fd]) for fd in fds]


def _death_reason(exitcode: int | None, limits: Limits) -> Unreadable:
    if exitcode == -signal.SIGXCPU:
        return LimitExceeded(f"Reading the file needed more than {limits.cpu_seconds} s of processor time; simplify or flatten it.")
    if exitcode == -signal.SIGKILL:
        return LimitExceeded("Reading the file needed more memory than Platen allows (it may be a decompression bomb).")
    return Unreadable(f"The file crashed the reader (exit {exitcode}): it is damaged; export it again.", cacheable=False)


def _child(fd: int, work, limits: Limits):
    status = 0
    try:
        for sig in (signal.SIGTERM, signal.SIGINT):  # the caller's handlers are not the child's business
            signal.signal(sig, signal.SIG_DFL)
        # A collection would walk (and so copy) every page of the caller's heap shared with this short-lived
        # child; the address-space limit bounds what cycles could hold meanwhile.
        gc.disable()
        _limit_self(limits)
        try:
            facts = work()
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
