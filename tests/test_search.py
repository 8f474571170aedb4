"""Search: the Pagefind index built with the site, incremental like every output, and the
search page in a real browser."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import tempfile
import zlib
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode

import pytest
from browser import CHROMEDRIVER, CHROMIUM, browser, require, serve
from conftest import MakeSite, article_md
from lxml import html as lxml_html

from sitegen import ahead, ledger, parallel, render, search
from sitegen.build import BuildReport, build
from sitegen.output import MANIFEST

ARTICLES = {
    "cranes.md": article_md(
        "Harbour cranes arrive from Rotterdam",
        date="2024-05-03T09:00:00+00:00",
        body="Three cranes came in on a barge from Rotterdam overnight.\n\nThe cranes lift the new containers.",
        tags="[Business, Harbour]",
        author="Ada Quay",
    ),
    "council.md": article_md(
        "Council votes on the budget",
        date="2024-05-02T09:00:00+00:00",
        body="The vote was close. A councillor asked about a crane hired last year, and about Rotterdam's prices.",
        tags="[Politics]",
    ),
    "weather.md": article_md(
        "Storm closes the coast road",
        date="2024-05-01T09:00:00+00:00",
        body='Waves reached the road; the sign said &lt;img src=x onerror="window.pwned=1"&gt; in chalk.',
        tags="[Weather, Harbour]",
    ),
}


def bundle(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted((out / "pagefind").rglob("*")) if p.is_file()}


def fragments_in(folder: Path) -> list[dict[str, Any]]:
    found = []
    for path in sorted(folder.glob("fragment/*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        found.append(json.loads(data[data.index(b"{") :]))
    return found


def fragments(out: Path) -> list[dict[str, Any]]:
    """Pagefind's record of each indexed page (gzip, a signature, then JSON)."""
    return sorted((f for part in sorted((out / "pagefind").glob("*/")) for f in fragments_in(part)), key=lambda f: f["meta"]["url"])


def built(report: BuildReport) -> BuildReport:
    assert report.ok, report.errors
    return report


@pytest.fixture
def pagefind_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many documents each Pagefind run of the test indexed."""
    runs: list[int] = []

    class Counted(search.Running):
        def __init__(self, executable: str, docs: Any, folder: str) -> None:
            docs = list(docs)
            runs.append(len(docs))
            super().__init__(executable, docs, folder)

    monkeypatch.setattr(search, "Running", Counted)
    return runs


def test_the_index_holds_article_titles_text_tags_and_authors_only(make_site: MakeSite) -> None:
    site = make_site(content=ARTICLES, config='base_url = "https://example.org/news/"\n')
    built(build(site))
    out = site / "output"
    records = fragments(out)
    # Site paths: the search page puts them under the base path (/news/).
    assert [r["meta"]["url"] for r in records] == ["2024/05/council/", "2024/05/cranes/", "2024/05/weather/"]
    cranes = records[1]
    assert cranes["meta"]["title"] == "Harbour cranes arrive from Rotterdam" and cranes["meta"]["date"] == "3 May 2024"
    assert cranes["filters"] == {"tag": ["Business", "Harbour"], "author": ["Ada Quay"]}
    assert cranes["content"].startswith("Three cranes came in")
    # No navigation, footer or anything else of the page around the article.
    assert not any(word in r["content"] for r in records for word in ("Subscribe", "Archive", "Atom", "Previous article"))
    page = lxml_html.fromstring((out / "search" / "index.html").read_bytes())
    assert page.xpath("//form[@role='search']/@data-bundles") == ["/news/pagefind/1/ "]
    assert page.xpath("//form/@data-base") == ["/news/"]
    assert page.xpath("//select[@name='tag']/option/text()") == ["Any tag", "Business", "Harbour", "Politics", "Weather"]
    assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]
    home = lxml_html.fromstring((out / "index.html").read_bytes())
    assert home.xpath("//nav[@class='site-nav']/a[.='Search']/@href") == ["/news/search/"]
    # Other pages load nothing for search: no script at all.
    assert not home.xpath("//script[not(@type='application/ld+json')]")
    assert "search/" not in (out / "sitemap.xml").read_text()
    listed = json.loads((out / MANIFEST).read_text())
    assert "pagefind/1/pagefind.js" in listed and "pagefind/1/pagefind-entry.json" in listed
    # Pagefind's ready-made interfaces are not published: the search page has its own.
    assert not any("-ui." in path or "highlight" in path for path in listed)


def test_a_tag_spelt_two_ways_has_one_name_on_every_page_and_in_the_index(make_site: MakeSite) -> None:
    """"Sport" on one article and "sport" on another are one tag (one page): the search
    page's filter, which names tags, must find both, and the pages show the tag page's name."""
    site = make_site(
        content={
            "a.md": article_md("Cup final tonight", date="2024-05-01T09:00:00+00:00", tags="[sport]"),
            "b.md": article_md("Ground sold", date="2024-05-02T09:00:00+00:00", tags="[Sport, Business]"),
        }
    )
    out = site / "output"

    def shown(name: str) -> None:
        """Every article, the tag page, the search page's filter and the index name the tag ``name``."""
        assert [r["filters"]["tag"] for r in fragments(out) if r["meta"]["url"] != "2024/05/c/"] == [[name], [name, "Business"]]
        page = lxml_html.fromstring((out / "search" / "index.html").read_bytes())
        assert page.xpath("//select[@name='tag']/option/text()") == ["Any tag", "Business", name]
        for path in ("2024/05/a/", "2024/05/b/"):
            article = lxml_html.fromstring((out / path / "index.html").read_bytes())
            assert name in article.xpath("//p[@class='tags']/a/text()"), path
        assert lxml_html.fromstring((out / "tags" / "sport" / "index.html").read_bytes()).xpath("string(//h1)") == f"Tag: {name}"

    built(build(site))
    shown("Sport")  # the newest article's spelling
    # A newer article spells it otherwise: the older pages and the index follow.
    (site / "content" / "c.md").write_text(article_md("Final", date="2024-05-03T09:00:00+00:00", tags="[SPORT]"))
    built(build(site))
    shown("SPORT")


@pytest.mark.parametrize("body", ["", "![](/pictures/none.png)"])
def test_an_article_with_no_text_yet_is_found_by_its_title(make_site: MakeSite, body: str) -> None:
    """No words at all, or only a picture: Pagefind would leave it out, and fail on a site of
    such articles alone."""
    site = make_site(content={"empty.md": article_md("Floods close the coast road", body=body)})
    built(build(site))
    assert [(r["meta"]["url"], r["content"]) for r in fragments(site / "output")] == [("2024/05/empty/", "Floods close the coast road.")]


@pytest.mark.parametrize("body", ["…", "\\* \\* \\*", "&lt;&lt;&lt;", "— ? —"])
def test_an_article_whose_text_has_no_word_is_found_by_its_title(make_site: MakeSite, body: str) -> None:
    """Text of punctuation alone shows on the page, but Pagefind finds no word in it: it
    left the page out, and a site of such articles alone failed to build."""
    site = make_site(content={"dots.md": article_md("Floods close the coast road", body=body)})
    built(build(site))
    [(url, content)] = [(r["meta"]["url"], r["content"]) for r in fragments(site / "output")]
    assert url == "2024/05/dots/" and content.startswith("Floods close the coast road.")


def test_search_off_builds_no_index_no_page_and_no_link(make_site: MakeSite) -> None:
    site = make_site(content=ARTICLES)
    built(build(site))
    out = site / "output"
    assert (out / "pagefind" / "1" / "pagefind.js").is_file()
    (site / "sitegen.toml").write_text("search = false\n")
    report = built(build(site))
    assert not (out / "pagefind").exists() and not (out / "search").exists()
    assert "pagefind/1/pagefind.js" in report.written.removed
    assert not lxml_html.fromstring((out / "index.html").read_bytes()).xpath("//a[.='Search']")
    assert not any(p.startswith(("pagefind/", "search/")) for p in json.loads((out / MANIFEST).read_text()))


def test_the_not_found_page_offers_a_search_for_the_story_and_none_with_search_off(make_site: MakeSite) -> None:
    site = make_site(content=ARTICLES, config='base_url = "https://example.org/news/"\n')
    built(build(site))
    missing = lxml_html.fromstring((site / "output" / "404.html").read_bytes())
    (form,) = missing.xpath("//main//form[@role='search']")
    # A plain GET to the search page, which searches an address with ?q= at once.
    assert (form.get("action"), form.get("method")) == ("/news/search/", "get")
    (field,) = form.xpath(".//input[@name='q']")
    assert missing.xpath(f"string(//label[@for='{field.get('id')}'])") == "Words to find"
    (site / "sitegen.toml").write_text('base_url = "https://example.org/news/"\nsearch = false\n')
    built(build(site))
    assert not lxml_html.fromstring((site / "output" / "404.html").read_bytes()).xpath("//form")


def test_a_site_with_no_articles_builds_and_says_there_is_nothing_to_search(make_site: MakeSite, pagefind_runs: list[int]) -> None:
    site = make_site()
    built(build(site))
    out = site / "output"
    assert "nothing to search yet" in (out / "search" / "index.html").read_text()
    assert not (out / "pagefind").exists() and pagefind_runs == []


def test_reindexing_only_when_what_is_indexed_changes(make_site: MakeSite, pagefind_runs: list[int]) -> None:
    site = make_site(content=ARTICLES)
    built(build(site, jobs=1))
    out = site / "output"
    assert pagefind_runs == [3]
    first = bundle(out)

    # Nothing changed: nothing is written, Pagefind does not run.
    report = built(build(site, jobs=1))
    assert report.written.written == [] and pagefind_runs == [3]

    # A template change re-renders pages, never the index.
    (site / "templates").mkdir()
    (site / "templates" / "article.html").write_text(
        (Path(__file__).parent.parent / "templates" / "article.html").read_text().replace("Published", "First published")
    )
    report = built(build(site, jobs=1))
    assert report.written.written and not any(p.startswith("pagefind/") for p in report.written.written)
    assert pagefind_runs == [3] and bundle(out) == first

    # So does a setting the index does not hold, such as the base URL.
    (site / "sitegen.toml").write_text('base_url = "https://example.org/elsewhere/"\n')
    built(build(site, jobs=1))
    assert pagefind_runs == [3] and bundle(out) == first

    # A change to an article's text reindexes, once.
    (site / "content" / "council.md").write_text(ARTICLES["council.md"].replace("The vote was close.", "The vote was a tie."))
    report = built(build(site, jobs=1))
    assert pagefind_runs == [3, 3]
    changed = [p for p in report.written.written if p.startswith("pagefind/")]
    assert changed and "pagefind/1/pagefind.js" not in changed  # unchanged files are not rewritten
    assert any("a tie" in r["content"] for r in fragments(out))
    assert set(bundle(out)) == {p for p in json.loads((out / MANIFEST).read_text()) if p.startswith("pagefind/")}


def test_the_index_is_in_parts_by_publication_number_and_an_edit_reindexes_one(make_site: MakeSite, pagefind_runs: list[int]) -> None:
    site = make_site(content=ARTICLES, config="search_part_size = 2\n")
    built(build(site, jobs=1))
    out = site / "output"
    # Numbered in order of publication: weather 1, council 2 (part 1), cranes 3 (part 2).
    by_part = {
        folder.name: sorted(r["meta"]["url"] for r in fragments_in(folder)) for folder in sorted((out / "pagefind").iterdir())
    }
    assert by_part == {"1": ["2024/05/council/", "2024/05/weather/"], "2": ["2024/05/cranes/"]}
    assert pagefind_runs == [2, 1]
    page = lxml_html.fromstring((out / "search" / "index.html").read_bytes())
    assert page.xpath("//form/@data-bundles") == ["/pagefind/1/ /pagefind/2/ "]

    # An edit reindexes its part alone; the other part's files are not touched.
    (site / "content" / "cranes.md").write_text(ARTICLES["cranes.md"].replace("overnight", "at dawn"))
    report = built(build(site, jobs=1))
    assert pagefind_runs == [2, 1, 1]
    assert {p.split("/")[1] for p in report.written.written if p.startswith("pagefind/")} == {"2"}

    # A new article takes the next number: part 2, and part 1 is left alone again.
    (site / "content" / "ferry.md").write_text(article_md("Ferry timetable changes", date="2024-04-01T09:00:00+00:00", body="Fewer sailings."))
    report = built(build(site, jobs=1))
    assert pagefind_runs == [2, 1, 1, 2]
    assert {p.split("/")[1] for p in report.written.written if p.startswith("pagefind/")} == {"2"}

    # A part whose articles are all gone goes, and the search page no longer loads it.
    (site / "content" / "weather.md").unlink()
    (site / "content" / "council.md").unlink()
    report = built(build(site, jobs=1))
    assert not (out / "pagefind" / "1").exists() and "pagefind/1/pagefind-entry.json" in report.written.removed
    assert pagefind_runs == [2, 1, 1, 2]  # part 2 did not change
    page = lxml_html.fromstring((out / "search" / "index.html").read_bytes())
    assert page.xpath("//form/@data-bundles") == ["/pagefind/2/ "]

    # The parts are what a clean build of the same articles gives.
    shutil.rmtree(site / ".sitegen-cache")
    built(build(site, jobs=1, output_dir=site / "clean"))
    assert bundle(out) == bundle(site / "clean")


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_index_file_lost_from_the_output_is_made_again(make_site: MakeSite, pagefind_runs: list[int], monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """On two jobs too, where a process ahead has looked at the output folder before the
    build plans the index's files (ahead.py)."""
    foresee = ahead.foresee
    looked: list[bool] = []

    def noting(*args: Any) -> ahead.Foreseen:
        foreseen = foresee(*args)
        looked.append(foreseen.not_as_written() is not None)
        return foreseen

    site = make_site(content=ARTICLES)
    built(build(site, jobs=jobs))
    out = site / "output"
    first = bundle(out)
    fragment = next((out / "pagefind" / "1" / "fragment").iterdir())
    fragment.unlink()
    # No theme kept from the first build: on two jobs, a process ahead looks (ahead.foresee).
    monkeypatch.setattr(ahead, "COMPILED", ahead.CompiledThemes())
    monkeypatch.setattr(ahead, "foresee", noting)
    report = built(build(site, jobs=jobs))
    assert looked == [jobs == 2]
    assert report.written.written == [fragment.relative_to(out).as_posix()]
    assert bundle(out) == first and pagefind_runs == [3, 3]


def test_when_pagefind_fails_the_last_index_stays(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(content=ARTICLES)
    built(build(site, jobs=1))
    out = site / "output"
    first = bundle(out)

    def broken(executable: str, docs: Any, folder: str) -> search.Running:
        raise search.OutputError(folder, "Pagefind failed (exit status 1): no space")

    monkeypatch.setattr(search, "Running", broken)
    (site / "content" / "council.md").write_text(ARTICLES["council.md"].replace("close", "tied"))
    report = build(site, jobs=1)
    assert [str(e) for e in report.errors] == ["pagefind/1: Pagefind failed (exit status 1): no space"]
    # The entry failed, with its compressed copies: all three keep their last version.
    assert bundle(out) == first and report.failed == ["pagefind/1/pagefind-entry.json", "pagefind/1/pagefind-entry.json.br", "pagefind/1/pagefind-entry.json.gz"]
    assert "tied" in (out / "2024" / "05" / "council" / "index.html").read_text()
    # Pagefind works again: the next build, with nothing else changed, makes the index.
    monkeypatch.undo()
    built(build(site, jobs=1))
    assert any("tied" in r["content"] for r in fragments(out))


def test_without_pagefind_the_site_builds_and_says_why_there_is_no_index(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> str:
        raise search.OutputError(search.BUNDLE, "Pagefind is not installed: pip install 'pagefind[bin]', or set search = false in sitegen.toml")

    monkeypatch.setattr(search, "_executable", missing)
    site = make_site(content=ARTICLES, config="search_part_size = 1\n")  # three parts of the index, one cause: said once
    report = build(site, jobs=1)
    assert [e.reason for e in report.errors] == ["Pagefind is not installed: pip install 'pagefind[bin]', or set search = false in sitegen.toml"]
    out = site / "output"
    assert (out / "2024" / "05" / "cranes" / "index.html").is_file() and not (out / "pagefind").exists()
    monkeypatch.undo()
    built(build(site, jobs=1))  # installed now: nothing else changed, and the index is made
    assert (out / "pagefind" / "1" / "pagefind-entry.json").is_file()


@pytest.mark.parametrize("in_memory", [True, False], ids=["in memory", "no room in memory"])
def test_the_working_folder_of_a_killed_build_is_removed_by_the_next_run(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_memory: bool
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    monkeypatch.setattr(search, "MEMORY_FOLDER", str(tmp_path / "shm"))
    if not in_memory:
        monkeypatch.setattr(search, "MEMORY_ROOM", 2**62)
    gone = subprocess.Popen(["true"])  # a process that has ended
    gone.wait()
    leftovers, alive = [], []
    for folder in ("tmp", "shm"):  # a killed build may have worked in either
        (tmp_path / folder).mkdir()
        leftovers.append(tmp_path / folder / f"sitegen-search-{gone.pid}-abc123")
        (leftovers[-1] / "site").mkdir(parents=True)
        alive.append(tmp_path / folder / f"sitegen-search-{os.getpid()}-def456")  # a build still running
        alive[-1].mkdir()
    worked_in: list[str] = []
    made = tempfile.TemporaryDirectory

    def spy(**kwargs: str) -> tempfile.TemporaryDirectory[str]:
        worked_in.append(kwargs["dir"])
        return made(**kwargs)

    monkeypatch.setattr(search.tempfile, "TemporaryDirectory", spy)
    site = make_site(content=ARTICLES)
    built(build(site, jobs=1))
    assert worked_in == [str(tmp_path / ("shm" if in_memory else "tmp"))]
    assert not any(p.exists() for p in leftovers) and all(p.exists() for p in alive)
    for folder in ("tmp", "shm"):  # its own folder is gone too
        assert sorted(p.name for p in (tmp_path / folder).iterdir()) == [f"sitegen-search-{os.getpid()}-def456"]


def test_pagefind_works_in_the_temporary_folder_where_there_is_no_folder_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(search, "MEMORY_FOLDER", str(tmp_path / "absent"))
    assert search.scratch_root() == str(tmp_path)


def test_two_clean_builds_give_the_same_index(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site(content=ARTICLES)
    built(build(site, output_dir=tmp_path / "one"))
    shutil.rmtree(site / ".sitegen-cache")
    built(build(site, output_dir=tmp_path / "two"))
    one, two = bundle(tmp_path / "one"), bundle(tmp_path / "two")
    assert one == two and len(one) > 10


def test_a_german_reader_is_told_what_was_found_in_german_word_order(make_site: MakeSite, tmp_path: Path, no_proxy: None) -> None:
    require("Chromium and chromedriver", CHROMIUM is not None and CHROMEDRIVER is not None)
    from selenium.webdriver.support.ui import WebDriverWait

    site = make_site(content=ARTICLES, config='language = "de"\n')
    built(build(site))

    def status(driver: Any) -> str:
        return str(driver.execute_script("return document.getElementById('search-status').textContent"))

    with serve(site / "output") as url, browser() as driver:
        wait = WebDriverWait(driver, 15)
        # One sentence each, the verb last, as German has it (it was "1 Artikel gefunden für
        # „budget“ in Politics": English order, pieced together).
        for query, said in [
            ("q=budget&tag=politics", "1 Artikel für „budget“ in Politics gefunden."),
            ("q=cranes", "2 Artikel für „cranes“ gefunden."),
            ("tag=politics", "1 Artikel in Politics gefunden."),
            ("q=xylophone", "Keine Artikel für „xylophone“ gefunden."),
        ]:
            driver.get(url + "search/?" + query)
            wait.until(lambda d: status(d).endswith("."))
            assert status(driver) == said


def test_a_reader_finds_the_article_in_a_browser_under_a_sub_path(make_site: MakeSite, tmp_path: Path, no_proxy: None) -> None:
    require("Chromium and chromedriver", CHROMIUM is not None and CHROMEDRIVER is not None)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    # Results come from both parts of the index.
    site = make_site(content=ARTICLES, config='base_url = "https://example.org/news/"\nsearch_part_size = 2\n')
    www = tmp_path / "www"
    built(build(site, output_dir=www / "news"))

    def results(driver: Any) -> list[tuple[str, str]]:
        # Read at once: the list is replaced as the reader types.
        found = driver.execute_script("return [...document.querySelectorAll('#search-results h2 a')].map(a => [a.textContent, a.href])")
        return [(str(title), str(href)) for title, href in found]

    def status(driver: Any) -> str:
        return str(driver.execute_script("return document.getElementById('search-status').textContent"))

    def fetched(driver: Any) -> list[str]:
        return [str(name) for name in driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")]

    with serve(www) as url, browser() as driver:
        wait = WebDriverWait(driver, 15)
        driver.get(url + "news/")
        driver.find_element(By.LINK_TEXT, "Search").click()
        wait.until(lambda d: d.current_url == url + "news/search/")
        assert not any("pagefind" in name for name in fetched(driver))  # nothing until the reader searches
        box = driver.find_element(By.ID, "search-query")
        box.send_keys("cranes rotterdam")
        wait.until(lambda d: "rotterdam" in status(d))
        found = results(driver)
        assert found[0] == ("Harbour cranes arrive from Rotterdam", url + "news/2024/05/cranes/")
        assert "Council votes on the budget" in [title for title, _ in found]
        assert status(driver).startswith("2 articles found")
        assert driver.execute_script("return location.search") == "?q=cranes+rotterdam"

        # Words of the title alone find the article too.
        box.clear()
        box.send_keys("budget")
        wait.until(lambda d: "budget" in status(d))
        assert [title for title, _ in results(driver)] == ["Council votes on the budget"]

        # A tag narrows the results.
        Select(driver.find_element(By.ID, "search-tag")).select_by_visible_text("Politics")
        wait.until(lambda d: "in Politics" in status(d))
        assert [title for title, _ in results(driver)] == ["Council votes on the budget"]

        # A tag in the address as a person types it is the site's tag (it was ignored, and
        # every article searched); one the site has not is said so.
        driver.get(url + "news/search/?q=cranes&tag=business")
        wait.until(lambda d: "in Business" in status(d))
        assert Select(driver.find_element(By.ID, "search-tag")).first_selected_option.text == "Business"
        assert [title for title, _ in results(driver)] == ["Harbour cranes arrive from Rotterdam"]
        driver.get(url + "news/search/?q=budget&tag=Sport")
        wait.until(lambda d: "found" in status(d))
        assert status(driver) == "There is no tag “Sport” here: every article is searched. 1 article found for “budget”."

        # An address with a query searches at once; text that looks like HTML stays text.
        driver.get(url + "news/search/?q=chalk")
        wait.until(results)
        assert results(driver) == [("Storm closes the coast road", url + "news/2024/05/weather/")]
        excerpt = driver.find_element(By.CSS_SELECTOR, "#search-results .summary")
        assert '<img src=x onerror="window.pwned=1">' in excerpt.text
        assert excerpt.find_elements(By.TAG_NAME, "mark") and not excerpt.find_elements(By.TAG_NAME, "img")
        assert driver.execute_script("return window.pwned") is None

        driver.find_element(By.CSS_SELECTOR, "#search-results h2 a").click()
        wait.until(lambda d: d.current_url == url + "news/2024/05/weather/")
        assert driver.find_element(By.TAG_NAME, "h1").text == "Storm closes the coast road"


def test_search_works_in_a_relative_build_served_from_any_folder(make_site: MakeSite, tmp_path: Path, no_proxy: None) -> None:
    """``--relative`` output links by relative paths: the parts of the index are fetched from
    Pagefind's worker, where such a path would be read against the worker's address."""
    require("Chromium and chromedriver", CHROMIUM is not None and CHROMEDRIVER is not None)
    from selenium.webdriver.support.ui import WebDriverWait

    site = make_site(content=ARTICLES, config="search_part_size = 2\n")
    www = tmp_path / "www"
    built(build(site, output_dir=www / "some" / "folder", overrides={"relative": True}))
    with serve(www) as url, browser() as driver:
        driver.get(url + "some/folder/search/?q=rotterdam")
        WebDriverWait(driver, 15).until(lambda d: d.find_elements("css selector", "#search-results h2 a"))
        links = driver.execute_script("return [...document.querySelectorAll('#search-results h2 a')].map(a => a.href)")
        assert sorted(links) == [url + "some/folder/2024/05/council/", url + "some/folder/2024/05/cranes/"]
        # Opened from disk, the index cannot load: the page says what to do instead.
        driver.get((www / "some" / "folder" / "search" / "index.html").as_uri() + "?q=rotterdam")
        said = "return document.getElementById('search-status').textContent"
        WebDriverWait(driver, 15).until(lambda d: "served over HTTP" in d.execute_script(said))


def test_an_index_in_parts_finds_what_one_index_finds(make_site: MakeSite, tmp_path: Path, no_proxy: None) -> None:
    """Pagefind drops a word an index does not hold: a part without one of the words would
    answer for the others alone ("rotterdam chalk": the cranes story, from the part where
    no story says chalk). The page keeps what every word finds, as one index does."""
    require("Chromium and chromedriver", CHROMIUM is not None and CHROMEDRIVER is not None)
    from selenium.webdriver.support.ui import WebDriverWait

    site = make_site(content=ARTICLES)
    www = tmp_path / "www"
    built(build(site, output_dir=www / "one", overrides={"relative": True}))  # served from any folder
    built(build(site, output_dir=www / "parts", overrides={"relative": True, "search_part_size": 1}))
    assert len(list((www / "parts" / "pagefind").iterdir())) == 3
    queries = ["rotterdam chalk", "cranes zzzz", "cranes rotterdam", "zzzz", "road", "the vote", "harbour cranes barge"]

    def answers(driver: Any, url: str) -> dict[str, tuple[str, list[str]]]:
        found = {}
        for query in queries:
            driver.get(url + "search/?" + urlencode({"q": query}))
            WebDriverWait(driver, 15).until(lambda d: d.execute_script("return document.getElementById('search-status').textContent"))
            status = str(driver.execute_script("return document.getElementById('search-status').textContent"))
            titles = driver.execute_script("return [...document.querySelectorAll('#search-results h2 a')].map(a => a.textContent)")
            found[query] = (status, sorted(titles))
        return found

    with serve(www) as url, browser() as driver:
        one, parts = answers(driver, url + "one/"), answers(driver, url + "parts/")
    assert parts == one, (one, parts)
    assert one["rotterdam chalk"][1] == [] and one["cranes zzzz"][1] == ["Council votes on the budget", "Harbour cranes arrive from Rotterdam"], one


def test_the_search_page_is_published_after_the_parts_it_names(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader who opens the search page while a build publishes never finds it naming a
    part whose entry is not there yet, nor an entry naming files not there yet."""
    from sitegen import memo

    order: list[str] = []
    real = memo.publish

    def recorded(staged: Any) -> Any:
        staged = list(staged)
        order.extend(Path(item.target).relative_to(out).as_posix() for item in staged)
        return real(staged)

    monkeypatch.setattr(memo, "publish", recorded)
    site = make_site(content=ARTICLES, config="compress = false\nsearch_part_size = 2\n")
    out = site / "output"
    built(build(site, jobs=1))
    at = {path: i for i, path in enumerate(order)}
    entries = [p for p in order if p.endswith("pagefind-entry.json")]
    assert len(entries) == 2
    for entry in entries:
        part = entry.removesuffix("pagefind-entry.json")
        assert max(at[p] for p in order if p.startswith(part) and p != entry) < at[entry] < at["search/index.html"]
    assert max(at[p] for p in order if p.startswith("2024/")) < min(at[p] for p in order if p.startswith("pagefind/"))
    assert max(at[p] for p in order if p.endswith(".html")) < min(at[p] for p in ("atom.xml", "rss.xml", "feed.json"))


def test_pagefind_works_while_the_other_files_are_rendered(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reindexing an edited article's part took as long as the rest of the build, one
    after the other: Pagefind now starts before any page is rendered and is waited for
    after, and its process ends before the build does."""
    site = make_site(content=ARTICLES)
    built(build(site, jobs=1))
    events: list[str] = []
    runs: list[search.Running] = []

    class Watched(search.Running):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            events.append("pagefind started")
            runs.append(self)

        def files(self) -> dict[str, bytes]:
            events.append("pagefind waited for")
            return super().files()

    rendered = render.Renderer.render

    def watched(self: render.Renderer, page: Any) -> Any:
        events.append("page rendered")
        return rendered(self, page)

    monkeypatch.setattr(search, "Running", Watched)
    monkeypatch.setattr(render.Renderer, "render", watched)
    (site / "content" / "council.md").write_text(ARTICLES["council.md"].replace("close", "tied"))
    report = built(build(site, jobs=1))
    assert events[0] == "pagefind started" and events.index("pagefind waited for") > events.index("page rendered")
    assert [run._process.returncode for run in runs] == [0]
    assert any(r["content"].startswith("The vote was tied") for r in fragments(site / "output"))
    assert "2024/05/council/index.html" in report.written.written


def test_a_build_that_fails_while_pagefind_works_ends_it(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Interrupted (Ctrl-C) or failed while Pagefind indexes: no Pagefind is left running,
    and its scratch folder, a copy of every article of the part, goes."""
    site = make_site(content=ARTICLES)
    runs: list[search.Running] = []

    class Watched(search.Running):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            runs.append(self)

    def interrupted(self: render.Renderer, page: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(search, "Running", Watched)
    monkeypatch.setattr(render.Renderer, "render", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(site, jobs=1)
    assert len(runs) == 1 and runs[0]._process.returncode is not None
    assert not Path(runs[0]._scratch.name).exists()


class _Started(search.Running):
    """A Pagefind run that notes its start in ``events`` and is kept in ``runs``."""

    events: ClassVar[list[str]] = []
    runs: ClassVar[list[search.Running]] = []

    def __init__(self, executable: str, docs: Any, folder: str) -> None:
        super().__init__(executable, docs, folder)
        self.events.append(f"pagefind started on {folder}")
        self.runs.append(self)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> type[_Started]:
    """Pagefind's runs, and when they started against the ledger's dating of the site."""
    monkeypatch.setattr(_Started, "events", [])
    monkeypatch.setattr(_Started, "runs", [])
    monkeypatch.setattr(search, "Running", _Started)
    history = ledger.work_out_history

    def dated(*args: Any, **kwargs: Any) -> Any:
        _Started.events.append("the ledger dates the articles")
        return history(*args, **kwargs)

    monkeypatch.setattr(ledger, "work_out_history", dated)
    return _Started


def _whole(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and p.name != MANIFEST}


def test_a_new_part_size_reindexes_every_part_and_the_parts_no_longer_made_go(make_site: MakeSite, tmp_path: Path, pagefind_runs: list[int]) -> None:
    """search_part_size changed: the articles are indexed anew in parts of the new size (a
    part of the old size is no part of the new one, though it has its folder), the search
    page loads the new parts, and the files of parts no longer made are removed."""
    site = make_site(content=ARTICLES)
    built(build(site, jobs=1))
    out = site / "output"
    assert sorted(p.name for p in (out / "pagefind").iterdir()) == ["1"] and pagefind_runs == [3]
    config = site / "sitegen.toml"
    config.write_text("search_part_size = 1\n", encoding="utf-8")
    built(build(site, jobs=1))
    assert sorted(p.name for p in (out / "pagefind").iterdir()) == ["1", "2", "3"] and sorted(pagefind_runs[1:]) == [1, 1, 1]
    by_part = {folder.name: [r["meta"]["url"] for r in fragments_in(folder)] for folder in sorted((out / "pagefind").iterdir())}
    assert by_part == {"1": ["2024/05/weather/"], "2": ["2024/05/council/"], "3": ["2024/05/cranes/"]}
    page = lxml_html.fromstring((out / "search" / "index.html").read_bytes())
    assert page.xpath("//form/@data-bundles") == ["/pagefind/1/ /pagefind/2/ /pagefind/3/ "]
    _as_clean(site, tmp_path)
    config.write_text("search_part_size = 2\n", encoding="utf-8")
    built(build(site, jobs=1))
    assert sorted(p.name for p in (out / "pagefind").iterdir()) == ["1", "2"]
    shutil.rmtree(tmp_path / "clean")
    _as_clean(site, tmp_path)


def _as_clean(site: Path, tmp_path: Path) -> None:
    """The output as a clean build of the same sources makes it."""
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("output", ".sitegen-cache"))
    built(build(clean, jobs=1))
    assert _whole(site / "output") == _whole(clean / "output")


def _built_then_edited(make_site: MakeSite, started: type[_Started]) -> Path:
    """A site in two parts of the index (weather and council, then cranes), built, then
    cranes (part 2) edited; Pagefind's runs noted from then on."""
    site = make_site(content=ARTICLES, config="search_part_size = 2\n")
    built(build(site, jobs=1))
    started.events.clear()
    started.runs.clear()
    (site / "content" / "cranes.md").write_text(ARTICLES["cranes.md"].replace("overnight", "at dawn"))
    return site


def test_an_edited_articles_part_is_indexed_from_before_the_ledger_dates_the_site(
    make_site: MakeSite, tmp_path: Path, started: type[_Started], monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an edit, Pagefind starts on the edited article's part as the articles are read,
    numbered as the ledger has them, not once the site is known: the run is the part's
    (one run, no other), and the index is a clean build's."""
    site = _built_then_edited(make_site, started)
    report = built(build(site))
    assert started.events[:2] == ["pagefind started on pagefind/2/", "the ledger dates the articles"]
    assert started.events.count("pagefind started on pagefind/2/") == 1 and len(started.runs) == 1
    assert {p.split("/")[1] for p in report.written.written if p.startswith("pagefind/")} == {"2"}
    assert any("at dawn" in r["content"] for r in fragments(site / "output"))
    _as_clean(site, tmp_path)


def test_a_part_a_new_article_joins_is_not_indexed_before_the_site_is_known(
    make_site: MakeSite, tmp_path: Path, started: type[_Started], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit and a new article in the same part: the ledger's numbering of the part lacks
    the new one, so no run is started on it ahead (it would only be ended); the part is
    indexed once, when the site is known, and the index is a clean build's."""
    site = _built_then_edited(make_site, started)
    (site / "content" / "ferry.md").write_text(article_md("Ferry timetable changes", date="2024-05-04T09:00:00+00:00", body="Fewer sailings."))
    report = built(build(site))
    assert started.events == ["the ledger dates the articles", "pagefind started on pagefind/2/"]
    assert {p.split("/")[1] for p in report.written.written if p.startswith("pagefind/")} == {"2"}
    assert sorted(r["meta"]["url"] for r in fragments_in(site / "output" / "pagefind" / "2")) == ["2024/05/cranes/", "2024/05/ferry/"]
    _as_clean(site, tmp_path)


def test_a_story_held_back_until_its_date_does_not_stop_the_part_being_indexed_ahead(
    make_site: MakeSite, tmp_path: Path, started: type[_Started], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new story dated next year takes no number yet: the edited article's part is the
    ledger's, and the run started on it ahead is taken."""
    site = _built_then_edited(make_site, started)
    (site / "content" / "ferry.md").write_text(article_md("Ferry timetable changes", date="2099-05-04T09:00:00+00:00", body="Fewer sailings."))
    built(build(site))
    assert started.events == ["pagefind started on pagefind/2/", "the ledger dates the articles"]
    assert [r["meta"]["url"] for r in fragments_in(site / "output" / "pagefind" / "2")] == ["2024/05/cranes/"]
    _as_clean(site, tmp_path)


def test_a_run_guessed_on_other_documents_is_ended_not_taken(make_site: MakeSite, started: type[_Started], monkeypatch: pytest.MonkeyPatch) -> None:
    """A part's documents not those its run was started on (or another Pagefind): the run is
    ended, its scratch folder gone, and the part is to start one of its own."""
    pagefind = search.Pagefind.find()
    docs = (("0.html", "<html><body><main data-pagefind-body><p>One story.</p></main></body></html>"),)
    for other_executable, other_docs in ((pagefind.executable, (*docs, ("1.html", docs[0][1]))), (pagefind.executable + "-other", docs)):
        guessed = search.Guess({"pagefind/1/": search.Started(pagefind.executable, docs, search.Running(pagefind.executable, docs, "pagefind/1/"))})
        run = started.runs[-1]
        assert guessed.take("pagefind/1/", other_executable, other_docs) is None and "pagefind/1/" not in guessed
        assert run._process.returncode is not None and not Path(run._scratch.name).exists()
    guessed = search.Guess({"pagefind/1/": search.Started(pagefind.executable, docs, search.Running(pagefind.executable, docs, "pagefind/1/"))})
    assert guessed.take("pagefind/1/", pagefind.executable, docs) is started.runs[-1]
    assert started.runs[-1].files()


def test_a_build_stopped_while_an_edited_part_is_indexed_ahead_ends_pagefind(
    make_site: MakeSite, started: type[_Started], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the ledger dates the site, a Pagefind run started before: no Pagefind is
    left running, and its scratch folder goes."""
    site = make_site(content=ARTICLES)
    built(build(site, jobs=1))
    started.runs.clear()

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(ledger, "work_out_history", interrupted)
    (site / "content" / "council.md").write_text(ARTICLES["council.md"].replace("close", "tied"))
    with pytest.raises(KeyboardInterrupt):
        build(site)
    assert len(started.runs) == 1
    assert started.runs[0]._process.returncode is not None and not Path(started.runs[0]._scratch.name).exists()


def test_a_build_stopped_while_the_parts_are_started_ends_the_run_taken_ahead(
    make_site: MakeSite, started: type[_Started], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while Pagefind starts on a second part, the edited article's part having taken
    the run started ahead: that run is ended too, its scratch folder gone (no Pagefind
    process is left to run on, nor a zombie)."""
    monkeypatch.setattr(search, "default_jobs", lambda: 2)
    site = make_site(content=ARTICLES, config="search_part_size = 2\n")
    built(build(site, jobs=1))
    started.runs.clear()
    first = _Started.__init__

    def second_interrupted(self: _Started, *args: Any) -> None:
        if started.runs:
            raise KeyboardInterrupt
        first(self, *args)

    monkeypatch.setattr(_Started, "__init__", second_interrupted)
    (site / "content" / "council.md").write_text(ARTICLES["council.md"].replace("close", "tied"))
    (site / "content" / "ferry.md").write_text(article_md("Ferry timetable changes", date="2024-05-04T09:00:00+00:00", body="Fewer sailings."))
    with pytest.raises(KeyboardInterrupt):
        build(site)
    assert [run.folder for run in started.runs] == ["pagefind/1/"]
    assert started.runs[0]._process.returncode is not None and not Path(started.runs[0]._scratch.name).exists()


def test_another_zlib_makes_the_index_files_it_writes_again(make_site: MakeSite, tmp_path: Path, pagefind_runs: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """The filter and metadata files put in order are gzipped by the zlib Python runs with,
    the system's, which no package version names: another one, writing other bytes, and
    nothing else changed, the index is made again, as a clean build makes it."""
    site = make_site(content=ARTICLES)
    built(build(site, jobs=1))
    assert built(build(site)).cache == "up to date: nothing to do"
    pagefind_runs.clear()
    real = gzip.compress
    monkeypatch.setattr(zlib, "ZLIB_RUNTIME_VERSION", "0.0.1")
    monkeypatch.setattr(gzip, "compress", lambda data, compresslevel=9, *, mtime=None: real(data, 1, mtime=mtime))
    report = built(build(site))
    assert report.cache != "up to date: nothing to do" and pagefind_runs == [3]
    _as_clean(site, tmp_path)


def test_parts_indexed_side_by_side_are_those_indexed_one_by_one(make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind runs for several parts at once (one process per CPU): the same bundles as one
    run after another, and the runs overlap where there are CPUs for them."""
    site = make_site(content=ARTICLES, config="search_part_size = 1\n")
    running, overlapped = [0], [0]

    class Counted(search.Running):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            running[0] += 1
            overlapped[0] = max(overlapped[0], running[0])

        def files(self) -> dict[str, bytes]:
            try:
                return super().files()
            finally:
                running[0] -= 1

    monkeypatch.setattr(search, "Running", Counted)
    built(build(site, output_dir=tmp_path / "side-by-side", jobs=1))
    assert overlapped[0] == min(3, parallel.default_jobs()) and running[0] == 0
    monkeypatch.setattr(search, "default_jobs", lambda: 1)
    overlapped[0] = 0
    built(build(site, output_dir=tmp_path / "one-by-one", jobs=1))
    assert overlapped[0] == 1
    side, one = (sorted(p.relative_to(tmp_path / name) for p in (tmp_path / name).rglob("*") if p.is_file()) for name in ("side-by-side", "one-by-one"))
    assert side == one and any(str(p).startswith("pagefind/3/") for p in side)
    for path in side:
        if not path.name.startswith(".sitegen"):
            assert (tmp_path / "side-by-side" / path).read_bytes() == (tmp_path / "one-by-one" / path).read_bytes(), path


GERMAN = article_md("Der Hafen wächst weiter", date="2024-05-04T09:00:00+00:00", body="Die Kaimauer ist fertig; die Kräne kommen im Juni.", language="de", tags="[Harbour]")


def test_a_story_in_another_language_is_in_the_sites_index_its_language_noted(make_site: MakeSite) -> None:
    """Pagefind makes an index of each language its pages name, and the search page loads
    its own language's: indexed as German, a German story of an English site would be found
    by no search. It is indexed in the site's language, noted as German for its result."""
    site = make_site(content={**ARTICLES, "hafen.md": GERMAN})
    built(build(site))
    entry = json.loads((site / "output" / "pagefind" / "1" / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["en"]
    records = {r["meta"]["url"]: r for r in fragments(site / "output")}
    assert records["2024/05/hafen/"]["content"].startswith("Die Kaimauer ist fertig")
    assert {url: r["meta"].get("language") for url, r in records.items()} == {url: "de" if "hafen" in url else None for url in records}


def test_a_reader_finds_a_story_in_another_language_and_its_result_is_marked_as_in_it(make_site: MakeSite, no_proxy: None) -> None:
    require("Chromium and chromedriver", CHROMIUM is not None and CHROMEDRIVER is not None)
    from selenium.webdriver.support.ui import WebDriverWait

    site = make_site(content={**ARTICLES, "hafen.md": GERMAN})
    built(build(site))
    found = "return [...document.querySelectorAll('#search-results li')].map(li => [...li.querySelectorAll('a, .summary')].map(e => [e.textContent, e.lang]))"
    with serve(site / "output") as url, browser() as driver:
        driver.get(url + "search/?q=kaimauer")
        WebDriverWait(driver, 15).until(lambda d: d.execute_script(found))
        assert driver.execute_script(found) == [[["Der Hafen wächst weiter", "de"], ["Die Kaimauer ist fertig; die Kräne kommen im Juni.", "de"]]]
        driver.get(url + "search/?q=cranes")
        WebDriverWait(driver, 15).until(lambda d: d.execute_script(found))
        assert {lang for result in driver.execute_script(found) for _, lang in result} == {""}  # the page's, English


def test_on_a_right_to_left_site_its_own_results_read_right_to_left(make_site: MakeSite, no_proxy: None) -> None:
    """As its pages mark them: "auto" read an Arabic headline that opens with a Latin name
    left to right, its words out of order. A story in another language keeps "auto"."""
    require("Chromium and chromedriver", CHROMIUM is not None and CHROMEDRIVER is not None)
    from selenium.webdriver.support.ui import WebDriverWait

    arabic = article_md("BBC: مجلس المدينة يقر الميزانية", date="2024-05-02T09:00:00+00:00", body="صوت مجلس المدينة على الميزانية.")
    english = article_md("Budget passes", date="2024-05-03T09:00:00+00:00", body="The council passed the budget.", language="en")
    site = make_site(content={"a.md": arabic, "b.md": english}, config='language = "ar"\n')
    built(build(site))
    found = "return [...document.querySelectorAll('#search-results li')].map(li => [...li.querySelectorAll('a, .summary')].map(e => e.dir))"
    with serve(site / "output") as url, browser() as driver:
        driver.get(url + "search/?q=" + "الميزانية")
        WebDriverWait(driver, 15).until(lambda d: d.execute_script(found))
        assert driver.execute_script(found) == [["rtl", "rtl"]]
        driver.get(url + "search/?q=budget")
        WebDriverWait(driver, 15).until(lambda d: d.execute_script(found))
        assert driver.execute_script(found) == [["auto", "auto"]]


def test_a_corrections_text_is_searched_with_the_story(make_site: MakeSite, tmp_path: Path) -> None:
    from sitegen.i18n import Language

    site = make_site(content={"a.md": article_md("Berth opens", corrections="\n  - date: 2024-05-02\n    text: 'It is <16> metres, not 60.'")})
    assert build(site).ok
    loaded = search.Searchable.of(_articles(site)[0])
    body = lxml_html.fromstring(search.document(loaded, Language("en")).encode()).xpath("//main[@data-pagefind-body]")[0]
    assert [p.text_content() for p in body.xpath("p")] == ["Body text.", "It is <16> metres, not 60."]


def _articles(site: Path) -> list[Any]:
    from sitegen.config import load_config
    from sitegen.content import load_content

    return list(load_content(site / "content", load_config(site)).articles)


def test_a_reader_sees_every_result_twenty_at_a_time(make_site: MakeSite, no_proxy: None) -> None:
    """The first twenty results are shown, then the next twenty at a reader's request: a
    common word's results past the twentieth could not be reached at all."""
    require("Chromium and chromedriver", CHROMIUM is not None and CHROMEDRIVER is not None)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    titles = {f"Harbour report {n}" for n in range(1, 26)}
    content = {f"h{n}.md": article_md(f"Harbour report {n}", f"2024-05-{n:02d}T09:00:00+00:00", body=f"Tides at the harbour, day {n}.") for n in range(1, 26)}
    site = make_site(content=content, config="search_part_size = 10\n")  # the results come from three parts of the index
    built(build(site))
    shown = "return [...document.querySelectorAll('#search-results h2 a')].map(a => a.textContent)"
    status = "return document.getElementById('search-status').textContent"
    with serve(site / "output") as url, browser() as driver:
        wait = WebDriverWait(driver, 15)
        driver.get(url + "search/?q=harbour")
        wait.until(lambda d: "found" in d.execute_script(status))
        assert driver.execute_script(status) == "25 articles found for “harbour”. The first 20 are shown."
        first = driver.execute_script(shown)
        assert len(first) == 20 and set(first) < titles
        more = driver.find_element(By.ID, "search-more")
        assert more.is_displayed() and more.text == "More results"
        more.click()
        wait.until(lambda d: len(d.execute_script(shown)) == 25)
        every = driver.execute_script(shown)
        assert every[:20] == first and set(every) == titles
        # All are shown: the button goes, and the keyboard is at the first result it brought.
        assert not more.is_displayed()
        assert driver.execute_script(status) == "25 articles found for “harbour”."
        assert driver.switch_to.active_element.text == every[20]
        # A new search starts again at twenty.
        box = driver.find_element(By.ID, "search-query")
        box.clear()
        box.send_keys("tides")
        wait.until(lambda d: "tides" in d.execute_script(status))
        assert len(driver.execute_script(shown)) == 20 and more.is_displayed()
