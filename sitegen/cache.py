"""The persistent build cache: what the last build read, made and wrote, so the next one
redoes only what changed.

It lives in ``<site>/.sitegen-cache/`` (git-ignored by the ``.gitignore`` it carries, safe to
delete). Two files, each written atomically and checked on load:

- ``state.bin``: every input file the last build read (size, mtime, SHA-256), every output
  file it wrote (with the key of the inputs it came from), and the last build's report;
- ``articles-0.bin`` ... ``articles-f.bin``: each content file's parse result (the Markdown
  -> HTML work included), in 16 shards so that one edited article rewrites a sixteenth.

A cache made by another sitegen (code, libraries or Python), a truncated or altered file, or
one that does not decode, is discarded as a whole: the build is then a clean one.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .output import write_if_changed

CACHE_DIR = ".sitegen-cache"
FORMAT = 3
_MAGIC = b"sitegen-cache\n"
# Libraries whose version changes what a build makes.
_LIBRARIES = ("jinja2", "markdown", "feedgen", "lxml", "pyyaml", "python-frontmatter", "python-slugify", "markupsafe")
# A file whose mtime is this close to the moment it was looked at may change again
# without its mtime moving (file system timestamps are coarse): such a file is trusted
# only after comparing its SHA-256, as git does with "racily clean" index entries.
RACY_NS = 50_000_000


def digest(data: bytes | str) -> str:
    """SHA-256 of ``data`` (text as UTF-8), as hex."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def generator_id() -> str:
    """Identifies the code that makes the output: sitegen's own source, its libraries, Python.

    Hashing the source, not just ``__version__``, means an edited checkout never trusts a
    cache that an older copy of the code made.
    """
    parts = [f"format {FORMAT}", sys.version]
    package = Path(__file__).parent
    for path in sorted(package.glob("*.py")):
        parts.append(f"{path.name} {digest(path.read_bytes())}")
    versions = _library_versions()
    parts += [f"{name} {versions.get(name, '-')}" for name in _LIBRARIES]
    return digest("\n".join(parts))


def _library_versions() -> dict[str, str]:
    # The names of installed distributions' metadata folders carry their versions; listing
    # them is much cheaper than importing importlib.metadata on every build.
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project, _, version = name[: -len(".dist-info")].partition("-")
                key = project.lower().replace("_", "-").replace(".", "-")
                if key in _LIBRARIES:
                    found.setdefault(key, version)
    return found


class FileState(NamedTuple):
    """An input file as the build saw it: stat before reading, SHA-256 of the bytes used.

    A named tuple: a build makes one for every input file, and it is stored as a tuple.
    """

    size: int
    mtime_ns: int
    sha: str
    checked_ns: int
    """When the stat was taken; decides whether the mtime alone can be trusted later."""

    @property
    def racy(self) -> bool:
        return self.mtime_ns >= self.checked_ns - RACY_NS

    def as_tuple(self) -> tuple[int, int, str, int]:
        return (self.size, self.mtime_ns, self.sha, self.checked_ns)  # marshal stores plain tuples only


def read_file(path: Path) -> tuple[bytes, FileState]:
    """The bytes of ``path`` and its state: stat first, so a change while reading shows next time."""
    checked = time.time_ns()
    st = path.stat()
    data = path.read_bytes()
    return data, FileState(st.st_size, st.st_mtime_ns, digest(data), checked)


class Inputs:
    """Reads input files and remembers what was read, so the next build can tell what changed."""

    def __init__(self, previous: dict[str, tuple[int, int, str, int]] | None = None) -> None:
        """``previous``: the last build's file states (BuildState.inputs)."""
        # Kept as stored: most entries are only compared, never needed as objects.
        self.previous = previous or {}
        self.seen: dict[str, FileState] = {}
        # Files already compared with the last build's in this one (importing looks at
        # content files before loading them); a file this build writes is forgotten.
        self._checked: dict[str, FileState | None] = {}
        self.reverified = 0
        """Racy files found unchanged by their content: worth remembering as settled."""

    def read(self, path: Path) -> bytes:
        """The bytes of ``path``, recorded. Raises OSError like ``Path.read_bytes``."""
        data, self.seen[str(path)] = read_file(path)
        return data

    def wrote(self, path: Path, data: bytes) -> None:
        """Record a file this build wrote (and reads later) as an input of the next build."""
        self.forget(path)
        checked = time.time_ns()
        st = path.stat()
        self.seen[str(path)] = FileState(st.st_size, st.st_mtime_ns, digest(data), checked)

    def record(self, path: Path, state: FileState) -> None:
        self.seen[str(path)] = state

    def unchanged(self, path: Path | str, sha: str | None = None) -> bool:
        """True when ``path`` holds what the last build read (bytes with SHA-256 ``sha``, if
        given); it is then recorded as seen again."""
        state = self._check(path)
        if state is not None and sha is not None and state.sha != sha:
            return False
        if state is not None:
            self.seen[str(path)] = state
        return state is not None

    def same(self, path: Path | str) -> bool:
        """True when ``path`` holds what the last build read; records nothing."""
        return self._check(path) is not None

    def forget(self, path: Path | str) -> None:
        """``path`` was written by this build: look at it afresh."""
        self._checked.pop(str(path), None)

    def _check(self, path: Path | str) -> FileState | None:
        name = str(path)
        if name not in self._checked:
            self._checked[name] = self._compare(name)
        return self._checked[name]

    def _compare(self, path: str) -> FileState | None:
        stored = self.previous.get(path)
        if stored is None:
            return None
        old = FileState._make(stored)
        try:
            st = os.stat(path)
        except OSError:
            return None
        if (st.st_size, st.st_mtime_ns) != (old.size, old.mtime_ns):
            return None
        if not old.racy:
            return old
        checked = time.time_ns()
        try:
            with open(path, "rb") as f:
                if digest(f.read()) != old.sha:
                    return None
        except OSError:
            return None
        self.reverified += 1
        return FileState(old.size, old.mtime_ns, old.sha, checked)

    def settle(self) -> None:
        """Re-check the racy files read in this build, so the next one can trust their mtime.

        A file still racy now (written in the last moments) keeps its flag and is compared
        by content next time. A file whose bytes no longer match is forgotten: it changed
        while the build ran, and the next build must read it again.
        """
        now = time.time_ns()
        for name, state in list(self.seen.items()):
            if not state.racy:
                continue
            path = Path(name)
            try:
                st = path.stat()
                if (st.st_size, st.st_mtime_ns) != (state.size, state.mtime_ns) or digest(path.read_bytes()) != state.sha:
                    del self.seen[name]
                    continue
            except OSError:
                del self.seen[name]
                continue
            self.seen[name] = FileState(state.size, state.mtime_ns, state.sha, now)

    def snapshot(self) -> dict[str, tuple[int, int, str, int]]:
        return {k: v.as_tuple() for k, v in sorted(self.seen.items())}


@dataclass
class BuildState:
    """Everything the cache remembers of the last build; empty for a clean build."""

    generator: str = ""
    output_dir: str = ""
    inputs: dict[str, tuple[int, int, str, int]] = field(default_factory=dict)
    """Every input file read: path -> FileState fields."""
    outputs: dict[str, tuple[str, int, int, tuple[str, ...]]] = field(default_factory=dict)
    """Every output file written: site path -> (key, size, mtime_ns, what its template read)."""
    seeds: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    """Seed path -> what importing it came to (seeds.Outcome)."""
    import_key: str = ""
    """The import settings those outcomes were found with (seeds.import_key)."""
    report: dict[str, Any] = field(default_factory=dict)
    """The last build's counts, errors and warnings, replayed when nothing changed."""
    templates: dict[str, tuple[str, ...] | None] = field(default_factory=dict)
    """Template source digest -> the templates it refers to (render.Renderer)."""
    articles: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    """Content path -> parse record (content.py), the rendered HTML included."""
    reason: str = "no cache yet"
    """Why the cache could not be used, when it could not."""


_SMALL = ("generator", "output_dir", "inputs", "outputs", "seeds", "import_key", "report", "templates")


def _load_blob(path: Path) -> Any:
    data = path.read_bytes()
    head, _, payload = data.partition(b"\n\n")
    magic, _, checksum = head.partition(b"\n")
    if magic + b"\n" != _MAGIC or checksum.decode("ascii", "replace") != digest(payload):
        raise ValueError(f"{path.name} is damaged")
    return marshal.loads(payload)


def _save_blob(path: Path, value: Any) -> None:
    payload = marshal.dumps(value)
    write_if_changed(path, _MAGIC + digest(payload).encode("ascii") + b"\n\n" + payload)


def cache_dir(site_dir: Path) -> Path:
    return site_dir / CACHE_DIR


def make_cache_dir(site_dir: Path) -> Path:
    """The cache folder, created if need be."""
    folder = cache_dir(site_dir)
    if not folder.is_dir():
        folder.mkdir(parents=True)
        # Like .pytest_cache: git ignores the folder, backup tools skip it.
        (folder / ".gitignore").write_text("# Created by sitegen; safe to delete.\n*\n", encoding="utf-8")
        (folder / "CACHEDIR.TAG").write_text(
            "Signature: 8a477f597d28d172789f06886806bc55\n# The sitegen build cache; see https://bford.info/cachedir/\n",
            encoding="utf-8",
        )
    return folder


def load_state(site_dir: Path, generator: str) -> BuildState:
    """The last build's state, or an empty one (with the reason) when it cannot be trusted.

    The article records are left out; ``load_articles`` reads them when they are needed.
    """
    path = cache_dir(site_dir) / "state.bin"
    if not path.exists():
        return BuildState()
    try:
        small = _load_blob(path)
        if not isinstance(small, dict) or small.get("format") != FORMAT:
            raise ValueError("made by another version of the cache format")
        if small.get("generator") != generator:
            return BuildState(reason="made by another version of sitegen or its libraries")
        return BuildState(**{k: small[k] for k in _SMALL}, reason="")
    except (OSError, ValueError, EOFError, TypeError, KeyError) as e:
        return BuildState(reason=f"cache discarded: {e}")


SHARDS = "0123456789abcdef"


def _shard(path: str) -> str:
    # Any stable spread will do; CRC-32 is a tenth of the cost of SHA-256 here.
    return SHARDS[zlib.crc32(path.encode("utf-8")) & 15]


def load_articles(site_dir: Path, state: BuildState) -> dict[str, tuple[Any, ...]]:
    """The article records of the build ``state`` describes; a damaged shard is left out.

    Each record names the bytes it was made from (content.py checks them against the
    inputs), so a shard from a build whose state.bin was never written does no harm.
    """
    records: dict[str, tuple[Any, ...]] = {}
    if state.reason:
        return records
    for shard in SHARDS:
        try:
            blob = _load_blob(cache_dir(site_dir) / f"articles-{shard}.bin")
            if isinstance(blob, dict) and blob.get("generator") == state.generator and isinstance(blob.get("records"), dict):
                records.update(blob["records"])
        except (OSError, ValueError, EOFError, TypeError):
            continue
    return records


def save_state(site_dir: Path, state: BuildState, previous_articles: dict[str, tuple[Any, ...]] | None = None) -> None:
    """Write the cache; only the article shards whose records changed are rewritten."""
    folder = make_cache_dir(site_dir)
    if previous_articles is not state.articles:
        new: dict[str, dict[str, tuple[Any, ...]]] = {shard: {} for shard in SHARDS}
        old: dict[str, dict[str, tuple[Any, ...]]] = {shard: {} for shard in SHARDS}
        for name, record in state.articles.items():
            new[_shard(name)][name] = record
        for name, record in (previous_articles or {}).items():
            old[_shard(name)][name] = record
        for shard in SHARDS:
            path = folder / f"articles-{shard}.bin"
            if new[shard] != old[shard] or not path.exists():
                _save_blob(path, {"generator": state.generator, "records": new[shard]})
    small = {k: getattr(state, k) for k in _SMALL}
    small["format"] = FORMAT
    _save_blob(folder / "state.bin", small)


def scan(site_dir: Path, template_dirs: list[Path], content_dir: Path) -> set[str]:
    """Every file a build would read, by the same rules the steps use to find them."""
    found: set[str] = set()
    config = site_dir / "sitegen.toml"
    if config.is_file():
        found.add(str(config))
    found.update(find_files(site_dir / "seeds", ".txt", recursive=False))
    found.update(find_files(content_dir, ".md", recursive=True))
    ledger = content_dir / ".sitegen-updated.json"
    if ledger.is_file():
        found.add(str(ledger))
    for folder in template_dirs:
        found.update(find_files(folder, "", recursive=True))
    return found


def find_files(folder: Path | str, suffix: str, recursive: bool) -> list[str]:
    """Paths of the files in ``folder`` whose names end in ``suffix``, sorted.

    os.scandir and plain strings, not pathlib: this runs on every build, over every file
    of the site, and sorting Path objects alone costs a tenth of a second at 10,000 files.
    """
    found: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    for entry in entries:
        if entry.is_dir():
            if recursive:
                found.extend(find_files(entry.path, suffix, recursive))
        elif entry.name.endswith(suffix):
            found.append(entry.path)
    found.sort()
    return found
