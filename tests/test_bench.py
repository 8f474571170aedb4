"""The benchmark's corpus and peer sites: deterministic, and a fair copy of what sitegen builds."""

from __future__ import annotations

import sys
from pathlib import Path

import frontmatter
import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
import corpus
import floor
import peers
import run

from sitegen.build import build


def test_corpus_is_deterministic(tmp_path: Path) -> None:
    corpus.write_seeds(corpus.corpus(25), tmp_path / "a")
    corpus.write_seeds(corpus.corpus(25), tmp_path / "b")
    a = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    assert a == {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    assert len(a) == 25 and all(name.endswith(".txt") for name in a)


# On one worker, with the site built once for them.
pytestmark = pytest.mark.xdist_group("bench")


@pytest.fixture(scope="module")
def bench_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("bench") / "site"
    corpus.write_seeds(corpus.corpus(60), site / "seeds")
    (site / "sitegen.toml").write_text(run.SITEGEN_CONFIG, encoding="utf-8")
    report = build(site)
    assert report.ok, report.errors
    return site


def test_corpus_imports_with_its_dates_and_tags(bench_site: Path) -> None:
    posts = [frontmatter.load(str(p)) for p in sorted((bench_site / "content").glob("*.md"))]
    assert len(posts) == 60
    dates = [str(p["date"]) for p in posts]
    assert len(set(dates)) == 60 and dates == sorted(dates)  # spread out, in file order
    assert all(1 <= len(p["tags"]) <= 3 for p in posts)
    assert all("READ MORE" not in p.content and "newsletters" not in p.content for p in posts)
    assert len([p for p in (bench_site / "output" / "tags").iterdir() if p.is_dir()]) > 10


@pytest.mark.parametrize("name", sorted(peers.PEERS))
def test_peer_sites_hold_the_same_articles(bench_site: Path, tmp_path: Path, name: str) -> None:
    posts = [frontmatter.load(str(p)) for p in sorted((bench_site / "content").glob("*.md"))]
    tool = peers.PEERS[name](tmp_path / "bin")
    files = tool.write_site(tmp_path, posts)
    assert len(files) == 60 and all(f.is_file() for f in files)
    for post, path in zip(posts, files, strict=True):
        text = path.read_text(encoding="utf-8")
        assert post["title"] in text and post["slug"] in text
        assert post.content.strip() in text  # the very same Markdown body


def test_change_one_appends_to_the_body(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: x\ndate: 2024-01-01\n---\n\nBody.\n")
    run.change_one(path, 0)
    run.change_one(path, 1)
    assert frontmatter.load(str(path)).content.endswith("round 0.\n\nAn editor added this sentence in round 1.")


def test_table_shows_ratios_to_hugo() -> None:
    results = []
    for tool, factor in (("hugo", 1.0), ("sitegen", 0.5)):
        result = run.Result(tool, 100, {step: [run.Run(2.0 * factor, int(100 * 2**20 * factor), 3)] for step in (*run.STEPS, run.MEMORY)})
        results.append(result)
    text = run.table(results)
    sitegen_row = next(line for line in text.splitlines() if line.startswith("| sitegen"))
    assert "1.00 (0.50x)" in sitegen_row and "50 MiB (0.50x)" in sitegen_row


def test_library_floor_times_the_libraries_on_what_sitegen_gives_them(bench_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain paragraphs and plain keys are read by sitegen itself: only the others count."""
    content = bench_site / "content"
    (content / "zz.md").write_text("---\ntitle: 'Odd: yes'\ndate: 2024-01-01T00:00:00Z\nn: 3\n---\n\nSome *emphasis*.\n", encoding="utf-8")
    converted: list[str] = []
    convert = floor.markdown.Markdown.convert

    def noted(self: floor.markdown.Markdown, text: str) -> str:
        converted.append(text)
        return convert(self, text)

    monkeypatch.setattr(floor.markdown.Markdown, "convert", noted)
    try:
        found = floor.library_floor(content)
    finally:
        (content / "zz.md").unlink()
    assert converted == ["\nSome *emphasis*.\n"]
    # The importer's front matter is plain keys, which sitegen reads without PyYAML: only
    # the hand-written one with a key of no known name goes to it.
    assert (found.articles, found.parsed, found.loaded) == (61, 1, 1)
    assert found.markdown > 0 and found.front_matter > 0


def test_floor_line_compares_the_libraries_with_hugos_clean_build(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run.os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    hugo = run.Result("hugo", 10000, {step: [run.Run(5.0, 0, 0)] for step in (*run.STEPS, run.MEMORY)})
    text = run.floor_lines({10000: floor.Floor(10000, 1500, 9000, 5.0, 1.0), 1000: floor.Floor(1000, 0, 0, 0.5, 0.1)}, [hugo])
    # 6 s over 2 cores, against Hugo's 5 s; no line for a size Hugo did not run at.
    assert "Python-Markdown converted 1,500 of the 10,000 texts in 5.00 s" in text and "PyYAML read 9,000 front matters in 1.00 s" in text
    assert "3.00 s, 0.60x Hugo's clean build" in text and "1,000" not in text.replace("10,000", "")


def test_scaling_line_compares_the_largest_corpus_with_ten_thousand() -> None:
    def result(size: int, seconds: float, peak: int) -> run.Result:
        return run.Result("sitegen", size, {step: [run.Run(seconds, peak, 0)] for step in (*run.STEPS, run.MEMORY)})

    text = run.scaling([result(1000, 0.5, 2**20), result(10000, 2.0, 100 * 2**20), result(50000, 10.0, 400 * 2**20)])
    assert "From 10,000 to 50,000 articles (5x as many)" in text
    assert "clean build 5.00x" in text and "100 -> 400 MiB" in text


def test_tools_take_turns_step_by_step(tmp_path: Path) -> None:
    log: list[tuple[str, str]] = []

    class Fake(run.Contender):
        def reset(self, step: str) -> None:
            log.append((self.name, f"reset {step}"))

        def run(self, memory: bool = False) -> run.Run:
            self.output.mkdir(parents=True, exist_ok=True)
            (self.output / "index.html").write_text(str(len(log)))
            log.append((self.name, "memory" if memory else "build"))
            return run.Run(1.0 if self.name == "hugo" else 0.5, 2**20)

    contenders = []
    for name in ("hugo", "sitegen"):
        fake = Fake(name, tmp_path / name, [], tmp_path / name / "output")
        fake.target = tmp_path / f"{name}.md"
        fake.target.write_text("---\ntitle: x\n---\n\nBody.\n")
        contenders.append(fake)
    results = run.bench_size(contenders, 10, repeat=2)
    assert [r.tool for r in results] == ["hugo", "sitegen"]
    assert all(len(r.runs[step]) == 2 for r in results for step in run.STEPS)
    builds = [name for name, what in log if what == "build"]
    assert builds == ["hugo", "sitegen"] * 8  # 4 steps x 2 rounds, one tool after the other
    assert all(r.written("one") == 1 for r in results)
    assert "0.50 (0.50x)" in run.table(results)
    assert (tmp_path / "sitegen.md").read_text().endswith("round 1.\n")


def test_rebuilds_run_more_often_than_clean_builds_and_each_change_is_new(tmp_path: Path) -> None:
    log: list[str] = []

    class Fake(run.Contender):
        def reset(self, step: str) -> None:
            log.append(f"reset {step}")

        def run(self, memory: bool = False) -> run.Run:
            self.output.mkdir(parents=True, exist_ok=True)
            (self.output / "index.html").write_text(str(len(log)))
            log.append("build")
            return run.Run(float(len(log)), 2**20)

    fake = Fake("sitegen", tmp_path / "site", [], tmp_path / "site" / "output")
    fake.target = tmp_path / "a.md"
    fake.target.write_text("---\ntitle: x\n---\n\nBody.\n")
    (result,) = run.bench_size([fake], 10, repeat=1, rebuilds=3)
    assert [len(result.runs[step]) for step in run.STEPS] == [1, 1, 3, 3]
    # Three changes, each a sentence of its own: none is a rebuild with nothing to do.
    assert [line for line in fake.target.read_text().splitlines() if line.startswith("An editor")] == [
        f"An editor added this sentence in round {n}." for n in range(3)
    ]
    assert "median of 1, of 3 for the rebuilds" in run.table([result])


def test_the_moved_site_redirects_every_article_from_its_old_address(tmp_path: Path) -> None:
    """sitegen-moved is the lean site plus one old address per article: the same live files,
    and a redirect page and a `_redirects` rule for each article (what redirects cost)."""
    seeds = tmp_path / "seeds"
    corpus.write_seeds(corpus.corpus(12), seeds)
    sitegen = str(Path(sys.executable).parent / "sitegen")
    lean = run.SitegenContender(tmp_path, 12, seeds, sitegen, run.LEAN, run.VARIANTS[run.LEAN])
    moved = run.MovedContender(tmp_path, 12, seeds, sitegen)
    for contender in (lean, moved):
        contender.import_content(tmp_path / f"content-{contender.name}")
        contender.reset("clean")
        contender.run()
    config = (moved.site / "sitegen.toml").read_text(encoding="utf-8")
    assert config == (lean.site / "sitegen.toml").read_text(encoding="utf-8") and "permalink" not in config

    def files(output: Path) -> set[str]:
        return {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}

    live, all_moved = files(lean.output), files(moved.output)
    extra = all_moved - live
    articles = sorted(p for p in live if p.count("/") == 3 and p.endswith("/index.html") and p[:4].isdigit())
    assert len(articles) == 12 and live - {".sitegen-manifest.json"} <= all_moved
    assert len(extra) == 12 and all(p.count("/") == 4 and p.endswith("/index.html") for p in extra)
    for page in sorted(extra):
        html = (moved.output / page).read_text(encoding="utf-8")
        year, month, _day, slug = page.split("/")[:4]
        assert f'rel="canonical" href="https://example.org/{year}/{month}/{slug}/"' in html and "noindex" in html
    rules = [line.split() for line in (moved.output / "_redirects").read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert sorted(rule[0] for rule in rules) == sorted("/" + p.removesuffix("index.html") for p in extra)
    assert all(rule[2] == "301" for rule in rules)
    # The old addresses are the ledger's: they stay through every clean build after, and go
    # with the content a first build from seeds starts without.
    moved.reset("clean")
    moved.run()
    assert files(moved.output) == all_moved
    moved.reset("first")
    moved.run()
    assert files(moved.output) - {".sitegen-manifest.json"} == live - {".sitegen-manifest.json"}
    # The next round's clean build moves them again.
    moved.reset("clean")
    moved.run()
    assert files(moved.output) == all_moved
