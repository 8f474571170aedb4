"""Precompressed copies of text files: ``page.html.gz`` and ``page.html.br`` beside
``page.html``, for servers that send such a copy as it is to a client that accepts its
encoding (nginx ``gzip_static`` and ``brotli_static``, Apache with a rewrite rule, Caddy's
``precompressed``), instead of compressing the same bytes on every request.

Pure functions of the bytes: the same file always gives the same copies. gzip's header is
written here (no file name, no time, a fixed system byte) around ISA-L's raw deflate
stream, so a copy does not depend on the clock or on the platform's gzip module.

Every text file gets both copies, whatever its size: servers pick a copy when there is one
and never compare sizes, so the few tiny files (robots.txt) cost a few bytes at most, and
which files have copies never depends on what a file happens to hold.
"""

from __future__ import annotations

import functools
import hashlib
import struct

SUFFIXES = (".html", ".xml", ".json", ".css", ".js", ".txt", ".xsl", ".svg")
"""Files of these kinds get compressed copies; images and fonts are compressed already."""
ENCODINGS = {"gzip": ".gz", "br": ".br"}
"""Content-Encoding -> the suffix of its copy."""
GZIP_LEVEL = 3
"""ISA-L's level (0-3) closest to zlib's default, 6, in size. The deflate stream comes from
ISA-L (the ``isal`` package), not zlib: in a clean build of 10,000 articles (13,900 text
files, 245 MB, one process), the gzip copies took 6.25 s of processor time with zlib at 6,
more than Brotli, and take 1.54 s with ISA-L at 3, for copies 3.5 % larger. Any gzip reader
reads them: the stream is plain deflate (RFC 1951)."""
BROTLI_QUALITY = 5
"""Brotli's quality (0-11), as servers use when compressing on the fly (4 to 6). Measured on
news pages of 5 KB and feeds of 130 KB: 5 takes about 1 and 8 ms a file and makes copies
no larger than 9's on pages (2 % larger on feeds) in a tenth of its time; 11, the library's
default, makes them 10-13 % smaller but takes 30-50 times as long: minutes of every clean
build of 10,000 articles."""

# ID1 ID2, CM=deflate, FLG=0 (no name, no comment), MTIME=0, XFL=0 (neither the best nor
# the fastest level), OS=255 (unknown).
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


def compressible(path: str) -> bool:
    """True for a text file that gets compressed copies."""
    return path.endswith(SUFFIXES)


def compress(data: bytes, encoding: str) -> bytes:
    """``data`` compressed for ``encoding`` ("gzip" or "br")."""
    if encoding == "gzip":
        from isal import isal_zlib

        body = isal_zlib.compress(data, GZIP_LEVEL, -isal_zlib.MAX_WBITS)  # raw deflate: the header is ours
        return _GZIP_HEADER + body + struct.pack("<II", isal_zlib.crc32(data), len(data) & 0xFFFFFFFF)
    if encoding == "br":
        import brotli

        return bytes(brotli.compress(data, mode=brotli.MODE_TEXT, quality=BROTLI_QUALITY))
    raise ValueError(f"unknown encoding {encoding!r}")


@functools.cache
def sample_digest() -> str:
    """The SHA-256 of the gzip copy of a fixed text, as this machine makes it: part of the
    build cache's generator id (cache.generator_id). ISA-L chooses its code by the CPU it
    runs on (SSE, AVX2, AVX-512, NEON), and nothing promises the same bytes from each: a
    cache restored on another machine would keep copies a clean build there makes otherwise.
    The text is like a page's, 40 KB: more than one deflate block, matches near and far."""
    sample = "".join(f"<p>{n}: {'news ' * (n % 7)}{n * n % 997}{' &amp;' * (n % 3)}</p>\n" for n in range(1000))
    return hashlib.sha256(compress(sample.encode(), "gzip")).hexdigest()


def decompress(data: bytes, encoding: str) -> bytes:
    """The bytes ``data`` (a copy made by ``compress``) holds; raises ValueError if it is damaged."""
    import gzip
    import zlib

    import brotli

    try:
        return gzip.decompress(data) if encoding == "gzip" else bytes(brotli.decompress(data))
    except (OSError, EOFError, zlib.error, brotli.error) as e:
        raise ValueError(f"cannot be decompressed: {e}") from e


def encoding_of(suffix: str) -> str:
    """The encoding of the copies whose paths end in ``suffix`` (".gz" -> "gzip")."""
    return next(encoding for encoding, known in ENCODINGS.items() if known == suffix)


def original_of(path: str) -> tuple[str, str] | None:
    """(the original's path, the encoding) of a compressed copy's path, or None."""
    for encoding, suffix in ENCODINGS.items():
        if path.endswith(suffix) and compressible(path[: -len(suffix)]):
            return path[: -len(suffix)], encoding
    return None

