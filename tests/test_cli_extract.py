"""`rasad extract` and `rasad demo` through Click's test runner (and once as the installed command)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from rasad.cli import main
from rasad.pipeline import Pipeline

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO.parent / "shared" / "spec" / "document.schema.json"

AR = "استقبل وزير الخارجية العراقي في بغداد اليوم نظيره التركي وبحث معه تعزيز التعاون الأمني بين البلدين."
FA = "وزیر امور خارجه ایران امروز در تهران با همتای ازبک خود دیدار و درباره همکاری‌های اقتصادی گفت‌وگو کرد."
SUMMARY = re.compile(
    r"^rasad extract: (\d+) documents(?: \(([^)]*)\))?, (\d+) warnings, (\d+) skipped, "
    r"(?:\d+ failed, )?[\d.]+ s, [\d.]+ documents/s$",
    re.M,
)


def run(*args: str, input: str | bytes | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input)


def lines(stdout: str) -> list[dict[str, Any]]:
    out = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    assert all(isinstance(d, dict) for d in out)
    return out


def validate(docs: list[dict[str, Any]]) -> None:
    if not SCHEMA.is_file():
        pytest.skip(f"output schema not found at {SCHEMA}: cannot validate against the contract")
    import jsonschema

    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    for d in docs:
        validator.validate(d)


@pytest.fixture(scope="module")
def loaded() -> Iterator[Pipeline]:
    yield Pipeline.load()


@pytest.fixture(autouse=True)
def one_pipeline(monkeypatch: pytest.MonkeyPatch, loaded: Pipeline) -> None:
    """Every in-process command (and forked pool worker) reuses one loaded pipeline: loading takes a second."""

    def load(cls: type[Pipeline], until: str | None = None) -> Pipeline:
        assert until is None
        return loaded

    monkeypatch.setattr(Pipeline, "load", classmethod(load))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "ar.txt").write_text(AR, encoding="utf-8")
    (root / "fa.txt").write_text(FA, encoding="utf-8")
    return root


def test_extract_directory_ok(corpus: Path) -> None:
    r = run("extract", str(corpus))
    assert r.exit_code == 0, r.stderr
    docs = lines(r.stdout)
    assert [d["doc_id"] for d in docs] == ["ar.txt", "fa.txt"]
    assert [d["lang"] for d in docs] == ["ar", "fa"]
    validate(docs)
    m = SUMMARY.search(r.stderr)
    assert m is not None, r.stderr
    assert m.group(1) == "2" and m.group(4) == "0"
    assert sorted(m.group(2).split(", ")) == ["ar 1", "fa 1"]


def test_extract_skipped_input_exits_1_and_names_it(corpus: Path) -> None:
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "latin1.txt").write_bytes("Réunion à Genève".encode("latin-1"))
    r = run("extract", str(corpus))
    assert r.exit_code == 1
    assert len(lines(r.stdout)) == 2
    assert "warning: skipped empty.txt: empty" in r.stderr
    assert "warning: skipped latin1.txt: not UTF-8, UTF-16 or Windows-1256 text" in r.stderr
    m = SUMMARY.search(r.stderr)
    assert m is not None and m.group(1) == "2" and m.group(4) == "2"


def test_extract_jsonl_keeps_metadata_and_reports_bad_lines(tmp_path: Path) -> None:
    p = tmp_path / "feed.jsonl"
    recs = [
        json.dumps({"id": "r1", "text": AR, "title": "عنوان", "published": "2023-08-22", "source": "INA"}),
        "[]",
        json.dumps({"id": "r2", "text": FA}),
    ]
    p.write_text("\n".join(recs) + "\n", encoding="utf-8")
    r = run("extract", str(p), "--published", "2024-01-31")
    assert r.exit_code == 1
    assert "warning: skipped feed.jsonl:2: not a JSON object but list" in r.stderr
    docs = lines(r.stdout)
    validate(docs)
    assert [(d["doc_id"], d["title"], d["published"], d["source"]) for d in docs] == [
        ("r1", "عنوان", "2023-08-22", "INA"),
        ("r2", None, "2024-01-31", None),  # --published fills in only the missing date
    ]


def test_extract_output_file_stdin_and_forced_language(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    r = run("extract", "-", "-o", str(out), "--lang", "fa", input=AR.encode("utf-8"))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    docs = lines(out.read_text(encoding="utf-8"))
    assert [(d["doc_id"], d["lang"]) for d in docs] == [("stdin", "fa")]
    validate(docs)


@pytest.mark.parametrize(
    "args",
    [
        ["extract", "/no/such/path.txt"],
        ["extract"],
        ["extract", "-", "--lang", "en"],
        ["extract", "-", "--published", "yesterday"],
        ["extract", "-", "--workers", "0"],
        ["extract", "-", "--bogus"],
    ],
    ids=["missing-path", "no-path", "bad-lang", "bad-date", "zero-workers", "unknown-option"],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    r = run(*args, input="")
    assert r.exit_code == 2
    assert "Error" in r.stderr


def test_missing_path_message_names_it() -> None:
    r = run("extract", "/no/such/path.txt")
    assert "/no/such/path.txt" in r.stderr and "does not exist" in r.stderr


def test_workers_give_the_same_output_in_the_same_order(tmp_path: Path) -> None:
    root = tmp_path / "many"
    root.mkdir()
    for i in range(40):
        (root / f"{i:03d}.txt").write_text((AR if i % 3 else FA) + f" {i}", encoding="utf-8")
    one = run("extract", str(root), "--workers", "1")
    two = run("extract", str(root), "--workers", "2")
    assert one.exit_code == two.exit_code == 0, two.stderr
    assert one.stdout == two.stdout
    assert len(lines(two.stdout)) == 40


def test_workers_default_to_the_cores_and_a_small_input_stays_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rasad.scale import pool

    pools: list[int] = []
    real = pool.outcomes

    def counting(docs, workers, factory, **kw):  # type: ignore[no-untyped-def]
        pools.append(workers)
        return real(docs, workers, factory, **kw)

    monkeypatch.setattr(pool, "outcomes", counting)
    monkeypatch.setattr(pool, "default_workers", lambda: 2)
    root = tmp_path / "docs"
    root.mkdir()
    for i in range(pool.CHUNKSIZE):
        (root / f"{i:03d}.txt").write_text(AR + f" {i}", encoding="utf-8")
    small = run("extract", str(root))  # one chunk: a pool would hand it to one worker
    assert small.exit_code == 0 and len(lines(small.stdout)) == pool.CHUNKSIZE and pools == []
    (root / "extra.txt").write_text(FA, encoding="utf-8")
    more = run("extract", str(root))
    assert more.exit_code == 0 and pools == [2]
    assert lines(more.stdout)[: pool.CHUNKSIZE] == lines(small.stdout)


def test_version() -> None:
    from rasad import __version__

    r = run("--version")
    assert r.exit_code == 0
    assert r.stdout.strip() == f"rasad {__version__}"


def test_demo_writes_the_samples(tmp_path: Path) -> None:
    out = tmp_path / "demo.jsonl"
    r = run("demo", "--out", str(out))
    assert r.exit_code == 0, r.stderr
    docs = lines(out.read_text(encoding="utf-8"))
    assert len(docs) == 14
    assert sum(d["lang"] == "ar" for d in docs) == 8
    assert sum(d["lang"] == "fa" for d in docs) == 6
    assert all(d["published"] and d["title"] for d in docs)
    validate(docs)
    for d in docs:
        assert d["doc_id"] in r.stdout
    assert "rasad demo: 14 documents" in r.stderr


def test_installed_command(tmp_path: Path, corpus: Path) -> None:
    exe = shutil.which("rasad", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("the rasad command is not installed in this environment (pip install -e .)")
    (corpus / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    p = subprocess.run([exe, "extract", str(corpus)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 1
    assert [d["doc_id"] for d in lines(p.stdout)] == ["ar.txt", "fa.txt"]
    assert "warning: skipped bin.txt: binary file (NUL bytes)" in p.stderr
    assert SUMMARY.search(p.stderr)


def test_run_extract_reports_a_failing_document_and_goes_on(loaded: Pipeline) -> None:
    import io

    from rasad.cli.extract import run_extract
    from rasad.records import Document, InputDoc
    from rasad.stages.ingest import Skipped

    real = loaded

    class Flaky:
        def analyze(self, doc: InputDoc, lang: str | None = None) -> Document:
            if doc.doc_id == "bad":
                raise ValueError("boom")
            return real.analyze(doc, lang=lang)

    inputs = [InputDoc(f"d{i}", AR) for i in range(25)] + [InputDoc("bad", AR), Skipped("x.txt", "empty")]
    out = io.BytesIO()
    # show_progress exercises the Rich bar (more than 20 documents) on a non-terminal stderr
    stats = run_extract(inputs, out, show_progress=True, pipeline=Flaky())  # type: ignore[arg-type]
    assert (stats.documents, stats.failed, stats.skipped) == (25, 1, 1)
    assert stats.by_lang == {"ar": 25}
    assert len(out.getvalue().splitlines()) == 25
    assert "1 failed" in stats.summary()


def test_describe_event_reads_like_a_sentence() -> None:
    from rasad.cli.extract import describe_event
    from rasad.records import DateValue, Document, Entity, Event, Span

    def ent(i: str, typ: str, name: str) -> Entity:
        return Entity(i, typ, name, name, None, None, None, (Span(name, 0, 1),))

    ents = (ent("e1", "COUNTRY", "Turkey"), ent("e2", "COUNTRY", "Iraq"), ent("e3", "PLACE", "Baghdad"))
    ev = Event(
        id="v1", type="CONSULT", mode="visit", cameo="042", source=("e1",), target=("e2",), dyad=("IRQ", "TUR"),
        location="e3", date=DateValue("2023-08-22", "2023-08-22", "اليوم الثلاثاء"), topics=(), context=(),
        historical=False, confidence=0.9, evidence=Span("x", 0, 1),
    )  # fmt: skip
    bg = Event(
        id="v2", type="ACCUSE", mode=None, cameo=None, source=("e2",), target=(), dyad=("IRQ",),
        location=None, date=None, topics=(), context=(), historical=True, confidence=0.5, evidence=Span("x", 0, 1),
    )  # fmt: skip
    doc = Document("d", "ar", None, None, None, "0" * 64, ents, (ev, bg), ())
    assert describe_event(doc, 0) == "CONSULT (042) Turkey → Iraq at Baghdad on 2023-08-22"
    assert describe_event(doc, 1) == "ACCUSE Iraq (background)"
