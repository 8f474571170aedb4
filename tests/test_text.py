from __future__ import annotations

import html
import re
import unicodedata

import pytest
from conftest import no_hang
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.content import new_markdown
from sitegen.text import (
    BIDI_CONTROLS_RE,
    _parsed_text,
    balance_html,
    clean_title,
    fold_whitespace,
    has_text,
    headline_key,
    html_to_text,
    is_visible,
    summarize,
    without_markup,
)

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Plain title", "Plain title"),
        ("  spaced \t out\n title  ", "spaced out title"),
        ("\u202eevil\u202c.exe", "evil.exe"),
        ("\u2067RTL isolate\u2069 here", "RTL isolate here"),
        ("a\u200eb\u200fc\u061cd", "abcd"),
        (BIDI, ""),
        ("\u05e9\u05dc\u05d5\u05dd world", "\u05e9\u05dc\u05d5\u05dd world"),  # Hebrew letters are kept
        ("zero\u200bwidth", "zero\u200bwidth"),  # not a bidi control: is_visible's business
        ("non\u00a0breaking\u2003em", "non breaking em"),
    ],
)
def test_clean_title(title: str, expected: str) -> None:
    assert clean_title(title) == expected


@given(st.text())
def test_clean_title_leaves_no_bidi_control_and_no_loose_whitespace(title: str) -> None:
    cleaned = clean_title(title)
    assert not any(char in BIDI for char in cleaned)
    assert cleaned == cleaned.strip() and "  " not in cleaned
    assert clean_title(cleaned) == cleaned


def test_bidi_controls_are_exactly_the_listed_ones() -> None:
    found = {chr(c) for c in range(0x110000) if BIDI_CONTROLS_RE.fullmatch(chr(c))}
    assert found == set(BIDI)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " \t\n",
        "\u200b\u200c\u200d\u2060\ufeff",  # zero-width characters
        "\u0301\u0308",  # combining marks with no base
        "\u20dd",  # an enclosing mark alone
        "\u00a0\u2003\u3000",  # other spaces
        "\u2028\u2029",  # line and paragraph separators
        "\u00ad\u180e\U000e0041",  # soft hyphen, Mongolian vowel separator, a tag character
        "\u3164\u115f\u1160\uffa0\u2800",  # letters and symbols drawn as blanks
        "\x07\x1b",
        BIDI,
    ],
)
def test_invisible_text(text: str) -> None:
    assert not is_visible(text)


@pytest.mark.parametrize("text", ["a", "\u200ba\u200b", "e\u0301", "1", ".", "\u05e9", "\u5317", "\U0001f389", "\u200d\u2764"])
def test_visible_text(text: str) -> None:
    assert is_visible(text)


@given(st.text(st.characters(categories=["Cf", "Cc", "Zs", "Mn"])))
def test_format_control_space_and_mark_characters_alone_are_invisible(text: str) -> None:
    assert not is_visible(text)


@given(st.text(st.characters(categories=["L", "N", "P", "S"]), min_size=1))
def test_letters_digits_punctuation_and_symbols_are_visible(text: str) -> None:
    blanks = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}
    assert is_visible(text) == any(char not in blanks for char in text)


def test_a_summary_leaves_out_footnotes_and_their_marks() -> None:
    body = new_markdown().convert("A claim[^1] and more.\n\n[^1]: The note.\n\nAfter.")
    assert html_to_text(body, notes=False) == "A claim and more. After."
    assert "The note." in html_to_text(body) and "↩" in html_to_text(body)
    # Hand-written HTML left open inside a note does not swallow what follows.
    assert html_to_text('<div class="footnote"><p>note<b>x</div><p>Rest</p>', notes=False) == "Rest"


@pytest.mark.parametrize("notes", [True, False])
def test_scripts_and_styles_are_no_text(notes: bool) -> None:
    body = '<style>p { color: red }</style><p>Shown <SCRIPT>var x = "<p>not shown</p>";</SCRIPT>words.</p><template><b>Later</b></template>'
    assert html_to_text(body, notes) == "Shown words."
    # The plain pattern html_to_text falls back on (on "<![ ]>") agrees.
    assert html_to_text("<![ ]>" + body, notes) == "Shown words."
    assert not has_text("<script>alert(1)</script><style>p {}</style>")
    # A custom element whose name starts like one of them is text like any other.
    custom = "<p>Meet <style-guide>our guide</style-guide> today.</p><style>p {}</style><p>End</p>"
    assert html_to_text(custom, notes) == html_to_text("<![ ]>" + custom, notes) == "Meet our guide today. End"
    assert has_text("<style-x>Hi</style-x><style>a</style>")


_PARAGRAPH_PIECES = ["<p>", "</p>", "<P>", "<p >", "<p class=x>", "a", "é", " ", "\n", "&", "&amp", "&amp;", "&#", "&#60;", "&#x3c;", ";",
                     "&lt;p&gt;", "&lt;", "&nbsp;", "&nbsp", "\u00a0", "#", "x3c"]  # fmt: skip


@given(st.lists(st.sampled_from(_PARAGRAPH_PIECES), max_size=16), st.booleans())
def test_paragraphs_read_without_the_parser_as_the_parser_reads_them(pieces: list[str], notes: bool) -> None:
    """html_to_text reads text in plain paragraphs (no "<" but theirs) in one pass of its
    own: always as the standard library's parser reads it."""
    markup = "".join(pieces)
    assert html_to_text(markup, notes) == _parsed_text(markup, notes, None, None, None, None)


def test_paragraphs_are_read_as_text_between_spaces() -> None:
    assert html_to_text("<p>Fish &amp; chips</p>\n<p>&lt;b&gt; is&nbsp;bold</p>") == "Fish & chips <b> is bold"  # a no-break space folded as any
    assert html_to_text("a<p>b</p>c") == "a b c"


@pytest.mark.parametrize("piece", ["<!--x>", "<![CDATA[x>", '<b title="<!--x>'])
def test_markup_left_open_is_read_in_linear_time(piece: str) -> None:
    """The standard library's parser, at its end, reads the "<" of each thing left open as
    text and looks for its end again from the next: a seed's "Source:" line of 20,000
    ``<!--x>`` took 8 s, 2 MB of them half an hour. What is left open runs to the end of the
    text and shows nothing, as in a browser."""
    with no_hang(10):
        assert html_to_text("<p>Reuters</p>" + piece * 40_000) == "Reuters"
        assert without_markup("Reuters " + piece * 40_000) == "Reuters"


# The one pattern has_text's reading once was: from every "<" it looked to the end of the text.
_ONE_PATTERN = re.compile(r"<!--.*?-->|<(script|style|template)(?=[\s/>]).*?</\1\s*>|<[^>]*>", re.DOTALL | re.IGNORECASE)
_MARKUP_PIECES = ["<", ">", "<!--", "-->", "<script", "<SCRIPT ", "<script>", "</script>", "</SCRIPT >", "<style/", "</style>", "<template>",
                  "</template\n>", "<style-guide>", "<p>", "</p>", "<br>", "<div ", "a", " ", "&amp;", "<!x>", "\n", "< p>", "</scripts>"]  # fmt: skip


def _by_one_pattern(markup: str) -> str:
    def replace(match: re.Match[str]) -> str:  # the pieces' block tags, start or end, read as a space
        return " " if re.match(r"</?\s*(p|br|div)\b", match.group(), re.IGNORECASE) else ""

    return " ".join(html.unescape(_ONE_PATTERN.sub(replace, markup)).split())


@given(st.lists(st.sampled_from(_MARKUP_PIECES), max_size=14))
def test_the_plain_reading_of_markup_finds_what_one_pattern_found(pieces: list[str]) -> None:
    markup = "".join(pieces)
    assert has_text(markup) == bool(_by_one_pattern(markup))
    # html_to_text reads it so when the standard library's parser fails (on "<![ ]>").
    assert html_to_text("<![ ]>" + markup) == _by_one_pattern("<![ ]>" + markup)


@pytest.mark.parametrize(("piece", "shown"), [("<!--x>", False), ("<script >", False), ("<style>x", True)])
def test_has_text_reads_markup_left_open_in_linear_time(piece: str, shown: bool) -> None:
    """A comment or a hidden element left open was looked for to the end of the text from
    each of them: a content file of 2 MB of ``<!--x>`` held the search index for an hour."""
    with no_hang(10):
        assert has_text("<div>" + piece * 100_000) == shown


_PIECES = ["", " ", "\n\n", "![](x.png)", "![a picture](x.png)", "&nbsp;", "<!-- a note -->", "<div></div>", "<br>",
           "word", "`code`", "    indented", "> ", "* ", "1. ", "[](x)", "[link](x)", "&amp;", "<span> </span>", "---", "<![ ]>"]  # fmt: skip


@given(st.lists(st.sampled_from(_PIECES), max_size=8))
def test_has_text_says_what_html_to_text_finds(pieces: list[str]) -> None:
    """The search index's quick yes/no against the full extraction, on Markdown's output."""
    body = new_markdown().convert("".join(pieces))
    assert has_text(body) == bool(html_to_text(body))


@pytest.mark.parametrize(
    "text",
    [
        "東京 " + "日本政府は北朝鮮が核実験を行う可能性は確かにあると述べた。" * 20,  # Japanese: no spaces between words
        "Family " + "👨\u200d👩\u200d👧" * 100,  # emoji joined by zero-width joiners
        "Cafe" + "e\u0301" * 300,  # accents written as combining marks
        "Skin " + "👍🏽" * 200,  # an emoji and its skin tone
        "東" * 10 + "🇯🇵" * 300,  # flags: two regional indicators each
    ],
    ids=["japanese", "zwj emoji", "combining accents", "skin tones", "flags"],
)
def test_a_summary_of_text_without_spaces_is_long_and_cut_between_characters_as_shown(text: str) -> None:
    """Cut at the last space, "東京…" was the summary of a whole Japanese paragraph, in every
    feed and the page's description; cut anywhere, an accent or a family emoji fell apart."""
    summary = summarize(text)
    kept = summary.removesuffix("…")
    assert summary.endswith("…") and len(summary) <= 280 and len(kept) >= 140
    assert text.startswith(kept)
    after = text[len(kept)]  # the first character left out starts a character of its own
    assert unicodedata.category(after) not in ("Mn", "Mc", "Me") and after not in "\u200d\ufe0f" and not "\U0001f3fb" <= after <= "\U0001f3ff"
    assert text[len(kept) - 1] != "\u200d"
    regional = [c for c in kept if "\U0001f1e6" <= c <= "\U0001f1ff"]
    assert len(regional) % 2 == 0  # no flag cut in half


def test_a_summary_still_ends_at_a_word_where_there_are_words() -> None:
    summary = summarize("The harbour reopened today after a storm. " * 20)
    assert summary.endswith("…") and (summary.removesuffix("…") + " ") in ("The harbour reopened today after a storm. " * 20)


@given(st.lists(st.sampled_from(["word", "Wörter", "東京", "e\u0301", "👍🏽", "🇯🇵", "\u200d", ".", ",", " ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u3000"]), max_size=200).map("".join), st.integers(-5, 150))
def test_a_summary_of_the_start_of_a_text_is_one_of_the_whole_text(whole: str, limit: int) -> None:
    """summarize folds the whitespace of only as much of the text as it keeps, and cuts as it
    would cut the whole text folded."""
    from sitegen import text

    assert summarize(whole, limit) == text._cut(" ".join(whole.split()), limit)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["word", "Wörter", "“quoted”", "東京", "<p>", "</p>", " ", "  ", "\n", "\n\n", "\n\n\n", " \n", "\t", "\r", "\u00a0", "\u2028", "\u3000", "\x0b", "\x1f", "\u200b"]), max_size=40).map("".join))
def test_whitespace_is_folded_as_splitting_into_words_folds_it(written: str) -> None:
    """fold_whitespace, which splits a text only at paragraph breaks, against the plain way."""
    assert fold_whitespace(written) == " ".join(written.split())


_MARKUP_PIECES = st.sampled_from(["<", ">", "<p>", "</p>", "<br>", "<!--", "-->", "<script>", "</script>", "<SCRIPT ", "<style>", "<template/>", "&amp;", "&#x41;", "&", "…", "* * *", "a", "Z", "9", "_", " ", "\n", "\u00a0", "é", "—", "<i", "x>", "<!DOCTYPE>", "<![ ]>"])


@given(st.lists(_MARKUP_PIECES, max_size=30).map("".join))
def test_has_text_and_has_words_answer_as_the_full_reading_does(markup: str) -> None:
    """text._shown, the one-pattern reading, against _strip_tags, which reads any markup."""
    from sitegen import text

    visible = text._strip_tags(markup)
    assert has_text(markup) == bool(visible)
    assert text.has_words(markup) == any(char.isalnum() for char in visible)


@pytest.mark.parametrize(
    ("markup", "balanced"),
    [
        ('<p>Lead</p>\n<div class="note">\nNo end.', '<p>Lead</p>\n<div class="note">\nNo end.</div>'),
        ("<p>Some <b>bold.</p>\n<p>Next</p>", "<p>Some <b>bold.</b></p>\n<p>Next</p>"),
        ("<p>a</p></div></main><p>b</p>", "<p>a</p><p>b</p>"),
        ("<table><tr><td>cell\n\nAfter", "<table><tr><td>cell\n\nAfter</table>"),
        ('<iframe src="x">\n<div>After', '&lt;iframe src="x">\n<div>After</div>'),
        ("<script>let a = '</div>';", "&lt;script>let a = '';"),
        ("<p>The tag <script> runs code.</p>\n<p>More.</p>", "<p>The tag &lt;script> runs code.</p>\n<p>More.</p>"),
        ("<p>Use <style> and <STYLE>x</style> here.</p>", "<p>Use <style> and <STYLE>x</style> here.</p>"),
        ("<p>A <style> then <style>y</p>", "<p>A &lt;style> then &lt;style>y</p>"),
        ('<p>Watch <iframe src="v"/> it.</p><p>More.</p>', '<p>Watch <iframe src="v"/></iframe> it.</p><p>More.</p>'),
        ("<p><plaintext>a</plaintext></p><p>b</p>", "<p>&lt;plaintext>a</p><p>b</p>"),
        ("<p>Type <Password> and <name withheld>, then </password>.</p>", "<p>Type &lt;Password> and &lt;name withheld>, then &lt;/password>.</p>"),
        ("<div>\n<!-- a note\n</div>", "<div>\n<!-- a note\n</div> --></div>"),
        ('<div>\n<span class="a\n', '<div>\n&lt;span class="a\n</div>'),
        ("<b><i>x</b></i>", "<b><i>x</i></b>"),
    ],
)
def test_html_left_open_is_closed_and_end_tags_closing_nothing_are_left_out(markup: str, balanced: str) -> None:
    """An element whose content is hidden or run (an <iframe>, a <script>) that nothing closes
    has its tag shown as text: closed at the end, it took in every word after it ("the
    <script> tag" ran the rest of the article as script). A <plaintext> no end tag closes."""
    assert balance_html(markup)[0] == balanced


@pytest.mark.parametrize(
    "markup",
    [
        "<p>a</p>", "<ul><li>a<li>b</ul>", '<svg viewBox="0 0 1 1"><path d="M0 0"/></svg>', "<p>a<br>b</p>", "<p>x</p><!-- more --><p>y</p>", "",
        '<iframe src="v"></iframe><p>a</p>', "<script>if (a < b) { x('</p>') }</script>", '<iframe src="v" />\n<p>b</p></iframe>',
        "<p><o:p></o:p><my-card>x</my-card><font color=red>r</font><marquee>m</marquee></p>", '<svg><foo/><linearGradient id="g"></linearGradient></svg>',
    ],
)
def test_balanced_html_is_left_as_it_is(markup: str) -> None:
    assert balance_html(markup) == (markup, [])


def test_a_summary_leaves_out_figures_and_their_captions() -> None:
    body = new_markdown().convert('![A crane](crane.jpg "The port at 6 a.m. Photo: J. Doe")\n\nThe harbour *opened*.\n\n<figure><blockquote>We will rebuild.</blockquote><figcaption>Jane Doe</figcaption></figure>')
    assert html_to_text(body, notes=False) == "The harbour opened."
    assert html_to_text(body) == "The port at 6 a.m. Photo: J. Doe The harbour opened. We will rebuild. Jane Doe"


def test_a_summary_leaves_out_tables() -> None:
    body = new_markdown().convert("| Road | Status |\n| --- | --- |\n| A39 | Closed |\n\nThe coast road is *shut*.\n\n<table><caption>Wards</caption><tr><td>1</td></tr></table>")
    assert html_to_text(body, notes=False) == "The coast road is shut."
    assert html_to_text(body) == "Road Status A39 Closed The coast road is shut. Wards 1"  # the page's own text holds them


def test_a_summary_leaves_out_headings() -> None:
    body = new_markdown().convert("The harbour master resigned.\n\n## What happens next\n\nA successor will be named.\n\n<h3>Reaction</h3>")
    assert html_to_text(body, notes=False) == "The harbour master resigned. A successor will be named."
    assert html_to_text(body) == "The harbour master resigned. What happens next A successor will be named. Reaction"  # the page's own text holds them


def test_a_summary_leaves_out_code_blocks() -> None:
    body = new_markdown().convert('The embed code:\n\n```html\n<div class="x">\n<script>alert(1)</script>\n```\n\nPaste it `as is`.')
    assert html_to_text(body, notes=False) == "The embed code: Paste it as is."
    assert "<script>alert(1)</script>" in html_to_text(body)  # the page's own text still holds it


@pytest.mark.parametrize("notes", [True, False])
def test_cells_and_blocks_ended_without_a_space_are_words_apart(notes: bool) -> None:
    tweet = '<blockquote class="twitter-tweet"><p lang="en">Hello world</p>&mdash; Someone (@someone)</blockquote>'
    assert html_to_text(tweet, notes) == html_to_text("<![ ]>" + tweet, notes) == "Hello world — Someone (@someone)"
    table = "<table><tr><th>Party</th><th>Seats</th></tr><tr><td>one<td>two</td></tr></table>"
    assert html_to_text(table, notes, tables=True) == html_to_text("<![ ]>" + table, notes) == "Party Seats one two"  # (a summary leaves tables out)
    figure = "<figure><img src=a.jpg alt=x><figcaption>The harbour</figcaption></figure>at dawn"
    assert html_to_text(figure, notes, figures=True) == "The harbour at dawn"  # (a summary leaves figures out)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Council’s “flood” plan approved", "Council's \"flood\" plan approved"),  # curly and straight quotes
        ("North Korea's missile tests", "North Koreas missile tests"),  # a seed's headline, its apostrophes gone
        ("Storm – day two", "Storm - Day Two"),  # an en dash and a hyphen, spaced; case
        ("Storm—day two", "storm – day two"),  # an em dash, unspaced
        ("Rates rise.", "Rates  rise"),  # a trailing full stop; doubled spaces
        ("Is the strike over?", "Is the strike over"),
        ("Ｆｕｌｌ width", "Full width"),  # NFKC
    ],
)
def test_headlines_an_editor_means_as_one_have_one_key(one: str, other: str) -> None:
    assert headline_key(one) == headline_key(other)


@pytest.mark.parametrize(("one", "other"), [("Rates rise", "Rates rose"), ("Budget talks resume", "Budget talks resume: day two"), ("Re-count", "Recount")])
def test_headlines_that_differ_in_words_have_other_keys(one: str, other: str) -> None:
    assert headline_key(one) != headline_key(other)
