"""Query parameters of the event filter, validated before any of them reaches the store.

Every parameter has a length limit and a pattern; FastAPI answers 422 for one that breaks them. An empty
value (an HTML form's untouched field) means "no filter". Several values go comma-separated.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Annotated

from fastapi import Query

from rasad.store.query import EventFilter, make_filter

_LIST_OF_CODES = r"^(?:[A-Za-z]{3}(?:[-,][A-Za-z]{3})*)?$"
PER_PAGE = (25, 50, 100, 200)


def _q(pattern: str | None = None, max_length: int = 200) -> object:
    return Query(max_length=max_length, pattern=pattern)


@dataclass(frozen=True, slots=True)
class FilterForm:
    """The filter as the form holds it (strings), for redisplay and for links that keep it."""

    dyad: str = ""
    state: str = ""
    actor: str = ""
    type: str = ""
    cameo: str = ""
    topic: str = ""
    context: str = ""
    since: str = ""
    until: str = ""
    language: str = ""  # of the report; `lang` is the interface's
    outlet: str = ""
    story: str = ""
    news: str = ""
    text: str = ""

    def is_empty(self) -> bool:
        return not any(getattr(self, f) for f in self.__slots__)

    def to_filter(self, *, limit: int | None = None, offset: int = 0) -> EventFilter:
        """The store's filter; raises `StoreError` for values the store cannot use (an unknown actor)."""
        return make_filter(
            dyad=self.dyad or None,
            state=self.state.upper() or None,
            actor=self.actor or None,
            type=self.type or None,
            cameo=self.cameo or None,
            topic=self.topic or None,
            context=self.context or None,
            since=self.since or None,
            until=self.until or None,
            lang=self.language or None,
            outlet=self.outlet or None,
            story=self.story or None,
            historical={"news": False, "background": True}.get(self.news),
            text=self.text or None,
            limit=limit,
            offset=offset,
        )

    def with_(self, **changes: str) -> FilterForm:
        return replace(self, **changes)


def filter_form(
    dyad: Annotated[str, _q(_LIST_OF_CODES, 64)] = "",
    state: Annotated[str, _q(r"^(?:[A-Za-z]{3}(?:,[A-Za-z]{3})*)?$", 64)] = "",
    actor: Annotated[str, _q(None, 200)] = "",
    type: Annotated[str, _q(r"^(?:[A-Za-z]+(?:,[A-Za-z]+)*)?$", 200)] = "",
    cameo: Annotated[str, _q(r"^(?:\d{2,4}(?:,\d{2,4})*)?$", 100)] = "",
    topic: Annotated[str, _q(r"^(?:[a-z_]+(?:,[a-z_]+)*)?$", 300)] = "",
    context: Annotated[str, _q(r"^(?:[a-z_]+(?:,[a-z_]+)*)?$", 300)] = "",
    since: Annotated[str, _q(r"^(?:\d{4}(?:-\d{2}(?:-\d{2})?)?)?$", 10)] = "",
    until: Annotated[str, _q(r"^(?:\d{4}(?:-\d{2}(?:-\d{2})?)?)?$", 10)] = "",
    language: Annotated[str, _q(r"^(?:[a-z]{2,3}(?:,[a-z]{2,3})*)?$", 40)] = "",
    outlet: Annotated[str, _q(None, 200)] = "",
    story: Annotated[str, _q(r"^(?:[Ss]?\d{1,12})?$", 13)] = "",
    news: Annotated[str, _q(r"^(?:news|background)?$", 10)] = "",
    text: Annotated[str, _q(None, 200)] = "",
) -> FilterForm:
    return FilterForm(
        dyad=dyad.strip(),
        state=state.strip(),
        actor=actor.strip(),
        type=type.strip().upper(),
        cameo=cameo.strip(),
        topic=topic.strip(),
        context=context.strip(),
        since=since.strip(),
        until=until.strip(),
        language=language.strip(),
        outlet=outlet.strip(),
        story=story.strip(),
        news=news.strip(),
        text=text.strip(),
    )
