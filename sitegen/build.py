"""The build, top to bottom: import seeds, load content, gather the site, render pages
and feeds, write output. A bad file is reported and skipped; the rest is still built.

Every step is incremental. The build cache (cache.py) remembers what the last build read
and made: an unchanged seed is not imported again, an unchanged content file is not parsed
again, and a page or feed whose key (deps.py) did not change is neither rendered nor
written. When no input changed at all, the build ends after looking at file dates.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import cache, errors, parallel
from .cache import BuildState, Inputs
from .config import Config, load_config
from .errors import OutputError, SitegenError
from .lock import OnWait, site_lock
from .model import Article, ImportReport, Page
from .output import MANIFEST, WriteReport, check_output_dir, finish_output, write_file
from .parallel import Progress, Workers, no_progress
from .theme import Theme, theme_dirs
from .urls import output_file

if TYPE_CHECKING:
    from .feeds import FeedJob, FeedWriter
    from .render import Renderer


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
    """Output files rendered; the others were known to be unchanged."""
    parsed: int = 0
    """Content files read and parsed; the others came from the cache."""
    cache: str = ""
    """How the build cache was used, in words."""

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True, slots=True)
class _Job:
    """One output file to make: a page, a feed or a static file."""

    path: str
    page: Page | None = None
    feed: FeedJob | None = None
    data: bytes | None = None
    owner: Article | None = None
    """The article whose page this is."""


def build(
    site_dir: Path,
    output_dir: Path | None = None,
    progress: Progress = no_progress,
    jobs: int | None = None,
    wait: bool = True,
    on_wait: OnWait | None = None,
) -> BuildReport:
    """Build the site in ``site_dir`` into ``output_dir`` (default: ``site_dir/output``).

    ``jobs`` worker processes share the per-article work (default: one per CPU). One build
    of a site runs at a time: while another holds the site's lock, this one calls
    ``on_wait`` and waits for it, or with ``wait=False`` raises LockError.
    """
    # Before anything is read or written: an output folder that holds the site's own files
    # would have them overwritten.
    check_output_dir(site_dir, output_dir or site_dir / "output")
    with site_lock(site_dir, wait=wait, on_wait=on_wait):
        started = time.perf_counter()
        # A build makes millions of objects that live until it ends: the cycle collector would
        # only walk them again and again (about a tenth of the time), and there are no cycles
        # to find among them.
        collecting = gc.isenabled()
        gc.disable()
        try:
            report = _incremental_build(site_dir, output_dir, progress, jobs)
        finally:
            if collecting:
                gc.enable()
        report.seconds = time.perf_counter() - started
    return report


def _incremental_build(site_dir: Path, output_dir: Path | None, progress: Progress, jobs: int | None) -> BuildReport:
    site_dir = site_dir.resolve()
    output_dir = (output_dir or site_dir / "output").resolve()
    generator = cache.generator_id()
    state = cache.load_state(site_dir, generator)
    inputs = Inputs(state.inputs)
    # A broken config stops everything: raising ConfigError is the right outcome.
    config = load_config(site_dir, read=inputs.read)

    if _nothing_changed(state, inputs, site_dir, output_dir):
        report = _replay(state, config)
        if inputs.reverified:  # racy files were compared by content: remember they settled
            state.inputs = inputs.snapshot()
            cache.save_state(site_dir, state, previous_articles=state.articles)
    else:
        workers = Workers(jobs or parallel.default_jobs(), progress)
        report, new_state = _build(site_dir, output_dir, config, state, inputs, workers)
        new_state.generator = generator
        inputs.settle()
        new_state.inputs = inputs.snapshot()
        cache.save_state(site_dir, new_state, previous_articles=state.articles)
    return report


def _nothing_changed(state: BuildState, inputs: Inputs, site_dir: Path, output_dir: Path) -> bool:
    """True when every input is as the last build read it and every output as it wrote it."""
    if state.reason or state.output_dir != str(output_dir):
        return False
    if cache.scan(site_dir, theme_dirs(site_dir), site_dir / "content") != set(state.inputs):
        return False
    if not all(inputs.unchanged(p) for p in state.inputs):
        return False
    out = str(output_dir)
    for path, (_, size, mtime_ns, _) in state.outputs.items():
        try:
            st = os.stat(os.path.join(out, path))
        except OSError:
            return False
        if (st.st_size, st.st_mtime_ns) != (size, mtime_ns):
            return False
    return (output_dir / MANIFEST).is_file()


def _summary(report: BuildReport) -> dict[str, Any]:
    return {
        "articles": report.articles,
        "pages": report.pages,
        "feeds": report.feeds,
        "errors": [(type(e).__name__, str(e.path) if e.path else None, e.reason, e.line) for e in report.errors],
        "warnings": list(report.warnings),
    }


def _replay(state: BuildState, config: Config) -> BuildReport:
    """The report of a build that had nothing to do: the last one's counts and problems."""
    summary = state.report
    report = BuildReport(config=config, imported=ImportReport(), cache="up to date: nothing to do")
    report.articles, report.pages, report.feeds = summary["articles"], summary["pages"], summary["feeds"]
    for kind, path, message, line in summary["errors"]:
        report.errors.append(getattr(errors, kind, SitegenError)(path, message, line))
    report.warnings = list(summary["warnings"])
    report.written.unchanged = len(state.outputs)
    return report


def _build(
    site_dir: Path, output_dir: Path, config: Config, state: BuildState, inputs: Inputs, workers: Workers
) -> tuple[BuildReport, BuildState]:
    # The heavy libraries (Markdown, YAML, Jinja2, feedgen, lxml) load only when there is work.
    from . import feeds, ledger, render, seeds
    from . import site as site_mod
    from .content import load_content

    # Content first: the importer compares each seed with what its content file says.
    content_dir = site_dir / "content"
    state.articles = cache.load_articles(site_dir, state)
    content = load_content(content_dir, config, inputs, state.articles, workers)
    import_key = seeds.import_key(config)
    previous_seeds = state.seeds if state.import_key == import_key else {}
    imported = seeds.import_seeds(site_dir, config, inputs=inputs, previous=previous_seeds, workers=workers, known=content.seed_hashes)
    parsed = content.parsed
    if written := {str(p) for p in (*imported.created, *imported.updated)}:
        fresh = {name: record for name, record in content.records.items() if name not in written}
        content = load_content(content_dir, config, inputs, state.articles, workers, fresh=fresh)
        parsed += content.parsed
    report = BuildReport(config=config, imported=imported, parsed=parsed)
    report.errors += imported.errors + content.errors
    report.warnings += imported.warnings + content.warnings
    stored = ledger.load_ledger(content_dir, inputs.read)
    articles, dated = ledger.apply_ledger(content.articles, stored, config.zone)
    if (ledger_data := ledger.save_ledger(content_dir, dated, stored)) is not None:
        inputs.wrote(content_dir / ledger.LEDGER_NAME, ledger_data)
    del ledger_data, dated, stored  # megabytes at scale, and the workers would copy them
    site, site_errors = site_mod.build_site(articles, config)
    report.errors += site_errors
    report.articles = len(site.articles)

    # Then plan every output file, and make only those whose key changed.
    theme = Theme(site_dir, inputs)
    renderer = render.Renderer(site, theme, state.templates)
    plan = [_Job(output_file(p.path), page=p, owner=_owner(p)) for p in site_mod.plan_pages(site)]
    plan += [_Job(job.path, feed=job) for job in feeds.plan_feeds(site)]
    plan += [_Job(path, data=data) for path, data in theme.static_files()]
    plan = _drop_collisions(plan, report)
    report.pages = sum(1 for job in plan if job.path.endswith(".html"))
    report.feeds = sum(1 for job in plan if job.feed is not None and job.feed.fmt != "archive")

    keys = _Keys(renderer, site, config)
    records: dict[str, tuple[str, int, int, tuple[str, ...]]] = {}
    todo: list[int] = []
    out = str(output_dir)
    for index, job in enumerate(plan):
        old = state.outputs.get(job.path)
        if old is not None and old[0] == keys.of(job, old[3]) and _same_file(os.path.join(out, job.path), old):
            records[job.path] = old
        else:
            todo.append(index)
    if state.reason:
        report.cache = f"{state.reason}: a clean build"
    else:
        report.cache = f"{report.parsed} of {len(content.records)} content files parsed, {len(todo)} of {len(plan)} output files rendered"

    renderer.prepare({page.template for i in todo if (page := plan[i].page) is not None})
    output_dir.mkdir(parents=True, exist_ok=True)
    writer = feeds.FeedWriter(site)
    results = workers.map(_make, todo, context=(renderer, writer, keys, plan, output_dir), label="Rendering")
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    for index, result in zip(todo, results, strict=True):
        job = plan[index]
        if result[0] == "error":
            report.errors.append(result[1])
            continue
        _, written, size, mtime_ns, accessed, key = result
        # Most pages read the same few things: keep one tuple of each kind.
        records[job.path] = (key, size, mtime_ns, shared.setdefault(accessed, accessed))
        if written:
            report.written.written.append(job.path)
        else:
            report.written.unchanged += 1
    report.rendered = len(todo)
    report.written.written.sort()
    report.written.unchanged += len(plan) - len(todo)
    produced = {job.path for job in plan if job.path in records}
    report.written.removed = finish_output(output_dir, produced)

    new_state = BuildState(
        output_dir=str(output_dir),
        outputs=dict(sorted(records.items())),
        seeds=imported.outcomes,
        import_key=import_key,
        report=_summary(report),
        articles=content.records,
        templates=renderer.current_references(),
        reason="",
    )
    return report, new_state


def _owner(page: Page) -> Article | None:
    article = page.context.get("article")
    return article if isinstance(article, Article) else None


def _same_file(path: str, record: tuple[str, int, int, tuple[str, ...]]) -> bool:
    try:
        st = os.stat(path)
    except OSError:
        return False
    return (st.st_size, st.st_mtime_ns) == (record[1], record[2])


class _Keys:
    """The key of each output file (deps.py), from what its last render read."""

    def __init__(self, renderer: Renderer, site: Any, config: Config) -> None:
        from . import deps

        self.deps = deps
        self.renderer = renderer
        self.digests = deps.SiteDigests(site)
        self.base_url = config.base_url
        # Feeds read every setting but the importer's.
        self.feed_settings = dataclasses.replace(config, import_rules=type(config.import_rules)())

    def of(self, job: _Job, accessed: tuple[str, ...]) -> str:
        if job.page is not None:
            template = self.renderer.template_digest(job.page.template)
            return self.deps.page_key(template, job.page, self.base_url, accessed, self.digests)
        if job.feed is not None:
            return self.deps.value_digest("feed", job.feed.key_values(), self.feed_settings)
        return self.deps.value_digest("static", job.data)


def _make(context: tuple[Renderer, FeedWriter, _Keys, list[_Job], Path], index: int) -> tuple[Any, ...]:
    """Render and write one output file (in a worker):
    ("ok", written, size, mtime_ns, what its templates read, key) or ("error", e)."""
    from .feeds import render_feed

    renderer, writer, keys, plan, output_dir = context
    job = plan[index]
    accessed: tuple[str, ...] = ()
    try:
        if job.page is not None:
            data, accessed = renderer.render(job.page)
        elif job.feed is not None:
            data = render_feed(writer, job.feed)
        else:
            data = job.data or b""
        written, size, mtime_ns = write_file(output_dir, job.path, data)
    except SitegenError as e:
        return ("error", e)
    return ("ok", written, size, mtime_ns, accessed, keys.of(job, accessed))


def _drop_collisions(plan: list[_Job], report: BuildReport) -> list[_Job]:
    """One file per path, site pages first: an article whose URL collides with one
    (``permalink = "{slug}/"`` and a slug such as ``archive``) is reported, not written."""
    kept: dict[str, _Job] = {}
    # Stable sort: everything that is not an article page claims its path first.
    for job in sorted(plan, key=lambda j: j.owner is not None):
        if job.path not in kept:
            kept[job.path] = job
        else:
            where = job.owner.source if job.owner is not None else job.path
            report.errors.append(OutputError(where, f"its page would overwrite /{job.path}, which the site needs; change 'slug'"))
    return list(kept.values())
