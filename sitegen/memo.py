"""The build cache wrapped around the pipeline's steps: one object, owned by build.py.

The steps (importing, parsing, rendering) know nothing of it. For each item of work it
looks up what the last build made; when the item's inputs are unchanged (the same bytes,
and the same value for everything the step read of the settings or the site) the stored
result is used, otherwise the step runs, on the worker processes, and its result is kept
for the next build. What a step read is recorded while it runs (deps.py), never listed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from . import cache, dates, deps, parallel, urls
from .cache import BuildState, CopyRecord, ErrorRecord, FileState, Inputs, OutputRecord, ParseRecord, Summary
from .config import Config
from .errors import OutputError, SitegenError
from .i18n import TextWords
from .model import Article, ImportReport
from .output import MANIFEST, Staged, interrupted, publish, stage_file, unstage
from .parallel import Workers

if TYPE_CHECKING:
    from .content import Converter
    from .ledger import Steady
    from .plan import Output, Tools  # planning loads only when there is work (build.py)


@dataclass
class Rendering:
    """What rendering the plan did."""

    records: dict[str, OutputRecord] = field(default_factory=dict)
    """Every output now in place, with its key (and its compressed copies)."""
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    rendered: int = 0
    """Outputs rendered (a text file with its compressed copies is one)."""
    failed: list[str] = field(default_factory=list)
    """Paths (compressed copies among them) whose render or write failed: their last good file
    stays, and its copies as written with it (build.py)."""
    unmade: list[str] = field(default_factory=list)
    """Those of ``failed`` whose render failed (not their write: a full disk is no fault of
    the page's)."""
    errors: list[SitegenError] = field(default_factory=list)
    staged: dict[str, Staged] = field(default_factory=dict)
    """The files rendered and written beside their place, waiting to be published."""

    def add(self, other: Rendering) -> None:
        """Take in what rendering other outputs did."""
        self.records |= other.records
        self.written = sorted(self.written + other.written)
        self.unchanged += other.unchanged
        self.rendered += other.rendered
        self.failed += other.failed
        self.unmade += other.unmade
        self.errors += other.errors
        self.staged |= other.staged


class Memo:
    """The last build's results, and this build's, for one site."""

    def __init__(self, site_dir: Path, preview: bool = False, discard: str = "") -> None:
        """``preview``: the memo of preview builds, kept apart (cache.PREVIEW). ``discard``:
        why the last build's results are not to be used (then none is read)."""
        self.site_dir = site_dir
        self.preview = preview
        self.generator = cache.generator_id()
        self.state = BuildState(reason=discard) if discard else cache.load_state(site_dir, self.generator, preview)
        self.inputs = Inputs(self.state.inputs)
        self._articles: dict[str, ParseRecord] | None = None
        self.parsed = 0
        """Content files read and parsed in this build; the others came from the cache."""
        self.read_anew: frozenset[str] = frozenset()
        """The content files of those (by path): what is said of a file once, when it is read
        after a change (site.related_warnings), is said for these."""
        self.parse_records: dict[str, ParseRecord] = {}
        """This build's parse record of every content file, for the next build."""
        self._scanned: frozenset[str] | None = None
        self._scan: cache.Scan | None = None
        self._misnamed: list[str] = []

    @property
    def reason(self) -> str:
        """Why the cache was not used ("" when it was)."""
        return self.state.reason

    # ---- a build with nothing to do --------------------------------------------------

    def nothing_changed(self, output_dir: Path, config: Config) -> bool:
        """True when every input is as the last build read it, every output as it wrote it,
        the settings are the same and no held-back article has come due."""
        state, inputs = self.state, self.inputs
        if state.reason or state.failed or state.output_dir != str(output_dir) or interrupted(output_dir):
            return False
        if state.settings != deps.value_digest(config):
            return False
        report, now = state.report, dates.now()
        if report.next_due and dates.parse_date(report.next_due, dt.UTC) <= now:
            return False
        if (report.steady_from and now < dates.parse_date(report.steady_from, dt.UTC)) or (
            report.steady_until and now >= dates.parse_date(report.steady_until, dt.UTC)
        ):
            return False
        # As sets: the listing is stored sorted, and sorting this one took a tenth of the scan.
        if self.scan() != frozenset(state.scanned):
            return False
        if not inputs.all_unchanged():
            return False
        # Joined by hand: os.path.join took a third of a no-op build's 51,000 looks.
        out = str(output_dir) + os.sep
        for path, record in state.outputs.items():
            try:
                st = os.stat(out + path)
            except OSError:
                return False
            if (st.st_size, st.st_mtime_ns) != (record.size, record.mtime_ns):
                return False
            for copy in record.copies:
                try:
                    st = os.stat(out + path + copy.suffix)
                except OSError:
                    return False
                if (st.st_size, st.st_mtime_ns) != (copy.size, copy.mtime_ns):
                    return False
        try:
            st = os.stat(output_dir / MANIFEST)
        except OSError:
            return False
        return (st.st_size, st.st_mtime_ns) == state.manifest

    def scan(self) -> frozenset[str]:
        """Every file a build would look at when it started (refused ones included: a link,
        a file too large), by name; what each holds is compared through ``inputs``. Looked
        for once: the check for nothing to do and the build share the listing (0.06 s)."""
        from .theme import theme_dirs

        if self._scanned is None:
            self._scan = cache.scan(self.site_dir, theme_dirs(self.site_dir), self.site_dir / "content", self._misnamed)
            # Files left out for their names are listed as they are shown: renaming or
            # removing one is a change to build (their warnings go).
            self._scanned = self._scan.names | {cache.printable(path) for path in self._misnamed} if self._misnamed else self._scan.names
        return self._scanned

    def list_again(self) -> None:
        """Files were made since the scan (put back, imported): the next use scans again,
        so that the import and the parse see them in this build."""
        self._scanned = None

    def _listing(self) -> cache.Scan:
        """The scan's listings of seeds/ and content/, which the import and the parse use:
        files made since the scan (by the import, or a person) are this build's only when
        the scan is done again, as the next build's is."""
        self.scan()
        assert self._scan is not None
        return self._scan

    def misnamed(self) -> tuple[list[str], list[SitegenError]]:
        """A warning for each file the scan left out because its name is not UTF-8, but an
        error for one in content/ that would be an article (a content file, or a folder
        that may hold some): its article is off the site, as one that cannot be read is.
        Said here, once a build, not by each step that lists the folder."""
        from .errors import ContentError

        self.scan()
        content = str(self.site_dir / "content") + os.sep
        warnings: list[str] = []
        errors: list[SitegenError] = []
        for path in sorted(set(self._misnamed)):
            if path.startswith(content) and (path.endswith(os.sep) or path.lower().endswith(cache.CONTENT_SUFFIXES)):
                errors.append(ContentError(cache.printable(path), cache.misnamed_reason(path) + ": its articles are off the site until then"))
            else:
                warnings.append(cache.misnamed_warning(path))
        return warnings, errors

    def still_as_written(self, paths: Sequence[str], output_dir: Path, copies: Mapping[str, tuple[str, ...]] | None = None) -> dict[str, OutputRecord]:
        """The last build's records of those of ``paths`` whose file (and its copies) is
        still as it wrote it. Given ``copies`` (plan.Plan.copies), a file is kept with only
        those of its copies still as written that this build makes: what stays of a file
        whose render failed, whose other copies could disagree with it (build.py)."""
        records = self.state.outputs
        if copies is None:
            found = {p: records[p].as_found(os.path.join(output_dir, p)) for p in paths if p in records}
        else:
            found = {p: records[p].as_found_in_part(os.path.join(output_dir, p), copies.get(p, ())) for p in paths if p in records}
        return {p: record for p, record in found.items() if record is not None}

    def made_in(self, output_dir: Path) -> set[str]:
        """The files the last build made in ``output_dir``, as far as the cache knows."""
        return cache.files_of(self.state.outputs) if self.state.output_dir == str(output_dir) else set()

    def keep_as_is(self) -> list[str]:
        """Nothing changed: store only what was learnt of racy files, if anything. Returns
        a warning if the cache could not be written."""
        if not self.inputs.reverified:
            return []
        self.state.inputs = self.inputs.snapshot()
        if self.state.moved_from:
            # Made in another folder: every article record is stored again under its path here.
            self.state.articles = self.articles
        return self._stored(self.state, self.state.articles)

    # ---- step 1: seeds -> content/ ---------------------------------------------------

    def import_seeds(self, config: Config, workers: Workers) -> tuple[ImportReport, dict[str, str]]:
        """Import the seeds; a seed and content file both unchanged since the last import
        under the same settings keep their outcome. Returns the report and what the import
        read of the settings."""
        from . import content, seeds

        digests = deps.Digests(config)
        previous = self.state.seeds if digests.still(self.state.seed_reads) else {}
        # Content files unchanged since the last build: the seed hash stamped on each says
        # whether its seed was imported as it is now, without reading the file; and which
        # file is each seed's article, as the content files say now: from their parse
        # records, but for those changed or new since (read here). One pass over the
        # records, each file's state looked up once (it holds the sha a record is made from).
        known: dict[str, str] = {}
        named: dict[str, str | None] = {}
        state_of = self.inputs.state
        for path, record in self.articles.items():
            state = state_of(path)
            if state is not None and state.sha == record.file_sha:
                if record.seed_hash:
                    known[path] = record.seed_hash
                if record.seed is not None:
                    named[path] = record.seed
        limit = config.max_file_bytes
        content_dir = self.site_dir / "content"
        listed = self._listing().content
        unread = [path for path in listed if path not in named]
        # Read in parallel; what they stamp (seed_hash) is known too, so that examining
        # their seeds need not read them again (every file, in a build with no cache).
        for path, fields in zip(unread, workers.map(_front_fields, unread, context=limit, label="Checking content"), strict=True):
            named[path] = fields.get("seed", "") if fields is not None else None
            if fields is not None and (stamped := fields.get("seed_hash")):
                known[path] = stamped
        claims = content.seed_claims(listed, str(content_dir), named.__getitem__)
        log: set[str] = set()
        report = seeds.import_seeds(
            self.site_dir, deps.recording(config, log), inputs=self.inputs, previous=previous, workers=workers, known=known, claims=claims,
            scanned=self._listing().seeds,
        )
        if report.wrote:
            # The content files it made are read by this build.
            self.list_again()
        return report, digests.reads(log)

    # ---- step 2: content/ -> parse records --------------------------------------------

    @property
    def articles(self) -> dict[str, ParseRecord]:
        """The last build's parse records, by content path (read on first use)."""
        if self._articles is None:
            self._articles = cache.load_articles(self.site_dir, self.state, self.preview)
        return self._articles

    def parse_content(self, content_dir: Path, config: Config, workers: Workers, words: TextWords | None = None) -> dict[str, ParseRecord]:
        """Every content file's parse record: the stored one while the file, the settings
        its parse read and the ``words`` it wrote into its text (i18n.TextWords: a footnote's
        back-link title, in its language) are unchanged, a fresh parse otherwise."""
        words = words or TextWords()
        digests = deps.Digests(config, words=words.digest)
        previous = self.articles
        inside = str(content_dir) + os.sep

        def kept(listing: Sequence[str]) -> tuple[dict[str, ParseRecord], list[str]]:
            """The stored records still good, and the files to parse."""
            records: dict[str, ParseRecord] = {}
            todo: list[str] = []
            # The records of a shard that read the same share one dict of reads (cache.py):
            # one found still as it was is not looked through again for every record.
            still: dict[str, str] | None = None

            def reads_still(reads: dict[str, str]) -> bool:
                nonlocal still
                if reads is still:
                    return True
                if digests.still(reads):
                    still = reads
                    return True
                return False

            for name in listing:
                record = previous.get(name)
                if (
                    record is not None
                    and self.inputs.unchanged(name, sha=record.file_sha)
                    and (not record.files or all(self.inputs.unchanged(path, sha=sha) for path, sha in record.files.items()))
                    and reads_still(record.reads)
                    and _pictures_inside(record, inside)
                    and not record.retry
                ):
                    records[name] = record
                else:
                    todo.append(name)
            return records, todo

        records, todo = kept(self._listing().content)
        # A file to read gone since the scan (renamed or deleted while the import ran): the
        # folder is listed again, as a build listing it now would find it, rather than the
        # file said to be unreadable. One look per changed file, none for the others.
        if any(not os.path.lexists(name) for name in todo):
            self.list_again()
            records, todo = kept(self._listing().content)
        if todo:
            from .content import Converter

            # Markdown converted by an earlier build is looked up, never converted again.
            known = {r.article.body_sha: r.article.body for r in previous.values() if r.article is not None}
            context = _ParseContext(config, Converter(known), digests, str(content_dir), words)
            results = workers.map(_parse_one, todo, context=context, label="Reading content")
            # One dict of settings read for all the records whose parse read the same (nearly
            # all): each came from its worker with a copy of its own, 8 MiB at 10,000 files.
            shared: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
            for name, (state, record, images) in zip(todo, results, strict=True):
                if state is not None:
                    self.inputs.record(name, state)
                else:
                    self.inputs.refused(name)
                for path, image in images.items():
                    self.inputs.record(path, image)
                reads = shared.setdefault(tuple(record.reads.items()), record.reads)
                records[name] = record if reads is record.reads else msgspec.structs.replace(record, reads=reads)
        self.parsed = len(todo)
        self.read_anew = frozenset(todo)
        self.parse_records = records
        return records

    def gone(self, config: Config) -> dict[str, tuple[str, str]]:
        """The articles of the last build whose content file this build did not find: article
        id -> (the file, the article's absolute URL then). Called after ``parse_content``."""
        site = urls.Urls(config.base_url)
        return {
            record.article.id: (name, site.absolute(record.article.path))
            for name, record in self.articles.items()
            if name not in self.parse_records and record.article is not None and not record.draft and not record.article.draft
        }

    def stories_before(self) -> frozenset[str]:
        """The ids of the stories (not standalone pages, not drafts) of the last build's
        content files, for the build to tell which of its pages were one then."""
        return frozenset(
            record.article.id
            for record in self.articles.values()
            if record.article is not None and not record.draft and not record.article.draft and not record.article.standalone
        )

    # ---- step 5: outputs -> files ----------------------------------------------------

    def not_as_written(self, output_dir: Path) -> frozenset[str]:
        """The files the last build recorded whose file, or one of its compressed copies, is
        not in ``output_dir`` as it wrote it (deleted, edited, made a link): what ``render``
        would find, looked at ahead (build.py)."""
        out = str(output_dir) + os.sep
        return frozenset(path for path, record in self.state.outputs.items() if record.as_found(out + path) is not record)

    def render(
        self,
        outputs: Sequence[Output],
        tools: Tools,
        output_dir: Path,
        workers: Workers,
        copies: Mapping[str, tuple[str, ...]] | None = None,
        looked: frozenset[str] | None = None,
    ) -> Rendering:
        """Render and stage every output whose key changed (or whose file, or one of its
        compressed ``copies``, is not as written). ``copies``: plan.Plan.copies. ``looked``:
        ``not_as_written``, when it was worked out since the build began; each other file
        is then taken as written without a look."""
        copies = copies or {}
        result = Rendering()
        todo: list[int] = []
        out = str(output_dir) + os.sep
        records = self.state.outputs
        unchanged = 0

        def as_found(path: str, old: OutputRecord, want: tuple[str, ...]) -> OutputRecord | None:
            if looked is not None and path not in looked and old.makes(want):
                return old
            return old.as_found(out + path, want)

        for index, output in enumerate(outputs):
            path = output.path
            old = records.get(path)
            if old is not None:
                want = copies.get(path, ())
                key, reads, stored = old.made_of()
                # The quick key first (plan.Output.quick): when it is as stored, so is the
                # full key, which is then not worked out (for an article page, nor its context).
                quick = output.quick(tools, reads)
                now = "" if quick and quick == stored else output.key(tools, reads)
                if (not now or key == now) and (found := as_found(path, old, want)) is not None:
                    result.records[path] = found if quick == stored else found.with_quick(quick)
                    unchanged += 1 + len(want)
                    continue
                # Its render is likely to read what the last one did: its keys are then known.
                tools.remember(output, reads, quick, now)
            todo.append(index)
        tools.prepare(outputs[i] for i in todo)
        # Every page reads much of the site model: workers forked afresh now and then keep
        # the copies they make of it small (parallel.ROUND_ITEMS).
        done = workers.map(_render_one, todo, context=(outputs, copies, tools, output_dir), label="Rendering", fresh_every=parallel.ROUND_ITEMS)
        for index, outcome in zip(todo, done, strict=True):
            path = outputs[index].path
            files = [path, *(path + suffix for suffix in copies.get(path, ()))]
            if isinstance(outcome, SitegenError):
                # One error for a file and its compressed copies, which fail with it.
                result.errors.append(outcome)
                result.failed += files
                if not isinstance(outcome, OutputError):
                    result.unmade.append(path)
                continue
            staged, record = outcome
            result.records[path] = record
            for file, one in zip(files, staged, strict=True):
                if one.written:
                    result.staged[file] = one
                    result.written.append(file)
                else:
                    result.unchanged += 1
        result.rendered = len(todo)
        result.written.sort()
        result.unchanged += unchanged
        return result

    def publish(self, rendering: Rendering, outputs: Sequence[Output]) -> None:
        """Move the staged files into place: what a page links to before the page (article
        pages and static files, then listings, then feeds), so that a reader of the site
        never follows a link to a file this build has not published yet. A file's compressed
        copies are published right after it."""
        records, staged = rendering.records, rendering.staged
        owners = {_output_of(path, records) for path in staged}
        groups = [records[o.path].files(o.path) for o in sorted((o for o in outputs if o.path in owners), key=lambda o: o.wave)]
        order = [path for group in groups for path in group if path in staged]
        paths = {rendering.staged[p].target: p for p in order}
        failed: set[str] = set()
        for error in publish(rendering.staged[p] for p in order):
            path = paths[str(error.path)]
            rendering.errors.append(error)
            failed.add(path)
        # A compressed copy must never disagree with its original: when either could not be
        # published, the copy is removed, and servers send the original.
        for group in groups if failed else ():
            original, *copies = group
            if not failed.intersection(group):
                continue
            for path in copies:
                if original in failed or path in failed:
                    failed.add(path)
                    if path in rendering.staged:
                        with contextlib.suppress(OSError):
                            os.unlink(rendering.staged[path].target)
            record = records[original]
            if original in failed:
                records.pop(original)
            else:  # its record without the copies removed: the next build makes them again
                records[original] = msgspec.structs.replace(record, copies=tuple(c for c in record.copies if original + c.suffix not in failed))
        for path in sorted(failed):
            rendering.failed.append(path)
            if path in rendering.written:
                rendering.written.remove(path)

    # ---- the end ---------------------------------------------------------------------

    def save(self, state: BuildState, scanned: frozenset[str]) -> list[str]:
        """Store this build's results for the next one; ``scanned``: the listing the build
        went by (``scan``). Returns a warning if the cache could not be written."""
        state.generator = self.generator
        # A file that appeared while the build ran, unread, is not in this list: the next
        # build sees the difference and reads it.
        state.scanned = tuple(sorted(scanned.union(self.inputs.seen)))
        try:
            st = os.stat(Path(state.output_dir) / MANIFEST)
            state.manifest = (st.st_size, st.st_mtime_ns)
        except OSError:
            state.manifest = (0, 0)
        self.inputs.settle()
        state.inputs = self.inputs.snapshot()
        return self._stored(state, self.articles)

    def _stored(self, state: BuildState, previous_articles: dict[str, ParseRecord]) -> list[str]:
        # The output is complete whether or not the cache is written: a cache that cannot be
        # (a folder where one of its files goes, a full disk) costs the next build its
        # shortcuts, not this one its outcome. A cache made in another folder has its
        # records spread over the shards by their old paths: every shard is written anew.
        try:
            cache.save_state(self.site_dir, state, previous_articles=None if self.state.moved_from else previous_articles, preview=self.preview)
        except OutputError as e:
            return [f"{e}: the build cache was not saved, so the next build starts over"]
        return []


def failed_articles(rendering: Rendering, outputs: Sequence[Output]) -> list[Article]:
    """The articles whose page failed to render."""
    failed = set(rendering.unmade)
    return [owner for output in outputs if (owner := output.owner) is not None and output.path in failed]


def discard(rendering: Rendering, output_dir: Path) -> None:
    """Remove what ``rendering`` staged: it is not to be published."""
    unstage(rendering.staged.values(), output_dir)
    rendering.staged.clear()


def summary_of(
    articles: int,
    pages: int,
    feeds: int,
    drafts: int,
    errors: Sequence[SitegenError],
    warnings: Sequence[str],
    scheduled: int = 0,
    next_due: str = "",
    steady: Steady | None = None,
    numbered: tuple[str, ...] = (),
    previewed: int = 0,
) -> Summary:
    """``steady``: the clocks the report holds for (ledger.History.steady); ``numbered``: the
    articles published for the first time (ledger.History.numbered)."""
    since, until = (steady.since, steady.until) if steady else (None, None)
    return Summary(
        articles=articles,
        pages=pages,
        feeds=feeds,
        drafts=drafts,
        errors=tuple(ErrorRecord(type(e).__name__, str(e.path) if e.path else None, e.reason, e.line) for e in errors),
        warnings=tuple(warnings),
        scheduled=scheduled,
        next_due=next_due,
        previewed=previewed,
        steady_from=dates.format_iso(since) if since else "",
        steady_until=dates.format_iso(until) if until else "",
        numbered=numbered,
    )


def _front_fields(limit: int, path: str) -> dict[str, str] | None:
    """content.read_front_fields of one content file (in a worker)."""
    from .content import read_front_fields

    return read_front_fields(path, limit)


@dataclass(frozen=True, slots=True)
class _ParseContext:
    config: Config
    convert: Converter
    digests: deps.Digests
    content_dir: str
    words: TextWords


def _parse_one(context: _ParseContext, path: str) -> tuple[FileState | None, ParseRecord, dict[str, FileState]]:
    """Parse one content file (in a worker), noting what the parse read of the settings;
    with the states of the image files it read."""
    from .content import parse_file, source_hash_of
    from .images import ImageReader

    log: set[str] = set()
    config = deps.recording(context.config, log)
    images = ImageReader(context.content_dir, config.max_image_bytes)
    state, record = parse_file(path, config, context.convert, images, context.words.recording(log))
    reads = context.digests.reads(log)
    digest = source_hash_of(path, record.file_sha, reads, record.files, context.content_dir) if record.article is not None else ""
    return state, msgspec.structs.replace(record, reads=reads, source_hash=digest), images.states


def _pictures_inside(record: ParseRecord, folder: str) -> bool:
    """Whether every picture ``record`` shows (and file it links to) is a file under ``folder`` (content/), as a
    parse finds them: the build copies them into the output folder, and a cache written by
    someone else (a CI cache restored from another branch) could name any file of the
    machine."""
    media = record.article.media if record.article is not None else ()
    linked = record.article.attachments if record.article is not None else ()
    if not (record.files or media or linked):  # most records: nothing to look at
        return True
    return all(os.path.normpath(path).startswith(folder) for path in (*record.files, *(m.file for m in media), *(f.file for f in linked)))


def _output_of(path: str, records: Mapping[str, OutputRecord]) -> str:
    """The path of the output whose file (or compressed copy) is at ``path``."""
    from .compress import original_of

    copy_of = original_of(path) if path not in records else None
    return copy_of[0] if copy_of is not None else path


def _render_one(
    context: tuple[Sequence[Output], Mapping[str, tuple[str, ...]], Tools, Path], index: int
) -> tuple[tuple[Staged, ...], OutputRecord] | SitegenError:
    """Render and stage one output and its compressed copies (in a worker): what was staged
    (the file, then its copies) and its record, or the error. The file and its copies
    succeed or fail together: a copy is never left older or newer than its original."""
    from .compress import compress, encoding_of

    outputs, copies, tools, output_dir = context
    output = outputs[index]
    done: list[Staged] = []
    try:
        rendered = output.render(tools)
        done.append(staged := stage_file(output_dir, output.path, rendered.data))
        made: list[CopyRecord] = []
        for suffix in copies.get(output.path, ()):
            data = compress(rendered.data, encoding_of(suffix))
            done.append(copy := stage_file(output_dir, output.path + suffix, data))
            made.append(CopyRecord.of(suffix, data, copy.size, copy.mtime_ns))
        reads = rendered.reads
        key, quick = tools.key(output, reads), tools.quick(output, reads)
    except SitegenError as e:
        for one in done:
            if one.temp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(one.temp)
        return e
    return tuple(done), OutputRecord.of(key, rendered.data, staged.size, staged.mtime_ns, reads, rendered.floor, quick, tuple(made))
