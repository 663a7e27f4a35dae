"""The immutable bundle of everything the stages need, loaded once per process and passed in."""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import io
import os
import pickle
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rasad.lexicon import DATA_DIR, charmap, fold, fold_word, lang_dir, read_tsv
from rasad.lexicon.dates import DateLexicon, load_date_lexicon
from rasad.lexicon.gazetteer import Entry, Gazetteer, build_gazetteer, form_words
from rasad.lexicon.tables import Clitics, LanguageModel, Normaliser, build_clitics, build_normaliser

LANGUAGES = ("ar", "fa")
_DAY_WORD_KINDS = frozenset({"day", "part", "dayword"})
GAP = "…"  # in a trigger form: the two parts of a trigger that other words may separate


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
    # triggers in two parts (`head … tail` in triggers.tsv): head form -> tail form -> (key, pattern, flags)
    gapped: dict[str, dict[str, tuple[str, str, str]]] = field(default_factory=dict)


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
        # state: the state an office word names when none is given (وزیر کشور is Iran's interior minister)
        add(r["form"], "ROLE", r["key"], sub=r["kind"], **({"state": r["state"]} if r.get("state") else {}))
    for r in _rows(d / "persons.tsv"):
        add(r["form"], "PERSON", r["person_id"])
    gapped: dict[str, dict[str, tuple[str, str, str]]] = {}
    for r in _rows(d / "triggers.tsv"):
        key = f"{r['type']}/{r['mode']}/{r['cameo']}"
        if GAP in r["form"]:
            # a trigger in two parts that other words may separate (سحبت … سفيرها، وارد … شد): each part is
            # matched on its own and the events stage joins them (`gapped`)
            head, tail = (p.strip() for p in r["form"].split(GAP, 1))
            add(head, "PART", head)
            add(tail, "PART", tail)
            gapped.setdefault(head, {})[tail] = (key, r["pattern"], r.get("flags", ""))
            continue
        add(r["form"], "TRIGGER", key, pattern=r["pattern"], flags=r.get("flags", ""))
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
        gapped=gapped,
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


def _names_db() -> Path | None:
    """The names database arabic-name-romanizer ships, if it is installed."""
    from importlib.util import find_spec  # finds the package without importing it

    spec = find_spec("arabic_name_romanizer")
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).parent / "resources" / "names.sqlite3"
    return path if path.exists() else None


def _name_units() -> dict[str, NameUnit]:
    """Given names and surnames from the database arabic-name-romanizer ships (evidence that a word is a name).

    SQLite aggregates the 82,000 rows: per name, its total count, its surname share, and its most frequent Latin
    spelling in Persian-script countries and in Arab countries.
    """
    path = _names_db()
    if path is None:
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


def build_resources(languages: tuple[str, ...] = LANGUAGES) -> Resources:
    """Reads every table and builds the resources (about a second); `load_resources` keeps the result."""
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
    return res


# --------------------------------------------------------------------------- the built resources, kept


def cache_dir() -> Path | None:
    """Where built resources are kept: `$RASAD_CACHE_DIR` ("off" or empty: nowhere), else the user's cache
    folder (`$XDG_CACHE_HOME/rasad`, by default `~/.cache/rasad`)."""
    env = os.environ.get("RASAD_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "no") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "rasad"
    try:
        return Path.home() / ".cache" / "rasad"
    except (RuntimeError, KeyError):  # no home folder (a service account): nothing is kept
        return None


def fingerprint(languages: tuple[str, ...] = LANGUAGES, root: Path | None = None) -> str:
    """What the built resources depend on: every file of the installed package (the language data and the
    code that reads it and defines its classes), the names database, Python's version and the languages.

    Any change to one of them gives another fingerprint, so a kept build is never used for other data or code.
    """
    pkg = root if root is not None else Path(__file__).parent
    h = hashlib.blake2b(digest_size=16)
    h.update(repr((sys.version, pickle.HIGHEST_PROTOCOL, tuple(languages))).encode())
    for p in sorted(pkg.rglob("*")):
        if "__pycache__" in p.parts or p.suffix in (".pyc", ".pyo") or not p.is_file():
            continue
        data = p.read_bytes()
        h.update(f"\0{p.relative_to(pkg).as_posix()}\0{len(data)}\0".encode())
        h.update(data)
    db = _names_db()
    if db is not None:
        st = db.stat()
        h.update(f"\0{db}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    return h.hexdigest()


def _mapping_proxy(d: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(d)


class _Pickler(pickle.Pickler):
    """Pickles read-only mapping views (the date lexicon's) as the view of a copy of their dict."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is MappingProxyType:
            return _mapping_proxy, (dict(obj),)
        return NotImplemented


def _read_kept(path: Path) -> Resources | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    enabled = gc.isenabled()
    gc.disable()  # a few hundred thousand objects at once: no collection can free any of them
    try:
        res = pickle.loads(data)
    except Exception:  # cut short, or from another build: built afresh and replaced
        return None
    finally:
        if enabled:
            gc.enable()
    return res if isinstance(res, Resources) and res.data_version == data_version() else None


def _keep(res: Resources, folder: Path, name: str) -> None:
    """Writes the build atomically (a reader sees the whole file or none) and removes older builds."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        buf = io.BytesIO()
        _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(res)
        fd, tmp = tempfile.mkstemp(prefix=".resources-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(buf.getvalue())
            os.replace(tmp, folder / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for old in folder.glob("resources-*.pickle"):
            if old.name != name:
                old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError):  # a read-only or full disk: the next load builds again
        pass


def load_resources(languages: tuple[str, ...] = LANGUAGES, *, keep: bool = True) -> Resources:
    """The resources of `languages`, built once and kept in `cache_dir()` for the next process.

    Building reads about 70 tables and the names database (about a second); reading the kept build takes
    about a tenth of that, which every process pays at start (each pool or Spark worker, each command).
    The kept build is keyed by `fingerprint`, so new data or code is always built afresh.
    `keep=False` (or `RASAD_CACHE_DIR=off`) builds without reading or writing anything.
    """
    t0 = time.perf_counter()
    folder = cache_dir() if keep else None
    name = f"resources-{fingerprint(languages)}.pickle" if folder is not None else ""
    res = _read_kept(folder / name) if folder is not None else None
    if res is None:
        res = build_resources(languages)
        if folder is not None:
            _keep(res, folder, name)
        gc.collect()  # the building's garbage, before what is left is frozen
    res = dataclasses.replace(res, load_seconds=time.perf_counter() - t0)
    # The tables are a few hundred thousand long-lived objects that never change: without this, every full
    # collection of the cycle collector walks all of them again (a third of the analysis time, measured).
    # Frozen objects are skipped by the collector; reference counting still frees them.
    gc.freeze()
    return res
