"""Random sequences of changes to a site, each followed by an incremental build whose output
must be byte-identical to a clean build of the same inputs (README, "Speed": the cache is
never trusted blindly).

The machine edits a small site in a temporary folder: articles, seeds, tags, every setting
(``SETTINGS``: test_the_machine_changes_every_setting holds it to Config), templates and
static files, and it damages the build cache and the output folder. Its feeds'
byte budget binds in most runs (the ledger's floors, which ``--hypothesis-show-statistics``
counts): from the start, or computed from a feed's size as built. After each
step it builds incrementally, copies the inputs into a fresh folder and builds that from
scratch, and compares the two output trees file by file. A second incremental build must then
write nothing. The incremental build runs on two processes, with what the build keeps in
memory across builds of one process (the themes compiled); the clean one on one process,
with only the themes clean builds compiled from the same settings and template files.

Fifteen short sequences run in CI, drawn afresh on each run; ``make fuzz`` runs many
more (``SITEGEN_FUZZ_EXAMPLES`` sets how many).
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pytest
import yaml
from conftest import FIXED_EPOCH, SAMPLE_SEED, article_md, page_md, seed_text
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from test_images import picture

from sitegen import ahead, cache, parallel
from sitegen.build import BuildReport, build
from sitegen.config import CONFIG_NAME, FEED_MIN_BYTES, NOT_SETTINGS, Config, ImportRules
from sitegen.feeds import FORMATS
from sitegen.ledger import LEDGER_NAME, load_ledger
from sitegen.output import MANIFEST
from sitegen.theme import STATIC, default_theme_dir

SOURCES = (CONFIG_NAME, "seeds", "content", "templates")

# Hand-written articles. "archive" is a slug the site needs for itself (with permalink
# "{slug}/"), and notes/ is a subfolder of content/.
ARTICLE_NAMES = ("alpha.md", "beta.md", "gamma.md", "archive.md", "notes/delta.md")
# Standalone pages (page: true), in the footer of every page; "tags" is an address the site has.
PAGE_NAMES = ("about.md", "contact.md", "tags.md")
TITLES = ("Budget talks resume", "Crème brûlée in Москва", "Storm <warning> & more", "Budget talks resume: day two")
DATES = (
    "2024-05-01T09:00:00+00:00",
    "2024-05-01T09:00:00+00:00",  # twice: equal dates are common, and ordered by slug
    "2023-01-15T08:00:00Z",  # before the pinned import time: an edit moves `updated`
    "2023-12-31T23:30:00-02:00",  # a new year in UTC
    "2024-02-29T12:00:00",  # no offset: read in the site's timezone
    "2026-01-01T06:00:00+00:00",  # after the pinned clock: scheduled, until the clock passes it
)
LONG_BODY = "\n\n".join(f"Paragraph {i} of a long report, " + "with many plain words " * 20 for i in range(8))
BODIES = {
    "plain": "Body text.",
    "markdown": "First paragraph.\n\nSecond, with *emphasis*, a [relative link](other/page/) and an [anchor](#notes).",
    "footnote": "A claim[^1].\n\n[^1]: The footnote.",
    "table and code": "| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode <here>\n```",
    "inline html": '<img src="pic.jpg" srcset="a.jpg 1x, b.jpg 2x"> Inline HTML.',
    "long": LONG_BODY,
    "picture": "![A picture](images/pic.png) and one that is not there: ![Gone](gone.png)",
    # A hashtag opening a line, a list nested by two spaces (in a quote too), a picture captioned by its title.
    "as editors write": (
        '#MeToo began as a hashtag.\n\n- Ministers\n  - Home Office\n\n> - Quoted\n>   - and nested\n\n![A picture](images/pic.png "The port at dawn. Photo: J. Doe")'
    ),
}
# Image files the machine puts at content/images/pic.png: small (no resized copy) and wide.
PICTURES = {"small": picture(300, 200, "PNG"), "wide": picture(1000, 500, "PNG", colour="navy")}
TAGS = ("politics", "asia", "Asia", "Économie", "two words")
# Front matter fields, as YAML text. Some are wrong on purpose: the error must be the same
# in both builds, and fixing it must bring the article back.
FIELDS = (
    ("title", "'Storm warning'"),
    ("title", "'Crème brûlée in Москва'"),
    ("title", "[unclosed"),
    ("date", "'2024-05-01T09:00:00+00:00'"),
    ("date", "'2023-01-15T08:00:00Z'"),
    ("date", "'2024-02-29T12:00:00'"),
    ("date", "'not a date'"),
    ("slug", "storm-warning"),
    ("slug", "archive"),
    ("slug", "index"),
    ("id", "urn:uuid:00000000-0000-4000-8000-000000000001"),
    ("summary", "'A summary of its own.'"),
    ("updated", "'2024-06-01T10:00:00+02:00'"),
    ("author", "'Guest Writer'"),
    ("author", "[Guest Writer, newsroom]"),
    ("draft", "true"),
    ("draft", "false"),
    ("draft", "'yes'"),
    ("date", "'2026-01-01T06:00:00+00:00'"),
    ("tags", "[]"),
    ("tags", "politics, asia"),
    ("image", "images/pic.png"),
    ("image", "https://cdn.example/pic.jpg"),
    ("image_alt", "'A picture'"),
    ("image_caption", "Caption <b>"),
    ("aliases", "[old/story/, archive/]"),
    ("author", "[Jane!, jane]"),
    # An article made a standalone page and back, and a page's place in the footer.
    ("page", "true"),
    ("page", "false"),
    ("order", "1"),
    ("order", "'first'"),
    ("language", "fr-CA"),  # the setting's too: a story in the site's language
    ("language", "ar"),  # another, written right to left
    # Related headlines: one of a title above, spelt otherwise; one a title may have had.
    ("related", "['storm warning.', 'Budget talks resume']"),
    # A correction (an update of the story, shown on its page and in its entries), and one
    # written as no list.
    ("corrections", "[{date: '2024-06-03', text: 'An earlier version gave 60, not 16.'}]"),
    ("corrections", "'It is 16 metres.'"),
)
FIELD_NAMES = tuple(sorted({key for key, _ in FIELDS}))

SEED_NAMES = (
    "001_00000000000000aa.txt",
    "002_00000000000000bb.txt",
    "003_0123456789abcdef.txt",
    "004_00000000000000aa.txt",  # the hex of 001: the same id
)
SEED_TEXTS = {
    "storm": seed_text("Storm warning for the coast", "Forecasters expect strong winds tonight.", "Source: The wire"),
    "storm, updated": seed_text(
        "Storm warning for the coast",
        "Forecasters expect strong winds tonight and tomorrow.",
        "READ MORE: Earlier storms this year",
        "Source: The wire",
    ),
    "budget": seed_text(
        "Budget talks resume",
        "Ministers met again on Monday.",
        "  • Markets stay calm",
        "To stay up to date with all the latest news, make sure you sign up to one of our newsletters here.",
    ),
    "markup in the text": seed_text("Crème brûlée in Москва", "# not a heading", "<script>alert(1)</script> and [x](javascript:alert(1))"),
    "dateline and tags": seed_text("A dated story", "Published: 2023-06-01T10:00:00Z", "Tags: World, Asia", "Text of the dated story."),
    "bad dateline": seed_text("A badly dated story", "Published: yesterday", "Text."),
    "the sample seed": SAMPLE_SEED.read_text(encoding="utf-8"),
    "empty (refused)": "",
    "no title (refused)": "READ MORE: boilerplate first\n\nThen text.\n",
    "not UTF-8 (refused)": "Title\n\nNot UTF-8: \udcff.\n",  # written with surrogateescape: a 0xff byte
}

SETTINGS = (
    ("title", "Example News"),
    ("title", "Crème & <News>"),
    ("description", ""),
    ("description", "News from the example."),
    ("base_url", "http://localhost:8000/"),
    ("base_url", "https://news.example.org/"),
    ("base_url", "https://example.org/news/"),
    ("base_url", "http://example.org/a/b"),
    ("author", ""),
    ("author", "Newsroom"),
    ("author", "Zoë Ångström"),
    ("authors.newsroom.name", "The Newsroom"),
    ("authors.newsroom.bio", "Reports <daily>."),
    ("authors.guest-writer.url", "https://guest.example/"),
    ("authors.jane.name", "Jane Doe"),
    ("language", "en"),
    ("language", "fr-CA"),
    ("timezone", "UTC"),
    ("timezone", "Europe/London"),
    ("timezone", "America/Los_Angeles"),
    ("timezone", "Pacific/Kiritimati"),
    ("page_size", 1),
    ("page_size", 2),
    ("page_size", 10),
    ("feed_size", 1),
    ("feed_size", 3),
    ("feed_size", 20),
    ("feed_content", "full"),
    ("feed_content", "summary"),
    ("feed_max_bytes", 1_000),  # the least allowed
    ("feed_max_bytes", 3000),
    ("feed_max_bytes", 1_000_000),
    ("archive_size", 1),
    ("archive_size", 2),
    ("archive_size", 50),
    ("feed_window", 0),
    ("feed_window", 7),
    ("feed_window", 1000),
    ("future", False),
    ("future", True),
    ("drafts", False),
    ("drafts", True),
    ("websub_hub", ""),
    ("websub_hub", "https://hub.example.org/"),
    ("websub_hub", "http://pubsubhubbub.example.com/hub"),
    ("search", True),
    ("search", False),
    ("search_part_size", 1000),
    ("search_part_size", 2),  # the machine's articles in two parts or more
    ("search_part_size", 1),
    ("noindex", False),
    ("noindex", True),
    ("copyright", ""),
    ("copyright", "© 2026 Crème & <News>"),
    ("sections", ()),
    ("sections", ("Asia", "Politics", "Sport")),  # tags the articles have, and one none has
    ("sections", ("two words", "Économie")),
    ("tags.asia-pacific.name", "asia"),  # an address of its own for a tag the articles have
    ("tags.politics.name", "two words"),  # one that another tag's name makes: one tag, a warning
    ("tags.econ.name", "Economie"),  # for a tag written with an accent
    ("feed_aliases", ()),
    ("feed_aliases", ("index.xml", "feed.xml")),
    ("compress", True),
    ("compress", False),
    ("webp", True),
    ("webp", False),
    ("force_redirects", False),
    ("force_redirects", True),
    ("relative", False),
    ("relative", True),  # every link relative to its page
    ("sanitize_html", "feeds"),
    ("sanitize_html", "everywhere"),
    ("sanitize_html", "off"),
    ("logo", ""),
    ("logo", "static/favicon.svg"),  # a file of the theme
    ("logo", "static/missing.png"),  # none: a warning
    ("logo", "https://cdn.example/logo.png"),
    ("max_file_bytes", 2_000_000),
    ("max_file_bytes", 600),  # refuses the longer articles and seeds: errors, the rest built
    ("max_image_bytes", 20_000_000),
    ("max_image_bytes", 100),
    ("permalink", "{year}/{month}/{slug}/"),
    ("permalink", "{slug}/"),
    ("permalink", "posts/{year}/{slug}.html"),
    ("permalink", "{year}/{month}/{day}/{slug}"),
    ("permalink", "{slug}.html"),
    ("slugs", "ascii"),
    ("slugs", "unicode"),  # the slugs made of titles, names and tags in their own script
    ("import.read_more", r"^\s*READ MORE:\s*(?P<text>.+?)\s*$"),
    ("import.read_more", r"^\s*See also:\s*(?P<text>.+?)\s*$"),
    ("import.related", r"^\s*[•·]\s*(?P<text>.+?)\s*$"),
    ("import.related", r"^\s*-\s*(?P<text>.+?)\s*$"),
    ("import.source", r"^\s*Source:\s*(?P<text>.*?)\s*$"),
    ("import.source", r"^\s*Via:\s*(?P<text>.*?)\s*$"),
    ("import.drop", (r"^\s*To stay up to date with all the latest news,.*sign up to one of our newsletters.*$",)),
    ("import.drop", ()),
    ("import.date", ""),
    ("import.date", r"^Published:\s*(?P<text>.+)$"),
    ("import.tags", ""),
    ("import.tags", r"^Tags:\s*(?P<text>.+)$"),
)
SETTING_KEYS = tuple(sorted({key for key, _ in SETTINGS}))


def test_the_machine_changes_every_setting() -> None:
    """Each setting of sitegen.toml has two values or more in SETTINGS, each rule of [import]
    too, and the author and tag tables one key at least: a setting the machine never changes
    is one whose stale output it would never see (seven were missing until a newcomer read
    the list against Config)."""
    values: dict[str, set[str]] = {}
    for key, value in SETTINGS:
        values.setdefault(key, set()).add(repr(value))
    tables = {"import_rules": "import.", "authors": "authors.", "tags": "tags."}
    for f in dataclasses.fields(Config):
        if f.name in NOT_SETTINGS:
            continue
        if f.name in tables:
            assert any(key.startswith(tables[f.name]) for key in values), f.name
        else:
            assert len(values.get(f.name, ())) >= 2, f.name
    for f in dataclasses.fields(ImportRules):
        assert len(values.get(f"import.{f.name}", ())) >= 2, f.name
# Byte budgets a site starts with: none (the default, a megabyte), or ones its feeds exceed
# from the first build (the site's feed holds the five articles of its first week, 4 kB; the
# tag politics two, 2 kB), so that the ledger's floors are set early and what follows
# (articles taken down, shortened or added, the budget raised) runs against them.
START_BUDGETS = (None, None, FEED_MIN_BYTES, 1_500, 2_000)
BUDGET_SHARES = (0.5, 0.8, 0.95)
"""What part of a feed's size as built a budget computed from it allows (tighten_feed_budget)."""


def _theme(name: str) -> str:
    return (default_theme_dir() / name).read_text(encoding="utf-8")


def _changed(name: str, old: str, new: str) -> str:
    text = _theme(name)
    assert old in text, (name, old)
    return text.replace(old, new, 1)


# Site templates, static and public files: each overrides the theme's file of that name, or is new.
TEMPLATES = {
    "base.html: the theme's": ("base.html", _theme("base.html")),
    "base.html: wide main": ("base.html", _changed("base.html", '<main id="main">', '<main id="main" class="wide">')),
    "base.html: article count": ("base.html", _changed("base.html", "</footer>", '  <p class="count">{{ site.articles | length }} articles</p>\n</footer>')),
    "base.html: includes note.html": ("base.html", _changed("base.html", "</footer>", '{% include "note.html" %}\n</footer>')),
    "article.html: extra line": ("article.html", _changed("article.html", "</article>", '<p class="extra">An extra line.</p>\n</article>')),
    "article.html: includes a computed name": ("article.html", _changed("article.html", "</article>", '{% include ("note" ~ ".html") %}\n</article>')),
    "article.html: imports macros.html": ("article.html", _changed("article.html", "<h1>", '{% import "macros.html" as m %}{{ m.byline(article) }}<h1>')),
    # What a template reads through ``page``: an article page's context as its key covers it.
    "article.html: reads page.context": (
        "article.html",
        _changed("article.html", "</article>", '<p class="context">{{ page.context | length }} {{ page.context.related | length }} {{ page.context.newer.title if page.context.newer }}</p>\n</article>'),
    ),
    "article.html: syntax error": ("article.html", '{% extends "base.html" %}{% block content %}{{ article.title }}{% endblock\n'),
    "tags.html: includes note.html": ("tags.html", '{% extends "base.html" %}{% block content %}<h1>All tags</h1>{% include "note.html" %}{% endblock %}\n'),
    "404.html: description": ("404.html", '{% extends "base.html" %}{% block content %}<h1>Lost</h1>{{ config.description }}{% endblock %}\n'),
    "note.html: text": ("note.html", '<p id="note">First note</p>\n'),
    "note.html: description": ("note.html", '<p id="note">{{ config.description }}</p>\n'),
    "note.html: article count and author": ("note.html", '<p id="note">{{ site.articles | length }} articles by {{ config.author }}</p>\n'),
    "macros.html: author": ("macros.html", '{% macro byline(a) %}<p class="byline">{{ a.author }}</p>{% endmacro %}\n'),
    "macros.html: author and language": ("macros.html", '{% macro byline(a) %}<p class="byline">By {{ a.author }} in {{ config.language }}</p>{% endmacro %}\n'),
    "robots.txt": ("robots.txt", "User-agent: *\nDisallow: /drafts/\n"),
    "static/extra.css: color": ("static/extra.css", "body { color: #222; }\n"),
    "static/extra.css: margin": ("static/extra.css", "p { margin: 0; }\n"),
    "static/style.css": ("static/style.css", "body { font-family: serif; }\n"),
    "public/ads.txt: one": ("public/ads.txt", "example.com, 1, DIRECT\n"),
    "public/ads.txt: two": ("public/ads.txt", "example.com, 2, DIRECT\n"),
    "public/.well-known/security.txt": ("public/.well-known/security.txt", "Contact: mailto:security@example.org\n"),
    "public/robots.txt: the site's own": ("public/robots.txt", "User-agent: *\nDisallow: /\n"),
    # Catalogs (the setting language takes "en" and "fr-CA"): the site's own over the theme's.
    "locale/fr.po: the site's own": ("locale/fr.po", _changed("locale/fr.po", 'msgstr "Archives"', 'msgstr "Anciens numéros"')),
    "locale/en.po: renames words": ("locale/en.po", 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\nmsgid "Tags"\nmsgstr "Topics"\n'),
    "locale/fr.po: broken": ("locale/fr.po", 'msgid "Tags"\nthis is no catalog\n'),
    # The title of a footnote's back-link, written into the text of a story in French (the
    # setting's fr-CA, or its own), or in Arabic, whose catalog the site has none of.
    "locale/fr.po: notes' back-links": ("locale/fr.po", _changed("locale/fr.po", "Revenir à l’appel de la note", "Retour à la note")),
    "locale/ar.po: notes' back-links": ("locale/ar.po", 'msgid "Jump back to footnote %(number)s in the text"\nmsgstr "ارجع إلى الحاشية %(number)s"\n'),
}


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    assert isinstance(value, str)
    return "'" + value + "'" if "'" not in value and "\n" not in value else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def config_text(values: dict[str, object]) -> str:
    """sitegen.toml of settings named ``key`` or ``table.key`` (``authors.newsroom.bio``)."""
    top = [f"{key} = {_toml_value(v)}" for key, v in sorted(values.items()) if "." not in key]
    tables: dict[str, list[str]] = {}
    for key, value in sorted(values.items()):
        if "." in key:
            table, name = key.rsplit(".", 1)
            tables.setdefault(table, []).append(f"{name} = {_toml_value(value)}")
    return "\n".join(top + [line for table, lines in tables.items() for line in ("", f"[{table}]", *lines)]) + "\n"


def split_front_matter(text: str) -> tuple[list[str], str] | None:
    """The front matter's lines and the rest of a content file, or None if it has none."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 3)
    if end < 0:
        return None
    return text[4:end].split("\n"), text[end + 5 :]


def set_field(text: str, key: str, value: str | None) -> str | None:
    """``text`` with front matter ``key`` set to the YAML ``value`` (None: removed)."""
    parts = split_front_matter(text)
    if parts is None:
        return None
    lines, rest = parts
    kept: list[str] = []
    skipping = False
    for line in lines:
        if line.startswith(f"{key}:"):
            skipping = True
            continue
        if skipping and line.startswith(("- ", "  ")):
            continue  # the block list or continuation of the field removed
        skipping = False
        kept.append(line)
    if value is not None:
        kept.append(f"{key}: {value}")
    return "---\n" + "\n".join(kept) + "\n---\n" + rest


def tags_of(text: str) -> list[str] | None:
    parts = split_front_matter(text)
    if parts is None:
        return None
    try:
        meta = yaml.safe_load("\n".join(parts[0]))
    except yaml.YAMLError:
        return None
    tags = meta.get("tags") if isinstance(meta, dict) else None
    if tags is None:
        return []
    return [str(t) for t in tags] if isinstance(tags, list) else None


def tags_yaml(tags: list[str]) -> str:
    return "[" + ", ".join(tags) + "]"


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def read_tree(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in files_under(root)}


def without(tree: dict[str, bytes], kept: set[str]) -> dict[str, bytes]:
    """``tree`` less the files in ``kept``, also taken out of its manifest."""
    if not kept:
        return tree
    listed = [name for name in json.loads(tree.get(MANIFEST, b"[]")) if name not in kept]
    return {name: data for name, data in tree.items() if name not in kept} | {MANIFEST: json.dumps(listed).encode()}


def mtimes(*roots: Path) -> dict[str, int]:
    return {str(root / name): (root / name).stat().st_mtime_ns for root in roots for name in files_under(root)}


_CLEAN_THEMES: dict[str, ahead.CompiledThemes] = {}


def clean_themes(site: Path) -> ahead.CompiledThemes:
    """The themes the clean builds of ``site`` compiled before, in this very sitegen.toml and
    these very template files (by their bytes, not by ahead.compile_key, which the
    incremental build uses: a compiled theme kept under too short a key shows as a
    difference between the two builds). Compiling took most of a step's time."""
    config = site / CONFIG_NAME
    sources = read_tree(site / "templates") | {CONFIG_NAME: config.read_bytes() if config.exists() else b""}
    key = repr((str(site), sorted(sources.items())))
    found = _CLEAN_THEMES.pop(key, None) or ahead.CompiledThemes()
    _CLEAN_THEMES[key] = found
    while len(_CLEAN_THEMES) > 8:
        del _CLEAN_THEMES[next(iter(_CLEAN_THEMES))]
    return found


def tree_difference(what: str, ours: dict[str, bytes], clean: dict[str, bytes]) -> str:
    """Empty if the trees are equal, else the differing paths and a diff of the first."""
    if ours == clean:
        return ""
    only_ours = sorted(set(ours) - set(clean))
    only_clean = sorted(set(clean) - set(ours))
    differing = sorted(name for name in set(ours) & set(clean) if ours[name] != clean[name])
    lines = [
        f"{what}: the incremental build differs from a clean build",
        f"  only after the incremental build: {only_ours}",
        f"  only after the clean build: {only_clean}",
        f"  different bytes: {differing}",
    ]
    if differing:
        first = differing[0]
        diff = difflib.unified_diff(
            clean[first].decode("utf-8", "replace").splitlines(),
            ours[first].decode("utf-8", "replace").splitlines(),
            f"clean/{first}",
            f"incremental/{first}",
            lineterm="",
            n=1,
        )
        lines += list(diff)[:60]
    return "\n".join(lines)


def problems(report: BuildReport, site: Path, out: Path) -> list[tuple[str, str, str, int | None]]:
    """The build's errors with this machine's folders taken out of them, sorted."""

    def relative(text: str) -> str:
        return text.replace(str(site), "<site>").replace(str(out), "<out>")

    return sorted((type(e).__name__, relative(str(e.path or "")), relative(e.reason), e.line) for e in report.errors)


class IncrementalBuildMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.saved_epoch = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
        self.root = Path(tempfile.mkdtemp(prefix="sitegen-machine-")).resolve()
        self.site = self.root / "site"
        self.out = self.root / "out"
        self.built = False
        self.themes = ahead.CompiledThemes()
        """The themes the incremental builds compiled (ahead.COMPILED for them): with the
        whole theme kept, a build starts no process ahead, and looks at its output folder itself."""
        self.settings: dict[str, object] = {
            "title": "Example News",
            "base_url": "https://example.org/news/",
            "timezone": "Europe/London",
            "page_size": 2,
            "feed_size": 2,
            "archive_size": 2,
        }
        (self.site / "seeds").mkdir(parents=True)
        (self.site / "content").mkdir()
        self.write_config()
        shutil.copy(SAMPLE_SEED, self.site / "seeds" / SAMPLE_SEED.name)
        self.write_seed(SEED_NAMES[0], SEED_TEXTS["storm"])
        # Its related headlines link what another article is titled, or was (give_a_former_title).
        self.write_content("alpha.md", article_md(TITLES[0], date=DATES[0], tags="[politics]", related="['An old headline', 'storm warning']"))
        self.write_content("beta.md", article_md(TITLES[1], date=DATES[2], body=BODIES["markdown"], tags="[politics, asia]"))
        self.write_content("gamma.md", article_md(TITLES[2], date=DATES[3], body=BODIES["footnote"]))

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        if self.saved_epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = self.saved_epoch

    @initialize(budget=st.sampled_from(START_BUDGETS))
    def start_with_a_budget(self, budget: int | None) -> None:
        """change_setting seldom makes a byte budget bind (feed_max_bytes is one of the
        seventy values it draws from, and only its least binds on this site): three runs in
        five start with a budget that does."""
        if budget is not None:
            self.settings["feed_max_bytes"] = budget
            self.write_config()

    # Helpers.

    def write_config(self) -> None:
        (self.site / CONFIG_NAME).write_text(config_text(self.settings), encoding="utf-8")

    def write_seed(self, name: str, text: str) -> None:
        (self.site / "seeds" / name).write_bytes(text.encode("utf-8", "surrogateescape"))

    def write_content(self, name: str, text: str) -> None:
        path = self.site / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def content_files(self) -> list[str]:
        return [name for name in files_under(self.site / "content") if name.endswith(".md")]

    def seed_files(self) -> list[str]:
        return files_under(self.site / "seeds")

    def template_files(self) -> list[str]:
        return files_under(self.site / "templates")

    def cache_files(self) -> list[str]:
        return files_under(self.site / cache.CACHE_DIR)

    def output_files(self) -> list[str]:
        return files_under(self.out)

    def feed_sizes(self) -> dict[str, int]:
        """Each feed in the output folder (by its folder: "" the site's, ``tags/asia``) ->
        the size of its largest format, which its byte budget bounds."""
        sizes: dict[str, int] = {}
        for name in self.output_files():
            folder, _, file = name.rpartition("/")
            if file in FORMATS.values() and not folder.startswith("feeds/"):  # not an archive
                sizes[folder] = max(sizes.get(folder, 0), (self.out / name).stat().st_size)
        return sizes

    def edit_front_matter(self, name: str, key: str, value: str | None) -> None:
        path = self.site / "content" / name
        edited = set_field(path.read_text(encoding="utf-8"), key, value)
        if edited is not None:
            path.write_text(edited, encoding="utf-8")

    # Articles.

    @rule(
        name=st.sampled_from(ARTICLE_NAMES),
        title=st.sampled_from(TITLES),
        date=st.sampled_from(DATES),
        body=st.sampled_from(list(BODIES)),
        tags=st.lists(st.sampled_from(TAGS), max_size=2, unique=True),
    )
    def write_article(self, name: str, title: str, date: str, body: str, tags: list[str]) -> None:
        """Add a hand-written article, or write an existing one anew."""
        self.write_content(name, article_md(title, date=date, body=BODIES[body], tags=tags_yaml(tags)))

    @rule(
        name=st.sampled_from(PAGE_NAMES),
        title=st.sampled_from(TITLES),
        body=st.sampled_from(list(BODIES)),
        order=st.sampled_from(["", "1", "2"]),
    )
    def write_page(self, name: str, title: str, body: str, order: str) -> None:
        """Add a standalone page, or write an existing one anew (its text, title or place)."""
        self.write_content(name, page_md(title, body=BODIES[body], **({"order": order} if order else {})))

    @precondition(lambda self: self.content_files())
    @rule(data=st.data(), field=st.sampled_from(FIELDS))
    def edit_field(self, data: st.DataObject, field: tuple[str, str]) -> None:
        """Change one front matter field of any article, imported ones included."""
        name = data.draw(st.sampled_from(self.content_files()), label="article")
        self.edit_front_matter(name, *field)

    @precondition(lambda self: self.content_files())
    @rule(data=st.data(), key=st.sampled_from(FIELD_NAMES))
    def remove_field(self, data: st.DataObject, key: str) -> None:
        name = data.draw(st.sampled_from(self.content_files()), label="article")
        self.edit_front_matter(name, key, None)

    @precondition(lambda self: self.content_files())
    @rule(data=st.data(), body=st.sampled_from(list(BODIES)))
    def edit_body(self, data: st.DataObject, body: str) -> None:
        name = data.draw(st.sampled_from(self.content_files()), label="article")
        path = self.site / "content" / name
        parts = split_front_matter(path.read_text(encoding="utf-8"))
        if parts is not None:
            path.write_text("---\n" + "\n".join(parts[0]) + "\n---\n\n" + BODIES[body] + "\n", encoding="utf-8")

    @precondition(lambda self: self.content_files())
    @rule(data=st.data(), tag=st.sampled_from(TAGS))
    def add_tag(self, data: st.DataObject, tag: str) -> None:
        name = data.draw(st.sampled_from(self.content_files()), label="article")
        tags = tags_of((self.site / "content" / name).read_text(encoding="utf-8"))
        if tags is not None and tag not in tags:
            self.edit_front_matter(name, "tags", tags_yaml([*tags, tag]))

    @precondition(lambda self: self.content_files())
    @rule(data=st.data())
    def remove_tag(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(self.content_files()), label="article")
        tags = tags_of((self.site / "content" / name).read_text(encoding="utf-8"))
        if tags:
            tag = data.draw(st.sampled_from(tags), label="tag")
            self.edit_front_matter(name, "tags", tags_yaml([t for t in tags if t != tag]))

    @precondition(lambda self: self.content_files())
    @rule(data=st.data())
    def remove_article(self, data: st.DataObject) -> None:
        """Remove any content file; an imported one comes back from its seed."""
        name = data.draw(st.sampled_from(self.content_files()), label="article")
        (self.site / "content" / name).unlink()

    @precondition(lambda self: self.content_files())
    @rule(data=st.data(), new_name=st.sampled_from(ARTICLE_NAMES))
    def rename_article(self, data: st.DataObject, new_name: str) -> None:
        name = data.draw(st.sampled_from(self.content_files()), label="article")
        target = self.site / "content" / new_name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.site / "content" / name, target)

    @rule(hours=st.sampled_from([1, 7, 24 * 400]))
    def time_passes(self, hours: int) -> None:
        """The clock moves on: a scheduled article may come due, with no file changed."""
        os.environ["SOURCE_DATE_EPOCH"] = str(int(os.environ["SOURCE_DATE_EPOCH"]) + hours * 3600)

    @precondition(lambda self: (self.site / "content" / LEDGER_NAME).exists())
    @rule()
    def remove_ledger(self) -> None:
        """A clone without the `updated` ledger."""
        (self.site / "content" / LEDGER_NAME).unlink()

    @precondition(lambda self: (self.site / "content" / LEDGER_NAME).exists())
    @rule(data=st.data(), title=st.sampled_from((*TITLES, "storm warning", "An old headline")))
    def give_a_former_title(self, data: st.DataObject, title: str) -> None:
        """The ledger edited by hand (a merge, say): an article had another title once. A
        related headline naming it then links the article, on pages not rendered for it."""
        path = self.site / "content" / LEDGER_NAME
        try:
            ledger = json.loads(path.read_text(encoding="utf-8"))
            ids = sorted(ledger["articles"])
        except (ValueError, KeyError, TypeError):
            return  # damaged by another rule: the build says so
        if not ids:
            return
        entry = ledger["articles"][data.draw(st.sampled_from(ids), label="article")]
        entry["titles"] = [title, *entry.get("titles", [])]
        path.write_text(json.dumps(ledger, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    # Seeds.

    @rule(name=st.sampled_from(SEED_NAMES), text=st.sampled_from(list(SEED_TEXTS)))
    def write_seed_file(self, name: str, text: str) -> None:
        """Add a seed, or change one."""
        self.write_seed(name, SEED_TEXTS[text])

    @precondition(lambda self: self.seed_files())
    @rule(data=st.data())
    def remove_seed(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(self.seed_files()), label="seed")
        (self.site / "seeds" / name).unlink()

    @precondition(lambda self: self.seed_files())
    @rule(data=st.data(), new_name=st.sampled_from(SEED_NAMES))
    def rename_seed(self, data: st.DataObject, new_name: str) -> None:
        name = data.draw(st.sampled_from(self.seed_files()), label="seed")
        os.replace(self.site / "seeds" / name, self.site / "seeds" / new_name)

    # Images.

    @rule(kind=st.sampled_from(sorted(PICTURES)))
    def write_picture(self, kind: str) -> None:
        path = self.site / "content" / "images" / "pic.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(PICTURES[kind])

    @precondition(lambda self: (self.site / "content" / "images" / "pic.png").exists())
    @rule()
    def remove_picture(self) -> None:
        (self.site / "content" / "images" / "pic.png").unlink()

    # Settings.

    @rule(setting=st.sampled_from(SETTINGS))
    def change_setting(self, setting: tuple[str, object]) -> None:
        key, value = setting
        self.settings[key] = value
        self.write_config()

    @precondition(lambda self: self.feed_sizes())
    @rule(data=st.data(), share=st.sampled_from(BUDGET_SHARES))
    def tighten_feed_budget(self, data: st.DataObject, share: float) -> None:
        """A byte budget under the size of a feed as last built: its oldest entries are left
        out, if it has more than one the budget may leave out (feeds.FeedWriter._fit)."""
        sizes = self.feed_sizes()
        feed = data.draw(st.sampled_from(sorted(sizes)), label="feed")
        self.settings["feed_max_bytes"] = max(FEED_MIN_BYTES, int(sizes[feed] * share))
        self.write_config()

    @rule(key=st.sampled_from(SETTING_KEYS))
    def remove_setting(self, key: str) -> None:
        self.settings.pop(key, None)
        self.write_config()

    @precondition(lambda self: (self.site / CONFIG_NAME).exists())
    @rule()
    def remove_config(self) -> None:
        """A site without sitegen.toml builds with the defaults."""
        self.settings.clear()
        (self.site / CONFIG_NAME).unlink()

    # Templates and static files.

    @rule(template=st.sampled_from(list(TEMPLATES)))
    def write_template(self, template: str) -> None:
        name, text = TEMPLATES[template]
        path = self.site / "templates" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    @precondition(lambda self: self.template_files())
    @rule(data=st.data())
    def remove_template(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(self.template_files()), label="template")
        (self.site / "templates" / name).unlink()

    # The build cache and the output folder: damaged behind the build's back.

    @precondition(lambda self: self.cache_files())
    @rule(data=st.data(), how=st.sampled_from(("delete", "truncate", "empty", "flip")))
    def damage_cache_file(self, data: st.DataObject, how: str) -> None:
        name = data.draw(st.sampled_from(self.cache_files()), label="cache file")
        self.damage(self.site / cache.CACHE_DIR / name, how, data)

    @precondition(lambda self: (self.site / cache.CACHE_DIR).exists())
    @rule()
    def delete_cache(self) -> None:
        shutil.rmtree(self.site / cache.CACHE_DIR)

    @precondition(lambda self: self.output_files())
    @rule(data=st.data(), how=st.sampled_from(("delete", "truncate", "empty", "flip", "replace")), afresh=st.booleans())
    def damage_output_file(self, data: st.DataObject, how: str, afresh: bool) -> None:
        name = data.draw(st.sampled_from(self.output_files()), label="output file")
        self.damage(self.out / name, how, data)
        if afresh:
            # The next build is as a new process's (sitegen build): the theme compiled, and
            # the output folder looked at, by a process ahead (ahead.foresee).
            self.themes = ahead.CompiledThemes()

    def damage(self, path: Path, how: str, data: st.DataObject) -> None:
        content = path.read_bytes()
        if how == "delete":
            path.unlink()
        elif how == "truncate":
            path.write_bytes(content[: len(content) // 2])
        elif how == "empty":
            path.write_bytes(b"")
        elif how == "replace":
            path.write_bytes(b"vandalised\n")
        elif content:  # flip: the same size, other bytes
            # Drawn without knowing the size: cache files differ from run to run (their
            # shards are chosen by absolute path), and hypothesis must draw the same way.
            at = data.draw(st.integers(0, 2**16), label="offset") % len(content)
            path.write_bytes(content[:at] + bytes([content[at] ^ 0x20]) + content[at + 1 :])

    # After every step.

    @invariant()
    def incremental_build_equals_clean_build(self) -> None:
        # On two processes: the templates compiled ahead, or kept from an earlier build of
        # this machine (self.themes), and the pages rendered by workers; the clean build
        # on one, compiling every template it uses itself, unless a clean build compiled it
        # before from the same settings and template files (clean_themes).
        start = parallel.Workers.ahead
        started: list[bool] = []

        def noting(workers: parallel.Workers, fn: Callable[[], object]) -> object:
            found = start(workers, fn)
            started.append(found is not None)
            return found

        with mock.patch.object(ahead, "COMPILED", self.themes), mock.patch.object(parallel.Workers, "ahead", noting):
            report = build(self.site, self.out, jobs=2)
        if any(started) and self.built:  # (the first build's always does)
            event("a process ahead compiled the theme and looked at the output folder after the first build")
        self.built = True
        # How often the byte budget leaves entries out (hypothesis --hypothesis-show-statistics):
        # the ledger keeps a floor for each feed where it did (feeds.select reads them).
        ledger = load_ledger(self.site / "content")
        for feed in ledger.floors if ledger is not None else ():
            event("a byte budget left entries out of a feed")
            event("a byte budget left entries out: " + ("the site's feed" if feed == "" else "a tag's or author's feed"))

        clean_root = self.root / "clean"
        shutil.rmtree(clean_root, ignore_errors=True)
        clean_site, clean_out = clean_root / "site", clean_root / "out"
        clean_site.mkdir(parents=True)
        for name in SOURCES:
            source = self.site / name
            if source.is_dir():
                shutil.copytree(source, clean_site / name)
            elif source.is_file():
                shutil.copy2(source, clean_site / name)
        with mock.patch.object(ahead, "COMPILED", clean_themes(clean_site)):
            clean_report = build(clean_site, clean_out, jobs=1)

        # A page whose render failed keeps its last good version (README, "The site stays
        # whole"), which a clean build cannot have: those pages are left out of the comparison,
        # and so are the static files of earlier builds, which such a build keeps for them.
        kept = set(report.failed) | set(clean_report.failed)
        assert report.failed == clean_report.failed, (report.failed, clean_report.failed)
        if report.failed:
            clean_files = set(read_tree(clean_out))
            kept |= {name for name in read_tree(self.out) if name.startswith(STATIC) and name not in clean_files}
        difference = tree_difference("output", without(read_tree(self.out), kept), without(read_tree(clean_out), kept))
        assert not difference, difference
        # A clean build of what the incremental one left must not import anything anew.
        difference = tree_difference("content/", read_tree(self.site / "content"), read_tree(clean_site / "content"))
        assert not difference, difference
        ours, theirs = problems(report, self.site, self.out), problems(clean_report, clean_site, clean_out)
        assert ours == theirs, f"errors differ:\n  incremental: {ours}\n  clean: {theirs}"

        # Nothing changed since: the next build writes nothing.
        before = mtimes(self.out, self.site / "content")
        again = build(self.site, self.out, jobs=1)
        assert again.written.written == [] and again.written.removed == [], (again.written.written, again.written.removed, again.cache)
        after = mtimes(self.out, self.site / "content")
        assert after == before, f"touched by a build with nothing to do: {sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))}"
        assert problems(again, self.site, self.out) == ours


TestIncrementalBuild = pytest.mark.slow(100)(IncrementalBuildMachine.TestCase)
TestIncrementalBuild.settings = settings(
    max_examples=int(os.environ.get("SITEGEN_FUZZ_EXAMPLES", "15")),
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
