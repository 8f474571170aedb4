"""The build, top to bottom: import seeds, load content, gather the site, render pages
and feeds, write output. A bad file is reported and skipped; the rest is still built.

Every step is incremental. The build cache (cache.py) remembers what the last build read
and made: an unchanged seed is not imported again, an unchanged content file is not parsed
again, and a page or feed whose key (deps.py) did not change is neither rendered nor
written. When no input changed at all, the build ends after looking at file dates.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import dates, deps, errors, parallel, urls
from .cache import CACHE_DIR, BuildState, Summary, files_of
from .config import (
    Config,
    ShadowedAlias,
    alias_errors,
    alias_pattern_warnings,
    alias_warnings,
    load_config,
    logo_warnings,
    override,
    section_warnings,
    setting_place,
    tag_table_warnings,
)
from .errors import SitegenError, shown_path
from .lock import OnWait, output_lock, site_lock
from .memo import Memo, Rendering, discard, failed_articles, summary_of
from .model import Article, ImportReport, Site
from .output import WriteReport, check_output_dir, clear_the_way, finish_output, manifest_lost, record_planned, remove_temp_files, unlisted
from .parallel import Progress, Workers, no_progress
from .theme import STATIC, Theme
from .urls import output_file

if TYPE_CHECKING:
    from .ahead import Foreseen
    from .i18n import Language
    from .ledger import History
    from .plan import Plan, Tools
    from .search import Guess


@dataclass
class BuildReport:
    config: Config
    imported: ImportReport
    articles: int = 0
    pages: int = 0
    feeds: int = 0
    errors: list[SitegenError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: WriteReport = field(default_factory=WriteReport)
    seconds: float = 0.0
    rendered: int = 0
    """Output files rendered (a text file with its compressed copies counts once); the others
    were known to be unchanged."""
    parsed: int = 0
    """Content files read and parsed; the others came from the cache."""
    drafts: int = 0
    """Content files skipped as drafts."""
    scheduled: int = 0
    """Articles held back because they are dated in the future."""
    previewed: int = 0
    """Drafts and articles dated in the future the site shows as a preview (--drafts, --future)."""
    next_due: str = ""
    """When the first of them is due (ISO 8601), if any."""
    failed: list[str] = field(default_factory=list)
    """Output files that could not be rendered or written: each keeps its last good version."""
    cache: str = ""
    """How the build cache was used, in words."""

    @property
    def ok(self) -> bool:
        return not self.errors


_kept: list[object] | None = None
"""What each build made, left for the process's end (``keep_until_exit``)."""


def keep_until_exit() -> None:
    """Leave what each build makes (the site model, the cache's records: millions of objects)
    for the end of the process to drop whole, in a process that ends with the build, as the
    command does (cli.leave): freed one by one as the build returns, they took 0.06 s after a
    one-article edit of 10,000, a twentieth of that rebuild."""
    global _kept
    if _kept is None:
        _kept = []


def build(
    site_dir: Path,
    output_dir: Path | None = None,
    progress: Progress = no_progress,
    jobs: int | None = None,
    wait: bool = True,
    on_wait: OnWait | None = None,
    overrides: Mapping[str, object] | None = None,
) -> BuildReport:
    """Build the site in ``site_dir`` into ``output_dir`` (default: ``site_dir/output``).

    ``overrides`` replace settings of sitegen.toml for this build, checked as they would be
    there (``future=True``: the command line's ``--future``); a bad one raises ConfigError.
    A build with any is a preview: it records nothing in the ledger (ledger.py).

    ``jobs`` worker processes share the per-article work (default: one per CPU). One build
    of a site, and one into an output folder, runs at a time: while another holds the lock,
    this one calls ``on_wait`` and waits for it, or with ``wait=False`` raises LockError.
    """
    # Before anything is read or written: an output folder that holds the site's own files
    # would have them overwritten.
    check_output_dir(site_dir, output_dir or site_dir / "output")
    # The site's lock, then the output folder's (always in this order): two checkouts built
    # into one folder would otherwise remove each other's files.
    with site_lock(site_dir, wait=wait, on_wait=on_wait), output_lock(output_dir or site_dir / "output", wait=wait, on_wait=on_wait):
        started = time.perf_counter()
        # A build makes millions of objects that live until it ends: the cycle collector would
        # only walk them again and again (about a tenth of the time), and there are no cycles
        # to find among them.
        collecting = gc.isenabled()
        gc.disable()
        try:
            report = _incremental_build(site_dir, output_dir, progress, jobs, overrides or {})
        finally:
            if collecting:
                gc.enable()
        report.seconds = time.perf_counter() - started
    return report


def _incremental_build(
    site_dir: Path, output_dir: Path | None, progress: Progress, jobs: int | None, overrides: Mapping[str, object]
) -> BuildReport:
    site_dir = site_dir.resolve()
    output_dir = (output_dir or site_dir / "output").resolve()
    # Settings overridden for one build (--base-url, --drafts, --future, --relative, sitegen
    # serve) make a preview: not what readers are shown. It records nothing in the ledger:
    # no address (redirects.py), no updated date of an edit tried and undone, no number
    # for an article that was there for a minute. Its cache is its own.
    preview = bool(overrides)
    if preview:
        # Not for readers, nor for search engines (Config.noindex).
        overrides = {**overrides, "noindex": True}
    memo = Memo(site_dir, preview)
    # A broken config stops everything: raising ConfigError is the right outcome.
    config = override(load_config(site_dir, read=memo.inputs.read), **overrides)
    if memo.nothing_changed(output_dir, config):
        unsaved = memo.keep_as_is()
        report = _replay(memo.state.report, config, sum(1 + len(record.copies) for record in memo.state.outputs.values()))
        report.cache += _moved(memo)
        report.warnings += unsaved
        return report
    # The processes the build forks end with it, however it ends.
    with Workers(jobs or parallel.default_jobs(), progress) as workers:
        try:
            return _build(site_dir, output_dir, config, memo, workers, preview)
        except SitegenError:
            raise  # the build's own verdicts: no cache makes them go away
        except (ValueError, KeyError, TypeError) as e:  # what reading a value that is not one raises
            if memo.reason:
                raise  # a clean build: a fault of sitegen's, to be seen
            # A cache record that passed its checksum yet holds what no parse makes (a date
            # that is not one, text that is not UTF-8): the cache was written by another
            # hand, a CI cache restored from elsewhere say. It is set aside and the site built
            # from its sources, as with no cache; anything published so far was built from
            # the sources too, and is written again only if it differs.
            said = f"{type(e).__name__}: {e}"
            report = _build(site_dir, output_dir, config, Memo(site_dir, preview, discard=f"cache set aside ({said})"), workers, preview)
            report.warnings.insert(
                0, f"{CACHE_DIR}: the build failed with the cache ({said}): set aside, the site built from its sources (if a fresh cache fails again, it is a bug of sitegen's)"
            )
            return report


def _build(site_dir: Path, output_dir: Path, config: Config, memo: Memo, workers: Workers, preview: bool = False) -> BuildReport:
    """The pipeline. Each step takes values and returns values; ``memo`` (the build cache)
    answers for the work whose inputs did not change."""
    # The heavy libraries (Markdown, YAML, Jinja2, feedgen, lxml) load only when there is work.
    from . import ahead, i18n

    content_dir = site_dir / "content"
    # Temp files a killed import or cache write left (this build holds the site's lock: no
    # other build is writing them now). The output folder's are seen to by finish_output.
    # A content file a killed import had set aside is put back: the check for nothing to do
    # listed content/ without it, and the import and the parse must see it.
    if any([remove_temp_files(str(folder)) for folder in (content_dir, site_dir / CACHE_DIR)]):
        memo.list_again()
    # The template folders: their catalogs give the words written into articles' text (a
    # footnote's back-link title) in each article's language, as they give the pages theirs.
    theme = Theme(site_dir, memo.inputs)
    # The words and dates pages are shown in: from the site's language and the catalogs of
    # the template folders (a catalog that cannot be read is an error; English shows).
    words = i18n.language_of(theme, config.language)
    # Compiling the templates and looking at the output folder need nothing of what follows:
    # another process does them meanwhile (ahead.py).
    foreseen = ahead.foresee(config, theme, words.language, memo, output_dir, workers)
    # Imported once that process is under way: it needs none of them, and imports its own.
    from . import content, ledger, plan, redirects, search
    from . import site as site_mod

    # 1. Seeds -> content/. First: importing writes content files, which step 2 reads.
    imported, seed_reads = memo.import_seeds(config, workers)
    # 2. content/ -> articles.
    loaded = content.collect(memo.parse_content(content_dir, config, workers, i18n.TextWords(theme)), content_dir)
    # 3. Articles -> the site: those due (not dated in the future), their history from the
    # ledger (updated dates, order of publication), then order, tags, archive.
    ledger_errors: list[SitegenError] = []
    now = dates.now()
    # Read before anything is written to the output folder: a ledger that cannot be read
    # stops the build (ledger.load_ledger).
    stored, rehearsed = ledger.for_readers(ledger.load_ledger(content_dir, memo.inputs.read), config, content_dir)
    distinct, site_errors = site_mod.unique(loaded.articles, site_dir, {i: entry.hash for i, entry in stored.articles.items()} if stored else None)
    distinct, taken = ledger.taken_over(distinct, stored, site_dir)
    site_errors += taken

    def history_of(articles: Sequence[Article], pages: Sequence[Article]) -> History:
        return ledger.work_out_history(content_dir, articles, config, stored, now=now, record_urls=not preview, pages=pages)

    # 4. The site -> every output file, planned; 5. rendered (those whose key changed):
    # _site_that_renders, which leaves out a new article whose page cannot be made, and
    # any whose page another file takes.
    # The output folder is marked as being written (a killed build's temp files are then
    # looked for), and each file is listed in the manifest before it is published, so that
    # a build killed while publishing still has its files removed later. The files the
    # cache says the last build made are listed too: a manifest damaged or deleted by hand
    # would otherwise leave a page taken down online for good.
    made_before = memo.made_in(output_dir)
    lost = not made_before and manifest_lost(output_dir)
    record_planned(output_dir, made_before)
    try:
        # The search index's parts that hold an edited article start being indexed now, as
        # the ledger numbered them, while the site is made: taken once it is known, if it
        # has them so (search.guess).
        guessed = search.guess(config, loaded.articles, memo.read_anew, stored, words.language, now)
        try:
            published = _site_that_renders(
                distinct, config, history_of, lambda site: _plan_and_render(site, theme, words.language, memo, output_dir, workers, foreseen, guessed), output_dir
            )
        finally:
            guessed.stop()
        history, site, made, left_out, made_errors = published.history, published.site, published.made, published.left_out, list(published.errors)
        planned, outputs, tools, rendering = made.planned, made.planned.outputs, made.tools, made.rendering
        # The ledger before the files: a build killed in between publishes them next time
        # with the dates recorded here.
        if not preview:
            # With the floors of the feeds whose byte budget bound, known now that they are made.
            history = ledger.with_floors(history, plan.feed_floors(outputs, rendering.records))
            ledger.write_history(content_dir, history, memo.inputs, errors=ledger_errors)
        record_planned(output_dir, rendering.staged, mark=False)
        # Every changed file was staged beside its place; all are published together now,
        # so a build that fails or is killed before this point leaves the site as it was.
        memo.publish(rendering, outputs)
    except BaseException:
        # Interrupted (Ctrl-C) or failed (a disk that staging filled fails the manifest
        # too): no staged file may stay to fill the disk until the next build. One build at
        # a time per site, and the workers are gone by now (parallel.py): every temp file
        # in the output folder is this build's.
        remove_temp_files(str(output_dir))
        raise
    # A file whose render failed keeps its last good version, its place in the manifest and
    # its record (the build after tries it again: state.failed). With no record of it (the
    # cache deleted, or last used for another output folder) the file stays all the same:
    # listings and feeds link to it. So do the static files a kept page may link to.
    # Its compressed copies that the cache knows stay only as its record keeps them, as
    # written with it: any other (cut short, of a file edited by hand since, made while
    # compress was on) could disagree with it, and servers send the file when it has none.
    kept = memo.still_as_written(rendering.failed, output_dir, planned.copies)
    copies = {path + suffix for path in rendering.failed for suffix in planned.copies.get(path, ())} & made_before
    left = {path for path in rendering.failed if path not in copies and os.path.lexists(os.path.join(output_dir, path))}
    produced = files_of(rendering.records) | files_of(kept) | left
    removed = finish_output(output_dir, produced, keep_stale=(STATIC,) if rendering.failed else ())
    # Neither the manifest nor the cache says what earlier builds made here: a page taken
    # down since may still be among the files this build did not make. Said once: from now
    # on the manifest lists what sitegen made, and it cannot tell those files from others.
    strays = unlisted(output_dir, produced) if lost else []

    report = BuildReport(config=config, imported=imported, parsed=memo.parsed, rendered=rendering.rendered)
    report.errors += errors.distinct(
        imported.errors + loaded.errors + ledger_errors + site_errors + theme.problems + list(words.problems) + planned.errors + made_errors + rendering.errors
    )
    # Said by this build only, not again by those with nothing to do (they replay the rest).
    once = {*history.once, *imported.once, rehearsed} - {""}
    if rehearsed:
        report.warnings.append(rehearsed)
    if strays:
        first = ", ".join(strays[:3]) + (", ..." if len(strays) > 3 else "")
        said = (
            f"{output_dir}: {len(strays)} file{'s' if len(strays) > 1 else ''} this build did not make stay ({first}): no manifest or cache says"
            f" what earlier builds made here, so pages taken down since may still be among them; delete {output_dir.name}/ and build again to be sure"
        )
        report.warnings.append(said)
        once.add(said)
    misnamed_warnings, misnamed_errors = memo.misnamed()
    report.errors += misnamed_errors
    report.warnings += misnamed_warnings + imported.warnings + loaded.warnings + list(history.warnings) + redirects.shadowed_warnings(planned.shadowed)
    report.warnings += planned.warnings
    report.warnings += ledger.withdrawn_warnings(loaded.draft_ids, stored)
    deleted = ledger.deleted_warnings(memo.gone(config), loaded.articles, loaded.draft_ids, stored)
    report.warnings += deleted
    once.update(deleted)
    made_pages = ledger.made_page_warnings(site.pages, memo.stories_before(), stored, config)
    report.warnings += made_pages
    once.update(made_pages)
    report.warnings += site_mod.tag_clashes(distinct, site_dir, config.tags)
    # Of the files read anew only, and not replayed: a related headline like a title may be
    # meant as it is, and nothing in the front matter could silence a warning said forever.
    unlinked = site_mod.related_warnings(site, memo.read_anew)
    report.warnings += unlinked
    once.update(unlinked)
    report.warnings += theme.root_warnings(urls.Urls(config.base_url).base_path)
    # Said where the setting is written, as every other message about sitegen.toml is.
    report.warnings += [f"{setting_place(site_dir, 'language')}: {said}" for said in words.warnings]
    report.warnings += [f"{a.source}: left out of the site (no listing, feed or sitemap names it) until its page can be made" for a in left_out]
    report.warnings += logo_warnings(config, site_dir, (o.path for o in outputs))
    report.warnings += section_warnings(config, site_dir, (tag.slug for tag, _ in site.tags))
    report.warnings += tag_table_warnings(config, site_dir, ((tag.name, tag.slug) for tag, _ in site.tags))
    listed = [(urls.tag_path(tag.slug), f"the tag {tag.name!r}") for tag, _ in site.tags]
    listed += [(urls.author_path(author.slug), f"the byline {author.name!r}") for author, _ in site.authors]
    report.errors += alias_errors(config, site_dir, listed)
    report.warnings += alias_pattern_warnings(config, site_dir)
    report.warnings += alias_warnings(
        site_dir,
        (ShadowedAlias(f"{s.move.kind}s", s.move.of.slug, s.move.path, s.live, str(shown_path(Path(s.owner))) if s.owner else "") for s in planned.shadowed_listings),
    )
    report.warnings += tools.renderer.unused_warnings((o.page.template for o in outputs if isinstance(o, plan.PageOutput)), site_dir / "templates")
    report.articles = len(site.articles)
    report.drafts = loaded.drafts
    report.scheduled = len(history.held_back)
    report.previewed = history.previewed
    report.next_due = dates.format_iso(history.held_back[0].published) if history.held_back else ""
    report.pages = sum(1 for o in outputs if o.path.endswith(".html"))
    report.feeds = sum(1 for o in outputs if isinstance(o, plan.FeedOutput) and not o.job.place.number)
    report.written = WriteReport(written=rendering.written, unchanged=rendering.unchanged, removed=removed)
    if memo.reason:
        report.cache = f"{memo.reason}: a clean build"
    else:
        report.cache = f"{memo.parsed} content files parsed, {rendering.rendered} of {len(outputs)} output files rendered{_moved(memo)}"

    # A left-out article's page is tried again by the next build, as any failed file is.
    failed = set(rendering.failed) | {output_file(a.path) for a in left_out}
    report.failed = sorted(failed)
    # By path: the paths sorted alone, strings compared as strings, not as the first of pairs.
    records = rendering.records | kept
    report.warnings += memo.save(
        BuildState(
            failed=tuple(sorted(failed | {name for name, record in memo.parse_records.items() if record.retry})),
            output_dir=str(output_dir),
            outputs={path: records[path] for path in sorted(records)},
            seeds=imported.outcomes,
            seed_reads=seed_reads,
            report=summary_of(
                report.articles, report.pages, report.feeds, report.drafts, report.errors,
                [w for w in report.warnings if w not in once], report.scheduled, report.next_due,
                previewed=report.previewed,
                steady=history.steady,
                numbered=history.numbered,
            ),
            articles=memo.parse_records,
            templates=tools.renderer.current_references(),
            settings=deps.value_digest(config),
            reason="",
        ),
        # The listing the import and the parse went by: made again when the import wrote
        # files or a file to read was gone, so that the next build compares with that one.
        memo.scan(),
    )
    if _kept is not None:
        _kept.append(locals())
    return report


@dataclass(frozen=True, slots=True)
class _Published:
    """What a build publishes: the articles' history, their site and its rendered files,
    and the articles left out (with the errors of the plans and renders set aside)."""

    history: History
    site: Site
    made: _Made
    left_out: tuple[Article, ...]
    collided: tuple[Article, ...]
    """The articles left out because another file takes their page's path (each is an error)."""
    errors: tuple[SitegenError, ...]


def _site_that_renders(
    articles: Sequence[Article],
    config: Config,
    history_of: Callable[[Sequence[Article], Sequence[Article]], History],
    plan_and_render: Callable[[Site], _Made],
    output_dir: Path,
) -> _Published:
    """``articles`` as a site, planned and rendered; a new article (one the ledger has not
    published) whose page cannot be made, and any whose page another file takes, left out,
    as one that cannot be read is: no listing, feed or sitemap may send readers (feed
    readers for good) to a page that is not there. Its history is worked out again without it, so the ledger does not record it as
    published either, and a clean build of the same sources leaves it out too. (Leaving one
    out changes its neighbours' pages, which could fail in turn: a few rounds at most.)"""
    from . import site as site_mod

    left_out: list[Article] = []
    collided: list[Article] = []
    errors: list[SitegenError] = []
    for round_ in range(4):
        gone = {a.id for a in (*left_out, *collided)}
        kept = [a for a in articles if a.id not in gone]
        # Standalone pages are not news: the ledger neither numbers nor dates them (it
        # keeps the addresses of one that was a story: ledger._as_pages).
        history = history_of([a for a in kept if not a.standalone], [a for a in kept if a.standalone])
        site = site_mod.build_site(
            history.articles,
            config,
            feed_id=history.feed_id,
            last_seq=history.last_seq,
            latest_first=history.latest_first,
            listed=history.listed,
            changed=history.changed,
            floors=history.floors,
            pages=history.pages,
            moved=history.moved,
        )
        made = plan_and_render(site)
        unmade = [a for a in failed_articles(made.rendering, made.planned.outputs) if not history.published_before(a)]
        # An article whose page another file takes (a slug such as "tags" under
        # permalink "{slug}/") has no page to make: left out, and one already published
        # too (its permalink changed, say). Unlike a failed render, there is no last good
        # page of it to keep: its address serves the site's own page, to which listings,
        # feeds and the sitemap would send readers as if it were the story. The ledger
        # keeps its entry, as for any article missing from a build, so that it comes back
        # with its number once its slug is changed.
        if (not unmade and not made.planned.collided) or round_ == 3:
            return _Published(history, site, made, tuple(left_out), tuple(collided), tuple(errors))
        discard(made.rendering, output_dir)
        errors += made.planned.errors + made.rendering.errors
        left_out += unmade
        collided += made.planned.collided
    raise AssertionError("unreachable")


@dataclass(frozen=True, slots=True)
class _Made:
    planned: Plan
    tools: Tools
    rendering: Rendering


def _plan_and_render(
    site: Site, theme: Theme, language: Language, memo: Memo, output_dir: Path, workers: Workers, foreseen: Foreseen, guessed: Guess | None = None
) -> _Made:
    """Every output file of ``site`` planned, and those whose key changed rendered and
    staged; with what ``foreseen`` worked out (ahead.py) when it has it, and the search
    index's runs ``guessed`` (search.guess)."""
    from . import plan, render, search
    from .feeds import FeedWriter
    from .i18n import TextWords

    config = site.config
    # Pagefind names the search index's files: the last build's, if still as it wrote them,
    # say which. It runs on the parts that changed while everything else is planned and
    # rendered; their files are planned and rendered after.
    indexing = search.Indexing(site, memo.still_as_written([p for p in memo.state.outputs if p.startswith(search.BUNDLE)], output_dir), language, guessed)
    try:
        planned = plan.plan_outputs(site, theme)
        feed_reads: set[str] = set()
        words = TextWords(theme)  # what feeds write in the site's language (a correction's heading)
        tools = plan.Tools(
            renderer=render.Renderer(site, theme, memo.state.templates, language, foreseen.templates),
            feeds=FeedWriter(site, deps.recording(config, feed_reads), feed_reads, words),
            feed_reads=feed_reads,
            digests=deps.Digests(config, site, theme.fingerprints(), words.digest),
        )
        foreseen.removed(clear_the_way(output_dir, (o.path for o in planned.outputs)))
        rendering = memo.render(planned.outputs, tools, output_dir, workers, planned.copies, foreseen.not_as_written())
        index = indexing.outputs()
    finally:
        indexing.stop()
    foreseen.removed(clear_the_way(output_dir, (o.path for o in index)))
    whole = plan.with_index(planned, index, config.compress)
    rendering.add(memo.render(whole.outputs[len(planned.outputs) :], tools, output_dir, workers, whole.copies))
    # What this process compiled itself (no process ahead: one job, none to be had, or a
    # build in a thread other than the main one) is not compiled again by the next build
    # of the process (sitegen serve's, on one job).
    foreseen.keep(tools.renderer.compiled_here())
    return _Made(whole, tools, rendering)


def _moved(memo: Memo) -> str:
    """What to add to the cache's line when the cache was made in another folder."""
    moved_from = memo.state.moved_from
    return f" (the cache was made in {moved_from}, and is used here)" if moved_from else ""


_ERROR_KINDS: dict[str, type[SitegenError]] = {
    kind.__name__: kind for kind in (errors.ConfigError, errors.SeedError, errors.ContentError, errors.TemplateError, errors.OutputError)
}


def _replay(summary: Summary, config: Config, outputs: int) -> BuildReport:
    """The report of a build that had nothing to do: the last one's counts and problems."""
    report = BuildReport(config=config, imported=ImportReport(), cache="up to date: nothing to do")
    report.articles, report.pages, report.feeds, report.drafts = summary.articles, summary.pages, summary.feeds, summary.drafts
    report.scheduled, report.next_due, report.previewed = summary.scheduled, summary.next_due, summary.previewed
    for e in summary.errors:
        report.errors.append(_ERROR_KINDS.get(e.kind, SitegenError)(e.path, e.message, e.line))
    report.warnings = list(summary.warnings)
    report.written.unchanged = outputs
    return report
