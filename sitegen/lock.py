"""One build at a time per site: a lock on the site's folder and on ``.sitegen-cache/lock``.

Two builds of one site at once would import the same seeds twice (``slug-2`` for a slug
that is free) and write over each other's cache. The lock is ``flock``: the system releases
it when its holder ends, however it ends, so a killed build never leaves a site locked. It
is taken on the site's folder itself, which deleting the cache (safe at any time) cannot
take away, and on a file in the cache folder, into which the holder writes its pid for the
message the next one shows, and which serves alone where a folder cannot be locked (some
network file systems). Where there is no ``fcntl`` (Windows), builds are not locked.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .cache import cache_dir, make_cache_dir
from .errors import SitegenError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = "lock"

OnWait = Callable[[str], None]
"""Told, once, that the build waits for another one to end (the message says so)."""

# Descriptors of the locks this process holds. A forked worker closes its copies at once:
# a flock belongs to every descriptor of the open file, and a worker left behind by a
# killed build must not keep the site locked.
_held: set[int] = set()


def _close_held() -> None:
    for fd in _held:
        with contextlib.suppress(OSError):
            os.close(fd)
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_held)


class LockError(SitegenError):
    """Another sitegen process is building the same site."""


_NOT_A_FILE = "is {what}; sitegen keeps its build lock in a file of its own there: remove it"
_WRITES_IN_SITE = (
    "a build writes in the site's folder, wherever its output goes: its lock and cache in .sitegen-cache/,"
    " and in content/ the articles it imports and the ledger of what readers were shown (to commit back);"
    " build in a writable checkout or copy of the site"
)


@contextlib.contextmanager
def site_lock(site_dir: Path, wait: bool = True, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the site's build lock for the ``with`` block.

    When another process holds it: with ``wait``, call ``on_wait`` once with a message
    and block until it is free; without, raise LockError.
    """
    if fcntl is None:
        yield  # type: ignore[unreachable]  # on a system without fcntl (Windows): no lock
        return
    path = cache_dir(site_dir) / LOCK_NAME
    try:
        make_cache_dir(site_dir)
        # Never through a link: the holder truncates the file, which would empty its target.
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as e:
        cache = cache_dir(site_dir)
        if os.path.islink(cache):
            raise LockError(cache, "is a symbolic link; sitegen keeps its build cache in a folder of the site's own, never where a link leads: remove the link") from e
        if os.path.lexists(cache) and not cache.is_dir():
            raise LockError(cache, "is a file, where sitegen keeps its build cache (a folder): remove it, or rename it if it is yours") from e
        if e.errno == errno.ELOOP or os.path.islink(path):
            raise LockError(path, _NOT_A_FILE.format(what="a symbolic link")) from e
        if e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            # A read-only checkout (some CI setups): --output elsewhere is not enough.
            raise LockError(path, f"cannot be written: {e.strerror}: {_WRITES_IN_SITE}") from e
        raise LockError(path, f"cannot be written: {e.strerror or e}") from e
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # a FIFO or a device: it cannot hold a pid
        os.close(fd)
        raise LockError(path, _NOT_A_FILE.format(what="not a regular file"))
    _held.add(fd)
    folder = _open_folder(site_dir)
    told: list[str] = []

    def said(message: str) -> None:
        if on_wait is not None and not told:  # once for both locks
            told.append(message)
            on_wait(message)

    def take(lock: int, optional: bool = False) -> None:
        try:
            _take(lock, wait, said, lambda: _holder(fd), f"another sitegen build of {site_dir.resolve()} is running", "another sitegen build of this site")
        except OSError:
            # A folder a file system cannot lock (NFS takes an exclusive lock only on a file
            # open for writing): the lock in the cache folder serves alone.
            if not optional:
                raise

    try:
        if folder is not None:
            take(folder, optional=True)
        take(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield
        finally:
            # Emptied before it is released: a pid left in the file would name the wrong holder.
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
    finally:
        for lock in (fd, folder):
            if lock is not None:
                _held.discard(lock)
                os.close(lock)  # releases the lock


@contextlib.contextmanager
def output_lock(output_dir: Path, wait: bool = True, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the output folder's lock for the ``with`` block, as ``site_lock`` holds the site's.

    Two sites, or two checkouts of one, built into one folder at once (two CI jobs deploying
    to /srv/www/news) each removed the other's files and left a mixture of both, one of them
    failing on files gone from under it. The lock is taken on the folder itself, so that
    nothing is written into it (its files are published as they are); the folder is made
    for it, and removed again if the build leaves it empty. Where a folder cannot be locked
    (some network file systems), builds into it are not locked.
    """
    if fcntl is None:
        yield  # type: ignore[unreachable]  # on a system without fcntl (Windows): no lock
        return
    made = not os.path.lexists(output_dir)
    with contextlib.suppress(OSError):  # the build says so, naming the folder, when it writes there
        output_dir.mkdir(parents=True, exist_ok=True)
    folder = _open_folder(output_dir)
    try:
        if folder is not None:
            busy = f"another sitegen build is writing to {output_dir.resolve()}"
            with contextlib.suppress(OSError):  # a folder the file system cannot lock
                _take(folder, wait, on_wait, lambda: _building_pid(output_dir), busy, f"another sitegen build writing to {output_dir}")
        yield
    finally:
        if folder is not None:
            _held.discard(folder)
            os.close(folder)  # releases the lock
        if made:
            with contextlib.suppress(OSError):
                output_dir.rmdir()  # only if the build left it empty (it failed before writing)


def _take(lock: int, wait: bool, on_wait: Callable[[str], None] | None, holder: Callable[[], str], busy: str, waiting: str) -> None:
    """Lock ``lock``. Held by another build (``holder()`` says which: `` (pid N)`` or ""):
    with ``wait``, say so through ``on_wait`` and wait for it; without, raise LockError.
    ``busy`` and ``waiting`` name that build, its pid then following."""
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        who = holder()
        if not wait:
            raise LockError(None, f"{busy}{who}; try again when it ends") from None
        if on_wait is not None:
            on_wait(f"waiting for {waiting}{who} to finish")
        fcntl.flock(lock, fcntl.LOCK_EX)


def _building_pid(output_dir: Path) -> str:
    """`` (pid N)`` for the build writing to ``output_dir``, as its mark says (output.BUILDING)."""
    from .output import BUILDING

    for _ in range(20):  # the holder marks the folder once it has planned its files
        try:
            first = (output_dir / BUILDING).read_text(encoding="ascii", errors="replace").split(maxsplit=1)[:1]
        except OSError:
            first = []
        if first and first[0].isdigit() and _alive(int(first[0])):  # not a killed build's mark
            return f" (pid {first[0]})"
        time.sleep(0.01)
    return ""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # alive, under another user
        return True
    return True


def _open_folder(site_dir: Path) -> int | None:
    """The site folder, open to be locked; None when it cannot be opened."""
    try:
        fd = os.open(site_dir, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    _held.add(fd)
    return fd


def _holder(fd: int) -> str:
    """`` (pid N)`` for the process holding the lock, or "" when it has not said yet."""
    # The holder writes its pid just after taking the lock: give it a moment to.
    for _ in range(20):
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        if text.isdigit():
            return f" (pid {text})"
        time.sleep(0.01)
    return ""
