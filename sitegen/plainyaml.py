"""A reader for the plain subset of YAML that the importer writes, and PyYAML's answer
for everything else.

Reading front matter with PyYAML is half of the time a clean build spends parsing content:
its constructor makes a Python object per node and event. Nearly every content file holds
only what ``seeds.dump_front_matter`` writes: ``key: value`` lines whose values are plain
or single-quoted text, and lists of such text. ``read`` reads exactly that, ten times faster,
and answers None for anything else, which the caller then hands to PyYAML. Whatever it
accepts, it reads as PyYAML does; ``tests/test_plainyaml.py`` checks that against PyYAML
on generated documents. The rules of YAML it needs (which plain words are numbers, booleans
or null, which characters may appear) are taken from PyYAML itself, not restated here.
"""

from __future__ import annotations

import re
from typing import Any

from yaml.reader import Reader

# One line of the subset: "key: value", "key:", or a list item "- value" (also indented).
_LINE_RE = re.compile(r"(?:(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?: (?P<value>.+))?|(?: {2})?- (?P<item>.+))")
_QUOTED_RE = re.compile(r"'((?:[^']|'')*)'")
# Characters that start something other than a plain scalar, and the sequences that end
# one early (a mapping value, a comment). Anything else in the line is the text itself.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# YAML 1.1 line breaks besides \n, tabs and a BOM: not worth getting right here.
_UNUSUAL_RE = re.compile("[\r\t\x85\u2028\u2029\ufeff]")


def read(text: str, resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]]) -> dict[str, Any] | None:
    """The mapping ``text`` holds, or None when it is not in the subset.

    ``resolvers`` are the loader's implicit resolvers (``Loader.yaml_implicit_resolvers``):
    a plain value one of them claims (a number, a boolean, null) is left to PyYAML.
    """
    if Reader.NON_PRINTABLE.search(text) or _UNUSUAL_RE.search(text):
        return None
    result: dict[str, Any] = {}
    opened: str | None = None  # the key of the last "key:" line, whose list items follow
    indent: bool | None = None  # whether that list's items are indented
    # Blank lines before and after the mapping are nothing to YAML; the front matter's own
    # delimiter lines leave one of each.
    for line in text.strip("\n").split("\n"):
        m = _LINE_RE.fullmatch(line)
        if m is None:
            return None
        key, raw, item = m.group("key", "value", "item")
        if item is not None:
            # Items belong to the "key:" line above them, all indented alike.
            if opened is None or indent not in (None, line[0] == " ") or (value := _scalar(item, resolvers)) is None:
                return None
            indent = line[0] == " "
            result[opened].append(value)
            continue
        _close(result, opened)
        opened = indent = None
        if key in result or _scalar(key, resolvers) != key:
            return None
        if raw is None:
            result[key] = []
            opened = key
        elif raw == "[]":
            result[key] = []
        elif (value := _scalar(raw, resolvers)) is None:
            return None
        else:
            result[key] = value
    _close(result, opened)
    return result


def _close(result: dict[str, Any], opened: str | None) -> None:
    """A "key:" line with no items under it is null in YAML, not an empty list."""
    if opened is not None and not result[opened]:
        result[opened] = None


def _scalar(raw: str, resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]]) -> str | None:
    """The text of a single-quoted or plain scalar, or None when it is anything else."""
    if raw[0] == "'":
        m = _QUOTED_RE.fullmatch(raw)
        return m.group(1).replace("''", "'") if m else None
    if raw[0] in _INDICATORS or raw[0] == " " or raw[-1] in " :" or ": " in raw or " #" in raw:
        return None
    for _tag, regexp in resolvers.get(raw[0], ()):
        if regexp.match(raw):
            return None
    return raw
