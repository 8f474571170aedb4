from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MakeSite, article_md, seed_text
from lxml import html as lxml_html

from sitegen import cli
from sitegen.cli import main

ADDRESS = 'base_url = "https://example.org/"\n'
"""A site's address: its builds say nothing of one for this machine, which counts as a warning."""


def test_help_for_every_command(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0 and "build" in result.output and "import" in result.output
    for command in (["build"], ["import"], ["check"], ["serve"], ["new"], ["convert"], ["theme", "copy"], ["theme", "list"]):
        result = runner.invoke(main, [*command, "--help"])
        assert result.exit_code == 0
        assert "--site" in result.output
    assert runner.invoke(main, ["init", "--help"]).exit_code == 0
    assert "--output" in runner.invoke(main, ["build", "--help"]).output
    assert runner.invoke(main, ["--version"]).output.startswith("sitegen, version ")


def test_build_prints_a_summary_and_exits_zero(runner: CliRunner, make_site: MakeSite) -> None:
    site = make_site(sample=True, config=ADDRESS)
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert re.search(r"Built 1 article \(1 imported\), \d+ pages, 3 feeds, 0 errors in [\d.]+ s", result.output)
    assert (site / "output" / "atom.xml").is_file()
    assert runner.invoke(main, ["build", "--site", str(site), "-q"]).output == ""


def test_a_build_in_a_process_that_goes_on_leaves_the_cycle_collector_on_and_keeps_nothing(runner: CliRunner, make_site: MakeSite) -> None:
    # The command turns the collector off only where the process ends with it (the sitegen
    # script); a test run, or a program of the user's, would otherwise keep every site it
    # built, held by the template environment's cycles.
    import gc

    site = make_site(sample=True, config=ADDRESS)
    assert gc.isenabled()
    assert runner.invoke(main, ["build", "--site", str(site), "-q"]).exit_code == 0
    assert gc.isenabled()
    assert not cli.ENDS_WITH_THE_COMMAND
    # Nor does it keep what each build made until the end of the process.
    from sitegen import build

    assert build._kept is None


def test_build_check_from_the_command_checks_with_the_collector_on_and_the_build_freed(
    runner: CliRunner, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sitegen command leaves a build's objects for the exit and its collector off only
    when the process ends with the build: with --check it goes on to read the whole output,
    which on a big site ran with the build still held and nothing collected."""
    import gc

    from sitegen import build, check

    site = make_site(sample=True, config=ADDRESS)
    seen: list[tuple[bool, object]] = []
    lint = check.check_output

    def watched(*args: object, **kwargs: object) -> list[check.Problem]:
        seen.append((gc.isenabled(), build._kept))
        return lint(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(check, "check_output", watched)
    monkeypatch.setattr(cli, "ENDS_WITH_THE_COMMAND", True)  # as __main__.main has it
    monkeypatch.setattr(build, "_kept", None)
    try:
        result = runner.invoke(main, ["build", "--site", str(site), "--check"])
    finally:
        gc.enable()
    assert result.exit_code == 0, result.output
    assert re.search(r"Checked .*output: 0 problems\.", result.output)
    assert seen == [(True, None)]


def test_quiet_prints_warnings_and_errors_only_as_its_help_says(runner: CliRunner, make_site: MakeSite) -> None:
    """A CI log keeps what needs a person (an edit kept over its seed, a date ahead of the
    clock) without the summary."""
    site = make_site(content={"a.md": article_md("Fine", colour="blue")})
    result = runner.invoke(main, ["build", "--site", str(site), "-q"])
    assert result.exit_code == 0 and result.output.startswith("warning: ") and "colour" in result.output and "Built" not in result.output
    assert "Print only errors and warnings: no summary, hint or progress bar." in " ".join(runner.invoke(main, ["build", "--help"]).output.split())


def test_verbose_and_quiet_together_are_refused_before_any_work(runner: CliRunner, make_site: MakeSite) -> None:
    """Both were taken, and -v won: a CI script's mistake, said rather than guessed."""
    site = make_site(content={"a.md": article_md("Fine")})
    result = runner.invoke(main, ["build", "--site", str(site), "-v", "-q"])
    assert result.exit_code == 2 and "-v (--verbose) and -q (--quiet) ask for opposite things" in result.output
    assert not (site / "output").exists()


def test_bad_seed_among_good_ones_exits_nonzero_naming_the_file(runner: CliRunner, make_site: MakeSite) -> None:
    site = make_site(sample=True, seeds={"005_00000000000000ee.txt": b"Title\n\nA\x00B\n", "006_00000000000000ef.txt": seed_text("Fine", "Text.")})
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1
    assert "005_00000000000000ee.txt:3: contains a NUL byte" in result.output
    assert "Built 2 articles" in result.output and "1 error" in result.output
    assert len(list((site / "output").glob("[0-9]*/*/*/index.html"))) == 2


def test_output_option_and_verbose(runner: CliRunner, make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site(sample=True)
    out = tmp_path / "public"
    result = runner.invoke(main, ["build", "--site", str(site), "--output", str(out), "-v"])
    assert result.exit_code == 0
    assert "wrote atom.xml" in result.output
    assert (out / "index.html").is_file() and not (site / "output").exists()


def test_config_error_is_reported_with_file_and_line(runner: CliRunner, make_site: MakeSite) -> None:
    site = make_site(config='title = "x"\nbase_url = "nope"\n')
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1
    assert "sitegen.toml:2: base_url: must be an absolute http(s) URL" in result.output
    assert not (site / "output").exists()


def test_import_command(runner: CliRunner, make_site: MakeSite) -> None:
    site = make_site(sample=True)
    first = runner.invoke(main, ["import", "--site", str(site)])
    assert first.exit_code == 0 and "Imported 1 new" in first.output
    second = runner.invoke(main, ["import", "--site", str(site)])
    assert "0 new, 0 updated, 1 unchanged" in second.output
    assert not (site / "output").exists()


def test_python_dash_m(make_site: MakeSite) -> None:
    import subprocess
    import sys

    site = make_site(sample=True)
    done = subprocess.run([sys.executable, "-m", "sitegen", "build", "--site", str(site)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "Built 1 article" in done.stdout


def test_a_build_whose_stdout_reader_is_gone_ends_with_the_builds_status(make_site: MakeSite) -> None:
    """``sitegen build | head -1``: the reader leaves before the summary is printed. Click
    ended the command with status 1, said nowhere, after a build that had succeeded, and
    ``--check`` was never run."""

    def build_unread(*args: str) -> tuple[int, str]:
        run = subprocess.Popen([sys.executable, "-m", "sitegen", "build", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert run.stdout is not None and run.stderr is not None
        run.stdout.close()  # before the build prints anything: each line meets a pipe with no reader
        said = run.stderr.read()
        return run.wait(), said

    site = make_site(sample=True, config=ADDRESS)
    assert build_unread("--site", str(site)) == (0, "")
    assert (site / "output" / "index.html").is_file()
    (site / "output" / "index.html").unlink()
    assert build_unread("--site", str(site), "-v", "--check") == (0, "")  # every line of -v unread, and the check done
    assert (site / "output" / "index.html").is_file()
    (site / "content" / "broken.md").write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    status, said = build_unread("--site", str(site))
    assert status == 1 and "broken.md:2: front matter is not valid YAML" in said and "Traceback" not in said


def test_the_command_ends_with_its_status_and_all_it_printed_without_tearing_down(make_site: MakeSite, tmp_path: Path) -> None:
    import subprocess
    import sys

    def command(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "sitegen", *args], capture_output=True, text=True, check=False)

    site = make_site(sample=True, content={"broken.md": "---\ntitle: [unclosed\n---\nText.\n"})
    built = command("build", "--site", str(site), "-v")
    assert built.returncode == 1 and "broken.md:2: front matter is not valid YAML" in built.stderr
    # All it printed, to the summary, its last line: one line per file written before it.
    said = built.stdout.splitlines()
    assert said[-1].startswith("Built 1 article (1 imported)") and "1 error" in said[-1]
    assert sum(line.startswith("wrote ") for line in said) == int(said[-1].split("(")[-1].split(" written")[0])
    assert command("build", "--site", str(tmp_path / "none")).returncode == 1
    assert command("build", "--jobs", "0").returncode == 2
    assert command("--version").returncode == 0
    # Objects are not freed one by one at the end: Python's exit handlers do not run.
    script = "import atexit, sys; from sitegen.cli import leave; atexit.register(print, 'torn down'); print('said', end=''); leave(sys.argv[1])"
    for code, status in (("3", 1), ("0", 1)):
        ended = subprocess.run([sys.executable, "-c", script, code], capture_output=True, text=True, check=False)
        assert (ended.returncode, ended.stdout, ended.stderr.strip()) == (status, "said", code)
    ended = subprocess.run([sys.executable, "-c", script.replace("leave(sys.argv[1])", "leave(int(sys.argv[1]))"), "3"], capture_output=True, text=True, check=False)
    assert (ended.returncode, ended.stdout) == (3, "said")


def test_jobs_option(runner: CliRunner, make_site: MakeSite) -> None:
    site = make_site(sample=True)
    assert "--jobs" in runner.invoke(main, ["build", "--help"]).output
    assert runner.invoke(main, ["build", "--site", str(site), "--jobs", "0"]).exit_code == 2
    result = runner.invoke(main, ["build", "--site", str(site), "-j", "2", "-v"])
    assert result.exit_code == 0 and "cache: no cache yet: a clean build" in result.output
    again = runner.invoke(main, ["build", "--site", str(site), "-v"])
    assert "cache: up to date: nothing to do" in again.output and "(0 written, 0 removed)" in again.output


def _run_in_terminal(args: list[str], cwd: Path, env: dict[str, str | None] | None = None) -> str:
    """Run sitegen with a pseudo-terminal as its stderr, the way a person runs it; ``env``:
    variables set (or, None, unset) for it."""
    import os
    import pty
    import subprocess
    import sys

    environ = dict(os.environ)
    for name, value in (env or {}).items():
        if value is None:
            environ.pop(name, None)
        else:
            environ[name] = value
    main_fd, child_fd = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "sitegen", *args], cwd=cwd, stderr=child_fd, stdout=subprocess.DEVNULL, env=environ)
    os.close(child_fd)
    chunks = []
    while True:  # read as it comes: a full terminal buffer would stop the build
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:  # EIO: the other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main_fd)
    assert process.wait() == 0
    return b"".join(chunks).decode(errors="replace")


def test_progress_bar_in_a_terminal_only(make_site: MakeSite) -> None:
    from conftest import article_md

    content = {f"a{i:03d}.md": article_md(f"Story {i}", date=f"2024-01-{1 + i % 28:02d}T09:00:00+00:00") for i in range(260)}
    site = make_site(content=content)
    shown = _run_in_terminal(["build", "--site", str(site)], site, {"CI": None})
    assert "Rendering" in shown and "%" in shown
    (site / "sitegen.toml").write_text('title = "Changed"\n')  # work to do again, no terminal
    import subprocess
    import sys

    quiet = subprocess.run([sys.executable, "-m", "sitegen", "build", "--site", str(site)], capture_output=True, text=True, check=True)
    assert "Rendering" not in quiet.stderr and "Built 260 articles" in quiet.stdout


def test_no_colour_with_no_color_and_no_progress_bar_on_a_dumb_terminal(make_site: MakeSite) -> None:
    """Some CI consoles give a pseudo-terminal and say TERM=dumb, or set NO_COLOR: their logs
    got colour codes, and on a dumb terminal a bar redrawn with carriage returns."""
    content = {f"a{i:03d}.md": article_md(f"Story {i}", date=f"2024-01-{1 + i % 28:02d}T09:00:00+00:00") for i in range(260)}
    content["odd.md"] = article_md("Odd", colour="blue")  # a warning, in yellow on a terminal
    site = make_site(content=content)
    shown: dict[str, str] = {}
    for name, env in {"xterm": {"TERM": "xterm", "NO_COLOR": None, "CI": None}, "NO_COLOR": {"TERM": "xterm", "NO_COLOR": "1", "CI": None}, "dumb": {"TERM": "dumb", "NO_COLOR": None, "CI": None}}.items():
        (site / "sitegen.toml").write_text(f'title = "{name}"\n')  # work to do, so that a bar is shown
        shown[name] = _run_in_terminal(["build", "--site", str(site)], site, env)
    colour = re.compile("\x1b\\[[0-9;]*m")  # SGR: what NO_COLOR is about (a bar may still hide the cursor)
    assert "\x1b[33mwarning: " in shown["xterm"] and "Rendering" in shown["xterm"]
    assert "warning: " in shown["NO_COLOR"] and not colour.search(shown["NO_COLOR"])
    assert "warning: " in shown["dumb"] and "\x1b[" not in shown["dumb"]
    assert "Rendering" not in shown["dumb"] and "\r" not in shown["dumb"].replace("\r\n", "\n")


def test_no_progress_bar_in_ci_even_on_a_pseudo_terminal(make_site: MakeSite) -> None:
    """Buildkite (and other runners) give a job a pseudo-terminal and set CI=true: the log
    kept every redraw of the bar, hundreds of lines of percentages, for a reader to scroll."""
    content = {f"a{i:03d}.md": article_md(f"Story {i}", date=f"2024-01-{1 + i % 28:02d}T09:00:00+00:00") for i in range(260)}
    site = make_site(content=content)
    shown = {}
    for value in ("true", "1", "false"):
        (site / "sitegen.toml").write_text(f'title = "CI {value}"\n')  # work to do, so that a bar would be shown
        shown[value] = _run_in_terminal(["build", "--site", str(site)], site, {"TERM": "xterm", "NO_COLOR": None, "CI": value})
    for value in ("true", "1"):
        assert "Rendering" not in shown[value] and "%" not in shown[value], value
        assert "\r" not in shown[value].replace("\r\n", "\n")
    assert "Rendering" in shown["false"]  # CI=false: a person's terminal after all


def test_no_wait_option(runner: CliRunner, make_site: MakeSite) -> None:
    from sitegen.lock import site_lock

    for command in ("build", "import"):
        shown = " ".join(runner.invoke(main, [command, "--help"]).output.split())
        assert "--no-wait Fail at once if another build of this site is running, instead of waiting." in shown
    site = make_site(sample=True)
    with site_lock(site):
        for command in ("build", "import"):
            result = runner.invoke(main, [command, "--site", str(site), "--no-wait"])
            assert result.exit_code == 1
            assert f"another sitegen build of {site} is running" in result.output
    assert runner.invoke(main, ["import", "--site", str(site), "--no-wait"]).exit_code == 0


def test_an_error_about_a_link_names_the_link_not_its_target(runner: CliRunner, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(content={"a.md": article_md("A story")})
    (site / "drafts").mkdir()
    (site / "drafts" / "target.md").write_text(article_md("Linked"), encoding="utf-8")
    (site / "content" / "b.md").symlink_to(site / "drafts" / "target.md")
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1
    assert f"error: {site / 'content' / 'b.md'}: is a symbolic link" in result.output and "target.md" not in result.output
    # Inside the working folder, relative to it.
    monkeypatch.chdir(site)
    result = runner.invoke(main, ["build", "--site", "."])
    assert result.exit_code == 1 and "error: content/b.md: is a symbolic link" in result.output, result.output


def test_a_folder_that_is_no_site_is_an_error_not_an_empty_site(runner: CliRunner, tmp_path: Path) -> None:
    typo = tmp_path / "sitte"
    empty = tmp_path / "empty"
    empty.mkdir()
    for command in (["build"], ["import"], ["check"]):
        result = runner.invoke(main, [*command, "--site", str(typo)])
        assert result.exit_code == 1, result.output
        assert f"Error: {typo}: no such folder: check --site, or run `sitegen init {typo}` to make a site there" in result.output, result.output
        result = runner.invoke(main, [*command, "--site", str(empty)])
        assert result.exit_code == 1 and "is not a sitegen site" in result.output and f"sitegen init {empty}" in result.output, result.output
    assert not typo.exists() and not any(empty.iterdir())  # nothing made there: no output/, no cache


def test_a_mistyped_site_folder_inside_a_site_is_said_to_be_missing(runner: CliRunner, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """`sitegen build --site sitte`, run in the site, said sitte "lies inside the site" and
    to "run sitegen from there": of a folder that is not there, where the user stood."""
    site = make_site(content={"a.md": article_md("A")})
    (site / "sitegen.toml").write_text('title = "News"\n')
    inner = site / "play" / "inner"  # a site made inside another, as in a clone of sitegen's repository
    (inner / "content").mkdir(parents=True)
    monkeypatch.chdir(inner)
    for command in (["build"], ["import"], ["check"], ["new", "A title"]):
        result = runner.invoke(main, [*command, "--site", "sitte"])
        assert result.exit_code == 1, (command, result.output)
        # This folder, not the one around it (it said "the site here is" the outer one).
        assert "Error: sitte: no such folder: check --site (this folder is a site: leave --site out)" in result.output, result.output
        assert "lies inside" not in result.output
    assert not (inner / "sitte").exists()
    # Pointed elsewhere, at a folder in no site: not told to leave --site out, nor sent to
    # the site around.
    result = runner.invoke(main, ["build", "--site", "../nonexist"])
    assert result.exit_code == 1
    assert "Error: ../nonexist: no such folder: check --site, or run `sitegen init ../nonexist` to make a site there" in result.output, result.output
    # From a site's content/, the site it is of.
    monkeypatch.chdir(site / "content")
    result = runner.invoke(main, ["build", "--site", "sitte"])
    assert f"Error: sitte: no such folder: check --site (the nearest site is {site.resolve()}: --site ..)" in result.output, result.output


def test_a_command_run_inside_a_site_names_the_site_not_sitegen_init(runner: CliRunner, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from content/, where an editor works, a build said to `sitegen init .` there: a
    site inside the site, its articles in content/content/."""
    site = make_site(content={"a.md": article_md("A")})
    (site / "content" / "2024").mkdir()
    for folder, up, toml in ((site / "content", "..", ""), (site / "content" / "2024", "../..", 'title = "News"\n')):
        if toml:  # a folder deeper down: found by the site's sitegen.toml
            (site / "sitegen.toml").write_text(toml, encoding="utf-8")
        monkeypatch.chdir(folder)
        for command in (["build"], ["new", "A title"], ["publish", "a.md"]):
            result = runner.invoke(main, command)
            assert result.exit_code == 1, (command, result.output)
            assert f"lies inside the site {site.resolve()}: run sitegen from there, or add --site {up}" in result.output, result.output
            assert "sitegen init" not in result.output
    assert sorted(p.name for p in (site / "content").rglob("*")) == ["2024", "a.md"]  # nothing made


def test_base_url_flag_builds_for_a_preview_host(runner: CliRunner, make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A", slug="a")}, config='base_url = "https://example.org/"\n')
    result = runner.invoke(main, ["build", "--site", str(site), "--base-url", "https://preview.example.net/pr-7/"])
    assert result.exit_code == 0, result.output
    home = (site / "output" / "index.html").read_text()
    assert '<link rel="canonical" href="https://preview.example.net/pr-7/">' in home and 'href="/pr-7/2024/05/a/"' in home
    assert "example.org" not in (site / "output" / "atom.xml").read_text()
    assert "example.org" in (site / "sitegen.toml").read_text()  # the file is not touched
    # Back to the configured address: the flag is not remembered, the build notices.
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 0
    assert '<link rel="canonical" href="https://example.org/">' in (site / "output" / "index.html").read_text()


def test_a_base_url_flag_that_is_no_address_is_a_usage_error(runner: CliRunner, make_site: MakeSite) -> None:
    """`build --base-url notaurl` failed as a build does, with status 1 and a "command line:1:"
    for a place, where `serve --base-url notaurl` is a usage error naming the option."""
    site = make_site(content={"a.md": article_md("A", slug="a")})
    for command in ("build", "check"):
        bad = runner.invoke(main, [command, "--site", str(site), "--base-url", "notaurl"])
        assert bad.exit_code == 2, (command, bad.output)
        assert "Invalid value for '--base-url': must be an absolute http(s) URL such as 'https://example.org/', not 'notaurl'" in bad.output
        assert "command line" not in bad.output and "Traceback" not in bad.output
    assert not (site / "output").exists()  # nothing was built
    spaced = runner.invoke(main, ["build", "--site", str(site), "--base-url", "https://example.org/my news/"])
    assert spaced.exit_code == 2 and "must not contain whitespace" in spaced.output


def test_drafts_flag_previews_drafts_without_publishing_them(runner: CliRunner, make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A", slug="a"), "d.md": article_md("Work in progress", slug="wip", draft="true", id="urn:test:draft")})
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0 and "Skipped 1 draft." in result.output
    assert not (site / "output" / "2024/05/wip").exists()
    result = runner.invoke(main, ["build", "--site", str(site), "--drafts"])
    assert result.exit_code == 0, result.output
    assert (site / "output" / "2024/05/wip/index.html").is_file() and "urn:test:draft" in (site / "output" / "atom.xml").read_text()
    assert "urn:test:draft" not in (site / "content" / ".sitegen-updated.json").read_text()  # a preview: not published
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 0
    assert not (site / "output" / "2024/05/wip").exists()


def test_warnings_name_files_as_the_user_would_type_them(runner: CliRunner, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(content={"a.md": article_md("A", titel="'Typo'")})
    monkeypatch.chdir(site)
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 0
    assert f"warning: {Path('content') / 'a.md'}:4: unknown front-matter key 'titel'" in result.output


def test_ctrl_c_exits_130_saying_every_file_is_whole(runner: CliRunner, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(content={"a.md": article_md("A")})

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run_build", interrupted)
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 130
    assert "interrupted: every file is whole; the next build finishes the work" in result.output


def test_ctrl_c_while_the_command_line_is_read_is_said_as_any_other(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Ctrl-C while click read the command line (a busy machine's first tenth of a second)
    was click's "Aborted!", status 1, not the interruption the command says everywhere else."""

    def interrupted(*args: object, **kwargs: object) -> list[str]:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli._Commands, "parse_args", interrupted)
    result = runner.invoke(main, ["build"])
    assert (result.exit_code, result.output) == (130, "\ninterrupted: every file is whole; the next build finishes the work\n")


# What pip's console script of the entry point ``entry`` (``module:function``) runs, as a
# terminal's foreground job has it: a job started in the background by a shell (as CI scripts
# may run the tests) inherits SIGINT ignored, and Ctrl-C would never arrive.
_CONSOLE_SCRIPT = """
import signal
signal.signal(signal.SIGINT, signal.default_int_handler)
import re, sys
from {module} import {function}
sys.exit({function}())
"""


def _importing(pid: int) -> bool:
    """Whether process ``pid`` has mapped an extension module (``*.cpython-*.so``, ``*.abi3.so``):
    Python's start-up and the console script map none, so the first is an import of
    sitegen's. (A Ctrl-C before then is Python's own: it stops Python starting.)"""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False
    return ".cpython-" in maps or ".abi3.so" in maps


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc/<pid>/maps")
@pytest.mark.parametrize("delay", [0, 0.01, 0.03, 0.1, 0.3])
def test_ctrl_c_as_the_command_starts_is_one_line_not_a_traceback(make_site: MakeSite, delay: float) -> None:
    """Ctrl-C in the first fraction of a second, while the command imported its modules,
    printed an 8-line KeyboardInterrupt traceback of whichever module it stopped in. The
    site is large enough that the build is still going at the last delay however busy the
    machine: one of 20 articles, then one of 200, was built and done by then in CI (the test
    itself not run for a while after the command began to import)."""
    site = make_site(content={f"a{n}.md": article_md(f"Story {n}") for n in range(1000)})
    run = _console_command("build", "--site", str(site))
    err = _interrupted(run, lambda: _importing(run.pid), "the command never began to import", 60, delay, lambda: os.killpg(run.pid, signal.SIGINT))  # as a terminal's Ctrl-C
    assert "Traceback" not in err, err
    assert (run.returncode, err) == (130, "\ninterrupted: every file is whole; the next build finishes the work\n")


def _console_command(*args: str) -> subprocess.Popen[str]:
    """The sitegen command run with ``args`` as pip's console script runs it (_CONSOLE_SCRIPT),
    in a session of its own."""
    entry = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]["scripts"]["sitegen"]
    module, function = entry.split(":")
    script = _CONSOLE_SCRIPT.format(module=module, function=function)
    return subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _interrupted(run: subprocess.Popen[str], ready: Callable[[], bool], never: str, seconds: float, delay: float, interrupt: Callable[[], None]) -> str:
    """``run``'s standard error once ``interrupt()`` ended it: sent when ``ready()`` (within
    ``seconds``, or the test fails saying ``never``), ``delay`` seconds later. The process and
    its group are killed if it is still running after."""
    try:
        deadline = time.monotonic() + seconds
        while not ready():
            assert run.poll() is None and time.monotonic() < deadline, never
            time.sleep(0.001)
        time.sleep(delay)
        interrupt()
        _, err = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    return err


def _staged(folder: Path) -> list[Path]:
    """The temp files a build has staged in ``folder`` and not yet published."""
    return [path for path in folder.rglob("*") if path.name.endswith(".sitegen-tmp")] if folder.exists() else []


def test_sigterm_mid_build_ends_it_as_ctrl_c_does(make_site: MakeSite, tmp_path: Path) -> None:
    """CI runners (GitLab, GitHub Actions, Kubernetes) end a cancelled or timed-out job with
    SIGTERM: it killed the build as it stood, its staged files left in output/ for a host to
    serve. It ends the build as Ctrl-C does: staged files removed, one line, status 143, the
    site as the last build left it, and the next build finishes the work."""
    site = make_site(content={f"a{n:03}.md": article_md(f"Story {n}", body=f"Text of story {n}. " * 40) for n in range(400)})
    run = _console_command("build", "--site", str(site), "--jobs", "2")
    # To the build process alone, as a runner ends its job's.
    err = _interrupted(run, lambda: bool(_staged(site / "output")), "the build never staged a file", 120, 0, lambda: run.send_signal(signal.SIGTERM))
    assert "Traceback" not in err, err
    assert (run.returncode, err) == (143, "\ninterrupted: every file is whole; the next build finishes the work\n")
    assert not _staged(site / "output")
    with pytest.raises(ProcessLookupError):  # no worker of it is left running
        os.killpg(run.pid, 0)
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns(".sitegen-cache", "output"))
    assert CliRunner().invoke(main, ["build", "--site", str(fresh)]).exit_code == 0
    made = {p.relative_to(site / "output"): p.read_bytes() for p in (site / "output").rglob("*") if p.is_file() and p.name != ".sitegen-manifest.json"}
    clean = {p.relative_to(fresh / "output"): p.read_bytes() for p in (fresh / "output").rglob("*") if p.is_file() and p.name != ".sitegen-manifest.json"}
    assert made == clean


# The command as _CONSOLE_SCRIPT runs it, with Ctrl-C coming as Python runs a finaliser (as
# the callback of a module lock an import frees, say) just as the build begins.
_CTRL_C_IN_A_FINALISER = """
import signal
signal.signal(signal.SIGINT, signal.default_int_handler)
import sys
import sitegen.cli

class Dropped:
    def __del__(self):
        signal.raise_signal(signal.SIGINT)

build = sitegen.cli.run_build

def build_after_ctrl_c(*args, **kwargs):
    Dropped()
    return build(*args, **kwargs)

sitegen.cli.run_build = build_after_ctrl_c
from sitegen.__main__ import main
sys.exit(main())
"""


def test_ctrl_c_as_python_runs_a_finaliser_stops_the_command_too(make_site: MakeSite) -> None:
    """Python cannot raise KeyboardInterrupt out of a finaliser or a weak reference's callback:
    it printed "Exception ignored in: <function _get_module_lock.<locals>.cb>" and a traceback,
    and the build ran to its end with status 0 (2 of 160 Ctrl-C at random moments of its first second)."""
    site = make_site(content={"a.md": article_md("A")})
    run = subprocess.run([sys.executable, "-c", _CTRL_C_IN_A_FINALISER, "build", "--site", str(site)], capture_output=True, text=True, timeout=120, check=False)
    # No summary: the build stopped.
    assert (run.returncode, run.stdout, run.stderr) == (130, "", "\ninterrupted: every file is whole; the next build finishes the work\n")



def test_sigterm_as_python_runs_a_finaliser_ends_the_command_with_its_own_status(make_site: MakeSite) -> None:
    """A SIGTERM that Python could not raise where it came (a finaliser) was sent again as
    Ctrl-C: the build stopped with status 130, and a CI runner that had ended it took that
    for a user's Ctrl-C."""
    site = make_site(content={"a.md": article_md("A")})
    script = _CTRL_C_IN_A_FINALISER.replace("signal.raise_signal(signal.SIGINT)", "signal.raise_signal(signal.SIGTERM)")
    run = subprocess.run([sys.executable, "-c", script, "build", "--site", str(site)], capture_output=True, text=True, timeout=120, check=False)
    assert (run.returncode, run.stdout, run.stderr) == (143, "", "\ninterrupted: every file is whole; the next build finishes the work\n")

def test_check_takes_the_address_a_preview_was_built_for(runner: CliRunner, make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A")}, config='base_url = "https://example.org/"\n')
    assert runner.invoke(main, ["build", "--site", str(site), "--base-url", "https://example.org/sub/"]).exit_code == 0
    assert runner.invoke(main, ["check", "--site", str(site)]).exit_code == 1  # links under /sub/ are not this address's
    result = runner.invoke(main, ["check", "--site", str(site), "--base-url", "https://example.org/sub/"])
    assert result.exit_code == 0, result.output


def test_every_check_names_an_articles_broken_link_by_its_content_file_and_line(runner: CliRunner, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """``build --check``, ``check --against`` and the check of a preview name it as ``check``
    does: the file to edit, its line, and the file that shows it."""
    site = make_site(content={"a.md": article_md("A", body="Words.\n\nSee [the old story](/2024/04/gone/).")}, config=ADDRESS)
    said = "error: content/a.md:8: broken link: /2024/04/gone/ (in 2024/05/a/index.html), and in 3 feeds"
    monkeypatch.chdir(site)
    result = runner.invoke(main, ["build", "--check"])
    assert result.exit_code == 1 and said in result.output.splitlines(), result.output
    assert "Checked output: 1 problem." in result.output
    shutil.copytree(site / "output", site.parent / "old")
    result = runner.invoke(main, ["check", "--against", "../old"])
    assert result.exit_code == 1 and said in result.output.splitlines(), result.output
    assert "Checked output against ../old: 1 problem." in result.output
    # A preview keeps a cache of its own; its page links to the file as a --relative build does.
    result = runner.invoke(main, ["build", "--relative", "--output", "../preview", "--check"])
    assert result.exit_code == 1
    assert "error: content/a.md:8: broken link: ../../04/gone/index.html (in 2024/05/a/index.html), and in 3 feeds" in result.output.splitlines(), result.output


def test_a_toml_syntax_error_names_its_line(runner: CliRunner, make_site: MakeSite) -> None:
    site = make_site(config='title = "A"\n\npage_size 10\n')
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1 and "sitegen.toml:3: not valid TOML: Expected '=' after a key in a key/value pair (column 11)" in result.output


def test_a_key_set_twice_in_sitegen_toml_is_named_with_its_line(runner: CliRunner, make_site: MakeSite) -> None:
    site = make_site(config='title = "A"\nbase_url = "https://example.org/"\ntitle = "B"\n')
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1
    assert f"{site / 'sitegen.toml'}:3: not valid TOML: title is set twice (first on line 1): keep one" in result.output, result.output


def test_one_mistake_in_many_files_is_said_for_a_few_and_counted(make_site: MakeSite, runner: CliRunner) -> None:
    site = make_site(content={f"a{i}.md": "---\ntitel: A\ndate: 2024-05-01T09:00:00Z\n---\n\nText.\n" for i in range(6)})
    result = runner.invoke(main, ["build", "--site", str(site)])
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 4 and all("no title" in line for line in errors), result.output
    assert [line.split("content/")[-1].split(":")[0] for line in errors[:3]] == ["a0.md", "a1.md", "a2.md"]
    assert errors[3] == "error: ... and 3 more files: no title: 'titel' is not a key sitegen knows: did you mean 'title'?"
    assert result.exit_code == 1 and ", 6 errors" in result.output
    every = runner.invoke(main, ["build", "--site", str(site), "--verbose"])
    assert len([line for line in every.output.splitlines() if line.startswith("error: ")]) == 6


def test_a_template_line_failing_for_every_article_is_one_error(make_site: MakeSite, runner: CliRunner) -> None:
    site = make_site(content={f"a{i}.md": article_md(f"A{i}", date=f"2024-05-0{i + 1}T09:00:00Z") for i in range(5)}, config=ADDRESS)
    theme = (Path(__file__).parent.parent / "templates" / "article.html").read_text()
    (site / "templates").mkdir()
    (site / "templates" / "article.html").write_text(theme.replace("{{ article.title }}", "{{ article.title.no.such }}", 1))
    result = runner.invoke(main, ["build", "--site", str(site)])
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.output
    assert re.fullmatch(r"error: \S*templates/article\.html:\d+: cannot render /2024/05/a\d/ and 4 more pages: article\.title has no attribute 'no'", errors[0]), errors
    # No article page was ever made: all five are left out, said for three and counted.
    warnings = [line for line in result.output.splitlines() if line.startswith("warning: ") and "left out" in line]
    assert len(warnings) == 4 and warnings[3] == "warning: ... and 2 more files: left out of the site (no listing, feed or sitemap names it) until its page can be made"
    assert "Built 0 articles" in result.output and ", 1 error, 5 warnings" in result.output


def test_the_summary_counts_warnings(make_site: MakeSite, runner: CliRunner) -> None:
    site = make_site(content={"a.md": article_md("A", date="2024-05-01T09:00:00")}, config=ADDRESS)  # no offset: a warning
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0 and "0 errors, 1 warning in " in result.output, result.output


def test_a_build_for_this_machine_says_so(make_site: MakeSite, runner: CliRunner) -> None:
    """Said after the summary, which did not count it, and not at all with --quiet, whose
    help says it prints warnings: a CI log of quiet builds deployed a site whose feeds and
    links named localhost, with not a word."""
    site = make_site(content={"a.md": article_md("A")})  # base_url: the default, localhost
    said = runner.invoke(main, ["build", "--site", str(site)])
    warning = "warning: base_url is http://localhost:8000/: feeds and links name this machine; set base_url in sitegen.toml to the site's address before publishing"
    lines = said.output.splitlines()
    assert said.exit_code == 0 and lines[0] == warning and lines[-1].startswith("Built 1 article ") and ", 0 errors, 1 warning in " in lines[-1], lines
    quiet = runner.invoke(main, ["build", "--site", str(site), "--quiet"])
    assert quiet.exit_code == 0 and quiet.output.splitlines() == [warning]
    assert "base_url" not in runner.invoke(main, ["build", "--site", str(site), "--base-url", "http://127.0.0.1:9000/"]).output  # asked for
    (site / "sitegen.toml").write_text('base_url = "https://example.org/"\n')
    launch = runner.invoke(main, ["build", "--site", str(site)]).output
    assert "name this machine" not in launch and "set aside, as this is the first build for https://example.org/" in launch  # the localhost history
    assert "base_url" not in runner.invoke(main, ["build", "--site", str(site)]).output


_COMMAND = re.compile(r"^::(?P<kind>warning|error) (?P<properties>[^:]*)::(?P<message>.*)$")


def _unescaped(text: str) -> str:
    return re.sub(r"%([0-9A-F]{2})", lambda m: chr(int(m[1], 16)), text)


def annotations(output: str) -> list[tuple[str, dict[str, str], str]]:
    """The workflow commands of a GitHub Actions log, read as the runner reads them: (kind,
    properties, message), every line of ``output`` one of them."""
    found = []
    for line in output.splitlines():
        command = _COMMAND.match(line)
        assert command, line
        properties = dict(_unescaped(p).split("=", 1) for p in command["properties"].split(","))
        found.append((command["kind"], properties, _unescaped(command["message"])))
    return found


def test_in_github_actions_messages_are_annotations_on_the_file_and_line(make_site: MakeSite, runner: CliRunner) -> None:
    """A CI log of GitHub Actions: each warning and error is a workflow command, shown in the
    log as the message, and on the file's line in the run's summary and a pull request's
    changes. The file is named from the checkout (GITHUB_WORKSPACE), where the site may be a
    folder of its own; a message about no file (a setting) is the run's."""
    bad = "---\ntitle: 'Unclosed\ndate: 2024-05-01T09:00:00+00:00\n---\nText.\n"
    site = make_site(content={"a.md": article_md("A"), "b,1%.md": bad, "c.md": article_md("C", body="![Gone](gone.jpg)")})
    env = {"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(site.parent)}
    result = runner.invoke(main, ["build", "--site", str(site), "-q"], env=env)
    assert result.exit_code == 1
    said = annotations(result.output)
    assert [kind for kind, _, _ in said] == ["warning", "warning", "error"], said
    image, address, error = said
    assert image[1] == {"file": f"{site.name}/content/c.md", "line": "6", "title": "sitegen"}
    assert image[2].startswith(f"{site / 'content' / 'c.md'}:6: image 'gone.jpg'"), image
    assert address[1] == {"title": "sitegen"} and address[2].startswith("base_url is http://localhost:8000/: ")
    assert error[1]["file"] == f"{site.name}/content/b,1%.md" and error[1]["line"].isdigit(), error
    assert error[2].startswith(f"{site / 'content' / 'b,1%.md'}:"), error
    # Outside a GitHub Actions job, as ever; and in one, a file outside the checkout is not named.
    plain = runner.invoke(main, ["build", "--site", str(site), "-q"])
    assert plain.output.splitlines()[0].startswith("warning: ") and "::" not in plain.output.splitlines()[0]
    elsewhere = runner.invoke(main, ["build", "--site", str(site), "-q"], env={**env, "GITHUB_WORKSPACE": str(site / "templates")})
    assert [properties for _, properties, _ in annotations(elsewhere.output)] == [{"title": "sitegen"}] * 3
    # A checkout reached through a link (a self-hosted runner's work folder): its files named all the same.
    (site.parent / "checkout").symlink_to(site.parent, target_is_directory=True)
    linked = runner.invoke(main, ["build", "--site", str(site), "-q"], env={**env, "GITHUB_WORKSPACE": str(site.parent / "checkout")})
    assert [properties.get("file") for _, properties, _ in annotations(linked.output)] == [f"{site.name}/content/c.md", None, f"{site.name}/content/b,1%.md"]


def test_base_url_given_as_the_sites_own_address_builds_for_readers(make_site: MakeSite, runner: CliRunner, tmp_path: Path) -> None:
    """A CI script handing the build its Pages address, as Hugo's workflows do: the address
    sitegen.toml has is no preview (which would record nothing in the ledger and ask search
    engines to leave every page out). Given while sitegen.toml keeps the local default, it
    makes every build a preview: said, wherever it is built."""
    from lxml import html as lxml_html

    site = make_site(content={"a.md": article_md("A")}, config='base_url = "https://example.org/news/"\n')
    for given in ("https://example.org/news", "https://example.org/news/"):
        result = runner.invoke(main, ["build", "--site", str(site), "--base-url", given])
        assert result.exit_code == 0 and "warning" not in result.output, result.output
        page = lxml_html.fromstring((site / "output" / "2024" / "05" / "a" / "index.html").read_bytes())
        assert page.xpath("//meta[@name='robots']/@content") == ["max-image-preview:large"]
        assert (site / "content" / ".sitegen-updated.json").is_file()  # the ledger, as a build for readers keeps it
    (site / "sitegen.toml").write_text("")
    result = runner.invoke(main, ["build", "--site", str(site), "--base-url", "https://example.org/news/", "--output", str(tmp_path / "elsewhere"), "-q"])
    assert result.exit_code == 0
    assert result.output.startswith("warning: sitegen.toml's base_url is http://localhost:8000/, so --base-url https://example.org/news/ makes this build a preview"), result.output


def test_a_preview_of_drafts_built_into_the_site_s_output_folder_says_a_deploy_would_publish_them(make_site: MakeSite, runner: CliRunner) -> None:
    """The folder a deploy publishes: a CI job or an editor deploying after `build --drafts`
    put the drafts out, with not a word. Into a folder of its own, a preview is as asked;
    with nothing to preview, there is nothing to say."""
    future = "---\ntitle: Later\ndate: 2999-01-01T10:00:00+00:00\n---\nSoon.\n"
    draft = "---\ntitle: Draft\ndate: 2024-05-02T10:00:00+00:00\ndraft: true\n---\nNot yet.\n"
    site = make_site(content={"a.md": article_md("A"), "d.md": draft, "f.md": future}, config=ADDRESS)
    said = runner.invoke(main, ["build", "--site", str(site), "--drafts", "--future", "-q"])
    assert said.exit_code == 0 and len(said.output.splitlines()) == 1, said.output
    assert said.output.startswith(f"warning: {site / 'output'}/ now shows 2 articles not published yet (--drafts and --future: a preview), and a deploy of it would publish them")
    assert "build without --drafts and --future before publishing" in said.output
    assert (site / "output" / "2999").is_dir() and len(list((site / "output" / "2024" / "05").iterdir())) == 2  # (built all the same: A and the draft)
    for _ in range(2):  # built, then replayed by a build with nothing to do
        summary = runner.invoke(main, ["build", "--site", str(site), "--future"]).output
        assert "now shows 1 article not published yet (--future: a preview), and a deploy of it would publish it;" in summary and ", 1 warning in " in summary, summary
    elsewhere = runner.invoke(main, ["build", "--site", str(site), "--drafts", "--output", str(site.parent / "preview")])
    assert elsewhere.exit_code == 0 and "now shows" not in elsewhere.output
    # The default spelt out is the folder a deploy publishes all the same.
    spelt_out = runner.invoke(main, ["build", "--site", str(site), "--drafts", "--output", str(site / "content" / ".." / "output")])
    assert spelt_out.exit_code == 0 and "now shows 1 article not published yet (--drafts: a preview)" in spelt_out.output, spelt_out.output
    assert "now shows" not in runner.invoke(main, ["build", "--site", str(site)]).output
    # Neither a draft nor an article dated in the future: none is counted, though the preview
    # is still one (test_a_preview_built_into_the_site_s_output_folder_says_a_deploy_would_unlist_the_site).
    (site / "content" / "d.md").unlink()
    (site / "content" / "f.md").unlink()
    for _ in range(2):
        plain = runner.invoke(main, ["build", "--site", str(site), "--drafts", "--future"])
        assert plain.exit_code == 0 and "now shows" not in plain.output and "(--drafts and --future) whose pages ask search engines" in plain.output, plain.output


def test_a_preview_built_into_the_site_s_output_folder_says_a_deploy_would_unlist_the_site(make_site: MakeSite, runner: CliRunner) -> None:
    """Every preview's pages say noindex (Config.noindex): built into the folder a deploy
    publishes (a CI job building with --base-url for the site's own address, a --drafts on
    a site with none), a deploy after it asked search engines to drop every page of the
    site, with not a word. Into a folder of its own, a preview is as asked."""
    site = make_site(content={"a.md": article_md("A")}, config=ADDRESS)
    for options in (["--base-url", "https://news.example.org/"], ["--drafts"], ["--relative"]):
        said = runner.invoke(main, ["build", "--site", str(site), "-q", *options])
        assert said.exit_code == 0 and len(said.output.splitlines()) == 1, said.output
        assert said.output.startswith(f"warning: {site / 'output'}/ now holds a preview ({options[0]}) whose pages ask search engines to leave them out (noindex)")
        assert f"a deploy of it would take the site out of their results; build without {options[0]} before publishing" in said.output
        robots = lxml_html.fromstring((site / "output" / "index.html").read_bytes()).xpath("//meta[@name='robots']/@content")
        assert robots == ["noindex"]
    elsewhere = runner.invoke(main, ["build", "--site", str(site), "-q", "--base-url", "https://news.example.org/", "--output", str(site.parent / "preview")])
    assert elsewhere.exit_code == 0 and elsewhere.output == "", elsewhere.output
    own = runner.invoke(main, ["build", "--site", str(site), "-q"])
    assert own.exit_code == 0 and own.output == "", own.output


@pytest.mark.parametrize("value", ["253402300800", "99999999999999999999", "abc", "-1", "1.5", "1e9", " 5", "\u0661\u0662"])
def test_a_malformed_source_date_epoch_stops_the_build(make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """A value out of range was a traceback; a malformed one was silently replaced by the
    clock, a build that cannot be reproduced (the spec asks for a non-zero exit)."""
    site = make_site(seeds={"001_0000000000000001.txt": seed_text("T", "B.")})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"Error: SOURCE_DATE_EPOCH={value!r}" in result.output and "from 0 to 253402300799" in result.output
    assert not (site / "content" / "001_0000000000000001.md").exists()


def test_the_last_source_date_epoch_must_hold_in_the_sites_timezone(make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(seeds={"001_0000000000000001.txt": seed_text("T", "B.")}, config='timezone = "Pacific/Kiritimati"\n')
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300799")
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "SOURCE_DATE_EPOCH='253402300799' is after the year 9999 in the site's timezone (Pacific/Kiritimati)" in result.output


def test_an_empty_source_date_epoch_is_unset(make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(seeds={"001_0000000000000001.txt": seed_text("T", "B.")})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    result = runner.invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output


def test_a_mistake_said_many_times_in_one_file_is_counted_as_that() -> None:
    """5,000 scripts in one page were "4,997 more files"."""
    from sitegen.errors import grouped

    said = grouped([f"output/page.html:{n}: unsafe markup: <script> element" for n in range(1, 5001)] + ["a.md:2: no title", "b.md:2: no title"])
    assert said[3:] == ["... and 4997 more, in 1 file: unsafe markup: <script> element", "a.md:2: no title", "b.md:2: no title"]
    spread = grouped([f"{name}.md:2: no title" for name in "abcdef"] + ["d.md:9: no title"])
    assert spread[3:] == ["... and 4 more, in 3 files: no title"]
    assert grouped([f"{name}.md:2: no title" for name in "abcde"])[3:] == ["... and 2 more files: no title"]


def test_one_warning_whose_dates_differ_from_file_to_file_is_counted_once(make_site: MakeSite, runner: CliRunner) -> None:
    """400 back-dated articles added to a live site gave 400 lines, with -q too: each says
    its own date, so none was counted as the same mistake. Their dates and numbers aside,
    they are: said for the first files, then counted."""
    from sitegen.errors import grouped

    site = make_site(content={"a.md": article_md("A", date="2025-12-30T09:00:00+00:00")})
    assert runner.invoke(main, ["build", "--site", str(site)]).exit_code == 0  # on 2026-01-01: a.md is out
    for n in range(1, 7):
        (site / "content" / f"old{n}.md").write_text(article_md(f"Old {n}", date=f"2025-11-{n:02d}T09:00:00+00:00"))
    result = runner.invoke(main, ["build", "--site", str(site), "-q"])
    assert result.exit_code == 0, result.output
    late = [line for line in result.output.splitlines() if "out for the first time" in line]
    assert len(late) == 4 and all(line.startswith("warning: ") for line in late), result.output
    assert "old1.md:3: out for the first time, but dated 2025-11-01T09:00:00+00:00, 60 days ago" in late[0]
    assert late[3].startswith("warning: ... and 3 more files: out for the first time, but dated …, … days ago: ")
    # One reason said alike in every file is counted as it is said.
    assert grouped([f"{name}.md:2: dated 2024-01-01, in 3 days" for name in "abcde"])[3:] == ["... and 2 more files: dated 2024-01-01, in 3 days"]
    # Numbers inside a name are no detail: two keys misspelt differently are two mistakes.
    assert grouped([f"{n}.md:2: unknown key 'tag{n % 2}'" for n in range(8)]) == [f"{n}.md:2: unknown key 'tag{n % 2}'" for n in range(6)] + [
        "... and 1 more file: unknown key 'tag0'",
        "... and 1 more file: unknown key 'tag1'",
    ]


def test_a_pinned_source_date_epoch_is_named_when_it_holds_articles_back(runner: CliRunner, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """A CI that sets SOURCE_DATE_EPOCH to the last commit's time publishes a scheduled
    article only after a commit past its time: the build said when it was due, as if the
    next run after that would put it out."""
    # Dated ahead of the clock too (which the next test's article is not).
    site = make_site(content={"a.md": article_md("Out"), "later.md": article_md("Later", date="2999-01-01T01:00:00+00:00")})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "32472144000")  # 2999-01-01T00:00:00Z
    held = runner.invoke(main, ["build", "--site", str(site)])
    assert held.exit_code == 0, held.output
    assert "Held back 1 article dated in the future; the next is due 2999-01-01T01:00:00+00:00" in held.stdout
    assert "The build's time is SOURCE_DATE_EPOCH's (2999-01-01T00:00:00+00:00), not the clock's: they go out with the first build whose SOURCE_DATE_EPOCH is past their time" in held.stdout
    assert "held back though" not in held.output
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "32472147600")  # 2999-01-01T01:00:00Z: due
    out = runner.invoke(main, ["build", "--site", str(site)])
    assert out.exit_code == 0 and "Held back" not in out.stdout and "SOURCE_DATE_EPOCH" not in out.output


def test_an_article_due_by_the_clock_but_held_back_by_source_date_epoch_is_a_warning(
    runner: CliRunner, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runs of a CI that pins SOURCE_DATE_EPOCH to the last commit's time, meant to put a
    scheduled article out after its time, held it back with -q saying nothing at all: a
    warning (counted, and said with -q) names its time and what to do."""
    site = make_site(
        content={"a.md": article_md("Out", date="1999-12-31T09:00:00+00:00"), "later.md": article_md("Later", date="2000-01-01T01:00:00+00:00")},
        config='base_url = "https://example.org/"\n',
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "946684800")  # 2000-01-01T00:00:00Z, the last commit's
    warning = (
        "warning: an article due 2000-01-01T01:00:00+00:00 is held back though that time is past by the clock: the build's time is"
        " SOURCE_DATE_EPOCH's (2000-01-01T00:00:00+00:00), and it goes out only with a build whose SOURCE_DATE_EPOCH is past"
        " its time; unset SOURCE_DATE_EPOCH, or set it to the time of the run, to put it out"
    )
    quiet = runner.invoke(main, ["build", "--site", str(site), "-q"])
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr.splitlines() == [warning]
    assert not (site / "output" / "2000" / "01" / "later").exists()
    said = runner.invoke(main, ["build", "--site", str(site)])  # nothing to do: the warning still said
    assert said.exit_code == 0 and said.stderr.splitlines() == [warning]
    assert ", 1 warning in " in said.stdout and "Held back 1 article" in said.stdout and "The build's time is" not in said.stdout
    monkeypatch.delenv("SOURCE_DATE_EPOCH")  # by the clock: out (and warned of as out late, as it is)
    out = runner.invoke(main, ["build", "--site", str(site), "-q"])
    assert out.exit_code == 0 and "held back" not in out.output and (site / "output" / "2000" / "01" / "later" / "index.html").is_file()


def test_the_command_a_build_gives_for_hugo_front_matter_converts_the_file_pasted_anywhere(
    runner: CliRunner, make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Hugo site of thousands of posts in TOML: each is an error the build counts past the
    first few, and the command it gives, pasted, converts the file (the site found from it)."""
    toml = '+++\ntitle = "Post {n}"\ndate = 2024-03-05T10:00:00+01:00\ntags = ["harbour"]\n+++\n\nText {n}.\n'
    site = make_site(content={f"p{n}.md": toml.format(n=n) for n in range(6)}, config=ADDRESS)
    monkeypatch.chdir(tmp_path)
    built = runner.invoke(main, ["build", "--site", "site"])
    assert built.exit_code == 1
    errors = [line for line in built.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 4
    assert errors[3] == (
        "error: ... and 3 more files: front matter between '+++' lines (TOML) is not read: run `sitegen convert …` to write it in YAML"
        " between '---' lines (`sitegen convert` alone converts every such file of the site)"
    )
    command = re.search(r"`(sitegen convert [^`]+)`", errors[0])
    assert command is not None and errors[0].startswith("error: site/content/p0.md:1: ")
    monkeypatch.chdir(site.parent.parent)  # anywhere: the path is the site's own
    converted = runner.invoke(main, shlex.split(command[1])[1:])
    assert converted.exit_code == 0, converted.output
    assert "Converted 1 file to YAML front matter (1 from TOML), 0 already YAML, 0 errors." in converted.output
    assert (site / "content" / "p0.md").read_text() == "---\ntitle: Post 0\ndate: '2024-03-05T10:00:00+01:00'\ntags:\n- harbour\n---\n\nText 0.\n"
    monkeypatch.chdir(site)
    rest = runner.invoke(main, ["convert"])
    assert rest.exit_code == 0, rest.output
    assert rest.output.endswith("Converted 5 files to YAML front matter (5 from TOML), 1 already YAML, 0 errors.\n")
    rebuilt = runner.invoke(main, ["build"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "Built 6 articles" in rebuilt.output


def test_convert_names_a_file_it_does_not_convert_and_exits_1(runner: CliRunner, make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("Fine"), "notes.txt": "Title: x\n"}, config=ADDRESS)
    (site / "notes.txt").write_text("Title: x\n")
    result = runner.invoke(main, ["convert", "--site", str(site), str(site / "notes.txt"), str(site / "content" / "notes.txt"), str(site / "content" / "a.md")])
    assert result.exit_code == 1
    assert f"error: {site / 'notes.txt'}: not in {site / 'content'}/, where the site's articles are" in result.output
    assert f"error: {site / 'content' / 'notes.txt'}: not an article: builds read the .md and .markdown files of {site / 'content'}/, and no other" in result.output
    assert "Converted 0 files to YAML front matter, 1 already YAML, 2 errors." in result.output


def test_after_convert_keys_a_jekyll_site_builds_without_a_warning_per_post_for_its_keys(runner: CliRunner, make_site: MakeSite) -> None:
    """Jekyll's front matter is YAML, which `sitegen convert` leaves alone: each post was a
    warning for every key of Jekyll's, for the writer to edit 5,000 files by hand."""
    post = (
        "---\nlayout: post\ntitle: Post {n}\ndate: 2024-03-0{n} 10:00:00 +0100\nlast_modified_at: 2024-03-0{n} 12:00:00 +0100\n"
        "excerpt: Summary {n}.\ncategories: [news]\ntags: [boats]\npermalink: /news/post-{n}/\n---\n\nText {n}.\n"
    )
    site = make_site(content={f"2024-03-0{n}-post-{n}.md": post.format(n=n) for n in range(1, 4)}, config=ADDRESS)
    before = runner.invoke(main, ["build", "--site", str(site)])
    assert before.exit_code == 0, before.output
    assert "; `sitegen convert --keys` does it for every file" in before.stderr
    converted = runner.invoke(main, ["convert", "--keys", "--site", str(site)])
    assert converted.exit_code == 0, converted.output
    assert "Converted 0 files to YAML front matter, 3 already YAML, keys renamed in 3 files, 0 errors." in converted.output
    after = runner.invoke(main, ["build", "--site", str(site)])
    assert after.exit_code == 0, after.output
    keys = [line for line in after.stderr.splitlines() if "front-matter key" in line]
    # layout, not sitegen's in meaning, is still said; none of the keys renamed.
    assert len(keys) == 3 and all("front-matter key 'layout'" in line for line in keys)
    assert (site / "output" / "news" / "post-2" / "index.html").is_file()
