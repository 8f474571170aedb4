"""Work a build needs late, done from its start on the other core.

After an edit, a build spends most of its time on one core: the cache read, the articles'
history, the plan, the key of every output. Two things it needs only when it comes to
render depend on none of that: the theme's templates compiled (about 0.08 s after a
one-article edit of 10,000, which renders a few pages of a dozen templates; 0.25 s in all,
which a small site's clean build waits for), with what each extends, includes or imports
(a page's key needs it, for a template no build has looked at before), and which of the
files the last build wrote are no longer in the output folder as it wrote them (a look at
each of 13,500 files, 0.04 s). A process forked as the build begins (parallel.Ahead),
while this one's heap is still small, does both; the build takes the answers when it comes
to them. Without them (one process, no fork, the process failed) it does the work itself,
and the answers are the same either way: the same code in the same settings, theme and
language compiles the same templates (each used only for the source it was compiled from),
and the build writes no file of its output folder before it renders, and removes none but
those it notes as removed (Foreseen.removed).

For the same reason a process that builds again (``sitegen serve``) keeps the themes it
compiled (``COMPILED``, in memory), each for the settings Jinja folds into the code
(``FOLDED``), language and template files it was compiled from: the next build with the
same compiles nothing, and starts no process ahead (it looks at its output folder itself,
as it renders). A build with no process ahead keeps the templates it compiled as it came
to them (not all of the theme: the next build with a process ahead has the rest compiled
there).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from . import __version__, cache
from .deps import value_digest
from .theme import NOT_TEMPLATES

if TYPE_CHECKING:
    from .config import Config
    from .i18n import Language
    from .memo import Memo
    from .parallel import Ahead, Workers
    from .render import Compiled, CompiledTheme
    from .theme import Theme

class CompiledThemes:
    """The themes this process compiled, by what compiling one reads (``compile_key``): a
    process that builds again and again (``sitegen serve``, the tests) compiles a theme once,
    not at every build, where a small site's build spent a third of its time waiting for it.
    Kept in memory only, never stored: nothing compiled is ever loaded from a file."""

    def __init__(self, kept: int = 4) -> None:
        self._kept = kept
        """The most themes kept (each some 2 MB): a preview beside the site, a second language."""
        self._found: dict[str, CompiledTheme] = {}
        self._lock = threading.Lock()  # a build in another thread (serve's) may come to it too

    def get(self, key: str) -> CompiledTheme | None:
        """The theme compiled for ``key``, if it is still kept."""
        with self._lock:
            found = self._found.pop(key, None)
            if found is not None:
                self._found[key] = found  # the last used is the last to go
            return found

    def add(self, key: str, compiled: CompiledTheme) -> CompiledTheme:
        """Keep templates compiled for ``key`` (the whole theme, or those a build compiled as
        it came to them) with those kept for it already, for the builds that follow; returns
        all of them. Merged under the lock: two builds of one key in two threads keep both."""
        with self._lock:
            known = self._found.pop(key, None)
            found = self._found[key] = known.merged(compiled) if known is not None else compiled
            while len(self._found) > self._kept:
                del self._found[next(iter(self._found))]
            return found


COMPILED = CompiledThemes()
"""This process's themes compiled (foresee looks there first)."""


FOLDED = ("base_url", "relative", "language")
"""The settings compiled code may hold. Jinja folds a filter of constants into the code, and
the ``url`` and ``absolute`` filters (render.Renderer) make a link of the base URL there
(``{{ 'atom.xml' | absolute }}``), ``relative`` choosing which ``url`` is; the language
gives the words translated as templates compile. Every other setting is read as pages
render: test_ahead holds the theme's code the same under other values of all of them, so
a theme compiled is not compiled again for an edit of the title or the page size."""


def compile_key(config: Config, theme: Theme, language: Language) -> str:
    """A digest of everything ``render.compile_theme`` reads: the settings folded into the code
    (``FOLDED``), the language and its catalog, and each template's name, file (named in
    the code, for errors) and bytes."""
    templates = tuple((name, str(path), cache.digest(data)) for name, (path, data) in sorted(theme.files.items()) if not name.startswith(NOT_TEMPLATES))
    folded = {name: getattr(config, name) for name in FOLDED}
    return value_digest(__version__, folded, language.tag, language.catalog, language.digest, templates)


_Carried = tuple["Compiled", "dict[str, tuple[str, ...] | None]", frozenset[str]]
"""The answers as marshal carries them from the other process (plain values): read by
``_received`` alone."""


@dataclass(frozen=True)
class _Answers:
    compiled: CompiledTheme
    not_as_written: frozenset[str]


def _carried(compiled: CompiledTheme, not_as_written: frozenset[str]) -> _Carried:
    return dict(compiled.codes), dict(compiled.references), not_as_written


def _received(carried: _Carried) -> _Answers:
    from .render import CompiledTheme

    codes, references, not_as_written = carried
    return _Answers(CompiledTheme(MappingProxyType(codes), MappingProxyType(references), whole=True), not_as_written)


class Foreseen:
    """The answers of the process working ahead, asked for as the build needs them, and the
    theme the build has compiled, kept for the builds after it (``keep``)."""

    def __init__(self, ahead: Ahead[_Carried] | None, compile_key: str, known: CompiledTheme | None, themes: CompiledThemes) -> None:
        self._ahead = ahead
        self._removed: set[str] = set()
        self._key = compile_key
        self._known = known
        self._themes = themes
        self._answers: _Answers | None = None

    def _asked(self) -> _Answers | None:
        if self._ahead is not None:
            ahead, self._ahead = self._ahead, None
            carried = ahead.result()
            self._answers = _received(carried) if carried is not None else None
            if self._answers is not None:
                self.keep(self._answers.compiled)
        return self._answers

    def keep(self, compiled: CompiledTheme) -> None:
        """Keep ``compiled`` with the templates known, for the builds after in this process:
        the theme compiled ahead, or those the build compiled itself as it came to them
        (``render.Renderer.compiled_here``: a build on one process)."""
        if compiled.codes:
            self._known = self._themes.add(self._key, self._known.merged(compiled) if self._known is not None else compiled)

    def removed(self, paths: Iterable[str]) -> None:
        """Note files of the output folder the build itself removed (output.clear_the_way):
        the look may have come before, and a round that plans one of them again (a new
        article left out, build._site_that_renders) must not take it as written."""
        self._removed.update(paths)

    def templates(self) -> CompiledTheme | None:
        """Every template of the theme compiled (render.compile_theme), for an earlier build
        of this process or by the other now; with no other process, those earlier builds
        on one compiled, if any; None if unknown."""
        if self._known is None or not self._known.whole:
            self._asked()
        return self._known

    def not_as_written(self) -> frozenset[str] | None:
        """The files of the last build not as it wrote them (memo.Memo.not_as_written),
        looked at as the build began, and those the build removed since; None if unknown."""
        answers = self._asked()
        return answers.not_as_written | self._removed if answers is not None else None


def foresee(config: Config, theme: Theme, language: Language, memo: Memo, output_dir: Path, workers: Workers) -> Foreseen:
    """Start the work ahead, if the build may use another process (``workers``) and has a
    theme to compile: none is started when this process compiled all of it for an earlier
    build, from the same settings, language and sources."""
    themes = COMPILED
    key = compile_key(config, theme, language)
    known = themes.get(key)
    # Those a build on one process compiled as it came to them are not all: the rest are
    # compiled there, and taken with them.
    whole = known is not None and known.whole
    if whole:
        # The look at the output folder alone is not worth a process: forking one whose heap
        # holds a site cost more than the look (0.04 s for 13,500 files), which the build
        # then does itself as it renders.
        return Foreseen(None, key, known, themes)

    def work() -> _Carried:
        # Imported there, not here: the process starts before this one imports the
        # libraries it needs (Jinja2, for compiling), and each imports its own meanwhile.
        from .render import compile_theme

        return _carried(compile_theme(config, theme, language), memo.not_as_written(output_dir))

    return Foreseen(workers.ahead(work), key, known, themes)
