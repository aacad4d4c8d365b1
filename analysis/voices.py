"""Who voices each paragraph: the outlet itself, or someone it reports (a quotation or reported speech).

For every kept paragraph, two values:

- ``voice``: ``"attributed"`` when the paragraph carries an attribution cue, else ``"outlet"``
  (docs/labelling.md, section 6, defines both). The cues (data: ``data/voice_patterns.toml``, per
  language) are

  1. a reporting verb or speech act («گفت»، «افزود»، «اعلام کرد»، «قال»، «أضاف»، «أكد»…; Persian compound
     verbs as nouns × light-verb forms; «خواستار», demanding, whatever verb follows), unless its subject is
     the outlet itself, by name or as «خبرنگار ما»، «مراسلنا» (the outlet's own reporting, which a later verb with
     no subject goes on: «وقال مراسل الجزيرة إن … وأضاف أن …»), it is negated («لم يعلن»), or, in Arabic, it
     stands in the words a relay reports («نقلت وكالة تاس عن X قولها إن … وتدعو …»: X's words);
  2. a relay ("according to": «به گزارش»، «به نقل از»، «به گفته»، «وفق»، «نقلا عن»، «بحسب»…), unless it
     names the outlet itself («به گزارش خبرگزاری تسنیم» in a Tasnim article is the outlet's own voice);
  3. a quotation (« », " ", “ ”) of at least ``min_quote_words`` words that is not just an actor's
     name (a shorter one is a term the outlet quotes: «انقلاب رنگی»);
  4. a headline of the form "Speaker: words" (at most six words before the colon, naming an actor; or at most
     three words naming someone the file lacks, unless a country's or a large city's name (a dateline) or, in
     Arabic, a body paragraph's byline «بكين - وكالات:» stands there).

- ``speaker``: an actor id from the actors file (data: ``data/actors.toml``: id, label, kind and
  aliases in fa, ar and en), found in this order, the first that gives an actor winning:

  1. the subject of the first reporting verb that has one: in Persian (verb-final) the first
     actor named in the verb's sentence before the verb; in Arabic (verb-first) the first actor
     named after the verb within six words and before a complementiser («أن»، «إن»، «على»…) or a
     quotation, else the nearest actor before the verb in its sentence. An actor governed by a
     preposition, on itself or on its head noun («با خبرگزاری رویترز»، «لوكالة سبوتنيك»: spoken to), or
     named through an envoy or deputy («فرستاده ویژه دبیرکل»), or marked as an object («معترضان را»), is no
     subject; a title followed by a name in apposition is the person, and a Persian clause that opens with
     words the file lacks in apposition to it («جان کری، وزیر خارجه آمریکا، …») has them as its subject;
     a subject that quotes someone («رويترز، نقلا عن …»، «خبرگزاری فرانسه به نقل از …») gives the one quoted;
     a name the file lacks whose apposition names a group (``groups``: «فلان، منسق … وأحد منظمي المسيرة، …»،
     «فلانی، … و از گردانندگان تجمع، …») is one of the group and speaks as it (docs/labelling.md V4);
  2. the actor before the colon of a headline (else, when no verb has a subject, the words naming someone
     the file lacks there: «مادورو: …»);
  3. when no reporting verb has a subject of its own: the source named right after a relay (a wire
     agency, a ministry, a person), in a chain the original one («به گزارش ایرنا به نقل از خبرگزاری
     فرانسه»: AFP), and the one a source quotes («نقلت وكالة شينخوا عن X قوله»: X), named or not («عن شهود
     عيان»: words the file lacks, not Xinhua);
  4. the first actor named before the first cue, in its sentence;
  5. unless the verb's subject is words naming someone the file lacks («دومبویا گفت»، «وقال أحد السكان»;
     not a pronoun, an opener such as «في بيان», or an Arabic noun with its article): the previous kept
     paragraph's speaker in the same article (reported speech goes on over paragraphs: «وأضاف أن…»، «وی
     افزود…»), else the first actor named before the first cue;
  6. otherwise the raw words that name the speaker the file lacks (the first words of a Persian verb's
     clause, after any relay; after an Arabic verb up to a complementiser; after a relay up to its
     comma), or ``""`` (a quotation); a Persian «این خبرگزاری»، «این شبکه» (``back_references``) there is the
     source of the paragraph's last relay («به گزارش رویترز، … این خبرگزاری افزود»), else the previous speaker.

  A title names whoever held it at the article's date (``[[actor.title]]``: from, until, otherwise): held
  by someone the file lacks, its words are the raw speaker. The outlet's own actor (its name matched
  against the aliases) is never a speaker, and the words
  of a relay phrase are not searched for a verb's subject (in «به گزارش تسنیم به نقل از تاس، پوتین
  گفت» the speaker is Putin). ``""`` for an outlet-voiced paragraph.

Matching is done on :func:`analysis.text.matching_form` (letter variants, alef forms, diacritics
folded) with ZWNJs removed, as whole words; Arabic aliases may carry the clitics و ف ب ل ك (and
«لل» for an alias starting with «ال»), Arabic verbs و and ف. Overlapping aliases: the longest wins.

Pure functions over strings and DataFrames; only the two loaders read files.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from itertools import islice, takewhile
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from analysis.languages import ARABIC, PERSIAN
from analysis.text import ZWNJ, matching_form, matching_form_of_normalized, normalize

OUTLET = "outlet"
ATTRIBUTED = "attributed"
VOICES = (OUTLET, ATTRIBUTED)
KINDS = (
    "head of state",
    "government",
    "ministry",
    "military",
    "international organisation",
    "media",
    "opposition",
    "expert",
)
DEFAULT_ACTORS_PATH = resources.files("analysis") / "data" / "actors.toml"
DEFAULT_PATTERNS_PATH = resources.files("analysis") / "data" / "voice_patterns.toml"
_ALIAS_LANGUAGES = ("fa", "ar", "en")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SENTENCE_END = re.compile(r"[.!?؟;؛\n]")
_QUOTES = re.compile(r"«([^«»]*)»|\"([^\"]*)\"|“([^“”]*)”")
_ARABIC_STOP = re.compile(r"[«\"“:]")
_WORD = re.compile(r"[^\W_]+")
WINDOW_WORDS = 6
"""Arabic: how many words after a reporting verb the subject may be; relays: the source."""
RAW_SPAN_WORDS = 4
HEADLINE_WORDS = 6


class VoicesError(ValueError):
    """An actors or voice-patterns file is not usable; the message says why."""


@dataclass(frozen=True, eq=False)
class Title:
    """A title that names an actor while they hold it («وزیر خارجه آمریکا»: Blinken from 26 January 2021 to 20 January 2025).

    ``start`` and ``end`` (inclusive; ``None``: open) bound the tenure. In an article dated outside it the
    title names someone the file does not hold (a raw speaker), or ``otherwise`` (an actor id: «the Russian
    foreign ministry's spokeswoman» before Zakharova is the ministry, docs/labelling.md V4). An undated
    article's titles name their holders in the file.
    """

    aliases: Mapping[str, tuple[str, ...]]
    start: dt.date | None = None
    end: dt.date | None = None
    otherwise: str = ""

    def held_on(self, date: dt.date | None) -> bool:
        """Whether the title's holder held it on ``date`` (an unknown date: yes)."""
        return date is None or ((self.start is None or self.start <= date) and (self.end is None or date <= self.end))


@dataclass(frozen=True, eq=False)
class Actor:
    """Someone who may voice a frame: a person, an institution, a medium."""

    id: str
    label: str
    kind: str
    aliases: Mapping[str, tuple[str, ...]]
    titles: tuple[Title, ...] = ()


@dataclass(frozen=True, eq=False)
class VoicePatterns:
    """Attribution phrases per language (see ``data/voice_patterns.toml``)."""

    speech: Mapping[str, tuple[str, ...]]
    relay: Mapping[str, tuple[str, ...]]
    complementisers: Mapping[str, tuple[str, ...]]
    min_quote_words: int = 4
    self_references: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Phrases by which an outlet names itself without its name («خبرنگار ما»، «مراسلنا»)."""
    dependents: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Words that name someone else through the actor after them («فرستاده ویژه»، «مبعوث»): that actor does not speak."""
    heads: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Nouns an actor's name follows as its head («خبرگزاری»، «وكالة»): a preposition governs the actor through them."""
    openers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Words that open a clause before a comma without naming anyone («همچنین،»، «در همین حال،»)."""
    chants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Chant, slogan and placard phrases (speech phrases too): their words are the crowd's (``crowd``) unless an actor
    of the file is their subject («وهتفوا «كوري»»، «لافتات كتب عليها»)."""
    passives: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Speech phrases with no subject («يُذكر أن»، «قيل إن»، «گفته می‌شود»): an unnamed source, never the previous
    paragraph's speaker."""
    crowd: str = ""
    """The actor id a crowd's chants are voiced by (docs/labelling.md V2); empty: raw words, as any speaker."""
    back_references: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Arabic: words after a verb that may name the previous paragraph's speaker again («وأضاف المتحدث»)."""
    partitives: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Words of a part of a group («أحد»، «كثير»، «یکی»): the group after their «من» / «از» is the speaker («يرى كثير من
    المحتجين»، «یکی از معترضان گفت»), not governed by the preposition."""
    groups: tuple[str, ...] = ()
    """Actor ids that stand for a class of people (the crowd, experts): one of them named in apposition speaks as the
    class («فلان، أحد قادة الحراك»، «فلانی، مورخ پرتغالی»), not as a person the file lacks (docs/labelling.md V4)."""
    supporters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Phrases of a crowd for the authorities («هواداران دولت»، «المؤيد للحكومة»): its chants are not the crowd's."""
    addresses: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Phrases of speaking to a rally's crowd («مخاطبا الحشود»، «خطاب به جمعیت»): a speaker the actors file lacks who
    addresses the crowd speaks for the movement (``crowd``; docs/labelling.md V4: its organisers and leaders)."""
    participles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Arabic circumstantial participles («مضيفا»، «مشيرا إلى»; speech phrases too): the main verb's subject speaks
    them, so the words after them name no one new (a relay's source stays the speaker)."""


class Voice(NamedTuple):
    """A paragraph's voice (``outlet``/``attributed``), speaker (actor id, raw words or ``""``) and the cue found."""

    voice: str
    speaker: str
    cue: str = ""


# --------------------------------------------------------------------------------------------
# Loading the data files
# --------------------------------------------------------------------------------------------


def parse_actors(config: Mapping[str, object], source: str = "actors") -> tuple[Actor, ...]:
    """Actors from a parsed TOML mapping (``[[actor]]`` tables).

    Raises:
        VoicesError: a missing key, a bad or repeated id, an unknown kind, or no alias.
    """
    actors: list[Actor] = []
    seen: set[str] = set()
    entries = config.get("actor", [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise VoicesError(f"{source}: [[actor]] must be a list of tables (actor = [1, 2] is not)")
    for entry in entries:
        missing = [key for key in ("id", "label", "kind") if key not in entry]
        if missing:
            raise VoicesError(f"{source}: actor {entry.get('id', '?')!r} is missing {', '.join(missing)}")
        actor_id = str(entry["id"])
        if not _ID.match(actor_id) or actor_id in seen:
            raise VoicesError(f"{source}: actor id {actor_id!r} is repeated or not lowercase letters, digits and _")
        if entry["kind"] not in KINDS:
            raise VoicesError(f"{source}: actor {actor_id!r} has kind {entry['kind']!r}; use one of {list(KINDS)}")
        aliases = _aliases_of(entry)
        titles = tuple(_parse_title(title, f"{source}: actor {actor_id!r}") for title in _tables(entry.get("title", []), source))
        if not any(aliases.values()) and not titles:
            raise VoicesError(f"{source}: actor {actor_id!r} has no alias in fa, ar or en")
        seen.add(actor_id)
        actors.append(Actor(actor_id, str(entry["label"]), str(entry["kind"]), aliases, titles))
    for actor in actors:
        for title in actor.titles:
            if title.otherwise and title.otherwise not in seen:
                raise VoicesError(f"{source}: actor {actor.id!r} has a title whose otherwise = {title.otherwise!r} is no actor id")
    return tuple(actors)


def _aliases_of(entry: Mapping[str, object]) -> dict[str, tuple[str, ...]]:
    """An actor's or a title's aliases per language (fa, ar, en)."""
    aliases = {}
    for language in _ALIAS_LANGUAGES:
        listed = entry.get(language, [])
        aliases[language] = tuple(str(alias) for alias in listed) if isinstance(listed, list) else (str(listed),)
    return aliases


def _tables(value: object, source: str) -> list[Mapping[str, object]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise VoicesError(f"{source}: [[actor.title]] must be a list of tables")
    return value


def _parse_title(entry: Mapping[str, object], source: str) -> Title:
    """One ``[[actor.title]]`` table: aliases, ``from`` and ``until`` (dates, optional), ``otherwise`` (optional)."""
    bounds: list[dt.date | None] = []
    for key in ("from", "until"):
        value = entry.get(key)
        if isinstance(value, dt.datetime):
            value = value.date()
        elif isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                raise VoicesError(f"{source}: a title's {key} = {value!r} is not a date (YYYY-MM-DD)") from None
        if value is not None and not isinstance(value, dt.date):
            raise VoicesError(f"{source}: a title's {key} must be a date (YYYY-MM-DD)")
        bounds.append(value)
    start, end = bounds
    if start is not None and end is not None and end < start:
        raise VoicesError(f"{source}: a title's until ({end}) is before its from ({start})")
    aliases = _aliases_of(entry)
    if not any(aliases.values()):
        raise VoicesError(f"{source}: a title has no alias in fa, ar or en")
    return Title(aliases, start, end, str(entry.get("otherwise", "")))


def load_actors(path: str | Path | None = None) -> tuple[Actor, ...]:
    """Read an actors file (the packaged ``data/actors.toml`` by default)."""
    source = DEFAULT_ACTORS_PATH if path is None else Path(path)
    return parse_actors(tomllib.loads(source.read_text(encoding="utf-8")), str(source))


def parse_voice_patterns(config: Mapping[str, object]) -> VoicePatterns:
    """Voice patterns from a parsed TOML mapping (one table per language).

    A language's ``[[compound]]`` tables (``nouns`` and ``forms``) add every noun followed by every
    form to its speech phrases («تأکید» + «کرده است»).

    Raises:
        VoicesError: a compound without nouns or forms; ``groups`` not a list of actor ids.
    """
    tables = {language: table for language, table in config.items() if isinstance(table, dict)}

    def lists(key: str) -> dict[str, tuple[str, ...]]:
        return {language: tuple(str(phrase) for phrase in table.get(key, [])) for language, table in tables.items()}

    speech = lists("speech")
    chants, passives, participles = lists("chants"), lists("passive"), lists("participles")
    for language in {*chants, *passives, *participles}:  # speech phrases too, told apart by the phrase matched (_speech_kinds)
        speech[language] = speech.get(language, ()) + chants.get(language, ()) + passives.get(language, ()) + participles.get(language, ())
    for language, table in tables.items():
        for compound in table.get("compound", []):
            nouns, forms = compound.get("nouns", []), compound.get("forms", [])
            if not nouns or not forms:
                raise VoicesError(f"voice patterns: a [[{language}.compound]] needs nouns and forms")
            speech[language] += tuple(f"{noun} {form}" for noun in nouns for form in forms)
    return VoicePatterns(
        {language: tuple(dict.fromkeys(phrases)) for language, phrases in speech.items()},
        lists("relay"),
        lists("complementisers"),
        int(str(config.get("min_quote_words", 4))),
        lists("self"),
        lists("dependents"),
        lists("heads"),
        lists("openers"),
        chants,
        passives,
        str(config.get("crowd", "")),
        lists("back_references"),
        lists("partitives"),
        _actor_ids(config.get("groups", []), "groups"),
        lists("supporters"),
        lists("addresses"),
        participles,
    )


def _actor_ids(value: object, key: str) -> tuple[str, ...]:
    """A patterns file's list of actor ids.

    Raises:
        VoicesError: the value is not a list of strings.
    """
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise VoicesError(f"voice patterns: {key} must be a list of actor ids, not {value!r}")
    return tuple(value)


def load_voice_patterns(path: str | Path | None = None) -> VoicePatterns:
    """Read a voice-patterns file (the packaged ``data/voice_patterns.toml`` by default)."""
    source = DEFAULT_PATTERNS_PATH if path is None else Path(path)
    return parse_voice_patterns(tomllib.loads(source.read_text(encoding="utf-8")))


@cache
def default_actors() -> tuple[Actor, ...]:
    """The packaged actors, read once."""
    return load_actors()


@cache
def default_voice_patterns() -> VoicePatterns:
    """The packaged voice patterns, read once."""
    return load_voice_patterns()


# --------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------


def _form(text: str, language: str) -> str:
    """The text matched on: its matching form without ZWNJs (scraped Persian often lost them)."""
    return matching_form(text, language).replace(ZWNJ, "")


@lru_cache(maxsize=2**14)
def _word_form(word: str, language: str) -> str:
    """One word in matching form, remembered (the first words after verbs recur across paragraphs)."""
    return _form(word, language)


def _phrase_tokens(phrase: str, language: str) -> list[str]:
    return matching_form(phrase, language).replace(ZWNJ, " ").split()


def _article_absorbed(tokens: Sequence[str], language: str, prefix: str) -> bool:
    """Whether the phrase's pattern also matches with the first token's alef dropped («للكرملين»)."""
    return language == ARABIC and bool(prefix) and tokens[0].startswith("ال") and len(tokens[0]) > 2


_GAP = "…"
"""In a phrase, up to :data:`GAP_WORDS` words of the same sentence («خواستار … شد»: the object stands between)."""
GAP_WORDS = 8


def _phrase_pattern(phrase: str, language: str, *, prefix: str = "") -> str:
    tokens = _phrase_tokens(phrase, language)
    if not tokens:
        return ""
    gap = rf"(?:[^\s.!?؟؛]+\s+){{1,{GAP_WORDS}}}?"
    body = r"\s*".join(gap if token == _GAP else re.escape(token) for token in tokens)
    end = "" if len(tokens[-1]) == 1 and len(tokens) > 1 else r"(?!\w)"
    if _article_absorbed(tokens, language, prefix):
        # «للكرملين»: the preposition ل absorbs the article's alef.
        body = f"(?:{prefix}{body}|[وف]?ل{body[1:]})"
        return rf"(?<!\w){body}{end}"
    return rf"(?<!\w){prefix}{body}{end}"


@cache
def _phrases_source(phrases: tuple[str, ...], language: str, prefix: str) -> str:
    """One regular expression matching any of the phrases (``""`` when none makes a pattern)."""
    patterns = sorted(
        {pattern for phrase in phrases if (pattern := _phrase_pattern(phrase, language, prefix=prefix))}, key=len, reverse=True
    )
    # Every alternative starts with the same look-behind: written once in front, the engine tries the alternatives
    # only at word starts (the same matches, in the same order of preference).
    if patterns and all(pattern.startswith(_WORD_START) for pattern in patterns):
        return _WORD_START + "(?:" + "|".join(pattern.removeprefix(_WORD_START) for pattern in patterns) + ")"
    return "|".join(patterns)


@cache
def _compiled(source: str) -> re.Pattern[str]:
    return re.compile(source)


def _compiled_phrases(phrases: tuple[str, ...], language: str, prefix: str) -> re.Pattern[str] | None:
    source = _phrases_source(phrases, language, prefix)
    return _compiled(source) if source else None


_WORD_START = r"(?<!\w)"
_ALIAS_PREFIX = {ARABIC: "(?:[وف]?[بلك]?)"}
_VERB_PREFIX = {ARABIC: "(?:[وف]?)"}


def _phrase_literal(phrase: str, language: str, prefix: str) -> str:
    """A piece of text every match of the phrase's pattern contains (:func:`_phrase_pattern`): its last word, or,
    for one word whose alef the preposition may absorb, that word without its first letter."""
    tokens = _phrase_tokens(phrase, language)
    if len(tokens) == 1 and _article_absorbed(tokens, language, prefix):
        return tokens[0][1:]
    return tokens[-1] if tokens else ""


class _AliasEntry(NamedTuple):
    """One actor's names, or one of its titles, as a pattern (with pieces of text one of which any match contains)."""

    actor: str
    literals: tuple[str, ...]
    source: str
    title: Title | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        """The compiled pattern, made when first needed: most actors are named in few corpora (compiling them all
        took 0.25 s of a five-article run)."""
        return _compiled(self.source)

    def named(self, date: dt.date | None) -> str:
        """Who a match names in an article of ``date``: the actor; for a title not held then, ``otherwise`` or :data:`UNKNOWN`."""
        if self.title is None or self.title.held_on(date):
            return self.actor
        return self.title.otherwise or UNKNOWN

    def rank(self, date: dt.date | None) -> tuple[int, int]:
        """Which of several entries matching the same words wins (smallest first): names, then titles held (the
        latest holder first), then titles not held."""
        if self.title is None:
            return (0, 0)
        if self.title.held_on(date):
            return (1, -(self.title.start or dt.date.min).toordinal())
        return (2, 0)


@cache
def _alias_patterns(actors: tuple[Actor, ...], language: str) -> tuple[_AliasEntry, ...]:
    """Per actor: its names' entry, then one per title (aliases in ``language`` and English)."""
    result = []
    prefix = _ALIAS_PREFIX.get(language, "")
    for actor in actors:
        for title, aliases in [(None, actor.aliases), *((title, title.aliases) for title in actor.titles)]:
            phrases = (*aliases.get(language, ()), *aliases.get("en", ()))
            source = _phrases_source(tuple(phrases), language, prefix)
            if source:
                literals = tuple(sorted({_phrase_literal(phrase, language, prefix) for phrase in phrases} - {""}))
                result.append(_AliasEntry(actor.id, literals, source, title))
    return tuple(result)


@cache
def _alias_index(actors: tuple[Actor, ...], language: str) -> tuple[tuple[_AliasEntry, ...], tuple[str, ...]]:
    """:func:`_alias_patterns` and every literal of theirs once (each is looked for once per text)."""
    patterns = _alias_patterns(actors, language)
    return patterns, tuple(sorted({literal for entry in patterns for literal in entry.literals}))


class _Mention(NamedTuple):
    start: int
    end: int
    actor: str


_SELF = "\x00self"
"""The actor of a self-reference («خبرنگار ما»): the outlet, whether or not the actors file knows it; never a speaker."""
UNKNOWN = "\x00unknown"
"""The actor of a title whose holder at the article's date the file does not hold, or of words naming such a
speaker: a speaker found, reported as its raw words."""


def find_actors(text: str, language: str, actors: Sequence[Actor], date: dt.date | None = None) -> list[_Mention]:
    """Actors named in a text already in matching form: non-overlapping, longest first, in text order.

    A title names its holder at ``date`` (:meth:`Title.held_on`), else ``otherwise`` or :data:`UNKNOWN`. When
    several entries match the same words, names win over titles, a title held over one not held.

    An actor's pattern is only run on a text holding one of its literals (a plain substring test), and
    a mention is checked against its two neighbours among those chosen, not all of them: the same
    mentions, in linear time on long texts.
    """
    patterns, literals = _alias_index(tuple(actors), language)
    present = {literal for literal in literals if literal in text}
    found = [
        (_Mention(match.start(), match.end(), entry.named(date)), entry.rank(date))
        for entry in patterns
        if not present.isdisjoint(entry.literals)
        for match in entry.pattern.finditer(text)
    ]
    found.sort(key=lambda item: (item[0].start, -(item[0].end - item[0].start), item[1]))
    chosen: list[_Mention] = []  # non-overlapping and never empty (a pattern holds a word): sorted by start and by end
    for mention, _ in sorted(found, key=lambda item: (-(item[0].end - item[0].start), item[1])):
        at = bisect_left(chosen, mention.end, key=lambda other: other.start)  # chosen[:at] start before it ends
        if at == 0 or chosen[at - 1].end <= mention.start:
            chosen.insert(at, mention)
    return chosen


def outlet_actor(outlet: str, actors: Sequence[Actor]) -> str:
    """The actor id an outlet's name matches, or ``""``.

    The name holds an alias (``"Tasnim News Agency"`` → ``tasnim``, ``"RT Arabic"`` → ``rt``), or, failing
    that, it is the first words of an English alias or label, as outlets are often called short
    (``"Mehr"`` → ``mehr``, from "Mehr News Agency").
    """
    best = ("", 0)
    for language in (PERSIAN, ARABIC, "en"):
        text = _form(outlet, language)
        for mention in find_actors(text, language, actors):
            if mention.end - mention.start > best[1]:
                best = (mention.actor, mention.end - mention.start)
    short = outlet.casefold().split()
    if best[0] or len("".join(short)) < 3:  # not a bare "Al"
        return best[0]
    for actor in actors:
        if any(name.casefold().split()[: len(short)] == short for name in (actor.label, *actor.aliases.get("en", ()))):
            return actor.id
    return ""


# --------------------------------------------------------------------------------------------
# One paragraph
# --------------------------------------------------------------------------------------------


class _Cue(NamedTuple):
    kind: str  # speech, relay, quote, headline
    start: int
    end: int


def find_voice(
    text: str,
    language: str,
    *,
    actors: Sequence[Actor] | None = None,
    patterns: VoicePatterns | None = None,
    outlet: str = "",
    previous_speaker: str = "",
    date: dt.date | None = None,
) -> Voice:
    """A paragraph's voice and speaker (see the module docstring for the rules).

    Args:
        text: The paragraph (raw or normalised).
        language: ``fa`` or ``ar`` (any other language: always the outlet's voice).
        actors: The actors (the packaged file by default).
        patterns: The attribution patterns (the packaged file by default).
        outlet: The outlet's actor id (:func:`outlet_actor`): never a speaker, its relays not attributions.
        previous_speaker: The previous kept paragraph's speaker (an actor id) in the same article.
        date: The article's date: a title names whoever held it then (:class:`Title`); unknown: its holder in the file.
    """
    actors = default_actors() if actors is None else actors
    patterns = default_voice_patterns() if patterns is None else patterns
    found = _found_voice(text, language, actors, patterns, outlet, previous_speaker, date)
    if found.speaker and patterns.crowd and found.speaker not in _actor_ids_of(tuple(actors)):
        form = _form(text, language)
        addresses = _compiled_phrases(tuple(patterns.addresses.get(language, ())), language, _VERB_PREFIX.get(language, ""))
        supporters = _supporters(patterns, language)
        if addresses is not None and addresses.search(form) and not (supporters and supporters.search(form)):
            return found._replace(speaker=patterns.crowd)  # «وقال فلان مخاطبا الحشود»: the movement's own (not a rally for the authorities)
    return found


@cache
def _actor_ids_of(actors: tuple[Actor, ...]) -> frozenset[str]:
    return frozenset(actor.id for actor in actors)


def _found_voice(
    text: str,
    language: str,
    actors: Sequence[Actor],
    patterns: VoicePatterns,
    outlet: str,
    previous_speaker: str,
    date: dt.date | None,
) -> Voice:
    """:func:`find_voice` before a speaker the file lacks who addresses the crowd is taken for the crowd's own."""
    if language not in (PERSIAN, ARABIC):
        return Voice(OUTLET, "")
    normalized = normalize(text, language)
    base = normalized.replace(ZWNJ, "")
    form = matching_form_of_normalized(normalized).replace(ZWNJ, "")  # _form(text, language), normalising once
    if len(form) != len(base):  # lowercasing changed a length (rare Latin letters): spans from the folded text
        base = form
    relay = _compiled_phrases(tuple(patterns.relay.get(language, ())), language, _VERB_PREFIX.get(language, ""))
    relays = list(relay.finditer(form)) if relay else []
    speech = _compiled_phrases(tuple(patterns.speech.get(language, ())), language, _VERB_PREFIX.get(language, ""))
    speeches = [match for match in speech.finditer(form) if not _negated(form, match.start(), language)] if speech else []
    quotes = list(_QUOTES.finditer(form))
    colon = form.find(":")
    headline = colon > 0 and len(form[:colon].split()) <= HEADLINE_WORDS
    if not (relays or speeches or quotes or headline):  # no cue can be found: no actor needs looking for
        return Voice(OUTLET, "")
    all_mentions = find_actors(form, language, actors, date)
    own = {_SELF, outlet} - {""}  # the outlet itself: by its name, or by a phrase such as «خبرنگار ما»
    self_reference = _compiled_phrases(tuple(patterns.self_references.get(language, ())), language, _ALIAS_PREFIX.get(language, ""))
    if self_reference is not None:
        all_mentions = sorted([*all_mentions, *(_Mention(match.start(), match.end(), _SELF) for match in self_reference.finditer(form))])
    cues: list[_Cue] = []
    excluded: list[tuple[int, int]] = []
    relay_sources: dict[int, _Mention] = {}
    for match in relays:
        clause_end = _clause_end(form, match.end())
        # Persian: the source ends at the comma («به گفته وی، …»); Arabic: an apposition may follow it
        # («وفقا لرئيس المجلس، رئيس وزراء أرمينيا نيكول باشينيان»).
        window_end = _word_end(form, match.end(), WINDOW_WORDS)
        window_end = min(window_end, clause_end) if language == PERSIAN else window_end
        source = next((mention for mention in all_mentions if match.end() <= mention.start < window_end), None)
        if source is not None:
            source = _quoted_source(form, source, all_mentions, language, patterns)
        elif _relayer_before(form, match.start(), all_mentions):  # «خبرگزاری فرانسه به نقل از یک دیپلمات»: someone unnamed
            source = _unknown_after(form, match.end(), _source_end(form, match.end(), language, patterns))
        excluded.append((match.start(), clause_end))
        if source is not None and source.actor in own:
            continue
        cues.append(_Cue("relay", match.start(), match.end()))
        if source is not None:
            relay_sources[match.start()] = source
    unrelayed = [mention for mention in all_mentions if not any(start <= mention.start < end for start, end in excluded)]
    forms = _alias_forms(tuple(actors), tuple(patterns.self_references.get(language, ())), language)
    subjects = _speaking(form, language, unrelayed, forms, patterns)
    own_reporting = False
    for match in speeches:
        if any(start <= match.start() < end for start, end in excluded):
            continue
        cue = _Cue("speech", match.start(), match.end())
        subject = _subject(form, cue, subjects, language, patterns, excluded, all_mentions)
        if own and subject is not None and subject.actor in own:
            own_reporting = True
            continue  # the outlet's own reporting («خبرنگار ما گزارش داد»، «وقال مراسلنا»)
        if (
            own_reporting
            and subject is None
            and not _names_someone(_raw_span(base, form, cue, language, patterns), cue, language, patterns)
        ):
            continue  # and its reporting goes on («وقال مراسل الجزيرة إن … وأضاف أن …»)
        cues.append(cue)
    for match in quotes:
        quoted = next(group for group in match.groups() if group is not None)
        names_one_actor = any(mention.start <= match.start() + 1 and mention.end >= match.end() - 1 for mention in all_mentions)
        if len(_WORD.findall(quoted)) >= patterns.min_quote_words and not names_one_actor:
            cues.append(_Cue("quote", match.start(), match.end()))
    outside = [mention for mention in subjects if mention.actor not in own]
    headline_speaker = ""
    if headline and not any(match.end() <= colon for match in speeches):  # «وی افزود: …»: a verb's colon, no headline
        named = [mention for mention in outside if mention.end <= colon]
        if named:
            cues.append(_Cue("headline", 0, colon))
            headline_speaker = _named(named[0], base)
        elif name := _headline_name(base, form, colon, language):  # «گیورچانی: استعفا نمی‌دهم»، «مادورو: لن نسمح …»
            cues.append(_Cue("headline", 0, colon))
            headline_speaker = name
    if not cues:
        return Voice(OUTLET, "")
    cues.sort(key=lambda cue: cue.start)
    if language == ARABIC:  # «نقلت وكالة تاس عن زاخاروفا قولها إن موسكو … وتدعو الأطراف»: «تدعو» is Zakharova's words
        cues = [cue for cue in cues if cue.kind != "speech" or not _relayed_words(form, cue, cues, relay_sources)]
    first = cues[0]
    cue_text = base[first.start : first.end]
    kinds = _speech_kinds(
        tuple(patterns.chants.get(language, ())),
        tuple(patterns.passives.get(language, ())),
        tuple(patterns.participles.get(language, ())),
        language,
    )
    for cue in cues:
        if cue.kind != "speech":
            continue
        kind = _speech_kind(form[cue.start : cue.end], kinds)
        if kind == PASSIVE:  # «ويذكر أن»: no one named, no one continued; after a relay that names its source, that source
            if (relayer := _last_relay(cues, relay_sources, cue.start)) is not None:  # «به نقل از خبرگزاری فرانسه، … گزارش شده است»
                return Voice(ATTRIBUTED, _named(relay_sources[relayer.start], base), base[relayer.start : relayer.end])
            return Voice(ATTRIBUTED, "", base[cue.start : cue.end])
        subject = _subject(form, cue, outside, language, patterns, excluded, all_mentions)
        if kind == CHANT and patterns.crowd and (subject is None or subject.actor == UNKNOWN):
            if _for_the_authorities(form, cue, quotes, language, patterns):  # «هواداران دولت … شعار … سر دادند»
                return Voice(ATTRIBUTED, "", base[cue.start : cue.end])
            return Voice(ATTRIBUTED, patterns.crowd, base[cue.start : cue.end])  # the crowd's words (V2)
        if subject is not None:
            return Voice(ATTRIBUTED, _named(subject, base), base[cue.start : cue.end])
        if language == PERSIAN and (opening := _opening_apposition(form, cue, patterns)) is not None:
            return Voice(ATTRIBUTED, _named(opening, base), base[cue.start : cue.end])  # not a later verb's subject
        if language == ARABIC and _names_someone(_raw_span(base, form, cue, language, patterns), cue, language, patterns):
            if (titled := _subject_after_title(form, cue, outside, patterns)) is not None:
                return Voice(ATTRIBUTED, _named(titled, base), base[cue.start : cue.end])
            break  # «وقال زعيم المعارضة فيكتور أوربان، … مطالبا …»: a subject the file lacks, not a later verb's
    if headline_speaker:
        return Voice(ATTRIBUTED, headline_speaker, "headline")
    spoken = [cue for cue in cues if cue.kind == "speech"]
    # a relay's source is the speaker only when no verb of saying has a subject of its own (V4); an Arabic verb with no
    # word before its complementiser («وتدعو إلى») has none, nor has a participle («مشيرا إلى»); in a chain, the
    # original source
    clausal = [cue for cue in spoken if _speech_kind(form[cue.start : cue.end], kinds) != PARTICIPLE]
    no_subject = not clausal or (language == ARABIC and not any(_raw_span(base, form, cue, language, patterns) for cue in clausal))
    if no_subject and (relayer := _last_relay(cues, relay_sources, len(form) + 1)) is not None:
        return Voice(ATTRIBUTED, _named(relay_sources[relayer.start], base), base[relayer.start : relayer.end])
    before = [mention for mention in outside if _sentence_start(form, first.start) <= mention.start and mention.end <= first.start]
    if before:
        return Voice(ATTRIBUTED, _named(before[0], base), cue_text)
    raw_cue = spoken[0] if spoken else first
    relayed_until = max((end for start, end in excluded if end <= raw_cue.start), default=0)
    raw = _raw_span(base, form, raw_cue, language, patterns, relayed_until)
    if language == PERSIAN and _refers_back(raw, patterns):  # «به گزارش رویترز، … این خبرگزاری افزود»: Reuters
        if (relayer := _last_relay(cues, relay_sources, raw_cue.start)) is not None:
            return Voice(ATTRIBUTED, _named(relay_sources[relayer.start], base), cue_text)
        if previous_speaker:
            return Voice(ATTRIBUTED, previous_speaker, cue_text)
    if not _names_someone(raw, raw_cue, language, patterns):  # «وی افزود»: the speaker goes on; «دومبویا گفت»: someone new
        if previous_speaker:
            return Voice(ATTRIBUTED, previous_speaker, cue_text)
        earlier = [mention for mention in outside if mention.end <= first.start]
        if earlier:
            return Voice(ATTRIBUTED, _named(earlier[0], base), cue_text)
    return Voice(ATTRIBUTED, raw, cue_text)


_ARABIC_NEGATIONS = frozenset({"لم", "ولم", "فلم", "لن", "ولن"})
"""Arabic, in matching form: a verb of saying right after these is not said («في زيارة لم يعلن عنها»، «ولم يعلق»)."""


def _negated(form: str, start: int, language: str) -> bool:
    """Arabic: whether the word before ``start`` negates the verb there (:data:`_ARABIC_NEGATIONS`)."""
    before = form[max(0, start - 8) : start].split()
    return language == ARABIC and bool(before) and before[-1] in _ARABIC_NEGATIONS


_THAT = frozenset({"ان", "انه", "انها", "انهم", "بان"})
"""Arabic «أن»، «إن» and their forms with a pronoun or «ب», in matching form: what follows them is reported words."""


def _relayed_words(form: str, cue: _Cue, cues: Sequence[_Cue], relay_sources: Mapping[int, _Mention]) -> bool:
    """Arabic: whether a verb of saying stands in the words a relay reports: after a relay that names its source and
    an «أن»/«إن» in the same sentence («نقلت وكالة تاس عن المتحدثة … قولها إن موسكو تتابع … وتدعو جميع الأطراف»)."""
    start = _sentence_start(form, cue.start)
    return any(
        relay.kind == "relay"
        and relay.start in relay_sources
        and start <= relay.start < cue.start
        and any(word.group() in _THAT for word in _WORD.finditer(form, relay.end, cue.start))
        for relay in cues
    )


HEADLINE_NAME_WORDS = 3
"""At most this many words before a headline's colon name its speaker («انریله و راموس: …»، «رئيس الجمهورية: …»)."""
HEADLINE_CHARACTERS = 200
"""Arabic: a paragraph longer than this is no headline (its "Place - Agency:" opening is a byline)."""
_BYLINE_BEFORE = re.compile(r"\s[-–/]\s")
"""Arabic: a dash or slash before the colon makes it a byline («بكين - وكالات:»، «نيودلهي / الأناضول:»)."""
_BYLINE_AFTER = re.compile(r"\s*«[^»]*»\s*[-–]")
"""Arabic: an outlet quoted right after the colon, then a dash, makes it a byline («صوفيا: «الشرق الأوسط» - …»)."""


def _headline_name(base: str, form: str, colon: int, language: str) -> str:
    """The words before a short headline's colon, after a «؛» that opens it («شیلی در آتش؛ پینیرا: …»), when they can
    be a speaker the actors file lacks; else "". Not when they hold a digit, run over :data:`HEADLINE_NAME_WORDS`
    words or name a country («زامبيا: …» is a dateline, the outlet's); in Arabic, not in a paragraph longer than a
    headline, nor in a byline. News puts a speaker there («بوهاری: …»، «مادورو: …»); a topic goes before a «؛»."""
    start = form.rfind("؛", 0, colon) + 1
    words = _WORD.findall(form, start, colon)
    if not 1 <= len(words) <= HEADLINE_NAME_WORDS or any(word.isdigit() for word in words) or " ".join(words) in _places(language):
        return ""
    if language == ARABIC and (
        len(form) > HEADLINE_CHARACTERS or _BYLINE_BEFORE.search(form, start, colon) or _BYLINE_AFTER.match(form, colon + 1)
    ):
        return ""  # «بكين - وكالات: …»، «صوفيا: «الشرق الأوسط» - …»: a body paragraph's byline
    return _speaker_words(base[start:colon].split())


@cache
def _places(language: str) -> frozenset[str]:
    """Country and territory names in a language, in matching form, whole and before a qualifier («ميانمار (بورما)»،
    «الكونغو - برازافيل»، «هنگ‌کنگ، منطقهٔ ویژهٔ اداری چین»), with and without the Arabic article, and the cities
    that name time zones («يريفان»، «کابل»: capitals and large cities) (Unicode CLDR's names through Babel; countries
    and territories only, not regions, unions or test codes)."""
    from babel import Locale

    locale = Locale.parse(language)
    names = set()
    places = [name for code, name in locale.territories.items() if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES]
    places += [zone["city"] for zone in locale.time_zones.values() if zone.get("city")]
    for name in places:
        for variant in (name, re.split(r"\s*(?:\(|\s[-–]\s|،)", name)[0]):
            names.add(" ".join(_WORD.findall(matching_form(variant, language).replace(ZWNJ, ""))))
    if language == ARABIC:
        names |= {name.removeprefix("ال") for name in names} | {f"ال{name}" for name in names}
    return frozenset(names)


_NOT_COUNTRIES = frozenset({"UN", "EU", "EZ", "QO", "XA", "XB", "ZZ"})
"""CLDR's two-letter codes of no country: unions, Outlying Oceania, pseudo-locales, the unknown region."""


CHANT, PASSIVE, PARTICIPLE = "chant", "passive", "participle"


@cache
def _speech_kinds(chants: tuple[str, ...], passives: tuple[str, ...], participles: tuple[str, ...], language: str) -> dict[str, str]:
    """The chant, passive and participle phrases in matching form without spaces, each with its kind."""
    kinds: dict[str, str] = {}
    for kind, phrases in ((CHANT, chants), (PASSIVE, passives), (PARTICIPLE, participles)):
        kinds.update({"".join(_form(phrase, language).split()): kind for phrase in phrases})
    return kinds


def _speech_kind(matched: str, kinds: Mapping[str, str]) -> str:
    """Whether a matched speech phrase is a chant, a passive, a participle or none (""), with or without a conjunction (و، ف)."""
    key = "".join(matched.split())
    return kinds.get(key) or (kinds.get(key[1:], "") if key[:1] in ("و", "ف") else "")


def _subject_after_title(form: str, cue: _Cue, mentions: Sequence[_Mention], patterns: VoicePatterns) -> _Mention | None:
    """Arabic: an actor named after a verb beyond the subject's usual words, before the clause's comma or a
    complementiser (a long title before the name: «قال المفوض السامي للأمم المتحدة لشؤون اللاجئين أنطونيو غوتيريش،»)."""
    end = _complementiser_at(form, cue.end, _clause_end(form, cue.end), patterns)
    return next((mention for mention in mentions if cue.end <= mention.start < end), None)


def _supporters(patterns: VoicePatterns, language: str) -> re.Pattern[str] | None:
    """The phrases of a crowd for the authorities (``supporters``), compiled (once per list)."""
    return _compiled_phrases(tuple(patterns.supporters.get(language, ())), language, _ALIAS_PREFIX.get(language, ""))


def _for_the_authorities(form: str, cue: _Cue, quotes: Sequence[re.Match[str]], language: str, patterns: VoicePatterns) -> bool:
    """Whether a chant's sentence names a crowd for the authorities (``supporters``) outside the quotations (``quotes``,
    «مرگ بر حامیان دولت» is a slogan): its words are not the protesters'."""
    supporters = _supporters(patterns, language)
    if supporters is None:
        return False
    found = supporters.finditer(form, _sentence_start(form, cue.start), _sentence_end(form, cue.end))
    return any(not any(quote.start() <= match.start() < quote.end() for quote in quotes) for match in found)


def _names_someone(raw: str, cue: _Cue, language: str, patterns: VoicePatterns) -> bool:
    """Whether the words that would name a verb's subject (:func:`_raw_span`) name someone the actors file lacks rather
    than a pronoun or an opener: then the speaker is not the previous paragraph's. Persian: the clause's first word is
    no opener («وی»، «در ادامه»); Arabic: the first word after the verb is no opener, nor a role noun alone (a back
    reference: «وأضاف المتحدث» may be the same speaker; «وقال أحد السكان»، «وقالت الشرطة» are not). A relay's source
    words name someone the same way («حسبما أفادت صحيفة محلية»)."""
    if cue.kind not in ("speech", "relay") or not raw:
        return False
    words = [_word_form(word, language) for word in raw.split()[:2]]
    openers = _openers(patterns, language)
    if words[0] in openers or words[0].isdigit():
        return False
    back = words[0] in _forms_of(tuple(patterns.back_references.get(language, ())), language)
    return not (back and (len(words) == 1 or words[1] in openers))


_PERSIAN_PREPOSITIONS = frozenset({"به", "با", "از", "برای"})
_ARABIC_PREPOSITIONS = frozenset(
    {"في", "من", "الى", "على", "عن", "مع", "لدى", "امام", "ضد", "حول", "عبر", "نحو", "بين", "داخل", "خارج", "قرب", "تجاه", "ازاء"}
)
"""Arabic prepositions written apart (in matching form: alef folded), governing the noun after them."""
_PARTITIVE_OF = frozenset({"من", "از"})


def _apposition_closes(form: str, start: int) -> bool:
    """Persian: whether a comma closes an apposition within :data:`APPOSITION_CLOSE_WORDS` words after ``start``
    («تامارا لیچ، از برگزارکنندگان «کاروان آزادی»، در …»; not «پلیس، از معترضان خواست …»)."""
    return "،" in form[start : _word_end(form, start, APPOSITION_CLOSE_WORDS)]


@cache
def _pronoun_complementisers() -> frozenset[str]:
    """Arabic, in matching form: a complementiser with a pronoun right before a verb («وأنها تعتبر»): the verb's subject
    is that pronoun."""
    words = ("أنه", "أنها", "أنهم", "أنهما", "بأنه", "بأنها", "بأنهم", "لأنه", "لأنها", "لأنهم")  # «إنه» folds as «أنه»
    return frozenset(_word_form(f"{conjunction}{word}", ARABIC) for conjunction in ("", "و", "ف") for word in words)


_BUT = frozenset({"لكن", "ولكن"})
"""Arabic: «لكنّ» puts its subject in the oblique case («لكن منظمي الاحتجاجات قالوا»): a plural in «ين» after it may speak."""
_STATEMENT_OF = frozenset({"بيان", "بيانا", "وبيان"})
"""Arabic: a statement's author follows it with «ل» («بيان لوزارة الخارجية»، «بيان للبيت الأبيض»: of, not to)."""
_ISSUED = frozenset({"صادر", "الصادر", "صادره", "الصادره", "صادرا"})
"""Arabic, in matching form: «صادر عن» names a statement's author («بيان صادر عن وزارة الخارجية»: by, not about)."""


def _oblique_plural(text: str, names: frozenset[str]) -> bool:
    """Arabic: a masculine plural in «ين» (or «ي» before its complement) whose «ون» («و») form is an alias too
    («المتظاهرين» beside «المتظاهرون»): an object or a genitive («ووصف تشاوشيسكو المتظاهرين»، «مخاطبا منظمي الاحتجاجات»),
    never a verb's subject («وهتف المتظاهرون»)."""
    words = text.split()
    construct = len(words) > 1 and words[0].endswith("ي") and "".join([words[0][:-1] + "و", *words[1:]]) in names
    squeezed = "".join(words)
    return construct or (squeezed.endswith("ين") and squeezed[:-2] + "ون" in names)


_LOOK_BACK = 120
"""How many characters before a mention are read for the words that may govern it (two words at most are needed)."""


@cache
def _alias_forms(actors: tuple[Actor, ...], self_references: tuple[str, ...], language: str) -> dict[str, frozenset[str]]:
    """Per actor id (and :data:`_SELF`, :data:`UNKNOWN`), the aliases a mention of it may be (its language's and
    English, titles included: a title not held names the ``otherwise`` actor or :data:`UNKNOWN`) in matching form
    without spaces."""

    def squeezed(aliases: Mapping[str, tuple[str, ...]]) -> set[str]:
        return {"".join(_form(alias, language).split()) for alias in (*aliases.get(language, ()), *aliases.get("en", ()))}

    forms: dict[str, set[str]] = {actor.id: squeezed(actor.aliases) for actor in actors}
    forms[_SELF] = {"".join(_form(phrase, language).split()) for phrase in self_references}
    forms[UNKNOWN] = set()
    for actor in actors:
        for title in actor.titles:
            titled = squeezed(title.aliases)
            for holder in (actor.id, title.otherwise or UNKNOWN):
                forms.setdefault(holder, set()).update(titled)
    return {actor_id: frozenset(aliases) for actor_id, aliases in forms.items()}


def _speaking(
    form: str, language: str, mentions: Sequence[_Mention], forms: Mapping[str, frozenset[str]], patterns: VoicePatterns
) -> list[_Mention]:
    """The mentions that may be the subject of a verb of saying.

    Not governed by a preposition, on the mention or on its head noun (``heads``: «خبرگزاری رویترز»،
    «لوكالة سبوتنيك»): Persian, none of به با از برای before it; Arabic, no ب ل ك attached (the mention is
    an alias with و or ف at most) and no preposition word before it: «به خبرنگار ما گفت»، «در گفت‌وگو با خبرگزاری
    رویترز»، «لمراسلنا»، «للجزيرة»: someone spoke to them; «بين المتظاهرين»، «مع المحتجين»: they are spoken of. A
    part of a group is the group (``partitives``: «كثير من المحتجين»، «یکی از معترضان»). And not the complement of a
    word that names someone else through them (``dependents``: «فرستاده ویژه دبیرکل»، «مبعوث الأمين العام»: the envoy
    speaks, not the Secretary-General).
    """
    dependents, heads = _dependents_pattern(patterns, language), _heads(patterns, language)
    partitives = _forms_of(tuple(patterns.partitives.get(language, ())), language)
    prepositions = _PERSIAN_PREPOSITIONS if language == PERSIAN else _ARABIC_PREPOSITIONS
    found = []
    for mention in mentions:
        before = form[max(0, mention.start - _LOOK_BACK) : mention.start].split()
        head = _head_preposition(before[-1], heads, language) if before else None
        if head is not None:  # «خبرگزاری رویترز»، «لوكالة سبوتنيك»: read on the head noun
            before = before[:-1]
            governed = head
        else:
            text = "".join(form[mention.start : mention.end].split())
            names = forms.get(mention.actor, frozenset())
            governed = language == ARABIC and text not in names and not (text[:1] in ("و", "ف") and text[1:] in names)
            governed = governed and not (before and before[-1] in _STATEMENT_OF and text[:1] == "ل")  # «بيان لوزارة الخارجية»: its author
        issued_by = language == ARABIC and len(before) >= 2 and before[-1] == "عن" and before[-2] in _ISSUED  # «بيان صادر عن …»: its author
        of_group = (
            len(before) >= 2
            and before[-1] in _PARTITIVE_OF
            and (
                before[-2] in partitives
                or (language == PERSIAN and (before[-2].endswith("،") or before[-2] == "و") and _apposition_closes(form, mention.end))
            )
        )  # «كثير من المحتجين»، «یکی از معترضان»; in an apposition: «تامارا لیچ، از برگزارکنندگان «…»، …»، «… و از
        # گردانندگان تجمع، …» (one of them)
        after_preposition = bool(before) and before[-1] in prepositions and not (of_group or issued_by)
        if language == PERSIAN:
            governed = after_preposition or form[mention.end :].split(maxsplit=1)[:1] == ["را"]  # «معترضان را»: the object
        else:
            # «أحد المحتجين»، «أحد منظمي الاحتجاجات»; after a conjunction too («… وأحد منسقي الاحتجاجات»)
            in_group = of_group or (
                bool(before) and (before[-1] in partitives or (before[-1][:1] in ("و", "ف") and before[-1][1:] in partitives))
            )
            after_but = bool(before) and before[-1] in _BUT  # «لكن منظمي الاحتجاجات قالوا»: لكنّ's subject
            oblique = _oblique_plural(form[mention.start : mention.end], forms.get(mention.actor, frozenset()))
            governed = governed or after_preposition or (oblique and not (in_group or after_but))
        if governed:
            continue
        if dependents is not None and dependents.search(form[max(0, mention.start - 40) : mention.start].rstrip() + " "):
            continue
        found.append(mention)
    return found


def _head_preposition(word: str, heads: frozenset[str], language: str) -> bool | None:
    """Whether a head noun carries a preposition (Arabic «لوكالة»، «بالقناة»: True; «وكالة»، «ووكالة»: False); None
    when the word is no head noun. Persian heads carry none (the preposition is the word before)."""
    if language != ARABIC:
        return False if word in heads else None
    for conjunction in ("", "و", "ف"):
        rest = word.removeprefix(conjunction) if conjunction else word
        if conjunction and rest == word:
            continue
        if rest in heads:
            return False
        for preposition in ("ب", "ل", "ك"):
            if rest.startswith(preposition) and rest[1:] in heads:
                return True
        if rest.startswith("لل") and "ا" + rest[1:] in heads:
            return True
    return None


_NO_WORD = ' ،,«»"“”'
"""What may stand between a name and the phrase after it without a word between them (spaces, commas, quotes)."""

_QUOTING = {
    ARABIC: re.compile(r"(?<!\w)(?:نقلا\s+)?عن(?!\w)"),
    PERSIAN: re.compile(r"(?<!\w)(?:به\s+نقل\s+از|از\s+قول)(?!\w)"),
}
"""What follows a source that quotes someone else («نقلت وكالة شينخوا عن …»، «خبرگزاری فرانسه به نقل از …»)."""


def _quoted_source(
    form: str, source: _Mention, mentions: Sequence[_Mention], language: str, patterns: VoicePatterns, *, relayed: bool = True
) -> _Mention:
    """The one a source quotes right after it («نقلت وكالة شينخوا عن المتحدث … وانغ ون بين قوله»): an actor named
    within a few words (the person, when a title is followed by a name), else the words that name someone the file
    lacks («عن شهود عيان»); the source itself when it quotes no one.

    A relay's source quotes with «عن» within two words («نقلت وكالة سبوتنيك الروسية عن …»); the subject of a verb
    only with an explicit phrase right after it («رويترز، نقلا عن …»، «خبرگزاری فرانسه به نقل از …»): a bare «عن»
    after a subject is mostly "about" («أعرب بوتين عن قلقه»).
    """
    quoting = _QUOTING.get(language)
    near = quoting.search(form, source.end, _word_end(form, source.end, 3)) if quoting is not None else None
    if near is None:
        return source
    between = form[source.end : near.start()].strip(_NO_WORD)
    explicit = near.group().split()[0] != "عن"
    if (relayed and len(between.split()) > 1) or (not relayed and (between or not explicit)):
        return source
    end = _word_end(form, near.end(), WINDOW_WORDS)
    quoted = next((mention for mention in mentions if near.end() <= mention.start < end), None)
    if quoted is not None:
        return _apposed(quoted, mentions, form)
    return _unknown_after(form, near.end(), _source_end(form, near.end(), language, patterns)) or source


def _source_end(form: str, start: int, language: str, patterns: VoicePatterns) -> int:
    """Where the words naming a relayed or quoted source end: the clause's comma; in Arabic also a complementiser."""
    end = _clause_end(form, start)
    return min(end, _arabic_subject_end(form, start, patterns)) if language == ARABIC else end


def _relayer_before(form: str, start: int, mentions: Sequence[_Mention]) -> bool:
    """Whether an actor is named right before a relay phrase («خبرگزاری فرانسه به نقل از»، «رويترز» نقلا عن): it relays."""
    nearest = max((mention for mention in mentions if mention.end <= start), key=lambda mention: mention.end, default=None)
    return nearest is not None and not form[nearest.end : start].strip(_NO_WORD)  # a farther one has the nearer between


def _unknown_after(form: str, start: int, end: int) -> _Mention | None:
    """Words from ``start`` (at most :data:`RAW_SPAN_WORDS`, before ``end``) naming a speaker the file lacks; None if none."""
    words = list(islice(_WORD.finditer(form, start, end), RAW_SPAN_WORDS))
    return _Mention(words[0].start(), words[-1].end(), UNKNOWN) if words else None


def _named(mention: _Mention, base: str) -> str:
    """A speaker as reported: the actor id, or the raw words of a speaker the file lacks."""
    return mention.actor if mention.actor != UNKNOWN else _speaker_words(base[mention.start : mention.end].split())


def _speaker_words(words: Iterable[str]) -> str:
    """Words naming a speaker the file lacks, as reported: without the punctuation around them."""
    return " ".join(word.strip('،,.:«»"“”()') for word in words).strip()


@cache
def _dependents_compiled(phrases: tuple[str, ...], language: str) -> re.Pattern[str] | None:
    patterns = [pattern for phrase in phrases if (pattern := _phrase_pattern(phrase, language))]
    return re.compile("(?:" + "|".join(patterns) + r")\s*$") if patterns else None


@cache
def _forms_of(words: tuple[str, ...], language: str) -> frozenset[str]:
    """Words of a patterns list in matching form (made once per list)."""
    return frozenset(_form(word, language) for word in words)


def _heads(patterns: VoicePatterns, language: str) -> frozenset[str]:
    """The head nouns of ``patterns`` in matching form."""
    return _forms_of(tuple(patterns.heads.get(language, ())), language)


def _openers(patterns: VoicePatterns, language: str) -> frozenset[str]:
    """The words of ``patterns`` that open a clause without naming anyone, in matching form."""
    return _forms_of(tuple(patterns.openers.get(language, ())), language)


def _dependents_pattern(patterns: VoicePatterns, language: str) -> re.Pattern[str] | None:
    """A pattern matching text that ends with a word naming someone else through the next actor (an envoy)."""
    return _dependents_compiled(tuple(patterns.dependents.get(language, ())), language)


def _apposed(mention: _Mention, mentions: Sequence[_Mention], form: str) -> _Mention:
    """The name that follows a title in apposition («المتحدثة باسم الخارجية الروسية ماريا زاخاروفا»), else the mention."""
    following = next((other for other in mentions if other.start >= mention.end), None)
    if following is not None and not form[mention.end : following.start].strip(" ،,"):
        return following
    return mention


def _subject(
    form: str,
    cue: _Cue,
    mentions: Sequence[_Mention],
    language: str,
    patterns: VoicePatterns,
    excluded: Sequence[tuple[int, int]],
    quotable: Sequence[_Mention],
) -> _Mention | None:
    """The subject of a verb of saying among the mentions that may speak (:func:`_speaking`), or None.

    Persian: the first named in the verb's sentence before it, unless the clause opens with words naming
    someone the file lacks, in apposition («جان کری، وزیر خارجه آمریکا، …»). Arabic: the first named after
    the verb (before a complementiser), else the nearest before it. A subject that quotes someone («رويترز نقلا
    عن …») gives the one quoted: an actor among ``quotable`` (every mention, those after a preposition too), else
    the words after the phrase.
    """
    sentence_start = _sentence_start(form, cue.start)
    before = [mention for mention in mentions if sentence_start <= mention.start and mention.end <= cue.start]
    if language == PERSIAN:
        if not before:
            return None
        clause_start = max([sentence_start, *(end for start, end in excluded if end <= before[0].start)])
        while form.startswith(("،", ",", " "), clause_start):  # a relay's clause ends on its comma («به گزارش تسنیم، …»)
            clause_start += 1
        named = _unnamed_apposition(form, clause_start, before[0], patterns) or _apposed(before[0], mentions, form)
    else:
        stop = _arabic_subject_end(form, cue.end, patterns)
        after = [mention for mention in mentions if cue.end <= mention.start < stop]
        pluperfect = _pluperfect_subject(form, cue.start, sentence_start)
        if pluperfect is not None:  # «وكان البيت الأبيض قد أكد»: the subject stands between «كان» and «قد»
            start, end = pluperfect
            inside = [mention for mention in mentions if start <= mention.start and mention.end <= end]
            if inside:
                named = _apposed(inside[0], mentions, form)
            elif start < end:
                return _Mention(start, end, UNKNOWN)
            else:
                return None
        elif (group := _group_in_apposition(form, cue.end, mentions, patterns)) is not None:
            named = group  # «واتهم سيرغي أودالتسوف، منسق "الجبهة اليسارية" وأحد منظمي المسيرة، …»: one of the movement (V4)
        elif after:
            named = _apposed(after[0], mentions, form)
            if named is after[0]:
                named = _named_member(form, cue.end, named, stop, mentions, patterns)
            # a title someone the file lacks held: with the name that follows it («… جون كيري»), unless a comma ends the name
            if named.actor == UNKNOWN and not form.startswith("،", named.end):
                named = named._replace(end=max(named.end, min(stop, _word_end(form, named.end, 2))))
        elif before:
            named = before[-1]
        else:
            return None
    return _quoted_source(form, named, quotable, language, patterns, relayed=False) if named.actor != UNKNOWN else named


MEMBER_NAME_WORDS = 3
"""Arabic: at most this many words after a body («المتحدث باسم» + the body) are the name of the one who speaks for it."""


def _named_member(form: str, verb_end: int, body: _Mention, stop: int, mentions: Sequence[_Mention], patterns: VoicePatterns) -> _Mention:
    """Arabic: someone of a body named after it («المتحدثة باسم وزارة الخارجية الأمريكية فيكتوريا نولاند»، «رئيس
    المفوضية الأوروبية جوزيه مانويل باروسو») speaks as someone the file lacks (docs/labelling.md V4: only an unnamed
    spokesperson is the body), else the body."""
    if body.actor in patterns.groups:  # «لين في فان، أحد قادة الحراك»: the movement speaks through its own (V4)
        return body
    heads = _heads(patterns, ARABIC)  # «وكالة رويترز»: the head noun and the name are one body, not a role in it
    role = [word for word in form[verb_end : body.start].split() if _head_preposition(word, heads, ARABIC) is None]
    if not role and "باسم" not in form[body.start : body.end].split():  # «المتحدثة باسم»، «رئيس»; «باسم» in a title
        return body
    if (named := _name_before_comma(form, verb_end, body.start, patterns)) is not None:
        return named  # «وقالت فلورانس مارشال، المتحدثة باسم بعثة الأمم المتحدة»
    stop = max(stop, _arabic_subject_end(form, body.end, patterns))  # the name may run past the verb's window
    words = list(islice(_WORD.finditer(form, body.end, stop), MEMBER_NAME_WORDS + 1))
    name = list(takewhile(lambda word: _name_word(word.group(), patterns), words))
    if not name or len(name) > MEMBER_NAME_WORDS or form[body.end : name[0].start()].strip(" ،,"):
        return body
    if any(body.end <= mention.start < name[-1].end() for mention in mentions):  # «… دميتري بيسكوف»: in the file
        return next(mention for mention in mentions if body.end <= mention.start)
    first = _WORD.search(form, verb_end)  # «المتحدثة باسم …» from its first word
    return _Mention(first.start() if first else body.start, name[-1].end(), UNKNOWN)


GROUP_APPOSITION_SPAN = 16
"""Arabic: at most this many words of a name's apposition are searched for the group its bearer belongs to."""


def _group_in_apposition(form: str, verb_end: int, mentions: Sequence[_Mention], patterns: VoicePatterns) -> _Mention | None:
    """Arabic: a group named in the apposition of a name the file lacks right after a verb («واتهم سيرغي أودالتسوف، منسق
    "الجبهة اليسارية" وأحد منظمي المسيرة، …»): one of the group speaks as the group (docs/labelling.md V4), else None."""
    sentence_end = _sentence_end(form, verb_end)
    comma = form.find("،", verb_end, sentence_end)
    if comma < 0 or _name_before_comma(form, verb_end, comma + 1, patterns) is None:
        return None
    closing = form.find("،", comma + 1, sentence_end)
    end = min(closing if closing >= 0 else sentence_end, _word_end(form, comma + 1, GROUP_APPOSITION_SPAN))
    return next(
        (mention for mention in mentions if comma < mention.start and mention.end <= end and mention.actor in patterns.groups), None
    )


def _name_before_comma(form: str, start: int, end: int, patterns: VoicePatterns) -> _Mention | None:
    """Arabic: a name the file lacks right after a verb, before a comma that opens its apposition («فلورانس مارشال،
    المتحدثة باسم …»): at most :data:`MEMBER_NAME_WORDS` words, none with the article, an opener or a digit."""
    comma = form.find("،", start, end)
    if comma < 0:
        return None
    words = list(_WORD.finditer(form, start, comma))
    if not 1 <= len(words) <= MEMBER_NAME_WORDS or not all(_name_word(word.group(), patterns) for word in words):
        return None
    return _Mention(words[0].start(), words[-1].end(), UNKNOWN)


_DEMONSTRATIVES = frozenset({"ما", "هذا", "هذه", "ذلك", "تلك", "هؤلاء"})
"""Arabic words that open an object, never a name («وصفت المتحدثة باسم الخارجية الروسية ما يجري»، «ونفت … هذه الاتهامات»)."""


def _name_word(word: str, patterns: VoicePatterns) -> bool:
    """Arabic: whether a word may be part of a person's name: no article, no opener, no number, no head noun («لوكالة»),
    no demonstrative."""
    return not (
        word.startswith("ال")
        or word in _DEMONSTRATIVES
        or word in _openers(patterns, ARABIC)
        or word.isdigit()
        or _head_preposition(word, _heads(patterns, ARABIC), ARABIC) is not None
    )


_ARABIC_WAS = frozenset({"كان", "كانت", "كانوا", "وكان", "وكانت", "وكانوا", "فكان", "فكانت"})
_PLUPERFECT_WORDS = 8
"""Arabic: at most this many words between «كان» and «قد» (the subject of «وكان … قد قال»)."""


def _pluperfect_subject(form: str, verb_start: int, sentence_start: int) -> tuple[int, int] | None:
    """Arabic «كان» + subject + «قد» + verb («وكان البيت الأبيض قد أكد»، «وكانت وكالة يونهاب قد ذكرت»): the span
    between «كان» and «قد» (empty in «وكان قد قال»: a pronoun), or None when the verb is not in that form."""
    words = list(_WORD.finditer(form, max(sentence_start, verb_start - _LOOK_BACK), verb_start))
    if not words or words[-1].group() != "قد":
        return None
    for index in range(len(words) - 2, max(-1, len(words) - 3 - _PLUPERFECT_WORDS), -1):
        if words[index].group() in _ARABIC_WAS:
            return words[index].end(), (words[-1].start() if index < len(words) - 2 else words[index].end())
    return None


APPOSITION_NAME_WORDS = 4
"""Persian: at most this many words before a comma that opens a clause are a name in apposition with what follows."""
APPOSITION_WORDS = 10
"""Persian: at most this many words between the two commas of an apposition («صالح، رئیس‌جمهور یمن، …»)."""
APPOSITION_CLOSE_WORDS = 8
"""Persian: at most this many words after a group's name before the comma that closes its apposition («، از
برگزارکنندگان کمپین «…» (…)، …»)."""
GROUP_APPOSITION_WORDS = 14
"""Persian: at most this many words between a name's comma and a group's name make the name one of the group."""


def _unnamed_apposition(form: str, clause_start: int, mention: _Mention, patterns: VoicePatterns) -> _Mention | None:
    """Persian: the words opening a clause before a comma, when they name someone the file lacks and the actor
    after the comma stands in apposition to them («جان کری، وزیر خارجه آمریکا»، «میشل باشله، کمیسر عالی … سازمان ملل»).

    The apposition may close with a second comma before the actor («علی عبدالله صالح، رئیس‌جمهور یمن، … از کشته
    شدن معترضان … مدعی شد»: Saleh speaks), when at most :data:`APPOSITION_WORDS` words stand between the commas and
    some words between the second comma and the actor (else it is a list). Not when those words open the clause
    otherwise (``openers``: «در همین حال،»، «همچنین،»), hold a number or another actor, or when more than
    :data:`APPOSITION_NAME_WORDS` words stand before the comma.
    """
    segment = form[clause_start : mention.start]
    comma = segment.find("،")
    if comma < 0:
        return None
    closing = segment.find("،", comma + 1)  # the apposition closed before the actor («… صالح، رئیس‌جمهور یمن، …»)
    if closing >= 0 and (
        "،" in segment[closing + 1 :] or not segment[closing + 1 :].split() or len(segment[comma + 1 : closing].split()) > APPOSITION_WORDS
    ):
        return None  # a third comma, or the actor right after the second: a list («کارگران، دانشجویان، معترضان گفتند»)
    if closing < 0 and mention.actor in patterns.groups and len(segment[comma + 1 :].split()) <= GROUP_APPOSITION_WORDS:
        return None  # «یوراژ شلیگا، دانشجو و یکی از برگزارکنندگان تجمع»: one of the group speaks as the group (V4)
    words = list(_WORD.finditer(form, clause_start, clause_start + comma))
    openers = _openers(patterns, PERSIAN)
    if not 1 <= len(words) <= APPOSITION_NAME_WORDS or words[0].group() in openers or any(word.group().isdigit() for word in words):
        return None
    return _Mention(words[0].start(), words[-1].end(), UNKNOWN)


def _last_relay(cues: Sequence[_Cue], relay_sources: Mapping[int, _Mention], before: int) -> _Cue | None:
    """The last relay starting before ``before`` that names its source (in a chain, «به گزارش ایرنا به نقل از خبرگزاری
    فرانسه», the original source's), or None; ``cues`` in text order."""
    return next((cue for cue in reversed(cues) if cue.start < before and cue.kind == "relay" and cue.start in relay_sources), None)


def _refers_back(raw: str, patterns: VoicePatterns) -> bool:
    """Persian: whether a verb's clause opens with a phrase naming a medium named before (``back_references``: «این
    خبرگزاری»، «این شبکه»)."""
    words = [_word_form(word, PERSIAN) for word in raw.split()[:2]]
    return " ".join(words) in _forms_of(tuple(patterns.back_references.get(PERSIAN, ())), PERSIAN)


def _opening_apposition(form: str, cue: _Cue, patterns: VoicePatterns) -> _Mention | None:
    """Persian: the name that opens a verb's sentence, its apposition closed by a second comma («تمام سلام، نخست‌وزیر
    لبنان، روز یکشنبه … هشدار داد»): someone the file lacks speaks, whatever a later verb's subject."""
    start = _sentence_start(form, cue.start)
    if form.count("،", start, cue.start) < 2:
        return None
    return _unnamed_apposition(form, start, _Mention(cue.start, cue.end, UNKNOWN), patterns)


_CLOSING_QUOTE = {"«": "»", '"': '"', "“": "”"}


def _arabic_subject_end(form: str, start: int, patterns: VoicePatterns) -> int:
    """Where an Arabic verb's subject may end: a complementiser, a colon or quotation, a sentence end, or
    :data:`WINDOW_WORDS` words. A name quoted after its head noun («وكالة "رويترز"»، «صحيفة «الأهرام»») is part of it."""
    end = _word_end(form, start, WINDOW_WORDS)
    punctuation = _ARABIC_STOP.search(form, start, end)
    heads = _heads(patterns, ARABIC)
    while punctuation and punctuation.group() in _CLOSING_QUOTE:
        words_before = form[start : punctuation.start()].split()
        closing = form.find(_CLOSING_QUOTE[punctuation.group()], punctuation.end(), end + 1)
        if not words_before or _head_preposition(words_before[-1], heads, ARABIC) is None or closing < 0:
            break
        end = max(end, _word_end(form, closing + 1, 1))  # the quoted name does not use up the window
        punctuation = _ARABIC_STOP.search(form, closing + 1, end)
    if punctuation:
        end = punctuation.start()
    complementiser = _complementiser_at(form, start, end, patterns)
    if complementiser < end:
        return complementiser
    sentence = _SENTENCE_END.search(form, start, end)
    return sentence.start() if sentence else end


def _complementiser_at(form: str, start: int, end: int, patterns: VoicePatterns) -> int:
    """Arabic: where the first complementiser between ``start`` and ``end`` is («أن»، «إلى»; not the «من» of a part of a
    group, «أحد من», nor the «عن» of a statement's author, «صادر عن»), else ``end``."""
    complementisers = _complementiser_forms(tuple(patterns.complementisers.get(ARABIC, ())))
    partitives = _forms_of(tuple(patterns.partitives.get(ARABIC, ())), ARABIC)
    previous = ""
    for word in _WORD.finditer(form, start, end):
        of_group = word.group() in _PARTITIVE_OF and previous in partitives
        if word.group() in complementisers and not (of_group or (word.group() == "عن" and previous in _ISSUED)):
            return word.start()
        previous = word.group()
    return end


@cache
def _complementiser_forms(words: tuple[str, ...]) -> frozenset[str]:
    """The Arabic complementisers in matching form (made once, not at every verb)."""
    return frozenset(_form(word, ARABIC) for word in words)


def _sentence_start(form: str, position: int) -> int:
    """Where the sentence holding ``position`` starts: just after the last sentence end before it, else 0."""
    ends = _sentence_ends(form)
    at = bisect_right(ends, position)
    return ends[at - 1] if at else 0


def _sentence_end(form: str, position: int) -> int:
    """Where the sentence holding ``position`` ends: just after the first sentence end after it, else the text's end."""
    ends = _sentence_ends(form)
    at = bisect_right(ends, position)
    return ends[at] if at < len(ends) else len(form)


@lru_cache(maxsize=4)
def _sentence_ends(form: str) -> list[int]:
    """The positions just after each sentence end of a text, found once per text (a long paragraph asks at every
    mention and cue)."""
    return [match.end() for match in _SENTENCE_END.finditer(form)]


def _clause_end(form: str, start: int) -> int:
    """Where a relay phrase ends: the next comma (Persian or Latin) or sentence end, else a window of words."""
    match = re.compile(r"[،,.!?؟:]").search(form, start)
    return match.start() if match else _word_end(form, start, WINDOW_WORDS + 2)


def _word_end(form: str, start: int, words: int) -> int:
    end = start
    for match in islice(_WORD.finditer(form, start), words):  # the first words only (not every word to the text's end)
        end = match.end()
    return end


def _raw_span(base: str, form: str, cue: _Cue, language: str, patterns: VoicePatterns, relayed_until: int = 0) -> str:
    """The words that name a speaker the actors file lacks: Persian, the first words of the verb's clause (the
    subject comes first), after a relay that opens it; Arabic, the words after the verb; a relay, its source."""
    if cue.kind == "quote":
        return ""
    if cue.kind == "speech" and language == PERSIAN:
        start = max(_sentence_start(base, cue.start), relayed_until)
        clause = base[start : cue.start].lstrip(" ،,:")
        opening, comma, rest = clause.partition("،")  # «در مقابل، سرهنگ …، سخنگوی پلیس …»: after the opening words
        first = opening.split()[:1]
        if (
            comma
            and first
            and len(opening.split()) <= APPOSITION_NAME_WORDS
            and _word_form(first[0], language) in _openers(patterns, language)
        ):
            clause = rest
        words = clause.split()[:RAW_SPAN_WORDS]
    elif cue.kind == "speech":  # up to an apposition's comma («وقالت سارة بن علي، المتحدثة باسم …»)
        if form[: cue.start].rsplit(maxsplit=1)[-1:] in ([word] for word in _pronoun_complementisers()):
            return ""  # «وأنها تعتبر …»: the subject is the pronoun, the words after the verb its object
        subject = base[cue.end : _arabic_subject_end(form, cue.end, patterns)]
        words = (subject.split("،")[0].split() or subject.split())[:RAW_SPAN_WORDS]
    else:
        words = base[cue.end : _clause_end(form, cue.end)].split()[:RAW_SPAN_WORDS]
    return _speaker_words(words)


# --------------------------------------------------------------------------------------------
# A paragraphs table
# --------------------------------------------------------------------------------------------


def add_voices(
    paragraphs: pd.DataFrame,
    *,
    actors: Sequence[Actor] | None = None,
    patterns: VoicePatterns | None = None,
) -> pd.DataFrame:
    """A copy of a paragraphs table with ``voice`` and ``speaker`` columns (``""`` for dropped rows).

    Paragraphs are read per article in ``position`` order, so reported speech that goes on over
    paragraphs keeps its speaker. Needs ``doc_id``, ``position``, ``text``, ``language``, ``kept``;
    ``outlet`` and ``date`` (titles name who held them then) when present.
    """
    actors = default_actors() if actors is None else actors
    patterns = default_voice_patterns() if patterns is None else patterns
    known = {actor.id for actor in actors}
    table = paragraphs.copy()
    kept = table[table["kept"].astype(bool)] if "kept" in table.columns else table
    ordered = kept.sort_values(["doc_id", "position"], kind="stable")  # each article's paragraphs in reading order
    outlet_names = ordered["outlet"].tolist() if "outlet" in ordered.columns else [""] * len(ordered)
    dates = ordered["date"].tolist() if "date" in ordered.columns else [None] * len(ordered)
    article_date: dt.date | None = None
    voice_of: dict[object, str] = {}
    speaker_of: dict[object, str] = {}
    outlets: dict[str, str] = {}
    previous, article = "", None
    for index, doc_id, text, language, outlet, date in zip(
        ordered.index, ordered["doc_id"], ordered["text"], ordered["language"], outlet_names, dates, strict=True
    ):
        if doc_id != article:
            previous, article, article_date = "", doc_id, article_day(date)
        outlet_name = str(outlet or "")
        if outlet_name not in outlets:
            outlets[outlet_name] = outlet_actor(outlet_name, actors)
        found = find_voice(
            str(text),
            str(language),
            actors=actors,
            patterns=patterns,
            outlet=outlets[outlet_name],
            previous_speaker=previous,
            date=article_date,
        )
        voice_of[index], speaker_of[index] = found.voice, found.speaker
        previous = found.speaker if found.voice == ATTRIBUTED and found.speaker in known else ""
    table["voice"] = pd.Series([voice_of.get(index, "") for index in table.index], index=table.index, dtype=object)
    table["speaker"] = pd.Series([speaker_of.get(index, "") for index in table.index], index=table.index, dtype=object)
    return table


def article_day(value: object) -> dt.date | None:
    """An article's date as a day: a date, or text starting with YYYY-MM-DD; anything else (blank, a year alone): None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def actor_labels(actors: Iterable[Actor] | None = None) -> dict[str, str]:
    """Actor id → label (for tables and charts; a raw span is its own label)."""
    return {actor.id: actor.label for actor in (default_actors() if actors is None else actors)}


# --------------------------------------------------------------------------------------------
# Growing the actors file: candidates, new actors, the file itself
# --------------------------------------------------------------------------------------------

CANDIDATE_COLUMNS = ["speaker", "language", "paragraphs", "articles", "example"]


def speaker_candidates(table: pd.DataFrame, actors: Sequence[Actor] | None = None, *, min_paragraphs: int = 1) -> pd.DataFrame:
    """Speakers found in the text but not in the actors file (the raw words of :func:`find_voice`), most frequent first.

    Args:
        table: a paragraphs table with ``voice`` and ``speaker`` (:func:`add_voices`), ``kept``, ``doc_id``,
            ``language`` and ``text``.
        actors: the actors whose ids are known (the packaged file by default).
        min_paragraphs: leave out candidates found in fewer attributed paragraphs.

    Returns:
        :data:`CANDIDATE_COLUMNS`: the words, their language, the attributed kept paragraphs and articles
        they voice, and the first such paragraph's text (to judge who it is).
    """
    known = {actor.id for actor in (default_actors() if actors is None else actors)}
    kept = table[table["kept"].astype(bool)] if "kept" in table.columns else table
    unknown = kept[(kept["voice"] == ATTRIBUTED) & (kept["speaker"].fillna("") != "") & ~kept["speaker"].isin(known)]
    if unknown.empty:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    grouped = unknown.groupby(["speaker", "language"], sort=False)
    candidates = pd.DataFrame(
        {
            "paragraphs": grouped.size(),
            "articles": grouped["doc_id"].nunique(),
            "example": grouped["text"].first(),
        }
    ).reset_index()
    candidates = candidates[candidates["paragraphs"] >= min_paragraphs]
    return candidates.sort_values(["paragraphs", "articles", "speaker"], ascending=[False, False, True], kind="stable")[
        CANDIDATE_COLUMNS
    ].reset_index(drop=True)


def actor_entry(actor: Actor) -> dict[str, object]:
    """An actor as its ``[[actor]]`` table (aliases only for the languages that have some; its titles as ``title``)."""
    entry: dict[str, object] = {"id": actor.id, "label": actor.label, "kind": actor.kind}
    entry |= {language: list(aliases) for language, aliases in actor.aliases.items() if aliases}
    if actor.titles:
        entry["title"] = [_title_entry(title) for title in actor.titles]
    return entry


def _title_entry(title: Title) -> dict[str, object]:
    """A title as its ``[[actor.title]]`` table."""
    entry: dict[str, object] = {key: value for key, value in (("from", title.start), ("until", title.end)) if value is not None}
    if title.otherwise:
        entry["otherwise"] = title.otherwise
    return entry | {language: list(aliases) for language, aliases in title.aliases.items() if aliases}


def actors_to_toml(actors: Iterable[Actor]) -> str:
    """An actors file (TOML) that :func:`parse_actors` reads back to the same actors."""
    import tomli_w

    return tomli_w.dumps({"actor": [actor_entry(actor) for actor in actors]})


def actors_from_text(text: str, source: str = "actors file") -> tuple[Actor, ...]:
    """Actors from the text of an actors file (an upload, or the session's edited copy).

    Raises:
        VoicesError: not TOML, or not a valid actors file (the message says why).
    """
    try:
        config = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise VoicesError(f"{source}: not valid TOML ({error})") from error
    actors = parse_actors(config, source)
    if not actors:
        raise VoicesError(f"{source}: no [[actor]] in it")
    return actors


def add_actor(
    actors: Sequence[Actor], *, actor_id: str, label: str, kind: str, aliases: Mapping[str, Iterable[str]], source: str = "new actor"
) -> tuple[Actor, ...]:
    """The actors with one more, checked like a file's (id, kind, at least one alias).

    Raises:
        VoicesError: a bad or repeated id, an unknown kind, no alias, or an alias another actor already has.
    """
    cleaned = {language: [alias.strip() for alias in aliases.get(language, ()) if alias.strip()] for language in _ALIAS_LANGUAGES}
    entry = {"id": actor_id.strip(), "label": label.strip() or actor_id.strip(), "kind": kind, **cleaned}
    for other in actors:
        for language, names in cleaned.items():
            taken = set(names) & set(other.aliases.get(language, ()))
            if taken:
                raise VoicesError(f"{source}: {', '.join(sorted(taken))} is already an alias of {other.label} ({other.id})")
    return parse_actors({"actor": [*(actor_entry(actor) for actor in actors), entry]}, source)


def describe_voice(voice: str, speaker: str, labels: Mapping[str, str] | None = None) -> str:
    """A paragraph's voice in words for a reader: "the outlet's own words", "attributed to Vladimir Putin"."""
    if voice != ATTRIBUTED:
        return "the outlet's own words"
    if not speaker:
        return "attributed (speaker not found)"
    return f"attributed to {(labels or {}).get(speaker, speaker)}"
