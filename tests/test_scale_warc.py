"""The WARC reader: records, HTTP responses, pages, and what is reported instead of a page."""

from __future__ import annotations

import gzip
import io
import zlib

import pytest

from rasad.records import InputDoc
from rasad.scale.sources import page_input
from rasad.scale.warc import HtmlPage, WarcError, iter_pages, iter_records, parse_http_response
from rasad.stages.ingest import Skipped

# A short invented Persian news page: navigation and footer around a three-paragraph article.
PAGE_FA = """<!DOCTYPE html>
<html lang="fa" dir="rtl"><head><meta charset="utf-8">
<title>دیدار وزیران خارجه ایران و عمان در مسقط | خبرگزاری آزمایشی</title>
<meta property="og:site_name" content="خبرگزاری آزمایشی">
</head><body>
<nav><a href="/">صفحه نخست</a> <a href="/varzesh">ورزش و بازی</a></nav>
<article>
<h1>دیدار وزیران خارجه ایران و عمان در مسقط</h1>
<p>مسقط - وزیر امور خارجه ایران روز دوشنبه در سفری رسمی به مسقط با همتای عمانی خود دیدار و درباره
روابط دوجانبه و همکاری‌های اقتصادی گفتگو کرد.</p>
<p>دو طرف در این دیدار بر ادامه رایزنی‌های منظم میان دو کشور همسایه و گسترش همکاری در زمینه امنیت
دریایی و تجارت تاکید کردند.</p>
<p>این دومین سفر وزیر خارجه ایران به عمان در سال جاری است و قرار است کمیسیون مشترک دو کشور ماه آینده
در تهران تشکیل جلسه دهد.</p>
</article>
<footer>کلیه حقوق برای خبرگزاری آزمایشی محفوظ است</footer>
</body></html>
"""


def http_response(body: bytes, status: str = "200 OK", headers: tuple[str, ...] = ()) -> bytes:
    head = [f"HTTP/1.1 {status}", "Content-Type: text/html; charset=utf-8", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body


def warc_record(wtype: str, block: bytes, uri: str | None = None, content_type: str | None = None, n: int = 1) -> bytes:
    headers = [
        "WARC/1.0",
        f"WARC-Type: {wtype}",
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012d}>",
        "WARC-Date: 2024-06-03T08:00:00Z",
    ]
    if uri:
        headers.append(f"WARC-Target-URI: {uri}")
    if content_type:
        headers.append(f"Content-Type: {content_type}")
    headers.append(f"Content-Length: {len(block)}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode("utf-8") + block + b"\r\n\r\n"


def response(uri: str, http: bytes, n: int = 1) -> bytes:
    return warc_record("response", http, uri, "application/http; msgtype=response", n)


def warc_file(records: list[bytes], compress: bool = True) -> bytes:
    """A WARC file as Common Crawl writes them: one gzip member per record."""
    if not compress:
        return b"".join(records)
    return b"".join(gzip.compress(r) for r in records)


def news_warc() -> bytes:
    """warcinfo, a request, an article, a redirect, a PDF and a second article: the mix of a crawl."""
    return warc_file(
        [
            warc_record("warcinfo", b"software: test\r\n", content_type="application/warc-fields", n=1),
            warc_record("request", b"GET /a HTTP/1.1\r\n\r\n", "https://news.example/a", "application/http", n=2),
            response("https://news.example/a", http_response(PAGE_FA.encode("utf-8")), n=3),
            response("https://news.example/old", http_response(b"", "301 Moved Permanently"), n=4),
            response(
                "https://news.example/f.pdf",
                http_response(b"%PDF-1.4", headers=("Content-Type: application/pdf",)).replace(
                    b"Content-Type: text/html; charset=utf-8\r\n", b""
                ),
                n=5,
            ),
            response("https://news.example/b", http_response(PAGE_FA.replace("دوشنبه", "سه‌شنبه").encode()), n=6),
        ]
    )


def test_records_of_a_gzip_warc_in_order_with_headers() -> None:
    recs = list(iter_records(io.BytesIO(news_warc())))
    assert [r.type for r in recs] == ["warcinfo", "request", "response", "response", "response", "response"]
    assert recs[2].header("warc-target-uri") == "https://news.example/a"  # names compare case-insensitively
    assert recs[2].version == "WARC/1.0"
    assert recs[0].block == b"software: test\r\n"


def test_uncompressed_warc_reads_the_same() -> None:
    records = [response("https://news.example/a", http_response(b"<html><p>x</p></html>"))]
    (rec,) = iter_records(io.BytesIO(warc_file(records, compress=False)))
    assert parse_http_response(rec.block).body == b"<html><p>x</p></html>"


def test_pages_and_the_reasons_for_the_other_responses() -> None:
    out = list(iter_pages(io.BytesIO(news_warc()), "cc.warc.gz"))
    pages = [o for o in out if isinstance(o, HtmlPage)]
    assert [p.doc_id for p in pages] == ["https://news.example/a", "https://news.example/b"]
    assert pages[0].crawled == "2024-06-03T08:00:00Z"
    assert pages[0].html == PAGE_FA.encode("utf-8")
    skipped = [o for o in out if isinstance(o, Skipped)]
    assert skipped == [
        Skipped("https://news.example/old", "HTTP status 301, not a page"),
        Skipped("https://news.example/f.pdf", "not an HTML page (application/pdf)"),
    ]


def test_chunked_and_gzip_encoded_bodies_are_decoded() -> None:
    html = "<html><body><p>سلام</p></body></html>".encode()
    packed = gzip.compress(html)
    chunked = b"".join(
        f"{len(packed[i : i + 7]):x}\r\n".encode() + packed[i : i + 7] + b"\r\n" for i in range(0, len(packed), 7)
    )
    block = http_response(chunked + b"0\r\n\r\n", headers=("Transfer-Encoding: chunked", "Content-Encoding: gzip"))
    assert parse_http_response(block).body == html
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    deflated = raw_deflate.compress(html) + raw_deflate.flush()
    assert parse_http_response(http_response(deflated, headers=("Content-Encoding: deflate",))).body == html


def test_an_already_decoded_body_with_its_headers_kept_is_left_alone() -> None:
    # some crawlers store the payload decoded but keep the original headers
    html = b"<html><body><p>ok</p></body></html>"
    block = http_response(html, headers=("Transfer-Encoding: chunked", "Content-Encoding: gzip"))
    assert parse_http_response(block).body == html


def test_unsupported_encoding_and_bad_status_line_raise() -> None:
    with pytest.raises(WarcError, match="'br' is not supported"):
        parse_http_response(http_response(b"\x8b\x00\x01", headers=("Content-Encoding: br",)))
    with pytest.raises(WarcError, match="not an HTTP status line"):
        parse_http_response(b"hello\r\n\r\nbody")


def test_folded_header_lines_are_joined() -> None:
    block = b"x"
    rec = (
        b"WARC/1.1\r\nWARC-Type: resource\r\nWARC-Target-URI: https://a.example/\r\n  more\r\n"
        + f"Content-Length: {len(block)}\r\n\r\n".encode()
        + block
        + b"\r\n\r\n"
    )
    (r,) = iter_records(io.BytesIO(rec))
    assert r.header("WARC-Target-URI") == "https://a.example/ more"
    assert r.version == "WARC/1.1"


def test_a_truncated_file_yields_what_was_read_then_the_reason() -> None:
    data = warc_file([response("https://news.example/a", http_response(PAGE_FA.encode()), n=1)], compress=False)
    data += response("https://news.example/b", http_response(PAGE_FA.encode()), n=2)[:300]
    out = list(iter_pages(io.BytesIO(data), "part.warc"))
    assert isinstance(out[0], HtmlPage)
    assert isinstance(out[1], Skipped) and out[1].name == "part.warc"
    assert out[1].reason.startswith("broken WARC file: record 2: file ends inside the block")
    gz = gzip.compress(data)[:-40]
    out = list(iter_pages(io.BytesIO(gz), "part.warc.gz"))
    assert isinstance(out[-1], Skipped) and out[-1].reason.startswith("broken WARC file:")


def test_a_file_that_is_not_warc_is_reported() -> None:
    out = list(iter_pages(io.BytesIO(b"<html>not a warc</html>\n"), "x.warc"))
    reason = "broken WARC file: record 1: expected a WARC/ version line, found b'<html>not a warc</html>\\n'"
    assert out == [Skipped("x.warc", reason)]
    with pytest.raises(WarcError, match="no valid Content-Length"):
        list(iter_records(io.BytesIO(b"WARC/1.0\r\nWARC-Type: response\r\n\r\n")))


def test_page_text_comes_from_the_shared_html_extractor() -> None:
    (page, *_) = [o for o in iter_pages(io.BytesIO(news_warc()), "cc.warc.gz") if isinstance(o, HtmlPage)]
    doc = page_input(page)
    assert isinstance(doc, InputDoc)
    assert doc.doc_id == doc.url == "https://news.example/a"
    assert doc.title == "دیدار وزیران خارجه ایران و عمان در مسقط"
    assert "امنیت" in doc.text and "کمیسیون مشترک" in doc.text
    assert "ورزش و بازی" not in doc.text and "حقوق" not in doc.text
    empty = page_input(HtmlPage("https://news.example/e", None, b"<html><body><script>1</script></body></html>", None))
    assert empty == Skipped("https://news.example/e", "no article text found in the HTML page")
