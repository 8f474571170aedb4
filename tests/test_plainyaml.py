"""The fast front-matter reader against PyYAML: whatever it reads, it reads as PyYAML does."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sitegen import content, plainyaml
from sitegen.seeds import dump_front_matter

RESOLVERS = content._Loader.yaml_implicit_resolvers


def pyyaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=content._Loader)
    except yaml.YAMLError:
        return "error"


def agrees(text: str) -> bool:
    fast = plainyaml.read(text, RESOLVERS)
    return fast is None or fast == pyyaml(text)


keys = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True)
words = st.text(st.sampled_from("abcdefgh XYZ0123456789.,-_:#'\"[]{}&*!|>%@`?=<~é…\\"), min_size=0, max_size=20)
values = st.one_of(st.text(max_size=30), words, st.sampled_from(["yes", "No", "on", "null", "~", "0x1F", "1_000", ".inf", "1:20", "2024-01-01", "<<", "="]))
meta = st.dictionaries(keys, st.one_of(values, st.lists(values, max_size=3)), max_size=6)


@settings(max_examples=400)
@given(meta)
def test_what_the_importer_writes_reads_as_pyyaml_reads_it(data: dict[str, Any]) -> None:
    text = "\n" + dump_front_matter(data)
    assert agrees(text)


line = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", keys, words),
    st.builds(lambda k: f"{k}:", keys),
    st.builds(lambda v, i: f"{'  ' if i else ''}- {v}", words, st.booleans()),
    st.builds(lambda k, v: f"{k}: '{v}'", keys, words),
    st.sampled_from(["", "# note", "  more", "key: value # note", "- - x", "a: b: c", "yes: 1", "---", "..."]),
)


@settings(max_examples=1000)
@given(st.lists(line, min_size=1, max_size=6))
@example(["tags:", "- a", "  - b"])
@example(["tags:", "title: x"])
@example(["title:  two spaces"])
@example(["on: x"])
@example(["title: x", "title: y"])
def test_hand_written_lines_read_as_pyyaml_reads_them_or_go_to_pyyaml(lines: list[str]) -> None:
    assert agrees("\n".join(lines) + "\n")


def test_the_importers_front_matter_takes_the_fast_path() -> None:
    text = "\n" + dump_front_matter(
        {
            "title": "Floods in Oslo: what we know",
            "slug": "floods-in-oslo",
            "date": "2026-03-01T08:00:00+01:00",
            "id": "urn:uuid:3768e6b9-addc-5f8a-b9dd-10133281bd87",
            "summary": "It's raining… 40 mm, says the institute.",
            "tags": ["Europe", "Weather"],
            "related": [],
            "seed": "00001_a.txt",
            "seed_hash": "sha256:87d5",
        }
    )
    fast = plainyaml.read(text, RESOLVERS)
    assert fast is not None
    assert fast == pyyaml(text)
    assert fast["title"] == "Floods in Oslo: what we know"
    assert fast["related"] == []
