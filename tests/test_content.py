"""Markdown -> HTML: the plain-paragraph shortcut must give exactly what Python-Markdown gives."""

from __future__ import annotations

from conftest import SAMPLE_SEED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.config import ImportRules
from sitegen.content import Converter, new_markdown, plain_paragraphs
from sitegen.seeds import parse_seed
from sitegen.text import escape_markdown

# Pieces of text, markup and escapes, weighted so that many bodies take the shortcut and
# many come close to markup without being it.
PIECES = st.sampled_from(
    ["word", "Word", "news", "2024", " ", " ", " ", "\n", "\n\n", "\n\n\n", ".", ",", "?", ":", ";", "'", '"', "“", "”", "–", "(", ")", "%", "/", "@"]
    + ["\\[", "\\]", "\\*", "\\_", "\\\\", "\\|", "\\!", "\\{", "\\}", "\\`", "&amp;", "&lt;", "&gt;", "&#58;", "&#126;", "&#45;"]
    + ["#", "-", "+", "=", ">", "1.", "2)", "*", "_", "[", "]", "`", "&", "<", "|", "~", "!", "\\", "\t", "  \n", "    ", "&copy;", "\\(", "\u00a0"]
)
BODIES = st.lists(PIECES, min_size=1, max_size=60).map("".join)


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(BODIES)
def test_shortcut_gives_exactly_what_python_markdown_gives(body: str) -> None:
    md = new_markdown()
    fast = plain_paragraphs(body)
    if fast is not None:
        assert fast == md.convert(body)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.text(min_size=1, max_size=80).filter(str.strip), min_size=1, max_size=6))
def test_escaped_seed_text_converts_the_same_either_way(paragraphs: list[str]) -> None:
    body = "\n\n".join(escape_markdown(p) for p in paragraphs)
    assert Converter().convert(body) == new_markdown().convert(body)


def test_sample_seed_takes_the_shortcut() -> None:
    seed = parse_seed(SAMPLE_SEED.read_bytes(), SAMPLE_SEED, ImportRules())
    body = "\n\n".join(escape_markdown(p) for p in seed.paragraphs)
    assert "\\[" in body  # the sample's "[the Japanese government]" is escaped...
    html = plain_paragraphs(body)
    assert html is not None and html == new_markdown().convert(body)  # ...and still plain
    assert "[the Japanese government]" in html


def test_markup_goes_through_python_markdown() -> None:
    for body in ("# Heading", "*em*", "a  \nb", "1. one", "| a | b |\n|---|---|\n| 1 | 2 |", "    code", "x[^1]\n\n[^1]: note"):
        assert plain_paragraphs(body) is None
        assert Converter().convert(body) == new_markdown().convert(body)


def test_each_text_is_converted_once() -> None:
    converter = Converter()
    calls = []
    convert = converter.convert
    converter.convert = lambda body: calls.append(body) or convert(body)  # type: ignore[method-assign]
    first = converter("Some *text*.")
    assert converter("Some *text*.") == first and len(calls) == 1
    # Known HTML (from the build cache) is used as it is.
    cached = Converter({first[0]: b"<p>cached</p>"})
    assert cached("Some *text*.") == (first[0], "<p>cached</p>")


def test_every_kind_of_whitespace_but_space_and_newline_is_markup_to_the_shortcut() -> None:
    for code in range(0x3001):
        char = chr(code)
        if char.isspace() and char not in " \n":
            assert plain_paragraphs(f"a{char}b") is None, hex(code)
