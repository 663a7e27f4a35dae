"""Coverage-guided fuzzing of `rasad.analyze` with atheris (libFuzzer), for a bounded time.

    .venv/bin/python scripts/fuzz.py [--seconds 60] [--findings DIR] [--corpus DIR] [--max-len 8192] [--seed N]
    .venv/bin/python scripts/fuzz.py --replay FILE      # the article a saved input stands for, checked

Each fuzz input is turned (by atheris' FuzzedDataProvider) into an article: words of rasad's own
Arabic and Persian data files, whole sentences, digits in three scripts, control characters, combining
marks, ZWNJ/ZWJ, bidi controls and raw code points (lone surrogates included), then mutated by inserting,
deleting and replacing characters; optionally with a publication date (valid, out of range or junk) and
a forced language. Every run checks what the pipeline promises:

- no exception escapes `Pipeline.analyze`;
- every span (entity mentions, event evidence and trigger) lies in the text: 0 <= start <= end <= len
  and text[start:end] == span.text; every date text is a piece of the text;
- the output is UTF-8 serialisable JSON and validates against ../shared/spec/document.schema.json
  (when that directory is there);
- no document takes more than --slow CPU seconds.

A broken promise is a finding: one JSON file per distinct signature (kind and innermost rasad frame)
with the input and the traceback; fuzzing goes on, so one run can find several bugs. The fuzzer runs in
a child process (libFuzzer ends the process with exit(), so the totals are read from its statistics);
this process restarts it when an input kills it (a libFuzzer timeout) until the time is used, and prints
executions, executions/s, coverage and findings at the end.

Exit status: 0 no findings, 1 findings, 2 atheris is not installed (or a usage error).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SCHEMA_PATH = REPO.parent / "shared" / "spec" / "document.schema.json"

# Real-looking sentences (written for this fuzzer): they reach the deeper stages (roles, persons, events,
# dates) that random words seldom reach.
SENTENCES = (
    "التقى وزير الخارجية الإيراني نظيره العماني في مسقط يوم الأحد 12 مايو 2024.",
    "أعلنت وزارة الدفاع التركية أن قواتها نفذت ضربات جوية شمال العراق أمس.",
    "وقع الرئيس المصري والعاهل الأردني اتفاقية للتعاون الأمني في القاهرة في 3 رمضان 1445.",
    "استقبل ولي العهد السعودي رئيس الوزراء الباكستاني في الرياض الأسبوع الماضي.",
    "ندد مجلس الأمن الدولي بالهجوم على السفارة في بغداد، ودعا إلى ضبط النفس.",
    "وزیر امور خارجه ایران با همتای تاجیکستانی خود در دوشنبه دیدار و گفتگو کرد.",
    "رئیس‌جمهور ایران روز چهارشنبه ۲۱ خرداد ۱۴۰۳ به مسکو سفر کرد.",
    "سخنگوی وزارت خارجه حمله به کنسولگری را محکوم کرد و خواستار تحقیق شد.",
    "ایران و عراق سه‌شنبه گذشته یادداشت تفاهم امنیتی امضا کردند.",
    "فرمانده نیروی قدس سپاه پاسداران با وزیر دفاع سوریه در دمشق ملاقات کرد.",
)

# Characters that stress normalisation and offsets: controls, harakat, tatweel, ZWNJ/ZWJ, bidi controls,
# BOM, NBSP, presentation forms, digits of three scripts, CR/LF, an astral character.
SPECIALS = (
    "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\r\n\t \u00a0\u00ad"
    "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0640"
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
    "\ufb8a\ufe8d\ufef5\ufdf2\u0660\u0665\u06f0\u06f5\u06f9\u0030\u0039"
    "«»،؛؟.!?:/-()[]<>\"'\U0001f600\ufffd"
)
SEPARATORS = (" ", " ", " ", "", "\u200c", "\n", "، ", ". ", "\n\n", " و")
DIGITS = ("0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹")
LANGS = (None, None, None, "ar", "fa", "en", "und")
Check = Callable[[str, str | None, str | None], list[tuple[str, str, str]]]


def vocabulary() -> list[str]:
    """Every surface form in rasad's language data files (states, roles, triggers, months, ...)."""
    from rasad.lexicon import lang_dir, read_tsv
    from rasad.resources import LANGUAGES

    words: set[str] = set()
    for lang in LANGUAGES:
        for path in sorted(lang_dir(lang).glob("*.tsv")):
            rows = read_tsv(path)
            words.update(r["form"] for r in rows if r.get("form"))
    return sorted(words)


def build_input(fdp: Any, vocab: Sequence[str]) -> tuple[str, str | None, str | None]:
    """(text, published, lang) from the fuzzer's bytes."""
    mode = fdp.ConsumeIntInRange(0, 3)
    if mode == 0:
        text = fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 4000))
    else:
        parts: list[str] = []
        for _ in range(fdp.ConsumeIntInRange(0, 300)):
            if fdp.remaining_bytes() == 0:
                break
            kind = fdp.ConsumeIntInRange(0, 11)
            if kind <= 5:
                parts.append(vocab[fdp.ConsumeIntInRange(0, len(vocab) - 1)])
            elif kind == 6:
                parts.append(SPECIALS[fdp.ConsumeIntInRange(0, len(SPECIALS) - 1)])
            elif kind == 7:
                n = str(fdp.ConsumeIntInRange(0, 99_999))
                parts.append(n.translate(str.maketrans("0123456789", DIGITS[fdp.ConsumeIntInRange(0, 2)])))
            elif kind == 8:
                parts.append(SENTENCES[fdp.ConsumeIntInRange(0, len(SENTENCES) - 1)])
            elif kind == 9:
                parts.append(fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 8)))
            else:
                parts.append(SEPARATORS[fdp.ConsumeIntInRange(0, len(SEPARATORS) - 1)])
            parts.append(SEPARATORS[fdp.ConsumeIntInRange(0, len(SEPARATORS) - 1)])
        text = "".join(parts)
        if mode == 2:
            text = mutate(fdp, text)
        elif mode == 3 and text:
            # one piece repeated: long runs are what makes a quadratic step show
            text = text * fdp.ConsumeIntInRange(1, max(1, 4_000 // len(text)))
    pub_kind = fdp.ConsumeIntInRange(0, 3)
    published: str | None = None
    if pub_kind == 1:
        y, m, d = fdp.ConsumeIntInRange(1, 9999), fdp.ConsumeIntInRange(0, 13), fdp.ConsumeIntInRange(0, 32)
        published = f"{y:04d}-{m:02d}-{d:02d}"
    elif pub_kind == 2:
        published = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 24))
    elif pub_kind == 3:
        published = "2024-06-19"
    lang = LANGS[fdp.ConsumeIntInRange(0, len(LANGS) - 1)]
    return text, published, lang


def mutate(fdp: Any, text: str) -> str:
    chars = list(text)
    for _ in range(fdp.ConsumeIntInRange(0, 30)):
        op = fdp.ConsumeIntInRange(0, 2)
        pos = fdp.ConsumeIntInRange(0, len(chars))
        ch = SPECIALS[fdp.ConsumeIntInRange(0, len(SPECIALS) - 1)]
        if op == 0:
            chars.insert(pos, ch)
        elif chars and pos < len(chars):
            if op == 1:
                del chars[pos]
            else:
                chars[pos] = ch
    return "".join(chars)


def clean_text(text: str) -> str:
    """The text the spans point into: lone surrogates become U+FFFD (the pipeline's rule), offsets unchanged."""
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


def span_problems(doc: Any, text: str) -> list[str]:
    """Every broken span promise of a `Document` against the text it was read from."""
    bad: list[str] = []
    spans = [("mention", m) for e in doc.entities for m in e.mentions]
    spans += [("evidence", ev.evidence) for ev in doc.events]
    spans += [("trigger", ev.trigger) for ev in doc.events if ev.trigger is not None]
    for name, s in spans:
        if not (0 <= s.start <= s.end <= len(text)) or text[s.start : s.end] != s.text:
            bad.append(f"{name} {s.start}:{s.end} {s.text!r} is not the text there")
    for ev in doc.events:
        if ev.date is not None and ev.date.text is not None and ev.date.text not in text:
            bad.append(f"date text {ev.date.text!r} is not in the text")
    return bad


def make_check(slow: float) -> Check:
    """The per-input check: returns findings as (kind, signature, details)."""
    from rasad.pipeline import Pipeline
    from rasad.records import InputDoc

    pipeline = Pipeline.load()
    validator = None
    if SCHEMA_PATH.exists():
        import jsonschema

        validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))

    def check(text: str, published: str | None, lang: str | None) -> list[tuple[str, str, str]]:
        t0 = time.thread_time()
        try:
            doc = pipeline.analyze(InputDoc(doc_id="fuzz", text=text, published=published), lang=lang)
        except Exception as e:
            return [("exception", _signature(e), traceback.format_exc())]
        took = time.thread_time() - t0
        out: list[tuple[str, str, str]] = []
        problems = span_problems(doc, clean_text(text))
        if problems:
            out.append(("span", problems[0].split(" ", 1)[0], "\n".join(problems[:20])))
        try:
            d = doc.to_dict()
            json.dumps(d, ensure_ascii=False).encode("utf-8")
            if validator is not None:
                errors = sorted(validator.iter_errors(d), key=str)
                if errors:
                    out.append(("schema", errors[0].json_path, "\n".join(e.message for e in errors[:10])))
        except Exception as e:
            out.append(("output", _signature(e), traceback.format_exc()))
        if took > slow:
            # one finding per order of magnitude of length: a slow step shows on every long input
            size = f"<{1 << len(text).bit_length():,} chars"
            out.append(("slow", size, f"{took:.2f} s CPU for {len(text):,} chars"))
        return out

    return check


def _signature(e: BaseException) -> str:
    """Exception type and the innermost frame in rasad: one finding per distinct bug, not per input."""
    frames = [f for f in traceback.extract_tb(e.__traceback__) if "/rasad/" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "outside rasad"
    return f"{type(e).__name__}@{where}"


def child(args: argparse.Namespace) -> int:
    import atheris

    with atheris.instrument_imports(include=["rasad"]):
        check = make_check(args.slow)
    vocab = vocabulary()
    findings = Path(args.findings)
    seen: set[str] = {p.stem for p in findings.glob("*.json")}

    def one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        text, published, lang = build_input(fdp, vocab)
        for kind, sig, details in check(text, published, lang):
            key = hashlib.sha1(f"{kind} {sig}".encode()).hexdigest()[:12]
            if key in seen:
                continue
            seen.add(key)
            record = {"kind": kind, "signature": sig, "details": details, "published": published, "lang": lang}
            # JSON-escaped so lone surrogates survive the round trip; the raw input too, for libFuzzer replays
            record["text"] = text if len(text) <= 200_000 else text[:200_000]
            record["input_hex"] = data.hex()
            (findings / f"{key}.json").write_text(json.dumps(record, ensure_ascii=True, indent=1))
            print(f"FINDING {kind} {sig}", file=sys.stderr, flush=True)

    lib_args = [
        sys.argv[0],
        f"-max_total_time={args.seconds}",
        f"-max_len={args.max_len}",
        f"-len_control={args.len_control}",
        f"-seed={args.seed}",
        f"-artifact_prefix={findings}/",
        "-print_final_stats=1",
        f"-timeout={max(60, int(args.slow * 20))}",
        "-rss_limit_mb=4096",
    ]
    if args.corpus:
        lib_args.append(args.corpus)
    atheris.Setup(lib_args, one)
    atheris.Fuzz()
    return 0  # not reached: libFuzzer exits the process


def parent(args: argparse.Namespace) -> int:
    """Runs the fuzzer until --seconds are used, restarting it after an input that killed it (a timeout)."""
    findings = Path(args.findings or tempfile.mkdtemp(prefix="rasad-fuzz-"))
    findings.mkdir(parents=True, exist_ok=True)
    corpus = args.corpus or tempfile.mkdtemp(prefix="rasad-fuzz-corpus-")
    Path(corpus).mkdir(parents=True, exist_ok=True)
    print(f"fuzzing rasad.analyze for {args.seconds} s (findings: {findings}, corpus: {corpus})", flush=True)
    started = time.monotonic()
    cov = ft = 0
    executions = 0
    fuzz_seconds = 0.0
    codes: list[int] = []
    log = findings / "libfuzzer.log"
    with log.open("w", encoding="utf-8") as logf:
        while (left := args.seconds - (time.monotonic() - started)) >= 5:
            cmd = [sys.executable, __file__, "--child", f"--seconds={int(left)}", f"--findings={findings}"]
            cmd += [f"--corpus={corpus}", f"--max-len={args.max_len}", f"--len-control={args.len_control}"]
            cmd += [f"--seed={args.seed}", f"--slow={args.slow}"]
            t0 = time.monotonic()
            proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, errors="replace")
            assert proc.stderr is not None
            run_execs = 0
            for line in proc.stderr:
                logf.write(line)
                if m := re.match(r"#(\d+)\s", line):
                    run_execs = int(m.group(1))
                if m := re.search(r"cov: (\d+)", line):
                    cov = max(cov, int(m.group(1)))
                if m := re.search(r"ft: (\d+)", line):
                    ft = max(ft, int(m.group(1)))
                if m := re.match(r"stat::number_of_executed_units:\s+(\d+)", line):
                    run_execs = int(m.group(1))
                if line.startswith("FINDING") or "pulse" in line or "DONE" in line or "ERROR: libFuzzer" in line:
                    print("  " + line.rstrip(), flush=True)
            codes.append(proc.wait())
            executions += run_execs
            fuzz_seconds += time.monotonic() - t0
            if codes[-1] != 0 and not list(findings.glob("timeout-*")) + list(findings.glob("crash-*")):
                break  # died without an artefact: something is wrong with the set-up, not an input
    wall = time.monotonic() - started
    records = sorted(findings.glob("*.json"))
    crashes = sorted(findings.glob("crash-*")) + sorted(findings.glob("timeout-*")) + sorted(findings.glob("oom-*"))
    print(f"executions:   {executions}")
    print(f"executions/s: {executions / fuzz_seconds if fuzz_seconds else 0:.0f}")
    print(f"coverage:     {cov or 'n/a'} edges, {ft or 'n/a'} features (libFuzzer cov/ft, highest seen)")
    print(f"wall time:    {wall:.0f} s in {len(codes)} run(s), exit statuses {codes}; libFuzzer log {log}")
    print(f"findings:     {len(records) + len(crashes)}")
    for p in records:
        rec = json.loads(p.read_text())
        print(f"  {p.name}: {rec['kind']} {rec['signature']} ({len(rec['text']):,} chars)")
    for p in crashes:
        print(f"  {p.name}: the fuzzer process died on this input (see it: {__file__} --replay {p})")
    return 1 if records or crashes or any(codes) else 0


def replay(path: str) -> int:
    """Print the article a libFuzzer input file decodes to, and what the checks say about it."""
    import atheris

    data = Path(path).read_bytes()
    text, published, lang = build_input(atheris.FuzzedDataProvider(data), vocabulary())
    print(json.dumps({"text": text, "published": published, "lang": lang}, ensure_ascii=True))
    check = make_check(float("inf"))
    t0 = time.thread_time()
    problems = check(text, published, lang)
    print(f"{time.thread_time() - t0:.2f} s CPU for {len(text):,} chars")
    for kind, sig, details in problems:
        print(kind, sig, details, sep="\n")
    return 1 if problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--seconds", type=int, default=60, help="how long to fuzz (default 60)")
    ap.add_argument("--findings", help="directory for findings (default: a new temporary directory)")
    ap.add_argument("--corpus", help="libFuzzer corpus directory, kept between runs (default: temporary)")
    ap.add_argument("--max-len", type=int, default=8192, help="largest fuzz input in bytes")
    ap.add_argument(
        "--len-control", type=int, default=100, help="libFuzzer -len_control: 0 tries long inputs at once (default 100)"
    )
    ap.add_argument("--seed", type=int, default=0, help="libFuzzer seed (0: chosen by libFuzzer)")
    ap.add_argument("--slow", type=float, default=3.0, help="CPU seconds per document that count as a finding")
    ap.add_argument("--replay", metavar="FILE", help="decode one libFuzzer input file and check it, no fuzzing")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.seconds <= 0:
        ap.error("--seconds must be positive")
    try:
        import atheris  # noqa: F401
    except ImportError:
        print(
            "atheris is not installed: pip install atheris (wheels for Linux x86-64, CPython 3.11-3.13)",
            file=sys.stderr,
        )
        return 2
    if args.replay:
        return replay(args.replay)
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    sys.exit(main())
