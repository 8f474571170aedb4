"""The only writer of ``output/``: paths stay inside it, identical bytes are left alone,
and files an earlier build wrote that are no longer produced are removed."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import urls
from .errors import OutputError

# What the last build wrote. Only files listed here are ever deleted, so pointing
# --output at a folder with other files in it never loses them.
MANIFEST = ".sitegen-manifest.json"


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


def write_if_changed(target: Path | str, data: bytes) -> bool:
    """Write ``data`` to ``target`` unless it already holds it; True when written."""
    return _write(os.fspath(target), data)[0]


def _write(path: str, data: bytes) -> tuple[bool, os.stat_result]:
    """Write ``data`` to ``path`` unless it holds it already: (written, the file's stat).

    A file that exists is replaced atomically (temp file + rename), so a site served
    while it is rebuilt never shows a half-written page. A new file is written in place:
    there is nothing to protect, and a rename costs as much again on some file systems.
    Written to take few system calls: a build writes thousands of files.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        fd = os.open(path, flags, 0o666)
    except FileNotFoundError:
        folder = os.path.dirname(path)
        try:
            os.mkdir(folder)
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)
        except FileExistsError:
            pass
        fd = os.open(path, flags, 0o666)
    except FileExistsError:
        st = os.stat(path)
        if st.st_size == len(data):
            with open(path, "rb") as f:
                if f.read() == data:
                    return False, st
        tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        return True, os.stat(path)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        return True, os.fstat(fd)


def _previous(out_dir: Path) -> set[str]:
    try:
        listed = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return {p for p in listed if isinstance(p, str)} if isinstance(listed, list) else set()


def write_file(out_dir: Path, path: str, data: bytes) -> tuple[bool, int, int]:
    """Write one output file unless it already holds ``data``: (written, size, mtime_ns).

    Raises OutputError for a path that would leave ``out_dir``.
    """
    try:
        target = urls.safe_join(out_dir, path, resolve=False)
    except ValueError as e:
        raise OutputError(path, str(e)) from e
    written, st = _write(os.fspath(target), data)
    return written, st.st_size, st.st_mtime_ns


def finish_output(out_dir: Path, produced: set[str]) -> list[str]:
    """Remove the files an earlier build wrote that this one did not; record what it did."""
    removed: list[str] = []
    for stale in sorted(_previous(out_dir) - produced):
        try:
            target = urls.safe_join(out_dir, stale)
        except ValueError:
            continue  # a tampered manifest never deletes anything outside out_dir
        if target.is_file():
            target.unlink()
            removed.append(stale)
            _remove_empty_parents(target.parent, out_dir)
    manifest = (json.dumps(sorted(produced), indent=0) + "\n").encode("utf-8")
    write_if_changed(out_dir / MANIFEST, manifest)
    return removed


def _remove_empty_parents(folder: Path, root: Path) -> None:
    root = root.resolve()
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
