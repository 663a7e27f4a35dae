"""Every regular expression in src/rasad runs in linear time on adversarial input.

An AST scan finds each `re.<function>(pattern, ...)` call in the package. Literal patterns are compiled
with their flags and run against 100 kB strings built from the pattern's own character classes (a long run
of characters it accepts, then one that makes it fail; alternating pairs of them) and against generic
hostile strings (spaces, digits of three scripts, Arabic letters, punctuation, '<', newlines). Patterns
that are not literals are listed in NON_LITERAL and tested through the objects the code builds. A search
that takes longer than the bound is interrupted by a timer signal, so a catastrophic pattern fails the
test instead of hanging it. The counts are pinned: a new regular expression makes this file fail until
someone has looked at it (add it to the counts, or to NON_LITERAL with its handler).
"""

from __future__ import annotations

import ast
import re
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import pytest

from rasad.resources import Resources

try:  # the parser that `re` itself uses; public name until 3.10, private since 3.11
    import re._parser as sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

SRC = Path(__file__).resolve().parents[1] / "src" / "rasad"
FUNCTIONS = {"compile", "search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"}
# where the flags argument sits when given by position
FLAGS_POSITION = {"compile": 1, "search": 2, "match": 2, "fullmatch": 2, "findall": 2, "finditer": 2,
                  "split": 3, "sub": 4, "subn": 4}  # fmt: skip

# Pinned counts: a new pattern must be looked at (and counted here) before this file passes again.
LITERAL_COUNT = 32
# Patterns built at run time, by (file, what the pattern argument is): each is tested below.
NON_LITERAL = {
    ("stages/linking.py", "name pat"): "romanisation conventions from data/common/name_conventions.tsv",
    ("lexicon/tables.py", "f-string"): "the normaliser's character class, built from data/common/charmap.tsv",
    ("serve/marks.py", "f-string"): "_LATIN_RUN: runs of Latin words in right-to-left text",
    ("serve/marks.py", "concatenation"): "a search word at the start of a word",
}

N = 100_000  # characters per adversarial string (the slow sweep; the quick one uses N // 5)
BOUND = 1.0  # CPU seconds per 100 kB searched: a linear pattern needs milliseconds


@dataclass(frozen=True, slots=True)
class Found:
    file: str  # relative to src/rasad
    line: int
    function: str
    pattern: ast.expr
    flags: int

    @property
    def literal(self) -> str | None:
        p = self.pattern
        return p.value if isinstance(p, ast.Constant) and isinstance(p.value, str) else None

    @property
    def key(self) -> tuple[str, str]:
        """What kind of expression builds the pattern (stable when the lines around it change)."""
        p = self.pattern
        kind = (
            f"name {p.id}" if isinstance(p, ast.Name)
            else "f-string" if isinstance(p, ast.JoinedStr)
            else "concatenation" if isinstance(p, ast.BinOp)
            else type(p).__name__
        )  # fmt: skip
        return self.file, kind

    def __str__(self) -> str:
        return f"{self.file}:{self.line} re.{self.function}({ast.unparse(self.pattern)})"


def _flags(node: ast.Call, function: str) -> int:
    expr = next((k.value for k in node.keywords if k.arg == "flags"), None)
    pos = FLAGS_POSITION[function]
    if expr is None and len(node.args) > pos:
        expr = node.args[pos]
    if expr is None:
        return 0
    return int(eval(compile(ast.Expression(expr), "<flags>", "eval"), {"re": re}))  # only re.X | re.Y


def scan() -> list[Found]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.func.attr in FUNCTIONS
            ):
                pattern = node.args[0] if node.args else next(k.value for k in node.keywords if k.arg == "pattern")
                rel = path.relative_to(SRC).as_posix()
                found.append(Found(rel, node.lineno, node.func.attr, pattern, _flags(node, node.func.attr)))
    return found


FOUND = scan()
LITERALS = [f for f in FOUND if f.literal is not None]


def test_the_scan_sees_every_regular_expression() -> None:
    """The package reaches regular expressions only as `re.<function>(...)`: no aliases the scan would miss."""
    for path in SRC.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from re import|import re as|import regex\b|from regex\b)", source, re.M), path
    assert LITERALS and all(f.file for f in FOUND)


def test_counts_are_pinned() -> None:
    listing = "\n".join(str(f) for f in LITERALS)
    assert len(LITERALS) == LITERAL_COUNT, f"regular expressions changed; look at each, then pin:\n{listing}"
    others = {f.key for f in FOUND if f.literal is None}
    assert others == set(NON_LITERAL), f"patterns built at run time changed: {others ^ set(NON_LITERAL)}"


# --------------------------------------------------------------------------- adversarial strings


class Overrun(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Overrun


def _run_bounded(fn: Callable[[], object], seconds: float) -> float:
    """CPU seconds `fn` took; raises Overrun past `seconds` of wall time (the regex engine checks signals)."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    t0 = time.process_time()
    try:
        fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return time.process_time() - t0


_CATEGORY_SAMPLES = {
    "CATEGORY_DIGIT": "7٣۴",
    "CATEGORY_NOT_DIGIT": "xب!",
    "CATEGORY_WORD": "aبپ_7",
    "CATEGORY_NOT_WORD": "!،\u200c",
    "CATEGORY_SPACE": " \n\t\u00a0",
    "CATEGORY_NOT_SPACE": "xب",
}


def pattern_chars(pattern: str, flags: int = 0) -> list[str]:
    """Characters the pattern's literals, ranges and classes accept (a few of each), in order of appearance."""
    out: list[str] = []

    def walk(items: object) -> None:
        for op, av in items:  # type: ignore[attr-defined]
            name = str(op)
            if name in ("LITERAL", "NOT_LITERAL"):
                out.append(chr(av) if name == "LITERAL" else ("x" if av != ord("x") else "y"))
            elif name == "RANGE":
                lo, hi = av
                out.extend((chr(lo), chr((lo + hi) // 2), chr(hi)))
            elif name == "CATEGORY":
                out.extend(_CATEGORY_SAMPLES.get(str(av), ""))
            elif name == "IN":
                if av and str(av[0][0]) == "NEGATE":
                    out.extend("xبپ!7 ")  # a negated class: its samples would be what it rejects
                walk(av)
            elif name == "ANY":
                out.append("x")
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                walk(av[2])
            elif name == "SUBPATTERN":
                walk(av[-1])
            elif name == "BRANCH":
                for b in av[1]:
                    walk(b)
            elif name in ("ASSERT", "ASSERT_NOT"):
                walk(av[1])

    walk(sre_parse.parse(pattern, flags))
    seen: dict[str, None] = {}
    for ch in out:
        if 0xD800 <= ord(ch) <= 0xDFFF or ch in seen:
            continue
        seen[ch] = None
    return list(seen)[:16]


GENERIC = {  # hostile text in general: units repeated to the length wanted
    "spaces": " ",
    "newlines": "\n",
    "blank-lines": " \n",
    "ascii-digits": "1",
    "arabic-digits": "١",
    "persian-digits": "۱",
    "arabic-letters": "ب",
    "words": "وزير الخارجية ",
    "zwnj-words": "می\u200cگوید",
    "latin-words": "Abc de ",
    "latin-dots": "a.",
    "punctuation": "!،.؟",
    "angle-brackets": "<",
    "date-like": "1402/03/",
    "date-like-dashes": "21-6-",
    "dashes": "-",
    "utm": "utm_",
    "almost-iso": "2024-06-1",
    "migration": "-- migration 1",
}
TAILS = ("\x00", "!", "\n")


def adversarial(pattern: str, flags: int, n: int) -> Iterator[tuple[str, str]]:
    """(name, string): runs of each accepted character, then a failing one; alternating pairs; the generic set."""
    chars = pattern_chars(pattern, flags)
    for c in chars:
        for tail in TAILS:
            yield f"run {c!r}+{tail!r}", c * n + tail
    for a in chars[:6]:
        for b in chars[:6]:
            if a != b:
                yield f"pairs {a!r}{b!r}", (a + b) * (n // 2) + "\x00"
    for name, unit in GENERIC.items():
        yield name, unit * (n // len(unit))


def exercise(rx: re.Pattern[str], s: str) -> None:
    """Search at every position (finditer), anchored match and full match: each backtracks differently."""
    for _ in rx.finditer(s):
        pass
    rx.match(s)
    rx.fullmatch(s)


def check_linear(rx: re.Pattern[str], label: str, n: int = N // 5) -> None:
    """Every adversarial string of `n` characters within BOUND (scaled to n); a runaway search is cut at 5x."""
    bound = BOUND * n / 100_000
    worst = (0.0, "")
    for name, s in adversarial(rx.pattern, rx.flags, n):
        try:
            took = _run_bounded(lambda s=s: exercise(rx, s), max(bound * 5, 0.5))  # type: ignore[misc]
        except Overrun:
            pytest.fail(f"{label}: over {max(bound * 5, 0.5):.1f} s on {name} ({len(s):,} chars): super-linear")
        worst = max(worst, (took, name))
    assert worst[0] < bound, f"{label}: {worst[0]:.2f} s CPU on {worst[1]} ({n:,} chars)"


@pytest.mark.parametrize("found", LITERALS, ids=lambda f: f"{f.file}:{f.line}")
def test_literal_pattern_is_linear(found: Found) -> None:
    """20 kB strings: a quadratic pattern needs seconds on them (one run of digits took 7 s at 20k)."""
    assert found.literal is not None
    check_linear(re.compile(found.literal, found.flags), str(found))


@pytest.mark.slow
@pytest.mark.parametrize("found", LITERALS, ids=lambda f: f"{f.file}:{f.line}")
def test_literal_pattern_is_linear_on_100_kb(found: Found) -> None:
    assert found.literal is not None
    check_linear(re.compile(found.literal, found.flags), str(found), N)


def test_pattern_chars_come_from_the_pattern() -> None:
    """The adversarial runs really use what the pattern accepts (else the test above proves little)."""
    assert pattern_chars(r"[a-c]+\d") == ["a", "b", "c", "7", "٣", "۴"]
    assert pattern_chars(r"^(utm_\w+|x)$") == ["u", "t", "m", "_", "a", "ب", "پ", "7", "x"]
    assert "\u067e" in pattern_chars(r"[\u067E\u0686]")


def test_the_bound_catches_a_catastrophic_pattern() -> None:
    """The harness fails a nested repeat rather than hanging on it."""
    with pytest.raises(Overrun):
        _run_bounded(lambda: re.match(r"(a+)+$", "a" * 40 + "!"), 0.3)


# --------------------------------------------------------------------------- patterns built at run time


def test_romanisation_conventions_are_linear(res: Resources) -> None:
    assert res.conventions, "name_conventions.tsv is read"
    for country, pat, _rep in res.conventions:
        check_linear(re.compile(pat, re.IGNORECASE), f"name convention {country} {pat!r}")


def test_normaliser_class_is_linear(res: Resources) -> None:
    rx = res.normaliser.unsafe
    assert rx.search("\u0640") and not rx.search("ب")  # tatweel is mapped, a plain letter is not
    check_linear(rx, "lexicon/tables.py normaliser class")


def test_latin_run_pattern_is_linear() -> None:
    from rasad.serve import marks

    rx = marks._LATIN_RUN
    assert [m.group() for m in rx.finditer("قال John Smith. للصحفيين")] == ["John Smith."]
    check_linear(rx, "serve/marks.py _LATIN_RUN")
    took = _run_bounded(lambda: marks.latin_runs("a." * (N // 2) + "ب"), BOUND * 5)
    assert took < BOUND


@pytest.mark.parametrize("word", ["و", "ab", "a" * 50, "ایران", "۱۲"])
def test_search_word_pattern_is_linear(word: str) -> None:
    check_linear(re.compile(r"(?<!\w)" + re.escape(word)), f"serve/marks.py word {word!r}")


def test_feed_interval_found_quadratic_is_fixed() -> None:
    """Found here: monitor/sources.py searched `(\\d+)\\s*([smhd])`, quadratic on a run of digits (7 s for
    20,000 digits); past 4,300 digits int() raised ValueError instead of the command's own error."""
    from rasad.monitor.sources import MonitorError, parse_interval

    assert parse_interval("1h30m") == 5400 and parse_interval("15 m") == 900
    for bad in ("1" * 20_000 + "!", "1" * 5_000 + "m", "9" * 10 + "m"):
        with pytest.raises(MonitorError):
            _run_bounded(lambda bad=bad: parse_interval(bad), 1.0)  # type: ignore[misc]
