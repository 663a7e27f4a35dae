"""Stage: entity recognition — states, places, organisations, role phrases and the persons they name.

Lexicon matches come first (one gazetteer pass over the tokens); role phrases are composed from their
parts ([rank|honorific|prefix]* office [state | place | organisation] [affairs]); a person is a run of
name-like tokens next to a role phrase, a rank or honorific, a state adjective after a counterpart word,
or a known name; later mentions (surname alone, "his Iranian counterpart") link back to the first.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass, replace
from operator import itemgetter

from rasad.lexicon.gazetteer import Entry, Match, longest_per_kind, scan
from rasad.lexicon.tables import has_article
from rasad.records import Doc, Mention, Token
from rasad.resources import LangResources, Resources

ENTITY_KINDS = ("PERSON", "ORG", "ROLE", "COUNTRY", "PLACE")
_PRIORITY = {k: i for i, k in enumerate(ENTITY_KINDS)}
_QUOTES = frozenset("«»\"'“”")
_COMMAS = frozenset("،,")
_FIRST = itemgetter(1)  # a Match's first token
MAX_NAME = 4


@dataclass(frozen=True, slots=True)
class RolePhrase:
    i: int
    j: int
    office: str  # role key of the office ("" for a bare rank/honorific/counterpart)
    english: str
    country: str | None
    place: str | None
    org: str | None
    former: bool
    anchor_kind: str  # office | rank | honorific | counterpart | generic


@dataclass(frozen=True, slots=True)
class PersonMention:
    i: int
    j: int
    role: RolePhrase | None
    kb_id: str | None
    country: str | None


def _select(found: list[Match]) -> list[Match]:
    """Non-overlapping entity matches: longer first, then by kind priority."""
    ents = [m for m in found if m.entry.kind in _PRIORITY]
    ents.sort(key=lambda m: (-(m.j - m.i), _PRIORITY[m.entry.kind], m.i))
    taken: set[int] = set()
    out: list[Match] = []
    for m in ents:
        span = range(m.i, m.j)
        if not taken.isdisjoint(span):
            continue
        taken.update(span)
        out.append(m)
    out.sort(key=_FIRST)
    return out


def _quoted(tokens: Sequence[Token], m: Match) -> bool:
    return (m.i > 0 and tokens[m.i - 1].text in _QUOTES) or (m.j < len(tokens) and tokens[m.j].text in _QUOTES)


def _keep_ambiguous(
    m: Match,
    tokens: Sequence[Token],
    sel: list[Match],
    doc_countries: set[str],
    res: Resources,
    lr: LangResources,
    destinations: frozenset[int] = frozenset(),
) -> bool:
    kind = m.entry.kind
    if kind == "PLACE":
        if m.i in destinations:
            return True  # right after the head of a verb of arrival: وارد کابل شد
        info = res.places.get(m.entry.key)
        prev = tokens[m.i - 1].stems if m.i > 0 else ()
        if any(p in lr.relative_words for p in prev):
            return False
        return info is not None and bool(info.country) and info.country in doc_countries
    if kind == "ORG":
        if _quoted(tokens, m):
            return True
        return any(
            o is not m and o.entry.kind == "ORG" and abs(o.i - m.i) <= 6 and "ambiguous" not in o.entry.attr("flags")
            for o in sel
        )
    return True


def lexical(doc: Doc, res: Resources) -> tuple[list[Match], list[Match]]:
    """(entity matches, other matches: triggers, topics, markers) over the whole document."""
    lr = res.langs[doc.lang]
    tokens = doc.tokens
    found = longest_per_kind(
        [
            m
            for m in scan(lr.gazetteer, tokens, 0, len(tokens))
            if m.entry.kind != "ROLE" or _article_agrees(m, tokens, lr)
        ]
    )
    # sentence boundaries: a match must not cross one
    sent_of = _sentence_index(doc)
    found = [m for m in found if sent_of[m.i] == sent_of[m.j - 1]]
    found = _capitals_over_states(found, tokens, sent_of, res, lr)
    sel = _select(found)
    doc_countries = {m.entry.key for m in sel if m.entry.kind == "COUNTRY"}
    for m in sel:
        # a state is present when an unambiguous place, organisation or known person of it is named
        if "ambiguous" in m.entry.attr("flags"):
            continue
        kind = m.entry.kind
        country = None
        if kind == "PLACE":
            info = res.places.get(m.entry.key)
            country = info.country if info else None
        elif kind == "ORG":
            org = res.orgs.get(m.entry.key)
            country = org.country if org else None
        elif kind == "PERSON":
            person = res.persons.get(m.entry.key)
            country = person.country if person else None
        if country:
            doc_countries.add(country)
    # where a destination stands: right after the head of a split verb of arrival (وارد … شد)
    heads = {h for h, tails in lr.gapped.items() if any(pattern == "visit" for _, pattern, _ in tails.values())}
    destinations = frozenset(m.j for m in found if m.entry.kind == "PART" and m.entry.key in heads)
    sel = [
        m
        for m in sel
        if "ambiguous" not in m.entry.attr("flags")
        or _keep_ambiguous(m, tokens, sel, doc_countries, res, lr, destinations)
    ]
    other = [m for m in found if m.entry.kind not in _PRIORITY]
    homes = [m for m in other if m.entry.kind == "REF" and m.entry.key == "home" and not _in_quotes(tokens, m, sent_of)]
    if homes and (home := home_state(doc, sel, res, lr)):
        # "our country" in the outlet's voice is the outlet's state, like its name (وزیر امور خارجه کشورمان)
        taken = {k for m in sel for k in range(m.i, m.j)}
        sel += [
            Match(Entry(m.entry.words, "COUNTRY", home, m.entry.form, (("sub", "home"),)), m.i, m.j)
            for m in homes
            if taken.isdisjoint(range(m.i, m.j))
        ]
        sel.sort(key=_FIRST)
    return sel, other


def home_state(doc: Doc, sel: Sequence[Match], res: Resources, lr: LangResources) -> str | None:
    """The state of the outlet that published the document: from its source or URL, else from the first news
    outlet named in the text (به گزارش ایرنا) if it is of a state that writes in the language in its own voice
    (settings `home_states`: not «به گزارش رویترز» in an Iranian report). None when neither says."""
    outlets = [o for o in res.orgs.values() if o.sector == "JRN" and o.country]
    if doc.source:
        name = doc.source.strip().casefold()
        for o in outlets:
            acronym = o.latin[o.latin.find("(") + 1 : -1] if o.latin.endswith(")") else ""
            if name in (o.key, o.latin.casefold(), acronym.casefold()):
                return o.country
    if doc.url:
        labels = set(doc.url.split("//")[-1].split("/")[0].casefold().split("."))
        for o in outlets:
            if o.key in labels:
                return o.country
    own = set(lr.settings.get("home_states", "").split())
    for m in sel:
        info = res.orgs.get(m.entry.key) if m.entry.kind == "ORG" else None
        if info is not None and info.sector == "JRN" and info.country in own:
            return info.country
    return None


def _in_quotes(tokens: Sequence[Token], m: Match, sent_of: Sequence[int]) -> bool:
    """Inside «…» in its sentence: someone else's words, where "our country" is the speaker's."""
    depth = 0
    k = m.i - 1
    while k >= 0 and sent_of[k] == sent_of[m.i]:
        text = tokens[k].text
        depth += (text == "«") - (text == "»")
        k -= 1
    return depth > 0


def _article_agrees(m: Match, tokens: Sequence[Token], lr: LangResources) -> bool:
    """A role word whose sense depends on the article (الرئيس president, رئيس head) is read in the sense its
    token has."""
    if m.entry.kind != "ROLE" or m.j - m.i != 1:
        return True
    sense = m.entry.attr("article")
    if not sense:
        return True
    return has_article(tokens[m.i].key, m.entry.words[0], lr.clitics) == (sense == "with")


def _capitals_over_states(
    found: list[Match], tokens: Sequence[Token], sent_of: list[int], res: Resources, lr: LangResources
) -> list[Match]:
    """A capital named like another state (عمان: Amman, or Oman) is the city where a locative or "capital" word
    stands right before it and its own state is named in the sentence (إلى عمان في زيارة للأردن)."""
    places = {(m.i, m.j): m for m in found if m.entry.kind == "PLACE"}
    if not places:
        return found
    states_in: dict[int, set[str]] = {}
    for m in found:
        if m.entry.kind == "COUNTRY":
            states_in.setdefault(sent_of[m.i], set()).add(m.entry.key)
    drop: set[tuple[int, int]] = set()
    for m in found:
        p = places.get((m.i, m.j)) if m.entry.kind == "COUNTRY" else None
        info = res.places.get(p.entry.key) if p is not None else None
        if p is None or info is None or not info.country or info.country == m.entry.key:
            continue
        own = info.country in states_in.get(sent_of[m.i], set())
        before = any(tokens[k].key in lr.place_words for k in range(max(0, m.i - 2), m.i))
        if own and (before or _locative_proclitic(tokens[m.i], p.entry.words[0], lr)):
            drop.add((m.i, m.j))
    return [m for m in found if not (m.entry.kind == "COUNTRY" and (m.i, m.j) in drop)]


def _locative_proclitic(tok: Token, word: str, lr: LangResources) -> bool:
    """The token is the word with a locative proclitic glued before it (بعمان)."""
    return tok.key.endswith(word) and any(c in lr.place_words for c in tok.key[: len(tok.key) - len(word)])


def _sentence_index(doc: Doc) -> list[int]:
    out = [0] * (len(doc.tokens) + 1)
    for si, s in enumerate(doc.sentences):
        out[s.tok_start : s.tok_end] = [si] * (s.tok_end - s.tok_start)  # a slice: no loop over tokens
    return out


def _country_of(m: Match, res: Resources) -> str | None:
    k = m.entry.kind
    if k == "COUNTRY":
        return m.entry.key
    if k == "PLACE":
        p = res.places.get(m.entry.key)
        return p.country if p and p.country else None
    if k == "ORG":
        o = res.orgs.get(m.entry.key)
        return o.country if o and o.country else None
    return None


def role_phrases(
    tokens: Sequence[Token],
    sel: list[Match],
    res: Resources,
    lr: LangResources,
    sent_end: list[int],
    refs: Sequence[Match] = (),
) -> list[RolePhrase]:
    """Compose role phrases from adjacent ROLE parts and the state, place or organisation they belong to."""
    by_start = {m.i: m for m in sel}
    this_country = {m.i: m for m in refs if m.entry.key == "this_country"}
    countries = [m for m in sel if m.entry.kind == "COUNTRY"]
    out: list[RolePhrase] = []
    used: set[int] = set()
    for m in sel:
        if m.entry.kind != "ROLE" or m.i in used:
            continue
        i = m.i
        j = m.i
        office = ""
        english_parts: list[str] = []
        prefix: list[str] = []
        affairs = ""
        anchor = ""
        former = False
        country: str | None = None
        place: str | None = None
        org: str | None = None
        office_state = ""  # the state the office word itself names, if any
        end = sent_end[m.i]
        cur: Match | None = m
        while cur is not None and cur.entry.kind == "ROLE":
            info = res.roles.get(cur.entry.key)
            sub = cur.entry.attr("sub") or (info.kind if info else "")
            eng = info.english if info else cur.entry.key.lower().replace("_", " ")
            if sub in ("rank", "honorific"):
                if office:
                    break
                anchor = anchor or sub
                if sub == "rank":
                    english_parts.append(eng)
            elif sub == "prefix":
                if cur.entry.key == "FORMER":
                    former = True
                elif office:
                    break
                else:
                    prefix.append(eng)
            elif sub == "affairs":
                if not office and not prefix:
                    break  # Persian may name the portfolio before the office: معاون امنیتی و انتظامی وزیر کشور
                affairs = eng
            elif sub == "generic" or cur.entry.key == "COUNTERPART":
                if office:
                    break
                anchor = "counterpart" if cur.entry.key == "COUNTERPART" else "generic"
                office = office or ("" if cur.entry.key == "COUNTERPART" else cur.entry.key)
                if cur.entry.key != "COUNTERPART":
                    english_parts.append(eng)
            else:  # office
                if office and anchor not in ("rank", "honorific"):
                    break
                office = cur.entry.key
                anchor = "office"
                english_parts.append(eng)
                office_state = cur.entry.attr("state")
            used.add(cur.i)
            j = cur.j
            nxt = by_start.get(j)
            # one function word may stand between an office and the state it belongs to (في، در)
            if nxt is None and j < end and tokens[j].key in lr.stopwords:
                cand = by_start.get(j + 1)
                if cand is not None and cand.entry.kind in ("COUNTRY", "PLACE", "ORG") and office:
                    nxt = cand
            if nxt is not None and nxt.entry.kind in ("COUNTRY", "PLACE", "ORG") and office and country is None:
                c = _country_of(nxt, res)
                if nxt.entry.kind == "COUNTRY":
                    country = c
                elif nxt.entry.kind == "PLACE":
                    place = nxt.entry.key
                    country = c
                else:
                    org = nxt.entry.key
                    country = c
                j = nxt.j
                nxt = by_start.get(j)
                if nxt is not None and nxt.entry.kind == "COUNTRY" and country is None:
                    country = nxt.entry.key
                    j = nxt.j
                    nxt = by_start.get(j)
            cur = nxt if nxt is not None and nxt.entry.kind == "ROLE" else None
            if cur is not None and cur.i >= end:
                cur = None
        # a state adjective right after the phrase belongs to it (الوزير الروسي، وزيرا دفاع إيران)
        nxt = by_start.get(j)
        if nxt is not None and nxt.entry.kind == "COUNTRY" and country is None and nxt.i < end:
            country = nxt.entry.key
            j = nxt.j
        # a posting (السفير العراقي في طهران): "in PLACE" after the office belongs to the phrase
        nxt = by_start.get(j + 1) if j < end and tokens[j].key in lr.locatives else None
        if nxt is not None and nxt.entry.kind == "PLACE" and office and country is not None:
            j = nxt.j
        # "the minister of this country": the state named last before it
        ref = this_country.get(j)
        if ref is not None and country is None and office:
            prev = [c for c in countries if c.j <= i]
            if prev:
                country = prev[-1].entry.key
                j = ref.j
        if country is None and office_state and org is None and place is None:
            country = office_state  # no state named: the office word's own (وزیر کشور)
        eng = " ".join(english_parts)
        if prefix and english_parts:
            eng = " ".join(prefix) + " " + eng
        if affairs:
            eng = f"{eng} {affairs}"
        if place and res.places.get(place):
            eng = f"{eng} of {res.places[place].latin}"
        if former:
            eng = f"former {eng}"
        if not anchor:
            continue
        out.append(RolePhrase(i, j, office, eng.strip(), country, place, org, former, anchor))
    # "adviser to the deputy speaker of the Duma": an office followed by another takes its state
    for k in range(len(out) - 1):
        a, b = out[k], out[k + 1]
        if a.country is None and b.i == a.j and b.country:
            out[k] = replace(a, country=b.country)
    return out


def _name_like(t: Token, lr: LangResources, res: Resources, covered: Container[int], idx: int) -> int:
    """3: strong evidence it is a name; 2: evidence; 1: could be part of a name; 0: not a name."""
    if t.kind != "word" or idx in covered or len(t.key) < 2:
        return 0
    if t.key in lr.stopwords or t.stems[0] in lr.stopwords or t.stems[0] in lr.relative_words:
        return 0
    if t.key in lr.particles:
        return 2
    u = res.name_units.get(t.key)
    if t.key != t.stems[0]:
        # carries the article: a common noun or adjective, unless the name list knows it with the article
        return 2 if u is not None and u.count >= 3 else 0
    if u is not None:
        return 3 if u.count >= 3 else 2
    for form in lr.name_suffixes:
        if len(t.key) > len(form) + 2 and t.key.endswith(form):
            return 3
    return 1


def _name_run(
    tokens: Sequence[Token],
    start: int,
    stop: int,
    step: int,
    lr: LangResources,
    res: Resources,
    covered: Container[int],
    words: Container[int] = (),
) -> tuple[int, int] | None:
    """The longest run of name-like tokens from `start` going in direction `step` (+1 or -1).

    `words` are tokens covered only as event, topic or marker words: right after a connector (بن، آل) the
    word is part of the name all the same (محمد كاظم آل صادق)."""
    idx = start
    run: list[tuple[int, int]] = []
    while (step > 0 and idx < stop) or (step < 0 and idx >= stop):
        t = tokens[idx]
        score = _name_like(t, lr, res, covered, idx)
        if score == 0 and run and step > 0 and idx in words and _particle(tokens[idx - 1], lr) == "connector":
            free = _name_like(t, lr, res, (), idx)
            score = max(2, free) if free else 0
        clitic = not t.glued and t.kind == "word" and t.key != t.stems[0] and _particle(t, lr) is None
        if run and step > 0 and clitic and score < 2:
            break  # "و..." or "ال..." starts a new phrase
        if score == 0:
            break
        run.append((idx, score))
        if len(run) >= MAX_NAME:
            break
        idx += step
    # an uncertain token may not end the run, unless the name clearly ends there (punctuation, sentence end)
    nxt = run[-1][0] + step if run else -1
    # (a function word after it closes it too: "العميد أبو الفضل شكارجي أن ...")
    closed = step > 0 and (nxt >= stop or tokens[nxt].kind == "punct" or tokens[nxt].key in lr.stopwords)
    while run and run[-1][1] < 2 and len(run) > 1 and not (closed and len(run) <= 3):
        run.pop()
        closed = False
    if step < 0 and lr.settings.get("name_before_role") == "strict":
        # a name before a role ends right at the role: no uncertain word may stand between them
        while run and run[0][1] < 2:
            run.pop(0)
    if not run:
        return None
    best = max(sc for _, sc in run)
    # one word alone must be a known name; several need at least one known part
    if (len(run) == 1 and best < 3) or best < 2:
        return None
    if step > 0:
        return run[0][0], run[-1][0] + 1
    return run[-1][0], run[0][0] + 1


def _particle(t: Token, lr: LangResources) -> str | None:
    p = lr.particles.get(t.key)
    return p[0] if p else None


def recognise(doc: Doc, res: Resources) -> tuple[list[Match], list[Match], list[RolePhrase], list[PersonMention]]:
    lr = res.langs[doc.lang]
    tokens = doc.tokens
    sel, other = lexical(doc, res)
    sent_end = [0] * (len(tokens) + 1)
    sent_start = [0] * (len(tokens) + 1)
    for s in doc.sentences:
        n = s.tok_end - s.tok_start
        sent_end[s.tok_start : s.tok_end] = [s.tok_end] * n
        sent_start[s.tok_start : s.tok_end] = [s.tok_start] * n
    roles = role_phrases(tokens, sel, res, lr, sent_end, [m for m in other if m.entry.kind == "REF"])
    covered: set[int] = set()
    for m in sel:
        if m.entry.kind != "PERSON":
            covered.update(range(m.i, m.j))
    words: set[int] = set()  # event, topic and marker words: a name may still use one after بن/آل (آل صادق)
    for m in other:
        if m.entry.kind in ("TRIGGER", "TOPIC", "MARKER", "SUPPORT", "PART"):
            words.update(range(m.i, m.j))
    words -= covered
    covered |= words
    persons: list[PersonMention] = []
    taken: set[int] = set()
    blocked = _Either(covered, taken)  # a view, not a union: a set over the whole article per role is quadratic

    def add(i: int, j: int, role: RolePhrase | None, kb: str | None, country: str | None) -> None:
        if any(k in taken for k in range(i, j)):
            return
        taken.update(range(i, j))
        persons.append(PersonMention(i, j, role, kb, country))

    role_end = {rp.j: rp for rp in roles}
    role_start = {rp.i: rp for rp in roles}
    person_starts: set[int] = set()
    for m in list(sel):
        if m.entry.kind == "PERSON":
            m = _extend_chain(m, tokens, lr, res, covered, sent_end)
            kb = res.persons.get(m.entry.key)
            # a role phrase right before or right after a known name is that person's
            before = role_end.get(m.i) or role_end.get(m.i - 1 if m.i and tokens[m.i - 1].text in _COMMAS else -1)
            title_of = role_end.get(before.i) if before is not None else None
            if before is not None and title_of is not None and title_of.anchor_kind == "office":
                before = replace(title_of, country=title_of.country or before.country)  # office, then a title
            rp = _best_role(
                before,
                role_start.get(m.j)
                or role_start.get(m.j + 1 if m.j < len(tokens) and tokens[m.j].text in _COMMAS else -1),
            )
            add(m.i, m.j, rp, m.entry.key, (rp.country if rp else None) or (kb.country if kb else None))
            person_starts.add(m.i)
    adj_at = {m.i: m for m in sel if m.entry.kind == "COUNTRY" and m.entry.attr("sub") == "adj"}
    nisba: set[int] = set()
    for rp in roles:
        # name after the role phrase (Arabic order), else before it (Persian order, and Arabic appositions);
        # a comma may stand between them (نائب وزير الخارجية، فلان)
        comma = rp.j < len(tokens) and tokens[rp.j].text in _COMMAS
        after = _name_run(tokens, rp.j + 1 if comma else rp.j, sent_end[rp.i], 1, lr, res, blocked, words)
        if comma and after is not None and after[1] < sent_end[rp.i] and tokens[after[1]].text not in _COMMAS:
            after = None  # "role, NAME," is an apposition; "role, word word ..." is not
        prev = role_end.get(rp.i)
        if (
            after is not None
            and prev is not None
            and prev.anchor_kind == "office"
            and rp.anchor_kind in ("office", "rank", "honorific")
        ):
            # الأمير or العميد here is a title: the office before it is the person's (المتحدث باسم الجيش العميد فلان)
            rp = replace(prev, country=prev.country or rp.country or _place_country(prev, res))
        if after is not None and (rp.anchor_kind != "counterpart" or rp.country):
            # an Arabic surname of origin right after a full name (محمد شياع السوداني) is part of the name
            adj = adj_at.get(after[1])
            if (
                adj is not None
                and after[1] - after[0] >= 2
                and adj.j - adj.i == 1
                and tokens[adj.i].key != tokens[adj.i].stems[0]
            ):
                after = (after[0], adj.j)
                nisba.add(adj.i)
            if rp.anchor_kind in ("rank", "honorific"):
                # العميد فلان وزير الدفاع: the office after the name says more than the rank
                office = role_start.get(after[1]) or role_start.get(after[1] + 1)
                if office is not None and office.anchor_kind == "office":
                    rp = office
            add(after[0], after[1], rp, None, rp.country)
            continue
        if rp.j in taken or rp.j in person_starts:
            continue  # the role belongs to the known person named right after it
        named = _name_run(tokens, rp.i - 1, sent_start[rp.i], -1, lr, res, blocked, words)
        if named is not None and rp.anchor_kind in ("office", "rank") and named[1] == rp.i:
            add(named[0], named[1], rp, None, rp.country)
    # a state adjective followed by a name, after a role earlier in the phrase (والوفد الطاجيكي رحمان زاده)
    for m in sel:
        if m.entry.kind == "COUNTRY" and m.entry.attr("sub") == "adj" and m.j not in taken:
            run = _name_run(tokens, m.j, sent_end[m.i], 1, lr, res, blocked, words)
            if run is not None and run[1] - run[0] >= 1 and _has_good(tokens, run, lr, res, covered):
                near_role = next((rp for rp in reversed(roles) if rp.j <= m.i and m.i - rp.j <= 4), None)
                if near_role is not None:
                    add(run[0], run[1], replace(near_role, country=m.entry.key), None, m.entry.key)
    persons.sort(key=lambda p: p.i)
    if nisba:
        sel = [m for m in sel if m.i not in nisba]
    return sel, other, roles, persons


class _Either:
    """Membership in either of two sets, without building their union."""

    __slots__ = ("a", "b")

    def __init__(self, a: set[int], b: set[int]) -> None:
        self.a, self.b = a, b

    def __contains__(self, k: object) -> bool:
        return k in self.a or k in self.b


def _extend_chain(m: Match, tokens: Sequence[Token], lr: LangResources, res: Resources, covered: set[int],
                  sent_end: list[int]) -> Match:
    """A known name goes on through a chain of bin/Al parts (فيصل بن فرحان بن عبدالله آل سعود)."""
    j = m.j
    end = sent_end[m.i]
    while j + 1 < end and lr.particles.get(tokens[j].key, ("", ""))[0] == "connector":
        if _name_like(tokens[j + 1], lr, res, covered, j + 1) < 2:
            break
        j += 2
    return m if j == m.j else Match(m.entry, m.i, j)


def _place_country(rp: RolePhrase, res: Resources) -> str | None:
    """The state of the place an office is of (the governor of a province: its state)."""
    info = res.places.get(rp.place) if rp.place else None
    return info.country if info is not None and info.country else None


def _best_role(before: RolePhrase | None, after: RolePhrase | None) -> RolePhrase | None:
    """Of the role phrases on either side of a name, the one naming an office. A counterpart phrase after a name
    is someone else's (رحيم زاده لنظيره الإيراني: Rahimzoda to his Iranian counterpart)."""
    if after is not None and after.anchor_kind == "counterpart":
        after = None
    if before is not None and before.anchor_kind == "office":
        return before
    if after is not None and after.anchor_kind == "office":
        return after
    return before or after


def _has_good(
    tokens: Sequence[Token], run: tuple[int, int], lr: LangResources, res: Resources, covered: set[int]
) -> bool:
    return all(_name_like(tokens[k], lr, res, covered, k) >= 2 for k in range(run[0], run[1]))


def mention(m: Match, tokens: Sequence[Token]) -> Mention:
    return Mention(m.entry.kind, m.entry.key, m.i, m.j, tokens[m.i].start, tokens[m.j - 1].end, m.entry.attrs)
