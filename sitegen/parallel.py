"""Both cores: per-item work shared between this process and forked workers, results in
input order.

Workers are forked, so they start with this process's memory (the site model, the
template environment, the Markdown cache) and nothing is pickled but their results. This
process works too, taking chunks from the same counter, so ``jobs`` processes use ``jobs``
cores and only ``jobs - 1`` copies of the memory pages they touch are made. Where fork is
not the safe default (Windows, macOS) the work runs here alone; the results are the same.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, BinaryIO, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a worker costs more than it saves.
MIN_ITEMS = 200


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


class WorkerError(RuntimeError):
    """A worker failed in a way that could not be sent back as it was."""


def _run_chunk(fn: Callable[[Any, Any], Any], context: Any, chunk: Sequence[Any]) -> list[Any]:
    return [fn(context, item) for item in chunk]


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
            done = _map_forked(fn, context, chunks, self.jobs, advance)
            return [result for chunk in done for result in chunk]


def _map_forked(fn: Callable[[Any, Any], Any], context: Any, chunks: list[Sequence[Any]], jobs: int, advance: Callable[[int], None]) -> list[list[Any]]:
    forking = multiprocessing.get_context("fork")
    counter = forking.RawValue("l", 0)
    lock = forking.Lock()

    def claim() -> int:
        with lock:
            index = counter.value
            counter.value += 1
        return index

    results: list[list[Any] | None] = [None] * len(chunks)
    arrived: list[int] = []  # sizes of the chunks workers finished, for the progress bar
    failures: list[BaseException] = []
    children: list[tuple[int, BinaryIO]] = []
    threads: list[threading.Thread] = []
    # Objects the workers inherit should not be touched by a garbage collector: that
    # would copy every page of this process's heap into each worker.
    gc.freeze()
    try:
        for _ in range(jobs - 1):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker
                os.close(read_end)
                _work(fn, context, chunks, claim, write_end)
            os.close(write_end)
            children.append((pid, os.fdopen(read_end, "rb")))
        # Results are read as they come, or a worker would wait on a full pipe.
        for _, reader in children:
            threads.append(threading.Thread(target=_collect, args=(reader, chunks, results, arrived, failures), daemon=True))
            threads[-1].start()
        while (index := claim()) < len(chunks):
            results[index] = _run_chunk(fn, context, chunks[index])
            advance(len(chunks[index]) + _drain(arrived))
        for thread in threads:
            thread.join()
        advance(_drain(arrived))
        for pid, reader in children:
            reader.close()
            _, status = os.waitpid(pid, 0)
            if status != 0 and not failures:
                failures.append(WorkerError(f"a worker process ended with status {os.waitstatus_to_exitcode(status)}"))
        children.clear()
    finally:
        for pid, reader in children:  # interrupted: stop the workers
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except OSError:
                pass
            reader.close()
        gc.unfreeze()
    if failures:
        raise failures[0]
    if any(result is None for result in results):
        raise WorkerError("a worker ended before its work was done")
    return results  # type: ignore[return-value]


def _drain(arrived: list[int]) -> int:
    total = 0
    while arrived:
        total += arrived.pop()
    return total


def _work(fn: Callable[[Any, Any], Any], context: Any, chunks: list[Sequence[Any]], claim: Callable[[], int], fd: int) -> None:
    """A worker's life: take chunks until none is left, send each result back, exit."""
    status = 0
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                while (index := claim()) < len(chunks):
                    pickle.dump((index, _run_chunk(fn, context, chunks[index])), out)
                    out.flush()
            except BaseException as e:  # sent back to be raised in the parent
                status = 1
                try:
                    pickle.dump((-1, e), out)
                except Exception:
                    pickle.dump((-1, WorkerError("".join(traceback.format_exception(e)))), out)
    finally:
        os._exit(status)  # no cleanup of the parent's state: it is not ours


def _collect(reader: BinaryIO, chunks: list[Sequence[Any]], results: list[list[Any] | None], arrived: list[int], failures: list[BaseException]) -> None:
    while True:
        try:
            index, payload = pickle.load(reader)
        except EOFError:
            return
        except Exception as e:  # a worker died mid-message
            failures.append(WorkerError(f"a worker's results could not be read: {e}"))
            return
        if index < 0:
            failures.append(payload)
        else:
            results[index] = payload
            arrived.append(len(chunks[index]))
