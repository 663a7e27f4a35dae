"""The date lexicon of one language: month, weekday and relative-date words read from its TSV files.

Every form is stored as a tuple of folded tokens, made by the same `date_tokens` that the dates stage runs
over the text, so a multi-word form ("تشرين الأول", "ربیع‌الاول", "بعد از ظهر") matches whatever spacing or
ZWNJ the text uses between its words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple, TypeVar

from rasad.lexicon import DataError, charmap, fold_char_table, read_tsv

CALENDARS = ("gregorian", "jalali", "hijri")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# kind -> does its value column hold an integer
REL_KINDS: Mapping[str, bool] = MappingProxyType(
    {
        "day": True,
        "week": True,
        "month": True,
        "year": True,
        "part": False,
        "modifier": True,
        "dayword": False,
        "monthword": False,
        "yearword": False,
        "era": False,
        "from": False,
        "to": False,
        "and": False,
        "prep": False,
        "ordinal": True,
        "count": False,
        "equals": False,
        "calendar": False,
    }
)
_FLAGS = frozenset({"ambiguous", "week_start"})

# A numeric date (1402/03/21, 21-06-2023, 21.6.2023) is one token; otherwise digits, letters, or one other
# character. No nested quantifiers: every branch is linear.
TOKEN_RE = re.compile(
    r"(?P<nd>\d{1,4} ?(?P<sep>[/.\-]) ?\d{1,2} ?(?P=sep) ?\d{1,4})(?!\d)"  # 5/3/1445 and 5 / 3 / 1445
    r"|(?P<num>\d+)"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<punct>\S)"
)


class DateToken(NamedTuple):  # one per word of every sentence read for dates: a tuple is cheapest
    text: str  # folded
    start: int
    end: int
    kind: str  # "nd" (numeric date) | "num" | "word" | "punct"


_new_token = tuple.__new__  # builds a DateToken without its Python-level __new__


def date_tokens(folded: str) -> Iterator[DateToken]:
    for m in TOKEN_RE.finditer(folded):
        # the outer `nd` group closes after `sep`, so lastgroup names the branch
        yield _new_token(DateToken, (m.group(), m.start(), m.end(), m.lastgroup or "punct"))


def date_token_list(folded: str) -> list[DateToken]:
    """`date_tokens` as a list, built without a generator (it runs on every sentence an event is read in)."""
    new, cls = _new_token, DateToken
    return [new(cls, (m.group(), m.start(), m.end(), m.lastgroup or "punct")) for m in TOKEN_RE.finditer(folded)]


@dataclass(frozen=True, slots=True)
class MonthForm:
    calendar: str
    month: int
    ambiguous: bool


@dataclass(frozen=True, slots=True)
class WeekdayForm:
    weekday: int  # 0 = Monday
    ambiguous: bool


Key = tuple[str, ...]
_V = TypeVar("_V")


@dataclass(frozen=True, slots=True)
class DateLexicon:
    months: Mapping[Key, MonthForm]
    weekdays: Mapping[Key, WeekdayForm]
    relative: Mapping[str, Mapping[Key, str]]  # kind -> form -> value
    proclitics: tuple[str, ...]  # folded, stripped from the first word of a form (و، ب، لل ...)
    fold_table: Mapping[int, str]  # 1:1 letter folding, so folded text keeps the offsets of the original
    calendar: str  # the calendar relative months and years count in
    week_start: int  # weekday the week begins on
    # first word of a form -> {table ("months", "weekdays" or a relative kind) -> longest form starting with it}
    heads: Mapping[str, Mapping[str, int]]
    # word -> its look-up candidates and whether it may anchor a date (see stages.dates): a pure function of
    # the word, memoised because words repeat; cleared when it reaches MEMO_SIZE entries
    memo: dict[str, tuple[list[tuple[str, Mapping[str, int]]], bool]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def fold(self, text: str) -> str:
        """Fold letter variants one character for one, so offsets into `text` stay valid."""
        return text.translate(self.fold_table)

    def rel(self, kind: str) -> Mapping[Key, str]:
        return self.relative.get(kind, _EMPTY)


_EMPTY: Mapping[Key, str] = MappingProxyType({})
MEMO_SIZE = 100_000


def form_key(form: str, fold_table: Mapping[int, str]) -> Key:
    """Folded token tuple of a lexicon form, normalised the way rasad normalises text."""
    norm = unicodedata.normalize("NFKC", form).translate(charmap()).translate(fold_table)
    return tuple(t.text for t in date_tokens(norm))


def _int(value: str, path: Path, form: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise DataError(f"{path}: {form!r}: {value!r} is not an integer") from None


def _flags(value: str, path: Path, form: str) -> frozenset[str]:
    flags = frozenset(f for f in value.replace(";", " ").split() if f)
    unknown = flags - _FLAGS
    if unknown:
        raise DataError(f"{path}: {form!r}: unknown flags {sorted(unknown)}")
    return flags


def _put(table: dict[Key, _V], key: Key, value: _V, path: Path, form: str) -> None:
    if not key:
        raise DataError(f"{path}: empty form")
    if key in table:
        # the same folded spelling twice is a slip in the data, whatever the key
        raise DataError(f"{path}: {form!r} folds to a form already listed")
    table[key] = value


def load_date_lexicon(lang_dir: Path) -> DateLexicon:
    """Read months.tsv, weekdays.tsv and relative.tsv of one language (and the proclitics of clitics.tsv)."""
    table = fold_char_table()
    months: dict[Key, MonthForm] = {}
    path = lang_dir / "months.tsv"
    for row in read_tsv(path, ("form", "calendar", "month")):
        form, cal = row["form"], row["calendar"]
        month = _int(row["month"], path, form)
        if cal not in CALENDARS or not 1 <= month <= 12:
            raise DataError(f"{path}: {form!r}: bad calendar or month {cal!r} {month}")
        flags = _flags(row.get("flags", ""), path, form)
        _put(months, form_key(form, table), MonthForm(cal, month, "ambiguous" in flags), path, form)

    weekdays: dict[Key, WeekdayForm] = {}
    week_start: int | None = None
    path = lang_dir / "weekdays.tsv"
    for row in read_tsv(path, ("form", "weekday")):
        form = row["form"]
        wd = _int(row["weekday"], path, form)
        if not 0 <= wd <= 6:
            raise DataError(f"{path}: {form!r}: weekday {wd} not in 0-6")
        flags = _flags(row.get("flags", ""), path, form)
        if "week_start" in flags:
            week_start = wd
        _put(weekdays, form_key(form, table), WeekdayForm(wd, "ambiguous" in flags), path, form)
    if week_start is None:
        raise DataError(f"{path}: no weekday carries the week_start flag")

    relative: dict[str, dict[Key, str]] = {}
    calendar: str | None = None
    path = lang_dir / "relative.tsv"
    for row in read_tsv(path, ("form", "kind", "value")):
        form, kind, value = row["form"], row["kind"], row["value"]
        if kind not in REL_KINDS:
            raise DataError(f"{path}: {form!r}: unknown kind {kind!r}")
        if REL_KINDS[kind]:
            _int(value, path, form)
        if kind == "calendar":
            if value not in CALENDARS:
                raise DataError(f"{path}: calendar {value!r} unknown")
            calendar = value
            continue
        if kind == "era" and value not in CALENDARS:
            raise DataError(f"{path}: {form!r}: era calendar {value!r} unknown")
        _put(relative.setdefault(kind, {}), form_key(form, table), value, path, form)
    if calendar is None:
        raise DataError(f"{path}: no `calendar` row")

    proclitics: list[str] = []
    clitics = lang_dir / "clitics.tsv"
    if clitics.exists():  # a language without proclitics (Persian) simply lists none
        for row in read_tsv(clitics, ("form", "kind")):
            # the article is not stripped: date forms are listed with it (الأربعاء، العام)
            if row["kind"] in ("conjunction", "preposition", "preposition_article"):
                proclitics.append(row["form"].translate(table))

    tables: dict[str, list[Key]] = {"months": list(months), "weekdays": list(weekdays)}
    tables.update((kind, list(forms)) for kind, forms in relative.items())
    heads: dict[str, dict[str, int]] = {}
    for name, keys in tables.items():
        for key in keys:
            slot = heads.setdefault(key[0], {})
            slot[name] = max(slot.get(name, 0), len(key))
    return DateLexicon(
        months=MappingProxyType(months),
        weekdays=MappingProxyType(weekdays),
        relative=MappingProxyType({k: MappingProxyType(v) for k, v in relative.items()}),
        proclitics=tuple(sorted(set(proclitics), key=lambda p: (-len(p), p))),
        fold_table=MappingProxyType(table),
        calendar=calendar,
        week_start=week_start,
        heads=MappingProxyType({w: MappingProxyType(t) for w, t in heads.items()}),
    )
