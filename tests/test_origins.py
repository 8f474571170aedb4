from __future__ import annotations

from sitegen.content import text_start
from sitegen.origins import written_links


def test_each_way_markdown_writes_a_link_is_found_at_its_line() -> None:
    text = "\n".join(
        [
            "---",
            "title: 'A [bracketed](title)'",  # 2: not the text, but counted, as editors count lines
            "---",
            "",
            'An [inline](/a/ "its title") link, an ![image](pic.png), and [angled](<b c/>).',  # 5
            r"Escaped: [x](/d\_e/), an entity: [y](/f/?a=1&amp;b=2), parentheses: [z](/g_(h)/).",  # 6
            '<a href="../i/">html</a> <A HREF=\'/j/\'>upper case</A> <img src=k.png srcset="l.png 1x, m.png 2x">',  # 7
            "An autolink <https://example.org/n/>, and [a reference][r].",  # 8
            "",
            "[r]: /o/",  # 10
            "  [long]:",  # 11
            "    <https://example.org/p/>",  # 12
        ]
    )
    assert list(written_links(text, text_start(text))) == [
        (5, "/a/"),
        (5, "pic.png"),
        (5, "b c/"),
        (6, "/d_e/"),
        (6, "/f/?a=1&b=2"),
        (6, "/g_(h)/"),
        (7, "../i/"),
        (7, "/j/"),
        (7, "k.png"),
        (7, "l.png"),
        (7, "m.png"),
        (8, "https://example.org/n/"),
        (10, "/o/"),
        (12, "https://example.org/p/"),
    ]


def test_text_with_no_link_has_none() -> None:
    assert list(written_links("No [link] here, nor (there).\n\n    code [x] (y)\n")) == []
