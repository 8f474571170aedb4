"""The work a build does ahead on the other core (ahead.py): the same output as without it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import pytest
from conftest import MakeSite, article_md

from sitegen import ahead, i18n, render
from sitegen.build import build
from sitegen.cache import Inputs
from sitegen.config import CONFIG_NAME, load_config
from sitegen.memo import Memo
from sitegen.model import Site
from sitegen.theme import NOT_TEMPLATES, Theme


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.usefixtures("compiled_afresh")
def test_a_rebuild_with_work_ahead_writes_what_one_process_writes(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds on two processes (templates compiled and output files looked at ahead) write
    what builds on one write, byte for byte: after an edit, with files of the output folder
    deleted, edited and touched, and with a template of the site's own. The answers ahead
    were used."""
    used: list[str] = []
    looked: list[frozenset[str] | None] = []
    get_bucket = render._CompiledAhead.get_bucket
    memo_render = Memo.render

    def noting(self: render._CompiledAhead, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> jinja2.bccache.Bucket:
        bucket = get_bucket(self, environment, name, filename, source)
        if bucket.code is not None:
            used.append(name)
        return bucket

    def render_noting(self: Memo, *args: object, **kwargs: object) -> object:
        looked.append(args[5] if len(args) > 5 else kwargs.get("looked"))  # type: ignore[arg-type]
        return memo_render(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(render._CompiledAhead, "get_bucket", noting)
    monkeypatch.setattr(Memo, "render", render_noting)
    content = {f"a{i}.md": article_md(f"Story {i}", date=f"2024-05-{i + 1:02d}T10:00:00Z", tags=["World"]) for i in range(5)}
    one, two = make_site(content=content, name="one"), make_site(content=content, name="two")
    for site, jobs in ((one, 1), (two, 2)):
        assert build(site, jobs=jobs).ok
        with (site / "content" / "a2.md").open("a") as f:
            f.write("\nA sentence added.\n")
        (site / "output" / "2024" / "05" / "a0" / "index.html").unlink()
        (site / "output" / "tags" / "world" / "index.html").write_text("edited by hand")
        (site / "output" / "atom.xml").touch()
        used.clear()
        looked.clear()
        # No theme kept from the first build: there is a process ahead to look (ahead.foresee).
        monkeypatch.setattr(ahead, "COMPILED", ahead.CompiledThemes())
        assert build(site, jobs=jobs).ok
        (site / "templates").mkdir()
        (site / "templates" / "article.html").write_text(
            '{% extends "base.html" %}\n{% block content %}<h1>{{ article.title }}</h1>{{ article.html | safe }}{% endblock %}\n'
        )
        assert build(site, jobs=jobs).ok
    assert {"article.html", "base.html"} <= set(used)
    assert any(found is not None and "tags/world/index.html" in found and "2024/05/a0/index.html" in found for found in looked)
    assert _files(one / "output") == _files(two / "output")
    assert "<h1>Story 3</h1>" in (two / "output" / "2024" / "05" / "a3" / "index.html").read_text()


@pytest.mark.usefixtures("compiled_afresh")
def test_a_clean_build_parses_no_template_the_process_ahead_compiled(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a page's template refers to (for its key) comes with the templates compiled
    ahead: a clean build of a site on the default theme parses none of them itself, where
    a build on one process parses each; both write the same."""
    parsed: list[str] = []
    parse = jinja2.Environment.parse

    def noting(self: jinja2.Environment, source: str, *args: Any, **kwargs: Any) -> Any:
        parsed.append(source[:40])
        return parse(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "parse", noting)
    content = {f"a{i}.md": article_md(f"Story {i}", date=f"2024-05-{i + 1:02d}T10:00:00Z", tags=["World"]) for i in range(3)}
    one, two = make_site(content=content, name="one"), make_site(content=content, name="two")
    assert build(one, jobs=1).ok
    assert len(parsed) > 10
    parsed.clear()
    assert build(two, jobs=2).ok
    assert parsed == []
    assert _files(one / "output") == _files(two / "output")


@pytest.mark.usefixtures("compiled_afresh")
def test_a_process_building_again_compiles_a_theme_once_and_builds_what_a_new_process_builds(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds in one process (``sitegen serve``, the tests) take the templates an earlier one
    compiled while the settings, the language and the template files are the same, and
    compile them again when any changed: after each change the output is, byte for byte,
    what a build in a new process writes. Taken, they are not compiled again, here or in
    a process ahead: none is started (the build looks at its output folder itself)."""
    known: list[bool] = []
    foreseen: list[ahead.Foreseen] = []
    used: list[str] = []
    foresee = ahead.foresee
    get_bucket = render._CompiledAhead.get_bucket

    def noting(config: Any, theme: Any, language: Any, *args: Any) -> ahead.Foreseen:
        known.append(ahead.COMPILED.get(ahead.compile_key(config, theme, language)) is not None)
        foreseen.append(foresee(config, theme, language, *args))
        return foreseen[-1]

    def serving(self: render._CompiledAhead, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> jinja2.bccache.Bucket:
        bucket = get_bucket(self, environment, name, filename, source)
        if bucket.code is not None:
            used.append(name)
        return bucket

    def compiles_not(*args: object) -> object:
        raise AssertionError("compiled again")

    monkeypatch.setattr(ahead, "foresee", noting)
    monkeypatch.setattr(render._CompiledAhead, "get_bucket", serving)
    compile_theme = render.compile_theme
    first = 'title = "News"\nbase_url = "https://example.org/"\n'
    content = {f"a{i}.md": article_md(f"Story {i}", date=f"2024-05-{i + 1:02d}T10:00:00Z", tags=["World"]) for i in range(3)}
    site = make_site(content=content, config=first)
    own = site / "templates" / "article.html"

    def edit_article() -> None:
        with (site / "content" / "a1.md").open("a") as f:
            f.write("\nA sentence added.\n")

    def own_template() -> None:
        own.parent.mkdir()
        own.write_text('{% extends "theme/article.html" %}\n{% block content %}<h1>Own {{ article.title }}</h1>{% endblock %}\n')

    def theme_again() -> None:
        own.unlink()
        own.parent.rmdir()

    steps: list[tuple[str, Callable[[], None], bool]] = [
        ("first build", lambda: None, False),
        ("an article edited", edit_article, True),
        ("base_url", lambda: (site / "sitegen.toml").write_text(first.replace("example.org/", "example.org/news/")), False),
        ("language", lambda: (site / "sitegen.toml").write_text(first + 'language = "de"\n'), False),
        ("a template of the site's own", own_template, False),
        ("back as at first", lambda: ((site / "sitegen.toml").write_text(first), theme_again()), True),
    ]
    for step, (said, change, compiled_before) in enumerate(steps):
        change()
        monkeypatch.setattr(render, "compile_theme", compiles_not if compiled_before else compile_theme)
        used.clear()
        assert build(site, jobs=2).ok, said
        assert known[-1] == compiled_before, said
        assert "base.html" in used, said
        # A process ahead when there is a theme to compile, and only then.
        assert (foreseen[-1].not_as_written() is None) == compiled_before, said
        monkeypatch.setattr(render, "compile_theme", compile_theme)
        fresh = site.parent / f"fresh{step}"
        shutil.copytree(site, fresh, ignore=shutil.ignore_patterns("output", ".sitegen-cache"))
        subprocess.run([sys.executable, "-m", "sitegen", "build", "--quiet", "--site", str(fresh)], check=True)
        assert _files(site / "output") == _files(fresh / "output"), said
    assert "<h1>Own Story 2</h1>" in (site.parent / "fresh4" / "output" / "2024" / "05" / "a2" / "index.html").read_text()


@pytest.mark.usefixtures("compiled_afresh")
def test_a_process_building_on_one_job_keeps_what_it_compiled(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no process ahead (``-j 1``, ``sitegen serve -j 1``), a build compiles the
    templates it uses as it comes to them, and keeps them: the next build of the process in
    the same settings compiles none, and writes what a new process writes; one in other
    settings compiles them again."""
    compiled: list[str] = []
    set_bucket = render._CompiledAhead.set_bucket

    def noting(self: render._CompiledAhead, bucket: jinja2.bccache.Bucket) -> None:
        compiled.append(bucket.key)
        set_bucket(self, bucket)

    monkeypatch.setattr(render._CompiledAhead, "set_bucket", noting)
    config = 'title = "News"\nbase_url = "https://example.org/"\n'
    site = make_site(content={f"a{i}.md": article_md(f"Story {i}", date=f"2024-05-{i + 1:02d}T10:00:00Z", tags=["World"]) for i in range(3)}, config=config)
    assert build(site, jobs=1).ok
    assert {"base.html", "article.html", "index.html"} <= set(compiled)
    with (site / "content" / "a1.md").open("a") as f:
        f.write("\nA sentence added.\n")
    compiled.clear()
    report = build(site, jobs=1)
    assert report.ok and report.rendered > 1 and compiled == []
    fresh = site.parent / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns("output", ".sitegen-cache"))
    subprocess.run([sys.executable, "-m", "sitegen", "build", "--quiet", "-j", "1", "--site", str(fresh)], check=True)
    assert _files(site / "output") == _files(fresh / "output")
    (site / "sitegen.toml").write_text(config.replace("example.org/", "example.org/news/"))
    assert build(site, jobs=1).ok
    assert "base.html" in compiled


# A template of the site's own that gives every filter and test of sitegen's constants,
# which Jinja folds into its code where it can: a filter that read another setting would
# show here. (Those of dates and articles give up on a string or a number, which is all a
# template can write as a constant: they are never folded.)
FOLDING = """{{ 'atom.xml' | absolute }} {{ 'tags/' | url }} {{ 'static/style.css' | asset }} {{ 'A long headline' | brief(8) }}
{{ 'Name' | bdi }} {{ 'x' | lang }} {{ 2 | month_name }} {{ '2024-05-01' | iso }} {{ 'tags/' | url | absolute }} {{ '2024-05-01' | human }}
{{ '2024-05-01' | clock }} {{ 'x' | language }} {{ '<p>x</p>' | webp([]) }} {{ '2024-05-01' is day_alone }}
"""


def _compiled_sources(site: Path, settings: dict[str, object]) -> dict[str, str]:
    """The Python source Jinja compiles each template of ``site`` to in ``settings``, as
    render.compile_theme compiles it (in a Renderer's environment)."""
    from test_incremental_machine import config_text

    (site / CONFIG_NAME).write_text(config_text(settings), encoding="utf-8")
    config = load_config(site)
    theme = Theme(site, Inputs())
    env = render.Renderer(Site(config, (), (), ()), theme, language=i18n.language_of(theme, config.language).language).env
    assert env.loader is not None
    return {name: env.compile(env.loader.get_source(env, name)[0], name, raw=True) for name in sorted(theme.files) if not name.startswith(NOT_TEMPLATES)}


def test_a_compiled_theme_holds_no_setting_but_those_its_key_names(tmp_path: Path) -> None:
    """A theme compiled is kept for the settings Jinja may fold into its code (ahead.FOLDED)
    only: under two sitegen.toml that differ in every other setting (each one's first and
    last value in the state machine's list; a table's key there and not), every template
    compiles to the same Python, the theme's and one of the site's own giving every filter
    constants; under another base URL, not."""
    from test_incremental_machine import SETTINGS

    site = tmp_path / "site"
    (site / "templates").mkdir(parents=True)
    (site / "templates" / "folding.html").write_text(FOLDING, encoding="utf-8")
    first: dict[str, object] = {}
    last: dict[str, object] = {}
    for key, value in SETTINGS:
        if key not in ahead.FOLDED:
            first.setdefault(key, value)
            last[key] = value
    # A key of a table (an author's, a tag's) the list gives one value: there, and not.
    last = {key: value for key, value in last.items() if value != first[key]}
    assert {"title", "timezone", "permalink"} <= last.keys() and "tags.econ.name" in first.keys() - last.keys()
    first["base_url"] = last["base_url"] = "https://example.org/"
    env = render.Renderer(Site(load_config(tmp_path), (), (), ()), Theme(tmp_path, Inputs())).env
    plain = jinja2.Environment()
    written = {node.name for node in env.parse(FOLDING).find_all((jinja2.nodes.Filter, jinja2.nodes.Test))}
    assert (set(env.filters) - set(plain.filters)) | (set(env.tests) - set(plain.tests)) <= written, "a filter or test of sitegen's missing from FOLDING"
    compiled = _compiled_sources(site, first)
    assert "folding.html" in compiled and "https://example.org/atom.xml" in compiled["folding.html"]  # folded
    assert compiled == _compiled_sources(site, last)
    assert compiled != _compiled_sources(site, {**first, "base_url": "https://example.org/news/"})


def test_a_template_compiled_for_one_site_names_its_own_file_in_another_sites_errors(make_site: MakeSite) -> None:
    """Two sites with the same settings and a template of their own of the same bytes, built
    in one process: each site's error names its own file, not the one the templates were
    first compiled from (the compiled code names its file)."""
    template = '{% extends "base.html" %}{% block content %}\n<h1>{{ site.nope }}</h1>{% endblock %}\n'
    for name in ("one", "two"):
        site = make_site(content={"a.md": article_md("A", tags="[world]")}, name=name)
        (site / "templates").mkdir()
        (site / "templates" / "tags.html").write_text(template)
        report = build(site, jobs=2)
        assert [str(e) for e in report.errors] == [f"{site / 'templates' / 'tags.html'}:2: cannot render /tags/: site has no attribute 'nope'"]


@pytest.mark.usefixtures("compiled_afresh")
def test_a_build_whose_work_ahead_failed_does_the_work_itself(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """The process working ahead fails: the build compiles its templates and looks at its
    files itself, and writes what a build on one process writes."""

    def fails(*args: object) -> object:
        raise RuntimeError("no answer")

    monkeypatch.setattr(render, "compile_theme", fails)
    content = {f"a{i}.md": article_md(f"Story {i}", date=f"2024-05-{i + 1:02d}T10:00:00Z") for i in range(3)}
    one, two = make_site(content=content, name="one"), make_site(content=content, name="two")
    for site, jobs in ((one, 1), (two, 2)):
        assert build(site, jobs=jobs).ok
        (site / "output" / "index.html").unlink()
        assert build(site, jobs=jobs).ok
    assert _files(one / "output") == _files(two / "output")


def test_a_file_the_build_removed_for_a_new_article_left_out_is_written_again(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new article's alias needs a folder where a published one's redirect file is
    (``foo.html``): the first round removes the file, the article's page fails and it is
    left out, and the second round plans the redirect again. Looked at before the removal
    (as on a large site, where the look is done long before the render), the file must not
    be taken as written: the build writes it again, as a build on one process does."""
    foresee = ahead.foresee
    looked: list[bool] = []

    def looking_first(*args: Any) -> ahead.Foreseen:
        foreseen = foresee(*args)
        looked.append(foreseen.not_as_written() is not None)  # the answers taken at once: the look before anything else
        return foreseen

    monkeypatch.setattr(ahead, "foresee", looking_first)
    failing = '{% extends "base.html" %}{% block content %}{% if article.title == "B" %}{{ nothing.at_all }}{% endif %}<h1>{{ article.title }}</h1>{% endblock %}\n'
    one, two = (make_site(content={"a.md": article_md("A", date="2024-03-01T10:00:00+00:00", aliases="[foo.html]")}, name=name) for name in ("one", "two"))
    for site, jobs in ((one, 1), (two, 2)):
        (site / "templates").mkdir()
        (site / "templates" / "article.html").write_text(failing)
        assert build(site, jobs=jobs).ok
        assert (site / "output" / "foo.html").is_file()
        (site / "content" / "b.md").write_text(article_md("B", date="2024-03-02T10:00:00+00:00", aliases="[foo.html/bar]"))
        # No theme kept from the first build: on two jobs, a process ahead looks (ahead.foresee).
        monkeypatch.setattr(ahead, "COMPILED", ahead.CompiledThemes())
        looked.clear()
        report = build(site, jobs=jobs)
        assert looked == [jobs == 2]
        assert [a.path for a in report.errors] == [site / "templates" / "article.html"]
        assert (site / "output" / "foo.html").is_file()
    assert _files(one / "output") == _files(two / "output")
