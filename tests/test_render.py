"""Templates as a site's web developer writes them: their mistakes said with file and line."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest
from click.testing import CliRunner
from conftest import MakeSite, article_md
from lxml import html as lxml_html

from sitegen.cli import main
from sitegen.config import Config
from sitegen.theme import default_theme_dir

README = Path(__file__).parent.parent / "README.md"


def _errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error: ")]


def test_a_misspelt_block_is_an_error_not_an_empty_page(make_site: MakeSite, runner: CliRunner) -> None:
    """``{% block contnet %}`` in a site's own article.html: Jinja drops a block its parent
    has not, and every article page went out without its text, with status 0."""
    site = make_site(content={"a.md": article_md("A", body="The story's words.")})
    (site / "templates").mkdir()
    own = site / "templates" / "article.html"
    own.write_text('{% extends "base.html" %}\n{% block title %}{{ article.title }}{% endblock %}\n{% block contnet %}<div id="words">{{ article.html | safe }}</div>{% endblock %}\n')
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert _errors(result.output) == [
        f"error: {own}:3: cannot render /2024/05/a/: block 'contnet' is not a block of base.html or what it extends,"
        " so nothing in it is shown (did you mean 'content'?)"
    ]
    assert (site / "output" / "index.html").is_file()  # the rest of the site is built
    assert not (site / "output" / "2024" / "05" / "a" / "index.html").exists()

    own.write_text(own.read_text().replace("contnet", "content"))
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    page = lxml_html.fromstring((site / "output" / "2024" / "05" / "a" / "index.html").read_bytes())
    assert page.xpath("//div[@id='words']/p/text()") == ["The story's words."]


def test_what_a_template_writes_outside_its_blocks_is_an_error_not_lost(make_site: MakeSite, runner: CliRunner) -> None:
    """A template that extends another shows what its blocks hold and nothing else: a line
    written between them (a notice, a banner) was dropped by Jinja without a word, and the
    build said nothing. A ``set`` there, and white space, are no mistake."""
    site = make_site(content={"a.md": article_md("A")})
    (site / "templates").mkdir()
    own = site / "templates" / "tags.html"
    fine = '{% extends "base.html" %}\n{% set shown = "Tags" %}\n\n{% block content %}<div id="mine">{{ shown }}</div>{% endblock %}\n'
    for stray, line in (('<p id="notice">Closed on Sunday</p>\n', 2), ("{{ config.title }}\n", 2), ("\n\n  Closed\n", 4)):
        own.write_text(fine.replace("\n", "\n" + stray, 1))
        result = runner.invoke(main, ["build", "--site", str(site)])
        assert result.exit_code == 1 and "Traceback" not in result.output
        errors = _errors(result.output)
        assert len(errors) == 1 and errors[0].startswith(f"error: {own}:{line}: cannot render /tags/: what it writes outside a block is not shown, as it extends base.html: put it in one of its blocks (")
        assert (site / "output" / "2024" / "05" / "a" / "index.html").is_file()  # the rest of the site is built
    own.write_text(fine)
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert lxml_html.fromstring((site / "output" / "tags" / "index.html").read_bytes()).xpath("//div[@id='mine']/text()") == ["Tags"]


def test_a_block_of_a_block_and_the_themes_blocks_are_no_mistake(make_site: MakeSite, runner: CliRunner) -> None:
    """A block inside a filled one is new, for templates extending this one; the theme's
    404.html fills ``robots``, which a base.html copied from an older theme lacks."""
    site = make_site(content={"a.md": article_md("A")})
    (site / "templates").mkdir()
    base = (default_theme_dir() / "base.html").read_text()
    robots = """{% block robots %}<meta name="robots" content="{{ 'noindex' if config.noindex else 'max-image-preview:large' }}">{% endblock %}\n"""
    assert robots in base
    (site / "templates" / "base.html").write_text(base.replace(robots, ""))
    (site / "templates" / "tags.html").write_text('{% extends "base.html" %}{% block content %}<div id="mine">{% block inner %}Tags{% endblock %}</div>{% endblock %}\n')
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert lxml_html.fromstring((site / "output" / "tags" / "index.html").read_bytes()).xpath("//div[@id='mine']/text()") == ["Tags"]
    assert lxml_html.fromstring((site / "output" / "404.html").read_bytes()).xpath("//meta[@name='robots']/@content") == ["noindex"]


def test_an_include_of_a_missing_template_names_the_one_meant(make_site: MakeSite, runner: CliRunner) -> None:
    """It said ``TemplateNotFound: brand-boxx.html``, and nothing of the partial beside it."""
    site = make_site(content={"a.md": article_md("A")})
    (site / "templates").mkdir()
    (site / "templates" / "brand-box.html").write_text('<aside id="box">{{ config.title }}</aside>\n')
    own = site / "templates" / "tags.html"
    for written, said in [
        ("brand-boxx.html", "no template 'brand-boxx.html' in templates/ or the theme (did you mean 'brand-box.html'?)"),
        ("templates/brand-box.html", "no template 'templates/brand-box.html' in templates/ or the theme (did you mean 'brand-box.html'?)"),
        ("layout.html", "no template 'layout.html' in templates/ or the theme (`sitegen theme list` names the theme's)"),
    ]:
        own.write_text('{% extends "base.html" %}{% block content %}\n{% include "' + written + '" %}{% endblock %}\n')
        result = runner.invoke(main, ["build", "--site", str(site)])
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert _errors(result.output) == [f"error: {own}:2: cannot render /tags/: {said}"]
        assert (site / "output" / "2024" / "05" / "a" / "index.html").is_file()
    own.write_text('{% extends "base.html" %}{% block content %}\n{% include "brand-box.html" %}{% endblock %}\n')
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 0
    assert lxml_html.fromstring((site / "output" / "tags" / "index.html").read_bytes()).xpath("//aside[@id='box']/text()") == ["sitegen site"]


@pytest.mark.parametrize(
    ("expression", "said"),
    [
        ("{{ a.published | humane }}", "template error: no filter named 'humane' (did you mean 'human'?)"),
        (
            "{{ a.title | shout }}",
            "template error: no filter named 'shout' (sitegen's: absolute, asset, bdi, brief, clock, human, iso, lang, language,"
            " month_name, url, webp; and Jinja's built-in ones: README, Templates)",
        ),
        # Inside an if, Jinja looks the filter up when the line runs: said for the page.
        ("{% if a %}{{ a.path | absolut }}{% endif %}", "cannot render /tags/: no filter named 'absolut' (did you mean 'absolute'?)"),
        ("{{ site.articles[0].title }}{{ conifg.title }}", "cannot render /tags/: 'conifg' is undefined (did you mean 'config'?)"),
        ("{{ pagnation }}", "cannot render /tags/: 'pagnation' is undefined"),
    ],
)
def test_an_unknown_filter_or_name_says_the_one_meant(make_site: MakeSite, runner: CliRunner, expression: str, said: str) -> None:
    """Jinja said ``No filter named 'humanize'.``, and ``'conifg' is undefined``, leaving
    the user to find sitegen's filters and names in the README."""
    own, errors = _built_with_own_tags_page(make_site, runner, "<h1>" + expression + "</h1>")
    assert errors == [f"error: {own}:2: {said}"]


@pytest.mark.parametrize(
    ("body", "said"),
    [
        # A block tag whose '%}' lost its '%': the lexer stops at the next line's comment.
        ("{% if a %\n{# the lead #}\n<p>{{ a.title }}</p>{% endif %}", "3: template error: unexpected character '#' (column 2), in the tag opened on line 2, '{% if a %': is its '%}' missing?"),
        ("<p>{{ a.title | default('none) }}</p>", "2: template error: unexpected character \"'\" (column 25)"),
    ],
)
def test_a_character_a_template_cannot_hold_is_said_by_its_column_and_the_tag_left_open(
    make_site: MakeSite, runner: CliRunner, body: str, said: str
) -> None:
    """Jinja said ``unexpected char '#' at 1981``, an offset into the file no editor shows,
    at the line after the tag whose ``%}`` is missing."""
    own, errors = _built_with_own_tags_page(make_site, runner, body)
    assert errors == [f"error: {own}:{said}"]


_NESTING = (
    "template error: Encountered unknown tag '{end}'. You probably made a nesting mistake. Jinja is expecting this tag, but currently"
    " looking for {looking}. The innermost block that needs to be closed is '{tag}'. It was opened on line {line}: {written!r}; is its end tag missing?"
)


@pytest.mark.parametrize(
    ("body", "end_line", "said"),
    [
        # An if left open: Jinja stops at the next end tag, far below, and names only 'if'.
        (
            "{% if a.tags %}<p>{{ a.tags[0].name }}</p>{% endif %}\n{% if a.title %}<h1>{{ a.title }}</h1>\n<p>more</p>\n",
            5,
            _NESTING.format(end="endblock", looking="'elif' or 'else' or 'endif'", tag="if", line=3, written="{% if a.title %}<h1>{{ a.title }}</h1>"),
        ),
        # A {% set %} block, closed, and one with "=", which closes nothing, on the way.
        (
            "{% set lead %}<b>x</b>{% endset %}{% set n = 2 %}\n{% for tag in a.tags %}\n<p>{{ tag.name }}</p>\n",
            5,
            _NESTING.format(end="endblock", looking="'endfor' or 'else'", tag="for", line=3, written="{% for tag in a.tags %}"),
        ),
    ],
)
def test_a_block_left_open_is_said_with_the_line_it_was_opened_on(make_site: MakeSite, runner: CliRunner, body: str, end_line: int, said: str) -> None:
    """Jinja names the line of the end tag it did not expect and the kind of block left open,
    not where that was opened: the line of an {% if %} without its {% endif %}, 80 lines up,
    was left to find."""
    own, errors = _built_with_own_tags_page(make_site, runner, body)
    assert errors == [f"error: {own}:{end_line}: {said}"]


def _built_with_own_tags_page(make_site: MakeSite, runner: CliRunner, body: str) -> tuple[Path, list[str]]:
    """A site whose own tags.html holds ``body`` on its second line (``a``: the newest
    article), built: the template's path and the errors said. The build fails (status 1,
    no traceback), the article's page built all the same."""
    site = make_site(content={"a.md": article_md("A", tags="[world]")})
    (site / "templates").mkdir()
    own = site / "templates" / "tags.html"
    own.write_text('{% extends "base.html" %}{% block content %}{% set a = site.articles[0] %}\n' + body + "{% endblock %}\n")
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (site / "output" / "2024" / "05" / "a" / "index.html").is_file()
    return own, _errors(result.output)


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("brand.css", "'brand.css' is not a file of templates/static/ (the asset filter links to static files); did you mean 'static/brand.css'?"),
        ("static/brnad.css", "'static/brnad.css' is not a file of templates/static/ (the asset filter links to static files); did you mean 'static/brand.css'?"),
        ("static/other.css", "'static/other.css' is not a file of templates/static/ (the asset filter links to static files)"),
        ("static/icon.png", "'static/icon.png' keeps one address, with no fingerprinted copy (feeds name it): link it with the url filter"),
    ],
)
def test_an_asset_that_is_no_static_file_says_the_one_meant(make_site: MakeSite, runner: CliRunner, written: str, said: str) -> None:
    """A second stylesheet linked without its folder said ``ValueError: 'brand.css' is not a
    file of templates/static/``, as if sitegen had failed."""
    site = make_site(content={"a.md": article_md("A", tags="[world]")})
    (site / "templates" / "static").mkdir(parents=True)
    (site / "templates" / "static" / "brand.css").write_text("body { color: #c00 }\n")
    own = site / "templates" / "tags.html"
    own.write_text('{% extends "base.html" %}{% block head %}\n<link rel="stylesheet" href="{{ \'' + written + "' | asset }}\">{% endblock %}\n")
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert _errors(result.output) == [f"error: {own}:2: cannot render /tags/: {said}"]
    own.write_text(own.read_text().replace(written, "static/brand.css"))
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 0
    [link] = lxml_html.fromstring((site / "output" / "tags" / "index.html").read_bytes()).xpath("//link[@rel='stylesheet'][contains(@href, 'brand')]/@href")
    assert re.fullmatch(r"/static/brand\.[0-9a-f]{8}\.css", link) and (site / "output" / link.lstrip("/")).read_text() == "body { color: #c00 }\n"


def test_the_readme_names_every_filter_sitegen_adds(make_site: MakeSite) -> None:
    """An unknown filter's message sends the user to the README's table for sitegen's own."""
    from sitegen.cache import Inputs
    from sitegen.render import Renderer
    from sitegen.site import build_site
    from sitegen.theme import Theme

    site_dir = make_site()
    renderer = Renderer(build_site([], Config()), Theme(site_dir, Inputs()))
    own = set(renderer.env.filters) - set(jinja2.filters.FILTERS)
    table = README.read_text(encoding="utf-8").split("### Templates", 1)[1].split("###", 1)[0]
    written = set(re.findall(r"^\| filters? (.*?) \|", table, re.M))
    assert own == {name for row in written for name in re.findall(r"`(\w+)`", row)}


@pytest.mark.parametrize(
    "settings", [{}, {"language": "fr"}, {"language": "ar", "base_url": "https://example.org/news/"}, {"relative": True, "base_url": "https://example.org/a/b/"}]
)
def test_templates_compiled_ahead_are_those_a_build_compiles(tmp_path: Path, settings: dict[str, object]) -> None:
    """What another process compiles as the build begins (render.compile_theme, in an empty
    site) is the code the build's own Renderer compiles from the same sources: with the base
    URL Jinja folds into it and the translations, for every template of the default theme
    (under its first name: no template uses the second, ``theme/base.html``). What each
    refers to is what the build's Renderer finds, parsing the template itself."""
    from sitegen import parallel, render
    from sitegen.cache import Inputs, digest
    from sitegen.i18n import language_of
    from sitegen.site import build_site
    from sitegen.theme import NOT_TEMPLATES, THEME, Theme

    config = Config(**settings)  # type: ignore[arg-type]
    theme = Theme(tmp_path, Inputs())
    language = language_of(theme, config.language).language

    def compile_ahead() -> tuple[render.Compiled, dict[str, tuple[str, ...] | None]]:
        compiled = render.compile_theme(config, theme, language)
        return dict(compiled.codes), dict(compiled.references)  # as ahead.py carries them: plain values

    ahead = parallel.Workers(2).ahead(compile_ahead)
    assert ahead is not None
    found = ahead.result()
    assert found is not None
    there, references = found
    renderer = render.Renderer(build_site([], config), theme, language=language)
    env = renderer.env
    assert env.loader is not None
    names = sorted(n for n in theme.files if not n.startswith((*NOT_TEMPLATES, THEME)))
    assert there.keys() == set(names) and {"article.html", "base.html", "index.html", "cards.html"} <= there.keys()
    for name in names:
        source, filename, _ = env.loader.get_source(env, name)
        assert there[name] == (source, env.compile(source, name, filename)), name
    assert references == {digest(theme.files[name][1]): renderer._references(theme.files[name][1]) for name in names}
    assert references[digest(theme.files["article.html"][1])] == ("base.html", "sharing-picture.html", "story.html")


def test_a_theme_template_a_sites_own_one_may_extend_is_compiled_ahead_with_it(tmp_path: Path) -> None:
    """A site's ``article.html`` that extends ``theme/article.html``: both are compiled
    ahead, each from its own source, and what each refers to is found there; the theme's
    templates the site does not replace are compiled under their first name only."""
    from sitegen import render
    from sitegen.cache import Inputs, digest
    from sitegen.i18n import language_of
    from sitegen.theme import Theme

    (tmp_path / "templates").mkdir()
    own = '{% extends "theme/article.html" %}\n{% block content %}<p>{{ article.title }}</p>{% include "pager.html" %}{% endblock %}\n'
    (tmp_path / "templates" / "article.html").write_text(own)
    config = Config()
    theme = Theme(tmp_path, Inputs())
    compiled = render.compile_theme(config, theme, language_of(theme, config.language).language)
    assert compiled.codes["article.html"][0] == own
    assert compiled.codes["theme/article.html"][0] == theme.files["theme/article.html"][1].decode()
    assert "theme/base.html" not in compiled.codes and "base.html" in compiled.codes
    assert compiled.references[digest(own.encode())] == ("pager.html", "theme/article.html")
    assert compiled.references[digest(theme.files["theme/article.html"][1])] == ("base.html", "sharing-picture.html", "story.html")


def test_a_template_compiled_ahead_serves_only_the_source_it_was_compiled_from() -> None:
    """A template changed since it was compiled ahead is compiled anew, not shown as it was;
    the templates are asked for once, when the first is wanted."""
    from sitegen.render import CompiledTheme, _CompiledAhead

    env = jinja2.Environment()
    asked: list[int] = []

    def fetch() -> CompiledTheme:
        asked.append(1)
        return CompiledTheme({"a.html": ("old", env.compile("old", "a.html")), "b.html": ("same", env.compile("same", "b.html"))}, {"x": ("a.html",)}, whole=True)

    compiled = _CompiledAhead(fetch)
    assert not asked
    assert compiled.get_bucket(env, "a.html", None, "new").code is None
    assert compiled.get_bucket(env, "b.html", None, "same").code is not None
    assert compiled.get_bucket(env, "c.html", None, "c").code is None
    assert compiled.references() == {"x": ("a.html",)}
    assert asked == [1]
    nothing = _CompiledAhead(lambda: None)  # the process working ahead failed
    assert nothing.get_bucket(env, "b.html", None, "same").code is None
    assert nothing.references() == {}
