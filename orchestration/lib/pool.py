"""Many files drawn by pure Python (charts, workbooks), in a pool of processes when there are enough of them.

Drawing a chart or writing a workbook is single-threaded Python: nationally, 210 charts and about 1,000 workbooks
of each kind take minutes on one core. `draw_all` draws them in this process when there are few (starting a pool
costs about a second per process), else in a pool of fresh processes, one per CPU. Each file is drawn by the same
function from the same arguments wherever it runs, so the files are the same.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

MAX_WORKERS = 4
Result = TypeVar("Result")


def workers_for(jobs: int, per_worker: int, cpus: int | None) -> int:
    """How many processes draw `jobs` files: one per CPU (at most `MAX_WORKERS`), each with at least `per_worker`
    of them; below 2 the files are drawn in this process."""
    return min(cpus or 1, MAX_WORKERS, jobs // per_worker)


def draw_all(draw: Callable[..., Result], jobs: Sequence[tuple], per_worker: int) -> list[Result]:
    """`draw(*job)` for every job, in order. `draw` must be a module-level function (a pool's processes import
    it), and the jobs' arguments picklable."""
    workers = workers_for(len(jobs), per_worker, os.cpu_count())
    if workers < 2:
        return [draw(*job) for job in jobs]
    # "spawn": fresh interpreters, never a fork of this process and the DuckDB threads it holds.
    # A pool that cannot start (its processes cannot import the main module, e.g. a script read from stdin)
    # leaves the work to this process.
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(pool.map(_draw_one, [(draw, job) for job in jobs], chunksize=4))
    except BrokenProcessPool:
        return [draw(*job) for job in jobs]


def _draw_one(task: tuple[Callable[..., Any], tuple]) -> Any:
    draw, job = task
    return draw(*job)
