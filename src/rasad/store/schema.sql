-- The rasad corpus store (SQLite).
--
-- This file is the schema's only definition. Each section headed "-- migration N: title" upgrades a
-- database from schema version N-1 to N; `rasad.store.db` runs every section above the database's
-- `PRAGMA user_version` in one transaction each, and sets `user_version` to N in the same transaction,
-- so an interrupted upgrade leaves the previous version intact. Never edit a released section: add one.
--
-- Offsets (`*_start`, `*_end`) are Unicode code points into `documents.text`, the original text.

-- migration 1: initial schema

PRAGMA application_id = 1918989156;  -- 'rasd': marks the file as a rasad store

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE documents (
    id            INTEGER PRIMARY KEY,
    uid           TEXT NOT NULL UNIQUE,      -- public id: the first 16 hex digits of text_sha256
    text_sha256   TEXT NOT NULL UNIQUE,      -- idempotence: one row per distinct original text
    name          TEXT NOT NULL,             -- the input's id: file name or JSON Lines record id
    lang          TEXT NOT NULL,
    title         TEXT,
    published     TEXT,                      -- as given (ISO 8601)
    published_day TEXT,                      -- YYYY-MM-DD when `published` names a day
    source        TEXT,                      -- outlet or agency
    url           TEXT,
    text          TEXT NOT NULL,             -- the original text, never altered
    warnings      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(warnings)),
    rasad_version TEXT NOT NULL,             -- versions that produced the stored analysis
    data_version  TEXT NOT NULL,
    ingested_at   TEXT NOT NULL,
    analysed_at   TEXT NOT NULL,
    next_event_no INTEGER NOT NULL DEFAULT 1 -- event uids are never reused within a document
);
CREATE INDEX documents_lang ON documents (lang);
CREATE INDEX documents_source ON documents (source COLLATE NOCASE);
CREATE INDEX documents_published ON documents (published_day);

-- Full-text index over the script-folded title and text; rowid = documents.id.
CREATE VIRTUAL TABLE documents_fts USING fts5 (title, body, tokenize = 'unicode61 remove_diacritics 2');

CREATE TABLE actors (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,        -- IRN | ORG:<org key> | PER:<kb id> | PER:<country>:<name slug>
    type        TEXT NOT NULL CHECK (type IN ('PERSON', 'STATE', 'ORG')),
    name        TEXT NOT NULL,               -- canonical name in Latin script
    country     TEXT,
    role        TEXT,
    role_key    TEXT,
    kb_id       TEXT,
    sector      TEXT,
    merged_into INTEGER REFERENCES actors (id),  -- set by `rasad actors merge`: resolve to that actor instead
    created_at  TEXT NOT NULL
);
CREATE INDEX actors_kb ON actors (kb_id) WHERE kb_id IS NOT NULL;
CREATE INDEX actors_type_country ON actors (type, country);

-- Every form an actor was written in, per script and language (like JRC-Names).
CREATE TABLE actor_names (
    id       INTEGER PRIMARY KEY,
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    name     TEXT NOT NULL,                  -- as written
    folded   TEXT NOT NULL,                  -- matching key: script-folded, lower case, no spaces
    script   TEXT NOT NULL,                  -- ISO 15924: Arab, Latn, Cyrl, ...
    lang     TEXT NOT NULL,                  -- language of the text it was read in; 'und' for canonical names
    pinned   INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),  -- set by `actors split`: always this actor
    UNIQUE (actor_id, name, lang)
);
CREATE INDEX actor_names_folded ON actor_names (folded);

-- Every role reports gave an actor (lower-case English words), for telling apart namesakes.
CREATE TABLE actor_roles (
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    words    TEXT NOT NULL,
    PRIMARY KEY (actor_id, words)
) WITHOUT ROWID;

-- Analysts' corrections, in order; they stay in force across re-analysis.
CREATE TABLE actor_edits (
    id         INTEGER PRIMARY KEY,
    op         TEXT NOT NULL CHECK (op IN ('merge', 'split')),
    actor      TEXT NOT NULL,                -- merge: the actor kept; split: the actor split from
    other      TEXT NOT NULL,                -- merge: the actor merged away; split: the actor created
    variant    TEXT,                         -- split: the name form moved
    created_at TEXT NOT NULL
);

CREATE TABLE entities (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    local_id    TEXT NOT NULL,               -- the entity's id inside the analysed document
    type        TEXT NOT NULL CHECK (type IN ('PERSON', 'COUNTRY', 'PLACE', 'ORG')),
    key         TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL,
    native      TEXT NOT NULL,
    country     TEXT,
    role        TEXT,
    role_key    TEXT,
    kb_id       TEXT,
    sector      TEXT,
    actor_id    INTEGER REFERENCES actors (id),
    UNIQUE (document_id, local_id)
);
CREATE INDEX entities_actor ON entities (actor_id);

CREATE TABLE mentions (
    id           INTEGER PRIMARY KEY,
    entity_id    INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    text         TEXT NOT NULL,
    start_offset INTEGER NOT NULL CHECK (start_offset >= 0),
    end_offset   INTEGER NOT NULL CHECK (end_offset >= start_offset)
);
CREATE INDEX mentions_entity ON mentions (entity_id);

-- One real-world event; its reports are the events rows pointing at it.
CREATE TABLE stories (
    id         INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL
);

CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL UNIQUE,     -- public id: <document uid>-<n>, kept across re-analysis
    document_id    INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    local_id       TEXT NOT NULL,
    type           TEXT NOT NULL,            -- PLOVER event type
    mode           TEXT,
    cameo          TEXT,
    cameo_root     TEXT,                     -- first two digits of `cameo`
    dyad           TEXT NOT NULL,            -- sorted state codes joined by '-', '' for none
    location_id    INTEGER REFERENCES entities (id) ON DELETE SET NULL,
    date_start     TEXT,                     -- as analysed: YYYY-MM-DD, YYYY-MM, YYYY or --MM-DD
    date_end       TEXT,
    date_text      TEXT,
    day_start      TEXT,                     -- YYYY-MM-DD when known to the day (year from publication if needed)
    day_end        TEXT,
    date_md        TEXT,                     -- MM-DD of the first day, also when the year is unknown
    when_date      TEXT,                     -- ordering and date filters: the event's date, else publication day
    when_basis     TEXT CHECK (when_basis IN ('event', 'published')),
    historical     INTEGER NOT NULL CHECK (historical IN (0, 1)),
    confidence     REAL NOT NULL,
    evidence       TEXT NOT NULL,
    evidence_start INTEGER NOT NULL,
    evidence_end   INTEGER NOT NULL,
    trigger_text   TEXT,
    trigger_start  INTEGER,
    trigger_end    INTEGER,
    story_id       INTEGER REFERENCES stories (id) ON DELETE SET NULL,
    lang           TEXT NOT NULL,            -- the document's, copied so that filters need no join
    outlet         TEXT,                     -- the document's source, likewise
    UNIQUE (document_id, local_id)
);
CREATE INDEX events_document ON events (document_id);
CREATE INDEX events_story ON events (story_id);
CREATE INDEX events_when ON events (when_date, id);
CREATE INDEX events_type ON events (type, when_date);
CREATE INDEX events_dyad ON events (dyad, when_date);
CREATE INDEX events_cameo ON events (cameo, when_date);
CREATE INDEX events_cameo_root ON events (cameo_root, when_date);
CREATE INDEX events_candidates ON events (type, dyad, when_date);
CREATE INDEX events_candidates_md ON events (type, dyad, date_md, day_start);
CREATE INDEX events_lang ON events (lang, when_date);
CREATE INDEX events_outlet ON events (outlet COLLATE NOCASE, when_date);

CREATE TABLE event_participants (
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    role      TEXT NOT NULL CHECK (role IN ('source', 'target')),
    position  INTEGER NOT NULL,
    entity_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    PRIMARY KEY (event_id, role, position)
) WITHOUT ROWID;
CREATE INDEX event_participants_entity ON event_participants (entity_id, event_id);

CREATE TABLE event_states (
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    state    TEXT NOT NULL,
    PRIMARY KEY (event_id, state)
) WITHOUT ROWID;
CREATE INDEX event_states_state ON event_states (state, event_id);

CREATE TABLE event_topics (
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    topic    TEXT NOT NULL,
    PRIMARY KEY (event_id, topic)
) WITHOUT ROWID;
CREATE INDEX event_topics_topic ON event_topics (topic, event_id);

CREATE TABLE event_contexts (
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    context  TEXT NOT NULL,
    PRIMARY KEY (event_id, context)
) WITHOUT ROWID;
CREATE INDEX event_contexts_context ON event_contexts (context, event_id);

CREATE TABLE ingest_runs (
    id            INTEGER PRIMARY KEY,
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    rasad_version TEXT NOT NULL,
    data_version  TEXT NOT NULL,
    added         INTEGER NOT NULL DEFAULT 0,
    unchanged     INTEGER NOT NULL DEFAULT 0,
    reanalysed    INTEGER NOT NULL DEFAULT 0,
    skipped       INTEGER NOT NULL DEFAULT 0,
    failed        INTEGER NOT NULL DEFAULT 0
);

-- migration 2: story candidates among multilateral records

-- A multilateral record's story candidates are the multilateral records of its type around its date,
-- whatever their states (`rasad.store.stories.candidates`); without these, that search read every
-- record of the type. Partial: only records naming three states or more.
CREATE INDEX events_multilateral ON events (type, when_date) WHERE dyad LIKE '%-%-%';
CREATE INDEX events_multilateral_md ON events (type, date_md, day_start) WHERE dyad LIKE '%-%-%';

-- migration 3: news records by type and date

-- The web overview's timeline counts news records (not background) by type and month over the whole
-- store; this index holds exactly those columns for exactly those records, so that count reads the index
-- alone, in (type, date) order, instead of every events row.
CREATE INDEX events_news ON events (type, when_date) WHERE historical = 0;
