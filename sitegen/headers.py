"""``_headers``: the HTTP headers Netlify and Cloudflare Pages send with the site's files,
read by both from the top of the folder they publish.

- **Cache lifetimes.** Every file is revalidated on each use (``max-age=0,
  must-revalidate``: a new build shows at once, and an unchanged file costs a 304), except
  files whose URL changes with their bytes: the fingerprinted copies of static files
  (``static/style.1a2b3c4d.css``), images (``images/<hash>/``) and the files articles link
  to (``files/<hash>/``), kept for a year as
  ``immutable``.
- **Content types.** Feeds end in ``.xml`` and ``.json`` like other files, so each kind is
  named by its path: Atom and RSS ``application/xml`` (``XML_TYPE``), JSON Feed
  ``application/feed+json``, and the feeds' stylesheet ``application/xslt+xml`` (an XML
  type: Firefox refuses to apply a stylesheet it does not parse as XML).

The two hosts differ when several rules set one header: Netlify keeps the last rule's
value, Cloudflare joins them with commas (``max-age=0, ..., max-age=31536000``: two
lifetimes in one header). So the general rule comes first, and each later rule that sets a
header again first detaches it (``! Cache-Control``: Cloudflare removes the value set so
far, its own default included; Netlify ignores a line without a colon). tests/test_hosting.py applies the file to
every built file the way each host does.

Cloudflare reads at most 100 rules: this file has 12 of its own, then one per
fingerprinted static file, last, so that a theme with more than 88 static files loses
only the year-long lifetimes of those past the 100th rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from .feeds import ARCHIVE_PREFIX, ARCHIVE_SUFFIXES, FORMATS
from .images import HASHED

HEADERS_FILE = "_headers"
REVALIDATE = "public, max-age=0, must-revalidate"
"""HTML, feeds and every file whose URL stays when its bytes change."""
IMMUTABLE = "public, max-age=31536000, immutable"
"""Files whose URL changes with their bytes: a year, and no revalidation."""
XSL_TYPE = "application/xslt+xml"
XML_TYPE = "application/xml; charset=utf-8"
"""How Atom and RSS feeds are served (and every ``.xml`` file by ``sitegen serve``): as XML,
which a browser shows through the stylesheet the feed names (feed.xsl), a readable page.
Sent as ``application/atom+xml`` or ``application/rss+xml`` (feeds.MEDIA_TYPES, which
pages give to announce them), Chromium shows the raw text and never applies it. Feed
readers (feedparser, Miniflux, NetNewsWire, newsboat, Feedly) tell a feed by its content
and take ``application/xml``."""
SERVED_TYPES = {"atom": XML_TYPE, "rss": XML_TYPE, "json": "application/feed+json; charset=utf-8"}
"""The Content-Type of each feed format (feeds.FORMATS) as hosts serve it."""


def content_types() -> list[tuple[str, str]]:
    """(site path pattern, Content-Type) for the files whose type a host cannot tell by
    their extension: ``*`` stands for any text, ``/`` included."""
    rules: list[tuple[str, str]] = []
    for fmt, name in FORMATS.items():
        rules += [(name, SERVED_TYPES[fmt]), (f"*/{name}", SERVED_TYPES[fmt])]
    # Archive documents: N.xml (Atom), N.rss.xml (RSS), N.json, by their last extension:
    # the two XML formats are served alike, so one rule takes both.
    archives = {f"{ARCHIVE_PREFIX}*.{suffix.rpartition('.')[2]}": SERVED_TYPES[fmt] for fmt, suffix in ARCHIVE_SUFFIXES.items()}
    rules += archives.items()
    rules.append(("static/*.xsl", f"{XSL_TYPE}; charset=utf-8"))
    return rules


def headers_file(base_url: str, immutable: Iterable[str], noindex: bool = False) -> bytes:
    """The ``_headers`` file of a site hosted at ``base_url`` whose files ``immutable``
    (site paths) are fingerprinted; with ``noindex`` (config.Config.noindex), every file is
    sent with ``X-Robots-Tag: noindex``: feeds, pictures and PDFs too, which carry no tag."""
    base = urlsplit(base_url).path or "/"
    base = base if base.endswith("/") else base + "/"
    lines = [
        "# HTTP headers for Netlify and Cloudflare Pages (written by sitegen).",
        "# Later rules win: each one that sets a header again detaches it first (! Name).",
        "",
        f"{base}*",
        f"  Cache-Control: {REVALIDATE}",
        *(["  X-Robots-Tag: noindex"] if noindex else []),
        "",
    ]
    # Cloudflare reads the first 100 rules and skips the rest of the file. The rules of a
    # fixed number come first (the two rules never set one header, so their order is free
    # otherwise); past the 100th go only some fingerprinted files' years, and such a file
    # is then revalidated like any other, as it is on hosts that read no _headers.
    for pattern in (folder + "*" for folder in HASHED):
        lines += [f"{base}{pattern}", "  ! Cache-Control", f"  Cache-Control: {IMMUTABLE}", ""]
    for pattern, media_type in content_types():
        lines += [f"{base}{pattern}", "  ! Content-Type", f"  Content-Type: {media_type}", ""]
    for pattern in sorted(immutable):
        lines += [f"{base}{pattern}", "  ! Cache-Control", f"  Cache-Control: {IMMUTABLE}", ""]
    return "\n".join(lines).encode("utf-8")
