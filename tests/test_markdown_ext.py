"""What sitegen adds to Python-Markdown: blocks of raw HTML that nothing closes end at their
first blank line (the site-level tests, with every word on the page and in the feeds, are in
test_content.py)."""

from __future__ import annotations

import pytest
from conftest import no_hang
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen import markdown_ext
from sitegen.content import new_markdown


@pytest.mark.parametrize(
    ("source", "ended"),
    [
        ("<p>Open\n\n*Markdown*", "<p>Open</p>\n\n*Markdown*"),
        ('<div class="box">\n<p>Text\n\nAfter', '<div class="box">\n<p>Text</p></div>\n\nAfter'),
        ("<script async src=x>\n\nWords", "<script async src=x></script>\n\nWords"),
        ("<div>\n\nWords", "<div></div>\n\nWords"),
        # "<p>b" is left open by the </p> that closes "<p>c": each is read once more, not to the end.
        ("<p>a\n\n<p>b\n\n<p>c</p>\n\nd", "<p>a</p>\n\n<p>b</p>\n\n<p>c</p>\n\nd"),
        # Closed, blank lines and all: Python-Markdown's raw HTML, as it was.
        ("<div>\n\nRaw\n\n</div>\n\n*Markdown*", "<div>\n\nRaw\n\n</div>\n\n*Markdown*"),
        ("<p>One line, no blank line after it", "<p>One line, no blank line after it"),
        ("Inline <b>bold\n\nNext", "Inline <b>bold\n\nNext"),
        ("<!-- <p>\n\n-->\n\nText", "<!-- <p>\n\n-->\n\nText"),
    ],
)
def test_a_block_nothing_closes_ends_at_its_first_blank_line(source: str, ended: str) -> None:
    assert markdown_ext.end_open_blocks(new_markdown(), source)[0] == ended


_PIECES = st.sampled_from(
    ["<p>", "</p>", "<P>", "<div>", "</div>", "<div class='x'>", "<script>", "</script>", "<iframe src=x>", "</iframe>", "<!-- ", " -->", "<b>", "</b>"]
    + ["<hr>", "<br>", "<table>", "<tr><td>", "</table>", "<pre>", "</pre>", "<ul>", "<li>", "</ul>", "text", " ", "\n", "\n\n", "\n  \n", "    ", "*em*"]
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_blocks_are_ended_as_reading_the_text_again_after_each_would_end_them(source: str) -> None:
    """The reader ends a block where it meets one nothing can close, and reads on; it must do
    what reading the whole text again after each block ended does (the definition, and
    quadratic), and leave nothing for a second pass to end."""
    md = new_markdown()
    ended, found = markdown_ext.end_open_blocks(md, source)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(markdown_ext._BlockReader, "_never_closed", lambda self, at: False)
        assert markdown_ext.end_open_blocks(md, source) == (ended, found)
        assert markdown_ext.end_open_blocks(md, ended) == (ended, [])


def test_many_blocks_left_open_are_ended_in_time_linear_in_the_text() -> None:
    """A text of paragraphs each opened with <p> and never closed, as old HTML was written,
    but for a </p> at the end: read once more per block to the end of the text, 20,000 of
    them took minutes."""
    source = "".join(f"<p>Paragraph {n} of the story.\n\n" for n in range(20_000)) + "</p>\n\n"
    with no_hang(30):
        ended, found = markdown_ext.end_open_blocks(new_markdown(), source)
    assert len(found) == 19_999 and ended.count("</p>") == 20_000
