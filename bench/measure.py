"""Run one command in a fresh subprocess and measure its wall time and memory (standard library only).

Memory is measured two ways, both for the whole process tree (`wres build` starts dbt as a subprocess):
- `peak_tree_rss_mb`: the largest sum of VmRSS over the process and all its descendants, polled from /proc
  every 50 ms (a spike shorter than that can be missed);
- `max_process_rss_mb`: the largest peak RSS of any single process of the tree (ru_maxrss of the rusage that
  `os.wait4` returns, which covers the child and every descendant it waited for).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Measurement:
    wall_seconds: float
    peak_tree_rss_mb: float
    max_process_rss_mb: float
    user_seconds: float
    system_seconds: float
    returncode: int
    load_before: str
    load_after: str
    started_at: float = 0.0  # epoch seconds


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as `uptime` prints them."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # the command name (field 2) is in parentheses and may hold spaces: the parent pid follows the last ')'
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(root: int) -> int:
    """The summed resident memory of `root` and all its descendants."""
    tree = _children()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _rss_kb(pid)
        stack.extend(tree.get(pid, []))
    return total


def run(command: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
        log: Path | None = None, interval: float = 0.05) -> Measurement:
    """Run `command`, with its output to `log` (or discarded), and measure it."""
    load_before = load_average()
    output = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    try:
        started_at = time.time()
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT)
        peak = 0
        done = threading.Event()

        def poll() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss_kb(process.pid))
                done.wait(interval)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        poller.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if log:
            output.close()
    return Measurement(
        wall_seconds=wall,
        peak_tree_rss_mb=peak / 1024,
        max_process_rss_mb=usage.ru_maxrss / 1024,
        user_seconds=usage.ru_utime,
        system_seconds=usage.ru_stime,
        returncode=process.returncode,
        load_before=load_before,
        load_after=load_average(),
        started_at=started_at,
    )
