"""Article images: found in content/, measured with Pillow, copied into the output folder
with resized copies for ``srcset``.

An article's ``image:`` (front matter) and the images its Markdown shows are files inside
``content/``: a path relative to the content file, or from ``content/`` itself when it
starts with ``/``. Each is read when its article is parsed (content.py), so the parse
record knows the file's hash and size and is made again when the file changes. In the
output folder an image lives at ``images/<hash>/<name>``: a new version is a new URL, so
hosts may cache it for ever, and two images of the same name never collide.

Any other file the text links to or embeds (``[report](doc.pdf)``, a video's src) is found the same way, if it is named as one of the kinds that may be
(cache.LINKED_SUFFIXES): it is read (at most ``max_image_bytes``) and copied byte for byte
to ``files/<hash>/<name>``, never measured, changed or put inside the page.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import struct
import time
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from . import cache
from .cache import FileRecord, FileState, ImageRecord, Refused

WIDTHS = (480, 960, 1600)
"""Widths of the resized copies offered in ``srcset``, those narrower than the original."""
MAX_PIXELS = 50_000_000
"""An image larger than this (a decompression bomb, or a camera's raw export) is refused."""
MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
_SUFFIX = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}
_ABSENT = "absent"
_ORIENTATION = 0x0112  # EXIF: values 5 to 8 turn the picture a quarter, so width is height
_NAME_RE = re.compile(r"[^A-Za-z0-9._-]+")
IMAGES = "images/"
"""The folder of the output where images are copied (``output_path``)."""
FILES = "files/"
"""The folder of the output where linked files are copied (``linked_path``)."""
HASHED = (IMAGES, FILES)
"""The folders whose every file is named by its content's hash, which hosts are told to keep
for a year without asking again (headers.py): no other file may go there, or a new version
of it would not be seen for a year (plan.py)."""


class ImageError(ValueError):
    """Why an image cannot be used; the parse turns it into an error naming the line."""


@dataclass
class ImageReader:
    """Reads the images of one content file's parse, noting what it read.

    ``files`` maps each image file looked at to its SHA-256 (or "absent"): the parse record
    keeps it, and is used again only while every one of them is unchanged. ``states`` are
    the files' states for the build cache's list of inputs.
    """

    content_dir: str
    max_bytes: int
    files: dict[str, str] = field(default_factory=dict)
    states: dict[str, FileState] = field(default_factory=dict)
    _measured: dict[str, ImageRecord | ImageError] = field(default_factory=dict)
    _linked: dict[str, FileRecord | ImageError] = field(default_factory=dict)
    """What each file came to, by path: read once per parse however often the text names it
    (300 pictures of one 50-megapixel PNG of 143 kB decoded it 300 times, in 83 s, and a
    text may name a file a hundred thousand times)."""

    def resolve(self, written: str, source: str, linked: bool = False) -> str:
        """The file an image reference in content file ``source`` names (with ``linked``,
        a reference to a file of another kind: LINKED_SUFFIXES). Raises ImageError."""
        path = written.strip()
        what = "linked files" if linked else "images"
        if "\\" in path or "\0" in path or not path:
            raise ImageError(f"{written!r} is not a path: write one such as photo.jpg or /images/photo.jpg")
        if not path.endswith(cache.LINKED_SUFFIXES if linked else cache.IMAGE_SUFFIXES):
            # Only these are looked at for changes: an image of another name, added after
            # the build that missed it, would not be noticed.
            raise ImageError(f"{written!r} is not named as an image: use .jpg, .jpeg, .png, .gif or .webp")
        folder = self.content_dir if path.startswith("/") else os.path.dirname(source)
        relative = posixpath.relpath(posixpath.normpath(posixpath.join(folder, path.lstrip("/"))), self.content_dir)
        if relative.startswith("..") or relative == ".":
            raise ImageError(f"{written!r} is outside content/: {what} must be files inside it")
        found = os.path.join(self.content_dir, relative)
        # Through a linked folder on the way, a file could lie anywhere on the disk.
        if not Path(os.path.realpath(found)).is_relative_to(os.path.realpath(self.content_dir)):
            self._refused(found)  # known by its lstat: replacing the link is a change
            raise ImageError(f"{written!r} leads outside content/ through a symbolic link: {what} must be files inside it")
        return found

    def absent(self, path: str) -> None:
        """Note that ``path`` was looked for and not found: the record is made again once
        it is there (its name is one the build looks at: ``resolve``)."""
        self.files[path] = _ABSENT

    def read(self, path: str) -> ImageRecord:
        """The image file at ``path``, measured. Raises ImageError."""
        if path not in self._measured:
            try:
                data, sha, shown = self._bytes(path)
                self._measured[path] = measure(path, data, sha, shown)
            except ImageError as e:
                self._measured[path] = e
        return _or_raise(self._measured[path])

    def read_linked(self, path: str) -> FileRecord:
        """The linked file at ``path`` (``resolve(..., linked=True)``), to be copied as it
        is. Raises ImageError, as for an image: missing, a link, too large."""
        if path not in self._linked:
            try:
                data, sha, _ = self._bytes(path)
                self._linked[path] = FileRecord(file=path, sha=sha, length=len(data))
            except ImageError as e:
                self._linked[path] = e
        return _or_raise(self._linked[path])

    def _bytes(self, path: str) -> tuple[bytes, str, str]:
        """The bytes of the file at ``path``, their SHA-256 and the file's name as shown
        (from content/), noted in ``files`` and ``states``. Raises ImageError."""
        shown = os.path.relpath(path, os.path.dirname(self.content_dir))
        try:
            data, state = cache.read_file(path, self.max_bytes, setting="max_image_bytes")
        except FileNotFoundError:
            self.absent(path)
            raise ImageError(f"{shown} does not exist") from None
        except Refused as e:
            # Not read (a link, a FIFO, too large): known by its lstat, so that putting it
            # right is a change the next build sees.
            self._refused(path)
            raise ImageError(f"{shown} {e}") from None
        except OSError as e:
            self._refused(path)
            raise ImageError(f"{shown} cannot be read: {e.strerror}") from None
        self.files[path] = state.sha
        self.states[path] = state
        return data, state.sha, shown

    def _refused(self, path: str) -> None:
        try:
            st = os.lstat(path)
        except OSError:
            self.absent(path)
            return
        self.files[path] = cache.REFUSED
        self.states[path] = cache.file_state(st, cache.REFUSED, time.time_ns())


_Record = TypeVar("_Record", ImageRecord, FileRecord)


def _or_raise(done: _Record | ImageError) -> _Record:
    if isinstance(done, ImageError):
        raise ImageError(str(done))
    return done


def measure(path: str, data: bytes, sha: str, shown: str = "") -> ImageRecord:
    """What a page needs to know of an image file: its size as shown, type and length.

    Its pixels are decoded too (a JPEG at an eighth of its size): a file cut short (an
    upload that stopped) has a header that reads well, and would fail only when its copies
    are made, after the article that shows it was taken for good."""
    from PIL import Image

    shown = shown or path
    with _decoding(shown), warnings.catch_warnings():
        # Pillow's own limit, above MAX_PIXELS, would print a Python warning past 89
        # megapixels, among the build's messages: the size is said below, as an error.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data))  # reads the header: the pixels last
    with _decoding(shown), image:
        width, height = image.size
        kind = image.format or ""
        # A JPEG holding a second picture after the first (a phone's HDR gain map, a
        # camera's depth or 3D shot: Multi-Picture Format) is a JPEG to every browser, which
        # shows the first: so are its copies, made of it (not an animation of two frames).
        multi_picture = kind == "MPO"
        kind = "JPEG" if multi_picture else kind
        # Checked before any pixel is decoded: an image too large is never read.
        if kind not in MEDIA_TYPES:
            raise ImageError(f"{shown} is a {kind or 'file of unknown type'}: use JPEG, PNG, GIF or WebP")
        if width * height > MAX_PIXELS or not width or not height:
            raise ImageError(f"{shown} is {width}x{height} pixels: at most {MAX_PIXELS:,} are allowed")
        # Read for every format: render() turns every one upright (ImageOps.exif_transpose).
        orientation = image.getexif().get(_ORIENTATION, 1)
        animated = bool(getattr(image, "is_animated", False)) and not multi_picture
        if kind == "JPEG":
            image.draft(None, (1, 1))  # decoded at 1/8 scale: every byte read, a 64th of the pixels
        image.load()  # of an animation, its first frame
    if orientation in (5, 6, 7, 8):  # browsers turn it upright: so must its width and height
        width, height = height, width
    return ImageRecord(file=path, sha=sha, width=width, height=height, format=kind, length=len(data), animated=animated)


_CANNOT_DECODE = (OSError, ValueError, SyntaxError, EOFError, IndexError, struct.error)
"""What Pillow raises of bytes it cannot read as an image: its plugins say "broken PNG
file" as a SyntaxError, a short chunk as a struct.error, a file cut short as an OSError."""


@contextmanager
def _decoding(shown: str) -> Iterator[None]:
    """Pillow's work on the bytes of the image file ``shown``: any way it fails to read them
    is an ImageError naming the file, for the parse (``measure``) and the copies (``render``)
    alike, never a traceback."""
    from PIL import Image, UnidentifiedImageError

    try:
        yield
    except ImageError:
        raise  # a ValueError, but said already
    except UnidentifiedImageError:
        raise ImageError(f"{shown} is not an image sitegen can use (JPEG, PNG, GIF or WebP)") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Refused by Pillow from its header (past 179 megapixels), before measure() could
        # read the size; in Pillow's words it was "could be decompression bomb DOS attack".
        raise ImageError(f"{shown} has far more pixels than the {MAX_PIXELS:,} allowed") from None
    except _CANNOT_DECODE as e:
        raise ImageError(f"{shown} is not an image sitegen can use (JPEG, PNG, GIF or WebP): {e}") from None


def output_path(record: ImageRecord) -> str:
    """Site path of the image's copy: under its hash, so a changed image is a new URL."""
    stem = _NAME_RE.sub("-", Path(record.file).stem).strip("-.") or "image"
    return f"{IMAGES}{record.sha.removeprefix('sha256:')[:16]}/{stem}{_SUFFIX[record.format]}"


def linked_path(record: FileRecord) -> str:
    """Site path of a linked file's copy: under its hash, as an image's (``output_path``),
    with its own extension (in lower case: what hosts go by for its Content-Type)."""
    stem, suffix = posixpath.splitext(posixpath.basename(record.file.replace(os.sep, "/")))
    stem = _NAME_RE.sub("-", stem).strip("-.") or "file"
    return f"{FILES}{record.sha.removeprefix('sha256:')[:16]}/{stem}{suffix.lower()}"


def copy_linked(record: FileRecord) -> bytes:
    """The bytes of a linked file's copy: the file as it was read. Raises ImageError if it
    changed since (the next build reads it again)."""
    return _as_read(record.file, record.sha, record.length)


def _as_read(file: str, sha: str, length: int) -> bytes:
    """The bytes of ``file``, which a parse read with this SHA-256 and length. Raises
    ImageError if it cannot be read or changed since."""
    try:
        data, _ = cache.read_file(file, max(length, 1))
    except (OSError, Refused) as e:
        raise ImageError(f"{file} cannot be read: {e}") from None
    if cache.digest(data) != sha:
        raise ImageError(f"{file} changed while the site was built")
    return data


def unique_linked(records: Iterable[FileRecord]) -> list[FileRecord]:
    """Each linked file once (by its copy's path), in a fixed order."""
    found: dict[str, FileRecord] = {}
    for record in records:
        found.setdefault(linked_path(record), record)
    return [found[path] for path in sorted(found)]


def size_path(record: ImageRecord, width: int) -> str:
    path = output_path(record)
    stem, suffix = posixpath.splitext(path)
    return f"{stem}-{width}w{suffix}"


def widths(record: ImageRecord) -> tuple[int, ...]:
    """The resized copies made of an image: none of an animation (a copy would keep one
    frame) or of a GIF (its palette makes poor copies)."""
    if record.animated or record.format == "GIF":
        return ()
    return tuple(w for w in WIDTHS if w < record.width)


def webp_widths(record: ImageRecord) -> tuple[int, ...]:
    """The WebP copies made of an image (setting ``webp``): one at each width of its
    ``srcset``, and at the original's when it is no wider than the widest of those could
    be (``WIDTHS``), so that a browser that takes WebP finds every width it would have
    picked up to that; none of a GIF or an animation (as ``widths``), of a WebP, or of a
    picture with no ``srcset`` (narrower than every width: a page's icon or chart).

    Not at a camera's width: a WebP of 6000 pixels took seconds to make (a PNG's, lossless,
    tens), for the few screens that would pick it over the widest copy (a page's widest
    slot is 48rem, 1,536 pixels at twice the density)."""
    if record.format not in ("JPEG", "PNG") or not widths(record):
        return ()
    return (*widths(record), record.width) if record.width <= WIDTHS[-1] else widths(record)


def webp_path(record: ImageRecord, width: int) -> str:
    """Site path of the image's WebP copy ``width`` wide, beside its other copies."""
    return posixpath.splitext(size_path(record, width))[0] + _SUFFIX["WEBP"]


def scaled_height(record: ImageRecord, width: int) -> int:
    return max(1, round(record.height * width / record.width))


def render(record: ImageRecord, width: int, webp: bool = False) -> bytes:
    """The bytes of the image's copy: the file as it is (``width`` 0), or resized to
    ``width`` with its metadata left out, but for its colour profile; with ``webp``, that
    copy as WebP (``webp_widths``). Raises ImageError if the file changed since it was
    measured (the next build measures it again)."""
    data = _as_read(record.file, record.sha, record.length)
    if not width:
        return data
    from PIL import Image, ImageOps

    out = io.BytesIO()
    # Measured when its article was parsed, pixels and all; a decoding that fails here still
    # (another Pillow) is the image's error, not the build's traceback.
    size = (width, scaled_height(record, width))
    with _decoding(record.file), Image.open(io.BytesIO(data)) as original:
        if record.format == "JPEG":
            # Decoded at the smallest scale libjpeg has (1/2 to 1/8) still as large as the
            # copy, in the file's own orientation: a 480-pixel copy of a 24-megapixel photo
            # took 220 MB and 0.43 s of a worker, now 30 MB and 0.15 s.
            turned = original.getexif().get(_ORIENTATION, 1) in (5, 6, 7, 8)
            original.draft(None, (size[1], size[0]) if turned else size)
        original.load()
        ImageOps.exif_transpose(original, in_place=True)  # an upright picture's pixels not copied
        if original.mode in ("P", "1"):
            # Pillow resizes a palette (or 1-bit) picture by nearest pixel whatever it is
            # asked: a chart's thin lines and text were gone or jagged in its copies. Its
            # colours are resized, then put back in a palette (a copy of a PNG-8 is one).
            smooth = original.convert("L" if original.mode == "1" else "RGBA" if original.has_transparency_data else "RGB")
            resized = smooth.resize(size, Image.Resampling.LANCZOS)
            resized = resized.quantize(256) if original.mode == "P" and not webp else resized
        else:
            resized = original.resize(size, Image.Resampling.LANCZOS)
        if webp:
            # WebP holds RGB or RGBA alone: a PNG's grey, palette or 16-bit pixels are
            # turned into them, its transparency kept. An RGB PNG's transparent colour (its
            # tRNS chunk) is no alpha to WebP: RGBA too, or that ground shows as the colour.
            mode = "RGBA" if resized.has_transparency_data else "RGB"
            copy = resized if resized.mode == mode else resized.convert(mode)
        else:
            copy = resized.convert("RGB") if record.format == "JPEG" else resized
        # The colour profile is no metadata to leave out: it says what the numbers mean (a
        # phone's Display P3, a camera's Adobe RGB), and a copy without it is read as sRGB,
        # its colours dull or shifted beside the original's. Not that of another mode (a
        # CMYK profile says nothing of the RGB copy).
        profile = original.info.get("icc_profile") if copy.mode == original.mode else None
        kept = {"icc_profile": profile} if profile else {}
        if webp and record.format == "PNG":
            # Lossless: a PNG is a chart, a map, a screenshot, whose thin lines and text a
            # lossy copy blurs; its transparency is kept. Measured on a 3000x2000 photo
            # with transparency and on a 2400x1600 chart: 45 to 73 % of the PNG copy's
            # bytes (the chart's 17 to 62 %), in 0.3 s at 960 pixels and 1.5 s at 3000 (the
            # PNG copy itself took 0.7 s and 4.3 s). Method 6 saved 1 to 6 % more in 10 s.
            copy.save(out, "WEBP", lossless=True, quality=80, method=4, **kept)
        elif webp:
            # Quality 80, method 4, measured on 3000x2000 photos against the JPEG copies
            # (quality 82): 43 to 49 % of their bytes at 960 and 1600 pixels, at a PSNR as
            # high or higher; 33 ms at 960, 90 ms at 1600, 0.3 s at 3000 (the JPEG's 10 to
            # 50 ms). Method 6 saved under 1 % more, in 15 to 45 % more time; quality 75
            # another 15 %, at a lower PSNR than the JPEG's. libwebp is deterministic: the
            # same pixels and settings give the same bytes.
            copy.save(out, "WEBP", quality=80, method=4, **kept)
        elif record.format == "JPEG":
            copy.save(out, "JPEG", quality=82, optimize=True, progressive=True, **kept)
        elif record.format == "WEBP":
            copy.save(out, "WEBP", quality=80, method=4, **kept)
        else:
            copy.save(out, record.format, optimize=True, **kept)
    return out.getvalue()


def unique(records: Iterable[ImageRecord]) -> list[ImageRecord]:
    """Each image file once (by its copy's path), in a fixed order."""
    found: dict[str, ImageRecord] = {}
    for record in records:
        found.setdefault(output_path(record), record)
    return [found[path] for path in sorted(found)]
