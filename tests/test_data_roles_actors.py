"""Meaning checks on role words, name particles and the office-holder knowledge base.

Files: lang/{ar,fa}/roles.tsv, lang/{ar,fa}/name_particles.tsv, lang/{ar,fa}/persons.tsv,
actors/persons.tsv, actors/offices.tsv.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import date, timedelta
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "src" / "rasad" / "data"
ACTORS = DATA / "actors"
COUNTRIES = DATA / "common" / "countries.tsv"
LANGS = ("ar", "fa")
PROVENANCE = re.compile(
    r"^# source: written by the rasad developers from general knowledge; version \d{4}-\d{2}-\d{2}$"
)
ROLE_KINDS = {"office", "prefix", "affairs", "rank", "honorific", "generic"}
PARTICLE_KINDS = {"connector", "prefix", "suffix"}
KEY = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
SLUG = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
ISO3 = re.compile(r"^[A-Z]{3}$")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

# Arabic forms whose article changes the role: الرئيس is the president, رئيس the head of an organisation.
# Kept exact, so a new clash of this kind has to be looked at and added here on purpose.
ARTICLE_PAIRS = {frozenset({"PRESIDENT", "HEAD"})}

_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat, hamza marks, superscript alef, tatweel
_FOLD = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ي": "ی", "ى": "ی", "ئ": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "ؤ": "و",
     "ء": None, "\u200c": " "}
)


def fold(form: str) -> str:
    return " ".join(_MARKS.sub("", form).translate(_FOLD).split())


def strip_article(folded: str) -> str:
    return " ".join(w[2:] if w.startswith("ال") and len(w) > 3 else w for w in folded.split())


@cache
def read(path: Path) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """(comment lines before the header, header, rows) of a TSV data file."""
    comments: list[str] = []
    header: list[str] | None = None
    rows: list[tuple[str, ...]] = []
    with path.open(encoding="utf-8", newline="") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                if header is None:
                    comments.append(line)
                continue
            cells = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
            if header is None:
                header = cells
            else:
                rows.append(tuple(cells))
    assert header is not None, f"{path}: no header"
    return tuple(comments), tuple(header), tuple(rows)


def records(path: Path) -> list[dict[str, str]]:
    _, header, rows = read(path)
    return [dict(zip(header, r, strict=True)) for r in rows]


def roles(lang: str) -> list[dict[str, str]]:
    return records(DATA / "lang" / lang / "roles.tsv")


def role_index(lang: str) -> dict[str, dict[str, str]]:
    """key -> a row of that key (kind and english are the same for every row of a key)."""
    return {r["key"]: r for r in roles(lang)}


def person_ids() -> set[str]:
    return {r["person_id"] for r in records(ACTORS / "persons.tsv")}


def parse_date(s: str, *, end: bool) -> date:
    """The first (or, for an end date, the last) day a YYYY / YYYY-MM / YYYY-MM-DD date covers."""
    parts = [int(p) for p in s.split("-")]
    if len(parts) == 3:
        return date(*parts)
    if len(parts) == 2:
        first = date(parts[0], parts[1], 1)
        if not end:
            return first
        return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return date(parts[0], 12, 31) if end else date(parts[0], 1, 1)


def holders(role_key: str, country: str, on: date) -> set[str]:
    """Who held an office on a day according to offices.tsv."""
    out = set()
    for o in records(ACTORS / "offices.tsv"):
        if o["role_key"] != role_key or o["country"] != country or not o["start"]:
            continue
        if parse_date(o["start"], end=False) <= on and (not o["end"] or on <= parse_date(o["end"], end=True)):
            out.add(o["person_id"])
    return out


FILES = [
    *[(DATA / "lang" / lang / "roles.tsv", ("form", "key", "kind", "english", "state")) for lang in LANGS],
    *[(DATA / "lang" / lang / "name_particles.tsv", ("form", "kind", "latin")) for lang in LANGS],
    *[(DATA / "lang" / lang / "persons.tsv", ("form", "person_id")) for lang in LANGS],
    (ACTORS / "persons.tsv", ("person_id", "latin", "country", "qid", "gender")),
    (ACTORS / "offices.tsv", ("person_id", "role_key", "country", "start", "end")),
]


@pytest.mark.parametrize(("path", "header"), FILES, ids=[str(p.relative_to(DATA)) for p, _ in FILES])
def test_provenance_header_and_columns(path: Path, header: tuple[str, ...]) -> None:
    comments, got, rows = read(path)
    assert comments and PROVENANCE.match(comments[0]), comments[:1]
    assert got == header
    assert rows
    for r in rows:
        assert len(r) == len(header), r
        for cell in r:
            assert cell == cell.strip() and "  " not in cell, r


# ---- roles ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_roles_are_well_formed_and_numerous(lang: str) -> None:
    rows = roles(lang)
    assert len(rows) >= 200
    meaning: dict[str, tuple[str, str]] = {}
    for r in rows:
        assert r["kind"] in ROLE_KINDS, r
        assert KEY.match(r["key"]), r
        assert r["english"], r
        # one key, one kind and one English phrase, wherever it is used
        assert meaning.setdefault(r["key"], (r["kind"], r["english"])) == (r["kind"], r["english"]), r
    assert {r["kind"] for r in rows} == ROLE_KINDS


def test_role_keys_mean_the_same_in_both_languages() -> None:
    ar, fa = role_index("ar"), role_index("fa")
    for key in ar.keys() & fa.keys():
        assert (ar[key]["kind"], ar[key]["english"]) == (fa[key]["kind"], fa[key]["english"]), key


def test_offices_and_ranks_exist_in_both_languages() -> None:
    ar, fa = role_index("ar"), role_index("fa")
    for kind in ("office", "rank", "prefix", "affairs"):
        in_ar = {k for k, r in ar.items() if r["kind"] == kind}
        in_fa = {k for k, r in fa.items() if r["kind"] == kind}
        if kind in ("office", "rank"):
            assert in_ar == in_fa, (kind, sorted(in_ar ^ in_fa))
        else:
            # every prefix and affairs key the knowledge base uses must be readable in both languages
            used = {p for o in records(ACTORS / "offices.tsv") for p in o["role_key"].split("+")}
            assert used & in_ar == used & in_fa, (kind, sorted((used & in_ar) ^ (used & in_fa)))


@pytest.mark.parametrize("lang", LANGS)
def test_no_role_form_has_two_keys(lang: str) -> None:
    seen: dict[str, str] = {}
    for r in roles(lang):
        f = fold(r["form"])
        assert seen.setdefault(f, r["key"]) == r["key"], (r["form"], seen[f], r["key"])


def test_arabic_article_changes_no_role_except_the_known_pairs() -> None:
    """The matcher strips ال; a form with and without it must keep its key, bar the documented pairs."""
    by_stripped: dict[str, set[str]] = defaultdict(set)
    for r in roles("ar"):
        by_stripped[strip_article(fold(r["form"]))].add(r["key"])
    clashes = {frozenset(keys) for keys in by_stripped.values() if len(keys) > 1}
    assert clashes == ARTICLE_PAIRS


@pytest.mark.parametrize(
    ("lang", "form", "key", "kind"),
    [
        ("ar", "وزير الداخلية", "INTERIOR_MINISTER", "office"),
        ("ar", "وزير داخلية", "INTERIOR_MINISTER", "office"),
        ("ar", "وزيرا الخارجية", "FOREIGN_MINISTER", "office"),
        ("ar", "وزير الدفاع وإسناد القوات المسلحة", "DEFENCE_MINISTER", "office"),
        ("ar", "نائب", "DEPUTY", "prefix"),
        ("ar", "نائب في البرلمان", "MEMBER_OF_PARLIAMENT", "office"),
        ("ar", "القائم بأعمال", "ACTING", "prefix"),
        ("ar", "القائم بالأعمال", "CHARGE_D_AFFAIRES", "office"),
        ("ar", "للشؤون الأمنية", "SECURITY_AFFAIRS", "affairs"),
        ("ar", "السياسي", "POLITICAL_AFFAIRS", "affairs"),
        ("ar", "العميد", "BRIGADIER_GENERAL", "rank"),
        ("ar", "نظيره", "COUNTERPART", "generic"),
        ("fa", "وزیر کشور", "INTERIOR_MINISTER", "office"),
        ("fa", "وزیر امور خارجه", "FOREIGN_MINISTER", "office"),
        ("fa", "وزیر دفاع و پشتیبانی نیروهای مسلح", "DEFENCE_MINISTER", "office"),
        ("fa", "معاون اول", "FIRST_DEPUTY", "prefix"),
        ("fa", "سرپرست", "ACTING", "prefix"),
        ("fa", "امنیتی و انتظامی", "SECURITY_AFFAIRS", "affairs"),
        ("fa", "سرتیپ دوم", "BRIGADIER_GENERAL_SECOND", "rank"),
        ("fa", "حجت‌الاسلام والمسلمین", "HOJATOLESLAM", "honorific"),
        ("fa", "همتای", "COUNTERPART", "generic"),
        ("fa", "استاندار", "GOVERNOR", "office"),
        ("fa", "فرماندار", "COUNTY_GOVERNOR", "office"),
    ],
)
def test_role_forms_mean_what_the_press_means(lang: str, form: str, key: str, kind: str) -> None:
    index = {fold(r["form"]): r for r in roles(lang)}
    row = index[fold(form)]
    assert (row["key"], row["kind"]) == (key, kind)


# ---- name particles --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_name_particles(lang: str) -> None:
    rows = records(DATA / "lang" / lang / "name_particles.tsv")
    seen: dict[str, tuple[str, str]] = {}
    for r in rows:
        assert r["kind"] in PARTICLE_KINDS, r
        assert re.fullmatch(r"[a-z]+", r["latin"]), r
        assert seen.setdefault(fold(r["form"]), (r["kind"], r["latin"])) == (r["kind"], r["latin"]), r
    assert seen[fold("زاده")] == ("suffix", "zadeh")
    assert seen[fold("بن")] == ("connector", "bin")
    assert {r["kind"] for r in rows} == PARTICLE_KINDS


# ---- knowledge base --------------------------------------------------------------------------------------------


def test_kb_persons() -> None:
    rows = records(ACTORS / "persons.tsv")
    assert len(rows) >= 300
    ids = [r["person_id"] for r in rows]
    assert len(ids) == len(set(ids))
    known = {r[0] for r in read(COUNTRIES)[2]} if COUNTRIES.exists() else None
    for r in rows:
        assert SLUG.match(r["person_id"]), r
        assert r["latin"] and r["latin"] == r["latin"].strip(), r
        assert ISO3.match(r["country"]), r
        assert known is None or r["country"] in known, r
        assert r["qid"] == "" or re.fullmatch(r"Q[1-9]\d*", r["qid"]), r
        assert r["gender"] in ("m", "f"), r
    qids = [r["qid"] for r in rows if r["qid"]]
    assert len(qids) == len(set(qids))


def test_kb_offices_point_at_known_people_roles_and_states() -> None:
    ar, fa = role_index("ar"), role_index("fa")
    ids = person_ids()
    known = {r[0] for r in read(COUNTRIES)[2]} if COUNTRIES.exists() else None
    for o in records(ACTORS / "offices.tsv"):
        assert o["person_id"] in ids, o
        parts = o["role_key"].split("+")
        for p in parts:
            assert p in ar and p in fa, (o, p)
        kinds = [ar[p]["kind"] for p in parts]
        # [prefix]* office [affairs]
        offices = [i for i, k in enumerate(kinds) if k == "office"]
        assert len(offices) == 1, o
        assert all(k == "prefix" for k in kinds[: offices[0]]), o
        assert kinds[offices[0] + 1 :] in ([], ["affairs"]), o
        assert o["country"] == "" or ISO3.match(o["country"]), o
        assert known is None or o["country"] == "" or o["country"] in known, o


def test_kb_dates_parse_and_run_forward() -> None:
    last_start: dict[str, date] = {}
    for o in records(ACTORS / "offices.tsv"):
        for field in ("start", "end"):
            assert o[field] == "" or DATE.match(o[field]), o
        if o["start"]:
            start = parse_date(o["start"], end=False)
            assert date(1950, 1, 1) <= start <= date(2026, 12, 31), o
            # the latest office of a person comes last, so a reader can take the last row as current
            assert start >= last_start.get(o["person_id"], start), o
            last_start[o["person_id"]] = start
        if o["start"] and o["end"]:
            assert parse_date(o["start"], end=False) <= parse_date(o["end"], end=True), o


def test_single_holder_offices_do_not_overlap() -> None:
    """Two full-date terms of the same one-person office in one state may touch but not overlap."""
    single = {"PRESIDENT", "PRIME_MINISTER", "FOREIGN_MINISTER", "INTERIOR_MINISTER", "DEFENCE_MINISTER",
              "SPEAKER", "KING", "EMIR", "SULTAN", "CHANCELLOR", "SUPREME_LEADER"}
    terms: dict[tuple[str, str], list[tuple[date, date, str]]] = defaultdict(list)
    for o in records(ACTORS / "offices.tsv"):
        if o["role_key"] in single and o["country"] and len(o["start"]) == 10 and len(o["end"]) == 10:
            terms[(o["role_key"], o["country"])].append(
                (date.fromisoformat(o["start"]), date.fromisoformat(o["end"]), o["person_id"]))
    assert terms
    for key, ts in terms.items():
        ts.sort()
        for (_, end_a, who_a), (start_b, _, who_b) in pairwise(ts):
            assert start_b >= end_a - timedelta(days=1), (key, who_a, who_b)


@pytest.mark.parametrize(
    ("role_key", "country", "on", "who"),
    [
        ("INTERIOR_MINISTER", "IRN", date(2011, 6, 1), "mohammad_najjar_mostafa"),
        ("INTERIOR_MINISTER", "IRN", date(2016, 6, 1), "rahmani_fazli_abdolreza"),
        ("INTERIOR_MINISTER", "IRN", date(2023, 6, 1), "vahidi_ahmad"),
        ("INTERIOR_MINISTER", "IRN", date(2025, 3, 1), "momeni_eskandar"),
        ("INTERIOR_MINISTER", "TJK", date(2019, 6, 1), "rahimzoda_ramazon"),
        ("INTERIOR_MINISTER", "RUS", date(2020, 1, 1), "kolokoltsev_vladimir"),
        ("DEFENCE_MINISTER", "IRN", date(2025, 1, 1), "nasirzadeh_aziz"),
        ("DEFENCE_MINISTER", "TJK", date(2024, 6, 1), "sobirzoda_emomali"),
        ("DEFENCE_MINISTER", "RUS", date(2018, 1, 1), "shoigu_sergei"),
        ("FOREIGN_MINISTER", "IRN", date(2015, 7, 14), "zarif_mohammad_javad"),
        ("FOREIGN_MINISTER", "RUS", date(2022, 3, 1), "lavrov_sergey"),
        ("PRESIDENT", "RUS", date(2010, 1, 1), "medvedev_dmitry"),
        ("PRESIDENT", "RUS", date(2024, 1, 1), "putin_vladimir"),
        ("DEPUTY+FOREIGN_MINISTER+POLITICAL_AFFAIRS", "IRN", date(2022, 6, 1), "bagheri_kani_ali"),
    ],
)
def test_kb_knows_who_held_an_office(role_key: str, country: str, on: date, who: str) -> None:
    assert holders(role_key, country, on) == {who}


def test_composed_role_reads_as_analysts_write_it() -> None:
    index = role_index("ar")
    key = "DEPUTY+INTERIOR_MINISTER+SECURITY_AFFAIRS"
    assert " ".join(index[p]["english"] for p in key.split("+")) == "deputy interior minister for security affairs"


# ---- name forms ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_person_forms_point_at_one_known_person(lang: str) -> None:
    ids = person_ids()
    seen: dict[str, str] = {}
    for r in records(DATA / "lang" / lang / "persons.tsv"):
        assert r["person_id"] in ids, r
        f = fold(r["form"])
        assert seen.setdefault(f, r["person_id"]) == r["person_id"], (r["form"], seen[f], r["person_id"])
    # every person of the knowledge base can be found in both languages
    assert set(seen.values()) == ids


@pytest.mark.parametrize(
    ("lang", "form", "who"),
    [
        ("ar", "كولوكولتسيف", "kolokoltsev_vladimir"),
        ("ar", "فلاديمير بوتين", "putin_vladimir"),
        ("ar", "رحيم زاده", "rahimzoda_ramazon"),
        ("ar", "رحيمزاده", "rahimzoda_ramazon"),
        ("ar", "رحماني فضلي", "rahmani_fazli_abdolreza"),
        ("ar", "فيصل بن فرحان", "faisal_bin_farhan"),
        ("fa", "لاوروف", "lavrov_sergey"),
        ("fa", "رحمانی فضلی", "rahmani_fazli_abdolreza"),
        ("fa", "رحیم\u200cزاده", "rahimzoda_ramazon"),
        ("fa", "رحیم زاده", "rahimzoda_ramazon"),
        ("fa", "عزیز نصیرزاده", "nasirzadeh_aziz"),
    ],
)
def test_person_forms_find_the_right_person(lang: str, form: str, who: str) -> None:
    index = {fold(r["form"]): r["person_id"] for r in records(DATA / "lang" / lang / "persons.tsv")}
    assert index[fold(form)] == who


@pytest.mark.parametrize(
    ("lang", "form"),
    [
        ("ar", "عباس"), ("ar", "لاريجاني"), ("ar", "باقري"), ("ar", "رئيسي"),
        ("fa", "روحانی"), ("fa", "لاریجانی"), ("fa", "باقری"), ("fa", "رئیسی"), ("fa", "کامرون"),
    ],
)
def test_ambiguous_or_common_surnames_are_not_names(lang: str, form: str) -> None:
    """A common word (رئيسي 'main', روحانی 'cleric', کامرون 'Cameroon') or a shared surname names no one alone."""
    index = {fold(r["form"]) for r in records(DATA / "lang" / lang / "persons.tsv")}
    assert fold(form) not in index
