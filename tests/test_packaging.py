from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from sitegen.build import build

ROOT = Path(__file__).parent.parent


def test_wheel_ships_the_default_theme(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    wheel = next(tmp_path.glob("sitegen-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    theme = {p.relative_to(ROOT / "templates").as_posix() for p in (ROOT / "templates").rglob("*") if p.is_file()}
    assert theme and {f"sitegen/theme/{name}" for name in theme} <= names
    assert "sitegen/cli.py" in names
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "sitegen = sitegen.__main__:main" in entry_points


def test_building_the_repositorys_own_site_leaves_its_tracked_files_as_they_are(tmp_path: Path) -> None:
    """A fresh clone's `make build` must leave git clean: the sample's ledger (and the Markdown
    imported from its seed) are committed in the form this version writes them."""
    site = tmp_path / "site"
    for name in ("content", "seeds", "templates"):
        shutil.copytree(ROOT / name, site / name)
    shutil.copy(ROOT / "sitegen.toml", site / "sitegen.toml")
    before = {p.relative_to(site): p.read_bytes() for p in (site / "content").rglob("*") if p.is_file()}
    report = build(site)
    assert report.ok and report.articles == len([p for p in before if p.suffix == ".md"]) >= 1
    after = {p.relative_to(site): p.read_bytes() for p in (site / "content").rglob("*") if p.is_file()}
    assert after == before
