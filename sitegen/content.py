"""``content/*.md`` -> ``Article``: front matter, then Python-Markdown to HTML."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import frontmatter
import yaml

from . import cache, dates, text, urls
from .cache import FileState, Inputs
from .config import Config
from .errors import ContentError, SitegenError, line_of
from .model import Article, Tag
from .parallel import Workers

if TYPE_CHECKING:
    import markdown

MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "footnotes", "sane_lists"]
# Articles written by hand without an ``id`` get one named by their file name, which
# survives title, slug and URL changes (renaming the file is the one thing that moves it).
CONTENT_NAMESPACE = uuid.UUID("b7f0e0a4-2f55-5b8e-8d3c-1e9a4c6d2a70")


# Text in which no character can start a construct of Markdown or of the extensions above
# renders as nothing but paragraphs, with its backslash escapes resolved and its character
# references kept. Most news text, and all seed text once escaped (text.escape_markdown),
# is like that; skipping the parser for it saves about 2 ms an article. Tests compare the
# two ways on generated text.
_SAFE_TOKEN_RE = re.compile(r"\\[\\`*_{}\[\]|!]|&(?:amp|lt|gt|#\d{1,7});")
# Characters that may start inline markup, and whitespace other than space and newline
# (control characters and what str.isspace() accepts: Python-Markdown strips or keeps it).
_MARKUP_CHAR_RE = re.compile(r"[\\`*_\[\]{}!<>&|~\x00-\x09\x0b-\x1f\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
# Line starts that may open a block (heading, list, quote, rule, table, definition),
# and trailing spaces (a line break). Searched in "\n" + text + "\n".
_MARKUP_LINE_RE = re.compile(r"\n[ \-+=#>:]|\n\d+[.)]| \n")
_UNESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]|!])")
_PARAGRAPH_BREAK_RE = re.compile(r"\n{2,}")


def plain_paragraphs(body: str) -> str | None:
    """The HTML Python-Markdown makes of ``body`` if it is plain paragraphs, else None."""
    text = body
    if _MARKUP_CHAR_RE.search(text):
        text = _SAFE_TOKEN_RE.sub("x", text)
        if _MARKUP_CHAR_RE.search(text):
            return None
    if _MARKUP_LINE_RE.search(f"\n{text}\n"):
        return None
    paragraphs = _PARAGRAPH_BREAK_RE.split(_UNESCAPE_RE.sub(r"\1", body).strip("\n"))
    return "\n".join(f"<p>{p}</p>" for p in paragraphs if p)


Record = tuple[Any, ...]
"""A content file's parse result as the cache stores it:
``(file sha, settings key, warnings, result, seed hash)`` where result is
``("article", ...)``, ``("draft",)`` or ``("error", message, line)``, and the seed hash is
the ``seed_hash`` the importer wrote into the file (or "")."""


@dataclass
class ContentReport:
    articles: list[Article] = field(default_factory=list)
    errors: list[SitegenError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    drafts: int = 0
    records: dict[str, Record] = field(default_factory=dict)
    """Every content file's record, for the cache."""
    parsed: int = 0
    """How many files were read and parsed (the rest came from the cache)."""

    @property
    def seed_hashes(self) -> dict[str, str]:
        """Content path -> the seed hash stamped on it by the importer."""
        return {name: record[4] for name, record in self.records.items() if record[4]}


def new_markdown() -> markdown.Markdown:
    # Imported here: a build whose changed articles are all plain text never needs it.
    import markdown

    return markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, output_format="html")


class Converter:
    """Markdown -> HTML, converting each distinct text only once."""

    def __init__(self, known: dict[str, bytes] | None = None) -> None:
        self.known: dict[str, bytes] = dict(known or {})
        """SHA-256 of a Markdown text -> its HTML, UTF-8 (from the cache, and from this run)."""
        self._md: markdown.Markdown | None = None

    def __call__(self, body: str) -> tuple[str, str]:
        """(SHA-256 of ``body``, its HTML)."""
        key = cache.digest(body)
        known = self.known.get(key)
        if known is not None:
            return key, known.decode("utf-8")
        html = self.convert(body)
        self.known[key] = html.encode("utf-8")
        return key, html

    def convert(self, body: str) -> str:
        html = plain_paragraphs(body)
        if html is not None:
            return html
        if self._md is None:
            self._md = new_markdown()
        self._md.reset()
        return self._md.convert(body)


def content_key(config: Config) -> str:
    """The settings a content file's article depends on; a change re-reads every file."""
    return cache.digest(repr((config.timezone, config.permalink, config.base_url, config.author)))


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


def parse_article(path: Path, document: str, config: Config, convert: Converter) -> tuple[Record, list[str]] | None:
    """Parse one content file to an article record (see ``article_from_record``) and its
    warnings; None for a draft. Raises ContentError naming file and line."""
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
    updated = max(updated, published)

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
    body_sha, body_html = convert(body)
    summary = _string(meta, "summary", fail) or text.summarize(text.html_to_text(body_html))
    visible = "\0".join([title, summary, " ".join(body_html.split())])
    record = (
        "article",
        article_id,
        title,
        slug,
        path_in_site,
        _date_record(published),
        _date_record(updated),
        summary,
        body_sha,
        body_html.encode("utf-8"),
        None,
        bool(meta.get("updated")),
        "sha256:" + hashlib.sha256(visible.encode("utf-8")).hexdigest(),
        _string(meta, "author", fail, config.author),
        tuple((t.name, t.slug) for t in sorted(tags.values(), key=lambda t: t.slug)),
        _string(meta, "source", fail),
        tuple(" ".join(str(r).split()) for r in related),
    )
    return record, warnings


def _date_record(value: dt.datetime) -> tuple[str, str]:
    # ISO text and the IANA zone it was read in, if any: cheap to store and to restore.
    return value.isoformat(), value.tzinfo.key if isinstance(value.tzinfo, ZoneInfo) else ""


def _date_from_record(value: tuple[str, str]) -> dt.datetime:
    iso, zone = value
    parsed = dt.datetime.fromisoformat(iso)
    return parsed.replace(tzinfo=ZoneInfo(zone)) if zone else parsed


# What the importer stamped on the file: lets it tell an unchanged seed without reading
# the file again (seeds.py).
_SEED_HASH_RE = re.compile(r"^seed_hash: *['\"]?(sha256:[0-9a-f]{64})['\"]? *$", re.MULTILINE)


def parse_file(context: tuple[Config, Converter], path: Path) -> tuple[FileState | None, Record]:
    """Read and parse one content file into its record; the state is None if it could not be read."""
    config, convert = context
    state: FileState | None = None
    seed_hash = ""
    try:
        try:
            data, state = cache.read_file(path)
        except OSError as e:
            raise ContentError(path, f"cannot be read: {e.strerror}") from e
        try:
            document = data.decode("utf-8-sig").replace("\r\n", "\n")
        except UnicodeDecodeError as e:
            raise ContentError(path, f"is not valid UTF-8 (offset {e.start})") from e
        if match := _SEED_HASH_RE.search(document.split("\n---", 1)[0]):
            seed_hash = match[1]
        parsed = parse_article(path, document, config, convert)
    except SitegenError as e:
        return state, (state.sha if state else "", content_key(config), (), ("error", e.reason, e.line), seed_hash)
    if parsed is None:
        return state, (state.sha if state else "", content_key(config), (), ("draft",), seed_hash)
    record, warnings = parsed
    return state, (state.sha if state else "", content_key(config), tuple(warnings), record, seed_hash)


def article_from_record(path: str, record: Record, tags: dict[tuple[str, str], Tag] | None = None) -> Article:
    """The article a record describes; the same whether the record is fresh or cached.

    ``tags`` shares one Tag object per tag among the articles of a build.
    """
    file_sha, key, _, result, _ = record
    (_, article_id, title, slug, site_path, published, updated, summary, _, body_html, html,
     updated_in_front_matter, content_hash, author, tag_pairs, origin, related) = result
    shared = {} if tags is None else tags
    return Article(
        source=path,
        id=article_id,
        title=title,
        slug=slug,
        path=site_path,
        published=_date_from_record(published),
        updated=_date_from_record(updated),
        summary=summary,
        body=body_html if html is None else html,
        updated_in_front_matter=updated_in_front_matter,
        content_hash=content_hash,
        author=author,
        tags=tuple(shared.get(pair) or shared.setdefault(pair, Tag(*pair)) for pair in tag_pairs),
        origin=origin,
        related=tuple(related),
        source_hash=cache.digest(f"{path}\0{file_sha}\0{key}"),
    )


def load_content(
    content_dir: Path,
    config: Config,
    inputs: Inputs | None = None,
    previous: dict[str, Record] | None = None,
    workers: Workers | None = None,
    fresh: dict[str, Record] | None = None,
) -> ContentReport:
    """Every ``*.md`` under ``content_dir`` as an article; a bad file is reported, the rest
    still load. A file the cache (``previous``) holds and that did not change is not read,
    nor one this build already read (``fresh``: the records of files it has not written since)."""
    report = ContentReport()
    if not content_dir.is_dir():
        return report
    inputs = inputs or Inputs()
    previous = previous or {}
    fresh = fresh or {}
    key = content_key(config)
    paths = cache.find_files(content_dir, ".md", recursive=True)
    todo: list[Path] = []
    for name in paths:
        record = previous.get(name)
        if name in fresh:
            report.records[name] = fresh[name]
        elif record is not None and record[1] == key and inputs.unchanged(name, sha=record[0]):
            report.records[name] = record
        else:
            todo.append(Path(name))
    if todo:
        # Markdown already converted in an earlier build is looked up, not converted again.
        known = {r[3][8]: r[3][9] for r in (*previous.values(), *fresh.values()) if r[3][0] == "article"}
        results = (workers or Workers(1)).map(parse_file, todo, context=(config, Converter(known)), label="Reading content")
        for path, (state, record) in zip(todo, results, strict=True):
            if state is not None:
                inputs.record(path, state)
            report.records[str(path)] = record
        report.parsed = len(todo)

    tags: dict[tuple[str, str], Tag] = {}
    for name in paths:
        _, _, warnings, result, _ = report.records[name]
        report.warnings.extend(warnings)
        if result[0] == "error":
            report.errors.append(ContentError(name, result[1], result[2]))
        elif result[0] == "draft":
            report.drafts += 1
        else:
            report.articles.append(article_from_record(name, report.records[name], tags))
    return report
