"""Language identification: Arabic against Persian on single sentences, and other languages."""

from __future__ import annotations

import pytest

from rasad.resources import Resources
from rasad.stages.language import identify

ARABIC = [
    "التقى وزير الخارجية نظيره العراقي في بغداد.",
    "أعلنت وزارة الداخلية عن توقيع مذكرة تفاهم مع الجانب التركي.",
    "دعا الرئيس إلى وقف فوري لإطلاق النار في غزة.",
    "وقال المتحدث إن المباحثات تناولت التعاون الأمني بين البلدين.",
    "أدانت المملكة العربية السعودية الهجوم الإرهابي على المسجد.",
    "وصل رئيس الوزراء الباكستاني إلى الرياض في زيارة رسمية.",
    "بحث الجانبان سبل مكافحة تهريب المخدرات عبر الحدود.",
    "استقبل أمير قطر وزير الخارجية الإيراني في الدوحة.",
    "أكد الوزير على أهمية تبادل المعلومات بين الأجهزة الأمنية.",
    "هددت الحكومة بفرض عقوبات جديدة على الشركات المخالفة.",
    "اعتقلت الشرطة خمسة مشتبه بهم في عملية تهريب أسلحة.",
    "من المقرر أن يزور الوفد العاصمة المصرية الأسبوع المقبل.",
    "نفذت القوات المشتركة مناورات عسكرية على الحدود الشمالية.",
    "طالب البرلمان الحكومة بتقديم تقرير عن أوضاع اللاجئين.",
    "رفضت الخارجية الاتهامات التي وجهتها واشنطن إلى طهران.",
    "تظاهر آلاف المواطنين أمام مقر البرلمان احتجاجا على الغلاء.",
    "انسحبت القوات من المنطقة بعد التوصل إلى اتفاق لوقف إطلاق النار.",
    "قدمت الإمارات مساعدات إنسانية إلى المتضررين من الزلزال.",
    "وجرى خلال اللقاء بحث العلاقات الثنائية وسبل تطويرها.",
    "كشفت مصادر أن الاجتماع سيعقد في موسكو يوم الخميس.",
    "وأشار إلى أن التعاون في مجال الطاقة يشهد تطورا ملحوظا.",
    "وفي ختام الزيارة صدر بيان مشترك عن الجانبين.",
]
PERSIAN = [
    "وزیر امور خارجه با همتای عراقی خود در بغداد دیدار کرد.",
    "وزارت کشور از امضای تفاهم‌نامه با طرف ترکیه خبر داد.",
    "رئیس‌جمهور خواستار توقف فوری درگیری‌ها در غزه شد.",
    "سخنگو گفت که مذاکرات درباره همکاری‌های امنیتی دو کشور بود.",
    "ایران حمله تروریستی به مسجد را به شدت محکوم کرد.",
    "نخست‌وزیر پاکستان برای سفری رسمی وارد تهران شد.",
    "دو طرف درباره راه‌های مبارزه با قاچاق مواد مخدر گفت‌وگو کردند.",
    "امیر قطر وزیر خارجه ایران را در دوحه به حضور پذیرفت.",
    "وزیر بر اهمیت تبادل اطلاعات میان دستگاه‌های امنیتی تاکید کرد.",
    "دولت تهدید کرد که تحریم‌های تازه‌ای اعمال خواهد کرد.",
    "پلیس پنج مظنون را در یک عملیات قاچاق سلاح بازداشت کرد.",
    "قرار است هیئت هفته آینده از پایتخت مصر دیدن کند.",
    "نیروهای مشترک رزمایش نظامی در مرزهای شمالی برگزار کردند.",
    "مجلس از دولت خواست گزارشی درباره وضعیت پناهجویان ارائه دهد.",
    "وزارت خارجه اتهام‌های واشنگتن علیه تهران را رد کرد.",
    "هزاران نفر در اعتراض به گرانی مقابل مجلس تجمع کردند.",
    "به گزارش ایرنا، نشست کمیسیون مشترک دو کشور امروز برگزار شد.",
    "امارات کمک‌های بشردوستانه برای زلزله‌زدگان ارسال کرد.",
    "در این دیدار روابط دوجانبه و راه‌های توسعه آن بررسی شد.",
    "این نشست روز پنجشنبه در مسکو برگزار می‌شود.",
    "وی گفت همکاری در حوزه انرژی پیشرفت چشمگیری داشته است.",
    # written with Arabic yeh and kaf, as old keyboards do
    "وزير كشور در سفر به تاجيكستان با همتاي خود ديدار كرد.",
]
OTHER = [
    ("The foreign ministers met in Geneva to discuss the ceasefire.", "en"),
    ("Министр иностранных дел России провёл переговоры в Тегеране.", "ru"),
    ("Le ministre de l'Intérieur a signé un accord avec son homologue.", "fr"),
    ("Dışişleri Bakanı Tahran'da mevkidaşıyla görüştü.", "tr"),
]


@pytest.mark.parametrize("sentence", ARABIC)
def test_arabic_sentences(res: Resources, sentence: str) -> None:
    assert identify(sentence, res.language_model) == "ar"


@pytest.mark.parametrize("sentence", PERSIAN)
def test_persian_sentences(res: Resources, sentence: str) -> None:
    assert identify(sentence, res.language_model) == "fa"


@pytest.mark.parametrize(("sentence", "lang"), OTHER)
def test_other_languages(res: Resources, sentence: str, lang: str) -> None:
    assert identify(sentence, res.language_model) == lang


def test_accuracy_over_all_sentences(res: Resources) -> None:
    cases = [(s, "ar") for s in ARABIC] + [(s, "fa") for s in PERSIAN] + OTHER
    right = sum(identify(s, res.language_model) == lang for s, lang in cases)
    assert len(cases) >= 40
    assert right / len(cases) >= 0.97


def test_no_letters_is_undetermined(res: Resources) -> None:
    assert identify("12345 !!! 2024/03/21", res.language_model) == "und"
    assert identify("", res.language_model) == "und"
