"""The persistent build cache: what the last build read, made and wrote, so the next one
redoes only what changed.

It lives in ``<site>/.sitegen-cache/`` (git-ignored by the ``.gitignore`` it carries, safe to
delete). Its files hold typed records (msgspec structs, MessagePack-encoded): data only,
never code, so nothing loaded from it is executed or unpickled. Each file starts with a
magic line naming the format and the SHA-256 of the rest, and is decoded against the
record types; a file that fails either check is ignored and its contents worked out again.

- ``state.bin``: every input file the last build read (stat and SHA-256), every output
  file it wrote (with its key), each seed's import outcome, and the last build's report;
- ``articles-0.bin`` ... ``articles-f.bin``: each content file's parse result (the Markdown
  -> HTML work included), in 16 shards so that one edited article rewrites a sixteenth.

A cache made by another sitegen (code, libraries or Python) is discarded as a whole.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import sys
import time
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar

import msgspec
from isal import isal_zlib

from . import compress
from .config import AuthorKind
from .output import write_if_changed

CACHE_DIR = ".sitegen-cache"
FORMAT = 7
_MAGIC = f"sitegen-cache {FORMAT}\n".encode("ascii")
# Libraries whose version changes what a build makes.
_LIBRARIES = (
    "jinja2", "markdown", "feedgen", "lxml", "pyyaml", "python-frontmatter", "python-slugify", "text-unidecode", "unidecode",
    "markupsafe", "msgspec", "nh3", "tzdata", "babel", "brotli", "isal", "pillow",
)
# A file whose mtime is this close to the moment it was looked at may change again
# without its mtime moving (file system timestamps are coarse): such a file is trusted
# only after comparing its SHA-256, as git does with "racily clean" index entries.
RACY_NS = 50_000_000
_ENCODER = msgspec.msgpack.Encoder()
_MADE_DECODER = msgspec.msgpack.Decoder(tuple[str, tuple[str, ...], str])


def digest(data: bytes | str) -> str:
    """SHA-256 of ``data`` (text as UTF-8), as hex."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def generator_id() -> str:
    """Identifies the code that makes the output: sitegen's own source, its libraries, Python.

    Hashing the source, not just ``__version__``, means an edited checkout never trusts a
    cache that an older copy of the code made.
    """
    # The zlib Python runs with is the system's, whose version no package carries: it
    # gzips the search index's files that sitegen puts in order (search._pack). ISA-L, which
    # makes the gzip copies, picks its code for the CPU it runs on: a cache restored on
    # another machine is trusted only if ISA-L makes the same bytes there.
    parts = [f"format {FORMAT}", sys.version, f"zlib {zlib.ZLIB_RUNTIME_VERSION}", f"gzip copies {compress.sample_digest()}"]
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
            for suffix in (".dist-info", ".egg-info"):
                if not name.endswith(suffix):
                    continue
                project, _, version = name[: -len(suffix)].partition("-")
                key = project.lower().replace("_", "-").replace(".", "-")
                if key in _LIBRARIES:
                    found.setdefault(key, version or "?")
    return found


# ---------------------------------------------------------------------------------------
# Records. array_like: stored as arrays (compact, fast), decoded and checked by type.


class FileState(msgspec.Struct, frozen=True, array_like=True):
    """An input file as the build saw it: stat before reading, SHA-256 of the bytes used.

    ctime and inode are kept beside mtime: an edit restored with its old mtime (``touch -r``,
    ``rsync -t``, tar) still moves the ctime, which no program can set.
    """

    size: int
    mtime_ns: int
    ctime_ns: int
    ino: int
    sha: str
    checked_ns: int
    """When the stat was taken; decides whether the stat alone can be trusted later."""

    @property
    def racy(self) -> bool:
        return max(self.mtime_ns, self.ctime_ns) >= self.checked_ns - RACY_NS

    def same_stat(self, st: os.stat_result) -> bool:
        return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino) == (self.size, self.mtime_ns, self.ctime_ns, self.ino)


def file_state(st: os.stat_result, sha: str, checked_ns: int) -> FileState:
    return FileState(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, sha, checked_ns)


class TagRecord(msgspec.Struct, frozen=True, array_like=True):
    name: str
    slug: str


class AuthorRecord(msgspec.Struct, frozen=True, array_like=True):
    slug: str
    name: str
    bio: str
    url: str
    kind: AuthorKind = "person"


class ImageRecord(msgspec.Struct, frozen=True, array_like=True):
    """An image file in content/, as measured when its article was parsed (images.py)."""

    file: str
    sha: str
    width: int
    """As shown: an EXIF rotation by a quarter turn is taken into account."""
    height: int
    format: str
    """Pillow's name of its format: JPEG, PNG, GIF or WEBP."""
    length: int
    animated: bool = False
    """More than one frame (GIF, PNG, WebP): no resized copy, which would keep only the first."""


class FileRecord(msgspec.Struct, frozen=True, array_like=True):
    """A file of content/ that is not a raster image (a PDF, an SVG, a clip), linked or
    embedded by an article's text and copied as it is (images.read_linked)."""

    file: str
    sha: str
    length: int


class ArticleImage(msgspec.Struct, frozen=True, array_like=True):
    """Front matter ``image`` and its ``image_alt``, ``image_caption``, ``image_credit``."""

    url: str
    """An http(s) URL, for an image elsewhere; "" when ``file`` is set."""
    file: ImageRecord | None
    alt: str
    caption: str
    credit: str


class DateRecord(msgspec.Struct, frozen=True, array_like=True):
    """An aware datetime as ISO text, with the IANA zone it was read in (if any)."""

    iso: str
    zone: str = ""


class CorrectionRecord(msgspec.Struct, frozen=True, array_like=True):
    """One correction of front matter ``corrections``: when it was made, and what it says."""

    date: DateRecord
    text: str
    """Plain text, whitespace folded."""
    line: int = 0
    """Where it is written in the content file, for a message; 0: on the key's line."""


class ArticleRecord(msgspec.Struct, frozen=True, array_like=True):
    """What a content file says, once parsed: everything ``model.Article`` is made of."""

    id: str
    title: str
    slug: str
    path: str
    published: DateRecord
    updated: DateRecord
    summary: str
    body_sha: str
    """SHA-256 of the Markdown text; its HTML is ``body``."""
    body: bytes
    updated_in_front_matter: bool
    content_hash: str
    authors: tuple[AuthorRecord, ...]
    canonical: str
    aliases: tuple[str, ...]
    image: ArticleImage | None
    media: tuple[ImageRecord, ...]
    """Every image file the article shows (its ``image`` and those in its text), to copy."""
    tags: tuple[TagRecord, ...]
    origin: str
    related: tuple[str, ...]
    floating_date: str
    """The front-matter date as written when it gave no UTC offset, else ""."""
    draft: bool
    """A draft, read for a preview (``--drafts``)."""
    summary_is_opening: bool = False
    """The summary is the text's own opening (the importer's, or one worked out from it)."""
    imported: bool = False
    """Made by the importer from a seed (front matter ``seed``): dated by its publisher."""
    attachments: tuple[FileRecord, ...] = ()
    """Every other file of content/ its text links to or embeds (LINKED_SUFFIXES), to copy."""
    html_hash: str = ""
    """The content hash as builds made it before ``content_hash`` hashed the text as written."""
    standalone: bool = False
    """A standalone page (front matter ``page: true``), not an article."""
    order: int | None = None
    """A page's place in the footer (front matter ``order``)."""
    language: str = ""
    """Front matter ``language``: the BCP 47 tag of an article in another language than the site's, or ""."""
    text_image: ArticleImage | None = None
    """The first picture of content/ the text shows, with its alt text, when ``image`` is None."""
    corrections: tuple[CorrectionRecord, ...] = ()
    """Front matter ``corrections``, newest first."""


class ParseRecord(msgspec.Struct, frozen=True, array_like=True):
    """A content file's parse result: an article, a draft, or an error (with its line)."""

    file_sha: str
    reads: dict[str, str]
    """The settings the parse read, each with the digest of its value (deps.py)."""
    warnings: tuple[str, ...] = ()
    seed_hash: str = ""
    """The ``seed_hash`` the importer stamped on the file, if any."""
    seed: str | None = None
    """The seed its ``seed`` field names ("" for none; None when the file could not be
    read): which seed's article it is (content.seed_claims)."""
    article: ArticleRecord | None = None
    draft: bool = False
    error: str = ""
    line: int | None = None
    files: dict[str, str] = {}
    """Other files the parse read (images, linked files), each with its SHA-256 or "absent": the record
    holds while every one of them is as it was."""
    draft_id: str = ""
    """A draft's article id: a build warns when the ledger has it published."""
    retry: bool = False
    """An error that may not recur (a time limit met on a busy machine): the file is parsed
    again by the next build, as a clean build would."""
    source_hash: str = ""
    """Its article's ``source_hash`` (content.source_hash_of the file, its reads and files);
    "" for a record made outside memo.py, whose article works it out."""


class SeedOutcome(msgspec.Struct, frozen=True, array_like=True):
    """What importing a seed came to: "ok", "kept" (edited by hand) or "error"."""

    verdict: str
    message: str = ""
    line: int | None = None


class CopyRecord(msgspec.Struct, frozen=True, array_like=True):
    """A compressed copy of an output file (``page.html.gz``, compress.py) as the last build
    wrote it: made and checked with its original, in the original's record."""

    suffix: str
    """What its path adds to the original's (".gz")."""
    size: int
    mtime_ns: int
    sha: str

    @classmethod
    def of(cls, suffix: str, data: bytes, size: int, mtime_ns: int) -> CopyRecord:
        return cls(suffix, size, mtime_ns, hashlib.sha256(data).hexdigest())


class OutputRecord(msgspec.Struct, frozen=True, array_like=True):
    """An output file as the last build wrote it, with the key it was made under, and its
    compressed copies as written with it."""

    size: int
    mtime_ns: int
    made: msgspec.Raw
    """The key and what the render read, encoded, and decoded only when asked for: a build
    with nothing to do looks at sizes and dates alone, and decoding the keys and reads of
    50,000 files was two thirds of loading the state."""
    sha: str = ""
    """SHA-256 of the bytes written: a file whose date moved (restored by a CI cache that
    keeps whole seconds, as zip and GNU tar do) is known by its bytes to be as written."""
    floor: int = 0
    """For a feed whose byte budget left entries out, the publication number of its oldest
    entry (plan.Rendered.floor): a build that keeps the file as it is knows it all the same,
    and the ledger records it as a clean build would (ledger.with_floors)."""
    copies: tuple[CopyRecord, ...] = ()
    """Its compressed copies, in the order made: one record for a file and its copies,
    not one each (two thirds of a site's files are copies)."""

    @classmethod
    def of(
        cls, key: str, data: bytes, size: int, mtime_ns: int, reads: tuple[str, ...], floor: int = 0, quick: str = "", copies: tuple[CopyRecord, ...] = ()
    ) -> OutputRecord:
        """``data``: the bytes written; ``reads``: the parts of ``site`` and ``config`` its
        render read (deps.py); ``quick``: its quick key under those reads (plan.Output.quick)."""
        return cls(size, mtime_ns, msgspec.Raw(_ENCODER.encode((key, reads, quick))), hashlib.sha256(data).hexdigest(), floor, copies)

    def with_quick(self, quick: str) -> OutputRecord:
        """This record with ``quick`` as its quick key."""
        key, reads, _ = self.made_of()
        return msgspec.structs.replace(self, made=msgspec.Raw(_ENCODER.encode((key, reads, quick))))

    def files(self, path: str) -> list[str]:
        """The paths of the file, at ``path``, and of its copies."""
        return [path, *(path + copy.suffix for copy in self.copies)]

    def as_found(self, path: str, copies: tuple[str, ...] | None = None) -> OutputRecord | None:
        """This record if the file at ``path`` and each of its copies are as they were
        written, with the dates they have now if only those moved; None if one is not there
        or not as written, or (given ``copies``, the suffixes of the copies wanted) if the
        copies made are not those."""
        if not self.copies and not copies:
            # A file without compressed copies (most), as written: one look, no more work.
            # Anything else is told by the whole check (``_as_found``).
            try:
                st = os.lstat(path)
            except OSError:
                return None
            if st.st_size == self.size and st.st_mtime_ns == self.mtime_ns and stat.S_ISREG(st.st_mode):
                return self
        return self._as_found(path, copies)

    def _as_found(self, path: str, copies: tuple[str, ...] | None = None) -> OutputRecord | None:
        """``as_found``, the whole check."""
        if copies is not None and not self.makes(copies):
            return None
        found = self.as_found_in_part(path)
        return found if found is not None and len(found.copies) == len(self.copies) else None

    def makes(self, copies: tuple[str, ...]) -> bool:
        """Whether the copies made are those of ``copies`` (their suffixes), no more, no fewer."""
        made = self.copies
        return len(copies) == len(made) and all(copy.suffix == suffix for copy, suffix in zip(made, copies, strict=True))

    def as_found_in_part(self, path: str, copies: tuple[str, ...] | None = None) -> OutputRecord | None:
        """This record if the file at ``path`` is as it was written, with only those of its
        copies that are too (and, given ``copies``, are among those suffixes), with the
        dates they have now; None if the file is not there or not as written."""
        mtime_ns = _as_written(path, self.size, self.mtime_ns, self.sha)
        if mtime_ns is None:
            return None
        found: list[CopyRecord] = []
        same = mtime_ns == self.mtime_ns
        for copy in self.copies:
            moved = _as_written(path + copy.suffix, copy.size, copy.mtime_ns, copy.sha) if copies is None or copy.suffix in copies else None
            if moved is None:
                same = False
            elif moved == copy.mtime_ns:
                found.append(copy)
            else:
                same = False
                found.append(msgspec.structs.replace(copy, mtime_ns=moved))
        return self if same else msgspec.structs.replace(self, mtime_ns=mtime_ns, copies=tuple(found))

    @property
    def key(self) -> str:
        return self.key_and_reads()[0]

    def key_and_reads(self) -> tuple[str, tuple[str, ...]]:
        key, reads, _ = self.made_of()
        return key, reads

    def made_of(self) -> tuple[str, tuple[str, ...], str]:
        """The key, what the render read, and the quick key ("" for none)."""
        return _MADE_DECODER.decode(self.made)


def _as_written(path: str, size: int, mtime_ns: int, sha: str) -> int | None:
    """The date of the file at ``path`` if it is as written (``size`` bytes dated
    ``mtime_ns``, or of SHA-256 ``sha`` if only its date moved); None if it is not there or
    not as written."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    # sitegen writes regular files only. A FIFO or a link to /dev/zero put in the place of
    # an empty one (.nojekyll) in an output folder restored by a CI cache or committed was
    # opened and read: the build hung on it, every time.
    if not stat.S_ISREG(st.st_mode):
        return None
    if (st.st_size, st.st_mtime_ns) == (size, mtime_ns):
        return mtime_ns
    if st.st_size != size or not sha:
        return None
    return st.st_mtime_ns if _regular_file_holds(path, sha, size) else None


def files_of(records: Mapping[str, OutputRecord]) -> set[str]:
    """The paths of the files ``records`` (by path) describe, their compressed copies included."""
    found = set(records)
    found.update([path + copy.suffix for path, record in records.items() for copy in record.copies])
    return found


class ErrorRecord(msgspec.Struct, frozen=True, array_like=True):
    kind: str
    path: str | None
    message: str
    line: int | None


class Summary(msgspec.Struct, frozen=True):
    """The last build's counts and problems, replayed by a build with nothing to do."""

    articles: int = 0
    pages: int = 0
    feeds: int = 0
    drafts: int = 0
    errors: tuple[ErrorRecord, ...] = ()
    warnings: tuple[str, ...] = ()
    scheduled: int = 0
    """Articles held back because they are dated in the future."""
    next_due: str = ""
    """When the first of them is due (ISO 8601): a build from then on has work to do."""
    previewed: int = 0
    """Drafts and articles dated in the future shown as a preview (build.BuildReport.previewed)."""
    steady_from: str = ""
    steady_until: str = ""
    """The clocks this report holds for (ISO 8601; "" for no bound): from the newest article
    date up to the build's clock to the first one after it. Outside, a build warns of other
    articles dated ahead of its clock (ledger.History.steady): it has work to do."""
    numbered: tuple[str, ...] = ()
    """The ids of the articles the build published for the first time (ledger.History.numbered):
    ``check --against`` finds there an article the live site had, which the ledger forgot."""


class BuildState(msgspec.Struct):
    """Everything the cache remembers of the last build; empty for a clean build."""

    generator: str = ""
    output_dir: str = ""
    inputs: dict[str, FileState] = {}
    """Every input file read, by path."""
    site_dir: str = ""
    """The site folder (resolved) the paths above are in. A cache restored at another path
    (a CI cache action on another runner, Jenkins' ``workspace@2``) has them moved to the
    site folder it is found in when it is loaded (``_moved_state``)."""
    outputs: dict[str, OutputRecord] = {}
    """Every output file written, by site path."""
    manifest: tuple[int, int] = (0, 0)
    """Size and mtime_ns of the output folder's manifest as the build left it."""
    failed: tuple[str, ...] = ()
    """Output files the build could not render or write, and content files whose parse may
    go otherwise next time (ParseRecord.retry): the next build tries them again."""
    seeds: dict[str, SeedOutcome] = {}
    """Seed path -> what importing it came to."""
    seed_reads: dict[str, str] = {}
    """The settings those outcomes were found with (deps.py)."""
    report: Summary = Summary()
    templates: dict[str, tuple[str, ...] | None] = {}
    """Template source digest -> the templates it refers to (render.Renderer)."""
    scanned: tuple[str, ...] = ()
    """Every file the build found when it started (cache.scan) or read while it ran."""
    articles: dict[str, ParseRecord] = {}
    """Content path -> parse record; stored apart, in shards (not in state.bin)."""
    settings: str = ""
    """Digest of the settings the build ran with (sitegen.toml and command-line overrides)."""
    reason: str = "no cache yet"
    """Why the cache could not be used, when it could not."""
    moved_from: str = ""
    """The site folder the cache was made in, when that is not where it was found (its
    paths are moved here as it is loaded); never stored."""


class _Shard(msgspec.Struct):
    generator: str
    records: dict[str, ParseRecord]
    """Each stored with its ``reads`` empty: they are in ``reads``, by ``read_by``."""
    site_dir: str = ""
    """The site folder its paths are in (BuildState.site_dir): a shard left unchanged by
    the builds since may be older than state.bin, and is moved on its own."""
    reads: tuple[dict[str, str], ...] = ()
    """The settings its records' parses read (ParseRecord.reads), each different one once:
    nearly every record read the same, and decoding 10,000 equal dicts took a fifth of
    loading the records."""
    read_by: tuple[int, ...] = ()
    """For each record, in order, the place of its reads in ``reads``."""


def _shard_of(generator: str, records: dict[str, ParseRecord], site_dir: str) -> _Shard:
    """The shard that stores ``records``, their reads each once (``_records_of`` undoes it)."""
    table: list[dict[str, str]] = []
    places: dict[tuple[tuple[str, str], ...], int] = {}
    read_by: list[int] = []
    stored: dict[str, ParseRecord] = {}
    for name, record in records.items():
        reads = record.reads
        place = places.setdefault(tuple(reads.items()), len(table))
        if place == len(table):
            table.append(reads)
        read_by.append(place)
        stored[name] = msgspec.structs.replace(record, reads={})
    return _Shard(generator, stored, site_dir, tuple(table), tuple(read_by))


def _records_of(shard: _Shard, shared: dict[tuple[tuple[str, str], ...], dict[str, str]]) -> dict[str, ParseRecord]:
    """The records ``shard`` stores, each with its reads: records reading the same share one
    dict, the one in ``shared`` (by its items) if there is one, across the shards. Raises
    ValueError when a record has no reads stored (a damaged shard)."""
    read_by = shard.read_by
    table = [shared.setdefault(tuple(reads.items()), reads) for reads in shard.reads]
    if len(read_by) != len(shard.records) or (read_by and (min(read_by) < 0 or max(read_by) >= len(table))):
        raise ValueError("a record's reads are not stored")
    replace = msgspec.structs.replace
    return {name: replace(record, reads=table[place]) for (name, record), place in zip(shard.records.items(), read_by, strict=True)}


# ---------------------------------------------------------------------------------------
# Reading inputs


class Refused(Exception):
    """A file that is not read: a symbolic link, not a regular file, or too large."""

    def __init__(self, message: str, link: bool = False) -> None:
        super().__init__(message)
        self.link = link


# Never follow a link (in seeds/ it could import any file of the machine), never block on
# a FIFO (opening one waits for a writer).
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_OPEN_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def read_file(path: Path | str, limit: int | None = None, setting: str = "max_file_bytes") -> tuple[bytes, FileState]:
    """The bytes of ``path`` and its state: stat first, so a change while reading shows next time.

    With ``limit``, the file must be a regular file, not a symbolic link, of at most that
    many bytes (stat says so before anything is read); Refused says which it is not.
    Raises OSError as reading does.
    """
    checked = time.time_ns()
    if limit is None:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            data = f.read()
        return data, file_state(st, digest(data), checked)
    if not _NOFOLLOW and os.path.islink(path):  # no O_NOFOLLOW (Windows): look first
        raise Refused("is a symbolic link", link=True)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as e:
        if e.errno == errno.ELOOP or os.path.islink(path):
            raise Refused("is a symbolic link", link=True) from e
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Refused("is not a regular file")
        if st.st_size > limit:
            raise Refused(f"is {st.st_size:,} bytes, over {setting} ({limit:,}); it was not read")
        with open(fd, "rb", closefd=False) as f:
            # As many bytes as stat gave and one more, then on to the limit only if that one
            # came (a file growing while read): read(limit + 1) at once made a buffer of the
            # limit's size for every file (2 MB of max_file_bytes for a content file of 2 KB).
            data = f.read(min(st.st_size, limit) + 1)
            if len(data) > st.st_size and len(data) <= limit:
                data += f.read(limit + 1 - len(data))
    finally:
        os.close(fd)
    if len(data) > limit:
        raise Refused(f"grew over {setting} ({limit:,}) while being read")
    return data, file_state(st, digest(data), checked)


def _digest_of(file: BinaryIO, limit: int) -> str:
    """``digest`` of the first ``limit`` bytes of ``file``, read a block at a time: the size
    a restored cache gives an input is any number, and read at once, a file of gigabytes
    (sparse, costing no disk) that matched it filled the memory."""
    sha = hashlib.sha256()
    while limit > 0 and (block := file.read(min(limit, 1 << 20))):
        sha.update(block)
        limit -= len(block)
    return sha.hexdigest()


def _regular_file_holds(path: str, sha: str, size: int) -> bool:
    """Whether ``path`` is a regular file, not reached through a symbolic link, of ``size``
    bytes with SHA-256 ``sha``. Read no further than that: a restored cache may name any
    path and size, and one naming a FIFO hung the build, /dev/zero filled the memory."""
    if not _NOFOLLOW and os.path.islink(path):  # no O_NOFOLLOW (Windows): look first
        return False
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        with open(fd, "rb", closefd=False) as file:
            return _digest_of(file, size + 1) == sha
    except OSError:
        return False
    finally:
        os.close(fd)


REFUSED = "refused"
"""The digest recorded for a file that was not read: its lstat alone tells a change."""


_UNCHECKED = FileState(-1, 0, 0, 0, "", 0)
"""Inputs.state's mark for a file not compared yet in this build."""


class Inputs:
    """Reads input files and remembers what was read, so the next build can tell what changed."""

    def __init__(self, previous: dict[str, FileState] | None = None) -> None:
        """``previous``: the last build's file states (BuildState.inputs)."""
        self.previous = previous or {}
        self.seen: dict[str, FileState] = {}
        # Files already compared with the last build's in this one; a file this build
        # writes is forgotten.
        self._checked: dict[str, FileState | None] = {}
        self.reverified = 0
        """Files whose stat could not be trusted, found unchanged by their content."""

    def read(self, path: Path) -> bytes:
        """The bytes of ``path``, recorded. Raises OSError like ``Path.read_bytes``."""
        data, self.seen[str(path)] = read_file(path)
        return data

    def wrote(self, path: Path, data: bytes) -> None:
        """Record a file this build wrote (and reads later) as an input of the next build."""
        self.forget(path)
        checked = time.time_ns()
        self.seen[str(path)] = file_state(os.stat(path), digest(data), checked)

    def record(self, path: Path | str, state: FileState) -> None:
        self.seen[str(path)] = state

    def unwritten(self, path: Path | str) -> None:
        """Record an input whose result could not be written (the ledger, a seed whose
        content file could not be): no file matches the state recorded, so the next build,
        finding the input changed, does the work again instead of replaying the failure."""
        self.seen[str(path)] = FileState(-1, 0, 0, 0, "not written", RACY_NS + 1)

    def refused(self, path: Path | str) -> None:
        """Record a file that was found but not read (a link, too large, unreadable) by its
        lstat, so that putting it right is a change the next build sees."""
        try:
            st = os.lstat(path)
        except OSError:
            return  # gone already: the next scan tells
        self.seen[str(path)] = file_state(st, REFUSED, time.time_ns())

    def unchanged(self, path: Path | str, sha: str | None = None) -> bool:
        """True when ``path`` holds what the last build read (bytes with SHA-256 ``sha``, if
        given); it is then recorded as seen again."""
        name = str(path)
        # state() written out for a file compared already: asked of nearly every input twice
        # a build (by the import, the parse), once a call less each.
        state = self._checked.get(name, _UNCHECKED)
        if state is _UNCHECKED:
            state = self.state(name)
        if state is None or (sha is not None and state.sha != sha):
            return False
        self.seen[name] = state
        return True

    def all_unchanged(self) -> bool:
        """``all(self.unchanged(p) for p in self.previous)``, recording the same, at a third
        of its cost: a no-op build asks it of 20,000 files. A stat that can be trusted and
        matches settles a file here; any other goes the way ``unchanged`` goes.

        Past the first file changed, the others are still compared (and recorded as seen
        only when a step asks): the build that follows asks of every one, at this loop's
        cost then, not one call chain each."""
        seen, checked, stat = self.seen, self._checked, os.stat
        same = True
        for name, old in self.previous.items():
            # FileState.racy and same_stat written out: two calls a file were a fifth of the loop.
            trusted = old.checked_ns - RACY_NS
            if old.mtime_ns < trusted and old.ctime_ns < trusted and old.sha != REFUSED and name not in checked:
                try:
                    st = stat(name)
                except OSError:
                    checked[name] = None
                    same = False
                    continue
                if st.st_mtime_ns == old.mtime_ns and st.st_size == old.size and st.st_ctime_ns == old.ctime_ns and st.st_ino == old.ino:
                    checked[name] = old
                    if same:
                        seen[name] = old
                    continue
            if same:
                same = self.unchanged(name)
            else:
                self.state(name)
        return same

    def same(self, path: Path | str) -> bool:
        """True when ``path`` holds what the last build read; records nothing."""
        name = str(path)
        state = self._checked.get(name, _UNCHECKED)
        return (self.state(name) if state is _UNCHECKED else state) is not None

    def forget(self, path: Path | str) -> None:
        """``path`` was written by this build: look at it afresh."""
        self._checked.pop(str(path), None)

    def state(self, path: str) -> FileState | None:
        """What ``path`` held when the last build read it, while it holds that still (None:
        changed, new or gone); records nothing."""
        state = self._checked.get(path, _UNCHECKED)
        if state is _UNCHECKED:
            state = self._checked[path] = self._compare(path)
        return state

    def _compare(self, path: str) -> FileState | None:
        old = self.previous.get(path)
        if old is None:
            return None
        if old.sha == REFUSED:
            try:
                return old if old.same_stat(os.lstat(path)) else None
            except OSError:
                return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        if st.st_size != old.size:
            return None
        if old.same_stat(st) and not old.racy:
            return old
        # The stat moved (or was taken too soon to be trusted): the bytes decide, read from
        # a regular file only. Not through a symbolic link either: a file made a link to the
        # same bytes was taken as unchanged, where the readers that refuse links (content,
        # seeds, templates) would have refused it. (A linked sitegen.toml, which is read
        # through its link, is only read again when its stat moves.)
        checked = time.time_ns()
        if not _regular_file_holds(path, old.sha, old.size):
            return None
        self.reverified += 1
        return file_state(st, old.sha, checked)

    def settle(self) -> None:
        """Re-check the racy files read in this build, so the next one can trust their stat.

        A file still racy now (written in the last moments) keeps its flag and is compared
        by content next time. A file whose bytes no longer match is forgotten: it changed
        while the build ran, and the next build must read it again.
        """
        now = time.time_ns()
        for name in _racy(self.seen):
            state = self.seen[name]
            try:
                st = os.stat(name)
                with open(name, "rb") as f:
                    same = state.same_stat(st) and digest(f.read()) == state.sha
            except OSError:
                same = False
            if same:
                self.seen[name] = file_state(st, state.sha, now)
            else:
                del self.seen[name]

    def snapshot(self) -> dict[str, FileState]:
        return dict(sorted(self.seen.items()))


def _racy(seen: dict[str, FileState]) -> list[str]:
    """The paths of the racy files of ``seen`` (FileState.racy) that were read (not REFUSED).

    The check of ``racy`` spelt out, on each field once: a build has 20,000 files to look
    through, and the property's call and ``max`` were four fifths of the time."""
    return [
        name for name, state in seen.items() if (state.mtime_ns >= (limit := state.checked_ns - RACY_NS) or state.ctime_ns >= limit) and state.sha != REFUSED
    ]


# ---------------------------------------------------------------------------------------
# Storing


T = TypeVar("T")
_STATE_DECODER = msgspec.msgpack.Decoder(BuildState)
_SHARD_DECODER = msgspec.msgpack.Decoder(_Shard)


def _checksum(payload: bytes | memoryview) -> str:
    # To find a damaged file (a disk, a bad restore), not a forged one: whoever can write
    # the cache can write a matching checksum of any kind. CRC-32 finds every burst of up
    # to 32 flipped bits, at a third of SHA-256's cost on the 16 MB a build reads. ISA-L's
    # (the gzip copies' library) is zlib's CRC-32 at a sixth of its time: 3.6 ms instead of
    # 22.6 for the 48 MB of a 10,000-article site's cache, read by every build.
    return f"crc32 {isal_zlib.crc32(payload):08x}"


def _load_blob(path: Path, decoder: msgspec.msgpack.Decoder[T]) -> T:
    data = _read_regular(path)
    if not data.startswith(_MAGIC):
        raise ValueError(f"{path.name} is not a sitegen {FORMAT} cache file")
    # The payload as a view of the bytes read, not a copy: a build reads 55 MB of cache at
    # 10,000 articles, and copying it twice took a thirtieth of a one-article rebuild.
    end = data.find(b"\n", len(_MAGIC))
    payload = memoryview(data)[end + 1 :]
    if end < 0 or data[len(_MAGIC) : end].decode("ascii", "replace") != _checksum(payload):
        raise ValueError(f"{path.name} is damaged")
    try:
        return decoder.decode(payload)
    except msgspec.MsgspecError as e:
        raise ValueError(f"{path.name} does not decode: {e}") from e


# A cache file larger than this is no cache sitegen wrote (a 10,000-article site keeps about
# 16 MB in all): read whole, a planted or restored file of many gigabytes (sparse, costing
# no disk) filled the memory, and the build ended in a MemoryError or the OOM killer.
MAX_FILE_BYTES = 1 << 30


def _read_regular(path: Path) -> bytes:
    """The bytes of ``path``; ValueError when it is a link, not a regular file (a FIFO
    would hang the build, a link to /dev/zero fill the memory) or over MAX_FILE_BYTES: a
    cache the build did not write is discarded, not followed."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as e:  # FileNotFoundError as it is: no cache yet
        if e.errno == errno.ELOOP or (not _NOFOLLOW and os.path.islink(path)):
            raise ValueError(f"{path.name} is a symbolic link") from e
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ValueError(f"{path.name} is not a regular file")
        if st.st_size > MAX_FILE_BYTES:
            raise ValueError(f"{path.name} is {st.st_size:,} bytes, more than a sitegen cache file holds")
        with open(fd, "rb", closefd=False) as f:
            data = f.read(MAX_FILE_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:  # grew while read
        raise ValueError(f"{path.name} is more than {MAX_FILE_BYTES:,} bytes, more than a sitegen cache file holds")
    return data


def _save_blob(path: Path, value: object) -> None:
    # Encoded after room left for the header, which is filled in once the checksum is
    # known: the file's bytes are made once, never copied. state.bin holds 52 MB at 50,000
    # articles, and its copies were the peak of a build's memory.
    start = len(_MAGIC) + len(_checksum(b"")) + 1
    data = bytearray(start)
    _ENCODER.encode_into(value, data, start)
    with memoryview(data) as whole, whole[start:] as payload:
        header = _MAGIC + _checksum(payload).encode("ascii") + b"\n"
    data[:start] = header
    write_if_changed(path, data)


PREVIEW = "preview"
"""The cache of preview builds (``sitegen serve``, ``--base-url``, ``--drafts`` ...), a folder
of the site's: kept apart from the site's own, so that neither makes the other's next build
start over."""


def cache_dir(site_dir: Path, preview: bool = False) -> Path:
    return site_dir / CACHE_DIR / PREVIEW if preview else site_dir / CACHE_DIR


def make_cache_dir(site_dir: Path) -> Path:
    """The cache folder, created if need be. Raises OSError (ELOOP) when it is a symbolic link."""
    folder = cache_dir(site_dir)
    _refuse_link(folder)
    if not folder.is_dir():
        # exist_ok: two builds started together both get here (one then waits for the lock).
        folder.mkdir(parents=True, exist_ok=True)
        # Like .pytest_cache: git ignores the folder, backup tools skip it.
        write_if_changed(folder / ".gitignore", b"# Created by sitegen; safe to delete.\n*\n")
        write_if_changed(
            folder / "CACHEDIR.TAG",
            b"Signature: 8a477f597d28d172789f06886806bc55\n# The sitegen build cache; see https://bford.info/cachedir/\n",
        )
    return folder


def _refuse_link(folder: Path) -> None:
    # Git keeps symbolic links: one committed in the place of the cache (or of its preview
    # folder) had every build write its cache there, outside the site, over files of the
    # cache's names (state.bin, lock) that sitegen never wrote.
    if folder.is_symlink():
        raise OSError(errno.ELOOP, "is a symbolic link", str(folder))


def load_state(site_dir: Path, generator: str, preview: bool = False) -> BuildState:
    """The last build's state (with ``preview``, the last preview's), or an empty one (with
    the reason) when it cannot be trusted.

    The article records are left out; ``load_articles`` reads them when they are needed.
    """
    path = cache_dir(site_dir, preview) / "state.bin"
    try:
        state = _load_blob(path, _STATE_DECODER)
    except FileNotFoundError:
        return BuildState()
    except (OSError, ValueError) as e:
        return BuildState(reason=f"cache discarded: {e}")
    if state.generator != generator:
        return BuildState(reason="made by another version of sitegen or its libraries")
    state.reason = ""
    state.articles = {}
    here = str(site_dir.resolve())
    if state.site_dir != here:
        state = _moved_state(state, _Move(state.site_dir, here))
    return state


SHARDS = "0123456789abcdef"


def _shard(path: str) -> str:
    # Any stable spread will do; CRC-32 is a tenth of the cost of SHA-256 here.
    return SHARDS[zlib.crc32(path.encode("utf-8")) & 15]


def load_articles(site_dir: Path, state: BuildState, preview: bool = False) -> dict[str, ParseRecord]:
    """The article records of the build ``state`` describes; a damaged shard is left out.

    Each record names the bytes it was made from (checked against the inputs before use),
    so a shard from a build whose state.bin was never written does no harm.
    """
    records: dict[str, ParseRecord] = {}
    if state.reason:
        return records
    here = str(site_dir.resolve())
    shared: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
    for shard in SHARDS:
        try:
            blob = _load_blob(cache_dir(site_dir, preview) / f"articles-{shard}.bin", _SHARD_DECODER)
            if blob.generator != state.generator:
                continue
            found = _records_of(blob, shared)
        except (OSError, ValueError):
            continue
        move = _Move(blob.site_dir, here)
        records.update(found if blob.site_dir == here else {move.path(name): _moved_record(r, move) for name, r in found.items()})
    return records


def save_state(site_dir: Path, state: BuildState, previous_articles: dict[str, ParseRecord] | None = None, preview: bool = False) -> None:
    """Write the cache; only the article shards whose records changed are rewritten.

    ``previous_articles``: the article records as the cache folder holds them; None when
    that is not known (a cache made in another folder, its records spread over the shards
    by their old paths), and then every shard is written."""
    folder = make_cache_dir(site_dir)
    if preview:
        folder = cache_dir(site_dir, preview)
        _refuse_link(folder)
        folder.mkdir(exist_ok=True)
    state.site_dir = str(site_dir.resolve())
    if previous_articles is not state.articles:
        changed = _changed_shards(state.articles, previous_articles)
        for shard in SHARDS:
            path = folder / f"articles-{shard}.bin"
            if shard not in changed and path.exists():
                continue
            records = changed.get(shard)
            if records is None:
                records = {name: record for name, record in state.articles.items() if _shard(name) == shard}
            _save_blob(path, _shard_of(state.generator, records, state.site_dir))
    articles, reason, moved_from = state.articles, state.reason, state.moved_from
    state.articles, state.reason, state.moved_from = {}, "", ""
    try:
        _save_blob(folder / "state.bin", state)
    finally:
        state.articles, state.reason, state.moved_from = articles, reason, moved_from


def _changed_shards(articles: dict[str, ParseRecord], previous: dict[str, ParseRecord] | None) -> dict[str, dict[str, ParseRecord]]:
    """The shards whose records in ``articles`` are not those of ``previous`` (every shard
    when it is None), each with its records, in the order of ``articles``.

    A shard is found changed by its names changed (a record not the one stored, nor equal
    to it), added or gone, not by sorting both sets of records into shards to compare
    them: after an edit, one name's shard is looked for, not 20,000."""
    if previous is None:
        names: set[str] = set(SHARDS)
    else:
        names = {_shard(name) for name, record in articles.items() if (stored := previous.get(name)) is not record and stored != record}
        names.update(_shard(name) for name in previous if name not in articles)
    if not names:
        return {}
    shards: dict[str, dict[str, ParseRecord]] = {shard: {} for shard in SHARDS if shard in names}
    for name, record in articles.items():
        records = shards.get(_shard(name))
        if records is not None:
            records[name] = record
    return shards


@dataclass(frozen=True, slots=True)
class _Move:
    """A cache made in the site folder ``old``, found in ``new``: its paths inside ``old``
    are the same files' inside ``new``. Only paths are moved (an article's text and title
    never): every file is still checked against what it held (by SHA-256, its inode and
    change time being new), and a record names no file outside content/ (memo.py)."""

    old: str
    new: str

    def path(self, path: str) -> str:
        old = self.old
        if self.old and (path == old or path.startswith(old + os.sep)):
            return self.new + path[len(old) :]
        return path

    def text(self, message: str) -> str:
        """A message naming files (a warning, an error): each path inside ``old`` moved."""
        if not self.old or self.old + os.sep not in message:
            return message
        return re.sub(r"(?<![\w./~-])" + re.escape(self.old + os.sep), lambda _: self.new + os.sep, message)


def _moved_state(state: BuildState, move: _Move) -> BuildState:
    """``state`` with its paths moved (article records: ``_moved_record`` as they load)."""
    path, text = move.path, move.text
    report = state.report
    return msgspec.structs.replace(
        state,
        site_dir=move.new,
        moved_from=move.old,
        output_dir=path(state.output_dir),
        inputs={path(name): value for name, value in state.inputs.items()},
        failed=tuple(path(name) for name in state.failed),
        seeds={path(name): msgspec.structs.replace(o, message=text(o.message)) for name, o in state.seeds.items()},
        scanned=tuple(sorted(path(name) for name in state.scanned)),
        report=msgspec.structs.replace(
            report,
            errors=tuple(msgspec.structs.replace(e, path=path(e.path) if e.path else e.path, message=text(e.message)) for e in report.errors),
            warnings=tuple(text(w) for w in report.warnings),
        ),
    )


def _moved_record(record: ParseRecord, move: _Move) -> ParseRecord:
    """A content file's parse record with its paths moved: the pictures and files it copies."""
    path = move.path
    article = record.article
    if article is not None:
        image = article.image
        if image is not None and image.file is not None:
            image = msgspec.structs.replace(image, file=msgspec.structs.replace(image.file, file=path(image.file.file)))
        article = msgspec.structs.replace(
            article,
            image=image,
            media=tuple(msgspec.structs.replace(m, file=path(m.file)) for m in article.media),
            attachments=tuple(msgspec.structs.replace(f, file=path(f.file)) for f in article.attachments),
        )
    return msgspec.structs.replace(
        record,
        article=article,
        files={path(name): sha for name, sha in record.files.items()},
        warnings=tuple(move.text(w) for w in record.warnings),
        error=move.text(record.error),
    )


CONTENT_SUFFIXES = (".md", ".markdown")
"""What a content file's name ends in."""
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".JPG", ".JPEG", ".PNG", ".GIF", ".WEBP")
"""What an image file's name ends in (images.py refuses any other): the build looks at
these files of content/ for changes, so an image added later is found."""
_LINKED = ("pdf", "mp3", "m4a", "ogg", "oga", "opus", "wav", "mp4", "m4v", "webm", "ogv", "vtt", "csv", "txt", "zip")
LINKED_SUFFIXES = tuple(f".{s}" for s in _LINKED) + tuple(f".{s.upper()}" for s in _LINKED)
"""What a file an article links to or embeds may be named, besides an image, to be copied
into the output folder as it is (images.read_linked; README, Images and files). A list, not
"any file": the build looks at these files of content/ for changes (a link to one added
later is found), and nothing a browser would run as a page of the site (.html, .js) is
published from content/."""


@dataclass(frozen=True, slots=True)
class Scan:
    """What a build found when it started."""

    names: frozenset[str]
    """Every file it would read (``scan``)."""
    seeds: SeedFiles
    """The seeds folder, as ``find_seeds`` finds it."""
    content: tuple[str, ...]
    """The content files, as ``find_content`` finds them."""


def scan(site_dir: Path, template_dirs: list[Path], content_dir: Path, misnamed: list[str] | None = None) -> Scan:
    """Every file a build would read, by the same rules the steps use to find them, with
    the seeds and the content files as those steps list them: each folder is listed once a
    build (content/ was listed four times, seeds/ twice: 0.03 s at 10,000 articles).

    Those left out because their names are not UTF-8 are added to ``misnamed`` (by path,
    a folder's with a trailing separator), for the build to warn of once.
    """
    # Gathered in a list, made a set once: a set filled, then copied frozen, took longer.
    found: list[str] = []
    config = site_dir / "sitegen.toml"
    if config.is_file():
        found.append(str(config))
    seeds = find_seeds(site_dir / "seeds", misnamed)
    found += seeds.seeds
    # The import warns about these: one added or put right is a change to build.
    found += seeds.strays
    # An article may show a picture from any folder of content/, hidden ones too.
    content, pictures = find_content_and_files(content_dir, IMAGE_SUFFIXES + LINKED_SUFFIXES, misnamed)
    found += content
    found += pictures
    ledger = content_dir / ".sitegen-updated.json"
    if ledger.is_file():
        found.append(str(ledger))
    for folder in template_dirs:
        # A template may include any file of the folder by name, hidden or not.
        found += find_files(folder, "", recursive=True, hidden=True, misnamed=misnamed)
    return Scan(frozenset(found), seeds, tuple(content))


def find_content(content_dir: Path | str, misnamed: list[str] | None = None) -> list[str]:
    """The content files under ``content_dir`` (find_files' rules), sorted, and what looks
    meant as content but cannot be read as it is: a folder that cannot be listed, a file
    named ``.MD`` (``.md`` in another case), a link to a folder. Each is then named as a
    file that cannot be read is (content.read_content says why), so that its articles are
    an error (the build fails, the deploy gate knows they may still be out) rather than
    taken down, or never put up, without a word."""
    unlisted: list[str] = []
    found = find_files(content_dir, CONTENT_SUFFIXES, recursive=True, misnamed=misnamed, unlisted=unlisted)
    return sorted(found + unlisted)


def find_content_and_files(content_dir: Path | str, suffix: tuple[str, ...], misnamed: list[str] | None = None) -> tuple[list[str], list[str]]:
    """``find_content(content_dir, misnamed)`` and ``find_files(content_dir, suffix,
    recursive=True, hidden=True, misnamed=misnamed)`` from one walk of content/, not two
    (listing 10,000 content files twice took a sixth of the scan)."""
    content: list[str] = []
    unlisted: list[str] = []
    files: list[str] = []
    _walk_content(content_dir, suffix, False, misnamed, unlisted, content, files)
    content += unlisted
    content.sort()
    files.sort()
    return content, files


def _walk_content(
    folder: Path | str, suffix: tuple[str, ...], hidden: bool, misnamed: list[str] | None, unlisted: list[str], content: list[str], files: list[str]
) -> None:
    """find_content's walk and find_files' for ``suffix`` (hidden names too) at once, into
    ``content`` (and ``unlisted``) and ``files``, unsorted. ``hidden``: ``folder`` is hidden
    or inside a hidden one, where the content walk does not go."""
    for entry, is_dir in _listing(folder, True, None if hidden else unlisted):
        name = entry.name
        # Seen by the content walk too: a name neither hidden nor inside a hidden folder.
        shown = not hidden and not name.startswith(".")
        if is_dir:
            if usable_name(name):
                _walk_content(entry.path, suffix, not shown, misnamed, unlisted, content, files)
            elif misnamed is not None:
                if shown and find_files(entry.path, CONTENT_SUFFIXES, recursive=True):
                    misnamed.append(entry.path + os.sep)
                if find_files(entry.path, suffix, recursive=True, hidden=True):
                    misnamed.append(entry.path + os.sep)
            continue
        temporary = name.endswith(".sitegen-tmp")
        if shown:
            if name.endswith(CONTENT_SUFFIXES) and not temporary:
                if usable_name(name):
                    content.append(entry.path)
                elif misnamed is not None:
                    misnamed.append(entry.path)
            elif usable_name(name) and (_other_case(name, CONTENT_SUFFIXES) or _link_to_folder(entry)):
                unlisted.append(entry.path)
        if name.endswith(suffix) and not temporary:
            if usable_name(name):
                files.append(entry.path)
            elif misnamed is not None:
                misnamed.append(entry.path)


def find_files(
    folder: Path | str,
    suffix: str | tuple[str, ...],
    recursive: bool,
    hidden: bool = False,
    misnamed: list[str] | None = None,
    unlisted: list[str] | None = None,
) -> list[str]:
    """Paths of the files in ``folder`` whose names end in ``suffix`` (or one of them), sorted.

    Hidden files and folders (names starting with a dot) are left out unless ``hidden``:
    an editor's lock (Emacs' ``.#story.md``, a link to nowhere) or a ``.drafts/`` folder is
    not an article or a seed. Symbolic links are not followed into folders (a link to ``.``
    would loop); links to files are listed, and the step that reads them decides.
    A file or folder whose name is not UTF-8 is left out too (usable_name), and added to
    ``misnamed`` if given (a folder only when it holds such files). A folder that exists but
    cannot be listed (no permission) is added to ``unlisted`` if given.
    os.scandir and plain strings, not pathlib: this runs on every build, over every file of
    the site.
    """
    found: list[str] = []
    for entry, is_dir in _listing(folder, hidden, unlisted):
        if is_dir:
            if not recursive:
                continue
            if usable_name(entry.name):
                found.extend(find_files(entry.path, suffix, recursive, hidden, misnamed, unlisted))
            elif misnamed is not None and find_files(entry.path, suffix, recursive, hidden):
                misnamed.append(entry.path + os.sep)
        elif entry.name.endswith(suffix) and not entry.name.endswith(".sitegen-tmp"):
            if usable_name(entry.name):
                found.append(entry.path)
            elif misnamed is not None:
                misnamed.append(entry.path)
        elif unlisted is not None and usable_name(entry.name) and (_other_case(entry.name, suffix) or _link_to_folder(entry)):
            unlisted.append(entry.path)
    found.sort()
    return found


def _other_case(name: str, suffix: str | tuple[str, ...]) -> bool:
    """Whether ``name`` ends in ``suffix`` but in another case (``story.MD``)."""
    return bool(suffix) and name.lower().endswith(suffix)


def _link_to_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink() and entry.is_dir(follow_symlinks=True)
    except OSError:
        return False


def usable_name(name: str) -> bool:
    """False for a file name whose bytes are not UTF-8. Python gives such a name with
    surrogate escapes (PEP 383): it opens, but every step that encodes it (an article's id,
    the cache, the output's paths and pages) fails, so no step is given it."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable(path: str) -> str:
    """``path`` as it can be shown and stored: bytes that are not UTF-8 as U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")


def misnamed_warning(path: str) -> str:
    """What to say of a file or folder left out because its name is not UTF-8."""
    return f"{printable(path)}: {misnamed_reason(path)}"


def misnamed_reason(path: str) -> str:
    """Why a file or folder whose name is not UTF-8 was left out, and what to do."""
    what = "folder" if path.endswith(os.sep) else "file"
    return f"not read: the {what}'s name is not valid UTF-8 (its bad bytes are shown as U+FFFD); rename it"


def _listing(folder: Path | str, hidden: bool, unlisted: list[str] | None = None) -> Iterator[tuple[os.DirEntry[str], bool]]:
    """(entry, whether it is a folder) for each name in ``folder`` the walks look at:
    hidden names left out unless ``hidden``, links never taken for folders, nothing for a
    folder that cannot be listed (added to ``unlisted`` if given, unless it is not there)."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return
    except OSError:
        if unlisted is not None:
            unlisted.append(str(folder))
        return
    for entry in entries:
        if entry.name.startswith(".") and not hidden:
            continue
        try:
            yield entry, entry.is_dir(follow_symlinks=False)
        except OSError:
            continue


@dataclass(frozen=True, slots=True)
class SeedFiles:
    """What a seeds folder holds."""

    seeds: tuple[str, ...]
    """The seeds: the files directly in it whose names end in .txt, sorted."""
    strays: tuple[str, ...]
    """What looks meant for the import but is not imported, sorted: files ending in .TXT,
    .Txt..., and subfolders holding such files (by their path and a trailing separator)."""


def find_seeds(folder: Path | str, misnamed: list[str] | None = None) -> SeedFiles:
    """The seeds in ``folder`` and its strays, by find_files' rules (hidden names left out,
    names that are not UTF-8 added to ``misnamed`` if given).

    One listing for both, run on every build: a seed costs what it did in find_files, and
    only a name that is not a seed is looked at again.
    """
    seeds: list[str] = []
    strays: list[str] = []
    for entry, is_dir in _listing(folder, hidden=False):
        name = entry.name
        if is_dir:
            inner: list[str] = []
            # A folder named as a seed is (050_....txt/) is a stray too, empty or not.
            if name.lower().endswith(".txt") or any(p.lower().endswith(".txt") for p in [*find_files(entry.path, "", recursive=True, misnamed=inner), *inner]):
                if usable_name(name):
                    strays.append(entry.path + os.sep)
                elif misnamed is not None:
                    misnamed.append(entry.path + os.sep)
        elif name.endswith(".txt"):
            seeds.append(entry.path)  # its name checked below, with the others'
        elif name.lower().endswith(".txt"):
            if usable_name(name):
                strays.append(entry.path)
            elif misnamed is not None:
                misnamed.append(entry.path)
    # Whether every seed's name is UTF-8, told at once: nearly always so.
    try:
        "".join(seeds).encode("utf-8")
    except UnicodeEncodeError:
        listed, seeds = seeds, []
        for path in listed:
            if usable_name(path[path.rfind(os.sep) + 1 :]):
                seeds.append(path)
            elif misnamed is not None:
                misnamed.append(path)
    return SeedFiles(tuple(sorted(seeds)), tuple(sorted(strays)))
