"""The worker pool: same results as a loop, in order, errors carried back, nothing lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from sitegen import parallel
from sitegen.errors import ContentError, WorkerDied

PARENT = os.getpid()


def square(context: int, item: int) -> tuple[int, int]:
    time.sleep(0.0005)  # long enough that both processes get a share
    return item * item + context, os.getpid()


def fail_on_seven(context: None, item: int) -> int:
    if item == 7:
        raise ContentError("content/seven.md", "no title", 2)
    return item


def crash_in_worker(context: None, item: int) -> int:
    time.sleep(0.002)
    if os.getpid() != PARENT:
        os._exit(3)  # a worker that dies without a word
    return item


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)


def test_results_in_order_from_this_process_and_a_worker() -> None:
    items = list(range(500))
    results = parallel.Workers(2).map(square, items, context=1)
    assert [r[0] for r in results] == [i * i + 1 for i in items]
    pids = {r[1] for r in results}
    assert len(pids) == 2 and os.getpid() in pids


def test_workers_are_forked_afresh_every_round_and_the_results_stay_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    # A fork per round, so that the copies a worker makes of this process's pages as it
    # works are given back every ROUND_ITEMS items, not kept for the whole build.
    forked_for: list[int] = []
    map_forked = parallel._map_forked

    def counting(fn: Callable[[int, int], tuple[int, int]], context: int, chunks: list[list[int]], jobs: int, advance: Callable[[int], None]) -> list[list[object]]:
        forked_for.append(sum(len(chunk) for chunk in chunks))
        return map_forked(fn, context, chunks, jobs, advance)

    monkeypatch.setattr(parallel, "_map_forked", counting)
    items = list(range(350))
    results = parallel.Workers(2).map(square, items, context=3, fresh_every=100)
    assert [r[0] for r in results] == [i * i + 3 for i in items]
    assert forked_for == [88, 88, 88, 86]  # even rounds: none of a few items, worth no fork
    forked_for.clear()
    assert [r[0] for r in parallel.Workers(2).map(square, items, context=3)] == [r[0] for r in results]
    assert forked_for == [350]  # unasked, one fork for all


@pytest.mark.parametrize("count", [1, 7, 64, 500, 2000])
@pytest.mark.parametrize("jobs", [2, 3])
def test_chunks_cover_every_item_once_and_shrink_towards_the_end(count: int, jobs: int) -> None:
    items = list(range(count))
    chunks = parallel._chunks(items, jobs)
    assert [item for chunk in chunks for item in chunk] == items
    sizes = [len(chunk) for chunk in chunks]
    assert all(1 <= size <= parallel.CHUNK_ITEMS for size in sizes)
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[-1] == 1  # the last process to finish waits for one item at most


def test_one_job_runs_here() -> None:
    assert {pid for _, pid in parallel.Workers(1).map(square, list(range(300)), context=0)} == {os.getpid()}


def test_progress_counts_every_item_once() -> None:
    counted: list[int] = []

    @contextmanager
    def progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
        assert label == "Squaring" and total == 333
        yield counted.append

    parallel.Workers(2, progress).map(square, list(range(333)), context=0, label="Squaring")
    assert sum(counted) == 333


def same(context: None, item: int) -> int:
    return item


def test_the_workers_results_are_each_looked_at_a_few_times_not_once_per_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    # The content of a site is read in one round of chunks (50,000 files: 800 of them).
    # Asking every pending chunk whether it was done after each chunk this process ran
    # made 771,000 asks at 50,000 articles, and 16 times as many at four times the size.
    from concurrent.futures import Future

    asked: list[int] = []
    done = Future.done

    def counted(self: Future[Any]) -> bool:
        asked.append(1)
        return done(self)

    monkeypatch.setattr(Future, "done", counted)
    items = list(range(20_000))
    assert parallel.Workers(2).map(same, items) == items
    chunks = len(parallel._chunks(items, 2))
    assert len(asked) <= 3 * chunks


def test_an_error_in_a_worker_is_raised_here_with_its_file_and_line() -> None:
    # Enough items that the failing one may land in either process.
    for _ in range(3):
        with pytest.raises(ContentError) as info:
            parallel.Workers(2).map(fail_on_seven, list(range(40)))
        assert str(info.value).endswith("seven.md:2: no title")


def killed_in_worker(context: None, item: int) -> int:
    time.sleep(0.002)
    if os.getpid() != PARENT:
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer does
    return item


def test_a_worker_that_dies_is_an_error_not_a_lost_result() -> None:
    with pytest.raises(WorkerDied) as info:
        parallel.Workers(2).map(crash_in_worker, list(range(64)))
    assert str(info.value).startswith("a worker process of the build exited with status 3: the build stopped")


def test_a_worker_killed_is_said_with_its_signal_and_what_to_do() -> None:
    """It was a BrokenProcessPool: 60 lines of traceback, no word of why or what to do."""
    with pytest.raises(WorkerDied) as info:
        parallel.Workers(3).map(killed_in_worker, list(range(64)))
    assert str(info.value) == (
        "a worker process of the build was killed by SIGKILL (as the system does when out of memory): the build stopped,"
        " and the output is as the last build left it; build again, with -j 1 if it keeps happening"
    )


def test_a_worker_killed_while_the_chunks_are_handed_out_is_said_with_its_signal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that died while chunks were still being submitted (killed as it took the
    first, on a busy machine) broke the pool under the submit: a BrokenProcessPool with its
    traceback, not the one line saying what happened and what to do."""
    from concurrent.futures import ProcessPoolExecutor

    submit = ProcessPoolExecutor.submit
    calls: list[object] = []

    def kill_then_submit(self: ProcessPoolExecutor, fn: Callable[..., object], /, *args: object, **kwargs: object) -> object:
        calls.append(fn)
        if len(calls) == 2:  # the workers are forked by the first: one is killed before the second
            for process in list(self._processes.values()):  # type: ignore[attr-defined]
                os.kill(process.pid, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while not self._broken and time.monotonic() < deadline:  # type: ignore[attr-defined]
                time.sleep(0.01)
        return submit(self, fn, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", kill_then_submit)
    with pytest.raises(WorkerDied) as info:
        parallel.Workers(2).map(square, list(range(400)), context=0)
    assert str(info.value).startswith("a worker process of the build was killed by SIGKILL")


_INTERRUPTED = """
import os, signal, sys, time
from pathlib import Path
from sitegen import parallel

# As a terminal's foreground job has it: a job started in the background by a shell (as CI
# scripts may run the tests) inherits SIGINT ignored, and Ctrl-C would never arrive.
signal.signal(signal.SIGINT, signal.default_int_handler)

def work(folder, item):
    # Whichever process takes the last chunk (this one, or a worker) holds it at its last
    # item; the others do the rest, then wait: idle, as workers are when Ctrl-C comes.
    if item == 399:
        (Path(folder) / "holding").touch()
        time.sleep(60)
    else:
        with open(Path(folder) / "done", "a") as done:  # one short append: whole, in any process
            done.write(f"{item}\\n")
    return item

try:
    parallel.Workers(3).map(work, list(range(400)), context=sys.argv[1])
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(130)
"""


def _all_waiting(session: int) -> bool:
    """Whether every process of ``session`` is asleep (state S): none running or ready to run."""
    states = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _, _, of = stat.read_text().rsplit(")", 1)[1].split()[:4]  # after "pid (name)"
        except (OSError, ValueError):
            continue  # a process that ended meanwhile
        if int(of) == session:
            states.append(state)
    return bool(states) and all(state == "S" for state in states)


@pytest.mark.skipif(not parallel._can_fork(), reason="workers are forked on Linux only")
def test_ctrl_c_ends_the_workers_without_a_traceback(tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group: each idle worker printed "Process
    ForkProcess-2: Traceback ... KeyboardInterrupt" under the build's own message."""
    run = subprocess.Popen([sys.executable, "-c", _INTERRUPTED, str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    done = tmp_path / "done"

    def idle() -> bool:
        # Every other item done, and every process waiting (however busy the machine is).
        return (tmp_path / "holding").exists() and done.exists() and len(done.read_text().split()) == 399 and _all_waiting(run.pid)

    try:
        deadline = time.monotonic() + 120
        while not idle():
            assert run.poll() is None and time.monotonic() < deadline, "the workers never came to wait with one chunk held"
            time.sleep(0.05)
        os.killpg(run.pid, signal.SIGINT)  # as a terminal's Ctrl-C
        out, err = run.communicate(timeout=30)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    assert (run.returncode, out, err) == (130, "interrupted\n", "")


@contextmanager
def _worker_sending(result: bytes) -> Iterator[tuple[Any, Any]]:
    """A worker (set up as the pool's are) in the middle of sending ``result``, far more
    than a pipe holds: (the process, the queue it sends on). Killed after, if still alive."""
    import multiprocessing

    forking = multiprocessing.get_context("fork")
    results = forking.SimpleQueue()

    def send() -> None:
        parallel._die_with_parent(os.getppid())
        results.put(result)

    worker = forking.Process(target=send)
    worker.start()
    try:
        assert multiprocessing.connection.wait([results._reader], 10)  # type: ignore[attr-defined]  # sending has begun
        time.sleep(0.05)
        yield worker, results
    finally:
        if worker.is_alive():
            worker.kill()


def test_a_worker_interrupted_while_it_sends_a_result_sends_it_whole() -> None:
    """Ctrl-C ended a worker half way through sending a result: the pool's thread in the
    build process waited for the rest of the message for ever, and the command hung (one
    Ctrl-C in seven, 0.3 s into a build of 1,000 articles). The signal is held until the
    result is whole, and ends the worker then."""
    from conftest import no_hang

    result = b"x" * 20_000_000
    with no_hang(20), _worker_sending(result) as (worker, results):
        os.kill(worker.pid, signal.SIGINT)
        assert results.get() == result
        worker.join(10)
        assert worker.exitcode == 128 + signal.SIGINT  # as _end_quietly ends it, once the result is sent


def test_a_worker_ended_by_the_pool_while_nobody_reads_its_result_ends() -> None:
    """Once a worker died, the pool ends the others with SIGTERM and waits for them, and no
    longer reads their results: one in the middle of sending one, its signals blocked,
    waited in the write for ever, deaf to that SIGTERM, and the build hung. It is held for
    a moment only."""
    from conftest import no_hang

    with no_hang(20), _worker_sending(b"x" * 20_000_000) as (worker, _):
        os.kill(worker.pid, signal.SIGTERM)
        worker.join(10)  # SEND_GRACE, and time to spare
        assert worker.exitcode == 128 + signal.SIGTERM


def _compiled_code() -> dict[str, object]:
    return {"answer": 42, "code": compile("x = 1", "<test>", "exec")}


def _fails() -> object:
    raise ValueError("no answer")


def _waits() -> object:
    time.sleep(60)
    return 0


def _gone(pid: int) -> bool:
    """Whether ``pid`` is no child of this process any more (ended and reaped)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_work_ahead_comes_back_by_marshal_from_a_process_of_its_own() -> None:
    """Code objects, which pickle cannot carry, come back whole, from another process; it
    is reaped, and the answer is kept for whoever asks again."""
    ahead = parallel.Workers(2).ahead(_compiled_code)
    assert ahead is not None
    pid = ahead._pid
    found = ahead.result()
    assert found is not None and found["answer"] == 42
    namespace: dict[str, object] = {}
    exec(found["code"], namespace)  # the test's own code, compiled in the forked process
    assert namespace["x"] == 1
    assert pid is not None and pid != os.getpid() and _gone(pid)
    assert ahead.result() is found


def test_work_ahead_that_fails_or_is_stopped_answers_nothing_and_leaves_no_process() -> None:
    failing = parallel.Workers(2).ahead(_fails)
    assert failing is not None
    pid = failing._pid
    assert failing.result() is None and pid is not None and _gone(pid)
    waiting = parallel.Workers(2).ahead(_waits)
    assert waiting is not None
    pid = waiting._pid
    began = time.monotonic()
    waiting.stop()
    assert time.monotonic() - began < 5 and pid is not None and _gone(pid)
    assert waiting.result() is None  # stopped: nothing to wait for


def test_work_ahead_ends_with_the_workers_that_started_it() -> None:
    """A build that ends before it asks for the answer (an error, Ctrl-C) leaves no process."""
    began = time.monotonic()
    with parallel.Workers(2) as workers:
        ahead = workers.ahead(_waits)
        assert ahead is not None
        pid = ahead._pid
    assert time.monotonic() - began < 5 and pid is not None and _gone(pid)


def test_one_process_works_nothing_ahead() -> None:
    """``jobs=1`` is one process: the caller does the work itself."""
    assert parallel.Workers(1).ahead(_compiled_code) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="named through /proc on Linux")
def test_the_process_working_ahead_is_named_so() -> None:
    """``ps`` shows it as sitegen's, not as another copy of the build."""
    ahead = parallel.Workers(2).ahead(_waits)
    assert ahead is not None and ahead._pid is not None
    try:
        deadline = time.monotonic() + 10
        while (name := Path(f"/proc/{ahead._pid}/comm").read_bytes().strip()) != parallel.AHEAD_NAME and time.monotonic() < deadline:
            time.sleep(0.01)
        assert name == parallel.AHEAD_NAME
    finally:
        ahead.stop()


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts descriptors through /proc on Linux")
def test_work_ahead_that_cannot_fork_is_left_to_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    """No process to be had (too many already, no memory): the caller does the work itself,
    as with one process, and no pipe is left open."""

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    before = _open_descriptors()
    with parallel.Workers(2) as workers:
        assert workers.ahead(_compiled_code) is None
    assert _open_descriptors() == before


@pytest.mark.parametrize("unblocked", [1, 2])
def test_a_signal_that_comes_as_work_ahead_starts_leaves_no_process(monkeypatch: pytest.MonkeyPatch, unblocked: int) -> None:
    """Ctrl-C held while the process is forked comes when signals are let through again
    (the first time: Ahead's own, the second: Workers.ahead's, once it holds the process):
    the process just started ends, as one started earlier does with the with block. Raised
    here as the mask is set back, as a held signal is (a signal sent to this process could
    be taken by another of its threads, pytest-xdist's, at any moment)."""
    fork, mask = os.fork, signal.pthread_sigmask
    forked: list[int] = []
    restored: list[int] = []

    def fork_noting() -> int:
        pid = fork()
        if pid:
            forked.append(pid)
        return pid

    def mask_then_interrupt(how: int, signals: Iterable[int]) -> set[int]:
        old = mask(how, signals)
        if how == signal.SIG_SETMASK and forked:
            restored.append(how)
            if len(restored) == unblocked:
                raise KeyboardInterrupt
        return old

    monkeypatch.setattr(os, "fork", fork_noting)
    monkeypatch.setattr(signal, "pthread_sigmask", mask_then_interrupt)
    try:
        with pytest.raises(KeyboardInterrupt), parallel.Workers(2) as workers:
            workers.ahead(_waits)
        assert len(forked) == 1 and _gone(forked[0])
    finally:
        for pid in forked:
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)


def _a_large_answer() -> bytes:
    return bytes(range(256)) * 8192  # 2 MB: more than a pipe holds (64 KB, 1 MB at most)


def _state(pid: int) -> str:
    """The state ``ps`` shows for ``pid`` (Z: ended, not yet reaped)."""
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads process states through /proc on Linux")
def test_work_ahead_ends_when_its_answer_is_made_not_when_it_is_asked_for() -> None:
    """The process's memory (and every page of the build's heap it still shares, copied as
    the build writes to it) counts for as long as it is there: an answer larger than a pipe
    holds must not keep it waiting for the build to read it."""
    ahead = parallel.Workers(2).ahead(_a_large_answer)
    assert ahead is not None and ahead._pid is not None
    try:
        deadline = time.monotonic() + 10
        while (state := _state(ahead._pid)) != "Z" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert state == "Z"
        assert ahead.result() == _a_large_answer()
    finally:
        ahead.stop()
