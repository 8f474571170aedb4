from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.cache import FileRecord
from sitegen.model import Article, Page
from sitegen.plan import FileOutput, LinkedOutput, Output, PageOutput, RootFile, _drop_collisions, _folders, _in_the_way

_START = dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)


@given(st.lists(st.sampled_from(["a", "b", "", "index.html", "2024", "é"]), max_size=6).map("/".join))
def test_the_folders_of_a_path_are_its_prefixes_before_each_slash(path: str) -> None:
    parts = path.split("/")[:-1]
    assert _folders(path) == ["/".join(parts[: i + 1]) for i in range(len(parts))]


_PATHS = st.lists(st.sampled_from(["a", "b", "index.html", "2024"]), min_size=1, max_size=4).map("/".join)


@given(_PATHS, st.sets(_PATHS, max_size=6), st.sets(_PATHS, max_size=6))
def test_what_is_in_a_paths_way_is_the_file_there_then_the_folder_there_then_its_first_folder_that_is_a_file(
    path: str, files: set[str], folders: set[str]
) -> None:
    in_the_way = path if path in files else path + "/" if path in folders else next((f for f in _folders(path) if f in files), None)
    assert _in_the_way(path, files, folders) == in_the_way
    assert _in_the_way(path, files, folders, _folders(path)) == in_the_way


_SEGMENTS = st.sampled_from(["a", "b", "index.html", "images", "pagefind", "robots.txt"])
_OUTPUT_PATHS = st.lists(_SEGMENTS, min_size=1, max_size=3).map("/".join)


def _output(kind: int, path: str, n: int) -> Output:
    """A file of each kind ``_drop_collisions`` tells apart: the site's own, a root file,
    an article's page, a file named by its hash."""
    if kind == 0:
        return FileOutput(path, b"")
    if kind == 1:
        return RootFile(path, b"", Path(f"templates/public/{path}"))
    if kind == 2:
        article = Article(source=f"content/{n}.md", id=f"id{n}", title="T", slug=f"s{n}", path=path, summary="", body=b"", published=_START, updated=_START)
        return PageOutput(path, Page("article.html", path, "T", {"article": article}))
    return LinkedOutput(path, FileRecord(f"content/{n}.pdf", "sha", 1))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), _OUTPUT_PATHS), max_size=8))
def test_the_files_kept_are_those_claimed_one_by_one_whether_or_not_any_collide(drawn: list[tuple[int, str]]) -> None:
    outputs = [_output(kind, path, n) for n, (kind, path) in enumerate(drawn)]
    kept, errors, collided = _drop_collisions(list(outputs))
    with patch("sitegen.plan._any_collide", return_value=True):  # every file claimed as the loop claims it
        plain_kept, plain_errors, plain_collided = _drop_collisions(list(outputs))
    assert [id(o) for o in kept] == [id(o) for o in plain_kept]
    assert [str(e) for e in errors] == [str(e) for e in plain_errors]
    assert [a.id for a in collided] == [a.id for a in plain_collided]
