"""What the libraries sitegen is built on cost alone, on the corpus the tools are timed on.

sitegen reads Markdown with Python-Markdown and front matter with PyYAML; no cache and no
choice of ours makes a clean build cheaper than those two converting every article once.
Timed here on the same files, in one process, as processor time: the part of a clean
build's ratio to Hugo's that the libraries alone account for, before any page is
rendered or written.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import markdown
import yaml

from sitegen.content import HEADING_EXTENSIONS, MARKDOWN_EXTENSIONS

# The standard extensions sitegen turns on for article text (content.py), without its own
# additions: the library's cost, not sitegen's.
EXTENSIONS = [*MARKDOWN_EXTENSIONS, *HEADING_EXTENSIONS]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Floor:
    articles: int
    markdown: float
    """Seconds of processor time Python-Markdown took to convert every article's text."""
    front_matter: float
    """Seconds of processor time PyYAML took to read every article's front matter."""

    @property
    def total(self) -> float:
        return self.markdown + self.front_matter


def library_floor(content: Path) -> Floor:
    """Time the libraries alone on the Markdown files of ``content`` (sitegen's own output
    of the import, which every peer's site is converted from)."""
    heads, bodies = [], []
    for path in sorted(content.glob("*.md")):
        _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
        heads.append(head)
        bodies.append(body)
    converter = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    started = time.process_time()
    for body in bodies:
        converter.reset().convert(body)
    converted = time.process_time()
    for head in heads:
        yaml.load(head, Loader=_LOADER)  # SafeLoader, its C build where PyYAML has one
    return Floor(len(bodies), converted - started, time.process_time() - converted)
