"""Both cores: per-item work shared between this process and a concurrent.futures
process pool, results in input order.

The pool's workers are forked, so they start with this process's memory (the site model,
the template environment, the Markdown cache) and nothing is pickled but their results.
This process works too, taking chunks from the same counter as the workers, so ``jobs``
processes use ``jobs`` cores and only ``jobs - 1`` copies are made of the memory pages
they touch. Where fork is not the safe default (Windows, macOS) the work runs here alone;
the results are the same.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Generic, Protocol, TypeVar

from .errors import WorkerDied

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a worker costs more than it saves.
MIN_ITEMS = 200

# The most items a fork of the workers renders (Workers.map's ``fresh_every``). A forked
# worker shares this process's memory until either of them writes to a page, and from then
# on each holds a copy of it. Rendering writes all over the heap (the reference counts of
# every article a page shows, the memos), so the copies grow with the work done, towards a
# second copy of the whole site model; workers forked afresh every so many items share it
# all again. A clean build of 10,000 articles peaked at 305 MiB rendered by one fork, at
# 276 MiB by three; at 2,000 items a fork, 275.
ROUND_ITEMS = 4000

# The most items in one chunk: enough that handing out chunks costs little, few enough
# that the processes finish a round together.
CHUNK_ITEMS = 64


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
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def _run_chunk(fn: Callable[[Any, Any], Any], context: Any, chunk: Sequence[Any]) -> list[Any]:
    return [fn(context, item) for item in chunk]


class Workers:
    """Runs ``fn(context, item)`` for many items on ``jobs`` processes."""

    def __init__(self, jobs: int, progress: Progress = no_progress) -> None:
        self.jobs = max(1, jobs)
        self.progress = progress
        self._ahead: list[Ahead[Any]] = []

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        """End the processes working ahead that are still there: the build is over."""
        for ahead in self._ahead:
            ahead.stop()
        self._ahead.clear()

    def map(self, fn: Callable[[Any, T], R], items: Sequence[T], context: Any = None, label: str = "", fresh_every: int = 0) -> list[R]:
        """``[fn(context, item) for item in items]``, in parallel when it pays.

        ``fn`` must be a module-level function. ``context`` reaches the workers by fork,
        never by pickling, so it may be large. With ``fresh_every``, the workers are forked
        anew for each run of at most that many items (ROUND_ITEMS says why): each fork
        costs its workers the faults that copy again the pages they write, worth it only
        for work that writes to most of a large heap.
        """
        with self.progress(label, len(items)) as advance:
            if self.jobs == 1 or len(items) < MIN_ITEMS or not _can_fork():
                results = []
                for item in items:
                    results.append(fn(context, item))
                    advance(1)
                return results
            done: list[list[R]] = []
            for part in _rounds(items, fresh_every or len(items)):
                done += _map_forked(fn, context, _chunks(part, self.jobs), self.jobs, advance)
            return [result for chunk in done for result in chunk]

    def ahead(self, fn: Callable[[], R]) -> Ahead[R] | None:
        """``fn()`` worked out in a forked process while this one goes on (``Ahead``), when
        the build may use more than one; None when it has one, or cannot fork safely (the
        caller then does the work itself, when it comes to it)."""
        if self.jobs == 1 or not _can_fork() or threading.current_thread() is not threading.main_thread():
            return None
        # A Ctrl-C or SIGTERM is held until the process is among those the with block ends:
        # raised any sooner, it would leave the process running, unreaped.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            ahead = Ahead(fn)
            self._ahead.append(ahead)
        except OSError:  # no process to be had (too many already, no memory): the work is the caller's
            return None
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        return ahead


AHEAD_NAME = b"sitegen-ahead"
"""The name ``ps`` and ``top`` show for an ``Ahead``'s process (a worker is named as the build)."""


def _name_process(name: bytes) -> None:
    """Name this process (Linux's PR_SET_NAME: 15 bytes at most)."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(15, name[:15], 0, 0, 0)  # PR_SET_NAME


class Ahead(Generic[R]):
    """``fn()`` worked out in a forked process of its own, started at once; ``result``
    waits for it. For work of its own on the other core, not a share of a loop's items as
    ``Workers.map``'s: forked early in a build, while this process's heap is small, it
    costs this one few faults (a page both share is copied when either writes to it).

    The result comes back by ``marshal``, which carries what pickle cannot (code objects)
    and nothing that runs when read: plain values and code, from this build's own fork.
    """

    def __init__(self, fn: Callable[[], R]) -> None:
        self._pid: int | None = None
        self._found: R | None = None
        # The answer goes into a file in memory, not a pipe: a pipe holds 64 KB, the theme's
        # templates compiled (ahead.py) some 550 KB, and the process waited in its write
        # until the build asked, its memory counted all the while, with every page of the
        # build's heap it still shared, copied as the build wrote to it. It ends once done.
        answer = os.memfd_create("sitegen-ahead", os.MFD_CLOEXEC)
        parent = os.getpid()
        # Forked with SIGINT and SIGTERM blocked, as the workers are (_map_forked): a signal
        # then cannot interrupt the start of the process in Python's own code.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            try:
                pid = os.fork()
            except OSError:
                os.close(answer)
                raise
            if pid == 0:  # the forked process: its work, its answer, its end; nothing else
                status = 1
                try:
                    gc.disable()  # a collection would copy every page of the heap it walked
                    _end_with_parent(parent)
                    _name_process(AHEAD_NAME)
                    data = memoryview(marshal.dumps(fn()))  # type: ignore[arg-type]  # what fn returns is marshal's to carry (the docstring says)
                    while data:
                        data = data[os.write(answer, data) :]
                    status = 0
                finally:
                    os._exit(status)
            self._pid = pid
            self._answer = answer
        finally:
            try:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            except BaseException:
                # A Ctrl-C or SIGTERM held meanwhile comes here, raised from this
                # constructor: nobody gets this object to stop the process, so it is ended now.
                self.stop()
                raise

    def result(self) -> R | None:
        """What ``fn`` returned, once its process has ended; None if it failed or was
        stopped (the caller does the work itself then)."""
        if self._pid is not None:
            try:
                if self._end(kill=False) == 0:
                    with contextlib.suppress(EOFError, ValueError, TypeError):
                        self._found = marshal.loads(os.pread(self._answer, os.fstat(self._answer).st_size, 0))
            finally:
                os.close(self._answer)
        return self._found

    def stop(self) -> None:
        """End the process if it is still there, its work no longer wanted."""
        if self._pid is not None:
            try:
                self._end(kill=True)
            finally:
                os.close(self._answer)

    def _end(self, kill: bool) -> int:
        """The process's exit status, once it has ended (killed first, with ``kill``)."""
        pid, self._pid = self._pid, None
        assert pid is not None
        try:
            if kill:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            return os.waitpid(pid, 0)[1]
        except BaseException:  # Ctrl-C while it is waited for: nobody wants the answer any more
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)  # killed: at once, and reaped, not left behind
            raise


def _rounds(items: Sequence[T], most: int) -> list[Sequence[T]]:
    """``items`` in rounds of at most ``most``, as even as can be (a round of a few items
    would cost a fork for nothing)."""
    count = -(-len(items) // most)
    size = -(-len(items) // count)
    return [items[i : i + size] for i in range(0, len(items), size)]


def _chunks(items: Sequence[T], jobs: int) -> list[Sequence[T]]:
    """``items`` in chunks for ``jobs`` processes taking turns: each a fraction of what is
    left, so they shrink towards the end of the round and no process waits long for
    another's last chunk; never over CHUNK_ITEMS, so that a slow stretch of items is shared."""
    chunks = []
    start = 0
    while start < len(items):
        size = max(1, min(CHUNK_ITEMS, (len(items) - start) // (jobs * 4)))
        chunks.append(items[start : start + size])
        start += size
    return chunks


# What forked workers share with this process, set just before they are forked.
_shared: tuple[Callable[[Any, Any], Any], Any, list[Sequence[Any]], Any, Any] | None = None


def _release_free_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc only), so that workers are
    not forked with them and the memory figures show what is really in use."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _die_with_parent(parent: int) -> None:
    """In a worker: end when the build process ends, however it ends (a SIGKILL included),
    so that no worker of a killed build goes on writing while the next build runs; and end
    without a word at Ctrl-C."""
    # A worker ended half way through sending a result left half a message in the pipe,
    # which the pool's thread in the build process then waited for the rest of, for ever: a
    # Ctrl-C that hung the command (one in seven, at 0.3 s into a build of 1,000 articles).
    # Held until the result is whole, the signal ends it then, or after a while nobody
    # reads it (_whole).
    import multiprocessing.queues

    multiprocessing.queues.SimpleQueue.put = _whole(multiprocessing.queues.SimpleQueue.put)  # type: ignore[method-assign, assignment]
    _end_with_parent(parent)


def _end_with_parent(parent: int) -> None:
    """In a process forked by the build (a worker, ``Ahead``'s): end when the build process
    ends, however it ends, and without a word at Ctrl-C or SIGTERM."""
    # Ctrl-C reaches every process of the terminal's group: the build process says it was
    # interrupted, and a forked one must end at once and in silence, not print a traceback
    # of the queue it waited on ("Process ForkProcess-3: Traceback ... KeyboardInterrupt").
    # It was forked with SIGINT blocked: one pending is handled here.
    signal.signal(signal.SIGINT, _end_quietly)
    # SIGTERM ends it at once, as the pool ends a worker (the command's own handler,
    # __main__.py, is for the build process).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


# How long a worker that Ctrl-C or SIGTERM came to while it sent a result goes on sending:
# the build process reads a result as fast as it is sent, but no more once its pool has
# ended the workers (a worker killed, Ctrl-C): one not read by then never will be.
SEND_GRACE = 2.0


def _whole(put: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
    """``put`` (a queue's, in a worker) with SIGINT and SIGTERM held until it is done, or
    for SEND_GRACE seconds, then ending the worker."""

    def put_whole(queue: Any, item: Any) -> None:
        if threading.current_thread() is not threading.main_thread():
            return put(queue, item)  # signals are handled in the main thread alone
        came: list[int] = []

        def hold(signum: int, frame: object) -> None:
            # Not blocked (pthread_sigmask): a worker whose result nobody reads would wait
            # in the write for ever, deaf to the SIGTERM the pool ends it with, and the
            # pool (joining it) and the command with it.
            if not came:
                signal.signal(signal.SIGALRM, lambda s, f: os._exit(128 + signum))
                signal.setitimer(signal.ITIMER_REAL, SEND_GRACE)
            came.append(signum)

        ending = {signum: signal.signal(signum, hold) for signum in (signal.SIGINT, signal.SIGTERM)}
        try:
            put(queue, item)
        finally:
            for signum, handler in ending.items():
                signal.signal(signum, handler)
        if came:
            os._exit(128 + came[0])

    return put_whole


def _end_quietly(signum: int, frame: object) -> None:
    os._exit(128 + signum)  # as a shell reports a process ended by that signal


def _claim(counter: Any, lock: Any) -> int:
    with lock:
        index = int(counter.value)
        counter.value = index + 1
    return index


def _claim_and_run() -> tuple[int, list[Any]]:
    """A task for the executor: do the next chunk nobody has claimed, if any is left."""
    assert _shared is not None
    fn, context, chunks, counter, lock = _shared
    index = _claim(counter, lock)
    return (index, _run_chunk(fn, context, chunks[index])) if index < len(chunks) else (-1, [])


def _map_forked(fn: Callable[[Any, Any], Any], context: Any, chunks: list[Sequence[Any]], jobs: int, advance: Callable[[int], None]) -> list[list[Any]]:
    # Imported here: a build with nothing to do should not pay for it.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _shared
    forking = multiprocessing.get_context("fork")
    counter, lock = forking.RawValue("l", 0), forking.Lock()
    results: list[list[Any] | None] = [None] * len(chunks)
    _shared = (fn, context, chunks, counter, lock)
    # Objects the workers inherit should not be touched by a garbage collector: that
    # would copy every page of this process's heap into each worker.
    gc.freeze()
    _release_free_memory()
    pool = ProcessPoolExecutor(jobs - 1, mp_context=forking, initializer=_die_with_parent, initargs=(os.getpid(),))
    forked: list[Any] = []
    futures: list[Any] = []
    collected = 0

    def collect(block: bool) -> None:
        # In the order they were submitted, which is the order the workers take them in; a
        # look that does not wait stops at the first not done. Asking every one left after
        # each chunk run here was quadratic: 771,000 asks for the 800 chunks of reading
        # 50,000 content files. One done out of turn waits for the next look.
        nonlocal collected
        while collected < len(futures):
            future = futures[collected]
            if not block and not future.done():
                return
            index, payload = future.result()
            collected += 1
            if index >= 0:
                results[index] = payload
                advance(len(payload))

    try:
        try:
            # One task per chunk; each takes whichever chunk is next, as this process does.
            # The first submit forks the workers: with SIGINT (and SIGTERM) blocked, so that a Ctrl-C then
            # cannot interrupt a worker's start in Python's own code, with a traceback
            # ("Exception ignored in: <function _after_fork>"); it reaches this process once
            # unblocked.
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
            try:
                futures.append(pool.submit(_claim_and_run))
                # The worker processes (all forked by the first submit), kept to say how one ended.
                forked = list((getattr(pool, "_processes", None) or {}).values())
                futures += [pool.submit(_claim_and_run) for _ in chunks[1:]]
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            while (index := _claim(counter, lock)) < len(chunks):
                results[index] = _run_chunk(fn, context, chunks[index])
                advance(len(chunks[index]))
                collect(block=False)
            collect(block=True)
        except BrokenProcessPool:
            # A worker was killed (kill, the out-of-memory killer) and the pool ended the
            # others: the work cannot be finished. Its exit status is known once all are gone.
            # Found by a submit, too, when one dies while the chunks are still being handed out.
            pool.shutdown(wait=True, cancel_futures=True)
            raise WorkerDied(None, _worker_died(p.exitcode for p in forked)) from None
    finally:
        # Wait for the workers to be gone: they share the counter's memory, which the
        # next call may be given again.
        pool.shutdown(wait=True, cancel_futures=True)
        _shared = None
        gc.unfreeze()
    if any(result is None for result in results):  # never hand back a partial answer
        raise RuntimeError("a chunk of parallel work was lost")
    return results  # type: ignore[return-value]


def _worker_died(exit_codes: Iterable[int | None]) -> str:
    """What to say when a worker died: how, if its exit status tells, and what to do.

    ``exit_codes`` are every worker's: the pool ends the others with SIGTERM once one is
    gone, so the one that died first is the one that did not end so (all did, when SIGTERM
    killed it)."""
    codes = [code for code in exit_codes if code is not None]
    code = next((c for c in codes if c not in (0, -signal.SIGTERM)), codes[0] if codes else None)
    how = "died"
    if code is not None:
        # A signal: -N from the pool; 128 + N from _end_quietly, as a shell says it.
        number = -code if code < 0 else code - 128 if code > 128 else 0
        try:
            name = signal.Signals(number).name
        except ValueError:
            how = f"exited with status {code}" if code else how
        else:
            how = f"was killed by {name}" + (" (as the system does when out of memory)" if number == signal.SIGKILL else "")
    return f"a worker process of the build {how}: the build stopped, and the output is as the last build left it; build again, with -j 1 if it keeps happening"
