"""Pages -> bytes with Jinja2: the site's ``templates/`` over the default theme, file by file."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import jinja2

from . import __version__, dates, urls
from .errors import TemplateError
from .model import OutputFile, Page, Site


def default_theme_dir() -> Path:
    """The default theme: ``sitegen/theme`` in an installed wheel, the repo's ``templates/`` in a checkout."""
    packaged = Path(str(resources.files("sitegen"))) / "theme"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates"


def theme_dirs(site_dir: Path) -> list[Path]:
    """Template folders, highest priority first (a site's own templates win)."""
    own = site_dir / "templates"
    default = default_theme_dir()
    dirs = [own] if own.is_dir() and own.resolve() != default.resolve() else []
    return dirs + [default]


def make_environment(site: Site, site_dir: Path) -> jinja2.Environment:
    """One Environment for the whole build: autoescaped, strict, with the url and date filters."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(d) for d in theme_dirs(site_dir)]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    links = urls.Urls(site.config.base_url)
    env.filters["url"] = links.url
    env.filters["absolute"] = links.absolute
    env.filters["iso"] = dates.format_iso
    env.filters["human"] = dates.format_human
    env.globals.update(site=site, config=site.config, generator=f"sitegen {__version__}")
    return env


def render_page(env: jinja2.Environment, page: Page) -> OutputFile:
    try:
        template = env.get_template(page.template)
        html = template.render(page=page, **page.context)
    except jinja2.TemplateSyntaxError as e:
        raise TemplateError(e.filename or page.template, f"template error: {e.message}", e.lineno) from e
    except jinja2.TemplateError as e:
        raise TemplateError(page.template, f"cannot render /{page.path}: {e}") from e
    return OutputFile(urls.output_file(page.path), html.encode("utf-8"))


def static_files(site_dir: Path) -> Iterator[OutputFile]:
    """The theme's ``static/`` files; a site's file of the same name replaces the theme's."""
    seen: dict[str, Path] = {}
    for theme in theme_dirs(site_dir):
        static = theme / "static"
        if not static.is_dir():
            continue
        for path in sorted(static.rglob("*")):
            if path.is_file():
                seen.setdefault(path.relative_to(theme).as_posix(), path)
    for rel in sorted(seen):
        yield OutputFile(rel, seen[rel].read_bytes())
