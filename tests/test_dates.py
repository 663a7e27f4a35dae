"""Dates: the lexicon files, reading Arabic and Persian date expressions, calendar conversions."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasad.lexicon import DataError, lang_dir
from rasad.lexicon.dates import DateLexicon, form_key, load_date_lexicon
from rasad.resources import Resources
from rasad.stages.dates import find_dates, from_gregorian, to_gregorian
from rasad.stages.normalise import normalise_text

# 28 June 2023 was a Wednesday (7 Tir 1402, 10 Dhu al-Hijjah 1444).
PUB = datetime.date(2023, 6, 28)


@pytest.fixture(scope="module")
def ar() -> DateLexicon:
    return load_date_lexicon(lang_dir("ar"))


@pytest.fixture(scope="module")
def fa() -> DateLexicon:
    return load_date_lexicon(lang_dir("fa"))


def _lex(lang: str, ar: DateLexicon, fa: DateLexicon) -> DateLexicon:
    return ar if lang == "ar" else fa


def _read(text: str, lex: DateLexicon, published: datetime.date | None) -> list[tuple[str, str | None, str | None]]:
    out = []
    for m in find_dates(text, lex, published):
        assert text[m.start : m.end] == m.value.text
        out.append((m.value.text or "", m.value.start, m.value.end))
    return out


# ------------------------------------------------------------------------------------------ the data files


def test_every_language_has_complete_date_files(ar: DateLexicon, fa: DateLexicon) -> None:
    for lex in (ar, fa):
        for cal in ("gregorian", "jalali", "hijri"):
            assert {f.month for f in lex.months.values() if f.calendar == cal} == set(range(1, 13)), cal
        assert {w.weekday for w in lex.weekdays.values()} == set(range(7))
        for kind in ("day", "week", "month", "year", "part", "modifier", "era", "from", "to", "ordinal"):
            assert lex.rel(kind), kind
        assert set(map(int, lex.rel("ordinal").values())) == set(range(1, 32))
    assert ar.calendar == "gregorian" and fa.calendar == "jalali"


def test_persian_mi_is_not_may_and_me_is_flagged(fa: DateLexicon) -> None:
    table = dict(fa.fold_table)
    assert form_key("می", table) not in fa.months
    may = fa.months[form_key("مه", table)]
    assert (may.calendar, may.month, may.ambiguous) == ("gregorian", 5, True)


def test_names_that_are_hijri_months_are_flagged(ar: DateLexicon, fa: DateLexicon) -> None:
    for lex in (ar, fa):
        table = dict(lex.fold_table)
        for name in ("رمضان", "رجب", "صفر", "شعبان"):
            assert lex.months[form_key(name, table)].ambiguous, name


def test_dushanbe_weekday_is_flagged(fa: DateLexicon) -> None:
    assert fa.weekdays[form_key("دوشنبه", dict(fa.fold_table))].ambiguous


def _write_lang(tmp: Path, months: str) -> Path:
    src = lang_dir("ar")
    (tmp / "months.tsv").write_text(months, encoding="utf-8")
    for name in ("weekdays.tsv", "relative.tsv"):
        (tmp / name).write_text((src / name).read_text(encoding="utf-8"), encoding="utf-8")
    return tmp


def test_loader_rejects_a_form_listed_twice_under_letter_variants(tmp_path: Path) -> None:
    d = _write_lang(tmp_path, "form\tcalendar\tmonth\tflags\nأبريل\tgregorian\t4\t\nابريل\tgregorian\t5\t\n")
    with pytest.raises(DataError, match="already listed"):
        load_date_lexicon(d)


def test_loader_rejects_bad_calendar_and_month(tmp_path: Path) -> None:
    with pytest.raises(DataError):
        load_date_lexicon(_write_lang(tmp_path, "form\tcalendar\tmonth\tflags\nنيسان\tjulian\t4\t\n"))
    with pytest.raises(DataError):
        load_date_lexicon(_write_lang(tmp_path, "form\tcalendar\tmonth\tflags\nنيسان\tgregorian\t13\t\n"))


# -------------------------------------------------------------------------------------------- conversions


@pytest.mark.parametrize(
    ("calendar", "ymd", "gregorian"),
    [
        ("jalali", (1403, 1, 1), datetime.date(2024, 3, 20)),  # Nowruz 1403
        ("jalali", (1402, 1, 1), datetime.date(2023, 3, 21)),  # Nowruz 1402
        ("jalali", (1357, 11, 22), datetime.date(1979, 2, 11)),  # 22 Bahman: the revolution's victory
        ("jalali", (1402, 3, 21), datetime.date(2023, 6, 11)),
        ("hijri", (1445, 9, 1), datetime.date(2024, 3, 11)),  # 1 Ramadan 1445 (Umm al-Qura)
        ("hijri", (1445, 10, 1), datetime.date(2024, 4, 10)),  # Eid al-Fitr 1445
        ("hijri", (1446, 1, 1), datetime.date(2024, 7, 7)),  # Islamic new year 1446
        ("gregorian", (2023, 6, 21), datetime.date(2023, 6, 21)),
    ],
)
def test_known_conversions(calendar: str, ymd: tuple[int, int, int], gregorian: datetime.date) -> None:
    assert to_gregorian(calendar, *ymd) == gregorian
    assert from_gregorian(calendar, gregorian) == ymd


def test_impossible_days_convert_to_nothing() -> None:
    assert to_gregorian("gregorian", 2023, 2, 29) is None
    assert to_gregorian("jalali", 1402, 12, 30) is None  # 1402 is not a leap year
    assert to_gregorian("hijri", 1445, 9, 31) is None
    assert to_gregorian("hijri", 1300, 13, 1) is None  # outside Umm al-Qura: arithmetic calendar, still checked


DAYS = st.dates(min_value=datetime.date(1925, 1, 1), max_value=datetime.date(2076, 12, 31))


@settings(max_examples=300, deadline=None)
@given(DAYS)
def test_jalali_round_trip(d: datetime.date) -> None:
    assert to_gregorian("jalali", *from_gregorian("jalali", d)) == d


@settings(max_examples=300, deadline=None)
@given(DAYS)
def test_hijri_round_trip(d: datetime.date) -> None:
    assert to_gregorian("hijri", *from_gregorian("hijri", d)) == d


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=datetime.date(1800, 1, 1), max_value=datetime.date(1924, 1, 1)))
def test_hijri_round_trip_outside_umm_al_qura(d: datetime.date) -> None:
    assert to_gregorian("hijri", *from_gregorian("hijri", d)) == d


# ----------------------------------------------------------------------------------------- reading: Arabic

# (text, published?, expected [(mention text, start, end)])
AR_CASES: list[tuple[str, bool, list[tuple[str, str | None, str | None]]]] = [
    # ranges, with and without a publication date (no year written: --MM-DD, never a guessed year)
    ("عقدت الجولة من 21 لغاية 23 حزيران في العاصمة", False, [("من 21 لغاية 23 حزيران", "--06-21", "--06-23")]),
    ("عقدت الجولة من 21 لغاية 23 حزيران في العاصمة", True, [("من 21 لغاية 23 حزيران", "2023-06-21", "2023-06-23")]),
    (
        "في الفترة من 21 لغاية 23 حزيران 2022",
        True,
        [("في الفترة من 21 لغاية 23 حزيران 2022", "2022-06-21", "2022-06-23")],
    ),
    ("من 21 إلى 23 يونيو", False, [("من 21 إلى 23 يونيو", "--06-21", "--06-23")]),
    ("بين 21 و23 يونيو", False, [("بين 21 و23 يونيو", "--06-21", "--06-23")]),
    ("21-23 حزيران", False, [("21-23 حزيران", "--06-21", "--06-23")]),
    ("من 28 ديسمبر إلى 3 يناير 2024", False, [("من 28 ديسمبر إلى 3 يناير 2024", "2023-12-28", "2024-01-03")]),
    ("من 28 ديسمبر إلى 3 يناير", False, [("من 28 ديسمبر إلى 3 يناير", "--12-28", "--01-03")]),
    # the three families of Gregorian month names, and paired names
    ("في 5 شباط 2020", False, [("5 شباط 2020", "2020-02-05", "2020-02-05")]),
    ("في 5 فبراير 2020", False, [("5 فبراير 2020", "2020-02-05", "2020-02-05")]),
    ("في 5 فيفري 2020", False, [("5 فيفري 2020", "2020-02-05", "2020-02-05")]),
    ("في 3 تشرين الثاني 2019", False, [("3 تشرين الثاني 2019", "2019-11-03", "2019-11-03")]),
    ("يوم 1 كانون الثاني 2021", False, [("يوم 1 كانون الثاني 2021", "2021-01-01", "2021-01-01")]),
    ("في 14 جويلية 2015", False, [("14 جويلية 2015", "2015-07-14", "2015-07-14")]),
    ("في 9 ابريل 2003", False, [("9 ابريل 2003", "2003-04-09", "2003-04-09")]),
    ("في 21 حزيران / يونيو 2023", False, [("21 حزيران / يونيو 2023", "2023-06-21", "2023-06-21")]),
    ("في 4 يوليو (تموز) 2023", False, [("4 يوليو (تموز) 2023", "2023-07-04", "2023-07-04")]),
    ("في الحادي عشر من سبتمبر 2001", False, [("الحادي عشر من سبتمبر 2001", "2001-09-11", "2001-09-11")]),
    ("نوفمبر 2023", False, [("نوفمبر 2023", "2023-11", "2023-11")]),
    ("21/06/2023", False, [("21/06/2023", "2023-06-21", "2023-06-21")]),
    ("2023-06-21", False, [("2023-06-21", "2023-06-21", "2023-06-21")]),
    # a day and month with no year: the year of publication, or the year before when that is far in the future
    ("في 21 حزيران", True, [("21 حزيران", "2023-06-21", "2023-06-21")]),
    ("في 28 ديسمبر", True, [("28 ديسمبر", "2022-12-28", "2022-12-28")]),
    ("في 10 يونيو الجاري", True, [("10 يونيو الجاري", "2023-06-10", "2023-06-10")]),
    ("في 10 يونيو الجاري", False, [("10 يونيو الجاري", "--06-10", "--06-10")]),
    ("في حزيران الماضي", True, [("حزيران الماضي", "2022-06", "2022-06")]),
    ("يونيو المقبل", True, [("يونيو المقبل", "2024-06", "2024-06")]),
    ("في 21 من الشهر الجاري", True, [("21 من الشهر الجاري", "2023-06-21", "2023-06-21")]),
    # Lunar Hijri
    ("في 1 رمضان 1445 ه", False, [("1 رمضان 1445 ه", "2024-03-11", "2024-03-11")]),
    ("1445/09/01 ه", False, [("1445/09/01 ه", "2024-03-11", "2024-03-11")]),
    ("في 10 رمضان", True, [("10 رمضان", "2023-04-01", "2023-04-01")]),
    ("في 10 رمضان", False, [("10 رمضان", None, None)]),
    ("رجب 1445", False, [("رجب 1445", "2024-01-13", "2024-02-10")]),
    ("في 12 ربيع الأول 1445 هجري", False, [("12 ربيع الأول 1445 هجري", "2023-09-27", "2023-09-27")]),
    # years alone
    ("عام 2014 وقعت", False, [("عام 2014", "2014", "2014")]),
    ("في 2014 وقعت", False, [("2014", "2014", "2014")]),
    ("القرار 2254 لعام 2015", False, [("عام 2015", "2015", "2015")]),
    ("سنة 1445 ه", False, [("سنة 1445 ه", "2023-07-19", "2024-07-06")]),
    ("بين عامي 2014 و2016", False, [("بين عامي 2014 و2016", "2014", "2016")]),
    ("من 2014 إلى 2016", False, [("من 2014 إلى 2016", "2014", "2016")]),
    # weekdays and relative words
    ("قال اليوم الأربعاء", True, [("اليوم الأربعاء", "2023-06-28", "2023-06-28")]),
    ("قال اليوم الأربعاء", False, [("اليوم الأربعاء", None, None)]),
    ("التقى يوم الأربعاء", True, [("يوم الأربعاء", "2023-06-28", "2023-06-28")]),
    ("التقى الثلاثاء", True, [("الثلاثاء", "2023-06-27", "2023-06-27")]),
    ("التقى الخميس", True, [("الخميس", "2023-06-22", "2023-06-22")]),
    ("الثلاثاء الماضي", True, [("الثلاثاء الماضي", "2023-06-27", "2023-06-27")]),
    ("الأربعاء الماضي", True, [("الأربعاء الماضي", "2023-06-21", "2023-06-21")]),
    ("الخميس المقبل", True, [("الخميس المقبل", "2023-06-29", "2023-06-29")]),
    ("الأربعاء 21 حزيران 2023", False, [("الأربعاء 21 حزيران 2023", "2023-06-21", "2023-06-21")]),
    ("وأمس", True, [("أمس", "2023-06-27", "2023-06-27")]),
    ("أمس الأول", True, [("أمس الأول", "2023-06-26", "2023-06-26")]),
    ("يوم أمس", True, [("يوم أمس", "2023-06-27", "2023-06-27")]),
    ("مساء أمس الثلاثاء", True, [("مساء أمس الثلاثاء", "2023-06-27", "2023-06-27")]),
    ("غدا", True, [("غدا", "2023-06-29", "2023-06-29")]),
    ("صباح اليوم", True, [("صباح اليوم", "2023-06-28", "2023-06-28")]),
    ("الليلة الماضية", True, [("الليلة الماضية", "2023-06-27", "2023-06-27")]),
    ("الأسبوع الماضي", True, [("الأسبوع الماضي", "2023-06-17", "2023-06-23")]),
    ("والشهر الماضي", True, [("الشهر الماضي", "2023-05", "2023-05")]),
    ("العام الماضي", True, [("العام الماضي", "2022", "2022")]),
    ("العام الماضي", False, [("العام الماضي", None, None)]),
    # not dates
    ("قال رمضان رحيم زاده ورجب صفروف", True, []),
    ("وصل رئيس الوزراء رجب طيب أردوغان", True, []),
    ("وقعت الاتفاقية في العاصمة دوشنبه", True, []),
    ("مارس الضغط على الأب", True, []),
    ("المادة 21 من الدستور", True, []),
    ("أكثر من 2000 شخص", True, []),
    ("بين 21 و23", True, []),
    ("ثورة تموز", True, []),
]


@pytest.mark.parametrize(("text", "with_pub", "expected"), AR_CASES)
def test_arabic(text: str, with_pub: bool, expected: list[tuple[str, str | None, str | None]], ar: DateLexicon) -> None:
    assert _read(text, ar, PUB if with_pub else None) == expected


# ---------------------------------------------------------------------------------------- reading: Persian

FA_CASES: list[tuple[str, bool, list[tuple[str, str | None, str | None]]]] = [
    ("روز 21 خرداد 1402 برگزار شد", False, [("روز 21 خرداد 1402", "2023-06-11", "2023-06-11")]),
    ("بیست و یکم خرداد", True, [("بیست و یکم خرداد", "2023-06-11", "2023-06-11")]),
    ("اول فروردین 1403", False, [("اول فروردین 1403", "2024-03-20", "2024-03-20")]),
    ("10 دی ماه", True, [("10 دی ماه", "2022-12-31", "2022-12-31")]),
    ("دی\u200cماه 1402", False, [("دی\u200cماه 1402", "2023-12-22", "2024-01-20")]),
    ("خرداد 1402", False, [("خرداد 1402", "2023-05-22", "2023-06-21")]),
    ("1402/03/21", False, [("1402/03/21", "2023-06-11", "2023-06-11")]),
    ("1402-03-21", False, [("1402-03-21", "2023-06-11", "2023-06-11")]),
    ("از 21 تا 23 خرداد", False, [("از 21 تا 23 خرداد", "--06-11", "--06-13")]),
    ("از 21 تا 23 خرداد", True, [("از 21 تا 23 خرداد", "2023-06-11", "2023-06-13")]),
    ("بین 21 و 23 خرداد", True, [("بین 21 و 23 خرداد", "2023-06-11", "2023-06-13")]),
    ("از 25 اسفند 1402 تا 5 فروردین 1403", False, [("از 25 اسفند 1402 تا 5 فروردین 1403", "2024-03-15", "2024-03-24")]),
    ("از 21 تا 23 ژوئن 2023", False, [("از 21 تا 23 ژوئن 2023", "2023-06-21", "2023-06-23")]),
    ("15 مه 2023", False, [("15 مه 2023", "2023-05-15", "2023-05-15")]),
    ("5 ژوئیه 2022", False, [("5 ژوئیه 2022", "2022-07-05", "2022-07-05")]),
    ("ربیع\u200cالاول 1445 ه.ق", False, [("ربیع\u200cالاول 1445 ه.ق", "2023-09-16", "2023-10-15")]),
    ("سال 1399", False, [("سال 1399", "2020-03-20", "2021-03-20")]),
    ("در سال 1445 قمری", False, [("سال 1445 قمری", "2023-07-19", "2024-07-06")]),
    ("سال 2023 میلادی", False, [("سال 2023 میلادی", "2023", "2023")]),
    ("سال\u200cهای 1398 تا 1400", False, [("سال\u200cهای 1398 تا 1400", "2019-03-21", "2022-03-20")]),
    ("امروز", True, [("امروز", "2023-06-28", "2023-06-28")]),
    ("دیروز", True, [("دیروز", "2023-06-27", "2023-06-27")]),
    ("فردا", True, [("فردا", "2023-06-29", "2023-06-29")]),
    ("بعدازظهر امروز", True, [("بعدازظهر امروز", "2023-06-28", "2023-06-28")]),
    ("بعد از ظهر امروز", True, [("بعد از ظهر امروز", "2023-06-28", "2023-06-28")]),
    ("بعداز ظهر امروز", True, [("بعداز ظهر امروز", "2023-06-28", "2023-06-28")]),
    ("صبح امروز", True, [("صبح امروز", "2023-06-28", "2023-06-28")]),
    ("شب گذشته", True, [("شب گذشته", "2023-06-27", "2023-06-27")]),
    ("هفته گذشته", True, [("هفته گذشته", "2023-06-17", "2023-06-23")]),
    ("ماه گذشته", True, [("ماه گذشته", "2023-05-22", "2023-06-21")]),  # Khordad 1402
    ("سال گذشته", True, [("سال گذشته", "2022-03-21", "2023-03-20")]),  # 1401
    ("روز چهارشنبه", True, [("روز چهارشنبه", "2023-06-28", "2023-06-28")]),
    ("روز چهارشنبه", False, [("روز چهارشنبه", None, None)]),
    ("چهارشنبه", True, [("چهارشنبه", "2023-06-28", "2023-06-28")]),
    ("سه\u200cشنبه", True, [("سه\u200cشنبه", "2023-06-27", "2023-06-27")]),
    ("روز دوشنبه", True, [("روز دوشنبه", "2023-06-26", "2023-06-26")]),
    ("دوشنبه گذشته", True, [("دوشنبه گذشته", "2023-06-26", "2023-06-26")]),
    ("دوشنبه 5 تیر", True, [("دوشنبه 5 تیر", "2023-06-26", "2023-06-26")]),
    ("پنج\u200cشنبه آینده", True, [("پنج\u200cشنبه آینده", "2023-06-29", "2023-06-29")]),
    # not dates
    ("او می\u200cگوید که مذاکرات ادامه دارد", True, []),
    ("در شهر دوشنبه دیدار کردند", True, []),
    ("امام جمعه تهران", True, []),
    ("در دو سال گذشته", True, []),
    ("مه غلیظ شهر را پوشاند", True, []),
    ("رمضان رحیم\u200cزاده گفت", True, []),
    ("بهمن و مهر و آبان", True, []),
]


@pytest.mark.parametrize(("text", "with_pub", "expected"), FA_CASES)
def test_persian(
    text: str, with_pub: bool, expected: list[tuple[str, str | None, str | None]], fa: DateLexicon
) -> None:
    assert _read(text, fa, PUB if with_pub else None) == expected


def test_flags_and_weekday_names(ar: DateLexicon, fa: DateLexicon) -> None:
    [m] = find_dates("عام 2014", ar, PUB)
    assert m.year_only and not m.relative and m.value.calendar == "gregorian"
    [m] = find_dates("اليوم الأربعاء", ar, None)
    assert m.relative and not m.year_only and m.value.weekday == "Wednesday" and m.value.start is None
    [m] = find_dates("في 21 حزيران", ar, PUB)
    assert m.relative and m.value.calendar == "gregorian"
    [m] = find_dates("في 21 حزيران 2023", ar, PUB)
    assert not m.relative
    [m] = find_dates("سال گذشته", fa, PUB)
    assert m.relative and m.year_only and m.value.calendar == "relative"
    [m] = find_dates("21 خرداد 1402", fa, None)
    assert m.value.calendar == "jalali" and not m.relative


def test_letter_variants_match(ar: DateLexicon, fa: DateLexicon) -> None:
    # Persian yeh/keheh in Arabic words and the reverse: folding makes them one
    assert _read("في 5 ابريل 2020", ar, None) == [("5 ابريل 2020", "2020-04-05", "2020-04-05")]
    assert _read("في 5 إبريل 2020", ar, None) == [("5 إبريل 2020", "2020-04-05", "2020-04-05")]
    assert _read("الاربعاء", ar, PUB) == [("الاربعاء", "2023-06-28", "2023-06-28")]
    assert _read("1 ذي الحجة 1444 ه", ar, None) == [("1 ذي الحجة 1444 ه", "2023-06-19", "2023-06-19")]
    assert _read("روز يكشنبه", fa, PUB) == [("روز يكشنبه", "2023-06-25", "2023-06-25")]


def test_real_normaliser_output(res: Resources) -> None:
    """Text as the normaliser leaves it: digits made ASCII, tatweel gone (هـ is ه)."""
    nt = normalise_text("الموافق ٢٢ رمضان ١٤٤٥هـ، و۲۱ خرداد ۱۴۰۲", res.normaliser)
    got = [(m.value.start, m.value.calendar) for m in find_dates(nt.text, load_date_lexicon(lang_dir("ar")), None)]
    assert got[0] == ("2024-04-01", "hijri")


# -------------------------------------------------------------------------------------------- robustness

PIECES = st.sampled_from(
    [
        "من ",
        "إلى ",
        "و",
        "21",
        "2023",
        "1402",
        "/",
        "-",
        "(",
        ")",
        "حزيران ",
        "يونيو ",
        "رمضان ",
        "عام ",
        "الأربعاء ",
        "اليوم ",
        "الماضي ",
        "سال ",
        "خرداد ",
        "تا ",
        "از ",
        "دوشنبه ",
        "امروز ",
        "ه",
        "ق",
        " ",
        "\u200c",
        "ماه ",
        "شهر ",
        "بیست و یکم ",
        "الحادي عشر ",
        "،",
        "1445",
        "06",
        "31",
        "0",
        "29 فبراير ",
        "30 اسفند ",
    ]
)
NOISE = st.lists(st.one_of(PIECES, st.characters(min_codepoint=0x20, max_codepoint=0x6FF)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(NOISE, st.one_of(st.none(), st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2070, 1, 1))))
def test_never_raises_and_offsets_are_sane(
    ar: DateLexicon, fa: DateLexicon, text: str, published: datetime.date | None
) -> None:
    for lex in (ar, fa):
        last_end = 0
        for m in find_dates(text, lex, published):
            assert 0 <= m.start <= m.end <= len(text)
            assert m.start >= last_end  # mentions do not overlap and come in text order
            last_end = m.end
            for s in (m.value.start, m.value.end):
                assert s is None or len(s) in (4, 7, 10)


@pytest.mark.parametrize(
    ("unit", "lang"), [("من 21 ", "ar"), ("بين 21 و", "ar"), ("21-", "ar"), ("1/1/", "ar"), ("از 21 تا ", "fa")]
)
def test_adversarial_200kb_input(unit: str, lang: str, ar: DateLexicon, fa: DateLexicon) -> None:
    """Repeated range openers with nothing to close them: no regex backtracking, no quadratic re-scans."""
    text = unit * (200_000 // len(unit))
    assert find_dates(text, _lex(lang, ar, fa), PUB) == []


@pytest.mark.parametrize(
    ("lang", "text", "start", "written"),
    [
        ("ar", "يوم الخميس الموافق 7 مارس 2024", "2024-03-07", "يوم الخميس الموافق 7 مارس 2024"),
        ("ar", "في 12 ربيع الأول 1445 هـ الموافق 27 سبتمبر 2023 م", "2023-09-27", None),
        ("fa", "روز ۲۱ خرداد ۱۴۰۳ برابر با ۱۰ ژوئن ۲۰۲۴", "2024-06-10", "روز ۲۱ خرداد ۱۴۰۳ برابر با ۱۰ ژوئن ۲۰۲۴"),
    ],
)
def test_one_day_written_twice_is_one_date(
    res: Resources, lang: str, text: str, start: str, written: str | None
) -> None:
    """ "Corresponding to" (الموافق، برابر با) joins two writings of one day: the second says which day."""
    found = find_dates(normalise_text(text, res.normaliser).text, res.langs[lang].dates, datetime.date(2024, 3, 4))
    assert [(m.value.start, m.value.end) for m in found] == [(start, start)]
    if written is not None:
        assert found[0].value.text == normalise_text(written, res.normaliser).text
