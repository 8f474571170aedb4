"""Lint a built site: the mistakes that make feed readers and visitors see the wrong thing.

Checks duplicate entry ids, relative URLs in feed content, missing or naive dates, feeds
over the byte budget, internal links that lead nowhere, and markup that could run script
(``<script>``, ``on*=`` handlers, ``javascript:`` URLs) in article bodies and feed content.
Each problem names its file.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, cast
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from . import urls
from .config import Config
from .feeds import ARCHIVE_PREFIX

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


# Attributes whose value a browser follows or loads as a URL, where javascript: would run.
_SCRIPTABLE_URL_ATTRIBUTES = frozenset(
    ("href", "src", "action", "formaction", "poster", "data", "background", "cite", "longdesc", "xlink:href", "ping", "lowsrc", "dynsrc")
)
# Browsers ignore spaces and control characters around a URL and tabs and newlines inside
# it, so "java\tscript:" and " javascript:" run as well.
_URL_NOISE_RE = re.compile("[\x00-\x20\x7f]")


def _fragment(html: str) -> Any:
    """An HTML fragment parsed into a tree under one <div>, or None when it is empty."""
    return lxml_html.fragment_fromstring(html, create_parent="div") if html.strip() else None


def _unsafe_markup(tree: Any) -> Iterator[str]:
    """What in a parsed HTML tree could run script: <script>, on* handlers, javascript: URLs."""
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        if element.tag.lower() == "script":
            yield "<script> element"
        for name, value in element.attrib.items():
            lowered = name.lower()
            if lowered.startswith("on"):
                yield f"event handler attribute {lowered}= on <{element.tag}>"
            elif lowered in _SCRIPTABLE_URL_ATTRIBUTES and _URL_NOISE_RE.sub("", value).lower().startswith("javascript:"):
                yield f"javascript: URL in <{element.tag} {lowered}>"


def _unresolvable_urls(tree: Any) -> Iterator[str]:
    """What a feed reader could not resolve in a parsed HTML fragment: relative URLs, and
    values that are not URLs at all, each described."""
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        values = [element.get(a) for a in urls.URL_ATTRIBUTES if element.get(a) is not None]
        if element.get("srcset"):
            values += [c.strip().split(" ")[0] for c in element.get("srcset").split(",") if c.strip()]
        for value in values:
            try:
                parts = urlsplit(value.strip())
            except ValueError as e:  # "//[x": a bracket that opens no IPv6 address
                yield f"URL {value!r} that cannot be parsed ({e})"
                continue
            if not parts.scheme:
                yield f"relative URL {value!r}"


def _aware(value: str | None, rfc822: bool = False) -> bool:
    if not value:
        return False
    try:
        parsed = email.utils.parsedate_to_datetime(value) if rfc822 else dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return False
    return parsed.tzinfo is not None


class _Entry(NamedTuple):
    id: str | None
    dates: list[tuple[str, str | None, bool]]
    """(field, value, is RFC 822) of each date the entry must carry."""
    html: list[tuple[str, str]]
    """(field, HTML) of the entry's content, whose URLs must be absolute."""
    markup: list[tuple[str, str]]
    """(field, text) of other fields that readers render as HTML."""


def _entries(path: Path, data: bytes) -> Iterator[_Entry]:
    """Each entry of a feed file, with its dates and the fields readers render as HTML."""
    if path.suffix == ".json":
        doc = json.loads(data)
        items = doc.get("items", []) if isinstance(doc, dict) else None
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise ValueError("not a JSON Feed: expected an object whose items are objects")
        for item in items:
            dates = [("date_published", item.get("date_published"), False)]
            yield _Entry(item.get("id"), dates, [("content_html", item.get("content_html", ""))], [])
        return
    root = etree.fromstring(data)
    if root.tag == f"{ATOM}feed":
        for entry in root.iter(f"{ATOM}entry"):
            dates = [(f, entry.findtext(f"{ATOM}{f}"), False) for f in ("updated", "published")]
            html: list[tuple[str, str]] = []
            markup: list[tuple[str, str]] = []
            for field in ("content", "summary", "title"):
                element = entry.find(f"{ATOM}{field}")
                if element is not None and element.get("type") == "html":
                    (html if field == "content" else markup).append((field, element.text or ""))
            yield _Entry(entry.findtext(f"{ATOM}id"), dates, html, markup)
    else:
        for item in root.iter("item"):
            dates = [("pubDate", item.findtext("pubDate"), True)]
            # RSS has no plain-text fields: readers render a description as HTML.
            markup = [("description", item.findtext("description") or "")]
            yield _Entry(item.findtext("guid"), dates, [("content:encoded", item.findtext(CONTENT_ENCODED) or "")], markup)


def check_feed(path: Path, rel: str, config: Config) -> list[Problem]:
    problems: list[Problem] = []
    try:
        data = path.read_bytes()
    except OSError as e:
        return [Problem(rel, f"cannot be read: {e.strerror or e}")]
    if not rel.startswith(ARCHIVE_PREFIX) and len(data) > config.feed_max_bytes:
        problems.append(Problem(rel, f"{len(data):,} bytes, over the budget of {config.feed_max_bytes:,} (feed_max_bytes)"))
    try:
        entries = list(_entries(path, data))
    except (etree.XMLSyntaxError, ValueError) as e:
        return problems + [Problem(rel, f"cannot be parsed: {e}")]
    seen: set[str] = set()
    for entry_id, dates, contents, markup in entries:
        if not entry_id:
            problems.append(Problem(rel, "an entry has no id"))
        elif entry_id in seen:
            problems.append(Problem(rel, f"duplicate entry id {entry_id}"))
        seen.add(entry_id or "")
        for field, value, rfc822 in dates:
            if not _aware(value, rfc822):
                problems.append(Problem(rel, f"entry {entry_id}: {field} is missing or has no time zone: {value!r}"))
        for field, html in contents:
            if (tree := _fragment(html)) is not None:
                for url in _unresolvable_urls(tree):
                    problems.append(Problem(rel, f"entry {entry_id}: {url} in content"))
                for unsafe in _unsafe_markup(tree):
                    problems.append(Problem(rel, f"entry {entry_id}: unsafe markup in {field}: {unsafe}"))
        for field, html in markup:
            if (tree := _fragment(html)) is not None:
                for unsafe in _unsafe_markup(tree):
                    problems.append(Problem(rel, f"entry {entry_id}: unsafe markup in {field}: {unsafe}"))
    return problems


def check_page(path: Path, rel: str, out_dir: Path, links: urls.Urls) -> list[Problem]:
    """Broken internal links of one page, and markup that could run script in its articles."""
    try:
        doc = cast(lxml_html.HtmlElement, lxml_html.document_fromstring(path.read_bytes()))
    except OSError as e:
        return [Problem(rel, f"cannot be read: {e.strerror or e}")]
    except etree.ParserError as e:  # "Document is empty": an empty file, or only a comment
        return [Problem(rel, f"cannot be parsed as HTML: {e}")]
    problems = check_links(doc, rel, out_dir, links)
    # Only the articles: the site's own templates may carry scripts on purpose.
    for article in doc.iter("article"):
        for unsafe in _unsafe_markup(article):
            problems.append(Problem(rel, f"unsafe markup in an article: {unsafe}"))
    return problems


def check_links(doc: lxml_html.HtmlElement, rel: str, out_dir: Path, links: urls.Urls) -> list[Problem]:
    """Links and resources of one page that point into the site but at no file."""
    problems = []
    page_url = links.absolute(rel.removesuffix("index.html"))
    for _, attribute, target, _ in doc.iterlinks():
        if attribute not in ("href", "src"):
            continue
        try:
            absolute = urljoin(page_url, target.strip())
            if not absolute.startswith(links.base_url):
                continue  # another site, mailto:, or above the site's base path
            site_path = unquote(urlsplit(absolute).path[len(links.base_path) :])
        except ValueError as e:  # "//[x": a bracket that opens no IPv6 address
            problems.append(Problem(rel, f"link {target!r} cannot be parsed as a URL ({e})"))
            continue
        try:
            target_file = urls.safe_join(out_dir, urls.output_file(site_path))
        except ValueError:
            problems.append(Problem(rel, f"link to {target!r} leaves the site"))
            continue
        if not target_file.is_file():
            problems.append(Problem(rel, f"broken link: {target}"))
    return problems


def check_output(out_dir: Path, config: Config) -> list[Problem]:
    """Every problem found in the built site under ``out_dir``, in path order."""
    links = urls.Urls(config.base_url)
    problems: list[Problem] = []
    for path in sorted(out_dir.rglob("*")):
        rel = path.relative_to(out_dir).as_posix()
        feed = path.name in ("atom.xml", "rss.xml", "feed.json") or rel.startswith(ARCHIVE_PREFIX)
        if (not feed and path.suffix != ".html") or path.is_dir():
            continue
        if not path.is_file():  # a FIFO would hang the read; a dangling link has nothing to read
            problems.append(Problem(rel, "is not a regular file: it cannot be checked"))
        elif feed:
            problems += check_feed(path, rel, config)
        else:
            problems += check_page(path, rel, out_dir, links)
    return problems
