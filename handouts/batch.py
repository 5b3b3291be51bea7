"""Both cores for big batches: a function over a list, in worker processes,
with the results in the list's order.

The workers are forked from the build, so they share what it has already
loaded (fonts, brand, validated handouts) and only an index and the result
cross between processes. A HandoutError in a worker comes back as that item's
problems, exactly as without workers; anything else (a bug) is raised in the
build as it would be there. Ctrl-C stops the build: the workers ignore it and
are shut down, and the files written so far are whole (written atomically).
"""

from __future__ import annotations

import os
import signal
from typing import Callable, Iterator, TypeVar

from handouts.errors import HandoutError

T = TypeVar("T")
R = TypeVar("R")

#: Fewer items than this run in this process: starting workers costs more.
MIN_BATCH = 8
#: Items handed to a worker at a time.
CHUNK = 2

_work: tuple[Callable, list] | None = None


def workers(jobs: int | None, items: int) -> int:
    """How many processes to use: ``jobs`` if given (0 or None: one per core
    for a big batch, else one)."""
    if jobs:
        return max(1, jobs)
    if items < MIN_BATCH:
        return 1
    import multiprocessing  # only for a batch big enough to share: a one-handout build needs none

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, items // 2))


def _quiet() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build handles Ctrl-C


def _call(i: int):
    fn, items = _work
    try:
        return True, fn(items[i])
    except HandoutError as exc:
        return False, exc.problems


def ordered_map(fn: Callable[[T], R], items: list[T], jobs: int | None = None
                ) -> Iterator[tuple[T, R | None, list]]:
    """Yield ``(item, fn(item), [])`` in order, or ``(item, None, problems)``
    when ``fn`` raised HandoutError. Each item is let go of (``items[i]`` set
    to None) once its result is out, so a long batch does not hold every one."""
    global _work
    n = workers(jobs, len(items))
    if n == 1:
        for i, item in enumerate(items):
            items[i] = None
            try:
                result = fn(item), []
            except HandoutError as exc:
                result = None, exc.problems
            yield item, *result
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _work = (fn, items)
    pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork"), initializer=_quiet)
    try:
        for i, (ok, value) in enumerate(pool.map(_call, range(len(items)), chunksize=CHUNK)):
            item, items[i] = items[i], None
            yield (item, value, []) if ok else (item, None, value)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _work = None
