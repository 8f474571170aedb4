"""``content/*.md`` -> ``Article``: front matter, then Python-Markdown to HTML."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import markdown
import yaml

from . import dates, text, urls
from .config import Config
from .errors import ContentError, SitegenError, line_of
from .model import Article, Tag

MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "footnotes", "sane_lists"]
# Articles written by hand without an ``id`` get one named by their file name, which
# survives title, slug and URL changes (renaming the file is the one thing that moves it).
CONTENT_NAMESPACE = uuid.UUID("b7f0e0a4-2f55-5b8e-8d3c-1e9a4c6d2a70")


@dataclass
class ContentReport:
    articles: list[Article] = field(default_factory=list)
    errors: list[SitegenError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    drafts: int = 0


def new_markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, output_format="html")


def _string(meta: dict[str, Any], key: str, fail: Any, default: str = "") -> str:
    value = meta.get(key, default)
    if value is None:
        return default
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise fail(key, f"must be text, not {type(value).__name__}")
    return " ".join(value.split())


def _date(meta: dict[str, Any], key: str, zone: dt.tzinfo, fail: Any) -> dt.datetime:
    try:
        return dates.parse_date(meta[key], zone)
    except ValueError as e:
        raise fail(key, str(e)) from e


def parse_article(path: Path, document: str, config: Config, md: markdown.Markdown) -> tuple[Article, list[str]] | None:
    """Parse one content file; None for a draft. Raises ContentError naming file and line."""
    warnings: list[str] = []
    bad = text.find_xml_illegal(document)
    if bad is not None:
        warnings.append(f"{path}:{bad[0]}: removed control characters that XML forbids")
        document = text.strip_xml_illegal(document)
    if not document.startswith("---"):
        raise ContentError(path, "no front matter: start the file with a '---' line, then 'title: ...', then '---'", 1)
    try:
        meta, body = frontmatter.parse(document)
    except yaml.YAMLError as e:
        # An error found only at the end of the block (an unclosed bracket) is better
        # placed where the construct began.
        # (python-frontmatter hands YAML the text after the opening '---', so mark
        # lines count from that line.)
        closing_line = document.split("\n---", 1)[0].count("\n") + 2
        mark = getattr(e, "problem_mark", None)
        if mark is not None and mark.line + 1 >= closing_line:
            mark = getattr(e, "context_mark", None) or mark
        line = mark.line + 1 if mark is not None else None
        problem = getattr(e, "problem", None) or str(e)
        raise ContentError(path, f"front matter is not valid YAML: {problem}", line) from e
    if not isinstance(meta, dict):
        raise ContentError(path, "front matter must be a mapping of 'key: value' lines", 2)

    def fail(key: str, message: str) -> ContentError:
        return ContentError(path, f"{key}: {message}", line_of(document, key, ":"))

    if meta.get("draft") is True:
        return None
    title = _string(meta, "title", fail)
    if not title:
        raise ContentError(path, "no title: add 'title: ...' to the front matter", 2)
    slug = _string(meta, "slug", fail) or urls.slugify(title if path.stem == "index" else path.stem)
    if not urls.is_valid_slug(slug):
        raise fail("slug", f"{slug!r} is not a slug: use lower-case ASCII letters, digits and single hyphens")
    zone = config.zone
    if "date" not in meta:
        raise ContentError(path, "no date: add 'date: 2024-05-01T09:30:00+00:00' to the front matter", 2)
    published = _date(meta, "date", zone, fail)
    updated = _date(meta, "updated", zone, fail) if meta.get("updated") else published
    if updated < published:
        updated = published

    raw_tags = meta.get("tags") or []
    if isinstance(raw_tags, str):
        raw_tags = raw_tags.split(",")
    if not isinstance(raw_tags, list) or not all(isinstance(t, (str, int)) for t in raw_tags):
        raise fail("tags", "must be a list of names, e.g. [politics, asia]")
    tags: dict[str, Tag] = {}
    for raw in raw_tags:
        name = " ".join(str(raw).split())
        if name and (tag_slug := urls.slugify(name)) not in tags:
            tags[tag_slug] = Tag(name=name, slug=tag_slug)

    related = meta.get("related") or []
    if not isinstance(related, list):
        raise fail("related", "must be a list of headlines")

    article_id = _string(meta, "id", fail) or f"urn:uuid:{uuid.uuid5(CONTENT_NAMESPACE, path.stem)}"
    path_in_site = urls.article_path(config.permalink, slug, published)
    md.reset()
    body_html = md.convert(body)
    page_url = urls.Urls(config.base_url).absolute(path_in_site)
    summary = _string(meta, "summary", fail) or text.summarize(text.html_to_text(body_html))
    # Hashed before URLs are made absolute, so a new base_url is not a content change.
    visible = "\0".join([title, summary, " ".join(body_html.split())])
    article = Article(
        source=path,
        id=article_id,
        title=title,
        slug=slug,
        path=path_in_site,
        published=published,
        updated=updated,
        summary=summary,
        html=urls.absolutize_html(body_html, page_url),
        updated_in_front_matter=bool(meta.get("updated")),
        content_hash="sha256:" + hashlib.sha256(visible.encode("utf-8")).hexdigest(),
        author=_string(meta, "author", fail, config.author),
        tags=tuple(sorted(tags.values(), key=lambda t: t.slug)),
        origin=_string(meta, "source", fail),
        related=tuple(" ".join(str(r).split()) for r in related),
    )
    return article, warnings


def load_content(content_dir: Path, config: Config) -> ContentReport:
    """Read every ``*.md`` under ``content_dir``; a bad file is reported, the rest still load."""
    report = ContentReport()
    if not content_dir.is_dir():
        return report
    md = new_markdown()
    for path in sorted(content_dir.rglob("*.md")):
        try:
            try:
                document = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
            except UnicodeDecodeError as e:
                raise ContentError(path, f"is not valid UTF-8 (offset {e.start})") from e
            parsed = parse_article(path, document, config, md)
        except SitegenError as e:
            report.errors.append(e)
            continue
        if parsed is None:
            report.drafts += 1
            continue
        article, warnings = parsed
        report.articles.append(article)
        report.warnings.extend(warnings)
    return report
