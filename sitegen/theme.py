"""Where templates and static files come from: the site's ``templates/`` over the default theme."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from .cache import Inputs


def default_theme_dir() -> Path:
    """The default theme: ``sitegen/theme`` in an installed wheel, the repo's ``templates/`` in a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "theme"  # the wheel ships it as package data, beside this module
    return packaged if packaged.is_dir() else here.parent / "templates"


def theme_dirs(site_dir: Path) -> list[Path]:
    """Template folders, highest priority first (a site's own templates win)."""
    own = site_dir / "templates"
    default = default_theme_dir()
    dirs = [own] if own.is_dir() and own.resolve() != default.resolve() else []
    return dirs + [default]


class Theme:
    """Every file of the template folders, read once: a site's file beats the theme's of the same name."""

    def __init__(self, site_dir: Path, inputs: Inputs) -> None:
        self.files: dict[str, tuple[Path, bytes]] = {}
        for folder in theme_dirs(site_dir):
            for root, _, names in sorted(os.walk(folder)):
                for name in sorted(names):
                    path = Path(root) / name
                    rel = path.relative_to(folder).as_posix()
                    if rel not in self.files:
                        self.files[rel] = (path, inputs.read(path))
                    else:
                        inputs.read(path)  # shadowed, but adding or removing a file still counts

    def static_files(self) -> Iterator[tuple[str, bytes]]:
        """The ``static/`` files, by site path."""
        for rel in sorted(self.files):
            if rel.startswith("static/"):
                yield rel, self.files[rel][1]
