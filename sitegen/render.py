"""Pages -> bytes with Jinja2: the site's ``templates/`` over the default theme, file by file.

The renderer also tells the build what a page depended on: the template files it uses (its
``extends``/``include``/``import`` closure) and which parts of ``site`` and ``config`` it
read, so a rebuild re-renders a page only when one of those changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
import gettext
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import CodeType, MappingProxyType
from typing import Any, Protocol

import jinja2
import jinja2.meta
import markupsafe
import msgspec
from jinja2 import nodes
from jinja2.bccache import Bucket
from jinja2.visitor import NodeTransformer

from . import __version__, cache, dates, text, urls
from .cache import ImageRecord
from .config import Config, logo_file
from .content import offer_webp
from .deps import Recorder, recorded_name, stood_for
from .errors import TemplateError, cannot_render
from .i18n import TRANSLATED, Language, direction_of, other_language
from .model import Article, Page, Site
from .theme import NOT_TEMPLATES, ONE_ADDRESS, STATIC, THEME, Theme, default_theme_dir

ELSEWHERE = ("http://", "https://", "//", "mailto:")
"""What the ``url`` filter leaves as it is: an address that is not a path of the site."""

MAX_PAGE_CHARACTERS = 50_000_000
"""A page's largest size: a template that renders more is a mistake (a loop inside a loop
over every article), which would write a file no browser or host copes with."""


class _TooLarge(Exception):
    pass


def _joined(chunks: Iterator[str]) -> str:
    """The text of a template's render, stopped (``_TooLarge``) past MAX_PAGE_CHARACTERS."""
    parts: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_PAGE_CHARACTERS:
            raise _TooLarge
        parts.append(chunk)
    return "".join(parts)


class _Loader(jinja2.BaseLoader):
    def __init__(self, theme: Theme) -> None:
        self.theme = theme

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        if template not in self.theme.files:
            raise jinja2.TemplateNotFound(template)
        path, data = self.theme.files[template]
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError as e:
            line = data.count(b"\n", 0, e.start) + 1
            raise jinja2.TemplateSyntaxError(f"is not valid UTF-8 (byte 0x{data[e.start]:02x})", line, template, str(path)) from e
        return source, str(path), lambda: True

    def list_templates(self) -> list[str]:
        return sorted(self.theme.files)


_NO_FILTER = re.compile(r"No (filter|test) named '([^']*)'(?: found)?\.")
"""Jinja's message for a filter or test it does not know, at compile time or run time."""


_UNEXPECTED_CHAR = re.compile(r"unexpected char (?P<char>'.'|\".\") at (?P<offset>\d+)")
_CLOSING = {"{%": "%}", "{{": "}}"}


def _placed(message: str, source: str | None) -> str:
    """Jinja's lexer places a character it cannot read by its offset in the file
    (``unexpected char '#' at 1981``), which no editor shows: said by its column instead,
    with the tag it is in when that was opened on a line before, as a tag whose ``%}`` lost
    a character runs on until the next line stops it, which is the line Jinja names."""
    found = _UNEXPECTED_CHAR.fullmatch(message)
    if found is None or source is None:
        return message
    offset = int(found["offset"])
    line_start = source.rfind("\n", 0, offset) + 1
    said = f"unexpected character {found['char']} (column {offset - line_start + 1})"
    opened, opener = max((source.rfind(opener, 0, offset), opener) for opener in _CLOSING)
    if 0 <= opened < line_start:
        end = source.find("\n", opened)
        tag = source[opened : end if end >= 0 else len(source)].strip()
        line = source.count("\n", 0, opened) + 1
        said += f", in the tag opened on line {line}, {tag!r}: is its {_CLOSING[opener]!r} missing?"
    return said


_INNERMOST = re.compile(r"Encountered unknown tag '(?P<end>\w+)'.* The innermost block that needs to be closed is '(?P<tag>\w+)'\.", re.DOTALL)
_OPENERS = frozenset({"if", "for", "block", "macro", "call", "filter", "with", "autoescape", "trans"})
"""The tags that open a block closed by ``end`` and their name (``{% set %}`` without ``=`` too)."""
_NEWLINE = re.compile(r"\r\n|\r|\n")
"""A line break as Jinja counts lines (a form feed or U+2028 is none)."""


def _opened_at(message: str, source: str | None, lineno: int | None, env: jinja2.Environment) -> str:
    """Jinja names the block a misplaced end tag finds open ('if'), not where that was
    opened, where the mistake is (an ``{% endif %}`` left out, 80 lines up): its line and
    tag added, found by following the file's tags up to the end tag Jinja names."""
    found = _INNERMOST.search(message)
    if found is None or source is None or lineno is None:
        return message
    opened: list[tuple[str, int]] = []
    try:
        tokens = list(env.lex(source))
    except jinja2.TemplateSyntaxError:
        return message
    tag_next = False
    # A {% set %}: its targets, then "=" (an assignment, which closes nothing) or not (a
    # block, closed by {% endset %}), a filter after "|" maybe, whose arguments may hold "=".
    setting: tuple[str, int] | None = None
    for line, kind, value in tokens:
        if line > lineno:
            break
        if kind == "block_begin":
            tag_next = True
        elif tag_next and kind == "name":
            tag_next = False
            if line == lineno and value == found["end"]:
                break  # the tag Jinja stopped at
            if value.startswith("end"):
                if opened:
                    opened.pop()
            elif value in _OPENERS:
                opened.append((value, line))
            elif value == "set":
                setting = ("targets", line)
        elif setting is not None and kind == "operator":
            if setting[0] == "targets" and value == "=":
                setting = None
            elif value in "|(":
                setting = ("filter", setting[1])
        elif kind == "block_end" and setting is not None:
            opened.append(("set", setting[1]))
            setting = None
    at = next((line for tag, line in reversed(opened) if tag == found["tag"]), None)
    if at is None:
        return message
    written = _NEWLINE.split(source)[at - 1].strip()
    written = written if len(written) <= 60 else written[:57] + "..."
    return f"{message} It was opened on line {at}: {written!r}; is its end tag missing?"


_UNDEFINED = re.compile(r"'(\w+)' is undefined")
"""Jinja's message for a name that is no variable of the page's, nor a global."""

class _NoAsset(Exception):
    """The ``asset`` filter was given a path that is no static file with a fingerprinted copy."""


class _NoAttribute(jinja2.UndefinedError):
    """A template read an attribute its object lacks (``article.titel``): the object and the
    name go with it, so that ``Renderer.render`` can say it in the template's own words."""

    def __init__(self, message: str, owner: object = None, name: str = "") -> None:
        super().__init__(message)
        self.owner = owner
        self.name = name


class _Undefined(jinja2.StrictUndefined):
    """StrictUndefined that says what a template author wrote: ``article has no attribute
    'titel' (did you mean 'title'?)``, where Jinja names the object's Python class
    ('sitegen.model.Article object'), or for ``site`` and ``config`` the Recorder
    standing in for them (deps.py)."""

    __slots__ = ()

    def __init__(
        self, hint: str | None = None, obj: Any = jinja2.utils.missing, name: str | None = None, exc: type[jinja2.TemplateRuntimeError] = jinja2.UndefinedError
    ) -> None:
        super().__init__(hint, obj, name, exc)
        if self._names_attribute():
            # Jinja raises ``self._undefined_exception(message)``, from methods it binds
            # by hand (StrictUndefined's __str__, __iter__...): the way in for the details.
            self._undefined_exception = functools.partial(_NoAttribute, owner=obj, name=str(name))  # type: ignore[assignment]

    def _names_attribute(self) -> bool:
        return self._undefined_hint is None and self._undefined_obj is not jinja2.utils.missing and isinstance(self._undefined_name, str)

    @property
    def _undefined_message(self) -> str:
        if self._names_attribute():
            return no_attribute(_called(self._undefined_obj), self._undefined_obj, str(self._undefined_name))
        return str(super()._undefined_message)


def no_attribute(called: str, owner: object, name: str) -> str:
    """What to say of a template reading ``called.name`` when ``owner`` has no ``name``,
    with the closest of its attributes as a suggestion."""
    # Suggested from sitegen's own objects (and a mapping's keys): not from the methods of
    # a text or a list, which no template means ('title' for the ``titel`` of a string).
    target = stood_for(owner)
    candidates = [] if isinstance(target, (str, bytes, int, float, list, tuple)) else [n for n in dir(target) if not n.startswith("_")]
    if isinstance(target, Mapping):
        candidates += [k for k in target if isinstance(k, str)]
    close = difflib.get_close_matches(name, candidates, n=1)
    return f"{called} has no attribute {name!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


def _called(owner: object) -> str:
    """What templates call ``owner`` when its expression cannot be read off the template's
    line: ``site`` or ``config`` for theirs; otherwise its kind (``article``, ``tag``)."""
    return recorded_name(owner) or type(owner).__name__.lower()


def _written_before(line: str, name: str) -> str | None:
    """The expression ``line`` reads ``name`` of (``article`` of ``article.titel``,
    ``article.tags[0]`` of ``article.tags[0].nam``), when there is one such."""
    found = set(re.findall(rf"(?<![\w.\]])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[[^\[\]]*\])*?)\s*\.\s*{re.escape(name)}\b", line))
    return found.pop() if len(found) == 1 else None


class _Template(jinja2.Template):
    """A template whose imported templates run their top level for every page.

    Jinja keeps an imported template's module once made, so what its top level reads of
    ``site`` or ``config`` would be noted for the first page that imports it only, and a
    change to that setting would miss the other pages.
    """

    def _get_default_module(self, ctx: jinja2.runtime.Context | None = None) -> jinja2.environment.TemplateModule:
        if ctx is not None:
            keys = ctx.globals_keys - self.globals.keys()
            if keys:
                return self.make_module({k: ctx.parent[k] for k in keys})
        return self.make_module()


class _Translated(NodeTransformer):
    """``_("...")`` and ``gettext("...")`` (what ``{% trans %}`` compiles to) of a constant
    text, translated when the template is compiled: the Markup newstyle gettext returns
    (``Markup(translation) % values``) as a constant, formatted with the values at render
    time. At run time each call cost a context call, a Markup and a formatting: 26 µs a
    string against 2 µs for literal text, a tenth more time for a clean build of an
    English site. Templates are compiled for each build's catalog (a process keeps them for
    its next builds only by a key that holds the catalog: ahead.CompiledThemes), so the
    translation baked in is always this build's, and the catalog is in every page's key. ``ngettext``
    and calls of a computed text stay calls."""

    def __init__(self, translations: gettext.NullTranslations) -> None:
        self.translations = translations

    def visit_Call(self, call: nodes.Call) -> nodes.Node:
        node = self.generic_visit(call)
        if not (
            isinstance(node, nodes.Call)
            and isinstance(node.node, nodes.Name)
            and node.node.name in TRANSLATED
            and len(node.args) == 1
            and isinstance(node.args[0], nodes.Const)
            and isinstance(node.args[0].value, str)
            and node.dyn_args is None
            and node.dyn_kwargs is None
        ):
            return node
        text = self.translations.gettext(node.args[0].value)
        line = node.lineno
        if not node.kwargs:
            try:
                text = text % {}  # newstyle gettext formats even without values ("%%" -> "%")
            except (KeyError, ValueError, TypeError):
                return node  # fails at render time, with the template's line
            return nodes.MarkSafeIfAutoescape(nodes.Const(text, lineno=line), lineno=line)
        values = nodes.Dict([nodes.Pair(nodes.Const(k.key, lineno=line), k.value, lineno=line) for k in node.kwargs], lineno=line)
        return nodes.Mod(nodes.MarkSafeIfAutoescape(nodes.Const(text, lineno=line), lineno=line), values, lineno=line)


def _binds_translation(tree: nodes.Template) -> bool:
    """Whether a template makes ``_`` or ``gettext`` a name of its own (a macro, a set,
    a loop variable, an import): its calls are then its own, not translations."""
    for node in tree.find_all((nodes.Name, nodes.Macro, nodes.FromImport, nodes.Import)):
        if isinstance(node, nodes.Name) and node.ctx in ("store", "param") and node.name in TRANSLATED:
            return True
        if isinstance(node, nodes.Macro) and node.name in TRANSLATED:
            return True
        if isinstance(node, nodes.Import) and node.target in TRANSLATED:
            return True
        if isinstance(node, nodes.FromImport) and any((n if isinstance(n, str) else n[1]) in TRANSLATED for n in node.names):
            return True
    return False


class _Environment(jinja2.Environment):
    """An Environment whose templates have their constant texts translated as they are
    compiled (``_Translated``), but for a template with a ``_`` of its own."""

    translations: gettext.NullTranslations | None = None

    def compile(self, source: str | nodes.Template, name: str | None = None, filename: str | None = None, raw: bool = False, defer_init: bool = False) -> Any:
        if self.translations is not None:
            tree = self.parse(source, name, filename) if isinstance(source, str) else source
            if not _binds_translation(tree):
                translated = _Translated(self.translations).visit(tree)
                assert isinstance(translated, nodes.Template)
                tree = translated
            source = tree
        return super().compile(source, name, filename, raw, defer_init)  # type: ignore[call-overload]


class Renderer:
    """One Environment for the whole build: autoescaped, strict, with the url and date filters."""

    def __init__(
        self,
        site: Site,
        theme: Theme,
        references: dict[str, tuple[str, ...] | None] | None = None,
        language: Language | None = None,
        compiled: Callable[[], CompiledTheme | None] | None = None,
    ) -> None:
        """``references``: what each template source (by digest) refers to, as the last build
        found it; updated as templates are looked at, for the next build. ``language``: the
        words and date formats pages are shown in (i18n.language_of; default: the theme's
        English). ``compiled``: the templates compiled for this build in another process,
        or for earlier ones in this process (all of them, or those a build compiled as it
        came to them; in the same settings, theme and language), asked for when the first
        template is wanted; None, or a template not among them, is compiled here."""
        self.theme = theme
        self._log: set[str] = set()
        language = language or Language(site.config.language)
        self._ahead = _CompiledAhead(compiled or (lambda: None))
        self.env = _Environment(
            loader=_Loader(theme),
            extensions=["jinja2.ext.i18n"],
            autoescape=jinja2.select_autoescape(["html", "xml", "xsl"], default_for_string=True),
            undefined=_Undefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            # No bytecode cache on disk: Jinja folds filters of constants (``'atom.xml' |
            # absolute``) into the compiled code, so compiled templates depend on settings;
            # and loading them would execute whatever the cache folder holds. Only what
            # was compiled in memory for these settings, from the same sources.
            bytecode_cache=self._ahead,
        )
        self.env.template_class = _Template
        links = urls.Urls(site.config.base_url)
        self._links = links
        self._config = site.config
        self._relative = site.config.relative
        self._page_path = ""
        """The path of the page being rendered, for relative links."""
        # What templates see besides their context, site and config (the url filters'
        # base URL and mode, the generator's name, the language's words and dates): part
        # of every page's key.
        self.environment = f"{site.config.base_url}\0{site.config.relative}\0sitegen {__version__}"
        if language.catalog or language.locale is not None:
            self.environment += f"\0{language.tag}\0{language.catalog}\0{language.digest}"
        # Newstyle: ``_("Tag: %(name)s", name=tag.name)`` escapes what it is given, as
        # ``{{ tag.name }}`` would, and a catalog's text is trusted as the templates are.
        self.env.install_gettext_translations(language.translations, newstyle=True)  # type: ignore[attr-defined]
        self.env.translations = language.translations
        self._language = language
        self.env.filters["url"] = self._relative_url if site.config.relative else self._url
        self.env.filters["asset"] = self._asset
        self.env.filters["absolute"] = links.absolute
        self.env.filters["iso"] = dates.format_iso
        self.env.filters["human"] = language.date
        self.env.filters["month_name"] = self._month_name
        self.env.filters["clock"] = dates.format_clock
        self.env.tests["day_alone"] = dates.is_day_alone
        self.env.filters["brief"] = _brief
        self.env.filters["bdi"] = _bdi
        self.env.filters["lang"] = self._lang
        self.env.filters["language"] = self._language_of
        self.env.filters["webp"] = self._webp
        self.env.globals.update(
            site=Recorder(site, "site.", self._log),
            config=Recorder(site.config, "config.", self._log),
            generator=f"sitegen {__version__}",
            publisher_logo=self._publisher_logo,
            news_article=self._news_article,
            text_direction=language.direction,
            plural_forms=language.plural_forms,
            list_glue=language.list_glue,
        )
        self._closures: dict[str, str] = {}
        self._marks: dict[tuple[str, str], markupsafe.Markup] = {}
        """The ``lang`` filter's answers, by language and direction."""
        self.references: dict[str, tuple[str, ...] | None] = dict(references or {})
        self._block_errors: dict[str, tuple[str, str, int] | None] = {}
        """What is wrong with each template's blocks (block_mistake), by name."""

    def _url(self, site_path: str = "") -> str:
        """The ``url`` filter: a link to a site path, root-relative; an address elsewhere
        (``https://...``, ``mailto:...``) as it is."""
        return site_path if site_path.startswith(ELSEWHERE) else self._links.url(site_path)

    @jinja2.pass_context  # never folded into a template's code: the link depends on the page
    def _relative_url(self, context: jinja2.runtime.Context, site_path: str = "") -> str:
        """The ``url`` filter of a ``relative`` build: a link relative to the page rendered."""
        return site_path if site_path.startswith(ELSEWHERE) else urls.relative_url(site_path, self._page_path)

    def _month_name(self, month: _Month, inline: bool = False) -> str:
        """The ``month_name`` filter: an archive month (anything with a year and a month) as
        readers name it in the site's language: ``October 2022``, ``Oktober 2022``; as a
        heading, a list item or a link begins, ``Mai 2024`` (French, Spanish, Italian write
        their months in lower case, but begin those with a capital), and with ``inline=True``
        as a sentence has it: ``les articles de mai 2024``."""
        name = self._language.month(month.year, month.month)
        return name if inline else name[:1].upper() + name[1:]

    def _lang(self, item: _Written, direction: str = "") -> markupsafe.Markup:
        """The ``lang`` filter: the attributes of the element holding an article's own words
        (its title, summary, text, captions), ``item`` the article or a link to it. For an
        article in another language than the site's (front matter ``language``), its
        ``lang``, and ``dir`` when that language is written the other way from the site's:
        `` lang="de"``, `` lang="ar" dir="rtl"``. ``direction``: the element's ``dir``
        otherwise (``"auto"``: text of either direction). An article in the site's language
        gets ``direction`` alone, but for ``rtl`` on a site written right to left: text in
        Arabic or Hebrew often opens with a Latin name (``BBC: ...``, ``iPhone 16 ...``),
        which ``auto`` takes for left to right, turning the headline, or the whole text when
        its first paragraph opens so; a site written left to right keeps ``auto``, for the
        right-to-left text its stories may quote without saying. The theme's words around it
        stay unmarked, in the site's language, which ``<html lang>`` gives; as the W3C has
        it, ``lang`` goes where the language changes, and a known direction is given as
        itself, not left to ``auto``, which a title that opens with a Latin name would turn."""
        own = item.language
        # The answer depends on the site's language (its direction, at the least).
        self._log.add("config.language")
        # Asked for every title and summary of every page (twenty times a page), of a few
        # languages and directions: each answer is worked out once.
        found = self._marks.get((own, direction))
        if found is None:
            other = other_language(own, self._language.tag)
            written = direction_of(other) if other else self._language.direction
            given = written if written != self._language.direction or (written == "rtl" and direction) else direction
            marks = markupsafe.Markup(' lang="%s"') % other if other else markupsafe.Markup()
            found = self._marks[(own, direction)] = marks + markupsafe.Markup(' dir="%s"') % given if given else marks
        return found

    def _language_of(self, item: _Written) -> str:
        """The ``language`` filter: the BCP 47 tag of the language ``item`` (an article) is
        written in, for data (``inLanguage``): its own when it is not the site's, else the
        site's, as the setting writes it."""
        self._log.add("config.language")
        return other_language(item.language, self._language.tag) or self._language.tag

    @jinja2.pass_context  # never folded into a template's code: the links depend on the page
    def _webp(self, context: jinja2.runtime.Context, html: str, media: Iterable[ImageRecord]) -> str:
        """The ``webp`` filter: an article's body HTML (``article.html | webp(article.media)``)
        with the WebP copies of its pictures offered before them (content.offer_webp), while
        the setting ``webp`` is on."""
        self._log.add("config.webp")
        return offer_webp(html, media, self._page_path) if self._config.webp else html

    @jinja2.pass_context  # called for every page, so that every page notes the read
    def _asset(self, context: jinja2.runtime.Context, site_path: str, absolute: bool = False) -> str:
        """The ``asset`` filter: a link to the fingerprinted copy of a static file
        (``{{ 'static/style.css' | asset }}``), noted as read: the page is rendered again
        when that file changes. With ``absolute=True``, its absolute URL (the feed
        stylesheet's links are read from each feed's address: in a ``relative`` build, no
        link relative to one page is right for all)."""
        path = site_path.lstrip("/")
        fingerprinted = self.theme.fingerprints().get(path)
        if fingerprinted is None:
            raise _NoAsset(self._no_asset(site_path, path))
        self._log.add("asset." + path)
        if absolute:
            return self._links.absolute(fingerprinted)
        return urls.relative_url(fingerprinted, self._page_path) if self._relative else self._links.url(fingerprinted)

    def _no_asset(self, written: str, path: str) -> str:
        """What to say of ``asset`` given a path that is no fingerprinted static file."""
        said = f"{written!r} is not a file of templates/static/ (the asset filter links to static files)"
        if path in ONE_ADDRESS:
            return f"{written!r} keeps one address, with no fingerprinted copy (feeds name it): link it with the url filter"
        known = sorted(self.theme.fingerprints())
        # Names compared without the folder all share: not static/style.css for static/other.css.
        inside = [name.removeprefix(STATIC) for name in known]
        close = difflib.get_close_matches(path.removeprefix(STATIC), inside, n=1, cutoff=0.75)
        meant = [STATIC + path] if STATIC + path in known else [STATIC + name for name in close]
        return said + (f"; did you mean {meant[0]!r}?" if meant else "")

    @jinja2.pass_context  # called for every page, so that every page notes the reads
    def _publisher_logo(self, context: jinja2.runtime.Context) -> str:
        """``publisher_logo()``: the absolute URL of the logo (setting ``logo``) for article
        data, or "" when it names no static file: search engines are given no address that
        answers 404 (the build warns: config.logo_warnings)."""
        config = self._config
        self._log.add("config.logo")
        local = logo_file(config)
        if local is None:
            return config.logo
        self._log.add("file." + local)
        # Static files but feed.xsl are fingerprinted (theme.ONE_ADDRESS): these are the ones
        # deps.Digests knows, so the page's key follows the file coming and going.
        return self._links.absolute(config.logo) if local in self.theme.fingerprints() else ""

    @jinja2.pass_context  # called for every article page, so that every page notes its reads
    def _news_article(self, context: jinja2.runtime.Context, article: Article) -> dict[str, object]:
        """``news_article(article)``: the schema.org NewsArticle search engines read from the
        article's page (``{{ news_article(article) | tojson }}``), as a mapping a theme may add
        to (``dict(news_article(article), ...)``). Made here: built in the template key by key,
        with a ``dict()`` a key, it took a fifth of the render of an article page."""
        links = self._links
        url = links.absolute(article.path)
        self._log.add("config.title")
        publisher: dict[str, object] = {"@type": "Organization", "name": self._config.title, "url": links.absolute("")}
        if logo := self._publisher_logo(context):
            publisher["logo"] = {"@type": "ImageObject", "url": logo}
        data: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "datePublished": dates.format_iso(article.published),
            "dateModified": dates.format_iso(article.updated),
            "url": url,
            "mainEntityOfPage": {"@type": "WebPage", "@id": article.canonical or url},
            "inLanguage": self._language_of(article),
            "publisher": publisher,
        }
        # No description rather than an empty one: the headline is all such a story says.
        if article.summary:
            data["description"] = article.summary
        if (image := article.picture) is not None:
            # The file the card shows (sharing-picture.html), with its size, and the credit a
            # licensed picture must travel with, as schema.org has it: search engines show
            # it (creditText) beside the picture they take from the page.
            shared = image.shared
            image_url = shared.path if shared.path.startswith(("http://", "https://")) else links.absolute(shared.path)
            picture: dict[str, object] = {"@type": "ImageObject", "url": image_url}
            if shared.width:
                picture.update(width=shared.width, height=shared.height)
            if image.caption:
                picture["caption"] = image.caption
            if image.credit:
                picture["creditText"] = image.credit
            data["image"] = picture if len(picture) > 2 else [image_url]
        # No byline: the publisher is the author, as search engines would have one.
        data["author"] = [
            {"@type": "Organization" if author.kind == "organization" else "Person", "name": author.name, "url": links.absolute(author.path)}
            for author in article.authors
        ] or [publisher]
        if article.tags:
            data["keywords"] = [tag.name for tag in article.tags]
        # schema.org's corrections of a NewsArticle, newest first, as the page shows them.
        if article.corrections:
            data["correction"] = [
                {"@type": "CorrectionComment", "text": correction.text, "datePublished": dates.format_iso(correction.published)} for correction in article.corrections
            ]
        return data

    def render(self, page: Page) -> tuple[bytes, tuple[str, ...]]:
        """The page's bytes, and the parts of ``site`` and ``config`` its templates read."""
        self._log.clear()
        self._page_path = page.path
        try:
            template = self.env.get_template(page.template)
            mistake = self._block_mistake(page.template)
            if mistake is not None:
                raise TemplateError(mistake[0], cannot_render(page.path, mistake[1]), mistake[2])
            # ``page.context`` as the plain values its key covers: an article page's is made
            # from every article's title (site.ArticleContext), which its key does not cover.
            context = dict(page.context)
            html = _joined(template.generate(page=msgspec.structs.replace(page, context=context), **context))
        except TemplateError:
            raise  # said in full already (_block_mistake)
        except jinja2.TemplateSyntaxError as e:
            said = self._unknown_filter(e.message or "") or _opened_at(_placed(e.message or "", e.source), e.source, e.lineno, self.env)
            raise TemplateError(e.filename or page.template, f"template error: {said}", e.lineno) from e
        except _TooLarge:
            raise TemplateError(page.template, cannot_render(page.path, f"it would be over {MAX_PAGE_CHARACTERS:,} characters")) from None
        except RecursionError as e:
            filename, line = self._template_frame(e)
            endless = "recursion without end: a template that includes, extends or imports itself (or one that does), or a macro that calls itself"
            parsed = self._parsed(page.template)
            if parsed is not None and parsed[2] == page.template and THEME + page.template in self.theme.files:
                # What a Jinja user writes to fill some blocks of the theme's file of that name.
                endless = f'{page.template} extends itself: to change blocks of the theme\'s {page.template}, extend "{THEME}{page.template}"'
            raise TemplateError(filename or page.template, cannot_render(page.path, endless), line) from None
        except Exception as e:
            # Anything a template's expressions can raise ({{ 1/0 }}, {{ "a" + 1 }}, a missing
            # variable): Jinja's traceback frames carry the template file and line.
            filename, line = self._template_frame(e)
            if isinstance(e, _NoAttribute):
                # Named as the line writes it (``a`` in a loop over articles), else by its kind.
                called = _written_before(self._source_line(filename, line), e.name) or _called(e.owner)
                said = no_attribute(called, e.owner, e.name)
            elif isinstance(e, jinja2.TemplateNotFound):
                said = self._not_found(e)
            else:
                # A missing name is said as Jinja says it ("'pagination' is undefined"); a
                # Python error with its kind ("ZeroDivisionError: division by zero").
                said = self._unknown_filter(str(e)) or (str(e) if isinstance(e, (jinja2.UndefinedError, _NoAsset)) else f"{type(e).__name__}: {e}")
                if isinstance(e, jinja2.UndefinedError) and (missing := _UNDEFINED.fullmatch(said)):
                    # A name the page does not have, closest to one it has ('articel').
                    names = sorted({"page", *page.context, *self.env.globals})
                    close = difflib.get_close_matches(missing.group(1), names, n=1, cutoff=0.75)
                    said += f" (did you mean {close[0]!r}?)" if close else ""
            raise TemplateError(filename or page.template, cannot_render(page.path, said), line) from e
        if self._relative and page.template.endswith(".html"):
            html = urls.links_for_disk(html, page.path, self._links.base_path)
        return html.encode("utf-8"), tuple(sorted(self._log))

    def _unknown_filter(self, message: str) -> str | None:
        """Jinja's ``No filter named 'humanize'.`` (when a template is compiled, or ``... found.``
        when it runs the line) with the filter meant, or sitegen's own filters; None for any
        other message."""
        found = _NO_FILTER.fullmatch(message)
        if found is None:
            return None
        kind, name = found.groups()
        known = sorted(self.env.filters if kind == "filter" else self.env.tests)
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)  # not 'sort' for 'shout'
        if close:
            return f"no {kind} named {name!r} (did you mean {close[0]!r}?)"
        if kind == "test":
            return f"no test named {name!r} (Jinja's tests: defined, none, number, string...)"
        own = sorted(set(self.env.filters) - set(jinja2.filters.FILTERS))  # those the Renderer adds
        return f"no filter named {name!r} (sitegen's: {', '.join(own)}; and Jinja's built-in ones: README, Templates)"

    def _not_found(self, error: jinja2.TemplateNotFound) -> str:
        """What to say of an include, import or extends of a template no folder has: its
        name and the one meant (a typo), not Jinja's ``TemplateNotFound: brand-boxx.html``."""
        missing = error.templates if isinstance(error, jinja2.TemplatesNotFound) else [error.name]
        names = [str(n) for n in missing if n is not None]
        templates = [n for n in sorted(self.theme.files) if not n.startswith(NOT_TEMPLATES)]
        # A folder too many ("templates/brand-box.html") or a typo; not any name of five
        # letters ending in .html, which the suffix alone makes close (layout.html, author.html).
        last = names[-1].rpartition("/")[2] if names else ""
        close = [n for n in templates if n == last] or difflib.get_close_matches(last, templates, n=1, cutoff=0.8)
        said = f"no template {' or '.join(repr(n) for n in names)} in templates/ or the theme"
        return said + (f" (did you mean {close[0]!r}?)" if close else " (`sitegen theme list` names the theme's)")

    def _block_mistake(self, name: str) -> tuple[str, str, int] | None:
        """(file, message, line) of a block of a site's own template that no template it
        extends has (``{% block contnet %}``), or of what it writes after its ``extends``
        outside any block: Jinja drops either without a word, and the pages went out
        without what it holds (an article page without its text). Only the site's own
        files are held to it: the theme's may fill a block an older copy of ``base.html``
        in a site's templates lacks."""
        if name not in self._block_errors:
            self._block_errors[name] = None
            entry = self.theme.files.get(name)
            parsed = self._parsed(name) if entry is not None and not entry[0].is_relative_to(default_theme_dir()) else None
            if parsed is not None and parsed[2] is not None:
                path, tree, parent = parsed
                known: set[str] = set()
                ancestors: list[str] = []
                while parent is not None and parent not in ancestors:
                    ancestors.append(parent)
                    above = self._parsed(parent)
                    if above is None:
                        return None  # a missing or broken template: render() says so
                    known |= {block.name for block in above[1].find_all(nodes.Block)}
                    parent = above[2]
                for block in _outer_blocks(tree):
                    if block.name not in known:
                        close = difflib.get_close_matches(block.name, sorted(known), n=1)
                        said = f"block {block.name!r} is not a block of {ancestors[0]} or what it extends, so nothing in it is shown"
                        said += f" (did you mean {close[0]!r}?)" if close else f" (its blocks: {', '.join(sorted(known))})"
                        self._block_errors[name] = (str(path), said, block.lineno)
                        return self._block_errors[name]
                stray = _outside_blocks(tree)
                if stray is not None:
                    said = f"what it writes outside a block is not shown, as it extends {ancestors[0]}: put it in one of its blocks ({', '.join(sorted(known))})"
                    self._block_errors[name] = (str(path), said, stray)
        return self._block_errors[name]

    def _parsed(self, name: str) -> tuple[Path, nodes.Template, str | None] | None:
        """Template ``name``'s file, its parsed source and the template it extends (None
        when it extends none, or one whose name is computed); None if it cannot be read."""
        entry = self.theme.files.get(name)
        if entry is None:
            return None
        try:
            tree = self.env.parse(entry[1].decode("utf-8"))
        except (jinja2.TemplateSyntaxError, UnicodeDecodeError):
            return None
        extends = list(tree.find_all(nodes.Extends))
        parent = extends[0].template.value if len(extends) == 1 and isinstance(extends[0].template, nodes.Const) else None
        return entry[0], tree, parent if isinstance(parent, str) else None

    def _source_line(self, filename: str | None, line: int | None) -> str:
        """Line ``line`` (1-based) of the template file ``filename``, or "" if unknown."""
        for path, data in self.theme.files.values():
            if str(path) == filename and line:
                lines = data.decode("utf-8", errors="replace").splitlines()
                return lines[line - 1] if line <= len(lines) else ""
        return ""

    def _template_frame(self, error: BaseException) -> tuple[str | None, int | None]:
        """The template file and line the error was raised in, if it was in a template."""
        files = {str(path) for path, _ in self.theme.files.values()}
        found: tuple[str | None, int | None] = (None, None)
        tb = error.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename in files:
                found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
            tb = tb.tb_next
        return found

    def prepare(self, names: set[str]) -> None:
        """Compile templates up front, so forked workers inherit them instead of each
        compiling; the language's CLDR data is loaded before them too."""
        for name in sorted(names):
            with contextlib.suppress(Exception):  # reported, with its page, by render()
                self.env.get_template(name)
                self._block_mistake(name)
        if names:
            self._language.date(dt.date(2000, 1, 1))

    def template_digest(self, name: str) -> str:
        """Changes when ``name`` or any template it extends, includes or imports changes."""
        if name not in self._closures:
            self._closures[name] = cache.digest("\0".join(f"{n}\0{self._source_digest(n)}" for n in sorted(self._closure(name))))
        return self._closures[name]

    def _source_digest(self, name: str) -> str:
        entry = self.theme.files.get(name)
        return cache.digest(entry[1]) if entry else "missing"

    def _closure(self, name: str) -> set[str]:
        found: set[str] = set()
        pending = [name]
        while pending:
            current = pending.pop()
            if current in found:
                continue
            found.add(current)
            entry = self.theme.files.get(current)
            if entry is None:
                continue
            refs = self._references(entry[1])
            if refs is None:
                # A template name computed at render time: it may use any template.
                return set(self.theme.files)
            pending.extend(refs)
        return found

    def unused_warnings(self, templates: Iterable[str], folder: Path) -> list[str]:
        """A warning for each of the site's own template files (in ``folder``) of a name the
        theme has none of (``static/``, ``public/`` and ``locale/`` aside) that none of ``templates`` (those pages are made
        from) uses, nor any template they extend, include or import: a misspelt name, or a
        new kind of page, which takes more than a template."""
        used: set[str] = set()
        for name in set(templates):
            used |= self._closure(name)
        return [
            f"{folder / name}: not used: no page is made from it, and no template in use extends, includes or imports it"
            " (a misspelt name? `sitegen theme list` names the theme's; a new kind of page is more than a template: README, Architecture; an About or Contact page is a content file with page: true: README, Pages)"
            for name in sorted(self.theme.additions - used)
            if not name.startswith(NOT_TEMPLATES) and name in self.theme.files
        ]

    def compiled_here(self) -> CompiledTheme:
        """The templates this renderer compiled itself (none given was compiled from their
        source), with what each refers to: for the builds after in this process to use
        (ahead.Foreseen.keep), as they use those compiled ahead."""
        return CompiledTheme(MappingProxyType(dict(self._ahead.made)), MappingProxyType(self.current_references()), whole=False)

    def current_references(self) -> dict[str, tuple[str, ...] | None]:
        """What the templates in use refer to, for the next build (old sources dropped)."""
        current = {cache.digest(data) for _, data in self.theme.files.values()}
        return {k: v for k, v in sorted(self.references.items()) if k in current}

    def _references(self, source: bytes) -> tuple[str, ...] | None:
        """The templates ``source`` extends, includes or imports; None if it names one at
        render time. Parsing is what costs: the answer is kept by the source's digest, and
        one the process compiling ahead found is taken from it (it parsed the source)."""
        key = cache.digest(source)
        if key not in self.references:
            ahead = self._ahead.references()
            if key in ahead:
                self.references[key] = ahead[key]
            else:
                try:
                    tree = self.env.parse(source.decode("utf-8"))
                except (jinja2.TemplateSyntaxError, UnicodeDecodeError):
                    tree = None  # the digest of its source still covers it; render() reports it
                self.references[key] = _referenced(tree)
        return self.references[key]


def _referenced(tree: nodes.Template | None) -> tuple[str, ...] | None:
    """The templates a parsed template extends, includes or imports (none if it could not
    be parsed); None if it names one at render time."""
    refs = tuple(jinja2.meta.find_referenced_templates(tree)) if tree is not None else ()
    return None if None in refs else tuple(sorted(set(refs)))  # type: ignore[arg-type]


Compiled = dict[str, tuple[str, CodeType]]
"""Templates compiled, by name: each with the source it was compiled from."""


@dataclass(frozen=True)
class CompiledTheme:
    """Templates compiled: the whole theme (``compile_theme``, ahead), or those a build
    compiled as it came to them (``Renderer.compiled_here``); shared by the builds of a
    process (``ahead.CompiledThemes``), so read only."""

    codes: Mapping[str, tuple[str, CodeType]]
    references: Mapping[str, tuple[str, ...] | None]
    """What each template source (by digest) extends, includes or imports, as
    ``Renderer._references`` has it: found from the tree compiled, not parsed again."""
    whole: bool
    """Every template of the theme was compiled (``compile_theme``); False for those a
    build compiled as it came to them (``Renderer.compiled_here``)."""

    def merged(self, other: CompiledTheme) -> CompiledTheme:
        """These templates and ``other``'s (of the same theme, settings and language)."""
        return CompiledTheme(
            MappingProxyType({**self.codes, **other.codes}), MappingProxyType({**self.references, **other.references}), self.whole or other.whole
        )


def compile_theme(config: Config, theme: Theme, language: Language) -> CompiledTheme:
    """Every template of ``theme``, compiled as a build's Renderer in ``config`` and
    ``language`` compiles it: with the same filters (Jinja folds those of constants into the
    code), options and translations. For another process to do while the build reads its
    articles (build.py): what a page renders reads the site, but compiling does not, so
    the site here is empty. One that cannot be compiled is left out (compiled again when
    it is needed, and reported then).

    A theme template under its second name (``theme/base.html``) is left out too, unless the
    site has a template of its own by the first name, which may extend it: otherwise no
    template of the theme names it, and compiling each twice was half the work, which a
    small site's build waited for."""
    env = Renderer(Site(config, (), (), ()), theme, language=language).env
    assert env.loader is not None
    compiled: Compiled = {}
    references: dict[str, tuple[str, ...] | None] = {}
    for name in sorted(theme.files):
        if name.startswith(NOT_TEMPLATES) or (name.startswith(THEME) and theme.files[name] == theme.files.get(name.removeprefix(THEME))):
            continue
        try:
            source, filename, _ = env.loader.get_source(env, name)
            tree = env.parse(source, name, filename)
            # Before compiling, which may change the tree (the translated texts).
            references[cache.digest(theme.files[name][1])] = _referenced(tree)
            compiled[name] = (source, env.compile(tree, name, filename))
        except Exception:  # any fault is the build's to report, when it compiles the template itself
            continue
    return CompiledTheme(MappingProxyType(compiled), MappingProxyType(references), whole=True)


class _CompiledAhead(jinja2.BytecodeCache):
    """The templates compiled in another process (``compile_theme``) or for an earlier
    build of this one, asked for when the first is wanted, or what one refers to; each used
    only for the very source it was compiled from, anything else compiled as it comes, and
    noted (``made``). Nothing is stored on disk: the environment keeps the templates it made."""

    def __init__(self, fetch: Callable[[], CompiledTheme | None]) -> None:
        self._fetch: Callable[[], CompiledTheme | None] | None = fetch
        self._found = CompiledTheme(MappingProxyType({}), MappingProxyType({}), whole=False)
        self._asked: dict[str, str] = {}
        """The source of each template asked for and not found, by name, until it is compiled."""
        self.made: Compiled = {}
        """The templates compiled here, each with its source."""

    def _answers(self) -> CompiledTheme:
        if self._fetch is not None:
            fetch, self._fetch = self._fetch, None
            self._found = fetch() or self._found
        return self._found

    def references(self) -> Mapping[str, tuple[str, ...] | None]:
        """What the templates compiled ahead refer to, by their sources' digests."""
        return self._answers().references

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        bucket = Bucket(environment, name, "")
        found = self._answers().codes.get(name)
        if found is not None and found[0] == source:
            bucket.code = found[1]
        else:
            self._asked[name] = source
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        pass

    def dump_bytecode(self, bucket: Bucket) -> None:
        pass

    def set_bucket(self, bucket: Bucket) -> None:
        # Jinja hands back the bucket it was given (its key the template's name), with the
        # code it compiled.
        source = self._asked.pop(bucket.key, None)
        if source is not None and bucket.code is not None:
            self.made[bucket.key] = (source, bucket.code)


def _outer_blocks(node: nodes.Node) -> Iterator[nodes.Block]:
    """The blocks in ``node`` that are not inside another block: those a template that
    extends another fills; a block inside one of them is a new one, for its own children."""
    for child in node.iter_child_nodes():
        if isinstance(child, nodes.Block):
            yield child
        else:
            yield from _outer_blocks(child)


def _outside_blocks(tree: nodes.Template) -> int | None:
    """The line of the first text or value a template that extends another writes after its
    ``extends`` outside any block (what it writes before, Jinja shows), if any; white space
    between blocks is none."""
    extended = False
    for node in tree.body:
        extended = extended or isinstance(node, nodes.Extends)
        if extended and isinstance(node, nodes.Output):
            for part in node.nodes:
                if not isinstance(part, nodes.TemplateData):
                    return part.lineno
                if part.data.strip():  # the line of its first character that is not white space
                    return part.lineno + part.data[: len(part.data) - len(part.data.lstrip())].count("\n")
    return None


BRIEF = 160
"""About what search results show of a page's description."""


def _brief(value: object, limit: int = BRIEF) -> str:
    """The ``brief`` filter: ``value`` cut at a word to ``limit`` characters at most, with an
    ellipsis (text.summarize): a page's meta description. Markup (a translated sentence,
    its values escaped) is taken as the text it shows, which the page then escapes once."""
    return text.summarize(value.unescape() if isinstance(value, markupsafe.Markup) else str(value), limit)


def _bdi(value: object) -> markupsafe.Markup:
    """The ``bdi`` filter: ``value``, escaped, in a ``<bdi>`` element: a name inside a
    sentence keeps its own direction, and its punctuation, apart from the words around it
    ("Tag: C++" in a right-to-left page is read "++Tag: C" otherwise)."""
    return markupsafe.Markup("<bdi>%s</bdi>") % value


class _Written(Protocol):
    @property
    def language(self) -> str: ...


class _Month(Protocol):
    @property
    def year(self) -> int: ...
    @property
    def month(self) -> int: ...
