"""Stage: one event per happening within a document.

The same meeting told in the lead and again later ("the meeting", "during the talks") is one event:
readings of the same type and dyad merge when their participants agree — the same people, or one side
naming nobody — and their dates and background status do not conflict. Separate meetings stay apart:
two readings that name different people of the same state are two events. The merged event keeps the
richest arguments and the first, strongest evidence.
"""

from __future__ import annotations

from rasad.stages.events import Actor, Draft, dyad


def _sigs(d: Draft) -> set[str]:
    return {a.sig for a in d.source + d.target}


def _persons(d: Draft) -> list[Actor]:
    return [a for a in d.source + d.target if a.kind in ("PERSON", "ROLE")]


def covers(x: Actor, y: Actor) -> bool:
    """x and y may be the same participant: the same entity, or an unnamed office holder and a person in it."""
    if x.sig == y.sig:
        return True
    if "ROLE" not in (x.kind, y.kind) or not x.role_key or not y.role_key:
        return False
    if not (x.country is None or y.country is None or x.country == y.country):
        return False
    # "the minister" may be "the interior minister": the unnamed role's words are all in the other's role
    role, other = (x, y) if x.kind == "ROLE" else (y, x)
    return set(role.role_key.split()) <= set(other.role_key.split())


def compatible(a: Draft, b: Draft) -> bool:
    if a.type != b.type or a.historical != b.historical or a.future != b.future:
        return False  # what happened and what is announced for later are two events (PLOVER codes the latter AGREE)
    da, db = dyad(a.source + a.target), dyad(b.source + b.target)
    if da and db and not (set(da) <= set(db) or set(db) <= set(da)):
        return False
    da_, db_ = a.date, b.date
    if (da_ and db_ and da_.start and db_.start and da_.start != db_.start
            and not (da_.end and da_.start <= db_.start <= da_.end)):
        return False  # different days, and not one inside the other's range
    pa, pb = _persons(a), _persons(b)
    if not pa or not pb:
        # a later reading that names nobody refers back ("the two sides discussed"); an earlier one that named
        # nobody takes the participants named later only when it was a noun ("the meeting ... attended by")
        return not pb or (a.pattern == "nominal" and b.pattern == "nominal")
    if not any(covers(x, y) for x in pa for y in pb):
        return False
    # two different people of one state on the same event: two meetings
    only_a = [x for x in pa if not any(covers(x, y) for y in pb)]
    only_b = [y for y in pb if not any(covers(x, y) for x in pa)]
    return not any(x.country and x.country == y.country for x in only_a for y in only_b)


def absorb(a: Draft, b: Draft) -> None:
    """Merge b into a (a came first)."""
    seen = {x.sig for x in a.source + a.target}
    for x in b.source:
        if x.sig not in seen:
            a.source.append(x)
            seen.add(x.sig)
    for x in b.target:
        if x.sig not in seen:
            a.target.append(x)
            seen.add(x.sig)
    a.location = a.location or b.location
    if a.date is None or (b.date is not None and a.date.start is None and b.date.start):
        a.date = b.date
    a.topics |= b.topics
    a.future = a.future and b.future
    if b.pattern != "nominal" and a.pattern == "nominal":
        a.pattern, a.mode, a.cameo, a.trigger = b.pattern, b.mode, b.cameo, b.trigger
    a.confidence = max(a.confidence, b.confidence)
    a.merged += 1
    a.sentences |= b.sentences


def merge(drafts: list[Draft]) -> list[Draft]:
    out: list[Draft] = []
    for d in drafts:
        for o in out:
            if compatible(o, d):
                absorb(o, d)
                break
        else:
            out.append(d)
    return out
