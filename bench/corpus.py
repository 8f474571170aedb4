"""A deterministic corpus of news articles in the seed format, for benchmarks.

The same ``n`` always gives the same files, byte for byte: every choice comes from a
``random.Random`` seeded with the article's number. Each seed looks like the publisher's
sample (title, paragraphs, a READ MORE line, the newsletter promo, related-headline
bullets, a Source line) plus the ``Published:`` and ``Tags:`` lines that the benchmark
site's ``[import]`` rules pick up, so every tool gets the same dates and tags.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
from dataclasses import dataclass
from pathlib import Path

WORDS = ["government", "minister", "said", "official", "report", "week", "year", "country", "people", "police", "city", "state", "security", "military", "election", "vote", "party", "leader", "president", "prime", "economy", "market", "price", "energy", "oil", "gas", "power", "water", "health", "hospital", "school", "children", "family", "court", "judge", "law", "rule", "decision", "plan", "policy", "budget", "tax", "company", "business", "bank", "trade", "export", "import", "deal", "talks", "meeting", "summit", "border", "region", "capital", "island", "coast", "river", "mountain", "village", "town", "north", "south", "east", "west", "central", "national", "local", "public", "private", "international", "foreign", "domestic", "major", "minor", "new", "old", "early", "late", "recent", "long", "short", "high", "low", "strong", "weak", "fast", "slow", "large", "small", "growing", "falling", "rising", "record", "level", "figure", "number", "rate", "share", "increase", "decrease", "change", "support", "opposition", "protest", "crowd", "street", "square", "building", "bridge", "road", "railway", "airport", "port", "ship", "aircraft", "missile", "test", "launch", "system", "technology", "research", "science", "study", "data", "analysis", "information", "source", "statement", "interview", "press", "conference", "spokesman", "agency", "committee", "council", "parliament", "senate", "congress", "ministry", "department", "office", "service", "force", "army", "navy", "weather", "storm", "flood", "fire", "heat", "winter", "summer", "spring", "autumn", "morning", "evening", "night", "day", "month", "season"]
NAMES = ["Matsuno", "Hamada", "Kim", "Moon", "Lee", "Park", "Tanaka", "Suzuki", "Smith", "Jones", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Johnson", "Roberts", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris", "Martin", "Jackson", "Clarke", "Lewis", "Morgan", "Scott", "Cooper", "King", "Baker", "Turner", "Hill", "Ward", "Morris"]
PLACES = ["Tokyo", "Seoul", "London", "Paris", "Berlin", "Madrid", "Rome", "Warsaw", "Kyiv", "Ankara", "Cairo", "Nairobi", "Lagos", "Delhi", "Mumbai", "Beijing", "Sydney", "Toronto", "Chicago", "Boston", "Lima", "Santiago", "Oslo", "Vienna", "Prague", "Dublin", "Lisbon", "Athens"]
TAGS = ["World", "Asia", "Europe", "Africa", "Americas", "Politics", "Economy", "Business", "Markets", "Energy", "Climate", "Science", "Technology", "Health", "Education", "Defence", "Diplomacy", "Elections", "Courts", "Crime", "Transport", "Weather", "Sport", "Culture", "Media", "Travel", "Food", "Housing", "Jobs", "Trade", "Security", "Space", "Environment", "Agriculture", "Migration", "Religion", "Royals", "Opinion", "Analysis", "Investigations"]
PROMO = "To stay up to date with all the latest news, make sure you sign up to one of our newsletters here."
START = dt.datetime(2019, 1, 1, 6, 0, tzinfo=dt.UTC)
SPAN = dt.timedelta(days=5 * 365)


@dataclass(frozen=True)
class CorpusArticle:
    name: str
    """The seed's file stem, ``NNNNN_<16 hex digits>``."""
    title: str
    published: dt.datetime
    tags: tuple[str, ...]
    paragraphs: tuple[str, ...]
    related: tuple[str, ...]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 24))]
    if rng.random() < 0.5:
        words[rng.randrange(len(words))] = rng.choice(NAMES)
    if rng.random() < 0.4:
        words[rng.randrange(len(words))] = rng.choice(PLACES)
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words)), str(rng.randint(2, 2024)))
    text = " ".join(words)
    text = text[0].upper() + text[1:]
    if rng.random() < 0.01:
        # Now and then the brackets, ampersands and asterisks real copy has.
        text += rng.choice([" [the ministry said]", " (R&D)", " *updated*", " 5 < 7"])
    if rng.random() < 0.15:
        return f"{rng.choice(NAMES)} said: “{text}.”"
    if rng.random() < 0.1:
        return f"{text} – the first since {rng.randint(1990, 2018)} – officials said."
    return text + rng.choice([".", ".", ".", "?"])


def _headline(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 12))]
    words.insert(rng.randrange(len(words)), rng.choice(PLACES))
    text = " ".join(words)
    return text[0].upper() + text[1:]


def make_article(number: int, total: int) -> CorpusArticle:
    rng = random.Random(f"sitegen-bench-{number}")
    digest = hashlib.sha256(f"article-{number}".encode()).hexdigest()[:16]
    # Spread evenly over five years, in file order, each at a distinct minute.
    published = START + (SPAN * number / max(total, 1))
    published = published.replace(second=0, microsecond=0) + dt.timedelta(minutes=number % 60)
    paragraphs = tuple(" ".join(_sentence(rng) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(7, 12)))
    return CorpusArticle(
        name=f"{number:05d}_{digest}",
        title=_headline(rng),
        published=published,
        tags=tuple(sorted(set(rng.sample(TAGS, rng.randint(1, 3))))),
        paragraphs=paragraphs,
        related=tuple(_headline(rng) for _ in range(rng.randint(2, 4))),
    )


def seed_text(article: CorpusArticle) -> str:
    """The article as a publisher's plain-text seed."""
    parts = [article.title, f"Published: {article.published.isoformat()}", f"Tags: {', '.join(article.tags)}"]
    body = list(article.paragraphs)
    body.insert(min(3, len(body)), f"READ MORE: {article.related[0]}")
    body.insert(min(8, len(body)), PROMO)
    parts += body
    parts.append("\n".join(f"  • {headline}\n" for headline in article.related[1:]).rstrip("\n"))
    parts.append("Source: Read Full Article")
    return "\n\n".join(parts) + "\n"


def corpus(n: int) -> list[CorpusArticle]:
    return [make_article(i, n) for i in range(n)]


def write_seeds(articles: list[CorpusArticle], seeds_dir: Path) -> None:
    seeds_dir.mkdir(parents=True, exist_ok=True)
    for article in articles:
        (seeds_dir / f"{article.name}.txt").write_text(seed_text(article), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("dest", type=Path, help="folder to write the .txt seeds into")
    args = parser.parse_args()
    write_seeds(corpus(args.n), args.dest)


if __name__ == "__main__":
    main()
