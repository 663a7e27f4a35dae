"""Monitoring: news feeds polled on a schedule, incremental ingest, and watchlists that alert.

Modules: `schema` (the monitor's tables in the store's database), `sources` (feeds followed and the
items read from them), `fetch` (polite, bounded HTTP), `feeds` (RSS 2.0, RSS 1.0, Atom and news
sitemaps, parsed without entity expansion), `watchlists` (saved filters, alerts and their delivery)
and `watch` (one polling round, and the long-running loop).
"""
