"""Import: ``seeds/*.txt`` (untrusted publisher text) -> ``content/*.md`` (Markdown + front matter).

Parsing and rendering are pure; ``import_seeds`` is the only function that touches the
disk, and it never overwrites a content file that someone edited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import uuid
from collections.abc import Collection, Container, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from . import cache, content, dates, text, urls
from .cache import FileState, Inputs, Refused, SeedOutcome
from .config import Config, ImportRules
from .content import SeedClaims
from .errors import IS_UTF16, UTF16_NO_MARK, OutputError, SeedError, SitegenError, is_utf16, looks_utf16, not_utf8
from .ledger import OutBefore, published_before
from .model import ImportReport
from .output import create_file, replace_unless_changed
from .parallel import Workers

if TYPE_CHECKING:
    from .plan import FreeSlug, OwnPaths

SEED_NAME_RE = re.compile(r"\d+_(?P<hex>[0-9a-f]{16})")
# Ids are UUIDs in this namespace, named by the seed's hex part: stable across titles,
# slugs, base URLs and re-imports, and valid as Atom ids, RSS guids and JSON Feed ids.
ID_NAMESPACE = uuid.UUID("4f1b7a52-3c0e-5d1e-9a53-6a2f2e0c8b11")
IMPORT_HASH_RE = re.compile(r"^import_hash: .*\n", re.MULTILINE)


@dataclass(frozen=True)
class SeedArticle:
    """What a seed says, with the boilerplate sorted out of the body."""

    name: str
    title: str
    paragraphs: tuple[str, ...]
    related: tuple[str, ...] = ()
    origin: str = ""
    digest: str = ""
    published: dt.datetime | None = None
    """From the seed's dateline, when the ``[import] date`` rule is set and matched."""
    tags: tuple[str, ...] = ()


def seed_digest(data: bytes) -> str:
    """The ``seed_hash`` of a seed's bytes: of its text with its line breaks as LF, as
    parse_seed reads it. A checkout that writes CRLF (Git for Windows' core.autocrlf, its
    default) holds the same seeds: hashed as bytes, each looked changed there, its article
    was written again, and written back on the next checkout with LF."""
    return "sha256:" + hashlib.sha256(data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")).hexdigest()


def stamped_with(stamp: str | None, data: bytes) -> bool:
    """Whether ``stamp``, a content file's ``seed_hash``, is that of the seed ``data``:
    seed_digest's, or the hash of its bytes as they are, which earlier versions stamped
    (a seed committed with CRLF keeps its article's stamp)."""
    return stamp is not None and stamp in (seed_digest(data), "sha256:" + hashlib.sha256(data).hexdigest())


def id_name(name: str) -> str:
    """What names the id of seed file ``name``'s article (its stem): the hex digits of a
    publisher's ``<number>_<16 hex digits>``, else the whole stem. Seeds with the same
    id name give the same article (a story numbered anew keeps its id)."""
    match = SEED_NAME_RE.fullmatch(name)
    return match["hex"] if match else name


def seed_id(name: str) -> str:
    """The permanent id of the article imported from seed file ``name`` (its stem)."""
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, id_name(name))}"


# Seeds are read only as regular files, never through a link (in seeds/ one could import
# any file of the machine) and never over max_file_bytes: cache.read_file with a limit.
_SEED_LINK = "is a symbolic link; a seed must be a regular file inside seeds/, not a link to one"
_CONTENT_LINK = "is a symbolic link; the importer does not write through one: replace it with a regular file or remove it"
_CONTENT_FOLDER = "is a folder where the article imported from seeds/{seed} goes: rename or remove the folder"


def decode_seed(data: bytes, path: Path) -> str:
    """Seed bytes -> text with LF line ends; SeedError names the line of any bad byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif is_utf16(data):
        # What Windows Notepad saves as "Unicode": every other byte of Latin text is NUL.
        raise SeedError(path, IS_UTF16, 1)
    if b"\0" in data:
        if looks_utf16(data):  # not "binary file?": the file is text, in another encoding
            raise SeedError(path, UTF16_NO_MARK, 1)
        raise SeedError(path, "contains a NUL byte (binary file?)", data.count(b"\n", 0, data.index(b"\0")) + 1)
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise SeedError(path, *not_utf8(data, e)) from e
    decoded = decoded.replace("\r\n", "\n").replace("\r", "\n")
    bad = text.find_xml_illegal(decoded)
    if bad is not None:
        line, char = bad
        raise SeedError(path, f"contains control character U+{ord(char):04X}, which XML forbids", line)
    return decoded


def parse_seed(data: bytes, path: Path, rules: ImportRules, zone: dt.tzinfo = dt.UTC) -> SeedArticle:
    """Split a seed into title, article paragraphs and boilerplate."""
    decoded = decode_seed(data, path)
    if not decoded.strip():
        raise SeedError(path, "is empty: put the article in it (its title on the first line, then its paragraphs, a blank line between them), or delete the file")
    read_more, related_re, source_re = (re.compile(p) for p in (rules.read_more, rules.related, rules.source))
    date_re = re.compile(rules.date) if rules.date else None
    tags_re = re.compile(rules.tags) if rules.tags else None
    drops = [re.compile(p) for p in rules.drop]

    title = ""
    paragraphs: list[str] = []
    related: list[str] = []
    origin = ""
    published: dt.datetime | None = None
    tags: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            paragraphs.append("\n".join(current))
            current.clear()

    lines = decoded.split("\n")
    # The source is the closing line: the last the rule matches. One further up is article
    # text ("Source: a senior official said ..." in the story), which would be lost.
    source_at = max((n for n, raw in enumerate(lines, start=1) if _is_source(raw.strip(), source_re, read_more, related_re)), default=0)
    for number, raw in enumerate(lines, start=1):
        # Stripped once here, so the patterns need no \s* at either end: those compete
        # with the text group and make matching a long line quadratic.
        line = raw.strip()
        if not line:
            flush()
            continue
        boiler = None
        for pattern in (read_more, related_re):
            match = pattern.match(line)
            if match:
                boiler = match["text"]
                related.append(boiler)
                break
        if boiler is None and number == source_at and (match := source_re.match(line)):
            origin, boiler = match["text"], match["text"]
        # The dateline is the first line the rule matches; one further down is article text
        # (a quoted notice, a correction). The source, the closing line, is the last.
        if boiler is None and title and date_re and published is None and (match := date_re.match(line)):
            try:
                published = dates.parse_date(match["text"], zone)
            except ValueError as e:
                raise SeedError(path, f"dateline: {e}", number) from e
            boiler = match["text"]
        if boiler is None and title and tags_re and (match := tags_re.match(line)):
            tags += (t for t in (" ".join(t.split()) for t in text.split_names(match["text"])) if t not in tags)
            boiler = match["text"]
        if boiler is None and any(d.match(line) for d in drops):
            boiler = ""
        if not title:
            if boiler is not None:
                raise SeedError(path, "has no title: its first line is publisher boilerplate", number)
            title = text.clean_title(line)
            if not text.is_visible(title):
                raise SeedError(path, "has no title: its first line shows no visible character", number)
            continue
        if boiler is None:
            current.append(line)
        else:
            flush()
    flush()
    if not paragraphs:
        raise SeedError(path, "has a title but no article text")
    return SeedArticle(
        name=path.stem,
        title=title,
        paragraphs=tuple(paragraphs),
        related=tuple(related),
        origin=origin,
        digest=seed_digest(data),
        published=published,
        tags=tuple(tags),
    )


def _is_source(line: str, source_re: re.Pattern[str], *related: re.Pattern[str]) -> bool:
    """Whether the source rule takes ``line`` (a line of related headlines it matches too
    is one of those, as the rules are tried in that order)."""
    return bool(source_re.match(line)) and not any(pattern.match(line) for pattern in related)


def render_markdown(seed: SeedArticle, slug: str, date: dt.datetime) -> str:
    """The content file for ``seed``: YAML front matter + escaped Markdown body. No
    ``summary``: the one made from the text's start (the same words) follows the text when
    an editor changes how it begins; a copy here would stay behind, shown above the text."""
    meta = {
        "title": seed.title,
        "slug": slug,
        "date": dates.format_iso(date),
        "id": seed_id(seed.name),
        "tags": list(seed.tags),
        "source": seed.origin,
        "related": list(seed.related),
        "seed": f"{seed.name}.txt",
        "seed_hash": seed.digest,
    }
    front = dump_front_matter(meta)
    body = "\n\n".join(text.escape_markdown(p) for p in seed.paragraphs)
    document = f"---\n{front}---\n\n{body}\n"
    # The hash of the file as written lets a later import tell whether a person edited it.
    digest = hashlib.sha256(document.encode("utf-8")).hexdigest()
    return document.replace("\n---\n", f"\nimport_hash: sha256:{digest}\n---\n", 1)


# libyaml's emitter writes exactly what PyYAML's pure-Python one does, eight times faster,
# except for U+0085 and characters beyond the BMP, which it escapes; tests compare the two.
_C_DIFFERS_RE = re.compile("[\x85\U00010000-\U0010ffff]")


def dump_front_matter(meta: Mapping[str, object]) -> str:
    """YAML for ``meta`` (strings and lists of strings), the same with or without libyaml."""
    import yaml  # only when a seed is written: a build importing none does without YAML

    c_dumper = getattr(yaml, "CSafeDumper", None)
    strings = [v for v in meta.values() if isinstance(v, str)] + [s for v in meta.values() if isinstance(v, list) for s in v]
    dumper = c_dumper if c_dumper and not any(_C_DIFFERS_RE.search(s) for s in strings) else yaml.SafeDumper
    return yaml.dump(meta, Dumper=dumper, sort_keys=False, allow_unicode=True, width=1_000_000)


def is_hand_edited(document: str) -> bool:
    """True unless ``document`` is byte for byte what the importer wrote."""
    match = re.search(r"^import_hash: sha256:([0-9a-f]{64})$", document, re.MULTILINE)
    if match is None:
        return True
    unstamped = IMPORT_HASH_RE.sub("", document, count=1)
    return hashlib.sha256(unstamped.encode("utf-8")).hexdigest() != match[1]


Verdict = Literal["create", "unchanged", "kept", "update", "skip", "refused"]


@dataclass(frozen=True, slots=True)
class Examined:
    """What a worker found of a seed. Only this travels back, not the seed's text: at
    50,000 seeds that would be hundreds of megabytes held until the import ends."""

    state: FileState | None
    """The seed's, as read; None when it could not be read."""
    error: SitegenError | None
    verdict: Verdict
    fields: dict[str, str] = field(default_factory=dict)
    """The content file's front-matter fields (content.front_fields)."""
    title: str = ""
    published: dt.datetime | None = None
    """The seed's dateline, if the ``[import] date`` rule found one."""
    seen: str = ""
    """The SHA-256 of the content file as read, or ABSENT."""
    digest: str = ""
    """The seed's ``seed_hash`` (seed_digest), when it was parsed."""


ABSENT = "absent"
"""The content file's hash when there was no content file."""

@dataclass(frozen=True, slots=True)
class SeedJob:
    """A seed to examine, and the content file its article is in."""

    seed: Path
    target: Path
    """``content/<seed stem>.md``, or where a person renamed or moved that file."""
    renamed: str = ""
    """The seed ``target`` names, when that is not this one: a name with the same digits
    (the seed renamed, the same article), no longer in seeds/."""


@dataclass(frozen=True, slots=True)
class WriteJob:
    """A content file to write from a seed."""

    seed: Path
    target: Path
    slug: str
    date: dt.datetime
    seen: str
    """The content file's hash as examined, or ABSENT: it is written only if it still holds that."""


@dataclass(frozen=True, slots=True)
class Wrote:
    """A content file written from its seed."""

    digest: str
    """The SHA-256 of what it was written with (cache.digest)."""


@dataclass(frozen=True, slots=True)
class _ExamineContext:
    rules: ImportRules
    zone: dt.tzinfo
    known: dict[str, str]
    """Content files just read -> the seed hash stamped on them."""
    limit: int
    """max_file_bytes."""


def _examine_seed(context: _ExamineContext, job: SeedJob) -> Examined:
    """Read one seed and compare it with its content file (in a worker).

    The verdict is "create", "unchanged", "kept" (edited by hand), "update", "skip"
    (content file unreadable: content.py reports it) or "refused" (content file is a
    link: an error about it, not about the seed). A seed already imported as it is now
    is not even parsed.
    """
    rules, zone, known, limit = context.rules, context.zone, context.known, context.limit
    path, target, renamed = job.seed, job.target, job.renamed
    try:
        # A seed is read only as a regular file directly inside seeds/, never through a
        # link, so what is imported cannot come from outside that folder.
        data, state = cache.read_file(path, limit)
    except Refused as e:
        return Examined(None, SeedError(path, _SEED_LINK if e.link else str(e)), "skip")
    except OSError as e:
        return Examined(None, SeedError(path, f"cannot be read: {e.strerror}"), "skip")
    if stamped_with(known.get(str(target)), data) and not renamed:
        return Examined(state, None, "unchanged")  # as its content file says: no need to read it
    try:
        raw, _ = cache.read_file(target, limit)
        old: str | None = content.decode_content(raw)
        seen = cache.digest(raw)
    except FileNotFoundError:
        old, seen = None, ABSENT
    except Refused as e:
        if e.link:
            return Examined(state, SeedError(target, _CONTENT_LINK), "refused")
        if os.path.isdir(target):  # content.py takes it for a folder of articles: nobody else says
            return Examined(state, SeedError(target, _CONTENT_FOLDER.format(seed=path.name)), "refused")
        return Examined(state, None, "skip")
    except (OSError, UnicodeDecodeError):
        return Examined(state, None, "skip")
    fields = content.front_fields(old) if old is not None else {}
    # A seed renamed: the file as imported is brought up to date (its seed field names the
    # new name; nothing a reader sees changes); one edited by hand is left as it is.
    if stamped_with(fields.get("seed_hash"), data) and not (renamed and old is not None and not is_hand_edited(old)):
        return Examined(state, None, "unchanged", fields)
    try:
        seed = parse_seed(data, path, rules, zone)
    except SitegenError as e:
        return Examined(state, e, "skip")
    verdict: Verdict = "create" if old is None else "kept" if is_hand_edited(old) else "update"
    return Examined(state, None, verdict, fields, seed.title, seed.published, seen, seed.digest)


def _former_slug(title: str, before: OutBefore | None, unicode: bool) -> str | None:
    """The slug an article imported again had at its last address, of those its title
    gives now or gave with earlier versions (``urls.former_headline_slugs``); None if none
    (``unicode``: slugs = "unicode")."""
    if before is None or not before.urls:
        return None
    path = urlsplit(before.urls[-1]).path
    # The ASCII slug on a site that set slugs = "unicode" since: it is a slug there too. Not
    # the script's on a site gone back to "ascii": written into the file, it is an error that
    # leaves the article out (its old address redirects to its new one, as the ledger has it).
    candidates: tuple[str, ...] = (urls.headline_slug(title, unicode=True),) if unicode else ()
    for candidate in (*candidates, urls.headline_slug(title), *urls.former_headline_slugs(title)):
        if re.search(rf"(?:^|/){re.escape(candidate)}(?:[/.]|$)", path):
            return candidate
    return None


@dataclass(slots=True)
class _NewSlugs:
    """The slugs the import gives the articles it makes (plan.OwnPaths.free_slug, as
    ``sitegen new`` does): none another content file has, none whose page would be where
    the site has one of its own (``tags`` under ``permalink = "{slug}/"``), which the build
    would leave out. Worked out on first use: most imports make no article."""

    site_dir: Path
    config: Config
    content_dir: Path
    taken: set[str] | None = None
    own: OwnPaths | None = None

    def pick(self, slug: str, date: dt.datetime) -> FreeSlug:
        """The slug of an article whose title makes ``slug``, dated ``date``; taken from now on."""
        from .plan import own_paths
        from .theme import Theme

        if self.taken is None:
            self.taken = content.taken_slugs(self.content_dir, self.config.max_file_bytes, self.config.slugs == "unicode")
        if self.own is None:
            self.own = own_paths(self.config, Theme(self.site_dir, Inputs()))
        chosen = self.own.free_slug(slug, self.taken, self.config.permalink, date)
        self.taken.add(chosen.slug)
        return chosen


def _current_digest(target: Path, limit: int) -> str:
    """The SHA-256 of ``target`` now, ABSENT, or a marker that matches no hash."""
    try:
        return cache.digest(cache.read_file(target, limit)[0])
    except FileNotFoundError:
        return ABSENT
    except Refused as e:
        return "link" if e.link else "refused"
    except OSError:
        return "unreadable"


def _write_content(context: tuple[ImportRules, dt.tzinfo, int], job: WriteJob) -> SitegenError | str | Wrote:
    """Parse a seed again and write its content file (in a worker): an error, a warning or
    what was written.

    The file is written only if it still holds what was examined: someone may have saved
    an edit (or created the file) since, and the importer never overwrites what it did not read.
    """
    rules, zone, limit = context
    seed_path, target, seen = job.seed, job.target, job.seen
    try:
        seed = parse_seed(cache.read_file(seed_path, limit)[0], seed_path, rules, zone)
    except Refused as e:  # changed since it was examined
        return SeedError(seed_path, _SEED_LINK if e.link else str(e))
    except OSError as e:
        return SeedError(seed_path, f"cannot be read: {e.strerror}")
    except SitegenError as e:  # changed since it was examined
        return e
    document = render_markdown(seed, job.slug, job.date).encode("utf-8")
    if len(document) > limit:
        # Escaping makes markup characters longer ("<" is "&lt;"): a seed within the limit
        # can import to a file the build then refuses to read, an error about a file
        # nobody wrote. Said of the seed instead, and nothing is written.
        return SeedError(
            seed_path,
            f"imports to {len(document):,} bytes of Markdown (its markup characters escaped), over max_file_bytes ({limit:,});"
            " it was not imported: split the story, or raise max_file_bytes in sitegen.toml",
        )
    # Compare and swap: read the file again right before replacing it.
    now = _current_digest(target, limit)
    if now == "link":  # made a link since it was examined
        return SeedError(target, _CONTENT_LINK)
    if now != seen:
        return _CHANGED.format(target=target)
    try:
        if seen == ABSENT:
            create_file(target, document)
        elif not replace_unless_changed(target, document, lambda path: _current_digest(Path(path), limit) == seen):
            return _CHANGED.format(target=target)
    except FileExistsError:  # made meanwhile
        return _CHANGED.format(target=target)
    except OSError as e:
        return OutputError(target, f"cannot be written: {e.strerror or e}")
    except OutputError as e:  # a full disk, a read-only folder: about the content file
        return e
    return Wrote(cache.digest(document))


_CHANGED = "{target}: changed while importing; kept your version"


def _stray_warning(stray: str) -> str:
    """What to say of a file or folder in seeds/ that looks like seeds but is not imported."""
    if stray.endswith(os.sep):
        if stray.lower().endswith(".txt" + os.sep):
            return f"{stray}: not imported: a folder, named as a seed file is; the import reads files of seeds/ alone: rename or remove the folder"
        return f"{stray}: not imported: the import reads no subfolder of seeds/; move its seeds up into seeds/"
    name = os.path.basename(stray)
    return f"{stray}: not imported: seed files end in .txt, in lower case; rename it {name[: -len('.txt')]}.txt"


def _id_clashes(bases: Collection[str], owners: Container[str]) -> dict[str, str]:
    """Seed file name -> the seed imported in its stead, for each seed whose article id
    (``id_name``) another's is too: of seeds whose names end in the same digits, the one
    whose article is in content/ already (``owners``: an earlier import), else the first
    by name, is imported.

    Seeds whose stems end in different last 16 characters have different ids (an id is
    its stem's last 16 hex digits, or the whole stem), as in nearly every seeds folder:
    that is told at once, without working out each seed's id."""
    if len({base[-20:-4] for base in bases}) == len(bases):
        return {}
    ids = {base: id_name(base[: -len(".txt")]) for base in bases}
    first_of: dict[str, str] = {}
    for base in sorted(bases, key=lambda b: (b not in owners, b)):
        first_of.setdefault(ids[base], base)
    return {base: first_of[ids[base]] for base in sorted(bases) if first_of[ids[base]] != base}


def import_seeds(
    site_dir: Path,
    config: Config,
    content_dir: Path | None = None,
    inputs: Inputs | None = None,
    previous: dict[str, SeedOutcome] | None = None,
    workers: Workers | None = None,
    known: dict[str, str] | None = None,
    claims: SeedClaims | None = None,
    misnamed: list[str] | None = None,
    scanned: cache.SeedFiles | None = None,
) -> ImportReport:
    """Import every ``seeds/*.txt`` of the site into ``content/``, with a warning for each
    file or subfolder of ``seeds/`` that looks meant for it but is not imported (cache.find_seeds).

    A seed's article is the content file whose ``seed`` field names it (``claims``; read
    from every content file when not given): ``<seed stem>.md`` as imported, or wherever a
    person renamed or moved it; for a seed no file names, the one whose ``seed`` names a
    seed with the same digits that is gone from seeds/ (the seed renamed: the same article,
    its seed field updated unless the file was edited by hand). A seed whose own place
    holds another article is not imported. A seed that did not change since the last build
    (``previous``), whose content file did not change either, is not read again: the
    outcome would be the same. ``known`` maps content files just read to the seed hash
    stamped on them, so they need no reading. ``misnamed`` gets the files and folders of
    seeds/ left out for names that are not UTF-8. ``scanned``: the seeds folder as the build
    listed it when it started (cache.scan), else listed here.
    """
    seeds_dir = site_dir / "seeds"
    content_dir = content_dir or site_dir / "content"
    report = ImportReport()
    found_seeds = scanned if scanned is not None else cache.find_seeds(seeds_dir, misnamed)
    seed_files = found_seeds.seeds
    report.warnings += [_stray_warning(stray) for stray in found_seeds.strays]
    if not seed_files:
        return report
    try:
        content_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:  # a file where the folder should be, or no permission
        report.errors.append(SeedError(content_dir, f"cannot be made a folder for the imported articles: {e.strerror}"))
        return report
    inputs = inputs or Inputs()
    previous = previous or {}
    workers = workers or Workers(1)

    if claims is None:
        names = cache.find_content(content_dir)
        claims = content.seed_claims(names, str(content_dir), lambda name: content.seed_named(name, config.max_file_bytes))
    todo: list[SeedJob] = []
    # Strings joined by hand, not paths: this runs for every seed of every build.
    folder = str(content_dir) + os.sep
    # A seed's name after its folder's: what scandir joined them with is the last separator.
    bases = {name: name[name.rfind(os.sep) + 1 :] for name in seed_files}
    clashes = _id_clashes(bases.values(), claims.owners)
    # Article id -> the content file whose seed field names a seed no longer in seeds/, the
    # first by that name: the article of a seed renamed since, its digits (so its id) kept,
    # as when a publisher numbers its stories anew. Worked out when a seed no file names
    # by its name is met (one new, or one renamed).
    renamed_from: dict[str, tuple[str, str]] | None = None
    for name in seed_files:
        base = bases[name]
        first = clashes.get(base)
        if first is not None:
            # Its digits are another seed's, so its article would have that one's id: it
            # would never be published, or take that one's place (the publisher sent the
            # story twice, under two numbers, say).
            said = f"not imported: its article would have the id of seeds/{first}'s, as both names end in the same digits; remove or rename one"
            report.errors.append(SeedError(name, said))
            inputs.refused(name)
            continue
        own = folder + base[: -len(".txt")] + ".md"
        content_file = claims.owners.get(base)
        former = ""
        if content_file is None:
            if renamed_from is None:
                present = set(bases.values())
                renamed_from = {}
                for seed, file in sorted(claims.owners.items()):
                    if seed not in present:
                        renamed_from.setdefault(id_name(seed.removesuffix(".txt")), (seed, file))
            former, content_file = renamed_from.get(id_name(base[: -len(".txt")]), ("", own))
        held = claims.seeds.get(own) or base  # the seed its own place names (none: its own, edited)
        if content_file == own and held not in (base, former):
            # Its place holds another seed's article, moved there: writing it there would
            # overwrite that one (found again each build, unread, until fixed).
            report.errors.append(SeedError(name, f"not imported: {own}, where its article goes, holds the article of seeds/{held}; rename that file"))
            inputs.refused(name)
            continue
        outcome = previous.get(name)
        if outcome is None or not inputs.unchanged(name):
            todo.append(SeedJob(Path(name), Path(content_file), former))
        elif outcome.verdict == "error":
            report.errors.append(SeedError(name, outcome.message, outcome.line))
            report.outcomes[name] = outcome
        elif inputs.same(content_file):
            if outcome.verdict == "kept":
                report.kept.append(Path(content_file))
            else:
                report.unchanged.append(content_file)
            if outcome.message:
                report.warnings.append(outcome.message)
            report.outcomes[name] = outcome
        else:
            todo.append(SeedJob(Path(name), Path(content_file), former))

    # The zone by name, not config.zone: the import then depends on that one setting.
    zone = dates.get_zone(config.timezone)
    context = _ExamineContext(config.import_rules, zone, known or {}, config.max_file_bytes)
    examined = workers.map(_examine_seed, todo, context=context, label="Reading seeds")
    now = dates.import_time(zone)  # one import time for every seed imported now
    slugs = _NewSlugs(site_dir, config, content_dir)
    published: Mapping[str, OutBefore] | None = None
    writes: list[WriteJob] = []
    # Why an article's slug is not its title's (FreeSlug.reason), said once its file is written.
    renamed_for_site: dict[Path, str] = {}
    for seed_job, found in zip(todo, examined, strict=True):
        seed_path, target = seed_job.seed, seed_job.target
        state, error, verdict, fields = found.state, found.error, found.verdict, found.fields
        if state is not None:
            inputs.record(seed_path, state)
        else:
            inputs.refused(seed_path)
        if error is not None:
            report.errors.append(error)
            if verdict != "refused":  # an error about the content file is looked at again next time
                report.outcomes[str(seed_path)] = SeedOutcome("error", error.reason, error.line)
            else:  # recorded by its lstat: putting it right is a change the next build sees
                inputs.refused(target)
            continue
        report.outcomes[str(seed_path)] = SeedOutcome("ok")
        if verdict == "unchanged":
            report.unchanged.append(str(target))
        elif verdict == "create":
            # Published before (the ledger has its id), its file since deleted: imported
            # again as the same article, dated when it was first out, not as news of today,
            # and at its address, though slugs are made otherwise now.
            if published is None:
                published = published_before(content_dir, inputs.read, zone)
            before = published.get(seed_id(seed_path.stem))
            date = found.published or (before.date if before else None) or now
            chosen = slugs.pick(_former_slug(found.title, before, config.slugs == "unicode") or urls.headline_slug(found.title, unicode=config.slugs == "unicode"), date)
            if chosen.reason:
                renamed_for_site[target] = chosen.reason
            writes.append(WriteJob(seed_path, target, chosen.slug, date, found.seen))
            report.created.append(target)
            if before is not None:
                report.once.append(
                    f"{target}: imported again from seeds/{seed_path.name}, as the article's file was gone (same id, dated when first published);"
                    " to take the article down, delete its seed too"
                )
                report.warnings.append(report.once[-1])
        elif verdict == "kept":
            # Both ways out named: keeping the edit silences this (the seed counts as imported).
            stamp = f"; to keep it and stop this warning, set its seed_hash to {found.digest}" if found.digest else ""
            if not fields.get("seed") and not fields.get("seed_hash"):
                # Written by hand where the seed's article would go, never imported from it.
                warning = f"{target}: not imported from seeds/{seed_path.name}: this file, written by hand, has its name; rename the seed or the file"
            else:
                warning = (
                    f"{target}: edited by hand and its seed {seed_path.name} changed; kept your version{stamp}"
                    f" (to take the seed's instead, delete {target.name}: it is imported again with its id and first date, and your edits,"
                    " a corrected date among them, are lost)"
                )
            report.kept.append(target)
            report.warnings.append(warning)
            report.outcomes[str(seed_path)] = SeedOutcome("kept", warning)
        elif verdict == "update":
            try:
                date = found.published or dates.parse_date(fields.get("date", ""), zone)
            except ValueError:
                date = now
            if not (slug := fields.get("slug", "")):
                chosen = slugs.pick(urls.headline_slug(found.title, unicode=config.slugs == "unicode"), date)
                slug = chosen.slug
                if chosen.reason:
                    renamed_for_site[target] = chosen.reason
            writes.append(WriteJob(seed_path, target, slug, date, found.seen))
            report.updated.append(target)
        # "skip": content.py reports the unreadable content file
    failed = workers.map(_write_content, writes, context=(config.import_rules, zone, config.max_file_bytes), label="Importing seeds")
    for job, result in zip(writes, failed, strict=True):
        seed_path, target = job.seed, job.target
        inputs.forget(target)
        if isinstance(result, Wrote):
            report.wrote[target] = result.digest
            if (reason := renamed_for_site.get(target)) is not None:
                report.warnings.append(f"{target}: imported from seeds/{seed_path.name} with the slug {job.slug}: {reason}")
                report.once.append(report.warnings[-1])  # said by the import that chose the slug, not again
            if target in report.created and SEED_NAME_RE.fullmatch(seed_path.stem) is None:
                # Its id is named by the whole name (id_name): a rename is another story to
                # every reader, published twice. Said once, when there is still time.
                report.warnings.append(
                    f"{seed_path}: imported into {target.name}, but its name is not <number>_<16 lower-case hex digits>.txt: its article's id is made"
                    " from the whole name, so the seed renamed would be imported again as another article, in every feed; keep its name"
                )
                report.once.append(report.warnings[-1])
            continue
        for listed in (report.created, report.updated):
            if target in listed:
                listed.remove(target)
        if isinstance(result, str):  # the content file changed under the import: left alone
            report.kept.append(target)
            report.warnings.append(result)
            report.once.append(result)
            report.outcomes.pop(str(seed_path), None)  # look at it again next time
        elif result.path == target:  # about the content file, not the seed: look again next time
            report.errors.append(result)
            report.outcomes.pop(str(seed_path), None)
            if isinstance(result, OutputError):
                # Nothing on disk changes when the write fails. The seed, recorded in a state
                # no file matches, makes the next build run (and import it again) rather than
                # replay this one. (Not the content file: the content step records it as read.)
                inputs.unwritten(seed_path)
        else:
            report.errors.append(result)
            report.outcomes[str(seed_path)] = SeedOutcome("error", result.reason, result.line)
    return report
