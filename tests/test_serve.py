"""The development server, over real HTTP on 127.0.0.1: building, serving, watching, reloading."""

from __future__ import annotations

import datetime
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest
from click.testing import CliRunner
from conftest import MakeSite, article_md, seed_text
from lxml import html as lxml_html

from sitegen.build import BuildReport, build
from sitegen.cli import main
from sitegen.serve import (
    EVENTS_PATH,
    BuildStatus,
    PortInUseError,
    ServeError,
    ServeOptions,
    Server,
    Target,
    build_overrides,
    inject,
    local_url,
    resolve_target,
    serve,
    serving_notes,
    site_prefix,
)
from sitegen.theme import default_theme_dir

# Seconds a rebuild or an answer may take to show before the test fails: waits end as soon
# as it shows, so this costs nothing but on a hang. A rebuild takes a fraction of a second on
# an idle machine, and ten times that or more on a loaded one.
DEADLINE = 60.0


# http.client never uses a proxy; cleared anyway, for any library that would.
pytestmark = pytest.mark.usefixtures("no_proxy")


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: str


def get(url: str, path: str) -> Reply:
    """GET ``path`` exactly as given (no normalisation) from the server at ``url``."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=DEADLINE)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode("utf-8"))
    finally:
        connection.close()


def wait_for(check: Callable[[], bool], what: str, seconds: float = DEADLINE) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds} s: {what}")
        time.sleep(0.05)


Start = Callable[..., Server]


@pytest.fixture
def start() -> Iterator[Start]:
    """Starts a Server on a free port; every one is stopped after the test."""
    servers: list[Server] = []

    def run(site: Path, log: list[str] | None = None, **options: object) -> Server:
        server = Server(site, ServeOptions(**{"port": 0, **options}), log=(log.append if log is not None else lambda m: None))  # type: ignore[arg-type]
        servers.append(server)
        server.start()
        return server

    yield run
    for server in servers:
        server.stop()


class EventStream:
    """A client of the server's Server-Sent Events stream."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=DEADLINE)
        self.connection.request("GET", EVENTS_PATH)
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream"

    def next_event(self) -> tuple[str, str]:
        """(event name, data) of the next event; keep-alive comments skipped."""
        name, data = "message", ""
        while True:
            line = self.response.fp.readline().decode("utf-8").rstrip("\n")
            if line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: "):
                data = line[len("data: ") :]
            elif line == "" and data:
                return name, data

    def close(self) -> None:
        self.connection.close()


def canonical(page: str) -> str:
    link = lxml_html.fromstring(page).find(".//link[@rel='canonical']")
    assert link is not None
    return str(link.get("href"))


def test_home_page_is_served_with_the_reload_script_and_local_links(make_site: MakeSite, start: Start) -> None:
    site = make_site(content={"a.md": article_md("First story")}, config='base_url = "https://example.org/news/"\n')
    log: list[str] = []
    server = start(site, log)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", server.url)

    home = get(server.url, "/")
    assert home.status == 200
    assert home.headers["content-type"] == "text/html; charset=utf-8"
    assert "First story" in home.body
    assert "data-sitegen-reload" in home.body and EVENTS_PATH in home.body
    assert "sitegen-errors" not in home.body
    # Injected as served, never written.
    on_disk = (server.output_dir / "index.html").read_text(encoding="utf-8")
    assert "data-sitegen-reload" not in on_disk and "__sitegen" not in on_disk
    # Links use the server's address, not the configured base_url.
    assert canonical(home.body) == server.url
    assert "example.org" not in home.body
    assert f'<link href="{server.url}atom.xml"' in get(server.url, "/atom.xml").body
    assert "data-sitegen-reload" not in get(server.url, "/atom.xml").body
    # A folder serves its index.html; without the slash it is redirected first.
    archive = get(server.url, "/archive")
    assert (archive.status, archive.headers["location"]) == (301, "/archive/")
    assert get(server.url, "/archive/").status == 200
    # An unknown path gets the site's 404 page, with the script too.
    missing = get(server.url, "/no/such/page/")
    assert missing.status == 404
    assert "Page not found" in missing.body and "data-sitegen-reload" in missing.body
    assert any(line.startswith("Built in") for line in log)

    assert not (site / "output").exists()


def test_an_address_in_the_sites_own_script_is_served_as_a_browser_asks_for_it(make_site: MakeSite, start: Start) -> None:
    """slugs = "unicode": the page at 2024/05/الحكومة-تعلن/ is asked for percent-encoded, its
    folder without its slash is sent on to an address a Location header may hold, and the
    page's canonical link is the server's, encoded as every absolute URL of the site."""
    site = make_site(content={"a.md": article_md("الحكومة تعلن", slug="الحكومة-تعلن")}, config='language = "ar"\nslugs = "unicode"\n')
    server = start(site)
    encoded = "/2024/05/" + quote("الحكومة-تعلن") + "/"
    page = get(server.url, encoded)
    assert page.status == 200 and "الحكومة تعلن" in page.body
    assert canonical(page.body) == server.url.rstrip("/") + encoded
    folder = get(server.url, encoded.rstrip("/"))
    assert (folder.status, folder.headers["location"]) == (301, encoded)


def test_pages_link_to_the_address_other_devices_use_when_given(make_site: MakeSite, start: Start) -> None:
    site = make_site(content={"a.md": article_md("First story")})
    server = start(site, base_url="http://192.0.2.10:8000/")
    home = get(server.url, "/")
    assert home.status == 200 and canonical(home.body) == "http://192.0.2.10:8000/"
    assert '<link href="http://192.0.2.10:8000/atom.xml"' in get(server.url, "/atom.xml").body


def test_serve_says_where_pages_link_when_other_devices_may_look() -> None:
    url = "http://127.0.0.1:8000/"
    assert serving_notes(ServeOptions(bind="0.0.0.0"), url) == [
        f"Pages link to {url}, which only this machine reaches: give --base-url with its address on your network for other devices"
    ]
    assert serving_notes(ServeOptions(bind="0.0.0.0", base_url="http://192.0.2.10:8000/"), url) == ["Pages link to http://192.0.2.10:8000/"]
    assert serving_notes(ServeOptions(), url) == []
    # A name may reach this server another way (a tunnel, a proxy): taken at its word.
    assert serving_notes(ServeOptions(base_url="https://preview.example.org/"), url) == ["Pages link to https://preview.example.org/"]
    assert serving_notes(ServeOptions(base_url="http://localhost:8000/news/"), url + "news/") == ["Pages link to http://localhost:8000/news/"]


@pytest.mark.parametrize(
    ("options", "missed"),
    [
        (ServeOptions(base_url="https://127.0.0.1:8000/"), "https, which this server does not speak"),
        (ServeOptions(base_url="http://localhost/"), "port 80, where this server does not listen"),
        (ServeOptions(bind="192.0.2.10", base_url="http://127.0.0.1:8000/"), "127.0.0.1, where this server does not listen"),
    ],
)
def test_serve_warns_of_a_base_url_of_this_machine_it_does_not_listen_at(options: ServeOptions, missed: str) -> None:
    url = local_url(options.bind, 8000)
    assert serving_notes(options, url) == [
        f"warning: pages link to {options.base_url} ({missed}), but this server is at {url}: every link leaves the preview;"
        f" give --base-url {url}, or serve at the address pages link to"
    ]


def test_serve_on_a_free_port_warns_that_pages_link_to_another(make_site: MakeSite, tmp_path: Path) -> None:
    """``sitegen serve -p 0 --base-url http://127.0.0.1:8000/news`` served on a port of its
    choosing while every page linked to port 8000, without a word."""
    site = make_site(content={"a.md": article_md("First story")})
    run = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", "--site", str(site), "-p", "0", "--base-url", "http://127.0.0.1:8000/news"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        assert run.stdout is not None
        lines = [run.stdout.readline()]
        while lines[-1] and not lines[-1].startswith("Serving "):  # after the first build's line
            lines.append(run.stdout.readline())
        lines = [lines[-1], run.stdout.readline()]
    finally:
        os.killpg(run.pid, signal.SIGINT)
        run.communicate(timeout=60)
    served = re.fullmatch(r"Serving \S+ at (http://127\.0\.0\.1:(\d+)/news/) \(Ctrl-C to stop\)\n", lines[0])
    assert served is not None and served[2] != "8000", lines
    assert lines[1] == (
        f"warning: pages link to http://127.0.0.1:8000/news (port 8000, where this server does not listen), but this server is at"
        f" {served[1]}: every link leaves the preview; give --base-url {served[1]}, or serve at the address pages link to\n"
    )


def test_a_build_in_another_terminal_is_followed_with_its_reason_or_not_at_all(make_site: MakeSite) -> None:
    """`sitegen build` run in another terminal while `sitegen serve` ran: serve said
    "Rebuilt in 0.05 s: 1 written", with no reason the writer knew of. Of what such a build
    writes, serve watches only the ledger (its own builds, previews, record nothing), and
    its pages show what the ledger records (the feeds' id): the rebuild says it follows
    that. A build that records nothing new is no reason to rebuild, nor to say anything."""
    site = make_site(content={"a.md": article_md("A story")})
    server = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", "--site", str(site), "-p", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    lines: list[str] = []

    def read() -> None:
        assert server.stdout is not None
        for line in server.stdout:
            lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()

    def feed_id(atom: str) -> str:
        found = re.search(r"<id>([^<]*)</id>", atom)
        assert found is not None, atom
        return found[1]

    try:
        wait_for(lambda: any(line.startswith("Serving ") for line in lines), "serving", seconds=60)
        served = re.search(r"at (http://127\.0\.0\.1:\d+/) \(Ctrl-C to stop\)$", next(line for line in lines if line.startswith("Serving ")))
        assert served is not None, lines
        url = served[1]
        built = subprocess.run([sys.executable, "-m", "sitegen", "build", "--site", str(site)], capture_output=True, text=True, check=False)
        assert built.returncode == 0, built.stderr
        # The feeds' id is now the one the ledger records, as published.
        published = feed_id((site / "output" / "atom.xml").read_text(encoding="utf-8"))
        wait_for(lambda: feed_id(get(url, "/atom.xml").body) == published, "the served feed's id as recorded")
        wait_for(lambda: any(line.startswith("Rebuilt") for line in lines), "the rebuild logged")
        rebuilt = [line for line in lines if line.startswith("Rebuilt")]
        assert len(rebuilt) == 1 and rebuilt[0].startswith(
            "Rebuilt (content/.sitegen-updated.json changed: another build recorded what it published) in "
        ), lines
        said = len(lines)
        again = subprocess.run([sys.executable, "-m", "sitegen", "build", "--site", str(site)], capture_output=True, text=True, check=False)
        assert again.returncode == 0 and "(0 written, 0 removed)" in again.stdout, again.stdout
        time.sleep(2)  # what serve would do, it does within this: it watches every 0.2 s
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=60)
        reader.join(timeout=10)
    assert lines[said:] == ["Stopping."], lines


def test_an_edit_is_rebuilt_and_announced(make_site: MakeSite, start: Start) -> None:
    site = make_site(content={"a.md": article_md("Old headline")})
    log: list[str] = []
    server = start(site, log)
    events = EventStream(server.url)
    try:
        hello = events.next_event()
        assert hello == ("hello", server.status.build_id)

        (site / "content" / "a.md").write_text(article_md("New headline"), encoding="utf-8")
        wait_for(lambda: "New headline" in get(server.url, "/").body, "the edited title served")
        assert "Old headline" not in get(server.url, "/").body

        name, build_id = events.next_event()
        assert name == "reload" and build_id != hello[1]
    finally:
        events.close()
    assert not (site / "output").exists()
    # The log says which file the rebuild followed, as Hugo's does.
    rebuilt = [line for line in log if line.startswith("Rebuilt")]
    assert rebuilt and rebuilt[0].startswith("Rebuilt (content/a.md changed) in "), log


def test_a_file_saved_during_a_build_is_the_next_builds_reason(make_site: MakeSite, start: Start, monkeypatch: pytest.MonkeyPatch) -> None:
    """A save seen while a build ran was taken as that build's, though it had read the file
    before: the next build, which built the save, said "Rebuilt in 0.28 s: ..." with no file."""
    import sitegen.serve

    site = make_site(content={"a.md": article_md("A", slug="a"), "b.md": article_md("B", slug="b")})
    saved_during: list[Path] = []

    def slow(*args: object, **kwargs: object) -> BuildReport:
        report = build(*args, **kwargs)  # type: ignore[arg-type]
        while saved_during:  # saved once the build has read its sources, before it ends
            md = saved_during.pop()
            md.write_text(article_md("B saved during a build", slug="b"), encoding="utf-8")
            time.sleep(1.0)  # the watchers look every 0.2 s
        return report

    monkeypatch.setattr(sitegen.serve, "build", slow)
    log: list[str] = []
    server = start(site, log)
    saved_during.append(site / "content" / "b.md")
    (site / "content" / "a.md").write_text(article_md("A edited", slug="a"), encoding="utf-8")
    wait_for(lambda: "B saved during a build" in get(server.url, "/2024/05/b/").body, "the save made during a build served")
    wait_for(lambda: sum(line.startswith("Rebuilt") for line in log) == 2, "both rebuilds logged")
    rebuilt = [line for line in log if line.startswith("Rebuilt")]
    assert rebuilt[0].startswith("Rebuilt (content/a.md and content/b.md changed) in "), log
    assert rebuilt[1].startswith("Rebuilt (content/b.md changed) in "), log


def test_an_editors_temp_file_is_not_announced_as_a_change(make_site: MakeSite, start: Start) -> None:
    """``sed -i`` and many editors save by writing a temp file and renaming it over the old
    one: the log named it as a changed source ("content/a.md and content/sedvhiupv changed")."""
    site = make_site(content={"a.md": article_md("Old headline")})
    log: list[str] = []
    server = start(site, log)
    temp = site / "content" / "sedvhiupv"
    temp.write_text(article_md("New headline"), encoding="utf-8")
    os.replace(temp, site / "content" / "a.md")
    wait_for(lambda: "New headline" in get(server.url, "/").body, "the edited title served")
    wait_for(lambda: any(line.startswith("Rebuilt") for line in log), "the rebuild logged")
    rebuilt = [line for line in log if line.startswith("Rebuilt")]
    assert all("sedvhiupv" not in line for line in rebuilt), log
    assert rebuilt[0].startswith("Rebuilt (content/a.md changed) in "), log


def test_a_deleted_file_is_said_to_be_removed_not_changed(make_site: MakeSite, start: Start) -> None:
    """The log said "Rebuilt (content/b.md changed)" of an article the writer had deleted."""
    site = make_site(content={"a.md": article_md("A", slug="a"), "b.md": article_md("B", slug="b"), "c.md": article_md("C", slug="c")})
    log: list[str] = []
    server = start(site, log)
    (site / "content" / "b.md").unlink()
    wait_for(lambda: get(server.url, "/2024/05/b/").status == 404, "the deleted article gone")
    wait_for(lambda: any(line.startswith("Rebuilt") for line in log), "the rebuild logged")
    assert next(line for line in log if line.startswith("Rebuilt")).startswith("Rebuilt (content/b.md removed) in "), log
    # Moved: the new name is a change, the old one gone.
    os.rename(site / "content" / "c.md", site / "content" / "c2.md")
    wait_for(lambda: any(line.startswith("Rebuilt") and "c2.md" in line for line in log), "the move logged")
    assert any(line.startswith("Rebuilt (content/c2.md changed, content/c.md removed) in ") for line in log), log
    assert get(server.url, "/2024/05/c/").status == 200


def test_an_article_a_build_imports_is_not_taken_for_the_writers_change(make_site: MakeSite, start: Start, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A seed saved while serving is imported into content/, and the watchers saw that write:
    the log said "Rebuilt (content/<seed>.md and seeds/<seed>.txt changed)", and a second
    build ran for it, finding nothing to do. The writer's own edit of that article later
    is a change as any other."""
    import sitegen.serve

    builds: list[int] = []

    def counted(*args: object, **kwargs: object) -> BuildReport:
        report = build(*args, **kwargs)  # type: ignore[arg-type]
        builds.append(len(report.written.written))
        return report

    monkeypatch.setattr(sitegen.serve, "build", counted)
    site = make_site(content={"a.md": article_md("A story")})
    log: list[str] = []
    server = start(site, log)
    # Moved in whole: one change, seen at once (one written in place may be seen in two).
    (tmp_path / "seed.txt").write_text(seed_text("Harbour wall repaired", "Work ends on the harbour wall."), encoding="utf-8")
    os.replace(tmp_path / "seed.txt", site / "seeds" / "001_0123456789abcdef.txt")
    wait_for(lambda: "Harbour wall repaired" in get(server.url, "/").body, "the seed's article served")
    wait_for(lambda: any(line.startswith("Rebuilt") for line in log), "the rebuild logged")
    article = site / "content" / "001_0123456789abcdef.md"
    written = article.read_bytes()
    # Saved again as it is, or touched: still what the build wrote, no change.
    article.write_bytes(written)
    os.utime(article)
    time.sleep(2)  # the watchers look every 0.2 s: a build due would have run within this
    assert len(builds) == 2, builds
    assert [line for line in log if line.startswith("Rebuilt")] == [next(line for line in log if line.startswith("Rebuilt"))], log
    assert next(line for line in log if line.startswith("Rebuilt")).startswith("Rebuilt (seeds/001_0123456789abcdef.txt changed) in "), log

    article.write_bytes(written.replace(b"Work ends on the harbour wall.", b"Work on the harbour wall ends today."))
    wait_for(lambda: "Work on the harbour wall ends today." in get(server.url, "/2026/01/harbour-wall-repaired/").body, "the edit served")
    wait_for(lambda: len([line for line in log if line.startswith("Rebuilt")]) == 2, "the edit's rebuild logged")
    assert [line for line in log if line.startswith("Rebuilt")][1].startswith("Rebuilt (content/001_0123456789abcdef.md changed) in "), log


def test_a_save_whose_only_outcome_is_a_warning_says_it(make_site: MakeSite, start: Start) -> None:
    """A seed edited after its article was is not imported again, with a warning saying how
    to take it, and a template saved under a name the theme lacks is named in one; the
    builds wrote nothing, so the server said nothing at all, and the writer waited for an
    edit that never came."""
    site = make_site(seeds={"001_0123456789abcdef.txt": seed_text("Harbour wall repaired", "Work ends on the harbour wall.")})
    log: list[str] = []
    server = start(site, log)
    article = site / "content" / "001_0123456789abcdef.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Work ends", "Work ended"), encoding="utf-8")
    wait_for(lambda: "Work ended" in get(server.url, "/").body, "the hand edit served")
    wait_for(lambda: sum(line.startswith("Rebuilt") for line in log) == 1, "the hand edit's rebuild logged")
    status = server.status
    (site / "seeds" / "001_0123456789abcdef.txt").write_text(seed_text("Harbour wall repaired", "Work resumes."), encoding="utf-8")
    wait_for(lambda: any(line.startswith("warning: ") and "edited by hand and its seed 001_0123456789abcdef.txt changed" in line for line in log), "the kept article's warning")
    wait_for(lambda: sum(line.startswith("Rebuilt (seeds/001_0123456789abcdef.txt changed)") for line in log) == 1, "the seed's rebuild logged")
    assert "Work ended" in get(server.url, "/").body
    assert server.status == status  # no page changed: none reloads

    (site / "templates").mkdir()
    (site / "templates" / "artcle.html").write_text("{% extends 'base.html' %}", encoding="utf-8")
    wait_for(lambda: any(line.startswith("warning: ") and "templates/artcle.html: not used" in line for line in log), "the stray template's warning")
    assert server.status == status


def test_warnings_name_files_as_build_prints_them(make_site: MakeSite, start: Start, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative to the working folder, as `sitegen build` prints them, not absolute."""
    site = make_site(content={"a.md": article_md("A", titel="'Typo'")})
    monkeypatch.chdir(tmp_path)
    log: list[str] = []
    start(site.resolve(), log)
    warnings = [line for line in log if line.startswith("warning:")]
    assert warnings == [f"warning: {Path('site') / 'content' / 'a.md'}:4: unknown front-matter key 'titel', ignored (did you mean 'title'?)"], log


def test_the_build_line_counts_warnings_as_sitegen_build_does(make_site: MakeSite, start: Start) -> None:
    """It said "0 errors." under the warnings it had just printed, where `sitegen build`
    says "0 errors, 2 warnings"; a build with none says nothing of them."""
    site = make_site(content={"a.md": article_md("A", titel="'Typo'"), "b.md": article_md("B", date="2024-05-02T09:00:00+00:00", athor="'Jo'")})
    log: list[str] = []
    start(site, log)
    built = [line for line in log if line.startswith("Built in")]
    assert len(built) == 1 and built[0].endswith(" removed, 0 errors, 2 warnings."), log
    assert len([line for line in log if line.startswith("warning:")]) == 2, log
    # Put right, and retitled: a rebuild that writes nothing is not logged.
    (site / "content" / "b.md").write_text(article_md("B2", date="2024-05-02T09:00:00+00:00"))
    wait_for(lambda: any(line.startswith("Rebuilt") for line in log), "the rebuild logged")
    assert next(line for line in log if line.startswith("Rebuilt")).endswith(" removed, 0 errors, 1 warning."), log
    (site / "content" / "a.md").write_text(article_md("A2"))
    wait_for(lambda: len([line for line in log if line.startswith("Rebuilt")]) == 2, "the second rebuild logged")
    assert [line for line in log if line.startswith("Rebuilt")][1].endswith(" removed, 0 errors."), log


def test_a_template_error_shows_an_overlay_over_the_last_good_pages(make_site: MakeSite, start: Start) -> None:
    site = make_site(content={"a.md": article_md("Still here")})
    log: list[str] = []
    server = start(site, log)
    first = get(server.url, "/")
    assert "Still here" in first.body

    (site / "templates").mkdir()
    (site / "templates" / "base.html").write_text("<html><body>{% block content %}<p>never closed</body></html>\n", encoding="utf-8")

    wait_for(lambda: "sitegen-errors" in get(server.url, "/").body, "the error overlay")
    page = get(server.url, "/")
    overlay = lxml_html.fromstring(page.body).find(".//div[@id='sitegen-errors']")
    assert overlay is not None
    assert "base.html" in lxml_html.tostring(overlay, encoding="unicode", method="text")
    assert "position:fixed" in str(overlay.get("style"))
    assert "Still here" in page.body and "never closed" not in page.body  # the last good page
    assert any("base.html" in line and line.startswith("error:") for line in log)

    # Put right: the overlay goes.
    (site / "templates" / "base.html").write_bytes((default_theme_dir() / "base.html").read_bytes())
    wait_for(lambda: "sitegen-errors" not in get(server.url, "/").body, "the overlay gone")
    assert "Still here" in get(server.url, "/").body
    assert not (site / "output").exists()


def test_an_article_that_cannot_be_read_is_left_out_until_put_right(make_site: MakeSite, start: Start) -> None:
    """Unlike a page whose template fails, which keeps its last good version: what the
    README and `serve --help` say."""
    site = make_site(content={"a.md": article_md("Alpha story"), "b.md": article_md("Beta story")})
    server = start(site)
    assert get(server.url, "/2024/05/a/").status == 200

    (site / "content" / "a.md").write_text('---\ntitle: "Alpha story\ndate: 2024-05-01T09:00:00+00:00\n---\n\nText.\n', encoding="utf-8")
    # The error is announced just after the build has written (and removed) its files.
    wait_for(lambda: "sitegen-errors" in get(server.url, "/2024/05/a/").body, "the error shown")
    page = get(server.url, "/2024/05/a/")
    assert page.status == 404
    overlay = lxml_html.fromstring(page.body).find(".//div[@id='sitegen-errors']")
    assert overlay is not None and "a.md:2" in lxml_html.tostring(overlay, encoding="unicode", method="text")
    home = get(server.url, "/").body
    assert "Alpha story" not in home and "Beta story" in home

    (site / "content" / "a.md").write_text(article_md("Alpha story"), encoding="utf-8")
    wait_for(lambda: get(server.url, "/2024/05/a/").status == 200, "the article back")

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    said = " ".join(readme.split("**The everyday loop is `sitegen serve`.**", 1)[1].split("\n\n", 1)[0].split())
    assert "an article that cannot be read (its front matter broken, say) is left out until it is fixed" in said
    assert "last good pages stay served" not in said
    helped = " ".join(CliRunner().invoke(main, ["serve", "--help"]).output.split())
    assert "an article that cannot be read is left out until it is fixed" in helped and "last good pages stay served" not in helped


def test_a_file_whose_name_is_not_utf8_does_not_stop_the_server(make_site: MakeSite, start: Start) -> None:
    """watchfiles stops at a change to a name that is not UTF-8 (a file unzipped from an old
    archive): the server stopped with it, though the build only leaves such a file out
    (with an error, for a content file: its article is off the site)."""
    site = make_site(content={"a.md": article_md("Old headline")})
    log: list[str] = []
    server = start(site, log)
    bad = os.path.join(os.fsencode(site / "content"), b"caf\xe9.md")
    with open(bad, "w", encoding="utf-8") as file:
        file.write(article_md("Unread"))
    wait_for(lambda: any("not valid UTF-8" in line for line in log), "the name said")
    (site / "content" / "a.md").write_text(article_md("New headline"), encoding="utf-8")
    wait_for(lambda: "New headline" in get(server.url, "/").body, "the edit served")
    said = [line for line in log if "not valid UTF-8" in line]
    assert said and all(line.startswith(("warning: ", "error: ")) and "caf" in line and "rename it" in line for line in said), log
    wait_for(lambda: len(server.status.errors) == 1, "the build's error kept")  # the report comes a moment after the pages
    [error] = server.status.errors
    assert "caf" in error and error.endswith("rename it: its articles are off the site until then"), error


def test_a_broken_config_at_start_is_shown_until_put_right(make_site: MakeSite, start: Start) -> None:
    site = make_site(content={"a.md": article_md("Fixed at last")}, config="page_size = 0\n")
    server = start(site)
    page = get(server.url, "/")
    assert page.status == 404  # nothing built yet, but an HTML page: the overlay says why
    assert "sitegen.toml:1: page_size" in page.body and "data-sitegen-reload" in page.body

    # Saved as editors do: a new file renamed over the old one.
    (site / "sitegen.toml.new").write_text("page_size = 5\n", encoding="utf-8")
    (site / "sitegen.toml.new").replace(site / "sitegen.toml")
    # The pages are out a moment before the build's report is: the overlay goes with it.
    wait_for(lambda: get(server.url, "/").status == 200 and "sitegen-errors" not in get(server.url, "/").body, "the site built, the error gone")
    assert "Fixed at last" in get(server.url, "/").body


def test_overlay_escapes_error_text() -> None:
    page = inject(b"<html><body><p>x</p></body></html>", BuildStatus("id-1", ("content/a.md:3: bad <script>alert(1)</script>",)))
    assert b"<script>alert(1)" not in page
    assert b"bad &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.index(b"sitegen-errors") < page.index(b"</body>")
    assert b'const seen = "id-1"' in page


def _folder_with_ways_out(tmp_path: Path) -> Path:
    """A folder to serve beside a secret, with links out of it to the secret and its folder."""
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (root / "leakdir").symlink_to(tmp_path)
    return root


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%2fsecret.txt",
        "/a/../../secret.txt",
        "/%5c..%5csecret.txt",
        "/\\..\\secret.txt",
        "/%2e%2e%5csecret.txt",
        "/leak.txt",
        "/leakdir/secret.txt",
        "/%00",
        "/%ff",
        "/" + "a" * 300,  # a name too long for the file system (it raised OSError)
        "/a/" + "b/" * 3000,
    ],
)
def test_nothing_outside_the_folder_is_resolved(tmp_path: Path, path: str) -> None:
    root = _folder_with_ways_out(tmp_path)
    assert resolve_target(root, path) == Target()


def test_an_old_address_the_site_redirects_gets_its_301_as_on_the_host(make_site: MakeSite) -> None:
    """An old address of a feed (a Hugo site's index.xml, a moved tag's feed) has no
    redirect page, only its line in _redirects, which the hosts answer with a 301: the
    preview answered 404, and a subscriber trying it saw the feed gone."""
    site = make_site(
        content={"a.md": article_md("A", tags="[Economy]")},
        config='base_url = "http://127.0.0.1:8000/news/"\nfeed_aliases = ["index.xml"]\n',
    )
    assert build(site).ok
    out = site / "output"
    assert not (out / "index.xml").exists()
    assert resolve_target(out, "/news/index.xml", "/news/") == Target(redirect="/news/atom.xml")
    assert resolve_target(out, "/news/tags/economy/index.xml?x=1", "/news/") == Target(redirect="/news/tags/economy/atom.xml")
    assert resolve_target(out, "/news/atom.xml", "/news/") == Target(file=(out / "atom.xml").resolve())  # the live file first
    assert resolve_target(out, "/news/nothing.xml", "/news/") == Target()
    # A line no sitegen wrote (the output folder edited by hand) sends nobody off the site.
    (out / "_redirects").write_text("/news/x.xml https://elsewhere.example/ 301\n/news/y.xml //elsewhere.example/ 301\n")
    assert resolve_target(out, "/news/x.xml", "/news/") == resolve_target(out, "/news/y.xml", "/news/") == Target()


def test_paths_inside_the_folder_resolve(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "a b").mkdir(parents=True)
    (root / "a b" / "index.html").write_text("x", encoding="utf-8")
    (root / "style.css").write_text("x", encoding="utf-8")
    (root / "alias.css").symlink_to(root / "style.css")  # a link that stays inside is followed
    real = root.resolve()
    assert resolve_target(root, "/a%20b/?q=1") == Target(file=real / "a b" / "index.html")
    assert resolve_target(root, "/a%20b") == Target(redirect="/a%20b/")
    assert resolve_target(root, "//a%20b") == Target(redirect="/a%20b/")  # never to another host
    assert resolve_target(root, "/style.css") == Target(file=real / "style.css")
    assert resolve_target(root, "/alias.css") == Target(file=real / "style.css")
    assert resolve_target(root, "/") == Target()  # no index.html


def test_a_redirect_keeps_the_query(tmp_path: Path) -> None:
    """/search?q=floods, typed or linked without the slash, went to /search/ with no words
    to search for: the query was dropped with the redirect."""
    root = tmp_path / "root"
    (root / "search").mkdir(parents=True)
    (root / "search" / "index.html").write_text("x", encoding="utf-8")
    assert resolve_target(root, "/search?q=floods") == Target(redirect="/search/?q=floods")
    assert resolve_target(root, "/search?q=caf%C3%A9+road&x=1#top") == Target(redirect="/search/?q=caf%C3%A9+road&x=1")
    assert resolve_target(root, "/search?q=a\x01b\xe9") == Target(redirect="/search/?q=a%01b%C3%A9")  # nothing raw reaches the header
    assert resolve_target(root, "/news/search?q=floods", "/news/") == Target(redirect="/news/search/?q=floods")
    assert resolve_target(root, "/?q=floods", "/news/") == Target(redirect="/news/?q=floods", status=302)
    assert resolve_target(root, "/search?") == Target(redirect="/search/")


def test_a_file_asked_for_as_a_folder_is_not_found(tmp_path: Path) -> None:
    """/atom.xml/ and /about.html/ were served as the files: a link written so worked under
    sitegen serve and was a 404 once deployed, as every host answers it."""
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    (root / "a" / "index.html").write_text("x", encoding="utf-8")
    (root / "atom.xml").write_text("x", encoding="utf-8")
    real = root.resolve()
    for path in ("/atom.xml/", "/atom.xml//", "/a/index.html/", "/atom.xml/?q=1"):
        assert resolve_target(root, path) == Target(), path
    assert resolve_target(root, "/news/atom.xml/", "/news/") == Target()
    assert resolve_target(root, "/atom.xml") == Target(file=real / "atom.xml")
    assert resolve_target(root, "/a/index.html") == resolve_target(root, "/a/") == Target(file=real / "a" / "index.html")


def test_requests_leaving_the_folder_get_404(make_site: MakeSite, start: Start, tmp_path: Path) -> None:
    site = make_site(content={"a.md": article_md("A")}, config='# PRIVATE-MARKER-51\ntitle = "Site"\n')
    server = start(site)
    (tmp_path / "secret.txt").write_text("TOP-SECRET-7F3A", encoding="utf-8")
    (server.output_dir / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (server.output_dir / "leakdir").symlink_to(site)
    for path in ("/../", "/%2e%2e/", "/%2E%2E%2Fsitegen.toml", "/..%5csitegen.toml", "/leak.txt", "/leakdir/sitegen.toml", "/leakdir/"):
        reply = get(server.url, path)
        assert reply.status == 404, path
        assert "TOP-SECRET" not in reply.body and "PRIVATE-MARKER" not in reply.body, path
        assert "Page not found" in reply.body, path


def test_the_files_a_build_writes_for_hosts_are_not_served(make_site: MakeSite, start: Start) -> None:
    """_headers, _redirects, the nginx map, .nojekyll and the manifest (the list of every
    file written, drafts' pages with --drafts) were served as pages of the site, which no
    host does: hosts read them, and the README's recipes leave them out."""
    site = make_site(content={"a.md": article_md("A", slug="a", aliases="[old/]")}, config='base_url = "https://example.org/news/"\n')
    for server in (start(site), start_at(start, site, "/news/")[0]):
        prefix = urlsplit(server.url).path
        for name in ("_headers", "_redirects", "redirects.nginx.map", ".nojekyll", ".sitegen-manifest.json"):
            assert (server.output_dir / name).is_file(), name
            for path in (prefix + name, prefix + name.upper(), prefix + "/" + name):
                reply = get(server.url, path)
                assert (reply.status, "Page not found" in reply.body) == (404, True), path
        assert get(server.url, prefix + "2024/05/a/").status == 200
        assert get(server.url, prefix + "old/").status == 200  # the moved article's redirect page


def test_files_are_sent_with_their_own_content_type(make_site: MakeSite, start: Start) -> None:
    """A static file such as data.csv.gz was sent as text/csv, with no Content-Encoding: a
    browser showed the gzip bytes as text (and app.js.br was run as a script)."""
    site = make_site(content={"a.md": article_md("A")})
    server = start(site)
    folder = server.output_dir / "static"
    for name in ("data.csv.gz", "app.js.br", "dump.tar.gz", "logs.txt.xz", "raw.gz", "A.JSON.GZ"):
        (folder / name).write_bytes(b"compressed bytes")
    expected = {
        "/atom.xml": "application/xml; charset=utf-8",
        "/feed.json": "application/json",
        "/static/feed.xsl": "text/xsl",
        "/static/data.csv.gz": "application/gzip",
        "/static/raw.gz": "application/gzip",
        "/static/A.JSON.GZ": "application/gzip",
        "/static/dump.tar.gz": "application/gzip",
        "/static/logs.txt.xz": "application/x-xz",
        "/static/app.js.br": "application/octet-stream",
    }
    for path, content_type in expected.items():
        reply = get(server.url, path)
        assert (reply.status, reply.headers["content-type"]) == (200, content_type), path
        assert "content-encoding" not in reply.headers, path


def test_the_files_a_site_publishes_have_their_type_on_any_machine(make_site: MakeSite, start: Start, monkeypatch: pytest.MonkeyPatch) -> None:
    """Types came from the machine's table where the server fixes none: Python's own, all
    a machine without /etc/mime.types has, knows no .webp, .m4a, .ogg, .m4v or .woff2, sent
    as application/octet-stream (a linked recording downloaded instead of played)."""
    import mimetypes

    from sitegen.cache import IMAGE_SUFFIXES, LINKED_SUFFIXES

    site = make_site(content={"a.md": article_md("A")})
    server = start(site)
    monkeypatch.setattr(mimetypes, "guess_type", mimetypes.MimeTypes().guess_type)  # Python's table alone
    folder = server.output_dir / "files"
    folder.mkdir()
    for suffix in {*IMAGE_SUFFIXES, *LINKED_SUFFIXES, ".woff2"}:
        (folder / f"x{suffix}").write_bytes(b"bytes")
        reply = get(server.url, f"/files/x{suffix}")
        assert reply.status == 200 and reply.headers["content-type"] != "application/octet-stream", suffix
    expected = {".webp": "image/webp", ".M4A": "audio/mp4", ".ogg": "audio/ogg", ".m4v": "video/mp4", ".vtt": "text/vtt; charset=utf-8", ".woff2": "font/woff2"}
    for suffix, content_type in expected.items():
        assert get(server.url, f"/files/x{suffix}").headers["content-type"] == content_type, suffix


def test_head_is_answered_as_get_without_the_body(make_site: MakeSite, start: Start) -> None:
    """HEAD of the event stream got the 404 page while GET got the stream."""
    site = make_site(content={"a.md": article_md("A", slug="a")})
    server = start(site)
    parts = urlsplit(server.url)
    for path in ("/", "/2024/05/a/", "/atom.xml", "/archive", "/no/such/page", EVENTS_PATH):
        answers = []
        for method in ("HEAD", "GET"):
            connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=DEADLINE)
            try:
                connection.request(method, path)
                response = connection.getresponse()
                headers = {k.lower(): v for k, v in response.getheaders() if k.lower() != "date"}
                answers.append((response.status, headers))
                if method == "HEAD":
                    assert response.read() == b"", path
            finally:
                connection.close()
        assert answers[0] == answers[1], path


def get_bytes(url: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=DEADLINE)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_a_clip_is_served_in_byte_ranges(make_site: MakeSite, start: Start) -> None:
    """An article's clip was sent whole whatever the Range header asked: Safari (a phone
    looking at the preview) plays no video or audio so served, and Chromium cannot seek in it."""
    site = make_site(content={"a.md": article_md("A", slug="a", body='<video controls src="clip.mp4"></video>')})
    clip = bytes(range(256)) * 40
    (site / "content" / "clip.mp4").write_bytes(clip)
    server = start(site)
    page = lxml_html.fromstring(get(server.url, "/2024/05/a/").body)
    path = urlsplit(urljoin(server.url + "2024/05/a/", page.xpath("//video/@src")[0])).path
    status, headers, body = get_bytes(server.url, path, {})
    assert (status, headers["accept-ranges"], headers["content-type"], body) == (200, "bytes", "video/mp4", clip)
    size = len(clip)
    for asked, (start_, stop) in {"bytes=0-9": (0, 10), "bytes=100-": (100, size), "bytes=-50": (size - 50, size), "bytes=10-99999999": (10, size), "bytes=-99999999": (0, size)}.items():
        status, headers, body = get_bytes(server.url, path, {"Range": asked})
        assert (status, headers["content-range"], headers["content-length"], body) == (206, f"bytes {start_}-{stop - 1}/{size}", str(stop - start_), clip[start_:stop]), asked
    for asked in (f"bytes={size}-", "bytes=-0"):
        status, headers, body = get_bytes(server.url, path, {"Range": asked})
        assert (status, headers["content-range"], body) == (416, f"bytes */{size}", b""), asked
    # Ranges it does not take are answered with the whole file, as RFC 9110 allows.
    for asked in ("bytes=0-1,5-6", "bytes=9-5", "items=0-1", "bytes=x-"):
        status, headers, body = get_bytes(server.url, path, {"Range": asked})
        assert (status, body) == (200, clip), asked
    status, headers, body = get_bytes(server.url, path, {"Range": "bytes=0-9", "If-Range": '"elsewhere"'})
    assert (status, body) == (200, clip)
    # A page is sent whole, with its reload script.
    status, headers, body = get_bytes(server.url, "/2024/05/a/", {"Range": "bytes=0-9"})
    assert status == 200 and b"data-sitegen-reload" in body and "accept-ranges" not in headers


def get_as(url: str, path: str, host: str) -> Reply:
    """GET ``path`` from the server at ``url`` with the Host header ``host``, as a browser
    sends it for a page of that name (which DNS rebinding points at 127.0.0.1)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=DEADLINE)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode("utf-8"))
    finally:
        connection.close()


def test_a_page_of_another_site_cannot_read_the_served_one(make_site: MakeSite, start: Start) -> None:
    """A page of evil.example whose name its owner points at 127.0.0.1 once loaded (DNS
    rebinding) asks for the site with ``Host: evil.example``: the drafts were its to read."""
    site = make_site(content={"a.md": article_md("Embargoed story", draft="true")})
    server = start(site, drafts=True, base_url="http://laptop.lan:8000/")
    port = urlsplit(server.url).port
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example", "localhost.evil.example", "[::1"):
        for path in ("/", "/2024/05/a/", EVENTS_PATH):
            reply = get_as(server.url, path, host)
            assert reply.status == 403 and "Embargoed" not in reply.body, (host, path)
    # This machine's own names and addresses, and the one pages link to, are answered.
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "app.localhost", f"[::1]:{port}", "192.168.1.20:8000", "LAPTOP.lan:8000"):
        reply = get_as(server.url, "/2024/05/a/", host)
        assert reply.status == 200 and "Embargoed story" in reply.body, host


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_at(start: Start, site: Path, path: str, log: list[str] | None = None) -> tuple[Server, str]:
    """A server for pages that link to http://127.0.0.1:PORT``path``, its own port: one free
    when looked at, or another if something took it before the server bound it (a test
    running beside this one, under make test's workers). (server, base URL)"""
    for _ in range(5):
        base = f"http://127.0.0.1:{free_port()}{path}"
        try:
            return start(site, log, port=urlsplit(base).port, base_url=base), base
        except PortInUseError:
            continue
    pytest.fail("no free port in 5 tries")


def test_a_base_url_with_a_path_is_served_at_that_path(make_site: MakeSite, start: Start, tmp_path: Path) -> None:
    """sitegen serve -p PORT --base-url http://127.0.0.1:PORT/news/: pages link to /news/...,
    so the site is served there (it was served at /, and every link was a 404), with the
    same safety: nothing outside its folder, however the path is written."""
    site = make_site(content={"a.md": article_md("First story", date="2024-03-01T10:00:00+00:00")}, config='# PRIVATE-MARKER-51\ntitle = "Site"\n')
    log: list[str] = []
    server, base = start_at(start, site, "/news/", log)
    assert server.url == base and server.prefix == "/news/"
    assert serving_notes(server.options, server.url) == []
    home = get(base, "/news/")
    assert home.status == 200 and canonical(home.body) == base and "First story" in home.body
    assert "data-sitegen-reload" in home.body
    # The article page, as the home page links to it, and the stylesheet it links to.
    links = lxml_html.fromstring(home.body).xpath("//a[contains(., 'First story')]/@href")
    assert links and links[0] == "/news/2024/03/a/", links
    article = get(base, links[0])
    assert article.status == 200 and lxml_html.fromstring(article.body).xpath("string(//h1)").strip() == "First story"
    sheets = lxml_html.fromstring(article.body).xpath("//link[@rel='stylesheet']/@href")
    assert sheets and all(href.startswith("/news/") for href in sheets), sheets
    for href in sheets:
        sheet = get(base, href)
        assert (sheet.status, sheet.headers["content-type"]) == (200, "text/css; charset=utf-8"), href
    assert get(base, "/news/atom.xml").status == 200
    # The site's own path is where / and /news go; a folder without its slash, as before.
    for path in ("/", "/news"):
        reply = get(base, path)
        assert (reply.status, reply.headers["location"]) == (302, "/news/"), path
    archive = get(base, "/news/archive")
    assert (archive.status, archive.headers["location"]) == (301, "/news/archive/")
    # Unknown under /news/: the site's 404 page; outside it: a 404 saying where the site is.
    missing = get(base, "/news/no/such/page/")
    assert missing.status == 404 and "Page not found" in missing.body and "data-sitegen-reload" in missing.body
    for path in ("/archive/", "/2024/03/a/", "/static/", "/newsroom/"):
        elsewhere = get(base, path)
        assert elsewhere.status == 404 and '<a href="/news/">/news/</a>' in elsewhere.body, path
    # No way out of the folder under the prefix either.
    (tmp_path / "secret.txt").write_text("TOP-SECRET-7F3A", encoding="utf-8")
    (server.output_dir / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (server.output_dir / "leakdir").symlink_to(site)
    for path in (
        "/news/../",
        "/news/../news/../sitegen.toml",
        "/news/%2e%2e/sitegen.toml",
        "/news/%2E%2E%2F%2E%2E%2Fsitegen.toml",
        "/news/..%5csitegen.toml",
        "/news/%5c..%5c..%5csitegen.toml",
        "/news/leak.txt",
        "/news/leakdir/sitegen.toml",
        "/news/leakdir/",
        "/news//../sitegen.toml",
    ):
        reply = get(base, path)
        assert reply.status == 404, path
        assert "TOP-SECRET" not in reply.body and "PRIVATE-MARKER" not in reply.body, path


def test_the_not_found_page_of_a_relative_site_works_at_any_depth(make_site: MakeSite, start: Start) -> None:
    """With relative = true in sitegen.toml (output/ made to open from disk), the served
    not-found page linked its stylesheet and navigation relative to the top of the site: at
    /news/2024/03/gone/ they led to /news/2024/03/gone/static/..., nowhere."""
    site = make_site(content={"a.md": article_md("First story", date="2024-03-01T10:00:00+00:00")}, config='title = "Site"\nrelative = true\n')
    _, base = start_at(start, site, "/news/")
    port = urlsplit(base).port
    for path in ("/news/no-such-page/", "/news/2024/03/gone/", "/news/a/b/c/d.html"):
        missing = get(base, path)
        assert missing.status == 404 and "Page not found" in missing.body, path
        doc = lxml_html.fromstring(missing.body)
        links = doc.xpath("//link[@rel='stylesheet' or @rel='icon']/@href | //header//a/@href | //main//a/@href")
        assert len(links) > 5, links
        for href in links:
            target = urlsplit(urljoin(base + path.removeprefix("/news/"), href))
            if target.netloc == f"127.0.0.1:{port}":
                assert get(base, target.path).status == 200, (path, href)
    # Pages the site has are served as any host serves them too.
    home = get(base, "/news/")
    article = lxml_html.fromstring(home.body).xpath("//a[contains(., 'First story')]/@href")
    assert article == ["/news/2024/03/a/"] and get(base, article[0]).status == 200


def test_the_path_a_site_is_served_at() -> None:
    assert site_prefix("http://127.0.0.1:8000/") == site_prefix("http://127.0.0.1:8000") == "/"
    assert site_prefix("http://127.0.0.1:8000/news") == site_prefix("http://127.0.0.1:8000/news/") == "/news/"
    assert site_prefix("http://192.0.2.10:8000/a/b/") == "/a/b/"
    assert site_prefix("http://127.0.0.1:8000/café/") == site_prefix("http://127.0.0.1:8000/caf%C3%A9/") == "/caf%C3%A9/"
    for refused in ("http://127.0.0.1:8000/../", "http://127.0.0.1:8000/%2e%2e/", "http://127.0.0.1:8000/a%5cb/", "http://127.0.0.1:8000/%ff/"):
        with pytest.raises(ServeError, match="no request could reach a site at the path of"):
            site_prefix(refused)


@pytest.mark.parametrize("path", ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/a/../../secret.txt", "/%5c..%5csecret.txt", "/leak.txt", "/leakdir/secret.txt", "/%00"])
def test_nothing_outside_the_folder_is_resolved_under_a_path(tmp_path: Path, path: str) -> None:
    root = _folder_with_ways_out(tmp_path)
    assert resolve_target(root, "/news" + path, "/news/") == Target()
    assert resolve_target(root, path, "/news/").file is None


def test_paths_under_the_sites_path_resolve(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "a b").mkdir(parents=True)
    (root / "a b" / "index.html").write_text("x", encoding="utf-8")
    (root / "index.html").write_text("x", encoding="utf-8")
    real = root.resolve()
    assert resolve_target(root, "/news/a%20b/?q=1", "/news/") == Target(file=real / "a b" / "index.html")
    assert resolve_target(root, "/news/", "/news/") == Target(file=real / "index.html")
    assert resolve_target(root, "/news/a%20b", "/news/") == Target(redirect="/news/a%20b/")
    assert resolve_target(root, "/", "/news/") == resolve_target(root, "/news", "/news/") == Target(redirect="/news/", status=302)
    assert resolve_target(root, "/a%20b/", "/news/") == resolve_target(root, "//news/", "/news/") == Target(outside=True)
    assert resolve_target(root, "/caf%C3%A9/a%20b/", "/caf%C3%A9/") == resolve_target(root, "/café/a b/", "/caf%C3%A9/") == Target(file=real / "a b" / "index.html")


def test_a_port_in_use_is_a_clear_error(make_site: MakeSite, start: Start) -> None:
    site = make_site(content={"a.md": article_md("A")})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUseError, match=rf"^port {port} is in use: try --port 0"):
            start(site, port=port)
    assert not (site / "output").exists()
    assert not (site / ".sitegen-cache").exists()  # nothing was built


def test_stop_frees_the_port_and_ends_the_threads(make_site: MakeSite, start: Start) -> None:
    site = make_site(content={"a.md": article_md("A")})
    server = start(site)
    events = EventStream(server.url)  # an open stream must not hold stop() up
    events.next_event()
    port = urlsplit(server.url).port
    folder = server.output_dir
    server.stop()
    events.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("sitegen-serve-")]
    assert not folder.exists()
    with pytest.raises(OSError):
        get(server.url, "/")

    again = start(site, port=port)
    assert again.url == server.url
    assert get(again.url, "/").status == 200
    again.stop()
    with socket.socket() as plain:
        plain.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        plain.bind(("127.0.0.1", port))
    assert not (site / "output").exists()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_sitegen_serve_runs_until_ctrl_c_or_terminated(make_site: MakeSite, tmp_path: Path, stop: signal.Signals) -> None:
    """Stopped by Ctrl-C, by SIGTERM (docker stop, systemd) or by SIGHUP (its terminal
    closed): exit 0, and its temporary copy of the site is gone. A closed terminal left the
    copy behind, drafts and all."""
    site = make_site(content={"a.md": article_md("A")})
    temp = tmp_path / "temp"
    temp.mkdir()
    command = [sys.executable, "-m", "sitegen", "serve", "--site", str(site), "--port", "0"]
    # Started as from a terminal: tests run under nohup (as CI scripts may run them) would
    # hand it SIGHUP ignored, which it keeps ignored (the test below).
    previous = signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:
        process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(temp)})
    finally:
        signal.signal(signal.SIGHUP, previous)
    try:
        assert process.stderr is not None
        lines = [process.stderr.readline() for _ in range(2)]  # "Built in ...", then:
        serving = re.search(r"^Serving .* at (http://127\.0\.0\.1:\d+/) \(Ctrl-C to stop\)$", lines[-1])
        assert serving, lines
        assert get(serving.group(1), "/").status == 200
        assert list(temp.iterdir())  # the build it serves
        process.send_signal(stop)
        assert process.wait(timeout=DEADLINE) == 0
        assert "Stopping." in process.stderr.read()
    finally:
        process.kill()
        process.wait()
    with pytest.raises(OSError):
        get(serving.group(1), "/")
    assert list(temp.iterdir()) == []


def test_sitegen_serve_under_nohup_outlives_its_terminal(make_site: MakeSite, tmp_path: Path) -> None:
    """`nohup sitegen serve &` asks for a server that a closed terminal does not stop."""
    site = make_site(content={"a.md": article_md("A")})
    command = [sys.executable, "-m", "sitegen", "serve", "--site", str(site), "--port", "0"]
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as nohup does: inherited
    try:
        process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    finally:
        signal.signal(signal.SIGHUP, previous)
    try:
        assert process.stderr is not None
        serving = re.search(r"at (http://127\.0\.0\.1:\d+/) ", [process.stderr.readline() for _ in range(2)][-1])
        assert serving
        process.send_signal(signal.SIGHUP)
        time.sleep(1)
        assert process.poll() is None and get(serving.group(1), "/").status == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=DEADLINE) == 0
    finally:
        process.kill()
        process.wait()


def test_overrides_and_addresses() -> None:
    url = "http://127.0.0.1:8000/"
    served = {"base_url": url, "compress": False, "relative": False}
    assert build_overrides(ServeOptions(), url) == served
    assert build_overrides(ServeOptions(future=True), url) == {**served, "future": True}
    assert build_overrides(ServeOptions(drafts=True), url) == {**served, "drafts": True}
    assert local_url("127.0.0.1", 8000) == url
    assert local_url("0.0.0.0", 80) == "http://127.0.0.1:80/"
    assert local_url("::", 8000) == "http://[::1]:8000/"


CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None, reason="no Chromium and chromedriver (make test installs them where apt can)")
def test_an_open_page_reloads_by_itself_after_an_edit(make_site: MakeSite, start: Start) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    site = make_site(content={"a.md": article_md("A", slug="a", body="First version.")})
    server = start(site)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-proxy-server"):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        browser.get(server.url + "2024/05/a/")
        assert "First version." in browser.find_element("tag name", "article").text
        browser.execute_script("window.sitegenTestMark = 'before the edit'")
        md = site / "content" / "a.md"
        md.write_text(md.read_text().replace("First version.", "Second version."))

        def reloaded() -> bool:
            # A new page: the mark set in the old one is gone, and it shows the edit.
            return browser.execute_script("return window.sitegenTestMark === undefined") and "Second version." in browser.find_element("tag name", "article").text

        wait_for(reloaded, "the open page reloads itself and shows the edit")
    finally:
        browser.quit()


@pytest.mark.slow(15)
def test_many_tabs_of_the_site_load_and_one_shown_again_shows_the_edit(make_site: MakeSite, start: Start) -> None:
    """Every open page held an event stream, one of the six connections Chromium gives a
    host: the seventh tab of the site never loaded. A page out of sight gives its stream up,
    and shown again reloads if a build came meanwhile."""
    from browser import browser, require

    require("Chromium and chromedriver", CHROMIUM is not None and CHROMEDRIVER is not None)
    site = make_site(content={"a.md": article_md("A", slug="a", body="First version.")})
    server = start(site)
    with browser() as driver:
        driver.set_page_load_timeout(15)
        driver.get(server.url + "2024/05/a/")
        first = driver.current_window_handle
        driver.execute_script("window.sitegenTestMark = 'before the edit'")
        for path in ("", "tags/", "archive/", "subscribe/", "2024/", "2024/05/", "no/such/page/", ""):
            driver.switch_to.new_window("tab")
            driver.get(server.url + path)  # raised TimeoutException from the seventh on
            assert driver.find_element("tag name", "h1").text
        md = site / "content" / "a.md"
        md.write_text(md.read_text().replace("First version.", "Second version."))
        wait_for(lambda: "Second version." in get(server.url, "/2024/05/a/").body, "the edit is built")
        driver.switch_to.window(first)

        def reloaded() -> bool:
            return driver.execute_script("return window.sitegenTestMark === undefined") and "Second version." in driver.find_element("tag name", "article").text

        wait_for(reloaded, "the first tab, shown again, reloads and shows the edit")


def test_serve_shows_drafts_and_future_articles_when_asked(make_site: MakeSite, start: Start) -> None:
    content = {
        "a.md": article_md("A", slug="a"),
        "d.md": article_md("Draft", slug="draft", draft="true"),
        "f.md": article_md("Later", slug="later", date="2027-01-01T09:00:00+00:00"),
    }
    site = make_site(content=content)
    plain = start(site)
    assert get(plain.url, "/2024/05/draft/").status == 404 and get(plain.url, "/2027/01/later/").status == 404
    preview = start(site, drafts=True, future=True)
    assert get(preview.url, "/2024/05/draft/").status == 200 and get(preview.url, "/2027/01/later/").status == 200
    # A preview records nothing: no ledger, no output folder of the site's.
    assert not (site / "content" / ".sitegen-updated.json").exists()
    assert not (site / "output").exists()


def test_serve_says_what_it_leaves_out(make_site: MakeSite, start: Start) -> None:
    """An article saved dated ahead (or as a draft) changed no page, and the terminal said
    nothing: the writer looked for it in vain. Said as `sitegen build` says it, when it changes."""
    site = make_site(content={"a.md": article_md("A", slug="a"), "d.md": article_md("Draft", slug="draft", draft="true")})
    log: list[str] = []
    server = start(site, log)
    assert "Skipped 1 draft (sitegen serve --drafts shows them)." in log
    assert not any(line.startswith("Held back") for line in log)
    (site / "content" / "f.md").write_text(article_md("Later", slug="later", date="2099-01-01T09:00:00+00:00"), encoding="utf-8")
    held = "Held back 1 article dated in the future; the next is due 2099-01-01T09:00:00+00:00 (sitegen serve --future shows them now)."
    wait_for(lambda: held in log, "the article dated ahead said to be held back")
    assert get(server.url, "/2099/01/later/").status == 404
    # Said once, not with every build after it.
    (site / "content" / "a.md").write_text(article_md("A again", slug="a"), encoding="utf-8")
    wait_for(lambda: "A again" in get(server.url, "/").body, "the edit served")
    wait_for(lambda: sum(line.startswith("Rebuilt") for line in log) >= 1, "the rebuild logged")
    assert log.count(held) == 1 and log.count("Skipped 1 draft (sitegen serve --drafts shows them).") == 1, log
    # A preview that shows them says nothing of them.
    shown: list[str] = []
    start(site, shown, drafts=True, future=True)
    assert not any(line.startswith(("Skipped", "Held back")) for line in shown), shown


def test_serve_puts_out_a_held_back_article_when_its_time_comes(make_site: MakeSite, start: Start, monkeypatch: pytest.MonkeyPatch) -> None:
    """The terminal said when the next article held back was due, and at that time nothing
    happened: its page stayed missing, and no listing named it, until some file was saved."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    # Due a few seconds on: once the server has built the site, holding it back. Where that
    # first build ends after its time (on a loaded machine), again with more time to come.
    for ahead in (3, 15, 60):
        due = datetime.datetime.now(datetime.UTC).replace(microsecond=0) + datetime.timedelta(seconds=ahead)
        site = make_site(content={"a.md": article_md("A", slug="a"), "soon.md": article_md("Soon", slug="soon", date=due.isoformat())}, name=f"site-{ahead}")
        log: list[str] = []
        server = start(site, log)
        if datetime.datetime.now(datetime.UTC) < due:
            break
    else:
        pytest.fail("the server never built the site before the article's time")
    path = f"/{due:%Y}/{due:%m}/soon/"
    assert f"Held back 1 article dated in the future; the next is due {due.isoformat()} (sitegen serve --future shows them now)." in log, log
    assert get(server.url, path).status == 404 or datetime.datetime.now(datetime.UTC) >= due  # not served before its time
    wait_for(lambda: get(server.url, path).status == 200, "the article served once its time came, with no file saved")
    titles = lxml_html.fromstring(get(server.url, "/").body).xpath("//main//h2/a/text()")
    assert "Soon" in titles
    # Said once the build that put it out has published its files: a moment after they are served.
    wait_for(lambda: any(line.startswith(f"Rebuilt (an article dated {due.isoformat()} is due)") for line in log), "the rebuild said why")


def test_serve_refuses_a_base_url_that_is_no_address(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A")})
    result = CliRunner().invoke(main, ["serve", "--site", str(site), "--port", "0", "--base-url", "notaurl"])
    assert result.exit_code == 2 and "Invalid value for --base-url: must be an absolute http(s) URL" in result.output
    # A path no request could reach: the site would be served nowhere.
    result = CliRunner().invoke(main, ["serve", "--site", str(site), "--port", "0", "--base-url", "http://127.0.0.1:8000/%2e%2e/"])
    assert result.exit_code == 2 and "Invalid value for --base-url: no request could reach a site at the path of" in result.output


def test_serve_holds_untrusted_markdown_to_the_time_limit_and_stops_at_once(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build's time limit on Markdown is a signal, which only the main thread receives:
    `sitegen serve` rebuilds there, so a file of thousands of brackets saved while it runs
    is refused as `sitegen build` refuses it, not converted for minutes."""
    from sitegen import content

    monkeypatch.setattr(content, "MARKDOWN_SECONDS", 0.5)
    site = make_site(content={"a.md": article_md("A")})
    said: list[str] = []

    def edit_then_stop() -> None:
        deadline = time.monotonic() + 60
        while not any(m.startswith("Serving") for m in said) and time.monotonic() < deadline:
            time.sleep(0.05)
        (site / "content" / "b.md").write_text(article_md("B", body="[" * 20_000))
        while not any("took over" in m for m in said) and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGTERM)  # as `docker stop` would: serve() stops

    helper = threading.Thread(target=edit_then_stop)
    helper.start()
    started = time.monotonic()
    serve(site, ServeOptions(port=0), log=said.append)
    helper.join()
    assert any("b.md" in m and "its Markdown took over 0.5 s to convert" in m for m in said), said
    assert time.monotonic() - started < 45


def test_the_site_copy_of_a_killed_server_is_removed_by_the_next_one(make_site: MakeSite, start: Start, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server builds the site into a temporary folder, removed when it stops: one killed
    (SIGKILL, a closed container) left its whole copy of the site there for good, one more
    with every session. The next server removes those whose process is gone, and no other."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    gone = subprocess.Popen(["true"])  # a process that has ended
    gone.wait()
    killed = tmp_path / "tmp" / f"sitegen-serve-{gone.pid}-abc123"
    (killed / "2024").mkdir(parents=True)
    (killed / "index.html").write_text("<p>the last session's site</p>")
    running = tmp_path / "tmp" / f"sitegen-serve-{os.getppid()}-def456"  # a server still running
    running.mkdir()
    other = tmp_path / "tmp" / f"sitegen-serve-{gone.pid}"  # not a server's name: kept
    other.mkdir()
    server = start(make_site(content={"a.md": article_md("A")}))
    assert server.output_dir.parent == tmp_path / "tmp" and server.output_dir.name.startswith(f"sitegen-serve-{os.getpid()}-")
    assert not killed.exists() and running.is_dir() and other.is_dir()
    assert get(server.url, "/").status == 200
    server.stop()
    assert not server.output_dir.exists()
