"""Articles -> the search index: Pagefind bundles in ``pagefind/<n>/``, for the search page.

The index is made from the article model, never from the rendered pages: each article
becomes a small HTML document of its own holding its title and text (what is searched),
its tags and bylines (filters) and its date (shown with a result). Nothing a template does
reaches it, so editing a template never reindexes. Pagefind's own binary (the
``pagefind[bin]`` package) indexes the documents; its Python API is not used because its
client waits a tenth of a second for every reply, 17 minutes for 10,000 records.

The index is in parts of ``search_part_size`` articles by publication number (``pagefind/1/``
holds articles 1-1,000, ``pagefind/2/`` the next thousand, ...), each a whole Pagefind
bundle; the search page loads the first and merges the others into it (Pagefind's
``mergeIndex``, which shares the first part's WebAssembly). Numbers are never reused and
new articles take the next ones, so an edit or a new article reindexes one part: a
thousand articles, not the whole site.

Every file of a part is an output like any other (staged, published, listed in the
manifest, removed when no longer made). Each is keyed by its bytes, and the part's entry
file by the digest of its documents and Pagefind's version and every other file's key: a
build whose articles read the same never runs Pagefind, and a build where one changed runs
it once, for that part, and rewrites only the files whose bytes changed. Pagefind names
most of its files after their content, so which files a part has is known only once it has
run; the last build's records of the part say which files the index of these documents
has. Result addresses are site paths: the search page puts them under the base path, so
moving the site to another address or sub-path does not reindex either.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import html
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import deps, text
from .cache import OutputRecord
from .errors import OutputError
from .i18n import Language, other_language
from .model import Article, Site
from .output import remove_orphans, scratch_name
from .parallel import default_jobs
from .plan import Output, Rendered, Tools

if TYPE_CHECKING:
    from .config import Config
    from .ledger import Ledger

BUNDLE = "pagefind/"
"""Where the index is published in the output folder: one bundle per part below it."""

ENTRY_NAME = "pagefind-entry.json"
"""The file of a bundle Pagefind reads first; it names the others."""

_UNUSED = frozenset(
    f"{name}.{kind}" for name in ("pagefind-ui", "pagefind-component-ui", "pagefind-modular-ui") for kind in ("js", "css")
) | {"pagefind-highlight.js"}
"""Pagefind's ready-made interfaces, which the search page does not load (it has its own):
left out of every part rather than published ten times over."""


@dataclass(frozen=True, slots=True)
class Searchable:
    """What the index holds of one article: all ``document`` reads, so that a part is keyed
    by these records whole, not by a list of the fields it happens to use."""

    path: str
    title: str
    body: bytes
    """The article's body HTML, as UTF-8 (Article.body): keyed as it is, decoded only when
    Pagefind is to run."""
    published: dt.datetime
    tags: tuple[str, ...]
    authors: tuple[str, ...]
    language: str = ""
    """The article's own language (``Article.language``), for the search page to mark its result in."""
    corrections: tuple[str, ...] = ()
    """The texts of its corrections (``Article.corrections``), newest first."""

    @classmethod
    def of(cls, article: Article) -> Searchable:
        tags, authors = tuple(t.name for t in article.tags), tuple(a.name for a in article.authors)
        corrections = tuple(c.text for c in article.corrections)
        return cls(article.path, article.title, article.body, article.published, tags, authors, article.language, corrections)


def document(item: Searchable, language: Language) -> str:
    """The HTML Pagefind indexes for an article: title and text in the body, the rest as
    filters and metadata beside it."""
    title = html.escape(item.title)
    body = item.body.decode("utf-8")
    parts = [
        # In the site's language, whatever the article's: Pagefind makes an index of each
        # language its pages name, and the search page loads the one of its own, so a
        # German story of an English site named German would be found by no search.
        f'<!DOCTYPE html><html lang="{html.escape(language.tag)}"><head><meta charset="utf-8"><title>{title}</title></head><body>',
        # The title outside the body: searched as metadata (Pagefind weighs it above the
        # text), but not repeated at the start of every excerpt.
        f'<h1 data-pagefind-meta="title">{title}</h1>',
        # Pagefind leaves out a page with no words in its body (and fails when it finds no
        # page): an article with no text yet, or only a picture, is found by its title; so
        # is one whose text has no letter or digit ("…", "* * *"), its text kept after it.
        # Its corrections with its text: what they say is now part of what the story says (the
        # right depth of the berth), and a reader searching for the corrected fact finds it.
        f"<main data-pagefind-body>\n{_searched(title, body)}\n{''.join(f'<p>{html.escape(c)}</p>' for c in item.corrections)}</main>",
        f'<p data-pagefind-meta="date">{language.date(item.published)}</p>',
        # Its address as a site path, for the search page to put under the site's base path
        # (Pagefind's documented way to give a result its own URL).
        f'<p data-pagefind-meta="url">{html.escape(item.path)}</p>',
    ]
    if own := other_language(item.language, language.tag):  # its result marked as in it
        parts.append(f'<p data-pagefind-meta="language">{html.escape(own)}</p>')
    parts += [f'<p data-pagefind-filter="tag">{html.escape(tag)}</p>' for tag in item.tags]
    parts += [f'<p data-pagefind-filter="author">{html.escape(author)}</p>' for author in item.authors]
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _searched(title: str, body: str) -> str:
    """What Pagefind indexes of an article's text (HTML): the text, with the title (escaped)
    before it when the text has no word Pagefind counts."""
    if text.has_words(body):
        return body
    return f"<p>{title}</p>\n{body}" if text.has_text(body) else f"<p>{title}</p>"


def parts(site: Site) -> dict[str, tuple[Article, ...]]:
    """The parts of the index (none when search is off): bundle folder -> its articles, in
    order of publication number."""
    if not site.config.search:
        return {}
    found: dict[int, list[Article]] = {}
    for article in sorted(site.articles, key=lambda a: a.seq):
        found.setdefault(_part_of(article.seq, site.config.search_part_size), []).append(article)
    return {_folder(number): tuple(found[number]) for number in sorted(found)}


def _folder(number: int | str) -> str:
    """The folder of part ``number`` of the index."""
    return f"{BUNDLE}{number}/"


def _part_of(seq: int, size: int) -> int:
    """The number of the part that holds publication number ``seq``, in parts of ``size``
    articles (search_part_size: smaller parts make an edit cheaper to reindex, and a search
    fetch more files, each part's entry and metadata and per word one index chunk). A
    preview's drafts are numbered too; an unnumbered article (seq 0) joins the first part."""
    return max(seq - 1, 0) // size + 1


def bundles(site: Site) -> tuple[str, ...]:
    """The site paths of the index's parts, the one the search page loads first first."""
    return tuple(parts(site))


def documents(items: Iterable[Searchable], language: Language) -> tuple[tuple[str, str], ...]:
    """Each article's document, by file name: one folder of numbered files, as a result's
    address is in its document (a folder per article cost a second per thousand to write)."""
    return tuple((f"{number}.html", document(item, language)) for number, item in enumerate(items))


@dataclass(frozen=True, slots=True)
class Pagefind:
    """The Pagefind binary of this build and its version (an index depends on it), or why
    there is none."""

    executable: str
    version: str
    error: OutputError | None = None

    @classmethod
    def find(cls) -> Pagefind:
        try:
            executable = _executable()
            return cls(executable, _version(executable))
        except OutputError as e:
            return cls("", "", e)


class SearchIndex:
    """One part of the index: its articles, their digest, and Pagefind's bundle for them in
    ``folder``, made once: Pagefind is started by ``start`` (or by the first ``files``) and
    waited for by ``files`` (a failure is kept too)."""

    def __init__(self, folder: str, articles: tuple[Article, ...], language: Language, pagefind: Pagefind) -> None:
        self.folder = folder
        self.entry = folder + ENTRY_NAME
        self.language = language
        self.executable = pagefind.executable
        self._files: dict[str, bytes] | None = None
        self._error = pagefind.error
        self._run: Running | None = None
        self.articles = articles
        # What the documents are made from, not the documents: those are made only when
        # Pagefind is to run (reading the text of 10,000 articles to key them took 2 s).
        # The articles by their digests, which change with anything a page could show of
        # them, every field of a Searchable among it (walking 10,000 Searchables took 0.16 s).
        # The language by its tag: the dates shown with results follow from it (and from the
        # CLDR of Babel's version, which the cache's generator id holds).
        self.digest = deps.value_digest("search part", pagefind.version, language.tag, articles)

    def start(self, guessed: Guess | None = None) -> None:
        """Start Pagefind on the part's documents, unless it ran already: it works in a
        process of its own while this one goes on (``files`` waits for it). A run ``guessed``
        started on these very documents is taken instead."""
        if self._files is None and self._error is None and self._run is None:
            docs = documents((Searchable.of(article) for article in self.articles), self.language)
            self._run = guessed.take(self.folder, self.executable, docs) if guessed is not None else None
            if self._run is None:
                try:
                    self._run = Running(self.executable, docs, self.folder)
                except OutputError as e:
                    self._error = e

    def files(self) -> dict[str, bytes]:
        """The bundle: output path -> bytes. Raises OutputError when Pagefind fails."""
        self.start()
        if self._run is not None:
            run, self._run = self._run, None
            try:
                self._files = run.files()
            except OutputError as e:
                self._error = e
        if self._error is not None:
            raise self._error
        assert self._files is not None
        return self._files

    def stop(self) -> None:
        """End a Pagefind run still going (the build failed or was interrupted meanwhile)."""
        if self._run is not None:
            run, self._run = self._run, None
            run.stop()


@dataclass(frozen=True, slots=True)
class IndexFile(Output):
    """One file of a part of the search index, with its key (see ``_plan_part``)."""

    index: SearchIndex = field(compare=False)
    stored_key: str = ""

    @property
    def wave(self) -> int:
        # After the article pages its results link to; the entry after the files it names,
        # and before the search page, which names the part (plan.Output.wave).
        return 2 if self.path == self.index.entry else 1

    def render(self, tools: Tools) -> Rendered:
        data = self.index.files().get(self.path)
        if data is None:  # Pagefind gave other files for the same documents
            raise OutputError(self.path, "Pagefind no longer makes this file for the same articles; build again")
        return Rendered(data, ())

    def key(self, tools: Tools, reads: Iterable[str]) -> str:
        return self.stored_key


def _file_key(path: str, data: bytes) -> str:
    return deps.value_digest("search file", path, data)


def _entry_key(index: SearchIndex, keys: Mapping[str, str]) -> str:
    """A part's entry key: its documents' digest and every other file with its key. Equal to
    the last build's, it says the last build's records are the whole part for these documents."""
    return deps.value_digest("search", index.digest, sorted((path, key) for path, key in keys.items() if path != index.entry))


class Indexing:
    """The search index of ``site`` being made. Pagefind starts on the parts to index again
    as soon as the site is known, a few at a time, one process per CPU (each run uses one
    core: a clean build of 10,000 articles ran ten, one after another, for 23 s), and works
    while the build plans and renders every other file: reindexing an edited article's part
    (1.6 s) took as long as the rest of the build. ``outputs`` waits for the runs and plans
    the index's files. ``made``: the last build's records of files of ``BUNDLE`` still as it
    wrote them."""

    def __init__(self, site: Site, made: Mapping[str, OutputRecord], language: Language, guessed: Guess | None = None) -> None:
        """``guessed``: the runs ``guess`` started, each taken by its part if its documents are
        the part's; the others are ended."""
        # Pagefind's own files (their compressed copies are in their records).
        known = {path: made[path].key for path in sorted(made) if path.startswith(BUNDLE)}
        found = parts(site)
        pagefind = Pagefind.find() if found else Pagefind("", "")
        self.indexes = [SearchIndex(folder, articles, language, pagefind) for folder, articles in found.items()]
        # Each file to its part's folder in one pass: a pass per part took 0.04 s at ten parts.
        by_folder: dict[str, dict[str, str]] = {}
        for path, key in known.items():
            by_folder.setdefault(_folder_of(path), {})[path] = key
        self.last = {index.folder: by_folder.get(index.folder, {}) for index in self.indexes}
        queue = [index for index in self.indexes if not _as_last_built(index, self.last[index.folder])]
        # The parts already being indexed first: each is taken, or ended, now.
        guessed = guessed or Guess({})
        self._queue = [index for index in queue if index.folder in guessed] + [index for index in queue if index.folder not in guessed]
        self._running: list[SearchIndex] = []
        try:
            self._start(max(default_jobs(), len(guessed)), guessed)
        except BaseException:
            # Stopped (Ctrl-C) while starting a part: the caller has no Indexing to stop, so
            # the runs started or taken so far are ended here, not left to run on.
            self.stop()
            raise
        finally:
            guessed.stop()

    def _start(self, room: int, guessed: Guess | None = None) -> None:
        while self._queue and len(self._running) < room:
            index = self._queue.pop(0)
            index.start(guessed)
            self._running.append(index)

    def outputs(self) -> list[Output]:
        """The files of the index (none when search is off or there is nothing to index),
        once every part's Pagefind run has ended."""
        room = len(self._running)
        while self._running:
            with contextlib.suppress(OutputError):  # said by the part's entry (_plan_part)
                self._running.pop(0).files()
            self._start(room)
        outputs: list[Output] = []
        for index in self.indexes:
            outputs += _plan_part(index, self.last[index.folder])
        return outputs

    def stop(self) -> None:
        """End the runs still going: the build ended without asking for the index."""
        for index in self._running:
            index.stop()
        self._running = []
        self._queue = []


def _folder_of(path: str) -> str:
    """The folder of the part a file of ``BUNDLE`` is in (``pagefind/3/`` for
    ``pagefind/3/fragment/x.pf_fragment``)."""
    number, _, _ = path[len(BUNDLE) :].partition("/")
    return _folder(number)


def _as_last_built(index: SearchIndex, known: dict[str, str]) -> bool:
    """Whether the last build's records (``known``) are the whole part for its documents."""
    return known.get(index.entry) == _entry_key(index, known)


def _plan_part(index: SearchIndex, known: dict[str, str]) -> list[Output]:
    """The files of one part. Each but the entry is keyed by its bytes, so a new index
    rewrites only the files that changed and looks at no other; the entry's key covers the
    documents and all of them. Pagefind runs here, once, unless the last build's records
    are the whole part for these documents (then it runs only if a file is lost between now
    and its render)."""
    if _as_last_built(index, known):
        return [IndexFile(path, index, key) for path, key in known.items()]
    try:
        files = index.files()
    except OutputError:
        # The part's last index stays published. Its entry is rendered, to report the error
        # and keep its last version as any failed output does; the next build tries again.
        kept: list[Output] = [IndexFile(path, index, key) for path, key in known.items() if path != index.entry]
        return [*kept, IndexFile(index.entry, index, "failed " + index.digest)]
    keys = {path: _file_key(path, data) for path, data in files.items() if path != index.entry}
    keys[index.entry] = _entry_key(index, keys)
    return [IndexFile(path, index, key) for path, key in sorted(keys.items())]


@dataclass(frozen=True, slots=True)
class Started:
    """A Pagefind run started ahead, with what it was started on."""

    executable: str
    docs: tuple[tuple[str, str], ...]
    run: Running


class Guess:
    """Parts of the index being indexed since before the site was known (``guess``): folder ->
    the Pagefind run and the executable and documents it was started on. A run is taken
    (``take``) only by its part with the very same documents: then its bundle is the one a
    run started now would make."""

    def __init__(self, runs: dict[str, Started]) -> None:
        self._runs = runs

    def __contains__(self, folder: str) -> bool:
        return folder in self._runs

    def __len__(self) -> int:
        return len(self._runs)

    def take(self, folder: str, executable: str, docs: tuple[tuple[str, str], ...]) -> Running | None:
        """The run started for ``folder`` by ``executable`` on ``docs``, if there is one; a run
        of the folder on anything else is ended. Each run is taken once."""
        started = self._runs.pop(folder, None)
        if started is None:
            return None
        if started.executable == executable and started.docs == docs:
            return started.run
        started.run.stop()
        return None

    def stop(self) -> None:
        """End the runs nobody took."""
        while self._runs:
            self._runs.popitem()[1].run.stop()


def guess(config: Config, articles: Sequence[Article], read_anew: frozenset[str], stored: Ledger | None, language: Language, now: dt.datetime) -> Guess:
    """Pagefind started, before the ledger dates the articles, on the parts that hold an
    article read anew (the edited ones): the parts as the ledger numbered them, their
    documents made of the articles as read. After an edit, reindexing its part (a second for
    1,000 articles) took longer than the rest of the build, and began only once the site
    was known; it now starts a few tenths of a second sooner, on the other core. What the
    ledger or the site changes (a date it keeps, a number it gives anew, an article left
    out, a new one) makes other documents, and the part's run is then started again
    (``Guess.take``). Guesses at most as many parts as Pagefind runs at once (``Indexing``):
    more is a change of many articles, not an edit. ``now``: the build's time, before which
    an article must be dated to be out."""
    if not config.search or stored is None or not read_anew:
        return Guess({})
    numbers = {article_id: entry.seq for article_id, entry in stored.articles.items() if entry.seq}
    size = config.search_part_size
    edited = {_part_of(numbers[a.id], size) for a in articles if a.source in read_anew and a.id in numbers}
    # The articles the ledger has not numbered (new ones, a preview's drafts) take the numbers
    # after its last: a part they join is not the one the ledger numbered, and its run would
    # only be ended (a story edited while another is out for the first time). Those held
    # back until their date (ledger.apply_ledger) take none.
    if fresh := sum(1 for a in articles if not a.standalone and a.id not in numbers and (a.published <= now or config.future)):
        last = max(numbers.values(), default=0)
        edited -= set(range(_part_of(last + 1, size), _part_of(last + fresh, size) + 1))
    if not edited or len(edited) > default_jobs():
        return Guess({})
    pagefind = Pagefind.find()
    if pagefind.error is not None:
        return Guess({})
    from . import site  # site.py imports this module

    # Each tag under the name the site gives it, its newest article's (site.one_name_per_tag):
    # as written, an older "harbour" beside a newer "Harbour" would make every guess of its
    # part wrong, and the part indexed twice after each edit.
    stories = site.one_name_per_tag(site.newest_first(a for a in articles if not a.draft and not a.standalone))
    members: dict[int, list[tuple[int, Article]]] = {number: [] for number in edited}
    for article in stories:
        seq = numbers.get(article.id, 0)
        if seq and (found := members.get(_part_of(seq, size))) is not None:
            found.append((seq, article))
    runs: dict[str, Started] = {}
    try:
        for number in sorted(members):
            docs = documents((Searchable.of(article) for _, article in sorted(members[number], key=lambda pair: pair[0])), language)
            folder = _folder(number)
            runs[folder] = Started(pagefind.executable, docs, Running(pagefind.executable, docs, folder))
    except OutputError:  # Pagefind could not be started: the part's run, when the site is known, says why
        pass
    except BaseException:
        Guess(runs).stop()
        raise
    return Guess(runs)


class Running:
    """Pagefind indexing ``docs`` (file name, HTML) in a scratch folder of its own, in a
    process started at once; ``files`` waits for it and reads its bundle."""

    def __init__(self, executable: str, docs: Iterable[tuple[str, str]], folder: str) -> None:
        import subprocess  # only where Pagefind runs: a build without search needs none

        self.folder = folder
        # Those of builds killed while Pagefind ran, wherever a build may have worked.
        remove_orphans(_SCRATCH, (tempfile.gettempdir(), MEMORY_FOLDER))
        self._scratch = tempfile.TemporaryDirectory(prefix=scratch_name(_SCRATCH), dir=scratch_root())
        root = Path(self._scratch.name)
        try:
            site = root / "site"
            site.mkdir()
            for name, text in docs:
                (site / name).write_text(text, encoding="utf-8")
            # In a folder of its own, with none of the PAGEFIND_* settings of the environment:
            # a pagefind.yml or a variable left around must not change the index. What it
            # says goes to a file, not a pipe: nobody reads a pipe while the build goes on,
            # and a full one would stop Pagefind.
            environment = {k: v for k, v in os.environ.items() if not k.upper().startswith("PAGEFIND_")}
            with open(root / "said", "wb") as said:
                self._process = subprocess.Popen(
                    [executable, "--site", "site", "--output-path", "bundle", "--silent"],
                    cwd=root, env=environment, stdin=subprocess.DEVNULL, stdout=said, stderr=subprocess.STDOUT,
                )  # fmt: skip
        except OSError as e:
            self._scratch.cleanup()
            raise OutputError(folder, f"Pagefind could not be run ({executable}): {e.strerror or e}") from e

    def files(self) -> dict[str, bytes]:
        """The bundle by output path under ``folder``. Raises OutputError naming the folder
        when Pagefind fails."""
        root = Path(self._scratch.name)
        try:
            try:
                status = self._process.wait()
            except BaseException:  # interrupted (Ctrl-C): Pagefind is not left running
                self._process.kill()
                raise
            if status != 0:
                said = (root / "said").read_bytes().decode("utf-8", "replace").strip().splitlines()
                raise OutputError(self.folder, f"Pagefind failed (exit status {status}): {' '.join(said[-3:]) or 'no message'}")
            bundle = root / "bundle"
            files = {
                self.folder + path.relative_to(bundle).as_posix(): path.read_bytes()
                for path in sorted(bundle.rglob("*"))
                if path.is_file() and path.relative_to(bundle).as_posix() not in _UNUSED
            }
        except OSError as e:
            raise OutputError(self.folder, f"Pagefind's index could not be read: {e.strerror or e}") from e
        finally:
            self._scratch.cleanup()
        try:
            return canonical(files, self.folder)
        except ValueError as e:
            raise OutputError(self.folder, f"Pagefind wrote an index sitegen cannot read: {e}") from e

    def stop(self) -> None:
        """End the run, its scratch folder removed."""
        with contextlib.suppress(OSError):
            self._process.kill()
        self._process.wait()
        self._scratch.cleanup()


# ---- one bundle for the same documents -----------------------------------------------
#
# Pagefind 1.5 writes the values of a filter (the tags) in hash-map order, which changes from
# run to run, and names the filter file and the metadata file that lists it after their
# content: the same articles would give a different index on every clean build. Pagefind's
# next release sorts them (Pagefind/pagefind#1124); until every supported version does, the
# bundle is put in that order here. Both files are CBOR, gzipped after a signature, and named
# by SHA-1 as Pagefind names them.

_SIGNATURE = b"pagefind_dcd"


def canonical(files: dict[str, bytes], folder: str) -> dict[str, bytes]:
    """``files`` (a bundle in ``folder``) with every filter's values in order, and the files
    that name them renamed to match. Raises ValueError on a file that is not as expected."""
    out = dict(files)
    renamed: dict[str, str] = {}  # old hash -> new hash of a filter file
    for path in sorted(p for p in files if p.startswith(folder + "filter/") and p.endswith(".pf_filter")):
        old = path.removeprefix(folder + "filter/").removesuffix(".pf_filter")
        language = old.rpartition("_")[0]
        name, values = _unpack(files[path])
        if not isinstance(values, list):
            raise ValueError(f"{path}: no list of values")
        data = _cbor([name, sorted(values, key=lambda v: str(v[0]).encode("utf-8"))])
        new = _short_hash(language, data, 7)
        renamed[old] = new
        del out[path]
        out[f"{folder}filter/{new}.pf_filter"] = _pack(data)
    entry_path = folder + ENTRY_NAME
    for path in sorted(p for p in files if p.startswith(folder + "pagefind.") and p.endswith(".pf_meta")):
        old = path.removeprefix(folder + "pagefind.").removesuffix(".pf_meta")
        language = old.rpartition("_")[0]
        meta = _unpack(files[path])
        # version, pages, index chunks, filters ([name, hash] pairs), sorts, meta fields
        if len(meta) < 4 or not isinstance(meta[3], list):
            raise ValueError(f"{path}: no list of filters")
        meta[3] = sorted(([name, renamed.get(str(h), h)] for name, h in meta[3]), key=lambda f: str(f[0]).encode("utf-8"))
        data = _cbor(meta)
        new = _short_hash(language, data, 10)
        del out[path]
        out[f"{folder}pagefind.{new}.pf_meta"] = _pack(data)
        if entry_path in out:
            out[entry_path] = out[entry_path].replace(f'"hash":"{old}"'.encode(), f'"hash":"{new}"'.encode())
    return dict(sorted(out.items()))


def _short_hash(language: str, data: bytes, length: int) -> str:
    # Pagefind's own naming: SHA-1, each byte in hex without its leading zero.
    full = "".join(f"{b:x}" for b in hashlib.sha1(data).digest())
    return f"{language}_{full[:length]}"


def _unpack(data: bytes) -> list[Any]:
    raw = gzip.decompress(data)
    if not raw.startswith(_SIGNATURE):
        raise ValueError("no Pagefind signature")
    value, end = _decode(raw, len(_SIGNATURE))
    if end != len(raw) or not isinstance(value, list):
        raise ValueError("not one CBOR array")
    return value


def _pack(data: bytes) -> bytes:
    return gzip.compress(_SIGNATURE + data, compresslevel=9, mtime=0)


def _decode(data: bytes, at: int) -> tuple[Any, int]:
    """One CBOR item at ``at`` (the kinds Pagefind writes: integers, strings, arrays, maps,
    booleans, null); the item and where the next one starts."""
    if at >= len(data):
        raise ValueError("truncated CBOR")
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if major == 7:
        simple = {20: False, 21: True, 22: None}
        if info not in simple:
            raise ValueError(f"unexpected CBOR simple value {info}")
        return simple[info], at
    if info < 24:
        arg = info
    elif info <= 27:
        size = 1 << (info - 24)
        if at + size > len(data):
            raise ValueError("truncated CBOR")
        arg, at = int.from_bytes(data[at : at + size], "big"), at + size
    else:
        raise ValueError("indefinite-length CBOR")
    if major == 0:
        return arg, at
    if major == 1:
        return -1 - arg, at
    if major in (2, 3):
        if at + arg > len(data):
            raise ValueError("truncated CBOR")
        chunk = data[at : at + arg]
        return (chunk if major == 2 else chunk.decode("utf-8")), at + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    if major == 5:
        pairs = []
        for _ in range(arg):
            key, at = _decode(data, at)
            value, at = _decode(data, at)
            pairs.append((key, value))
        return _Map(pairs), at
    raise ValueError(f"unexpected CBOR major type {major}")


class _Map(list[tuple[Any, Any]]):
    """A CBOR map, its pairs kept in the order written."""


def _head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")


def _cbor(value: Any) -> bytes:
    """``value`` in CBOR as minicbor writes it: definite lengths, shortest heads."""
    if value is False or value is True or value is None:
        return bytes([0xF4 if value is False else 0xF5 if value is True else 0xF6])
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        encoded = value.encode("utf-8")
        return _head(3, len(encoded)) + encoded
    if isinstance(value, _Map):
        return _head(5, len(value)) + b"".join(_cbor(k) + _cbor(v) for k, v in value)
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_cbor(item) for item in value)
    raise ValueError(f"cannot write {type(value).__name__} as CBOR")


_SCRATCH = "sitegen-search-"
"""The start of the name of Pagefind's working folder (in ``scratch_root``); then the process
id of the build that made it."""
MEMORY_FOLDER = "/dev/shm"
"""A folder in memory (tmpfs), on Linux."""
MEMORY_ROOM = 256 * 2**20
"""The room ``MEMORY_FOLDER`` must have for Pagefind to work there: a part of the index
(1,000 articles) takes about 10 MB, and a build runs one per CPU at a time."""


def scratch_root() -> str:
    """Where Pagefind works: in memory when there is room, else the temporary folder.

    Pagefind is given a file per article and writes a file per article back: on a disk,
    making those 2,000 files took longer than Pagefind's indexing (a part of 1,000 articles,
    written, indexed and read back: 3.1 s in /tmp, 1.6 s in /dev/shm)."""
    try:
        st = os.statvfs(MEMORY_FOLDER)
    except OSError:  # none (not Linux), or not to be looked at
        return tempfile.gettempdir()
    if st.f_bavail * st.f_frsize >= MEMORY_ROOM and os.access(MEMORY_FOLDER, os.W_OK | os.X_OK):
        return MEMORY_FOLDER
    return tempfile.gettempdir()


def _executable() -> str:
    """Pagefind's binary, as the ``pagefind`` package finds it (``pagefind_bin``, or
    PAGEFIND_BINARY_PATH)."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        found = None
    else:
        found = get_executable()
    if found is None:
        raise OutputError(BUNDLE, "Pagefind is not installed: pip install 'pagefind[bin]', or set search = false in sitegen.toml")
    return str(found)


_versions: dict[tuple[str, int, int], str] = {}


def _version(executable: str) -> str:
    """``pagefind --version`` of the binary (an index depends on it), asked once per
    process and binary file."""
    import subprocess  # as Running: only where Pagefind runs

    try:
        st = os.stat(executable)
        known = (executable, st.st_size, st.st_mtime_ns)
        if known not in _versions:
            done = subprocess.run([executable, "--version"], capture_output=True, check=True, timeout=60)
            _versions[known] = done.stdout.decode("utf-8", "replace").strip()
    except (OSError, subprocess.SubprocessError) as e:
        raise OutputError(BUNDLE, f"Pagefind could not be run ({executable}): {e}") from e
    return _versions[known]
