"""Front matter of other tools written as YAML (``sitegen convert``): Hugo's TOML (``+++``
lines) and JSON (``{ ... }``), and Pelican's metadata lines (``Title: ...``).

A site moved from Hugo holds thousands of such files, each an error for the build; Hugo
itself ships ``hugo convert toYAML``. The text is converted by pure functions; one function
writes a file, only when the build's own reader (content.py) reads the new front matter
back to every key and value the old one had, and never over a file saved meanwhile.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from .cache import CONTENT_SUFFIXES, Refused, read_file
from .content import OTHER_TOOLS_KEYS, decode_content, front_matter_of, pelican_key
from .errors import ContentError, OutputError, not_utf8
from .output import replace_unless_changed

Form = Literal["TOML", "JSON", "Pelican"]


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
    """Its keys that are another tool's (lastmod, description): the build warns of each."""


@dataclass(frozen=True, slots=True)
class Conversion:
    """What ``convert_file`` did with a file."""

    converted: Converted | None
    """None when its front matter was YAML already (and the file left untouched)."""
    written: bool
    """The file was replaced (not with --dry-run, nor when it was YAML already)."""


def convert_text(path: str, text: str) -> Converted | None:
    """``text`` (a content file's, decoded from UTF-8 with its byte order mark and line ends
    kept) with its front matter as YAML; None when it is YAML already. ContentError, naming
    ``path`` and the line, when it is in none of the forms or cannot be read."""
    bom = _BOM if text.startswith(_BOM) else ""
    document = text[len(bom) :]
    newline = "\r\n" if "\r\n" in document[: document.find("\n") + 1] else "\n"
    if document.startswith("---"):
        return None
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
    head = dump_front_matter({key: _yaml_ready(value) for key, value in meta.items()})
    if newline != "\n":
        head = head.replace("\n", newline)  # YAML writes a line break in a text as a line end
    converted = f"{bom}---{newline}{head}---{rest}"
    _same_when_read(path, meta, converted)
    others = tuple(key for key in meta if key.lower() in OTHER_TOOLS_KEYS)
    return Converted(converted, form, others)


def _toml(path: str, document: str) -> tuple[dict[str, Any], str]:
    """Hugo's TOML front matter, between '+++' lines, and the text from the closing line's end."""
    first = _TOML_LINE_RE.match(document)
    if first is None:
        raise ContentError(path, "the front matter's first line must be '+++' alone: put what follows it on a line of its own", 1)
    closing = _TOML_CLOSING_RE.search(document, first.end())
    if closing is None:
        raise ContentError(path, "front matter is not closed: add a '+++' line after the last 'key = value' line", 1)
    try:
        meta = tomllib.loads(document[first.end() : closing.start()].replace("\r\n", "\n"))
    except tomllib.TOMLDecodeError as e:
        # "Invalid value (at line 3, column 9)": lines of the front matter, the '+++' line above.
        where = re.search(r"\(at (?:line (\d+), column \d+|end of document)\)", str(e))
        # At its end (a list not closed): the last line of the front matter.
        line = int(where[1]) + 1 if where and where[1] else document.count("\n", 0, closing.start())
        problem = str(e)[: where.start()].rstrip() if where else str(e)
        raise ContentError(path, f"front matter is not valid TOML: {problem}; fix it, then convert it", line) from e
    return meta, document[closing.end() :]


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


def convert_file(site_dir: Path, path: Path, max_bytes: int, dry_run: bool = False) -> Conversion:
    """Write the content file ``path`` of the site with its front matter as YAML
    (``convert_text``), unless ``dry_run``; a file already in YAML is left untouched.

    Raises ContentError naming the file (and line) for one outside the site's content/, not a
    content file, hidden, unreadable or not convertible; OutputError when it is changed
    while being converted. The file is then left as it is."""
    content_dir = (site_dir / "content").resolve()
    if not path.exists() and not path.is_symlink():
        raise ContentError(str(path), "no such file")
    # The rules of `sitegen publish` (scaffold.publish_draft): only what a build reads.
    if not path.resolve().is_relative_to(content_dir):
        raise ContentError(str(path), f"not in {site_dir / 'content'}/, where the site's articles are")
    if not path.name.endswith(CONTENT_SUFFIXES):
        raise ContentError(str(path), f"not an article: builds read the .md and .markdown files of {site_dir / 'content'}/, and no other")
    if any(part.startswith(".") for part in path.resolve().relative_to(content_dir).parts):
        raise ContentError(str(path), "hidden (a name that starts with '.'), and builds read no hidden file: rename it first")
    try:
        data, _ = read_file(path, max_bytes)
    except (OSError, Refused) as e:
        raise ContentError(str(path), f"cannot be read: {getattr(e, 'strerror', None) or e}") from e
    try:
        text = data.decode("utf-8")  # a byte order mark kept, as every other byte
    except UnicodeDecodeError as e:
        raise ContentError(str(path), *not_utf8(data, e)) from e
    converted = convert_text(str(path), text)
    if converted is None or dry_run:
        return Conversion(converted, False)
    if not replace_unless_changed(path, converted.text.encode("utf-8"), lambda aside: read_file(aside, max_bytes)[0] == data):
        raise OutputError(path, "changed while being converted (saved in an editor?): left as it is; convert it again")
    return Conversion(converted, True)
