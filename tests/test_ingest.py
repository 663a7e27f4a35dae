"""Reading input files: every format, and every bad input becomes a Skipped with its reason."""

from __future__ import annotations

import codecs
import io
import json
import os
import time
from pathlib import Path

import pytest

import rasad
from rasad.records import InputDoc
from rasad.stages.ingest import NOT_TEXT, Skipped, html_input, iter_inputs

AR = "استقبل وزير الخارجية نظيره الضيف في العاصمة اليوم وبحث معه تعزيز التعاون بين البلدين في مكافحة الإرهاب."
FA = "وزیر کشور امروز با سفیر همسایه دیدار کرد و بر گسترش همکاری‌های مرزی و مبارزه با قاچاق مواد مخدر تأکید کرد."
SAMPLES = Path(__file__).resolve().parents[1] / "src" / "rasad" / "data" / "samples"


def read(*paths: Path | str, **kw: object) -> list[InputDoc | Skipped]:
    return list(iter_inputs([str(p) for p in paths], **kw))  # type: ignore[arg-type,unused-ignore]


def one(path: Path) -> InputDoc | Skipped:
    items = read(path)
    assert len(items) == 1, items
    return items[0]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (AR.encode("utf-8"), AR),
        (codecs.BOM_UTF8 + AR.encode("utf-8"), AR),
        (codecs.BOM_UTF16_LE + FA.encode("utf-16-le"), FA),
        (codecs.BOM_UTF16_BE + AR.encode("utf-16-be"), AR),
        (AR.encode("cp1256"), AR),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "cp1256-arabic"],
)
def test_text_encodings_are_detected(tmp_path: Path, data: bytes, expected: str) -> None:
    doc = one(write(tmp_path, "a.txt", data))
    assert doc == InputDoc(doc_id="a.txt", text=expected)


def test_utf8_cut_inside_its_last_character_keeps_the_complete_text(tmp_path: Path) -> None:
    data = AR[:-1].encode("utf-8")[:-1]  # without the final ".", then cut inside the two-byte "ن"
    assert one(write(tmp_path, "cut.txt", data)) == InputDoc("cut.txt", AR[:-2])


def test_cp1256_persian_letters(tmp_path: Path) -> None:
    # Windows-1256 has پ چ ژ گ ک and ZWNJ but not Persian yeh: Persian pages written in it used Arabic yeh
    fa = FA.replace("ی", "ي")
    doc = one(write(tmp_path, "fa.txt", fa.encode("cp1256")))
    assert isinstance(doc, InputDoc)
    assert doc.text == fa


@pytest.mark.parametrize(
    "data",
    [
        "Le ministre des Affaires étrangères a reçu son homologue à Genève.".encode("latin-1"),
        "外務大臣は本日、首都で相手国の大臣と会談した。".encode("shift_jis"),
        bytes(range(0xC1, 0xFF)) * 20,  # decodes to Arabic letters in cp1256, but no word breaks: not prose
    ],
    ids=["latin1-french", "shift-jis", "high-byte-soup"],
)
def test_bytes_that_are_not_utf8_nor_cp1256_text_are_skipped(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert one(write(tmp_path, "x.txt", data)) == Skipped("x.txt", NOT_TEXT)


def test_invalid_utf16_after_bom_is_skipped(tmp_path: Path) -> None:
    item = one(write(tmp_path, "x.txt", codecs.BOM_UTF16_LE + "سلام".encode("utf-16-le") + b"\x00\xd8"))
    assert isinstance(item, Skipped)
    assert item.reason.startswith(NOT_TEXT)


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n  ", codecs.BOM_UTF8 + b"\n\n"], ids=["empty", "spaces", "bom"])
def test_empty_files_are_skipped(tmp_path: Path, data: bytes) -> None:
    assert one(write(tmp_path, "e.txt", data)) == Skipped("e.txt", "empty")


def test_binary_files_are_skipped(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4
    item = one(write(tmp_path, "image.txt", png))
    assert isinstance(item, Skipped)
    assert item.reason.startswith("binary")
    controls = (b"\x01\x02\x03\x04\x05\x06\x07\x0e\x0f" * 50) + AR.encode("utf-8")
    item = one(write(tmp_path, "ctl.txt", controls))
    assert isinstance(item, Skipped)
    assert item.reason.startswith("binary")


def test_twenty_megabyte_file_is_skipped_quickly(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    line = (AR + "\n").encode("utf-8")
    with open(p, "wb") as f:
        f.write(line * (20 * 1024 * 1024 // len(line) + 1))
    t = time.perf_counter()
    item = one(p)
    assert time.perf_counter() - t < 1.0
    assert item == Skipped("big.txt", "too large (20 MB > 10 MB)")


# --------------------------------------------------------------------------- JSON Lines


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a1", "text": AR, "title": "عنوان", "published": "2024-03-12", "source": "SPA", "url": "u"}),
        "{broken",
        "[1, 2, 3]",
        "",
        json.dumps({"id": "a3", "title": "no text"}),
        json.dumps({"id": "a4", "text": 42}),
        json.dumps({"text": FA}),
        json.dumps({"id": "a6", "text": "   "}),
    ]
    p = write(tmp_path, "in.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))
    items = read(p)
    assert items[0] == InputDoc("a1", AR, title="عنوان", published="2024-03-12", source="SPA", url="u")
    assert isinstance(items[1], Skipped) and items[1].name == "in.jsonl:2"
    assert items[1].reason.startswith("broken JSON")
    assert items[2] == Skipped("in.jsonl:3", "not a JSON object but list")
    assert items[3] == Skipped("in.jsonl:5", "record has no string 'text'")
    assert items[4] == Skipped("in.jsonl:6", "record has no string 'text'")
    assert items[5] == InputDoc("in.jsonl:7", FA)  # no id: file:line
    assert items[6] == Skipped("in.jsonl:8", "empty text")
    assert len(items) == 7


def test_jsonl_record_over_the_cap_is_skipped_and_the_rest_read(tmp_path: Path) -> None:
    big = json.dumps({"id": "big", "text": "x" * 5000})
    small = json.dumps({"id": "small", "text": AR})
    p = write(tmp_path, "in.jsonl", f"{big}\n{small}\n".encode())
    items = read(p, cap=1000)
    assert isinstance(items[0], Skipped) and items[0].name == "in.jsonl:1"
    assert items[0].reason.startswith("record too large")
    assert items[1] == InputDoc("small", AR)


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    p = write(tmp_path, "feed", (json.dumps({"id": "r", "text": AR}) + "\n").encode())
    assert read(p) == [InputDoc("r", AR)]
    q = write(tmp_path, "note", AR.encode("utf-8"))
    assert read(q) == [InputDoc("note", AR)]


# --------------------------------------------------------------------------- stdin


def test_stdin_text_and_jsonl() -> None:
    assert read("-", stdin=io.BytesIO(AR.encode("utf-8"))) == [InputDoc("stdin", AR)]
    feed = (
        json.dumps({"id": "s1", "text": AR}) + "\nnot json\n" + json.dumps({"id": "s2", "text": FA}) + "\n"
    ).encode()
    items = read("-", stdin=io.BytesIO(feed))
    assert items[0] == InputDoc("s1", AR)
    assert isinstance(items[1], Skipped) and items[1].name == "stdin:2"
    assert items[2] == InputDoc("s2", FA)
    assert read("-", stdin=io.BytesIO(b"")) == [Skipped("stdin", "empty")]
    assert read("-", stdin=io.BytesIO(b"x" * 2000), cap=1000) == [Skipped("stdin", "too large (more than 1000 bytes)")]


# --------------------------------------------------------------------------- directories


def test_directory_sorted_relative_ids_and_other_files_ignored(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "b_sub").mkdir(parents=True)
    write(root, "c.txt", FA.encode())
    write(root / "b_sub", "x.txt", AR.encode())
    write(root, "a.txt", AR.encode())
    write(root, "README.md", b"# not an input")
    write(root, "photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF")
    write(root, ".hidden.txt", AR.encode())
    ids = [getattr(i, "doc_id", None) for i in read(root)]
    assert ids == ["a.txt", "b_sub/x.txt", "c.txt"]
    full = [i.doc_id for i in read(root, root_ids=False) if isinstance(i, InputDoc)]
    assert full == [str(root / "a.txt"), str(root / "b_sub" / "x.txt"), str(root / "c.txt")]


def test_directory_with_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop root from reading, so there is nothing to test")
    write(tmp_path, "a.txt", AR.encode())
    locked = write(tmp_path, "b.txt", FA.encode())
    locked.chmod(0)
    try:
        items = read(tmp_path)
    finally:
        locked.chmod(0o644)
    assert items == [InputDoc("a.txt", AR), Skipped("b.txt", "Permission denied")]


def test_os_error_while_reading_is_skipped_with_its_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the same path as an unreadable file, testable as root too: open() fails with the OS's reason
    import rasad.stages.ingest as ingest

    write(tmp_path, "a.txt", AR.encode())
    locked = write(tmp_path, "b.txt", FA.encode())
    real_open = open

    def fake_open(path: str, *args: object, **kw: object) -> object:
        if os.path.basename(path) == locked.name:
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kw)  # type: ignore[call-overload]

    monkeypatch.setattr(ingest, "open", fake_open, raising=False)
    assert read(tmp_path) == [InputDoc("a.txt", AR), Skipped("b.txt", "Permission denied")]


def test_symlink_loops_terminate(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    write(root / "sub", "x.txt", AR.encode())
    (root / "sub" / "up").symlink_to(root, target_is_directory=True)  # directory loop
    (root / "self.txt").symlink_to(root / "self.txt")  # a link to itself
    (root / "other").symlink_to(root / "sub", target_is_directory=True)  # same directory twice
    t = time.perf_counter()
    items = read(root)
    assert time.perf_counter() - t < 2.0
    docs = [i for i in items if isinstance(i, InputDoc)]
    skipped = [i for i in items if isinstance(i, Skipped)]
    # read once, through the first path reaching it in sorted order ("other" < "sub")
    assert [d.doc_id for d in docs] == ["other/x.txt"]
    assert [s.name for s in skipped] == ["self.txt"]
    assert "symbolic links" in skipped[0].reason


def test_missing_path_is_skipped_not_raised(tmp_path: Path) -> None:
    assert read(tmp_path / "nope.txt") == [Skipped("nope.txt", "no such file or directory")]


# --------------------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>وزير الخارجية القطري يبحث مع نظيره التركي العلاقات الثنائية | وكالة الأخبار التجريبية</title>
<meta property="og:site_name" content="وكالة الأخبار التجريبية">
<meta property="article:published_time" content="2024-02-11T09:30:00+03:00">
</head><body>
<nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/sport">رياضة وملاعب</a></li></ul></nav>
<article>
<h1>وزير الخارجية القطري يبحث مع نظيره التركي العلاقات الثنائية</h1>
<p>الدوحة - بحث وزير الخارجية القطري اليوم الأحد مع نظيره التركي خلال اتصال هاتفي العلاقات الثنائية بين
البلدين وسبل تعزيزها في المجالات الاقتصادية والأمنية.</p>
<p>وتناول الاتصال آخر التطورات في المنطقة، وأكد الجانبان أهمية مواصلة التنسيق والتشاور بين البلدين
الشقيقين في القضايا ذات الاهتمام المشترك.</p>
<p>وكان الوزيران قد التقيا الشهر الماضي على هامش اجتماع إقليمي، واتفقا على عقد الاجتماع المقبل للجنة
الاستراتيجية العليا في أقرب وقت.</p>
</article>
<footer><p>جميع الحقوق محفوظة لوكالة الأخبار التجريبية</p><a href="/privacy">سياسة الخصوصية</a></footer>
</body></html>
"""


def test_html_article_title_text_date_and_site(tmp_path: Path) -> None:
    doc = one(write(tmp_path, "page.html", PAGE.encode("utf-8")))
    assert isinstance(doc, InputDoc)
    assert doc.doc_id == "page.html"
    assert doc.title == "وزير الخارجية القطري يبحث مع نظيره التركي العلاقات الثنائية"
    assert "خلال اتصال هاتفي العلاقات الثنائية" in doc.text
    assert "للجنة" in doc.text
    for furniture in ("رياضة وملاعب", "جميع الحقوق محفوظة", "سياسة الخصوصية"):
        assert furniture not in doc.text
    assert doc.published == "2024-02-11"
    assert doc.source == "وكالة الأخبار التجريبية"


def test_html_in_windows_1256_follows_its_declared_charset(tmp_path: Path) -> None:
    page = PAGE.replace('charset="utf-8"', 'charset="windows-1256"').encode("cp1256")
    doc = one(write(tmp_path, "old.htm", page))
    assert isinstance(doc, InputDoc)
    assert doc.title == "وزير الخارجية القطري يبحث مع نظيره التركي العلاقات الثنائية"
    assert "اتصال هاتفي" in doc.text


def test_html_without_article_text_is_skipped(tmp_path: Path) -> None:
    item = one(
        write(
            tmp_path, "blank.htm", b"<html><head><title>x</title><script>var a = 1;</script></head><body></body></html>"
        )
    )
    assert item == Skipped("blank.htm", "no article text found in the HTML page")


# --------------------------------------------------------------------------- bundled samples


def test_bundled_samples_are_complete_and_in_step() -> None:
    txt = sorted(SAMPLES.glob("[0-9][0-9]_*.txt"))
    assert len(txt) == 14
    assert sum("_ar_" in p.name for p in txt) == 8
    assert sum("_fa_" in p.name for p in txt) == 6
    records = [i for i in read(SAMPLES / "samples.jsonl")]
    assert all(isinstance(r, InputDoc) for r in records)
    by_id = {r.doc_id: r for r in records if isinstance(r, InputDoc)}
    assert sorted(by_id) == [p.stem for p in txt]
    for p in txt:
        title, _, body = p.read_text(encoding="utf-8").partition("\n\n")
        rec = by_id[p.stem]
        assert rec.title == title.strip()
        assert rec.text.strip() == body.strip()
        assert rec.url is not None and ".invalid/" in rec.url
        assert rec.published is not None and len(rec.published) == 10
        assert 150 <= len(body.split()) <= 400, p.name


PERSIAN_PAGE = """<!doctype html><html lang="fa" dir="rtl"><head><meta charset="utf-8">
<title>دیدار وزیران کشور دو کشور در تهران</title></head><body><article>
<h1>دیدار وزیران کشور دو کشور در تهران</h1>
<p>وزیر کشور ایران روز سه\u200cشنبه در تهران با همتای عراقی خود دیدار کرد و درباره همکاری\u200cهای امنیتی و مبارزه با
قاچاق مواد مخدر گفت&zwnj;وگو کرد.</p>
<p>دو طرف بر ادامه رایزنی&#8204;ها و تشکیل کمیته مشترک مرزی تأکید کردند و قرار شد نشست بعدی در ماه آینده
برگزار شود.</p>
</article></body></html>
"""


def test_html_keeps_the_zwnj_inside_persian_words(tmp_path: Path) -> None:
    doc = one(write(tmp_path, "fa.html", PERSIAN_PAGE.encode("utf-8")))
    assert isinstance(doc, InputDoc)
    for word in ("سه\u200cشنبه", "همکاری\u200cهای", "گفت\u200cوگو", "رایزنی\u200cها"):
        assert word in doc.text
    assert "\u2422" not in doc.text
    # and the weekday is read as a date once the word is whole again
    out = rasad.analyze(doc.text, lang="fa", published="2024-05-16")
    assert any(e.date is not None and e.date.weekday == "Tuesday" for e in out.events)


def test_a_page_that_uses_the_stand_in_character_itself_is_left_as_it_is() -> None:
    page = PERSIAN_PAGE.replace("</article>", "<p>نماد \u2422 در این متن آمده است و باید بماند.</p></article>")
    doc = html_input(page.encode("utf-8"), "odd.html")
    assert isinstance(doc, InputDoc)
    assert "\u2422" in doc.text
