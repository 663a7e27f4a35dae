"""Rows of the Spark tables and back; input records of every format as `InputDoc`s."""

from __future__ import annotations

from datetime import date

from rasad.records import DateValue, Document, Entity, Event, InputDoc, Span
from rasad.scale import rows, sources
from rasad.stages.ingest import Skipped


def full_document() -> Document:
    """A document with every optional field set somewhere, and one left empty somewhere else."""
    text = "استقبل وزير الخارجية العماني في مسقط يوم الاثنين نظيره الإيراني."
    ents = (
        Entity("e1", "PERSON", "Badr Albusaidi", "وزير الخارجية العماني", "OMN", "foreign minister", "Q1",
               (Span("وزير الخارجية العماني", 7, 28),), key="badr_albusaidi", role_key="FOREIGN_MINISTER"),
        Entity("e2", "PLACE", "Muscat", "مسقط", "OMN", None, None, (Span("مسقط", 32, 36),), key="muscat"),
        Entity("e3", "ORG", "Ministry", "الوزارة", "IRN", None, None, (Span("x", 0, 1), Span("y", 2, 3)),
               key="mfa", sector="GOV"),
    )
    evs = (
        Event("ev1", "CONSULT", "visit", "043", ("e1",), ("e3",), ("IRN", "OMN"), "e2",
              DateValue("2024-06-03", "2024-06-03", "يوم الاثنين", "Monday", "relative"), ("economy_trade",),
              ("economic",), False, 0.8125, Span(text[:20], 0, 20), Span("استقبل", 0, 6)),
        Event("ev2", "AGREE", None, None, ("e3",), (), ("IRN",), None, None, (), (), True, 0.5, Span("x", 1, 2)),
    )
    return Document("d.txt", "ar", "عنوان", "2024-06-04", "وكالة", "ab" * 32, ents, evs, ("a warning",), text,
                    "https://example.invalid/d")


def test_rows_round_trip_to_the_same_document() -> None:
    doc = full_document()
    key = (0, "file:///in/a.jsonl", 0, 3)
    drow = rows.document_row(doc, key, duplicates=2)
    assert drow["uid"] == "ab" * 8 and drow["month"] == "2024-06" and drow["duplicates"] == 2
    assert (drow["src_arg"], drow["src_file"], drow["src_block"], drow["src_row"]) == key
    erows = rows.entity_rows(doc)
    vrows = rows.event_rows(doc)
    assert [r["event_uid"] for r in vrows] == ["abababababababab-1", "abababababababab-2"]
    # shuffled, as a table scan may return them
    back = rows.document_from_rows(drow, erows[::-1], vrows[::-1])
    assert back == doc


def test_month_of_publication() -> None:
    assert rows.month_of("2023-08-22T10:00:00+03:00") == "2023-08"
    assert rows.month_of(None) == rows.month_of("yesterday") == "unknown"


def test_input_format_by_suffix() -> None:
    assert sources.input_format("s3a://bucket/cc/CC-NEWS-20240603.warc.gz") == "warc"
    assert sources.input_format("/data/in.jsonl") == sources.input_format("x.ndjson.bz2") == "jsonl"
    assert sources.input_format("hdfs:///t/docs.parquet/") == "parquet"
    assert sources.input_format("/data/in.txt") is None


def test_file_and_block_names() -> None:
    assert sources.file_name("file:///tmp/my%20dir/a%20b.jsonl") == "a b.jsonl"
    assert sources.file_name("/tmp/a.jsonl") == "a.jsonl"
    assert sources.block_name("file:///x/a.jsonl", 0) == "a.jsonl"
    assert sources.block_name("file:///x/a.jsonl", 134217728) == "a.jsonl@134217728"


def test_jsonl_block_names_records_by_line_as_ingest_does() -> None:
    lines = ['{"id": "n1", "text": "نص"}', "", '{"text": "بلا معرف"}', "{broken", '{"id": 7, "text": " "}']
    out = list(sources.jsonl_block(lines, "a.jsonl"))
    assert out[0] == InputDoc("n1", "نص")
    assert out[1] == InputDoc("a.jsonl:3", "بلا معرف")
    assert isinstance(out[2], Skipped) and out[2].name == "a.jsonl:4" and out[2].reason.startswith("broken JSON")
    assert out[3] == Skipped("a.jsonl:5", "empty text")


def test_table_record_columns_and_metadata() -> None:
    rec = {"id": 12, "text": "متن خبر", "title": None, "published": date(2024, 6, 3),
           "metadata": {"title": "عنوان", "source": "ایرنا", "url": None}}
    assert sources.table_record(rec, "t.parquet:1") == InputDoc(
        "12", "متن خبر", title="عنوان", published="2024-06-03", source="ایرنا"
    )
    as_json = {"id": None, "text": "t", "metadata": '{"url": "https://e.invalid/1", "published": "2024-01-02"}'}
    assert sources.table_record(as_json, "t.parquet:2") == InputDoc(
        "t.parquet:2", "t", published="2024-01-02", url="https://e.invalid/1"
    )
    assert sources.table_record({"id": "x", "text": None}, "w") == Skipped("w", "record has no string 'text'")
    assert sources.table_record({"id": "x", "text": "  "}, "w") == Skipped("w", "empty text")
    assert sources.table_record({"id": True, "text": "t"}, "w").doc_id == "w"  # type: ignore[union-attr]
