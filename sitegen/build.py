"""The build, top to bottom: import seeds, load content, gather the site, render pages
and feeds, write output. A bad file is reported and skipped; the rest is still built."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from . import feeds, ledger, render, seeds, site as site_mod
from .config import Config, load_config
from .content import load_content
from .errors import OutputError, SitegenError
from .output import WriteReport, write_output
from .model import Article, OutputFile

T = TypeVar("T")
Progress = Callable[[str, Sequence[T]], Iterable[T]]


def _no_progress(label: str, items: Sequence[T]) -> Iterable[T]:
    return items


@dataclass
class BuildReport:
    config: Config
    imported: seeds.ImportReport
    articles: int = 0
    pages: int = 0
    feeds: int = 0
    errors: list[SitegenError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: WriteReport = field(default_factory=WriteReport)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


def build(site_dir: Path, output_dir: Path | None = None, progress: Progress = _no_progress) -> BuildReport:
    """Build the site in ``site_dir`` into ``output_dir`` (default: ``site_dir/output``)."""
    started = time.perf_counter()
    site_dir = site_dir.resolve()
    output_dir = (output_dir or site_dir / "output").resolve()
    # A broken config stops everything: raising ConfigError is the right outcome.
    config = load_config(site_dir)

    imported = seeds.import_seeds(site_dir, config)
    report = BuildReport(config=config, imported=imported)
    report.errors += imported.errors
    report.warnings += imported.warnings

    # First gather every article, so each page sees the same, complete site.
    content_dir = site_dir / "content"
    content = load_content(content_dir, config)
    report.errors += content.errors
    report.warnings += content.warnings
    articles, dated = ledger.apply_ledger(content.articles, ledger.load_ledger(content_dir), config.zone)
    ledger.save_ledger(content_dir, dated)
    site, site_errors = site_mod.build_site(articles, config)
    report.errors += site_errors
    report.articles = len(site.articles)

    # Then render everything to memory; output.py alone touches the disk.
    env = render.make_environment(site, site_dir)
    files: list[OutputFile] = []
    pages = site_mod.plan_pages(site)
    owners: dict[int, Article] = {}  # id(file) -> the article it is the page of
    for page in progress("Rendering", pages):
        try:
            file = render.render_page(env, page)
        except SitegenError as e:
            report.errors.append(e)
            continue
        files.append(file)
        if isinstance(article := page.context.get("article"), Article):
            owners[id(file)] = article
    feed_files = feeds.build_feeds(site)
    report.feeds = sum(1 for f in feed_files if not f.path.startswith(feeds.ARCHIVE_PREFIX))
    files += feed_files
    files += render.static_files(site_dir)

    files = _drop_collisions(files, owners, report)
    report.pages = sum(1 for f in files if f.path.endswith(".html"))
    report.written = write_output(files, output_dir)
    report.seconds = time.perf_counter() - started
    return report


def _drop_collisions(files: list[OutputFile], owners: dict[int, Article], report: BuildReport) -> list[OutputFile]:
    """One file per path, site pages first: an article whose URL collides with one
    (``permalink = "{slug}/"`` and a slug such as ``archive``) is reported, not written."""
    kept: dict[str, OutputFile] = {}
    # Stable sort: everything that is not an article page claims its path first.
    for file in sorted(files, key=lambda f: id(f) in owners):
        if file.path not in kept:
            kept[file.path] = file
        else:
            where = owners[id(file)].source if id(file) in owners else file.path
            report.errors.append(OutputError(where, f"its page would overwrite /{file.path}, which the site needs; change 'slug'"))
    return list(kept.values())
