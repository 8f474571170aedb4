"""The theme in the site's language: words from gettext catalogs, dates and plurals from the CLDR."""

from __future__ import annotations

import codecs
import datetime as dt
import gettext
import json
import shutil
from pathlib import Path

import jinja2
import pytest
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner
from conftest import MakeSite, article_md
from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html
from test_incremental import clean_build_of, tree

from sitegen import ahead, cache, i18n, render, search
from sitegen.build import build
from sitegen.cache import Inputs
from sitegen.cli import main
from sitegen.theme import Theme, default_theme_dir

THEME = default_theme_dir()


def text_of(path: Path) -> str:
    return " ".join(lxml_html.parse(str(path)).getroot().text_content().split())


def german_site(make_site: MakeSite, language: str = "de") -> Path:
    content = {
        "a.md": article_md("Erste Meldung", "2024-10-04T09:00:00+02:00", tags="[Politik]", author="Anna Berg"),
        "b.md": article_md("Zweite Meldung", "2024-10-05T09:00:00+02:00", tags="[Politik]"),
    }
    return make_site(content=content, config=f'title = "Hafenzeitung"\nbase_url = "https://example.org/"\nlanguage = "{language}"\ntimezone = "Europe/Berlin"\n')


def test_a_german_site_shows_the_theme_in_german(make_site: MakeSite) -> None:
    site = german_site(make_site)
    report = build(site)
    assert report.ok, report.errors
    out = site / "output"
    page = text_of(out / "2024" / "10" / "a" / "index.html")
    assert "Zum Inhalt springen" in page and "Archiv Schlagwörter Abonnieren" in page
    assert "Veröffentlicht am 4. Oktober 2024" in page and "Von Anna Berg" in page
    assert "Schlagwörter: Politik" in page and "Nächster Artikel Zweite Meldung" in page
    assert "Published " not in page and "Skip to content" not in page
    assert lxml_html.parse(str(out / "tags" / "index.html")).findtext(".//title") == "Schlagwörter – Hafenzeitung"
    month = text_of(out / "archive" / "2024" / "10" / "index.html")
    assert "Oktober 2024" in month and "2 Artikel" in month
    archive = lxml_html.parse(str(out / "archive" / "index.html"))
    assert archive.findtext(".//title") == "Archiv – Hafenzeitung"
    assert [a.text for a in archive.iterfind(".//ul[@class='archive-months']//a")] == ["Oktober 2024"]
    assert "Seite nicht gefunden" in text_of(out / "404.html")
    # The description, cut from a translated sentence, is escaped once (brief takes its text).
    description = lxml_html.parse(str(out / "archive" / "2024" / "10" / "index.html")).find(".//meta[@name='description']").get("content")
    assert description == "Die Artikel von Hafenzeitung im Oktober 2024"


def test_the_theme_reads_as_a_german_french_or_spanish_reader_would_write_it(make_site: MakeSite) -> None:
    site = german_site(make_site)
    (site / "sitegen.toml").write_text((site / "sitegen.toml").read_text() + "page_size = 1\n")
    (site / "content" / "a.md").write_text(article_md("Erste Meldung", "2024-10-04T09:00:00+02:00", tags="[Politik]", related="[Zweite Meldung]", slug="neu"), encoding="utf-8")
    assert build(site).ok
    out = site / "output"
    description = lxml_html.parse(str(out / "archive" / "2024" / "index.html")).find(".//meta[@name='description']").get("content")
    assert description == "Die Artikel von Hafenzeitung aus dem Jahr 2024, nach Monaten"  # not "aus 2024"
    pager = lxml_html.parse(str(out / "page" / "2" / "index.html")).find(".//nav[@class='pager']")
    assert pager.find("a[@rel='prev']").text == "← Neuere"
    # The search page's "its index", after a colon, read as the formal "Your index".
    said = json.loads(lxml_html.parse(str(out / "search" / "index.html")).find(".//script[@id='search-words']").text)
    assert said["failed"] == "Die Suche ist nicht verfügbar: Der Suchindex konnte nicht geladen werden."
    config = site / "sitegen.toml"
    config.write_text(config.read_text().replace('language = "de"', 'language = "fr"'))
    assert build(site).ok
    page = text_of(out / "2024" / "10" / "neu" / "index.html")
    assert "Sur le même sujet Zweite Meldung" in page and "À lire aussi dans la rubrique Politik" in page
    said = json.loads(lxml_html.parse(str(out / "search" / "index.html")).find(".//script[@id='search-words']").text)
    assert said["no_tag"].endswith(": la recherche porte sur tous les articles.")
    config.write_text(config.read_text().replace('language = "fr"', 'language = "es"'))
    assert build(site).ok
    nav = lxml_html.parse(str(out / "2024" / "10" / "neu" / "index.html")).find(".//nav[@class='article-nav']")
    assert nav.get("aria-label") == "Artículo anterior y siguiente"


def test_a_region_falls_back_to_its_language_and_dates_follow_the_cldr(make_site: MakeSite) -> None:
    site = german_site(make_site, "fr-CA")
    assert build(site).ok
    page = text_of(site / "output" / "2024" / "10" / "a" / "index.html")
    assert "Publié le 4 octobre 2024" in page and "Aller au contenu" in page
    assert "Octobre 2024 2 articles" in text_of(site / "output" / "archive" / "index.html")


def test_a_french_date_writes_the_first_of_the_month_as_the_french_do(make_site: MakeSite) -> None:
    site = german_site(make_site, "fr")
    (site / "content" / "c.md").write_text(article_md("Troisième", "2024-11-01T09:00:00+01:00"), encoding="utf-8")
    assert build(site).ok
    assert "Publié le 1er novembre 2024" in text_of(site / "output" / "2024" / "11" / "c" / "index.html")
    assert "1er novembre 2024 Troisième" in text_of(site / "output" / "archive" / "2024" / "11" / "index.html")
    assert "Publié le 4 octobre 2024" in text_of(site / "output" / "2024" / "10" / "a" / "index.html")
    french = i18n.language_of(Theme(Path("/nonexistent"), Inputs()), "fr-CA").language
    assert french.date(dt.date(2024, 11, 1)) == "1er novembre 2024"  # what the search index shows too


@pytest.mark.parametrize(("language", "alone", "inline", "described"), [
    ("fr", "Octobre 2024", "Archives\u00a0: octobre 2024", "Les articles de Hafenzeitung en octobre 2024"),
    ("es", "Octubre de 2024", "Archivo: octubre de 2024", "Los artículos de Hafenzeitung en octubre de 2024"),
])  # fmt: skip
def test_a_month_begins_a_heading_or_list_item_with_a_capital_and_is_lower_case_in_a_sentence(make_site: MakeSite, language: str, alone: str, inline: str, described: str) -> None:
    # The CLDR writes French and Spanish months in lower case, as a sentence has them: the
    # archive's headings, lists and links began with one ("octobre 2024").
    site = german_site(make_site, language)
    (site / "content" / "c.md").write_text(article_md("C", "2024-09-05T09:00:00+02:00"), encoding="utf-8")
    assert build(site).ok
    out = site / "output"
    month = lxml_html.parse(str(out / "archive" / "2024" / "10" / "index.html"))
    assert month.findtext(".//h1") == alone
    assert month.findtext(".//title") == f"{inline} – Hafenzeitung"
    assert month.find(".//meta[@name='description']").get("content") == described
    assert month.find(".//nav[@class='pager']/a[@rel='next']").text.startswith(alone.replace("Octobre", "Septembre").replace("Octubre", "Septiembre"))
    archive = lxml_html.parse(str(out / "archive" / "index.html"))
    assert [a.text for a in archive.iterfind(".//ul[@class='archive-months']//a")] == [alone, alone.replace("Octobre", "Septembre").replace("Octubre", "Septiembre")]


@pytest.mark.parametrize(
    ("language", "words", "one", "two"),
    [
        ("he", ("דילוג לתוכן", "ארכיון תגיות הרשמה", "פורסם 4 באוקטובר 2024", "מאת Anna Berg", "תגיות: Politik", "הכתבה הבאה Zweite Meldung"), "כתבה אחת", "2 כתבות"),
        ("ar", ("انتقل إلى المحتوى", "الأرشيف الوسوم اشترك", "نُشر في 4 أكتوبر 2024", "بقلم Anna Berg", "الوسوم: Politik", "المقال التالي Zweite Meldung"), "مقال واحد", "مقالان"),
    ],
)
def test_a_hebrew_or_arabic_site_shows_the_theme_in_its_language_with_its_plurals(
    make_site: MakeSite, language: str, words: tuple[str, ...], one: str, two: str
) -> None:
    site = german_site(make_site, language)
    (site / "content" / "c.md").write_text(article_md("Dritte", "2024-09-05T09:00:00+02:00"), encoding="utf-8")
    report = build(site)
    assert report.ok and not report.warnings, (report.errors, report.warnings)
    out = site / "output"
    page = text_of(out / "2024" / "10" / "a" / "index.html")
    assert [word for word in words if word not in page] == []
    assert "Published " not in page and "Skip to content" not in page
    # Arabic has a form for two, Hebrew for one: the CLDR's rules pick them from the catalog.
    archive = lxml_html.parse(str(out / "archive" / "index.html"))
    counts = [" ".join(li.text_content().split()) for li in archive.iterfind(".//ul[@class='archive-months']/li")]
    assert two in counts[0] and one in counts[1], counts


@pytest.mark.parametrize(
    ("language", "byline"),
    [
        ("en", "By Anna Berg, Ben Carr and Chris Dane"),
        ("de", "Von Anna Berg, Ben Carr und Chris Dane"),
        ("fr", "Par Anna Berg, Ben Carr et Chris Dane"),
        ("he", "מאת Anna Berg, Ben Carr וChris Dane"),
        ("ja", "By Anna Berg、Ben Carr、Chris Dane"),
    ],
)
def test_a_byline_of_several_authors_is_written_as_the_language_writes_a_list(make_site: MakeSite, language: str, byline: str) -> None:
    site = german_site(make_site, language)
    (site / "content" / "c.md").write_text(article_md("Dritte", "2024-10-06T09:00:00+02:00", author="[Anna Berg, Ben Carr, Chris Dane]"), encoding="utf-8")
    assert build(site).ok
    page = lxml_html.parse(str(site / "output" / "2024" / "10" / "c" / "index.html"))
    shown = page.find(".//p[@class='byline']")
    assert " ".join(shown.text_content().split()) == byline
    assert [a.text for a in shown.iterfind("a[@rel='author']")] == ["Anna Berg", "Ben Carr", "Chris Dane"]
    # The home page's card says it the same way.
    card = lxml_html.parse(str(site / "output" / "index.html")).find(".//p[@class='meta']")
    assert " ".join(card.text_content().split()).startswith(byline + " · ")


def test_a_language_without_a_catalog_keeps_english_words_with_its_own_dates(make_site: MakeSite, runner: CliRunner) -> None:
    """And says so, naming the setting's line and the catalog to add: a Polish site's pages
    said "Published 4 października 2024" without a word of why."""
    site = german_site(make_site, "pl")
    report = build(site)
    said = (
        f"{site / 'sitegen.toml'}:3: language: the theme has no catalog for 'pl' (Polish), so its words (the navigation, "
        "'Published', the search page) are shown in English, with the language's own dates: to translate them, run sitegen "
        "theme copy locale/messages.pot, rename the copy templates/locale/pl.po and fill it in"
    )
    assert report.ok and report.warnings == [said]
    page = text_of(site / "output" / "2024" / "10" / "a" / "index.html")
    assert "Published 4 października 2024" in page
    assert "Październik 2024" in text_of(site / "output" / "archive" / "index.html")
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0 and f"warning: {said}\n" in result.stderr
    # A region's tag names its language's catalog, which it would take.
    config = site / "sitegen.toml"
    config.write_text(config.read_text().replace('"pl"', '"pl-PL"'))
    assert [w.split(": ", 1)[1] for w in build(site).warnings] == [said.split(": ", 1)[1].replace("'pl'", "'pl-PL'")]
    # With a catalog of the site's, there is nothing to say.
    (site / "templates" / "locale").mkdir(parents=True)
    (site / "templates" / "locale" / "pl.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"\n\n'
        'msgid "Published"\nmsgstr "Opublikowano"\n',
        encoding="utf-8",
    )
    report = build(site)
    assert report.ok and report.warnings == [], (report.errors, report.warnings)
    assert "Opublikowano 4 października 2024" in text_of(site / "output" / "2024" / "10" / "a" / "index.html")


def test_a_language_the_cldr_does_not_know_is_a_warning_naming_the_settings_line(make_site: MakeSite, runner: CliRunner) -> None:
    """It named neither sitegen.toml nor a line, as every other message about a setting does."""
    site = german_site(make_site, "xx")
    report = build(site)
    said = f"{site / 'sitegen.toml'}:3: language: the CLDR has no dates or plural rules for 'xx', so dates are shown in English"
    assert report.ok and report.warnings == [said]
    assert "Published 4 October 2024" in text_of(site / "output" / "2024" / "10" / "a" / "index.html")
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0 and f"warning: {said}\n" in result.stderr


def test_english_never_loads_the_cldr_and_keeps_its_dates() -> None:
    english = i18n.language_of(Theme(Path("/nonexistent"), Inputs()), "en-US").language
    assert english.locale is None and english.catalog == ""
    assert english.date(dt.date(2022, 10, 4)) == "4 October 2022" and english.month(2022, 10) == "October 2022"
    assert english.plural_forms("%(num)d article", "%(num)d articles") == {"one": "%(num)d article", "other": "%(num)d articles"}


def test_right_to_left_languages_are_marked(make_site: MakeSite) -> None:
    site = german_site(make_site, "ar")
    assert build(site).ok
    root = lxml_html.parse(str(site / "output" / "index.html")).getroot()
    assert root.get("lang") == "ar" and root.get("dir") == "rtl"
    assert lxml_html.parse(str(site / "output" / "404.html")).getroot().get("dir") == "rtl"


@pytest.mark.parametrize(("language", "back", "forward"), [("ar", "→", "←"), ("de", "←", "→")])
def test_the_pagers_arrows_point_to_the_side_their_link_is_on(make_site: MakeSite, language: str, back: str, forward: str) -> None:
    # A right-to-left page has its newer pages' link on the right: its arrow points right.
    site = german_site(make_site, language)
    (site / "sitegen.toml").write_text((site / "sitegen.toml").read_text() + "page_size = 1\n")
    (site / "content" / "c.md").write_text(article_md("Dritte", "2024-11-05T09:00:00+01:00"), encoding="utf-8")
    (site / "content" / "d.md").write_text(article_md("Vierte", "2024-09-05T09:00:00+02:00"), encoding="utf-8")
    assert build(site).ok
    for page in ("page/2/index.html", "archive/2024/10/index.html"):
        pager = lxml_html.parse(str(site / "output" / page)).find(".//nav[@class='pager']")
        assert pager.find("a[@rel='prev']").text.startswith(back + " "), page
        assert pager.find("a[@rel='next']").text.endswith(" " + forward), page


def test_a_sites_own_catalog_replaces_the_themes_and_an_edit_to_it_rebuilds_like_a_clean_build(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site(content={"a.md": article_md("A story")}, config='title = "T"\nbase_url = "https://example.org/"\n')
    assert build(site).ok
    before = text_of(site / "output" / "index.html")
    assert "Archive" in before
    # An English site renames the theme's words with its own en.po.
    locale = site / "templates" / "locale"
    locale.mkdir(parents=True)
    (locale / "en.po").write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\nmsgid "Archive"\nmsgstr "Past stories"\n', encoding="utf-8")
    report = build(site)
    assert report.ok and not report.warnings, report.warnings  # not "unused": a catalog is no template
    assert "Past stories" in text_of(site / "output" / "index.html") and "Archive" not in text_of(site / "output" / "index.html")
    assert tree(site / "output") == clean_build_of(site, tmp_path / "clean")
    (locale / "en.po").write_text((locale / "en.po").read_text().replace("Past stories", "Back issues"), encoding="utf-8")
    assert build(site).ok
    assert "Back issues" in text_of(site / "output" / "tags" / "index.html")
    assert tree(site / "output") == clean_build_of(site, tmp_path / "clean")
    (locale / "en.po").unlink()
    assert build(site).ok
    assert tree(site / "output") == clean_build_of(site, tmp_path / "clean")
    assert "Archive" in text_of(site / "output" / "index.html")


def test_changing_the_language_rebuilds_every_page_like_a_clean_build(make_site: MakeSite, tmp_path: Path) -> None:
    site = german_site(make_site)
    assert build(site).ok
    config = site / "sitegen.toml"
    for language in ("es", "de-AT", "en"):
        config.write_text(config.read_text().replace(config.read_text().split('language = "')[1].split('"')[0], language, 1))
        assert build(site).ok
        assert tree(site / "output") == clean_build_of(site, tmp_path / "clean"), language
    assert "Published 4 October 2024" in text_of(site / "output" / "2024" / "10" / "a" / "index.html")


def test_a_broken_catalog_is_an_error_naming_its_line_and_the_site_builds_in_english(make_site: MakeSite) -> None:
    site = german_site(make_site)
    locale = site / "templates" / "locale"
    locale.mkdir(parents=True)
    (locale / "de.po").write_text('msgid ""\nmsgstr ""\n\nmsgid "Archive"\nmsgstr "Archiv"\nthis is no catalog\n', encoding="utf-8")
    report = build(site)
    assert not report.ok
    [error] = report.errors
    assert error.path == locale / "de.po" and error.line == 6 and "words are shown in English" in error.reason
    page = text_of(site / "output" / "2024" / "10" / "a" / "index.html")
    assert "Published" in page and "4. Oktober 2024" in page  # the words fall back; the dates are the CLDR's
    (locale / "de.po").write_bytes(b'msgid "Archive"\nmsgstr "Archiv \xff"\n')
    [error] = build(site).errors
    assert error.line == 2 and "not valid UTF-8" in error.reason


def test_a_catalog_saved_with_a_byte_order_mark_or_windows_line_endings_is_read(make_site: MakeSite) -> None:
    site = german_site(make_site)
    locale = site / "templates" / "locale"
    locale.mkdir(parents=True)
    text = (THEME / "locale" / "de.po").read_text(encoding="utf-8").replace('msgstr "Archiv"', 'msgstr "Rückblick"')
    for data in (codecs.BOM_UTF8 + text.encode(), text.replace("\n", "\r\n").encode(), codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode()):
        (locale / "de.po").write_bytes(data)
        report = build(site)
        assert report.ok, report.errors
        assert "Rückblick" in text_of(site / "output" / "index.html")


def test_a_catalog_whose_header_names_another_charset_is_read_as_utf_8(make_site: MakeSite) -> None:
    site = german_site(make_site)
    locale = site / "templates" / "locale"
    locale.mkdir(parents=True)
    text = (THEME / "locale" / "de.po").read_text(encoding="utf-8").replace("charset=utf-8", "charset=ISO-8859-1")
    (locale / "de.po").write_text(text, encoding="utf-8")  # "–" and "„" are not Latin-1
    report = build(site)
    assert report.ok, report.errors
    assert lxml_html.parse(str(site / "output" / "tags" / "politik" / "index.html")).findtext(".//title") == "Schlagwort: Politik – Hafenzeitung"


def test_a_translation_a_page_could_not_show_is_an_error_and_that_string_stays_english(make_site: MakeSite) -> None:
    site = german_site(make_site)
    locale = site / "templates" / "locale"
    locale.mkdir(parents=True)
    shutil.copy(THEME / "locale" / "de.po", locale / "de.po")
    text = (locale / "de.po").read_text(encoding="utf-8")
    text = text.replace('msgstr "Schlagwort: %(name)s"', 'msgstr "Schlagwort: %(nme)s"').replace('msgstr "Veröffentlicht am"', 'msgstr "100% veröffentlicht"')
    (locale / "de.po").write_text(text, encoding="utf-8")
    report = build(site)
    lines = text.splitlines()
    said = {(e.line, e.reason) for e in report.errors}
    assert said == {  # the line of each msgid
        (lines.index('msgid "Tag: %(name)s"') + 1, "the translation of 'Tag: %(name)s' names a value the page does not give, %(nme)s; that string is shown in English"),
        (lines.index('msgid "Published"') + 1, "the translation of 'Published' cannot be filled in (unsupported format character 'v' (0x76) at index 5): write a % sign as %%; that string is shown in English"),
    }
    assert all(e.path == locale / "de.po" for e in report.errors)
    out = site / "output"
    assert lxml_html.parse(str(out / "tags" / "politik" / "index.html")).find(".//h1").text_content() == "Tag: Politik"
    page = text_of(out / "2024" / "10" / "a" / "index.html")
    assert "Published 4. Oktober 2024" in page and "Schlagwörter: Politik" in page


def translated_from_messages_pot(site: Path, language: str, words: dict[str, str | tuple[str, str]]) -> Path:
    """A catalog made as the README says: messages.pot copied, renamed, each msgstr filled in."""
    with (THEME / i18n.TEMPLATE).open("rb") as file:
        catalog = read_po(file)
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in words:
            message.string = words[key]
    locale = site / "templates" / "locale"
    locale.mkdir(parents=True, exist_ok=True)
    with (locale / f"{language}.po").open("wb") as file:
        write_po(file, catalog)
    return locale / f"{language}.po"


def test_a_catalog_begun_from_messages_pot_gives_its_plural_to_every_count_but_one(make_site: MakeSite) -> None:
    # messages.pot has no Plural-Forms header and two msgstr per plural: the CLDR's rule for
    # Italian has three forms (one, many, other), which left every count but 1 in English.
    site = german_site(make_site, "it")
    (site / "content" / "c.md").write_text(article_md("Terza", "2024-10-06T09:00:00+02:00"), encoding="utf-8")
    translated_from_messages_pot(
        site, "it", {"Archive": "Archivio", "%(num)d article": ("%(num)d articolo", "%(num)d articoli"), "%(num)d article found in %(tag)s.": ("%(num)d articolo trovato in %(tag)s.", "%(num)d articoli trovati in %(tag)s.")}
    )
    report = build(site)
    assert report.ok, report.errors
    assert "Ottobre 2024 3 articoli" in text_of(site / "output" / "archive" / "index.html")
    said = json.loads(lxml_html.parse(str(site / "output" / "search" / "index.html")).find(".//script[@id='search-words']").text)
    assert said["found_in"] == {"many": "%(num)d articoli trovati in %(tag)s.", "one": "%(num)d articolo trovato in %(tag)s.", "other": "%(num)d articoli trovati in %(tag)s."}


def test_a_catalog_without_plural_forms_for_a_language_with_more_forms_is_an_error_saying_the_header(make_site: MakeSite) -> None:
    site = german_site(make_site, "pl")
    path = translated_from_messages_pot(site, "pl", {"Archive": "Archiwum", "%(num)d article": ("%(num)d artykuł", "%(num)d artykuły")})
    [error] = build(site).errors
    assert error.path == path and "has no Plural-Forms header" in error.reason and "'pl' has 3 (one, few, many)" in error.reason
    assert '"Plural-Forms: nplurals=3; plural=' in error.reason
    archive = text_of(site / "output" / "archive" / "index.html")
    assert "Archiwum" in archive and "2 artykuły" in archive  # the rest of the catalog is used


def test_a_plural_entry_short_of_its_catalogs_forms_is_an_error_and_shows_its_last_form(make_site: MakeSite) -> None:
    site = german_site(make_site, "fr")
    locale = site / "templates" / "locale"
    locale.mkdir(parents=True)
    text = (THEME / "locale" / "fr.po").read_text(encoding="utf-8")
    # French has three forms (one, many, other): the "many" of the plural left out.
    text = text.replace('msgstr[0] "%(num)d article"\nmsgstr[1] "%(num)d articles"\n', 'msgstr[0] "%(num)d article"\n')
    (locale / "fr.po").write_text(text, encoding="utf-8")
    [error] = build(site).errors
    assert error.line == text.splitlines().index('msgid "%(num)d article"') + 1
    assert "has 2 of the 3 plural forms" in error.reason and "shows the last one given" in error.reason
    assert "Octobre 2024 2 articles" in text_of(site / "output" / "archive" / "index.html")


def test_the_search_page_gives_its_script_the_words_and_plural_forms_of_the_language(make_site: MakeSite) -> None:
    site = german_site(make_site, "fr")
    assert build(site).ok
    page = lxml_html.parse(str(site / "output" / "search" / "index.html"))
    said = json.loads(page.find(".//script[@id='search-words']").text)
    assert said["found_in"] == {"many": "%(num)d articles trouvés dans %(tag)s.", "one": "%(num)d article trouvé dans %(tag)s.", "other": "%(num)d articles trouvés dans %(tag)s."}
    assert said["none_for"] == "Aucun article trouvé pour «\u00a0%(words)s\u00a0»."
    assert page.find(".//label[@for='search-query']").text == "Mots à chercher"


@pytest.mark.parametrize(
    ("language", "zero"),
    [("pt", "artigo"), ("pt-BR", "artigo"), ("pt-PT", "artigos"), ("pt-AO", "artigos"), ("pt-MZ", "artigos")],
)
def test_a_portuguese_site_counts_as_its_country_does_with_the_themes_one_catalog(make_site: MakeSite, language: str, zero: str) -> None:
    """The theme's pt.po has Brazil's plural rule (0 and 1 singular). A site in pt-PT, where
    only 1 is (Portugal, and Angola and Mozambique by the CLDR), was given it: its search
    page told its script, which picks each count's form by the page's language, that any
    count but 1 or a million took the singular ("5 artigo encontrado"), and 0 was singular
    on pages too. Each count now takes the form of its category in the site's language."""
    site = german_site(make_site, language)
    report = build(site)
    assert report.ok and not report.warnings, (report.errors, report.warnings)
    out = site / "output"
    said = json.loads(lxml_html.parse(str(out / "search" / "index.html")).find(".//script[@id='search-words']").text)
    assert said["found_in"] == {
        "many": "%(num)d artigos encontrados em %(tag)s.",
        "one": "%(num)d artigo encontrado em %(tag)s.",
        "other": "%(num)d artigos encontrados em %(tag)s.",
    }
    assert "Outubro de 2024 2 artigos" in text_of(out / "archive" / "index.html")
    words = i18n.language_of(Theme(site, Inputs()), language).language.translations
    counted = {n: words.ngettext("%(num)d article", "%(num)d articles", n) % {"num": n} for n in (0, 1, 2, 1_000_000)}
    assert counted == {0: f"0 {zero}", 1: "1 artigo", 2: "2 artigos", 1_000_000: "1000000 artigos"}


def test_the_search_page_of_a_site_with_no_article_says_so_in_the_language(make_site: MakeSite) -> None:
    site = make_site(config='title = "Hafenzeitung"\nbase_url = "https://example.org/"\nlanguage = "de"\n')
    assert build(site).ok
    main = lxml_html.parse(str(site / "output" / "search" / "index.html")).find(".//main")
    assert " ".join(main.text_content().split()) == "Suche Noch gibt es nichts zu durchsuchen: Es ist noch kein Artikel erschienen."


def test_the_search_index_dates_results_in_the_language() -> None:
    published = dt.datetime(2024, 10, 4, 9, tzinfo=dt.UTC)
    item = search.Searchable("2024/10/a/", "A", b"<p>Text.</p>", published, (), ())
    german = i18n.language_of(Theme(Path("/nonexistent"), Inputs()), "de").language
    document = lxml_html.document_fromstring(search.document(item, german))
    assert document.get("lang") == "de"
    assert document.find(".//p[@data-pagefind-meta='date']").text == "4. Oktober 2024"
    english = i18n.language_of(Theme(Path("/nonexistent"), Inputs()), "en-GB").language
    assert "4 October 2024" in search.document(item, english)


def test_babel_is_among_the_libraries_whose_version_keys_the_cache() -> None:
    """A new Babel brings new CLDR data: the cache made with the old one is set aside."""
    assert "babel" in cache._library_versions()


@pytest.mark.parametrize(
    ("catalog", "said"),
    [
        ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=latin-1\\n"\n\nmsgid "Tags"\nmsgstr "Теги"\n', None),
        ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=bogus\\n"\n\nmsgid "Tags"\nmsgstr "Schlagwörter"\n', None),
        ('msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=n%0;\\n"\n\nmsgid "Tags"\nmsgstr "Schlagwörter"\n', "ZeroDivisionError"),
        ('msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n;\\n"\n\nmsgid "Tags"\nmsgstr "Schlagwörter"\n', "Plural-Forms"),
        ('msgid ""\nmsgstr ""\n\nmsgid "Tag: %(name)s"\nmsgstr "Schlagwort: %(name)d"\n', "cannot be filled in"),
    ],
)
def test_a_catalog_no_page_could_use_never_stops_the_build(make_site: MakeSite, catalog: str, said: str | None) -> None:
    site = german_site(make_site)
    locale = site / "templates" / "locale"
    locale.mkdir(parents=True)
    (locale / "de.po").write_text(catalog, encoding="utf-8")
    report = build(site)
    assert (site / "output" / "tags" / "politik" / "index.html").is_file()
    if said is None:  # read as the UTF-8 it is, whatever its header says
        assert report.ok, report.errors
        assert "Schlagwörter" in text_of(site / "output" / "tags" / "index.html") or "Теги" in text_of(site / "output" / "tags" / "index.html")
        return
    [error] = report.errors
    assert error.path == locale / "de.po" and said in error.reason and "shown in English" in error.reason
    assert error.line is not None
    assert "Tags" in text_of(site / "output" / "tags" / "index.html")


def test_a_template_with_a_underscore_of_its_own_keeps_it(make_site: MakeSite) -> None:
    site = german_site(make_site)
    (site / "templates").mkdir()
    own = '{% extends "base.html" %}{% macro _(s) %}[{{ s }}]{% endmacro %}{% block content %}<h1>{{ _("Tags") }}</h1>{% endblock %}\n'
    (site / "templates" / "tags.html").write_text(own, encoding="utf-8")
    assert build(site).ok
    assert lxml_html.parse(str(site / "output" / "tags" / "index.html")).findtext(".//h1") == "[Tags]"
    # The base template it extends still speaks German.
    assert "Zum Inhalt springen" in text_of(site / "output" / "tags" / "index.html")


def test_workers_render_a_german_site_as_one_process_does(make_site: MakeSite, tmp_path: Path) -> None:
    """Over parallel.MIN_ITEMS pages: forked workers, each with the CLDR and the catalog."""
    content = {f"a{n:03}.md": article_md(f"Meldung {n}", f"2024-{n % 12 + 1:02}-{n % 27 + 1:02}T09:00:00+02:00", tags="[Politik]") for n in range(220)}
    site = make_site(content=content, config='title = "Hafenzeitung"\nbase_url = "https://example.org/"\nlanguage = "de"\nsearch = false\n')
    one = tmp_path / "one"
    shutil.copytree(site, one)
    assert build(site, jobs=2).ok and build(one, jobs=1).ok
    assert tree(site / "output") == tree(one / "output")
    assert "Veröffentlicht am" in text_of(site / "output" / "2024" / "02" / "a001" / "index.html")


def sources() -> dict[str, str]:
    """Every file of the theme but those copied as they are and the catalogs: the templates."""
    files = (p for p in sorted(THEME.rglob("*")) if p.is_file() and p.relative_to(THEME).parts[0] not in ("static", "public", "locale"))
    found = {p.relative_to(THEME).as_posix(): p.read_text(encoding="utf-8") for p in files}
    assert {"article.html", "feed.xsl", "sitemap.xml", "robots.txt"} <= set(found)
    return found


def message_ids(catalog: object) -> set[object]:
    return {m.id for m in catalog if m.id}  # type: ignore[attr-defined]


def test_messages_pot_lists_every_string_the_templates_mark() -> None:
    with (THEME / i18n.TEMPLATE).open("rb") as file:
        committed = read_po(file)
    assert message_ids(committed) == message_ids(i18n.template_messages(sources())), "run make messages"


@pytest.mark.parametrize("language", sorted(p.stem for p in (THEME / "locale").glob("*.po")))
def test_each_catalog_of_the_theme_translates_every_string(language: str) -> None:
    with (THEME / "locale" / f"{language}.po").open("rb") as file:
        catalog = read_po(file, locale=language)
    expected = message_ids(i18n.template_messages(sources()))
    assert message_ids(catalog) == expected, "run make messages"
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, message.id
        assert len(strings) == (catalog.num_plurals if message.pluralizable else 1), message.id
        # Every value the English gives shown (a plural's singular may leave out the number).
        english = message.id if message.pluralizable else (message.id,)
        assert all(i18n.placeholders(s) == i18n.placeholders(english[-1]) for s in strings[-1:]), message.id
        assert all(i18n.placeholders(s) <= i18n.placeholders(english[-1]) for s in strings), message.id


def test_make_messages_leaves_the_committed_catalogs_as_they_are(tmp_path: Path) -> None:
    copy = tmp_path / "templates"
    shutil.copytree(THEME, copy)
    i18n.update_catalogs(copy)
    for path in sorted((copy / "locale").iterdir()):
        with path.open("rb") as new, (THEME / "locale" / path.name).open("rb") as old:
            fresh, committed = read_po(new), read_po(old)
        assert [(m.id, m.string, sorted(m.locations)) for m in fresh] == [(m.id, m.string, sorted(m.locations)) for m in committed], path.name


@pytest.mark.usefixtures("compiled_afresh")
@pytest.mark.parametrize("language", ["en", "de", "fr-CA", "es", "ar"])
def test_translating_when_templates_are_compiled_gives_the_pages_gettext_gives(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, language: str) -> None:
    """render._Translated, the speed-up, against the plain path: every call left to newstyle gettext."""
    site = german_site(make_site, language)
    (site / "content" / "c.md").write_text(article_md("Drei & <drei>", "2024-09-01T09:00:00+02:00", tags="['A & B', Politik]"), encoding="utf-8")
    (site / "sitegen.toml").write_text((site / "sitegen.toml").read_text().replace('title = "Hafenzeitung"', 'title = "Hafen & <Zeitung>"'))
    plain = site.parent / "plain"
    shutil.copytree(site, plain)
    assert build(site).ok
    monkeypatch.setattr(render._Translated, "visit_Call", lambda self, call: self.generic_visit(call))
    monkeypatch.setattr(ahead, "COMPILED", ahead.CompiledThemes())  # the plain path compiles anew
    assert build(plain).ok
    assert tree(site / "output") == tree(plain / "output")


# What a theme's text and a catalog may hold, "%" and Jinja's braces aside (a lone "%" is
# refused when the catalog is read; both paths fail alike on one in a template).
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="%{}#"), max_size=12)


@given(english=TEXT, translated=TEXT, value=st.text(max_size=8), autoescape=st.booleans())
def test_a_translated_call_renders_as_newstyle_gettext_would(english: str, translated: str, value: str, autoescape: bool) -> None:
    catalog = {english + "%(v)s": translated + "%(v)s", english: translated}

    class One(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return catalog.get(message, message)

    said = json.dumps(english)
    source = f"{{{{ _({said[:-1]}%(v)s\", v=value) }}}}|{{{{ _({said}) }}}}|{{% trans v=value %}}{english}{{{{ v }}}}{{% endtrans %}}|{{{{ _(\"100%%\") }}}}"
    out = []
    for compiled in (True, False):
        env = render._Environment(extensions=["jinja2.ext.i18n"], autoescape=autoescape)
        env.install_gettext_translations(One(), newstyle=True)  # type: ignore[attr-defined]
        env.translations = One() if compiled else None
        try:
            out.append(env.from_string(source).render(value=value))
        except jinja2.TemplateSyntaxError as e:
            out.append(f"TemplateSyntaxError: {e}")
    assert out[0] == out[1]
    assert "TemplateSyntaxError" in out[0] or out[0].endswith("|100%")


def _feed_in_a_browser(out: Path, feed: str) -> lxml_html.HtmlElement:
    """The page a browser shows for ``feed``: the feed through the stylesheet it names."""
    from lxml import etree

    document = etree.parse(str(out / feed))
    (instruction,) = document.xpath("/processing-instruction('xml-stylesheet')")
    assert instruction.get("href") == "/static/feed.xsl"
    transform = etree.XSLT(etree.parse(str(out / "static" / "feed.xsl")))
    return lxml_html.fromstring(str(transform(document)))


@pytest.mark.parametrize("feed", ["atom.xml", "rss.xml", "tags/politik/atom.xml"])
def test_a_feed_opened_in_a_browser_speaks_the_sites_language(make_site: MakeSite, feed: str) -> None:
    site = german_site(make_site)
    assert build(site).ok
    page = _feed_in_a_browser(site / "output", feed)
    assert page.get("lang") == "de" and page.get("dir") is None
    note = " ".join(page.find_class("note")[0].text_content().split())
    assert note.startswith("Dies ist ein Web-Feed. Kopieren Sie die Adresse dieser Seite in Ihren Feedreader, um Hafenzeitung")
    assert "zu abonnieren. So abonnieren Sie" in note and "web feed" not in note
    assert page.findtext(".//title").endswith("(Feed)") and "Hafenzeitung" in page.findtext(".//h1")
    assert [a.text for a in page.iterfind(".//li/a")] == ["Zweite Meldung", "Erste Meldung"]
    assert page.xpath("//p[@class='note']/a/@href") == ["https://example.org/subscribe/"]


def test_a_feed_opened_in_a_browser_reads_right_to_left_on_a_hebrew_site(make_site: MakeSite) -> None:
    site = german_site(make_site, language="he")
    assert build(site).ok
    page = _feed_in_a_browser(site / "output", "atom.xml")
    assert (page.get("lang"), page.get("dir")) == ("he", "rtl")
    assert "העתיקו את כתובת הדף הזה לקורא הפידים שלכם" in page.text_content()


def test_a_sites_own_static_feed_stylesheet_is_published_as_it_is(make_site: MakeSite) -> None:
    site = german_site(make_site)
    own = b'<?xml version="1.0"?>\n<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"/>\n'
    (site / "templates" / "static").mkdir(parents=True)
    (site / "templates" / "static" / "feed.xsl").write_bytes(own)
    report = build(site)
    assert report.ok and not report.warnings, (report.errors, report.warnings)
    assert (site / "output" / "static" / "feed.xsl").read_bytes() == own


def marks(element: lxml_html.HtmlElement) -> tuple[str | None, str | None]:
    return element.get("lang"), element.get("dir")


def other_language_site(make_site: MakeSite, site_language: str = "en", other: str = "de", title: str = "Hafen wächst weiter") -> Path:
    """A site in ``site_language`` with a story in ``other`` among stories in its own, all
    under one section, the story led by its lead, captioned, moved and named by a related headline."""
    content = {
        "a.md": article_md("Harbour works begin", "2024-05-01T09:00:00+00:00", tags="[World]", related=f"['{title}', 'A story elsewhere']"),
        "b.md": article_md(
            title, "2024-05-02T09:00:00+00:00", body="Ein Absatz.", tags="[World]", language=other, summary="'Die Kaimauer ist fertig.'",
            image="https://cdn.example/quay.jpg", image_alt="'Die Kaimauer'", image_caption="'Die neue Kaimauer.'", aliases="[alt/]",
            related="['Ein Bericht anderswo']",
        ),
        "c.md": article_md("Harbour works end", "2024-05-03T09:00:00+00:00", tags="[World]"),
    }
    config = f'title = "T"\nbase_url = "https://example.org/"\nlanguage = "{site_language}"\nsections = ["World"]\npage_size = 2\nsearch = false\n'
    site = make_site(content=content, config=config, name=f"site-{site_language}")
    report = build(site)
    assert report.ok and report.warnings == [], (report.errors, report.warnings)
    return site / "output"


def test_a_story_in_another_language_is_marked_as_in_it_and_the_theme_around_it_is_not(make_site: MakeSite) -> None:
    """Its title, summary, text and picture are German to a browser, a screen reader's voice
    and a search engine; the byline, dates, tags and navigation around them stay the site's
    English, which the page is in."""
    out = other_language_site(make_site)
    page = lxml_html.parse(str(out / "2024" / "05" / "b" / "index.html")).getroot()
    assert marks(page) == ("en", None)
    german = page.xpath("//article[@class='article']//*[@lang][not(ancestor::aside)]")
    assert [(e.tag, e.get("class"), e.get("dir")) for e in german] == [
        ("div", None, "auto"), ("p", "standfirst", "auto"), ("figure", "article-image", None), ("div", None, "auto"),
    ]  # fmt: skip
    assert {e.get("lang") for e in german} == {"de"}
    assert german[0].findtext("h1") == "Hafen wächst weiter" and german[3].find("div[@class='body']") is not None
    assert german[2].findtext("figcaption/span") == "Die neue Kaimauer." and german[2].find("img").get("alt") == "Die Kaimauer"
    # A related headline its front matter gives is in its language too.
    assert marks(page.xpath("//aside[@class='related']//span")[0]) == ("de", "auto")
    data = json.loads(page.xpath("//script[@type='application/ld+json']")[0].text)
    assert data["inLanguage"] == "de"
    # Wherever its title and summary show: the front page's lead, a later page's card, the
    # section's front, the archive, its neighbours' pages, its old address.
    front = lxml_html.parse(str(out / "index.html")).getroot()
    assert [marks(e) for e in front.xpath("//article[contains(@class, 'card')]//*[@lang]")] == [("de", "auto"), ("de", "auto")]
    assert front.xpath("//article[contains(@class, 'card')]//*[@lang]")[0].text_content() == "Hafen wächst weiter"
    assert [marks(a) for a in front.xpath("//div[@class='fronts']//a[@lang]")] == []  # shown above, not again
    tag = lxml_html.parse(str(out / "tags" / "world" / "index.html")).getroot()
    assert [e.text_content() for e in tag.xpath("//*[@lang='de']")] == ["Hafen wächst weiter", "Die Kaimauer ist fertig."]
    month = lxml_html.parse(str(out / "archive" / "2024" / "05" / "index.html")).getroot()
    assert [(a.text, marks(a)) for a in month.xpath("//main//a[@lang]")] == [("Hafen wächst weiter", ("de", "auto"))]
    for neighbour in ("a", "c"):
        links = lxml_html.parse(str(out / "2024" / "05" / neighbour / "index.html")).getroot().xpath("//main//*[@lang]")
        assert {(e.text_content(), marks(e)) for e in links} == {("Hafen wächst weiter", ("de", "auto"))}, neighbour
    moved = lxml_html.parse(str(out / "alt" / "index.html")).getroot()
    assert [(e.tag, marks(e)) for e in moved.xpath("//*[@lang]")] == [("html", ("en", None)), ("h1", ("de", "auto"))]
    # No other page names a language of its own anywhere.
    for path in sorted(out.rglob("*.html")):
        root = lxml_html.parse(str(path)).getroot()
        assert all(e.get("lang") == "de" for e in root.xpath("//body//*[@lang]")), path


def test_a_story_of_the_other_direction_is_marked_with_it(make_site: MakeSite) -> None:
    """An Arabic story on an English site reads right to left, wherever its title begins
    (``auto`` would take a title that opens with a Latin name for left-to-right); an
    English story on a Hebrew site left to right."""
    out = other_language_site(make_site, "en", "ar", "BBC: المجلس يقر الميزانية")
    page = lxml_html.parse(str(out / "2024" / "05" / "b" / "index.html")).getroot()
    assert [marks(e) for e in page.xpath("//body//*[@lang]")] == [("ar", "rtl")] * 5
    front = lxml_html.parse(str(out / "index.html")).getroot()
    assert [marks(e) for e in front.xpath("//body//*[@lang]")] == [("ar", "rtl")] * 2
    out = other_language_site(make_site, "he", "en-US", "Harbour walls finished")
    page = lxml_html.parse(str(out / "2024" / "05" / "b" / "index.html")).getroot()
    assert marks(page) == ("he", "rtl")
    assert [marks(e) for e in page.xpath("//body//*[@lang]")] == [("en-US", "ltr")] * 5


def test_on_a_right_to_left_site_its_own_stories_read_right_to_left_when_they_open_with_a_latin_name(make_site: MakeSite) -> None:
    """Arabic headlines and texts often open with a name in Latin letters (BBC, iPhone): as
    dir="auto", an Arabic site laid such a headline, and the whole text of a story whose first
    paragraph opened so, out left to right, its words in the wrong order for its readers. So
    did a Persian story on it (right to left as the site is, so given no direction)."""
    content = {
        "a.md": article_md("BBC: المجلس يقر الميزانية", body="CNN قالت إن المجلس اجتمع.\n\nوأضاف المندوب.", tags="[سياسة]"),
        "b.md": article_md("iPhone 16 در بازار", "2024-05-02T09:00:00+00:00", body="Apple گفت.", tags="[سياسة]", language="fa"),
        "c.md": article_md("Oil prices rise", "2024-05-03T09:00:00+00:00", body="Brent rose.", tags="[سياسة]", language="en"),
    }
    config = 'title = "T"\nbase_url = "https://example.org/"\nlanguage = "ar"\nsearch = false\n'
    site = make_site(content=content, config=config)
    assert build(site).ok
    out = site / "output"
    page = lxml_html.parse(str(out / "2024" / "05" / "a" / "index.html")).getroot()
    assert page.xpath("//h1/parent::div/@dir") == ["rtl"]
    assert page.xpath("//div[div[@class='body']]/@dir") == ["rtl"]
    persian = lxml_html.parse(str(out / "2024" / "05" / "b" / "index.html")).getroot()
    assert [marks(e) for e in persian.xpath("//article[@class='article']//*[@lang]")] == [("fa", "rtl")] * 2
    front = lxml_html.parse(str(out / "index.html")).getroot()
    cards = {e.text_content(): marks(e) for e in front.xpath("//article[contains(@class, 'card')]/h2")}
    assert cards == {"BBC: المجلس يقر الميزانية": (None, "rtl"), "iPhone 16 در بازار": ("fa", "rtl"), "Oil prices rise": ("en", "ltr")}
    month = lxml_html.parse(str(out / "archive" / "2024" / "05" / "index.html")).getroot()
    assert {a.text: marks(a) for a in month.xpath("//main//li/a")} == cards
    # Its neighbour's page names it as its card does.
    assert [marks(e) for e in persian.xpath("//nav[@class='article-nav']//span[@dir]")] == [(None, "rtl"), ("en", "ltr")]


@pytest.mark.parametrize(("site_language", "written"), [("en", "en"), ("en-GB", "en-gb"), ("de", "DE")])
def test_a_story_in_the_sites_own_language_is_built_as_one_that_does_not_say(make_site: MakeSite, tmp_path: Path, site_language: str, written: str) -> None:
    def built(language: str | None) -> dict[str, str]:
        content = {"a.md": article_md("A", tags="[World]", **({"language": language} if language else {})), "b.md": article_md("B", "2024-05-02T09:00:00+00:00")}
        site = make_site(content=content, config=f'title = "T"\nbase_url = "https://example.org/"\nlanguage = "{site_language}"\n', name=f"site-{language}")
        assert build(site).ok
        return tree(site / "output")

    assert built(written) == built(None)


def _backlink_titles(page: Path) -> list[str]:
    """The titles of the back-links of the footnotes of an article's page."""
    return [str(title) for title in lxml_html.parse(str(page)).xpath("//div[@class='body']//a[@class='footnote-backref']/@title")]


def test_a_footnotes_back_link_is_titled_in_the_articles_language(make_site: MakeSite) -> None:
    """Python-Markdown titles the link from a footnote back to its mark in English ("Jump
    back to footnote 1 in the text"), on a German page too. It is in the article's language:
    its own (front matter language) or the site's, from the catalogs as the theme's words
    are, a site's own catalog over the theme's. The conversion is kept by the text it was
    made of: a language or catalog changed, the next build titles it anew, as a clean build."""
    site = german_site(make_site)
    notes = "A claim[^1], another[^2] and the first again[^1].\n\n[^1]: The first note.\n[^2]: The second."
    (site / "content" / "n.md").write_text(article_md("Notes", "2024-10-06T09:00:00+02:00", body=notes), encoding="utf-8")
    (site / "content" / "f.md").write_text(article_md("Notes en français", "2024-10-07T09:00:00+02:00", body=notes, language="fr"), encoding="utf-8")
    out = site / "output"
    german, french = out / "2024" / "10" / "n" / "index.html", out / "2024" / "10" / "f" / "index.html"
    assert build(site).ok
    assert _backlink_titles(german) == ["Zurück zur Fußnote 1 im Text", "Zurück zur Fußnote 1 im Text", "Zurück zur Fußnote 2 im Text"]
    assert _backlink_titles(french) == ["Revenir à l’appel de la note 1 dans le texte"] * 2 + ["Revenir à l’appel de la note 2 dans le texte"]

    config = site / "sitegen.toml"
    scratch = site.parent / "clean"
    changes = [
        (lambda: config.write_text(config.read_text().replace('language = "de"', 'language = "en"')), "Jump back to footnote {} in the text"),
        (lambda: (site / "content" / "f.md").write_text((site / "content" / "f.md").read_text().replace("language: fr", "language: es")), "Jump back to footnote {} in the text"),
        (lambda: config.write_text(config.read_text().replace('language = "en"', 'language = "nl"')), "Terug naar voetnoot {} in de tekst"),
    ]
    for change, site_title in changes:
        change()
        assert build(site).ok
        assert _backlink_titles(german) == [site_title.format(n) for n in (1, 1, 2)]
        assert tree(out) == clean_build_of(site, scratch)
    assert _backlink_titles(french) == ["Volver a la nota 1 en el texto"] * 2 + ["Volver a la nota 2 en el texto"]
    # The site's own catalog, over the theme's: its title, and the theme's again once it is gone.
    own_catalog = site / "templates" / "locale" / "nl.po"
    own_catalog.parent.mkdir(parents=True)
    own_catalog.write_text((THEME / "locale" / "nl.po").read_text(encoding="utf-8").replace("Terug naar voetnoot", "Terug naar noot"), encoding="utf-8")
    assert build(site).ok
    assert _backlink_titles(german) == [f"Terug naar noot {n} in de tekst" for n in (1, 1, 2)]
    assert tree(out) == clean_build_of(site, scratch)
    own_catalog.unlink()
    assert build(site).ok
    assert _backlink_titles(german) == [f"Terug naar voetnoot {n} in de tekst" for n in (1, 1, 2)]
    assert tree(out) == clean_build_of(site, scratch)
