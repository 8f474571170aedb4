"""Lint a built site: the mistakes that make feed readers and visitors see the wrong thing.

Checks duplicate entry ids, relative URLs in feed content, missing or naive dates, feeds
over the byte budget, and internal links that lead nowhere. Each problem names its file.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast
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


def _relative_urls(fragment: str) -> Iterator[str]:
    """URLs in an HTML fragment that a feed reader could not resolve."""
    if not fragment.strip():
        return
    tree = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        values = [element.get(a) for a in urls.URL_ATTRIBUTES if element.get(a) is not None]
        if element.get("srcset"):
            values += [c.strip().split(" ")[0] for c in element.get("srcset").split(",") if c.strip()]
        for value in values:
            parts = urlsplit(value.strip())
            if not parts.scheme:
                yield value


def _aware(value: str | None, rfc822: bool = False) -> bool:
    if not value:
        return False
    try:
        parsed = email.utils.parsedate_to_datetime(value) if rfc822 else dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return False
    return parsed.tzinfo is not None


def _entries(path: Path, data: bytes) -> Iterator[tuple[str | None, list[tuple[str, str | None, bool]], list[str]]]:
    """(id, [(date field, value, is RFC 822)], [content HTML]) for each entry of a feed file."""
    if path.suffix == ".json":
        for item in json.loads(data).get("items", []):
            yield item.get("id"), [("date_published", item.get("date_published"), False)], [item.get("content_html", "")]
        return
    root = etree.fromstring(data)
    if root.tag == f"{ATOM}feed":
        for entry in root.iter(f"{ATOM}entry"):
            dates = [(f, entry.findtext(f"{ATOM}{f}"), False) for f in ("updated", "published")]
            content = entry.find(f"{ATOM}content")
            html = [content.text or ""] if content is not None and content.get("type") == "html" else []
            yield entry.findtext(f"{ATOM}id"), dates, html
    else:
        for item in root.iter("item"):
            yield item.findtext("guid"), [("pubDate", item.findtext("pubDate"), True)], [item.findtext(CONTENT_ENCODED) or ""]


def check_feed(path: Path, rel: str, config: Config) -> list[Problem]:
    problems: list[Problem] = []
    data = path.read_bytes()
    if not rel.startswith(ARCHIVE_PREFIX) and len(data) > config.feed_max_bytes:
        problems.append(Problem(rel, f"{len(data):,} bytes, over the budget of {config.feed_max_bytes:,} (feed_max_bytes)"))
    try:
        entries = list(_entries(path, data))
    except (etree.XMLSyntaxError, ValueError) as e:
        return problems + [Problem(rel, f"cannot be parsed: {e}")]
    seen: set[str] = set()
    for entry_id, dates, contents in entries:
        if not entry_id:
            problems.append(Problem(rel, "an entry has no id"))
        elif entry_id in seen:
            problems.append(Problem(rel, f"duplicate entry id {entry_id}"))
        seen.add(entry_id or "")
        for field, value, rfc822 in dates:
            if not _aware(value, rfc822):
                problems.append(Problem(rel, f"entry {entry_id}: {field} is missing or has no time zone: {value!r}"))
        for html in contents:
            for url in _relative_urls(html):
                problems.append(Problem(rel, f"entry {entry_id}: relative URL {url!r} in content"))
    return problems


def check_links(path: Path, rel: str, out_dir: Path, links: urls.Urls) -> list[Problem]:
    """Links and resources of one page that point into the site but at no file."""
    problems = []
    page_url = links.absolute(rel.removesuffix("index.html"))
    doc = cast(lxml_html.HtmlElement, lxml_html.document_fromstring(path.read_bytes()))
    for _, attribute, target, _ in doc.iterlinks():
        if attribute not in ("href", "src"):
            continue
        absolute = urljoin(page_url, target.strip())
        if not absolute.startswith(links.base_url):
            continue  # another site, mailto:, or above the site's base path
        site_path = unquote(urlsplit(absolute).path[len(links.base_path) :])
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
        if path.name in ("atom.xml", "rss.xml", "feed.json") or rel.startswith(ARCHIVE_PREFIX):
            problems += check_feed(path, rel, config)
        elif path.suffix == ".html":
            problems += check_links(path, rel, out_dir, links)
    return problems
