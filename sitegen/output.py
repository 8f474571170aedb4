"""The only writer of sitegen's files: every write is atomic, identical bytes are left alone,
output paths stay inside the output folder, and files an earlier build wrote that are no
longer produced are removed.

Every file sitegen writes (content files, the ledger, the cache, output files, the manifest)
goes to a temp file of its own in the target's folder and is then renamed onto the target.
A killed build or a full disk leaves the old file or the new one, never an empty or torn
one, and two processes never share a temp file. What a killed build can leave is a temp
file, ``.<name>.<random>.sitegen-tmp``; the next build removes those (build.py).
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import json
import os
import random
import shutil
import stat
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from . import urls
from .errors import OutputError, shown_path

# What the last build wrote. Only files listed here are ever deleted, so pointing
# --output at a folder with other files in it never loses them.
MANIFEST = ".sitegen-manifest.json"
# The end of every temp file's name; only such files are ever cleaned up.
TEMP_SUFFIX = ".sitegen-tmp"
# In the output folder while a build writes there (from record_planned to finish_output):
# found by the next build, it says the last one was killed and may have left temp files.
BUILDING = ".sitegen-building"

# Folders a site is never built into, by name (so also before they exist); a virtual
# environment of another name is known by its pyvenv.cfg.
_KEPT_BY = {
    ".git": "git's own folder",
    ".hg": "Mercurial's own folder",
    ".svn": "Subversion's own folder",
    ".venv": "a Python virtual environment",
}

_BINARY = getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
# Output folders found to be real folders (no symbolic link on the way) in this build.
# Forgotten when a build starts and ends: a folder may be swapped for a link in between.
_real_folders: set[str] = set()
# The manifest as last read, by its bytes (with its paths, and the list they are in): a build
# reads it up to six times, and parsing the 50,000 paths of a large site's took a tenth of a
# second each time.
_manifests: dict[str, tuple[bytes, frozenset[str], Sequence[object]]] = {}


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


class _LinkOnTheWay(Exception):
    def __init__(self, folder: str) -> None:
        super().__init__(folder)
        self.folder = folder


def write_if_changed(target: Path | str, data: bytes | bytearray) -> bool:
    """Write ``data`` to ``target`` unless it already holds it; True when written.

    Raises OutputError (naming ``target``) when the file cannot be written.
    """
    path = os.fspath(target)
    try:
        return _write(path, data, make_folder=True)[0]
    except OSError as e:
        raise OutputError(path, f"cannot be written: {_reason(e)}") from e


def _reason(e: OSError) -> str:
    return e.strerror or str(e)


def _write(path: str, data: bytes | bytearray, make_folder: bool, publish: bool = True) -> tuple[bool, os.stat_result, str | None]:
    """Write ``data`` to ``path`` unless it holds it already: (written, the file's stat).

    Written to a temp file in the same folder, then renamed over ``path``, for new files
    too: a killed process leaves no empty file, a reader never sees half a page, and a
    symbolic link at ``path`` is replaced, never followed. Few system calls (a build writes
    thousands of files): no fsync, which would cost more than the whole build; what a
    killed process wrote survives it in the page cache.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        pass
    else:
        if stat.S_ISREG(st.st_mode) and st.st_size == len(data) and _holds(path, data):
            return False, st, None
    tmp, fd = _open_temp(path, make_folder)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            st = os.fstat(fd)
        finally:
            os.close(fd)
        if not publish:
            return True, st, tmp
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True, st, None


COMPARED_BYTES = 1 << 20
"""The most of a file read at once to compare it with what would be written (any page is
read in one go)."""


def _holds(path: str, data: bytes | bytearray) -> bool:
    """True when the file at ``path``, of the size of ``data``, holds ``data``.

    os.read rather than open(): three system calls instead of eight, on every file a
    build renders and finds unchanged.
    """
    fd = os.open(path, os.O_RDONLY | _BINARY)
    try:
        # Compared a part at a time, not read whole: the build cache's state.bin (52 MB at
        # 50,000 articles) was held twice more while it was compared.
        with memoryview(data) as expected:
            at = 0
            while at < len(expected):
                chunk = os.read(fd, min(COMPARED_BYTES, len(expected) - at))
                if not chunk or expected[at : at + len(chunk)] != chunk:
                    return False
                at += len(chunk)
    finally:
        os.close(fd)
    return True


def _open_temp(path: str, make_folder: bool) -> tuple[str, int]:
    """A new temp file beside ``path``, open for writing: (its path, its descriptor)."""
    folder, name = os.path.split(path)
    if len(os.fsencode(name)) > 200:  # the temp file's name must fit where the target's does
        name = name[:50]
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY
    for _ in range(100):
        # random is reseeded in forked children, so workers never draw the same names.
        tmp = os.path.join(folder, f".{name}.{random.getrandbits(48):012x}{TEMP_SUFFIX}")
        try:
            return tmp, os.open(tmp, flags, 0o666)  # 0o666 less the umask, as for any new file
        except FileExistsError:
            continue
        except FileNotFoundError:
            if not make_folder or not folder:
                raise
            try:
                os.mkdir(folder)
            except FileNotFoundError:
                os.makedirs(folder, exist_ok=True)
            except FileExistsError:
                pass
            make_folder = False
    raise FileExistsError(errno.EEXIST, "no free temp file name", path)


def create_file(target: Path | str, data: bytes) -> None:
    """Write a new file, atomically: FileExistsError if there is one at ``target`` already.

    Written to a temp file beside it, then hard-linked into place, which (unlike a rename)
    never replaces what is there: a file someone made meanwhile is never lost.
    """
    path = os.fspath(target)
    _, _, tmp = _write(path, data, make_folder=True, publish=False)
    if tmp is None:  # the file is there, with these very bytes
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), path)
    try:
        os.link(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


ASIDE_SUFFIX = ".sitegen-aside"
"""The end of the name a file is kept under while replace_unless_changed looks at it
(``.story.md.sitegen-aside``): put back by the next build if the process dies meanwhile."""


def replace_unless_changed(target: Path | str, data: bytes, unchanged: Callable[[str], bool]) -> bool:
    """Replace the file at ``target`` with ``data`` if, when it is replaced, it is still the
    file its reader saw; False when someone changed it meanwhile (it is then left as they
    made it). ``unchanged(path)`` says whether the file at ``path`` is as the reader saw it.

    A check and then a write leave a moment in which a person's save (an editor writes a
    temp file and renames it over the old one) is overwritten unseen. Here the file is first
    renamed aside, which takes whatever is there at that instant out of anyone's way; that
    is what is checked, and the new file is hard-linked into place, which never replaces a
    file someone has made since. Raises OutputError (naming ``target``) on a write error.
    """
    path = os.fspath(target)
    folder, name = os.path.split(path)
    aside = os.path.join(folder, f".{name}{ASIDE_SUFFIX}")
    try:
        if len(os.fsencode(os.path.basename(aside))) > 255:  # no room for the name: check, then write
            if not unchanged(path):
                return False
            _write(path, data, make_folder=True)
            return True
        _, _, tmp = _write(path, data, make_folder=True, publish=False)
        if tmp is None:  # it holds these bytes already
            return True
        try:
            try:
                os.rename(path, aside)
            except FileNotFoundError:
                return _link_unless_there(tmp, path)  # gone meanwhile: made anew, unless made again since
            if not unchanged(aside):
                _link_unless_there(aside, path)  # theirs back (one made since is newer: it stays)
                return False
            # The file's permissions, not a new file's: a draft kept private stays private.
            os.chmod(tmp, stat.S_IMODE(os.lstat(aside).st_mode))
            return _link_unless_there(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):  # renamed into place (_link_unless_there)
                os.unlink(tmp)
            if os.path.lexists(path):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(aside)
            else:  # the link failed: the file as it was goes back
                with contextlib.suppress(FileNotFoundError):
                    os.rename(aside, path)
    except OSError as e:
        raise OutputError(path, f"cannot be written: {_reason(e)}") from e


def _link_unless_there(source: str, path: str) -> bool:
    """``source`` put at ``path`` unless a file is there; False when one is."""
    try:
        os.link(source, path)
    except FileExistsError:
        return False
    except OSError as e:
        if e.errno not in _NO_HARD_LINKS:
            raise
        # A file system without hard links (some network and FUSE mounts): renamed, after a
        # look, leaving a moment in which a file made at ``path`` would be replaced.
        if os.path.lexists(path):
            return False
        os.rename(source, path)
    return True


_NO_HARD_LINKS = frozenset(code for name in ("EPERM", "ENOTSUP", "EOPNOTSUPP", "EMLINK", "ENOSYS") if (code := getattr(errno, name, None)) is not None)


def write_file(out_dir: Path, path: str, data: bytes) -> tuple[bool, int, int]:
    """Write one output file unless it already holds ``data``: (written, size, mtime_ns).

    Raises OutputError for a path that would leave ``out_dir``, for a folder on the way
    that is a symbolic link (it could lead anywhere), and when the file cannot be written.
    """
    staged = stage_file(out_dir, path, data)
    if errors := publish([staged]):
        raise errors[0]
    return staged.written, staged.size, staged.mtime_ns


@dataclass(frozen=True, slots=True)
class Staged:
    """An output file written to its temp file, to be renamed into place by ``publish``."""

    target: str
    temp: str | None
    """None when the file already held these bytes: nothing to publish."""
    size: int
    mtime_ns: int

    @property
    def written(self) -> bool:
        return self.temp is not None


def stage_file(out_dir: Path, path: str, data: bytes) -> Staged:
    """Write ``data`` beside the output file ``path``, unless that file holds it already.

    The file itself is not touched until ``publish``: a build stages every changed file,
    then publishes them together at the end, so a build that fails or is killed half-way
    leaves the site as it was. Raises OutputError as ``write_file`` does.
    """
    try:
        target = urls.safe_join(out_dir, path, resolve=False)
    except ValueError as e:
        raise OutputError(path, str(e)) from e
    name = os.fspath(target)
    try:
        _real_folder(os.fspath(out_dir), os.path.dirname(name), create=True)
        _, st, temp = _write(name, data, make_folder=False, publish=False)
    except _LinkOnTheWay as e:
        raise OutputError(
            name, f"not written: {e.folder} is a symbolic link, and sitegen never writes through one (it could lead out of {out_dir})"
        ) from None
    except OSError as e:
        raise OutputError(name, f"cannot be written: {_reason(e)}") from e
    return Staged(name, temp, st.st_size, st.st_mtime_ns)


def publish(staged: Iterable[Staged]) -> list[OutputError]:
    """Rename staged files into place, in the order given; the errors, each naming its file.

    No temp file outlives the call: a file that cannot be renamed keeps its last good
    version and its temp file is removed, and when something raises half-way (Ctrl-C),
    the files not reached are removed too, not left filling a full disk until the next build.
    """
    pending = [(item.temp, item.target) for item in staged if item.temp is not None]
    errors: list[OutputError] = []
    done = 0
    try:
        for temp, target in pending:
            try:
                os.replace(temp, target)
            except OSError as e:
                _remove(temp)
                errors.append(OutputError(target, f"cannot be written: {_reason(e)}"))
            done += 1
    finally:
        # The one being renamed when it raised is among them (already gone if it was renamed).
        for temp, _ in pending[done:]:
            _remove(temp)
    return errors


def _remove(temp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temp)


def _real_folder(root: str, folder: str, create: bool) -> bool:
    """True when ``folder``, inside ``root``, is a folder with no symbolic link on the way
    from ``root``. With ``create``, missing folders are made, a link raises _LinkOnTheWay
    and a file in the way NotADirectoryError; without, those answer False.

    Each folder is looked at once per build: one lstat, not a realpath per file.
    """
    if folder in _real_folders:
        return True
    if folder == root:  # the output folder itself may be a link: the user chose it
        if create:
            os.makedirs(root, exist_ok=True)
            _real_folders.add(root)
            return True
        return os.path.isdir(root)
    parent = os.path.dirname(folder)
    if parent != folder and not _real_folder(root, parent, create):
        return False
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        if not create:
            return False
        try:
            os.mkdir(folder)
            _real_folders.add(folder)
            return True
        except FileExistsError:  # made by another worker just now
            st = os.lstat(folder)
    if stat.S_ISDIR(st.st_mode):
        _real_folders.add(folder)
        return True
    if not create:
        return False
    if stat.S_ISLNK(st.st_mode):
        raise _LinkOnTheWay(folder)
    # Named as the file it cannot write is (relative to the working folder where it lies in
    # it), and said what to do: an error per file of the folder, each naming it.
    raise NotADirectoryError(errno.ENOTDIR, f"{shown_path(Path(folder))} is a file, where a folder should be: move it away", folder)


def check_output_dir(site_dir: Path, out_dir: Path) -> None:
    """Refuse an output folder that a build would damage the site with: the site folder
    itself, one holding its sources, one inside them, or a file. Raises OutputError."""
    _real_folders.clear()  # a new build: folders are looked at afresh
    site = site_dir.resolve()
    out = out_dir.resolve()
    hint = f"choose a folder of its own, such as {site_dir / 'output'}"
    if out == site:
        raise OutputError(out_dir, f"is the site folder itself; {hint}")
    for name in ("content/", "seeds/", "templates/", "sitegen.toml", ".sitegen-cache/"):
        source = site / name
        if out == source:
            raise OutputError(out_dir, f"is the site's {name}; {hint}")
        if source.is_relative_to(out):
            raise OutputError(out_dir, f"holds the site's {name}, which a build must not write over; {hint}")
        if out.is_relative_to(source):
            raise OutputError(out_dir, f"is inside the site's {name}, which a build must not write into; {hint}")
    if out.exists() and not out.is_dir():
        raise OutputError(out_dir, f"is a file, not a folder; {hint}")
    # `--output ~` (or `--output ~/` for `~/site`) wrote the site's hundred files among the
    # user's own, over any index.html or robots.txt of theirs there.
    try:
        home = Path.home().resolve()
    except (RuntimeError, KeyError, OSError):  # no home folder known
        home = None
    if home is not None and home != Path(home.anchor):  # HOME=/ (a container) says nothing
        if out == home:
            raise OutputError(out_dir, f"is your home folder; {hint}")
        if home.is_relative_to(out):
            raise OutputError(out_dir, f"holds your home folder; {hint}")
    # What version control or Python keep: a build would write its files among theirs, and
    # a later build remove files from there (those it made before). The site itself may
    # live in such a folder (python -m venv ., a checkout under .venv/): only the folders
    # that are not the site's own or above it are looked at.
    around_site = {site, *site.parents}
    for folder in (out, *out.parents):
        if folder in around_site:
            continue
        venv = (folder / "pyvenv.cfg").is_file()
        keeper = _KEPT_BY.get(folder.name) or ("a Python virtual environment" if venv else None)
        if keeper is not None:
            where = "is" if folder == out else f"is inside {folder.name}/,"
            raise OutputError(out_dir, f"{where} {keeper}, which a build must not write into; {hint}")


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | _BINARY
# Larger than any manifest a build writes (a path a line: a 50,000-article site's is a few
# MB). The output folder may be restored by a CI cache or committed, and a manifest of
# gigabytes there (sparse, costing no disk) was read whole: the build ended in a MemoryError.
_OWN_MAX_BYTES = 1 << 30


def _read_own(path: Path) -> bytes | None:
    """The bytes of a file sitegen keeps in the output folder (the manifest, the building
    mark); None when there is none, or what is there is not a regular file: a link is never
    followed and a FIFO never opened for reading, as the output folder may be a committed one
    (docs/ for GitHub Pages) and ``.sitegen-manifest.json -> /dev/zero`` filled the memory;
    None too for one over _OWN_MAX_BYTES, which no build wrote."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError:  # none, a link (ELOOP), unreadable
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > _OWN_MAX_BYTES:
            return None
        with open(fd, "rb", closefd=False) as f:
            # As many bytes as fstat gave and one more, then on to the limit only if that one
            # came (a file growing while read): read(_OWN_MAX_BYTES + 1) at once made a
            # buffer of 1 GiB each time (a build reads the manifest up to six times).
            data = f.read(st.st_size + 1)
            if len(data) > st.st_size:
                data += f.read(_OWN_MAX_BYTES + 1 - len(data))
        return data if len(data) <= _OWN_MAX_BYTES else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _read_manifest(out_dir: Path) -> tuple[bytes | None, frozenset[str]]:
    """The manifest's bytes (None when there is none) and the paths it lists."""
    data, paths, _ = _manifest(out_dir)
    return data, paths


def _manifest(out_dir: Path) -> tuple[bytes | None, frozenset[str], Sequence[object]]:
    """``_read_manifest``, and the list the manifest holds, in its order (empty when it holds none)."""
    path = out_dir / MANIFEST
    data = _read_own(path)
    if data is None:
        return None, frozenset(), ()
    known = _manifests.get(str(path))
    if known is not None and known[0] == data:
        return known
    try:
        listed = json.loads(data.decode("utf-8"))
    except ValueError:
        return data, frozenset(), ()
    if not isinstance(listed, list):
        listed = []
    paths = frozenset(p for p in listed if isinstance(p, str))
    _manifests[str(path)] = (data, paths, listed)
    return data, paths, listed


def _previous(out_dir: Path) -> frozenset[str]:
    return _read_manifest(out_dir)[1]


_ascii_string = json.encoder.encode_basestring_ascii  # json.dumps(text), in C


def _manifest_bytes(paths: Iterable[str]) -> bytes:
    """``json.dumps(sorted(paths), indent=0)`` and a newline, in UTF-8, spelt out: given an
    indent, json writes through its encoder in Python, which took 6 ms for the 13,500 paths
    of a 10,000-article site; here each path is written by json's own function in C."""
    ordered = sorted(paths)
    if not ordered:
        return b"[]\n"
    return ("[\n" + ",\n".join(map(_ascii_string, ordered)) + "\n]\n").encode("ascii")


def _is_manifest_of(data: bytes, listed: Sequence[object], paths: frozenset[str]) -> bool:
    """Whether ``data``, read as the list ``listed`` of ``paths``, is ``_manifest_bytes(paths)``:
    each path once, in order, none holding what json escapes (nothing in ``data`` is
    escaped), and nothing else, as written by sitegen. A look along them, to spare the
    sort and the writing of every path (4 ms at 13,500) of a manifest found unchanged."""
    if len(listed) != len(paths):  # a path twice, or what is not a path
        return False
    if not paths:
        return data == b"[]\n"
    if not data.isascii() or b"\\" in data or b"\x7f" in data:
        return False
    strings = cast("Sequence[str]", listed)  # as many as the paths: each is one
    return all(map(str.__lt__, strings, itertools.islice(strings, 1, None))) and data == ('[\n"' + '",\n"'.join(strings) + '"\n]\n').encode("ascii")


def manifest_lost(out_dir: Path) -> bool:
    """Whether ``out_dir`` holds files but no manifest naming any (deleted or damaged by
    hand, or a folder sitegen did not make): what an earlier build made there is not known,
    so files it made that this build does not would stay (``unlisted``)."""
    if _read_manifest(out_dir)[1]:
        return False
    try:
        with os.scandir(out_dir) as entries:
            return any(entry.name not in (MANIFEST, BUILDING) for entry in entries)
    except OSError:
        return False


def unlisted(out_dir: Path, produced: set[str]) -> list[str]:
    """The files in ``out_dir`` (site paths, sorted) that are not among ``produced`` nor
    sitegen's own (the manifest, its temp files)."""
    found = []
    for folder, dirs, files in os.walk(out_dir):
        dirs.sort()
        relative = os.path.relpath(folder, out_dir).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        found += [prefix + name for name in files if prefix + name not in produced and name not in (MANIFEST, BUILDING) and not name.endswith(TEMP_SUFFIX)]
    return sorted(found)


def record_planned(out_dir: Path, paths: Iterable[str], mark: bool = True) -> None:
    """Before any output is written: list ``paths`` in the manifest with what it lists already.

    A build killed mid-way then leaves a manifest naming every file it may have written, so
    the next build still removes those it no longer makes. Also marks the output folder as
    being written to (finish_output clears the mark), unless ``mark`` is false: a build that
    lists more files later must not take its own mark for a killed build's. Raises OutputError.
    """
    if mark:
        _mark_building(out_dir)
    old, previous = _read_manifest(out_dir)
    # Most often listed already, every one (an edit plans the last build's files): that is
    # asked, not a union of them all made to be compared.
    planned = paths if isinstance(paths, Collection) else list(paths)
    if old is None or not previous.issuperset(planned):
        write_if_changed(out_dir / MANIFEST, _manifest_bytes(previous.union(planned)))


def _mark_building(out_dir: Path) -> None:
    _real_folders.clear()
    marker = out_dir / BUILDING
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        # Written in place: only whether it exists counts, and its own temp file could be
        # the one left behind.
        interrupted = os.path.lexists(marker)
        if interrupted and not stat.S_ISREG(os.lstat(marker).st_mode):
            # sitegen's own name: a link or a FIFO put there is removed, never written through
            # or waited on (opening a FIFO for writing waits for a reader).
            os.unlink(marker)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | _BINARY
        fd = os.open(marker, flags, 0o666)
        try:
            os.write(fd, f"{os.getpid()} {'interrupted' if interrupted else 'clean'}\n".encode("ascii"))
        finally:
            os.close(fd)
    except OSError as e:
        raise OutputError(marker, f"cannot be written: {_reason(e)}") from e


def finish_output(out_dir: Path, produced: set[str], keep_stale: tuple[str, ...] = ()) -> list[str]:
    """Remove the files an earlier build wrote that this one did not (but those under the
    folders ``keep_stale``), and the temp files a killed build left; record what this build
    wrote. Returns the paths removed."""
    root = os.fspath(out_dir)
    removed: list[str] = []
    data, previous, listed = _manifest(out_dir)
    kept = {path for path in previous - produced if path.startswith(keep_stale)} if keep_stale else set()
    for stale in sorted(previous - produced - kept):
        try:
            if not _remove_made(out_dir, stale):
                continue
        except OSError:
            kept.add(stale)  # listed still, so that a later build tries again
            continue
        removed.append(stale)
    if _may_hold_leftovers(out_dir):
        remove_temp_files(root)
    made = produced | kept
    # Listed as they are already (most builds: after an edit, the last one's files), the
    # manifest's own bytes are those to write, and write_if_changed finds them there.
    if data is None or made != previous or not _is_manifest_of(data, listed, previous):
        data = _manifest_bytes(made)
    write_if_changed(out_dir / MANIFEST, data)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(out_dir / BUILDING)
    _real_folders.clear()
    return removed


def _remove_made(out_dir: Path, path: str) -> bool:
    """Remove the file an earlier build made at ``path`` (and the folders it leaves empty):
    True if it did. Never through a link (what it leads to was not written by sitegen),
    never a folder, never outside ``out_dir``; OSError if it is there and cannot be removed."""
    root = os.fspath(out_dir)
    try:
        target = os.fspath(urls.safe_join(out_dir, path, resolve=False))
    except ValueError:
        return False  # a tampered manifest never deletes anything outside out_dir
    try:
        if not _real_folder(root, os.path.dirname(target), create=False) or stat.S_ISDIR(os.lstat(target).st_mode):
            return False
        os.unlink(target)
    except FileNotFoundError:
        return False
    _remove_empty_parents(os.path.dirname(target), root)
    return True


def clear_the_way(out_dir: Path, planned: Iterable[str]) -> list[str]:
    """Remove each file an earlier build made (the manifest says) where a file planned now
    needs a folder, and return their paths: an alias ``old`` written as the file ``old``,
    now as ``old/index.html``. Staging the new file beside its place would fail on it, build
    after build. (Two planned files never stand so: plan._drop_collisions.) Removed before
    the new files are published: a build that fails meanwhile leaves that old address
    unanswered until the next one, as it leaves any file it no longer makes."""
    previous = _previous(out_dir)
    if not previous:
        return []
    folders: set[str] = set()
    for path in planned:
        # Innermost first, stopping at a folder met before (its own are then known too):
        # most files share theirs.
        folder = path.rpartition("/")[0]
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    removed = []
    for path in sorted(previous & folders):
        with contextlib.suppress(OSError):  # staging then says why the new file cannot be written
            if _remove_made(out_dir, path):
                removed.append(path)
    return removed


def interrupted(out_dir: Path) -> bool:
    """True when a build that wrote into ``out_dir`` did not finish: the next one must not
    take the output for up to date (it may hold files no build has recorded as made)."""
    return os.path.lexists(out_dir / BUILDING)


def _read_mark(out_dir: Path) -> tuple[str, str] | None:
    """(pid, "clean" or "interrupted") from the output folder's building mark, if it has one."""
    data = _read_own(out_dir / BUILDING)
    try:
        pid, state = (data or b"").decode("ascii").split()
    except ValueError:  # UnicodeDecodeError too
        return None
    return pid, state


def _may_hold_leftovers(out_dir: Path) -> bool:
    """False only when this process's record_planned found no sign of a killed build."""
    mark = _read_mark(out_dir)
    return mark is None or not (mark[0] == str(os.getpid()) and mark[1] == "clean")


def remove_temp_files(folder: str) -> bool:
    """Remove the temp files a killed build left in ``folder`` and below (links not followed),
    and put back a file it had set aside (replace_unless_changed) where nothing took its place.
    True when a file was put back: a listing of the folder made before misses it."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return False
    restored = False
    for entry in entries:
        try:
            if entry.name.endswith(TEMP_SUFFIX) and entry.name.startswith("."):
                if not entry.is_dir(follow_symlinks=False):
                    os.unlink(entry.path)
            elif entry.name.endswith(ASIDE_SUFFIX) and entry.name.startswith("."):
                # Back in its place, unless a file is there: then that one is newer.
                restored |= _link_unless_there(entry.path, os.path.join(folder, entry.name[1 : -len(ASIDE_SUFFIX)]))
                os.unlink(entry.path)
            elif entry.is_dir(follow_symlinks=False):
                restored |= remove_temp_files(entry.path)
        except OSError:
            continue
    return restored


def scratch_name(prefix: str) -> str:
    """The start of the name of a working folder of this process: ``prefix``, its process
    id, a dash (then tempfile's random part), so that ``remove_orphans`` can tell when the
    process that made it is gone."""
    return f"{prefix}{os.getpid()}-"


def remove_orphans(prefix: str, roots: Iterable[str]) -> None:
    """Remove the working folders named by ``scratch_name(prefix)`` in ``roots`` whose
    process is gone: a process killed (SIGKILL, the machine's out-of-memory killer) leaves
    its folder, which holds a copy of a site (in memory, for /dev/shm) until someone
    removes it. Only this user's, and never one of a process still running."""
    entries: list[os.DirEntry[str]] = []
    for root in sorted(set(roots)):
        with contextlib.suppress(OSError):
            entries += os.scandir(root)
    for entry in entries:
        pid, dash, _ = entry.name.removeprefix(prefix).partition("-")
        # ASCII digits, as scratch_name writes them: str.isdigit takes "²", which int()
        # refuses, and "١٢٣", which int() reads as 123: a folder sitegen never made.
        if not entry.name.startswith(prefix) or not (pid.isascii() and pid.isdigit()) or not dash:
            continue
        try:
            if not entry.is_dir(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_uid != os.getuid():
                continue
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(entry.path, ignore_errors=True)
        except (OSError, OverflowError):  # alive under another user (PermissionError), unreadable, or no process id at all
            continue


def unstage(staged: Iterable[Staged], out_dir: Path) -> None:
    """Remove staged files that are not to be published, and the folders made for them alone."""
    root = os.fspath(out_dir)
    for item in staged:
        if item.temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(item.temp)
            _remove_empty_parents(os.path.dirname(item.temp), root)
    _real_folders.clear()  # some are gone


def _remove_empty_parents(folder: str, root: str) -> None:
    while folder != root and folder.startswith(root + os.sep):
        try:
            os.rmdir(folder)
        except OSError:
            return
        folder = os.path.dirname(folder)
