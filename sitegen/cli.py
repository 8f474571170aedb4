"""Command line: options -> build.build() -> a one-line summary. No logic lives here."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from . import INTERRUPTED, Terminated, __version__
from .build import BuildReport, keep_until_exit
from .build import build as run_build
from .config import Config, check_base_url, load_config, override
from .dates import format_iso, now, parse_date, source_date_epoch
from .errors import github_annotation, grouped, shown_message, shown_path
from .parallel import default_jobs
from .urls import is_absolute_http, is_local

SITE_OPTION = click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The site folder (holds sitegen.toml, seeds/, content/, templates/).",
)

F = TypeVar("F", bound=Callable[..., Any])


def _output_option(help: str) -> Callable[[F], F]:
    """``--output``: the output folder a command writes or reads (default: SITE/output)."""
    return click.option("--output", "output_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help=help)


NO_WAIT_OPTION = click.option(
    "--no-wait",
    is_flag=True,
    help="Fail at once if another build of this site is running, instead of waiting.",
)


def _checked_base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--base-url`` checked as it is given, as sitegen.toml's base_url would be: a mistyped
    one is a usage error naming the option (status 2), not a build's error of a "command line"."""
    if value is not None:
        try:
            check_base_url(value)
        except ValueError as e:
            raise click.BadParameter(str(e)) from None
    return value


def _own_base_url(site_dir: Path) -> str | None:
    """sitegen.toml's base_url; None when the file cannot be read (the build says why)."""
    try:
        return load_config(site_dir).base_url
    except click.ClickException:
        return None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class _Commands(click.Group):
    # A Ctrl-C is caught here, not by the entry point (__main__.py): click would make it an
    # "Aborted!" of status 1 first, while it reads the command line as while it runs one.
    # 130: interrupted, as shells report it; 143 for SIGTERM (__main__.py).

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except KeyboardInterrupt as e:
            click.echo(f"\n{INTERRUPTED}", err=True)
            sys.exit(_interrupted_status(e))

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as e:
            click.echo(f"\n{INTERRUPTED}", err=True)
            ctx.exit(_interrupted_status(e))


def _interrupted_status(interrupt: KeyboardInterrupt) -> int:
    return 128 + signal.SIGTERM if isinstance(interrupt, Terminated) else 130


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sitegen")
@click.pass_context
def main(ctx: click.Context) -> None:
    """sitegen: build a static news site with correct Atom, RSS and JSON feeds.

    Seeds (plain-text articles in seeds/) are imported into Markdown in content/,
    then rendered with the templates into output/, ready for any static host.
    """
    if not _colours_wanted():
        ctx.color = False  # every command's context inherits it


def _colours_wanted() -> bool:
    """False where the user or the terminal asks for plain text: ``NO_COLOR`` set and not
    empty (https://no-color.org/), or ``TERM=dumb`` (Emacs' shell, some CI consoles that
    give a pseudo-terminal); click colours any terminal otherwise."""
    return not os.environ.get("NO_COLOR") and not _dumb_terminal()


def _dumb_terminal() -> bool:
    """``TERM=dumb``: a terminal that moves no cursor, where a progress bar redrawn with
    carriage returns piles up as lines."""
    return os.environ.get("TERM") == "dumb"


def _in_ci() -> bool:
    """``CI`` set (GitHub Actions, GitLab CI, Buildkite, CircleCI... all set it): a log read
    later, not a person watching. Some runners give the job a pseudo-terminal (Buildkite by
    default, GitLab's shell executor under some setups), where a bar redrawn with carriage
    returns fills the log with hundreds of lines of percentages."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@main.command()
@SITE_OPTION
@_output_option("Where to write the site.  [default: SITE/output]")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help=f"Worker processes for the per-article work.  [default: the CPU count, here {default_jobs()}]",
)
@click.option("--check", "run_check", is_flag=True, help="Lint the output afterwards, as `sitegen check` does.")
@click.option("--base-url", "base_url", metavar="URL", default=None, callback=_checked_base_url, help="Build for this address instead of sitegen.toml's base_url (a preview host).")
@click.option("--drafts", is_flag=True, help="Publish drafts too (a preview); otherwise `draft: true` keeps an article out.")
@click.option("--future", is_flag=True, help="Publish articles dated in the future too (a preview); otherwise they wait for their date.")
@click.option("--relative", is_flag=True, help="Link pages by relative URLs, so that the output works opened from disk (a preview).")
@click.option("-v", "--verbose", is_flag=True, help="List every file written and removed, how the build cache was used, and each problem met in many files for every file.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and warnings: no summary, hint or progress bar.")
@NO_WAIT_OPTION
def build(
    site_dir: Path,
    output_dir: Path | None,
    jobs: int | None,
    run_check: bool,
    base_url: str | None,
    drafts: bool,
    future: bool,
    relative: bool,
    verbose: bool,
    quiet: bool,
    no_wait: bool,
) -> None:
    """Import new seeds, then build the site into the output folder.

    Builds are incremental: only what changed since the last build is imported, parsed,
    rendered and written (the cache is SITE/.sitegen-cache, safe to delete). Exits with
    status 1 if any file could not be used; everything else is still built.
    """
    if verbose and quiet:
        # Which one wins would be a guess: a script's mistake, said before any work.
        raise click.UsageError("-v (--verbose) and -q (--quiet) ask for opposite things: give one of them")
    _require_site(site_dir)
    if ENDS_WITH_THE_COMMAND and not run_check:
        # The build's objects are dropped whole with the process (leave), not freed one by
        # one (keep_until_exit), nor walked by the cycle collector, which build() turns on
        # again at its end: it walked what the template environment's cycles hold, the
        # whole site (0.06 s after a one-article edit of 10,000), to free it before the exit.
        # Not before a check, which needs the memory and collects as `sitegen check` does.
        gc.disable()
        keep_until_exit()
    show_progress = not quiet and sys.stderr.isatty() and not _dumb_terminal() and not _in_ci()

    @contextmanager
    def progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
        # A bar only where a person watches, and only for work worth watching.
        if not show_progress or total < 200:
            yield lambda n: None
            return
        with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
            yield bar.update

    # sitegen.toml read a second time only for --base-url: not by every build (a no-op's too).
    own = _own_base_url(site_dir) if base_url is not None else None
    also: list[str] = []
    if base_url is not None and own is not None:
        if check_base_url(base_url) == own:
            # The site's own address (a CI script handing it its Pages address, as Hugo's
            # workflows do): a build for readers, not a preview, which would record nothing
            # in the ledger and ask search engines to leave every page out.
            base_url = None
        elif is_local(own) and not is_local(base_url):
            # The site's address given on the command line only: every build for readers
            # would be a preview. Said with -q too, and counted, wherever it is built.
            also.append(
                f"sitegen.toml's base_url is {own}, so --base-url {base_url} makes this build a preview: its pages ask search engines to leave them out"
                " (noindex) and the ledger records nothing; set base_url in sitegen.toml to the site's address to build it for readers"
            )
    overrides = _overrides(base_url, drafts, future, relative)
    report = run_build(site_dir, output_dir, progress=progress, jobs=jobs, wait=not no_wait, on_wait=_say_waiting, overrides=overrides)
    if base_url is None and is_local(report.config.base_url):
        # The default: right for a first look, wrong for any host. Said with -q too, and
        # counted: a CI log that keeps only warnings is where a site built so gets deployed.
        also.append(f"base_url is {report.config.base_url}: feeds and links name this machine; set base_url in sitegen.toml to the site's address before publishing")
    if (late := _held_back_by_epoch(report)) is not None:
        also.append(late)
    if (shown := _preview_in_output(report.previewed, overrides, output_dir, site_dir)) is not None:
        also.append(shown)
    _print_report(report, verbose, quiet, also)
    problems = _check(report.config, output_dir or site_dir / "output", site_dir, quiet, every=verbose) if run_check else 0
    if not report.ok or problems:
        sys.exit(1)


@main.command()
@SITE_OPTION
@_output_option("The built site to check.  [default: SITE/output]")
@click.option(
    "--against",
    metavar="OLD",
    default=None,
    help="Also compare the feeds with the deployed build as a subscriber would: OLD is the live site's address, or a copy of its output folder (not the folder being checked).",
)
@click.option(
    "--allow-removed",
    "allow_removed",
    metavar="ID",
    multiple=True,
    help="With --against: let the entry with this id (or address) leave the feeds and archives, for a takedown the site's files cannot show. Repeatable.",
)
@click.option("--base-url", "base_url", metavar="URL", default=None, callback=_checked_base_url, help="Check the site as served at this address.  [default: the one it was built for, as its feeds give it]")
@click.option("--all", "every", is_flag=True, help="Say each problem for every file: a link that leads nowhere from many files, or a mistake made in many, is otherwise said for the first few and counted.")
def check(site_dir: Path, output_dir: Path | None, against: str | None, allow_removed: tuple[str, ...], base_url: str | None, every: bool) -> None:
    """Lint the built site: duplicate feed ids, relative URLs in feed content,
    missing or naive dates, feeds over budget, broken internal links.

    With --against, also what a subscriber would get wrong if this build replaced OLD:
    an entry whose id changed, an entry lost from the feed and every archive, an
    `updated` date moved with nothing changed, an archive document that gained entries or
    reordered them, a feed too large for popular readers, a scheduled or draft article
    out. Corrections to archived entries are noted, not failed. Run it before deploying.

    An article taken down on purpose (its content file deleted, and its seed if it was
    imported, while the ledger records it published) is noted, not failed, as is one
    named by --allow-removed.

    Exits with status 1 when anything is wrong.
    """
    from .check import asks_noindex, built_for, require_built

    if allow_removed and against is None:
        raise click.UsageError("--allow-removed goes with --against: it lets an entry of OLD go")
    _require_site(site_dir)
    config = load_config(site_dir)
    out = output_dir or site_dir / "output"
    require_built(out)
    built = built_for(out)
    wrong: list[str] = []
    if base_url is None and built is not None and built != config.base_url:
        # A preview (build --base-url) is checked as served where it was built for: at
        # sitegen.toml's address, every link of it would leave the site, thousands of errors
        # that are none of its own. The site's own output folder is what is deployed at
        # sitegen.toml's address, so there the address itself is wrong: one error.
        said = f"{out} was built for {built} (its atom.xml says so), not for sitegen.toml's {config.base_url}"
        if _is_deployed(out, site_dir):
            wrong.append(f"{said}, where it is deployed: build it again without --base-url (a preview goes in a folder of its own: --output)")
        else:
            click.echo(f"note: {said}: checked as served there (--base-url names another address)", err=True)
        base_url = built
    if base_url is None and not config.noindex and _is_deployed(out, site_dir) and asks_noindex(out):
        # A preview (--drafts, --future, --relative) in the folder a deploy publishes: every
        # page asks search engines to drop it, which takes the whole site out of their results.
        wrong.append(
            f"{out} holds a preview, or a build made while noindex was on: its pages ask search engines to leave them out (noindex),"
            " where it is deployed; build it again, without --drafts, --future, --relative or --base-url (a preview goes in a folder of its own: --output)"
        )
    config = override(config, **_overrides(base_url, False, False))
    problems = _check(config, out, site_dir, quiet=against is not None, first=wrong, every=every)
    if against is not None:
        from .compare import check_against

        compared = check_against(against, out, site_dir, config, now(), allow_removed)
        for note in compared.notes:  # corrections, takedowns: nothing wrong, but worth knowing
            click.echo(f"note: {shown_message(str(note))}", err=True)
        _print_messages([], compared.problems, every=True)  # each a change readers would see
        problems += len(compared.problems)
        # Apart: a note is no problem ("5 problems (1 note)" read as one of the five).
        noted = f", {_plural(len(compared.notes), 'note')}" if compared.notes else ""
        _echo(f"Checked {out} against {against}: {_plural(problems, 'problem')}{noted}.")
    if problems:
        sys.exit(1)


def _check(config: Config, out: Path, site_dir: Path, quiet: bool, first: Sequence[object] = (), every: bool = False) -> int:
    """Lint the site in ``out``, built from ``site_dir``, ``first`` said before what the lint
    finds and counted with it; what is found in many files said for the first few and
    counted, unless ``every``."""
    from .check import check_output, said

    problems = check_output(out, config, site_dir)
    _print_messages([], [*first, *said(problems, every)], every=every)
    count = len(first) + len(problems)
    if not quiet:
        _echo(f"Checked {out}: {_plural(count, 'problem')}.")
    return count


@main.command(name="import")
@SITE_OPTION
@NO_WAIT_OPTION
def import_(site_dir: Path, no_wait: bool) -> None:
    """Import seeds/*.txt into content/*.md without building.

    Unchanged seeds leave their content file untouched; a content file you edited
    is never overwritten.
    """
    from .cache import misnamed_warning
    from .lock import site_lock
    from .seeds import import_seeds

    _require_site(site_dir)
    misnamed: list[str] = []
    with site_lock(site_dir, wait=not no_wait, on_wait=_say_waiting):
        report = import_seeds(site_dir, load_config(site_dir), misnamed=misnamed)
    # A build says so of every folder it reads; the import only of seeds/, which it reads.
    _print_messages([*map(misnamed_warning, sorted(misnamed)), *report.warnings], report.errors)
    _echo(
        f"Imported {len(report.created)} new, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.kept)} kept (edited by hand), "
        f"{_plural(len(report.errors), 'error')}."
    )
    if report.errors:
        sys.exit(1)


@main.command()
@SITE_OPTION
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on; 0 picks a free one.")
@click.option("--bind", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 shows the site to your network).")
@click.option("--drafts", is_flag=True, help="Show drafts too.")
@click.option("--future", is_flag=True, help="Show articles dated in the future too.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes per build.  [default: the CPU count]")
@click.option(
    "--base-url",
    "base_url",
    metavar="URL",
    default=None,
    help=(
        "The address pages link to, as other devices reach this server (with --bind 0.0.0.0: http://192.168.1.20:8000/);"
        " with a path (http://127.0.0.1:8000/news/) the site is served at that path.  [default: the server's own]"
    ),
)
def serve(site_dir: Path, port: int, bind: str, drafts: bool, future: bool, jobs: int | None, base_url: str | None) -> None:
    """Build the site for this machine's address, serve it, and rebuild and reload open
    pages whenever seeds, content, templates or sitegen.toml change. Ctrl-C stops it.

    The site is built into a folder of its own: output/ is not touched. A build error
    shows in the terminal and over the open pages, naming the file and line. A page whose
    template fails keeps its last good version; an article that cannot be read is left
    out until it is fixed.
    """
    from .serve import ServeError, ServeOptions, site_prefix
    from .serve import serve as run_server

    _require_site(site_dir)
    if base_url is not None and not is_absolute_http(base_url):
        # Said now: the server would start and show every page's links broken.
        raise click.BadParameter(f"must be an absolute http(s) URL such as http://192.168.1.20:8000/, not {base_url!r}", param_hint="--base-url")
    if base_url is not None:
        try:
            site_prefix(base_url)  # the path the site is served at: one a request can reach
        except ServeError as e:
            raise click.BadParameter(e.message, param_hint="--base-url") from None
    run_server(site_dir, ServeOptions(port=port, bind=bind, drafts=drafts, future=future, jobs=jobs, base_url=base_url))


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
def init(folder: Path) -> None:
    """Make a new site in FOLDER (default: here): a commented sitegen.toml with every
    setting, seeds/ and content/, a .gitignore and a sample CI workflow. Files already
    there are kept; a .gitignore already there gets the lines for output/ and the build
    cache it lacks."""
    from .scaffold import init_site

    made = init_site(folder)
    for path in made.created:
        _echo(f"created {shown_path(path)}")
    for extended in made.extended:
        _echo(f"added {' and '.join(extended.lines)} to {shown_path(extended.path)} (it exists: nothing else changed)")
    for path in made.kept:
        _echo(f"kept {shown_path(path)} (it exists)")
    _print_messages(made.problems, [])
    here = "" if folder == Path(".") else f" --site {shown_path(folder)}"
    _echo(
        f"Next: put seeds in {shown_path(folder / 'seeds')}/ or run `sitegen new{here} \"A title\"` (a draft: `sitegen serve{here} --drafts`"
        f" shows it), then `sitegen build{here}`."
    )


@main.command()
@SITE_OPTION
@click.argument("title")
@click.option("--tags", default="", metavar="A,B", help="Comma-separated tags (the Arabic comma parts them too).")
@click.option("--page", is_flag=True, help="A standalone page (About, Contact, Privacy): at /<slug>/, in every page's footer, in no feed or listing.")
@click.option(
    "--draft/--publish",
    default=True,
    help="--draft (the default): write `draft: true`, so that builds leave it out until you remove that line. "
    "--publish: out with the next build.",
)
def new(site_dir: Path, title: str, tags: str, page: bool, draft: bool) -> None:
    """Write a new article, content/<slug>.md, dated now with a permanent id, as a draft
    (unless --publish); print its path. With --page, a standalone page (page: true), undated.

    Never overwrites a file, nor takes another article's slug or an address the site has
    for itself (tags/ under permalink = "{slug}/"): a taken name gets -2, -3...
    """
    from .scaffold import new_article
    from .text import find_xml_illegal, split_names

    _require_site(site_dir)
    if not title.strip():
        raise click.BadParameter("a title needs a visible character", param_hint="TITLE")
    # What the build would refuse in the file: not written, to fail on the next build.
    for given, hint in ((title, "TITLE"), (tags, "--tags")):
        if (bad := find_xml_illegal(given)) is not None:
            raise click.BadParameter(f"contains control character U+{ord(bad[1]):04X}, which XML forbids", param_hint=hint)
    if page and tags.strip():
        raise click.BadParameter("a page has no tags: it is in no listing or feed", param_hint="--tags")
    made = new_article(site_dir, load_config(site_dir), title.strip(), split_names(tags), draft, page)
    path = made.path
    # The path alone on stdout, for `$EDITOR "$(sitegen new ...)"`; what to do next on stderr.
    _echo(shown_path(path))
    if made.why:
        click.echo(f"Its slug is {made.slug}: {made.why}.", err=True)
    here = "" if site_dir == Path(".") else f" --site {shown_path(site_dir)}"
    if page:
        if draft:
            click.echo(
                f"A draft: builds leave it out. Preview it with `sitegen serve{here} --drafts`; "
                f"to publish it, `sitegen publish{here} {shown_path(path)}` (a page stays undated).",
                err=True,
            )
        else:
            click.echo(f"Not a draft: the next `sitegen build{here}` links it from every page's footer. Write its text first.", err=True)
    elif draft:
        click.echo(
            f"A draft: builds leave it out. Preview it with `sitegen serve{here} --drafts`; "
            f"to publish it, `sitegen publish{here} {shown_path(path)}` (which dates it then, not now).",
            err=True,
        )
    else:
        click.echo(
            f"Not a draft: the next `sitegen build{here}` publishes it, in every feed, and feed readers keep "
            "what they have seen. Write its text first.",
            err=True,
        )


@main.command()
@SITE_OPTION
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Publish a draft with no text too: its page and feed entries are empty.")
def publish(site_dir: Path, files: tuple[Path, ...], force: bool) -> None:
    """Make drafts articles dated now: each FILE's `draft: true` line removed and its date
    set to now (the site's timezone), every other line as it was. The next build puts them out.

    A draft's date is when it was begun: published by removing the line alone, a story
    written over some days comes out dated days ago, below newer ones in listings, feed
    readers and Google News. A draft dated in the future keeps its date: it is scheduled,
    and builds put it out from then on. So does an article that was out before it was made
    a draft: readers have it, dated so. An `updated:` before the article's date is removed.
    A draft with no text is not published (unless --force): feed readers keep the empty
    entry as they first saw it. A page (page: true) is not news: only its `draft: true`
    line goes, its date (or none) as it was. Exits with status 1 if any FILE could not be
    published.
    """
    from .errors import SitegenError
    from .scaffold import publish_draft

    _require_site(site_dir)
    config = load_config(site_dir)
    problems: list[str] = []
    for path in dict.fromkeys(files):  # each once, named twice or not
        try:
            done = publish_draft(site_dir, path, config, empty=force)
        except SitegenError as e:
            problems.append(str(e))
        else:
            if done.page:
                kept = f"its date kept, {done.date}" if done.date else "undated, as a page is"
                said = f"a page, {kept}; the next build links it from every page's footer"
            elif done.out_before:
                said = f"out before it was made a draft, so it keeps its date, {done.date}; the next build puts it back"
            elif not done.scheduled:
                said = f"dated {done.date}; the next build puts it out"
            elif config.future:
                said = f"dated {done.date}, in the future; the next build puts it out (future = true in sitegen.toml)"
            else:
                said = f"scheduled for {done.date}; builds from then on put it out"
            if done.dropped_updated:
                said += f" (its `updated: {done.dropped_updated}`, before that date, removed)"
            _echo(f"Published {shown_path(path)}: {said}.")
    _print_messages([], problems, every=True)
    if problems:
        raise SystemExit(1)


@main.command()
@SITE_OPTION
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say what would be converted, and write nothing.")
@click.option(
    "--keys",
    is_flag=True,
    help="Rename too, in any file (YAML included), the keys of Hugo, Jekyll and Pelican that mean one of sitegen's:"
    " lastmod -> updated, description -> summary, categories into tags, permalink into aliases, featured_image -> image...",
)
@click.pass_context
def convert(ctx: click.Context, site_dir: Path, files: tuple[Path, ...], dry_run: bool, keys: bool) -> None:
    """Write the front matter of Hugo (TOML between '+++' lines, or JSON) and Pelican
    (Title: lines) in YAML between '---' lines: each FILE, or every content file of the
    site that needs it. Keys and values stay as they were, in their order (Pelican's keys
    in lower case), and every byte of the text after them. A file is written only when the
    build reads its new front matter back to the same values, and never over an edit saved
    meanwhile; one already in YAML is left untouched (unless --keys renames a key of it: on
    its line, comments kept, where the value stays as it was). Exits with status 1 if any
    file could not be converted.
    """
    from .cache import find_content
    from .convert import convert_file
    from .errors import SitegenError

    if files and ctx.get_parameter_source("site_dir") is click.core.ParameterSource.DEFAULT:
        # The build's error gives the command with the file's path alone, to paste anywhere.
        site_dir = _site_of(files[0]) or site_dir
    _require_site(site_dir)
    config = load_config(site_dir)
    paths = list(dict.fromkeys(files)) if files else [Path(p) for p in find_content(site_dir / "content")]
    problems: list[str] = []
    warnings: list[str] = []
    forms: dict[str, int] = {}
    other_keys: set[str] = set()
    done = already = renamed = 0
    for path in paths:
        try:
            conversion = convert_file(site_dir, path, config.max_file_bytes, dry_run=dry_run, keys=keys)
        except SitegenError as e:
            problems.append(str(e))
            continue
        if (converted := conversion.converted) is None:
            already += 1
            continue
        warnings.extend(converted.warnings)
        other_keys.update(converted.other_keys)
        said = ", ".join(f"{key} -> {target}" if target else f"{key} removed" for key, target in converted.renamed)
        renamed += bool(converted.renamed)
        if converted.form == "YAML":
            already += 1
            if said:
                _echo(f"{'Would rename' if dry_run else 'Renamed'} keys of {shown_path(path)}: {said}")
            continue
        done += 1
        forms[converted.form] = forms.get(converted.form, 0) + 1
        _echo(f"{'Would convert' if dry_run else 'Converted'} {shown_path(path)} ({converted.form}{'; ' + said if said else ''})")
    _print_messages(warnings, problems, every=True)
    verb = "Would convert" if dry_run else "Converted"
    of = " (" + ", ".join(f"{count} from {form}" for form, count in sorted(forms.items())) + ")" if forms else ""
    said = f"{verb} {done} file{'' if done == 1 else 's'} to YAML front matter{of}, {already} already YAML"
    if keys:
        said += f", keys {'to rename' if dry_run else 'renamed'} in {renamed} file{'' if renamed == 1 else 's'}"
    said += f", {len(problems)} error{'' if len(problems) == 1 else 's'}."
    if dry_run:
        said += " Nothing written (--dry-run)."
    if other_keys:
        names = ", ".join(sorted(other_keys, key=str.lower))
        said += f" Keys of Hugo or Pelican kept as they are ({names}): the build warns of each, saying what sitegen reads instead."
        if not keys:
            said += " `sitegen convert --keys` renames those that mean one of sitegen's."
    _echo(said)
    if problems:
        raise SystemExit(1)


@main.group()
def theme() -> None:
    """The default theme's templates: copy them into templates/ to edit them."""


@theme.command(name="copy")
@SITE_OPTION
@click.argument("names", nargs=-1)
def theme_copy(site_dir: Path, names: tuple[str, ...]) -> None:
    """Copy the default theme's files (all, or NAMES such as base.html static/style.css,
    or a folder such as static/ for every file in it) into the site's templates/, where they
    override the theme. Files the site has are kept."""
    from .scaffold import copy_theme

    _require_site(site_dir)
    made = copy_theme(site_dir, names)
    for path in made.created:
        _echo(f"copied {shown_path(path)}")
    for path in made.kept:
        _echo(f"kept {shown_path(path)} (the site has its own)")


@theme.command(name="list")
@SITE_OPTION
def theme_list(site_dir: Path) -> None:
    """List the theme's files, marking those the site's templates/ overrides."""
    from .scaffold import overridden

    for name, own in overridden(site_dir):
        where, whose = ("templates/" + name, "the site's own") if own else (name, "theme")
        _echo(f"{where:40} ({whose})")


_SITE_MARKS = ("sitegen.toml", "seeds", "content")
"""What a site folder holds at least one of."""
_SITE_FOLDERS = frozenset({"seeds", "content", "templates", "output"})
"""The folders of a site an editor works in, and runs a command from by mistake."""


def _require_site(site_dir: Path) -> None:
    """A folder with no sitegen.toml, seeds/ or content/ is a typo, not an empty site: a
    build there would deploy an empty site."""
    if _is_site(site_dir):
        return
    if not site_dir.exists():
        # A mistyped --site: said as such, not as a folder "inside the site" that is not
        # there. The nearest folder that is there on its way, when a site (or a site's
        # content/), is the site meant (sitte for ., from the site's folder); a site further
        # up is not (the clone of sitegen's repository around a site made in it, for ../typo).
        above = Path(os.path.abspath(site_dir)).parent
        while not above.exists() and above != above.parent:
            above = above.parent
        near = above if _is_site(above) else above.parent if above.name in _SITE_FOLDERS and _is_site(above.parent) else None
        if near is not None and near == Path.cwd():
            raise click.ClickException(f"{site_dir}: no such folder: check --site (this folder is a site: leave --site out)")
        if near is not None:
            raise click.ClickException(f"{site_dir}: no such folder: check --site (the nearest site is {near}: --site {os.path.relpath(near)})")
        raise click.ClickException(f"{site_dir}: no such folder: check --site, or run `sitegen init {site_dir}` to make a site there")
    where = f"{site_dir} is not a sitegen site (it has no sitegen.toml, seeds/ or content/)"
    if (enclosing := _enclosing_site(site_dir)) is not None:
        # Run from content/ (where the articles are), the hint to `sitegen init` here would
        # make a site inside the site, its articles in content/content/.
        raise click.ClickException(f"{where}, but lies inside the site {enclosing}: run sitegen from there, or add --site {os.path.relpath(enclosing)}")
    raise click.ClickException(f"{where}: check --site, or run `sitegen init {site_dir}` to make one")


def _is_site(folder: Path) -> bool:
    """Whether ``folder`` holds a site: a sitegen.toml, seeds/ or content/."""
    return any((folder / name).exists() for name in _SITE_MARKS)


def _enclosing_site(folder: Path) -> Path | None:
    """The site ``folder`` lies in: the nearest folder above it with a sitegen.toml, or its
    parent when ``folder`` is one of a site's own folders (``content/``, ``templates/``)."""
    try:
        folder = folder.resolve()
    except (OSError, RuntimeError):
        return None
    for above in folder.parents:
        if (above / "sitegen.toml").is_file():
            return above
    if folder.name in _SITE_FOLDERS and _is_site(folder.parent):
        return folder.parent
    return None


def _site_of(path: Path) -> Path | None:
    """The site whose file ``path`` is: the nearest folder above it with a sitegen.toml, or
    that holds it in its content/."""
    folder = Path(os.path.abspath(path)).parent
    for above in (folder, *folder.parents):
        if (above / "sitegen.toml").is_file():
            return above
        if above.name == "content" and _is_site(above.parent):
            return above.parent
    return None


def _overrides(base_url: str | None, drafts: bool, future: bool, relative: bool = False) -> dict[str, object]:
    """The settings the command line replaces for this build."""
    overrides: dict[str, object] = {}
    if base_url is not None:
        overrides["base_url"] = base_url
    if drafts:
        overrides["drafts"] = True
    if future:
        overrides["future"] = True
    if relative:
        overrides["relative"] = True
    return overrides


def _say_waiting(message: str) -> None:
    click.echo(message, err=True)


def _print_messages(warnings: Sequence[object], errors: Sequence[object], every: bool = False) -> None:
    """Warnings, then errors; one said of many files is counted past the first few, unless
    ``every``. In a GitHub Actions job, each is said as an annotation of the file and line it
    names (errors.github_annotation): the same words in the log, and on the file's line in
    the run's summary and a pull request's changes."""
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    workspace = os.environ.get("GITHUB_WORKSPACE") or os.getcwd()
    for kind, messages, colour in (("warning", warnings, "yellow"), ("error", errors, "red")):
        shown = [shown_message(str(m)) for m in messages]
        for message in shown if every else grouped(shown):
            if annotate:
                click.echo(github_annotation(kind, message, workspace), err=True)
            else:
                click.secho(f"{kind}: {message}", fg=colour, err=True)


def _print_report(report: BuildReport, verbose: bool, quiet: bool, also: Sequence[str] = ()) -> None:
    """The build's messages, then (unless ``quiet``) its summary; ``also``: warnings of the
    command line's own, said and counted with the build's."""
    warnings = [*report.warnings, *also]
    _print_messages(warnings, report.errors, every=verbose)
    if verbose:
        if report.cache:
            _echo(f"cache: {report.cache}")
        for path in report.written.written:
            _echo(f"wrote {path}")
        for path in report.written.removed:
            _echo(f"removed {path}")
    if quiet:
        return
    imported = report.imported
    new = len(imported.created) + len(imported.updated)
    warned = f", {_plural(len(warnings), 'warning')}" if warnings else ""
    _echo(
        f"Built {_plural(report.articles, 'article')} ({new} imported), {_plural(report.pages, 'page')}, "
        f"{_plural(report.feeds, 'feed')}, {_plural(len(report.errors), 'error')}{warned} in {report.seconds:.2f} s "
        f"({len(report.written.written)} written, {len(report.written.removed)} removed)."
    )
    if report.drafts:
        _echo(f"Skipped {_plural(report.drafts, 'draft')}.")
    if report.scheduled:
        _echo(f"Held back {_plural(report.scheduled, 'article')} dated in the future; the next is due {report.next_due} (--future shows them now).")
        if source_date_epoch() is not None and _held_back_by_epoch(report) is None:
            # A CI that pins it (to the last commit's time, say) publishes them only with a
            # build whose epoch is past their time, however late the clock.
            _echo(
                f"The build's time is SOURCE_DATE_EPOCH's ({format_iso(now())}), not the clock's: they go out with the first build"
                " whose SOURCE_DATE_EPOCH is past their time (unset it to go by the clock)."
            )


def _preview_in_output(shown: int, overrides: dict[str, object], output_dir: Path | None, site_dir: Path) -> str | None:
    """A warning when a preview (``overrides``: --base-url, --drafts, --future, --relative)
    is built into the site's own output folder, the one a deploy publishes: a deploy run
    after it puts out the ``shown`` drafts and articles dated in the future, and every page
    asking search engines to leave it out (Config.noindex), which takes the whole site out
    of their results (the next build without the options puts it right). Said with -q too,
    and counted, as the base_url one is: a CI log that keeps only warnings shows it."""
    if not overrides or (output_dir is not None and not _is_deployed(output_dir, site_dir)):
        return None
    options = " and ".join(f"--{name.replace('_', '-')}" for name in overrides)
    advice = f"build without {options} before publishing, or build previews into another folder with --output"
    if shown:
        return (
            f"{shown_path(site_dir / 'output')}/ now shows {_plural(shown, 'article')} not published yet ({options}: a preview), and a deploy of it would"
            f" publish {'it' if shown == 1 else 'them'}; {advice}"
        )
    # Even showing what a build shows: a preview's pages say noindex, and robots.txt names no sitemap.
    return (
        f"{shown_path(site_dir / 'output')}/ now holds a preview ({options}) whose pages ask search engines to leave them out (noindex), and a deploy"
        f" of it would take the site out of their results; {advice}"
    )


def _is_deployed(out: Path, site_dir: Path) -> bool:
    """Whether ``out`` is the site's own output folder, the one a deploy publishes: by where
    it is, not by how it was named (``--output output`` from the site's folder, a CI script
    spelling out the default, is that folder all the same)."""
    return out.resolve() == (site_dir / "output").resolve()


def _held_back_by_epoch(report: BuildReport) -> str | None:
    """A warning when SOURCE_DATE_EPOCH holds back an article whose time has come by the
    clock. A CI that pins it to the last commit's time puts a scheduled article out only
    with the next commit, and the hourly runs meant to publish it said so in the summary
    alone, which ``-q`` leaves out: said with -q too, and counted, as the base_url one is."""
    if not report.next_due or source_date_epoch() is None:
        return None
    due = parse_date(report.next_due, dt.UTC)
    if due > dt.datetime.now(dt.UTC):
        return None
    return (
        f"an article due {report.next_due} is held back though that time is past by the clock: the build's time is"
        f" SOURCE_DATE_EPOCH's ({format_iso(now())}), and it goes out only with a build whose SOURCE_DATE_EPOCH is past"
        " its time; unset SOURCE_DATE_EPOCH, or set it to the time of the run, to put it out"
    )


def _echo(message: str) -> None:
    """``message`` on stdout, whose reader may be gone (``sitegen build | head -1``): what
    is left to print then goes nowhere, and the command goes on to its end and its own
    status. Click ended it at once with status 1, said nowhere: a build that had succeeded
    failed its pipeline, and ``build --check`` left the check undone."""
    try:
        click.echo(message)
    except BrokenPipeError:
        # The bytes still buffered, and all printed after, go to the null device.
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


ENDS_WITH_THE_COMMAND = False
"""True when the process ends as soon as the command does (``sitegen``, ``python -m
sitegen``: __main__.main, by ``leave``); False where it goes on after (a test's CliRunner)."""


def leave(code: object) -> NoReturn:
    """End the process with ``code`` as ``sys.exit(code)`` would, but without tearing the
    interpreter down: freeing a build's millions of objects one by one, each of which the
    process is about to drop whole, took a tenth of a second after a build of 10,000
    articles, the time of a build with nothing to do. Every file is written and closed by
    then (output.py, cache.py); what is left to do is flushing what was printed."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # a message: printed, and status 1, as Python does
        print(code, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader gone (| head), a stream closed
            stream.flush()
    os._exit(status)
