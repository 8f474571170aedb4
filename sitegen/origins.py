"""Which content file made a page of a built site, and where in it a link is written.

``sitegen check`` finds its problems in the output folder, but the file to edit is in
content/: a link that leads nowhere from an article's text is named by the article's file
and line, as every other error of sitegen's is. The build cache of the site knows which
content file made which page (each file's parse record holds the article's path and its
HTML); it is trusted for a page only while both ends are as that build left them: the
content file holds the bytes it parsed, and the page the bytes it wrote. A folder checked
without that cache (in another checkout, or edited since) keeps its pages' names.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import cache, urls
from .cache import BuildState, ParseRecord, Refused


@dataclass(frozen=True, slots=True)
class Origin:
    """The content file of an article's page, as the build that wrote the page read it."""

    file: str
    """The content file's path."""
    text: str
    """What it holds (line ends made LF, as every error's line counts them)."""
    opening: int
    """Where the article's text starts in ``text``, past the front matter."""
    path: str
    """The article's path in the site (``2024/05/a-story/``)."""
    body: str
    """The article's text as HTML, as its page and feed entries show it."""


class Origins:
    """The content files behind the pages of the output folder ``out``, built from the site in
    ``site_dir``; the cache is read on the first question (a site with no problem never
    reads it), and each page verified as it is asked for."""

    def __init__(self, site_dir: Path, out: Path) -> None:
        self.site_dir = site_dir
        self.out = out
        self._builds: list[tuple[BuildState, dict[str, tuple[str, ParseRecord]]]] | None = None
        self._found: dict[str, Origin | None] = {}

    def of(self, page: str) -> Origin | None:
        """The content file whose article the output file ``page`` (``2024/05/a/index.html``)
        is the page of; None for a page no article made (a listing, a tag's page), or when
        that cannot be known for sure."""
        if page not in self._found:
            self._found[page] = next((o for state, claims in self._read() if (o := _verified(page, state, claims, self.out)) is not None), None)
        return self._found[page]

    def held_back(self, page: str) -> tuple[str, str] | None:
        """The content file and the date of the article whose page the output file ``page``
        would be, when the build that made the folder held it back as dated in the future;
        None for any other page. A link to it leads nowhere until a build from that date on,
        though its content file is there to see."""
        for state, claims in self._read():
            claim = claims.get(page)
            due = state.report.next_due
            if claim is None or not due or page in state.outputs or (article := claim[1].article) is None:
                continue
            # The first held back is due at next_due, and every article the build put out is
            # dated before its clock, so before that: what is dated from then on was held back.
            if dt.datetime.fromisoformat(article.published.iso) >= dt.datetime.fromisoformat(due):
                return claim[0], article.published.iso
        return None

    def _read(self) -> list[tuple[BuildState, dict[str, tuple[str, ParseRecord]]]]:
        """The builds whose cache says they made ``out``: the site's own, then its previews'
        (``--base-url``, ``--drafts``... keep a cache of their own), each with its articles by
        the output file of their page."""
        if self._builds is None:
            self._builds = []
            made = str(self.out.resolve())
            content = str((self.site_dir / "content").resolve()) + os.sep
            generator = cache.generator_id()
            for preview in (False, True):
                state = cache.load_state(self.site_dir, generator, preview)
                if state.reason or state.output_dir != made:
                    continue
                # An article the build left out (an error names its file: a page address the
                # site has, say) made no page, whatever its path: another file is there.
                failed = {error.path for error in state.report.errors}
                claims: dict[str, list[tuple[str, ParseRecord]]] = {}
                for name, record in cache.load_articles(self.site_dir, state, preview).items():
                    # Only files of content/: a cache written by another hand could name any.
                    if record.article is not None and name not in failed and os.path.normpath(name).startswith(content):
                        claims.setdefault(urls.output_file(record.article.path), []).append((name, record))
                # Two articles at one address: which one the page shows is not for the cache to say.
                self._builds.append((state, {page: found[0] for page, found in claims.items() if len(found) == 1}))
        return self._builds


def _verified(page: str, state: BuildState, claims: dict[str, tuple[str, ParseRecord]], out: Path) -> Origin | None:
    """The origin ``claims`` give ``page``, if the page is as the build wrote it and its
    content file holds what the build parsed; else None."""
    claim = claims.get(page)
    written = state.outputs.get(page)
    # A page whose render failed keeps its last good version: one made from other text. The
    # page alone is looked at: its compressed copies say nothing of its links (a deploy step
    # may drop them).
    if claim is None or written is None or page in state.failed or written.as_found_in_part(str(out / page), ()) is None:
        return None
    name, record = claim
    read = state.inputs.get(name)
    if read is None or record.article is None:
        return None
    try:
        # With its size as the limit: a file that grew has changed, and one that became a
        # link or a FIFO is refused, not followed or waited on.
        data, _ = cache.read_file(name, limit=read.size)
    except (OSError, Refused):
        return None
    if cache.digest(data) != record.file_sha:
        return None  # edited since the build: the page shows what it said then
    from .content import decode_content, text_start

    try:
        text = decode_content(data)
    except UnicodeDecodeError:
        return None
    return Origin(name, text, text_start(text), record.article.path, record.article.body.decode("utf-8"))


# Where Markdown text names a link's target, each a group of its own: an inline link or
# image, ``[text](target "title")`` or ``(<target>)``; a reference definition,
# ``[id]: target`` (its target may be on the next line); an HTML attribute; an autolink,
# ``<https://...>``.
_WRITTEN_RE = re.compile(
    r"\]\(\s*(?:<(?P<angled>[^<>\n]*)>|(?P<inline>(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))+))"
    r"|^[ ]{0,3}\[(?:[^\]\\\n]|\\.)+\]:[ \t]*\n?[ \t]*(?:<(?P<defined_angled>[^<>\n]*)>|(?P<defined>\S+))"
    r"""|(?<![\w-])(?P<attribute>href|src|srcset)[ \t]*=[ \t]*(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)'|(?P<bare>[^\s"'=<>`]+))"""
    r"|<(?P<autolink>[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>",
    re.MULTILINE | re.IGNORECASE,
)
_ESCAPED_RE = re.compile(r"\\([!-/:-@\[-`{-~])")


def written_links(text: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """Each link target written in the Markdown ``text`` from ``start`` on (past the front
    matter), as its HTML will hold it, with the 1-based line of ``text`` it is written on,
    in the order they are written: inline links and images, reference definitions, ``href``,
    ``src`` and each ``srcset`` candidate of HTML, and autolinks. (Also those in code, which
    show as text: a link shown in an example is found at the example only when it is
    written before the link itself.)"""
    line, counted = text.count("\n", 0, start) + 1, start
    for match in _WRITTEN_RE.finditer(text, start):
        group = next(name for name in ("angled", "inline", "defined_angled", "defined", "double", "single", "bare", "autolink") if match[name] is not None)
        start = match.start(group)
        line += text.count("\n", counted, start)
        counted = start
        value = match[group]
        if group not in ("double", "single", "bare", "autolink"):
            value = _ESCAPED_RE.sub(r"\1", value)  # Markdown's backslash escapes
        value = html.unescape(value)  # &amp; and the like, in Markdown as in HTML
        if (match["attribute"] or "").lower() == "srcset":
            for candidate in value.split(","):
                if parts := candidate.split():
                    yield line, parts[0]
        else:
            yield line, value
