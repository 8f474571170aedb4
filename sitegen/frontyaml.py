"""Front matter that is not plain, as YAML reads it: PyYAML's safe loader as sitegen uses it,
and python-frontmatter's split. Imported by ``content`` only for such front matter: nearly
every file's is plain (``content.plain_meta``) and read without YAML, whose import a build
of such files does not pay.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from .content import plain_meta

YAMLError = yaml.YAMLError


class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML's safe loader, with dates and numbers left as text: ``dates.parse_date`` reads
    dates, so an impossible date (2024-02-30) is an error naming its key, not a crash; and
    front matter has no numbers, only text that YAML 1.1 would change (``title: 12:30``
    read as 750, ``007`` as 7, ``3.10`` as 3.1)."""


_NOT_TEXT = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _NOT_TEXT]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class NoAliasLoader(yaml.SafeLoader):
    """The pure-Python loader, refusing aliases: a few bytes of ``*a`` aliases can expand
    to gigabytes (a "billion laughs"). Used only when the text may hold one."""

    yaml_implicit_resolvers = Loader.yaml_implicit_resolvers

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in front matter", event.start_mark)
        return super().compose_node(parent, index)


FIRST_SET = "first set"
"""The context of the error about a key set twice: its first place."""


def _unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Iterator[dict[Any, Any]]:
    """A mapping, as SafeLoader makes it, in which no key is set twice: YAML forbids it, and
    PyYAML would keep the last value without a word."""
    data: dict[Any, Any] = {}
    yield data
    first: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        try:
            seen = first.setdefault(key, key_node)
        except TypeError:
            continue  # an unhashable key: construct_mapping says so
        if seen is not key_node:
            # Both places as marks: _yaml_problem turns them into the file's lines.
            raise yaml.constructor.ConstructorError(FIRST_SET, seen.start_mark, f"{key!r} is set twice", key_node.start_mark)
    data.update(loader.construct_mapping(node))


Loader.add_constructor("tag:yaml.org,2002:map", _unique_mapping)
NoAliasLoader.add_constructor("tag:yaml.org,2002:map", _unique_mapping)


# Any "*" or "&": in a flow mapping an alias or anchor may follow a ":" or "?" with no space
# between (``{"a":*b}``, ``{?*b}``), and a pattern of the places YAML allows one to start
# missed those. Front matter that is not plain (plain_meta) and holds either is rare.
_MAY_ALIAS_RE = re.compile(r"[*&]")


class _Handler(YAMLHandler):
    def load(self, fm: str, **kwargs: object) -> Any:
        plain = plain_meta(fm)
        if plain is not None:
            return plain
        loader = NoAliasLoader if _MAY_ALIAS_RE.search(fm) else Loader
        return yaml.load(fm, Loader=loader)


HANDLER = _Handler()


SCANNER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The loader whose scanner finds where a value YAML could not read starts."""
