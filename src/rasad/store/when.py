"""Event dates as the store resolves them: to the day where the text allows, else the publication day."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_MD = re.compile(r"^--(\d{2})-(\d{2})$")

# A date written without its year ("on 21 June") is taken in the publication year, unless that puts
# it this far after publication: then it was last year's.
_FUTURE_SLACK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class When:
    day_start: str | None  # YYYY-MM-DD
    day_end: str | None
    md: str | None  # MM-DD of the first day, also when the year is unknown
    when_date: str | None  # for ordering and date filters
    basis: str | None  # "event" | "published"


def parse_day(value: str | None) -> date | None:
    """The day an ISO 8601 date or date-time names, else None."""
    if not value:
        return None
    m = _DAY.match(value.strip())
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _md_in_year(month: int, day: int, published: date) -> date | None:
    for year in (published.year, published.year - 1):
        try:
            d = date(year, month, day)
        except ValueError:  # 29 February in a common year
            continue
        if d <= published + _FUTURE_SLACK:
            return d
    return None


def _resolve(value: str | None, published: date | None) -> tuple[date | None, str | None, str | None]:
    """(day, MM-DD, coarse start YYYY-MM-DD) of one date value."""
    if not value:
        return None, None, None
    v = value.strip()
    d = parse_day(v)
    if d:
        return d, d.strftime("%m-%d"), None
    m = _MD.match(v)
    if m:
        month, day = int(m.group(1)), int(m.group(2))
        md = f"{month:02d}-{day:02d}"
        return (_md_in_year(month, day, published) if published else None), md, None
    m = _MONTH.match(v)
    if m:
        return None, None, f"{m.group(1)}-{m.group(2)}-01"
    m = _YEAR.match(v)
    if m:
        return None, None, f"{m.group(1)}-01-01"
    return None, None, None


def resolve(start: str | None, end: str | None, published_day: str | None, historical: bool) -> When:
    pub = parse_day(published_day)
    d0, md, coarse = _resolve(start, pub)
    d1, _, _ = _resolve(end, pub)
    if d0 and (d1 is None or d1 < d0):
        d1 = d0
    if d0:
        return When(d0.isoformat(), d1.isoformat() if d1 else None, md, d0.isoformat(), "event")
    if coarse:
        return When(None, None, md, coarse, "event")
    if pub and not historical:
        # the report's own day stands in for an undated event it reports as news
        return When(None, None, md, pub.isoformat(), "published")
    return When(None, None, md, None, None)


def days_between(a: str, b: str) -> int:
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)


def shift(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()
