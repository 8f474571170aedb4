"""Keys: the fast spelling of values in deps.py against the plain definition of the format."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen import deps
from sitegen.config import Config


@dataclasses.dataclass(frozen=True)
class Pair:
    title: str
    path: str


@dataclasses.dataclass(frozen=True)
class Counted:
    number: int
    path: str | None
    last: bool


@dataclasses.dataclass(frozen=True)
class Nested:
    name: str
    items: tuple[object, ...]
    when: dt.datetime | None


def reference(value: object, out: list[str]) -> None:
    """The format, plainly: each kind of value spelt one way, recursively."""
    if isinstance(value, str) and type(value) is str:
        out.append(repr(value) if len(value) < 512 else "H" + hashlib.sha256(value.encode()).hexdigest())
    elif type(value) in (tuple, list):
        out.append("(")
        for item in value:
            reference(item, out)
        out.append(")")
    elif value is None or type(value) in (int, bool, float):
        out.append(repr(value))
    elif type(value) is dt.datetime:
        out.append("D" + value.isoformat())
    elif type(value) is dict:
        out.append("{")
        for key in sorted(value):
            out.append(repr(key))
            reference(value[key], out)
        out.append("}")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        out.append(type(value).__name__ + "(")
        for field in dataclasses.fields(value):
            reference(getattr(value, field.name), out)
        out.append(")")
    else:
        raise TypeError(type(value).__name__)


_TEXT = st.one_of(st.text(max_size=20), st.text(min_size=511, max_size=514))
_WHEN = st.datetimes(timezones=st.just(dt.UTC))
_LEAF = st.one_of(
    _TEXT,
    st.integers(),
    st.none(),
    st.booleans(),
    _WHEN,
    st.builds(Pair, _TEXT, _TEXT),
    st.builds(Counted, st.integers(), st.one_of(st.none(), _TEXT), st.booleans()),
    st.tuples(_TEXT, st.one_of(_WHEN, st.none())),  # a sitemap's entry
)
_VALUE = st.recursive(
    _LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(st.text(max_size=8), inner, max_size=3),
        st.builds(Nested, _TEXT, st.lists(inner, max_size=3).map(tuple), st.one_of(st.none(), _WHEN)),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_VALUE, max_size=3))
def test_a_value_is_spelt_as_the_plain_definition_spells_it(values: list[object]) -> None:
    out: list[str] = []
    reference(tuple(values), out)
    assert deps.value_digest(*values) == hashlib.sha256("\x1f".join(out).encode("utf-8")).hexdigest()


# Texts that run into each other when joined: a separator, a quote, an escape inside one.
_SPELT = st.sampled_from(["", "a", "a'", "'a", "a\x1fb", "a\x1f", "\x1fb", "b", "\\", "'", "é"])
_NAMES = st.lists(st.sampled_from(["config.title", "config.language"]), max_size=2, unique=True).map(tuple)
_SHARED = st.tuples(st.lists(_SPELT, min_size=1, max_size=3).map(tuple), _NAMES)


@settings(max_examples=300, deadline=None)
@given(_SHARED, _SHARED)
def test_a_shared_digest_is_equal_only_for_equal_values_and_reads(
    one: tuple[tuple[str, ...], tuple[str, ...]], two: tuple[tuple[str, ...], tuple[str, ...]]
) -> None:
    """What thousands of pages' keys share is one digest (Digests.shared): two are equal
    only when their values and their reads are, however the values' texts run into each
    other; and it is the same whether worked out anew or looked up."""
    digests = deps.Digests(Config(title="A", language="en"))
    assert (digests.shared(*one) == digests.shared(*two)) == (one == two)
    assert digests.shared(*one) == deps.Digests(Config(title="A", language="en")).shared(*one)
