"""What the parsing libraries sitegen is built on cost in a clean build of the corpus.

sitegen reads Markdown with Python-Markdown and front matter with PyYAML, but only where it
must: a text of plain paragraphs (most news copy) and front matter of plain keys (what the
importer writes) are read by sitegen itself, with the same result (content.plain_paragraphs,
content.plain_meta; property tests hold them to the libraries). Timed here, on the same
files and by the same rules, in one process, as processor time: the libraries' share of a
clean build, which no cache can lower.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import markdown
import yaml
from frontmatter.default_handlers import YAMLHandler

from sitegen.content import HEADING_EXTENSIONS, MARKDOWN_EXTENSIONS, plain_meta, plain_paragraphs

# The standard extensions sitegen turns on for article text (content.py), without its own
# additions: the library's cost, not sitegen's.
EXTENSIONS = [*MARKDOWN_EXTENSIONS, *HEADING_EXTENSIONS]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Split as content.py's handler splits (a subclass of this one): its front matter begins with
# the line break after "---", which plain_meta's pattern expects; without it, no front
# matter was plain and PyYAML was timed on every one, as sitegen never runs it.
_SPLITTER = YAMLHandler()


@dataclass(frozen=True)
class Floor:
    articles: int
    parsed: int
    """The articles whose text is more than plain paragraphs: those Python-Markdown converts."""
    loaded: int
    """The articles whose front matter is more than plain keys: those PyYAML reads."""
    markdown: float
    """Seconds of processor time Python-Markdown took to convert those texts."""
    front_matter: float
    """Seconds of processor time PyYAML took to read those front matters."""

    @property
    def total(self) -> float:
        return self.markdown + self.front_matter


def library_floor(content: Path) -> Floor:
    """Time the libraries on the Markdown files of ``content`` (sitegen's own output of the
    import, which every peer's site is converted from), on what sitegen gives them."""
    heads, bodies, count = [], [], 0
    for path in sorted(content.glob("*.md")):
        head, body = _SPLITTER.split(path.read_text(encoding="utf-8"))
        count += 1
        if plain_meta(head) is None:
            heads.append(head)
        if plain_paragraphs(body) is None:
            bodies.append(body)
    converter = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    started = time.process_time()
    for body in bodies:
        converter.reset().convert(body)
    converted = time.process_time()
    for head in heads:
        yaml.load(head, Loader=_LOADER)  # SafeLoader, its C build where PyYAML has one
    return Floor(count, len(bodies), len(heads), converted - started, time.process_time() - converted)
