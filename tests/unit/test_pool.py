"""Files drawn in a pool of processes when there are enough of them (orchestration/lib/pool.py)."""

from __future__ import annotations

import operator

from orchestration.lib.pool import MAX_WORKERS, draw_all, workers_for


def test_one_process_per_cpu_each_with_enough_files():
    assert workers_for(jobs=20, per_worker=12, cpus=2) == 1  # drawn in this process
    assert workers_for(jobs=24, per_worker=12, cpus=2) == 2
    assert workers_for(jobs=1000, per_worker=100, cpus=2) == 2
    assert workers_for(jobs=1000, per_worker=100, cpus=16) == MAX_WORKERS
    assert workers_for(jobs=1000, per_worker=100, cpus=None) == 1


def test_the_results_are_in_the_order_of_the_jobs_in_a_pool_or_not():
    jobs = [(index, 10 * index) for index in range(9)]
    expected = [11 * index for index in range(9)]
    assert draw_all(operator.add, jobs, per_worker=1) == expected  # a pool, on a machine with 2 CPUs or more
    assert draw_all(operator.add, jobs, per_worker=100) == expected  # this process
