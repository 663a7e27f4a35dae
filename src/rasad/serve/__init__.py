"""The web interface: server-rendered pages over a rasad store, read-only.

`create_app(db_path)` (in `app`) builds the FastAPI application; `rasad serve` runs it. Modules: `site`
(per-application resources: read-only connections, cache, templates), `pages` and `downloads` (the
handlers), `params` (validated filter parameters), `queries` (the pages' SQL), `charts` (SVG timelines and
network graphs), `marks` (article text with mentions and evidence marked), `labels` (code meanings from
the ontology files), `i18n` (the interface's strings in English, Arabic and Persian).
"""
