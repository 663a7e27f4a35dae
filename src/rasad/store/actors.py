"""The actor registry: one row per real-world person, state or organisation across all documents.

States and organisations are identified by their canonical keys. A person is linked by knowledge-base
id; failing that, by the same full name in the same country (names compared script-folded, so رحيم زاده
and رحیم‌زاده are one key, and every known spelling of an actor counts, Latin ones included), or by a
similar name or a surname alone when country and role agree too. Every form a name was written in is
kept, per script and language. Analysts' merges and splits are stored as data the resolver obeys, so
they survive re-analysis.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rasad.lexicon import fold
from rasad.store.db import StoreError, now
from rasad.store.textfold import name_key, script_of

if TYPE_CHECKING:  # annotations only: `rasad events --actor` need not load the record types
    from rasad.records import Entity

# A name this similar (rapidfuzz ratio on name keys, same script) is the same person when country and role agree.
NAME_SIMILARITY = 88.0

ACTOR_TYPES = {"PERSON": "PERSON", "COUNTRY": "STATE", "ORG": "ORG"}

_SLUG = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True, slots=True)
class Actor:
    id: int
    key: str
    type: str
    name: str
    country: str | None
    role: str | None
    kb_id: str | None


@dataclass(frozen=True, slots=True)
class NameVariant:
    name: str
    script: str
    lang: str
    pinned: bool


@dataclass(frozen=True, slots=True)
class ActorSummary:
    actor: Actor
    documents: int
    events: int
    variants: tuple[NameVariant, ...]


def slug(text: str) -> str:
    """Readable key part: `Ramazon Rahimzoda` -> `ramazon_rahimzoda`; non-Latin names keep their folded letters."""
    decomposed = unicodedata.normalize("NFKD", fold(text))
    s = _SLUG.sub("_", "".join(c for c in decomposed if c.isalnum() or c.isspace())).strip("_")
    return s or name_key(text) or "unnamed"


def _role_words(role: str | None, role_key: str | None) -> tuple[str, ...]:
    text = role or (role_key or "").replace("_", " ")
    return tuple(w for w in text.lower().split() if w != "former")


def roles_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Unknown roles agree with anything; otherwise one must extend the other at its end.

    "deputy interior minister for security affairs" extends "deputy interior minister"; "interior minister"
    and "deputy interior minister" are different offices, hence (without a knowledge-base link) different people.
    """
    if not a or not b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return long_[: len(short)] == short


def _row_actor(row: Any) -> Actor:
    return Actor(
        int(row[0]),
        str(row[1]),
        str(row[2]),
        str(row[3]),
        row[4] if row[4] is None else str(row[4]),
        row[5] if row[5] is None else str(row[5]),
        row[6] if row[6] is None else str(row[6]),
    )


_ACTOR_COLS = "a.id, a.key, a.type, a.name, a.country, a.role, a.kb_id"


def canonical(conn: sqlite3.Connection, actor_id: int) -> int:
    """Follow `merged_into` to the actor that stands for this one now."""
    seen: set[int] = set()
    while actor_id not in seen:
        seen.add(actor_id)
        row = conn.execute("SELECT merged_into FROM actors WHERE id = ?", (actor_id,)).fetchone()
        if row is None or row[0] is None:
            return actor_id
        actor_id = int(row[0])
    raise StoreError(f"actor {actor_id}: merge cycle")


def get_actor(conn: sqlite3.Connection, actor_id: int) -> Actor:
    row = conn.execute(f"SELECT {_ACTOR_COLS} FROM actors a WHERE a.id = ?", (actor_id,)).fetchone()
    if row is None:
        raise StoreError(f"no actor {actor_id}")
    return _row_actor(row)


def find_actor(conn: sqlite3.Connection, ref: str) -> Actor:
    """An actor by key (IRN, PER:...), by number, or by a name any of its variants has; merged ones followed."""
    ref = ref.strip()
    row = conn.execute("SELECT id FROM actors WHERE key = ? OR key = ?", (ref, ref.upper())).fetchone()
    if row is None and ref.isdigit():
        row = conn.execute("SELECT id FROM actors WHERE id = ?", (int(ref),)).fetchone()
    if row is None:
        ids = {
            canonical(conn, int(r[0]))
            for r in conn.execute("SELECT actor_id FROM actor_names WHERE folded = ?", (name_key(ref),))
        }
        if len(ids) > 1:
            keys = ", ".join(sorted(get_actor(conn, i).key for i in ids))
            raise StoreError(f"{ref!r} names several actors: {keys}; use a key")
        if ids:
            return get_actor(conn, ids.pop())
        raise StoreError(f"no actor {ref!r}")
    return get_actor(conn, canonical(conn, int(row[0])))


def actor_ids_for(conn: sqlite3.Connection, ref: str) -> list[int]:
    """The actor `ref` names and every actor merged into it (for filters over stored entity links)."""
    target = find_actor(conn, ref).id
    ids = [target]
    frontier = [target]
    while frontier:
        nxt = [
            int(r[0])
            for r in conn.execute(
                f"SELECT id FROM actors WHERE merged_into IN ({','.join('?' * len(frontier))})", frontier
            )
        ]
        ids += nxt
        frontier = nxt
    return ids


# --------------------------------------------------------------------------- resolving entities


def _written_forms(entity: Entity) -> list[str]:
    """How the text names the entity: its canonical form as written, then its mentions.

    A person's mentions that share no word with the name ("the minister", وزير الداخلية) are references by
    role, not spellings of the name: they are left out, or every interior minister would share a name.
    """
    mentions = [m.text for m in entity.mentions]
    if entity.type == "PERSON":
        words = set(fold(entity.native).split())
        mentions = [m for m in mentions if words & set(fold(m).split())]
    return [f for f in dict.fromkeys([entity.native, *mentions]) if f]


def _entity_forms(entity: Entity) -> list[str]:
    return [f for f in dict.fromkeys([*_written_forms(entity), entity.name]) if f]


def _unique_key(conn: sqlite3.Connection, base: str) -> str:
    key = base
    n = 1
    while conn.execute("SELECT 1 FROM actors WHERE key = ?", (key,)).fetchone():
        n += 1
        key = f"{base}~{n}"
    return key


def _new_actor(conn: sqlite3.Connection, key: str, atype: str, entity: Entity) -> int:
    cur = conn.execute(
        "INSERT INTO actors (key, type, name, country, role, role_key, kb_id, sector, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            _unique_key(conn, key),
            atype,
            entity.name or entity.native,
            entity.country,
            entity.role,
            entity.role_key,
            entity.kb_id,
            entity.sector,
            now(),
        ),
    )
    return int(cur.lastrowid or 0)


def _keyed_actor(conn: sqlite3.Connection, key: str, atype: str, entity: Entity) -> int:
    row = conn.execute("SELECT id FROM actors WHERE key = ?", (key,)).fetchone()
    if row is not None:
        return canonical(conn, int(row[0]))
    return _new_actor(conn, key, atype, entity)


def _pinned(conn: sqlite3.Connection, keys: list[str], country: str | None) -> int | None:
    """The actor an analyst's split pinned one of these name keys to (the first key that has one)."""
    if not keys:
        return None
    rows = conn.execute(
        "SELECT n.folded, n.actor_id, a.country FROM actor_names n JOIN actors a ON a.id = n.actor_id "
        f"WHERE n.folded IN ({','.join('?' * len(keys))}) AND n.pinned = 1 AND a.type = 'PERSON'",
        keys,
    ).fetchall()
    for k in keys:
        for folded, actor_id, actor_country in rows:
            if folded == k and (country is None or actor_country is None or actor_country == country):
                return canonical(conn, int(actor_id))
    return None


@dataclass(frozen=True, slots=True)
class _Variant:
    actor_id: int
    kb_id: str | None
    country: str | None
    folded: str
    name: str
    script: str


_CAND_SQL = (
    "SELECT a.id, a.kb_id, a.country, n.folded, n.name, n.script FROM actor_names n "
    "JOIN actors a ON a.id = n.actor_id WHERE a.type = 'PERSON' AND a.merged_into IS NULL AND "
)


def _variants(conn: sqlite3.Connection, where: str, args: Sequence[object]) -> list[_Variant]:
    return [
        _Variant(int(r[0]), r[1], r[2], str(r[3]), str(r[4]), str(r[5]))
        for r in conn.execute(_CAND_SQL + where, tuple(args))
    ]


def _roles(conn: sqlite3.Connection, actor_ids: Iterable[int]) -> dict[int, list[tuple[str, ...]]]:
    ids = sorted(set(actor_ids))
    out: dict[int, list[tuple[str, ...]]] = {i: [] for i in ids}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for actor_id, words in conn.execute(
            f"SELECT actor_id, words FROM actor_roles WHERE actor_id IN ({','.join('?' * len(chunk))})", chunk
        ):
            out[int(actor_id)].append(tuple(str(words).split()))
    return out


def _role_fits(known: list[tuple[str, ...]], role: tuple[str, ...]) -> bool:
    """A person is known in every role any report gave them (merges add the merged actor's)."""
    return not known or not role or any(roles_compatible(k, role) for k in known)


class _NameIndex:
    """The person name variants of one country, for similarity search (rapidfuzz over every key of a script)
    and for finding the full names a surname belongs to."""

    def __init__(self, variants: Iterable[_Variant] = ()) -> None:
        self._keys: dict[str, list[str]] = {}
        self._items: dict[str, list[_Variant]] = {}
        self._tokens: dict[str, list[tuple[_Variant, int]]] = {}
        for v in variants:
            self.add(v)

    def add(self, v: _Variant) -> None:
        self._keys.setdefault(v.script, []).append(v.folded)
        self._items.setdefault(v.script, []).append(v)
        tokens = fold(v.name).split()
        for t in set(tokens):
            self._tokens.setdefault(t, []).append((v, len(tokens)))

    def similar(self, key: str, script: str) -> list[tuple[_Variant, float]]:
        keys = self._keys.get(script)
        if not keys:
            return []
        from rapidfuzz import fuzz, process  # loaded when a name is first compared, not by every command

        found = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY, limit=50)
        return [(self._items[script][i], float(score)) for _, score, i in found]

    def containing(self, tokens: Sequence[str]) -> list[_Variant]:
        """Variants with more words than `tokens` that contain every one of them."""
        lists = [self._tokens.get(t, []) for t in set(tokens)]
        if not lists or not all(lists):
            return []
        first, *rest = sorted(lists, key=len)
        others = [{id(v) for v, _ in lst} for lst in rest]
        return [v for v, n in first if n > len(tokens) and all(id(v) in o for o in others)]


def _match_person(
    conn: sqlite3.Connection, entity: Entity, index: Callable[[str], _NameIndex] | None = None
) -> int | None:
    forms = _entity_forms(entity)
    keys = [k for k in (name_key(f) for f in forms) if k]
    role = _role_words(entity.role, entity.role_key)

    def kb_agrees(v: _Variant) -> bool:
        # two different knowledge-base ids are two people, whatever their names
        return not (v.kb_id and entity.kb_id and v.kb_id != entity.kb_id)

    # The same full name (two words or more) in the same country is the same person whatever title each report
    # gives (الأمير, وزير الخارجية); a single name (a surname) must also have a compatible role.
    full_names = {name_key(f) for f in forms if len(fold(f).split()) >= 2}
    if keys:
        exact = [
            v
            for v in _variants(conn, f"n.folded IN ({','.join('?' * len(keys))})", keys)
            if (v.country == entity.country or v.country is None or entity.country is None) and kb_agrees(v)
        ]
        roles = _roles(conn, (v.actor_id for v in exact))
        exact = [v for v in exact if v.folded in full_names or _role_fits(roles[v.actor_id], role)]
        if exact:
            exact.sort(key=lambda v: (v.country != entity.country, v.actor_id))
            return exact[0].actor_id
    if entity.country is None:
        return None  # a similar name without a country is too weak to join two people
    names = index(entity.country) if index else _NameIndex(_variants(conn, "a.country = ?", (entity.country,)))
    similar: dict[int, float] = {}
    surname_of: set[int] = set()
    for form in forms:
        key, tokens = name_key(form), fold(form).split()
        if not key:
            continue
        for v, score in names.similar(key, script_of(form)):
            if kb_agrees(v):
                similar[v.actor_id] = max(score, similar.get(v.actor_id, 0.0))
        # a surname alone ("Rahimzoda") for a full name, when both roles are known and agree (checked below)
        if role and tokens and max(len(t) for t in tokens) >= 4:
            surname_of.update(v.actor_id for v in names.containing(tokens) if kb_agrees(v))
    roles = _roles(conn, [*similar, *surname_of])
    best: tuple[float, int] | None = None
    for actor_id in sorted({*similar, *surname_of}):
        known = roles[actor_id]
        if not _role_fits(known, role):
            continue
        score = similar.get(actor_id, 0.0)
        if actor_id in surname_of and known:
            score = max(score, NAME_SIMILARITY)
        if score >= NAME_SIMILARITY and (best is None or score > best[0]):
            best = (score, actor_id)
    return best[1] if best else None


def _person_key(entity: Entity) -> str:
    if entity.kb_id:
        return f"PER:{entity.kb_id}"
    return f"PER:{entity.country or 'UNK'}:{slug(entity.name or entity.native)}"


def _variant_rows(
    actor_id: int, entity: Entity, lang: str, known: set[tuple[object, ...]]
) -> list[tuple[int, str, str, str, str]]:
    """actor_names rows for the forms of an entity not in `known` ((actor id, name, lang) triples)."""
    forms = [(entity.name, "und")] + [(f, lang) for f in _written_forms(entity)]
    rows = []
    for f, flang in forms:
        if f and (actor_id, f, flang) not in known:
            key = name_key(f)
            if key:
                rows.append((actor_id, f, key, script_of(f), flang))
    return rows


def _improve(conn: sqlite3.Connection, actor_id: int, entity: Entity) -> None:
    """Fill what the actor row lacks; a fuller Latin name (first name + surname) replaces a surname."""
    name, atype = conn.execute("SELECT name, type FROM actors WHERE id = ?", (actor_id,)).fetchone()
    new_name = name
    if (
        atype == "PERSON"
        and entity.name
        and len(entity.name) > len(name)
        and set(fold(name).split()) <= set(fold(entity.name).split())
    ):
        new_name = entity.name
    conn.execute(
        "UPDATE actors SET name = ?, role = coalesce(role, ?), role_key = coalesce(role_key, ?), "
        "kb_id = coalesce(kb_id, ?), country = coalesce(country, ?) WHERE id = ?",
        (new_name, entity.role, entity.role_key, entity.kb_id, entity.country, actor_id),
    )


class Registry:
    """Resolves entities to actors inside one write transaction.

    It remembers what it has looked up and written (actor ids by key, name variants, roles) so that the
    states and organisations every document names cost one look-up per batch; `forget` after rolling
    back part of the transaction, since what it remembers may then be gone.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._by_key: dict[str, int] = {}
        self._written: set[tuple[object, ...]] = set()
        self._countries: dict[str, _NameIndex] = {}  # person name variants by country, for fuzzy matching
        self._any_pinned: bool | None = None  # whether any split pinned a name; most stores have none

    def forget(self) -> None:
        self._by_key.clear()
        self._written.clear()
        self._countries.clear()
        self._any_pinned = None

    def _in_country(self, country: str) -> _NameIndex:
        found = self._countries.get(country)
        if found is None:
            found = self._countries[country] = _NameIndex(_variants(self.conn, "a.country = ?", (country,)))
        return found

    def _keyed(self, key: str, atype: str, entity: Entity) -> int:
        actor_id = self._by_key.get(key)
        if actor_id is None:
            actor_id = _keyed_actor(self.conn, key, atype, entity)
            self._by_key[key] = actor_id
        return actor_id

    def _person(self, entity: Entity) -> int:
        conn = self.conn
        # an analyst's split pins the forms an entity is named by (not every passing mention)
        if self._any_pinned is None:
            self._any_pinned = conn.execute("SELECT 1 FROM actor_names WHERE pinned = 1 LIMIT 1").fetchone() is not None
        primary = [k for k in (name_key(entity.native), name_key(entity.name)) if k]
        found: int | None = _pinned(conn, primary, entity.country) if self._any_pinned else None
        if found is None and entity.kb_id:
            row = conn.execute(
                "SELECT id FROM actors WHERE kb_id = ? AND type = 'PERSON' ORDER BY id LIMIT 1", (entity.kb_id,)
            ).fetchone()
            found = canonical(conn, int(row[0])) if row else None
        if found is None:
            found = _match_person(conn, entity, self._in_country)
        if found is None:
            found = _new_actor(conn, _person_key(entity), "PERSON", entity)
        return found

    def resolve(self, entity: Entity, lang: str) -> int | None:
        """The registry actor for an entity (created when new); None for places, which are not actors."""
        atype = ACTOR_TYPES.get(entity.type)
        if atype is None:
            return None
        if atype == "STATE":
            code = entity.key if len(entity.key) == 3 and entity.key.isupper() else (entity.country or entity.key)
            actor_id = self._keyed(code or slug(entity.name), atype, entity)
        elif atype == "ORG":
            # the analysis's key already tells apart a state's ministries (RUS:ministry_interior)
            if entity.key:
                key = f"ORG:{entity.key}"
            else:
                base = slug(entity.name or entity.native)
                key = f"ORG:{entity.country}:{base}" if entity.country else f"ORG:{base}"
            actor_id = self._keyed(key, atype, entity)
        else:
            actor_id = self._person(entity)
        facts = (actor_id, entity.name, entity.role, entity.role_key, entity.kb_id, entity.country)
        if facts not in self._written:
            _improve(self.conn, actor_id, entity)
            self._written.add(facts)
        rows = _variant_rows(actor_id, entity, lang, self._written)
        if rows:
            self.conn.executemany(
                "INSERT INTO actor_names (actor_id, name, folded, script, lang) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (actor_id, name, lang) DO NOTHING",
                rows,
            )
            self._written.update((r[0], r[1], r[4]) for r in rows)
            if atype == "PERSON" and entity.country in self._countries:
                actor = self.conn.execute("SELECT kb_id, country FROM actors WHERE id = ?", (actor_id,)).fetchone()
                if actor[1] is not None and actor[1] in self._countries:
                    for r in rows:
                        self._countries[actor[1]].add(_Variant(actor_id, actor[0], actor[1], r[2], r[1], r[3]))
        role = _role_words(entity.role, entity.role_key)
        if role and (actor_id, role) not in self._written:
            self.conn.execute(
                "INSERT OR IGNORE INTO actor_roles (actor_id, words) VALUES (?, ?)", (actor_id, " ".join(role))
            )
            self._written.add((actor_id, role))
        return actor_id


def resolve_entity(conn: sqlite3.Connection, entity: Entity, lang: str) -> int | None:
    """The registry actor for one entity (see `Registry.resolve`)."""
    return Registry(conn).resolve(entity, lang)


# --------------------------------------------------------------------------- analysts' corrections


def merge(conn: sqlite3.Connection, keep_ref: str, drop_ref: str) -> tuple[Actor, Actor]:
    """Make `drop` the same actor as `keep`: its entities, names and future matches go to `keep`."""
    keep = find_actor(conn, keep_ref)
    drop = find_actor(conn, drop_ref)
    if keep.id == drop.id:
        raise StoreError(f"{keep.key} and {drop.key} are already one actor")
    if keep.type != drop.type:
        raise StoreError(f"cannot merge a {drop.type.lower()} ({drop.key}) into a {keep.type.lower()} ({keep.key})")
    conn.execute("UPDATE entities SET actor_id = ? WHERE actor_id = ?", (keep.id, drop.id))
    conn.execute("UPDATE actors SET merged_into = ? WHERE id = ? OR merged_into = ?", (keep.id, drop.id, drop.id))
    for table in ("actor_names", "actor_roles"):
        conn.execute(f"UPDATE OR IGNORE {table} SET actor_id = ? WHERE actor_id = ?", (keep.id, drop.id))
        conn.execute(f"DELETE FROM {table} WHERE actor_id = ?", (drop.id,))
    conn.execute(
        "INSERT INTO actor_edits (op, actor, other, created_at) VALUES ('merge', ?, ?, ?)", (keep.key, drop.key, now())
    )
    return keep, drop


def split(conn: sqlite3.Connection, actor_ref: str, variant: str) -> Actor:
    """Give the name form `variant` of an actor its own actor; entities written so, now and later, go there."""
    actor = find_actor(conn, actor_ref)
    vkey = name_key(variant)
    names = conn.execute(
        "SELECT id, name FROM actor_names WHERE actor_id = ? AND folded = ?", (actor.id, vkey)
    ).fetchall()
    if not names:
        raise StoreError(f"{actor.key} has no name variant {variant!r}")
    all_keys = {
        str(r[0]) for r in conn.execute("SELECT DISTINCT folded FROM actor_names WHERE actor_id = ?", (actor.id,))
    }
    if all_keys == {vkey}:
        raise StoreError(f"{variant!r} is the only name of {actor.key}; nothing to split")
    # entities named by this form move; entities only mentioning it in passing stay
    moved: list[int] = []
    latin: str | None = None
    for ent_id, ent_name, ent_native in conn.execute(
        "SELECT id, name, native FROM entities WHERE actor_id = ?", (actor.id,)
    ).fetchall():
        if vkey in (name_key(str(ent_native)), name_key(str(ent_name))):
            moved.append(int(ent_id))
            if latin is None and script_of(str(ent_name)) == "Latn":
                latin = str(ent_name)
    name = latin or variant
    base = f"PER:{actor.country or 'UNK'}:{slug(name)}" if actor.type == "PERSON" else f"{actor.key}:{slug(name)}"
    cur = conn.execute(
        "INSERT INTO actors (key, type, name, country, created_at) VALUES (?, ?, ?, ?, ?)",
        (_unique_key(conn, base), actor.type, name, actor.country, now()),
    )
    new_id = int(cur.lastrowid or 0)
    conn.execute(
        "UPDATE actor_names SET actor_id = ?, pinned = 1 WHERE actor_id = ? AND folded = ?", (new_id, actor.id, vkey)
    )
    if latin and name_key(latin) != vkey:
        conn.execute(
            "INSERT OR IGNORE INTO actor_names (actor_id, name, folded, script, lang) VALUES (?, ?, ?, 'Latn', 'und')",
            (new_id, latin, name_key(latin)),
        )
    conn.executemany("UPDATE entities SET actor_id = ? WHERE id = ?", [(new_id, i) for i in moved])
    for i in moved:
        role, role_key = conn.execute("SELECT role, role_key FROM entities WHERE id = ?", (i,)).fetchone()
        words = _role_words(role, role_key)
        if words:
            conn.execute("INSERT OR IGNORE INTO actor_roles (actor_id, words) VALUES (?, ?)", (new_id, " ".join(words)))
    new = get_actor(conn, new_id)
    conn.execute(
        "INSERT INTO actor_edits (op, actor, other, variant, created_at) VALUES ('split', ?, ?, ?, ?)",
        (actor.key, new.key, variant, now()),
    )
    return new


# --------------------------------------------------------------------------- listing


def list_actors(
    conn: sqlite3.Connection,
    *,
    type: str | None = None,
    country: str | None = None,
    query: str | None = None,
    include_unused: bool = False,
    limit: int | None = None,
) -> list[ActorSummary]:
    where = ["a.merged_into IS NULL"]
    args: list[object] = []
    if type:
        where.append("a.type = ?")
        args.append({"COUNTRY": "STATE"}.get(type.upper(), type.upper()))
    if country:
        where.append("a.country = ?")
        args.append(country.upper())
    if query:
        where.append("a.id IN (SELECT actor_id FROM actor_names WHERE folded LIKE ?)")
        args.append(f"%{name_key(query)}%")
    having = "" if include_unused else "HAVING documents > 0"
    sql = (
        f"SELECT {_ACTOR_COLS}, count(DISTINCT e.document_id) AS documents, count(DISTINCT p.event_id) AS events "
        "FROM actors a LEFT JOIN entities e ON e.actor_id = a.id "
        "LEFT JOIN event_participants p ON p.entity_id = e.id "
        f"WHERE {' AND '.join(where)} GROUP BY a.id {having} "
        "ORDER BY events DESC, documents DESC, a.key"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    out: list[ActorSummary] = []
    for r in conn.execute(sql, args).fetchall():
        variants = tuple(
            NameVariant(str(v[0]), str(v[1]), str(v[2]), bool(v[3]))
            for v in conn.execute(
                "SELECT name, script, lang, pinned FROM actor_names WHERE actor_id = ? ORDER BY script, lang, name",
                (r[0],),
            )
        )
        out.append(ActorSummary(_row_actor(r), int(r[7]), int(r[8]), variants))
    return out


def edits(conn: sqlite3.Connection) -> list[tuple[str, str, str, str | None, str]]:
    return [
        (str(r[0]), str(r[1]), str(r[2]), r[3], str(r[4]))
        for r in conn.execute("SELECT op, actor, other, variant, created_at FROM actor_edits ORDER BY id")
    ]
