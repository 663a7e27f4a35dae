"""The immutable bundle of everything the stages need, loaded once per process and passed in."""

from __future__ import annotations

import gc
import sqlite3
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rasad.lexicon import DATA_DIR, charmap, fold, fold_word, lang_dir, read_tsv
from rasad.lexicon.dates import DateLexicon, load_date_lexicon
from rasad.lexicon.gazetteer import Entry, Gazetteer, build_gazetteer, form_words
from rasad.lexicon.tables import Clitics, LanguageModel, Normaliser, build_clitics, build_normaliser

LANGUAGES = ("ar", "fa")
_DAY_WORD_KINDS = frozenset({"day", "part", "dayword"})


def data_version() -> str:
    return (DATA_DIR / "VERSION").read_text(encoding="utf-8").strip()


@dataclass(frozen=True, slots=True)
class Country:
    iso3: str
    name: str
    qid: str


@dataclass(frozen=True, slots=True)
class PlaceInfo:
    key: str
    latin: str
    country: str
    kind: str
    qid: str


@dataclass(frozen=True, slots=True)
class OrgInfo:
    key: str
    latin: str
    country: str
    sector: str
    kind: str
    qid: str


@dataclass(frozen=True, slots=True)
class RoleInfo:
    key: str
    kind: str
    english: str


@dataclass(frozen=True, slots=True)
class KBPerson:
    person_id: str
    latin: str
    country: str
    qid: str
    offices: tuple[tuple[str, str, str, str], ...]  # (role_key, country, start, end)


@dataclass(frozen=True, slots=True)
class Trigger:
    type: str
    mode: str
    cameo: str
    pattern: str
    flags: frozenset[str]


@dataclass(frozen=True, slots=True)
class NameUnit:
    latin_fa: str  # most frequent Latin spelling in Iranian/Afghan use
    latin_ar: str  # most frequent Latin spelling in Arab use
    count: int
    surname: bool


@dataclass(frozen=True, slots=True)
class LangResources:
    lang: str
    clitics: Clitics
    gazetteer: Gazetteer
    dates: DateLexicon
    stopwords: frozenset[str]
    particles: dict[str, tuple[str, str]]  # folded form -> (kind, latin)
    relative_words: frozenset[str]
    locatives: frozenset[str]  # folded prepositions after which a place is where something happens
    between_words: frozenset[str]  # folded words after which the two sides of a clash are named
    place_words: frozenset[str]  # folded locatives, directionals and "capital" words: a city's name follows
    settings: dict[str, str]  # grammar settings (settings.tsv)
    kb_forms: dict[str, str]  # folded name form -> person_id
    name_suffixes: tuple[str, ...] = ()  # the particles of kind "suffix" (‑زاده، ‑پور): a word ending so is a name


@dataclass(frozen=True, slots=True)
class Resources:
    normaliser: Normaliser
    language_model: LanguageModel
    langs: dict[str, LangResources]
    countries: dict[str, Country]
    places: dict[str, PlaceInfo]
    orgs: dict[str, OrgInfo]
    roles: dict[str, RoleInfo]
    persons: dict[str, KBPerson]
    name_units: dict[str, NameUnit]
    cameo: dict[str, dict[str, str]]
    cameo_plover: dict[str, tuple[str, str, tuple[str, ...]]]  # CAMEO code -> (PLOVER type, mode, contexts)
    contexts: frozenset[str]  # PLOVER's 37 contexts
    topic_contexts: dict[str, tuple[str, ...]]
    letters: dict[str, tuple[str, str, str]]  # folded letter -> (medial, initial, final) Latin
    conventions: tuple[tuple[str, str, str], ...]  # (country, regex, replacement)
    arab_style: frozenset[str]  # states whose names are romanised in Arab style
    data_version: str
    load_seconds: float = field(default=0.0, compare=False)
    # the English words of prefix roles (deputy, acting, former ...): a role phrase and its holder must agree on them
    role_qualifiers: frozenset[str] = frozenset()


def _rows(path: Path, required: tuple[str, ...] = ()) -> list[dict[str, str]]:
    return read_tsv(path, required) if path.exists() else []


def _lang(lang: str, roles: dict[str, RoleInfo]) -> LangResources:
    d = lang_dir(lang)
    clitics = build_clitics(_rows(d / "clitics.tsv"))
    art = clitics.article
    entries: list[Entry] = []

    def add(form: str, kind: str, key: str, **attrs: str) -> None:
        entries.append(Entry(form_words(form, art), kind, key, form, tuple(sorted(attrs.items()))))
        if "\u200cو" in form:  # Persian X‌وY compounds are also written "X و Y" (گفت‌وگو، گفت و گو)
            spaced = form.replace("\u200cو", " و ")
            entries.append(Entry(form_words(spaced, art), kind, key, spaced, tuple(sorted(attrs.items()))))

    for r in _rows(d / "states.tsv"):
        add(r["form"], "COUNTRY", r["key"], sub=r["kind"])
    for r in _rows(d / "places.tsv"):
        add(r["form"], "PLACE", r["key"], flags=r.get("flags", ""))
    for r in _rows(d / "orgs.tsv"):
        add(r["form"], "ORG", r["key"], flags=r.get("flags", ""))
    for r in _rows(d / "roles.tsv"):
        add(r["form"], "ROLE", r["key"], sub=r["kind"])
    for r in _rows(d / "persons.tsv"):
        add(r["form"], "PERSON", r["person_id"])
    for r in _rows(d / "triggers.tsv"):
        add(
            r["form"],
            "TRIGGER",
            f"{r['type']}/{r['mode']}/{r['cameo']}",
            pattern=r["pattern"],
            flags=r.get("flags", ""),
        )
    for r in _rows(d / "support_verbs.tsv"):
        add(r["form"], "SUPPORT", r["types"], position=r["position"])
    for r in _rows(d / "topics.tsv"):
        add(r["form"], "TOPIC", r["topic"])
    for r in _rows(d / "markers.tsv"):
        add(r["form"], "MARKER", r["kind"])
    for r in _rows(d / "references.tsv"):
        add(r["form"], "REF", r["kind"])
    entries = _article_senses(entries, art)
    particles = {fold(r["form"]): (r["kind"], r.get("latin", "")) for r in _rows(d / "name_particles.tsv")}
    stop = {fold(r["form"]) for r in _rows(d / "stopwords.tsv")}
    stop |= {fold(r["form"]) for r in _rows(d / "function_words.tsv")}
    # words that make a following weekday or place-like word a date (روز دوشنبه، اليوم الأربعاء)
    relative = {
        ws[0]
        for r in _rows(d / "relative.tsv")
        if r.get("kind") in _DAY_WORD_KINDS
        for ws in [form_words(r["form"], art)]
        if len(ws) == 1
    }
    relative |= {w for r in _rows(d / "weekdays.tsv") for w in form_words(r["form"], art)}
    return LangResources(
        lang=lang,
        clitics=clitics,
        gazetteer=build_gazetteer(
            entries, (*clitics.suffixes, *(f for f, (k, _) in particles.items() if k == "suffix"))
        ),
        dates=load_date_lexicon(d),
        stopwords=frozenset(stop),
        particles=particles,
        relative_words=frozenset(relative),
        settings={r["key"]: r["value"] for r in _rows(d / "settings.tsv")},
        locatives=frozenset(
            fold(r["form"]) for r in _rows(d / "prepositions.tsv") if r["kind"] in ("locative", "directional")
        ),
        between_words=frozenset(fold(r["form"]) for r in _rows(d / "prepositions.tsv") if r["kind"] == "between"),
        place_words=frozenset(
            fold(r["form"])
            for r in _rows(d / "prepositions.tsv")
            if r["kind"] in ("locative", "directional", "capital")
        ),
        kb_forms={fold(r["form"]): r["person_id"] for r in _rows(d / "persons.tsv")},
        name_suffixes=tuple(f for f, (k, _) in particles.items() if k == "suffix"),
    )


def _article_senses(entries: list[Entry], art: str) -> list[Entry]:
    """A role word listed with and without the article for different offices (الرئيس the president, رئيس the
    head of something) keeps the article it was listed with: attribute `article` = with | without."""
    if not art:
        return entries
    senses: dict[str, set[tuple[str, bool]]] = defaultdict(set)
    for e in entries:
        if e.kind == "ROLE" and len(e.words) == 1:
            senses[e.words[0]].add((e.key, fold(e.form).startswith(art)))
    split = {w for w, s in senses.items() if len({k for k, _ in s}) > 1 and len({a for _, a in s}) > 1}
    out = []
    for e in entries:
        if e.kind == "ROLE" and len(e.words) == 1 and e.words[0] in split:
            sense = "with" if fold(e.form).startswith(art) else "without"
            e = Entry(e.words, e.kind, e.key, e.form, tuple(sorted((*e.attrs, ("article", sense)))))
        out.append(e)
    return out


def _name_units() -> dict[str, NameUnit]:
    """Given names and surnames from the database arabic-name-romanizer ships (evidence that a word is a name).

    SQLite aggregates the 82,000 rows: per name, its total count, its surname share, and its most frequent Latin
    spelling in Persian-script countries and in Arab countries.
    """
    try:
        from importlib.resources import files

        path = Path(str(files("arabic_name_romanizer") / "resources" / "names.sqlite3"))
    except ModuleNotFoundError:
        return {}
    if not path.exists():
        return {}
    fam = "CASE WHEN country IN ('IR', 'AF', 'PK', 'TJ') THEN 'fa' ELSE 'ar' END"
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        totals = con.execute(
            "SELECT arabic_key, SUM(count), SUM(CASE WHEN role = 'surname' THEN count ELSE 0 END) "
            "FROM units GROUP BY arabic_key"
        ).fetchall()
        # SQLite returns the bare column `latin` of the row holding MAX(count)
        best = con.execute(
            f"SELECT arabic_key, {fam} AS fam, latin, MAX(count) FROM units GROUP BY arabic_key, fam"
        ).fetchall()
    finally:
        con.close()
    spelling: dict[tuple[str, str], str] = {(k, f): latin for k, f, latin, _ in best}
    out: dict[str, NameUnit] = {}
    for key, total, surname in totals:
        fa = spelling.get((key, "fa")) or spelling.get((key, "ar"), "")
        ar = spelling.get((key, "ar")) or fa
        k = fold_word(key)
        prev = out.get(k)
        if prev is None or total > prev.count:
            out[k] = NameUnit(fa, ar, total, surname * 2 > total)
    return out


def _cameo2plover(path: Path) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """PLOVER's own CAMEO→PLOVER table (lines like `057: SUPPORT, , diplomatic # Sign formal agreement`)."""
    out: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        body = line.split("#", 1)[0]
        if ":" not in body:
            continue
        code, rest = body.split(":", 1)
        parts = [p.strip() for p in rest.split(",")]
        if not code.strip().isdigit() or not parts or not parts[0]:
            continue
        mode = parts[1] if len(parts) > 1 else ""
        contexts = tuple(c.strip() for c in (parts[2] if len(parts) > 2 else "").split(";") if c.strip())
        out[code.strip()] = (parts[0], mode, contexts)
    return out


def load_resources(languages: tuple[str, ...] = LANGUAGES) -> Resources:
    t0 = time.perf_counter()
    common = DATA_DIR / "common"
    countries = {r["iso3"]: Country(r["iso3"], r["name"], r.get("qid", "")) for r in _rows(common / "countries.tsv")}
    places: dict[str, PlaceInfo] = {}
    orgs: dict[str, OrgInfo] = {}
    roles: dict[str, RoleInfo] = {}
    for lang in languages:
        d = lang_dir(lang)
        for r in _rows(d / "places.tsv"):
            places.setdefault(r["key"], PlaceInfo(r["key"], r["latin"], r["country"], r["kind"], r.get("qid", "")))
        for r in _rows(d / "orgs.tsv"):
            orgs.setdefault(
                r["key"],
                OrgInfo(r["key"], r["latin"], r["country"], r.get("sector", ""), r["kind"], r.get("qid", "")),
            )
        for r in _rows(d / "roles.tsv"):
            roles.setdefault(r["key"], RoleInfo(r["key"], r["kind"], r["english"]))
    offices: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for r in _rows(DATA_DIR / "actors" / "offices.tsv"):
        offices[r["person_id"]].append((r["role_key"], r["country"], r.get("start", ""), r.get("end", "")))
    persons = {
        r["person_id"]: KBPerson(
            r["person_id"], r["latin"], r["country"], r.get("qid", ""), tuple(offices.get(r["person_id"], ()))
        )
        for r in _rows(DATA_DIR / "actors" / "persons.tsv")
    }
    boiler = [r["form"] for lang in languages for r in _rows(lang_dir(lang) / "boilerplate.tsv")]
    fw = {lang: frozenset(fold(r["form"]) for r in _rows(lang_dir(lang) / "function_words.tsv")) for lang in languages}
    onto = DATA_DIR / "ontology"
    cameo = {r["code"]: r for r in _rows(onto / "cameo.tsv")}
    topic_contexts = {
        r["topic"]: tuple(c.strip() for c in r["contexts"].split(";") if c.strip())
        for r in _rows(common / "topic_contexts.tsv")
    }
    res = Resources(
        normaliser=build_normaliser(charmap(), boiler),
        language_model=LanguageModel(fw),
        langs={lang: _lang(lang, roles) for lang in languages},
        countries=countries,
        places=places,
        orgs=orgs,
        roles=roles,
        role_qualifiers=frozenset(w for r in roles.values() if r.kind == "prefix" for w in r.english.split()),
        persons=persons,
        name_units=_name_units(),
        cameo=cameo,
        cameo_plover=_cameo2plover(onto / "CAMEO2PLOVER-2021.txt"),
        contexts=frozenset(r["context"] for r in _rows(onto / "plover_contexts.tsv")),
        topic_contexts=topic_contexts,
        letters={r["char"]: (r["latin"], r["initial"], r["final"]) for r in _rows(common / "romanise.tsv")},
        conventions=tuple(
            (r["country"], r["pattern"], r["replacement"]) for r in _rows(common / "name_conventions.tsv")
        ),
        arab_style=frozenset(r["iso3"] for r in _rows(common / "name_styles.tsv") if r["style"] == "arab"),
        data_version=data_version(),
        load_seconds=time.perf_counter() - t0,
    )
    # The tables are a few hundred thousand long-lived objects that never change: without this, every full
    # collection of the cycle collector walks all of them again (a third of the analysis time, measured).
    # Frozen objects are skipped by the collector; reference counting still frees them.
    gc.collect()
    gc.freeze()
    return res
