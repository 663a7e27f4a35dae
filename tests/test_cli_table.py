"""The plain table `rasad events` prints: widths in display columns, cut cells, right-to-left cells, no rows."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner

from rasad.cli import main
from rasad.cli.table import ELLIPSIS, char_width, clean, is_rtl, render, text_width, truncate
from rasad.store.db import connect
from rasad.store.ingest import ingest_documents
from test_store_helpers import VERSIONS, ar_later, corpus

FSI, PDI = "\u2068", "\u2069"
PERSIAN = "رحیم‌زاده"  # with a ZWNJ: 9 characters, 8 columns
VOWELLED = "مُحَمَّد"  # four letters, four marks: 4 columns


def starts(line: str, values: list[str]) -> list[int]:
    """Display column at which each value begins in the line (values in order)."""
    cols, pos = [], 0
    for v in values:
        pos = line.index(v, pos)
        cols.append(text_width(line[:pos]))
        pos += len(v)
    return cols


def test_widths_count_display_columns() -> None:
    assert [char_width(c) for c in "a→ب\u064e\u200c中"] == [1, 1, 1, 0, 0, 2]
    assert text_width(PERSIAN) == 8 and len(PERSIAN) == 9
    assert text_width(VOWELLED) == 4
    assert text_width("東京 Tokyo") == 10
    assert is_rtl(PERSIAN) and is_rtl("שלום") and not is_rtl("Tehran → Dushanbe")


def test_truncate_cuts_to_the_width_with_an_ellipsis() -> None:
    assert truncate("Mohammad Reza Gharaei Ashtiani", 12) == "Mohammad Re" + ELLIPSIS
    assert truncate("Mohammad Reza", 9) == "Mohammad" + ELLIPSIS  # no space left before the ellipsis
    assert truncate("short", 5) == "short"
    assert truncate("東京東京", 5) == "東京" + ELLIPSIS  # a wide character never half-fits
    assert text_width(truncate("東京東京", 5)) == 5
    # marks stay with their letter: nothing is cut between a letter and its vowel sign
    cut = truncate(VOWELLED + " علي", 4)
    assert cut == VOWELLED[:7] + ELLIPSIS and text_width(cut) == 4  # the third letter keeps both its marks


def test_clean_keeps_one_line_and_drops_direction_controls() -> None:
    assert clean("Tehran\nDushanbe\t") == "Tehran Dushanbe "
    assert clean("\u202eevil") == "evil"
    assert clean(PERSIAN) == PERSIAN  # a ZWNJ is part of the word, not a control


def test_columns_line_up_with_wide_and_right_to_left_cells() -> None:
    rows = [["1", "Tehran", "IRNA"], ["22", "東京", "NHK"], ["333", PERSIAN, "وكالة"], ["4", VOWELLED, "x"]]
    lines = render(["n", "where", "outlet"], rows)
    header_cols = starts(lines[0], ["n", "where", "outlet"])
    for line, row in zip(lines[1:], rows, strict=True):
        assert starts(line, row) == header_cols
    assert all(line == line.rstrip() for line in lines)


def test_right_to_left_cells_are_isolated_on_request() -> None:
    (head, row) = render(["where", "lang"], [[PERSIAN, "fa"]], isolate=True)
    assert FSI + PERSIAN + PDI in row
    assert starts(row, [FSI + PERSIAN, "fa"]) == starts(head, ["where", "lang"])
    (_, plain) = render(["where", "lang"], [[PERSIAN, "fa"]])
    assert FSI not in plain and PDI not in plain


def test_caps_and_terminal_width() -> None:
    who = "Mongolia, Mohammad Reza Gharaei Ashtiani, Jean-Marc Ayrault, Abdullah II"
    lines = render(["event", "who", "lang"], [["e-1", who, "fa"]], max_widths=[None, 20, None])
    assert lines[1] == "e-1    " + truncate(who, 20).ljust(20) + "  fa"
    rows = [["e-1", "Tashkent", who, "fa"]]
    fitted = render(["event", "where", "who", "lang"], rows, max_widths=[None, 20, 64], total_width=40)
    assert max(text_width(line) for line in fitted) == 40
    assert fitted[1] == "e-1    Tashkent  " + truncate(who, 17) + "  fa"  # the widest column gave way alone
    # uncapped columns (ids) are never cut; capped ones stop at their header's width; then lines overflow
    tiny = render(["event", "who"], [["abcdefgh", "xyz uvw"]], max_widths=[None, 64], total_width=4)
    assert tiny == ["event     who", "abcdefgh  xy" + ELLIPSIS]


def test_no_rows_gives_the_header_alone() -> None:
    assert render(["event", "date"], []) == ["event  date"]
    with pytest.raises(ValueError, match="2 cells"):
        render(["event", "date"], [["only one"]])


# --------------------------------------------------------------------------- through the command


@pytest.fixture()
def db(tmp_path: Path) -> str:
    path = tmp_path / "corpus.db"
    conn = connect(path).conn
    arabic_outlet = dataclasses.replace(ar_later(), source="وكالة الأنباء")
    ingest_documents(conn, [*corpus()[:2], arabic_outlet], versions=VERSIONS)
    conn.close()
    return str(path)


def test_events_table_is_aligned_with_an_arabic_outlet(db: str) -> None:
    result = CliRunner().invoke(main, ["events", "--db", db])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["event", "date", "type", "cameo", "dyad", "who", "where", "lang", "outlet", "story"]
    assert len(lines) == 4 and "3 of 3 events" in result.stderr
    story_col = starts(lines[0], ["story"])[0]
    for line in lines[1:]:
        assert text_width(line[: line.rindex(" S") + 1]) == story_col  # every story id starts under its header
    arabic = next(line for line in lines[1:] if "وكالة الأنباء" in line)
    assert "Tehran" in arabic and "Rahimzoda → Ahmad Vahidi" in arabic
    assert FSI not in result.stdout  # a pipe gets the text as stored


def test_events_table_with_no_match(db: str) -> None:
    result = CliRunner().invoke(main, ["events", "--db", db, "--dyad", "IRN-RUS"])
    assert result.exit_code == 0
    assert result.stdout.split() == ["event", "date", "type", "cameo", "dyad", "who", "where", "lang", "outlet",
                                     "story"]  # fmt: skip
    assert "0 of 0 events" in result.stderr


def test_events_table_counts_beyond_the_page(db: str) -> None:
    result = CliRunner().invoke(main, ["events", "--db", db, "--limit", "1", "--state", "TJK"])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 2 and "1 of 3 events" in result.stderr
