"""Writing analysed documents into the store: idempotent by text hash, one transaction per batch.

A document is stored whole or not at all: its row, full-text entry, entities, mentions, events and their
story links are written in the batch's transaction, so a crash at any point leaves the database as it
was after the last committed batch, and running the same ingest again finishes the job: documents
already stored are recognised by the hash of their text and skipped (or, with `reanalyse`, analysed
again and replaced in place, keeping document, event and story ids).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from rasad.records import Document, Event, InputDoc
from rasad.store import actors, stories, workers
from rasad.store.db import analysis_versions, now, transaction
from rasad.store.textfold import fold_text
from rasad.store.when import When, parse_day, resolve

# Documents per transaction: each commit writes the pages the batch touched (indexes, full-text segments)
# once, so larger batches write less; 128 takes about a quarter of a second to write on one core.
BATCH_SIZE = 128

Analyzer = workers.Analyzer
AnalyzerFactory = workers.AnalyzerFactory
Outcome = workers.Outcome


@dataclass(frozen=True, slots=True)
class Problem:
    """An input that was not stored, and why."""

    name: str
    reason: str


@dataclass(slots=True)
class IngestStats:
    added: int = 0
    unchanged: int = 0  # already stored (same text), left as it was
    reanalysed: int = 0
    events: int = 0  # event records written
    skipped: list[Problem] = field(default_factory=list)  # inputs that could not be read
    failed: list[Problem] = field(default_factory=list)  # inputs whose analysis failed
    seconds: float = 0.0

    @property
    def documents(self) -> int:
        return self.added + self.reanalysed


def text_sha256(text: str) -> str:
    """Hash of the original text (as the analysis computes it: lone surrogates from escaped JSON hashed as is)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def storable(text: str) -> str:
    """The text as SQLite can hold it: lone surrogates replaced one for one, so offsets still hold."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    return text


def document_uid(sha: str) -> str:
    return sha[:16]


# --------------------------------------------------------------------------- writing one document


def _insert_entities(
    conn: sqlite3.Connection,
    doc_id: int,
    doc: Document,
    registry: actors.Registry,
    actor_of: dict[str, int | None] | None = None,
) -> dict[str, int]:
    """Entities and mentions of a document; local id -> row id (and local id -> actor id in `actor_of`)."""
    actor_ids = [registry.resolve(ent, doc.lang) for ent in doc.entities]
    if actor_of is not None:
        actor_of.update((e.id, a) for e, a in zip(doc.entities, actor_ids, strict=True))
    # ids given here, so that entities and mentions go in as two statements; the transaction is the only writer
    (last,) = conn.execute("SELECT coalesce(max(id), 0) FROM entities").fetchone()
    ids = {ent.id: last + i for i, ent in enumerate(doc.entities, 1)}
    conn.executemany(
        "INSERT INTO entities (id, document_id, local_id, type, key, name, native, country, role, role_key, kb_id, "
        "sector, actor_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (last + i, doc_id, e.id, e.type, e.key, e.name, e.native, e.country, e.role, e.role_key, e.kb_id,
             e.sector, actor_id)
            for i, (e, actor_id) in enumerate(zip(doc.entities, actor_ids, strict=True), 1)
        ],
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO mentions (entity_id, text, start_offset, end_offset) VALUES (?, ?, ?, ?)",
        [(last + i, m.text, m.start, m.end) for i, e in enumerate(doc.entities, 1) for m in e.mentions],
    )
    return ids


_EVENT_COLS = (
    "local_id, type, mode, cameo, cameo_root, dyad, location_id, date_start, date_end, date_text, day_start, "
    "day_end, date_md, when_date, when_basis, historical, confidence, evidence, evidence_start, evidence_end, "
    "trigger_text, trigger_start, trigger_end, lang, outlet"
)


def _when(ev: Event, published_day: str | None) -> When:
    d = ev.date
    return resolve(d.start if d else None, d.end if d else None, published_day, ev.historical)


def _event_values(ev: Event, entity_ids: dict[str, int], w: When, doc: Document) -> tuple[object, ...]:
    d = ev.date
    return (
        ev.id,
        ev.type,
        ev.mode,
        ev.cameo,
        ev.cameo[:2] if ev.cameo else None,
        "-".join(sorted(set(ev.dyad))),
        entity_ids.get(ev.location) if ev.location else None,
        d.start if d else None,
        d.end if d else None,
        d.text if d else None,
        w.day_start,
        w.day_end,
        w.md,
        w.when_date,
        w.basis,
        int(ev.historical),
        float(ev.confidence),
        ev.evidence.text,
        ev.evidence.start,
        ev.evidence.end,
        ev.trigger.text if ev.trigger else None,
        ev.trigger.start if ev.trigger else None,
        ev.trigger.end if ev.trigger else None,
        doc.lang,
        doc.source,
    )


def _write_links(conn: sqlite3.Connection, events: Sequence[tuple[int, Event]], entity_ids: dict[str, int]) -> None:
    """Participants, states, topics and contexts of event records (row id, record): one statement per table."""
    conn.executemany(
        "INSERT INTO event_participants (event_id, role, position, entity_id) VALUES (?, ?, ?, ?)",
        [
            (event_id, role, pos, entity_ids[local])
            for event_id, ev in events
            for role, locals_ in (("source", ev.source), ("target", ev.target))
            for pos, local in enumerate(locals_)
            if local in entity_ids
        ],
    )
    conn.executemany(
        "INSERT INTO event_states (event_id, state) VALUES (?, ?)", [(i, s) for i, ev in events for s in set(ev.dyad)]
    )
    conn.executemany(
        "INSERT INTO event_topics (event_id, topic) VALUES (?, ?)", [(i, t) for i, ev in events for t in set(ev.topics)]
    )
    conn.executemany(
        "INSERT INTO event_contexts (event_id, context) VALUES (?, ?)",
        [(i, c) for i, ev in events for c in set(ev.context)],
    )


def _write_event_links(conn: sqlite3.Connection, event_id: int, ev: Event, entity_ids: dict[str, int]) -> None:
    _write_links(conn, [(event_id, ev)], entity_ids)


def _insert_event(
    conn: sqlite3.Connection,
    doc_id: int,
    uid: str,
    ev: Event,
    entity_ids: dict[str, int],
    published_day: str | None,
    doc: Document,
) -> int:
    values = _event_values(ev, entity_ids, _when(ev, published_day), doc)
    cur = conn.execute(
        f"INSERT INTO events (uid, document_id, {_EVENT_COLS}) VALUES (?, ?, {','.join('?' * len(values))})",
        (uid, doc_id, *values),
    )
    event_id = int(cur.lastrowid or 0)
    _write_event_links(conn, event_id, ev, entity_ids)
    return event_id


def _fts_write(conn: sqlite3.Connection, doc_id: int, title: str | None, text: str, replace: bool) -> None:
    if replace:
        conn.execute("DELETE FROM documents_fts WHERE rowid = ?", (doc_id,))
    conn.execute(
        "INSERT INTO documents_fts (rowid, title, body) VALUES (?, ?, ?)",
        (doc_id, fold_text(title or ""), fold_text(text)),
    )


def _new_events(
    conn: sqlite3.Connection,
    doc_id: int,
    uid: str,
    doc: Document,
    entity_ids: dict[str, int],
    actor_ids: dict[str, int | None],
    published_day: str | None,
) -> None:
    """Write the event records of a new document, each with its story, in one statement per table.

    Each record's story is decided before it is written, from its facts in memory (the same facts
    `stories.event_facts` would read back), so no record is written twice. Records of one document
    never share a story: a story one of them joined is closed to the next ones.
    """
    if not doc.events:
        return
    by_local = {e.id: e for e in doc.entities}
    (last,) = conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()
    rows: list[tuple[object, ...]] = []
    links: list[tuple[int, Event]] = []
    joined: set[int] = set()
    for n, ev in enumerate(doc.events, 1):
        event_id = last + n
        w = _when(ev, published_day)
        values = _event_values(ev, entity_ids, w, doc)
        loc = by_local.get(ev.location) if ev.location and ev.location in entity_ids else None
        persons = [
            (e.country, actor)
            for local in (*ev.source, *ev.target)
            if local in entity_ids
            and (e := by_local[local]).type == "PERSON"
            and (actor := actor_ids.get(local)) is not None
        ]
        f = stories.record_facts(
            event_id, doc_id, None, ev.type, ev.cameo, str(values[5]), ev.historical,
            ev.date.start if ev.date else None, w.day_start, w.day_end, w.md, published_day,
            (loc.type, loc.key or loc.name or "", loc.country) if loc else None, persons,
        )  # fmt: skip
        story_id = stories.story_for(conn, f, w.when_date, closed=joined)
        joined.add(story_id)
        rows.append((event_id, f"{uid}-{n}", doc_id, story_id, *values))
        links.append((event_id, ev))
    marks = ",".join("?" * len(rows[0]))
    conn.executemany(f"INSERT INTO events (id, uid, document_id, story_id, {_EVENT_COLS}) VALUES ({marks})", rows)
    _write_links(conn, links, entity_ids)


def store_new(
    conn: sqlite3.Connection,
    doc: Document,
    text: str,
    name: str,
    versions: tuple[str, str],
    registry: actors.Registry | None = None,
) -> int:
    """Insert a document not stored yet, with everything found in it; the caller holds the transaction."""
    sha = text_sha256(text)
    uid = document_uid(sha)
    text = storable(text)
    stamp = now()
    published_day = _published_day(doc.published)
    cur = conn.execute(
        "INSERT INTO documents (uid, text_sha256, name, lang, title, published, published_day, source, url, text, "
        "warnings, rasad_version, data_version, ingested_at, analysed_at, next_event_no) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            uid,
            sha,
            name,
            doc.lang,
            doc.title,
            doc.published,
            published_day,
            doc.source,
            doc.url,
            text,
            json.dumps(list(doc.warnings), ensure_ascii=False),
            versions[0],
            versions[1],
            stamp,
            stamp,
            len(doc.events) + 1,
        ),
    )
    doc_id = int(cur.lastrowid or 0)
    _fts_write(conn, doc_id, doc.title, text, replace=False)
    actor_ids: dict[str, int | None] = {}
    entity_ids = _insert_entities(conn, doc_id, doc, registry or actors.Registry(conn), actor_ids)
    _new_events(conn, doc_id, uid, doc, entity_ids, actor_ids, published_day)
    return doc_id


def _published_day(published: str | None) -> str | None:
    d = parse_day(published)
    return d.isoformat() if d else None


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


def _match_events(old: Sequence[tuple[int, str, tuple[int, int]]], new: Sequence[Event]) -> dict[int, int]:
    """new event index -> old event row id, pairing records whose evidence overlaps (same type first)."""
    pairs = []
    for i, ev in enumerate(new):
        span = (ev.evidence.start, ev.evidence.end)
        for row_id, typ, old_span in old:
            ov = _overlap(span, old_span)
            if ov > 0 or span == old_span:
                pairs.append((typ == ev.type, ov, -abs(span[0] - old_span[0]), i, row_id))
    pairs.sort(reverse=True)
    out: dict[int, int] = {}
    used: set[int] = set()
    for _, _, _, i, row_id in pairs:
        if i not in out and row_id not in used:
            out[i] = row_id
            used.add(row_id)
    return out


def replace_analysis(
    conn: sqlite3.Connection,
    doc_id: int,
    doc: Document,
    versions: tuple[str, str],
    registry: actors.Registry | None = None,
) -> None:
    """Re-analysis in place: the document keeps its id; an event found again keeps its id and story."""
    uid, next_no, text = conn.execute(
        "SELECT uid, next_event_no, text FROM documents WHERE id = ?", (doc_id,)
    ).fetchone()
    old = [
        (int(r[0]), str(r[1]), (int(r[2]), int(r[3])))
        for r in conn.execute(
            "SELECT id, type, evidence_start, evidence_end FROM events WHERE document_id = ? ORDER BY id", (doc_id,)
        )
    ]
    sub = "SELECT id FROM events WHERE document_id = ?"
    for table in ("event_participants", "event_states", "event_topics", "event_contexts"):
        conn.execute(f"DELETE FROM {table} WHERE event_id IN ({sub})", (doc_id,))
    # local ids are the new analysis's to give: park the old ones where they cannot collide
    conn.execute("UPDATE events SET location_id = NULL, local_id = '~' || id WHERE document_id = ?", (doc_id,))
    conn.execute("DELETE FROM entities WHERE document_id = ?", (doc_id,))
    published_day = _published_day(doc.published)
    conn.execute(
        "UPDATE documents SET lang = ?, title = coalesce(?, title), published = coalesce(?, published), "
        "published_day = coalesce(?, published_day), source = coalesce(?, source), url = coalesce(?, url), "
        "warnings = ?, rasad_version = ?, data_version = ?, analysed_at = ? WHERE id = ?",
        (
            doc.lang,
            doc.title,
            doc.published,
            published_day,
            doc.source,
            doc.url,
            json.dumps(list(doc.warnings), ensure_ascii=False),
            versions[0],
            versions[1],
            now(),
            doc_id,
        ),
    )
    published_day, title, source = conn.execute(
        "SELECT published_day, title, source FROM documents WHERE id = ?", (doc_id,)
    ).fetchone()
    doc = replace(doc, source=source)  # the stored outlet, kept when the new analysis has none
    _fts_write(conn, doc_id, title, str(text), replace=True)
    entity_ids = _insert_entities(conn, doc_id, doc, registry or actors.Registry(conn))
    matched = _match_events(old, doc.events)
    kept: list[int] = []
    added: list[int] = []
    for i, ev in enumerate(doc.events):
        row_id = matched.get(i)
        if row_id is None:
            added.append(_insert_event(conn, doc_id, f"{uid}-{next_no}", ev, entity_ids, published_day, doc))
            next_no += 1
            continue
        values = _event_values(ev, entity_ids, _when(ev, published_day), doc)
        assignments = ", ".join(f"{c.strip()} = ?" for c in _EVENT_COLS.split(","))
        conn.execute(f"UPDATE events SET {assignments} WHERE id = ?", (*values, row_id))
        _write_event_links(conn, row_id, ev, entity_ids)
        kept.append(row_id)
    gone = [row_id for row_id, _, _ in old if row_id not in set(matched.values())]
    touched_stories: list[int | None] = []
    for row_id in gone:
        touched_stories.append(conn.execute("SELECT story_id FROM events WHERE id = ?", (row_id,)).fetchone()[0])
        conn.execute("DELETE FROM events WHERE id = ?", (row_id,))
    for row_id in kept:
        if not stories.still_fits(conn, row_id):
            touched_stories.append(conn.execute("SELECT story_id FROM events WHERE id = ?", (row_id,)).fetchone()[0])
            conn.execute("UPDATE events SET story_id = NULL WHERE id = ?", (row_id,))
            added.append(row_id)
    stories.drop_empty(conn, touched_stories)
    conn.execute("UPDATE documents SET next_event_no = ? WHERE id = ?", (next_no, doc_id))
    stories.assign_all(conn, added)
    stories.drop_empty(conn, touched_stories)


# --------------------------------------------------------------------------- batches


def _stored_ids(conn: sqlite3.Connection, shas: Iterable[str]) -> dict[str, int]:
    shas = list(set(shas))
    out: dict[str, int] = {}
    for i in range(0, len(shas), 500):
        chunk = shas[i : i + 500]
        for sha, doc_id in conn.execute(
            f"SELECT text_sha256, id FROM documents WHERE text_sha256 IN ({','.join('?' * len(chunk))})", chunk
        ):
            out[str(sha)] = int(doc_id)
    return out


def ingest_documents(
    conn: sqlite3.Connection,
    documents: Iterable[Document],
    *,
    reanalyse: bool = False,
    batch_size: int = BATCH_SIZE,
    versions: tuple[str, str] | None = None,
) -> IngestStats:
    """Store documents analysed elsewhere (each must carry its `text`)."""
    stats = IngestStats()
    t0 = time.perf_counter()
    vers = versions or analysis_versions()
    batch: list[Document] = []
    registry = actors.Registry(conn)

    def flush() -> None:
        _write_batch(conn, [(d, d.text, d.doc_id) for d in batch], reanalyse, vers, stats, registry)
        batch.clear()

    for doc in documents:
        if not doc.text:
            stats.failed.append(Problem(doc.doc_id, "the analysed document carries no text to store"))
            continue
        batch.append(doc)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    stats.seconds = time.perf_counter() - t0
    return stats


# what makes one document unstorable (bad offsets, a broken record); anything else stops the ingest
_DOCUMENT_ERRORS = (sqlite3.IntegrityError, ValueError, KeyError, TypeError)


class _Unstorable(Exception):
    """A document of a batch written without savepoints failed: the batch is written again with them."""


def _write_batch(
    conn: sqlite3.Connection,
    items: Sequence[tuple[Document, str, str]],
    reanalyse: bool,
    versions: tuple[str, str],
    stats: IngestStats,
    registry: actors.Registry,
) -> None:
    """One transaction. A document that cannot be stored is reported and the rest of the batch goes in.

    The batch is first written without a savepoint per document (a savepoint copies every page the
    document touches aside, a cost as large as some of the writes); only when a document fails is the
    transaction rolled back and the batch written again, each document in its savepoint. The registry
    is the caller's, kept over its batches (what it remembers was committed by them); it forgets
    whenever anything is rolled back.
    """
    before = (stats.added, stats.unchanged, stats.reanalysed, stats.events, len(stats.failed))
    try:
        _write_batch_once(conn, items, reanalyse, versions, stats, registry, savepoints=False)
        return
    except _Unstorable:
        registry.forget()
        stats.added, stats.unchanged, stats.reanalysed, stats.events, n_failed = before
        del stats.failed[n_failed:]
    except BaseException:
        registry.forget()
        raise
    try:
        _write_batch_once(conn, items, reanalyse, versions, stats, registry, savepoints=True)
    except BaseException:
        registry.forget()
        raise


def _write_batch_once(
    conn: sqlite3.Connection,
    items: Sequence[tuple[Document, str, str]],
    reanalyse: bool,
    versions: tuple[str, str],
    stats: IngestStats,
    registry: actors.Registry,
    *,
    savepoints: bool,
) -> None:
    with transaction(conn):
        stored = _stored_ids(conn, [text_sha256(t) for _, t, _ in items])
        for doc, text, name in items:
            sha = text_sha256(text)
            doc_id = stored.get(sha)
            if doc_id is not None and not reanalyse:
                stats.unchanged += 1
                continue
            if savepoints:
                conn.execute("SAVEPOINT document")
            try:
                if doc_id is None:
                    stored[sha] = store_new(conn, doc, text, name, versions, registry)
                    stats.added += 1
                else:
                    replace_analysis(conn, doc_id, doc, versions, registry)
                    stats.reanalysed += 1
            except _DOCUMENT_ERRORS as e:
                if not savepoints:
                    raise _Unstorable from e  # rolls the transaction back
                conn.execute("ROLLBACK TO document")
                conn.execute("RELEASE document")
                registry.forget()
                stats.failed.append(Problem(name, f"not stored: {type(e).__name__}: {e}"))
                continue
            if savepoints:
                conn.execute("RELEASE document")
            stats.events += len(doc.events)


def _batches(items: Iterable[InputDoc], size: int) -> Iterator[list[InputDoc]]:
    batch: list[InputDoc] = []
    for it in items:
        batch.append(it)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def pipeline_analyzer() -> Analyzer:
    """rasad's own analysis (loads the resources once)."""
    return workers.PipelineFactory()()


def ingest_inputs(
    conn: sqlite3.Connection,
    inputs: Iterable[object],
    *,
    factory: AnalyzerFactory = pipeline_analyzer,
    reanalyse: bool = False,
    processes: int = 0,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[IngestStats], None] | None = None,
) -> IngestStats:
    """Analyse and store `InputDoc`s (anything else with `name` and `reason`, e.g. a `Skipped`, is reported).

    Only documents whose text is not stored yet are analysed, unless `reanalyse`. With `processes=0` the
    analysis runs in this process, between writes; with N > 0 it runs in N worker processes
    (`rasad.store.workers`), a few chunks ahead, while this process writes: storing then costs (almost)
    no time of its own.
    """
    stats = IngestStats()
    t0 = time.perf_counter()
    versions = analysis_versions()

    def readable_inputs() -> Iterator[InputDoc]:
        for item in inputs:
            if isinstance(item, InputDoc):
                yield item
            else:
                stats.skipped.append(Problem(str(getattr(item, "name", "?")), str(getattr(item, "reason", "?"))))

    registry = actors.Registry(conn)
    seen: set[str] = set()

    def todo() -> Iterator[InputDoc]:
        # only texts not stored yet (nor met earlier in this run) are analysed; looked up a batch at a time
        for batch in _batches(readable_inputs(), batch_size):
            stored = _stored_ids(conn, (text_sha256(i.text) for i in batch))
            for inp in batch:
                sha = text_sha256(inp.text)
                if (sha in stored and not reanalyse) or sha in seen:
                    stats.unchanged += 1
                    continue
                seen.add(sha)
                yield inp

    def write(done: list[tuple[InputDoc, Outcome]]) -> None:
        items: list[tuple[Document, str, str]] = []
        for inp, out in done:
            if isinstance(out, workers.Failed):
                stats.failed.append(Problem(out.name, out.reason))
            else:
                items.append((_with_input_metadata(out, inp), inp.text, inp.doc_id))
        if items:
            _write_batch(conn, items, reanalyse, versions, stats, registry)
        if progress:
            progress(stats)

    run_id = _start_run(conn, versions)
    # with worker processes, their inputs are read ahead (a few chunks each) while this process writes
    inputs_seen: deque[InputDoc] = deque()

    def remembered() -> Iterator[InputDoc]:
        for inp in todo():
            inputs_seen.append(inp)
            yield inp

    done: list[tuple[InputDoc, Outcome]] = []
    # two batches ahead: the workers go on while this process writes one
    results = workers.outcomes(remembered(), max(0, processes), factory, ahead=2 * batch_size)
    try:
        for out in results:
            done.append((inputs_seen.popleft(), out))
            if len(done) >= batch_size:
                write(done)
                done = []
        if done:
            write(done)
    finally:
        results.close()  # stops the worker processes also when writing failed
    stats.seconds = time.perf_counter() - t0
    _finish_run(conn, run_id, stats)
    return stats


def _start_run(conn: sqlite3.Connection, versions: tuple[str, str]) -> int:
    with transaction(conn):
        cur = conn.execute(
            "INSERT INTO ingest_runs (started_at, rasad_version, data_version) VALUES (?, ?, ?)", (now(), *versions)
        )
    return int(cur.lastrowid or 0)


def _finish_run(conn: sqlite3.Connection, run_id: int, stats: IngestStats) -> None:
    with transaction(conn):
        conn.execute(
            "UPDATE ingest_runs SET finished_at = ?, added = ?, unchanged = ?, reanalysed = ?, skipped = ?, "
            "failed = ? WHERE id = ?",
            (now(), stats.added, stats.unchanged, stats.reanalysed, len(stats.skipped), len(stats.failed), run_id),
        )


def _with_input_metadata(doc: Document, inp: InputDoc) -> Document:
    """The input's own metadata fills what the analysis lacks (the URL is never analysed)."""
    return replace(
        doc,
        title=doc.title or inp.title,
        published=doc.published or inp.published,
        source=doc.source or inp.source,
        url=doc.url or inp.url,
    )


def stored_inputs(conn: sqlite3.Connection, uids: Sequence[str] = ()) -> Iterator[InputDoc]:
    """Stored documents as inputs again, for re-analysis (all of them, or those with these uids or names)."""
    sql = "SELECT name, text, title, published, source, url FROM documents"
    args: tuple[str, ...] = ()
    if uids:
        marks = ",".join("?" * len(uids))
        sql += f" WHERE uid IN ({marks}) OR name IN ({marks})"
        args = (*uids, *uids)
    for r in conn.execute(sql + " ORDER BY id", args).fetchall():
        yield InputDoc(doc_id=r[0], text=r[1], title=r[2], published=r[3], source=r[4], url=r[5])
