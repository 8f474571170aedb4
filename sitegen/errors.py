"""Errors that carry the file (and line) they are about."""

from __future__ import annotations

import os
import re
from pathlib import Path

import click


class SitegenError(click.ClickException):
    """A problem with one input file; prints as ``path:line: message``."""

    def __init__(self, path: Path | str | None, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.path = Path(path) if path is not None else None
        self.line = line
        self.reason = message

    def __reduce__(self) -> tuple[type[SitegenError], tuple[Path | None, str, int | None]]:
        # Errors cross from worker processes; the default would call cls(message).
        return (type(self), (self.path, self.reason, self.line))

    def format_message(self) -> str:
        if self.path is None:
            return self.reason
        shown = shown_path(self.path)
        where = shown if self.line is None else f"{shown}:{self.line}"
        return f"{where}: {self.reason}"

    def __str__(self) -> str:
        return self.format_message()


def distinct(errors: list[SitegenError]) -> list[SitegenError]:
    """``errors`` in order, each said once: outputs that fail for one cause (the parts of the
    search index without Pagefind) report it once, and a template line that fails for many
    pages (every article page, for a typo in article.html) is said once, with how many."""
    seen: set[tuple[type[SitegenError], Path | None, str, int | None]] = set()
    kept: list[SitegenError] = []
    pages: dict[tuple[type[SitegenError], Path | None, str, int | None], list[str]] = {}
    for error in errors:
        page, detail = _render_failure(error.reason)
        said = (type(error), error.path, error.reason if page is None else detail, error.line)
        if page is not None:
            if said in pages:
                pages[said].append(page)
                continue
            pages[said] = [page]
        if said not in seen:
            seen.add(said)
            kept.append(error)
    for index, error in enumerate(kept):
        page, detail = _render_failure(error.reason)
        if page is not None and (more := len(pages[(type(error), error.path, detail, error.line)]) - 1):
            reason = f"{CANNOT_RENDER}{page} and {more} more page{'s' if more > 1 else ''}: {detail}"
            kept[index] = type(error)(error.path, reason, error.line)
    return kept


CANNOT_RENDER = "cannot render "
"""How a page's failed render starts its message: the page's address, then what failed."""


def cannot_render(page_path: str, detail: str) -> str:
    """The message of a page that failed to render."""
    return f"{CANNOT_RENDER}/{page_path}: {detail}"


def _render_failure(reason: str) -> tuple[str | None, str]:
    """(the page, what failed) of a message made by ``cannot_render``; (None, reason) otherwise."""
    if not reason.startswith(CANNOT_RENDER + "/"):
        return None, reason
    page, _, detail = reason[len(CANNOT_RENDER) :].partition(": ")
    return page, detail


def line_of(text: str, key: str, separator: str) -> int | None:
    """1-based line where ``key`` is set (``key =`` in TOML, ``key:`` in YAML), if it is."""
    # [ \t], not \s: \s would cross line ends, and a key after a blank line be placed on it.
    match = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*{separator}", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def lines_of(text: str, keys: list[str], separator: str) -> dict[str, int]:
    """``line_of`` for each of ``keys`` (those set), found in one pass over ``text``."""
    if not keys:
        return {}
    # Longest first: of keys "a" and "ab", "ab:" is not taken for "a".
    names = "|".join(re.escape(key) for key in sorted(set(keys), key=len, reverse=True))
    found: dict[str, int] = {}
    line, counted = 1, 0
    for match in re.finditer(rf"^[ \t]*({names})[ \t]*{separator}", text, re.MULTILINE):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        found.setdefault(match[1], line)
    return found


def shown_path(path: Path) -> str:
    """The path as the user would type it: relative to the working folder when inside it.

    Made absolute without resolving links: an error about a symbolic link names the link,
    not the file it points to.
    """
    try:
        return str(Path(os.path.abspath(path)).relative_to(os.getcwd()))
    except (ValueError, OSError):
        return str(path)


IS_UTF16 = "is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8"
"""What to say of a text file saved as UTF-16 (what Windows Notepad calls "Unicode")."""


def not_utf8(data: bytes, error: UnicodeDecodeError) -> tuple[str, int]:
    """What to say of a file whose bytes ``data`` are not UTF-8, and the line of the first
    bad byte (``error`` is the decoding's, its offsets in ``data``)."""
    return f"is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}): save it as UTF-8", data.count(b"\n", 0, error.start) + 1


def is_utf16(data: bytes) -> bool:
    """True when ``data`` starts with a UTF-16 byte order mark."""
    return data.startswith((b"\xff\xfe", b"\xfe\xff"))


UTF16_NO_MARK = "is UTF-16 without a byte order mark (every other byte is NUL): save it as UTF-8"
"""What to say of text saved as UTF-16 with no mark (some export tools write it so)."""


def looks_utf16(data: bytes) -> bool:
    """True when ``data``, with no byte order mark, reads as UTF-16: its NUL bytes (the high
    bytes of Latin letters, spaces and line ends) stand nearly all at even offsets or nearly
    all at odd ones, and are many. A binary file has them at both."""
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    most, rest = max(even, odd), min(even, odd)
    return most >= max(2, len(sample) // 20) and rest * 10 <= most


def shown_message(message: str) -> str:
    """A message that starts with a path (a warning, an error), with that path as the user
    would type it, as ``shown_path`` gives one: warnings are made where only the absolute
    path is known. What ``sitegen build`` and ``sitegen serve`` print alike."""
    here = os.getcwd().rstrip(os.sep) + os.sep
    return message[len(here) :] if message.startswith(here) else message


_LOCATED = re.compile(r"^(?P<path>[^:\n]+?)(?::(?P<line>\d+))?: ")


def github_annotation(kind: str, message: str, workspace: str) -> str:
    """``message`` (a warning or an error, as ``shown_message`` gives it) as a GitHub Actions
    workflow command, ``::warning file=content/a.md,line=12,title=sitegen::...``: the log shows
    it as the message, and the run's summary and a pull request's changed files show it on
    the file and line it names. ``kind``: "warning" or "error". The file is named relative
    to ``workspace`` (the checkout, GITHUB_WORKSPACE), as GitHub looks it up; a message
    about no file of the checkout (a setting, a folder, a file elsewhere) is one of the run's."""
    properties = []
    if (match := _LOCATED.match(message)) and os.path.isfile(match["path"]):
        # Both resolved: a checkout reached through a link (a self-hosted runner's work
        # folder on another disk) is where the file is, though the paths are spelt apart.
        try:
            file = os.path.relpath(os.path.realpath(match["path"]), os.path.realpath(workspace))
        except ValueError:  # on another drive (Windows): not in the checkout
            file = os.pardir + os.sep
        if not file.startswith(os.pardir + os.sep):
            properties.append(f"file={_escaped(file, ':,')}")
            if match["line"]:
                properties.append(f"line={match['line']}")
    properties.append("title=sitegen")
    return f"::{kind} {','.join(properties)}::{_escaped(message)}"


def _escaped(text: str, also: str = "") -> str:
    # The runner's own escapes (actions/toolkit's command.ts): a line break would end the
    # command, and in a property ":" and "," would end the value.
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    for char in also:
        text = text.replace(char, f"%{ord(char):02X}")
    return text


class ConfigError(SitegenError):
    """sitegen.toml is unreadable or holds an unknown key or a bad value."""


class SeedError(SitegenError):
    """A seed cannot be imported."""


class ContentError(SitegenError):
    """A content file cannot be turned into an article."""


class TemplateError(SitegenError):
    """A template failed to load or render."""


class OutputError(SitegenError):
    """A file could not be written where it was asked to go."""


class WorkerDied(SitegenError):
    """A worker process of the build ended before its work was done (killed by a signal,
    by the out-of-memory killer): no file is at fault, and the build cannot finish."""


SAID_IN_FULL = 3
"""How many files a warning is said for in full before the others are counted."""
_WHERE = re.compile(r"^(?P<path>[^:\n]+?)(?::\d+)?: (?P<reason>.*)$", re.DOTALL)


# What differs from file to file in one warning (a date, a count of days): 400 articles out
# late, each "dated 2025-12-10T09:00:00+00:00, 23 days ago", are one mistake made 400 times;
# so are 5,000 posts of a Hugo site in TOML, each naming the command that converts it
# (`sitegen convert content/a.md`), counted past the first few, not said in 5,000 lines.
_DETAILS = re.compile(r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d)?(?:Z|[+-]\d\d:\d\d)?)?|\b\d+\b|(?<=`sitegen convert )[^`]+(?=`)")


def grouped(warnings: list[str]) -> list[str]:
    """``warnings`` (or errors), one mistake made in many files (a key misspelt in 300
    articles) said for the first few files, then counted on one line where the next would be.
    Warnings that differ only in their dates and numbers are one mistake: the count names
    them with those left out ("…")."""
    by_reason: dict[str, list[int]] = {}
    for index, warning in enumerate(warnings):
        if match := _WHERE.match(warning):
            by_reason.setdefault(_DETAILS.sub("…", match["reason"]), []).append(index)
    said: list[str] = []
    for index, warning in enumerate(warnings):
        match = _WHERE.match(warning)
        shape = _DETAILS.sub("…", match["reason"]) if match else ""
        group = by_reason[shape] if match else [index]
        place = group.index(index)
        if place < SAID_IN_FULL:
            said.append(warning)
        elif place == SAID_IN_FULL and match:
            more = len(group) - SAID_IN_FULL
            # One file may say it many times (a page of 5,000 scripts): counted as what it is.
            rest = [m for i in group[SAID_IN_FULL:] if (m := _WHERE.match(warnings[i]))]
            files = len({m["path"] for m in rest})
            counted = f"{more} more file{'s' if more > 1 else ''}" if files == more else f"{more} more, in {files} file{'s' if files > 1 else ''}"
            reason = match["reason"] if all(m["reason"] == match["reason"] for m in rest) else shape
            said.append(f"... and {counted}: {reason}")
    return said
