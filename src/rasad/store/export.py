"""Exports in the field's formats: PLOVER JSON event records, a CAMEO event table in GDELT's column layout,
and Parquet tables.

The unit of an export is a story (one real-world event, however many outlets reported it: the
deduplicated view) or an event record (one report of it; PLOVER's `link` and the stories table tie the
reports of one story together).
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

from rasad.lexicon import DATA_DIR, read_tsv
from rasad.store import query
from rasad.store.db import StoreError
from rasad.store.query import ALL, EventFilter, EventRow, Participant, Story

UNITS = ("story", "event")
# The Parquet tables for analysis (the others of an export are there for loading it back)
ANALYST_TABLES = ("events", "stories", "actors", "documents")
PLOVER_CODEBOOK = "PLOVER 2.0 (draft)"


@dataclass(frozen=True, slots=True)
class Ontology:
    """The coding scales the exports need, from data/ontology and data/common."""

    cameo: dict[str, tuple[float | None, int | None]]  # code -> (Goldstein, quad class)
    type_quad: dict[str, int]
    type_score: dict[str, float]
    mode_score: dict[tuple[str, str], float]
    modes: frozenset[str]
    countries: dict[str, tuple[str, str]]  # ISO3 -> (ISO2, English name)

    def goldstein_quad(self, code: str) -> tuple[float | None, int | None]:
        """A code's values, else its base code's, else its root's."""
        for c in (code, code[:3], code[:2]):
            if c in self.cameo:
                return self.cameo[c]
        return None, None


def _float(v: str) -> float | None:
    try:
        return float(v) if v.strip() else None
    except ValueError:
        return None


def _int(v: str) -> int | None:
    try:
        return int(v) if v.strip() else None
    except ValueError:
        return None


def load_ontology() -> Ontology:
    onto = DATA_DIR / "ontology"
    cameo = {r["code"]: (_float(r["goldstein"]), _int(r["quad"])) for r in read_tsv(onto / "cameo.tsv")}
    types = read_tsv(onto / "plover_types.tsv")
    type_quad = {r["type"]: q for r in types if (q := _int(r["quad"])) is not None}
    type_score = {r["type"]: s for r in types if (s := _float(r["score"])) is not None}
    modes_rows = read_tsv(onto / "plover_modes.tsv")
    mode_score = {(r["type"], r["mode"]): s for r in modes_rows if (s := _float(r["score"])) is not None}
    countries = {r["iso3"]: (r["iso2"], r["name"]) for r in read_tsv(DATA_DIR / "common" / "countries.tsv")}
    return Ontology(cameo, type_quad, type_score, mode_score, frozenset(r["mode"] for r in modes_rows), countries)


def plover_schema() -> dict[str, Any]:
    text = (importlib_resources.files("rasad.store") / "plover_event.schema.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


@dataclass(slots=True)
class ExportStats:
    written: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def _units(conn: sqlite3.Connection, f: EventFilter, unit: str) -> Iterator[tuple[EventRow, Story | None]]:
    """(representative report, its story when the unit is a story) for every record of the export."""
    if unit not in UNITS:
        raise StoreError(f"unit must be one of {', '.join(UNITS)}")
    if unit == "event":
        for row in query.events(conn, f):
            yield row, None
        return
    for st in query.stories(conn, f):
        yield _representative(st), st


def _representative(st: Story) -> EventRow:
    """The report that says most: dated by the event itself, most participants, earliest stored."""
    return sorted(st.reports, key=lambda r: (r.date_basis != "event", -len(r.participants), r.id))[0]


# --------------------------------------------------------------------------- PLOVER JSON


_SECTOR = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _sector(value: str | None) -> str | None:
    if value and len(value) in (3, 6) and set(value) <= _SECTOR:
        return value
    return None


def _plover_entity(p: Participant, onto: Ontology) -> dict[str, Any]:
    code = p.country if p.country and len(p.country) == 3 else None
    out: dict[str, Any] = {
        "code": code,
        "entity_text": p.native,
        "entity_name": p.name,
        "identifier_text": p.name,
        "country_name": onto.countries[code][1] if code in onto.countries else None,
    }
    if _sector(p.sector):
        out["sector"] = p.sector
    if p.entity_role:
        out["office"] = p.entity_role
    return out


def plover_record(row: EventRow, st: Story | None, onto: Ontology, coder: str, coded: str) -> dict[str, Any] | None:
    """The PLOVER event record of a report (or of a story, from its representative report); None without a date."""
    day = row.date
    if st is not None:
        day = st.date or day
    if not day:
        return None
    rec: dict[str, Any] = {
        "id": st.uid if st is not None else row.uid,
        "has_event": True,
        "date": day,
        "actor": [_plover_entity(p, onto) for p in row.sources],
        "recipient": [_plover_entity(p, onto) for p in row.targets],
        "event": [row.type],
    }
    if row.date_end and row.date_basis == "event" and len(row.date_end) == 10 and row.date_end != day:
        rec["enddate"] = row.date_end
    modes = []
    comments = []
    if row.mode:
        if row.mode in onto.modes:
            modes.append(row.mode)
        else:
            comments.append(f"mode {row.mode} (not a mode of the PLOVER manual)")
    if row.historical:
        modes.append("historical")
    rec["mode"] = modes
    rec["context"] = list(row.contexts)
    if row.location:
        rec["event_loc"] = {
            "extracted_place": row.location,
            "resolved_place": row.location,
            "country_code": row.location_country if row.location_country and len(row.location_country) == 3 else None,
            "country": onto.countries.get(row.location_country or "", (None, None))[1],
        }
    reports = st.reports if st is not None else (row,)
    rec["event_text"] = [r.evidence for r in reports]
    quad = onto.type_quad.get(row.type)
    if quad is not None:
        rec["quad_code"] = quad
    score = onto.mode_score.get((row.type, row.mode or ""), onto.type_score.get(row.type))
    if score is not None:
        rec["event_scale"] = score
    if row.story is not None:
        rec["link"] = f"S{row.story}"
    rec["text_info"] = {"start": row.evidence_start, "end": row.evidence_end, "text_story": row.document}
    rec["cite_info"] = {
        "corpus": "rasad",
        "citation": row.title or row.document_name,
        "url": row.url,
        "title": row.title,
        "language": row.lang,
        "publication": row.outlet,
        "coder": coder,
        "codebook": PLOVER_CODEBOOK,
    }
    rec["coder"] = coder
    rec["coded_date"] = coded
    if row.date_basis == "published":
        comments.append("undated in the text: date of publication")
    if st is not None and len(st.reports) > 1:
        comments.append("reports: " + ", ".join(r.uid for r in st.reports))
    if comments:
        rec["comment"] = "; ".join(comments)
    return rec


def plover_records(
    conn: sqlite3.Connection,
    f: EventFilter = ALL,
    *,
    unit: str = "story",
    stats: ExportStats | None = None,
) -> Iterator[dict[str, Any]]:
    """PLOVER records of the stories (or event records) matching `f`; those without any date are skipped."""
    from rasad import __version__

    onto = load_ontology()
    coder = f"rasad {__version__}"
    coded = date.today().isoformat()
    for row, st in _units(conn, f, unit):
        rec = plover_record(row, st, onto, coder, coded)
        if rec is None:
            if stats is not None:
                stats.skip("no date")
            continue
        if stats is not None:
            stats.written += 1
        yield rec


def write_plover(conn: sqlite3.Connection, out: Path, f: EventFilter = ALL, *, unit: str = "story") -> ExportStats:
    """JSON Lines (one record a line) unless `out` ends in `.json`, which gets one JSON array."""
    stats = ExportStats()
    as_array = out.suffix.lower() == ".json"
    with _atomic(out) as fh:
        if as_array:
            fh.write("[\n")
        first = True
        for rec in plover_records(conn, f, unit=unit, stats=stats):
            line = json.dumps(rec, ensure_ascii=False)
            if as_array:
                fh.write(("" if first else ",\n") + line)
            else:
                fh.write(line + "\n")
            first = False
        if as_array:
            fh.write("\n]\n")
    return stats


# --------------------------------------------------------------------------- GDELT layout

GDELT_COLUMNS = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code", "ActionGeo_ADM2Code",
    "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)  # fmt: skip

# GDELT geographic resolution types: 1 country, 4 world city
_GEO_COUNTRY, _GEO_CITY = 1, 4


def _gdelt_actors(row: EventRow) -> tuple[Participant | None, Participant | None]:
    """Actor 1 is the first initiator; actor 2 the first recipient, or for a reciprocal event (no recipient,
    PLOVER codes all sides as actors) the first other side of another state."""
    a1 = row.sources[0] if row.sources else None
    a2 = row.targets[0] if row.targets else None
    if a2 is None and a1 is not None:
        a2 = next((p for p in row.sources[1:] if p.country != a1.country), None)
    return a1, a2


def _actor_cells(p: Participant | None) -> list[str]:
    """Code (country + sector, CAMEO style: IRNGOV), name, country, group/ethnic/religion codes, type codes."""
    if p is None:
        return [""] * 10
    sector = _sector(p.sector) or ""
    country = p.country or ""
    return [country + sector, p.name.upper(), country, "", "", "", "", sector, "", ""]


def _is_root(text_prefix_len: int | None, start: int) -> int:
    """GDELT's IsRootEvent: the event is told in the lead paragraph."""
    return int(text_prefix_len is None or start < text_prefix_len)


def gdelt_rows(
    conn: sqlite3.Connection,
    f: EventFilter = ALL,
    *,
    unit: str = "story",
    stats: ExportStats | None = None,
) -> Iterator[list[str]]:
    onto = load_ontology()
    stats = stats if stats is not None else ExportStats()
    lead: dict[str, int | None] = {}
    for row, st in _units(conn, f, unit):
        day = (st.date if st is not None else None) or row.date
        if not day:
            stats.skip("no date")
            continue
        if not row.cameo:
            stats.skip("no CAMEO code")
            continue
        if row.document not in lead:
            r = conn.execute("SELECT instr(text, char(10)) FROM documents WHERE uid = ?", (row.document,)).fetchone()
            lead[row.document] = int(r[0]) if r and r[0] else None
        d = date.fromisoformat(day)
        goldstein, quad = onto.goldstein_quad(row.cameo)
        if quad is None:
            quad = onto.type_quad.get(row.type)
        reports = st.reports if st is not None else (row,)
        a1, a2 = _gdelt_actors(row)
        loc_country = row.location_country or ""
        iso2, country_name = onto.countries.get(loc_country, ("", ""))
        if row.location:
            is_country = row.location_type == "COUNTRY" or not country_name
            geo_type = str(_GEO_COUNTRY if row.location_type == "COUNTRY" else _GEO_CITY)
            full = row.location if is_country else f"{row.location}, {country_name}"
        else:
            geo_type, full = "", ""
        added = row.ingested_at.replace("-", "").replace(":", "").replace("T", "").rstrip("Z")[:14]
        cells = [
            str(st.id if st is not None else row.id),
            d.strftime("%Y%m%d"),
            d.strftime("%Y%m"),
            str(d.year),
            f"{d.year + (d.timetuple().tm_yday - 1) / 365:.4f}",
            *_actor_cells(a1),
            *_actor_cells(a2),
            str(_is_root(lead[row.document], row.evidence_start)),
            row.cameo,
            row.cameo[:3],
            row.cameo[:2],
            "" if quad is None else str(quad),
            "" if goldstein is None else f"{goldstein:g}",
            str(len(reports)),
            str(len({r.outlet or r.document for r in reports})),
            str(len({r.document for r in reports})),
            "",
            *([""] * 8),
            *([""] * 8),
            geo_type,
            full,
            iso2 if row.location else "",
            *([""] * 5),
            added,
            row.url or row.document_name,
        ]
        stats.written += 1
        yield cells


def write_gdelt(
    conn: sqlite3.Connection,
    out: Path,
    f: EventFilter = ALL,
    *,
    unit: str = "story",
    header: bool = True,
) -> ExportStats:
    """Tab-separated, GDELT's 61 event columns in GDELT's order (a header line unless `header=False`).

    Differences from GDELT, by necessity: ActionGeo_CountryCode is ISO 3166-1 alpha-2 (GDELT uses FIPS 10-4);
    coordinates, ADM codes, feature ids, actor geography and AvgTone are left empty.
    """
    stats = ExportStats()
    with _atomic(out) as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        if header:
            w.writerow(GDELT_COLUMNS)
        for cells in gdelt_rows(conn, f, unit=unit, stats=stats):
            w.writerow([c.replace("\t", " ").replace("\n", " ") for c in cells])
    return stats


# --------------------------------------------------------------------------- Parquet / Arrow tables


def _day(value: str | None) -> date | None:
    if value and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def events_table(conn: sqlite3.Connection, f: EventFilter = ALL) -> Any:
    """Event records as an Arrow table (one row per report)."""
    import pyarrow as pa

    rows = query.events(conn, f)
    analysis = _analysis_columns(conn, [r.id for r in rows])
    day_rows = {
        int(r[0]): (r[1], r[2])
        for r in conn.execute(
            "SELECT id, day_start, day_end FROM events WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps([x.id for x in rows]),),
        )
    }
    cols: dict[str, list[Any]] = {
        "event_id": [r.uid for r in rows],
        "story_id": [f"S{r.story}" if r.story is not None else None for r in rows],
        "date": [_day(r.date) for r in rows],
        "date_basis": [r.date_basis for r in rows],
        "day_start": [_day(day_rows.get(r.id, (None, None))[0]) for r in rows],
        "day_end": [_day(day_rows.get(r.id, (None, None))[1]) for r in rows],
        "date_text_start": [r.date_start for r in rows],
        "type": [r.type for r in rows],
        "mode": [r.mode for r in rows],
        "cameo": [r.cameo for r in rows],
        "dyad": [list(r.dyad) for r in rows],
        "source_actors": [[p.actor_key or p.name for p in r.sources] for r in rows],
        "source_names": [[p.name for p in r.sources] for r in rows],
        "target_actors": [[p.actor_key or p.name for p in r.targets] for r in rows],
        "target_names": [[p.name for p in r.targets] for r in rows],
        "location": [r.location for r in rows],
        "location_country": [r.location_country for r in rows],
        "topics": [list(r.topics) for r in rows],
        "contexts": [list(r.contexts) for r in rows],
        "historical": [r.historical for r in rows],
        "confidence": [r.confidence for r in rows],
        "evidence": [r.evidence for r in rows],
        "evidence_start": [r.evidence_start for r in rows],
        "evidence_end": [r.evidence_end for r in rows],
        "document_id": [r.document for r in rows],
        "lang": [r.lang for r in rows],
        "outlet": [r.outlet for r in rows],
        "title": [r.title for r in rows],
        "url": [r.url for r in rows],
        "published": [r.published for r in rows],
        **{c: [analysis[r.id][c] for r in rows] for c in _ANALYSIS_COLUMNS},
    }
    strs = pa.list_(pa.string())
    schema = pa.schema(
        [
            ("event_id", pa.string()), ("story_id", pa.string()), ("date", pa.date32()), ("date_basis", pa.string()),
            ("day_start", pa.date32()), ("day_end", pa.date32()), ("date_text_start", pa.string()),
            ("type", pa.string()), ("mode", pa.string()), ("cameo", pa.string()), ("dyad", strs),
            ("source_actors", strs), ("source_names", strs), ("target_actors", strs), ("target_names", strs),
            ("location", pa.string()), ("location_country", pa.string()), ("topics", strs), ("contexts", strs),
            ("historical", pa.bool_()), ("confidence", pa.float64()), ("evidence", pa.string()),
            ("evidence_start", pa.int64()), ("evidence_end", pa.int64()), ("document_id", pa.string()),
            ("lang", pa.string()), ("outlet", pa.string()), ("title", pa.string()), ("url", pa.string()),
            ("published", pa.string()),
            ("local_id", pa.string()), ("date_text_end", pa.string()), ("date_phrase", pa.string()),
            ("source_entities", strs), ("target_entities", strs), ("location_entity", pa.string()),
            ("trigger_text", pa.string()), ("trigger_start", pa.int64()), ("trigger_end", pa.int64()),
        ]
    )  # fmt: skip
    return pa.table(cols, schema=schema)


# What an event record needs besides the analyst's columns for `rasad load-parquet` to rebuild the analysed
# document it came from: ids local to the document (of the event, its participants and its location), the
# date as read, and the trigger.
_ANALYSIS_COLUMNS = (
    "local_id", "date_text_end", "date_phrase", "source_entities", "target_entities", "location_entity",
    "trigger_text", "trigger_start", "trigger_end",
)  # fmt: skip


def _analysis_columns(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    wanted = json.dumps(list(ids))
    out: dict[int, dict[str, Any]] = {}
    for r in conn.execute(
        "SELECT e.id, e.local_id, e.date_end, e.date_text, l.local_id, e.trigger_text, e.trigger_start, "
        "e.trigger_end FROM events e LEFT JOIN entities l ON l.id = e.location_id "
        "WHERE e.id IN (SELECT value FROM json_each(?))",
        (wanted,),
    ):
        out[int(r[0])] = {
            "local_id": r[1], "date_text_end": r[2], "date_phrase": r[3], "source_entities": [],
            "target_entities": [], "location_entity": r[4], "trigger_text": r[5], "trigger_start": r[6],
            "trigger_end": r[7],
        }  # fmt: skip
    for event_id, role, local in conn.execute(
        "SELECT p.event_id, p.role, n.local_id FROM event_participants p JOIN entities n ON n.id = p.entity_id "
        "WHERE p.event_id IN (SELECT value FROM json_each(?)) ORDER BY p.event_id, p.role, p.position",
        (wanted,),
    ):
        out[int(event_id)][f"{role}_entities"].append(local)
    return out


def entities_table(conn: sqlite3.Connection, documents: Sequence[str]) -> Any:
    """Every entity of these documents (by uid) with its mentions and its actor, in the order analysed."""
    import pyarrow as pa

    rows = conn.execute(
        "SELECT n.id, d.uid, n.local_id, n.type, n.key, n.name, n.native, n.country, n.role, n.role_key, n.kb_id, "
        "n.sector, a.key FROM entities n JOIN documents d ON d.id = n.document_id "
        "LEFT JOIN actors a ON a.id = n.actor_id WHERE d.uid IN (SELECT value FROM json_each(?)) ORDER BY n.id",
        (json.dumps(list(documents)),),
    ).fetchall()
    mentions: dict[int, list[dict[str, Any]]] = {}
    for entity_id, text, start, end in conn.execute(
        "SELECT m.entity_id, m.text, m.start_offset, m.end_offset FROM mentions m WHERE m.entity_id IN "
        "(SELECT value FROM json_each(?)) ORDER BY m.id",
        (json.dumps([r[0] for r in rows]),),
    ):
        mentions.setdefault(int(entity_id), []).append({"text": text, "start": start, "end": end})
    names = ("document_id", "local_id", "type", "key", "name", "native", "country", "role", "role_key", "kb_id",
             "sector", "actor_id")  # fmt: skip
    span = pa.struct([("text", pa.string()), ("start", pa.int64()), ("end", pa.int64())])
    data: dict[str, Any] = {n: pa.array([r[i + 1] for r in rows], pa.string()) for i, n in enumerate(names)}
    data["mentions"] = pa.array([mentions.get(int(r[0]), []) for r in rows], pa.list_(span))
    return pa.table(data)


def actor_edits_table(conn: sqlite3.Connection) -> Any:
    """The analysts' corrections of the actor registry, in the order made (`rasad actors merge/split`)."""
    import pyarrow as pa

    rows = conn.execute("SELECT op, actor, other, variant, created_at FROM actor_edits ORDER BY id").fetchall()
    names = ("op", "actor", "other", "variant", "created_at")
    return pa.table({n: pa.array([r[i] for r in rows], pa.string()) for i, n in enumerate(names)})


def stories_table(conn: sqlite3.Connection, f: EventFilter = ALL) -> Any:
    """Stories as an Arrow table (one row per real-world event)."""
    import pyarrow as pa

    sts = query.stories(conn, f)
    created = {
        int(r[0]): str(r[1])
        for r in conn.execute(
            "SELECT id, created_at FROM stories WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps([s.id for s in sts]),),
        )
    }
    strs = pa.list_(pa.string())
    return pa.table(
        {
            "story_id": pa.array([s.uid for s in sts], pa.string()),
            "created_at": pa.array([created.get(s.id) for s in sts], pa.string()),
            "date": pa.array([_day(s.date) for s in sts], pa.date32()),
            "type": pa.array([s.type for s in sts], pa.string()),
            "cameo": pa.array([_representative(s).cameo for s in sts], pa.string()),
            "dyad": pa.array([list(s.dyad) for s in sts], strs),
            "location": pa.array([s.location for s in sts], pa.string()),
            "actors": pa.array([list(s.actors) for s in sts], strs),
            "reports": pa.array([len(s.reports) for s in sts], pa.int64()),
            "documents": pa.array([len({r.document for r in s.reports}) for s in sts], pa.int64()),
            "languages": pa.array([list(s.languages) for s in sts], strs),
            "outlets": pa.array([list(s.outlets) for s in sts], strs),
            "event_ids": pa.array([[r.uid for r in s.reports] for s in sts], strs),
            "evidence": pa.array([[r.evidence for r in s.reports] for s in sts], strs),
        }
    )


def actors_table(conn: sqlite3.Connection) -> Any:
    import pyarrow as pa

    from rasad.store import actors

    acts = actors.list_actors(conn)
    variant = pa.struct([("name", pa.string()), ("script", pa.string()), ("lang", pa.string())])
    return pa.table(
        {
            "actor_id": pa.array([a.actor.key for a in acts], pa.string()),
            "type": pa.array([a.actor.type for a in acts], pa.string()),
            "name": pa.array([a.actor.name for a in acts], pa.string()),
            "country": pa.array([a.actor.country for a in acts], pa.string()),
            "role": pa.array([a.actor.role for a in acts], pa.string()),
            "kb_id": pa.array([a.actor.kb_id for a in acts], pa.string()),
            "documents": pa.array([a.documents for a in acts], pa.int64()),
            "events": pa.array([a.events for a in acts], pa.int64()),
            "variants": pa.array(
                [[{"name": v.name, "script": v.script, "lang": v.lang} for v in a.variants] for a in acts],
                pa.list_(variant),
            ),
        }
    )


def documents_table(conn: sqlite3.Connection, uids: Sequence[str] | None = None) -> Any:
    import pyarrow as pa

    cols = ("uid", "name", "lang", "title", "published", "source", "url", "text_sha256", "rasad_version",
            "data_version", "ingested_at", "analysed_at", "text", "warnings", "next_event_no")  # fmt: skip
    sql = f"SELECT {', '.join(cols)} FROM documents"
    args: tuple[str, ...] = ()
    if uids is not None:
        sql += " WHERE uid IN (SELECT value FROM json_each(?))"
        args = (json.dumps(list(uids)),)
    rows = conn.execute(sql + " ORDER BY id", args).fetchall()
    data = {("document_id" if c == "uid" else c): pa.array([r[i] for r in rows], pa.string())
            for i, c in enumerate(cols[:-2])}  # fmt: skip
    data["warnings"] = pa.array([json.loads(r[-2]) for r in rows], pa.list_(pa.string()))
    data["next_event_no"] = pa.array([r[-1] for r in rows], pa.int64())
    return pa.table(data)


def write_parquet(conn: sqlite3.Connection, out_dir: Path, f: EventFilter = ALL) -> dict[str, int]:
    """events, stories, actors and documents tables as `<out_dir>/<name>.parquet`; returns rows per table.

    Also entities (with their mentions) and actor_edits, which are for loading rather than reading: with
    them `rasad load-parquet` rebuilds the store from the export, ids, stories and the analysts'
    corrections included.
    """
    import pyarrow.parquet as pq

    out_dir.mkdir(parents=True, exist_ok=True)
    ev = events_table(conn, replace(f, limit=None, offset=0))
    documents = sorted(set(ev.column("document_id").to_pylist()))
    tables = {
        "events": ev,
        "stories": stories_table(conn, replace(f, limit=None, offset=0)),
        "actors": actors_table(conn),
        "documents": documents_table(conn, documents),
        "entities": entities_table(conn, documents),
        "actor_edits": actor_edits_table(conn),
    }
    counts = {}
    for name, table in tables.items():
        target = out_dir / f"{name}.parquet"
        tmp = target.with_suffix(".parquet.tmp")
        try:
            pq.write_table(table, tmp, compression="zstd")
        except BaseException:
            tmp.unlink(missing_ok=True)  # a full disk leaves no partial table behind
            raise
        tmp.replace(target)
        if name in ANALYST_TABLES:
            counts[name] = int(table.num_rows)
    return counts


class _atomic:
    """Write to a temporary file beside `path` and rename it into place when complete."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(path.name + ".tmp")

    def __enter__(self) -> Any:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = self.tmp.open("w", encoding="utf-8", newline="")
        return self.fh

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            self.fh.close()  # flushes the buffer: on a full disk this fails too
        except BaseException:
            self.tmp.unlink(missing_ok=True)
            if exc_type is None:
                raise
            return  # the error already on its way says more than the failed close
        if exc_type is None:
            self.tmp.replace(self.path)
        else:
            self.tmp.unlink(missing_ok=True)
