"""What the codes on the pages mean: PLOVER types, modes and contexts, CAMEO codes, state names.

Read once per application from data/ontology and data/common (and each language's states.tsv for state
names in the interface language); nothing here is written in code.
"""

from __future__ import annotations

from dataclasses import dataclass

from rasad.lexicon import DATA_DIR, read_tsv

# Quad classes in PLOVER/GDELT order; their names are interface strings (messages/*.json "quad.N").
QUADS = (1, 2, 3, 4)


@dataclass(frozen=True, slots=True)
class TypeInfo:
    type: str
    quad: int | None
    definition: str


@dataclass(frozen=True, slots=True)
class CameoInfo:
    code: str
    label: str
    goldstein: float | None
    quad: int | None


@dataclass(frozen=True, slots=True)
class Labels:
    types: dict[str, TypeInfo]  # in the order of plover_types.tsv
    modes: dict[tuple[str, str], str]  # (type, mode) -> definition
    contexts: dict[str, str]
    cameo: dict[str, CameoInfo]
    countries: dict[str, str]  # ISO3 -> English short name
    native_countries: dict[str, dict[str, str]]  # lang -> ISO3 -> short name in that language

    def type_quad(self, type_: str) -> int | None:
        info = self.types.get(type_)
        return info.quad if info else None

    def cameo_info(self, code: str | None) -> CameoInfo | None:
        """The code's own entry, else its base code's, else its root's (marked as such by the code field)."""
        if not code:
            return None
        for c in (code, code[:3], code[:2]):
            if c in self.cameo:
                return self.cameo[c]
        return None

    def mode_definition(self, type_: str, mode: str | None) -> str | None:
        return self.modes.get((type_, mode)) if mode else None

    def country(self, iso3: str | None, lang: str = "en") -> str:
        if not iso3:
            return ""
        name = self.native_countries.get(lang, {}).get(iso3)
        return name or self.countries.get(iso3, iso3)


def _float(v: str) -> float | None:
    try:
        return float(v) if v.strip() else None
    except ValueError:
        return None


def _int(v: str) -> int | None:
    return int(v) if v.strip().isdigit() else None


def load_labels() -> Labels:
    onto = DATA_DIR / "ontology"
    types = {
        r["type"]: TypeInfo(r["type"], _int(r["quad"]), r["definition"]) for r in read_tsv(onto / "plover_types.tsv")
    }
    modes = {(r["type"], r["mode"]): r["definition"] for r in read_tsv(onto / "plover_modes.tsv")}
    contexts = {r["context"]: r["definition"] for r in read_tsv(onto / "plover_contexts.tsv")}
    cameo = {
        r["code"]: CameoInfo(r["code"], r["label"], _float(r["goldstein"]), _int(r["quad"]))
        for r in read_tsv(onto / "cameo.tsv")
    }
    countries = {r["iso3"]: r["name"] for r in read_tsv(DATA_DIR / "common" / "countries.tsv")}
    native: dict[str, dict[str, str]] = {}
    for lang in ("ar", "fa"):
        path = DATA_DIR / "lang" / lang / "states.tsv"
        names: dict[str, str] = {}
        if path.is_file():
            for r in read_tsv(path):
                # the first short name listed is the usual one
                if r.get("kind") == "name" and r["key"] not in names:
                    names[r["key"]] = r["form"]
        native[lang] = names
    return Labels(types, modes, contexts, cameo, countries, native)
