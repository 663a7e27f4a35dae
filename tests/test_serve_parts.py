"""The web interface's parts on their own: text marking, charts, labels, languages, URLs."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from rasad.serve import charts, i18n, marks
from rasad.serve.labels import load_labels
from rasad.serve.site import other_calendars, safe_url, text_dir


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.ok = True
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.ok = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check(markup: str) -> str:
    """The markup's text, after checking every element closes in order."""
    p = _Balance()
    p.feed(markup)
    p.close()
    assert p.ok and not p.stack, markup
    return "".join(p.text)


TEXT = st.text(alphabet=st.sampled_from("ابت ثجح\n<>&\"'یک1 a"), max_size=40)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), text=TEXT)
def test_marked_text_is_well_formed_and_keeps_every_character(data: st.DataObject, text: str) -> None:
    n = len(text)
    spans = data.draw(
        st.lists(st.tuples(st.integers(-2, n + 2), st.integers(-2, n + 2), st.integers(0, 2)), max_size=6)
    )
    ms = [marks.Mark(s, e, ("mark", "span", "a")[k], f"c{k}", k, href="/x" if k == 2 else None) for s, e, k in spans]
    out = marks.render(text, ms)
    assert check(str(out)) == text
    assert "<script" not in out


def test_crossing_spans_are_split_and_each_range_stays_marked() -> None:
    text = "abcdefghij"
    out = str(marks.render(text, [marks.Mark(0, 6, "mark", "ev", 0, anchor="ev"), marks.Mark(4, 8, "span", "m", 1)]))
    assert out == '<mark class="ev" id="ev">abcd<span class="m">ef</span></mark><span class="m">gh</span>ij'


def test_marks_outside_the_text_are_ignored() -> None:
    assert str(marks.render("abc", [marks.Mark(2, 9, "b", "x", 0), marks.Mark(-1, 2, "b", "x", 0)])) == "abc"


def test_highlight_finds_either_scripts_spelling() -> None:
    arabic = "استقبل رحيم زاده نظيره في كابل"
    out = str(marks.highlight(arabic, "رحیم‌زاده کابل"))
    assert re.findall(r'<mark class="hit">([^<]*)</mark>', out) == ["رحيم زاده", "كابل"]
    assert check(out) == arabic
    assert str(marks.highlight("<i>x</i>", "x")) == '&lt;i&gt;<mark class="hit">x</mark>&lt;/i&gt;'


def test_months_are_binned_continuously() -> None:
    counts = {("2023-11", "CONSULT"): 2, ("2024-02", "ACCUSE"): 1, ("2024-02", "CONSULT"): 3}
    bins, unit = charts.bin_months(counts, ["CONSULT", "ACCUSE"])
    assert unit == "month"
    assert [b.key for b in bins][-4:] == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert len(bins) == charts.MIN_BINS
    assert bins[-1].counts == (("CONSULT", 3), ("ACCUSE", 1))
    long_run = {(f"{y}-{m:02d}", "AID"): 1 for y in range(1990, 2024) for m in (1, 7)}
    yearly, unit = charts.bin_months(long_run, ["AID"])
    assert unit == "year" and len(yearly) == 34 and all(b.total == 2 for b in yearly)
    quarterly, unit = charts.bin_months({("2000-01", "AID"): 1, ("2019-12", "AID"): 1}, ["AID"])
    assert unit == "quarter" and len(quarterly) == 80
    assert charts.bin_months({("2024", "AID"): 1, ("bad", "AID"): 1}, ["AID"]) == ([], "month")


def test_timeline_escapes_labels_and_draws_one_segment_per_count() -> None:
    bins = [charts.Bin("2024-01", "2024-01", (("CONSULT", 2), ("<x>", 1)))]
    svg = str(charts.timeline_svg(bins, {"CONSULT": "#123456"}, title="<t>"))
    assert svg.count("<rect ") == 2 and "&lt;x&gt;" in svg and "<x>" not in svg and "&lt;t&gt;" in svg
    check(svg)


def test_force_layout_is_deterministic_and_in_the_unit_square() -> None:
    keys = [f"N{i}" for i in range(12)]
    edges = [charts.Edge(keys[i], keys[(i * 5 + 1) % 12], i + 1, "CONSULT") for i in range(12)]
    a = charts.force_layout(keys, edges)
    b = charts.force_layout(keys, edges)
    assert a == b
    assert all(0.0 <= x <= 1.0 and 0.0 <= y <= 1.0 for x, y in a.values())
    assert len({(round(x, 3), round(y, 3)) for x, y in a.values()}) == 12
    nodes = [charts.Node(k, f"<{k}>", 1, href="/actor/" + k) for k in keys]
    svg = str(charts.network_svg(nodes, edges, {}, title="net"))
    assert svg.count('<circle class="node"') == 12 and "&lt;N0&gt;" in svg
    check(svg)


def test_type_colours_follow_the_quad_classes() -> None:
    labels = load_labels()
    colours = charts.type_colours(labels)
    assert set(colours) == set(labels.types) and len(labels.types) == 16
    for q, shades in charts.QUAD_SHADES.items():
        of_quad = [colours[t] for t, info in labels.types.items() if info.quad == q]
        assert of_quad and len(set(of_quad)) == len(of_quad) and set(of_quad) <= set(shades)
    css = charts.palette_css(labels)
    assert ".t-CONSULT{--tc:" in css and ".q4{--qc:" in css


def test_labels_explain_codes_from_the_ontology_files() -> None:
    labels = load_labels()
    assert labels.type_quad("ASSAULT") == 4 and labels.type_quad("CONSULT") == 1
    info = labels.cameo_info("0431")  # not in the table: its base code explains it
    assert info is not None and info.code in ("0431", "043", "04")
    assert labels.cameo_info(None) is None
    assert labels.country("IRN") == "Iran"
    assert labels.country("IRN", "fa") == "ایران"
    assert labels.country("XYZ") == "XYZ"


def test_interface_language_choice() -> None:
    assert i18n.choose("fa", "ar") == "fa"
    assert i18n.choose(None, "ar") == "ar"
    assert i18n.choose("xx", "yy") == "en"
    t = i18n.translator(i18n.load_catalogues(), "ar")
    assert t.dir == "rtl" and t("events.showing", first=1, last=2, total=3) == "الأحداث 1–2 من 3"
    assert t("no.such.key") == "no.such.key" and t.get("type.NOPE", "NOPE") == "NOPE"


def test_only_web_urls_become_links() -> None:
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "vbscript:x", "", None, "//x"):
        assert safe_url(bad) is None, bad


def test_text_direction_and_other_calendars() -> None:
    assert text_dir("استقبل وزير الخارجية Hakan Fidan") == "rtl"
    assert text_dir("وزیر کشور ایران") == "rtl"
    assert text_dir("The minister met النظير") == "ltr"
    assert text_dir("2024-05-13 (12)") == "auto" and text_dir(None) == "auto"
    assert other_calendars("2024-05-13") == ("1403-02-24", "1445-11-05")
    assert other_calendars("2024-05") is None and other_calendars("2024-13-45") is None


def test_escaping_helper_agrees_with_the_standard_library() -> None:
    text = "a<b>&\"'"
    assert html.unescape(str(marks.render(text, []))) == text


def test_latin_runs_inside_arabic_text_are_isolated() -> None:
    text = "قالت وكالة الأنباء (INA) إن Recep Tayyip Erdoğan زار بغداد يوم 2024-05-13. وقال Mr. Smith."
    out = str(marks.render(text, marks.latin_runs(text)))
    assert re.findall(r'<bdi class="latin">([^<]*)</bdi>', out) == ["INA", "Recep Tayyip Erdoğan", "Mr. Smith"]
    assert check(out) == text
    assert marks.latin_runs("لا حروف لاتينية هنا ١٢٣") == []
