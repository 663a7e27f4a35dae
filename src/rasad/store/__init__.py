"""The corpus store: analysed documents, their entities and events, an actor registry and stories in SQLite.

Modules: `db` (opening, schema version, migrations), `ingest` (idempotent, crash-safe writing),
`actors` (the registry, merges and splits), `stories` (one real-world event across reports),
`query` (filters, stories, full-text search), `export` (PLOVER JSON, GDELT-layout CAMEO table, Parquet)
and `frames` (pandas DataFrames for notebooks).
"""
