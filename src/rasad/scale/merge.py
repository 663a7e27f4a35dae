"""Cross-document stories for a Spark run, as the store makes them.

The store assigns each new event record, in ingest order, to the best agreeing story among earlier
records (`rasad.store.stories.assign`). A record is only ever compared with records of the same type
and the same states, or, when it names three states or more, with the other multilateral records of
its type. So (type, states), with all multilateral records of a type in one block, is an exact
blocking key: each block is merged on its own, in ingest order. A finer block by week would not be
exact, since a story may run across a week's end (a meeting on Sunday and Monday, reported three days
later); inside a block, records are found by day through an index instead.

The decision is the store's own: the same `Facts` (`stories.record_facts`), the same candidate windows
(`stories.candidate_window`, `stories.candidate_mds`) and the same matcher (`stories.story_gaps`, then
`stories.choose_story`); only where the candidates come from differs (an index by day over records in
memory instead of SQL rows). `tests/test_scale_merge.py` checks the two give the same stories on random
corpora. Persons are identified by the store's actor registry (`actors.resolve_entity`), run over the
persons of the block in ingest order.
The store runs it over every person of the corpus; the two differ only where a name is linked to
another through a report outside the block (or an office filled in by such a report).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from rasad.records import Document, Entity, Event
from rasad.scale.rows import UNKNOWN_MONTH, OrderKey, event_uid
from rasad.store import actors, stories
from rasad.store.db import MEMORY, connect
from rasad.store.ingest import document_uid
from rasad.store.when import parse_day, resolve

MULTILATERAL_BLOCK = "*multilateral*"


@dataclass(frozen=True, slots=True)
class StoryEvent:
    """One event record with what story matching reads of its document."""

    uid: str  # the store's event uid: <document uid>-<n>
    doc_uid: str
    order: tuple[OrderKey, int]  # the document's input order, then the record's position in it
    lang: str
    published: str | None
    event: Event
    entities: tuple[tuple[int, Entity], ...]  # the document's entities the record names, with their positions

    @property
    def block(self) -> tuple[str, str]:
        """(type, states): the records this one may share a story with have the same block."""
        states = sorted(set(self.event.dyad))
        if len(states) >= stories.MULTILATERAL:
            return (self.event.type, MULTILATERAL_BLOCK)
        return (self.event.type, "-".join(states))


def story_events(doc: Document, key: OrderKey) -> list[StoryEvent]:
    """The story-matching view of every event record of an analysed document."""
    uid = document_uid(doc.text_sha256)
    positions = {e.id: i for i, e in enumerate(doc.entities)}
    out = []
    for n, ev in enumerate(doc.events, start=1):
        named = {positions[x] for x in (*ev.source, *ev.target, ev.location or "") if x in positions}
        out.append(
            StoryEvent(
                uid=event_uid(uid, n),
                doc_uid=uid,
                order=(key, n),
                lang=doc.lang,
                published=doc.published,
                # matching reads no evidence: its sentence is left out of the record (a third of its size)
                event=replace(ev, evidence=ev.evidence._replace(text=""), trigger=None),
                entities=tuple((i, doc.entities[i]) for i in sorted(named)),
            )
        )
    return out


def _person_actors(block: Sequence[StoryEvent], conn: sqlite3.Connection) -> dict[tuple[str, int], int]:
    """(document uid, entity position) -> actor id, from the store's registry over the persons of `block`.

    Persons matter only between documents: with persons in one document at most, each gets its own id.
    `conn` is an empty store; the registry is built in a transaction that is rolled back, so that every
    block starts from an empty registry without the cost of creating a store for each.
    """
    doc_order: dict[str, int] = {}
    persons: dict[tuple[str, int], tuple[str, Entity]] = {}
    for ev in block:
        doc_order.setdefault(ev.doc_uid, len(doc_order))
        for pos, ent in ev.entities:
            if ent.type == "PERSON":
                persons.setdefault((ev.doc_uid, pos), (ev.lang, ent))
    if len({doc for doc, _ in persons}) < 2:
        return {k: i for i, k in enumerate(persons)}
    conn.execute("BEGIN")
    try:
        out: dict[tuple[str, int], int] = {}
        # one registry for the block, as the store has one for a batch: it keeps the names of each country
        # indexed as it adds them, instead of reading them all again for every person
        registry = actors.Registry(conn)
        # in ingest order: documents as they come, a document's entities in its order, as the store stores them
        for k in sorted(persons, key=lambda k: (doc_order[k[0]], k[1])):
            lang, ent = persons[k]
            actor = registry.resolve(ent, lang)
            if actor is not None:
                out[k] = actor
        return out
    finally:
        conn.execute("ROLLBACK")


def _facts(
    block: Sequence[StoryEvent], actor_of: Mapping[tuple[str, int], int]
) -> tuple[list[stories.Facts], list[str | None]]:
    """The store's `Facts` of every record of a block, and each record's when-date.

    `actor_of` identifies the persons (`_person_actors`); empty, the facts name no persons.
    """
    doc_no: dict[str, int] = {}
    facts: list[stories.Facts] = []
    whens: list[str | None] = []
    for i, ev in enumerate(block):
        e = ev.event
        pub = parse_day(ev.published)
        w = resolve(e.date.start if e.date else None, e.date.end if e.date else None,
                    pub.isoformat() if pub else None, e.historical)
        by_id = {ent.id: (pos, ent) for pos, ent in ev.entities}
        place = None
        if e.location in by_id:
            loc = by_id[e.location][1]
            place = (loc.type, loc.key or loc.name or "", loc.country)
        persons = {
            (by_id[x][1].country, actor_of[(ev.doc_uid, by_id[x][0])])
            for x in (*e.source, *e.target)
            if x in by_id and (ev.doc_uid, by_id[x][0]) in actor_of
        }
        facts.append(
            stories.record_facts(
                i, doc_no.setdefault(ev.doc_uid, len(doc_no)), None, e.type, e.cameo, "-".join(sorted(set(e.dyad))),
                e.historical, e.date.start if e.date else None, w.day_start, w.day_end, w.md,
                pub.isoformat() if pub else None, place, persons,
            )
        )
        whens.append(w.when_date)
    return facts, whens


@dataclass(slots=True)
class _Story:
    """What `stories.story_facts` reads of a story, kept up to date as records join it."""

    members: list[int]
    documents: set[int]
    places: list[tuple[str, str, str | None]]
    persons: set[tuple[str | None, int]]

    def add(self, i: int, f: stories.Facts) -> None:
        self.members.append(i)
        self.documents.add(f.document_id)
        if f.place is not None and f.place not in self.places:
            self.places.append(f.place)
        self.persons.update(f.persons)

    def facts(self, sid: int) -> stories.StoryFacts:
        return stories.StoryFacts(sid, frozenset(self.documents), tuple(self.places), tuple(self.persons))


def _candidates(facts: Sequence[stories.Facts], whens: Sequence[str | None]) -> list[set[int]]:
    """For every record, the earlier records of the block whose dates let them be reports of its event.

    They depend on dates only (`stories.candidate_window`, `stories.candidate_mds`), not on persons. In a
    block of multilateral records they are also found by state: two such records can be one event only when
    one's states include the other's (`stories.dyads_agree`), so a record whose states share none with this
    one's is never a candidate, and is not looked at (a busy block holds thousands of records a month).
    """
    out: list[set[int]] = []
    by_when: dict[tuple[str, str], list[int]] = {}
    by_md: dict[tuple[str, str], list[int]] = {}
    for i, f in enumerate(facts):
        states = f.dyad.split("-") if stories.is_multilateral(f.dyad) else [f.dyad]
        cands: set[int] = set()
        window = stories.candidate_window(f, whens[i])
        if window:
            lo, hi = date.fromisoformat(window[0]), date.fromisoformat(window[1])
            for k in range((hi - lo).days + 1):
                day = (lo + timedelta(days=k)).isoformat()
                for s in states:
                    cands.update(by_when.get((day, s), ()))
        mds = stories.candidate_mds(f)
        if mds:
            days, yearless_only = mds
            for md in days:
                for s in states:
                    cands.update(
                        c for c in by_md.get((md, s), ()) if not yearless_only or facts[c].day_start is None
                    )
        out.append(cands)
        for s in states:
            if whens[i]:
                by_when.setdefault((str(whens[i]), s), []).append(i)
            if f.md:
                by_md.setdefault((f.md, s), []).append(i)
    return out


def _merge_block(block: Sequence[StoryEvent], conn: Callable[[], sqlite3.Connection]) -> list[list[int]]:
    """Stories of one block (records in ingest order) as lists of indices into it: the loop of `stories.assign`.

    `conn` gives the empty store the actor registry runs in (`_person_actors`).
    """
    if len({ev.doc_uid for ev in block}) < 2:
        return [[i] for i in range(len(block))]  # records of one document never share a story
    facts, whens = _facts(block, {})
    cands = _candidates(facts, whens)
    # persons only decide between stories a record could join: when no record of the block agrees with
    # an earlier one in type, states, code and dates (`story_gaps`, which reads no persons), every record
    # is a story of its own and the registry need not run
    if not any(stories.story_gaps(facts[i], ((0, facts[c]) for c in cs)) for i, cs in enumerate(cands) if cs):
        return [[i] for i in range(len(block))]
    facts, whens = _facts(block, _person_actors(block, conn()))
    found: list[_Story] = []
    story_of: list[int] = []
    for i, f in enumerate(facts):
        gaps = stories.story_gaps(f, ((story_of[c], facts[c]) for c in cands[i]))
        best = stories.choose_story(f, gaps, {sid: found[sid].facts(sid) for sid in gaps})
        if best is None:
            story_of.append(len(found))
            found.append(_Story([], set(), [], set()))
        else:
            story_of.append(best)
        found[story_of[-1]].add(i, f)
    return [s.members for s in found]


def merge_blocks(events: Iterable[StoryEvent]) -> list[list[StoryEvent]]:
    """Stories of any event records: each a list of records in ingest order; stories in order of their first."""
    blocks: dict[tuple[str, str], list[StoryEvent]] = {}
    for ev in events:
        blocks.setdefault(ev.block, []).append(ev)
    out: list[list[StoryEvent]] = []
    store: list[sqlite3.Connection] = []  # one empty store for every block's registry, made when first needed

    def conn() -> sqlite3.Connection:
        if not store:
            store.append(connect(MEMORY).conn)
        return store[0]

    try:
        for block in blocks.values():
            block.sort(key=lambda e: e.order)
            out.extend([block[i] for i in story] for story in _merge_block(block, conn))
    finally:
        for c in store:
            c.close()
    out.sort(key=lambda s: s[0].order)
    return out


def merge_events(events: Iterable[StoryEvent]) -> list[list[str]]:
    """Stories as lists of event uids (the interface the Spark stage needs of story matching)."""
    return [[e.uid for e in s] for s in merge_blocks(events)]


def _when(ev: StoryEvent) -> str | None:
    d = ev.event.date
    pub = parse_day(ev.published)
    w = resolve(d.start if d else None, d.end if d else None, pub.isoformat() if pub else None, ev.event.historical)
    return w.when_date


def story_row(story: Sequence[StoryEvent]) -> dict[str, Any]:
    """The stories-table row of one story; its id is the uid of its first record."""
    days = sorted(d for d in (_when(e) for e in story) if d)
    first = days[0] if days else None
    states = sorted({s for e in story for s in e.event.dyad})
    return {
        "story_id": story[0].uid,
        "lang": "+".join(sorted({e.lang for e in story})),
        "month": first[:7] if first else UNKNOWN_MONTH,
        "type": story[0].event.type,
        "dyad": states,
        "reports": len(story),
        "documents": len({e.doc_uid for e in story}),
        "first_date": first,
        "last_date": days[-1] if days else None,
        "event_uids": [e.uid for e in story],
    }
