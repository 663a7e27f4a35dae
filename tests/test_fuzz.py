"""Property tests: real-looking Arabic, Persian and mixed sentences, mutated, must never break the contract.

tests/test_pipeline.py already throws random letters and fixed hostile strings at the pipeline; here the
inputs are whole sentences (so the deep stages — roles, persons, events, dates — run) mutated by inserting,
deleting and replacing characters; marks and controls that must not change what is read; lone surrogates
arriving through JSON Lines; every code point; publication dates and forced languages; and a 1 MB line.
scripts/fuzz.py is the coverage-guided counterpart; what it found is pinned at the end of this file.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rasad.lexicon import charmap
from rasad.pipeline import Pipeline
from rasad.records import Document, InputDoc
from rasad.stages.ingest import iter_inputs, iter_jsonl

SCHEMA_PATH = Path(__file__).resolve().parents[1].parent / "shared" / "spec" / "document.schema.json"

# Written for these tests: each names states, offices, people, places, an event and often a date.
ARABIC = (
    "استقبل وزير الخارجية القطري نظيره الإيراني في الدوحة يوم الاثنين 5 فبراير 2024.",
    "أدانت وزارة الخارجية السعودية الهجوم الصاروخي على ميناء الحديدة.",
    "بحث الرئيس التونسي مع رئيس الوزراء الإيطالي ملف الهجرة في روما أمس.",
    "وقعت الجزائر والنيجر مذكرة تفاهم للتعاون العسكري في 14 شعبان 1445.",
    "هدد قائد الجيش السوداني بالرد على أي اعتداء على الحدود الشرقية.",
    "زار العاهل الأردني عبد الله الثاني واشنطن الأسبوع الماضي والتقى الرئيس الأمريكي.",
    "أعلنت الأمم المتحدة إرسال مساعدات إنسانية إلى غزة عبر معبر رفح.",
    "اعتقلت السلطات اللبنانية ثلاثة أشخاص بتهمة التجسس لصالح إسرائيل.",
)
PERSIAN = (
    "وزیر امور خارجه ایران با همتای عمانی خود در مسقط دیدار کرد.",
    "رئیس‌جمهور ترکیه روز دوشنبه ۱۵ مرداد ۱۴۰۲ وارد تهران شد.",
    "سخنگوی وزارت امور خارجه حمله تروریستی در کرمان را محکوم کرد.",
    "ایران و پاکستان توافقنامه همکاری مرزی امضا کردند.",
    "فرمانده کل ارتش جمهوری اسلامی ایران به عراق سفر کرد و با وزیر دفاع این کشور گفتگو کرد.",
    "نخست‌وزیر عراق هفته گذشته در بغداد میزبان هیئتی از عربستان سعودی بود.",
    "شورای امنیت سازمان ملل متحد قطعنامه‌ای درباره یمن تصویب کرد.",
    "پلیس افغانستان دو نفر را به اتهام قاچاق سلاح بازداشت کرد.",
)
LATIN = ("Reuters reported on 12 March 2024 that talks would resume.", "AFP — UN Security Council, New York.")

# Marks and controls that normalisation deletes: reading must not change when they are sprinkled in.
# The combining hamza and madda (U+0653-0655) are left out: NFKC composes them with the letter before.
IGNORABLE = tuple(chr(cp) for cp, rep in sorted(charmap().items()) if rep == "" and not 0x0653 <= cp <= 0x0655)
# What a mutation may insert: the ignorable marks, the joiners, controls, combining marks of other scripts,
# bidi controls, presentation forms, digits of three scripts, punctuation, an astral character.
NOISE = (
    *IGNORABLE,
    *"\u200c\u200d\x00\x01\x07\x1b\x7f\x85\r\n\t \u00a0\u0301\u0308\u0653\u0654\u0655\u061c\u2028\u2029",
    *"\ufb8a\ufe8d\ufef5\ufdf2\u0660\u0665\u06f0\u06f5\u06f9«»،؛؟.!:/-()<>\"'&\U0001f600\ufffd",
)
SEPARATORS = (" ", "\n", "\n\n", " و", "\u200c", "", "، ")

sentences = st.sampled_from(ARABIC + PERSIAN + LATIN)
articles = st.tuples(st.lists(sentences, min_size=1, max_size=6), st.sampled_from(SEPARATORS)).map(
    lambda p: p[1].join(p[0])
)
# (op, where as a fraction of the length, character): 0 insert, 1 delete, 2 replace
mutations = st.lists(
    st.tuples(st.integers(0, 2), st.floats(0, 1, allow_nan=False), st.sampled_from(NOISE)), max_size=25
)
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def mutate(text: str, ops: list[tuple[int, float, str]]) -> str:
    chars = list(text)
    for op, where, ch in ops:
        pos = min(int(where * len(chars)), len(chars))
        if op == 0:
            chars.insert(pos, ch)
        elif pos < len(chars):
            if op == 1:
                del chars[pos]
            else:
                chars[pos] = ch
    return "".join(chars)


def no_surrogates(text: str) -> str:
    """The text spans point into: lone surrogates become U+FFFD, one for one (the pipeline's rule)."""
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


def spans_of(doc: Document) -> list[tuple[str, Any]]:
    """Every span the Document carries: entity mentions, event evidence and event triggers."""
    out: list[tuple[str, Any]] = [("mention", m) for e in doc.entities for m in e.mentions]
    out += [("evidence", ev.evidence) for ev in doc.events]
    out += [("trigger", ev.trigger) for ev in doc.events if ev.trigger is not None]
    return out


def check_contract(doc: Document, text: str, validate: Callable[[dict[str, Any]], None] | None) -> None:
    """Spans inside `text` and equal to it; date texts from it; output UTF-8 JSON valid against the schema."""
    for name, s in spans_of(doc):
        assert 0 <= s.start <= s.end <= len(text), (name, s)
        assert text[s.start : s.end] == s.text, (name, s)
    ids = {e.id for e in doc.entities}
    for ev in doc.events:
        assert ev.evidence.start < ev.evidence.end, "evidence is never empty"
        assert ev.date is None or ev.date.text is None or ev.date.text in text
        assert set(ev.source) | set(ev.target) <= ids
    d = doc.to_dict()
    json.dumps(d, ensure_ascii=False).encode("utf-8")  # writable as JSON Lines: no surrogates left
    if validate is not None:
        validate(d)


def reading(doc: Document) -> tuple[Any, ...]:
    """What was read, without offsets: entities by type and name, events by type, code, actors and date."""
    names = {e.id: (e.type, e.name) for e in doc.entities}
    ents = sorted((e.type, e.name, e.country or "", e.role or "") for e in doc.entities)
    evs = sorted(
        (
            ev.type,
            ev.cameo or "",
            tuple(sorted(names[i] for i in ev.source)),
            tuple(sorted(names[i] for i in ev.target)),
            ev.date.start if ev.date and ev.date.start else "",
        )
        for ev in doc.events
    )
    return tuple(ents), tuple(evs)


@pytest.fixture(scope="module")
def validate() -> Callable[[dict[str, Any]], None] | None:
    """The schema check, or None where ../shared is absent (the span checks still run)."""
    if not SCHEMA_PATH.exists():
        return None
    import jsonschema

    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))).validate


def test_schema_part_runs_or_says_why(validate: Callable[[dict[str, Any]], None] | None) -> None:
    if validate is None:
        pytest.skip(f"output schema not found at {SCHEMA_PATH}: schema checks of this file are off")
    with pytest.raises(Exception, match="required"):
        validate({"doc_id": "x"})  # the validator really rejects


def test_the_sentences_are_worth_fuzzing(pipeline: Pipeline) -> None:
    """The fixtures reach the deep stages: many sentences yield an event, some a dated one."""
    docs = [pipeline.analyze(InputDoc(doc_id="s", text=s, published="2024-06-19")) for s in ARABIC + PERSIAN]
    assert sum(bool(d.events) for d in docs) >= 6
    assert sum(any(ev.date for ev in d.events) for d in docs) >= 2
    assert {d.lang for d in docs} == {"ar", "fa"}


@PROPERTY
@given(articles, mutations, st.sampled_from([None, "2024-06-19", "1403-03-30", "junk", "2024-13-45"]))
def test_mutated_articles_keep_the_contract(pipeline: Pipeline, validate, text: str, ops, published) -> None:  # type: ignore[no-untyped-def]
    text = mutate(text, ops)
    doc = pipeline.analyze(InputDoc(doc_id="m", text=text, published=published))
    check_contract(doc, text, validate)


@PROPERTY
@given(articles, st.lists(st.tuples(st.floats(0, 1, allow_nan=False), st.sampled_from(IGNORABLE)), max_size=30))
def test_ignorable_marks_change_nothing_read(pipeline: Pipeline, validate, text: str, marks) -> None:  # type: ignore[no-untyped-def]
    """Harakat, tatweel, ZWJ, bidi controls, BOM and soft hyphens anywhere: the same entities and events."""
    noisy = mutate(text, [(0, where, ch) for where, ch in marks])
    plain = pipeline.analyze(InputDoc(doc_id="p", text=text, published="2024-06-19"))
    doc = pipeline.analyze(InputDoc(doc_id="n", text=noisy, published="2024-06-19"))
    check_contract(doc, noisy, validate)
    assert reading(doc) == reading(plain)


@PROPERTY
@given(articles, st.sampled_from(["٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹"]))
def test_digit_scripts_change_nothing_read(pipeline: Pipeline, validate, text: str, digits: str) -> None:  # type: ignore[no-untyped-def]
    other = text.translate(str.maketrans("0123456789۰۱۲۳۴۵۶۷۸۹", digits * 2))
    assume(other != text)
    plain = pipeline.analyze(InputDoc(doc_id="p", text=text.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))))
    doc = pipeline.analyze(InputDoc(doc_id="d", text=other))
    check_contract(doc, other, validate)
    assert reading(doc) == reading(plain)


@PROPERTY
@given(
    st.lists(st.one_of(sentences, st.text(st.characters(exclude_categories=()), max_size=12)), max_size=6).map(
        " ".join
    ),
    st.sampled_from([None, "ar", "fa", "en", "xx"]),
)
def test_any_code_point_and_forced_language(pipeline: Pipeline, validate, text: str, lang) -> None:  # type: ignore[no-untyped-def]
    """Any code point at all (unassigned, private use, astral, surrogates) and any forced language."""
    doc = pipeline.analyze(InputDoc(doc_id="u", text=text), lang=lang)
    check_contract(doc, no_surrogates(text), validate)
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        assert any("surrogate" in w for w in doc.warnings)


@PROPERTY
@given(articles, st.text(max_size=30))
def test_any_published_string(pipeline: Pipeline, validate, text: str, published: str) -> None:
    doc = pipeline.analyze(InputDoc(doc_id="d", text=text, published=published))
    check_contract(doc, text, validate)


# --------------------------------------------------------------------------- lone surrogates through JSON Lines

surrogates = st.characters(categories=["Cs"])


@PROPERTY
@given(articles, st.lists(st.tuples(st.floats(0, 1, allow_nan=False), surrogates), min_size=1, max_size=8))
def test_escaped_lone_surrogates_in_json_lines(pipeline: Pipeline, validate, text: str, bad) -> None:  # type: ignore[no-untyped-def]
    """`\\ud800` escapes are valid JSON but not text: read, analysed, warned about, never written out raw."""
    text = mutate(text, [(0, where, ch) for where, ch in bad])
    record = {"id": "j\ud800", "text": text, "title": "عنوان \udc00", "published": "2024-06-19\udfff"}
    line = json.dumps(record, ensure_ascii=True).encode("ascii")
    assert b"\\ud" in line
    (rec,) = list(iter_jsonl([line], "t.jsonl"))
    text = json.loads(line)["text"]  # a high and a low half side by side decode as one astral character
    assert isinstance(rec, InputDoc) and rec.text == text
    doc = pipeline.analyze(rec)
    assert any("surrogate" in w for w in doc.warnings)
    check_contract(doc, no_surrogates(text), validate)
    assert doc.text == no_surrogates(text) and doc.title == "عنوان \ufffd" and doc.doc_id == "j\ufffd"


def test_surrogate_pairs_written_as_escapes_are_one_character(pipeline: Pipeline, tmp_path: Path) -> None:
    """A proper escaped pair is an astral character, not two lone halves; a lone half in a file is read too."""
    path = tmp_path / "in.jsonl"
    minister = "وزير الخارجية الإيراني".encode("ascii", "backslashreplace")  # JSON escapes, as ensure_ascii writes
    path.write_bytes(
        b'{"id": "pair", "text": "\\ud83d\\ude00 ' + minister + b'"}\n'
        b'{"id": "lone", "text": "\\udead ' + minister + b' \\ud800"}\n'
    )
    pair, lone = list(iter_inputs([str(path)]))
    assert isinstance(pair, InputDoc) and isinstance(lone, InputDoc)
    assert pair.text.startswith("\U0001f600")
    d1, d2 = pipeline.analyze(pair), pipeline.analyze(lone)
    assert not any("surrogate" in w for w in d1.warnings)
    assert any("surrogate" in w for w in d2.warnings)
    clean = pipeline.analyze(InputDoc("c", no_surrogates(lone.text)))
    assert d2.entities and [e.name for e in d2.entities] == [e.name for e in clean.entities]
    for d in (d1, d2):
        json.dumps(d.to_dict(), ensure_ascii=False).encode("utf-8")
    # hashes the text as given: the same record read twice is the same document
    assert d2.text_sha256 == pipeline.analyze(lone).text_sha256


# --------------------------------------------------------------------------- one megabyte on one line


def _megabyte(sentences: tuple[str, ...]) -> str:
    text = " ".join(sentences)
    return (text + " ") * (1_000_000 // (len(text) + 1) + 1)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["prose", "one-word", "marks"])
def test_one_megabyte_single_line(pipeline: Pipeline, validate, kind: str) -> None:  # type: ignore[no-untyped-def]
    """A 1 MB line, through JSON Lines: analysed (or cut short by the time budget, with a warning), never broken."""
    text = {
        "prose": _megabyte(ARABIC + PERSIAN),
        "one-word": "الخارجية" * 125_000,  # one token of a million letters
        "marks": "و\u0651\u064e" * 333_334,  # a letter drowned in harakat: normalisation deletes two thirds
    }[kind]
    line = json.dumps({"id": "big", "text": text}, ensure_ascii=False).encode("utf-8")
    assert "\n" not in text and len(text) >= 1_000_000
    (rec,) = list(iter_jsonl([line], "big.jsonl"))
    assert isinstance(rec, InputDoc)
    t0 = time.process_time()
    doc = pipeline.analyze(rec, budget=5.0)
    took = time.process_time() - t0
    check_contract(doc, text, validate)
    assert took < 60, f"{took:.1f} s CPU for 1 MB"
    if kind == "prose":
        assert doc.entities or any("time budget" in w for w in doc.warnings)


# --------------------------------------------------------------------------- what scripts/fuzz.py found


def test_lone_surrogates_in_record_fields_do_not_stop_extract(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Found by the JSON Lines property above: an escaped lone surrogate in `id`, `title` or `published`
    reached the output, and `rasad extract` died writing it (UnicodeEncodeError), losing the whole run."""
    from click.testing import CliRunner

    from rasad.cli import main

    monkeypatch.setattr(Pipeline, "load", classmethod(lambda cls, *a, **k: pipeline))
    path = tmp_path / "s.jsonl"
    body = "وزير الخارجية الإيراني".encode("ascii", "backslashreplace")
    path.write_bytes(b'{"id": "a\\ud800", "text": "' + body + b'", "title": "t \\udc00", "published": "x\\ud800"}\n')
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    (line,) = result.stdout_bytes.decode("utf-8").splitlines()
    d = json.loads(line)
    assert (d["doc_id"], d["title"], d["published"]) == ("a\ufffd", "t \ufffd", "x\ufffd")
    assert d["entities"] and any("surrogate" in w for w in d["warnings"])


def _events_cpu(pipeline: Pipeline, entities_only: Pipeline, text: str) -> float:
    """CPU seconds of the stages after entities (events, dates, dedup): the whole minus the part up to entities."""
    best = float("inf")
    for _ in range(2):
        t0 = time.process_time()
        pipeline.analyze(InputDoc("q", text), budget=1e9)
        t1 = time.process_time()
        entities_only.analyze(InputDoc("q", text), budget=1e9)
        best = min(best, (t1 - t0) - (time.process_time() - t1))
    return max(best, 0.0)


@pytest.mark.slow
def test_one_long_sentence_of_triggers_is_linear(pipeline: Pipeline) -> None:
    """Found by scripts/fuzz.py: '\\x00 آزاد شد\\u200c' repeated (a trigger word, no sentence end) timed out."""
    entities_only = Pipeline(pipeline.res, until="entities")
    unit = "\x00 آزاد شد\u200c"
    n = 12_000
    small = _events_cpu(pipeline, entities_only, unit * (n // len(unit)))
    large = _events_cpu(pipeline, entities_only, unit * (4 * n // len(unit)))
    assert large <= 8 * small + 0.05, f"{n:,} chars: {small:.3f} s; {4 * n:,} chars: {large:.3f} s CPU"


# --------------------------------------------------------------------------- scripts/fuzz.py itself

FUZZ_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "fuzz.py"


def _fuzz_module() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("rasad_fuzz_script", FUZZ_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fuzzer_without_atheris_says_so_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "atheris", None)  # import atheris raises ImportError
    assert _fuzz_module().main(["--seconds", "1"]) == 2
    assert "atheris is not installed" in capsys.readouterr().err


def test_fuzzer_checks_catch_a_broken_span(pipeline: Pipeline) -> None:
    """The fuzzer's own invariant check fails on a wrong offset (else a fuzzing run proves nothing)."""
    from dataclasses import replace

    fuzz = _fuzz_module()
    text = ARABIC[0]
    doc = pipeline.analyze(InputDoc("f", text))
    assert doc.entities and fuzz.span_problems(doc, text) == []
    e = doc.entities[0]
    m = e.mentions[0]
    shifted = replace(e, mentions=(m._replace(start=m.start + 1, end=m.end + 1),))
    assert fuzz.span_problems(replace(doc, entities=(shifted,)), text)


@pytest.mark.slow
def test_fuzzer_runs_for_a_bounded_time(tmp_path: Path) -> None:
    import subprocess

    pytest.importorskip("atheris")
    t0 = time.monotonic()
    out = subprocess.run(
        [sys.executable, str(FUZZ_SCRIPT), "--seconds", "8", "--findings", str(tmp_path / "f")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode in (0, 1), out.stderr[-2000:]
    assert time.monotonic() - t0 < 120
    executions = int(re.search(r"^executions:\s+(\d+)", out.stdout, re.M).group(1))  # type: ignore[union-attr]
    assert executions > 10 and re.search(r"^executions/s:\s+\d+", out.stdout, re.M)
    assert re.search(r"^coverage:\s+\d+ edges", out.stdout, re.M), out.stdout
