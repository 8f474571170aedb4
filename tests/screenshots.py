"""`make screenshots`: build a small demo news site and photograph the default theme in
headless Chromium at 1280x900 and 390x844, into docs/screenshots/ (shown in the README).

    .venv/bin/python tests/screenshots.py [--out docs/screenshots] [--keep SITE_DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from browser import CHROMEDRIVER, CHROMIUM, browser, serve, viewport

from sitegen.build import build

ROOT = Path(__file__).parent.parent
DEMO = ROOT / "docs" / "demo"
SIZES = ((1280, 900, "desktop"), (390, 844, "phone"))

CONFIG = """\
title = "The Harbour Times"
base_url = "https://harbour-times.example/"
description = "News from the harbour, the city and beyond."
author = "Harbour Times staff"
language = "en"
timezone = "Europe/London"
sections = ["Politics", "Business", "Harbour", "Science"]

[authors.mara-quinn]
name = "Mara Quinn"
bio = "Mara Quinn covers the port, shipping and the harbour economy."
"""

# (file, title, date, tags, author, image, summary, body paragraphs)
STORIES = [
    ("quay", "New quay wall opens the harbour to larger ships", "2024-05-21T07:30:00+01:00", ["Business", "Harbour"], "Mara Quinn",
     ("harbour.png", "The harbour at dusk, the sun low over the water", "The outer harbour at dusk, days before the opening.", "Photo: J. Okafor"),
     "After three years of work, the deep-water berth takes its first container ship on Monday, and the port expects traffic to double by 2026.",
     ["The first ship to use the new berth, a 300-metre container vessel, is due on Monday morning, the port authority said.",
      "Dredging finished in March. Since then crews have installed the fenders, the cranes and the lighting along the 600-metre wall.",
      "\u201cThis changes what kind of port we are,\u201d said the harbour master. \u201cWe can take ships we used to send elsewhere.\u201d",
      "Local businesses welcomed the news, though residents near the access road have asked for limits on night-time lorry traffic."]),
    ("skyline", "City council approves the riverside towers after a late-night vote", "2024-05-20T22:10:00+01:00", ["Politics"], "Tom Reyes",
     ("city.png", "Tower blocks lit up at night against a dark blue sky", "The riverside plan adds twelve towers.", "Illustration: Desk"),
     "The plan passed by two votes. Opponents say the towers will cast the old market into shade; the council says the city needs the homes.",
     ["Councillors debated for five hours before voting 24 to 22 in favour.",
      "The developer has promised that a third of the flats will be sold below market price."]),
    ("tides", "Record spring tides expected this weekend", "2024-05-20T12:00:00+01:00", ["Science", "Harbour"], "Ana Lima", None,
     "Forecasters say the highest tides of the year will peak on Saturday evening; no flooding is expected behind the new defences.",
     ["The tide is expected to reach 6.4 metres at 19:42 on Saturday.", "The coastal path will close for two hours around high water."]),
    ("market", "Fish market returns to the old quay for the summer", "2024-05-19T09:00:00+01:00", ["Culture"], "Mara Quinn", None,
     "Stalls open every Saturday from June to September, with a new section for local growers.",
     ["The market moved indoors during the works.", "Organisers expect forty stalls on the first day."]),
    ("ferry", "Night ferry to the islands to run all year", "2024-05-18T15:45:00+01:00", ["Business"], "Tom Reyes", None,
     "The operator will keep the 23:00 crossing through the winter after a trial that carried twice the expected number of passengers.",
     ["Winter timetables are published next month."]),
    ("school", "Harbour school wins national science prize", "2024-05-17T11:20:00+01:00", ["Science"], "Ana Lima", None,
     "Pupils built a sensor network that measures water quality at twelve points in the harbour and publishes it every hour.",
     ["The project started as an after-school club two years ago."]),
    ("lighthouse", "Lighthouse keeper's cottage to become a museum", "2024-05-16T10:00:00+01:00", ["Culture"], "Harbour Times staff", None,
     "The trust that bought the cottage last year has raised the money for its restoration and plans to open in spring.",
     ["The cottage has stood empty since the light was automated in 1989."]),
]
RELATED = {"quay": ["Record spring tides expected this weekend", "Port traffic figures for April"]}


def demo_site(site: Path) -> Path:
    """The demo site's files under ``site``."""
    (site / "content").mkdir(parents=True)
    (site / "seeds").mkdir()
    (site / "content" / "images").mkdir()
    for name in ("harbour.png", "city.png"):
        shutil.copy(DEMO / name, site / "content" / "images" / name)
    (site / "sitegen.toml").write_text(CONFIG, encoding="utf-8")
    for slug, title, date, tags, author, image, summary, body in STORIES:
        lines = ["---", f"title: {title!r}", f"slug: {slug}", f"date: '{date}'", f"tags: {tags!r}", f"author: {author!r}", f"summary: {summary!r}"]
        if image:
            lines += [f"image: images/{image[0]}", f"image_alt: {image[1]!r}", f"image_caption: {image[2]!r}", f"image_credit: {image[3]!r}"]
        if slug in RELATED:
            lines.append(f"related: {RELATED[slug]!r}")
        (site / "content" / f"{slug}.md").write_text("\n".join([*lines, "---", "", "\n\n".join(body), ""]), encoding="utf-8")
    return site


def shots(site: Path, out: Path) -> list[Path]:
    """Build ``site``, serve it on 127.0.0.1 and take every screenshot into ``out``. Pages link
    within the site by root-relative URLs, so the configured address shows on the subscribe
    page, not the local one."""
    pages = {"front": "", "article": "2024/05/quay/", "tag": "tags/harbour/", "author": "authors/mara-quinn/", "subscribe": "subscribe/"}
    out.mkdir(parents=True, exist_ok=True)
    taken: list[Path] = []
    with serve(site / "output") as url, browser() as driver:
        report = build(site)
        if not report.ok:
            raise SystemExit("\n".join(str(e) for e in report.errors))
        for width, height, kind in SIZES:
            viewport(driver, width, height)
            for name, path in pages.items():
                driver.get(url + path)
                target = out / f"{name}-{kind}.png"
                driver.save_screenshot(str(target))
                taken.append(target)
    return taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--keep", type=Path, help="build the demo site here and leave it")
    args = parser.parse_args()
    if CHROMIUM is None or CHROMEDRIVER is None:
        raise SystemExit("screenshots need chromium and chromedriver (make test installs them)")
    with tempfile.TemporaryDirectory() as tmp:
        site = demo_site(args.keep or Path(tmp) / "site")
        for path in shots(site, args.out):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
