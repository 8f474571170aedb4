"""Incremental builds are correct, not just fast: after every kind of change the output is
byte-identical to a clean build of the same sources, and only what depends on the change
is rewritten."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import msgspec
import pytest
from conftest import MakeSite, article_md, seed_text
from lxml import html as lxml_html

from sitegen import cache, parallel
from sitegen.build import BuildReport, build
from sitegen.ledger import LEDGER_NAME

SOURCES = ("seeds", "content", "templates", "sitegen.toml")


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def mtimes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def clean_build_of(site: Path, scratch: Path) -> dict[str, str]:
    """The output a clean build (no output, no cache) makes from ``site``'s sources now."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    for name in SOURCES:
        source = site / name
        if source.is_dir():
            shutil.copytree(source, scratch / name)
        elif source.is_file():
            shutil.copy2(source, scratch / name)
    report = build(scratch)
    assert (scratch / cache.CACHE_DIR / "state.bin").stat().st_size != 0
    assert report.rendered == len(originals(tree(scratch / "output"))) - 1  # every file but the manifest, with its copies
    return tree(scratch / "output")


def originals(paths: set[str]) -> set[str]:
    """``paths`` without the compressed copies (``.gz``, ``.br``), which come with each text file."""
    return {p for p in paths if not p.endswith((".gz", ".br"))}


def step(site: Path) -> tuple[BuildReport, set[str]]:
    """An incremental build: its report and the output files it created or changed."""
    out = site / "output"
    before = mtimes(out)
    # File systems keep coarse mtimes; a pause makes every rewrite visible to the test.
    time.sleep(0.01)
    report = build(site)
    after = mtimes(out)
    return report, {p for p, m in after.items() if before.get(p) != m}


def articles(n: int, tags: str = "[politics]") -> dict[str, str]:
    return {
        f"a{i:02d}.md": article_md(f"Story {i:02d}", date=f"2024-0{1 + i % 3}-{1 + i:02d}T09:00:00+00:00", tags=tags, body=f"Text of story {i}.")
        for i in range(n)
    }


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    site = make_site(sample=True, content=articles(14), config="page_size = 5\nfeed_size = 4\narchive_size = 4\n")
    assert build(site).ok
    return site


def cached_files(site: Path) -> list[Path]:
    """The cache's data files: the state and the article records."""
    files = [p for p in (site / cache.CACHE_DIR).rglob("*") if p.is_file() and p.suffix == ".bin"]
    assert any(p.name == "state.bin" for p in files)
    return files


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new), encoding="utf-8")


def hide_files(site: Path) -> None:
    """Files no build reads: an editor's backup, a hidden folder of notes, a hidden seed."""
    (site / "content" / ".a03.md.swp").write_text(article_md("Swap file", date="2024-03-30T10:00:00+00:00"))
    (site / "content" / ".hidden.md").write_text(article_md("Hidden", date="2024-03-30T10:00:00+00:00"))
    (site / "content" / ".notes").mkdir()
    (site / "content" / ".notes" / "idea.md").write_text(article_md("An idea", date="2024-03-30T10:00:00+00:00"))
    (site / "seeds" / ".#001_00000000000000aa.txt").write_text(seed_text("A hidden seed", "Text."))


CHANGES: dict[str, Callable[[Path], None]] = {
    "article body edited": lambda s: edit(s / "content" / "a03.md", "Text of story 3.", "Text of story 3, corrected."),
    "article title edited": lambda s: edit(s / "content" / "a13.md", "Story 13", "Story thirteen"),
    "article added": lambda s: (s / "content" / "new.md").write_text(article_md("Brand new", date="2024-03-30T10:00:00+00:00", tags="[economy]")),
    "article removed": lambda s: (s / "content" / "a05.md").unlink(),
    "article renamed": lambda s: (s / "content" / "a07.md").rename(s / "content" / "renamed.md"),
    "correction added": lambda s: edit(s / "content" / "a03.md", "---\n\n", "corrections:\n  - date: 2024-04-10\n    text: An earlier version gave 60.\n---\n\n"),
    "tag added": lambda s: edit(s / "content" / "a02.md", "tags: [politics]", "tags: [politics, asia]"),
    "tag removed": lambda s: edit(s / "content" / "a04.md", "tags: [politics]", "tags: []"),
    "draft": lambda s: edit(s / "content" / "a06.md", "---\n\n", "draft: true\n---\n\n"),
    "seed added": lambda s: (s / "seeds" / "001_00000000000000aa.txt").write_text(seed_text("A seeded story", "Seeded text.")),
    "seed changed": lambda s: edit(next((s / "seeds").glob("000_*.txt")), "Source: Read Full Article", "Source: The wire"),
    "template added": lambda s: ((s / "templates").mkdir(exist_ok=True), (s / "templates" / "tags.html").write_text('{% extends "base.html" %}{% block content %}<h1 id="t">All tags</h1>{% endblock %}\n')),
    "base_url moved to a sub-path": lambda s: (s / "sitegen.toml").write_text(
        'base_url = "https://example.org/news/"\npage_size = 5\nfeed_size = 4\narchive_size = 4\n'
    ),
    "base_url moved to another domain": lambda s: (s / "sitegen.toml").write_text(
        'base_url = "https://news.example.com/"\npage_size = 5\nfeed_size = 4\narchive_size = 4\n'
    ),
    "permalink changed": lambda s: (s / "sitegen.toml").write_text('permalink = "{slug}.html"\npage_size = 5\nfeed_size = 4\narchive_size = 4\n'),
    "config edited": lambda s: (s / "sitegen.toml").write_text('title = "Renamed News"\npage_size = 4\nfeed_size = 4\narchive_size = 4\n'),
    # Feeds name the site's title as their author while author is unset, and the author once set.
    "title edited": lambda s: (s / "sitegen.toml").write_text('title = "Renamed News"\npage_size = 5\nfeed_size = 4\narchive_size = 4\n'),
    "author set": lambda s: (s / "sitegen.toml").write_text('author = "The Desk"\npage_size = 5\nfeed_size = 4\narchive_size = 4\n'),
    "cache deleted": lambda s: shutil.rmtree(s / cache.CACHE_DIR),
    "cache corrupted": lambda s: [p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2] + b"garbage") for p in cached_files(s)],
    "cache replaced by junk": lambda s: [p.write_bytes(os.urandom(64)) for p in cached_files(s)],
    "output file deleted": lambda s: (s / "output" / "tags" / "index.html").unlink(),
    "output file edited": lambda s: (s / "output" / "index.html").write_text("vandalised"),
    "hidden files added": hide_files,
}



@pytest.mark.parametrize("change", list(CHANGES))
def test_incremental_output_equals_a_clean_build(site: Path, tmp_path: Path, change: str) -> None:
    CHANGES[change](site)
    report, _ = step(site)
    assert report.ok, report.errors
    assert tree(site / "output") == clean_build_of(site, tmp_path / "clean")
    # And the build after it has nothing to do.
    again, written = step(site)
    assert written == set() and again.rendered == 0


def test_a_correction_added_is_an_update_of_the_article(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = site / "output" / "2024" / "01" / "a03" / "index.html"
    assert 'property="article:modified_time" content="2024-01-04T09:00:00+00:00"' in page.read_text()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 2, 1, tzinfo=dt.UTC).timestamp())))
    CHANGES["correction added"](site)
    assert build(site).ok
    # The ledger saw the article change as a reader sees it: dated now on its page and in its entry.
    assert 'property="article:modified_time" content="2026-02-01T00:00:00+00:00"' in page.read_text()
    assert "An earlier version gave 60." in page.read_text()


def test_a_sequence_of_changes_stays_equal_to_clean_builds(site: Path, tmp_path: Path) -> None:
    for name in ("article body edited", "tag added", "article added", "template added", "article removed", "config edited", "seed added"):
        CHANGES[name](site)
        step(site)
        assert tree(site / "output") == clean_build_of(site, tmp_path / "clean"), name


def test_no_op_rebuild_renders_and_writes_nothing(site: Path) -> None:
    before = mtimes(site / "output")
    content_before = mtimes(site / "content")
    report, written = step(site)
    assert written == set()
    assert report.rendered == 0 and report.parsed == 0 and report.written.written == []
    assert mtimes(site / "output") == before and mtimes(site / "content") == content_before
    assert report.articles == 15 and report.pages > 20 and report.feeds == 6
    assert report.cache.startswith("up to date")


def test_one_edited_article_rewrites_only_what_shows_it(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a11 is the newest article: on the home page, in the feeds, in its tag's listing.
    # With a summary of its own, its body shows on its page and in feeds only.
    edit(site / "content" / "a11.md", "tags:", "summary: The eleventh story.\ntags:")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1750000000")
    step(site)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")  # the edit is seen later
    edit(site / "content" / "a11.md", "Text of story 11.", "Text of story 11, longer now.")
    report, written = step(site)
    assert report.parsed == 1
    assert "2024/03/a11/index.html" in written
    assert {"atom.xml", "rss.xml", "feed.json", "tags/politics/atom.xml"} <= written
    # Its body is not on any listing, so no index page changes; its updated date moves,
    # hence the sitemap.
    assert "index.html" not in written and "tags/politics/index.html" not in written
    assert "sitemap.xml" in written
    assert all(not p.startswith(("2024/01/", "2024/02/", "2024/03/a0")) for p in written), written
    # The archive shows titles and dates: no page of it changes (its month's page is
    # rendered again, with the same bytes, and no other).
    assert not any(p.startswith("archive/") for p in written), written
    index = {p for p in originals(written) if p.startswith("pagefind/")}  # the search index holds its text
    assert len(originals(written) - index) <= 12 and len(index) <= 5, written
    assert report.rendered < 25


def test_an_edit_to_an_articles_text_renders_neither_the_tags_page_nor_the_subscribe_page(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """They show each tag's name and count and each feed's address: what an edit to an
    article's text or title changes none of. A new tag changes both."""
    from sitegen import plan

    rendered: list[str] = []
    render = plan.PageOutput.render

    def noting(self: plan.PageOutput, tools: plan.Tools) -> object:
        rendered.append(self.path)
        return render(self, tools)

    monkeypatch.setattr(plan.PageOutput, "render", noting)
    edit(site / "content" / "a11.md", "Text of story 11.", "Text of story 11, longer now.")
    step(site)
    edit(site / "content" / "a03.md", "Story 03", "Story three")
    step(site)
    assert rendered and "tags/index.html" not in rendered and "subscribe/index.html" not in rendered
    edit(site / "content" / "a03.md", "tags: [politics]", "tags: [politics, Weather]")
    rendered.clear()
    step(site)
    assert {"tags/index.html", "subscribe/index.html"} <= set(rendered)
    doc = lxml_html.fromstring((site / "output" / "tags" / "index.html").read_bytes())
    assert "Weather (1)" in [" ".join(li.text_content().split()) for li in doc.xpath("//ul[@class='tag-list']/li")]
    doc = lxml_html.fromstring((site / "output" / "subscribe" / "index.html").read_bytes())
    assert doc.xpath("//a[contains(@href, 'tags/weather/atom.xml')]")


def test_template_edit_rerenders_only_pages_that_use_it(site: Path) -> None:
    (site / "templates").mkdir()
    shutil.copy(Path(__file__).parent.parent / "templates" / "tags.html", site / "templates" / "tags.html")
    report, written = step(site)
    assert written == set() and report.rendered == 0  # the same bytes as the theme's file
    edit(site / "templates" / "tags.html", '<h1>{{ _("Tags") }}</h1>', "<h1>Every tag</h1>")
    report, written = step(site)
    assert report.rendered == 1 and originals(written) == {"tags/index.html"}  # with its two compressed copies
    # base.html is used by every page.
    shutil.copy(Path(__file__).parent.parent / "templates" / "base.html", site / "templates" / "base.html")
    edit(site / "templates" / "base.html", '<main id="main">', '<main id="main" class="wide">')
    report, written = step(site)
    assert {p for p in written if p.endswith(".html")} == {p for p in tree(site / "output") if p.endswith(".html")}
    assert not any(p.endswith((".xml", ".json")) for p in originals(written))


def test_a_new_include_and_then_its_edit_reach_every_page_that_uses_it(site: Path, tmp_path: Path) -> None:
    (site / "templates").mkdir()
    shutil.copy(Path(__file__).parent.parent / "templates" / "tags.html", site / "templates" / "tags.html")
    (site / "templates" / "note.html").write_text('<p id="note">First note</p>\n')
    step(site)
    edit(site / "templates" / "tags.html", '<h1>{{ _("Tags") }}</h1>', '<h1>{{ _("Tags") }}</h1>{% include "note.html" %}')
    _, written = step(site)
    assert originals(written) == {"tags/index.html"}
    # The include is known now (and remembered in the cache): editing it re-renders the page.
    edit(site / "templates" / "note.html", "First note", "Second note")
    report, written = step(site)
    assert originals(written) == {"tags/index.html"} and report.rendered == 1
    doc = lxml_html.fromstring((site / "output" / "tags" / "index.html").read_bytes())
    assert doc.xpath("//p[@id='note']/text()") == ["Second note"]
    assert tree(site / "output") == clean_build_of(site, tmp_path / "clean")


def test_config_edit_rerenders_only_what_reads_the_setting(site: Path) -> None:
    (site / "sitegen.toml").write_text('description = "Now with a description."\npage_size = 5\nfeed_size = 4\narchive_size = 4\n')
    _report, written = step(site)
    # Article pages describe themselves by their summary: they never read the setting.
    assert written and not any(p.startswith("2024/") for p in written), written
    assert "index.html" in written and "atom.xml" in written
    doc = lxml_html.fromstring((site / "output" / "index.html").read_bytes())
    assert doc.xpath("//meta[@name='description']/@content") == ["Now with a description."]


def test_template_reading_the_whole_site_depends_on_every_article(site: Path, tmp_path: Path) -> None:
    (site / "templates").mkdir()
    base = (Path(__file__).parent.parent / "templates" / "base.html").read_text()
    base = base.replace("</footer>", '<p id="oldest">Oldest: {{ site.articles[-1].title }}</p></footer>')
    (site / "templates" / "base.html").write_text(base)
    step(site)
    edit(site / "content" / "a00.md", "title: 'Story 00'", "title: 'Story 00 renamed'")  # the oldest
    _, written = step(site)
    pages = {p for p in tree(site / "output") if p.endswith(".html")}
    assert pages <= written
    assert tree(site / "output") == clean_build_of(site, tmp_path / "clean")
    doc = lxml_html.fromstring((site / "output" / "2024/03/a11/index.html").read_bytes())
    assert doc.xpath("//p[@id='oldest']/text()") == ["Oldest: Story 00 renamed"]


def test_an_article_pages_context_as_its_template_reads_it_is_what_its_key_covers(site: Path, tmp_path: Path) -> None:
    """``page.context`` gives a template the values of the page's context, which its key
    covers, and not what an article page's are made from (site.ArticleContext: every
    article's title, its place among them), which a page kept by its key would show as
    they were: an article added far from this page changes neither its key nor its bytes."""
    (site / "templates").mkdir()
    article = (Path(__file__).parent.parent / "templates" / "article.html").read_text()
    inner = "page.context._neighbours.shown | length if page.context._neighbours is defined else page.context | length"
    article = article.replace('<article class="article">', '<article class="article"><p id="seen">{{ ' + inner + " }}</p>")
    (site / "templates" / "article.html").write_text(article)
    step(site)
    (site / "content" / "old.md").write_text(article_md("The oldest story", date="2023-01-01T09:00:00+00:00", tags="[economy]"))
    report, _ = step(site)
    assert report.ok
    assert tree(site / "output") == clean_build_of(site, tmp_path / "clean")


def test_errors_are_reported_again_by_a_build_with_nothing_to_do(make_site: MakeSite) -> None:
    site = make_site(sample=True, seeds={"002_00000000000000bb.txt": b"Broken \xff\n\ntext\n"}, content={"bad.md": "---\ntitle: [x\n---\n"})
    first = build(site)
    second = build(site)
    assert sorted(map(str, first.errors)) == sorted(map(str, second.errors)) and len(second.errors) == 2
    assert second.rendered == 0 and second.cache.startswith("up to date")
    assert {type(e).__name__ for e in second.errors} == {"SeedError", "ContentError"}


def test_parallel_build_equals_serial_build(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    pids = tmp_path / "pids"
    run_chunk = parallel._run_chunk

    def noting_pid(fn: object, context: object, chunk: object) -> object:
        with pids.open("a") as f:
            f.write(f"{os.getpid()}\n")
        return run_chunk(fn, context, chunk)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "_run_chunk", noting_pid)
    seeds = {f"{i:03d}_{i:016x}.txt": seed_text(f"Seed story {i}", f"Paragraph one of {i}.", "Second *para*.") for i in range(1, 30)}
    serial = make_site(sample=True, seeds=seeds, content=articles(30), name="serial")
    parallel_site = make_site(sample=True, seeds=seeds, content=articles(30), name="parallel")
    assert build(serial, jobs=1).ok
    report = build(parallel_site, jobs=2)
    assert report.ok and report.rendered > 50
    workers = set(pids.read_text().split())
    assert str(os.getpid()) in workers and len(workers) >= 2  # this process, and a worker per step
    assert tree(parallel_site / "output") == tree(serial / "output")
    assert tree(parallel_site / "content") == tree(serial / "content")
    # Errors found in workers come back with their file and line.
    (parallel_site / "content" / "a01.md").write_text("---\ntitle: [x\n---\n")
    report = build(parallel_site, jobs=2)
    assert [str(e) for e in report.errors] and "a01.md:2" in str(report.errors[0])


def test_cache_folder_is_ignored_by_git_and_safe_to_delete(site: Path, tmp_path: Path) -> None:
    folder = site / cache.CACHE_DIR
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    before = tree(site / "output")
    shutil.rmtree(folder)
    report, written = step(site)
    assert report.cache.startswith("no cache yet") and written == set()
    assert tree(site / "output") == before


def test_a_cache_from_another_sitegen_is_not_trusted(site: Path) -> None:
    state = cache.load_state(site, cache.generator_id())
    assert not state.reason
    assert cache.load_state(site, "another").reason == "made by another version of sitegen or its libraries"


def test_an_edit_that_keeps_its_mtime_is_seen(tmp_path: Path) -> None:
    """``touch -r``, ``rsync -t`` and tar restore mtimes; the ctime still moves."""
    path = tmp_path / "a.md"
    path.write_text("one")
    inputs = cache.Inputs()
    inputs.read(path)
    old = inputs.snapshot()[str(path)]
    settled = {str(path): msgspec.structs.replace(old, checked_ns=old.checked_ns + 10 * cache.RACY_NS)}
    assert cache.Inputs(settled).unchanged(path)  # trusted by its stat: not even read
    # Same size, same mtime, other bytes.
    path.write_text("two")
    os.utime(path, ns=(old.mtime_ns, old.mtime_ns))
    assert not cache.Inputs(settled).unchanged(path)
    # Touched, bytes as they were: unchanged, found so by its content.
    path.write_text("one")
    later = cache.Inputs(settled)
    assert later.unchanged(path) and later.reverified == 1


def test_racy_file_is_compared_by_content(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("one")
    inputs = cache.Inputs()
    inputs.read(path)
    old = inputs.snapshot()[str(path)]
    racy = {str(path): msgspec.structs.replace(old, checked_ns=old.mtime_ns)}
    assert cache.Inputs(racy).unchanged(path)
    path.write_text("two")
    os.utime(path, ns=(old.mtime_ns, old.mtime_ns))
    assert not cache.Inputs(racy).unchanged(path)


def test_changed_import_rules_look_at_every_seed_again(make_site: MakeSite) -> None:
    rules = "[import]\ndate = '^Published:\\s*(?P<text>.+)$'\n"
    site = make_site(seeds={"001_00000000000000aa.txt": seed_text("Dated", "Published: someday", "Text.")}, config=rules)
    assert "dateline" in str(build(site).errors[0])
    assert "dateline" in str(build(site).errors[0])  # replayed, file unchanged
    (site / "sitegen.toml").write_text("")  # no date rule: the line is text now
    report = build(site)
    assert report.ok and report.imported.created and report.articles == 1


def test_a_new_base_url_reaches_every_link(site: Path) -> None:
    """Jinja folds ``'atom.xml' | absolute`` into compiled code: no compiled template may
    outlive the base_url it was compiled with."""
    (site / "sitegen.toml").write_text('base_url = "https://example.org/news/"\npage_size = 5\nfeed_size = 4\narchive_size = 4\n')
    step(site)
    for page in (site / "output").rglob("*.html"):
        doc = lxml_html.fromstring(page.read_bytes())
        for _, _, link, _ in doc.iterlinks():
            assert "localhost" not in link, (page, link)
            if link.startswith("/"):
                assert link.startswith("/news/"), (page, link)
    assert "https://example.org/news/sitemap.xml" in (site / "output" / "robots.txt").read_text()


def test_a_planted_pickle_in_the_cache_is_never_executed(site: Path, tmp_path: Path) -> None:
    """Nothing loaded from the cache is executed or unpickled, whatever file names it uses."""
    import pickle

    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self) -> tuple[object, ...]:
            return (os.system, (f"touch {marker}",))

    payload = pickle.dumps(Exploit())
    cache_dir = site / cache.CACHE_DIR
    for path in [p for p in cache_dir.rglob("*") if p.is_file()]:
        path.write_bytes(payload)
    (cache_dir / "templates").mkdir(exist_ok=True)
    for name in ("__jinja2_x.cache", "state.pickle", "articles-0.bin"):
        (cache_dir / "templates" / name).write_bytes(payload)
        (cache_dir / name).write_bytes(payload)
    report, _ = step(site)
    assert report.ok and not marker.exists()
    assert tree(site / "output") == clean_build_of(site, tmp_path / "clean")


def test_what_an_imported_template_reads_counts_for_every_page(site: Path, tmp_path: Path) -> None:
    """Jinja runs an imported template's top level once per process: its reads of config
    must still be noted for every page that imports it."""
    (site / "templates").mkdir()
    (site / "templates" / "macros.html").write_text("{% set size = config.feed_size %}{% macro size_note() %}<p id=size>{{ size }}</p>{% endmacro %}\n")
    article = (Path(__file__).parent.parent / "templates" / "article.html").read_text()
    (site / "templates" / "article.html").write_text(
        '{% import "macros.html" as m %}' + article.replace("{% block content %}", "{% block content %}{{ m.size_note() }}", 1)
    )
    step(site)
    (site / "sitegen.toml").write_text("page_size = 5\nfeed_size = 3\narchive_size = 4\n")
    step(site)
    sizes = {lxml_html.fromstring(p.read_bytes()).xpath("string(//p[@id='size'])") for p in (site / "output").glob("2024/*/*/index.html")}
    assert sizes == {"3"}
    assert tree(site / "output") == clean_build_of(site, tmp_path / "clean")


@pytest.mark.parametrize(
    ("expression", "kind"),
    [("{{ 1 / 0 }}", "ZeroDivisionError"), ('{{ "a" + 1 }}', "TypeError"), ("{% for k in config %}{{ k }}{% endfor %}", "TypeError")],
)
def test_a_template_that_raises_is_an_error_naming_it_and_its_line(site: Path, expression: str, kind: str) -> None:
    (site / "templates").mkdir()
    tags = (Path(__file__).parent.parent / "templates" / "tags.html").read_text()
    (site / "templates" / "tags.html").write_text(tags.replace('<h1>{{ _("Tags") }}</h1>', '<h1>{{ _("Tags") }}</h1>\n' + expression, 1))
    line = next(n for n, text in enumerate((site / "templates" / "tags.html").read_text().splitlines(), 1) if expression in text)
    report, _ = step(site)
    [error] = report.errors
    assert str(error).startswith(f"{site / 'templates' / 'tags.html'}:{line}: cannot render /tags/: {kind}")
    assert (site / "output" / "index.html").is_file() and report.articles == 15


def test_a_template_that_is_not_utf8_is_an_error_naming_it(site: Path) -> None:
    (site / "templates").mkdir()
    (site / "templates" / "tags.html").write_bytes(b'{% extends "base.html" %}\n{% block content %}\xff{% endblock %}\n')
    report, _ = step(site)
    [error] = report.errors
    assert str(error).startswith(f"{site / 'templates' / 'tags.html'}:2: template error: is not valid UTF-8")


def test_a_refused_file_put_right_is_built_next_time(site: Path, tmp_path: Path) -> None:
    """A file that was found but not read (a link, too large) is a change once fixed."""
    target = tmp_path / "elsewhere.md"
    target.write_text(article_md("Linked", date="2024-03-03T09:00:00+00:00"))
    (site / "content" / "linked.md").symlink_to(target)
    (site / "content" / "big.md").write_text(article_md("Big", date="2024-03-04T09:00:00+00:00", body="word " * 2000))
    (site / "sitegen.toml").write_text("page_size = 5\nfeed_size = 4\narchive_size = 4\nmax_file_bytes = 5000\n")
    report, _ = step(site)
    assert sorted(Path(str(e.path)).name for e in report.errors) == ["big.md", "linked.md"]
    again, _ = step(site)
    assert again.cache.startswith("up to date") and len(again.errors) == 2
    # Put right exactly as the messages say: a regular file in place of the link, a smaller file.
    (site / "content" / "linked.md").unlink()
    shutil.copy(target, site / "content" / "linked.md")
    (site / "content" / "big.md").write_text(article_md("Big", date="2024-03-04T09:00:00+00:00", body="Short now."))
    fixed, _ = step(site)
    assert fixed.ok and fixed.articles == 17
    assert tree(site / "output") == clean_build_of(site, tmp_path / "clean")


def test_an_output_file_that_could_not_be_written_is_tried_again(site: Path, tmp_path: Path) -> None:
    out = site / "output"
    shutil.rmtree(out / "tags")
    (out / "tags").write_text("in the way")
    edit(site / "content" / "a02.md", "Text of story 2.", "Text of story 2, edited.")
    report, _ = step(site)
    assert report.errors and all("tags" in str(e.path) for e in report.errors)
    (out / "tags").unlink()
    again, _ = step(site)
    assert again.ok and (out / "tags" / "politics" / "index.html").is_file()
    assert tree(out) == clean_build_of(site, tmp_path / "clean")


def test_a_file_added_while_a_build_runs_is_built_by_the_next(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sitegen import memo

    real = memo.Memo.render

    def add_an_article_meanwhile(self: memo.Memo, *args: object, **kwargs: object) -> memo.Rendering:
        (site / "content" / "late.md").write_text(article_md("Late", date="2024-03-20T09:00:00+00:00"))
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    edit(site / "content" / "a01.md", "Text of story 1.", "Text of story 1, edited.")
    monkeypatch.setattr(memo.Memo, "render", add_an_article_meanwhile)
    step(site)
    monkeypatch.undo()
    report, _ = step(site)
    assert not report.cache.startswith("up to date") and report.articles == 16
    assert tree(site / "output") == clean_build_of(site, tmp_path / "clean")


def test_an_edited_file_renamed_while_the_import_runs_is_built_under_its_new_name(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """content/ is listed when the build starts; a person renaming a file they just edited
    while the seeds are imported leaves that listing behind: the build reads the file where
    it is now, not an error saying the old name cannot be read."""
    from sitegen import memo

    real = memo.Memo.import_seeds

    def rename_meanwhile(self: memo.Memo, *args: object, **kwargs: object) -> object:
        result = real(self, *args, **kwargs)  # type: ignore[arg-type]
        (site / "content" / "a05.md").rename(site / "content" / "a05-renamed.md")
        return result

    edit(site / "content" / "a05.md", "Text of story 5.", "Text of story 5, edited.")
    monkeypatch.setattr(memo.Memo, "import_seeds", rename_meanwhile)
    report, _ = step(site)
    monkeypatch.undo()
    assert report.ok, [str(e) for e in report.errors]
    page = lxml_html.fromstring((site / "output" / "2024/03/a05-renamed/index.html").read_bytes())
    assert "Text of story 5, edited." in page.text_content()
    assert not (site / "output" / "2024/03/a05").exists()
    again, _ = step(site)
    assert again.ok and again.cache.startswith("up to date"), again.cache
    assert tree(site / "output") == clean_build_of(site, tmp_path / "clean")


def test_a_content_file_a_killed_import_had_set_aside_is_built_by_the_next_build(site: Path, tmp_path: Path) -> None:
    """The import replaces a content file by setting it aside first (output.replace_unless_changed);
    killed then, the next build puts it back before it reads content/, and builds its article:
    not taken down as deleted while the file is in its place."""
    from sitegen.output import ASIDE_SUFFIX

    story = site / "content" / "a03.md"
    story.rename(site / "content" / f".a03.md{ASIDE_SUFFIX}")
    report, _ = step(site)
    assert report.ok and story.is_file() and report.articles == 15
    assert not [w for w in report.warnings if "a03.md" in w], report.warnings
    page = lxml_html.fromstring((site / "output" / "2024/01/a03/index.html").read_bytes())
    assert page.findtext(".//h1").strip() == "Story 03"
    assert tree(site / "output") == clean_build_of(site, tmp_path / "clean")


def test_a_preview_build_keeps_its_own_cache(make_site: MakeSite, tmp_path: Path) -> None:
    """sitegen serve, or a build with --base-url into another folder, between two builds of
    the site: the next build still renders only what changed (it rendered everything, the
    preview having taken the one cache for another folder), and so does the next preview."""
    # At a public address: the preview then reads the history the site's builds record.
    site = make_site(content={f"a{i}.md": article_md(f"Story {i}", date=f"2024-05-0{i + 1}T09:00:00+00:00") for i in range(5)}, config='base_url = "https://example.org/"\n')
    assert build(site).ok
    preview = tmp_path / "preview"
    assert build(site, preview, overrides={"base_url": "http://preview.example/"}).ok
    (site / "content" / "a2.md").write_text(article_md("Story 2, corrected", date="2024-05-03T09:00:00+00:00"))
    report = build(site)
    total = len(report.written.written) + report.written.unchanged
    assert report.ok and report.parsed == 1 and 0 < report.rendered < total / 2, report.cache
    again = build(site, preview, overrides={"base_url": "http://preview.example/"})
    assert again.ok and again.parsed == 1 and again.rendered == report.rendered, (again.cache, report.cache)
    assert (cache.cache_dir(site) / cache.PREVIEW / "state.bin").is_file()


def test_records_whose_parse_read_the_same_settings_share_them(make_site: MakeSite) -> None:
    """Each record came from its worker with its own copy of the same names and digests:
    8 MiB of a 10,000-article clean build's peak memory (the target is 300 MiB)."""
    from sitegen.config import load_config
    from sitegen.memo import Memo

    site = make_site(content={f"a{i}.md": article_md(f"Story {i}") for i in range(5)})
    records = Memo(site).parse_content(site / "content", load_config(site), parallel.Workers(1))
    assert len(records) == 5 and records[str(site / "content" / "a0.md")].reads
    assert len({id(record.reads) for record in records.values()}) == 1


def test_a_former_title_written_into_the_ledger_links_the_related_headline_of_a_page_kept_otherwise(make_site: MakeSite, tmp_path: Path) -> None:
    """An article page is kept by its quick key (its article, and the digest of what article
    pages show of the others): a title another article had, given it by hand in the ledger
    (a merge), changes no file of the page's own yet links its related headline."""
    content = {
        "alpha.md": article_md("Budget talks resume", date="2024-05-01T09:00:00+00:00", related="['An old headline']"),
        "beta.md": article_md("Harbour reopens", date="2024-05-02T09:00:00+00:00"),
    }
    site = make_site(content=content)
    assert build(site).ok
    path = site / "content" / LEDGER_NAME
    ledger = json.loads(path.read_text(encoding="utf-8"))
    for entry in ledger["articles"].values():
        if entry["titles"] == ["Harbour reopens"]:
            entry["titles"] = ["An old headline", "Harbour reopens"]
    path.write_text(json.dumps(ledger, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    report = build(site)
    assert report.ok and report.parsed == 0
    page = lxml_html.fromstring((site / "output" / "2024" / "05" / "alpha" / "index.html").read_bytes())
    assert [a.text_content() for a in page.xpath("//a[@href='/2024/05/beta/']")] != []
    assert tree(site / "output") == clean_build_of(site, tmp_path / "clean")


def test_a_record_with_no_files_has_its_pictures_inside_as_the_whole_look_finds() -> None:
    # memo._pictures_inside answers at once for a record naming no file (most): as the look
    # at every file it names would, for records naming none, some inside content/, or one out.
    from hypothesis import given
    from hypothesis import strategies as st

    from sitegen import memo

    paths = st.lists(st.sampled_from(["/site/content/a.png", "/site/content/../b.png", "/etc/c.png", "/site/contents/d.pdf"]), max_size=2)

    @given(paths, paths, paths, st.booleans())
    def agree(files: list[str], media: list[str], linked: list[str], article: bool) -> None:
        stored = cache.ArticleRecord(
            "id", "T", "t", "t/", cache.DateRecord("2024-01-01T00:00:00+00:00"), cache.DateRecord("2024-01-01T00:00:00+00:00"), "", "", b"", False, "", (), "", (), None,
            tuple(cache.ImageRecord(p, "", 1, 1, "PNG", 1) for p in media), (), "", (), "", False, attachments=tuple(cache.FileRecord(p, "", 1) for p in linked),
        )  # fmt: skip
        record = cache.ParseRecord("sha", {}, article=stored if article else None, files=dict.fromkeys(files, "sha"))
        named = (*files, *(media if article else ()), *(linked if article else ()))
        assert memo._pictures_inside(record, "/site/content/") == all(os.path.normpath(p).startswith("/site/content/") for p in named)

    agree()
