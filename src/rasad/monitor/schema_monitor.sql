-- The monitor's tables, kept in the corpus store's database beside the store's own.
--
-- `rasad.monitor.schema.ensure_monitor_schema` applies this file whenever the monitor opens a store:
-- each section headed "-- migration N: title" runs once, in one transaction, and the version reached is
-- recorded in the store's `meta` table under `monitor_schema_version` (the store's own `user_version` is
-- left alone). Never edit a released section: add one. Times are UTC, YYYY-MM-DDTHH:MM:SSZ, so they
-- compare as text. Store rows are referred to by their public ids (document uid, event uid, story id),
-- not by foreign keys: re-analysis and story rebuilds must not be blocked by the monitor.

-- migration 1: sources, items, watchlists and alerts

-- A feed followed: RSS 2.0, RSS 1.0, Atom or a news sitemap.
CREATE TABLE IF NOT EXISTS monitor_sources (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,      -- canonical address of the feed
    name          TEXT NOT NULL,             -- outlet name given by the user, stored as each article's source
    lang          TEXT,                      -- language of its articles when the user knows it; else detected
    every_seconds INTEGER NOT NULL CHECK (every_seconds > 0),
    etag          TEXT,                      -- validators of the last successful fetch (conditional requests)
    last_modified TEXT,
    kind          TEXT,                      -- rss | rdf | atom | sitemap, as last read
    title         TEXT,                      -- the feed's own title
    next_due      TEXT NOT NULL,             -- when to poll it next
    last_polled   TEXT,
    last_ok       TEXT,
    failures      INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),  -- consecutive failed polls
    last_error    TEXT,
    added_at      TEXT NOT NULL
);

-- Every article link a feed listed, fetched at most once (the address is unique across sources).
CREATE TABLE IF NOT EXISTS monitor_items (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES monitor_sources (id) ON DELETE CASCADE,
    url         TEXT NOT NULL UNIQUE,        -- canonical address of the article
    guid        TEXT,
    title       TEXT,                        -- as the feed gives them
    published   TEXT,
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'skipped', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,  -- fetches that failed for a reason that may pass
    next_try    TEXT NOT NULL,
    text_sha256 TEXT,                        -- hash of the extracted text: the store's idempotence key
    document    TEXT,                        -- documents.uid of the stored article
    error       TEXT,
    first_seen  TEXT NOT NULL,
    done_at     TEXT
);
CREATE INDEX IF NOT EXISTS monitor_items_todo ON monitor_items (source_id, state, next_try);
CREATE INDEX IF NOT EXISTS monitor_items_sha ON monitor_items (text_sha256);

-- A saved event filter (the filters of `rasad events`) and where its alerts go.
CREATE TABLE IF NOT EXISTS monitor_watchlists (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    filter      TEXT NOT NULL CHECK (json_valid(filter)),
    delivery    TEXT NOT NULL CHECK (delivery IN ('file', 'webhook', 'stdout')),
    target      TEXT,                        -- the file's absolute path or the webhook's address
    after_event INTEGER NOT NULL DEFAULT 0,  -- events with a larger id are still to be evaluated
    last_error  TEXT,
    created_at  TEXT NOT NULL
);

-- One alert per watchlist and story; the matching reports it covers are in monitor_alert_events.
CREATE TABLE IF NOT EXISTS monitor_alerts (
    id           INTEGER PRIMARY KEY,
    watchlist_id INTEGER NOT NULL REFERENCES monitor_watchlists (id) ON DELETE CASCADE,
    story_id     INTEGER NOT NULL,           -- stories.id when raised
    payload      TEXT NOT NULL CHECK (json_valid(payload)),  -- exactly what is delivered
    created_at   TEXT NOT NULL,
    delivered_at TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0, -- failed deliveries
    error        TEXT
);
CREATE INDEX IF NOT EXISTS monitor_alerts_watchlist ON monitor_alerts (watchlist_id, story_id);
CREATE INDEX IF NOT EXISTS monitor_alerts_undelivered ON monitor_alerts (delivered_at, id);

-- The event records (by uid, which survives re-analysis) an alert was raised or extended for: a story is
-- recognised as alerted through them even after story ids were rebuilt.
CREATE TABLE IF NOT EXISTS monitor_alert_events (
    alert_id  INTEGER NOT NULL REFERENCES monitor_alerts (id) ON DELETE CASCADE,
    event_uid TEXT NOT NULL,
    PRIMARY KEY (alert_id, event_uid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS monitor_alert_events_uid ON monitor_alert_events (event_uid);
