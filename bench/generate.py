"""Make N realistic documents for benchmarks from the bundled (invented) sample articles.

Each document is a sample with its states swapped for others (forms of the same kind, the
ending that best matches the original so adjective genders survive), person names swapped when
a persons table exists, day numbers and publication dates changed, and the paragraphs after the
lead shuffled, so that no two documents are the same text and per-text caching cannot help.

    python bench/generate.py N out.jsonl [--seed S]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "src" / "rasad" / "data"
SAMPLES = DATA / "samples" / "samples.jsonl"
DIGITS = ("0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹")
_NUMBER = re.compile(r"(?<![\d٠-٩۰-۹])([\d٠-٩۰-۹]{1,2})(?![\d٠-٩۰-۹])")


def _rows(path: Path) -> list[dict[str, str]]:
    """Rows of a rasad TSV file (comments skipped, first line the header); empty when the file is absent."""
    if not path.is_file():
        return []
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    if not lines:
        return []
    header = lines[0].split("\t")
    return [dict(zip(header, ln.split("\t"), strict=False)) for ln in lines[1:]]


@dataclass(frozen=True, slots=True)
class LangTables:
    """What the generator swaps in one language: state forms by key and kind, person-name forms."""

    states: dict[str, dict[str, tuple[str, ...]]]  # key -> kind -> forms
    state_of: dict[str, tuple[str, str]]  # form -> (key, kind)
    state_re: re.Pattern[str] | None
    persons: tuple[str, ...]
    person_re: re.Pattern[str] | None


def _pattern(forms: list[str], prefixes: list[str]) -> re.Pattern[str] | None:
    if not forms:
        return None
    alts = "|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True))
    pre = "|".join(re.escape(p) for p in sorted(set(prefixes), key=len, reverse=True))
    # proclitics (from the language's clitics table) may be glued before the form; nothing may follow it
    glued = f"(?:{pre})?" if pre else ""
    return re.compile(rf"(?<!\w)(?P<pre>{glued})(?P<form>{alts})(?!\w)")


def load_tables(lang: str) -> LangTables:
    folder = DATA / "lang" / lang
    states: dict[str, dict[str, list[str]]] = {}
    state_of: dict[str, tuple[str, str]] = {}
    for r in _rows(folder / "states.tsv"):
        form, key, kind = r.get("form", ""), r.get("key", ""), r.get("kind", "")
        if form and key and kind and form not in state_of:
            states.setdefault(key, {}).setdefault(kind, []).append(form)
            state_of[form] = (key, kind)
    prefixes = [r["form"] for r in _rows(folder / "clitics.tsv") if r.get("kind", "") != "suffix" and r.get("form")]
    # combinations like و + ب are glued too: allow up to two proclitics
    prefixes = prefixes + [a + b for a in prefixes for b in prefixes]
    persons = tuple(sorted({r["form"] for r in _rows(folder / "persons.tsv") if r.get("form")}))
    return LangTables(
        states={k: {kind: tuple(v) for kind, v in kinds.items()} for k, kinds in states.items()},
        state_of=state_of,
        state_re=_pattern(list(state_of), prefixes),
        persons=persons,
        person_re=_pattern(list(persons), prefixes),
    )


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _counterpart(form: str, kind: str, forms_by_kind: dict[str, tuple[str, ...]]) -> str | None:
    """The form of another state that plays the same part: same kind, closest ending, then closest article."""
    cands = forms_by_kind.get(kind) or forms_by_kind.get("name")
    if not cands:
        return None
    return max(cands, key=lambda c: (_common_suffix(form, c), min(_common_prefix(form, c), 2), -len(c)))


def _swap_states(text: str, mapping: dict[str, str], t: LangTables) -> str:
    if t.state_re is None:
        return text

    def repl(m: re.Match[str]) -> str:
        form = m.group("form")
        key, kind = t.state_of[form]
        new_key = mapping.get(key)
        new = _counterpart(form, kind, t.states[new_key]) if new_key else None
        return m.group("pre") + (new or form)

    return t.state_re.sub(repl, text)


def _swap_persons(text: str, mapping: dict[str, str], t: LangTables) -> str:
    if t.person_re is None:
        return text
    return t.person_re.sub(lambda m: m.group("pre") + mapping.get(m.group("form"), m.group("form")), text)


def _vary_numbers(text: str, rng: random.Random) -> str:
    """Day-sized numbers (1-28) become other day numbers, in the same digit script."""

    def repl(m: re.Match[str]) -> str:
        s = m.group(1)
        digits = next(d for d in DIGITS if s[0] in d)
        value = int("".join(str(digits.index(c)) for c in s))
        if not 1 <= value <= 28:
            return s
        new = str(rng.randint(1, 28)).zfill(len(s))
        return "".join(digits[int(c)] for c in new)

    return _NUMBER.sub(repl, text)


def _shuffle_paragraphs(text: str, rng: random.Random) -> str:
    paras = [p.strip() for p in text.split("\n\n") if p.strip()]
    lead, rest = paras[:1], paras[1:]
    rng.shuffle(rest)
    return "\n\n".join(lead + rest) + "\n"


def load_samples() -> list[dict[str, str]]:
    return [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]


def generate(n: int, seed: int = 0) -> Iterator[dict[str, str | None]]:
    """N documents (dicts with id, title, published, source, url, text), deterministic for a seed."""
    rng = random.Random(seed)
    samples = load_samples()
    tables = {lang: load_tables(lang) for lang in ("ar", "fa")}
    for i in range(n):
        s = samples[i % len(samples)]
        lang = "fa" if "_fa_" in s["id"] else "ar"
        t = tables[lang]
        present = sorted({t.state_of[m.group("form")][0] for m in t.state_re.finditer(s["text"])}) if t.state_re else []
        others = sorted(k for k in t.states if k not in present and "name" in t.states[k])
        mapping = dict(zip(present, rng.sample(others, min(len(present), len(others))), strict=False))
        pmap: dict[str, str] = {}
        if t.person_re is not None:
            found = sorted({m.group("form") for m in t.person_re.finditer(s["text"])})
            pmap = {f: rng.choice(t.persons) for f in found}
        text = _shuffle_paragraphs(s["text"], rng)
        text = _vary_numbers(_swap_persons(_swap_states(text, mapping, t), pmap, t), rng)
        title = _swap_states(s.get("title") or "", mapping, t) or None
        published = None
        if s.get("published"):
            published = (date.fromisoformat(s["published"]) + timedelta(days=rng.randint(-400, 400))).isoformat()
        yield {
            "id": f"gen-{seed}-{i:06d}-{s['id']}",
            "title": title,
            "published": published,
            "source": s.get("source"),
            "url": f"https://example.invalid/generated/{seed}/{i}",
            "text": text,
        }


def articles(n: int, words: int, seed: int = 0) -> Iterator[dict[str, str | None]]:
    """N articles of at least `words` words: consecutive generated documents of one language joined (by blank
    lines), each with the metadata of its first document. `words` 0 gives the documents as they are."""
    pending: dict[str, list[dict[str, str | None]]] = {}  # language -> documents not yet long enough
    made = 0
    for d in generate(10**9, seed):
        if made == n:
            return
        lang = "fa" if "_fa_" in str(d["id"]) else "ar"
        parts = pending.setdefault(lang, [])
        parts.append(d)
        text = "\n\n".join(str(p["text"]) for p in parts)
        if len(text.split()) < words:
            continue
        del pending[lang]
        made += 1
        yield {**parts[0], "text": text}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("n", type=int, help="number of documents")
    ap.add_argument("out", type=Path, help="JSON Lines file to write (- for stdout)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    out = sys.stdout if str(args.out) == "-" else open(args.out, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
    try:
        for doc in generate(args.n, args.seed):
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
