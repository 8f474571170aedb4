from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sitegen.plan import _folders, _in_the_way


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
