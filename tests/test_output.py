"""The writer: atomic writes with temp files of their own, identical bytes left alone, I/O
errors reported with the file, no write through a symbolic link, the output folder checked,
and the manifest written before the output."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MakeSite, article_md, no_hang, sitegen_in_little_memory
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen import output
from sitegen.build import build
from sitegen.check import check_output
from sitegen.cli import main
from sitegen.config import Config
from sitegen.errors import OutputError, SitegenError

PAGE = "2024/05/story/index.html"  # where article_md("Story") is built, by its file name


def temp_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob(f"*{output.TEMP_SUFFIX}"))


def story_site(make_site: MakeSite, **kwargs: object) -> Path:
    return make_site(content={"story.md": article_md("Story"), "other.md": article_md("Other", date="2023-01-02T09:00:00+00:00")}, **kwargs)


# --- atomic writes -----------------------------------------------------------------------


def test_every_write_goes_through_a_temp_file_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    renamed: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(src: str, dst: str) -> None:
        renamed.append((os.fspath(src), os.fspath(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    target = tmp_path / "page.html"
    assert output.write_if_changed(target, b"one")  # a new file too
    assert output.write_if_changed(target, b"two")
    assert output.write_file(tmp_path, "deep/er/page.html", b"three")[0]
    assert [dst for _, dst in renamed] == [str(target), str(target), str(tmp_path / "deep" / "er" / "page.html")]
    temps = [Path(src) for src, _ in renamed]
    assert len(set(temps)) == 3
    for temp, (_, dst) in zip(temps, renamed, strict=True):
        assert temp.parent == Path(dst).parent
        assert temp.name.startswith(f".{Path(dst).name}.") and temp.name.endswith(output.TEMP_SUFFIX)
    assert target.read_bytes() == b"two"
    assert temp_files(tmp_path) == []


def _editor_saves(path: Path, text: str) -> None:
    """Save as editors do: a temp file renamed over the old one."""
    temp = path.with_name(path.name + ".swp")
    temp.write_text(text)
    os.replace(temp, path)


def test_a_save_made_after_the_check_is_never_overwritten(tmp_path: Path) -> None:
    """A check, then a write: a save landing between them was replaced unseen (an import
    lost 2 edits of 1,500 saved during a build). What is checked is what is replaced."""
    story = tmp_path / "story.md"
    story.write_text("as imported")
    seen = story.read_bytes()

    def unchanged_but_an_editor_saves_now(path: str) -> bool:
        # The reader's check passed a moment ago; the editor saves right after it.
        _editor_saves(story, "the editor's words")
        return Path(path).read_bytes() == seen

    # The save lands while the file is set aside: the editor's rename makes a file in its
    # place, which the import's hard link never replaces.
    assert output.replace_unless_changed(story, b"imported again", unchanged_but_an_editor_saves_now) is False
    assert story.read_text() == "the editor's words"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["story.md"]

    # Saved before the file was set aside: the check sees the save, which is put back.
    _editor_saves(story, "as imported")
    seen = story.read_bytes()
    _editor_saves(story, "edited before the import wrote")
    assert output.replace_unless_changed(story, b"imported again", lambda path: Path(path).read_bytes() == seen) is False
    assert story.read_text() == "edited before the import wrote"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["story.md"]

    # Nobody touched it: replaced.
    assert output.replace_unless_changed(story, b"imported again", lambda path: Path(path).read_text() == "edited before the import wrote") is True
    assert story.read_bytes() == b"imported again"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["story.md"]


def test_a_file_set_aside_by_a_killed_build_is_put_back(tmp_path: Path) -> None:
    """Killed between setting the file aside and linking the new one in: the next build puts
    it back, unless a file has taken its place since (that one is newer)."""
    (tmp_path / f".a.md{output.ASIDE_SUFFIX}").write_text("a as it was")
    (tmp_path / "b.md").write_text("b saved since")
    (tmp_path / f".b.md{output.ASIDE_SUFFIX}").write_text("b as it was")
    output.remove_temp_files(str(tmp_path))
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {"a.md": "a as it was", "b.md": "b saved since"}


def test_write_file_makes_the_folders_it_needs(tmp_path: Path) -> None:
    out = tmp_path / "not" / "yet"
    assert output.write_file(out, "2024/05/story/index.html", b"x")[0]
    assert (out / "2024" / "05" / "story" / "index.html").read_bytes() == b"x"


def test_new_files_get_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        output.write_if_changed(tmp_path / "a.html", b"x")
        output.write_file(tmp_path, "b/c.html", b"x")
    finally:
        os.umask(umask)
    assert (tmp_path / "a.html").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "b" / "c.html").stat().st_mode & 0o777 == 0o644


def test_identical_bytes_are_not_rewritten(tmp_path: Path) -> None:
    target = tmp_path / "feed.xml"
    assert output.write_if_changed(target, b"<feed/>")
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    inode = target.stat().st_ino
    assert not output.write_if_changed(target, b"<feed/>")
    written, size, mtime_ns = output.write_file(tmp_path, "feed.xml", b"<feed/>")
    assert not written and size == 7 and mtime_ns == 1_000_000_000
    assert target.stat().st_ino == inode and target.stat().st_mtime_ns == 1_000_000_000
    # Same size, other bytes: rewritten.
    assert output.write_if_changed(target, b"<food/>")
    assert target.read_bytes() == b"<food/>"


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "content.md"
    target.write_bytes(b"---\ntitle: kept\n---\n")

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OutputError) as caught:
        output.write_if_changed(target, b"---\ntitle: new\n---\n")
    assert str(caught.value).endswith(f"content.md: cannot be written: {os.strerror(errno.ENOSPC)}")
    assert caught.value.path == target and isinstance(caught.value, SitegenError)
    with pytest.raises(OutputError, match="cannot be written"):
        output.write_file(tmp_path, "new/page.html", b"<html></html>\n")
    monkeypatch.undo()
    assert target.read_bytes() == b"---\ntitle: kept\n---\n"
    assert temp_files(tmp_path) == []
    assert not (tmp_path / "new" / "page.html").exists()


def test_io_errors_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("x")
    long_name = "x" * 300 + ".html"
    cases = {
        "folder": errno.EISDIR,  # a folder where the file should be
        "file/page.html": errno.ENOTDIR,  # a file where a folder should be
        "file/deeper/page.html": errno.ENOTDIR,
        long_name: errno.ENAMETOOLONG,
    }
    for path, code in cases.items():
        with pytest.raises(OutputError) as caught:
            output.write_if_changed(tmp_path / path, b"data")
        assert caught.value.path == tmp_path / path
        assert caught.value.reason.startswith(f"cannot be written: {os.strerror(code)}"), (path, caught.value.reason)
        with pytest.raises(OutputError) as caught:
            output.write_file(tmp_path, path, b"data")
        assert caught.value.path == tmp_path / path
        if code == errno.ENOTDIR:  # a build's write names the file in the way, and what to do
            assert caught.value.reason == f"cannot be written: {tmp_path / 'file'} is a file, where a folder should be: move it away", (path, caught.value.reason)
        else:
            assert caught.value.reason.startswith(f"cannot be written: {os.strerror(code)}"), (path, caught.value.reason)
    assert temp_files(tmp_path) == []
    assert (tmp_path / "file").read_text() == "x"


def test_a_name_near_the_limit_still_gets_a_temp_file(tmp_path: Path) -> None:
    name = "é" * 120 + ".html"  # 245 bytes: the temp file's name must be shortened to fit
    assert output.write_if_changed(tmp_path / name, b"x")
    assert (tmp_path / name).read_bytes() == b"x"


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root may write anywhere")
def test_permission_denied_names_the_file(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(OutputError, match=f"cannot be written: {os.strerror(errno.EACCES)}"):
            output.write_file(locked, "index.html", b"x")
    finally:
        locked.chmod(0o700)


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A read-only tmpfs (root only)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a file system needs root")
    folder = tmp_path / "ro"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,ro", "tmpfs", str(folder)], capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_read_only_file_system_names_the_file(read_only_dir: Path) -> None:
    with pytest.raises(OutputError, match=f"index.html: cannot be written: {os.strerror(errno.EROFS)}"):
        output.write_file(read_only_dir, "index.html", b"x")
    with pytest.raises(OutputError, match=f"cannot be written: {os.strerror(errno.EROFS)}"):
        output.write_if_changed(read_only_dir / "a.md", b"x")


# --- symbolic links ----------------------------------------------------------------------


def test_a_symlinked_folder_inside_output_is_refused(make_site: MakeSite, tmp_path: Path) -> None:
    site = story_site(make_site)
    outside = tmp_path / "outside"
    outside.mkdir()
    out = site / "output"
    out.mkdir()
    (out / "2024").symlink_to(outside, target_is_directory=True)
    report = build(site, jobs=1)
    refused = [e for e in report.errors if isinstance(e, OutputError)]
    assert len(refused) == 1, report.errors
    assert refused[0].path == out / PAGE
    assert "symbolic link" in refused[0].reason and str(out / "2024") in refused[0].reason
    assert list(outside.rglob("*")) == []  # nothing written through the link
    assert (out / "2023" / "01" / "other" / "index.html").is_file()  # the rest is built
    assert (out / "index.html").is_file()
    # The refused page is not listed as written, so no later build deletes through the link.
    assert PAGE not in json.loads((out / output.MANIFEST).read_text())


def test_a_symlink_deeper_on_the_way_is_refused_too(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    (out / "2024").mkdir(parents=True)
    (out / "2024" / "05").symlink_to(outside, target_is_directory=True)
    with pytest.raises(OutputError, match="symbolic link"):
        output.write_file(out, PAGE, b"x")
    assert list(outside.rglob("*")) == []


def test_a_symlink_at_the_file_is_replaced_not_followed(make_site: MakeSite, tmp_path: Path) -> None:
    site = story_site(make_site)
    victim = tmp_path / "victim.html"
    victim.write_text("precious")
    out = site / "output"
    out.mkdir()
    (out / "index.html").symlink_to(victim)
    report = build(site, jobs=1)
    assert report.ok, report.errors
    assert not (out / "index.html").is_symlink()
    assert (out / "index.html").read_text().endswith("</html>\n")
    assert victim.read_text() == "precious"


def test_dangling_symlinks_do_not_crash_anything(make_site: MakeSite, runner: CliRunner) -> None:
    site = story_site(make_site)
    out = site / "output"
    out.mkdir()
    (out / "atom.xml").symlink_to(site / "nowhere.xml")  # where a file goes
    (out / "mine").symlink_to(site / "nowhere")  # not sitegen's
    (out / "tags").symlink_to(site / "nowhere-dir", target_is_directory=True)  # where a folder goes
    report = build(site, jobs=1)
    assert not (out / "atom.xml").is_symlink() and (out / "atom.xml").stat().st_size > 0
    assert (out / "mine").is_symlink()  # left alone
    assert {str(e.path) for e in report.errors} == {str(out / "tags" / "index.html")}
    assert not (site / "nowhere-dir").exists()
    # A file an earlier build wrote, now a dangling link, is removed like the file it was.
    (out / "tags").unlink()
    build(site, jobs=1)
    (site / "content" / "other.md").unlink()
    other = out / "2023" / "01" / "other" / "index.html"
    other.unlink()
    other.symlink_to(site / "nowhere.html")
    report = build(site, jobs=1)
    assert report.ok, report.errors
    assert not other.is_symlink() and not other.parent.exists()
    assert runner.invoke(main, ["check", "--site", str(site)]).exit_code == 0


def test_stale_files_are_never_deleted_through_a_link(make_site: MakeSite, tmp_path: Path) -> None:
    site = story_site(make_site)
    out = site / "output"
    build(site, jobs=1)
    # The folder of a page the next build no longer makes becomes a link to a folder
    # holding a file of the same name.
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.html").write_text("precious")
    page = out / "2023" / "01" / "other"
    for child in page.iterdir():
        child.unlink()
    page.rmdir()
    page.symlink_to(outside, target_is_directory=True)
    (site / "content" / "other.md").unlink()
    build(site, jobs=1)
    assert (outside / "index.html").read_text() == "precious"


def test_a_file_where_a_folder_should_be(make_site: MakeSite) -> None:
    site = story_site(make_site)
    out = site / "output"
    out.mkdir()
    (out / "2024").write_text("not a folder")
    report = build(site, jobs=1)
    assert [str(e) for e in report.errors] == [f"{out / PAGE}: cannot be written: {out / '2024'} is a file, where a folder should be: move it away"]
    assert (out / "2024").read_text() == "not a folder"
    assert (out / "2023" / "01" / "other" / "index.html").is_file()


def test_a_file_where_a_folder_should_be_is_named_as_the_file_that_cannot_be_written_is(make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file the build could not write was named from the working folder, the file in the
    way by its absolute path, after "Not a directory:", the system's words, with nothing of
    what to do."""
    site = story_site(make_site)
    out = site / "output"
    out.mkdir()
    (out / "2024").write_text("not a folder")
    monkeypatch.chdir(site)
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 1
    said = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert said == [f"error: output/{PAGE}: cannot be written: output/2024 is a file, where a folder should be: move it away"], result.output


# --- the output folder -------------------------------------------------------------------


def test_output_that_is_a_file_is_refused(make_site: MakeSite, runner: CliRunner) -> None:
    site = story_site(make_site)
    target = site / "public"
    target.write_text("a file")
    result = runner.invoke(main, ["build", "--site", str(site), "--output", str(target)])
    assert result.exit_code != 0
    with pytest.raises(OutputError, match="is a file, not a folder"):
        build(site, target)
    assert target.read_text() == "a file"
    assert not (site / ".sitegen-cache").exists()  # refused before anything was written


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (".", "is the site folder itself"),
        ("..", "holds the site's content/"),
        ("content", "is the site's content/"),
        ("content/out", "is inside the site's content/"),
        ("seeds", "is the site's seeds/"),
        ("seeds/x/y", "is inside the site's seeds/"),
        ("templates/static", "is inside the site's templates/"),
        ("sitegen.toml", "is the site's sitegen.toml"),
        (".sitegen-cache/out", "is inside the site's .sitegen-cache/"),
    ],
)
def test_check_output_dir_refuses(make_site: MakeSite, where: str, message: str) -> None:
    site = story_site(make_site, config='title = "x"\n')
    out = site / where
    with pytest.raises(OutputError, match=message):
        output.check_output_dir(site, out)
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    with pytest.raises(OutputError, match=message):
        build(site, out)
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before  # nothing written


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (".git", "is git's own folder, which a build must not write into"),
        (".git/objects/site", "is inside .git/, git's own folder"),
        (".venv", "is a Python virtual environment"),
        ("env/lib/site", "is inside env/, a Python virtual environment"),  # known by its pyvenv.cfg
    ],
)
def test_an_output_in_a_git_or_python_folder_is_refused(make_site: MakeSite, runner: CliRunner, where: str, message: str) -> None:
    site = story_site(make_site)
    (site / ".git" / "objects").mkdir(parents=True)
    (site / "env").mkdir()
    (site / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    result = runner.invoke(main, ["build", "--site", str(site), "--output", str(site / where)])
    assert result.exit_code == 1
    assert f"Error: {site / where}: {message}" in result.output and "choose a folder of its own" in result.output
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before  # nothing written


@pytest.mark.parametrize(("where", "message"), [("users/me", "is your home folder"), ("users", "holds your home folder")])
def test_an_output_that_is_or_holds_the_home_folder_is_refused(
    make_site: MakeSite, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, message: str
) -> None:
    """`--output ~` (or `~/` typed for `~/site`) wrote the site among the user's files,
    over their own index.html."""
    site = story_site(make_site)
    home = tmp_path / "users" / "me"
    home.mkdir(parents=True)
    (home / "index.html").write_text("mine")
    monkeypatch.setenv("HOME", str(home))
    result = runner.invoke(main, ["build", "--site", str(site), "--output", str(tmp_path / where)])
    assert result.exit_code == 1
    assert f"Error: {tmp_path / where}: {message}; choose a folder of its own" in result.output
    assert sorted(p.name for p in home.iterdir()) == ["index.html"] and (home / "index.html").read_text() == "mine"


def test_check_output_dir_refuses_through_links(make_site: MakeSite, tmp_path: Path) -> None:
    site = story_site(make_site)
    (tmp_path / "alias").symlink_to(site / "content", target_is_directory=True)
    with pytest.raises(OutputError, match="is the site's content/"):
        output.check_output_dir(site, tmp_path / "alias")


@pytest.mark.parametrize("where", ["output", "public", "../elsewhere", "../site-output/deep"])
def test_check_output_dir_accepts(make_site: MakeSite, where: str) -> None:
    site = story_site(make_site)
    output.check_output_dir(site, site / where)  # no error
    output.check_output_dir(site, (site / where).resolve())


# --- the manifest and leftovers ----------------------------------------------------------


def test_record_planned_adds_to_the_manifest_before_writing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    output.record_planned(out, ["b.html", "a/index.html"])
    manifest = out / output.MANIFEST
    assert json.loads(manifest.read_text()) == ["a/index.html", "b.html"]
    output.record_planned(out, ["c.xml", "b.html"])
    assert json.loads(manifest.read_text()) == ["a/index.html", "b.html", "c.xml"]
    # Nothing new: the manifest is left alone.
    os.utime(manifest, ns=(1_000_000_000, 1_000_000_000))
    output.record_planned(out, ["a/index.html"])
    assert manifest.stat().st_mtime_ns == 1_000_000_000
    # The build then lists exactly what it wrote, and is no longer marked as writing.
    for path in ("a/index.html", "c.xml"):
        output.write_file(out, path, b"x")
    assert output.finish_output(out, {"a/index.html", "c.xml"}) == []  # b.html was never written
    assert json.loads(manifest.read_text()) == ["a/index.html", "c.xml"]
    assert sorted(p.name for p in out.iterdir()) == [output.MANIFEST, "a", "c.xml"]


def kill_while_writing(out: Path, planned: list[str], written: list[str], leftovers: list[Path]) -> None:
    """What a build killed (SIGKILL) while writing leaves: it planned ``planned``, wrote
    ``written`` and left temp files at ``leftovers``."""
    script = (
        "import json, os, signal, sys\nfrom pathlib import Path\nfrom sitegen import output\n"
        "out, planned, written, leftovers = Path(sys.argv[1]), *json.loads(sys.argv[2])\n"
        "output.record_planned(out, planned)\n"
        "for path in written: output.write_file(out, path, b'<html></html>\\n')\n"
        "for path in leftovers: Path(path).write_bytes(b'<html><bo')\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(out), json.dumps([planned, written, [str(p) for p in leftovers]])], check=False)
    assert done.returncode == -signal.SIGKILL


def test_a_killed_build_still_lets_the_next_one_remove_what_it_wrote(make_site: MakeSite) -> None:
    site = story_site(make_site)
    out = site / "output"
    build(site, jobs=1)
    # A build planned a page (and one it never got to), wrote it and was killed.
    kill_while_writing(out, ["2099/01/gone/index.html", "2099/01/never/index.html"], ["2099/01/gone/index.html"], [])
    assert output.interrupted(out)
    (site / "content" / "story.md").write_text(article_md("Story", body="Edited."))
    report = build(site, jobs=1)
    assert [p for p in report.written.removed if not p.startswith("pagefind/")] == ["2099/01/gone/index.html"]  # and the edit's old index files
    assert not (out / "2099").exists()
    assert not {"2099/01/gone/index.html", "2099/01/never/index.html"} & set(json.loads((out / output.MANIFEST).read_text()))
    assert not output.interrupted(out)


@pytest.mark.parametrize("damage", ["garbage", "deleted"])
def test_a_damaged_manifest_never_leaves_a_page_taken_down_online(make_site: MakeSite, damage: str) -> None:
    """The manifest lists what earlier builds wrote, for the next to remove what it no longer
    makes. Damaged or deleted by hand, it made a taken-down article's page stay online for
    good: the build cache's record of what the last build made is read as well."""
    site = make_site(content={"a.md": article_md("A"), "gone.md": article_md("Gone")})
    out = site / "output"
    assert build(site).ok
    page = out / "2024" / "05" / "gone" / "index.html"
    assert page.is_file()
    (site / "content" / "gone.md").unlink()
    if damage == "garbage":
        (out / output.MANIFEST).write_bytes(bytes(range(256)) * 20)
    else:
        (out / output.MANIFEST).unlink()
    report = build(site)
    assert report.ok and "2024/05/gone/index.html" in report.written.removed
    assert not page.exists() and not (out / "2024" / "05" / "gone").exists()
    fresh = site.parent / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns(".sitegen-cache", "output"))
    assert build(fresh).ok
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted(
        p.relative_to(fresh / "output").as_posix() for p in (fresh / "output").rglob("*") if p.is_file()
    )


@pytest.mark.parametrize("name", [output.MANIFEST, output.BUILDING])
@pytest.mark.parametrize("kind", ["fifo", "link"])
def test_a_manifest_or_mark_that_is_no_regular_file_is_not_read(make_site: MakeSite, tmp_path: Path, name: str, kind: str) -> None:
    """An output folder may be committed (docs/ for GitHub Pages), links and all: a manifest
    linked to /dev/zero filled the memory, a FIFO hung the build. Neither is read, and the
    build writes a manifest of its own in its place."""
    site = story_site(make_site)
    out = site / "output"
    assert build(site).ok
    (site / "content" / "other.md").unlink()
    (out / name).unlink(missing_ok=True)
    if kind == "fifo":
        os.mkfifo(out / name)
    else:
        os.mkfifo(tmp_path / "elsewhere")
        (out / name).symlink_to(tmp_path / "elsewhere")
    began = time.monotonic()
    with no_hang(20):  # whose TimeoutError, an OSError, a read of the manifest took for none
        report = build(site)
    assert time.monotonic() - began < 15
    assert report.ok, report.errors
    assert (out / PAGE).is_file() and (out / output.MANIFEST).is_file() and not (out / output.MANIFEST).is_symlink()
    assert "2023/01/other/index.html" in report.written.removed and not (out / "2023").exists()
    assert PAGE in json.loads((out / output.MANIFEST).read_text())


@pytest.mark.skipif(sys.platform != "linux", reason="sparse files and RLIMIT_AS as Linux has them")
def test_a_manifest_of_gigabytes_is_not_read(make_site: MakeSite) -> None:
    """An output folder restored by a CI cache or committed may hold a manifest of any size
    (sparse: it costs no disk): one of 3 GiB was read whole, and the build ended in a
    MemoryError. Built in a process whose memory is limited, so that the old behaviour fails
    at once rather than filling the machine's."""
    site = story_site(make_site)
    out = site / "output"
    assert build(site).ok
    (site / "content" / "other.md").unlink()
    with (out / output.MANIFEST).open("r+b") as f:
        f.truncate(3 << 30)
    done = sitegen_in_little_memory("build", "--site", str(site), "-j", "1")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert (out / output.MANIFEST).stat().st_size < 1 << 20
    assert PAGE in json.loads((out / output.MANIFEST).read_text()) and not (out / "2023").exists()


def test_leftover_temp_files_are_removed_by_the_next_build(make_site: MakeSite) -> None:
    site = story_site(make_site)
    out = site / "output"
    build(site, jobs=1)
    leftovers = [out / ".index.html.0123456789ab.sitegen-tmp", out / "2024" / "05" / "story" / ".index.html.ba9876543210.sitegen-tmp"]
    kill_while_writing(out, [], [], leftovers)
    assert all(p.exists() for p in leftovers)
    others = [out / "notes.sitegen-tmp.txt", out / "mine.sitegen-tmp"]
    for path in others:
        path.write_text("not a temp file of sitegen's in the output folder")
    (site / "content" / "story.md").write_text(article_md("Story", body="Edited."))
    build(site, jobs=1)
    assert not any(p.exists() for p in leftovers)
    assert all(p.exists() for p in others)
    assert not (out / output.BUILDING).exists()


def test_a_clean_build_needs_no_search_for_leftovers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    searched: list[str] = []
    monkeypatch.setattr(output, "remove_temp_files", searched.append)
    output.record_planned(out, ["a.html"])
    output.write_file(out, "a.html", b"x")
    output.finish_output(out, {"a.html"})
    assert searched == []
    # A mark left by a killed build: the next one searches.
    (out / output.BUILDING).write_text("1 clean\n")
    output.record_planned(out, ["a.html"])
    output.finish_output(out, {"a.html"})
    assert searched == [str(out)]


def test_an_interrupted_build_is_never_taken_for_an_up_to_date_one(make_site: MakeSite) -> None:
    site = story_site(make_site)
    out = site / "output"
    build(site, jobs=1)
    # An article is added; the build is killed after writing its page; the article is
    # removed again. Every input is now as the last finished build saw it.
    leftover = out / ".index.html.0123456789ab.sitegen-tmp"
    kill_while_writing(out, ["2024/06/gone/index.html"], ["2024/06/gone/index.html"], [leftover])
    report = build(site, jobs=1)
    assert report.written.removed == ["2024/06/gone/index.html"]
    assert not (out / "2024" / "06").exists() and not leftover.exists()
    assert not output.interrupted(out)


# --- publishing: the site stays whole --------------------------------------------------


def test_a_build_that_dies_while_rendering_leaves_the_site_as_it_was(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    from sitegen import plan

    site = story_site(make_site)
    out = site / "output"
    build(site, jobs=1)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")}
    (site / "content" / "new.md").write_text(article_md("New", date="2024-06-01T09:00:00+00:00"))
    (site / "content" / "story.md").write_text(article_md("Story", body="Edited."))

    def die(self: object, tools: object) -> object:
        raise KeyboardInterrupt  # as a kill would, after the pages were rendered and staged

    monkeypatch.setattr(plan.FeedOutput, "render", die)
    with pytest.raises(KeyboardInterrupt):
        build(site, jobs=1)
    # Nothing published: every page and feed as it was, no page of the new article, no link
    # to it. (The manifest already lists the files the build meant to write.)
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")}
    assert after == before
    monkeypatch.undo()
    report = build(site, jobs=1)
    assert report.ok and (out / "2024" / "06" / "new" / "index.html").is_file()
    assert not [p for p in out.rglob("*") if p.name.endswith(output.TEMP_SUFFIX)]


def failing_replace(monkeypatch: pytest.MonkeyPatch, target: Path, raised: BaseException) -> None:
    """Make the rename onto ``target`` raise ``raised``; every other rename works."""
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        if Path(dst).resolve() == target.resolve():
            raise raised
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)


def test_a_file_that_cannot_be_published_keeps_its_last_version_and_no_temp_file(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    site = story_site(make_site)
    out = site / "output"
    build(site, jobs=1)
    before = (out / "atom.xml").read_bytes()
    (site / "content" / "new.md").write_text(article_md("New", date="2024-06-01T09:00:00+00:00"))
    failing_replace(monkeypatch, out / "atom.xml", OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    report = build(site, jobs=1)
    assert [str(e) for e in report.errors] == [f"{out / 'atom.xml'}: cannot be written: {os.strerror(errno.ENOSPC)}"]
    assert "atom.xml" in report.failed and (out / "atom.xml").read_bytes() == before
    assert temp_files(out) == []
    # Its compressed copies were removed rather than left newer than it; the rest is whole.
    assert not (out / "atom.xml.gz").exists() and not (out / "atom.xml.br").exists()
    assert check_output(out, Config()) == []
    # A copy alone that cannot be published is removed, its file and the other copy are; the
    # next build makes it, and the one after has nothing to do.
    monkeypatch.undo()
    (site / "content" / "newer.md").write_text(article_md("Newer", date="2024-06-02T09:00:00+00:00"))
    failing_replace(monkeypatch, out / "atom.xml.br", OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    report = build(site, jobs=1)
    assert report.failed == ["atom.xml.br"] and not (out / "atom.xml.br").exists()
    assert b"Newer" in (out / "atom.xml").read_bytes() and (out / "atom.xml.gz").is_file()
    assert check_output(out, Config()) == [] and temp_files(out) == []
    monkeypatch.undo()
    report = build(site, jobs=1)
    assert report.ok and report.written.written == ["atom.xml.br"] and check_output(out, Config()) == []
    assert build(site, jobs=1).cache == "up to date: nothing to do"


@pytest.mark.parametrize(
    ("failing", "raised", "expected"),
    [
        # Ctrl-C (or any exception) half-way through publishing.
        ("atom.xml", KeyboardInterrupt(), KeyboardInterrupt),
        # A full disk once every file is staged: the manifest, which must list them before
        # they are published, cannot be written.
        (output.MANIFEST, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), OutputError),
    ],
)
def test_a_build_that_fails_while_publishing_leaves_no_temp_file(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, failing: str, raised: BaseException, expected: type[BaseException]
) -> None:
    site = story_site(make_site)
    out = site / "output"
    build(site, jobs=1)
    before = (out / "atom.xml").read_bytes()
    (site / "content" / "new.md").write_text(article_md("New", date="2024-06-01T09:00:00+00:00"))
    failing_replace(monkeypatch, out / failing, raised)
    with pytest.raises(expected):
        build(site, jobs=1)
    # Not left for the next build to find: the staged files would fill a full disk further.
    assert temp_files(out) == []
    # What was not published is as it was, and the output is whole either way.
    assert (out / "atom.xml").read_bytes() == before
    assert check_output(out, Config()) == []
    monkeypatch.undo()
    assert build(site, jobs=1).ok and (out / "2024" / "06" / "new" / "index.html").is_file()
    assert temp_files(out) == []


def test_changed_files_are_published_after_what_they_link_to(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    from sitegen import memo

    site = story_site(make_site)
    build(site, jobs=1)
    (site / "content" / "new.md").write_text(article_md("New", date="2024-06-01T09:00:00+00:00", tags="[world]"))
    order: list[str] = []
    real = memo.publish

    def recording(staged: Iterator[output.Staged]) -> list[OutputError]:
        items = list(staged)
        order.extend(Path(s.target).relative_to(site / "output").as_posix() for s in items)
        return real(items)

    monkeypatch.setattr(memo, "publish", recording)
    assert build(site, jobs=1).ok
    article, listings, feeds = order.index("2024/06/new/index.html"), order.index("index.html"), order.index("atom.xml")
    assert article < listings < feeds
    assert order.index("tags/world/index.html") < order.index("tags/world/atom.xml")
    assert all(order.index(p) > article for p in order if p.endswith((".xml", ".json")) or p.startswith("tags/"))


def test_temp_files_a_killed_import_left_are_removed(make_site: MakeSite) -> None:
    site = story_site(make_site)
    build(site, jobs=1)
    leftovers = [site / "content" / ".story.md.0123456789ab.sitegen-tmp", site / ".sitegen-cache" / ".state.bin.0123456789ab.sitegen-tmp"]
    for path in leftovers:
        path.write_text("half a file")
    keep = site / "content" / "notes.sitegen-tmp.txt"
    keep.write_text("mine")
    (site / "content" / "story.md").write_text(article_md("Story", body="Edited."))
    assert build(site, jobs=1).ok
    assert not any(p.exists() for p in leftovers) and keep.exists()


def test_a_build_that_was_not_interrupted_does_not_search_for_leftovers(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Walking the whole output folder costs seconds at 10,000 articles: only after a kill."""
    site = story_site(make_site)
    build(site, jobs=1)
    searched: list[str] = []
    monkeypatch.setattr(output, "remove_temp_files", searched.append)
    (site / "content" / "story.md").write_text(article_md("Story", body="Edited."))
    assert build(site, jobs=1).ok
    assert str(site / "output") not in searched


def test_a_build_interrupted_while_rendering_leaves_no_temp_file(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C most often lands while pages are rendered and staged, before any is published."""
    from sitegen import plan

    site = story_site(make_site)
    out = site / "output"
    build(site, jobs=1)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (site / "sitegen.toml").write_text('title = "Renamed"\n')  # every page changes
    real, rendered = plan.PageOutput.render, []

    def interrupted(self: plan.PageOutput, tools: plan.Tools) -> plan.Rendered:
        if len(rendered) == 5:
            raise KeyboardInterrupt
        rendered.append(self.path)
        return real(self, tools)

    monkeypatch.setattr(plan.PageOutput, "render", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(site, jobs=1)
    assert len(rendered) == 5 and temp_files(out) == []
    # Nothing published; the folder is left marked as interrupted, for the next build.
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != ".sitegen-building"} == before


def test_a_site_in_a_virtual_environments_folder_still_builds(make_site: MakeSite, tmp_path: Path) -> None:
    """``python -m venv .`` in the site folder: its output/ is the site's, not the venv's;
    so is a site checked out under a folder named .venv."""
    site = story_site(make_site)
    (site / "pyvenv.cfg").write_text("home = /usr/bin\n")
    output.check_output_dir(site, site / "output")
    inside = tmp_path / ".venv" / "site"
    inside.mkdir(parents=True)
    output.check_output_dir(inside, inside / "output")
    with pytest.raises(OutputError, match="is inside lib/, a Python virtual environment"):
        (site / "lib" / "env").mkdir(parents=True)
        (site / "lib" / "pyvenv.cfg").write_text("home = /usr/bin\n")
        output.check_output_dir(site, site / "lib" / "env" / "out")


def test_orphan_removal_takes_only_folders_named_as_sitegen_names_them(tmp_path: Path) -> None:
    """A server or a search build removes the working folders of processes that are gone,
    as ``output.scratch_name`` names them: a process id in ASCII digits. A folder named
    otherwise (superscript digits, a number no process id can be, Arabic-Indic digits that
    int() reads) stopped the server with a traceback or was removed though sitegen never
    made it; a symlink named like a leftover stays, and so does what it points to."""
    gone = subprocess.Popen(["true"])  # a process that has ended
    gone.wait()
    leftover = tmp_path / f"sitegen-serve-{gone.pid}-abc123"
    (leftover / "2024").mkdir(parents=True)
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "keep.txt").write_text("kept")
    (tmp_path / f"sitegen-serve-{gone.pid}-link").symlink_to(target, target_is_directory=True)
    odd = ["sitegen-serve-²-x", "sitegen-serve-99999999999999999999-x", "sitegen-serve-١٢٣٤٥-x"]
    for name in odd:
        (tmp_path / name).mkdir()
    output.remove_orphans("sitegen-serve-", [str(tmp_path)])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*odd, "elsewhere", f"sitegen-serve-{gone.pid}-link"])
    assert (target / "keep.txt").read_text() == "kept"


def test_a_large_file_is_compared_a_part_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Read whole and joined, the build cache's 52 MB state.bin was held twice more.
    target = tmp_path / "state.bin"
    data = os.urandom(3 * output.COMPARED_BYTES + 5)
    output.write_if_changed(target, data)
    asked: list[int] = []
    read = os.read

    def counted(fd: int, n: int) -> bytes:
        asked.append(n)
        return read(fd, n)

    monkeypatch.setattr(os, "read", counted)
    assert not output.write_if_changed(target, data)
    assert asked and max(asked) <= output.COMPARED_BYTES
    changed = data[:-1] + bytes([data[-1] ^ 1])  # the last byte differs
    assert output.write_if_changed(target, changed)
    assert target.read_bytes() == changed


@settings(max_examples=300, deadline=None)
@given(st.sets(st.text(max_size=12), max_size=12))
def test_the_manifest_is_written_as_json_dumps_writes_it(paths: set[str]) -> None:
    # Spelt out for speed; json.dumps with an indent is what it was, and what it must stay.
    assert output._manifest_bytes(paths) == (json.dumps(sorted(paths), indent=0) + "\n").encode("utf-8")


_MANIFEST_PATHS = st.text(alphabet='ab/."\\\x7f\u00e9\n', max_size=4)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.one_of(_MANIFEST_PATHS, _MANIFEST_PATHS, st.integers(0, 2)), max_size=6),
    st.sampled_from(["as sitegen writes it", "indented", "indented, not ASCII", "on one line"]),
)
def test_a_manifest_is_taken_for_the_one_sitegen_would_write_only_when_it_is_that_one(items: list[str | int], written: str) -> None:
    # finish_output keeps the manifest's own bytes when it lists the paths of this build;
    # they must be those it would write, whatever order, escapes or spacing the file has.
    paths_given = frozenset(p for p in items if isinstance(p, str))
    data = {
        "as sitegen writes it": output._manifest_bytes(paths_given),
        "indented": (json.dumps(items, indent=0) + "\n").encode("utf-8"),
        "indented, not ASCII": (json.dumps(items, indent=0, ensure_ascii=False) + "\n").encode("utf-8"),
        "on one line": json.dumps(items).encode("utf-8"),
    }[written]
    listed = json.loads(data.decode("utf-8"))
    paths = frozenset(p for p in listed if isinstance(p, str))
    found = output._is_manifest_of(data, listed, paths)
    assert not found or data == output._manifest_bytes(paths)
    # And it is found so when it is, but with a path json escapes (not in ASCII, say): written anew.
    plain = all(" " <= c <= "~" and c not in '"\\' for p in paths for c in p)
    assert found or data != output._manifest_bytes(paths) or not plain


@pytest.mark.parametrize("size", [0, 9, 10, 11])
@pytest.mark.parametrize("grew", [0, 1, 5])
def test_a_file_of_sitegen_is_read_whole_up_to_its_limit_even_one_grown_since_its_stat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int, grew: int
) -> None:
    # Read by the size fstat gives and one more byte, then on to the limit if that one came.
    path = tmp_path / output.MANIFEST
    path.write_bytes(b"x" * size)
    monkeypatch.setattr(output, "_OWN_MAX_BYTES", 10)
    stat_of = os.fstat

    def stale_fstat(fd: int) -> os.stat_result:  # the size before the file grew by ``grew``
        st = stat_of(fd)
        fields = list(st)
        fields[6] = max(0, st.st_size - grew)
        return os.stat_result(fields)

    monkeypatch.setattr(output.os, "fstat", stale_fstat)
    assert output._read_own(path) == (b"x" * size if size <= 10 else None)
