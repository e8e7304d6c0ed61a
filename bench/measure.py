"""Small measuring tools shared by the benchmark's parts: percentiles, CPU time, the machine.

The machine is shared with other jobs, so wall-clock time alone says little:
besides it the benchmark records CPU time, of this process
(:func:`cpu_seconds`) and of whole process trees it does not own as children,
such as the PostgreSQL server or gunicorn's workers (:func:`tree_cpu_seconds`,
read from ``/proc``, which counts the CPU of children that already exited
through the parent's ``cutime``/``cstime``).
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
from pathlib import Path
from typing import Any

TICKS = os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float], prefix: str = "") -> dict[str, float]:
    """Median and 95th percentile, rounded for the report."""
    return {f"{prefix}p50_ms": round(statistics.median(values), 1),
            f"{prefix}p95_ms": round(percentile(values, 0.95), 1)}


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (forked index workers, wrk)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces; the fields after it start past ")".
    return text[text.rindex(")") + 2:].split()


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU of ``pid``, its children that exited, and its live descendants."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    # After the name: state=0 ... utime=11, stime=12, cutime=13, cstime=14.
    total = sum(int(value) for value in fields[11:15]) / TICKS
    return total + sum(tree_cpu_seconds(child) for child in _children(pid))


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory / 2**30, 1),
            "python": platform.python_version(), "system": platform.platform()}
