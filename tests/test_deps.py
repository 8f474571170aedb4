"""Keys: the fast spelling of values in deps.py against the plain definition of the format."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen import deps


@dataclasses.dataclass(frozen=True)
class Pair:
    title: str
    path: str


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
_LEAF = st.one_of(_TEXT, st.integers(), st.none(), st.booleans(), _WHEN, st.builds(Pair, _TEXT, _TEXT))
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
