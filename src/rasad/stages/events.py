"""Stage: events — PLOVER type, mode and CAMEO code from trigger words, with their arguments.

For each sentence, each trigger is read with the argument pattern its lexicon row gives (meet, visit,
host, sign, say, nominal): who is source and target among the persons, organisations, states and unnamed
office holders of the sentence; the location; the topics of the sentence and paragraph; historical or
announced (future) status from marker words. Dates are attached next (pipeline), then `dedup` merges
repeated readings of one happening, and `finalise` fills what the article says elsewhere (where the
visit took place, who led the talks) and makes the output records.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from rasad.records import DateValue, Doc, Entity, Event, Mention, Sentence
from rasad.resources import Resources

RECIPROCAL = frozenset({"meet", "sign"})
# Event types a noun alone may report ("the meeting", "the signing", "joint exercises began"); for the others
# a verb is needed: their nouns are mostly what is talked about ("condemned the attack"), and a noun does not
# tell who did it to whom.
NOMINAL_EVENTS = frozenset({"CONSULT", "SUPPORT", "COOPERATE", "AID"})
# Verbal events coded only with an identified recipient in another state (or an organisation): the press is
# full of calls, praise and readiness "for cooperation" that are no event between states.
NEEDS_OTHER_SIDE = frozenset(
    {
        "REQUEST",
        "AGREE",
        "REJECT",
        "THREATEN",
        "ACCUSE",
        "CONCEDE",
        "SANCTION",
        "AID",
        "COOPERATE",
        "RETREAT",
        "SUPPORT",
    }
)
# PLOVER: announced meetings, visits, signings and cooperation are AGREE (CAMEO 036 / 030).
_FUTURE_TO_AGREE = {"CONSULT": "036", "SUPPORT": "030", "COOPERATE": "030", "AID": "033"}
_ACTOR_TYPES = frozenset({"PERSON", "ORG", "COUNTRY"})
WEAK_CONFIDENCE = 0.45  # below the default output threshold: weak readings are kept only on request
MIN_CONFIDENCE = 0.5
VSO_GAP = 7  # tokens: a subject this close after a verb is its subject (Arabic verb-first order)
SOV_GAP = 10  # tokens: the complements a Persian event noun may have before its light verb
GIVING = frozenset({"AID"})
PLACE_TARGETS = frozenset({"ASSAULT", "COERCE"})
VISIT_CODES = frozenset({"042", "043"})
NEAR = 8  # tokens: how far before a noun its subject may stand ("X, in a meeting with Y")
# Clashes and fighting: a noun of these is an event when both sides are named after "between" (اشتباكات بين ...)
MUTUAL = frozenset({"ASSAULT"})
BETWEEN_REACH = 8  # tokens after "between" in which the two sides are named


@dataclass(slots=True)
class Actor:
    """A participant: a named entity, an unnamed office holder standing for its state, or "the two sides"."""

    tok: int
    entity: str | None  # entity id
    country: str | None
    role_key: str = ""
    kind: str = "PERSON"  # PERSON | ORG | COUNTRY | ROLE | PAIR

    @property
    def sig(self) -> str:
        return self.entity if self.entity and self.kind == "PERSON" else f"{self.kind}:{self.role_key}@{self.country}"


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
    sentences: set[int] = field(default_factory=set)
    visit_destination: str | None = None  # where a visit word in its sentence says someone went


@dataclass(slots=True)
class _Context:
    """What the article has said so far: who spoke last, where the visit goes."""

    last_person: Actor | None = None
    destination: str | None = None


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
    ctx = _Context()
    drafts: list[Draft] = []
    gap = SOV_GAP if lr.settings.get("verb_position") == "final" else VSO_GAP
    surface = [t.text for t in doc.tokens] if lr.gapped else []
    for si, sent in enumerate(doc.sentences):
        ms = per_sent.get(si, [])
        if lr.gapped:
            ms = _join_parts(ms, lr.gapped, gap, surface)
        actors = _actors(ms, ents, pair, _capitals_for_states(doc, ms, ents, res))
        triggers = [m for m in ms if m.kind == "TRIGGER" and not _quoted(doc, m, sent) and not _negated(m, ms)]
        if triggers:
            triggers = _with_support_verbs(triggers, ms)
        if triggers:
            drafts.extend(_sentence_events(doc, si, sent, ms, actors, triggers, ents, pair, para_topics, ctx, res))
        people = [a for a in actors if a.kind == "PERSON"]
        if people:
            ctx.last_person = people[0]
    return drafts


def _join_parts(
    ms: list[Mention], gapped: dict[str, dict[str, tuple[str, str, str]]], gap: int, surface: Sequence[str] = ()
) -> list[Mention]:
    """The triggers written in two parts (triggers.tsv `head … tail`): a head joined to the nearest tail of its
    entry at most `gap` words after it, with no event verb between. The words between are the subject in
    verb-first Arabic (سحبت المملكة العربية السعودية سفيرها) and the destination or complements inside a Persian
    compound verb (وارد کابل شد); the trigger spans them all, its `head_end` marks where the head ends.
    `surface`: the words of the text; where two tails start on one word (سفيرها is also السفير with a suffix),
    the one written as it stands wins."""
    parts = [m for m in ms if m.kind == "PART"]
    if len(parts) < 2:
        return ms
    if surface:
        parts.sort(key=lambda m: (m.tok_start, surface[m.tok_start] != m.key.split()[0]))
    verbs = [m for m in ms if m.kind == "TRIGGER" and m.attr("pattern") != "nominal"]
    listed = {(m.key, m.tok_start, m.tok_end) for m in ms if m.kind == "TRIGGER"}
    joined: list[Mention] = []
    for head in parts:
        tails = gapped.get(head.key)
        if not tails:
            continue
        for tail in parts:
            if tail.key not in tails or not 0 <= tail.tok_start - head.tok_end <= gap:
                continue
            if any(head.tok_end <= v.tok_start < tail.tok_start for v in verbs):
                break  # another event's verb stands between: the parts belong to different clauses
            key, pattern, flags = tails[tail.key]
            if (key, head.tok_start, tail.tok_end) not in listed:  # not also listed whole (سحب السفير)
                attrs = (("flags", flags), ("head_end", str(head.tok_end)), ("pattern", pattern))
                joined.append(Mention("TRIGGER", key, head.tok_start, tail.tok_end, head.start, tail.end, attrs))
            break
    if not joined:
        return ms
    return sorted(ms + joined, key=lambda m: m.tok_start)


def _with_support_verbs(triggers: list[Mention], ms: list[Mention]) -> list[Mention]:
    """An event noun governed by a support verb (فرضت واشنطن عقوبات، ارتش حملات هوایی … انجام داد) is read as
    that verb: one trigger from the verb through the noun, with the argument pattern of a verb, so that the
    subject standing between them (Arabic) or before them (Persian) is found as the one who acted."""
    supports = [m for m in ms if m.kind == "SUPPORT"]
    if not supports:
        return triggers
    verbal = [t for t in triggers if t.attr("pattern") != "nominal"]
    out: list[Mention] = []
    for t in triggers:
        etype = t.key.split("/")[0]
        if t.attr("pattern") != "nominal" or "object" in t.attr("flags"):
            out.append(t)
            continue
        verb = next((v for v in supports if etype in v.key.split(";") and _governs(v, t, verbal)), None)
        if verb is None:
            out.append(t)
            continue
        first, last = (verb, t) if verb.tok_start < t.tok_start else (t, verb)
        flags = ";".join(f for f in t.attr("flags").split(";") if f and f != "weak")  # the verb settles the sense
        kept = tuple((k, v) for k, v in t.attrs if k not in ("pattern", "flags"))
        attrs = (*kept, ("flags", flags), ("pattern", "say"))
        out.append(Mention("TRIGGER", t.key, first.tok_start, last.tok_end, first.start, last.end, attrs))
    return out


def _governs(verb: Mention, noun: Mention, verbal: list[Mention]) -> bool:
    """The support verb stands on its side of the noun, close enough, with no other event verb between them."""
    if verb.attr("position") == "before":
        a, b, gap = verb.tok_end, noun.tok_start, VSO_GAP
    else:
        a, b, gap = noun.tok_end, verb.tok_start, SOV_GAP
    return 0 <= b - a <= gap and not any(a <= v.tok_start < b for v in verbal)


def _sentence_events(
    doc: Doc,
    si: int,
    sent: Sentence,
    ms: list[Mention],
    actors: list[Actor],
    triggers: list[Mention],
    ents: dict[str, Entity],
    pair: list[str],
    para_topics: dict[int, set[str]],
    ctx: _Context,
    res: Resources,
) -> list[Draft]:
    out: list[Draft] = []
    role_spans = [(m.tok_start, m.tok_end) for m in ms if m.kind == "ROLE"]
    located = [m for m in ms if m.kind == "ENT" and ents[m.key].type == "PLACE" and locative(doc, m.tok_start, res)]
    places = [m for m in located if not any(a <= m.tok_start < b for a, b in role_spans)]
    # a place inside a role phrase (the governor of a province) is not where things happen, unless a locative
    # puts someone there (سفیر چین در کابل: the ambassador in Kabul): the last resort
    in_roles = [m for m in located if m not in places and _locative_word_before(doc, m.tok_start, res)]
    topics = {m.key for m in ms if m.kind == "TOPIC"}
    verbs = [t for t in triggers if t.attr("pattern") != "nominal" and "object" not in t.attr("flags")]
    objects = {t.key.split("/")[0] for t in triggers if "object" in t.attr("flags")}
    # a noun of the same event in the sentence settles a verb with other senses: "وصل ... في زيارة رسمية"; only for
    # the events a noun may report by itself (elsewhere the noun is what is talked about: "أدانت الهجوم الذي استهدف")
    nouns = {
        t.key
        for t in triggers
        if t.attr("pattern") == "nominal"
        and t.key.split("/")[0] in NOMINAL_EVENTS
        and not {"weak", "object"} & set(t.attr("flags").split(";"))
    }
    destination = _destination(triggers, ms, ents, role_spans)
    # a capital a visit goes to is where, not who (يزور القاهرة، زار السوداني أنقرة)
    if destination is not None:
        actors = [a for a in actors if not (a.entity == destination and ents[destination].type == "PLACE")]
    if destination and not any(_marked(t, ms, "historical", 99) for t in triggers):
        ctx.destination = destination
    seen_types: set[str] = set()
    weak_of: dict[str, Draft] = {}
    verb_final = res.langs[doc.lang].settings.get("verb_position") == "final"
    settings = res.langs[doc.lang].settings
    and_words = frozenset(settings.get("and_words", "").split())
    joined = _coordinated(doc, ms, actors, and_words, ents)
    acted_on = _objects(doc, sent, ms, actors, settings.get("object_marker", ""), joined)
    for trig in _dominant(triggers):
        etype, mode, cameo = trig.key.split("/")
        flags = frozenset(f for f in trig.attr("flags").split(";") if f)
        pattern = trig.attr("pattern") or "nominal"
        if "object" in flags or "negation" in flags or etype in seen_types:
            continue  # a thing signed, or "did not meet": no event
        sides = _sides_after_between(doc, trig, actors, res) if pattern == "nominal" and etype in MUTUAL else []
        if pattern == "nominal" and etype not in NOMINAL_EVENTS and not sides:
            continue  # "condemned the attack": the attack is what is talked about, not an event of these actors
        if pattern == "nominal" and any(v.tok_start < trig.tok_start and v.key.split("/")[0] != etype for v in verbs):
            continue  # a noun after another event's verb is its complement
        if pattern != "nominal" and _object_of_verb(doc, trig, verbs, ms, and_words):
            continue  # "أدانت السعودية والإمارات قصف إسرائيل": قصف is the bombing condemned, not a verb
        if "weak" in flags and (etype in objects or (pattern != "nominal" and trig.key in nouns)):
            flags = flags - {"weak"}  # "وقع" with "a memorandum" in the sentence is a signing, not "happened"
        d = Draft(etype, mode or None, cameo, pattern, si, trig, flags=flags, sentences={si})
        _arguments(d, actors, ctx, verb_final, acted_on, joined, not verb_final and _opens_clause(doc, trig, and_words))
        if sides:
            d.source, d.target = sides, []  # "clashes between Afghan and Pakistani forces": both sides act
            flags = flags - {"weak"}  # two sides of two states settle a word of several senses (درگیری)
            d.flags = flags
        if not d.source:
            continue
        if "weak" in flags and etype == "CONSULT" and pattern != "nominal" and _people_of_two_states(d):
            # "بحث X مع السفير الروسي", "از رئیس جمهور ازبکستان استقبال کرد": a verb of several senses whose
            # participants are officials of two states is a meeting
            flags = flags - {"weak"}
            d.flags = flags
        if "weak" in flags and pattern == "visit" and _abroad(d, destination, ents):
            # "وصل X إلى الرياض"، "وارد کابل شد": a verb of several senses taking an official of one state to
            # a place of another is a visit
            flags = flags - {"weak"}
            d.flags = flags
        if etype in PLACE_TARGETS and not d.target:
            # "shelled southern Lebanon": the place attacked stands for its state; in a verb-final sentence it
            # stands before the verb (جنوب لبنان را بمباران کردند)
            first = d.source[0].tok if verb_final and d.trigger.tok_start > d.source[0].tok else trig.tok_start
            hit = next(
                (
                    m
                    for m in ms
                    if m.kind == "ENT"
                    and ents[m.key].type == "PLACE"
                    and m.tok_start > first
                    and m.tok_start != trig.tok_start
                    and ents[m.key].country
                ),
                None,
            )
            if hit is not None:
                d.target = [Actor(hit.tok_start, hit.key, ents[hit.key].country, "", "PLACE")]
        if (
            pattern == "nominal"
            and etype == "CONSULT"
            and all(a.kind == "COUNTRY" for a in d.source)
            and not (len(d.source) >= 2 and _marked(trig, ms, "joint", NEAR, after=NEAR))
        ):
            # "the Iran–Japan match" (دیدار): a meeting needs people, not just states, unless it is one of a
            # joint body of the states (عقدت اللجنة العسكرية المشتركة السعودية الباكستانية اجتماعها)
            flags = flags | {"weak"}
            d.flags = flags
        if etype == "ACCUSE" and d.target and _victim(doc, d.target[0], triggers, res):
            d.target = []  # "condemned the attack on the US embassy": the US is hit, not accused
        if etype == "CONSULT" and all(a.kind == "COUNTRY" for a in d.source + d.target) and len(
            {a.country for a in d.source + d.target}
        ) < 2:
            continue  # one state "meeting" by itself (a capital where a working group meets): no one met
        if etype in NEEDS_OTHER_SIDE and pattern == "say" and not _other_side(d):
            continue
        if pattern == "visit" and not any(a.kind in ("PERSON", "ROLE", "COUNTRY") for a in d.source):
            continue  # only people and states visit (a cargo plane "arriving" is not a visit)
        if "weak" in d.flags:
            if etype in weak_of:
                continue
            weak_of[etype] = d  # a weak reading gives way to a firmer one of the same type later in the sentence
        else:
            if etype in weak_of:
                out.remove(weak_of.pop(etype))
            seen_types.add(etype)
        d.location = (
            _location(d, places, ms, ents, res)
            or (destination if etype == "CONSULT" else None)
            or _location(d, in_roles, ms, ents, res)
        )
        d.visit_destination = destination
        d.topics = topics | (para_topics.get(sent.paragraph, set()) if topics else set())
        d.historical = _marked(trig, ms, "historical", 99, after=6)
        d.future = "future" in flags or _marked(trig, ms, "future", 6)
        d.evidence = (sent.start, sent.end)
        d.confidence = _confidence(d)
        out.append(d)
    return out


def _objects(
    doc: Doc, sent: Sentence, ms: list[Mention], actors: list[Actor], marker: str, joined: dict[int, int]
) -> frozenset[int]:
    """The actors the language's object marker shows to be acted on, never the subject: the phrase it closes
    (سفیر افغانستان را: the whole role phrase) and every actor between the clause's first actor and it (وزارت
    امور خارجه کاردار سفارت سوئد در تهران را احضار کرد: the chargé and Sweden, not the ministry)."""
    if not marker:
        return frozenset()
    spans = [(m.tok_start, m.tok_end) for m in ms if m.kind in ("ENT", "ROLE", "REF")]
    out = set()
    for r in range(sent.tok_start, sent.tok_end):
        if doc.tokens[r].text != marker:
            continue
        end = max((b for _, b in spans if b <= r), default=-1)
        if end >= 0 and r - end <= 1:
            out.add(min(a for a, b in spans if b == end))  # the outermost phrase ending there
        if actors and actors[0].tok < r:
            subjects = _chain(actors[0].tok, joined)  # ایران و عراق آمریکا را: Iraq is a subject too
            out.update(a.tok for a in actors[1:] if a.tok < r and a.tok not in subjects)
    return frozenset(out)


def _coordinated(
    doc: Doc, ms: list[Mention], actors: list[Actor], and_words: frozenset[str], ents: dict[str, Entity]
) -> dict[int, int]:
    """Actor -> the next actor joined to it by "and" or a comma alone (settings `and_words`: ایران و عراق،
    السعودية والإمارات), both states or organisations, or both people: coordinated parts of one argument."""
    if len(actors) < 2:
        return {}
    ends: dict[int, int] = {}
    for m in ms:
        if m.kind in ("ENT", "ROLE"):
            ends[m.tok_start] = max(ends.get(m.tok_start, 0), m.tok_end)
    group = {"COUNTRY": 0, "ORG": 0, "PERSON": 1, "ROLE": 1}
    out: dict[int, int] = {}
    tokens = doc.tokens
    for a, b in itertools.pairwise(actors):
        if a.kind not in group or group.get(b.kind) != group[a.kind] or a.tok == b.tok:
            continue
        between = [t.text for t in tokens[ends.get(a.tok, a.tok + 1) : b.tok]]
        if between and all(w in and_words for w in between):
            out[a.tok] = b.tok
        elif not between:
            t = tokens[b.tok]  # Arabic writes و on the next word: والإمارات (but واشنطن is a name)
            own = ents[b.entity].native if b.entity in ents else ""
            if t.key[:1] in and_words and not own.startswith(t.text[:1]) and any(
                t.key[1:].endswith(x) for x in t.stems if x != t.key
            ):
                out[a.tok] = b.tok
    return out


def _object_of_verb(
    doc: Doc, trig: Mention, verbs: list[Mention], ms: list[Mention], and_words: frozenset[str]
) -> bool:
    """A verb form right after another event's verb and its subject, with nothing but names and "and" between,
    is that verb's object, a verbal noun of the same spelling (أدانت السعودية والإمارات قصف إسرائيل)."""
    names = {k for m in ms if m.kind in ("ENT", "ROLE") for k in range(m.tok_start, m.tok_end)}
    for v in verbs:
        if v.tok_end <= trig.tok_start and v.key.split("/")[0] != trig.key.split("/")[0]:
            between = range(v.tok_end, trig.tok_start)
            if any(k in names for k in between) and all(
                k in names or doc.tokens[k].text in and_words for k in between
            ):
                return True
    return False


def _opens_clause(doc: Doc, trig: Mention, and_words: frozenset[str]) -> bool:
    """The trigger starts its sentence, follows a comma, or carries "and" (وتتهم): it opens a clause."""
    i = trig.tok_start
    t = doc.tokens[i]
    if i == 0 or doc.tokens[i - 1].text in and_words or doc.tokens[i - 1].text == ".":
        return True
    return t.key[:1] in and_words and any(t.key[1:].endswith(x) for x in t.stems if x != t.key)


def _chain(tok: int, joined: dict[int, int]) -> set[int]:
    """The actor at `tok` and every actor coordinated after it."""
    out = {tok}
    while tok in joined:
        tok = joined[tok]
        out.add(tok)
    return out


def locative(doc: Doc, i: int, res: Resources) -> bool:
    """Is the place at token i introduced as where something is (في/در/إلى/به, or the proclitics ب/ل)?"""
    lr = res.langs[doc.lang]
    tok = doc.tokens[i]
    for stem in tok.stems[1:]:
        if tok.key.endswith(stem) and any(p in lr.locatives for p in tok.key[: len(tok.key) - len(stem)]):
            return True
    for k in range(i - 1, max(-1, i - 4), -1):
        t = doc.tokens[k]
        if t.kind != "word":
            return False
        if t.key in lr.locatives:
            return True
    return False


def _sides_after_between(doc: Doc, trig: Mention, actors: list[Actor], res: Resources) -> list[Actor]:
    """The two sides named right after "between" following a clash noun (اشتباكات بين القوات الأفغانية
    والباكستانية، درگیری مرزی میان مرزبانان ایران و نیروهای طالبان), when they are of two states."""
    between = res.langs[doc.lang].between_words
    for k in range(trig.tok_end, min(trig.tok_end + 3, len(doc.tokens))):
        if doc.tokens[k].key in between:
            near = [a for a in actors if k < a.tok <= k + BETWEEN_REACH and a.country and a.kind != "PAIR"]
            sides: list[Actor] = []
            for a in near:
                if all(a.country != b.country for b in sides):
                    sides.append(a)
            return sides[:2] if len(sides) >= 2 else []
    return []


def _people_of_two_states(d: Draft) -> bool:
    """Named or unnamed officials of two different states among the event's participants."""
    return len({a.country for a in d.source + d.target if a.kind in ("PERSON", "ROLE") and a.country}) >= 2


def _victim(doc: Doc, target: Actor, triggers: list[Mention], res: Resources) -> bool:
    """The target follows an attack noun and a word introducing whom or where it hit (الهجوم على السفارة
    الأمريكية، الهجوم الذي استهدف مسجدا في باكستان، حمله به سوریه); an actor right after the noun is the
    attacker instead (الهجوم الإسرائيلي، حمله رژیم صهیونیستی)."""
    lr = res.langs[doc.lang]
    against = set(lr.settings.get("against_words", "").split()) | lr.locatives
    nouns = [m for m in triggers if m.key.startswith("ASSAULT/") and m.attr("pattern") == "nominal"]
    for m in sorted(nouns, key=lambda n: -n.tok_end):  # the attack noun nearest before the target decides
        if not 0 <= target.tok - m.tok_end <= 3 * NEAR:  # "الهجوم الذي استهدف، مساء أمس، نقطة … في … باكستان"
            continue
        if any(
            m.tok_end <= v.tok_start < target.tok
            for v in triggers
            if v.attr("pattern") != "nominal" and not v.key.startswith("ASSAULT/")  # (الهجوم الذي استهدف …)
        ):
            return False  # another verb's clause: "أدانت الهجوم على القنصلية واتهمت إسرائيل"
        between = doc.tokens[m.tok_end : target.tok]
        return any(t.key in against or t.text in against for t in between)
    return False


def _abroad(d: Draft, destination: str | None, ents: dict[str, Entity]) -> bool:
    """The one who moves is a person, an office holder or a state of known country, and the destination lies in
    another state."""
    there = ents[destination].country if destination is not None else None
    return bool(there) and any(
        a.kind in ("PERSON", "ROLE", "COUNTRY") and a.country and a.country != there for a in d.source
    )


def _locative_word_before(doc: Doc, i: int, res: Resources) -> bool:
    """The word right before token i is a locative or directional preposition (في، در، إلى، به)."""
    return i > 0 and doc.tokens[i - 1].key in res.langs[doc.lang].locatives


def _other_side(d: Draft) -> bool:
    src = {a.country for a in d.source}
    return any(a.kind == "ORG" or (a.country and a.country not in src) for a in d.target)


def _quoted(doc: Doc, m: Mention, sent: Sentence) -> bool:
    """Inside quotation marks: what someone said, not what happened."""
    assert doc.norm is not None
    before = doc.norm.text[sent.start : m.start]
    opened = before.count("«") - before.count("»")
    return opened > 0 or before.count('"') % 2 == 1


def _marked(trig: Mention, ms: list[Mention], kind: str, window: int, after: int = 2) -> bool:
    """A marker of this kind before the trigger (within `window` tokens), or shortly after it."""
    for m in ms:
        if (
            m.kind == "MARKER"
            and m.key == kind
            and (0 <= trig.tok_start - m.tok_end <= window or 0 <= m.tok_start - trig.tok_end <= after)
        ):
            return True
    return False


def _negated(trig: Mention, ms: list[Mention]) -> bool:
    return _marked(trig, ms, "negation", 2)


def _dominant(triggers: list[Mention]) -> list[Mention]:
    """Verbs before nouns; within a sentence one event per type (the strongest trigger)."""

    def rank(m: Mention) -> tuple[int, int, int]:
        weak = "weak" in m.attr("flags")
        return (1 if m.attr("pattern") == "nominal" else 0, 1 if weak else 0, m.tok_start)

    return sorted(triggers, key=rank)


def _capitals_for_states(doc: Doc, ms: list[Mention], ents: dict[str, Entity], res: Resources) -> frozenset[int]:
    """The capitals that stand for their state's government (اتهمت طهران واشنطن، تهران از اسلام‌آباد خواست): not
    where something is (في طهران، به تهران), not after a capital word (العاصمة بغداد), not an article's
    dateline (طهران - ، القاهرة في 12 مارس)."""
    lr = res.langs[doc.lang]
    tokens = doc.tokens
    out = set()
    for m in ms:
        if m.kind != "ENT":
            continue
        e = ents[m.key]
        info = res.places.get(e.key) if e.type == "PLACE" and e.country else None
        if info is None or info.kind != "capital" or locative(doc, m.tok_start, res):
            continue
        if m.tok_start and tokens[m.tok_start - 1].key in lr.place_words:
            continue
        nxt = tokens[m.tok_end] if m.tok_end < len(tokens) else None
        if nxt is not None and nxt.kind == "punct" and nxt.text not in ("،", ",", ".", "؛"):
            continue  # a dateline: "طهران - (إرنا)"
        if (
            nxt is not None
            and nxt.key in lr.locatives
            and m.tok_end + 1 < len(tokens)
            and tokens[m.tok_end + 1].kind == "num"
        ):
            continue  # a dateline: "القاهرة في 12 مارس"
        out.add(m.tok_start)
    return frozenset(out)


def _actors(
    ms: list[Mention], ents: dict[str, Entity], pair: list[str], capitals: frozenset[int] = frozenset()
) -> list[Actor]:
    """`capitals`: the first tokens of capitals that stand for their state (`_capitals_for_states`)."""
    out: list[Actor] = []
    for m in ms:
        if m.kind == "ENT" and m.tok_start in capitals:
            e = ents[m.key]
            out.append(Actor(m.tok_start, e.id, e.country, "", "COUNTRY"))  # Tehran for Iran's government
        elif m.kind == "ENT":
            e = ents[m.key]
            if e.type not in _ACTOR_TYPES:
                continue
            if e.type == "ORG" and (e.sector == "JRN" or not (e.country or e.sector in ("IGO", "UNO"))):
                continue  # the outlet reporting it, or "the ministry" of no known state
            out.append(Actor(m.tok_start, e.id, e.country, e.role or "", e.type))
        elif m.kind == "ROLE" and m.key and not m.attr("named"):
            out.append(Actor(m.tok_start, None, m.attr("country") or None, m.attr("english") or m.key, "ROLE"))
        elif m.kind == "REF" and m.key == "pair" and len(pair) == 2:
            out.append(Actor(m.tok_start, None, pair[0], "", "PAIR"))
            out.append(Actor(m.tok_start, None, pair[1], "", "PAIR"))
    # a state named inside a role phrase, right next to a person or after its ministry (وزارة الخارجية
    # السعودية) is that actor's attribute, not an actor of its own
    people = [a for a in out if a.kind in ("PERSON", "ROLE")]
    orgs = [a for a in out if a.kind == "ORG" and a.country]

    def attribute(a: Actor) -> bool:
        return a.kind == "COUNTRY" and (
            any(p.country == a.country and abs(p.tok - a.tok) <= 8 for p in people)
            or any(o.country == a.country and 0 < a.tok - o.tok <= 3 for o in orgs)
        )

    keep = [a for a in out if not attribute(a)]
    if any(a.kind == "PAIR" for a in keep):
        # "the two sides discussed Gaza and Lebanon": with the pair named, other states are what is talked about
        keep = [a for a in keep if a.kind != "COUNTRY" or a.country in pair]
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


def _subject(
    before: list[Actor], after: list[Actor], trig: int, ctx: _Context, verb_end: int | None = None
) -> list[Actor]:
    """Who acts: the nearest person or office holder before the verb, else the nearest state or organisation;
    in a verb-first sentence (Arabic VSO: أدانت وزارة الخارجية السعودية) the actor right after the verb; with
    no one there either (a dropped subject), the person the article spoke of last. `verb_end`: in a verb-first
    language, where the verb ends: a state right after it is its subject before any state named earlier in the
    sentence (… المحاذي لأفغانستان … وتتهم إسلام آباد جماعات مسلحة)."""
    named = [a for a in before if a.kind == "PERSON"]
    if named:
        return [named[0]]  # the sentence's first named person: SOV and SVO alike
    people = [a for a in before if a.kind == "ROLE"]
    if people:
        return [people[-1]]
    if verb_end is not None and after and after[0].kind in ("COUNTRY", "ORG") and after[0].tok == verb_end:
        return [after[0]]
    others = [a for a in before if a.kind in ("COUNTRY", "ORG")]
    if others:
        return [others[0]]
    if after and after[0].kind != "PAIR" and after[0].tok - trig <= VSO_GAP:
        return [after[0]]
    return [ctx.last_person] if ctx.last_person is not None else []


def _arguments(
    d: Draft,
    actors: list[Actor],
    ctx: _Context,
    verb_final: bool = False,
    objects: frozenset[int] = frozenset(),
    joined: dict[int, int] | None = None,
    clause_verb: bool = False,
) -> None:
    """`objects`: the tokens of actors marked as direct objects (Persian را), never the subject; `joined`: the
    coordinated actors (`_coordinated`), subjects together; `clause_verb`: the trigger is a verb opening its
    clause in a verb-first language (وتتهم إسلام آباد …), so a state right after it is its subject."""
    t = d.trigger.tok_start
    before = [a for a in actors if a.tok < t]
    after = [a for a in actors if a.tok > t]
    if d.pattern == "nominal" and d.type in GIVING:
        # "Qatar's aid to Afghanistan": the giver before the noun, the receiver after it
        d.source = _dedupe(_subject(before, [], t, ctx)[:1] if before else after[:1])
        d.target = _dedupe([a for a in after if a not in d.source][:1])
    elif d.pattern == "nominal":
        # "the visit of X to Y", "during the meeting, X said": the participants follow the noun; a person
        # shortly before it is its subject ("X, in a meeting with Y")
        near = [a for a in before if a.kind == "PERSON" and t - a.tok <= NEAR][-1:]
        if not near and len(before) == 1 and before[0].kind == "PERSON" and t - before[0].tok <= 2 * NEAR:
            # the one actor before it, farther off behind a date (X وزیر کشور روز دوشنبه ۸ آذر در دیدار Y)
            near = before
        d.source = _dedupe(near + after if after else before)
    elif d.pattern in RECIPROCAL:
        d.source = _dedupe(actors)
    else:  # visit, host, say: the subject acts on the first actor after it, else on a state named before
        verb_end = int(d.trigger.attr("head_end") or d.trigger.tok_end) if clause_verb else None
        d.source = _dedupe(_subject([a for a in before if a.tok not in objects], after, t, ctx, verb_end))
        if joined and len(d.source) == 1 and d.source[0].tok in joined:
            # "عراق، ترکیه، عربستان سعودی و مصر ... محکوم کردند", "أدانت السعودية والإمارات": all act
            together = _chain(d.source[0].tok, joined)
            d.source = _dedupe([a for a in actors if a.tok in together])
        src = {s.sig for s in d.source}
        src_countries = {s.country for s in d.source}
        rest = (
            [a for a in after if a.sig not in src and a.kind != "PAIR" and a.tok > d.source[0].tok] if d.source else []
        )
        if verb_final and d.source:
            # Persian: the one acted on stands between the subject and the verb (از آمریکا درخواست کرد، X را
            # محکوم کرد); what follows the verb is another clause
            between = [
                a
                for a in before
                if a.sig not in src and a.kind != "PAIR" and a.tok > d.source[0].tok and a.country not in src_countries
            ]
            if between:
                rest = between
        if d.pattern == "visit":
            rest = [a for a in rest if a.kind in ("PERSON", "ROLE", "ORG")]
        elif not rest:
            rest = [
                a
                for a in before
                if a.kind in ("COUNTRY", "ORG") and a.sig not in src and a.country not in src_countries
            ]
        d.target = _dedupe(rest[:1])


def _destination(
    triggers: list[Mention], ms: list[Mention], ents: dict[str, Entity], role_spans: list[tuple[int, int]]
) -> str | None:
    """Where a visit in this sentence goes: the place or state named shortly after a visit word."""
    for t in triggers:
        if t.attr("pattern") != "visit" and t.key.split("/")[2] not in VISIT_CODES:
            continue
        # verb-first (زار وزير الخارجية الإيراني عباس عراقجي الرياض): the place comes after the visitor's name;
        # in a trigger of two parts, after its head (وارد کابل شد)
        end = int(t.attr("head_end") or t.tok_end)
        start = end
        for m in ms:
            if m.kind == "ENT" and ents[m.key].type in ("PERSON", "ORG") and 0 <= m.tok_start - end <= VSO_GAP:
                start = max(start, m.tok_end)
                break
        for m in ms:
            if (
                m.kind == "ENT"
                and (0 <= m.tok_start - end <= 4 or 0 <= m.tok_start - start <= 1)
                and ents[m.key].type in ("PLACE", "COUNTRY")
                and not any(a <= m.tok_start < b for a, b in role_spans)
            ):
                return m.key
    return None


def _place_kind(e: Entity, res: Resources) -> str:
    info = res.places.get(e.key)
    return info.kind if info else ""


def _location(
    d: Draft, places: list[Mention], ms: list[Mention], ents: dict[str, Entity], res: Resources
) -> str | None:
    towns = [p for p in places if _place_kind(ents[p.key], res) != "region"]
    if towns:
        # a place after the trigger is where it happened more often than one before it
        after = [p for p in towns if p.tok_start > d.trigger.tok_start]
        return (after or towns)[0].key
    return None


def _confidence(d: Draft) -> float:
    c = 0.5 if d.pattern == "nominal" else 0.7
    states = {a.country for a in d.source + d.target if a.country}
    if len(states) >= 2 or d.target:
        c += 0.15
    if any(a.kind == "PERSON" for a in d.source + d.target):
        c += 0.05
    if d.location:
        c += 0.05
    if "weak" in d.flags:
        c = min(c, WEAK_CONFIDENCE)
    return max(0.05, min(c, 0.95))


def dyad(actors: Sequence[Actor]) -> tuple[str, ...]:
    return tuple(sorted({a.country for a in actors if a.country}))


def _named(actors: Sequence[Actor]) -> list[Actor]:
    return [a for a in actors if a.kind == "PERSON"]


def _persons(actors: Sequence[Actor]) -> list[Actor]:
    return [a for a in actors if a.kind in ("PERSON", "ROLE")]


def complete(doc: Doc, drafts: list[Draft], res: Resources) -> None:
    """Fill, from the rest of the article, what an event's own sentence leaves out."""
    ents = _entity_index(doc)
    by_sentence: dict[int, list[Draft]] = {}
    for d in drafts:
        for si in d.sentences:
            by_sentence.setdefault(si, []).append(d)
    # "the meeting ended with the signing of a memorandum": the signing shares the meeting's place, people, last day
    for d in drafts:
        if d.type == "CONSULT":
            continue
        host = next(
            (
                o
                for si in d.sentences
                for o in by_sentence.get(si, ())
                if o.type == "CONSULT" and o.historical == d.historical
            ),
            None,
        )
        if host is None:
            continue
        d.location = d.location or host.location
        if d.date is None and host.date is not None and host.date.end:
            end = host.date.end
            d.date = DateValue(end, end, host.date.text, None, host.date.calendar)
        if not _named(d.source) and d.type in ("SUPPORT", "AGREE"):
            known = {s.sig for s in d.source}
            d.source.extend(a for a in host.source if a.kind in ("PERSON", "ROLE") and a.sig not in known)
    lead = _lead_persons(doc, ents)
    destination = _first_destination(drafts)
    first_town = _first_town(doc, ents, res)
    for d in drafts:
        if d.historical:
            continue
        dy = set(dyad(d.source + d.target))
        if d.type in ("CONSULT", "SUPPORT") and not _named(d.source + d.target):
            # "the two ministers exchanged views", "an agreement was signed during the visit": the people of the
            # visit this article reports, else the people its lead names
            known = {s.sig for s in d.source}
            visit = next((o for o in drafts if o.type == "CONSULT" and not o.historical and o is not d
                          and set(dyad(o.source + o.target)) == dy and _named(o.source + o.target)), None)
            pool = [a for a in visit.source + visit.target if a.kind == "PERSON"] if visit else lead
            added = [a for a in pool if a.country in dy and a.sig not in known]
            d.source.extend(added)
            if len({a.country for a in added}) >= 2:
                d.confidence = max(d.confidence, 0.6)
        if d.location is None and d.type in ("CONSULT", "SUPPORT"):
            # signed during the visit: where the visit was; else where the article says someone went,
            # else the first city it names in one of the states
            visit = next(
                (
                    o
                    for o in drafts
                    if o.type == "CONSULT" and o.location and not o.historical and set(dyad(o.source + o.target)) == dy
                ),
                None,
            )
            d.location = (
                (visit.location if visit and d.type == "SUPPORT" else None)
                or destination
                or (first_town if first_town and ents[first_town].country in dy else None)
            )


def _lead_persons(doc: Doc, ents: dict[str, Entity]) -> list[Actor]:
    """Persons named in the first sentences of the article (its lead)."""
    limit = doc.sentences[min(2, len(doc.sentences) - 1)].end if doc.sentences else 0
    out: list[Actor] = []
    seen: set[str] = set()
    for m in doc.mentions:
        if m.kind == "ENT" and m.start < limit and ents[m.key].type == "PERSON" and m.key not in seen:
            seen.add(m.key)
            e = ents[m.key]
            out.append(Actor(m.tok_start, e.id, e.country, e.role or "", "PERSON"))
    return out


def _first_destination(drafts: list[Draft]) -> str | None:
    for d in drafts:
        if d.visit_destination and not d.historical:
            return d.visit_destination
    return None


def _first_town(doc: Doc, ents: dict[str, Entity], res: Resources) -> str | None:
    role_spans = [(m.tok_start, m.tok_end) for m in doc.mentions if m.kind == "ROLE"]
    for m in doc.mentions:
        if (
            m.kind == "ENT"
            and ents[m.key].type == "PLACE"
            and _place_kind(ents[m.key], res) in ("capital", "city")
            and not any(a <= m.tok_start < b for a, b in role_spans)
        ):
            return m.key
    return None


def event_id(doc_id: str, d: Draft, dy: tuple[str, ...]) -> str:
    raw = f"{doc_id}|{d.type}|{d.cameo}|{'-'.join(dy)}|{d.evidence[0]}|{d.trigger.start}"
    return "ev_" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:12]


def finalise(
    doc: Doc, drafts: list[Draft], res: Resources, pair: list[str], min_confidence: float = MIN_CONFIDENCE
) -> list[Event]:
    ents = _entity_index(doc)
    events: list[Event] = []
    for d in drafts:
        etype, mode, cameo = d.type, d.mode, d.cameo
        if d.future and etype in _FUTURE_TO_AGREE:
            etype, mode, cameo = "AGREE", None, _FUTURE_TO_AGREE[etype]
        src = tuple(x for x in dict.fromkeys(_actor_ids(doc, d.source)) if x)
        tgt = tuple(x for x in dict.fromkeys(_actor_ids(doc, d.target)) if x and x not in src)
        if not src:
            continue
        dy = dyad(d.source + d.target)
        loc_country = ents[d.location].country if d.location and d.location in ents else None
        if d.type == "CONSULT" and len(dy) == 1 and loc_country and loc_country not in dy:
            dy = tuple(sorted({dy[0], loc_country}))  # met the hosts during a visit abroad
        if not dy or d.confidence < min_confidence:
            continue
        if etype == "CONSULT" and mode is None and loc_country and len(dy) == 2:
            mode, cameo = "visit", "043" if cameo == "040" else cameo
        events.append(
            Event(
                id=event_id(doc.doc_id, d, dy),
                type=etype,
                mode=mode,
                cameo=cameo,
                source=src,
                target=tgt,
                dyad=dy,
                location=d.location,
                date=d.date,
                topics=tuple(sorted(d.topics)),
                context=_contexts(d.topics, etype, cameo, res),
                historical=d.historical,
                confidence=d.confidence,
                evidence=doc.span(*d.evidence),
                trigger=doc.span(d.trigger.start, d.trigger.end),
            )
        )
    return events


def _actor_ids(doc: Doc, actors: list[Actor]) -> list[str]:
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
    plover = res.cameo_plover.get(cameo)
    if plover is not None:
        # the table names a few contexts that are not among PLOVER's 37 (e.g. "humanitarian"): dropped
        out.update(c for c in plover[2] if c in res.contexts)
    if etype in ("CONSULT", "SUPPORT", "AGREE") and not out:
        out.add("diplomatic")
    return tuple(sorted(out))
