from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sitegen.plan import _folders


@given(st.lists(st.sampled_from(["a", "b", "", "index.html", "2024", "é"]), max_size=6).map("/".join))
def test_the_folders_of_a_path_are_its_prefixes_before_each_slash(path: str) -> None:
    parts = path.split("/")[:-1]
    assert _folders(path) == ["/".join(parts[: i + 1]) for i in range(len(parts))]
