"""Frozen records that cross stage boundaries.

Offsets: every `start`/`end` on a record that reaches the output is in Unicode code points
into the ORIGINAL document text. Internal records (tokens) carry offsets into the
normalised text and are translated through the `OffsetMap` when an output span is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

ENTITY_TYPES = ("PERSON", "COUNTRY", "PLACE", "ORG")


class Span(NamedTuple):
    """A piece of the original text and its code point offsets (a named tuple: built for every mention)."""

    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class InputDoc:
    """One document as read from a file, a JSON Lines record or stdin, before analysis."""

    doc_id: str
    text: str
    title: str | None = None
    published: str | None = None
    source: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Maps each character of the normalised text to the code point it came from in the original.

    `origin[i]` is the original index of normalised character i; `origin[len(norm)]` is len(original).
    """

    origin: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            o = self.origin[start]
            return o, o
        return self.origin[start], self.origin[end - 1] + 1


@dataclass(frozen=True, slots=True)
class NormText:
    text: str
    offsets: OffsetMap
    # ranges of the normalised text that are web boilerplate, excluded from analysis
    excluded: tuple[tuple[int, int], ...] = ()


class Token(NamedTuple):
    """A word, number or punctuation mark; offsets into the normalised text.

    A named tuple rather than a dataclass: an article has hundreds of tokens, and tuples are built fastest.
    """

    text: str  # normalised surface
    key: str  # folded form used for lexicon look-ups
    start: int
    end: int
    kind: str  # "word" | "num" | "punct"
    glued: bool = False  # joined to the previous token without a space (ZWNJ or clitic split)
    stems: tuple[str, ...] = ()  # folded keys with clitics/affixes removed, most likely first


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int  # normalised offsets
    end: int
    tok_start: int  # index of first token
    tok_end: int  # one past the last token
    paragraph: int = 0


@dataclass(frozen=True, slots=True)
class DateValue:
    """A date as read: `start`/`end` are YYYY-MM-DD, YYYY-MM, YYYY or --MM-DD (year unknown)."""

    start: str | None
    end: str | None
    text: str | None
    weekday: str | None = None  # e.g. "Wednesday" when that is all the text gives
    calendar: str | None = None  # "gregorian" | "jalali" | "hijri" | "relative"

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"start": self.start, "end": self.end, "text": self.text}
        if self.weekday:
            d["weekday"] = self.weekday
        return d


class Mention(NamedTuple):
    """A lexicon or pattern match in the text, before entities are formed.

    A named tuple like Token: an article has a hundred or more, and tuples are built fastest."""

    kind: str  # "COUNTRY" | "PLACE" | "ORG" | "PERSON" | "ROLE" | ...
    key: str  # canonical key: ISO3, place key, org key, role key, person id
    tok_start: int
    tok_end: int
    start: int  # normalised offsets
    end: int
    attrs: tuple[tuple[str, str], ...] = ()

    def attr(self, name: str, default: str = "") -> str:
        for k, v in self.attrs:
            if k == name:
                return v
        return default


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    type: str  # one of ENTITY_TYPES
    name: str  # canonical Latin name
    native: str  # canonical name as written
    country: str | None
    role: str | None
    kb_id: str | None
    mentions: tuple[Span, ...]
    key: str = ""  # canonical key (ISO3, place/org key, person kb id or romanised name)
    role_key: str | None = None
    sector: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "name": self.name,
            "native": self.native,
            "country": self.country,
            "role": self.role,
            "kb_id": self.kb_id,
            "mentions": [m.to_dict() for m in self.mentions],
        }


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    type: str
    mode: str | None
    cameo: str | None
    source: tuple[str, ...]
    target: tuple[str, ...]
    dyad: tuple[str, ...]
    location: str | None
    date: DateValue | None
    topics: tuple[str, ...]
    context: tuple[str, ...]
    historical: bool
    confidence: float
    evidence: Span
    trigger: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "mode": self.mode,
            "cameo": self.cameo,
            "source": list(self.source),
            "target": list(self.target),
            "dyad": list(self.dyad),
            "location": self.location,
            "date": self.date.to_dict() if self.date else None,
            "topics": list(self.topics),
            "context": list(self.context),
            "historical": self.historical,
            "confidence": round(self.confidence, 3),
            "evidence": self.evidence.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Doc:
    """The document as it flows through the stages; each stage returns a new Doc."""

    doc_id: str
    text: str
    title: str | None = None
    published: date | None = None
    published_text: str | None = None
    source: str | None = None
    url: str | None = None
    norm: NormText | None = None
    lang: str = "und"
    tokens: tuple[Token, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    mentions: tuple[Mention, ...] = ()
    entities: tuple[Entity, ...] = ()
    events: tuple[Event, ...] = ()
    warnings: tuple[str, ...] = ()
    extra: tuple[tuple[str, Any], ...] = field(default=())

    def span(self, start: int, end: int) -> Span:
        """Original-text span for normalised offsets [start, end)."""
        assert self.norm is not None
        s, e = self.norm.offsets.to_original(start, end)
        return Span(self.text[s:e], s, e)


@dataclass(frozen=True, slots=True)
class Document:
    """The result of analysing one document: exactly the JSON of shared/spec/document.schema.json."""

    doc_id: str
    lang: str
    title: str | None
    published: str | None
    source: str | None
    text_sha256: str
    entities: tuple[Entity, ...]
    events: tuple[Event, ...]
    warnings: tuple[str, ...]
    text: str = ""
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "lang": self.lang,
            "title": self.title,
            "published": self.published,
            "source": self.source,
            "text_sha256": self.text_sha256,
            "entities": [e.to_dict() for e in self.entities],
            "events": [e.to_dict() for e in self.events],
            "warnings": list(self.warnings),
        }
