from __future__ import annotations

import os
from pathlib import Path

from conftest import MakeSite, article_md, no_hang
from lxml import html as lxml_html

from sitegen.build import build
from sitegen.cache import Inputs
from sitegen.errors import TemplateError
from sitegen.theme import Theme, default_theme_dir


def awkward_templates(site: Path) -> Path:
    """A templates/ folder holding every kind of file that cannot be read as a template."""
    templates = site / "templates"
    (templates / "static").mkdir(parents=True)
    (templates / "static" / "site.css").write_text("body { color: black }\n")
    # Editor leftovers: an Emacs lock (a link to nowhere), a backup, a Vim swap file.
    (templates / ".#base.html").symlink_to("root@host.1234:1700000000")
    (templates / "base.html~").write_text("{% broken")
    (templates / ".article.html.swp").write_bytes(b"\0\1\2")
    # Files that are not regular files inside the folder.
    (templates / "static" / "gone.png").symlink_to(site / "nowhere.png")
    (templates / "static" / "logo.png").symlink_to(site / "logo.png")
    (site / "logo.png").write_bytes(b"\x89PNG")
    os.mkfifo(templates / "static" / "pipe.css")
    return templates


def test_files_that_cannot_be_read_are_named_and_left_out(make_site: MakeSite) -> None:
    site = make_site()
    templates = awkward_templates(site)
    (templates / "big.html").write_text("x" * 100_001)
    (templates / "index.html").symlink_to(default_theme_dir() / "index.html")
    with no_hang():
        theme = Theme(site, Inputs(), limit=100_000)
    assert all(isinstance(p, TemplateError) for p in theme.problems)
    named = {p.path.name if p.path else "": p.reason for p in theme.problems}
    assert sorted(named) == ["big.html", "gone.png", "index.html", "logo.png", "pipe.css"]
    assert "symbolic link" in named["gone.png"] and "symbolic link" in named["logo.png"]
    assert "not a regular file" in named["pipe.css"]
    assert named["big.html"] == "is 100,001 bytes, over the 100,000 a template or static file may have; it was not read"
    assert "static/site.css" in theme.files and "static/logo.png" not in theme.files and "big.html" not in theme.files
    # A file left out gives way to the default theme's of the same name.
    assert theme.files["index.html"][0] == default_theme_dir() / "index.html"
    # Editor leftovers are neither read nor reported.
    assert not [rel for rel in theme.files if rel.startswith(".") or rel.endswith(("~", ".swp"))]
    assert "base.html" in theme.files and theme.files["base.html"][0] == default_theme_dir() / "base.html"


def test_a_linked_folder_is_named_and_nothing_of_it_published(make_site: MakeSite, tmp_path: Path) -> None:
    """templates/public/ (or static/) linked to a folder elsewhere: its files were left out
    without a word, where a linked file is an error naming it."""
    site = make_site(content={"a.md": article_md("A story")})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text("not for the site")
    (site / "templates").mkdir()
    (site / "templates" / "public").symlink_to(elsewhere, target_is_directory=True)
    report = build(site)
    assert [(e.path, e.reason.split(";")[0]) for e in report.errors] == [(site / "templates" / "public", "is a symbolic link to a folder")]
    assert not list((site / "output").rglob("secret.txt"))
    # Put right (the link replaced by the folder), the next build publishes its files.
    (site / "templates" / "public").unlink()
    (site / "templates" / "public").mkdir()
    (site / "templates" / "public" / "ads.txt").write_text("example.com, 1, DIRECT\n")
    report = build(site)
    assert report.ok and (site / "output" / "ads.txt").is_file()


def test_a_build_with_unreadable_template_files_still_builds(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A story")})
    awkward_templates(site)
    with no_hang():
        report = build(site)
    out = site / "output"
    assert (out / "index.html").is_file() and (out / "2024" / "05" / "a" / "index.html").is_file()
    assert (out / "static" / "site.css").is_file() and not (out / "static" / "pipe.css").exists()
    assert not (out / "static" / "logo.png").exists() and not list(out.rglob("*.swp"))
    assert all(isinstance(e, TemplateError) for e in report.errors), report.errors
    # Put right, the file is seen by the next build, incremental as it is.
    (site / "templates" / "static" / "pipe.css").unlink()
    (site / "templates" / "static" / "pipe.css").write_text("p { margin: 0 }\n")
    build(site)
    assert (out / "static" / "pipe.css").read_text() == "p { margin: 0 }\n"


def test_a_build_reports_the_template_files_it_left_out(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A story")})
    awkward_templates(site)
    with no_hang():
        report = build(site)
    assert sorted((type(e), e.path.name if e.path else "") for e in report.errors) == [
        (TemplateError, "gone.png"),
        (TemplateError, "logo.png"),
        (TemplateError, "pipe.css"),
    ]
    # A build with nothing to do says so again.
    assert [str(e) for e in build(site).errors] == [str(e) for e in report.errors]


def test_the_readme_describes_every_template_of_the_theme() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("| template | renders | its own variables |", 1)[1].split("\n\n", 1)[0]
    described = {line.split("`")[1] for line in table.splitlines() if line.startswith("| `")}
    root = default_theme_dir()
    templates = {p.name for p in root.iterdir() if p.is_file()}
    assert templates - described == set()
    assert described - templates == {"static/*", "public/*"}  # folders of files copied as they are


def test_a_template_of_the_sites_that_nothing_uses_is_named(make_site: MakeSite) -> None:
    """templates/artcle.html, or about.html hoped to make a page: left unused, silently.
    A copy of a theme template no page needs now (redirect.html) is not worth a word."""
    site = make_site(content={"a.md": article_md("A")})
    templates = site / "templates"
    templates.mkdir()
    theme = Path(__file__).parent.parent / "templates"
    (templates / "artcle.html").write_text((theme / "article.html").read_text())
    (templates / "macros.html").write_text("{% macro byline() %}By us{% endmacro %}\n")
    (templates / "article.html").write_text('{% import "macros.html" as m %}' + (theme / "article.html").read_text())
    (templates / "redirect.html").write_text((theme / "redirect.html").read_text())
    report = build(site)
    assert report.ok
    unused = [w for w in report.warnings if ": not used:" in w]
    assert unused == [f"{templates / 'artcle.html'}: not used: no page is made from it, and no template in use extends, includes or imports it"
                      " (a misspelt name? `sitegen theme list` names the theme's; a new kind of page is more than a template: README, Architecture; an About or Contact page is a content file with page: true: README, Pages)"]
    assert [w for w in build(site).warnings if ": not used:" in w] == unused  # said again by a build with nothing to do


def test_what_editors_and_file_managers_leave_in_templates_is_not_published(make_site: MakeSite) -> None:
    """An Emacs auto-save (``#style.css#``), a merge's ``.orig``, Finder's ``.DS_Store`` and
    ``._`` files in static/ or public/ were copied into the site, fingerprinted copies too."""
    site = make_site(content={"a.md": article_md("A story")})
    templates = site / "templates"
    (templates / "static").mkdir(parents=True)
    (templates / "public" / ".well-known").mkdir(parents=True)
    (templates / "static" / "site.css").write_text("body { color: black }\n")
    (templates / "public" / "ads.txt").write_text("example.com, pub-0, DIRECT\n")
    (templates / "public" / ".well-known" / "security.txt").write_text("Contact: mailto:desk@example.org\n")
    leftovers = ["#site.css#", "site.css.orig", "site.css.rej", ".DS_Store", "._site.css", "Thumbs.db", "desktop.ini", ".site.css.swo"]
    for folder in (templates, templates / "static", templates / "public", templates / "public" / ".well-known"):
        for name in leftovers:
            (folder / name).write_bytes(b"\0leftover")
    (templates / "#base.html#").write_text("{% broken")
    report = build(site)
    assert report.ok and not [w for w in report.warnings if "not used" in w], report.warnings
    out = site / "output"
    published = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.read_bytes().startswith(b"\0leftover"))
    assert published == []
    assert (out / "static" / "site.css").is_file() and (out / "ads.txt").is_file() and (out / ".well-known" / "security.txt").is_file()


def test_a_site_template_changes_blocks_of_the_themes_own_by_extending_it(make_site: MakeSite) -> None:
    """A site's article.html that fills one block of the theme's had to copy all of it:
    ``{% extends "article.html" %}`` is the site's file itself, recursion without end."""
    site = make_site(content={"a.md": article_md("A", body="The words.")})
    (site / "templates").mkdir()
    own = site / "templates" / "article.html"
    own.write_text('{% extends "article.html" %}\n{% block page_title %}Ours: {{ article.title }}{% endblock %}\n')
    report = build(site)
    assert [(e.path, e.line, e.reason) for e in report.errors] == [
        (own, 1, 'cannot render /2024/05/a/: article.html extends itself: to change blocks of the theme\'s article.html, extend "theme/article.html"')
    ]
    own.write_text(own.read_text().replace('"article.html"', '"theme/article.html"'))
    assert build(site).ok
    page = lxml_html.fromstring((site / "output" / "2024" / "05" / "a" / "index.html").read_bytes())
    assert page.xpath("//title/text()") == ["Ours: A – sitegen site"]
    assert page.xpath("//h1/text()") == ["A"] and page.xpath("//main//div[@class='body']/p/text()") == ["The words."]
    own.write_text(own.read_text().replace("page_title", "page_titel"))
    [error] = build(site).errors
    assert (error.path, error.line) == (own, 2) and error.reason.endswith("(did you mean 'page_title'?)")
