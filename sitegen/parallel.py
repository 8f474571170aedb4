"""Both cores: per-item work fanned out over worker processes, results in input order.

Workers are forked, so they start with the parent's memory (the site model, the template
environment, the Markdown cache) and nothing needs pickling but the items and the results.
Where fork is not the safe default (Windows, macOS) the work runs in this process; the
results are the same either way.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a pool costs more than it saves.
MIN_ITEMS = 200
# The context handed to workers; set just before forking, so they inherit it.
_context: Any = None


class Progress(Protocol):
    def __call__(self, label: str, total: int) -> AbstractContextManager[Callable[[int], None]]: ...


@contextmanager
def no_progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    yield lambda n: None


def default_jobs() -> int:
    """The CPUs this process may use (a container's limit, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _run_chunk(fn: Callable[[Any, Any], Any], chunk: Sequence[Any]) -> list[Any]:
    return [fn(_context, item) for item in chunk]


class Workers:
    """Runs ``fn(context, item)`` for many items on ``jobs`` processes."""

    def __init__(self, jobs: int, progress: Progress = no_progress) -> None:
        self.jobs = max(1, jobs)
        self.progress = progress

    def map(self, fn: Callable[[Any, T], R], items: Sequence[T], context: Any = None, label: str = "") -> list[R]:
        """``[fn(context, item) for item in items]``, in parallel when it pays.

        ``fn`` must be a module-level function. ``context`` reaches the workers by fork,
        never by pickling, so it may be large.
        """
        global _context
        with self.progress(label, len(items)) as advance:
            if self.jobs == 1 or len(items) < MIN_ITEMS or not _can_fork():
                results = []
                for item in items:
                    results.append(fn(context, item))
                    advance(1)
                return results
            # Small chunks balance the load; not so small that pickling dominates.
            size = max(1, min(64, len(items) // (self.jobs * 8)))
            chunks = [items[i : i + size] for i in range(0, len(items), size)]
            _context = context
            # Objects the workers inherit should not be touched by their garbage collector:
            # that would copy every page of the parent's heap into each worker.
            gc.freeze()
            try:
                with ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork")) as pool:
                    futures = [pool.submit(_run_chunk, fn, chunk) for chunk in chunks]
                    results = []
                    for future, chunk in zip(futures, chunks):
                        results.extend(future.result())
                        advance(len(chunk))
            finally:
                gc.unfreeze()
                _context = None
            return results
