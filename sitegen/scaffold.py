"""Files for a person to start from: a new site (``sitegen init``), a new article
(``sitegen new``), a copy of the default theme to edit (``sitegen theme copy``).

None of them ever overwrites a file: each is created under a temp name and linked into
place, which fails if something is already there, so two commands at once, or a file
saved in an editor meanwhile, never lose a word. The one exception is a .gitignore that
lacks sitegen's lines: they are added at its end, and nothing of it is changed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import dates, urls
from .cache import CONTENT_SUFFIXES, Refused, find_content, read_file
from .config import CONFIG_NAME, Config
from .content import taken_slugs
from .errors import ContentError, OutputError, line_of, not_utf8
from .output import create_file, replace_unless_changed, write_if_changed
from .seeds import dump_front_matter
from .theme import default_theme_dir, is_editor_leftover

SITE_TOML = """\
# sitegen.toml: every setting, with its default. Uncomment a line to change it.

# title = "sitegen site"                  # the site's name: page headers, feed titles
# description = ""                        # one sentence: home page description, feed subtitle
# base_url = "http://localhost:8000/"     # where output/ is hosted; a sub-path is fine
# author = ""                             # default author of every article: the publication's, an organization
# language = "en"                         # <html lang>, feed language, the theme's words and dates
# timezone = "UTC"                        # IANA name, for import dates and offset-less dates
# page_size = 10                          # articles per home and tag page
# feed_size = 20                          # the newest this many articles published (taken-down ones count)
# feed_window = 7                         # days: feeds also hold everything first published this recently
# feed_content = "full"                   # "full": HTML and summary; "summary": summary only
# feed_max_bytes = 1000000                # byte budget per feed
# archive_size = 50                       # articles per RFC 5005 archive document
# future = false                          # publish articles dated in the future now (as --future)
# drafts = false                          # publish drafts (as --drafts)
# websub_hub = ""                         # a WebSub hub URL
# permalink = "{year}/{month}/{slug}/"    # fields: {year} {month} {day} {slug}
# slugs = "ascii"                         # slugs made of titles and names: "ascii" (transliterated) or "unicode" (their own script)
# max_file_bytes = 2000000                # seeds and content files larger than this are refused
# max_image_bytes = 20000000              # images and linked files (PDF, SVG, clips) larger than this are refused
# sanitize_html = "feeds"                 # raw HTML in Markdown: "feeds", "everywhere" or "off"
# logo = ""                               # publisher logo for search engines: "static/logo.png" or a URL
# compress = true                         # .gz and .br copies of text files, for nginx gzip_static/brotli_static
# webp = true                             # WebP copies of JPEG and PNG pictures, offered before them
# relative = false                        # relative links that work opened from disk (as --relative)
# force_redirects = false                 # _redirects rules as 301! (forced): true on Netlify
# copyright = ""                          # "© 2026 Example News": at the foot of every page, and in the feeds
# search = true                           # a search page and its index (Pagefind); false: neither
# search_part_size = 1000                 # articles in each part of the search index (see the README's "Search")
# noindex = false                         # true: search engines are asked to leave every page out (a staging site; previews have it)
# sections = []                           # tags shown as sections in the masthead: ["World", "Business"]
# feed_aliases = []                       # old feed names redirected to the Atom feed: ["index.xml"] (Hugo), ["feed.xml"] (Jekyll)

# Authors: front matter `author: Jane Doe` (or a list) gets a byline linked to a page and feeds
# of their own; a table describes one (its name is their page's slug: authors/jane-doe/).
#   [authors.jane-doe]
#   name = "Jane Doe"
#   bio = "Covers city hall."
#   url = "https://janedoe.example/"
#   kind = "person"                       # "organization" for a byline that is no person (an agency; author's, unless set)

# Tags: each gets a page and feeds at tags/<slug>/, the slug made of its name. A table gives
# one the address you choose (two names that transliterate alike need one: "C#" and "C++").
#   [tags.c-sharp]
#   name = "C#"

# [import]                                # your seeds' publisher's boilerplate, one regex per line
# read_more = '^READ MORE:\\s*(?P<text>.+)$'
# related = '^[•·]\\s*(?P<text>.+)$'
# source = '^Source:\\s*(?P<text>.*)$'
# drop = ['^To stay up to date with all the latest news,.*sign up to one of our newsletters.*$']
# date = ''                               # e.g. '^Published:\\s*(?P<text>.+)$'
# tags = ''                               # e.g. '^Tags:\\s*(?P<text>.+)$'
"""

GITIGNORE = """\
# What sitegen builds: made again by `sitegen build`.
/output/
/.sitegen-cache/
# content/ and content/.sitegen-updated.json are the site's source: commit them.
"""

CI_WORKFLOW = """\
# Build the site on every push to main, and every hour, and publish output/ to GitHub Pages.
# Set base_url in sitegen.toml to the Pages address first.
name: site
on:
  push:
    branches: [main]
  # An article dated ahead goes out with the first build after its time: this one, at the
  # latest. For a tighter schedule, "*/15 * * * *" (each run costs Actions minutes).
  schedule:
    - cron: "7 * * * *"
  workflow_dispatch:  # a build by hand: Actions > site > Run workflow
# Each job is given only what it needs (below): the build runs code installed for it and the
# site's templates, which must not be able to deploy or to sign in as the repository.
permissions: {}
concurrency:
  group: pages
  cancel-in-progress: false
jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: write  # to keep the site's history: see "Keep what readers were shown"
    steps:
      # The branch as it is now, not as it was when the run was started: a run waiting
      # behind another (one at a time, above) builds on the history that one committed back.
      # No token is left in .git/config for the steps after it (persist-credentials): the
      # build runs code installed for it and the site's templates. Only the step that pushes
      # is given one.
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.ref_name }}
          persist-credentials: false
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      # "sitegen" on PyPI is another project: install this one from where you got it, set
      # as the repository variable SITEGEN_PACKAGE (Settings > Secrets and variables >
      # Actions > Variables), e.g. git+https://github.com/OWNER/sitegen@v0.1.0
      - name: Install sitegen
        env:
          SITEGEN_PACKAGE: ${{ vars.SITEGEN_PACKAGE || '%(package)s' }}
        run: |
          if [ -z "$SITEGEN_PACKAGE" ]; then
            echo "::error::Set the repository variable SITEGEN_PACKAGE to where sitegen is installed from (e.g. git+https://github.com/OWNER/sitegen@v0.1.0)"
            exit 1
          fi
          pip install "$SITEGEN_PACKAGE"
      # The last run's build cache and output: this run redoes only what changed (one with
      # nothing new takes seconds, not a clean build's minutes). sitegen checks each file it
      # reuses, and sets aside a cache made by another version of it.
      - uses: actions/cache@v4
        with:
          path: |
            .sitegen-cache
            output
          key: sitegen-${{ github.sha }}
          restore-keys: sitegen-
      - run: sitegen build
      # Once the site is live: stop before deploying if subscribers would see a changed id,
      # a lost entry or a moved date (put your base_url here). An article taken down on
      # purpose (its content file deleted, and its seed if it was imported) passes, noted.
      # - run: sitegen check --against https://example.github.io/news/
      # The ledger (content/.sitegen-updated.json: the dates and order readers were shown)
      # and articles imported from seeds/ are the site's source: committed back, so that
      # the next build shows readers the same history instead of working it out anew (a
      # push made with the workflow's token starts no other run).
      - name: Keep what readers were shown
        env:
          TOKEN: ${{ github.token }}
        run: |
          git add content
          if ! git diff --cached --quiet; then
            git -c user.name=sitegen -c user.email=sitegen@users.noreply.github.com commit -q -m "Record what readers were shown"
            git -c http.extraheader="AUTHORIZATION: basic $(printf 'x-access-token:%%s' "$TOKEN" | base64 -w0)" push
          fi
      # What Pages publishes: output/ less .sitegen-manifest.json, sitegen's own list of the
      # files it wrote, which stays in output/ for the next run (it removes by it the files
      # no longer made) and is no page of the site. Hard links: nothing is copied.
      - name: The site to publish
        run: |
          rm -rf _site
          cp -al output _site
          rm -f _site/.sitegen-manifest.json
      - uses: actions/upload-pages-artifact@v3
        with:
          path: _site
  deploy:
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write  # deploy-pages proves to Pages that the run is the repository's
    environment:
      name: github-pages
    steps:
      - uses: actions/deploy-pages@v4
"""


@dataclass(frozen=True, slots=True)
class Extended:
    """A file that was there already, and the lines added at its end."""

    path: Path
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Made:
    """What a scaffolding command did, file by file."""

    created: tuple[Path, ...]
    kept: tuple[Path, ...]
    """Files that were there already: left as they are."""
    extended: tuple[Extended, ...] = ()
    problems: tuple[OutputError, ...] = ()
    """What could not be done, each naming its file and what to do instead."""


def installed_from() -> str:
    """Where this sitegen was installed from, as pip takes it, when CI can install it from
    there too (a VCS checkout: ``git+https://...@commit``); "" otherwise (a local folder)."""
    import json
    from importlib import metadata

    try:
        text = metadata.distribution("sitegen").read_text("direct_url.json")
        found = json.loads(text) if text else {}
    except (metadata.PackageNotFoundError, ValueError):
        return ""
    url, vcs = found.get("url", ""), found.get("vcs_info") or {}
    if not isinstance(url, str) or not url.startswith(("https://", "http://")) or vcs.get("vcs") != "git":
        return ""
    commit = vcs.get("commit_id") or vcs.get("requested_revision") or ""
    return f"git+{url}" + (f"@{commit}" if commit else "")


def init_site(site_dir: Path) -> Made:
    """A new site in ``site_dir`` (made if need be): a commented sitegen.toml, seeds/,
    content/, a .gitignore and a sample CI workflow. Existing files are kept."""
    files = {
        CONFIG_NAME: SITE_TOML,
        ".gitignore": GITIGNORE,
        ".github/workflows/site.yml": CI_WORKFLOW % {"package": installed_from()},
    }
    for folder in ("seeds", "content"):
        _make_folder(site_dir / folder)
    made = _create_all({site_dir / name: text.encode("utf-8") for name, text in files.items()})
    gitignore = site_dir / ".gitignore"
    if gitignore not in made.kept:
        return made
    # A repository's own .gitignore (sitegen init in an existing project) would otherwise let
    # the first build's output/ and cache be committed.
    kept = tuple(p for p in made.kept if p != gitignore)
    yourself = f"add {' and '.join(_patterns(GITIGNORE))} to it yourself"
    try:
        added = _add_missing_lines(gitignore, GITIGNORE)
    except Refused as e:
        return Made(made.created, made.kept, problems=(OutputError(gitignore, f"{e}: {yourself}"),))
    except OutputError as e:
        return Made(made.created, made.kept, problems=(OutputError(gitignore, f"{e.reason}: {yourself}"),))
    except OSError as e:
        return Made(made.created, made.kept, problems=(OutputError(gitignore, f"cannot be read: {e.strerror}: {yourself}"),))
    if not added:
        return made
    return Made(made.created, kept, extended=(Extended(gitignore, added),))


@dataclass(frozen=True, slots=True)
class NewArticle:
    """What ``new_article`` wrote."""

    path: Path
    slug: str
    why: str = ""
    """Why the slug is not the title's when the site's own page is why (plan.FreeSlug.reason):
    under ``permalink = "{slug}/"`` the title "Tags" would put its page on the list of tags."""


def new_article(site_dir: Path, config: Config, title: str, tags: Sequence[str] = (), draft: bool = True, page: bool = False) -> NewArticle:
    """A new content file for ``title``: its slug, its date now (in the site's timezone,
    offset written), a permanent id, ``tags``, an empty body, and ``draft: true`` unless
    ``draft`` is False. Named after the title's slug, with -2, -3... when another content
    file has that slug or that name, or its page would be where the site has one of its
    own (the build would leave it out). With ``page``, a standalone page (``page: true``,
    at urls.page_path): no date, id or tags, as it is not news.

    A draft by default, as Hugo's archetypes make one: the file has no text yet, and an
    entry a build puts in the feeds stays in every reader that saw it, empty or not."""
    from .cache import Inputs
    from .plan import own_paths
    from .theme import Theme

    content_dir = site_dir / "content"
    # The slugs the importer keeps clear of, and every file's name: a file that cannot be
    # read may still take its name as its slug once it is fixed.
    unicode = config.slugs == "unicode"
    taken = taken_slugs(content_dir, config.max_file_bytes, unicode)
    taken |= {Path(name).stem for name in find_content(content_dir)}
    slug = urls.headline_slug(title, fallback="", unicode=unicode)
    # A headline of emoji or punctuation alone makes no address: the file is article.md,
    # article-2.md... which says nothing of why unless told.
    why = "" if slug else "its title has no letter or digit to make an address of (write the one you want on its slug: line)"
    slug = slug or "article"
    now = dates.now(config.zone)
    # A tag given twice, in any case or with accents or not (--tags Weather,weather), is one
    # tag to the build: written once, as first given.
    named: dict[str, str] = {}
    for tag in tags:
        if tag.strip():
            named.setdefault(urls.spelling(tag), tag.strip())
    fields: dict[str, object] = (
        {"page": True} if page else {"date": dates.format_iso(now), "id": f"urn:uuid:{uuid.uuid4()}", "tags": list(named.values())}
    )
    if draft:
        fields["draft"] = True
    site_paths = own_paths(config, Theme(site_dir, Inputs()))
    _make_folder(content_dir)
    while True:
        # Dated now, as the file is: publishing it later moves it only within its year and
        # month folders, where the site has no page of its own.
        chosen = site_paths.free_slug(slug, taken, config.permalink, now, page=page)
        name = chosen.slug
        # The slug written, not left to the file's name: the URL stays what it is if the
        # file is renamed, as an imported article's does.
        meta = {"title": title, "slug": name, **fields}
        path = content_dir / f"{name}.md"
        try:
            create_file(path, f"---\n{dump_front_matter(meta)}---\n\n".encode())
            return NewArticle(path, name, chosen.reason or why)
        except FileExistsError:  # made meanwhile by someone else: the next name
            taken.add(name)
        except OSError as e:
            raise OutputError(path, f"cannot be written: {e.strerror or e}") from None


_KEY_LINE_RE = re.compile(r"^(draft|date|updated)[ \t]*:.*?(\r?\n)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Publication:
    """What ``publish_draft`` did to a draft."""

    date: str
    """The article's date: now, or the date the draft had when that is still to come; a
    page's as it was ("" for none)."""
    scheduled: bool = False
    """The draft was dated in the future and keeps that date: builds hold it back till then."""
    dropped_updated: str = ""
    """The ``updated:`` value removed, being before the article's date ("" if none was)."""
    out_before: bool = False
    """The article was out before it was made a draft (the ledger records it published)
    and keeps its date: the next build puts it back as readers had it."""
    page: bool = False
    """A standalone page (``page: true``): only its ``draft: true`` line went, its date (or
    none) as it was: a page is not news, and a date is its last change in the sitemap."""


def read_to_edit(site_dir: Path, path: Path, max_bytes: int) -> tuple[bytes, str]:
    """The bytes of the content file ``path`` a command is to edit for a person (publish,
    convert), and its text (a byte order mark kept, as every other byte). Raises
    ContentError naming the file for one that is not there, not in the site's content/, not
    a content file, hidden, unreadable (a link, too large) or not UTF-8: only what a build
    reads is edited."""
    if not os.path.lexists(path):
        raise ContentError(str(path), "no such file")
    content_dir = (site_dir / "content").resolve()
    if not path.resolve().is_relative_to(content_dir):
        raise ContentError(str(path), f"not in {site_dir / 'content'}/, where the site's articles are")
    # A picture, a PDF or an editor's backup of content/ was read as an article, and
    # refused as one ("is not valid UTF-8: save it as UTF-8" of a JPEG).
    if not path.name.endswith(CONTENT_SUFFIXES):
        raise ContentError(str(path), f"not an article: builds read the .md and .markdown files of {site_dir / 'content'}/, and no other")
    if any(part.startswith(".") for part in path.resolve().relative_to(content_dir).parts):
        raise ContentError(str(path), "hidden (a name that starts with '.'), and builds read no hidden file: rename it first")
    try:
        data, _ = read_file(path, max_bytes)
    except (OSError, Refused) as e:
        raise ContentError(str(path), f"cannot be read: {getattr(e, 'strerror', None) or e}") from e
    try:
        return data, data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ContentError(str(path), *not_utf8(data, e)) from e


def publish_draft(site_dir: Path, path: Path, config: Config, empty: bool = False) -> Publication:
    """Make the draft at ``path`` an article: its ``draft: true`` line removed and, unless
    it is dated in the future, its ``date`` line set to now (in the site's timezone; the
    SOURCE_DATE_EPOCH clock if set, as a build's), every other byte as it was.

    A draft's date is when it was begun (``sitegen new``): published as it is, a story
    written over some days comes out dated days ago, below newer ones in every listing,
    feed reader and Google News. A date still to come is an embargo, not a beginning: it is
    kept, and builds hold the article back until then (scheduled). So is the date of an
    article that was out before it was made a draft (the ledger records it published):
    readers have it, dated so, and dated now it would come back at the top of every feed
    and listing, under a new address, as news it is not. An ``updated:`` before
    the article's date would make every build warn and be ignored: its line is removed (an
    article just published has not been updated since).

    A draft with no text is refused unless ``empty`` says to publish it so: its page and
    feed entries would be empty, and feed readers keep the entry as they first saw it.

    A standalone page (``page: true``) loses its ``draft: true`` line alone: it is not
    news, shows no date, and a date it is given is its last change in ``sitemap.xml``,
    which the build moves no further when its text is edited (the ledger dates no page).
    Dated now, every later edit of an About page would be hidden from search engines.

    Raises ContentError naming the file (and line) for a file that is not a draft, has no
    text, or whose front matter cannot be read; the file is then left as it is, as it is
    when someone saves it meanwhile (OutputError), or when it is not in the site's
    ``content/`` or cannot be read (ContentError)."""
    from .content import NO_TEXT, decode_content, draft_id, front_matter_of, no_text_line
    from .ledger import load_ledger

    data, text = read_to_edit(site_dir, path, config.max_file_bytes)
    document = decode_content(data)
    meta = front_matter_of(str(path), document)
    if meta.get("draft") is not True:
        raise ContentError(str(path), "not a draft (no `draft: true`): it is out, or goes out with the next build; its date is left as it is")
    page = meta.get("page") is True
    if not empty and (line := no_text_line(str(path), document)) is not None:
        why = (
            "its page would be empty, linked from every page's footer"
            if page
            else "its page and feed entries would be empty, and feed readers keep an entry as they first saw it"
        )
        raise ContentError(str(path), f"{NO_TEXT}: published, {why}: write its text, then publish it (or publish it empty with --force)", line)
    # A ledger that cannot be read raises: whether the article was out is not known, and
    # the build refuses to run without it all the same.
    ledger = load_ledger(site_dir / "content")
    entry = ledger.articles.get(draft_id(str(path), document)) if ledger is not None else None
    end = text.find("\n---", 3)
    head, rest = text[: end + 1], text[end + 1 :]
    lines = {m.group(1): m for m in _KEY_LINE_RE.finditer(head)}
    if "draft" not in lines:
        raise ContentError(str(path), "its `draft: true` is not a line of its own at the start of a line: remove it by hand", line_of(text, "draft", ":"))
    zone = config.zone
    now = dates.now(zone)  # the build's clock: what it holds back is dated after this
    written = _date_or_none(meta.get("date"), zone)
    out_before = not page and written is not None and entry is not None and entry.seq > 0
    # One already out is put back by the next build whatever its date (ledger.py).
    scheduled = not page and written is not None and written > now and not out_before
    keep_date = scheduled or out_before or page
    published = written if keep_date and written is not None else now
    updated = _date_or_none(meta.get("updated"), zone) if meta.get("updated") else None
    stale = not page and updated is not None and updated < published
    edited = ["draft"] + ([] if keep_date else ["date"]) + (["updated"] if stale else [])
    for key in edited:
        found = lines.get(key)
        if found is not None and not found.group(0).partition(":")[2].strip():  # the value on the lines below
            line = text.count("\n", 0, found.start()) + 1
            raise ContentError(str(path), f"its {key} is not written on the `{key}:` line: write it there (`{key}: ...`), then publish it", line)
    date = dates.format_iso(published)
    newline = lines["draft"].group(2)
    edits = [(lines["draft"].start(), lines["draft"].end(), "")]
    if keep_date:
        pass  # its date line kept, byte for byte
    elif "date" in lines:
        edits.append((lines["date"].start(), lines["date"].end(), f"date: '{date}'{lines['date'].group(2)}"))
    else:
        edits.append((lines["draft"].start(), lines["draft"].start(), f"date: '{date}'{newline}"))
    if stale and "updated" in lines:  # if not, written in a way the read-back refuses
        edits.append((lines["updated"].start(), lines["updated"].end(), ""))
    for start, stop, replacement in sorted(edits, reverse=True):
        head = head[:start] + replacement + head[stop:]
    published_bytes = (head + rest).encode("utf-8")
    # Read back as the build will: front matter these line edits cannot make right (a date
    # over two lines, a key written in quotes) is left to a person, never broken.
    try:
        after = front_matter_of(str(path), decode_content(published_bytes))
    except ContentError:
        after = {}
    expected_keys = meta.keys() - {"draft"} - ({"updated"} if stale else set()) | (set() if page else {"date"})
    expected_date = meta.get("date") if keep_date else date
    if after.get("draft") or after.get("date") != expected_date or after.keys() != expected_keys:
        todo = ["remove `draft: true`"] + ([] if keep_date else ["set `date:`"]) + (["remove `updated:`"] if stale else [])
        by_hand = " and ".join(todo) if len(todo) < 3 else f"{todo[0]}, {todo[1]} and {todo[2]}"
        raise ContentError(str(path), f"its front matter is written in a way `sitegen publish` cannot edit line by line: {by_hand} by hand")
    if not replace_unless_changed(path, published_bytes, lambda aside: read_file(aside, config.max_file_bytes)[0] == data):
        raise OutputError(path, "changed while being published (saved in an editor?): left as it is; publish it again")
    return Publication("" if page and written is None else date, scheduled, lines["updated"].group(0).partition(":")[2].strip() if stale else "", out_before, page)


def _date_or_none(value: object, zone: dt.tzinfo) -> dt.datetime | None:
    """A front-matter date as the build reads it, or None if it cannot be read (the build
    says why; publish then dates the article now, as it would any draft)."""
    if value is None:
        return None
    try:
        return dates.parse_date(value, zone)
    except ValueError:
        return None


def _patterns(text: str) -> list[str]:
    """The patterns of a .gitignore text: no blank lines, no comments."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _ignore_key(pattern: str) -> str:
    """What a .gitignore pattern names, for comparison: /output/, output/, /output and
    output all ignore the site's output folder."""
    return pattern.strip().strip("/")


def missing_lines(existing: str, wanted: str) -> list[str]:
    """The patterns of ``wanted`` that the .gitignore text ``existing`` does not have."""
    have = {_ignore_key(p) for p in _patterns(existing)}
    return [p for p in _patterns(wanted) if _ignore_key(p) not in have]


def _add_missing_lines(path: Path, wanted: str) -> tuple[str, ...]:
    """Add at the end of the .gitignore at ``path`` the patterns of ``wanted`` it lacks,
    under ``wanted``'s first comment; returns them. Nothing of the file is changed: its
    bytes stay as they are, line ends and all, and the new lines take its line ends.

    Written as every file is (a temp file renamed into place), and only if the file still
    holds what was read: one saved in an editor meanwhile is kept. Raises Refused for a
    link (replacing it would cut it), OSError, OutputError."""
    data, _ = read_file(path, 1_000_000, setting="the .gitignore limit")
    missing = missing_lines(data.decode("utf-8", errors="replace"), wanted)
    if not missing:
        return ()
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    comment = next(line for line in wanted.splitlines() if line.startswith("#"))
    lines = [comment, *missing]
    block = b"".join(line.encode("utf-8") + newline for line in lines)
    if data.strip():
        block = newline + block  # a blank line between the file's own lines and sitegen's
    if data and not data.endswith(b"\n"):
        block = newline + block  # its last line ended first
    if read_file(path, 1_000_000, setting="the .gitignore limit")[0] != data:
        raise OutputError(path, "changed while sitegen init read it, so it was kept as it is")
    write_if_changed(path, data + block)
    return tuple(missing)


def theme_files() -> list[str]:
    """Every file of the default theme, by its name in a template folder."""
    root = default_theme_dir()
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            if not is_editor_leftover(name):
                found.append((Path(folder) / name).relative_to(root).as_posix())
    return sorted(found)


def copy_theme(site_dir: Path, names: Sequence[str] = ()) -> Made:
    """Copy the default theme's files (all, or ``names``: files, or folders such as
    ``static/`` for every file in them) into the site's templates/ for editing; a file the
    site already has is kept. Raises OutputError for an unknown name."""
    available = theme_files()
    chosen: dict[str, None] = {}  # in the order asked for, each once
    unknown = []
    for name in names:
        # A folder by its name, with or without the slash a shell's completion adds.
        inside = [a for a in available if a.startswith(name.rstrip("/") + "/")] if name.strip("/") else []
        if name in available:
            chosen[name] = None
        elif inside:
            chosen.update(dict.fromkeys(inside))
        else:
            unknown.append(name)
    if unknown:
        folders = sorted({a.split("/")[0] + "/" for a in available if "/" in a})
        raise OutputError(None, f"no such theme file or folder: {', '.join(unknown)} (the theme has: {', '.join(available)}; and the folders {', '.join(folders)})")
    root = default_theme_dir()
    return _create_all({site_dir / "templates" / name: (root / name).read_bytes() for name in (chosen or available)})


def overridden(site_dir: Path) -> list[tuple[str, bool]]:
    """(name, whether the site's templates/ has its own) for every theme file, and the
    site's own files that the theme does not have."""
    own = set()
    folder = site_dir / "templates"
    for root, _, files in os.walk(folder):
        for name in files:
            if not is_editor_leftover(name):
                own.add((Path(root) / name).relative_to(folder).as_posix())
    theme = set(theme_files())
    return [(name, name in own) for name in sorted(theme | own)]


def _create_all(files: dict[Path, bytes]) -> Made:
    created: list[Path] = []
    kept: list[Path] = []
    for path, data in files.items():
        _make_folder(path.parent)
        try:
            create_file(path, data)
            created.append(path)
        except FileExistsError:
            kept.append(path)
        except OSError as e:
            raise OutputError(path, f"cannot be written: {e.strerror or e}") from None
    return Made(tuple(created), tuple(kept))


def _make_folder(folder: Path) -> None:
    """``folder`` and the folders above it made where missing. Raises OutputError naming
    what stops it: a file where a folder should be, or the folder that cannot be made (a
    place nobody may write, such as /proc)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        # The file in the way, not the folder below it that the system call named. Looked at
        # with os.path, which answers False where it may not look (Path.exists raises then).
        blocker = next((p for p in (folder, *folder.parents) if os.path.lexists(p) and not os.path.isdir(p)), None)
        if blocker is not None:
            raise OutputError(blocker, "is a file, where a folder should be: move it away, or name another folder") from None
        # The first that is missing: /proc/nope, not /proc/nope/seeds.
        missing = [p for p in (folder, *folder.parents) if not os.path.lexists(p)]
        raise OutputError(missing[-1] if missing else folder, f"cannot be made: {e.strerror or e}") from None
