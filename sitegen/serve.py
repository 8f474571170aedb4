"""The development server behind ``sitegen serve``: build, serve, watch, rebuild, reload.

The command line calls one function, which blocks until Ctrl-C::

    from sitegen.serve import ServeOptions, serve
    serve(site_dir, ServeOptions(port=8000, bind="127.0.0.1", drafts=False, future=False))

Tests and other programs use ``Server(site_dir, options)``: ``start()`` returns the
address once the site is built, served and watched; ``stop()`` closes the port and ends
every thread. Both raise ``ServeError`` (a SitegenError, so a ClickException) when the
server cannot start, ``PortInUseError`` when the port is taken.

- The site is built by build.build() with ``base_url`` set to the server's own address,
  into a folder of its own (``Server.output_dir``): the production ``output/`` is never
  written. build() holds the site's lock, so a ``sitegen build`` run meanwhile waits.
- Only that folder is served: ``..`` however encoded, backslashes and links leading out of
  it give 404, as do the files a build writes for hosts (``_headers``, the manifest). A
  folder serves its index.html; an unknown path the site's 404.html. A
  file other than a page is sent in the byte range a request asks for, as hosts send it.
- Only requests for this machine are answered: a Host header naming an IP address,
  ``localhost``, or the host of ``--bind`` or ``--base-url``. Any other name is a 403: a page
  of another site whose name its owner points at 127.0.0.1 (DNS rebinding) would otherwise
  read the served drafts as pages of its own.
- It is served at the base URL's path, where its pages link: ``/news/...`` is the folder's
  ``...`` with ``--base-url http://127.0.0.1:8000/news/``; ``/`` is sent there (302), and
  any other path outside it is a 404 saying where the site is.
- sitegen.toml, seeds/, content/ and templates/ (static files included) are watched with
  watchfiles. A change rebuilds (build() is incremental), and open pages reload: a script
  added to HTML responses as they are sent (never to the files) listens to Server-Sent
  Events at ``/__sitegen/events``. What a build writes there itself (a seed's article
  imported into content/) is no change, until the writer edits it.
- A build with errors prints them and shows them over every served page; a page that
  failed keeps its last good version.
- An article held back for its date is put out when the clock reaches it: a build is due
  then, though no file changed.
"""

from __future__ import annotations

import datetime as dt
import errno
import html
import http.server
import ipaddress
import json
import mimetypes
import os
import re
import secrets
import shutil
import signal
import socket
import socketserver
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import click
import watchfiles

from . import cache
from .build import build
from .config import CONFIG_NAME
from .dates import format_iso, parse_date, source_date_epoch
from .errors import SitegenError, grouped, shown_message
from .headers import HEADERS_FILE, XML_TYPE
from .ledger import LEDGER_NAME
from .output import MANIFEST, TEMP_SUFFIX, remove_orphans, scratch_name
from .redirects import LISTS, listed
from .theme import is_editor_leftover
from .urls import Urls

EVENTS_PATH = "/__sitegen/events"
"""The Server-Sent Events stream the injected script listens to."""
SOURCE_FOLDERS = ("seeds", "content", "templates")
"""The site's folders a build reads; with sitegen.toml, what is watched."""
_SCRATCH = "sitegen-serve-"
"""The start of the name of the folder a server builds the site into (in the temporary
folder), then its process id (output.scratch_name)."""
_LEDGER = os.path.join("content", LEDGER_NAME)
"""The ledger, as the log names it: written by builds that are not previews, so never by
this server's."""

Log = Callable[[str], None]
"""Where the server's messages go (one line each): the terminal, by default."""

# How often the watchers look up from waiting (to notice stop()), in milliseconds.
_WATCH_TICK_MS = 200
# Seconds between keep-alive comments on an idle event stream: writing is the only way to
# notice that a browser went away, and its thread can end.
_KEEPALIVE_SECONDS = 15.0
_START_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class ServeOptions:
    """How ``sitegen serve`` builds and serves the site."""

    port: int = 8000
    """TCP port to listen on; 0 picks a free one (``Server.start()`` returns the address)."""
    bind: str = "127.0.0.1"
    """Address to listen on. The default keeps the site to this machine."""
    drafts: bool = False
    """Show drafts too, as ``sitegen build --drafts`` does."""
    future: bool = False
    """Publish articles dated in the future too, as ``sitegen build --future`` does."""
    jobs: int | None = None
    """Worker processes per build (default: build()'s, one per CPU)."""
    base_url: str | None = None
    """The address pages link to: what other devices reach this server at (a phone on the
    network: ``http://192.168.1.20:8000/``). Default: the server's own local address."""


class ServeError(SitegenError):
    """The development server cannot start."""

    def __init__(self, message: str) -> None:
        super().__init__(None, message)


class PortInUseError(ServeError):
    """Another program listens on the port asked for."""


@dataclass(frozen=True)
class BuildStatus:
    """What served pages are told about the last build."""

    build_id: str
    """Changes with every build that changed something: a page showing another id reloads."""
    errors: tuple[str, ...] = ()
    """The build's errors as printed (``path:line: message``), shown over every page."""


@dataclass(frozen=True)
class Target:
    """What a request path leads to in the served folder."""

    file: Path | None = None
    """The file to send (resolved, inside the folder); None: nothing there."""
    redirect: str = ""
    """A folder asked for without its trailing slash: the path to send the browser to."""
    status: int = 301
    """The redirect's status: 302 for the site's own path (``/`` -> ``/news/``), which depends
    on how this server was started, not on the site: no browser keeps it."""
    outside: bool = False
    """A path outside the one the site is served at (``prefix``): no file of its."""


def serve(site_dir: Path, options: ServeOptions | None = None, log: Log | None = None) -> None:
    """Build, serve and watch the site in ``site_dir`` until Ctrl-C."""
    say = log or _echo
    server = Server(site_dir, options, say)
    # Stopped by a closed terminal (SIGHUP), `docker stop` or systemd (SIGTERM) as by
    # Ctrl-C: its temporary copy of the site is removed either way. A SIGHUP ignored
    # (`nohup sitegen serve`) stays ignored.
    handles = threading.current_thread() is threading.main_thread()  # signals reach the main thread only
    stops = [signal.SIGTERM]
    if hasattr(signal, "SIGHUP") and signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:  # no SIGHUP on Windows
        stops.append(signal.SIGHUP)
    previous = {stop: signal.signal(stop, _interrupt) for stop in stops} if handles else {}
    try:
        # Rebuilt in this thread when it is the main one: a build's time limits on untrusted
        # input (content.py) are signals, which only the main thread receives, and Ctrl-C
        # then stops a long build at once.
        url = server.start(builds_here=handles)
        say(f"Serving {site_dir.resolve()} at {url} (Ctrl-C to stop)")  # "." says nothing
        for note in serving_notes(server.options, url):
            say(note)
        server.wait()
    except KeyboardInterrupt:
        say("Stopping.")
    finally:
        server.stop()
        for stop, handler in previous.items():
            signal.signal(stop, handler if handler is not None else signal.SIG_DFL)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class Server:
    """The development server of one site: ``start()``, then ``stop()`` (or ``with``)."""

    def __init__(self, site_dir: Path, options: ServeOptions | None = None, log: Log | None = None) -> None:
        self.site_dir = site_dir
        self.options = options or ServeOptions()
        self.url = ""
        """The address the site is served at, once started (with the real port, and the
        base URL's path: ``http://127.0.0.1:8000/news/``)."""
        self.prefix = "/"
        """The path the site is served at: the base URL's, percent-encoded (``/news/``)."""
        self._log = log or _echo
        self._announcer = _Announcer(BuildStatus(build_id=""))
        self._session = secrets.token_hex(4)  # build ids differ across restarts: pages reload
        self._builds = 0
        self._drafts = 0
        self._warnings: tuple[str, ...] = ()
        """The last build's warnings: a build that changes nothing but them says them."""
        """The drafts the last build left out: said when their number changes."""
        self._held: tuple[int, str] = (0, "")
        """The articles dated in the future the last build held back, and when the next is
        due: said when either changes."""
        self._due: dt.datetime | None = None
        """When the first article the last build held back comes due: a build is due then,
        though no file changed. None: none held back, or SOURCE_DATE_EPOCH stands for the
        clock (a build's time then never moves on)."""
        self._came_due = ""
        """The due time the next build was woken for, for its line in the terminal."""
        self._builds_here = False
        self._overrides: Mapping[str, object] = {}
        self._output_dir: Path | None = None
        self._httpd: _HTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._dirty = threading.Event()
        self._changes: dict[str, bool] = {}
        """The files seen changing since the last build began (site-relative), for the log,
        each with whether it was seen being made."""
        self._changes_lock = threading.Lock()
        """Set by the watchers when a source changed: the builder thread builds again."""
        self._own: dict[str, str] = {}
        """The source files this server's builds wrote (an imported seed's article in
        content/), site-relative, with the SHA-256 of what each was written with: the
        watchers see those writes too, and they are no change of the writer's. Kept until
        the file holds anything else (the writer edited it), then a change as any other."""
        self._own_limit = 0
        """The size over which a file is no build's write (max_file_bytes): one is never read whole."""
        self._fresh: set[str] = set()
        """The files noted since the current build began."""
        self._nudged = False
        """Whether a build was asked for since the current one began for another reason than
        a file noted (a source folder appeared, a name could not be read)."""
        self._restart = threading.Event()
        """Set when a source folder appeared or went: the source watcher starts over."""
        self._stopped = False
        self._serving = False
        self._failure = ""
        """Why the server stopped by itself (a watcher failed), if it did."""

    @property
    def output_dir(self) -> Path:
        """The folder the site is built into and served from (it exists while started)."""
        if self._output_dir is None:
            raise RuntimeError("the server has not been started")
        return self._output_dir

    @property
    def status(self) -> BuildStatus:
        """The last build's id and errors, as pages are told them."""
        return self._announcer.status

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self, builds_here: bool = False) -> str:
        """Listen, start watching, build, serve; return the address. Does not block.
        Rebuilds run on a thread of their own, or with ``builds_here`` in ``wait()``.

        Raises PortInUseError or ServeError; a first build with errors still starts (the
        pages show them).
        """
        if self._httpd is not None or self._stopped:
            raise RuntimeError("a Server starts once")
        # Listening comes first: a taken port fails at once, before a build.
        self.prefix = site_prefix(self.options.base_url) if self.options.base_url else "/"
        self._httpd = _listen(self.options.bind, self.options.port)
        try:
            self.url = local_url(self.options.bind, self._httpd.server_address[1]) + self.prefix[1:]
            self._overrides = build_overrides(self.options, self.options.base_url or self.url)
            # Not <site>/.sitegen-cache/serve: output.check_output_dir refuses any folder
            # inside the build cache. A temporary folder, as `mkdocs serve` uses.
            # Named by this process, so that a server killed with it (SIGKILL, a closed
            # container) has its copy of the site removed by the next one.
            remove_orphans(_SCRATCH, (tempfile.gettempdir(),))
            self._output_dir = Path(tempfile.mkdtemp(prefix=scratch_name(_SCRATCH)))
            self._httpd.root = self._output_dir
            self._httpd.prefix = self.prefix
            self._httpd.hosts = served_hosts(self.options)
            self._httpd.announcer = self._announcer
            # Watching starts before the first build reads anything: an edit made while it
            # runs is then seen, and built next.
            site_ready, sources_ready = threading.Event(), threading.Event()
            self._spawn("watch-site", self._watch_site, site_ready)
            self._spawn("watch-sources", self._watch_sources, sources_ready)
            for ready in (site_ready, sources_ready):
                if not ready.wait(_START_TIMEOUT_SECONDS) or self._stopping.is_set():
                    raise ServeError(self._failure or f"could not watch {self.site_dir} for changes")
            self._build(first=True)
            self._builds_here = builds_here
            if not builds_here:
                self._spawn("build", self._build_loop)
            self._spawn("http", self._httpd.serve_forever, 0.1)  # poll interval: how soon stop() is heard
            self._serving = True
        except BaseException:
            self.stop()
            raise
        return self.url

    def wait(self) -> None:
        """Block until stop() is called (from another thread) or Ctrl-C; raise ServeError
        if the server stopped by itself."""
        # With a timeout: a wait without one is not interrupted by Ctrl-C everywhere.
        while not self._stopping.is_set():
            if self._builds_here:
                if self._work_due(0.5):
                    self._rebuild()
            else:
                self._stopping.wait(0.5)
        if self._failure:
            raise ServeError(self._failure)

    def stop(self) -> None:
        """Stop serving, watching and building; free the port; remove the served folder."""
        if self._stopped:
            return
        self._stopped = True
        self._stopping.set()
        self._restart.set()
        self._dirty.set()
        self._announcer.close()  # open event streams end, and their threads with them
        httpd = self._httpd
        if httpd is not None:
            if self._serving:
                httpd.shutdown()  # waits for serve_forever to return; it must have started
            httpd.server_close()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join()  # a build under way ends first: it writes into the folder below
        if self._output_dir is not None:
            shutil.rmtree(self._output_dir, ignore_errors=True)

    # ---- threads ---------------------------------------------------------------------

    def _spawn(self, name: str, target: Callable[..., object], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=f"sitegen-serve-{name}", daemon=True)
        self._threads.append(thread)
        thread.start()

    def _watch_site(self, ready: threading.Event) -> None:
        """Watch the site folder itself, not its subfolders: sitegen.toml, and source
        folders appearing or going. (Watching sitegen.toml as a file would lose it at the
        first save: editors replace the file.)"""
        names = {CONFIG_NAME, *SOURCE_FOLDERS}
        top = str(self.site_dir.resolve())

        def wanted(change: watchfiles.Change, path: str) -> bool:
            return os.path.dirname(path) == top and os.path.basename(path) in names

        try:
            for changes in self._watch([Path(top)], wanted, recursive=False, stop=_AnyOf(self._stopping)):
                ready.set()
                if changes:
                    self._note(changes)
                if any(change != watchfiles.Change.modified and os.path.basename(path) in SOURCE_FOLDERS for change, path in changes):
                    self._restart.set()
        except Exception as e:  # a watcher that dies must say so, not end silently
            self._watcher_failed(e)

    def _watch_sources(self, ready: threading.Event) -> None:
        """Watch the source folders that exist, starting over when one appears or goes."""
        started = False
        try:
            while not self._stopping.is_set():
                self._restart.clear()
                folders = [self.site_dir / name for name in SOURCE_FOLDERS if (self.site_dir / name).is_dir()]
                if not folders:
                    ready.set()
                    self._restart.wait()
                    continue
                watching = False
                try:
                    for changes in self._watch(folders, _is_source_change, recursive=True, stop=_AnyOf(self._stopping, self._restart)):
                        if not watching:
                            watching = True
                            ready.set()
                            if started:
                                # A folder that just appeared may hold files made before it was watched.
                                self._nudge()
                            started = True
                        if changes:
                            self._note(changes)
                except FileNotFoundError:
                    if watching:
                        raise
                    self._nudge()  # a folder went between listing and watching: list them again
        except Exception as e:
            self._watcher_failed(e)

    def _note(self, changes: set[tuple[watchfiles.Change, str]]) -> None:
        """A build is due, and these files are why; unless all are a build's own writes."""
        with self._changes_lock:
            for change, path in changes:
                name = os.path.relpath(path, self.site_dir.resolve())
                if self._is_own(name):
                    continue
                self._changes[name] = self._changes.get(name, False) or change == watchfiles.Change.added
                self._fresh.add(name)
                self._dirty.set()  # under the lock: a build ending now sees the name with it

    def _nudge(self) -> None:
        """A build is due, though no file was noted."""
        with self._changes_lock:
            self._nudged = True
            self._dirty.set()

    def _is_own(self, name: str) -> bool:
        """Whether site-relative ``name`` holds what one of this server's builds wrote in it
        (called with ``_changes_lock`` held). Read to tell: a stat alone would take an edit
        saved within the file system's time resolution, at the same size, for the build's."""
        digest = self._own.get(name)
        if digest is None:
            return False
        try:
            if cache.digest(cache.read_file(self.site_dir / name, self._own_limit)[0]) == digest:
                return True
        except (OSError, cache.Refused):  # gone, a link, a folder: not as the build left it
            pass
        del self._own[name]  # edited since: from now on the writer's file
        return False

    def _watch(
        self, paths: list[Path], keep: Callable[[watchfiles.Change, str], bool], recursive: bool, stop: _AnyOf
    ) -> Iterator[set[tuple[watchfiles.Change, str]]]:
        while True:
            watching = False
            try:
                # yield_on_timeout: the first (empty) yield proves the watch is set up.
                for changes in watchfiles.watch(
                    *paths,
                    watch_filter=keep,
                    stop_event=stop,
                    rust_timeout=_WATCH_TICK_MS,
                    yield_on_timeout=True,
                    recursive=recursive,
                    raise_interrupt=False,
                ):
                    watching = True
                    yield changes
                return
            except RuntimeError as e:
                # watchfiles stops at a change to a name that is not UTF-8, before any filter
                # sees it. The build leaves such a file out, with a warning that a build
                # writing nothing does not print: said here, and the watch starts again. A
                # folder of such a name stops it as it starts: _watcher_failed says so.
                if not watching or (name := _UNDECODABLE_RE.match(str(e))) is None:
                    raise
                shown = os.path.relpath(name[1], self.site_dir.resolve())
                self._log(f"warning: {shown}: not read: its name is not valid UTF-8; rename it")
                self._nudge()  # what changes while the watch starts again is built too

    def _watcher_failed(self, error: Exception) -> None:
        # A server that no longer sees changes would serve stale pages as if all were well.
        self._failure = f"watching {self.site_dir} for changes failed: {error}"
        if _UNDECODABLE_RE.match(str(error)):
            self._failure += ": that name is not valid UTF-8; rename it, then start sitegen serve again"
        self._stopping.set()  # start() gives up, or wait() returns and raises

    def _build_loop(self) -> None:
        while not self._stopping.is_set():
            if self._work_due(0.5):
                self._rebuild()

    def _work_due(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a change; True when a build is due: a source
        changed, or an article held back came due. (The terminal said when the next is due;
        a server that went on showing the page as missing would be wrong from then on.)"""
        if self._dirty.wait(timeout):
            return True
        due = self._due
        if due is None or dt.datetime.now(dt.UTC) < due:
            return False
        self._due = None
        self._came_due = format_iso(due)
        self._dirty.set()
        return True

    def _rebuild(self) -> None:
        """Build once for the changes seen (``_dirty``), unless stopping."""
        if self._stopping.is_set():
            return
        self._dirty.clear()
        try:
            self._build(first=False)
        except Exception:
            if self._stopping.is_set():
                return  # Ctrl-C reaches the build's worker processes too: not a bug to show
            # A bug in one build must not end the loop, leaving a server that looks alive
            # but never rebuilds: the traceback goes to the terminal and over the pages.
            self._log(traceback.format_exc().rstrip())
            self._announce(("internal error in sitegen: see the terminal",))

    def _build(self, first: bool) -> None:
        """Build into the served folder; announce and print the outcome when anything changed."""
        with self._changes_lock:
            self._fresh.clear()
            self._nudged = False
        try:
            report = build(self.site_dir, output_dir=self.output_dir, jobs=self.options.jobs, on_wait=self._log, overrides=self._overrides)
        except SitegenError as e:
            # A broken sitegen.toml stops the build before anything is written: the pages
            # of the last build stay.
            if first or (str(e),) != self.status.errors:
                self._log(f"error: {e}")
                self._announce((str(e),))
            return
        self._due = _due_time(report.next_due)
        came_due, self._came_due = self._came_due, ""
        errors = tuple(str(e) for e in report.errors)
        written = report.written
        # The files seen changing until now: what this build followed (one saved while it
        # ran may wait for the next, which then finds nothing to do and says nothing, or
        # builds it and says so).
        with self._changes_lock:
            # Not what this build wrote itself (an imported seed's article), which the
            # watchers saw as it was written: the writer saved the seed, not the article. A
            # build due for nothing else is not due: it would find nothing to do.
            self._own_limit = report.config.max_file_bytes
            self._own.update({os.path.relpath(path, self.site_dir): digest for path, digest in report.imported.wrote.items()})
            ours = {name for name in self._changes if self._is_own(name)}
            for name in ours:
                del self._changes[name]
            if self._fresh and self._fresh <= ours and not self._nudged:
                self._dirty.clear()
            # Not a file made and gone again meanwhile: the temp file an editor (sed -i, an
            # IDE) writes and renames over the one it saves is no change of the site's. One
            # that was there and is gone was deleted (or moved): said so, not "changed".
            there = {name: os.path.lexists(self.site_dir / name) for name in self._changes}
            changed = tuple(sorted(name for name in self._changes if there[name]))
            removed = tuple(sorted(name for name, made in self._changes.items() if not made and not there[name]))
            # One saved while this build ran is the next one's reason too: this one may have
            # read it before the save, and the next, which builds the save, gave no reason.
            for name in [name for name in self._changes if name not in self._fresh]:
                del self._changes[name]
        # An article saved as a draft, or dated ahead, changes no page: said all the same,
        # or the writer looks in vain for it with nothing in the terminal saying why.
        drafts = report.drafts if first or report.drafts != self._drafts else 0
        held = (report.scheduled, report.next_due)
        scheduled = report.scheduled if first or held != self._held else 0
        self._drafts, self._held = report.drafts, held
        # The build's own writes (imported seeds) wake the watchers again, as does a ledger
        # another build wrote that shows no differently here; that build finds nothing to do
        # and must not reload every page. Unless its warnings changed, it says nothing
        # either: a save whose only outcome is a warning (a seed edited after its article
        # was, kept as it was; a template's misspelt name) was met with silence.
        warnings = tuple(str(w) for w in report.warnings)
        unchanged = not first and not written.written and not written.removed and errors == self.status.errors
        if unchanged and warnings == self._warnings:
            self._say_held(drafts, scheduled, report.next_due)
            return
        self._warnings = warnings
        for warning in grouped([shown_message(str(w)) for w in report.warnings]):
            self._log(f"warning: {warning}")
        for error in grouped([shown_message(e) for e in errors]):
            self._log(f"error: {error}")
        # This server's builds are previews, which record nothing: the ledger changed is
        # another build's doing (sitegen build in another terminal), and pages show what it
        # recorded (dates, the feeds' ids). Said as such, or the rebuild has no reason the
        # writer knows of.
        recorded = _LEDGER in changed
        changed = tuple(name for name in changed if name != _LEDGER)
        said = [f"{_named(changed)} changed"] if changed else []
        said += [f"{_named(removed)} removed"] if removed else []
        said += [f"{_LEDGER} changed: another build recorded what it published"] if recorded else []
        after = f" ({', '.join(said)})" if said else f" (an article dated {came_due} is due)" if came_due else ""
        # The warnings counted as `sitegen build` counts them: those said above, and those a
        # warning met in many files stood for.
        warned = len(report.warnings)
        counted = f", {warned} warning{'' if warned == 1 else 's'}" if warned else ""
        self._log(
            f"{'Built' if first else 'Rebuilt'}{after} in {report.seconds:.2f} s: {len(written.written)} written, "
            f"{len(written.removed)} removed, {len(errors)} error{'' if len(errors) == 1 else 's'}{counted}."
        )
        self._say_held(drafts, scheduled, report.next_due)
        if not unchanged:  # no page shows warnings: one that changed alone reloads none
            self._announce(errors)

    def _say_held(self, drafts: int, scheduled: int, next_due: str) -> None:
        """What the site leaves out (none: nothing to say), as `sitegen build` says it, with
        the switch that shows it."""
        if drafts:
            self._log(f"Skipped {drafts} draft{'' if drafts == 1 else 's'} (sitegen serve --drafts shows them).")
        if scheduled:
            self._log(
                f"Held back {scheduled} article{'' if scheduled == 1 else 's'} dated in the future; the next is due {next_due}"
                " (sitegen serve --future shows them now)."
            )

    def _announce(self, errors: tuple[str, ...]) -> None:
        self._builds += 1
        self._announcer.announce(BuildStatus(build_id=f"{self._session}-{self._builds}", errors=errors))


def serving_notes(options: ServeOptions, url: str) -> list[str]:
    """What to say beside the server's address about the one pages link to."""
    if options.base_url and options.base_url != url:
        if missed := _not_served_at(options, url):
            return [
                f"warning: pages link to {options.base_url} ({missed}), but this server is at {url}: every link leaves"
                f" the preview; give --base-url {url}, or serve at the address pages link to"
            ]
        return [f"Pages link to {options.base_url}"]
    if options.bind in ("0.0.0.0", "::", ""):
        return [f"Pages link to {url}, which only this machine reaches: give --base-url with its address on your network for other devices"]
    return []


_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def _not_served_at(options: ServeOptions, url: str) -> str:
    """How ``--base-url`` misses this server, at ``url`` (its real port: ``-p 0`` picks
    one), when it names this machine: another port, https, or an address it does not
    listen on; "" when it may lead here. A host name is taken at its word: a tunnel or a
    proxy in front of this server may be how other devices reach it."""
    base, here = urlsplit(options.base_url or ""), urlsplit(url)
    host = (base.hostname or "").rstrip(".").lower()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if host != "localhost" and not host.endswith(".localhost"):
            return ""
    if base.scheme != "http":
        return f"{base.scheme}, which this server does not speak"
    port = base.port or 80
    if port != here.port:
        return f"port {port}, where this server does not listen"
    bind = options.bind.lower()
    if bind not in ("", "0.0.0.0", "::") and host != bind and not {host, bind} <= _LOOPBACK:
        return f"{host}, where this server does not listen"
    return ""


def build_overrides(options: ServeOptions, url: str) -> dict[str, object]:
    """The settings a served build replaces: its own address, and the preview switches.
    No compressed copies: this server does not send them, and each save would wait for them.
    No relative links (``relative = true``, for a folder opened from disk): the not-found
    page is sent at any address, where links relative to the top of the site lead nowhere
    (an article that cannot be read showed its error over an unstyled page)."""
    overrides: dict[str, object] = {"base_url": url, "compress": False, "relative": False}
    if options.future:
        overrides["future"] = True
    if options.drafts:
        overrides["drafts"] = True
    return overrides


def local_url(bind: str, port: int) -> str:
    """The address a browser on this machine reaches the server at."""
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(bind, bind)
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def site_prefix(base_url: str) -> str:
    """The path a site built for ``base_url`` is served at, percent-encoded as browsers send
    it, from ``/`` to ``/``: ``/news/``, ``/caf%C3%A9/``. Raises ServeError for a path no
    request could reach (a ``..``, a backslash, a control character)."""
    refused = ServeError(f"no request could reach a site at the path of {base_url!r} (a '..', a backslash, a control character): write one such as http://127.0.0.1:8000/news/")
    try:
        decoded = unquote(Urls(base_url).base_path, errors="strict")
    except UnicodeDecodeError:
        raise refused from None
    parts = [part for part in decoded.split("/") if part]
    if "\\" in decoded or not decoded.isprintable() or any(part in (".", "..") for part in parts):
        raise refused
    return "/" + "".join(quote(part) + "/" for part in parts)


def served_hosts(options: ServeOptions) -> frozenset[str]:
    """The host names requests may give besides IP addresses and ``localhost``: those of
    ``--bind`` and ``--base-url``, in lower case."""
    names = {options.bind.lower().rstrip(".")}
    if options.base_url:
        names.add((urlsplit(options.base_url).hostname or "").rstrip("."))
    return frozenset(name for name in names if name)


def host_allowed(host: str | None, names: frozenset[str] = frozenset()) -> bool:
    """Whether a request whose Host header is ``host`` is for this machine: an IP address,
    ``localhost`` (or a name under it, which browsers keep to this machine), or one of
    ``names`` (served_hosts). A name of any other site may lead here only by its owner's
    doing (DNS rebinding), and its pages must not read these. No Host header: no browser."""
    if host is None:
        return True
    try:
        name = (urlsplit(f"//{host}").hostname or "").rstrip(".")
    except ValueError:  # "[::1", say
        return False
    if name == "localhost" or name.endswith(".localhost") or name in names:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def resolve_target(root: Path, request_path: str, prefix: str = "/") -> Target:
    """Where ``request_path`` (as sent: percent-encoded, maybe with a query) leads inside
    ``root``, served at the path ``prefix`` (site_prefix); ``Target()`` for anything
    missing or leading out of ``root``, ``Target(outside=True)`` for a path outside ``prefix``.

    A path no file answers that the site's ``_redirects`` sends on gets its 301, as the hosts
    that read it answer (redirects.netlify): an old address of a feed has no redirect page,
    and a subscriber trying the preview got a 404 where the host would send them on."""
    found = _resolve_file(root, request_path, prefix)
    if found != Target():
        return found
    path = request_path.split("#", 1)[0].partition("?")[0]
    try:
        moved = listed(root).get(unquote(path, errors="strict"), "")
    except UnicodeDecodeError:
        return found
    # Only a path of this site, as sitegen writes them (ASCII, percent-encoded): the list is a
    # file of the output folder, and what it says goes into a header.
    if moved.startswith("/") and not moved.startswith("//") and moved.isascii() and moved.isprintable():
        return Target(redirect=moved)
    return found


def _resolve_file(root: Path, request_path: str, prefix: str) -> Target:
    """``resolve_target`` but for the site's own redirects."""
    path, _, query = request_path.split("#", 1)[0].partition("?")
    # Kept on a redirect: `/search?q=floods` must reach the search page with its words.
    # Re-quoted: nothing the request line held but not a URL's characters reaches a header.
    kept = "?" + quote(query, safe=_QUERY_SAFE) if query else ""
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return Target()
    # Checked once decoded: %2e%2e is "..", and %5c a backslash, which Windows and
    # browsers take for "/".
    if not decoded.startswith("/") or "\\" in decoded or "\0" in decoded:
        return Target()
    if any(part in (".", "..") for part in decoded.split("/")):
        return Target()
    base = unquote(prefix)
    if not decoded.startswith(base):
        if decoded in ("/", base.rstrip("/")):
            return Target(redirect=prefix + kept, status=302)
        return Target(outside=True)
    parts = [part for part in decoded[len(base) :].split("/") if part]
    if len(parts) == 1 and parts[0].casefold() in _FOR_HOSTS:
        return Target()
    root = root.resolve()
    try:
        found = _inside(root, root.joinpath(*parts))
        if found is not None and found.is_dir():
            if not decoded.endswith("/"):
                # Rebuilt from the parts: the raw path could start with "//", another host.
                return Target(redirect=prefix + "".join(quote(part) + "/" for part in parts) + kept)
            found = _inside(root, found / "index.html")
        elif decoded.endswith("/"):
            # A file is no folder: /atom.xml/ is a 404 on every host (nginx, Netlify, S3), so a
            # link written so must not work here alone, where it is tried.
            return Target()
        return Target(file=found) if found is not None and found.is_file() else Target()
    except OSError:  # a name too long for the file system, say: no such file
        return Target()


@dataclass(frozen=True)
class ByteRange:
    """The part of a file a request's Range header asks for: bytes ``start`` to ``stop``
    (not included). None of them (``stop <= start``) when the file has no byte there: a 416."""

    start: int
    stop: int


_RANGE_RE = re.compile(r"bytes=(\d*)-(\d*)")


def byte_range(header: str | None, size: int) -> ByteRange | None:
    """The bytes ``header`` (a Range header) asks of a file of ``size`` bytes; None to send
    it whole: no header, or one this server does not take (another unit, several ranges,
    ``bytes=9-5``), which a client must then take whole (RFC 9110, 14.2)."""
    found = _RANGE_RE.fullmatch((header or "").strip())
    if found is None or found[1] == found[2] == "":
        return None
    if found[1] == "":  # bytes=-500: the last 500 (the whole file, if it is shorter)
        suffix = int(found[2])
        return ByteRange(max(size - suffix, 0), size) if suffix and size else ByteRange(size, size)
    start = int(found[1])
    if found[2] != "" and int(found[2]) < start:
        return None
    stop = size if found[2] == "" else min(int(found[2]) + 1, size)
    return ByteRange(start, stop) if start < size else ByteRange(size, size)


_FOR_HOSTS = frozenset({HEADERS_FILE, *LISTS, ".nojekyll", MANIFEST})
"""The files a build writes at the top of the site for hosts and for itself, no pages of
the site: Netlify and Cloudflare read them and serve none, and the README's nginx and S3
recipes leave them out. (Compared case-folded: a Mac's file system finds
``_HEADERS`` for ``_headers``.)"""

_QUERY_SAFE = "/?:@!$&'()*+,;=%"
"""What a query keeps as it is when it is sent on (RFC 3986's characters of a query, and
``%`` of what it already encodes); letters, digits and ``-._~`` are kept anyway."""


def _inside(root: Path, path: Path) -> Path | None:
    """``path`` resolved, if it is inside ``root``: a link is followed to where it leads."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a loop of links
        return None
    return real if real.is_relative_to(root) else None


# A page out of sight closes its event stream, and opens it again when shown: each stream
# holds one of the six connections a browser gives a host over HTTP/1.1, so the seventh tab
# of the site opened never loaded. Shown again, a page is told the current build's id at
# once ("hello") and reloads if it missed a build meanwhile.
_RELOAD_SCRIPT = """<script data-sitegen-reload>
(() => {
  const seen = %s;
  let events = null;
  const close = () => { if (events) { events.close(); events = null; } };
  const check = (event) => { if (event.data !== seen) { close(); location.reload(); } };
  const follow = () => {
    if (document.visibilityState === "hidden") { close(); return; }
    if (events) return;
    events = new EventSource("%s");
    events.addEventListener("hello", check);
    events.addEventListener("reload", check);
  };
  document.addEventListener("visibilitychange", follow);
  follow();
})();
</script>
"""

_OVERLAY_STYLE = (
    "position:fixed;left:1rem;right:1rem;bottom:1rem;max-height:50vh;overflow:auto;z-index:2147483647;"
    "margin:0;padding:1rem 1.25rem;background:#fff4f4;color:#600;border:2px solid #c00;border-radius:6px;"
    "box-shadow:0 4px 24px rgba(0,0,0,.3);font:14px/1.45 ui-monospace,monospace;text-align:left;white-space:pre-wrap"
)


def inject(page: bytes, status: BuildStatus) -> bytes:
    """``page`` with the reload script, and the error overlay if the last build had errors,
    inserted before ``</body>``."""
    snippet = _overlay(status.errors) + _RELOAD_SCRIPT % (json.dumps(status.build_id), EVENTS_PATH)
    at = page.lower().rfind(b"</body")
    data = snippet.encode("utf-8")
    return page + data if at < 0 else page[:at] + data + page[at:]


def _overlay(errors: tuple[str, ...]) -> str:
    if not errors:
        return ""
    count = f"{len(errors)} error{'' if len(errors) == 1 else 's'}"
    items = "".join(f"<li>{html.escape(error)}</li>" for error in errors)
    return (
        f'<div id="sitegen-errors" role="alert" style="{_OVERLAY_STYLE}">'
        f"<strong>sitegen: the last build had {count}; pages that failed show their last good version.</strong>"
        f'<ul style="margin:.5rem 0 0;padding-left:1.25rem">{items}</ul></div>\n'
    )


# When the site has no 404.html (or no build succeeded yet): HTML still, so that the
# overlay shows why and the page reloads once the site is built.
_NOT_FOUND = b'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Not found</title></head>\n<body><h1>Not found</h1></body>\n</html>\n'

# Fixed here rather than guessed from the system's table, which differs between machines.
_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": XML_TYPE,  # browsers then apply the feeds' stylesheet, as hosts serve feeds
    ".xsl": "text/xsl",
    ".json": "application/json",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    # What articles show and link to (cache.IMAGE_SUFFIXES, cache.LINKED_SUFFIXES) and
    # themes' fonts: Python's own table has no .webp, .m4a, .ogg, .m4v or .woff2, which a
    # machine without /etc/mime.types then sent as application/octet-stream, to download.
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",  # Opus in an Ogg file (RFC 7845)
    ".wav": "audio/wav",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".ogv": "video/ogg",
    ".vtt": "text/vtt; charset=utf-8",
    ".csv": "text/csv",
    ".zip": "application/zip",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
}


_OTHER_HOST = (
    b'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Not served</title></head>\n'
    b"<body><h1>Not served</h1><p>sitegen serve answers requests for this machine's addresses only, not for %s."
    b" To reach it by that name, give it with --base-url (or --bind).</p></body>\n</html>\n"
)


def _elsewhere(prefix: str) -> bytes:
    """The 404 page of a path outside the one the site is served at: it says where that is."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Not found</title></head>\n'
        f'<body><h1>Not found</h1><p>This server serves the site at <a href="{html.escape(prefix)}">{html.escape(prefix)}</a>,'
        " the path of its base URL.</p></body>\n</html>\n"
    ).encode()


# A compressed file (a static or public file of the site's: data.csv.gz, app.js.br) is
# sent as it is, with no Content-Encoding: its type is the compression's, as nginx and
# `python -m http.server` send it. The type of what it holds would have a browser show
# the compressed bytes as text, or run them as a script.
_COMPRESSED_TYPES = {"gzip": "application/gzip", "bzip2": "application/x-bzip2", "xz": "application/x-xz"}


def _content_type(path: Path) -> str:
    if (fixed := _CONTENT_TYPES.get(path.suffix.lower())) is not None:
        return fixed
    guessed, encoding = mimetypes.guess_type(path.name)
    if encoding is not None:
        return _COMPRESSED_TYPES.get(encoding, "application/octet-stream")  # Brotli has no type of its own
    return guessed or "application/octet-stream"


def _due_time(next_due: str) -> dt.datetime | None:
    """When a build's first held-back article (``next_due``, RFC 3339) comes due by the
    clock; None when there is none, or when SOURCE_DATE_EPOCH is the builds' time."""
    if not next_due or source_date_epoch() is not None:
        return None
    return parse_date(next_due, dt.UTC)


def _named(paths: tuple[str, ...]) -> str:
    """``a.md``, ``a.md and b.md``, ``a.md, b.md and 3 more``."""
    if len(paths) <= 2:
        return " and ".join(paths)
    return f"{paths[0]}, {paths[1]} and {len(paths) - 2} more"


def _is_source_change(change: watchfiles.Change, path: str) -> bool:
    """False for what editors and sitegen itself leave beside a source while writing it."""
    name = os.path.basename(path)
    # 4913: the file Vim creates and deletes to test that a folder is writable.
    if is_editor_leftover(name) or name.endswith(TEMP_SUFFIX) or name == "4913":
        return False
    return _DEFAULT_FILTER(change, path)


_DEFAULT_FILTER = watchfiles.DefaultFilter()
_UNDECODABLE_RE = re.compile(r'^Unable to decode path "(.*)" to string')
"""watchfiles' error for a name that is not UTF-8 (the path with its bad bytes as \\xE9)."""


class _AnyOf:
    """Set when any of its events is: what watchfiles.watch() polls to stop."""

    def __init__(self, *events: threading.Event) -> None:
        self.events = events

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)


class _Announcer:
    """The last build's status, and a way for event streams to wait for the next one."""

    def __init__(self, status: BuildStatus) -> None:
        self._changed = threading.Condition()
        self._status = status
        self._closed = False

    @property
    def status(self) -> BuildStatus:
        with self._changed:
            return self._status

    def announce(self, status: BuildStatus) -> None:
        with self._changed:
            self._status = status
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def next_status(self, seen: str, timeout: float) -> BuildStatus | None:
        """The status once its id is not ``seen`` (or unchanged after ``timeout``); None once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._status.build_id != seen, timeout)
            return None if self._closed else self._status


class _HTTPServer(http.server.ThreadingHTTPServer):
    # On Windows SO_REUSEADDR lets a second server take a port in use: no error, half the requests.
    allow_reuse_address = os.name != "nt"

    def __init__(self, address: tuple[str, int], family: socket.AddressFamily) -> None:
        self.address_family = family
        self.root = Path()
        self.prefix = "/"
        self.hosts: frozenset[str] = frozenset()
        """Host names requests may give besides addresses and localhost (served_hosts)."""
        self.announcer = _Announcer(BuildStatus(build_id=""))
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host's name up (socket.getfqdn), which can take
        # seconds; the name is only used in CGI variables.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)


def _listen(bind: str, port: int) -> _HTTPServer:
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    try:
        return _HTTPServer((bind, port), family)
    except OSError as e:
        if e.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", errno.EADDRINUSE)):
            raise PortInUseError(f"port {port} is in use: try --port 0 (any free port) or another --port") from e
        raise ServeError(f"cannot listen on {bind} port {port}: {e.strerror or e}") from e


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _HTTPServer
    timeout = 30  # seconds: a client that connects and says nothing does not hold a thread for ever

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per request would bury the build messages

    def _respond(self, send_body: bool) -> None:
        if not host_allowed(self.headers.get("Host"), self.server.hosts):
            data = _OTHER_HOST % html.escape(self.headers.get("Host", "")).encode()
            self.send_response(403)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if send_body:
                self.wfile.write(data)
            return
        if self.path.split("?", 1)[0] == EVENTS_PATH:
            self._events(send_body)
            return
        root, prefix = self.server.root, self.server.prefix
        target = resolve_target(root, self.path, prefix)
        if target.redirect:
            self.send_response(target.status)
            self.send_header("Location", target.redirect)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        code, file = (200, target.file) if target.file is not None else (404, resolve_target(root, prefix + "404.html", prefix).file)
        not_found = _elsewhere(prefix) if target.outside else _NOT_FOUND
        if target.outside:
            file = None
        try:
            data = file.read_bytes() if file is not None else not_found
        except OSError:  # removed by a build meanwhile
            code, data = 404, not_found
        content_type = _content_type(file) if file is not None and data is not not_found else "text/html; charset=utf-8"
        extra: dict[str, str] = {}
        if content_type.startswith("text/html"):
            data = inject(data, self.server.announcer.status)
        elif code == 200:
            # Byte ranges, as every host serves them: Safari plays no clip (an article's
            # .mp4 or .mp3) from a server without them, and Chromium cannot seek in one.
            extra["Accept-Ranges"] = "bytes"
            wanted = byte_range(self.headers.get("Range"), len(data)) if send_body and "If-Range" not in self.headers else None
            if wanted is not None and wanted.stop <= wanted.start:
                code, data, extra["Content-Range"] = 416, b"", f"bytes */{len(data)}"
            elif wanted is not None:
                code, extra["Content-Range"] = 206, f"bytes {wanted.start}-{wanted.stop - 1}/{len(data)}"
                data = data[wanted.start : wanted.stop]
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-store")  # a reload must show the new build
        self.end_headers()
        if send_body:
            self.wfile.write(data)

    def _events(self, send_body: bool) -> None:
        """The event stream: ``hello`` with the current build's id, then ``reload`` with
        each new one, until the client goes or the server stops. A HEAD gets its headers
        alone, as a GET would (it got the 404 page: a check that the stream is there failed)."""
        announcer = self.server.announcer
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not send_body:
            return
        status = announcer.status
        try:
            self.wfile.write(f"retry: 1000\nevent: hello\ndata: {status.build_id}\n\n".encode())
            while True:
                new = announcer.next_status(status.build_id, _KEEPALIVE_SECONDS)
                if new is None:
                    return
                if new.build_id == status.build_id:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    self.wfile.write(f"event: reload\ndata: {new.build_id}\n\n".encode())
                status = new
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            return


def _echo(message: str) -> None:
    click.echo(message, err=True)
