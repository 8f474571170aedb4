from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MakeSite, article_md, no_hang
from lxml import etree
from lxml import html as lxml_html

from sitegen import urls
from sitegen.build import build
from sitegen.cli import main
from sitegen.config import FEED_MIN_BYTES, NOT_SETTINGS, AuthorInfo, Config, find_author, load_config, parse_config
from sitegen.errors import ConfigError

P = Path("sitegen.toml")


def test_no_config_file_means_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path) == Config()


def test_values_are_read_and_normalised() -> None:
    config = parse_config('title = "T"\nbase_url = "https://example.org/news"\npage_size = 5\ntimezone = "Europe/Paris"\n[import]\ndrop = ["^Ad:.*$"]\n', P)
    assert config.base_url == "https://example.org/news/"
    assert config.page_size == 5 and config.title == "T"
    assert config.import_rules.drop == ("^Ad:.*$",)
    assert config.import_rules.read_more == Config().import_rules.read_more


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('title = "x"\ntitel = "typo"\n', "sitegen.toml:2: titel: unknown key"),
        ("page_size = 0\n", "sitegen.toml:1: page_size: must be at least 1"),
        ('title = "x"\nmax_file_bytes = 0\n', "sitegen.toml:2: max_file_bytes: must be at least 1, not 0"),
        ('max_file_bytes = "2MB"\n', "sitegen.toml:1: max_file_bytes: must be a whole number"),
        ('page_size = "ten"\n', "page_size: must be a whole number"),
        ("feed_size = true\n", "feed_size: must be a whole number, not true"),  # as TOML spells it, not Python
        ("title = 3\n", "title: must be a string"),
        ('base_url = "example.org"\n', "base_url: must be an absolute http(s) URL"),
        ('timezone = "Mars/Olympus"\n', "timezone: unknown timezone"),
        ('permalink = "{year}/"\n', "permalink: must contain {slug}"),
        ('permalink = "{slug}/{author}/"\n', "permalink: unknown field {author}"),
        ('permalink = "../{slug}/"\n', "permalink: must be a relative path"),
        ('permalink = "{slug:>9999999999}/"\n', "permalink: fields are written plain, as {year} {month} {day} {slug}: no format or conversion"),
        ('permalink = "{slug!r}/"\n', "permalink: fields are written plain"),
        ('permalink = "{slug}?x=1/"\n', "permalink: must be a plain path: no ?, #, % or control character"),
        ('permalink = "{slug}#x/"\n', "permalink: must be a plain path"),
        ('permalink = "{slug}/\\u0007/"\n', "permalink: must be a plain path"),
        ("feed_window = 100000000\n", "sitegen.toml:1: feed_window: must be at most 36,500, not 100,000,000"),
        ("max_file_bytes = 99999999999999999999\n", "max_file_bytes: must be at most 1,099,511,627,776"),
        ("page_size = 100000000\n", "page_size: must be at most 10,000"),
        ("search_part_size = 0\n", "sitegen.toml:1: search_part_size: must be at least 1, not 0"),
        ("search_part_size = 2000000\n", "search_part_size: must be at most 1,000,000, not 2,000,000"),
        ("search_part_size = 1.5\n", "search_part_size: must be a whole number, not 1.5"),
        ('[import]\nread_more = "("\n', "import.read_more: bad regular expression"),
        ('[import]\nsource = "^Source: .*$"\n', "needs a named group"),
        ('[import]\nfoo = "x"\n', "import.foo: unknown key"),
        ("title = \n", "not valid TOML"),
        ("[authors]\nname = 'x'\n", "authors: must be tables, one per author"),
        ('title = "x"\nsections = "World"\n', 'sitegen.toml:2: sections: must be a list of names, such as ["World", "Business"], not "World"'),
        ("sections = [1, 2]\n", "sections: must be a list of names"),
        ('sections = ["World", " "]\n', "sitegen.toml:1: sections: a section's name must not be empty"),
        ('sections = ["World", "world"]\n', "sections: 'World' and 'world' are one tag (tags/world/): name it once"),
        ("sections = [" + ", ".join(f'"s{i}"' for i in range(21)) + "]\n", "sections: at most 20 sections, not 21"),
        ("[authors.Jane]\nname = 'x'\n", "sitegen.toml:1: authors.Jane: 'Jane' is not a slug"),
        ("[authors.aux]\nname = 'x'\n", "sitegen.toml:1: authors.aux: 'aux' cannot be a slug: Windows keeps the name for a device"),
        ("[authors.jane]\nnmae = 'x'\n", "sitegen.toml:2: authors.jane.nmae: unknown key (did you mean 'name'?); known: name, bio, url, kind, aliases"),
        ("title = 'x'\n[authors.jane]\nname = 'J'\ntitle = 'x'\n", "sitegen.toml:4: authors.jane.title: unknown key"),
        ("[authors.jane]\nurl = 'mailto:j@example.org'\n", "authors.jane.url: must be an absolute http(s) URL"),
        ("[authors.jane]\nbio = 3\n", "authors.jane.bio: must be a string"),
        ("[authors.a]\nname = 'Jo'\n[authors.b]\nname = 'jo'\n", "sitegen.toml:4: authors.b.name: 'jo' is also the name of [authors.a]: bylines would be ambiguous"),
        ("[authorz.jane]\nname = 'x'\n", "unknown table (did you mean [authors.<slug>]?)"),
        ("[tags]\nname = 'x'\n", "tags: must be tables, one per tag: [tags.qatar] then name = \"Qatar\""),
        ("[tags.Qatar]\nname = 'Qatar'\n", "sitegen.toml:1: tags.Qatar: 'Qatar' is not a slug"),
        ("[tags.qatar]\nnmae = 'Qatar'\n", "sitegen.toml:2: tags.qatar.nmae: unknown key (did you mean 'name'?); known: name, aliases"),
        ("[tags.qatar]\nname = 3\n", "sitegen.toml:2: tags.qatar.name: must be a string, not 3"),
        ("[tags.qatar]\n", "sitegen.toml:1: tags.qatar.name: must be given: the tag as articles write it, whose pages are at tags/qatar/"),
        ("[tags.a]\nname = 'Économie'\n[tags.b]\nname = 'economie'\n", "sitegen.toml:4: tags.b.name: 'economie' is also the name of [tags.a]: a tag has one address"),
        ("[tag.qatar]\nname = 'x'\n", "unknown table (did you mean [tags.<slug>]?)"),
        ("sections = ['Qatar', 'Katar']\n[tags.qatar]\nname = 'Katar'\n", "sections: 'Qatar' and 'Katar' are one tag (tags/qatar/): name it once"),
        ("logo = '../logo.png'\n", "logo: must be a path in the output folder"),
        ("logo = 'javascript:alert(1)'\n", "logo: must be a path in the output folder"),
    ],
)
def test_bad_config_names_the_key(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text, P)
    assert expected in str(info.value)


def test_readme_example_is_valid_and_shows_the_defaults() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("## sitegen.toml", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    config = parse_config(block, P)
    assert [a.slug for a in config.authors] == ["jane-doe"] and config.max_image_bytes == Config().max_image_bytes
    # Every setting is shown there.
    for f in dataclasses.fields(Config):
        name = {"import_rules": "[import]", "authors": "[authors.", "tags": "[tags."}.get(f.name, f"\n{f.name} = ")
        assert f.name in NOT_SETTINGS or name in "\n" + block, f.name
    assert config.base_url == "https://example.org/news/"
    assert config.import_rules == Config().import_rules
    assert (config.page_size, config.feed_size, config.permalink) == (Config().page_size, Config().feed_size, Config().permalink)
    assert config.max_file_bytes == Config().max_file_bytes == 2_000_000


def test_readme_settings_are_the_defaults_or_marked_as_examples_with_their_default() -> None:
    """The block said "The defaults are shown" over a title, base_url, author... of an example."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("## sitegen.toml", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    defaults = Config()
    top = block.split("\n[", 1)[0]  # the tables' keys are not settings of Config
    for line in top.splitlines():
        key, rest = line.split(" = ", 1)
        value = tomllib.loads(f"{key} = {rest.split('  #', 1)[0]}")[key]
        value = tuple(value) if isinstance(value, list) else value  # a list setting is kept as a tuple
        comment = rest.split("  #", 1)[1].strip()
        if value == getattr(defaults, key):
            assert not comment.startswith("example"), key
            continue
        match = re.match(r'example; default ("[^"]*"|\S+?)\.', comment)
        assert match, f"{key}: shows {value!r}, not the default, and does not say so"
        assert tomllib.loads(f"v = {match[1]}")["v"] == getattr(defaults, key), key


def test_import_date_and_tags_rules() -> None:
    assert Config().import_rules.date == "" and Config().import_rules.tags == ""
    config = parse_config("[import]\ndate = '^Date: (?P<text>.+)$'\ntags = ''\n", P)
    assert config.import_rules.date == "^Date: (?P<text>.+)$" and config.import_rules.tags == ""
    with pytest.raises(ConfigError, match=r"import\.tags: pattern .* needs a named group"):
        parse_config("[import]\ntags = '^Tags: (.+)$'\n", P)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ("https://Bücher.Example:8080/nachrichten/", "https://xn--bcher-kva.example:8080/nachrichten/"),
        ("https://example.org/näher/", "https://example.org/n%C3%A4her/"),
        ("https://example.org/a%20b/", "https://example.org/a%20b/"),
    ],
)
def test_base_url_is_written_as_an_ascii_uri(value: str, expected: str) -> None:
    """Sitemaps (and some feed readers) take URIs only: the host in its IDNA form, the path percent-encoded."""
    assert parse_config(f'title = "T"\nbase_url = "{value}"\n', P).base_url == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("HTTPS://News.Example.ORG:443/", "https://news.example.org/"),
        ("http://Example.org:80/news", "http://example.org/news/"),
        ("https://example.org:8443/", "https://example.org:8443/"),
        ("http://[FE80::1]:80/", "http://[fe80::1]/"),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000/"),
    ],
)
def test_base_url_is_written_as_browsers_write_it(value: str, expected: str) -> None:
    """The host in lower case, no port that is the scheme's own: written as given, the same
    site was another host to the ledger (its articles' addresses, hence their redirects)
    and in every feed."""
    assert parse_config(f'title = "T"\nbase_url = "{value}"\n', P).base_url == expected


def test_a_sitemap_of_an_internationalised_host_is_ascii(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A")}, config='base_url = "https://bücher.example/"\n')
    assert build(site).ok
    sitemap = (site / "output" / "sitemap.xml").read_bytes()
    assert sitemap.isascii() and b"<loc>https://xn--bcher-kva.example/2024/05/a/</loc>" in sitemap
    assert "bücher" not in (site / "output" / "atom.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.org//evil.example/", "https://example.org/evil.example/"),
        ("https://example.org//", "https://example.org/"),
        ("https://example.org/news//2024///", "https://example.org/news/2024/"),
        ("https://example.org", "https://example.org/"),
        ("http://localhost:8000/news", "http://localhost:8000/news/"),
    ],
)
def test_base_url_path_has_no_empty_segments(value: str, expected: str) -> None:
    config = parse_config(f'title = "T"\nbase_url = "{value}"\n', P)
    assert config.base_url == expected
    # No root-relative link may start with //, which would point at another host.
    assert not urls.Urls(config.base_url).url("x/").startswith("//")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("https://user@example.org/", "must not contain a user name or password"),
        ("https://user:secret@example.org/", "must not contain a user name or password"),
        ("https://evil.example\\\\@example.org/", "must not contain a backslash"),
        ("https://example.org/\\\\evil.example/", "must not contain a backslash"),
        ("https://example.org/news /", "must not contain whitespace or control characters (U+0020)"),
        ("https://example.org/\\t", "(U+0009)"),
        ("https://example.org/\\n", "(U+000A)"),
        (" https://example.org/", "(U+0020)"),
        ("https://example.org/\\u0000", "(U+0000)"),
        ("https://example.org/\\u007f", "(U+007F)"),
        ("https://exam\\u200bple.org/", "(U+200B)"),
        ("https://example.org:http/", "has a bad port"),
        ("https://:80/", "has no host name"),
        ("https://example.org/a/../b/", "must not contain . or .. in its path"),
    ],
)
def test_base_url_refuses_userinfo_backslashes_whitespace_and_controls(value: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(f'title = "T"\nlanguage = "en"\nbase_url = "{value}"\n', P)
    assert str(info.value).startswith("sitegen.toml:3: base_url: ")
    assert message in str(info.value)


@pytest.mark.parametrize(("value", "char"), [("\\u0001", "U+0001"), ("\\ufeff", "U+FEFF"), ("a b", "U+0020"), ("\\t", "U+0009")])
def test_a_websub_hub_with_whitespace_or_a_control_character_is_an_error_naming_the_line(
    make_site: MakeSite, runner: CliRunner, value: str, char: str
) -> None:
    """The hub's address is written into every feed: a control character in it stopped the
    build with a traceback (lxml refuses it), and a space or tab made an address no
    subscriber can reach (urlsplit quietly drops them)."""
    site = make_site(content={"a.md": article_md("A")}, config=f'title = "x"\nbase_url = "https://example.org/"\nwebsub_hub = "https://hub.example/{value}"\n')
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert f"sitegen.toml:3: websub_hub: must not contain whitespace or control characters ({char})" in result.output
    assert "Traceback" not in result.output and not (site / "output" / "atom.xml").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ZoneInfo raises IsADirectoryError for a folder of the zone database.
        ('title = "x"\ntimezone = "Europe"\n', "sitegen.toml:2: timezone: unknown timezone 'Europe'"),
        ('timezone = "Etc"\n', "sitegen.toml:1: timezone: unknown timezone 'Etc'"),
        # urlsplit raises ValueError for a bracket that opens no IPv6 address.
        ('title = "x"\nbase_url = "https://example[.org/news/"\n', "sitegen.toml:2: base_url: is not a valid URL (Invalid IPv6 URL)"),
        ('base_url = "https://[example.org/"\n', "sitegen.toml:1: base_url: is not a valid URL"),
        ('\n\nwebsub_hub = "https://hub[.example/"\n', "sitegen.toml:3: websub_hub: is not a valid URL (Invalid IPv6 URL)"),
        # tomllib raises RecursionError on deep nesting, ValueError on a huge integer.
        ('title = "x"\na = ' + "[" * 2000 + "]" * 2000 + "\n", "sitegen.toml:2: not valid TOML: arrays or tables nested too deeply"),
        ('title = "[[[["  # [[[[\nb = [[1]]\n\nc = ' + "{d = " * 2000 + "1" + "}" * 2000 + "\n", "sitegen.toml:4: not valid TOML: arrays or tables nested too deeply"),
        ('title = "x"\npage_size = ' + "1" * 5000 + "\n", "sitegen.toml:2: not valid TOML: Exceeds the limit (4300 digits)"),
    ],
)
def test_values_python_refuses_are_config_errors_naming_the_line(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text, P)
    assert str(info.value).startswith(expected), str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('title = "A"\npage_size = 3\ntitle = "B"\n', "sitegen.toml:3: not valid TOML: title is set twice (first on line 1): keep one"),
        ('[authors.jane]\nname = "J"\nbio = """\nname = "x"\n"""\nname = [\n  "K"]\n', "sitegen.toml:6: not valid TOML: authors.jane.name is set twice (first on line 2): keep one"),
        ("[import]\ndate = ''\n\n[import]\ntags = ''\n", "sitegen.toml:4: not valid TOML: [import] is declared twice (first on line 1): keep one header"),
        ('title = "x"\ntitle.y = 2\n', "sitegen.toml:2: not valid TOML: Cannot overwrite a value (column 12)"),  # not twice: tomllib's words
        ('title = "x"\ndescription = "no end', "sitegen.toml:2: not valid TOML: Unterminated string"),  # at the end of the document
    ],
)
def test_a_toml_error_names_its_line_and_a_key_set_twice(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text, P)
    assert str(info.value).startswith(expected), str(info.value)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'title = "Les Nouvelles"\ndescription = "Caf\xe9"\n', "sitegen.toml:2: is not valid UTF-8 (byte 0xe9 at offset 42): save it as UTF-8"),
        (b'\xef\xbb\xbftitle = "Caf\xe9"\n', "sitegen.toml:1: is not valid UTF-8 (byte 0xe9 at offset 15): save it as UTF-8"),
        ('title = "Café"\n'.encode("utf-16"), "sitegen.toml:1: is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8"),
    ],
)
def test_a_config_that_is_not_utf8_names_the_line_and_says_to_save_it_as_utf8(tmp_path: Path, data: bytes, expected: str) -> None:
    """As a seed that is not UTF-8 does (one wording for both)."""
    (tmp_path / "sitegen.toml").write_bytes(data)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert str(info.value) == f"{tmp_path / expected}"


def test_a_config_that_is_not_a_regular_file_is_refused_without_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "sitegen.toml")
    with no_hang(), pytest.raises(ConfigError, match=r"sitegen\.toml: is not a regular file"):
        load_config(tmp_path)


def test_an_unknown_table_or_key_is_named_with_its_line_and_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "sitegen.toml"
    with pytest.raises(ConfigError) as table:
        parse_config('title = "x"\n\n[imports]\nread_more = "x"\n', path)
    assert table.value.line == 3 and "unknown table (did you mean [import]?)" in table.value.reason
    with pytest.raises(ConfigError) as key:
        parse_config('titel = "x"\n', path)
    assert key.value.line == 1 and "unknown key (did you mean 'title'?)" in key.value.reason


@pytest.mark.parametrize("key", ["title", "language", "timezone", "base_url", "permalink"])
def test_empty_strings_are_refused_where_they_make_no_sense(tmp_path: Path, key: str) -> None:
    with pytest.raises(ConfigError, match=f"{key}: must not be empty"):
        parse_config(f'page_size = 3\n{key} = ""\n', tmp_path / "sitegen.toml")


def test_authors_are_described_by_their_tables_and_found_by_slug_or_name() -> None:
    config = parse_config(
        '[authors.jane-doe]\nname = "Jane  Doe"\nbio = " Covers city hall. "\nurl = "https://jane.example/"\n[authors.sam]\n', P
    )
    jane = AuthorInfo(slug="jane-doe", name="Jane Doe", bio="Covers city hall.", url="https://jane.example/")
    assert config.authors == (jane, AuthorInfo(slug="sam", name="sam"))
    assert find_author(config, "jane-doe") == jane
    assert find_author(config, " JANE\tdoe ") == jane
    # Not described: known by the name as written, its page named after it.
    assert find_author(config, "Ana  Lima") == AuthorInfo(slug="ana-lima", name="Ana Lima")
    # A name with nothing a slug keeps still gets a page of its own, the same each time.
    odd = find_author(Config(), "???")
    assert odd.slug.startswith("author-") and odd == find_author(Config(), "???") != find_author(Config(), "!!!")
    assert parse_config('logo = "/static/logo.png"\n', P).logo == "static/logo.png"
    assert parse_config('logo = "https://cdn.example/logo.png"\n', P).logo == "https://cdn.example/logo.png"


def test_a_local_logo_the_site_lacks_is_a_warning_naming_its_line(make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(content={"a.md": article_md("A")}, config='title = "News"\nlogo = "static/logo.png"\n')
    expected = "sitegen.toml:2: logo: 'static/logo.png' is not a file of the site: add templates/static/logo.png, or give an http(s) URL"
    report = build(site)
    # Only search engines' data lacks an image: the site is whole, and the build succeeds.
    assert report.ok and report.articles == 1 and (site / "output" / "2024" / "05" / "a" / "index.html").is_file()
    assert report.warnings == [f"{site / expected}"]
    monkeypatch.chdir(site)
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 0 and f"warning: {expected}" in result.output
    # Once the theme has the file, or with a URL (never looked for), nothing is said.
    (site / "templates" / "static").mkdir(parents=True)
    (site / "templates" / "static" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert build(site).warnings == []
    (site / "sitegen.toml").write_text('logo = "/static/logo.png?v=2"\n')  # a query is no part of its name
    assert build(site).warnings == []
    (site / "sitegen.toml").write_text('logo = "https://cdn.example/logo.png"\n')
    (site / "templates" / "static" / "logo.png").unlink()
    assert build(site).warnings == []


def test_a_byte_order_mark_is_read_past(make_site: MakeSite) -> None:
    """Windows editors save UTF-8 with one; content files and seeds are read with it too."""
    site = make_site(content={"a.md": article_md("A")})
    (site / "sitegen.toml").write_bytes(b'\xef\xbb\xbftitle = "Les Nouvelles"\nlanguage = "fr"\n')
    report = build(site)
    assert report.ok, report.errors
    page = lxml_html.fromstring((site / "output" / "index.html").read_bytes())
    assert page.get("lang") == "fr" and "Les Nouvelles" in page.findtext("head/title")
    # Lines are counted as before: the mark is no part of the first key.
    (site / "sitegen.toml").write_bytes(b"\xef\xbb\xbfpage_size = 0\n")
    with pytest.raises(ConfigError) as info:
        load_config(site)
    assert (info.value.line, info.value.reason) == (1, "page_size: must be at least 1, not 0")


@pytest.mark.parametrize("tag", ["en", "en-GB", "EN-gb", "pt-BR", "es-419", "zh-Hant-TW", "zh-yue-HK", "sr-Latn", "de-CH-1996", "sl-rozaj-biske", "en-US-x-twain", "x-house"])
def test_language_may_be_any_well_formed_bcp47_tag(tag: str) -> None:
    assert parse_config(f'language = "{tag}"\n', P).language == tag


@pytest.mark.parametrize(
    ("tag", "hint"),
    [
        ("en_GB", "did you mean 'en-GB'?"),
        ("en GB", "did you mean 'en-GB'?"),
        ("en_GB.UTF-8", "did you mean 'en-GB'?"),
        (" fr", "did you mean 'fr'?"),
        ("english", "write the language's two- or three-letter code"),
        ("e", "write the language's two- or three-letter code"),
        ("en-", "write the language's two- or three-letter code"),
        ("en--GB", "write the language's two- or three-letter code"),
    ],
)
def test_a_language_that_is_no_bcp47_tag_is_an_error_naming_its_line_with_a_hint(tag: str, hint: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(f'title = "News"\n\nlanguage = "{tag}"\n', P)
    assert info.value.line == 3 and info.value.reason.startswith(f"language: {tag!r} is not a BCP 47 language tag: {hint}")


def test_a_site_with_a_bad_language_is_not_built(make_site: MakeSite, runner: CliRunner) -> None:
    site = make_site(content={"a.md": article_md("A")}, config='title = "News"\nlanguage = "en_GB"\n')
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1
    assert f"{site / 'sitegen.toml'}:2: language: 'en_GB' is not a BCP 47 language tag: did you mean 'en-GB'?" in result.output
    assert not (site / "output" / "index.html").exists()


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        # A typo in a table's key gets the hint a top-level key gets.
        ('title = "x"\n[import]\nreadmore = "^More: (?P<text>.+)$"\n', 3, "import.readmore: unknown key (did you mean 'read_more'?); known: date, drop, read_more, related, source, tags"),
        # TOML makes every key below a table header that table's.
        (
            'title = "x"\n\n[import]\ndrop = []\npage_size = 5\n',
            5,
            "import.page_size: unknown key: page_size is a top-level setting, and top-level settings must come before the first [table] line: move it above line 3",
        ),
        (
            "[authors.jane]\nname = 'Jane'\ntitle = 'x'\n[import]\n",
            3,
            "authors.jane.title: unknown key: title is a top-level setting, and top-level settings must come before the first [table] line: move it above line 1",
        ),
        (
            "# News\n[import]\npagesize = 5\n",
            3,
            "import.pagesize: unknown key (did you mean 'page_size', a top-level setting? Top-level settings must come before the first [table] line: move it above line 2)",
        ),
    ],
)
def test_an_unknown_key_in_a_table_is_named_with_its_line_and_a_hint(text: str, line: int, reason: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text, P)
    assert (info.value.line, info.value.reason) == (line, reason)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ('title = "x"\n\n[authors."Jane Doe"]\nname = "Jane Doe"\n', 3, "authors.Jane Doe: 'Jane Doe' is not a slug: use lower-case ASCII letters, digits and single hyphens (did you mean 'jane-doe'?)"),
        ("[authors.jane]\n[ authors . 'sam' ]  # the desk\nbio = 'x'\nurl = 'ftp://x'\n", 4, "authors.sam.url: must be an absolute http(s) URL such as 'https://example.org/', not 'ftp://x'"),
        ('[authors."sam"]\nnmae = "Sam"\n', 2, "authors.sam.nmae: unknown key (did you mean 'name'?); known: name, bio, url, kind, aliases"),
        ('[authors.wire]\nname = "Wire"\nkind = "agency"\n', 3, "authors.wire.kind: must be \"person\" or \"organization\", not 'agency'"),
        # A name two authors share is placed on the later one's name, not on line 1.
        ("[authors.a]\nname = 'Jo'\n\n[authors.b]\nbio = 'x'\nname = 'jo'\n", 6, "authors.b.name: 'jo' is also the name of [authors.a]: bylines would be ambiguous"),
        ("[authors.b]\nbio = 'x'\nname = 'Jo '\n[authors.jo]\n", 3, "authors.b.name: 'Jo' is also the slug of [authors.jo]: bylines would be ambiguous"),
    ],
)
def test_author_errors_are_placed_on_their_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text, P)
    assert (info.value.line, info.value.reason) == (line, reason)


def test_a_misplaced_setting_is_reported_by_the_build(make_site: MakeSite, runner: CliRunner) -> None:
    site = make_site(content={"a.md": article_md("A")}, config='title = "News"\n[import]\ndrop = []\npage_size = 5\n')
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1
    assert f"{site / 'sitegen.toml'}:4: import.page_size: unknown key: page_size is a top-level setting" in result.output


@pytest.mark.parametrize("value", [0, 10, 999])
def test_a_feed_budget_no_feed_could_keep_to_is_an_error(value: int) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(f'title = "x"\nfeed_max_bytes = {value}\n', P)
    assert info.value.line == 2
    assert info.value.reason == f"feed_max_bytes: must be at least 1,000 bytes, not {value:,}: no feed, even of one short entry, fits in less"
    assert parse_config(f"feed_max_bytes = {FEED_MIN_BYTES}\n", P).feed_max_bytes == FEED_MIN_BYTES


def test_the_least_feed_budget_is_about_the_smallest_feed(make_site: MakeSite) -> None:
    """The floor is what a feed of one short entry takes: not much less, or a budget that no
    feed can keep to would be let through."""
    site = make_site(content={"a.md": article_md("A", body="B.")}, config=f'title = "T"\nbase_url = "http://a/"\nfeed_max_bytes = {FEED_MIN_BYTES}\n')
    assert build(site).ok
    sizes = {name: len((site / "output" / name).read_bytes()) for name in ("atom.xml", "rss.xml", "feed.json")}
    assert 0.9 * FEED_MIN_BYTES < max(sizes.values()) <= FEED_MIN_BYTES, sizes
    assert len(etree.parse(str(site / "output" / "rss.xml")).xpath("//item")) == 1


def test_slugs_in_the_sites_own_script_are_a_setting_and_its_tables_may_use_them() -> None:
    assert Config().slugs == "ascii"
    text = 'language = "ar"\nslugs = "unicode"\nauthor = "سارة أحمد"\nsections = ["سياسة"]\n[tags."سياسة"]\nname = "سياسة"\n[tags.sys]\nname = "Systems"\n'
    config = parse_config(text, P)
    assert config.slugs == "unicode" and [t.slug for t in config.tags] == ["sys", "سياسة"]
    assert find_author(config, "سارة أحمد").slug == "سارة-أحمد"
    assert find_author(dataclasses.replace(config, slugs="ascii"), "سارة أحمد").slug == "sr-hmd"
    # The same tables on an ASCII site: the table's name is no slug there.
    with pytest.raises(ConfigError) as caught:
        parse_config(text.replace('slugs = "unicode"\n', ""), P)
    assert str(caught.value).startswith("sitegen.toml:4: tags.سياسة: 'سياسة' is not a slug: use lower-case ASCII letters")
    with pytest.raises(ConfigError) as caught:
        parse_config('title = "T"\nslugs = "arabic"\n', P)
    assert str(caught.value) == 'sitegen.toml:2: slugs: must be "ascii" or "unicode", not "arabic"'
    with pytest.raises(ConfigError) as caught:
        parse_config("slugs = true\n", P)
    assert str(caught.value) == 'sitegen.toml:1: slugs: must be "ascii" or "unicode", not true'


def test_a_tag_or_byline_table_reads_the_old_site_s_listing_folders_as_its_aliases() -> None:
    """A Hugo site's categories, merged into tags by ``convert --keys``, were listed at
    /categories/<name>/: a table says where, from the base URL or the host's root."""
    text = (
        'base_url = "https://example.org/news/"\n'
        '[tags.news]\nname = "News"\naliases = ["/news/categories/news/", "categories/latest", "categories/news/"]\n'
        '[authors.jane]\nname = "Jane"\naliases = ["/news/writers/jane/"]\n'
    )
    config = parse_config(text, P)
    assert config.tags[0].aliases == ("categories/news/", "categories/latest/")
    assert config.authors[0].aliases == ("writers/jane/",)
    assert parse_config('[tags.news]\nname = "News"\n', P).tags[0].aliases == ()


@pytest.mark.parametrize(
    ("aliases", "said"),
    [
        ('"/categories/news/"', 'must be a list of the old site\'s addresses of the listing, such as ["/categories/news/"], not "/categories/news/"'),
        ('["../categories/news/"]', "'../categories/news/' is not a path of this site: write one such as '/categories/news/'"),
        ('["https://old.example/categories/news/"]', "'https://old.example/categories/news/' is not a path of this site"),
        ('["/categories/news/"]', "'/categories/news/' is outside /news/, where the site is: write the path from there, without the leading slash"),
        ('["categories/news.html"]', "'categories/news.html' is a file's address: write the old listing's folder"),
        ('["tags/news/"]', "'tags/news/' is in the folder of [tags.news], which is live: no old address of it"),
        ('["tags/sport/page/2/"]', "'tags/sport/page/2/' is in the folder of [tags.sport], which is live"),
        ('["authors/jane/"]', "'authors/jane/' is in the folder of [authors.jane], which is live"),
        ('["_redirects/"]', "'_redirects/' is '_redirects', a file the build writes for the host: no redirect may take it"),
    ],
)
def test_a_table_s_alias_that_is_no_old_listing_folder_is_an_error_naming_the_table(aliases: str, said: str) -> None:
    text = f'base_url = "https://example.org/news/"\n[authors.jane]\nname = "Jane"\n[tags.sport]\nname = "Sport"\n[tags.news]\nname = "News"\naliases = {aliases}\n'
    with pytest.raises(ConfigError) as caught:
        parse_config(text, P)
    assert str(caught.value).startswith(f"sitegen.toml:8: tags.news.aliases: {said}"), str(caught.value)


def test_two_tables_with_one_alias_is_an_error_naming_the_second() -> None:
    text = '[tags.news]\nname = "News"\naliases = ["categories/news/"]\n[authors.desk]\nname = "Desk"\naliases = ["/categories/news"]\n'
    with pytest.raises(ConfigError) as caught:
        parse_config(text, P)
    assert str(caught.value) == "sitegen.toml:6: authors.desk.aliases: '/categories/news' is also an alias of [tags.news]: an old address is sent to one place"


def test_feed_aliases_takes_paths_of_the_old_site_s_feeds_beside_names() -> None:
    config = parse_config('base_url = "https://example.org/news/"\nfeed_aliases = ["index.xml", "posts/index.xml", "/news/world/feed.xml", "posts/index.xml"]\n', P)
    assert config.feed_aliases == ("index.xml", "posts/index.xml", "world/feed.xml")


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ('["../posts/index.xml"]', "'../posts/index.xml' is not a path of this site: write one such as 'posts/index.xml'"),
        ('["https://example.org/posts/index.xml"]', "'https://example.org/posts/index.xml' is not a path of this site"),
        ('["/posts/index.xml"]', "'/posts/index.xml' is outside /news/, where the site is: write the path from there"),
        ('["posts/index.html"]', "'posts/index.html' is no feed's name: it must end in .xml, .rss, .atom or .json"),
        ('["posts/"]', "'posts/' must be a file name, such as \"index.xml\" (it is redirected in every folder that has feeds), or the path of one"),
        ('["posts/.index.xml"]', "'posts/.index.xml' is a hidden name (starting with '.'), kept for the build's own files: no redirect may take it"),
    ],
)
def test_a_feed_alias_path_that_is_no_feed_s_path_of_the_site_is_an_error_naming_the_setting(written: str, said: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(f'base_url = "https://example.org/news/"\nfeed_aliases = {written}\n', P)
    assert str(caught.value).startswith(f"sitegen.toml:2: feed_aliases: {said}"), str(caught.value)


def test_an_old_address_of_the_config_that_the_hosts_read_as_a_pattern_is_warned_of_at_its_line(make_site: MakeSite) -> None:
    """A table's alias or a feed alias holding '*' or ':name' gets no _redirects rule (one
    would take every address like it), as an article's alias does: said at its line, where
    it was left out without a word, and the feeds under it lost the only redirect they had."""
    site = make_site(
        content={"a.md": article_md("A", tags="[World]")},
        config='base_url = "https://example.org/"\nfeed_aliases = ["index.xml", "/old/f:eed/index.xml"]\n\n[tags.world]\nname = "World"\naliases = ["/category/news:world/", "/category/world/"]\n',
    )
    report = build(site)
    assert report.ok, report.errors
    config = site / "sitegen.toml"
    said = [w for w in report.warnings if w.startswith(str(config))]
    assert said == [
        f"{config}:6: tags.world.aliases: 'category/news:world/' holds ':world', which Netlify and Cloudflare Pages read in _redirects as a placeholder:"
        " it gets no rule there, only the nginx map's 301 (and its pages their redirect pages)",
        f"{config}:2: feed_aliases: 'old/f:eed/index.xml' holds ':eed', which Netlify and Cloudflare Pages read in _redirects as a placeholder:"
        " it gets no rule there, only the nginx map's 301",
    ]
    rules = (site / "output" / "_redirects").read_text()
    lines = [line for line in rules.splitlines() if not line.startswith("#")]
    assert "/category/world/index.xml /tags/world/atom.xml 301" in lines and not [line for line in lines if ":" in line]
    assert (site / "output" / "category" / "news:world" / "index.html").is_file()
