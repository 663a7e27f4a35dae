"""Reading feeds: RSS 2.0, RSS 1.0 (RDF), Atom and news sitemaps, into a list of article links.

Feeds come from the network, so the XML is hostile until proven otherwise: it is parsed with expat
directly, entity declarations are refused (no "billion laughs"), external entities and DTDs are never
loaded, and the number of items read is bounded. Anything that is not a feed raises `FeedError` with
a reason a person can act on.
"""

from __future__ import annotations

import email.utils
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit
from xml.parsers import expat

MAX_ITEMS = 5000  # a news sitemap holds at most 1,000 URLs; feeds far fewer

_ATOM = "http://www.w3.org/2005/Atom"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_DC = "http://purl.org/dc/elements/1.1/"
_NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
# query parameters that only track the reader; the same article with other values is the same article
_URL_SAFE = "/%:@!$&'()*+,;=-._~?"  # characters left as they are; existing %XX escapes are kept
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|yclid|mc_cid|mc_eid)$", re.IGNORECASE)


class FeedError(ValueError):
    """The document is not a feed rasad can read; the message says why."""


@dataclass(frozen=True, slots=True)
class FeedItem:
    url: str  # the article's address, absolute and canonical (see `canonical_url`)
    guid: str | None = None
    title: str | None = None
    published: str | None = None  # ISO 8601, with the feed's own UTC offset when it gave one


@dataclass(frozen=True, slots=True)
class Feed:
    kind: str  # "rss" | "rdf" | "atom" | "sitemap"
    title: str | None
    items: tuple[FeedItem, ...]


# --------------------------------------------------------------------------- URLs


def canonical_url(url: str) -> str | None:
    """The form an article address is remembered by: http(s) only, lower-case scheme and host, no default
    port, no fragment, no tracking parameters. None for anything that is not a web address."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    try:
        host = parts.hostname.encode("idna").decode("ascii").lower()  # an Arabic-script domain name
    except UnicodeError:
        return None
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal keeps its brackets
    if port is not None and port != (80 if scheme == "http" else 443):
        host = f"{host}:{port}"
    if parts.username or parts.password:
        return None  # credentials in a feed link are a trap, not an article
    query = parts.query
    pairs = parse_qsl(query, keep_blank_values=True)
    if any(_TRACKING.match(k) for k, _ in pairs):
        query = urlencode([(k, v) for k, v in pairs if not _TRACKING.match(k)])
    # feeds often carry Arabic or Persian paths unescaped; HTTP needs them percent-encoded
    path = quote(parts.path or "/", safe=_URL_SAFE)
    return urlunsplit((scheme, host, path, quote(query, safe=_URL_SAFE), ""))


# --------------------------------------------------------------------------- safe XML


def _qname(name: str) -> str:
    # expat gives "namespace-uri local" with the separator below; ElementTree spells it "{uri}local"
    uri, sep, local = name.rpartition(" ")
    return f"{{{uri}}}{local}" if sep else name


def _refuse_entities(*_args: object) -> None:
    raise FeedError("XML entity declarations are not accepted (they can expand without bound)")


def _refuse_external(*_args: object) -> int:
    raise FeedError("XML external entities are not accepted")


def parse_xml(data: bytes) -> ET.Element:
    """An element tree of `data`, refusing entity declarations and never loading anything external."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _refuse_entities
    parser.UnparsedEntityDeclHandler = _refuse_entities
    parser.ExternalEntityRefHandler = _refuse_external
    parser.buffer_text = True
    parser.StartElementHandler = lambda name, attrs: builder.start(
        _qname(name), {_qname(k): v for k, v in attrs.items()}
    )
    parser.EndElementHandler = lambda name: builder.end(_qname(name))
    parser.CharacterDataHandler = builder.data
    # an XML declaration must come first; servers that emit a blank line before it are common
    stripped = data.lstrip(b" \t\r\n")
    if stripped.startswith(b"<?xml"):
        data = stripped
    try:
        parser.Parse(data, True)
    except expat.ExpatError as e:
        head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if head.startswith((b"<!doctype html", b"<html")):
            raise FeedError("not XML but an HTML page") from None
        raise FeedError(f"not well-formed XML: {expat.ErrorString(e.code)} at line {e.lineno}") from None
    try:
        return builder.close()
    except AssertionError:  # TreeBuilder's way of saying nothing was built
        raise FeedError("empty XML document") from None


# --------------------------------------------------------------------------- helpers


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _ns(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def _child(el: ET.Element, local: str, ns: str | None = None) -> ET.Element | None:
    for c in el:
        if _local(c.tag) == local and (ns is None or _ns(c.tag) == ns):
            return c
    return None


def _text(el: ET.Element | None) -> str | None:
    if el is None:
        return None
    t = "".join(el.itertext()).strip()
    return " ".join(t.split()) or None


def _rfc822(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value.strip()).isoformat()
    except (TypeError, ValueError, IndexError):
        return _w3c(value)  # some RSS feeds use ISO dates in pubDate


def _w3c(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return None


def _item(base: str, link: str | None, guid: str | None, title: str | None, published: str | None) -> FeedItem | None:
    url = canonical_url(urljoin(base, link)) if link else None
    if url is None:
        return None
    return FeedItem(url=url, guid=guid, title=title, published=published)


# --------------------------------------------------------------------------- formats


def _rss_item(base: str, el: ET.Element) -> FeedItem | None:
    link = _text(_child(el, "link", ""))
    guid_el = _child(el, "guid")
    guid = _text(guid_el)
    if not link and guid and guid_el is not None and guid_el.get("isPermaLink", "true").lower() != "false":
        link = guid  # a permalink guid is the article's address
    if not link:
        atom_link = _child(el, "link", _ATOM)
        link = atom_link.get("href") if atom_link is not None else None
    published = _rfc822(_text(_child(el, "pubDate"))) or _w3c(_text(_child(el, "date", _DC)))
    return _item(base, link, guid, _text(_child(el, "title")), published)


def _rss(root: ET.Element, base: str) -> Feed:
    channel = _child(root, "channel")
    if channel is None:
        raise FeedError("an RSS document without a channel")
    items = [_rss_item(base, el) for el in channel if _local(el.tag) == "item"]
    return Feed("rss", _text(_child(channel, "title")), _keep(items))


def _rdf(root: ET.Element, base: str) -> Feed:
    channel = _child(root, "channel")
    items = [
        _item(base, _text(_child(el, "link")), el.get(f"{{{_RDF}}}about"), _text(_child(el, "title")),
              _w3c(_text(_child(el, "date", _DC))))
        for el in root
        if _local(el.tag) == "item"
    ]  # fmt: skip
    return Feed("rdf", _text(_child(channel, "title")) if channel is not None else None, _keep(items))


def _atom_link(entry: ET.Element) -> str | None:
    best: str | None = None
    for el in entry:
        if _local(el.tag) != "link" or not el.get("href"):
            continue
        rel = el.get("rel", "alternate")
        if rel == "alternate" and el.get("type", "text/html") in ("text/html", "application/xhtml+xml"):
            return el.get("href")
        if rel == "alternate" and best is None:
            best = el.get("href")
    return best


def _atom(root: ET.Element, base: str) -> Feed:
    items = []
    for entry in root:
        if _local(entry.tag) != "entry":
            continue
        published = _w3c(_text(_child(entry, "published"))) or _w3c(_text(_child(entry, "updated")))
        items.append(
            _item(base, _atom_link(entry), _text(_child(entry, "id")), _text(_child(entry, "title")), published)
        )
    return Feed("atom", _text(_child(root, "title")), _keep(items))


def _sitemap(root: ET.Element, base: str) -> Feed:
    items = []
    for url_el in root:
        if _local(url_el.tag) != "url":
            continue
        news = _child(url_el, "news", _NEWS)
        title = published = None
        if news is not None:
            title = _text(_child(news, "title", _NEWS))
            published = _w3c(_text(_child(news, "publication_date", _NEWS)))
        published = published or _w3c(_text(_child(url_el, "lastmod")))
        items.append(_item(base, _text(_child(url_el, "loc")), None, title, published))
    return Feed("sitemap", None, _keep(items))


def _keep(items: list[FeedItem | None]) -> tuple[FeedItem, ...]:
    """Items with a usable address, each address once, at most MAX_ITEMS."""
    out: list[FeedItem] = []
    seen: set[str] = set()
    for it in items:
        if it is None or it.url in seen:
            continue
        seen.add(it.url)
        out.append(it)
        if len(out) >= MAX_ITEMS:
            break
    return tuple(out)


def parse_feed(data: bytes, base_url: str) -> Feed:
    """The articles a feed lists; relative links are resolved against `base_url` (where it was fetched)."""
    if not data.strip():
        raise FeedError("empty response")
    root = parse_xml(data)
    local, ns = _local(root.tag), _ns(root.tag)
    if local == "rss":
        return _rss(root, base_url)
    if local == "RDF" and ns == _RDF:
        return _rdf(root, base_url)
    if local == "feed" and ns == _ATOM:
        return _atom(root, base_url)
    if local == "urlset":
        return _sitemap(root, base_url)
    if local == "sitemapindex":
        first = next((_text(_child(s, "loc")) for s in root if _local(s.tag) == "sitemap"), None)
        hint = f", e.g. {first}" if first else ""
        raise FeedError(f"a sitemap index, not a news sitemap: add one of the sitemaps it lists{hint}")
    if local == "html":
        raise FeedError("not a feed but an XHTML page")
    raise FeedError(f"not a feed (RSS, Atom or sitemap): the document is <{local}>")
