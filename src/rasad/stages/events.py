"""Stage: events — PLOVER type, mode and CAMEO code from trigger words, with their arguments.

For each sentence, each trigger is read with the argument pattern its lexicon row gives (meet, visit,
host, sign, say, nominal): who is source and target among the persons, organisations, states and unnamed
office holders of the sentence; the location; the topics of the sentence and paragraph; historical or
announced (future) status from marker words. The `dates` stage attaches dates, `dedup` merges
repeated reports of one happening.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from rasad.records import DateValue, Doc, Entity, Event, Mention, Sentence
from rasad.resources import Resources

RECIPROCAL = frozenset({"meet", "sign"})
# Event types a noun alone may report ("the meeting", "the signing"); for the others a verb is needed.
NOMINAL_EVENTS = frozenset({"CONSULT", "SUPPORT"})
# Verbal events coded only with an identified recipient in another state (or an organisation): the press is
# full of calls, praise and readiness "for cooperation" that are no event between states.
NEEDS_OTHER_SIDE = frozenset({"REQUEST", "AGREE", "REJECT", "THREATEN", "ACCUSE", "CONCEDE", "SANCTION", "AID",
                              "COOPERATE", "RETREAT"})
DOMESTIC_OK = frozenset({"ASSAULT", "PROTEST", "COERCE", "MOBILIZE"})
# PLOVER: announced meetings, visits, signings and cooperation are AGREE (CAMEO 036 / 030).
_FUTURE_TO_AGREE = {"CONSULT": "036", "SUPPORT": "030", "COOPERATE": "030", "AID": "033"}
_ACTOR_TYPES = frozenset({"PERSON", "ORG", "COUNTRY"})


@dataclass(slots=True)
class Actor:
    """A participant: a named entity, or an unnamed office holder standing for its state."""

    tok: int
    entity: str | None  # entity id
    country: str | None
    role_key: str = ""
    kind: str = "PERSON"

    @property
    def sig(self) -> str:
        return self.entity if self.entity and self.kind == "PERSON" else f"{self.role_key}@{self.country}"


@dataclass(slots=True)
class Draft:
    """An event being built (mutable while the stages of this module fill it in)."""

    type: str
    mode: str | None
    cameo: str
    pattern: str
    sentence: int
    trigger: Mention
    source: list[Actor] = field(default_factory=list)
    target: list[Actor] = field(default_factory=list)
    location: str | None = None
    topics: set[str] = field(default_factory=set)
    historical: bool = False
    future: bool = False
    confidence: float = 0.5
    flags: frozenset[str] = frozenset()
    date: DateValue | None = None
    date_pos: int = -1  # normalised offset of the date words, -1 when none
    evidence: tuple[int, int] = (0, 0)
    merged: int = 1  # how many trigger readings this event gathers


def _entity_index(doc: Doc) -> dict[str, Entity]:
    return {e.id: e for e in doc.entities}


def doc_pair(doc: Doc) -> list[str]:
    """The document's two main states: what "the two countries" refers to."""
    ents = _entity_index(doc)
    counts: Counter[str] = Counter()
    for m in doc.mentions:
        if m.kind == "ENT":
            e = ents[m.key]
            if e.country and e.type in ("COUNTRY", "PERSON", "PLACE"):
                counts[e.country] += 2 if e.type != "PLACE" else 1
    return [c for c, _ in counts.most_common(2)]


def _sentence_of(doc: Doc) -> list[int]:
    out = [0] * (len(doc.tokens) + 1)
    for si, s in enumerate(doc.sentences):
        for k in range(s.tok_start, s.tok_end):
            out[k] = si
    return out


def extract(doc: Doc, res: Resources) -> list[Draft]:
    lr = res.langs.get(doc.lang)
    if lr is None or not doc.sentences:
        return []
    ents = _entity_index(doc)
    sent_of = _sentence_of(doc)
    per_sent: dict[int, list[Mention]] = {}
    for m in doc.mentions:
        per_sent.setdefault(sent_of[m.tok_start], []).append(m)
    para_topics: dict[int, set[str]] = {}
    for si, ms in per_sent.items():
        para_topics.setdefault(doc.sentences[si].paragraph, set()).update(m.key for m in ms if m.kind == "TOPIC")
    pair = doc_pair(doc)
    drafts: list[Draft] = []
    for si, sent in enumerate(doc.sentences):
        ms = per_sent.get(si, [])
        triggers = [m for m in ms if m.kind == "TRIGGER" and not _quoted(doc, m, sent)]
        if not triggers:
            continue
        triggers = [t for t in triggers if not _negated(t, ms)]
        actors = _actors(ms, ents)
        places = [m for m in ms if m.kind == "ENT" and ents[m.key].type == "PLACE"]
        topics = {m.key for m in ms if m.kind == "TOPIC"}
        verbs = [t for t in triggers if t.attr("pattern") != "nominal" and "object" not in t.attr("flags")]
        destination = _destination(triggers, ms, ents)
        seen_types: set[str] = set()
        for trig in _dominant(triggers):
            etype, mode, cameo = trig.key.split("/")
            flags = frozenset(f for f in trig.attr("flags").split(";") if f)
            pattern = trig.attr("pattern") or "nominal"
            if "object" in flags or etype in seen_types:
                continue
            if pattern == "nominal" and etype not in NOMINAL_EVENTS:
                continue  # "condemned the attack": the attack is what is talked about, not an event of these actors
            if pattern == "nominal" and any(v.tok_start < trig.tok_start and _verb_type(v) != etype for v in verbs):
                continue  # a noun after another event's verb is its complement
            seen_types.add(etype)
            d = Draft(etype, mode or None, cameo, pattern, si, trig, flags=flags)
            _arguments(d, actors, ents, pair, ms)
            if not d.source:
                continue
            if etype in NEEDS_OTHER_SIDE and pattern not in RECIPROCAL and not _other_side(d):
                continue
            if pattern == "visit" and not any(a.kind in ("PERSON", "ROLE", "COUNTRY") for a in d.source):
                continue  # only people and states visit (a cargo plane "arriving" is not a visit)
            d.location = _location(d, places, actors, ents, ms, res) or (destination if etype == "CONSULT" else None)
            d.topics = topics | (para_topics.get(sent.paragraph, set()) if topics else set())
            d.historical = _historical(trig, ms)
            d.future = "future" in flags or _marked(trig, ms, "future", 6)
            d.evidence = (sent.start, sent.end)
            d.confidence = _confidence(d)
            drafts.append(d)
    return drafts


def _other_side(d: Draft) -> bool:
    src = {a.country for a in d.source}
    return any(a.kind == "ORG" or (a.country and a.country not in src) for a in d.target)


def _verb_type(m: Mention) -> str:
    return m.key.split("/", 1)[0]


def _quoted(doc: Doc, m: Mention, sent: Sentence) -> bool:
    """Inside quotation marks: what someone said, not what happened."""
    assert doc.norm is not None
    before = doc.norm.text[sent.start:m.start]
    opened = before.count("«") - before.count("»")
    return opened > 0 or before.count('"') % 2 == 1


def _marked(trig: Mention, ms: list[Mention], kind: str, window: int) -> bool:
    """A marker of this kind shortly before the trigger, or right after it."""
    for m in ms:
        if m.kind == "MARKER" and m.key == kind:
            if 0 <= trig.tok_start - m.tok_end <= window or 0 <= m.tok_start - trig.tok_end <= 2:
                return True
    return False


def _historical(trig: Mention, ms: list[Mention]) -> bool:
    return _marked(trig, ms, "historical", 8)


def _negated(trig: Mention, ms: list[Mention]) -> bool:
    return _marked(trig, ms, "negation", 2)


def _dominant(triggers: list[Mention]) -> list[Mention]:
    """Verbs before nouns; within a sentence one event per type (the strongest trigger)."""
    def rank(m: Mention) -> tuple[int, int]:
        p = m.attr("pattern")
        return (1 if p == "nominal" else 0, m.tok_start)

    return sorted(triggers, key=rank)


def _actors(ms: list[Mention], ents: dict[str, Entity]) -> list[Actor]:
    out: list[Actor] = []
    person_spans: list[tuple[int, int]] = []
    for m in ms:
        if m.kind == "ENT" and ents[m.key].type == "PERSON":
            person_spans.append((m.tok_start, m.tok_end))
    for m in ms:
        if m.kind == "ENT":
            e = ents[m.key]
            if e.type not in _ACTOR_TYPES:
                continue
            if e.type == "ORG" and (e.sector == "JRN" or not (e.country or e.sector in ("IGO", "UNO"))):
                continue  # the outlet reporting it, or "the ministry" of no known state
            out.append(Actor(m.tok_start, e.id, e.country, e.role_key or "", e.type))
        elif m.kind == "ROLE" and m.key:
            out.append(Actor(m.tok_start, None, m.attr("country") or None, m.key, "ROLE"))
    # a state named inside a role phrase or right next to a person is that person's attribute, not an actor
    people = [a for a in out if a.kind in ("PERSON", "ROLE")]
    keep: list[Actor] = []
    for a in out:
        if a.kind == "COUNTRY" and any(p.country == a.country and abs(p.tok - a.tok) <= 8 for p in people):
            continue
        keep.append(a)
    keep.sort(key=lambda a: a.tok)
    return keep


def _dedupe(actors: list[Actor]) -> list[Actor]:
    seen: set[str] = set()
    out = []
    for a in actors:
        if a.sig in seen:
            continue
        seen.add(a.sig)
        out.append(a)
    return out


def _arguments(d: Draft, actors: list[Actor], ents: dict[str, Entity], pair: list[str], ms: list[Mention]) -> None:
    t = d.trigger.tok_start
    before = [a for a in actors if a.tok < t]
    after = [a for a in actors if a.tok > t]
    if d.pattern in RECIPROCAL or d.pattern == "nominal" and d.type in ("CONSULT", "SUPPORT", "COOPERATE"):
        d.source = _dedupe(actors)
    elif d.pattern == "visit":
        d.source = _dedupe(before[-1:] or after[:1])
        d.target = _dedupe([a for a in after if a.kind != "COUNTRY" and a not in d.source][:1])
    elif d.pattern == "host":
        d.source = _dedupe(before[-1:])
        d.target = _dedupe([a for a in after if a not in d.source][:1])
    else:  # say, nominal of other types: the speaker acts on the first actor after the verb
        d.source = _dedupe(before[-1:] or [a for a in after if a.kind == "PERSON"][:1])
        rest = [a for a in after if a not in d.source and a.sig not in {s.sig for s in d.source}]
        if not rest:
            rest = [a for a in before[:-1] if a.kind in ("COUNTRY", "ORG") and a.sig not in {s.sig for s in d.source}]
        d.target = _dedupe(rest[:1])


def _location(d: Draft, places: list[Mention], actors: list[Actor], ents: dict[str, Entity],
              ms: list[Mention], res: Resources) -> str | None:
    towns = [p for p in places if _place_kind(ents[p.key], res) != "region"]
    if towns:
        # a place after the trigger is where it happened more often than one before it
        after = [p for p in towns if p.tok_start > d.trigger.tok_start]
        return (after or towns)[0].key
    if d.pattern == "visit":
        for m in ms:
            if m.kind == "ENT" and m.tok_start > d.trigger.tok_start and ents[m.key].type == "COUNTRY":
                return m.key
    return None


def _destination(triggers: list[Mention], ms: list[Mention], ents: dict[str, Entity]) -> str | None:
    """Where a visit in this sentence goes: the place or state named right after a visit word."""
    for t in triggers:
        if t.attr("pattern") != "visit":
            continue
        for m in ms:
            if m.kind == "ENT" and 0 <= m.tok_start - t.tok_end <= 2 and ents[m.key].type in ("PLACE", "COUNTRY"):
                return m.key
    return None


def _place_kind(e: Entity, res: Resources) -> str:
    info = res.places.get(e.key)
    return info.kind if info else ""


def _confidence(d: Draft) -> float:
    c = 0.5 if d.pattern == "nominal" else 0.7
    if "weak" in d.flags:
        c -= 0.25
    states = {a.country for a in d.source + d.target if a.country}
    if len(states) >= 2 or d.target:
        c += 0.15
    if any(a.kind == "PERSON" for a in d.source + d.target):
        c += 0.05
    if d.location:
        c += 0.05
    return max(0.05, min(c, 0.95))


def dyad(actors: Sequence[Actor]) -> tuple[str, ...]:
    return tuple(sorted({a.country for a in actors if a.country}))


def event_id(doc_id: str, d: Draft, dy: tuple[str, ...]) -> str:
    raw = f"{doc_id}|{d.type}|{d.cameo}|{'-'.join(dy)}|{d.evidence[0]}|{d.trigger.start}"
    return "ev_" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:12]


def sentence_text(doc: Doc, s: Sentence) -> str:
    assert doc.norm is not None
    return doc.norm.text[s.start:s.end]


def finalise(doc: Doc, drafts: list[Draft], res: Resources, pair: list[str], min_confidence: float = 0.5) -> list[Event]:
    ents = _entity_index(doc)
    events: list[Event] = []
    for d in drafts:
        etype, mode, cameo = d.type, d.mode, d.cameo
        if d.future and etype in _FUTURE_TO_AGREE:
            etype, mode, cameo = "AGREE", None, _FUTURE_TO_AGREE[etype]
        src = tuple(x for x in dict.fromkeys(_actor_ids(doc, d.source, ents)) if x)
        tgt = tuple(x for x in dict.fromkeys(_actor_ids(doc, d.target, ents)) if x and x not in src)
        dy = dyad(d.source + d.target)
        if (etype in ("CONSULT", "SUPPORT") and d.pattern in RECIPROCAL | {"nominal"} and len(dy) < 2 and len(pair) == 2
                and (not dy or dy[0] in pair)):
            dy = tuple(sorted(pair))
            src = src + tuple(x for x in (_country_entity(doc, c) for c in pair) if x and x not in src
                              and not any(ents[s].country == ents[x].country for s in src if s in ents))
        loc_country = ents[d.location].country if d.location and d.location in ents else None
        if etype == "CONSULT" and len(dy) == 1 and loc_country and loc_country not in dy:
            dy = tuple(sorted({dy[0], loc_country}))
        if not dy:
            continue
        if d.confidence < min_confidence:
            continue
        if etype == "CONSULT" and mode is None and loc_country and len(dy) == 2:
            mode, cameo = "visit", "043" if cameo == "040" else cameo
        contexts = _contexts(d.topics, etype, cameo, res)
        ev_span = doc.span(*d.evidence)
        trig_span = doc.span(d.trigger.start, d.trigger.end)
        events.append(Event(
            id=event_id(doc.doc_id, d, dy), type=etype, mode=mode, cameo=cameo, source=src, target=tgt, dyad=dy,
            location=d.location, date=d.date, topics=tuple(sorted(d.topics)), context=contexts,
            historical=d.historical, confidence=d.confidence, evidence=ev_span, trigger=trig_span,
        ))
    return events


def _actor_ids(doc: Doc, actors: list[Actor], ents: dict[str, Entity]) -> list[str]:
    out = []
    for a in actors:
        if a.entity:
            out.append(a.entity)
        elif a.country:
            cid = _country_entity(doc, a.country)
            if cid:
                out.append(cid)
    return out


def _country_entity(doc: Doc, iso3: str | None) -> str | None:
    for e in doc.entities:
        if e.type == "COUNTRY" and e.country == iso3:
            return e.id
    return None


def _contexts(topics: set[str], etype: str, cameo: str, res: Resources) -> tuple[str, ...]:
    out: set[str] = set()
    for t in topics:
        out.update(res.topic_contexts.get(t, ()))
    row = res.cameo.get(cameo)
    if row and row.get("context"):
        out.update(c for c in row["context"].split(";") if c)
    if etype in ("CONSULT", "SUPPORT", "AGREE") and not out:
        out.add("diplomatic")
    return tuple(sorted(out))
