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
TIME_BUDGET = 5.0  # CPU seconds per document; past it the remaining stages are skipped, with a warning

# CPU time of the calling thread: a busy machine (or a busy worker pool) must not cut documents short,
# only a document that really costs too much. A module constant so that tests can swap in a fake clock.
_clock = time.thread_time


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


def _clean_field(value: str | None, warnings: list[str]) -> str | None:
    """A metadata field (id, title, date, source, url) made writable as UTF-8, like the text."""
    if value is None:
        return None
    clean, w = _clean(value)
    warnings.extend(x for x in w if x not in warnings)
    return clean


class Pipeline:
    """Analyses documents with resources loaded once."""

    def __init__(self, res: Resources, until: str | None = None, budget: float = TIME_BUDGET) -> None:
        if until is not None and until not in STAGES:
            raise ValueError(f"until must be one of {STAGES}")
        self.res = res
        self.until = until
        self.budget = budget

    @classmethod
    def load(cls, until: str | None = None, budget: float = TIME_BUDGET) -> Pipeline:
        return cls(load_resources(), until, budget)

    def analyze(
        self, inp: InputDoc, lang: str | None = None, published: str | None = None, budget: float | None = None
    ) -> Document:
        """`budget`: CPU seconds for this document (default: the pipeline's); see `run`."""
        text, warnings = _clean(inp.text)
        if len(text) > MAX_CHARS:
            warnings.append(f"text of {len(text):,} characters cut to the first {MAX_CHARS:,}")
        # the id, title and dates of a JSON Lines record can hold escaped lone surrogates too
        doc_id = _clean_field(inp.doc_id, warnings) or inp.doc_id
        title, source, url = (_clean_field(v, warnings) for v in (inp.title, inp.source, inp.url))
        pub_text = _clean_field(inp.published or published, warnings)
        doc = Doc(
            doc_id=doc_id,
            text=text[:MAX_CHARS],
            title=title,
            published=parse_published(pub_text),
            published_text=pub_text,
            source=source,
            url=url,
            warnings=tuple(warnings),
        )
        doc = self.run(doc, lang, budget)
        return Document(
            doc_id=doc_id,
            lang=doc.lang,
            title=title,
            published=doc.published.isoformat() if doc.published else (pub_text or None),
            source=source,
            text_sha256=hashlib.sha256(inp.text.encode("utf-8", "surrogatepass")).hexdigest(),
            entities=doc.entities,
            events=doc.events,
            warnings=doc.warnings,
            text=text,  # spans point into this text: surrogates replaced one for one, offsets unchanged
            url=url,
        )

    def run(self, doc: Doc, lang: str | None = None, budget: float | None = None) -> Doc:
        """The stages in order. Past `budget` CPU seconds the stages not yet run are skipped and the
        document says so in its warnings: one pathological article must not hold up a whole corpus."""
        res = self.res
        limit = self.budget if budget is None else budget
        t0 = _clock()

        def over(d: Doc, stage: str, last: bool = False) -> Doc | None:
            elapsed = _clock() - t0
            if elapsed <= limit:
                return None
            msg = f"time budget of {limit:g} s exceeded after the {stage} stage ({elapsed:.2f} s CPU): " + (
                "every stage ran" if last else "later stages skipped, entities and events may be missing"
            )
            return replace(d, warnings=(*d.warnings, msg))

        doc = normalise.normalise(doc, res.normaliser)
        if stop := over(doc, "normalise"):
            return stop
        doc = language.detect_language(doc, res.language_model, lang)
        if doc.lang not in res.langs:
            if doc.lang == "und":
                msg = "no language could be identified (no letters in the text)"
            else:
                msg = f"language '{doc.lang}' has no rasad data: no entities or events"
            return replace(doc, warnings=(*doc.warnings, msg))
        if stop := over(doc, "language"):
            return stop
        doc = tokens.tokenise(doc, {k: v.clitics for k, v in res.langs.items()})
        if self.until == "tokens":
            return doc
        if stop := over(doc, "tokens"):
            return stop
        doc = linking.link(doc, res)
        if self.until == "entities":
            return doc
        if stop := over(doc, "entities"):
            return stop
        drafts = events.extract(doc, res)
        if stop := over(doc, "events"):
            return stop
        attach_dates(doc, drafts, res)
        if stop := over(doc, "dates"):
            return stop
        drafts = dedup.merge(drafts)
        events.complete(doc, drafts, self.res)
        pair = events.doc_pair(doc)
        doc = replace(doc, events=tuple(events.finalise(doc, drafts, res, pair)))
        return over(doc, "dedup", last=True) or doc


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
