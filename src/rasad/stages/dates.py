"""Finding dates in Arabic and Persian text and resolving them to Gregorian ISO strings.

The text is folded one character for one (offsets stay valid) and cut into tokens; a small grammar with
bounded look-ahead reads days, months, years, eras, weekdays, relative words and ranges from the token
stream against the date lexicon. Every step looks at most a few tokens ahead, so the scan is linear.

Solar Hijri dates are converted with jdatetime, Lunar Hijri with hijridate (Umm al-Qura; arithmetic
calendar from convertdate outside Umm al-Qura's 1343-1500 AH table).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

import jdatetime
from convertdate import islamic
from hijridate import Gregorian, Hijri

from rasad.lexicon.dates import (
    MEMO_SIZE,
    WEEKDAY_NAMES,
    DateLexicon,
    DateToken,
    Key,
    MonthForm,
    WeekdayForm,
    date_token_list,
)
from rasad.records import DateValue

_V = TypeVar("_V")
# the tables a date's anchor comes from; the other relative kinds (from, to, prep, era, part ...) only join
# or qualify an anchor
_ANCHORS = frozenset({"months", "weekdays", "day", "week", "month", "year", "ordinal"})
_REACH = 6  # tokens a reading may run before its anchor: longer than any prefix the lexicons allow
_NO_FORMS: Mapping[Key, str] = {}

# An event read "21 June" with no year is put in the year of publication unless that lands it further
# than this after publication; then it is the year before (news reports the past more than the future).
_FUTURE_DAYS = 62
# Solar Hijri day-months map to Gregorian ones within a day across years; with no year known at all this
# typical year (1 Farvardin = 21 March) gives the --MM-DD.
_JALALI_REFERENCE_YEAR = 1402
_DASHES = frozenset("-–—")
_COMMAS = frozenset(",،")
_PAIR_OPEN = frozenset("/(-")  # "حزيران / يونيو", "يوليو (تموز)"
_PAIR_CLOSE = frozenset(")")


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int  # offsets into the text passed to find_dates
    end: int
    value: DateValue
    relative: bool  # resolved against the publication date, or a weekday/relative word left unresolved
    year_only: bool  # only a year ("عام 2014"): callers mark such events as background


# ---------------------------------------------------------------------------------------------- calendars


def to_gregorian(calendar: str, year: int, month: int, day: int) -> datetime.date | None:
    """The Gregorian date of a day in `calendar`, or None when there is no such day."""
    try:
        if calendar == "gregorian":
            return datetime.date(year, month, day)
        if calendar == "jalali":
            g = jdatetime.date(year, month, day).togregorian()
            return datetime.date(g.year, g.month, g.day)
        if calendar == "hijri":
            try:
                h = Hijri(year, month, day).to_gregorian()
                return datetime.date(h.year, h.month, h.day)
            except OverflowError:  # outside the Umm al-Qura table
                if not (1 <= month <= 12 and 1 <= day <= islamic.month_length(year, month)):
                    return None
                y, m, d = islamic.to_gregorian(year, month, day)
                return datetime.date(y, m, d)
    except (ValueError, OverflowError):
        return None
    raise ValueError(f"unknown calendar {calendar!r}")


def from_gregorian(calendar: str, g: datetime.date) -> tuple[int, int, int]:
    """(year, month, day) of a Gregorian date in `calendar`."""
    if calendar == "gregorian":
        return g.year, g.month, g.day
    if calendar == "jalali":
        j = jdatetime.date.fromgregorian(date=g)
        return j.year, j.month, j.day
    if calendar == "hijri":
        try:
            h = Gregorian(g.year, g.month, g.day).to_hijri()
            return h.year, h.month, h.day
        except OverflowError:
            y, m, d = islamic.from_gregorian(g.year, g.month, g.day)
            return int(y), int(m), int(d)
    raise ValueError(f"unknown calendar {calendar!r}")


def _month_span(calendar: str, year: int, month: int) -> tuple[datetime.date, datetime.date] | None:
    first = to_gregorian(calendar, year, month, 1)
    nxt = to_gregorian(calendar, year + month // 12, month % 12 + 1, 1)
    if first is None or nxt is None:
        return None
    return first, nxt - datetime.timedelta(days=1)


def _year_span(calendar: str, year: int) -> tuple[datetime.date, datetime.date] | None:
    first = to_gregorian(calendar, year, 1, 1)
    nxt = to_gregorian(calendar, year + 1, 1, 1)
    if first is None or nxt is None:
        return None
    return first, nxt - datetime.timedelta(days=1)


def _shift_month(year: int, month: int, offset: int) -> tuple[int, int]:
    n = year * 12 + (month - 1) + offset
    return n // 12, n % 12 + 1


# ------------------------------------------------------------------------------------------------ reading


@dataclass(frozen=True, slots=True)
class _Read:
    """A date as written, before resolution; `first`/`last` are token indexes (inclusive)."""

    first: int
    last: int
    calendar: str | None = None
    year: int | None = None
    month: int | None = None
    day: int | None = None
    month_mod: int | None = None  # الجاري 0 / الماضي -1 / المقبل +1 after a month
    weekday: int | None = None
    weekday_mod: int | None = None
    rel_unit: str | None = None  # "day" | "week" | "month" | "year": a relative expression
    rel_offset: int = 0
    year_only: bool = False
    bare: bool = False  # a lone number, a date only as the first end of a range


@dataclass(frozen=True, slots=True)
class _MonthHit:
    form: MonthForm
    end: int  # token index after the month phrase
    cued: bool  # شهر/ماه stood next to it


def _anchors(cands: list[tuple[str, Mapping[str, int]]]) -> bool:
    return any(not _ANCHORS.isdisjoint(tables) for _, tables in cands)


class _Reader:
    def __init__(self, toks: list[DateToken], lex: DateLexicon) -> None:
        self.toks = toks
        self.lex = lex
        self.n = len(toks)
        # per token: (word or proclitic-stripped word, the tables a form starts with it in); most are empty
        self._cands: list[list[tuple[str, Mapping[str, int]]]] = []
        # tokens that may anchor a date: a number, or a word that starts a month, weekday, relative day, week,
        # month or year or ordinal form; every reading holds one, the other words only join or qualify
        self.anchors: list[int] = []
        heads, memo = lex.heads, lex.memo
        for i, t in enumerate(toks):
            if t.kind == "word":
                got = memo.get(t.text)
                if got is None:
                    got = self._word_candidates(t.text)
                cands, anchor = got
            else:
                cands = [(t.text, heads[t.text])] if t.text in heads else []
                anchor = t.kind == "num" or t.kind == "nd" or _anchors(cands)
            self._cands.append(cands)
            if anchor:
                self.anchors.append(i)
        self._rel = dict(lex.relative)
        self._dated: dict[tuple[int, bool], _Read | None] = {}

    def may_start(self, i: int) -> bool:
        """Every date expression starts with a number or a lexicon word."""
        tok = self.toks[i]
        return tok.kind in ("num", "nd") or bool(self._cands[i])

    # -- look-ups ----------------------------------------------------------------------------------

    def _variants(self, word: str) -> list[str]:
        out = [word]
        for p in self.lex.proclitics:
            if word.startswith(p) and len(word) > len(p) + 1:
                rest = word[len(p) :]
                out.append(rest)
                out.extend(rest[len(q) :] for q in self.lex.proclitics if rest.startswith(q) and len(rest) > len(q) + 1)
        return out

    def _word_candidates(self, word: str) -> tuple[list[tuple[str, Mapping[str, int]]], bool]:
        """A word's look-up candidates and whether it may anchor a date, memoised in the lexicon."""
        memo = self.lex.memo
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        heads = self.lex.heads
        cands = [(w, heads[w]) for w in self._variants(word) if w in heads]
        got = memo[word] = (cands, _anchors(cands))
        return got

    def match(self, name: str, table: Mapping[Key, _V], i: int) -> tuple[_V, int] | None:
        """Longest form of `table` (called `name` in the lexicon's head index) at token i: (value, index after it)."""
        if not 0 <= i < self.n:
            return None
        for head, names in self._cands[i]:
            longest = names.get(name)
            if longest is None:
                continue
            for k in range(min(longest, self.n - i), 0, -1):
                key = (head, *(t.text for t in self.toks[i + 1 : i + k]))
                value = table.get(key)
                if value is not None:
                    return value, i + k
        return None

    def months(self, i: int) -> tuple[MonthForm, int] | None:
        return self.match("months", self.lex.months, i)

    def weekdays(self, i: int) -> tuple[WeekdayForm, int] | None:
        return self.match("weekdays", self.lex.weekdays, i)

    def lead_shift(self, i: int) -> int:
        """Characters of proclitics (و، ب ...) at the start of token i that a form was matched without."""
        cands = self._cands[i]
        return len(self.toks[i].text) - len(cands[0][0]) if cands else 0

    def rel(self, kind: str, i: int) -> tuple[str, int] | None:
        if not 0 <= i < self.n or not self._cands[i]:  # the common case, kept cheap
            return None
        return self.match(kind, self._rel.get(kind, _NO_FORMS), i)

    def _tok(self, i: int) -> DateToken | None:
        return self.toks[i] if 0 <= i < self.n else None

    def _punct(self, i: int, chars: frozenset[str]) -> bool:
        t = self._tok(i)
        return t is not None and t.kind == "punct" and t.text in chars

    # -- pieces ------------------------------------------------------------------------------------

    def _day(self, i: int) -> tuple[int, int] | None:
        t = self._tok(i)
        if t is not None and t.kind == "num" and len(t.text) <= 2 and 1 <= int(t.text) <= 31:
            return int(t.text), i + 1
        hit = self.rel("ordinal", i)
        return (int(hit[0]), hit[1]) if hit else None

    def _month(self, i: int, after_day: bool) -> _MonthHit | None:
        k = i
        if after_day and (of := self._single_word("from", k)):  # "21 من حزيران": من is "of" here
            k = of
        cued = False
        if mw := self.rel("monthword", k):
            k, cued = mw[1], True
        hit = self.months(k)
        if hit is None:
            return None
        form, k = hit
        # paired names: "حزيران / يونيو", "يوليو (تموز)"
        if self._punct(k, _PAIR_OPEN):
            pair = self.months(k + 1)
            if pair and pair[0].month == form.month and pair[0].calendar == form.calendar:
                opened = self.toks[k].text == "("
                k = pair[1]
                if opened and self._punct(k, _PAIR_CLOSE):
                    k += 1
        if mw := self.rel("monthword", k):  # "دی ماه"
            k, cued = mw[1], True
        return _MonthHit(form, k, cued)

    def _single_word(self, kind: str, i: int) -> int | None:
        hit = self.rel(kind, i)
        return hit[1] if hit and hit[1] == i + 1 else None

    def _year(self, i: int, lo: int, hi: int) -> tuple[int, str | None, int] | None:
        """A year number at token i (lo <= year <= hi) and the era word after it: (year, era, end)."""
        t = self._tok(i)
        if t is None or t.kind != "num" or not 3 <= len(t.text) <= 4:
            return None
        year = int(t.text)
        if not lo <= year <= hi:
            return None
        era = self.rel("era", i + 1)
        if era:
            return year, era[0], era[1]
        return year, None, i + 1

    def _default_calendar(self, year: int) -> str:
        # 13xx/14xx with no era: the language's own solar calendar where it has one (Persian)
        if 1300 <= year < 1500 and self.lex.calendar != "gregorian":
            return self.lex.calendar
        return "gregorian"

    # -- expressions -------------------------------------------------------------------------------

    def _tail(self, r: _Read, k: int) -> _Read:
        """What may follow a month: a modifier (الجاري) or a year with its era."""
        if mod := self.rel("modifier", k):
            return replace(r, month_mod=int(mod[0]), last=mod[1] - 1)
        kk = k
        if self._punct(kk, _COMMAS):
            kk += 1
        if yw := self.rel("yearword", kk):
            kk = yw[1]
        lo, hi = (1000, 2199) if r.calendar == "gregorian" else (1200, 1499)
        y = self._year(kk, lo, hi)
        if y is None:
            return r
        return replace(r, year=y[0], last=y[2] - 1)

    def numeric(self, i: int) -> _Read | None:
        t = self.toks[i]
        parts = t.text.replace(" ", "").replace(".", "/").replace("-", "/").split("/")
        a, b, c = parts
        if len(a) >= 3:
            y, m, d = int(a), int(b), int(c)
        elif len(c) >= 3:
            d, m, y = int(a), int(b), int(c)
        else:
            return None
        last = i
        era = self.rel("era", i + 1)
        if era:
            cal, last = era[0], era[1] - 1
        elif 1300 <= y < 1500:
            cal = "jalali"
        elif 1900 <= y <= 2199:
            cal = "gregorian"
        else:
            return None
        if to_gregorian(cal, y, m, d) is None:
            return None
        return _Read(i, last, calendar=cal, year=y, month=m, day=d)

    def dated(self, i: int, bare: bool) -> _Read | None:
        """A date written with numbers and month names, from token i (memoised: ranges and single dates
        both ask)."""
        key = (i, bare)
        if key not in self._dated:
            self._dated[key] = self._dated_at(i, bare)
        return self._dated[key]

    def _dated_at(self, i: int, bare: bool) -> _Read | None:
        t = self._tok(i)
        if t is None:
            return None
        if t.kind == "nd":
            return self.numeric(i)
        j = i
        if (dw := self.rel("dayword", i)) and self._day(dw[1]):  # "يوم 21 حزيران"
            j = dw[1]
        if day := self._day(j):
            d, k = day
            if mh := self._month(k, after_day=True):
                r = _Read(i, mh.end - 1, calendar=mh.form.calendar, month=mh.form.month, day=d)
                return self._tail(r, mh.end)
            kk = self._single_word("from", k) or k
            if rm := self.rel("month", kk):  # "21 من الشهر الجاري"
                return _Read(i, rm[1] - 1, day=d, rel_unit="month", rel_offset=int(rm[0]))
            if bare and t.kind == "num" and len(t.text) <= 2:
                return _Read(i, i, day=d, bare=True)
        if mh := self._month(i, after_day=False):
            r = self._tail(_Read(i, mh.end - 1, calendar=mh.form.calendar, month=mh.form.month), mh.end)
            has_more = r.year is not None or r.month_mod is not None
            cue = mh.cued or has_more or (not mh.form.ambiguous and (bare or self._after_prep(i)))
            return r if cue else None
        return self._year_only(i, bare)

    def _after_prep(self, i: int) -> bool:
        return i > 0 and self._single_word("prep", i - 1) == i

    def _year_only(self, i: int, bare: bool) -> _Read | None:
        if yw := self.rel("yearword", i):
            y = self._year(yw[1], 1000, 2199)
            if y is None:
                return None
            return _Read(i, y[2] - 1, calendar=y[1] or self._default_calendar(y[0]), year=y[0], year_only=True)
        y = self._year(i, 1000, 2199)
        if y is None or len(self.toks[i].text) != 4:
            return None
        if y[1] is not None:  # "2014م", "1445 هـ"
            return _Read(i, y[2] - 1, calendar=y[1], year=y[0], year_only=True)
        plain = 1900 <= y[0] <= 2100 or self._default_calendar(y[0]) != "gregorian"
        if plain and (bare or self._after_prep(i)):  # "في 2014"
            return _Read(i, i, calendar=self._default_calendar(y[0]), year=y[0], year_only=True, bare=bare)
        return None

    def weekday(self, i: int, cued: bool = False) -> _Read | None:
        """[يوم|part] WEEKDAY [modifier] [، date]."""
        k = i
        if dw := self.rel("dayword", k):
            k, cued = dw[1], True
        elif part := self.rel("part", k):
            k, cued = part[1], True
        hit = self.weekdays(k)
        if hit is None:
            return None
        form, k = hit
        mod = None
        if m := self.rel("modifier", k):
            mod, k, cued = int(m[0]), m[1], True
        kk = k + 1 if self._punct(k, _COMMAS) else k
        date = self.dated(kk, bare=False)
        if date is not None and date.day is not None and date.month is not None:
            return replace(date, first=i, weekday=form.weekday)
        if form.ambiguous and not cued:
            return None
        return _Read(i, k - 1, weekday=form.weekday, weekday_mod=mod)

    def relative_day(self, i: int) -> _Read | None:
        """[يوم|part] DAYWORD [part] [weekday]: اليوم، أمس، صبح امروز، أمس الثلاثاء."""
        hit = self.rel("day", i)
        if hit is None and (lead := (self.rel("dayword", i) or self.rel("part", i))):
            hit = self.rel("day", lead[1])
        if hit is None:
            return None
        offset, k = int(hit[0]), hit[1]
        if part := self.rel("part", k):
            k = part[1]
        wd = self.weekday(k, cued=True)
        if wd is not None:
            if wd.day is not None:  # "اليوم الأربعاء 21 حزيران": the written date
                return replace(wd, first=i)
            return _Read(i, wd.last, weekday=wd.weekday, rel_unit="day", rel_offset=offset)
        return _Read(i, k - 1, rel_unit="day", rel_offset=offset)

    def relative_unit(self, i: int) -> _Read | None:
        """الأسبوع الماضي، ماه گذشته، العام المقبل — but not "دو سال گذشته" (the past two years)."""
        prev = self._tok(i - 1)
        if prev is not None and (prev.kind == "num" or self._single_word("count", i - 1) == i):
            return None
        for unit in ("week", "month", "year"):
            if hit := self.rel(unit, i):
                return _Read(i, hit[1] - 1, rel_unit=unit, rel_offset=int(hit[0]), year_only=unit == "year")
        return None

    def core(self, i: int, bare: bool) -> _Read | None:
        """A date that can stand at either end of a range."""
        return self.weekday(i) or self.dated(i, bare)

    def range(self, i: int) -> tuple[_Read, _Read] | None:
        j, had_from = i, False
        if fr := self.rel("from", i):
            j, had_from = fr[1], True
        a = self.core(j, bare=True)
        if a is None or (a.weekday is not None and a.day is None):
            return None
        k = a.last + 1
        if self._punct(k, _DASHES):
            k += 1
        elif to := self.rel("to", k):
            k = to[1]
        elif (had_from or (a.year_only and not a.bare)) and (andw := self.rel("and", k)):  # بين 21 و23، عامي 2014 و2015
            k = andw[1]
        else:
            return None
        b = self.core(k, bare=a.year_only)
        if b is None or b.rel_unit is not None or a.rel_unit is not None:
            return None
        if a.year_only:
            if not b.year_only:
                return None
            cal = b.calendar if a.bare and b.calendar else a.calendar
            a = replace(a, calendar=cal)
            b = replace(b, calendar=cal if b.bare else b.calendar)
            if a.calendar != b.calendar or (a.year or 0) > (b.year or 0):
                return None
        elif a.day is not None and a.month is None:  # "21-23 حزيران"
            if b.day is None or b.month is None:
                return None
            a = replace(a, calendar=b.calendar, month=b.month, year=b.year, month_mod=b.month_mod, bare=False)
        elif a.month is not None:
            if b.month is None or b.calendar != a.calendar or (a.day is None) != (b.day is None):
                return None
            if a.year is None and b.year is not None:
                wrap = (a.month, a.day or 0) > (b.month, b.day or 0)
                a = replace(a, year=b.year - wrap)
        else:
            return None
        if a.bare and a.year_only and not (had_from or self._after_prep(j)):  # "2014-2016" alone may be a score
            return None
        return replace(a, first=i), b

    def single(self, i: int) -> _Read | None:
        return self.relative_day(i) or self.weekday(i) or self.relative_unit(i) or self.dated(i, bare=False)


# ---------------------------------------------------------------------------------------------- resolving


@dataclass(frozen=True, slots=True)
class _Value:
    start: str | None
    end: str | None
    relative: bool
    calendar: str


def _iso(d: datetime.date) -> str:
    return d.isoformat()


def _span(a: datetime.date, b: datetime.date) -> tuple[str, str]:
    return _iso(a), _iso(b)


class _Resolver:
    def __init__(self, lex: DateLexicon, published: datetime.date | None) -> None:
        self.lex = lex
        self.pub = published

    def infer_year(self, r: _Read) -> int | None:
        """The year of a day/month written without one: from the modifier or the publication date."""
        if self.pub is None or r.calendar is None or r.month is None:
            return None
        py, pm, _ = from_gregorian(r.calendar, self.pub)
        if r.month_mod is not None:
            if r.month_mod < 0:
                return py if r.month < pm else py - 1
            if r.month_mod > 0:
                return py if r.month > pm else py + 1
            return py
        # 29 February or 30 Esfand are not in every year: go back to the last year that has the day
        for back in range(5):
            when = to_gregorian(r.calendar, py - back, r.month, r.day or 1)
            if when is not None and (back > 0 or (when - self.pub).days <= _FUTURE_DAYS):
                return py - back
        return None

    def dated(self, r: _Read, year: int | None) -> tuple[str | None, str | None] | None:
        """(start, end) of a written date in a known or unknown year; None when there is no such date."""
        cal = r.calendar or "gregorian"
        if r.month is None:
            if r.year is None:
                return None
            if cal == "gregorian":
                return str(r.year), str(r.year)
            ys = _year_span(cal, r.year)
            return _span(*ys) if ys else None
        if year is None:
            if r.day is None:
                return (None, None) if 1 <= r.month <= 12 else None
            if cal == "gregorian":
                if to_gregorian("gregorian", 2000, r.month, r.day) is None:  # 2000: a leap year, so 29 Feb is valid
                    return None
                md = f"--{r.month:02d}-{r.day:02d}"
                return md, md
            if cal == "jalali":
                g = to_gregorian(cal, _JALALI_REFERENCE_YEAR, r.month, r.day)
                if g is None:
                    return None
                md = f"--{g.month:02d}-{g.day:02d}"
                return md, md
            # a Lunar Hijri day moves 11 days a year: with no year there is no Gregorian day to give
            return (None, None) if 1 <= r.day <= 30 and 1 <= r.month <= 12 else None
        if r.day is None:
            if cal == "gregorian":
                if not 1 <= r.month <= 12:
                    return None
                ym = f"{year:04d}-{r.month:02d}"
                return ym, ym
            ms = _month_span(cal, year, r.month)
            return _span(*ms) if ms else None
        g = to_gregorian(cal, year, r.month, r.day)
        return (_iso(g), _iso(g)) if g else None

    def relative(self, r: _Read) -> tuple[str | None, str | None] | None:
        pub = self.pub
        if pub is None:
            return None, None
        cal = self.lex.calendar
        if r.rel_unit == "day":
            d = pub + datetime.timedelta(days=r.rel_offset)
            return _span(d, d)
        if r.rel_unit == "week":
            base = pub + datetime.timedelta(days=7 * r.rel_offset)
            first = base - datetime.timedelta(days=(base.weekday() - self.lex.week_start) % 7)
            return _span(first, first + datetime.timedelta(days=6))
        py, pm, _ = from_gregorian(cal, pub)
        if r.rel_unit == "month":
            y, m = _shift_month(py, pm, r.rel_offset)
            if r.day is not None:
                g = to_gregorian(cal, y, m, r.day)
                return _span(g, g) if g else None
            if cal == "gregorian":
                ym = f"{y:04d}-{m:02d}"
                return ym, ym
            ms = _month_span(cal, y, m)
            return _span(*ms) if ms else None
        y = py + r.rel_offset
        if cal == "gregorian":
            return str(y), str(y)
        ys = _year_span(cal, y)
        return _span(*ys) if ys else None

    def weekday(self, r: _Read) -> tuple[str | None, str | None]:
        pub = self.pub
        if pub is None or r.weekday is None:
            return None, None
        wd, mod = r.weekday, r.weekday_mod or 0
        if mod < 0:  # the one before this day
            back = (pub.weekday() - wd - 1) % 7 + 1
            d = pub - datetime.timedelta(days=back)
        elif mod > 0:  # the next one after this day
            d = pub + datetime.timedelta(days=(wd - pub.weekday() - 1) % 7 + 1)
        else:  # the most recent, today included
            d = pub - datetime.timedelta(days=(pub.weekday() - wd) % 7)
        return _span(d, d)

    def single(self, r: _Read) -> _Value | None:
        if r.rel_unit is not None:
            se = self.relative(r)
            if se is None:
                return None
            return _Value(se[0], se[1], True, "relative")
        if r.month is None and r.year is None:
            s, e = self.weekday(r)
            return _Value(s, e, True, "relative")
        year = r.year
        rel = False
        if year is None and r.month is not None:
            year = self.infer_year(r)
            rel = year is not None or r.month_mod is not None
        se = self.dated(r, year)
        if se is None:
            return None
        return _Value(se[0], se[1], rel, r.calendar or "gregorian")

    def range(self, a: _Read, b: _Read) -> _Value | None:
        yb = b.year if b.year is not None else (self.infer_year(b) if b.month is not None else None)
        ya = a.year
        if ya is None and yb is not None and a.month is not None and b.month is not None:
            ya = yb - ((a.month, a.day or 0) > (b.month, b.day or 0))
        sa, sb = self.dated(a, ya), self.dated(b, yb)
        if sa is None or sb is None:
            return None
        start, end = sa[0], sb[1]
        # same-shaped strings with a year compare as dates; a range that runs backwards is no range
        # (without a year, "--12-28" to "--01-03" crosses the new year)
        if start and end and len(start) == len(end) and not start.startswith("--") and start > end:
            return None
        rel = (b.year is None and yb is not None) or b.month_mod is not None
        return _Value(start, end, rel, b.calendar or a.calendar or "gregorian")


# ------------------------------------------------------------------------------------------------- driver


def find_dates(text: str, lex: DateLexicon, published: datetime.date | None) -> list[DateMention]:
    """Every date expression in `text` (rasad-normalised), resolved against `published` where relative."""
    toks = date_token_list(lex.fold(text))
    reader = _Reader(toks, lex)
    if not reader.anchors:
        return []
    anchors = [*reader.anchors, 1 << 62]  # and one past the end
    resolver = _Resolver(lex, published)
    out: list[DateMention] = []
    i = a = 0
    while i < len(toks):
        while anchors[a] < i:
            a += 1
        # a reading starts at most a few words before its anchor (في مطلع شهر حزيران)
        near = anchors[a] - i <= _REACH
        found = _read_at(reader, resolver, i) if near and reader.may_start(i) else None
        if found is None:
            i += 1
            continue
        read, value, last = found
        start = toks[read.first].start + reader.lead_shift(read.first)
        # "الخميس الموافق 7 مارس", "۲۱ خرداد برابر با ۱۱ ژوئن": one day written twice; the second writing says which
        if (eq := reader.rel("equals", last + 1)) is not None and (same := _read_at(reader, resolver, eq[1])):
            second, value, last = same
            read = replace(second, weekday=second.weekday if second.weekday is not None else read.weekday)
        end = toks[last].end
        weekday = WEEKDAY_NAMES[read.weekday] if read.weekday is not None else None
        dv = DateValue(value.start, value.end, text[start:end], weekday=weekday, calendar=value.calendar)
        out.append(DateMention(start, end, dv, value.relative, read.year_only))
        i = last + 1
    return out


def _read_at(reader: _Reader, resolver: _Resolver, i: int) -> tuple[_Read, _Value, int] | None:
    pair = reader.range(i)
    if pair is not None:
        a, b = pair
        value = resolver.range(a, b)
        if value is not None:
            return replace(a, year_only=a.year_only and b.year_only), value, b.last
    r = reader.single(i)
    if r is None or r.bare:
        return None
    value = resolver.single(r)
    return (r, value, r.last) if value is not None else None
