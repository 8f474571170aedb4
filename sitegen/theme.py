"""Where templates and static files come from: the site's ``templates/`` over the default theme."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from . import cache, urls
from .cache import Inputs
from .errors import SitegenError, TemplateError

MAX_FILE_BYTES = 10_000_000
"""The largest file a template folder may hold: generous, as static files (images, fonts)
live there too. Read with a limit, a file is also refused, without blocking, when it is a
symbolic link or not a regular file (cache.read_file): a FIFO would hang the build."""

STATIC = "static/"
"""Where the theme's static files are, in templates/ and in the output folder alike."""

PUBLIC = "public/"
"""Files copied to the top of the output folder as they are, at the addresses hosts and
crawlers ask for by name: ``public/ads.txt`` is ``/ads.txt``, ``public/.well-known/security.txt``
is ``/.well-known/security.txt``, ``public/CNAME`` is GitHub Pages' custom domain."""

LOCALE = "locale/"
"""Where the template folders keep their gettext catalogs (i18n.py): read for the theme's
words, never a template, never published."""

NOT_TEMPLATES = (STATIC, PUBLIC, LOCALE)
"""The folders of a template folder whose files are no templates: no page is made from
them, and they are never looked for as templates that are not used."""

THEME = "theme/"
"""The default theme's templates under a name of their own, whatever the site's templates/
holds: a site's ``article.html`` that changes a block of the theme's alone extends
``theme/article.html`` (its own name would extend itself)."""

ONE_ADDRESS = frozenset(("static/feed.xsl", "static/icon.png"))
"""Static files with no fingerprinted copy: every feed names the feed stylesheet
(urls.STYLESHEET) and the site's icon (feeds.ICON) by their one address, which must not
change with them, as archive documents never change."""


def is_editor_leftover(name: str) -> bool:
    """True for the files editors, merge tools and file managers leave beside the ones a
    person works on, which are never meant for the site: Emacs lock links (``.#base.html``),
    auto-saves (``#base.html#``) and backups (``base.html~``), Vim swap files
    (``.base.html.swp``, ``.swo``...), a merge's ``.orig`` and ``.rej``, the Finder's
    ``.DS_Store`` and ``._base.html``, Windows Explorer's ``Thumbs.db`` and ``desktop.ini``."""
    return (
        name.startswith((".#", "._"))
        or (name.startswith("#") and name.endswith("#"))
        or name.endswith(("~", ".swp", ".orig", ".rej"))
        or _SWAP_RE.match(name) is not None
        or name in _FILE_MANAGER_FILES
    )


_SWAP_RE = re.compile(r"^\..*\.sw[a-p]$")
"""Vim's swap files: ``.name.swp``, then ``.swo``, ``.swn``... when that one is taken."""
_FILE_MANAGER_FILES = frozenset((".DS_Store", "Thumbs.db", "desktop.ini"))


def default_theme_dir() -> Path:
    """The default theme: ``sitegen/theme`` in an installed wheel, the repo's ``templates/`` in a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "theme"  # the wheel ships it as package data, beside this module
    return packaged if packaged.is_dir() else here.parent / "templates"


def theme_dirs(site_dir: Path) -> list[Path]:
    """Template folders, highest priority first (a site's own templates win)."""
    own = site_dir / "templates"
    default = default_theme_dir()
    dirs = [own] if own.is_dir() and own.resolve() != default.resolve() else []
    return dirs + [default]


class Theme:
    """Every file of the template folders, read once: a site's file beats the theme's of the same name.

    A file that cannot be used (a symbolic link, a FIFO, unreadable, too large) is left out
    with a TemplateError in ``problems``: a theme's file of the same name, if there is one,
    takes its place. Editor leftovers are left out silently.
    """

    def __init__(self, site_dir: Path, inputs: Inputs, limit: int = MAX_FILE_BYTES) -> None:
        self.files: dict[str, tuple[Path, bytes]] = {}
        self.problems: list[SitegenError] = []
        """The files left out, each as an error naming it, for the build's report."""
        self._fingerprints: dict[str, str] | None = None
        own = site_dir / "templates"
        names_of: dict[Path, set[str]] = {}
        default = default_theme_dir()
        for folder in theme_dirs(site_dir):
            for root, folders, names in sorted(os.walk(folder)):
                # Names that are not UTF-8 are left out, as the build's scan leaves them out
                # (and warns of them): nothing could encode their paths.
                if not cache.usable_name(root):
                    continue
                # A linked folder is not walked (whatever it leads to, outside the site too,
                # would be published): said, as a linked file is, not skipped without a word.
                for linked in sorted(name for name in folders if cache.usable_name(name) and os.path.islink(os.path.join(root, name))):
                    path = Path(root) / linked
                    inputs.refused(path)
                    if folder == own:
                        self.problems.append(TemplateError(path, "is a symbolic link to a folder; template folders hold regular files: copy the folder there instead of linking to it"))
                for name in sorted(names):
                    if is_editor_leftover(name) or not cache.usable_name(name):
                        continue
                    path = Path(root) / name
                    rel = path.relative_to(folder).as_posix()
                    # A shadowed file is read too: adding or removing it still counts as a change.
                    data = self._read(path, inputs, limit, report=rel not in self.files)
                    names_of.setdefault(folder, set()).add(rel)
                    if data is not None and rel not in self.files:
                        self.files[rel] = (path, data)
                    if data is not None and folder == default and not rel.startswith(NOT_TEMPLATES):
                        self.files.setdefault(THEME + rel, (path, data))
        self.additions = names_of.get(own, set()) - names_of.get(default, set())
        """The site's own files (in its templates/) of names the theme has none of."""

    def _read(self, path: Path, inputs: Inputs, limit: int, report: bool) -> bytes | None:
        """The bytes of ``path``, recorded as an input; None (and, if ``report``, a problem)
        when it cannot be used."""
        try:
            data, state = cache.read_file(path, limit)
        except cache.Refused as e:
            problem = TemplateError(path, _refusal(path, e, limit))
        except OSError as e:
            problem = TemplateError(path, f"cannot be read: {e.strerror or e}")
        else:
            inputs.record(path, state)
            return data
        # Recorded by its lstat: putting it right is a change the next build sees.
        inputs.refused(path)
        if report:
            self.problems.append(problem)
        return None

    def static_files(self) -> Iterator[tuple[str, bytes]]:
        """The ``static/`` files, by site path."""
        for rel in sorted(self.files):
            if rel.startswith(STATIC):
                yield rel, self.files[rel][1]

    def root_files(self) -> Iterator[tuple[str, bytes, Path]]:
        """The ``public/`` files: each one's site path, bytes and file."""
        for rel in sorted(self.files):
            if rel.startswith(PUBLIC):
                path, data = self.files[rel]
                yield rel.removeprefix(PUBLIC), data, path

    def root_warnings(self, base_path: str) -> list[str]:
        """A warning when the site is at a sub-path (``base_path``, such as ``/news/``) and has
        root files: they are served under it, not at the top of the host where hosts and
        crawlers ask for them."""
        first = next(self.root_files(), None)
        if first is None or base_path == "/":
            return []
        name, _, origin = first
        folder = origin.parents[name.count("/")]  # templates/public
        return [
            f"{folder}: the site is at {base_path}, so its files are served there ({base_path}{name}),"
            f" not at the top of the host, where hosts and crawlers look for them (/{name})"
        ]

    def fingerprints(self) -> dict[str, str]:
        """Each static file's site path -> the path of its fingerprinted copy
        (``static/style.css`` -> ``static/style.1a2b3c4d.css``), which templates link to
        through the ``asset`` filter."""
        if self._fingerprints is None:
            self._fingerprints = {rel: urls.fingerprinted(rel, data) for rel, data in self.static_files() if rel not in ONE_ADDRESS}
        return self._fingerprints


def _refusal(path: Path, refused: cache.Refused, limit: int) -> str:
    if refused.link:
        return "is a symbolic link; template folders hold regular files: copy the file there instead of linking to it"
    try:
        size = os.lstat(path).st_size
    except OSError:
        size = 0
    if size > limit:
        return f"is {size:,} bytes, over the {limit:,} a template or static file may have; it was not read"
    return f"{refused}; it was not read"
