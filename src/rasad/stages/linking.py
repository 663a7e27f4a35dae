"""Stage: linking — one entity per real-world referent, canonical Latin names, knowledge-base ids,
within-document coreference (surname alone, repeated names), and romanisation of unknown names."""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import compress
from operator import attrgetter, not_

from rapidfuzz import fuzz, process

from rasad.lexicon.gazetteer import Match
from rasad.records import Doc, Entity, Mention, Span, Token
from rasad.resources import LangResources, Resources
from rasad.stages.entities import PersonMention, RolePhrase, home_state, mention, recognise

_KEY, _STEMS = attrgetter("key"), attrgetter("stems")
_TOK_START, _TOK_END = attrgetter("tok_start"), attrgetter("tok_end")


@dataclass(slots=True)
class _Draft:
    type: str
    key: str
    native: str
    country: str | None
    role: str | None = None
    role_key: str | None = None
    kb_id: str | None = None
    name: str = ""
    sector: str | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)  # normalised offsets
    tok_spans: list[tuple[int, int]] = field(default_factory=list)
    words: tuple[str, ...] = ()
    named: bool = False  # native holds a name form (not an adjective or official name)


def _words(tokens: Sequence[Token], i: int, j: int) -> tuple[str, ...]:
    return tuple(t.key for t in tokens[i:j] if t.kind == "word")


def romanise(words: Sequence[Token], country: str | None, res: Resources, lr: LangResources) -> str:
    """Latin name from the name database, name particles and, last, letter by letter."""
    fam_fa = country not in res.arab_style if country else lr.lang == "fa"
    parts: list[str] = []
    for t in words:
        key = t.key
        glue = t.glued
        latin = ""
        p = lr.particles.get(key)
        if p and p[1]:
            latin = p[1]
            glue = glue or p[0] == "suffix"
        else:
            u = res.name_units.get(key)
            if u:
                latin = _whole_compound(key, u.latin_fa if fam_fa else u.latin_ar, res, fam_fa)
            else:
                latin = _with_suffix(key, lr, res, fam_fa)
        if not latin:
            continue
        if glue and parts:
            parts[-1] = parts[-1] + latin.lower()
        else:
            parts.append(latin[:1].upper() + latin[1:])
    out = []
    for part in parts:
        for c, pat, rep in res.conventions:
            if c == country:
                part = re.sub(pat, rep, part, flags=re.IGNORECASE)
        out.append(part)
    return " ".join(out)


COMPOUND_MIN_COUNT = 20  # people in the name database bearing the second part of a compound name


def _whole_compound(key: str, latin: str, res: Resources, fam_fa: bool) -> str:
    """A joined compound name (غلامحسین) whose recorded spelling is only its first part ("Gholam": people who
    wrote the rest as a second word) gets the second part too: Gholamhossein."""
    low = latin.lower()
    for k in range(2, len(key) - 1):
        first, second = res.name_units.get(key[:k]), res.name_units.get(key[k:])
        if first is None or second is None or second.count < COMPOUND_MIN_COUNT:
            continue  # rare units carry the database's noise (a spelling of some other compound)
        rest = second.latin_fa if fam_fa else second.latin_ar
        if low in (first.latin_fa.lower(), first.latin_ar.lower()) and len(rest) <= 2 * (len(key) - k) + 2:
            return latin + rest.lower()
    return latin


def _with_suffix(key: str, lr: LangResources, res: Resources, fam_fa: bool) -> str:
    for form, (kind, latin) in sorted(lr.particles.items(), key=lambda kv: -len(kv[0])):
        if kind == "suffix" and latin and key.endswith(form) and len(key) > len(form) + 1:
            stem = key[: -len(form)]
            u = res.name_units.get(stem)
            base = (u.latin_fa if fam_fa else u.latin_ar) if u else _letters(stem, res)
            return base + latin.lower()
    return _letters(key, res)


def _letters(key: str, res: Resources) -> str:
    out = []
    for n, ch in enumerate(key):
        row = res.letters.get(ch)
        if row is None:
            out.append(ch if ch.isascii() else "")
            continue
        medial, initial, final = row
        out.append(initial if n == 0 else final if n == len(key) - 1 else medial)
    s = "".join(out)
    return s[:1].upper() + s[1:]


def _kb_link(native_key: str, country: str | None, office: str, lr: LangResources, res: Resources) -> str | None:
    pid = lr.kb_forms.get(native_key)
    if pid:
        return pid
    if not lr.kb_forms or len(native_key) < 4:
        return None
    best = process.extractOne(native_key, lr.kb_forms.keys(), scorer=fuzz.ratio, score_cutoff=86)
    if best is None:
        return None
    pid = lr.kb_forms[best[0]]
    kb = res.persons.get(pid)
    if kb is None:
        return None
    if country and kb.country and kb.country != country:
        return None
    # a fuzzy match needs the office too when the name is short
    if len(native_key) < 10 and office and not any(office in o[0].split("+") for o in kb.offices):
        return None
    return pid


def role_english(key: str, res: Resources) -> str:
    """English of a composed role key.

    DEPUTY+FOREIGN_MINISTER+POLITICAL_AFFAIRS → deputy foreign minister for political affairs.
    """
    words = []
    for part in key.split("+"):
        info = res.roles.get(part)
        words.append(info.english if info else part.lower().replace("_", " "))
    return " ".join(words)


def _office_at(pid: str, when: date | None, res: Resources) -> tuple[str, str, str, str] | None:
    """The office the person held on `when` (the publication date), else the latest one."""
    kb = res.persons.get(pid)
    if not kb or not kb.offices:
        return None
    if when is not None:
        day = when.isoformat()
        for office in reversed(kb.offices):
            start, end = office[2], office[3]
            if (not start or start[: len(day)] <= day) and (not end or day <= end + "-99"):
                return office
    return kb.offices[-1]


def _kb_role(pid: str, when: date | None, res: Resources) -> tuple[str | None, str | None]:
    office = _office_at(pid, when, res)
    if office is None:
        return None, None
    return office[0].split("+")[-1] if "+" in office[0] else office[0], role_english(office[0], res)


def link(doc: Doc, res: Resources) -> Doc:
    lr = res.langs.get(doc.lang)
    if lr is None or not doc.tokens:
        return doc
    tokens = doc.tokens
    sel, other, roles, persons = recognise(doc, res)
    drafts: dict[str, _Draft] = {}
    order: list[str] = []

    def draft(key: str, d: _Draft) -> _Draft:
        if key not in drafts:
            drafts[key] = d
            order.append(key)
        return drafts[key]

    person_drafts = _persons(doc, persons, res, lr)
    country_at = {m.i: m.entry.key for m in sel if m.entry.kind == "COUNTRY"}
    home: list[str] = []  # the outlet's state, looked up when first needed ("" if unknown)
    for m in sel:
        k = m.entry.kind
        # an entity named again is found by its key before anything is built for it
        if k == "COUNTRY":
            dk = f"C:{m.entry.key}"
            d = drafts.get(dk) or draft(dk, _country_draft(m, res))
            if m.entry.attr("sub") == "name" and d.native != m.entry.form and not d.named:
                d.native, d.named = m.entry.form, True  # the state's name, not an adjective, is its native form
        elif k == "PLACE":
            dk = f"P:{m.entry.key}"
            d = drafts.get(dk) or draft(dk, _place_draft(m, res))
        elif k == "ORG":
            o = res.orgs.get(m.entry.key)
            country = (o.country or None) if o else None
            if country is None and not (o and o.sector in ("IGO", "UNO")):
                # "وزارة الداخلية الروسية": a ministry named by function takes the state after it; an international
                # organisation does not (اتحادیه اروپا علیه ایران is the EU acting against Iran)
                country = _adjacent_country(m, country_at, tokens, lr.stopwords)
                if country is None and o and o.kind == "ministry":
                    # a ministry with no state named is the outlet's own (وزارت امور خارجه in an IRNA report)
                    if not home:
                        home.append(home_state(doc, sel, res, lr) or "")
                    country = home[0] or None
            key = f"{country}:{m.entry.key}" if country and o and not o.country else m.entry.key
            dk = f"O:{key}"
            d = drafts.get(dk) or draft(
                dk,
                _Draft(
                    "ORG",
                    key,
                    m.entry.form,
                    country,
                    name=_org_name(o, country, res, m),
                    kb_id=(o.qid or None) if o else None,
                    sector=(o.sector or None) if o else None,
                ),
            )
        else:
            continue
        d.spans.append((tokens[m.i].start, tokens[m.j - 1].end))
        d.tok_spans.append((m.i, m.j))
    for key, d in person_drafts:
        draft(key, d)
    _corefer_surnames(tokens, [d for _, d in person_drafts], drafts, lr.particles)
    _nisba_surnames(tokens, [d for _, d in person_drafts], drafts)
    named_roles = {(p.role.i, p.role.j) for p in persons if p.role is not None}
    # a title right next to a name (الأمير فيصل، فلان، وزير الخارجية) belongs to that person too
    starts = {p.i for p in persons}
    ends = {p.j for p in persons}
    named_roles |= {
        (rp.i, rp.j) for rp in roles if rp.j in starts or (rp.i in ends and rp.anchor_kind != "counterpart")
    }
    qualifiers = res.role_qualifiers
    for rp in roles:
        if (rp.i, rp.j) in named_roles:
            continue
        if rp.anchor_kind == "counterpart" and rp.country:
            # "his Iranian counterpart" after the article has named one Iranian person: that person
            holder = _only_person_of(rp.country, [d for _, d in person_drafts], tokens[rp.i].start)
        elif rp.english:
            holder = _role_holder(rp, [d for _, d in person_drafts], qualifiers)
        else:
            continue
        if holder is not None:
            holder.spans.append((tokens[rp.i].start, tokens[rp.j - 1].end))
            holder.tok_spans.append((rp.i, rp.j))
            named_roles.add((rp.i, rp.j))
    # assemble entities in order of first mention
    order.sort(key=lambda k: min(drafts[k].spans)[0] if drafts[k].spans else 0)
    entities: list[Entity] = []
    ids: dict[str, str] = {}
    for n, key in enumerate(order, 1):
        d = drafts[key]
        if not d.spans:
            continue
        eid = f"e{n}"
        ids[key] = eid
        spans = tuple(doc.span(s, e) for s, e in sorted(set(d.spans)))
        entities.append(
            Entity(eid, d.type, d.name, d.native, d.country, d.role, d.kb_id, spans, d.key, d.role_key, d.sector)
        )
    mentions: list[Mention] = []
    for key, d in drafts.items():
        if key not in ids:
            continue
        for i, j in d.tok_spans:
            mentions.append(Mention("ENT", ids[key], i, j, tokens[i].start, tokens[j - 1].end, (("type", d.type),)))
    for rp in roles:
        # every role phrase is kept: unnamed ones stand for their state as actors, named ones mark the
        # words (a governor's province) that are not where an event happened
        named = "1" if (rp.i, rp.j) in named_roles else ""
        attrs = (("country", rp.country or ""), ("english", rp.english), ("org", rp.org or ""), ("named", named))
        mentions.append(Mention("ROLE", rp.office, rp.i, rp.j, tokens[rp.i].start, tokens[rp.j - 1].end, attrs))
    for m in other:
        mentions.append(mention(m, tokens))
    # by start, the longer first; two stable sorts on C-level keys (ties keep their order, as one sort would)
    mentions.sort(key=_TOK_END, reverse=True)
    mentions.sort(key=_TOK_START)
    return replace(doc, entities=tuple(entities), mentions=tuple(mentions))


def _country_draft(m: Match, res: Resources) -> _Draft:
    c = res.countries.get(m.entry.key)
    return _Draft(
        "COUNTRY", m.entry.key, m.entry.form, m.entry.key, name=c.name if c else m.entry.key,
        kb_id=(c.qid or None) if c else None,
    )


def _place_draft(m: Match, res: Resources) -> _Draft:
    p = res.places.get(m.entry.key)
    return _Draft(
        "PLACE", m.entry.key, m.entry.form, p.country if p else None, name=p.latin if p else m.entry.key,
        kb_id=(p.qid or None) if p else None,
    )


def _adjacent_country(
    m: Match, country_at: dict[int, str], tokens: Sequence[Token], skip: Container[str]
) -> str | None:
    """The state named right after an organisation, or after one function word (وزارة الداخلية في العراق), not
    after any word (وزارت امور خارجه سفیر آلمان را: the ministry and Germany's ambassador)."""
    if m.j in country_at:
        return country_at[m.j]
    return country_at.get(m.j + 1) if m.j < len(tokens) and tokens[m.j].key in skip else None


def _org_name(o: object, country: str | None, res: Resources, m: Match) -> str:
    latin = getattr(o, "latin", "") or m.entry.key
    own = getattr(o, "country", "")
    if country and not own:
        c = res.countries.get(country)
        return f"{latin} ({c.name if c else country})"
    return str(latin)


def _persons(doc: Doc, persons: list[PersonMention], res: Resources, lr: LangResources) -> list[tuple[str, _Draft]]:
    tokens = doc.tokens
    out: list[tuple[str, _Draft]] = []
    by_words: dict[tuple[str, ...], _Draft] = {}
    last_role: RolePhrase | None = None
    for p in persons:
        words = _words(tokens, p.i, p.j)
        if not words:
            continue
        native = doc.norm.text[tokens[p.i].start : tokens[p.j - 1].end] if doc.norm else ""
        existing = by_words.get(words) or _suffix_of(words, by_words)
        rp = p.role
        if rp is not None and rp.anchor_kind == "counterpart" and last_role is not None:
            rp = replace(rp, office=last_role.office, english=last_role.english.replace("former ", ""))
        if existing is not None:
            existing.spans.append((tokens[p.i].start, tokens[p.j - 1].end))
            existing.tok_spans.append((p.i, p.j))
            if existing.role is None and rp is not None and rp.english:
                existing.role, existing.role_key = rp.english, rp.office or None
            if existing.country is None:
                existing.country = p.country or (rp.country if rp else None)
            continue
        country = p.country or (rp.country if rp else None)
        kb_id = p.kb_id or _kb_link(" ".join(words), country, rp.office if rp else "", lr, res)
        kb = res.persons.get(kb_id) if kb_id else None
        if kb and not country:
            country = kb.country or None
        name = kb.latin if kb else romanise(tokens[p.i : p.j], country, res, lr)
        role = rp.english if rp is not None and rp.english else None
        role_key = (rp.office or None) if rp is not None else None
        if role is None and kb_id:
            role_key, role = _kb_role(kb_id, doc.published, res)
        d = _Draft("PERSON", kb_id or name, native, country, role, role_key, (kb.qid or None) if kb else None, name)
        d.spans.append((tokens[p.i].start, tokens[p.j - 1].end))
        d.tok_spans.append((p.i, p.j))
        d.words = words
        by_words[words] = d
        out.append((f"N:{kb_id or ' '.join(words)}", d))
        if rp is not None and rp.office:
            last_role = rp
    return out


def _role_holder(rp: RolePhrase, persons: list[_Draft], qualifiers: frozenset[str]) -> _Draft | None:
    """The one person of the article an unnamed role phrase refers to ("the Russian minister", "وزیر کشور").

    `qualifiers` are the words of prefix roles (deputy, acting, former ...), which must agree."""
    words = set(rp.english.replace("former ", "").split())
    found = []
    for d in persons:
        if not d.role or (rp.country and d.country and rp.country != d.country):
            continue
        pw = set(d.role.split())
        if words <= pw and not ((pw - words) & qualifiers) and not ((words - pw) & qualifiers):
            found.append(d)
    return found[0] if len(found) == 1 else None


def _only_person_of(country: str, persons: list[_Draft], before: int) -> _Draft | None:
    """The one person of this state the article named before offset `before`, if there is exactly one."""
    found = [d for d in persons if d.country == country and d.spans and min(d.spans)[0] < before]
    return found[0] if len(found) == 1 else None


def _suffix_of(words: tuple[str, ...], known: dict[tuple[str, ...], _Draft]) -> _Draft | None:
    """An earlier person whose name ends with these words (the surname used alone)."""
    for full, d in known.items():
        if len(full) > len(words) and full[-len(words) :] == words:
            return d
    return None


def _corefer_surnames(
    tokens: Sequence[Token], persons: list[_Draft], drafts: dict[str, _Draft], particles: dict[str, tuple[str, str]]
) -> None:
    """Later mentions of a person by full name or surname alone, anywhere in the document."""
    wanted: list[tuple[_Draft, list[tuple[str, ...]]]] = []
    for d in persons:
        if not d.words or (len(d.words) == 1 and len(d.words[0]) < 5):
            continue  # a short single word alone is too common to be taken for the same person everywhere
        tails = {d.words[k:] for k in range(len(d.words)) if any(w not in particles for w in d.words[k:])}
        wanted.append((d, [f for f in sorted(tails, key=len, reverse=True) if len(f) > 1 or len(f[0]) >= 4]))
    firsts = {f[0] for _, forms in wanted for f in forms}
    if not firsts:
        return
    # where each first word of a name form occurs (as the word or a clitic-stripped candidate): one pass
    where: dict[str, list[int]] = {}
    # the tokens whose key or a stem is such a word, found in C (map, compress): most tokens are not
    n = len(tokens)
    hits = set(compress(range(n), map(firsts.__contains__, map(_KEY, tokens))))
    hits.update(compress(range(n), map(not_, map(firsts.isdisjoint, map(_STEMS, tokens)))))
    for i in sorted(hits):
        t = tokens[i]
        k = t.key
        if t.kind != "word":
            continue
        if k in firsts:
            where.setdefault(k, []).append(i)
        for c in t.stems:
            if c != k and c in firsts:
                where.setdefault(c, []).append(i)
    covered = {k for d in drafts.values() for i, j in d.tok_spans for k in range(i, j)}
    for d, forms in wanted:
        for form in forms:
            n = len(form)
            for i in where.get(form[0], ()):
                if i + n > len(tokens) or any(k in covered for k in range(i, i + n)):
                    continue
                if all(tokens[i + k].key == form[k] or form[k] in tokens[i + k].stems for k in range(1, n)):
                    d.spans.append((tokens[i].start, tokens[i + n - 1].end))
                    d.tok_spans.append((i, i + n))
                    covered.update(range(i, i + n))


def _nisba_surnames(tokens: Sequence[Token], persons: list[_Draft], drafts: dict[str, _Draft]) -> None:
    """A surname of origin used alone later (السوداني for محمد شياع السوداني) is the person, not the state."""
    for d in persons:
        if len(d.words) < 2:
            continue
        last = d.words[-1]
        for other in drafts.values():
            if other.type != "COUNTRY":
                continue
            moved = [(i, j) for i, j in other.tok_spans if j - i == 1 and tokens[i].key == last]
            if not moved:
                continue
            for i, j in moved:
                other.tok_spans.remove((i, j))
                other.spans.remove((tokens[i].start, tokens[j - 1].end))
                d.tok_spans.append((i, j))
                d.spans.append((tokens[i].start, tokens[j - 1].end))


def entity_spans(entities: Sequence[Entity]) -> list[Span]:
    return [s for e in entities for s in e.mentions]
