"""What each cached result depends on, derived rather than listed: equal keys mean equal results.

A step that reads the settings (or the site) is handed a ``Recorder`` standing in for them,
which notes every attribute read; the result is stored with those names and the digests
of their values (``Digests``), and is reused only while every one of them is unchanged.
Nobody keeps a list of the settings a step uses: a new setting, or a step that starts
reading one, is covered by construction.

A page's key covers its template closure, the values in its context, the environment the
templates run in (the base URL the ``url`` filters use) and every part of ``site`` and
``config`` its last render read. Articles enter keys by their digest, which changes with
anything a page or feed could show of them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from .config import Config
from .model import Article, Page, Site

_FIELDS: dict[type, tuple[str, ...]] = {}
_LONG = 512


def _parts(value: object, out: list[str]) -> None:
    # Runs for every page of every build: the common types are tested first, by identity.
    kind = type(value)
    if kind is str:
        # A long text (an article's body) by its hash: spelling out 10,000 bodies took 0.4 s.
        text = cast(str, value)
        out.append(repr(text) if len(text) < _LONG else "H" + hashlib.sha256(text.encode()).hexdigest())
    elif (names := _FIELDS.get(kind)) is not None:
        # A dataclass met before (a page context's links, tags): its fields, by name. Short
        # text fields (a link's title and path) are spelt out here, without a call each.
        out.append(kind.__name__ + "(")
        for name in names:
            field = getattr(value, name)
            if type(field) is str and len(field) < _LONG:
                out.append(repr(field))
            else:
                _parts(field, out)
        out.append(")")
    elif kind is Article:
        out.append("A" + value.digest)  # type: ignore[attr-defined]
    elif kind is tuple or kind is list:
        out.append("(")
        for item in value:  # type: ignore[attr-defined]
            # Listings hold articles, the sitemap (path, date) pairs: no call for those.
            item_kind = type(item)
            if item_kind is Article:
                out.append("A" + item.digest)
            elif item_kind is str:
                out.append(repr(item) if len(item) < _LONG else "H" + hashlib.sha256(item.encode()).hexdigest())
            elif item_kind is dt.datetime:
                out.append("D" + item.isoformat())
            elif item_kind is tuple and len(item) == 2 and type(item[0]) is str and type(item[1]) is dt.datetime and len(item[0]) < _LONG:
                # A sitemap's (path, last change), 13,000 of them: the parts a call would add,
                # joined as the key joins them.
                out.append(f"(\x1f{item[0]!r}\x1fD{item[1].isoformat()}\x1f)")
            else:
                _parts(item, out)
        out.append(")")
    elif value is None or kind is int or kind is bool or kind is float:
        out.append(repr(value))
    elif kind is dt.datetime:
        out.append("D" + value.isoformat())  # type: ignore[attr-defined]
    elif kind is dict:
        out.append("{")
        for key in sorted(value):  # type: ignore[call-overload]
            out.append(repr(key))
            _parts(value[key], out)  # type: ignore[index]
        out.append("}")
    elif kind is bytes:
        out.append("B" + hashlib.sha256(value).hexdigest())  # type: ignore[arg-type]
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS.get(kind)
        if names is None:
            names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
        out.append(kind.__name__ + "(")
        for name in names:
            _parts(getattr(value, name), out)
        out.append(")")
    elif isinstance(value, (str, int, float)):  # subclasses, such as Markup
        out.append(kind.__name__ + repr(value))
    else:
        # A new kind of value in a page context must be taught here, not guessed at.
        raise TypeError(f"cannot take the digest of {kind.__name__}")


def value_digest(*values: object) -> str:
    """A digest of plain values, articles, datetimes and dataclasses of those."""
    out: list[str] = []
    _parts(values, out)
    return hashlib.sha256("\x1f".join(out).encode("utf-8")).hexdigest()


class Recorder:
    """Stands in for ``config`` or ``site`` and notes each attribute read as ``prefix + name``."""

    __slots__ = ("_log", "_prefix", "_target")

    def __init__(self, target: object, prefix: str, log: set[str]) -> None:
        self._target = target
        self._prefix = prefix
        self._log = log

    def __getattr__(self, name: str) -> Any:
        self._log.add(self._prefix + name)
        return getattr(self._target, name)


def recorded_name(value: object) -> str | None:
    """The name a Recorder stands in under (``config``, ``site``), for messages that would
    otherwise name the Recorder; None for any other value."""
    return value._prefix.rstrip(".") if isinstance(value, Recorder) else None


def stood_for(value: object) -> object:
    """What a Recorder stands in for (its attributes, for a message's suggestion); any
    other value as it is. Reading it so notes no read."""
    return value._target if isinstance(value, Recorder) else value


def recording(config: Config, log: set[str]) -> Config:
    """``config`` for a step whose reads are to be noted in ``log`` (as ``config.<name>``)."""
    return cast(Config, Recorder(config, "config.", log))


class Digests:
    """Digests of the parts of ``config`` and ``site`` a step may read, computed once each."""

    def __init__(
        self, config: Config, site: Site | None = None, assets: Mapping[str, str] | None = None, words: Callable[[str], str] | None = None
    ) -> None:
        """``assets``: each static file's fingerprinted path (theme.Theme.fingerprints), for
        the pages that link to one (read as ``asset.<path>``), or only need it to be there
        (read as ``file.<path>``). ``words``: the digest of the words sitegen writes into an
        article's text in a language (i18n.TextWords.digest), for the parses that wrote them
        (read as ``words.<language>``)."""
        self.config = config
        self.site = site
        self.assets = assets or {}
        self.words = words
        self._memo: dict[str, str] = {}
        self._spelt: dict[tuple[str, ...], str] = {}
        self._shared: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = {}

    def of(self, name: str) -> str:
        if name not in self._memo:
            self._memo[name] = self._compute(name)
        return self._memo[name]

    def spelt(self, names: Iterable[str]) -> str:
        """Each name, then the digest of its value, as a key spells them out: worked out
        once per list of names (the 14,000 pages of a site read a few such lists)."""
        names = tuple(names)
        found = self._spelt.get(names)
        if found is None:
            found = self._spelt[names] = "\x1f".join(part for name in names for part in (repr(name), self.of(name)))
        return found

    def shared(self, values: tuple[str, ...], names: Iterable[str]) -> str:
        """The digest of ``values`` (each by its ``repr``) and of ``names`` as ``spelt``:
        the part of their keys that thousands of pages have in common (their kind, template,
        environment and reads), worked out once per build for each, so that a page's key
        hashes little more than its own values."""
        names = tuple(names)
        found = self._shared.get((values, names))
        if found is None:
            text = "\x1f".join((*map(repr, values), self.spelt(names)))
            found = self._shared[(values, names)] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return found

    def reads(self, names: Iterable[str]) -> dict[str, str]:
        """Each name read, with the digest of its value now."""
        return {name: self.of(name) for name in sorted(names)}

    def still(self, reads: dict[str, str]) -> bool:
        """True when everything in ``reads`` still has the value it had."""
        return all(self.of(name) == value for name, value in reads.items())

    def _compute(self, name: str) -> str:
        scope, _, attribute = name.partition(".")
        if scope == "asset":
            return self.assets.get(attribute, "missing")
        if scope == "file":  # whether a static file is there, whatever its bytes
            return "present" if attribute in self.assets else "missing"
        if scope == "words":
            return self.words(attribute) if self.words is not None else "missing"
        target: object = self.site if scope == "site" else self.config
        if target is None:
            return "missing"
        if attribute in {f.name for f in dataclasses.fields(target)}:  # type: ignore[arg-type]
            return value_digest(getattr(target, attribute))
        # A property or method may read any field: depend on all of them.
        return value_digest(target)



def page_key(template_digest: str, page: Page, environment: str, accessed: Iterable[str], digests: Digests) -> str:
    """The key of a page rendered from ``page`` in ``environment`` (render.Renderer's) when
    its templates read ``accessed``."""
    # Spelt out by hand, not by value_digest: it runs for every page of the site on every
    # build that is not a no-op. What pages of a template share is one digest (``shared``).
    out = [digests.shared(("page", template_digest, environment, page.template), accessed), repr(page.path), repr(page.title)]
    context = page.context
    _parts(context if type(context) is dict else dict(context), out)  # an article page's (site.ArticleContext), made whole
    return hashlib.sha256("\x1f".join(out).encode("utf-8")).hexdigest()


def article_page_key(
    template_digest: str, page: Page, environment: str, article: Article, neighbourhood: str, accessed: Iterable[str], digests: Digests
) -> str:
    """A key of the page of ``article`` made without its context, equal in two builds only
    if ``page_key``'s is: the context is made from ``article`` and what ``neighbourhood``
    covers alone (site.ArticleContext). The build after an edit to one article works out
    this one for every other article's page, not their contexts (plan.PageOutput.quick)."""
    shared = digests.shared(("article page", template_digest, environment, page.template), accessed)
    spelt = (shared, repr(page.path), repr(page.title), article.digest, neighbourhood)
    return hashlib.sha256("\x1f".join(spelt).encode("utf-8")).hexdigest()
