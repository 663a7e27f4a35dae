"""Meaning checks on the state lexicons: common/countries.tsv and lang/{ar,fa}/states.tsv."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "src" / "rasad" / "data"
COUNTRIES = DATA / "common" / "countries.tsv"
LANGS = ("ar", "fa")
PROVENANCE = re.compile(
    r"^# source: written by the rasad developers from general knowledge.*; version \d{4}-\d{2}-\d{2}$"
)
KINDS = {"name", "official", "people", "adj"}

# States with no adjective row, each for a stated reason (the file carries the same note as a comment).
# Kept exact: a state listed here that gains an adjective fails the test, so the list cannot rot.
NO_ADJ = {
    "ar": {
        "MLI": "مالي/المالي is mostly 'financial'",
        "COM": "قمري is mostly 'lunar'",
        "ESH": "صحراوي is mostly 'desert'",
        "SLB": "سليماني is a frequent surname",
        "COG": "كونغولي is keyed COD",
        "PNG": "بابوي also names Indonesian Papua",
        "CAF": "no adjective in press use",
        "LCA": "no adjective in press use",
        "VCT": "no adjective in press use",
        "KNA": "no adjective in press use",
        "CPV": "no adjective in press use",
        "STP": "no adjective in press use",
        "GNB": "no adjective in press use",
        "SMR": "no adjective in press use",
    },
    "fa": {
        "SLB": "سلیمانی is a frequent surname",
        "COG": "کنگویی is keyed COD",
        "PNG": "پاپوآیی also names Indonesian Papua",
        "TLS": "تیموری is mostly 'Timurid'",
        "CAF": "Persian uses the name attributively (ezafe)",
        "ZAF": "Persian uses the name attributively (ezafe)",
        "PRK": "Persian uses the name attributively (ezafe)",
        "SSD": "Persian uses the name attributively (ezafe)",
        "GNQ": "Persian uses the name attributively (ezafe)",
        "GNB": "Persian uses the name attributively (ezafe)",
        "LCA": "Persian uses the name attributively (ezafe)",
        "VCT": "Persian uses the name attributively (ezafe)",
        "KNA": "Persian uses the name attributively (ezafe)",
    },
}

_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat, hamza marks, superscript alef, tatweel
_FOLD = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ي": "ی", "ى": "ی", "ئ": "ی", "ك": "ک", "ة": "ه", "ؤ": "و", "\u200c": " "}
)


def fold(form: str) -> str:
    return " ".join(_MARKS.sub("", form).translate(_FOLD).split())


def match_key(form: str) -> str:
    """Folded form with the Arabic article removed from each word, as the matcher compares words."""
    words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in fold(form).split()]
    return " ".join(words)


def read(path: Path) -> tuple[list[str], list[str], list[list[str]]]:
    """(comment lines before the header, header, rows) of a TSV data file."""
    comments: list[str] = []
    header: list[str] | None = None
    rows: list[list[str]] = []
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
                rows.append(cells)
    assert header is not None, f"{path}: no header"
    return comments, header, rows


@pytest.fixture(scope="module")
def countries() -> dict[str, dict[str, str]]:
    _, header, rows = read(COUNTRIES)
    return {r[0]: dict(zip(header, r, strict=True)) for r in rows}


@pytest.fixture(scope="module", params=LANGS)
def states(request: pytest.FixtureRequest) -> tuple[str, list[dict[str, str]]]:
    lang: str = request.param
    _, header, rows = read(DATA / "lang" / lang / "states.tsv")
    return lang, [dict(zip(header, r, strict=True)) for r in rows]


@pytest.mark.parametrize(
    ("path", "header"),
    [
        (COUNTRIES, ["iso3", "iso2", "name", "qid", "status"]),
        (DATA / "lang" / "ar" / "states.tsv", ["form", "key", "kind", "latin"]),
        (DATA / "lang" / "fa" / "states.tsv", ["form", "key", "kind", "latin"]),
    ],
)
def test_provenance_header_and_columns(path: Path, header: list[str]) -> None:
    comments, got, rows = read(path)
    assert comments and PROVENANCE.match(comments[0]), comments[:1]
    assert got == header
    assert rows
    for r in rows:
        assert len(r) == len(header), r
        for cell in r:
            assert cell == cell.strip() and "  " not in cell, r


def test_countries_cover_the_un_and_the_others(countries: dict[str, dict[str, str]]) -> None:
    status = Counter(c["status"] for c in countries.values())
    assert status == {"member": 193, "observer": 2, "other": 3}
    assert {k for k, c in countries.items() if c["status"] == "observer"} == {"VAT", "PSE"}
    assert {k for k, c in countries.items() if c["status"] == "other"} == {"XKX", "TWN", "ESH"}
    for must in ("IRN", "TJK", "RUS", "USA", "GBR", "SYR", "KOR", "PRK", "ISR", "SAU", "SSD", "TLS"):
        assert countries[must]["status"] == "member"


def test_countries_codes_are_well_formed_and_unique(countries: dict[str, dict[str, str]]) -> None:
    rows = list(countries.values())
    assert len(rows) == 198
    for c in rows:
        assert re.fullmatch(r"[A-Z]{3}", c["iso3"]), c
        assert re.fullmatch(r"[A-Z]{2}", c["iso2"]), c
        assert c["name"], c
        assert c["qid"] == "" or re.fullmatch(r"Q[1-9]\d*", c["qid"]), c
    for col in ("iso2", "name"):
        dup = [v for v, n in Counter(c[col] for c in rows).items() if n > 1]
        assert not dup, (col, dup)
    qids = [c["qid"] for c in rows if c["qid"]]
    assert len(qids) == len(set(qids))


def test_countries_known_facts(countries: dict[str, dict[str, str]]) -> None:
    expect = {
        "IRN": ("IR", "Iran", "Q794"),
        "TJK": ("TJ", "Tajikistan", "Q863"),
        "RUS": ("RU", "Russia", "Q159"),
        "USA": ("US", "United States", "Q30"),
        "ISR": ("IL", "Israel", "Q801"),
        "SAU": ("SA", "Saudi Arabia", "Q851"),
        "GBR": ("GB", "United Kingdom", "Q145"),
        "SRB": ("RS", "Serbia", "Q403"),
        "XKX": ("XK", "Kosovo", "Q1246"),
    }
    for iso3, (iso2, name, qid) in expect.items():
        c = countries[iso3]
        assert (c["iso2"], c["name"], c["qid"]) == (iso2, name, qid)


def test_rows_are_clean(states: tuple[str, list[dict[str, str]]]) -> None:
    _, rows = states
    for r in rows:
        assert r["form"] and r["form"] == r["form"].strip(), r
        assert r["kind"] in KINDS, r


def test_keys_exist_and_latin_is_the_country_name(
    states: tuple[str, list[dict[str, str]]], countries: dict[str, dict[str, str]]
) -> None:
    _, rows = states
    for r in rows:
        assert r["key"] in countries, r
        assert r["latin"] == countries[r["key"]]["name"], r


def test_every_state_has_a_name(states: tuple[str, list[dict[str, str]]], countries: dict[str, dict[str, str]]) -> None:
    _, rows = states
    named = {r["key"] for r in rows if r["kind"] == "name"}
    assert set(countries) - named == set()


def test_every_state_has_an_adjective_or_a_stated_reason(
    states: tuple[str, list[dict[str, str]]], countries: dict[str, dict[str, str]]
) -> None:
    lang, rows = states
    with_adj = {r["key"] for r in rows if r["kind"] == "adj"}
    assert set(countries) - with_adj == set(NO_ADJ[lang])


def test_no_form_maps_to_two_keys(states: tuple[str, list[dict[str, str]]]) -> None:
    _, rows = states
    owner: dict[str, str] = {}
    clashes = []
    for r in rows:
        for k in {fold(r["form"]), match_key(r["form"])}:
            if owner.setdefault(k, r["key"]) != r["key"]:
                clashes.append((r["form"], r["key"], owner[k]))
    assert not clashes


def test_no_form_listed_twice(states: tuple[str, list[dict[str, str]]]) -> None:
    _, rows = states
    dup = [f for f, n in Counter(fold(r["form"]) for r in rows).items() if n > 1]
    assert not dup


def test_script_matches_language(states: tuple[str, list[dict[str, str]]]) -> None:
    lang, rows = states
    foreign = set("یکگپچژ") if lang == "ar" else set("يكة")
    for r in rows:
        assert not foreign & set(r["form"]), r
        # Arabic-script letters, spaces and ZWNJ only: no Latin, digits or stray markup.
        assert re.fullmatch(r"[\u0600-\u06ff\u200c ]+", r["form"]), r


def test_arabic_adjectives_have_every_gender_and_the_article() -> None:
    _, header, raw = read(DATA / "lang" / "ar" / "states.tsv")
    rows = [dict(zip(header, r, strict=True)) for r in raw]
    key_of = {r["form"]: r["key"] for r in rows}
    bases = [
        r
        for r in rows
        if r["kind"] == "adj" and " " not in r["form"] and r["form"].endswith("ي") and not r["form"].startswith("ال")
    ]
    assert len(bases) > 150
    for r in bases:
        m = r["form"]
        for form in ("ال" + m, m + "ة", "ال" + m + "ة"):
            assert key_of.get(form) == r["key"], (m, form)
        # The masculine plural doubles as the name of the people.
        assert key_of.get("ال" + m + "ين") == r["key"], m


LOOKUPS = {
    "ar": {
        "ايران": "IRN",
        "الجمهورية الإسلامية الإيرانية": "IRN",
        "الإيرانيتين": "IRN",
        "الإيرانيون": "IRN",
        "طاجكستان": "TJK",
        "طاجيكستان": "TJK",
        "الاتحاد الروسي": "RUS",
        "الروس": "RUS",
        "أميركا": "USA",
        "الأمريكية": "USA",
        "المملكة العربية السعودية": "SAU",
        "الإمارات": "ARE",
        "المملكة المتحدة": "GBR",
        "ألمانيا": "DEU",
        "الكيان الصهيوني": "ISR",
        "كيان الاحتلال": "ISR",
        "الصهيوني": "ISR",
        "جمهورية الصين": "TWN",
        "جمهورية الصين الشعبية": "CHN",
        "كوريا الشمالية": "PRK",
        "الكوري الشمالي": "PRK",
        "الكورية الجنوبية": "KOR",
        "روسيا البيضاء": "BLR",
        "الأتراك": "TUR",
        "الجنوب أفريقي": "ZAF",
        "مصر": "EGY",
        "عمان": "OMN",
    },
    "fa": {
        "ایران": "IRN",
        "جمهوری اسلامی ایران": "IRN",
        "ايران": "IRN",
        "تاجیکستان": "TJK",
        "تاجیک": "TJK",
        "فدراسیون روسیه": "RUS",
        "روسی": "RUS",
        "آمریکایی": "USA",
        "ایالات متحده": "USA",
        "عربستان سعودی": "SAU",
        "امارات": "ARE",
        "انگلیس": "GBR",
        "رژیم صهیونیستی": "ISR",
        "رژیم اشغالگر قدس": "ISR",
        "صهیونیستی": "ISR",
        "جمهوری چین": "TWN",
        "جمهوری خلق چین": "CHN",
        "چین": "CHN",
        "کره شمالی": "PRK",
        "کره\u200cای": "KOR",
        "ترکیه\u200cای": "TUR",
    },
}

# Forms deliberately left out: common words, surnames, capitals (capitals are places, not states).
ABSENT = {
    "ar": [
        "مالي",
        "المالي",
        "المالية",
        "القمري",
        "الصحراوي",
        "الصحراوية",
        "السليماني",
        "طهران",
        "موسكو",
        "دوشنبه",
        "الاحتلال",
        "الكوريتين",
        "الأمريكيتين",
    ],
    "fa": ["مالی", "ترک", "آذری", "سلیمانی", "تیموری", "مغول", "تهران", "مسکو", "دوشنبه"],
}


@pytest.mark.parametrize("lang", LANGS)
def test_lookups(lang: str) -> None:
    _, _, raw = read(DATA / "lang" / lang / "states.tsv")
    index = {fold(r[0]): r[1] for r in raw}
    for form, key in LOOKUPS[lang].items():
        assert index.get(fold(form)) == key, form
    for form in ABSENT[lang]:
        assert fold(form) not in index, form
