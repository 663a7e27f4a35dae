"""The one place that knows the order of the stages.

ingest → normalise → language → tokens → entities/linking → events → dates → dedup → (store → serve)
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import replace
from datetime import date

from rasad.records import DateValue, Doc, Document, InputDoc
from rasad.resources import Resources, load_resources
from rasad.stages import dedup, events, language, linking, normalise, tokens
from rasad.stages.dates import find_dates

STAGES = ("tokens", "entities", "events")
MAX_CHARS = 2_000_000  # longer texts are cut, with a warning
TIME_BUDGET = 5.0  # seconds per document before a warning


def parse_published(value: str | None) -> date | None:
    if not value:
        return None
    v = value.strip()[:10]
    try:
        return date.fromisoformat(v)
    except ValueError:
        return None


def _clean(text: str) -> tuple[str, list[str]]:
    """Lone surrogates (from escaped JSON) cannot be written out: replace them, keeping offsets."""
    warnings: list[str] = []
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
        warnings.append("lone surrogate code points replaced by U+FFFD")
    return text, warnings


class Pipeline:
    """Analyses documents with resources loaded once."""

    def __init__(self, res: Resources, until: str | None = None) -> None:
        if until is not None and until not in STAGES:
            raise ValueError(f"until must be one of {STAGES}")
        self.res = res
        self.until = until

    @classmethod
    def load(cls, until: str | None = None) -> Pipeline:
        return cls(load_resources(), until)

    def analyze(self, inp: InputDoc, lang: str | None = None, published: str | None = None) -> Document:
        t0 = time.perf_counter()
        text, warnings = _clean(inp.text)
        if len(text) > MAX_CHARS:
            warnings.append(f"text of {len(text):,} characters cut to the first {MAX_CHARS:,}")
        pub_text = inp.published or published
        doc = Doc(
            doc_id=inp.doc_id,
            text=text[:MAX_CHARS],
            title=inp.title,
            published=parse_published(pub_text),
            published_text=pub_text,
            source=inp.source,
            url=inp.url,
            warnings=tuple(warnings),
        )
        doc = self.run(doc, lang)
        elapsed = time.perf_counter() - t0
        w = list(doc.warnings)
        if elapsed > TIME_BUDGET:
            w.append(f"analysis took {elapsed:.1f} s, over the {TIME_BUDGET:.0f} s budget")
        return Document(
            doc_id=inp.doc_id,
            lang=doc.lang,
            title=inp.title,
            published=doc.published.isoformat() if doc.published else (pub_text or None),
            source=inp.source,
            text_sha256=hashlib.sha256(inp.text.encode("utf-8", "surrogatepass")).hexdigest(),
            entities=doc.entities,
            events=doc.events,
            warnings=tuple(w),
            text=inp.text,
            url=inp.url,
        )

    def run(self, doc: Doc, lang: str | None = None) -> Doc:
        res = self.res
        doc = normalise.normalise(doc, res.normaliser)
        doc = language.detect_language(doc, res.language_model, lang)
        if doc.lang not in res.langs:
            if doc.lang == "und":
                msg = "no language could be identified (no letters in the text)"
            else:
                msg = f"language '{doc.lang}' has no rasad data: no entities or events"
            return replace(doc, warnings=(*doc.warnings, msg))
        doc = tokens.tokenise(doc, {k: v.clitics for k, v in res.langs.items()})
        if self.until == "tokens":
            return doc
        doc = linking.link(doc, res)
        if self.until == "entities":
            return doc
        drafts = events.extract(doc, res)
        attach_dates(doc, drafts, res)
        drafts = dedup.merge(drafts)
        events.complete(doc, drafts, self.res)
        pair = events.doc_pair(doc)
        return replace(doc, events=tuple(events.finalise(doc, drafts, res, pair)))


def attach_dates(doc: Doc, drafts: list[events.Draft], res: Resources) -> None:
    """Each event gets the date read in its sentence (the one nearest its trigger).

    Dates are read only in sentences that report an event: most of an article is never searched.
    """
    if not drafts or doc.norm is None:
        return
    lex = res.langs[doc.lang].dates
    found: dict[int, list[tuple[int, int, DateValue, bool]]] = {}
    for d in drafts:
        si = d.sentence
        if si not in found:
            s = doc.sentences[si]
            found[si] = [
                (m.start + s.start, m.end + s.start, m.value, m.year_only)
                for m in find_dates(doc.norm.text[s.start : s.end], lex, doc.published)
            ]
        inside = found[si]
        if not inside:
            continue
        start, end, v, year_only = min(inside, key=lambda m: abs(m[0] - d.trigger.start))
        d.date = DateValue(v.start, v.end, doc.span(start, end).text, v.weekday, v.calendar)
        d.date_pos = start
        if year_only and v.start and doc.published and v.start[:4] < str(doc.published.year):
            d.historical = True
