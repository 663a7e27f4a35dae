"""rasad: structured, verifiable event data from Arabic and Persian news about diplomacy and security."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from rasad.pipeline import Pipeline
    from rasad.records import Document

__all__ = ["__version__", "analyze"]


@functools.cache
def _default_pipeline() -> Pipeline:
    from rasad.pipeline import Pipeline

    return Pipeline.load()


def analyze(
    text: str,
    *,
    lang: str | None = None,
    published: str | None = None,
    doc_id: str | None = None,
    title: str | None = None,
    source: str | None = None,
) -> Document:
    """Analyse one article: its entities and events, with offsets into `text`.

    Resources are loaded on the first call and kept for the next ones.
    """
    from rasad.records import InputDoc

    inp = InputDoc(doc_id=doc_id or "doc", text=text, title=title, published=published, source=source)
    return _default_pipeline().analyze(inp, lang=lang)
