from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from conftest import MakeSite, article_md

from sitegen.build import build
from sitegen.check import check_output
from sitegen.cli import main
from sitegen.config import Config


def built(make_site: MakeSite) -> Path:
    site = make_site(
        sample=True,
        content={"a.md": article_md("A story", body="See [the other](../b/) and ![x](pic.png).", tags="[World]")},
        config='base_url = "https://example.org/news/"\n',
    )
    assert build(site).ok
    return site


def test_build_check_passes_feeds_and_flags_broken_body_links(make_site: MakeSite, runner: CliRunner) -> None:
    site = built(make_site)
    # ../b/ and pic.png do not exist, but feed content is absolute and pages link only to real pages.
    problems = check_output(site / "output", Config(base_url="https://example.org/news/"))
    assert [p for p in problems if "feed" in p.path or "xml" in p.path] == []
    result = runner.invoke(main, ["build", "--site", str(site), "--check"])
    broken = [line for line in result.output.splitlines() if line.startswith("error:")]
    # The article body itself links to ../b/ and pic.png, which are genuinely missing.
    assert broken and all("2024/05/a/index.html: broken link" in line for line in broken)
    assert result.exit_code == 1


def test_check_finds_each_kind_of_problem(make_site: MakeSite, runner: CliRunner) -> None:
    site = make_site(content={"a.md": article_md("A"), "b.md": article_md("B", date="2024-05-02T00:00:00+00:00")})
    assert build(site).ok
    out = site / "output"
    assert runner.invoke(main, ["check", "--site", str(site)]).exit_code == 0

    atom = (out / "atom.xml").read_text()
    atom = atom.replace("urn:uuid:", "urn:same:", 2)
    ids = [line for line in atom.splitlines() if "<id>urn:same:" in line]
    atom = atom.replace(ids[1], ids[0])
    atom = atom.replace("<published>2024-05-01T09:00:00+00:00</published>", "<published>2024-05-01T09:00:00</published>")
    atom = atom.replace("&lt;p&gt;Body text.", '&lt;p&gt;&lt;a href="/relative/"&gt;x&lt;/a&gt;Body text.', 1)
    (out / "atom.xml").write_text(atom)
    doc = json.loads((out / "feed.json").read_text())
    doc["items"][0].pop("date_published")
    (out / "feed.json").write_text(json.dumps(doc))
    (out / "index.html").write_text((out / "index.html").read_text().replace("/archive/", "/nowhere/", 1))
    (site / "sitegen.toml").write_text("feed_max_bytes = 1000\n")

    result = runner.invoke(main, ["check", "--site", str(site)])
    assert result.exit_code == 1
    text = result.output
    assert "atom.xml: duplicate entry id urn:same:" in text
    assert "atom.xml: entry urn:same:" in text and "published is missing or has no time zone: '2024-05-01T09:00:00'" in text
    assert "relative URL '/relative/' in content" in text
    assert "feed.json: entry" in text and "date_published is missing" in text
    assert "index.html: broken link: /nowhere/" in text
    assert "rss.xml:" in text and "over the budget of 1,000 (feed_max_bytes)" in text


def test_check_without_output_says_what_to_do(make_site: MakeSite, runner: CliRunner) -> None:
    site = make_site()
    result = runner.invoke(main, ["check", "--site", str(site)])
    assert result.exit_code == 1 and "run `sitegen build` first" in result.output
