from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import no_hang
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from sitegen import urls

PAGE = "https://example.org/news/2024/05/story/"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<a href="../other/">x</a>', '<a href="https://example.org/news/2024/05/other/">x</a>'),
        ('<a href="/top/">x</a>', '<a href="https://example.org/top/">x</a>'),
        ('<a href="#note">x</a>', f'<a href="{PAGE}#note">x</a>'),
        ("<img src='pic.png'>", f'<img src="{PAGE}pic.png">'),
        ("<img src=/img/a.png alt=x>", '<img src="https://example.org/img/a.png" alt="x">'),
        ('<a HREF = "pic.png" title="a &amp; b">x</a>', f'<a href="{PAGE}pic.png" title="a &amp; b">x</a>'),
        ('<p>He said href="nowhere"</p>', '<p>He said href="nowhere"</p>'),
        ('<p><code>&lt;a href="x.html"&gt;</code></p>', '<p><code>&lt;a href="x.html"&gt;</code></p>'),
        ('<pre><code>&lt;img src=a.png&gt;\n</code></pre>', '<pre><code>&lt;img src=a.png&gt;\n</code></pre>'),
        ('<script>s = "<a href=x>"</script>', '<script>s = "<a href=x>"</script>'),
        ('<p>one\ntwo <a href="x">x</a>\n<img src="y" /></p>', f'<p>one\ntwo <a href="{PAGE}x">x</a>\n<img src="{PAGE}y" /></p>'),
        ('<a href="javascript:void(0)">x</a>', '<a href="javascript:void(0)">x</a>'),
        ('<video poster="p.jpg" src="v.mp4">', f'<video poster="{PAGE}p.jpg" src="{PAGE}v.mp4">'),
        ('<img srcset="a.png 1x, /b.png 2x">', f'<img srcset="{PAGE}a.png 1x, https://example.org/b.png 2x">'),
        ('<a href="https://other.example/">x</a>', '<a href="https://other.example/">x</a>'),
        ('<a href="mailto:a@b.c">x</a>', '<a href="mailto:a@b.c">x</a>'),
        ("<p>href=\"not/an/attribute\"</p>", "<p>href=\"not/an/attribute\"</p>"),
    ],
)
def test_absolutize_html(html: str, expected: str) -> None:
    assert urls.absolutize_html(html, PAGE) == expected


def test_links_before_markup_left_open_are_made_absolute_in_linear_time() -> None:
    """Feeds of sanitize_html = "off" take the body as written: 40,000 unclosed comments took
    the standard library's parser a quadratic time to end (text.read_html)."""
    body = '<a href="a/">A</a>' + "<!--x>" * 40_000 + '<img src="b.png">'
    with no_hang(10):
        assert urls.absolutize_html(body, PAGE) == body.replace('"a/"', f'"{PAGE}a/"')


def test_links_at_root_and_under_a_sub_path() -> None:
    root, sub = urls.Urls("https://example.org"), urls.Urls("https://example.org/news/")
    assert (root.url("tags/x/"), root.absolute("atom.xml")) == ("/tags/x/", "https://example.org/atom.xml")
    assert (sub.url(""), sub.url("tags/x/"), sub.absolute()) == ("/news/", "/news/tags/x/", "https://example.org/news/")



def test_an_absolute_url_encodes_its_path_and_keeps_a_query_or_fragment() -> None:
    sub = urls.Urls("https://example.org/news/")
    assert sub.absolute("static/logo.png?v=2") == "https://example.org/news/static/logo.png?v=2"
    assert sub.absolute("café/#équipe") == "https://example.org/news/caf%C3%A9/#équipe"
    assert sub.absolute("a b/?q=1#x") == "https://example.org/news/a%20b/?q=1#x"

def test_paths() -> None:
    date = dt.datetime(2024, 5, 7, tzinfo=dt.UTC)
    assert urls.article_path("{year}/{month}/{day}/{slug}/", "s", date) == "2024/05/07/s/"
    assert urls.output_file("2024/05/s/") == "2024/05/s/index.html"
    assert urls.output_file("") == "index.html" and urls.output_file("atom.xml") == "atom.xml"
    assert (urls.index_path("tags/x/", 1), urls.index_path("tags/x/", 3)) == ("tags/x/", "tags/x/page/3/")
    assert urls.unique_slug("a", {"a", "a-2"}) == "a-3"


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "a/../../x", "a\\b", "a\0b"])
def test_safe_join_refuses_to_leave_the_root(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        urls.safe_join(tmp_path, bad)
    assert urls.safe_join(tmp_path, "a/b.html") == (tmp_path / "a/b.html").resolve()


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("con", "con-article"),
        ("CON", "con-article"),
        ("Prn", "prn-article"),
        ("aux.", "aux-article"),
        ("NUL", "nul-article"),
        ("com0", "com0-article"),
        ("COM1", "com1-article"),
        ("com¹", "com1-article"),
        ("lpt0", "lpt0-article"),
        ("LPT9", "lpt9-article"),
    ],
)
def test_slugs_are_never_windows_device_names(name: str, slug: str) -> None:
    assert urls.slugify(name) == slug
    assert urls.is_valid_slug(slug)


@pytest.mark.parametrize("slug", ["con", "prn", "aux", "nul", "com0", "com7", "lpt3"])
def test_device_names_are_not_valid_slugs(slug: str) -> None:
    assert not urls.is_valid_slug(slug)


@pytest.mark.parametrize(("name", "device"), [("NUL.txt", True), ("con.tar.gz", True), ("Aux", True), ("com10", False), ("console", False), ("lpt", False), ("con-air", False)])
def test_device_names_also_with_an_extension(name: str, device: bool) -> None:
    assert urls.is_device_name(name) is device


@pytest.mark.parametrize(("text", "slug"), [("Con Air", "con-air"), ("com10", "com10"), ("Nul.txt", "nul-txt"), ("Aux", "aux-article")])
def test_slugify_keeps_names_that_only_start_like_a_device(text: str, slug: str) -> None:
    assert urls.slugify(text) == slug


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Tomorrow's big match preview", "tomorrows-big-match-preview"),
        ("Mayor’s plan: we’ll see, they're told", "mayors-plan-well-see-theyre-told"),
        ("DON'T PANIC", "dont-panic"),
        ("l'été à Paris", "l-ete-a-paris"),  # an elision is no English possessive: a word apart
        ("O'Brien wins", "o-brien-wins"),
        ("'Quoted' words", "quoted-words"),
    ],
)
def test_a_headline_slug_drops_the_apostrophes_of_english_possessives_and_contractions(title: str, slug: str) -> None:
    assert urls.headline_slug(title) == slug
    # Tags and authors keep the slugs their addresses were made with.
    assert urls.slugify("Women's football") == "women-s-football"


@pytest.mark.parametrize(
    ("title", "slug", "former"),
    [
        ("Council approves £2.3m flood defence", "council-approves-2-3m-flood-defence", "council-approves-ps2-3m-flood-defence"),
        ("€5m for the harbour", "5m-for-the-harbour", "eur5m-for-the-harbour"),
        ("US$5m deal, ¥300bn fund, ₹500 crore, 50¢ tax", "us-5m-deal-300bn-fund-500-crore-50-tax", "us-5m-deal-y-300bn-fund-500-crore-50c-tax"),
        (
            "<b>Breaking:</b> Harbour master resigns after <i>ferry</i> collision",
            "breaking-harbour-master-resigns-after-ferry-collision",
            "b-breaking-b-harbour-master-resigns-after-i-ferry-i-collision",
        ),
        ('<a href="https://example.org/">Mayor</a>\'s <!-- draft --> plan', "mayors-plan", "a-href-https-example-org-mayor-a-s-draft-plan"),
        # No tag: "<" and ">" as a sentence has them are no markup.
        ("Rates < 2% and > 1%", "rates-2-and-1", "rates-2-and-1"),
        ("Fish &amp; chips", "fish-chips", "fish-chips"),
    ],
)
def test_a_headline_slug_leaves_out_currency_signs_and_markup(title: str, slug: str, former: str) -> None:
    """python-slugify spelt £ as "ps" and € as "eur", and made pasted tags words of the slug
    (b-breaking-b-...): addresses for good. A number keeps its digits."""
    assert urls.headline_slug(title) == slug
    # Earlier versions' slugs are still known, for articles out at them (seeds._former_slug).
    assert former in urls.former_headline_slugs(title)


def test_links_for_disk_name_index_html_and_leave_what_is_not_the_sites() -> None:
    from sitegen.urls import links_for_disk

    html = (
        '<a href="../b/">b</a><a href="/news/2024/05/c/#x">c</a><a href="../../../">home</a><a href="./?q=1">here</a>'
        '<a href="../../../../../up/">up and out</a><a href="/elsewhere/">host</a><a href="https://x.org/y/">other</a>'
        '<a href="#top">top</a><img src="/news/static/a.png" srcset="/news/static/a.png 1x, ../pic/ 2x">'
    )
    assert links_for_disk(html, "2024/05/a/", "/news/") == (
        '<a href="../b/index.html">b</a><a href="../c/index.html#x">c</a><a href="../../../index.html">home</a><a href="index.html?q=1">here</a>'
        '<a href="../../../../../up/">up and out</a><a href="/elsewhere/">host</a><a href="https://x.org/y/">other</a>'
        '<a href="#top">top</a><img src="../../../static/a.png" srcset="../../../static/a.png 1x, ../pic/index.html 2x">'
    )


# ---- slugs = "unicode": slugs in the site's own script -----------------------------------


@pytest.mark.parametrize(
    ("title", "unicode", "ascii"),
    [
        ("الحكومة تعلن خطة جديدة للطاقة", "الحكومة-تعلن-خطة-جديدة-للطاقة", "lhkwm-t-ln-kht-jdyd-lltq"),
        ("Путин и Си: встреча в Москве", "путин-и-си-встреча-в-москве", "putin-i-si-vstrecha-v-moskve"),
        ("北京发布新规 2024", "北京发布新规-2024", "bei-jing-fa-bu-xin-gui-2024"),
        ("हिन्दी समाचार", "हिन्दी-समाचार", "hindii-smaacaar"),  # vowel signs (marks) stay in their word
        ("می\u200cخواهم بروم", "میخواهم-بروم", "mykhwhm-brwm"),  # the zero-width non-joiner parts no word
        ("ا\u0644\u0640\u0640حكومة", "الحكومة", "lhkwm"),  # tatweel only stretches the line
        ("Cafe\u0301 Crème’s £2.3m", "café-crèmes-2-3m", "cafe-cremes-2-3m"),  # NFC; possessive, currency
        ("ΣΟΦΙΑ Ελλάδα", "σοφια-ελλάδα", "sophia-ellada"),
        ("CON", "con-article", "con-article"),
        ("!!! 🎉", "article", "article"),
    ],
)
def test_a_unicode_slug_keeps_the_letters_marks_and_digits_of_every_script(title: str, unicode: str, ascii: str) -> None:
    assert urls.headline_slug(title, unicode=True) == unicode
    assert urls.headline_slug(title) == ascii  # the default is as it was
    assert urls.slug_problem(unicode, unicode=True) is None
    assert urls.site_path(urls.encoded_path(unicode + "/")) == unicode + "/"


def test_a_unicode_slug_fits_a_file_name_of_any_script() -> None:
    """80 Chinese characters take 240 bytes: a content file <slug>-2.md would not fit the
    255 bytes a file name may have."""
    for word in ("新闻", "خبر", "𠀀𠀁"):  # 3, 2 and 4 bytes a character
        slug = urls.slugify(" ".join([word] * 200), unicode=True)
        assert len(slug) <= urls.MAX_SLUG and len(slug.encode()) <= urls.MAX_SLUG_BYTES, slug
        assert not slug.endswith("-") and urls.slug_problem(slug + "-99", unicode=True) is None
    one_word = urls.slugify("ب" * 300, unicode=True)
    assert one_word == "ب" * urls.MAX_SLUG


@pytest.mark.parametrize(
    ("slug", "said"),
    [
        ("Путин", "did you mean 'путин'?"),
        ("الحكومة تعلن", "did you mean 'الحكومة-تعلن'?"),
        ("الحكومة--تعلن", "single hyphens"),
        ("-خبر", "single hyphens"),
        ("خبر/ثان", "did you mean 'خبر-ثان'?"),
        ("خبر،", "did you mean 'خبر'?"),  # the Arabic comma is punctuation
        ("cafe\u0301", "did you mean 'café'?"),  # not NFC
        ("\u0301a", "single hyphens"),  # a mark with no letter
        ("خ" * 101, "takes 202 bytes of UTF-8: a slug may take 200 at most"),
        ("nul", "Windows keeps the name for a device"),
    ],
)
def test_a_written_unicode_slug_is_checked_as_an_ascii_one_is(slug: str, said: str) -> None:
    problem = urls.slug_problem(slug, unicode=True)
    assert problem is not None and said in problem


def test_an_ascii_site_refuses_a_slug_in_another_script_and_says_the_one_it_makes() -> None:
    problem = urls.slug_problem("الحكومة-تعلن")
    assert problem is not None and "lower-case ASCII letters" in problem and "'lhkwm-t-ln'" in problem
    assert urls.slug_problem("الحكومة-تعلن", unicode=True) is None
    assert urls.tag_slug("سياسة") == "sys" and urls.tag_slug("سياسة", unicode=True) == "سياسة"
    assert urls.tag_slug("!!!", unicode=True).startswith("tag-")  # no letter: named by its digest


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("\u0627\u0640\u0653\u062e\u0631", "\u0622\u062e\u0631"),  # alef, tatweel, madda: the tatweel dropped, آخر
        ("x\u200d\u0307", "\u1e8b"),  # a zero-width joiner between a letter and its mark
        ("cafe\u00ad\u0301", "caf\u00e9"),  # a soft hyphen
    ],
)
def test_a_character_dropped_between_a_letter_and_its_mark_leaves_a_slug_in_nfc(title: str, slug: str) -> None:
    """The slug made is one its own check takes: in NFC, the letter and mark left side by
    side written as one, as a written slug must be."""
    assert urls.headline_slug(title, unicode=True) == slug
    assert urls.slug_problem(urls.headline_slug(title, unicode=True), unicode=True) is None
    assert urls.tag_slug(title, unicode=True) == slug


# Markup whose tags hold URL attributes (with and without values, any case, quoted or
# not), entities, comments and marked sections, among any text.
_ATTRIBUTE = st.tuples(
    st.sampled_from([" href", " SRC", " srcset", " poster", " Cite", " class", "href"]), st.sampled_from(["", "=a/", '="a/ 1x"', "='#x'", "=&#61;", " = b"])
).map("".join)
_TAG = st.tuples(st.sampled_from(["<a", "<IMG", "<video", "<"]), st.lists(_ATTRIBUTE, max_size=3).map("".join), st.sampled_from([">", "/>", ""])).map("".join)
_MARKUP = st.lists(
    _TAG | st.sampled_from(["=", '"', "'", " ", ">", "&#61;", "&amp;", "<!--", "-->", "<![", "]>", "</a>", "\n"]) | st.text(max_size=5), max_size=12
).map("".join)


@given(_MARKUP)
@hypothesis_settings(max_examples=500, deadline=None)
def test_html_without_an_equals_sign_is_made_absolute_as_any_html_is(html: str) -> None:
    for markup in (html, html.replace("=", "")):
        assert urls.absolutize_html(markup, PAGE) == urls._absolutized(markup, PAGE)


# Besides any character, the ones slugs drop or fold: format characters, tatweel, marks that
# compose and letters they compose with, and letters whose lower case is longer or differs
# with the language.
_SLUG_TRICKY = "ea\u0627\u200b\u200c\u200d\u200e\u200f\u00ad\u0640\u0301\u0307\u0653\u0654\u0345\u0130\u0131\u00df\u03a3\u01c5\ufb01 -"


@given(st.text(max_size=300) | st.text(alphabet=_SLUG_TRICKY, max_size=300))
@hypothesis_settings(max_examples=300, deadline=None)
def test_any_title_makes_a_slug_its_mode_takes_and_that_survives_an_address(title: str) -> None:
    for unicode in (False, True):
        slug = urls.headline_slug(title, unicode=unicode)
        assert urls.slug_problem(slug, unicode=unicode) is None, (title, slug)
        assert len(slug.encode("utf-8")) <= urls.MAX_SLUG_BYTES
        # As a browser sends it and as a server finds the folder: the same name.
        assert urls.site_path(urls.encoded_path(f"2024/05/{slug}/")) == f"2024/05/{slug}/"
        assert urls.site_path(f"/2024/05/{slug}/") == f"2024/05/{slug}/"


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("/%_-.~!$&'()*+,;=:@ ?#[]")))
def test_a_path_is_encoded_as_quote_encodes_it(path: str) -> None:
    """encoded_path leaves a path quote() would leave as it is without calling it: the same
    string either way."""
    from urllib.parse import quote

    from sitegen.urls import _PATH_ENCODE_SAFE

    assert urls.encoded_path(path) == quote(path, safe=_PATH_ENCODE_SAFE)


@hypothesis_settings(max_examples=500, deadline=None)
@given(st.from_regex(urls.PLAIN_PATH_RE, fullmatch=True))
def test_a_plain_path_is_its_own_site_path(path: str) -> None:
    """What the pattern takes, site_path returns as it is: the shortcut for former addresses
    (redirects._site_path) gives what checking them would."""
    assert urls.site_path(path) == path
