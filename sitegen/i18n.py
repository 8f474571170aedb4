"""The theme in the site's language (setting ``language``): its words from a gettext
catalog, its dates and plural rules from the Unicode CLDR.

The words: templates mark what they say for readers (``{{ _("Archive") }}``,
``{% trans %}``, ``ngettext``), and a catalog ``locale/<language>.po`` in the template
folders gives each in the site's language: the site's own ``templates/locale/de.po`` over
the theme's, file by file, as for any template. A tag with a region looks for its own
catalog first, then its language's (``pt-BR``: ``pt-BR.po``, then ``pt.po``). With none,
the theme's English is shown. ``locale/messages.pot`` lists every string to translate.

The dates (``4. Oktober 2022``, ``octobre 2022``) and the plural rules (one, few, many...)
come from Babel's copy of the CLDR, which knows hundreds of languages; English keeps the
theme's own format (``4 October 2022``) and never loads Babel, so an English site builds
as fast as before.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache, dates
from .errors import SitegenError, TemplateError, not_utf8
from .text import decode_utf8
from .theme import LOCALE, NOT_TEMPLATES, Theme

if TYPE_CHECKING:
    from babel import Locale
    from babel.messages.catalog import Catalog
    from babel.plural import PluralRule

TEMPLATE = LOCALE + "messages.pot"
"""Every string the theme's templates mark for translation, to start a catalog from."""

_ENGLISH = frozenset(("en",))
"""Languages whose dates the theme's own formats give (no CLDR data is loaded for them)."""


@dataclass(frozen=True)
class Language:
    """What pages say and how they write dates and counts, for one BCP 47 tag."""

    tag: str
    translations: gettext.NullTranslations = field(default_factory=gettext.NullTranslations)
    catalog: str = ""
    """The catalog's name in the template folders (``locale/de.po``), "" with none."""
    digest: str = ""
    """The SHA-256 of the catalog's bytes: part of every page's key (render.Renderer)."""
    locale: Locale | None = None
    """Babel's Locale for the tag's dates and plural rules; None: the theme's English."""

    @property
    def direction(self) -> str:
        """``rtl`` for a language written right to left (Arabic, Hebrew, Persian...), else ``ltr``."""
        return str(self.locale.text_direction) if self.locale is not None else "ltr"

    def date(self, value: dt.datetime | dt.date) -> str:
        """A date for readers: ``4 October 2022``, ``4. Oktober 2022``, ``2022年10月4日``."""
        return dates.format_human(value, self.locale)

    def month(self, year: int, month: int) -> str:
        """A month for readers: ``October 2022``, ``Oktober 2022``, ``2022年10月``."""
        return dates.format_month(year, month, self.locale)

    def list_glue(self, count: int) -> tuple[str, ...]:
        """What goes around ``count`` items written as a list in a sentence (bylines): the
        text before the first, between each two and after the last, as the CLDR writes
        lists in the language. English: ``A, B and C``. Hebrew and Arabic join the last
        with an "and" that takes no space after it (``A, B וC``), Japanese with no word at
        all (``A、B、C``): a catalog's one word for "and" could say neither."""
        if count <= 0:
            return ("",)
        if self.locale is None:
            return ("", *[", "] * (count - 2), *([" and "] if count > 1 else []), "")
        return _list_glue(self.locale, count)

    def plural_forms(self, singular: str, plural: str) -> dict[str, str]:
        """The translation of a message with a count in each of the language's CLDR plural
        categories (``one``, ``few``, ``many``, ``other``...), for a script to choose from
        with ``Intl.PluralRules``: the catalog's forms, picked by a number of each category."""
        samples = _plural_samples(self.locale) if self.locale is not None else {"one": 1, "other": 2}
        # As templates' messages are, "%%" written as "%"; each %(name)s left for the script.
        return {category: self.translations.ngettext(singular, plural, n).replace("%%", "%") for category, n in samples.items()}


@functools.cache
def _list_glue(locale: Locale, count: int) -> tuple[str, ...]:
    from babel.lists import format_list

    # The list of ``count`` marks no language writes, cut at the marks.
    marks = [f"\0{i}\0" for i in range(count)]
    parts = re.split("\0[0-9]+\0", format_list(marks, locale=locale))
    if len(parts) != count + 1:  # a pattern that drops or repeats an item: none does
        raise ValueError(f"the CLDR's list pattern of {locale} does not give each item once")
    return tuple(parts)


_SAMPLES = (*range(200), *(10**k for k in range(3, 10)))
"""Counts that meet every CLDR plural category of a language. Some categories start late:
French and Spanish "many" is for whole millions."""


def _plural_samples(locale: Locale) -> dict[str, int]:
    """A number of each plural category of ``locale``: the smallest that has it."""
    samples: dict[str, int] = {}
    for n in _SAMPLES:
        samples.setdefault(str(locale.plural_form(n)), n)
    return dict(sorted(samples.items()))


class _Translations(gettext.GNUTranslations):
    """A compiled catalog, as gettext reads it."""

    plural: Callable[[int], int]
    """Which of the catalog's forms a count takes: gettext's reading of its Plural-Forms
    header, or ``_ByCategory`` (``_count_as``)."""


@dataclass(frozen=True)
class _ByCategory:
    """A count's form: the one its catalog has for the count's category under ``rule``."""

    rule: PluralRule
    forms: dict[str, int]
    """Plural category -> the catalog's form for it (its msgstr index)."""

    def __call__(self, count: int) -> int:
        return self.forms.get(str(self.rule(count)), self.forms["other"])


def _count_as(translations: _Translations, written_for: Locale | None, shown_for: Locale | None) -> None:
    """Have ``translations`` give each count the form of its category in the language pages
    are shown in (``shown_for``), where the catalog's language (``written_for``) counts
    otherwise: the theme's pt.po has Brazil's rule, 0 and 1 singular, and a site in pt-PT
    (Portugal, only 1 singular; Angola and Mozambique too) showed "0 artigo" and, in the
    search page's script, which takes the CLDR's category of each count, "5 artigo".

    Only when the catalog's forms are those of its own language's categories, as its
    Plural-Forms says them (Babel writes it from the CLDR), and every category of the
    pages' language is among them: a catalog's forms are then the same words whichever
    rule picks them. Any other catalog is left as its Plural-Forms has it."""
    if written_for is None or shown_for is None:
        return
    try:
        given = [translations.plural(n) for n in _SAMPLES]
    except (ArithmeticError, LookupError, ValueError, TypeError):  # a formula _compiled let by
        return
    forms: dict[str, int] = {}
    for n, form in zip(_SAMPLES, given, strict=True):
        if forms.setdefault(str(written_for.plural_form(n)), form) != form:
            return  # not one form per category of its language: which is which is not known
    shown = [str(shown_for.plural_form(n)) for n in _SAMPLES]
    if "other" not in forms or any(category not in forms for category in shown):
        return
    if any(forms[category] != form for category, form in zip(shown, given, strict=True)):
        translations.plural = _ByCategory(shown_for.plural_form, forms)


@dataclass(frozen=True)
class Found:
    """A site's Language, with what could not be used of it."""

    language: Language
    problems: tuple[SitegenError, ...] = ()
    """A catalog that could not be read, or entries of it: their words are shown in English."""
    warnings: tuple[str, ...] = ()
    """About the setting ``language``, each to be said after where it is written (config.setting_place)."""


def language_of(theme: Theme, tag: str) -> Found:
    """The Language for ``tag`` (setting ``language``) from the catalogs in ``theme``."""
    catalogs = {_normal(name[len(LOCALE) : -len(".po")]): name for name in theme.files if name.startswith(LOCALE) and name.endswith(".po")}
    name = next((catalogs[c] for c in _candidates(tag) if c in catalogs), "")
    english = tag.split("-", maxsplit=1)[0].lower() in _ENGLISH
    locale = None if english else _babel_locale(tag)
    warnings: tuple[str, ...] = ()
    if locale is None and not english:
        warnings = (f"language: the CLDR has no dates or plural rules for {tag!r}, so dates are shown in English",)
    elif not name and not english:
        # The pages are then half in English ("Published 4 października 2024") with no word
        # of why: say so, and how to give the theme's words in the language.
        called = f" ({locale.get_language_name('en')})" if locale is not None else ""
        warnings = (
            f"language: the theme has no catalog for {tag!r}{called}, so its words (the navigation, 'Published', the search "
            "page) are shown in English, with the language's own dates: to translate them, run sitegen theme copy "
            f"locale/messages.pot, rename the copy templates/locale/{_candidates(tag)[-1]}.po and fill it in",
        )
    if not name:
        return Found(Language(tag, locale=locale), warnings=warnings)
    path, data = theme.files[name]
    try:
        translations, problems = _compiled(data, tag, path)
    except TemplateError as e:
        return Found(Language(tag, locale=locale), (e,), warnings)
    # pt.po for a site in pt-PT: its forms, chosen as Portugal counts.
    _count_as(translations, _babel_locale(name[len(LOCALE) : -len(".po")]), locale)
    return Found(Language(tag, translations, name, cache.digest(data), locale), tuple(problems), warnings)


NOTE_BACKLINK = "Jump back to footnote %(number)s in the text"
"""The title of the link from a footnote back to its mark in an article's text (the ↩ after
the note), ``number`` the footnote's: Python-Markdown's own English, in the article's language."""

CORRECTION = "Correction"
CORRECTIONS = "Corrections"
"""The heading over an article's corrections (front matter ``corrections``), one or more:
in article.html, and in its feed entries, whose HTML sitegen writes (feeds.FeedWriter)."""

TEXT_MESSAGES = (NOTE_BACKLINK, CORRECTION, CORRECTIONS)
"""The words sitegen itself writes into an article's text, not a template's: translated by
the catalogs as the templates' words are (``make messages`` lists them in messages.pot)."""

WORDS = "words."
"""How a step notes that it read the words of ``TEXT_MESSAGES`` in a language (``words.de``),
for its result to be made again when they change (deps.Digests)."""


class TextWords:
    """The words of ``TEXT_MESSAGES`` in each language an article is written in, from the
    catalogs of the template folders, as the theme's words are for the site's language (the
    site's ``templates/locale/de.po`` over the theme's; English where none gives them)."""

    def __init__(self, theme: Theme | None = None, log: set[str] | None = None, found: dict[str, dict[str, str]] | None = None) -> None:
        """``theme``: the template folders (None: English only). ``log``: where to note each
        language read (``recording``)."""
        self._theme = theme
        self._log = log
        self._found: dict[str, dict[str, str]] = {} if found is None else found
        """Language tag -> each message in it, worked out once (shared with ``recording``'s)."""

    def recording(self, log: set[str]) -> TextWords:
        """These words, noting in ``log`` each language read, as ``words.<tag>``."""
        return TextWords(self._theme, log, self._found)

    def backlink_title(self, tag: str) -> str:
        """``NOTE_BACKLINK`` in the language ``tag``."""
        if self._log is not None:
            self._log.add(WORDS + tag)
        return self._words(tag)[NOTE_BACKLINK]

    def said(self, tag: str, message: str) -> str:
        """``message``, one of ``TEXT_MESSAGES``, in the language ``tag``."""
        if self._log is not None:
            self._log.add(WORDS + tag)
        return self._words(tag)[message]

    def digest(self, tag: str) -> str:
        """A digest of the words in the language ``tag``: what a result that read them is
        made again for, when it changes (the catalog edited, one added or taken away)."""
        return cache.digest("\0".join(self._words(tag)[message] for message in TEXT_MESSAGES))

    def _words(self, tag: str) -> dict[str, str]:
        found = self._found.get(tag)
        if found is None:
            # A catalog that cannot be read gives English: the build says so of the site's
            # language, whose pages show its words.
            translations = language_of(self._theme, tag).language.translations if self._theme is not None else gettext.NullTranslations()
            found = self._found[tag] = {message: translations.gettext(message) for message in TEXT_MESSAGES}
        return found


def human_date(tag: str, value: dt.datetime) -> str:
    """``value`` for readers in the language ``tag``, as pages show dates (Language.date)."""
    english = tag.split("-", maxsplit=1)[0].lower() in _ENGLISH
    return dates.format_human(value, None if english else _babel_locale(tag))


def other_language(tag: str, site: str) -> str:
    """``tag``, an article's own language (front matter ``language``), when it is not the
    site's (``site``, the setting), else "": only then are its words marked as in it. BCP 47
    tags are equal whatever their case (``en-gb``, ``en-GB``)."""
    return tag if tag and tag.lower() != site.lower() else ""


def direction_of(tag: str) -> str:
    """``rtl`` for a language written right to left (Arabic, Hebrew, Persian...), else
    ``ltr``: the CLDR's word, as for the site's own language (English loads none)."""
    if tag.split("-", maxsplit=1)[0].lower() in _ENGLISH:
        return "ltr"
    locale = _babel_locale(tag)
    return str(locale.text_direction) if locale is not None else "ltr"


def _normal(tag: str) -> str:
    return tag.replace("_", "-").lower()


def _candidates(tag: str) -> list[str]:
    """``pt-BR`` -> ``pt-br``, ``pt``: the most specific catalog first."""
    parts = _normal(tag).split("-")
    return ["-".join(parts[:n]) for n in range(len(parts), 0, -1)]


@functools.cache
def _babel_locale(tag: str) -> Locale | None:
    """Babel's Locale for ``tag`` or the language it narrows (``pt-BR``, then ``pt``); None
    when the CLDR has neither."""
    from babel import Locale, UnknownLocaleError

    for candidate in _candidates(tag):
        try:
            return Locale.parse(candidate, sep="-")
        except (UnknownLocaleError, ValueError):
            continue
    return None


def _compiled(data: bytes, tag: str, path: Path) -> tuple[_Translations, list[SitegenError]]:
    """The catalog's translations, as gettext has them (entries marked fuzzy left out),
    and an error for each entry left out because a page could not show it."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po

    # Read without its byte order mark, if it has one (Windows editors save one): Babel took
    # the mark for a keyword it did not know, and refused the whole catalog.
    try:
        text = decode_utf8(data)
    except UnicodeDecodeError as e:
        said, line = not_utf8(data, e)
        raise TemplateError(path, f"{said}; its words are shown in English", line) from e
    try:
        catalog = read_po(io.StringIO(text), locale=_babel_locale(tag), abort_invalid=True)
    except PoFileError as e:  # its lineno counts from 0
        found = getattr(e, "lineno", None)
        raise TemplateError(path, f"is not a gettext catalog: {e}; its words are shown in English", found + 1 if isinstance(found, int) else None) from e
    except (ValueError, KeyError) as e:  # a header Babel cannot use (Plural-Forms, Language)
        raise TemplateError(path, f"cannot be read as a gettext catalog: {e}; its words are shown in English") from e
    problems: list[SitegenError] = []
    if getattr(catalog, "_num_plurals", None) is None:
        # No Plural-Forms header, as in a catalog begun from messages.pot, whose plural
        # entries have two msgstr (singular, plural). Babel would take the CLDR's rule
        # instead, which has three forms for Italian, French, Spanish ("many", for whole
        # millions): every count but 1 would find no form and be shown in English. Two
        # forms, one for 1 and one for the rest, is what gettext reads such a catalog as.
        catalog.mime_headers = [("Plural-Forms", _TWO_FORMS)]
        if (needed := _plural_categories(_babel_locale(tag))) and len(needed) > 2:
            from babel.messages.plurals import get_plural

            problems.append(
                TemplateError(
                    path,
                    f"has no Plural-Forms header, so each count is given the form for 1 or the one for any other number; "
                    f"{tag!r} has {len(needed)} ({', '.join(needed)}): add the header "
                    f'"Plural-Forms: {get_plural(_babel_locale(tag)).plural_forms}" and a msgstr for each',
                )
            )
    for message in list(catalog):
        if message.pluralizable and isinstance(message.string, (list, tuple)) and (reason := _missing_forms(message.string, catalog.num_plurals)):
            # Each missing form shows the last one given, not the English: the last is
            # "other", which is what the plural form of a two-form catalog means, and what a
            # "many" left out (French, Italian, Spanish: whole millions) would say too.
            last = next(text for text in reversed(message.string[: catalog.num_plurals]) if text)
            message.string = tuple(text or last for text in message.string[: catalog.num_plurals])
            problems.append(TemplateError(path, f"the translation of {message.id[0]!r} {reason}", message.lineno))
        reason = _unusable(message.id, message.string) if message.id and message.string else None
        if reason is not None:
            # Left out: the page shows the English rather than failing on it.
            catalog.delete(message.id, context=message.context)
            first = message.id if isinstance(message.id, str) else message.id[0]
            problems.append(TemplateError(path, f"the translation of {first!r} {reason}; that string is shown in English", message.lineno))
    # The text was read as UTF-8 whatever its Content-Type says (a header left at another
    # charset, as Poedit's ISO-8859-1): compiled in that one, a character it lacks failed
    # the build with a traceback.
    catalog.charset = "utf-8"
    compiled = io.BytesIO()
    try:
        write_mo(compiled, catalog)
        compiled.seek(0)
        translations = _Translations(compiled)
        # gettext runs the Plural-Forms formula on every lookup: one that divides by zero or
        # names an unknown form fails here, not on every page.
        for count in (0, 1, 2, 5, 11, 21, 100, 1_000_000):
            translations.ngettext("", "", count)
    except (OSError, ValueError, SyntaxError, ArithmeticError, LookupError, UnicodeError) as e:
        header = next((number for number, written in enumerate(text.splitlines(), 1) if "Plural-Forms:" in written), None)
        raise TemplateError(path, f"cannot be used: {type(e).__name__}: {e} (its Plural-Forms?); its words are shown in English", header) from e
    return translations, problems


_TWO_FORMS = "nplurals=2; plural=(n != 1);"
"""gettext's reading of a catalog that does not say how its language counts."""


def _plural_categories(locale: Locale | None) -> list[str]:
    """The CLDR plural categories ``locale`` gives numbers below a million ("many" of
    French or Italian is for whole millions alone); [] when the CLDR does not know it."""
    found = [c for c, n in _plural_samples(locale).items() if n < 1_000_000] if locale is not None else []
    return sorted(found, key=_CATEGORIES.index)


_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
"""The CLDR's plural categories, in the order catalogs give their forms."""


def _missing_forms(forms: Sequence[str], needed: int) -> str | None:
    """Why a plural entry with ``forms`` falls short of the ``needed`` its catalog's
    Plural-Forms asks for, if it does (an entry with none is merely untranslated)."""
    given = sum(1 for text in forms[:needed] if text)
    if not given or given == needed:
        return None
    return f"has {given} of the {needed} plural forms the catalog's Plural-Forms header asks for (msgstr[0] to msgstr[{needed - 1}]); a missing one shows the last one given"


_PLACEHOLDER_RE = re.compile(r"%\((\w+)\)")


def placeholders(text: str) -> frozenset[str]:
    """The names of the values a message is given (``%(name)s``)."""
    return frozenset(_PLACEHOLDER_RE.findall(text))


_CONVERSION_RE = re.compile(r"%\((\w+)\)[#0\- +]*\d*(?:\.\d+)?([a-zA-Z])")


def _unusable(english: str | Sequence[str], translated: str | Sequence[str]) -> str | None:
    """Why a translation cannot be shown in place of ``english``, if it cannot: templates
    format every message with its values (``%(name)s``), and ``ngettext`` adds ``num``."""
    forms = (english,) if isinstance(english, str) else tuple(english)
    # Each value as the English takes it: text for %(name)s, a number for %(num)d (a
    # translation's %(name)d of a text would fail the page).
    values: dict[str, object] = {"num": 1} if len(forms) > 1 else {}
    for form in forms:
        for name, conversion in _CONVERSION_RE.findall(form):
            values.setdefault(name, "x" if conversion in "sr" else 1)
    for text in (translated,) if isinstance(translated, str) else translated:
        if not text:
            continue
        try:
            _ = text % values  # what rendering the page does with it
        except KeyError as e:
            return f"names a value the page does not give, %({e.args[0]})s"
        except (ValueError, TypeError) as e:
            return f"cannot be filled in ({e}): write a % sign as %%"
    return None

TRANSLATED = ("_", "gettext")
"""The functions that give a template's text in the site's language: what ``{% trans %}``
compiles to too (render._Translated translates calls of them when templates are compiled)."""

GETTEXT_FUNCTIONS = (*TRANSLATED, "ngettext", "plural_forms")
"""What marks a string for translation in a template (``plural_forms`` as ``ngettext``)."""


def template_sources(folder: Path) -> dict[str, str]:
    """The text of every template of the template folder ``folder``, by name: the pages' and
    the feed stylesheet's (feed.xsl); not the files copied as they are, nor the catalogs."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and path.suffix in (".html", ".xml", ".xsl", ".txt") and not name.startswith(NOT_TEMPLATES):
            found[name] = path.read_text(encoding="utf-8")
    return found


def template_messages(sources: dict[str, str]) -> Catalog:
    """A Babel Catalog of every string ``sources`` (template name -> text) mark for
    translation, with where each is, and of the words sitegen writes into articles' text
    (``TEXT_MESSAGES``): what ``locale/messages.pot`` holds."""
    import jinja2
    from babel.messages.catalog import Catalog

    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    catalog = Catalog(
        project="sitegen theme",
        version="1",
        fuzzy=False,
        header_comment="# Every string sitegen's default theme shows readers. To translate them, copy this file\n"
        "# to templates/locale/<language>.po (sitegen theme copy locale/messages.pot) and fill in each msgstr.\n#",
    )
    for name in sorted(sources):
        for line, _function, message in env.extract_translations(sources[name], gettext_functions=GETTEXT_FUNCTIONS):  # type: ignore[attr-defined]
            strings = tuple(m for m in message if m is not None) if isinstance(message, tuple) else (message,)
            catalog.add(strings[0] if len(strings) == 1 else strings, locations=[(name, line)])
    for message in TEXT_MESSAGES:
        catalog.add(message, auto_comments=[_TEXT_MESSAGE_COMMENTS[message]])
    return catalog


_TEXT_MESSAGE_COMMENTS = {
    NOTE_BACKLINK: "In an article's text, not a template: the title (tooltip) of the link from a footnote back to its mark, in the article's language.",
    CORRECTION: "The heading over an article's one correction, on its page and in its feed entries.",
    CORRECTIONS: "The heading over an article's corrections (two or more), on its page and in its feed entries.",
}
"""What each of ``TEXT_MESSAGES`` is, for its translators (it is in no template to look at)."""


CATALOG_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
"""The date the catalogs' headers give: fixed, so that updating them changes only what changed."""


def update_catalogs(folder: Path) -> list[Path]:
    """Write ``locale/messages.pot`` of the template folder ``folder`` from its templates,
    and bring each ``locale/*.po`` up to date with it: new strings untranslated, those gone
    dropped, translations kept. Returns the files written (``make messages``)."""
    from babel.messages.pofile import read_po

    template = template_messages(template_sources(folder))
    template.creation_date = template.revision_date = CATALOG_DATE
    written = [_write_catalog(folder / TEMPLATE, template)]
    for path in sorted((folder / LOCALE).glob("*.po")):
        with path.open("rb") as file:
            catalog = read_po(file, locale=path.stem.replace("-", "_"))
        catalog.update(template, update_creation_date=False)
        catalog.creation_date = catalog.revision_date = CATALOG_DATE
        written.append(_write_catalog(path, catalog))
    return written


def _write_catalog(path: Path, catalog: Catalog) -> Path:
    from babel.messages.pofile import write_po

    out = io.BytesIO()
    write_po(out, catalog, width=100, ignore_obsolete=True, include_previous=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())
    return path
