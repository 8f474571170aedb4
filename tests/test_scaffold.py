"""sitegen init, new and theme: files to start from, never overwriting one."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import tomllib
from pathlib import Path

import feedparser
import pytest
import yaml
from click.testing import CliRunner
from conftest import MakeSite, article_md
from lxml import etree as lxml_etree

from sitegen import scaffold
from sitegen.build import build
from sitegen.cli import main
from sitegen.config import NOT_SETTINGS, Config, ImportRules, parse_config
from sitegen.scaffold import SITE_TOML, theme_files


def test_init_makes_a_site_that_builds_with_no_warning(runner: CliRunner, tmp_path: Path) -> None:
    site = tmp_path / "news"
    result = runner.invoke(main, ["init", str(site)])
    assert result.exit_code == 0, result.output
    for name in ("sitegen.toml", ".gitignore", ".github/workflows/site.yml"):
        assert (site / name).is_file() and f"created {site / name}" in result.output
    assert (site / "seeds").is_dir() and (site / "content").is_dir()
    assert f'`sitegen new --site {site} "A title"` (a draft: `sitegen serve --site {site} --drafts` shows it)' in result.output
    steps = yaml.safe_load((site / ".github/workflows/site.yml").read_text())["jobs"]["build"]["steps"]
    # Never "pip install sitegen": that name on PyPI is another project.
    [install] = [step for step in steps if step.get("name") == "Install sitegen"]
    assert install["run"].rstrip().endswith('pip install "$SITEGEN_PACKAGE"') and "vars.SITEGEN_PACKAGE" in install["env"]["SITEGEN_PACKAGE"]
    assert not any(step.get("run", "").strip() == "pip install sitegen" for step in steps)
    new = runner.invoke(main, ["new", "--site", str(site), "First story", "--publish"])
    assert new.exit_code == 0, new.output
    Path(new.stdout.strip()).write_text(Path(new.stdout.strip()).read_text() + "The text.\n")
    report = build(site)
    assert report.ok and report.warnings == [] and report.articles == 1

    # Run again: nothing is overwritten.
    (site / "sitegen.toml").write_text('title = "Mine"\n')
    again = runner.invoke(main, ["init", str(site)])
    assert again.exit_code == 0 and "kept" in again.output
    assert (site / "sitegen.toml").read_text() == 'title = "Mine"\n'


def test_init_adds_what_an_existing_gitignore_lacks_and_changes_nothing_else(runner: CliRunner, tmp_path: Path) -> None:
    """sitegen init in an existing repository: its first build must not leave output/ or the
    cache ready to commit."""
    site = tmp_path / "news"
    site.mkdir()
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    own = b"# mine\r\nnode_modules/\r\noutput\r\n*.log"  # Windows line ends, no newline at the end
    (site / ".gitignore").write_bytes(own)
    result = runner.invoke(main, ["init", str(site)])
    assert result.exit_code == 0, result.output
    assert f"added /.sitegen-cache/ to {site / '.gitignore'} (it exists: nothing else changed)" in result.output
    assert "kept" not in result.output
    text = (site / ".gitignore").read_bytes()
    assert text == own + b"\r\n\r\n# What sitegen builds: made again by `sitegen build`.\r\n/.sitegen-cache/\r\n"
    assert runner.invoke(main, ["new", "--site", str(site), "Story", "--publish"]).exit_code == 0
    assert build(site).ok
    status = subprocess.run(["git", "-C", str(site), "status", "--porcelain", "--untracked-files=all"], capture_output=True, text=True, check=True)
    assert not [line for line in status.stdout.splitlines() if "output/" in line or ".sitegen-cache" in line], status.stdout

    again = runner.invoke(main, ["init", str(site)])
    assert again.exit_code == 0 and f"kept {site / '.gitignore'} (it exists)" in again.output and "added" not in again.output
    assert (site / ".gitignore").read_bytes() == text


@pytest.mark.parametrize(
    ("existing", "missing"),
    [
        ("", ["/output/", "/.sitegen-cache/"]),
        ("/output/\n/.sitegen-cache/\n", []),
        ("output/\n.sitegen-cache\n", []),
        ("# /output/\n  /.sitegen-cache/  \n", ["/output/"]),
        ("output/*\n", ["/output/", "/.sitegen-cache/"]),
    ],
)
def test_missing_gitignore_lines(existing: str, missing: list[str]) -> None:
    assert scaffold.missing_lines(existing, scaffold.GITIGNORE) == missing


def test_init_says_when_it_cannot_add_to_a_gitignore(runner: CliRunner, tmp_path: Path) -> None:
    site = tmp_path / "news"
    site.mkdir()
    (tmp_path / "shared-ignore").write_text("*.log\n")
    (site / ".gitignore").symlink_to(tmp_path / "shared-ignore")
    result = runner.invoke(main, ["init", str(site)])
    assert result.exit_code == 0
    assert f"warning: {site / '.gitignore'}: is a symbolic link: add /output/ and /.sitegen-cache/ to it yourself" in result.output
    assert (site / ".gitignore").is_symlink() and (tmp_path / "shared-ignore").read_text() == "*.log\n"


def test_init_and_new_say_what_is_in_the_way_of_a_folder_they_make_with_no_traceback(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("not a folder\n")
    result = runner.invoke(main, ["init", str(tmp_path / "afile" / "news")])
    assert result.exit_code == 1 and not isinstance(result.exception, OSError)
    assert f"{tmp_path / 'afile'}: is a file, where a folder should be" in result.output
    assert (tmp_path / "afile").read_text() == "not a folder\n"
    site = tmp_path / "site"
    assert runner.invoke(main, ["init", str(site)]).exit_code == 0
    (site / "content").rmdir()
    (site / "content").write_text("")
    result = runner.invoke(main, ["new", "--site", str(site), "Hello"])
    assert result.exit_code == 1 and not isinstance(result.exception, OSError)
    assert f"{site / 'content'}: is a file, where a folder should be" in result.output


def test_init_says_a_folder_it_may_not_make_with_no_traceback(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the user may not write (sitegen init /srv/site, as a user with no right there), nor look: Path.exists raises
    PermissionError there on Python 3.11, where os.path answers False."""

    def refused(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refused)
    monkeypatch.setattr(Path, "exists", refused)
    monkeypatch.setattr(os.path, "lexists", lambda path: str(path) == str(tmp_path) or str(tmp_path).startswith(str(path)))
    result = runner.invoke(main, ["init", str(tmp_path / "locked" / "site")])
    assert result.exit_code == 1 and not isinstance(result.exception, OSError)
    assert f"{tmp_path / 'locked'}: cannot be made: Permission denied" in result.output


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc, where no folder can be made")
def test_init_names_the_folder_it_cannot_make(runner: CliRunner) -> None:
    result = runner.invoke(main, ["init", "/proc/sitegen-nope"])
    assert result.exit_code == 1 and not isinstance(result.exception, OSError)
    assert "/proc/sitegen-nope: cannot be made:" in result.output and "/proc/sitegen-nope/seeds" not in result.output


def test_the_commented_config_names_every_setting_with_its_default() -> None:
    defaults = Config()
    for f in dataclasses.fields(Config):
        if f.name in ("import_rules", "authors", "tags") or f.name in NOT_SETTINGS:  # tables, and what sitegen works out
            continue
        line = next((x for x in SITE_TOML.splitlines() if x.startswith(f"# {f.name} = ")), None)
        assert line is not None, f.name
        value = tomllib.loads(line[2:].split("  #")[0])[f.name]
        assert (tuple(value) if isinstance(value, list) else value) == getattr(defaults, f.name), f.name
    for f in dataclasses.fields(ImportRules):
        assert re.search(rf"^# {f.name} = ", SITE_TOML, re.MULTILINE), f.name
    assert "#   [authors.jane-doe]" in SITE_TOML and "#   [tags.c-sharp]" in SITE_TOML
    # Every line uncommented, the file is a valid config that changes nothing.
    text = "\n".join(x[2:] for x in SITE_TOML.splitlines() if re.match(r"# (\w+ = |\[)", x))
    assert parse_config(text, Path("sitegen.toml")) == defaults


def test_the_commented_config_lines_up_its_comments() -> None:
    """Each setting's comment starts in the same column, as a person reads down them."""
    columns = {line: line.index("  # ") + 2 for line in SITE_TOML.splitlines() if re.match(r"# \w+ = .*  # ", line)}
    assert len(columns) > 20 and len(set(columns.values())) == 1, columns


def test_new_writes_a_dated_article_with_a_permanent_id_and_never_overwrites(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "s"
    runner.invoke(main, ["init", str(site)])
    (site / "sitegen.toml").write_text('timezone = "Europe/Oslo"\n')
    monkeypatch.chdir(tmp_path)
    first = runner.invoke(main, ["new", "--site", "s", "Crème brûlée wins", "--tags", "food, Oslo", "--publish"])
    assert first.exit_code == 0 and first.stdout.strip() == os.path.join("s", "content", "creme-brulee-wins.md")
    text = (site / "content" / "creme-brulee-wins.md").read_text()
    meta = yaml.safe_load(text.split("---")[1])
    assert meta["title"] == "Crème brûlée wins" and meta["tags"] == ["food", "Oslo"] and "draft" not in meta
    assert meta["date"] == "2026-01-01T01:00:00+01:00"  # now (SOURCE_DATE_EPOCH), in the site's timezone
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", meta["id"])
    second = runner.invoke(main, ["new", "--site", "s", "Crème brûlée wins", "--draft"])  # the default, still accepted
    assert second.stdout.strip().endswith("creme-brulee-wins-2.md")
    assert (site / "content" / "creme-brulee-wins.md").read_text() == text
    assert yaml.safe_load((site / "content" / "creme-brulee-wins-2.md").read_text().split("---")[1])["draft"] is True
    text += "The text.\n"
    (site / "content" / "creme-brulee-wins.md").write_text(text)
    report = build(site)
    assert report.ok and report.articles == 1 and report.drafts == 1 and report.warnings == []
    assert runner.invoke(main, ["new", "--site", "s", "   "]).exit_code != 0


def test_new_says_why_a_title_of_emoji_or_punctuation_alone_is_slugged_article(runner: CliRunner, make_site: MakeSite) -> None:
    """`sitegen new "🎉🎉"` wrote content/article.md, then article-2.md for "!!!", with not a
    word of why: the stories' addresses are /2024/05/article/, /2024/05/article-2/."""
    site = make_site(content={})
    said = "its title has no letter or digit to make an address of (write the one you want on its slug: line)"
    for title, slug in (("🎉🎉", "article"), ("!!! ???", "article-2")):
        result = runner.invoke(main, ["new", "--site", str(site), title])
        assert result.exit_code == 0 and Path(result.stdout.strip()) == site / "content" / f"{slug}.md"
        assert f"Its slug is {slug}: {said}.\n" in result.stderr
    # A title with words is slugged from them, and nothing is said of it.
    plain = runner.invoke(main, ["new", "--site", str(site), "🎉 Party on the quay"])
    assert Path(plain.stdout.strip()).name == "party-on-the-quay.md" and "Its slug" not in plain.stderr


def test_new_writes_a_tag_given_twice_once_as_first_given(runner: CliRunner, make_site: MakeSite) -> None:
    """`--tags "Weather, roads,weather, ,Économie,economie"` wrote Weather and weather, one tag
    to the build (and to every page and feed), twice in the file; empty names were dropped.
    Names that only share an address (C++ and C) are two tags: the build warns of those."""
    site = make_site(content={})
    result = runner.invoke(main, ["new", "--site", str(site), "Storm", "--tags", "Weather, roads,weather , ,Économie,economie,C++,C"])
    assert result.exit_code == 0, result.output
    meta = yaml.safe_load(Path(result.stdout.strip()).read_text().split("---")[1])
    assert meta["tags"] == ["Weather", "roads", "Économie", "C++", "C"]


def test_new_parts_tags_at_the_arabic_comma(runner: CliRunner, make_site: MakeSite) -> None:
    """`--tags "سياسة،لبنان"`, as an Arabic keyboard types the list, wrote one tag 'سياسة،لبنان'."""
    site = make_site(content={})
    result = runner.invoke(main, ["new", "--site", str(site), "خطة طوارئ", "--tags", "سياسة،لبنان، اقتصاد"])
    assert result.exit_code == 0, result.output
    meta = yaml.safe_load(Path(result.stdout.strip()).read_text(encoding="utf-8").split("---")[1])
    assert meta["tags"] == ["سياسة", "لبنان", "اقتصاد"]


@pytest.mark.parametrize(("args", "hint"), [(["A\x01B"], "TITLE"), (["Fine", "--tags", "a\x01b"], "--tags")])
def test_new_refuses_what_the_build_would_refuse_in_the_file(runner: CliRunner, tmp_path: Path, args: list[str], hint: str) -> None:
    """A control character in a tag was written, and the next build failed on the file."""
    site = tmp_path / "s"
    runner.invoke(main, ["init", str(site)])
    result = runner.invoke(main, ["new", "--site", str(site), *args])
    assert result.exit_code == 2 and f"Invalid value for {hint}: contains control character U+0001, which XML forbids" in result.output
    assert list((site / "content").glob("*.md")) == []


def test_new_keeps_clear_of_a_slug_another_article_has(runner: CliRunner, make_site: MakeSite) -> None:
    """An article imported from a seed is named after the seed, not its slug: a new article
    of the same title must take another slug, or the two would have one URL."""
    imported = article_md("Wind farm plan rejected", date="2026-01-01T00:00:00+00:00", slug="wind-farm-plan-rejected")
    site = make_site(content={"015_e39c6646365b1e6c.md": imported})
    result = runner.invoke(main, ["new", "--site", str(site), "Wind farm plan rejected", "--publish"])
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path == site / "content" / "wind-farm-plan-rejected-2.md"
    assert yaml.safe_load(path.read_text().split("---")[1])["slug"] == "wind-farm-plan-rejected-2"
    path.write_text(path.read_text() + "The text.\n")
    report = build(site)
    assert report.ok and report.articles == 2, report.errors
    assert (site / "output" / "2026" / "01" / "wind-farm-plan-rejected-2" / "index.html").is_file()


def test_new_writes_a_draft_and_says_how_to_preview_and_publish_it(runner: CliRunner, tmp_path: Path) -> None:
    """A new file has no text yet: published at once, it would be an empty entry in every
    feed, kept by every reader that polled meanwhile."""
    site = tmp_path / "s"
    runner.invoke(main, ["init", str(site)])
    result = runner.invoke(main, ["new", "--site", str(site), "Storm warning"])
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path == site / "content" / "storm-warning.md"
    assert "draft: true\n" in path.read_text()
    assert "A draft" in result.stderr and f"sitegen serve --site {site} --drafts" in result.stderr
    assert f"sitegen publish --site {site} {path}" in result.stderr
    report = build(site)
    assert report.ok and report.articles == 0 and report.drafts == 1
    assert "Storm warning" not in (site / "output" / "atom.xml").read_text()

    # Published as the message says.
    path.write_text(path.read_text().replace("draft: true\n", "") + "Winds of 120 km/h tonight.\n")
    report = build(site)
    assert report.ok and report.articles == 1 and report.drafts == 0 and report.warnings == []
    assert "Storm warning" in (site / "output" / "atom.xml").read_text()

    published = runner.invoke(main, ["new", "--site", str(site), "Calm after the storm", "--publish"])
    assert published.exit_code == 0 and "draft" not in Path(published.stdout.strip()).read_text()
    possessive = runner.invoke(main, ["new", "--site", str(site), "Tomorrow's big match preview"])
    assert Path(possessive.stdout.strip()).name == "tomorrows-big-match-preview.md"
    assert "the next `sitegen build" in published.stderr and "Write its text first" in published.stderr


def test_publish_dates_a_draft_now_and_changes_no_other_byte(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A draft begun days ago came out dated then: below newer stories in listings and feed
    readers, and out of Google News (two days). `sitegen publish` dates it now."""
    site = tmp_path / "s"
    runner.invoke(main, ["init", str(site)])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")  # the draft is begun
    begun = Path(runner.invoke(main, ["new", "--site", str(site), "Long read"]).stdout.strip())
    # Written over days, in an editor that saves with CRLF line ends and a byte order mark.
    begun.write_bytes(b"\xef\xbb\xbf" + (begun.read_text() + "# Part one\n\nThe text.\n").replace("\n", "\r\n").encode())
    before = begun.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790400000")  # four days and a half later
    result = runner.invoke(main, ["publish", "--site", str(site), str(begun)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Published {begun}: dated 2026-09-26T05:20:00+00:00; the next build puts it out.\n"
    after = begun.read_bytes()
    assert after == re.sub(rb"date: '[^']*'", b"date: '2026-09-26T05:20:00+00:00'", before).replace(b"draft: true\r\n", b"")
    report = build(site)
    assert report.ok and report.articles == 1 and report.drafts == 0
    assert "<published>2026-09-26T05:20:00+00:00</published>" in (site / "output" / "atom.xml").read_text()
    # Not a draft any more, or never one: said, and the file left alone.
    again = runner.invoke(main, ["publish", "--site", str(site), str(begun), str(site / "sitegen.toml")])
    assert again.exit_code == 1 and begun.read_bytes() == after
    assert f"error: {begun}: not a draft (no `draft: true`): it is out, or goes out with the next build; its date is left as it is" in again.stderr
    assert f"error: {site / 'sitegen.toml'}: not in {site / 'content'}/, where the site's articles are" in again.stderr


def test_publish_refuses_a_file_no_build_reads_saying_so(runner: CliRunner, make_site: MakeSite) -> None:
    """`sitegen publish content/images/road.jpg` read the picture as an article and said it
    "is not valid UTF-8 ... save it as UTF-8"; a draft hidden from the build, or named .txt,
    was "Published" and never built. Each is said to be no article, and left as it is."""
    site = make_site(content={"story.md": article_md("A story")})
    content = site / "content"
    (content / "images").mkdir()
    files = {
        content / "images" / "road.jpg": b"\xff\xd8\xff\xe0 not text",
        content / "notes.txt": b"---\ntitle: Notes\ndraft: true\n---\n\nText.\n",
        content / ".later.md": b"---\ntitle: Later\ndraft: true\n---\n\nText.\n",
        content / ".drafts" / "idea.md": b"---\ntitle: Idea\ndraft: true\n---\n\nText.\n",
    }
    for path, data in files.items():
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    result = runner.invoke(main, ["publish", "--site", str(site), *map(str, files)])
    assert result.exit_code == 1 and result.stdout == ""
    no_article = f"not an article: builds read the .md and .markdown files of {content}/, and no other"
    hidden = "hidden (a name that starts with '.'), and builds read no hidden file: rename it first"
    paths = list(files)
    assert result.stderr.splitlines() == [
        f"error: {paths[0]}: {no_article}",
        f"error: {paths[1]}: {no_article}",
        f"error: {paths[2]}: {hidden}",
        f"error: {paths[3]}: {hidden}",
    ]
    assert all(path.read_bytes() == data for path, data in files.items())


def test_publish_keeps_a_future_date_and_the_story_stays_embargoed_until_then(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A draft dated ahead was dated now instead, and the next build put the embargoed
    story out at once. Its date is kept: builds hold it back until it is due."""
    site = tmp_path / "s"
    runner.invoke(main, ["init", str(site)])
    draft = site / "content" / "s.md"
    draft.write_text("---\ntitle: Christmas embargo\nid: urn:test:embargo\ndate: 2026-12-25T09:00:00Z\ndraft: true\n---\nEmbargoed.\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    result = runner.invoke(main, ["publish", "--site", str(site), str(draft)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Published {draft}: scheduled for 2026-12-25T09:00:00+00:00; builds from then on put it out.\n"
    assert draft.read_text() == "---\ntitle: Christmas embargo\nid: urn:test:embargo\ndate: 2026-12-25T09:00:00Z\n---\nEmbargoed.\n"
    held = runner.invoke(main, ["build", "--site", str(site)])
    assert held.exit_code == 0, held.output
    assert "Held back 1 article dated in the future; the next is due 2026-12-25T09:00:00+00:00" in held.output
    for name in ("index.html", "atom.xml"):
        assert "Christmas embargo" not in (site / "output" / name).read_text()
    assert "urn:test:embargo" not in (site / "output" / "atom.xml").read_text()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798189200")  # 2026-12-25T09:00:00Z: due
    out = runner.invoke(main, ["build", "--site", str(site)])
    assert out.exit_code == 0 and "Held back" not in out.output, out.output
    assert "Christmas embargo" in (site / "output" / "index.html").read_text()
    atom = (site / "output" / "atom.xml").read_text()
    assert "urn:test:embargo" in atom and "<published>2026-12-25T09:00:00+00:00</published>" in atom


def test_publish_puts_an_article_made_a_draft_back_as_readers_had_it(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An article out already, made a draft, then published with `sitegen publish` (the
    build's warning says to publish it again) was dated now: it came back at the top of
    every feed, at a new address, dated as news of today. It keeps its date."""
    site = tmp_path / "s"
    runner.invoke(main, ["init", str(site)])
    (site / "content" / "old.md").write_text("---\ntitle: Storm damage\ndate: 2025-11-03T09:00:00Z\ntags: [Weather]\n---\nText.\n")
    (site / "content" / "new.md").write_text("---\ntitle: Council vote\ndate: 2025-12-01T09:00:00Z\n---\nText.\n")
    out = site / "output"

    def entries(name: str) -> list[tuple[str, str, str, str]]:
        """Each entry's title, id, address and date, in the feed's order."""
        if name.endswith(".json"):
            items = json.loads((out / name).read_text())["items"]
            return [(i["title"], i["id"], i["url"], i["date_published"]) for i in items]
        parsed = feedparser.parse((out / name).read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        return [(e.title, e.id, e.link, e.published) for e in parsed.entries]

    feeds = ("atom.xml", "rss.xml", "feed.json", "tags/weather/atom.xml")
    assert build(site).ok
    before = {name: entries(name) for name in feeds}
    assert [[e[0] for e in shown] for shown in before.values()] == [["Council vote", "Storm damage"]] * 3 + [["Storm damage"]]
    draft = site / "content" / "old.md"
    draft.write_text(draft.read_text().replace("---\ntitle:", "---\ndraft: true\ntitle:"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767229200")  # an hour later
    assert build(site).ok
    assert [e[0] for e in entries("atom.xml")] == ["Council vote"]

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767232800")
    result = runner.invoke(main, ["publish", "--site", str(site), str(draft)])
    assert result.exit_code == 0, result.output
    assert build(site).ok
    assert {name: entries(name) for name in feeds} == before  # same id, address and date, in the same place
    assert draft.read_text() == "---\ntitle: Storm damage\ndate: 2025-11-03T09:00:00Z\ntags: [Weather]\n---\nText.\n"
    assert result.stdout == (
        f"Published {draft}: out before it was made a draft, so it keeps its date, 2025-11-03T09:00:00+00:00; the next build puts it back.\n"
    )


@pytest.mark.parametrize("body", ["", "\n  \n\t\n"])
def test_publish_refuses_a_draft_with_no_text_unless_forced(runner: CliRunner, tmp_path: Path, body: str) -> None:
    """`sitegen new "Tags"` then `sitegen publish` said "Published", status 0; only the next
    build warned of no text, the empty entry in every feed by then, kept by its readers."""
    site = tmp_path / "s"
    runner.invoke(main, ["init", str(site)])
    draft = Path(runner.invoke(main, ["new", "--site", str(site), "Tags"]).stdout.strip())
    draft.write_text(draft.read_text() + body)
    before = draft.read_bytes()
    last = len(before.decode().rstrip().split("\n"))  # the front matter's closing line
    result = runner.invoke(main, ["publish", "--site", str(site), str(draft)])
    assert result.exit_code == 1 and result.stdout == "" and draft.read_bytes() == before
    assert result.stderr == (
        f"error: {draft}:{last}: no text after the front matter: published, its page and feed entries would be empty, and feed readers"
        " keep an entry as they first saw it: write its text, then publish it (or publish it empty with --force)\n"
    )
    report = build(site)
    assert report.ok and report.articles == 0 and report.drafts == 1 and report.warnings == []

    forced = runner.invoke(main, ["publish", "--site", str(site), "--force", str(draft)])
    assert forced.exit_code == 0 and forced.stdout.startswith(f"Published {draft}: dated "), forced.output
    assert "draft: true" not in draft.read_text()
    report = build(site)
    assert report.ok and report.articles == 1
    last = len(draft.read_text().rstrip().split("\n"))  # a line shorter: its draft line went
    assert [w for w in report.warnings if "no text after the front matter" in w] == [
        f"{draft}:{last}: no text after the front matter: its page and feed entries are empty (write the text, or add 'draft: true' until it is ready)"
    ]


@pytest.mark.parametrize(
    ("front", "written"),
    [
        pytest.param("date: 2025-06-01T09:00:00Z\n", "date: '2026-01-01T00:00:00+00:00'\n", id="dated in the past"),
        pytest.param("date: 2026-01-01T00:00:00Z\n", "date: '2026-01-01T00:00:00+00:00'\n", id="dated this second"),
        pytest.param("", "date: '2026-01-01T00:00:00+00:00'\n", id="no date"),
    ],
)
def test_publish_still_dates_a_draft_dated_in_the_past_now(runner: CliRunner, tmp_path: Path, front: str, written: str) -> None:
    site = tmp_path / "s"
    runner.invoke(main, ["init", str(site)])
    draft = site / "content" / "p.md"
    draft.write_text(f"---\ntitle: Past\n{front}draft: true\n---\nText.\n")
    result = runner.invoke(main, ["publish", "--site", str(site), str(draft)])  # at 2026-01-01T00:00:00Z
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Published {draft}: dated 2026-01-01T00:00:00+00:00; the next build puts it out.\n"
    assert draft.read_text() == f"---\ntitle: Past\n{written}---\nText.\n"


@pytest.mark.parametrize(
    ("date", "said"),
    [
        pytest.param("2025-06-01T09:00:00Z", "dated 2026-01-01T00:00:00+00:00; the next build puts it out", id="dated now"),
        pytest.param("2026-12-25T09:00:00Z", "scheduled for 2026-12-25T09:00:00+00:00; builds from then on put it out", id="scheduled"),
    ],
)
def test_publish_removes_an_updated_date_before_the_new_date(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, date: str, said: str) -> None:
    """A draft's `updated:` stayed, now before its date: every build warned about it."""
    site = tmp_path / "s"
    runner.invoke(main, ["init", str(site)])
    (site / "sitegen.toml").write_text('base_url = "https://example.org/"\n')  # no warning of a build for this machine
    stale = site / "content" / "stale.md"
    stale.write_text(f"---\ntitle: Stale\ndate: {date}\nupdated: 2025-06-02T09:00:00Z\ndraft: true\ntags: [a]\n---\nText.\n")
    later = site / "content" / "later.md"  # an update still after the date: kept
    later.write_text("---\ntitle: Later\ndate: 2026-12-25T09:00:00Z\nupdated: 2026-12-26T09:00:00Z\ndraft: true\n---\nText.\n")
    result = runner.invoke(main, ["publish", "--site", str(site), str(stale), str(later)])
    assert result.exit_code == 0, result.output
    assert f"Published {stale}: {said} (its `updated: 2025-06-02T09:00:00Z`, before that date, removed).\n" in result.stdout
    assert f"Published {later}: scheduled for 2026-12-25T09:00:00+00:00; builds from then on put it out.\n" in result.stdout
    assert "updated" not in stale.read_text() and "tags: [a]\n" in stale.read_text()
    assert "updated: 2026-12-26T09:00:00Z\n" in later.read_text()
    for epoch in ("1767225600", "1798279200"):  # now, and once both are due (2026-12-26T10:00:00Z)
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        built = runner.invoke(main, ["build", "--site", str(site)])
        assert built.exit_code == 0 and "is before date" not in built.output and ", 0 errors in " in built.output, built.output


def test_theme_copy_and_list(runner: CliRunner, tmp_path: Path) -> None:
    site = tmp_path / "s"
    runner.invoke(main, ["init", str(site)])
    listed = runner.invoke(main, ["theme", "list", "--site", str(site)])
    assert listed.exit_code == 0 and "base.html" in listed.output and "the site's own" not in listed.output
    result = runner.invoke(main, ["theme", "copy", "--site", str(site), "base.html", "static/style.css"])
    assert result.exit_code == 0, result.output
    assert (site / "templates" / "base.html").is_file() and (site / "templates" / "static" / "style.css").is_file()
    (site / "templates" / "base.html").write_text((site / "templates" / "base.html").read_text().replace("</footer>", "<p>Edited</p></footer>"))
    again = runner.invoke(main, ["theme", "copy", "--site", str(site)])  # the rest; edits kept
    assert again.exit_code == 0 and "kept" in again.output and "<p>Edited</p>" in (site / "templates" / "base.html").read_text()
    assert sorted(p.relative_to(site / "templates").as_posix() for p in (site / "templates").rglob("*") if p.is_file()) == theme_files()
    listed = runner.invoke(main, ["theme", "list", "--site", str(site)])
    assert re.search(r"templates/base.html\s+\(the site's own\)", listed.output)
    assert build(site).ok and "<p>Edited</p>" in (site / "output" / "index.html").read_text()
    unknown = runner.invoke(main, ["theme", "copy", "--site", str(site), "nope.html"])
    assert unknown.exit_code == 1 and "no such theme file or folder: nope.html" in unknown.output


@pytest.mark.parametrize("folder", ["static/", "static"])
def test_theme_copy_of_a_folder_copies_its_files(tmp_path: Path, runner: CliRunner, folder: str) -> None:
    """``sitegen theme copy static/`` said "no such theme file"."""
    site = tmp_path / "s"
    runner.invoke(main, ["init", str(site)])
    result = runner.invoke(main, ["theme", "copy", "--site", str(site), folder, "static/style.css"])
    assert result.exit_code == 0, result.output
    statics = [name for name in theme_files() if name.startswith("static/")]
    assert len(statics) > 1
    assert result.output.splitlines() == [f"copied {site / 'templates' / name}" for name in statics]
    for name in statics:
        assert (site / "templates" / name).read_bytes() == (Path(__file__).parent.parent / "templates" / name).read_bytes()
    assert not (site / "templates" / "base.html").exists()
    # The folder of nothing, and a folder's name cut short, are no folders of the theme's.
    for wrong in ("/", "stat/"):
        unknown = runner.invoke(main, ["theme", "copy", "--site", str(site), wrong])
        assert unknown.exit_code == 1 and f"no such theme file or folder: {wrong} (the theme has: 404.html," in unknown.output
        assert unknown.output.rstrip().endswith("; and the folders locale/, static/)")


def test_the_workflow_installs_sitegen_from_where_it_came_from(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    class Installed:
        def __init__(self, text: str) -> None:
            self.text = text

        def read_text(self, name: str) -> str:
            return self.text

    monkeypatch.setattr(metadata, "distribution", lambda name: Installed('{"url": "https://git.example/news/sitegen.git", "vcs_info": {"vcs": "git", "commit_id": "abc123"}}'))
    assert scaffold.installed_from() == "git+https://git.example/news/sitegen.git@abc123"
    monkeypatch.setattr(metadata, "distribution", lambda name: Installed('{"url": "file:///home/me/sitegen", "dir_info": {"editable": true}}'))
    assert scaffold.installed_from() == ""


def test_publish_keeps_the_files_permissions_and_refuses_a_date_it_cannot_rewrite(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "s"
    runner.invoke(main, ["init", str(site)])
    private = Path(runner.invoke(main, ["new", "--site", str(site), "Embargoed"]).stdout.strip())
    private.write_text(private.read_text() + "The text.\n")
    private.chmod(0o600)
    # A file system with no hard links: the new file is renamed into place instead.
    monkeypatch.setattr(os, "link", lambda *args, **kwargs: (_ for _ in ()).throw(PermissionError(1, "Operation not permitted")))
    assert runner.invoke(main, ["publish", "--site", str(site), str(private)]).exit_code == 0
    assert "draft" not in private.read_text() and (private.stat().st_mode & 0o777) == 0o600
    assert sorted(p.name for p in private.parent.iterdir()) == [private.name]
    # A date in YAML's block form: the line alone cannot be rewritten.
    block = site / "content" / "block.md"
    block.write_text("---\ntitle: Block\ndate:\n  2024-05-01T09:00:00+00:00\ndraft: true\n---\n\nText.\n")
    before = block.read_bytes()
    result = runner.invoke(main, ["publish", "--site", str(site), str(block)])
    assert result.exit_code == 1 and block.read_bytes() == before
    assert f"error: {block}:3: its date is not written on the `date:` line: write it there (`date: ...`), then publish it" in result.stderr


@pytest.mark.parametrize(
    "front",
    [
        pytest.param("date: >-\n  2025-11-20T10:00:00+00:00\n", id="date over two lines"),
        pytest.param('"date": 2025-11-20T10:00:00+00:00\n', id="quoted key"),
    ],
)
def test_publish_leaves_front_matter_it_cannot_edit_line_by_line_to_a_person(runner: CliRunner, tmp_path: Path, front: str) -> None:
    """Edited line by line, such front matter came out broken (or with two dates), and the
    build then left the article out; publish said it was done."""
    site = tmp_path / "s"
    runner.invoke(main, ["init", str(site)])
    draft = site / "content" / "d.md"
    draft.write_text(f"---\ntitle: D\n{front}draft: true\n---\n\nBody.\n")
    before = draft.read_bytes()
    result = runner.invoke(main, ["publish", "--site", str(site), str(draft), str(draft)])
    assert result.exit_code == 1 and draft.read_bytes() == before
    said = f"error: {draft}: its front matter is written in a way `sitegen publish` cannot edit line by line: remove `draft: true` and set `date:` by hand"
    assert result.stderr.count(said) == 1, result.stderr  # named twice, told once


def test_the_workflow_keeps_the_build_cache_so_a_run_with_nothing_new_has_nothing_to_do(make_site: MakeSite, tmp_path: Path) -> None:
    """Every run of the workflow, hourly ones included, was a clean build from a fresh
    checkout: minutes of a large site's, to change nothing. Its cache step keeps what the
    build needs as actions/cache does (tar --posix, relative to the workspace), and the next
    run's build, in a fresh checkout, reuses it."""
    import shutil

    workflow = yaml.safe_load(scaffold.CI_WORKFLOW % {"package": ""})
    steps = workflow["jobs"]["build"]["steps"]
    names = [step.get("run") or step.get("uses") or step.get("name") for step in steps]
    [cached] = [step for step in steps if step.get("uses", "").startswith("actions/cache@")]
    assert names.index(cached["uses"]) < names.index("sitegen build")
    assert cached["with"]["key"].startswith(cached["with"]["restore-keys"])  # the last run's cache when none is this commit's
    paths = cached["with"]["path"].split()

    site = make_site(content={f"a{i}.md": article_md(f"Story {i}") for i in range(5)}, config='base_url = "https://news.example.org/"\n')
    assert build(site).ok
    archive = tmp_path / "cache.tar"
    subprocess.run(["tar", "--posix", "-cf", str(archive), "-P", "-C", str(site), *paths], check=True)
    committed = tmp_path / "committed"  # what the run committed back: content/, its ledger with it
    shutil.copytree(site, committed, ignore=shutil.ignore_patterns(*paths))
    shutil.rmtree(site)
    shutil.copytree(committed, site)  # the next run's fresh checkout, where GitHub's runners make it
    subprocess.run(["tar", "-xf", str(archive), "-P", "-C", str(site)], check=True)

    again = build(site)

    assert again.ok and again.cache == "up to date: nothing to do" and again.written.written == []


def test_each_job_of_the_workflow_gets_only_the_permissions_it_needs() -> None:
    """The permissions were the workflow's, so every job's: the build (which runs what pip
    installed and the site's templates, code that is not sandboxed) could mint the
    repository's OIDC token and deploy, and the deploy job could push to the repository."""
    workflow = yaml.safe_load(scaffold.CI_WORKFLOW % {"package": ""})
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["build"]["permissions"] == {"contents": "write"}
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    # What each job does still needs no more: the build commits back, the deploy publishes.
    build_steps = workflow["jobs"]["build"]["steps"]
    assert not any(step.get("uses", "").startswith("actions/deploy-pages@") for step in build_steps)
    assert [step["uses"] for step in workflow["jobs"]["deploy"]["steps"]] == ["actions/deploy-pages@v4"]


def test_only_the_step_that_pushes_is_given_the_token() -> None:
    """actions/checkout left the job's token (which may push) in .git/config for every step
    after it: the build, which runs what pip installed and the site's templates, could push
    to the repository. Only the step that commits back is given it now."""
    workflow = yaml.safe_load(scaffold.CI_WORKFLOW % {"package": ""})
    steps = workflow["jobs"]["build"]["steps"]
    [checkout] = [step for step in steps if step.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["persist-credentials"] is False
    given = [step.get("name") or step.get("run") for step in steps if "github.token" in yaml.safe_dump(step) or "secrets." in yaml.safe_dump(step)]
    assert given == ["Keep what readers were shown"]
    keep = next(step for step in steps if step.get("name") == "Keep what readers were shown")
    assert keep["env"] == {"TOKEN": "${{ github.token }}"}
    # Pushed with the token as actions/checkout gives it to git, never written to a file.
    [push] = [line.strip() for line in keep["run"].splitlines() if line.strip().endswith(" push")]
    assert push.startswith('git -c http.extraheader="AUTHORIZATION: basic $(printf') and "$TOKEN" in push


def test_the_workflow_publishes_the_site_without_sitegens_manifest(make_site: MakeSite, tmp_path: Path) -> None:
    """The workflow uploaded output/ as it is: upload-pages-artifact@v3 tars every file but
    .git and .github, so the manifest (sitegen's list of what it wrote) went out with the
    site, at <base_url>.sitegen-manifest.json. Its steps are run here on a real build, and
    the artifact made as that action makes it."""
    from sitegen.output import MANIFEST

    workflow = yaml.safe_load(scaffold.CI_WORKFLOW % {"package": ""})
    steps = workflow["jobs"]["build"]["steps"]
    names = [step.get("run") or step.get("uses") or step.get("name") for step in steps]
    [upload] = [step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert upload["uses"] == "actions/upload-pages-artifact@v3"  # v4 leaves out every hidden file: .well-known/ too
    between = steps[names.index("sitegen build") + 1 : steps.index(upload)]

    site = make_site(content={"a.md": article_md("Story")}, config='base_url = "https://example.org/news/"\n')
    (site / "templates" / "public" / ".well-known").mkdir(parents=True)
    (site / "templates" / "public" / ".well-known" / "security.txt").write_text("Contact: mailto:s@example.org\n")
    assert build(site).ok
    for step in between:
        if "git " in step.get("run", ""):
            continue  # committing the ledger back: no file of the site
        assert "run" in step, step
        subprocess.run(["bash", "-e", "-c", step["run"]], cwd=site, check=True)
    archive = tmp_path / "artifact.tar"
    # As actions/upload-pages-artifact@v3 makes its tar (action.yml).
    subprocess.run(
        ["tar", "--dereference", "--hard-dereference", "--directory", str(site / upload["with"]["path"]), "-cf", str(archive), "--exclude=.git", "--exclude=.github", "."],
        check=True,
    )
    listed = subprocess.run(["tar", "-tf", str(archive)], capture_output=True, text=True, check=True).stdout.split()
    published = {name.removeprefix("./") for name in listed if not name.endswith("/")}
    made = {p.relative_to(site / "output").as_posix() for p in (site / "output").rglob("*") if p.is_file()}
    assert MANIFEST in made  # kept in output/, which the next run restores, for that build
    assert published == made - {MANIFEST}
    assert {".well-known/security.txt", ".nojekyll", "index.html", "atom.xml"} <= published


@pytest.mark.parametrize(
    ("title", "page"),
    [("Tags", "tags/index.html"), ("Archive", "archive/index.html"), ("Search", "search/index.html"), ("Subscribe", "subscribe/index.html"), ("Images", "images/")],
)
def test_new_keeps_clear_of_the_sites_own_pages(runner: CliRunner, make_site: MakeSite, title: str, page: str) -> None:
    """Under ``permalink = "{slug}/"``, `sitegen new "Tags"` wrote the slug ``tags``, whose
    page is the site's list of tags: the next build left the article out with an error. It
    takes ``tags-2``, as for a slug another article has, and says why."""
    site = make_site(config='permalink = "{slug}/"\n')
    result = runner.invoke(main, ["new", "--site", str(site), title, "--publish"])
    assert result.exit_code == 0, result.output
    slug = f"{title.lower()}-2"
    path = Path(result.stdout.strip())
    assert path == site / "content" / f"{slug}.md"
    assert yaml.safe_load(path.read_text().split("---")[1])["slug"] == slug
    assert f"Its slug is {slug}: the title's would put its page at /{page}, which the site has for itself." in result.stderr
    path.write_text(path.read_text() + "The text.\n")
    report = build(site)
    assert report.ok and report.articles == 1, report.errors
    page_html = (site / "output" / slug / "index.html").read_text()
    assert title in page_html
    # Where the site has no page of its own, the title's slug is the article's: beside the
    # static files, or the archive feeds of a large site (feeds/archive/), a page fits.
    for other in ("Static", "Feeds", "Page"):
        result = runner.invoke(main, ["new", "--site", str(site), other])
        assert Path(result.stdout.strip()).name == f"{other.lower()}.md" and "Its slug" not in result.stderr


def test_publish_of_a_page_removes_its_draft_line_alone_and_leaves_it_undated(runner: CliRunner, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """`sitegen publish` of an About page dated it now: a page shows no date, but a date is
    its last change in sitemap.xml, which then stayed that of the day it was published
    however often its text was edited after (the ledger dates no page). Only its draft line
    goes; a date written by hand is kept; one with no text is refused, saying why for a page."""
    site = make_site(content={"story.md": article_md("A story")}, config='base_url = "https://example.org/news/"\n')
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    about = Path(runner.invoke(main, ["new", "--site", str(site), "--page", "About us"]).stdout.strip())
    about.write_text(about.read_text() + "Who we are.\n")
    dated = site / "content" / "terms.md"
    dated.write_text("---\ntitle: Terms\npage: true\ndate: '2024-01-01T00:00:00+00:00'\ndraft: true\n---\n\nThe terms.\n")
    empty = Path(runner.invoke(main, ["new", "--site", str(site), "--page", "Contact"]).stdout.strip())
    before = {path: path.read_bytes() for path in (about, dated, empty)}
    result = runner.invoke(main, ["publish", "--site", str(site), str(about), str(dated), str(empty)])
    assert result.exit_code == 1
    assert result.stdout == (
        f"Published {about}: a page, undated, as a page is; the next build links it from every page's footer.\n"
        f"Published {dated}: a page, its date kept, 2024-01-01T00:00:00+00:00; the next build links it from every page's footer.\n"
    )
    assert result.stderr == (
        f"error: {empty}:6: no text after the front matter: published, its page would be empty, linked from every page's footer:"
        " write its text, then publish it (or publish it empty with --force)\n"
    )
    for path in (about, dated):
        assert path.read_bytes() == before[path].replace(b"draft: true\n", b""), path
    assert empty.read_bytes() == before[empty]

    def lastmods() -> dict[str, list[str]]:
        sitemap = lxml_etree.fromstring((site / "output" / "sitemap.xml").read_bytes())
        ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        return {url.findtext("s:loc", namespaces=ns): url.xpath("s:lastmod/text()", namespaces=ns) for url in sitemap.findall("s:url", ns)}

    assert build(site).ok
    assert lastmods()["https://example.org/news/about-us/"] == [] and lastmods()["https://example.org/news/terms/"] == ["2024-01-01T00:00:00+00:00"]
    assert "Who we are." in (site / "output" / "about-us" / "index.html").read_text()


def test_new_page_writes_an_undated_standalone_page_clear_of_the_sites_own_addresses(runner: CliRunner, make_site: MakeSite) -> None:
    """`sitegen new --page "About us"` makes content/about-us.md with page: true: a draft,
    built as a page at /about-us/ once its draft line goes, with no date, id or tags."""
    site = make_site(content={"story.md": article_md("A story")})
    result = runner.invoke(main, ["new", "--site", str(site), "--page", "About us"])
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path == site / "content" / "about-us.md"
    assert yaml.safe_load(path.read_text().split("---")[1]) == {"title": "About us", "slug": "about-us", "page": True, "draft": True}
    assert f"to publish it, `sitegen publish --site {site} {path}` (a page stays undated)" in result.stderr
    report = build(site)
    assert report.ok and report.drafts == 1 and not (site / "output" / "about-us").exists()
    path.write_text(path.read_text().replace("draft: true\n", "") + "Who we are.\n")
    report = build(site)
    assert report.ok and report.articles == 1 and report.warnings == [], report.warnings
    assert "Who we are." in (site / "output" / "about-us" / "index.html").read_text()
    # The site's own addresses are kept clear of, whatever the permalink: a page is at /<slug>/.
    tags = runner.invoke(main, ["new", "--site", str(site), "--page", "Tags", "--publish"])
    assert Path(tags.stdout.strip()).name == "tags-2.md"
    assert "the title's would put its page at /tags/index.html" in tags.stderr and "links it from every page's footer" in tags.stderr
    refused = runner.invoke(main, ["new", "--site", str(site), "--page", "Privacy", "--tags", "legal"])
    assert refused.exit_code == 2 and "a page has no tags" in refused.output
