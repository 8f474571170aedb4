"""The model's own arithmetic: an article's digest against its plain definition."""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.model import Article, Tag

_ZONES = [dt.UTC, dt.timezone(dt.timedelta(hours=2)), dt.timezone(dt.timedelta(hours=2)), zoneinfo.ZoneInfo("Europe/Berlin")]
_BASE = dt.datetime(2024, 10, 27, 2, 30)  # an hour Berlin has twice: the fold tells which


def _when() -> st.SearchStrategy[dt.datetime]:
    return st.builds(
        lambda minutes, zone, fold: (_BASE + dt.timedelta(minutes=minutes)).replace(tzinfo=_ZONES[zone], fold=fold),
        st.sampled_from([0, 0, 1, 60 * 24]),
        st.integers(0, len(_ZONES) - 1),
        st.integers(0, 1),
    )


def _reference(article: Article) -> str:
    """Article.digest as first written: each date formatted."""
    first = article.first_published.isoformat() if article.first_published else ""
    former = "\0".join((*article.former_urls, "", *article.former_titles))
    names = "\0".join(tag.name for tag in article.tags)
    key = f"{article.source_hash}\0{article.updated.isoformat()}\0{article.published.isoformat()}\0{article.seq}\0{first}\0{former}\0{names}"
    return hashlib.sha256(key.encode()).hexdigest()


@settings(max_examples=300, deadline=None)
@given(published=_when(), updated=_when(), first=st.one_of(st.none(), _when()), same=st.sampled_from(["", "updated", "first", "both"]))
def test_an_articles_digest_formats_a_date_once_and_is_as_the_plain_definition_makes_it(
    published: dt.datetime, updated: dt.datetime, first: dt.datetime | None, same: str
) -> None:
    """A date equal to the publication date (the same object, or equal in the same zone and
    fold) is formatted once; other dates, the same instant in another zone or fold among
    them, are formatted each on its own, so the digest is the one the plain definition makes."""
    if same in ("updated", "both"):
        updated = published
    if same in ("first", "both"):
        first = published
    article = Article(
        source="content/a.md", id="urn:a", title="A", slug="a", path="2024/10/a/", published=published, updated=updated,
        summary="S", body=b"<p>B</p>", tags=(Tag("World", "world"),), first_published=first, source_hash="h", seq=3,
    )  # fmt: skip
    assert article.digest == _reference(article)
