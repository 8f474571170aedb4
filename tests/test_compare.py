"""``sitegen check --against OLD``: what a subscriber would get wrong, caught before deploying."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from conftest import MakeSite, article_md, seed_text

from sitegen import compare
from sitegen.build import build
from sitegen.cli import check as check_command
from sitegen.cli import main
from sitegen.ledger import LEDGER_NAME

Against = Callable[..., tuple[int, str]]


def passed_with_notes(result: tuple[int, str]) -> list[str]:
    """The notes of a check --against that passed (run by ``against``)."""
    status, output = result
    assert status == 0, output
    return [line for line in output.splitlines() if line.startswith("note: ")]


def story(i: int, **meta: object) -> str:
    return article_md(f"Story {i}", date=f"2025-02-{i + 1:02d}T09:00:00+00:00", body=f"Text of story {i}.", id=f"urn:test:{i}", **meta)


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    site = make_site(content={f"s{i:02d}.md": story(i) for i in range(7)}, config='base_url = "https://example.org/news/"\narchive_size = 3\n')
    assert build(site).ok
    return site


@pytest.fixture
def against(site: Path, tmp_path: Path, runner: CliRunner) -> Against:
    """Keep the current output as the "live" build; the returned function rebuilds and
    runs check --against it: (exit status, output)."""
    old = tmp_path / "live"
    shutil.copytree(site / "output", old)

    def run(*build_args: str, rebuild: bool = True, target: str | None = None) -> tuple[int, str]:
        if rebuild:
            result = runner.invoke(main, ["build", "--site", str(site), *build_args])
            assert result.exit_code == 0, result.output
        result = runner.invoke(main, ["check", "--site", str(site), "--against", target or str(old)])
        return result.exit_code, result.output

    return run


def test_an_honest_rebuild_passes(site: Path, against: Against) -> None:
    (site / "content" / "s99.md").write_text(story(20))
    (site / "content" / "s06.md").write_text(story(6).replace("title: 'Story 6'", "title: 'Story 6, corrected'"))  # in no archive yet
    status, output = against()
    assert status == 0, output
    assert "against" in output and "0 problems" in output


def test_an_article_redated_is_a_note_saying_where_readers_sorting_by_date_show_it(site: Path, against: Against) -> None:
    """A date corrected (or, with a lost ledger, an article dated anew) moves an entry in
    readers that sort by date: to the top of the feed when it is dated later. Said once,
    for every format that carries the date."""
    later = story(1).replace("2025-02-02T09:00:00+00:00", "2025-02-20T09:00:00+00:00")
    (site / "content" / "s01.md").write_text(later)
    (site / "content" / "s04.md").write_text(story(4).replace("2025-02-05T09:00:00+00:00", "2025-02-05T09:00:00+02:00"))
    notes = [note for note in passed_with_notes(against()) if "publication date" in note]
    assert notes == [
        "note: atom.xml: entry urn:test:4 (Story 4): its publication date moved from 2025-02-05T09:00:00+00:00 to 2025-02-05T09:00:00+02:00,"
        " down the feed",
        "note: atom.xml: entry urn:test:1 (Story 1): its publication date moved from 2025-02-02T09:00:00+00:00 to 2025-02-20T09:00:00+00:00,"
        " up the feed: readers that sort by date show it among the newest again",
    ]


def test_a_tags_feeds_gone_are_a_note(site: Path, tmp_path: Path, runner: CliRunner) -> None:
    """A tag's (or a byline's) feeds gone take them away from their subscribers, who get
    an error from then on. Said once a folder, from the old build's subscribe page. A tag
    renamed keeps its feeds (the ledger lists it): gone, they were built without it."""
    (site / "content" / "s01.md").write_text(story(1, tags="[Weather, Port]", author="'Jo Bloggs'"))
    (site / "content" / "s02.md").write_text(story(2, tags="[Port]"))
    assert build(site).ok
    shutil.copytree(site / "output", tmp_path / "live")
    (site / "content" / "s01.md").write_text(story(1, tags="[Climate, Port]"))
    assert build(site).ok
    result = runner.invoke(main, ["check", "--site", str(site), "--against", str(tmp_path / "live")])
    assert [line for line in passed_with_notes((result.exit_code, result.output)) if "gone" in line] == []
    for folder in ("tags/weather", "authors/jo-bloggs"):  # as a build without the ledger leaves them
        for path in (site / "output" / folder).glob("*"):
            if path.name.startswith(("atom.xml", "rss.xml", "feed.json")):  # compressed copies too
                path.unlink()
    result = runner.invoke(main, ["check", "--site", str(site), "--against", str(tmp_path / "live")])
    gone = "its feeds (atom.xml, rss.xml, feed.json) are gone from the new build (a tag or byline removed or renamed?): their subscribers get an error from now on"
    assert [line for line in passed_with_notes((result.exit_code, result.output)) if "gone" in line] == [
        f"note: authors/jo-bloggs/: {gone}",
        f"note: tags/weather/: {gone}",
    ]
    # A link on the subscribe page to another site's feed is no feed of this site's.
    page = tmp_path / "live" / "subscribe" / "index.html"
    page.write_text(page.read_text().replace("</main>", '<a href="https://partner.example/world/atom.xml">Partner</a></main>'))
    result = runner.invoke(main, ["check", "--site", str(site), "--against", str(tmp_path / "live")])
    assert [line for line in passed_with_notes((result.exit_code, result.output)) if "gone" in line] == [
        f"note: authors/jo-bloggs/: {gone}",
        f"note: tags/weather/: {gone}",
    ]


def test_a_tag_moved_by_a_table_is_no_feed_gone(site: Path, tmp_path: Path, runner: CliRunner) -> None:
    """A [tags.<slug>] table moves the tag: its old feeds have no file (a feed reader follows
    no redirect page), only a 301 in _redirects, which its subscribers get: not gone."""
    (site / "content" / "s01.md").write_text(story(1, tags="[Weather]"))
    assert build(site).ok
    shutil.copytree(site / "output", tmp_path / "live")
    (site / "sitegen.toml").write_text(f'{(site / "sitegen.toml").read_text()}\n[tags.forecast]\nname = "Weather"\n')
    assert build(site).ok
    assert not (site / "output" / "tags" / "weather" / "atom.xml").exists()
    result = runner.invoke(main, ["check", "--site", str(site), "--against", str(tmp_path / "live")])
    assert [line for line in passed_with_notes((result.exit_code, result.output)) if "gone" in line] == []


def test_a_redated_entry_is_found_in_rss_dates_too() -> None:
    """RSS gives RFC 822 dates: an entry redated is found there when no other format says so."""
    def feed(date: str) -> compare.Feed:
        entry = compare.Entry("urn:test:1", "https://example.org/a/", "A", "", date, "Text.")
        return compare.Feed(subscription="rss.xml", entries={entry.id: entry})

    result = compare.compare({"rss": feed("Sun, 02 Feb 2025 09:00:00 +0000")}, {"rss": feed("Thu, 20 Feb 2025 09:00:00 +0000")}, dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    assert result.problems == () and [n.message for n in result.notes] == [
        "entry urn:test:1 (A): its publication date moved from Sun, 02 Feb 2025 09:00:00 +0000 to Thu, 20 Feb 2025 09:00:00 +0000,"
        " up the feed: readers that sort by date show it among the newest again"
    ]
    same = compare.compare({"rss": feed("Sun, 02 Feb 2025 09:00:00 +0000")}, {"rss": feed("Sun, 02 Feb 2025 10:00:00 +0100")}, dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    assert same.notes == ()  # the same instant, written with another offset


def test_a_changed_id_is_caught(site: Path, against: Against) -> None:
    (site / "content" / "s06.md").write_text(story(6).replace("id: urn:test:6", "id: urn:test:new6"))
    status, output = against()
    assert status == 1 and "changed its id from urn:test:6 to urn:test:new6" in output


def test_an_article_taken_down_passes_with_a_note(site: Path, against: Against) -> None:
    """Its content file deleted on purpose (a legal request, a retraction): the ledger still
    records it published, no file holds its id, so the deploy goes through, said once."""
    (site / "content" / "s05.md").unlink()  # in archive 2, full and published
    result = against()
    assert passed_with_notes(result) == [
        "note: taken down: urn:test:5 (Story 5, https://example.org/news/2025/02/s05/): no content file or seed holds it any more,"
        " and the ledger records it published; it leaves the feed and its archives"
    ]
    assert "0 problems, 1 note." in result[1]
    assert "urn:test:5" in (site / "content" / LEDGER_NAME).read_text()


def test_a_story_made_a_page_passes_with_a_note(site: Path, against: Against) -> None:
    """``page: true`` takes a story out of the feeds on purpose, as the build warns: the
    deploy goes through, said once, where the file that still holds it stopped it."""
    path = site / "content" / "s05.md"
    path.write_text(story(5, page="true"))
    result = against()
    assert passed_with_notes(result) == [
        f"note: taken down: urn:test:5 (Story 5, https://example.org/news/2025/02/s05/): {path} makes it a standalone page"
        " (page: true), in no feed; it leaves the feed and its archives"
    ]
    # A draft page is a draft: what was out is lost while it is one.
    path.write_text(story(5, page="true", draft="true"))
    status, output = against()
    assert status == 1 and f"{path} holds it, as a draft" in output


def test_an_imported_article_is_taken_down_with_its_seed(make_site: MakeSite, tmp_path: Path, runner: CliRunner) -> None:
    seeds = {f"00{i}_000000000000000{i}.txt": seed_text(f"Seeded story {i}", f"Text of seeded story {i}.") for i in range(2)}
    site = make_site(seeds=seeds, config='base_url = "https://example.org/"\n')
    assert build(site).ok
    shutil.copytree(site / "output", tmp_path / "live")
    check = ["check", "--site", str(site), "--against", str(tmp_path / "live")]
    seed, content = site / "seeds" / "001_0000000000000001.txt", site / "content" / "001_0000000000000001.md"
    # The content file alone deleted: the seed left in seeds/ brings the article back.
    content.unlink()
    assert build(site).ok and content.is_file()
    result = runner.invoke(main, check)
    assert result.exit_code == 0 and "note:" not in result.output, result.output
    # The seed kept but unreadable: the build cannot import the article again.
    content.unlink()
    seed.write_bytes(b"\xff\xfe not UTF-8\n")
    assert not build(site).ok
    result = runner.invoke(main, check)
    assert result.exit_code == 1 and "is in neither the feed nor any archive" in result.output
    assert f"its seed {seed} is still there: see the build's errors; to take it down, delete the seed too" in result.output
    seed.unlink()
    assert build(site).ok
    result = runner.invoke(main, check)
    assert result.exit_code == 0, result.output
    assert "note: taken down: " in result.output and "(Seeded story 1, https://example.org/" in result.output


def test_an_article_whose_file_is_still_there_is_lost_not_taken_down(site: Path, against: Against, runner: CliRunner) -> None:
    """A draft for a while, or a file the build could not use: readers lose the entry all the same."""
    path = site / "content" / "s05.md"
    path.write_text(story(5, draft="true"))
    status, output = against()
    assert status == 1 and "entry urn:test:5 (Story 5) is in neither the feed nor any archive any more" in output
    assert f"{path} holds it, as a draft: to take it down, delete the file instead" in output
    # Left out by an error of its own: the build fails, and check --against too.
    path.write_text(story(5, image="missing.jpg", image_alt="A picture"))
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 1
    status, output = against(rebuild=False)
    assert status == 1 and f"{path} still holds it, so it is not taken down: see the build's errors" in output
    assert "note: taken down" not in output
    # Front matter that cannot be read: whether it holds the id is not known.
    path.write_text(story(5).replace("title: 'Story 5'", "title: [Story 5"))
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 1
    status, output = against(rebuild=False)
    assert status == 1 and "whether it is taken down is not known while content files cannot be read (they may hold it): " in output
    assert f"{path}:2: front matter is not valid YAML" in output  # as the build says it: the title's line


def test_an_id_changed_with_its_address_is_lost_not_taken_down(site: Path, against: Against) -> None:
    """The old id is held by no file, but an entry new in this build reads exactly as it: a
    file renamed (its id derived from the name) or an id edited, not a takedown."""
    (site / "content" / "s04.md").write_text(story(4).replace("id: urn:test:4", "id: urn:test:new4\nslug: story-four"))
    status, output = against()
    assert status == 1
    assert (
        "entry urn:test:4 (Story 4) is in neither the feed nor any archive any more: readers who had not fetched it lose it; it reads exactly as"
        " urn:test:new4 (https://example.org/news/2025/02/story-four/), new in this build: if it is that article (a file renamed, an id changed),"
        " add 'id: urn:test:4' to its front matter"
    ) in output


def test_an_entry_the_ledger_never_recorded_is_let_go_only_when_named(site: Path, against: Against, runner: CliRunner, tmp_path: Path) -> None:
    """Without the ledger's word (a clone without it, a ledger edited), a takedown needs
    --allow-removed: its id or its address."""
    ledger = site / "content" / LEDGER_NAME
    data = json.loads(ledger.read_text())
    del data["articles"]["urn:test:6"]  # the newest: no other number moves
    ledger.write_text(json.dumps(data))
    (site / "content" / "s06.md").unlink()
    status, output = against()
    assert status == 1
    assert f"{ledger} does not record it as published, so it is not known as taken down: if it is, pass --allow-removed urn:test:6" in output
    check = ["check", "--site", str(site), "--against", str(tmp_path / "live")]
    for named in ("urn:test:6", "https://example.org/news/2025/02/s06/"):
        result = runner.invoke(main, [*check, "--allow-removed", named, "--allow-removed", "urn:test:55"])
        assert result.exit_code == 0, result.output
        assert "note: taken down: urn:test:6 (Story 6, https://example.org/news/2025/02/s06/): let go by --allow-removed;" in result.output
        assert "note: --allow-removed urn:test:55: no entry of the old build is gone by that id or address" in result.output
    result = runner.invoke(main, ["check", "--site", str(site), "--allow-removed", "urn:test:6"])
    assert result.exit_code == 2 and "--allow-removed goes with --against" in result.output


def test_updated_moved_with_nothing_changed_is_caught(site: Path, against: Against) -> None:
    (site / "content" / "s04.md").write_text(story(4, updated="'2025-03-01T00:00:00+00:00'"))
    status, output = against()
    assert status == 1 and "entry urn:test:4: updated moved from 2025-02-05T09:00:00+00:00 to 2025-03-01T00:00:00+00:00 with nothing changed" in output


def test_a_picture_replaced_or_a_language_set_is_a_change_that_may_move_updated(make_site: MakeSite, tmp_path: Path, runner: CliRunner) -> None:
    """The build dates an update when a story's picture is replaced or its language set,
    its words as they were: the check compared the entries' words alone, said "updated
    moved ... with nothing changed" and failed the deploy after an ordinary photo swap. It
    compares their pictures and language too; updated moved with neither is still caught."""
    from PIL import Image

    body = "The quay at dawn.\n\n![The quay](quay.jpg)\n"
    site = make_site(
        content={"a.md": story(1).replace("Text of story 1.", body), "b.md": story(2)},
        config='base_url = "https://example.org/news/"\n',
    )
    Image.new("RGB", (640, 480), "navy").save(site / "content" / "quay.jpg")
    assert build(site).ok
    live = tmp_path / "live"
    shutil.copytree(site / "output", live)
    Image.new("RGB", (640, 480), "teal").save(site / "content" / "quay.jpg")
    (site / "content" / "b.md").write_text(story(2, language="de"))
    assert build(site).ok
    updated = {e.title: e.updated for e in feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries}
    before = {e.title: e.updated for e in feedparser.parse((live / "atom.xml").read_bytes()).entries}
    assert updated["Story 1"] != before["Story 1"] and updated["Story 2"] != before["Story 2"]  # both dated as updates
    result = runner.invoke(main, ["check", "--site", str(site), "--against", str(live)])
    assert result.exit_code == 0, result.output
    assert "with nothing changed" not in result.output


def test_a_story_edited_beyond_the_summary_its_feeds_carry_is_a_change_that_may_move_updated(
    make_site: MakeSite, tmp_path: Path, runner: CliRunner
) -> None:
    """With feed_content = "summary" (or a story too long for the byte budget) the feeds
    carry a story's summary alone: an edit of its text is an update the build dates, which
    the check, comparing the summary's words, took for "updated moved ... with nothing
    changed", failing the deploy of every such edit."""
    site = make_site(
        content={"a.md": story(1, summary="'The quay at dawn.'"), "b.md": story(2)},
        config='base_url = "https://example.org/news/"\nfeed_content = "summary"\n',
    )
    assert build(site).ok
    live = tmp_path / "live"
    shutil.copytree(site / "output", live)
    (site / "content" / "a.md").write_text(story(1, summary="'The quay at dawn.'").replace("Text of story 1.", "Text of story 1, corrected."))
    assert build(site).ok
    updated = {e.title: e.updated for e in feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries}
    before = {e.title: e.updated for e in feedparser.parse((live / "atom.xml").read_bytes()).entries}
    assert updated["Story 1"] != before["Story 1"] and updated["Story 2"] == before["Story 2"]  # dated as an update
    items = json.loads((site / "output" / "feed.json").read_bytes())["items"]
    assert [i["content_text"] for i in items if i["title"] == "Story 1"] == ["The quay at dawn."]  # its summary alone
    result = runner.invoke(main, ["check", "--site", str(site), "--against", str(live)])
    assert result.exit_code == 0, result.output
    assert "with nothing changed" not in result.output


def test_a_pictures_alt_text_rewritten_is_a_change_that_may_move_updated(make_site: MakeSite, tmp_path: Path, runner: CliRunner) -> None:
    """A picture's alt text is words of the story, dated as an update when rewritten, and
    in the entry's content: the check read the content's text without it, said "updated
    moved ... with nothing changed" and failed the deploy of a better description."""
    from PIL import Image

    def written(alt: str) -> str:
        return story(1).replace("Text of story 1.", f"The quay at dawn.\n\n![{alt}](quay.jpg)\n")

    site = make_site(content={"a.md": written("The quay"), "b.md": story(2)}, config='base_url = "https://example.org/news/"\n')
    Image.new("RGB", (640, 480), "navy").save(site / "content" / "quay.jpg")
    assert build(site).ok
    live = tmp_path / "live"
    shutil.copytree(site / "output", live)
    (site / "content" / "a.md").write_text(written("Fishing boats moored at the quay at dawn"))
    assert build(site).ok
    updated = {e.title: e.updated for e in feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries}
    before = {e.title: e.updated for e in feedparser.parse((live / "atom.xml").read_bytes()).entries}
    assert updated["Story 1"] != before["Story 1"] and updated["Story 2"] == before["Story 2"]  # dated as an update
    result = runner.invoke(main, ["check", "--site", str(site), "--against", str(live)])
    assert result.exit_code == 0, result.output
    assert "with nothing changed" not in result.output


def test_updated_moved_with_nothing_changed_is_caught_on_a_site_moved(make_site: MakeSite, tmp_path: Path, runner: CliRunner) -> None:
    """A site moved (base_url, here off its sub-path) moves its pictures' addresses, not its
    pictures: the check took every story with one for changed, and let its updated date move
    for nothing, readers marking it unread."""
    from PIL import Image

    body = "The quay at dawn.\n\n![The quay](quay.jpg)\n"
    site = make_site(content={"a.md": story(1).replace("Text of story 1.", body)}, config='base_url = "https://example.org/news/"\n')
    Image.new("RGB", (640, 480), "navy").save(site / "content" / "quay.jpg")
    assert build(site).ok
    live = tmp_path / "live"
    shutil.copytree(site / "output", live)
    (site / "sitegen.toml").write_text('base_url = "https://example.org/"\n')
    (site / "content" / "a.md").write_text(story(1, updated="'2025-03-01T00:00:00+00:00'").replace("Text of story 1.", body))
    assert build(site).ok
    result = runner.invoke(main, ["check", "--site", str(site), "--against", str(live)])
    assert result.exit_code == 1
    assert "error: atom.xml: entry urn:test:1: updated moved from 2025-02-02T09:00:00+00:00 to 2025-03-01T00:00:00+00:00 with nothing changed" in result.output


def test_a_build_that_lost_the_ledger_and_dated_an_article_anew_is_caught(site: Path, against: Against) -> None:
    """A CI that does not commit content/ back imports each seed anew, dated when it runs,
    with a ledger that starts afresh: the article is published as new, moved (here into
    another month) with no redirect left where it was."""
    (site / "content" / LEDGER_NAME).unlink()
    (site / "content" / "s05.md").write_text(story(5).replace("2025-02-06T09:00:00", "2025-03-06T09:00:00"))
    status, output = against()
    assert status == 1, output
    forgotten = [line for line in output.splitlines() if "was out already, but the new build published it as new" in line]
    assert len(forgotten) == 1 and "entry urn:test:5 (Story 5)" in forgotten[0] and ".sitegen-updated.json) had no record of it" in forgotten[0], output
    moved = "entry urn:test:5 (Story 5) moved from https://example.org/news/2025/02/s05/ to https://example.org/news/2025/03/s05/"
    assert output.count(moved) == 1 and "nothing answers at the old address" in output


def test_a_build_on_an_older_ledger_is_caught(site: Path, against: Against, tmp_path: Path) -> None:
    """Two CI runs started from commits before either committed back: the second builds on
    a ledger that lacks what the first published. Whatever the dates, the article is numbered
    anew: in feeds it counts among the newest again."""
    older = tmp_path / "older-content"
    shutil.copytree(site / "content", older)
    (site / "content" / "s20.md").write_text(story(20))
    assert against()[0] == 0  # published, and now live (the fixture's copy is replaced below)
    live = tmp_path / "live"
    shutil.rmtree(live)
    shutil.copytree(site / "output", live)
    shutil.rmtree(site / "content")
    shutil.copytree(older, site / "content")
    # Its source, without the ledger that recorded it, and dated anew as an import would.
    (site / "content" / "s20.md").write_text(story(20).replace("2025-02-21T09:00:00", "2025-02-21T09:00:05"))
    status, output = against()
    assert status == 1 and "entry urn:test:20 (Story 20) was out already, but the new build published it as new" in output, output


def test_a_date_put_back_as_it_was_passes(site: Path, against: Against, runner: CliRunner, tmp_path: Path) -> None:
    """A date moved, deployed, then put back: the ledger knew the article all along."""
    (site / "content" / "s05.md").write_text(story(5).replace("2025-02-06T09:00:00", "2025-02-16T09:00:00"))
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 0
    live = tmp_path / "live"
    shutil.rmtree(live)
    shutil.copytree(site / "output", live)
    (site / "content" / "s05.md").write_text(story(5))
    status, output = against()
    assert status == 0, output


def test_a_site_moved_to_another_address_is_one_note(site: Path, against: Against) -> None:
    """Every entry's address changes with the site's: said once, not as a correction of
    each archived entry in each format."""
    toml = site / "sitegen.toml"
    toml.write_text(toml.read_text().replace("https://example.org/news/", "https://news.example.com/"))
    assert passed_with_notes(against()) == [
        "note: the site moved from https://example.org/news/ to https://news.example.com/: its feeds and archives give the new addresses"
        " (readers that keep archives show the old ones until they fetch them again); readers subscribed at the old address need it to redirect"
    ]


def test_an_address_left_with_no_redirect_is_caught(site: Path, against: Against, runner: CliRunner) -> None:
    (site / "content" / "s06.md").write_text(story(6, slug="story-six"))
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 0
    assert against(rebuild=False)[0] == 0  # the old address redirects
    (site / "output" / "2025" / "02" / "s06" / "index.html").unlink()
    status, output = against(rebuild=False)
    assert status == 1 and "moved from https://example.org/news/2025/02/s06/ to https://example.org/news/2025/02/story-six/, and nothing answers" in output


def test_an_address_in_the_sites_script_that_redirects_passes(make_site: MakeSite, runner: CliRunner, tmp_path: Path) -> None:
    """Feeds give such an address percent-encoded; the redirect page is at it decoded, as
    the output folder writes every address: a slug's typo fixed is no link broken."""
    site = make_site(
        content={"s.md": article_md("الحكومة تعلن خطة", date="2025-02-02T09:00:00+00:00", body="نص.", id="urn:test:ar", slug="ارتفاع-أسعار")},
        config='base_url = "https://example.org/news/"\nslugs = "unicode"\nlanguage = "ar"\n',
    )
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 0
    shutil.copytree(site / "output", tmp_path / "live")
    text = (site / "content" / "s.md").read_text(encoding="utf-8")
    (site / "content" / "s.md").write_text(text.replace("ارتفاع-أسعار", "ارتفاع-اسعار"), encoding="utf-8")
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 0
    assert (site / "output" / "2025" / "02" / "ارتفاع-أسعار" / "index.html").is_file()  # its redirect page
    result = runner.invoke(main, ["check", "--site", str(site), "--against", str(tmp_path / "live")])
    assert result.exit_code == 0 and "nothing answers" not in result.output, result.output
    (site / "output" / "2025" / "02" / "ارتفاع-أسعار" / "index.html").unlink()
    result = runner.invoke(main, ["check", "--site", str(site), "--against", str(tmp_path / "live")])
    assert result.exit_code == 1 and "/2025/02/%D8%A7%D8%B1%D8%AA%D9%81%D8%A7%D8%B9-%D8%A3" in result.output and "nothing answers" in result.output


def test_a_correction_to_an_archived_article_passes_with_a_note(site: Path, against: Against) -> None:
    """RFC 5005 lets an archive document change; the README's CI gate must let corrections through."""
    (site / "content" / "s01.md").write_text(story(1).replace("title: 'Story 1'", "title: 'Story 1, corrected'"))
    status, output = against()
    assert status == 0, output
    for name in ("feeds/archive/1.xml", "feeds/archive/1.rss.xml", "feeds/archive/1.json"):
        assert f"note: {name}: entry urn:test:1 (Story 1, corrected) corrected: readers that keep archives" in output
    assert "0 problems, 3 notes." in output


def test_a_new_archive_document_passes_with_no_note(site: Path, against: Against) -> None:
    """Archive 3 fills: archive 2, the newest until now, gains its next-archive link (RFC
    5005), which is no change readers need to hear of."""
    for i in (7, 8):
        (site / "content" / f"s{i:02d}.md").write_text(story(i))
    assert passed_with_notes(against()) == []
    assert (site / "output" / "feeds/archive/3.xml").is_file()


def _swap_seqs(site: Path, a: str, b: str) -> None:
    path = site / "content" / LEDGER_NAME
    ledger = json.loads(path.read_text())
    entries = ledger["articles"]
    entries[a]["seq"], entries[b]["seq"] = entries[b]["seq"], entries[a]["seq"]
    path.write_text(json.dumps(ledger))


def test_an_archive_document_whose_entries_change_is_caught(site: Path, against: Against) -> None:
    _swap_seqs(site, "urn:test:2", "urn:test:3")  # archive 1 (numbers 1-3) and 2 (4-6) trade one
    status, output = against()
    assert status == 1
    assert "feeds/archive/1.xml: an archive document gained entries (urn:test:3): readers that keep archives (RFC 5005) never fetch it again" in output
    assert "feeds/archive/2.json: an archive document gained entries (urn:test:2)" in output


def test_an_archive_document_whose_entries_are_reordered_is_caught(site: Path, against: Against) -> None:
    _swap_seqs(site, "urn:test:0", "urn:test:1")
    status, output = against()
    assert status == 1 and "feeds/archive/1.rss.xml: an archive document holds its entries in another order" in output


def test_a_feed_too_large_for_a_reader_is_caught(site: Path, against: Against, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compare, "READER_LIMITS", ((1000, "a small reader"),))
    status, output = against()
    assert status == 1 and "over a small reader's limit" in output


def test_a_scheduled_article_out_is_caught(site: Path, against: Against) -> None:
    (site / "content" / "s30.md").write_text(article_md("Tomorrow", date="2026-06-01T09:00:00+00:00", id="urn:test:later"))
    status, output = against("--future")
    assert status == 1 and "entry urn:test:later (Tomorrow) is dated 2026-06-01T09:00:00+00:00, in the future" in output


def test_a_draft_out_is_caught(site: Path, against: Against) -> None:
    # Marked a draft after the build that published it: the output still shows it.
    (site / "content" / "s03.md").write_text(story(3, draft="true"))
    status, output = against(rebuild=False)
    assert status == 1 and "entry urn:test:3 (Story 3) is out, but" in output and "s03.md is a draft" in output


@pytest.fixture
def live(tmp_path: Path, no_proxy: None) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", root
    finally:
        server.shutdown()
        server.server_close()


def test_the_live_site_is_read_over_http(site: Path, against: Against, live: tuple[str, Path]) -> None:
    url, root = live
    shutil.copytree(site / "output", root, dirs_exist_ok=True)
    (site / "content" / "s99.md").write_text(story(20))
    assert against(target=url)[0] == 0
    # Its feeds link to example.org, not to this server: their subscription documents alone
    # are read (test_the_live_sites_archives_are_compared follows archives).
    (site / "content" / "s02.md").write_text(story(2, draft="true"))
    status, output = against(target=url + "atom.xml")
    assert status == 1 and "entry urn:test:2 (Story 2) is in neither the feed nor any archive" in output


def test_the_live_sites_archives_are_compared(make_site: MakeSite, live: tuple[str, Path], runner: CliRunner) -> None:
    """Read over http, each archive document is compared with the new build's of the same
    path (they were told apart by their addresses, and never compared)."""
    url, root = live
    site = make_site(content={f"s{i:02d}.md": story(i) for i in range(7)}, config=f'base_url = "{url}"\narchive_size = 3\n')
    assert build(site).ok
    shutil.copytree(site / "output", root, dirs_exist_ok=True)
    _swap_seqs(site, "urn:test:2", "urn:test:3")
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 0
    result = runner.invoke(main, ["check", "--site", str(site), "--against", url])
    assert result.exit_code == 1
    assert "feeds/archive/1.xml: an archive document gained entries (urn:test:3)" in result.output, result.output


def test_against_nothing_says_so(site: Path, runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["check", "--site", str(site), "--against", str(tmp_path / "missing")])
    assert result.exit_code == 1 and "neither an output folder nor an http(s) address" in result.output
    (tmp_path / "empty").mkdir()
    result = runner.invoke(main, ["check", "--site", str(site), "--against", str(tmp_path / "empty")])
    assert result.exit_code == 1 and "no feed found" in result.output
    # The folder the build just wrote over: compared with itself, any build would pass.
    for same in (site / "output", site / "output" / "." ):
        result = runner.invoke(main, ["check", "--site", str(site), "--against", str(same)])
        assert result.exit_code == 1 and "is the output folder being checked: give a copy of the last build's" in result.output, result.output


def test_a_live_site_that_cannot_be_reached_says_why(site: Path, runner: CliRunner, no_proxy: None) -> None:
    import socket

    with socket.socket() as free:  # a port nothing listens on once it is closed
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    result = runner.invoke(main, ["check", "--site", str(site), "--against", f"http://127.0.0.1:{port}/news/"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"no feed found at http://127.0.0.1:{port}/news/ (http://127.0.0.1:{port}/news/atom.xml: cannot be read: [Errno 111] Connection refused)" in result.output
    assert "before a site's first deploy, leave out --against" in result.output


def test_the_live_site_may_be_named_without_a_slash_or_by_a_feed(site: Path, against: Against, live: tuple[str, Path]) -> None:
    url, root = live
    shutil.copytree(site / "output", root / "news")
    for target in (url + "news", url + "news/", url + "news/feed.json"):
        assert against(target=target, rebuild=False)[0] == 0, target


def test_an_old_document_that_cannot_be_read_is_a_problem(site: Path, against: Against, tmp_path: Path) -> None:
    (tmp_path / "live" / "feeds" / "archive" / "1.xml").write_text("<not a feed")
    status, output = against(rebuild=False)
    assert status == 1 and "feeds/archive/1.xml: " in output and "what it holds was not compared" in output


def test_what_an_old_build_links_to_is_read_only_inside_it(site: Path, against: Against, tmp_path: Path) -> None:
    live = tmp_path / "live"
    atom = (live / "atom.xml").read_text()
    prev = atom.split('rel="prev-archive"')[0].rsplit('href="', 1)[1].split('"')[0]
    (live / "atom.xml").write_text(atom.replace(prev, "file:///etc/hostname"))
    doc = json.loads((live / "feed.json").read_text())
    doc["next_url"] = 5  # not even a string
    (live / "feed.json").write_text(json.dumps(doc))
    status, output = against(rebuild=False)
    assert "Traceback" not in output and "hostname" not in output
    assert status == 0, output  # what was read of the old build is all in the new one


def test_a_published_article_whose_date_moves_ahead_stays_out_with_a_warning(site: Path, against: Against, runner: CliRunner) -> None:
    """Not a scheduled article let out: readers had it already. The build says so, naming
    the line, and check --against does not block the deploy for it."""
    path = site / "content" / "s06.md"  # in no archive document yet: those would change
    path.write_text(story(6).replace("2025-02-07", "2026-06-06"))
    built = runner.invoke(main, ["build", "--site", str(site)])
    assert built.exit_code == 0 and "is after the build's clock" in built.output, built.output
    assert f"{path}:3: its date is after the build's clock" in built.output and "out already" in built.output
    status, output = against(rebuild=False)
    assert status == 0, output
    assert "Story 6" in (site / "output" / "atom.xml").read_text()
    # One never published is still caught when it comes out dated ahead.
    (site / "content" / "s30.md").write_text(story(30).replace("2025-02-31", "2026-06-07"))
    status, output = against("--future")
    scheduled = [line for line in output.splitlines() if "a scheduled article is out" in line]
    assert status == 1 and scheduled and all("Story 30" in line for line in scheduled), output


def test_the_readme_names_every_option_of_check() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    usage = next(line for line in readme.splitlines() if line.startswith("sitegen check "))
    options = [name for param in check_command.params for name in param.opts if name.startswith("--") and name != "--help"]
    assert "--allow-removed" in options
    assert [name for name in options if name not in usage] == []
