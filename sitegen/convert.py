"""Front matter of other tools written as YAML (``sitegen convert``): Hugo's TOML (``+++``
lines) and JSON (``{ ... }``), and Pelican's metadata lines (``Title: ...``).

A site moved from Hugo holds thousands of such files, each an error for the build; Hugo
itself ships ``hugo convert toYAML``. The text is converted by pure functions; one function
writes a file, only when the build's own reader (content.py) reads the new front matter
back to every key and value the old one had, and never over a file saved meanwhile.

With ``--keys`` (``rename_keys``), the keys of those tools and Jekyll's whose meaning is
exactly one of sitegen's are renamed too, in a file in any form, YAML included: a site of
5,000 posts otherwise gets a warning per post for its ``lastmod``, ``categories``...
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from . import dates, text, urls
from .cache import IMAGE_SUFFIXES, read_file
from .content import OTHER_TOOLS_KEYS, decode_content, front_matter_of, pelican_key
from .errors import ContentError, OutputError, line_of
from .output import replace_unless_changed
from .redirects import folder_alias, refused_alias
from .scaffold import read_to_edit

Form = Literal["TOML", "JSON", "Pelican", "YAML"]


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper (seeds.dump_front_matter's, pure Python: libyaml's escapes some
    characters otherwise), writing in double quotes, escaped, a text that holds a character
    YAML or the build takes for a line end (NEL, U+2028, U+2029, a CR): in single quotes it
    was written as it is, and read back as a line end."""


_LINE_END_RE = re.compile("[\r\x85\u2028\u2029]")


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if _LINE_END_RE.search(value) else None)


_Dumper.add_representer(str, _represent_text)


def dump_front_matter(meta: dict[str, Any]) -> str:
    """YAML for ``meta`` (texts, numbers, booleans, lists and mappings), keys in their order."""
    return yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000)

_BOM = "\ufeff"
_TOML_LINE_RE = re.compile(r"\+\+\+[ \t]*(?:\r?\n|\Z)")
_TOML_CLOSING_RE = re.compile(r"^\+\+\+[ \t]*(?=\r?\n|\Z)", re.MULTILINE)
# Python-Markdown's meta extension, which Pelican reads them with (markdown.extensions.meta):
# a key, and lines indented four spaces or more that go on with its value.
_META_RE = re.compile(r"[ ]{0,3}([A-Za-z0-9_-]+):\s*(.*)")
_META_MORE_RE = re.compile(r"[ ]{4,}(.*)")
_META_END_RE = re.compile(r"(-{3}|\.{3})(\s.*)?")


@dataclass(frozen=True, slots=True)
class Converted:
    """A content file's text with its front matter written as YAML."""

    text: str
    """The whole new text: its byte order mark and line ends kept, the text after the front
    matter as it was."""
    form: Form
    """What the front matter was written in."""
    other_keys: tuple[str, ...] = ()
    """Its keys that are another tool's (lastmod, description), left: the build warns of each."""
    renamed: tuple[tuple[str, str], ...] = ()
    """With ``keys``: each key of another tool renamed, and sitegen's key it now is."""
    warnings: tuple[str, ...] = ()
    """With ``keys``: each key of another tool kept beside sitegen's, as they differ."""


@dataclass(frozen=True, slots=True)
class Conversion:
    """What ``convert_file`` did with a file."""

    converted: Converted | None
    """None when its front matter was YAML already (and the file left untouched)."""
    written: bool
    """The file was replaced (not with --dry-run, nor when it was YAML already)."""


def convert_text(path: str, text: str, keys: bool = False, is_picture: Callable[[str], bool] = urls.is_absolute_http) -> Converted | None:
    """``text`` (a content file's, decoded from UTF-8 with its byte order mark and line ends
    kept) with its front matter as YAML; None when it is YAML already. ContentError, naming
    ``path`` and the line, when it is in none of the forms or cannot be read.

    With ``keys``, other tools' keys are renamed too (``rename_keys``; ``is_picture`` says
    whether a picture's address is one the build finds), in YAML front matter as well: None
    then when there is nothing to rename nor to warn of."""
    bom = _BOM if text.startswith(_BOM) else ""
    document = text[len(bom) :]
    newline = "\r\n" if "\r\n" in document[: document.find("\n") + 1] else "\n"
    if document.startswith("---"):
        return _renamed_in_yaml(path, bom, document, is_picture) if keys else None
    form: Form
    if document.startswith("+++"):
        form, meta, rest = "TOML", *_toml(path, document)
    elif document.startswith("{"):
        form, meta, rest = "JSON", *_json(path, document)
    elif pelican_key(document) is not None:
        form, meta, rest = "Pelican", *_pelican(path, document)
    else:
        # The build's own message for it (no front matter, an empty file).
        front_matter_of(path, decode_content(document.encode("utf-8")))
        raise ContentError(path, "no front matter in TOML, JSON or Pelican's lines to convert", 1)
    ready = {key: _yaml_ready(value) for key, value in meta.items()}
    renaming = _with_language(path, rename_keys(ready, is_picture)) if keys else Renaming(ready)
    head = dump_front_matter(renaming.meta)
    if newline != "\n":
        head = head.replace("\n", newline)  # YAML writes a line break in a text as a line end
    converted = f"{bom}---{newline}{head}---{rest}"
    _same_when_read(path, renaming.meta, converted)
    return Converted(converted, form, _other_keys(renaming.meta), renaming.renamed, _warnings(path, converted, renaming))


def _other_keys(meta: dict[str, Any]) -> tuple[str, ...]:
    return tuple(key for key in meta if str(key).lower() in OTHER_TOOLS_KEYS)


@dataclass(frozen=True, slots=True)
class Renaming:
    """Front matter with the keys of other tools renamed to sitegen's (``rename_keys``)."""

    meta: dict[str, Any]
    """The new front matter, in the old one's order: a key renamed stays where it was."""
    renamed: tuple[tuple[str, str], ...] = ()
    """Each key renamed or merged, and sitegen's key that now holds its value ("": removed,
    as it says what sitegen does with no key)."""
    kept: tuple[tuple[str, str], ...] = ()
    """Each key kept beside sitegen's key, as they hold different values, and that key."""
    in_place: tuple[tuple[str, str], ...] = ()
    """The keys of ``renamed`` that took the other's place; the rest are gone, their values
    merged into or the same as what sitegen's key holds."""
    names_only: bool = True
    """Every change is a key renamed in place or gone, every value kept: line edits can make it."""


_UPDATED_KEYS = ("lastmod", "modified", "last_modified_at")
_SUMMARY_KEYS = ("description", "excerpt")
_CATEGORY_KEYS = ("categories", "category")
_ADDRESS_KEYS = ("permalink", "url")  # Jekyll's and Hugo's address of the article
_PICTURE_KEYS = ("featured_image", "cover", "thumbnail")
_PICTURE_ALT_KEYS = ("featured_image_alt",)
RENAMED_KEYS = frozenset(_UPDATED_KEYS + _SUMMARY_KEYS + _CATEGORY_KEYS + _ADDRESS_KEYS + _PICTURE_KEYS + _PICTURE_ALT_KEYS + ("status",))
"""The keys ``rename_keys`` may rename, lower-cased (the build's warning for each says so:
content.CONVERT_KEYS)."""
# Jekyll's permalink in a post may be a pattern (/:categories/:title/), not an address.
_PATTERN_RE = re.compile(r"(?:^|/):[A-Za-z_]")


def rename_keys(meta: dict[str, Any], is_picture: Callable[[str], bool] = urls.is_absolute_http) -> Renaming:
    """``meta`` (front matter as the build reads it, or about to be written as YAML) with
    each key of Hugo, Jekyll or Pelican (any case, as Hugo reads ``lastMod``) whose meaning
    is exactly one of sitegen's renamed, when its value is one sitegen's key reads:
    lastmod, modified, last_modified_at -> updated (a date); description, excerpt -> summary;
    categories, category -> merged into tags; permalink, url -> added to aliases;
    featured_image, cover, thumbnail -> image (a path or URL that ``is_picture``, with an
    alt text) and featured_image_alt -> image_alt; Pelican's status: draft -> draft: true.

    Never loses a word: where sitegen's key holds another value, both are kept (``kept``)
    and nothing is renamed for it. Any other key (layout, weight) is left, for the build to
    warn of. Hugo's ``draft`` is sitegen's already, and kept."""
    out = dict(meta)
    renamed: list[tuple[str, str]] = []
    in_place: list[tuple[str, str]] = []
    kept: list[tuple[str, str]] = []
    names_only = True

    def of(names: tuple[str, ...], fits: Callable[[object], bool]) -> list[str]:
        return [key for key in meta if isinstance(key, str) and key.lower() in names and fits(meta[key])]

    def put(sources: list[str], target: str, value: object) -> None:
        """``value`` in ``target``: where it is, or where the first of ``sources`` was."""
        nonlocal out, names_only
        if target in out:
            names_only = names_only and value is meta.get(target)
            out[target] = value
        else:
            first = sources[0]
            names_only = names_only and value is meta[first]
            out = {(target if key == first else key): (value if key == first else item) for key, item in out.items()}
            in_place.append((first, target))
        for key in sources:
            if key != target:
                out.pop(key, None)
        renamed.extend((key, target) for key in sources)

    def one_value(names: tuple[str, ...], target: str, fits: Callable[[object], bool]) -> None:
        """Keys for one value (a date, a text): renamed when they all hold the same one."""
        sources = of(names, fits)
        values = [meta[key] for key in sources] + ([meta[target]] if target in meta else [])
        if not sources:
            return
        if any(value != values[0] for value in values):
            kept.extend((key, target) for key in sources)
        else:
            put(sources, target, meta[target] if target in meta else meta[sources[0]])

    one_value(_UPDATED_KEYS, "updated", _is_date)
    one_value(_SUMMARY_KEYS, "summary", _is_text)
    # The build refuses an image with no alt text (the article left out), where the key it
    # does not read was a warning: a picture is renamed only with its alt text.
    alts = of(_PICTURE_ALT_KEYS, _is_text)
    alt_there = _is_text(meta.get("image_alt")) or (bool(alts) and "image_alt" not in meta)
    if alt_there and "image" not in meta:
        pictures = of(_PICTURE_KEYS, lambda value: isinstance(value, str) and "\n" not in value and is_picture(value.strip()))
        if len({meta[key] for key in pictures}) == 1:
            put(pictures, "image", meta[pictures[0]])
        else:
            kept.extend((key, "image") for key in pictures)
    if "image" in out:
        one_value(_PICTURE_ALT_KEYS, "image_alt", _is_text)

    categories = of(_CATEGORY_KEYS, lambda value: _names(value) is not None)
    tags = _names(meta["tags"]) if "tags" in meta else []
    if categories and tags is not None:
        if "tags" not in meta and len(categories) == 1:
            put(categories, "tags", meta[categories[0]])  # tags: read as categories were
        else:
            # Tags first, then each category not among them (as the build compares names).
            merged = list(tags)
            for key in categories:
                merged += [name for name in _names(meta[key]) or () if name.casefold() not in {m.casefold() for m in merged}]
            put(categories, "tags", merged)
    addresses = of(_ADDRESS_KEYS, _is_address)
    aliases = meta.get("aliases", [])
    aliases = [aliases] if isinstance(aliases, str) else aliases
    if addresses and isinstance(aliases, list):
        if "aliases" not in meta and len(addresses) == 1:
            put(addresses, "aliases", meta[addresses[0]])  # one alias is read as a list of it
        else:
            put(addresses, "aliases", aliases + [meta[key] for key in addresses if meta[key] not in aliases])

    for key in of(("status",), lambda value: isinstance(value, str) and value.strip().lower() in ("draft", "published")):
        if meta[key].strip().lower() == "published":
            # Pelican's default: published at its date, as sitegen publishes an article with
            # no such key. It says nothing more, so it goes (the build warns of it otherwise).
            del out[key]
            renamed.append((key, ""))
        elif meta.get("draft", True) is True:
            # Pelican's draft is kept off the site, as sitegen's draft: true is (Hugo's
            # draft is sitegen's key already).
            put([key], "draft", True)
        else:
            kept.append((key, "draft"))
    return Renaming(out, tuple(renamed), tuple(kept), tuple(in_place), names_only)


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_date(value: object) -> bool:
    """A date the build reads in ``updated`` (written as text, or TOML's, made text)."""
    try:
        dates.parse_date(value, dt.UTC)
    except (ValueError, TypeError):
        return False
    return isinstance(value, str)


def _names(value: object) -> list[str] | None:
    """Tags or categories as the build reads tags: a list of names, or text of names
    separated by commas; None when they are written otherwise."""
    if isinstance(value, str):
        return text.split_names(value)
    if isinstance(value, list) and all(isinstance(item, str | int) and not isinstance(item, bool) for item in value):
        return [str(item) for item in value]
    return None


def _is_address(value: object) -> bool:
    """A path of this site the build takes as an alias (not a Jekyll pattern, a URL, the home page)."""
    if not isinstance(value, str) or _PATTERN_RE.search(value):
        return False
    path = urls.site_path(value)
    return bool(path) and path is not None and not refused_alias(folder_alias(path))


# Hugo's multilingual sites name a story's translation by its language: post.fr.md,
# post.pt-br.md. Two or three letters and a region at most, so that notes.v2.md or
# report.final.md says nothing.
_LANGUAGE_NAME_RE = re.compile(r".\.([a-z]{2,3}(?:-[a-z]{2})?)\.(?:md|markdown)\Z", re.IGNORECASE)


def _with_language(path: str, renaming: Renaming) -> Renaming:
    """``renaming`` with ``language`` added, last, as a Hugo file name gives it
    (``post.fr.md``: fr), where the front matter says none: the story was built as one in
    the site's language, its words read by an English voice and filed as English news."""
    named = _LANGUAGE_NAME_RE.search(Path(path).name)
    if named is None or any(str(key).lower() in ("language", "lang") for key in renaming.meta):
        return renaming
    return Renaming(
        {**renaming.meta, "language": named[1]},
        (*renaming.renamed, (f"file name's .{named[1]}", "language")),
        renaming.kept,
        renaming.in_place,
        names_only=False,
    )


def _warnings(path: str, converted: str, renaming: Renaming) -> tuple[str, ...]:
    """A warning for each of sitegen's keys that keys of another tool were kept beside (or
    would have been merged into), as they differ, saying which to keep."""
    document = decode_content(converted.encode("utf-8"))
    targets = dict.fromkeys(target for _, target in renaming.kept)
    warnings = []
    for target in targets:
        keys = [key for key, meant in renaming.kept if meant == target]
        named = " and ".join(repr(key) for key in keys + ([target] if target in renaming.meta else []))
        warnings.append(
            f"{path}:{line_of(document, keys[0], ':') or 2}: {named} hold different values: all kept, none renamed {target!r};"
            f" sitegen reads {target!r}: keep what you mean there, and delete {' and '.join(repr(key) for key in keys)}"
        )
    return tuple(warnings)


_YAML_CLOSING_RE = re.compile(r"^-{3,}[ \t]*(?=\r?\n|\Z)", re.MULTILINE)


def _renamed_in_yaml(path: str, bom: str, document: str, is_picture: Callable[[str], bool]) -> Converted | None:
    """The YAML front matter of ``document`` with other tools' keys renamed; None when there
    is none to rename nor to warn of. A key renamed in place is renamed on its line, every
    comment and quote kept; front matter whose shape changes (categories merged into tags)
    is written again by the dumper, as a converted one is."""
    meta = front_matter_of(path, decode_content(document.encode("utf-8")))
    renaming = _with_language(path, rename_keys(meta, is_picture))
    if not renaming.renamed and not renaming.kept:
        return None
    new = bom + document
    # python-frontmatter's closing line: the next '---' line after the first line.
    closing = _YAML_CLOSING_RE.search(document, document.find("\n") + 1)
    if renaming.renamed and closing is not None:
        edited = _renamed_on_lines(path, document, closing.start(), renaming)
        if edited is None and (line := _yaml_comment_line(document[: closing.start()])) is not None:
            raise ContentError(path, f"keys not renamed: writing its front matter again would lose this comment; {_MOVE_COMMENT}", line)
        new = bom + (edited or _dumped(document, closing.end(), renaming))
        _same_when_read(path, renaming.meta, new)
    return Converted(new, "YAML", _other_keys(renaming.meta), renaming.renamed, _warnings(path, new, renaming))


def _renamed_on_lines(path: str, document: str, head_end: int, renaming: Renaming) -> str | None:
    """``document`` with each key renamed on its line, and the line of each key gone taken
    out; None when that cannot be done so (a value changed, a key written in quotes, a
    value going on below its key's line): read back, it must hold the same values."""
    if not renaming.names_only:
        return None
    head = document[:head_end]
    for old, _ in renaming.renamed:
        new = dict(renaming.in_place).get(old)
        found = list(re.finditer(rf"^{re.escape(old)}(?=[ \t]*:)" if new else rf"^{re.escape(old)}[ \t]*:.*\n", head, re.MULTILINE))
        if len(found) != 1:
            return None
        head = head[: found[0].start()] + (new or "") + head[found[0].end() :]
    edited = head + document[head_end:]
    try:
        read = front_matter_of(path, decode_content(edited.encode("utf-8")))
    except ContentError:
        return None
    return edited if _difference(renaming.meta, read) is None else None


def _dumped(document: str, rest_start: int, renaming: Renaming) -> str:
    """``document`` with its front matter written again by the dumper, the text after it as it was."""
    newline = "\r\n" if "\r\n" in document[: document.find("\n") + 1] else "\n"
    head = dump_front_matter(renaming.meta)
    if newline != "\n":
        head = head.replace("\n", newline)
    return f"---{newline}{head}---{document[rest_start:]}"


def _toml(path: str, document: str) -> tuple[dict[str, Any], str]:
    """Hugo's TOML front matter, between '+++' lines, and the text from the closing line's end."""
    first = _TOML_LINE_RE.match(document)
    if first is None:
        raise ContentError(path, "the front matter's first line must be '+++' alone: put what follows it on a line of its own", 1)
    closing = _TOML_CLOSING_RE.search(document, first.end())
    if closing is None:
        raise ContentError(path, "front matter is not closed: add a '+++' line after the last 'key = value' line", 1)
    head = document[first.end() : closing.start()]
    try:
        meta = tomllib.loads(head.replace("\r\n", "\n"))
    except tomllib.TOMLDecodeError as e:
        # "Invalid value (at line 3, column 9)": lines of the front matter, the '+++' line above.
        where = re.search(r"\(at (?:line (\d+), column \d+|end of document)\)", str(e))
        # At its end (a list not closed): the last line of the front matter.
        line = int(where[1]) + 1 if where and where[1] else document.count("\n", 0, closing.start())
        problem = str(e)[: where.start()].rstrip() if where else str(e)
        raise ContentError(path, f"front matter is not valid TOML: {problem}; fix it, then convert it", line) from e
    if (comment := _toml_comment_line(head)) is not None:
        raise ContentError(path, f"not converted: YAML written from TOML would lose this comment; {_MOVE_COMMENT}", document.count("\n", 0, first.end()) + comment)
    return meta, document[closing.end() :]


# A comment is no key nor value: read back, a front matter without it is the same, and the
# writer's note (a source, a reminder) would be gone without a word.
_MOVE_COMMENT = "keep it elsewhere if you need it, delete it, then convert it again"


def _toml_comment_line(head: str) -> int | None:
    """The line (of ``head``, from 1) of the first TOML comment in it: a '#' outside strings."""
    at = 0
    while at < len(head):
        char = head[at]
        if char == "#":
            return head.count("\n", 0, at) + 1
        if char in "\"'":
            quote = head[at : at + 3] if head[at : at + 3] in ('"""', "'''") else char
            at += len(quote)
            # A basic string's backslash escapes the next character; a literal one's does not.
            while at < len(head) and not head.startswith(quote, at):
                at += 2 if char == '"' and head[at] == "\\" else 1
            at += len(quote)
            continue
        at += 1
    return None


def _yaml_comment_line(head: str) -> int | None:
    """The line (of ``head``, from 1) of the first YAML comment in it: a '#' at a line's
    start or after a space, outside every token (a quoted or block text holds one as text)."""
    try:
        spans = [(t.start_mark.index, t.end_mark.index) for t in yaml.scan(head, Loader=yaml.SafeLoader)]
    except yaml.YAMLError:
        return None  # read by the build already: not reached
    for found in re.finditer(r"(?:^|(?<=[ \t]))#", head, re.MULTILINE):
        if not any(start <= found.start() < end for start, end in spans):
            return head.count("\n", 0, found.start()) + 1
    return None


class _SetTwice(ValueError):
    """A key a JSON object sets twice (json keeps the last value without a word)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for key, value in pairs:
        if key in meta:
            raise _SetTwice(key)
        meta[key] = value
    return meta


def _json(path: str, document: str) -> tuple[dict[str, Any], str]:
    """Hugo's JSON front matter, an object at the top of the file, and the text from its line's end."""
    try:
        meta, end = json.JSONDecoder(object_pairs_hook=_unique).raw_decode(document)
    except json.JSONDecodeError as e:
        raise ContentError(path, f"front matter is not valid JSON: {e.msg}; fix it, then convert it", e.lineno) from e
    except _SetTwice as e:  # named where it is set again
        places = [m.start() for m in re.finditer(re.escape(json.dumps(e.key, ensure_ascii=False)) + r"\s*:", document)]
        line = document.count("\n", 0, places[1]) + 1 if len(places) > 1 else 1
        raise ContentError(path, f"front matter sets {e.key!r} twice: keep one, then convert it", line) from e
    if not isinstance(meta, dict):
        raise ContentError(path, 'front matter in braces must be a JSON object ({"title": ...})', 1)
    line_end = document.find("\n", end)
    if line_end < 0:
        line_end = len(document)
    if document[end:line_end].strip():
        raise ContentError(path, "text after the front matter's closing brace, on its line: start it on a line of its own", document.count("\n", 0, end) + 1)
    if document[line_end - 1 : line_end] == "\r":
        line_end -= 1
    return meta, document[line_end:]


def _pelican(path: str, document: str) -> tuple[dict[str, Any], str]:
    """Pelican's metadata lines, as Python-Markdown's meta extension reads them (keys lower
    case, a value going on over lines indented four spaces), and the text from the line
    that ends them: a blank line, kept; a '---' or '...' line, which the closing line replaces;
    or the first line that is neither."""
    meta: dict[str, Any] = {}
    lines = document.splitlines(keepends=True)
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    key = ""
    offset = 0
    for number, line in enumerate(lines, 1):
        bare = line.rstrip("\r\n")
        if not bare.strip():
            break
        if _META_END_RE.fullmatch(bare):
            return meta, document[offset + len(bare) :]  # its line end is the closing line's
        if (found := _META_RE.fullmatch(bare)) is not None:
            key = found[1].lower()
            if key in meta:
                raise ContentError(path, f"{found[1]!r} is set twice: keep one, then convert it", number)
            meta[key] = found[2].strip()
        elif (more := _META_MORE_RE.fullmatch(bare)) is not None and key:
            # Pelican joins the lines of a summary (Markdown) with line ends; one line end
            # in Markdown is a space, which the other keys' lines are joined with.
            meta[key] += ("\n" if key == "summary" else " ") + more[1].strip()
        else:
            break
        offset += len(line)
    return meta, newline + document[offset:]


def _yaml_ready(value: object) -> object:
    """A TOML or JSON value as YAML writes it: dates and times as ISO 8601 text (a local one,
    with no offset, as Hugo reads it: in the site's timezone)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _yaml_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_yaml_ready(item) for item in value]
    return value


def _same_when_read(path: str, meta: dict[str, Any], converted: str) -> None:
    """ContentError unless the build's reader reads the front matter of ``converted`` back
    to every key and value of ``meta``, in order."""
    try:
        read = front_matter_of(path, decode_content(converted.encode("utf-8")))
    except ContentError as e:
        raise ContentError(path, f"not converted, its YAML would not be read: {e.reason}") from e
    if (differs := _difference(meta, read)) is not None:
        raise ContentError(path, f"not converted: {differs} would not be read back as it is; write its front matter in YAML by hand")


def _difference(original: object, read: object, where: str = "") -> str | None:
    """The first key (``tags[2]``) whose value the build reads (``read``: numbers and dates
    as text) otherwise than ``original`` says; None when every one is the same."""
    name = where or "the front matter"
    if isinstance(original, dict):
        if not isinstance(read, dict) or list(read) != list(original):
            return name
        return next((d for key in original if (d := _difference(original[key], read[key], f"{where}.{key}" if where else key)) is not None), None)
    if isinstance(original, list):
        if not isinstance(read, list) or len(read) != len(original):
            return name
        return next((d for i, item in enumerate(original) if (d := _difference(item, read[i], f"{name}[{i}]")) is not None), None)
    if isinstance(original, bool) or original is None:
        return None if read is original else name
    if isinstance(original, int | float):
        # The build reads numbers as text; YAML gives it back as the number it was.
        number = yaml.safe_load(read) if isinstance(read, str) else None
        same = type(number) is type(original) and (number == original or (isinstance(original, float) and math.isnan(original) and math.isnan(number)))
        return None if same else name
    if isinstance(original, dt.datetime | dt.date | dt.time):
        return None if read == original.isoformat() else name
    return None if read == original else name


def convert_file(site_dir: Path, path: Path, max_bytes: int, dry_run: bool = False, keys: bool = False) -> Conversion:
    """Write the content file ``path`` of the site with its front matter as YAML
    (``convert_text``), unless ``dry_run``; a file already in YAML is left untouched, unless
    ``keys`` renames one of its keys.

    Raises ContentError naming the file (and line) for one outside the site's content/, not a
    content file, hidden, unreadable or not convertible; OutputError when it is changed
    while being converted. The file is then left as it is."""
    content_dir = (site_dir / "content").resolve()
    data, text = read_to_edit(site_dir, path, max_bytes)  # as `sitegen publish` reads it
    def is_picture(written: str) -> bool:
        """An address of a picture the build finds: an http(s) URL or an image file of
        content/ (from it with a '/', as images.resolve reads it)."""
        if urls.is_absolute_http(written):
            return True
        found = (content_dir / written.lstrip("/") if written.startswith("/") else path.parent / written).resolve()
        return written.endswith(IMAGE_SUFFIXES) and found.is_relative_to(content_dir) and found.is_file()

    converted = convert_text(str(path), text, keys, is_picture)
    if converted is None or dry_run or converted.text == text:
        return Conversion(converted, False)
    if not replace_unless_changed(path, converted.text.encode("utf-8"), lambda aside: read_file(aside, max_bytes)[0] == data):
        raise OutputError(path, "changed while being converted (saved in an editor?): left as it is; convert it again")
    return Conversion(converted, True)
