"""Errors found on articles written after the main tables, kept as regressions."""

from __future__ import annotations

from rasad.pipeline import Pipeline
from rasad.records import Document, InputDoc


def _run(pipeline: Pipeline, text: str, published: str) -> tuple[Document, dict[str, str]]:
    doc = pipeline.analyze(InputDoc(doc_id="r", text=text, published=published))
    return doc, {e.id: e.name for e in doc.entities}


def test_host_with_a_title_between_office_and_name(pipeline: Pipeline) -> None:
    text = (
        "استقبل رئيس مجلس الوزراء محمد شياع السوداني، اليوم الاثنين، وزير الخارجية السعودي الأمير فيصل بن فرحان "
        "والوفد المرافق له."
    )
    doc, names = _run(pipeline, text, "2025-06-09")
    consult = [e for e in doc.events if e.type == "CONSULT"]
    assert consult and consult[0].dyad == ("IRQ", "SAU")
    assert [names[x] for x in consult[0].target] == ["Faisal bin Farhan Al Saud"]


def test_no_name_made_of_the_words_before_a_title(pipeline: Pipeline) -> None:
    text = "من جانبه، نقل بن فرحان تحيات خادم الحرمين الشريفين إلى الحكومة العراقية."
    doc, _ = _run(pipeline, text, "2025-06-09")
    assert not [e for e in doc.entities if e.type == "PERSON" and "تحيات" in e.mentions[0].text]


def test_states_discussed_by_the_two_sides_are_not_participants(pipeline: Pipeline) -> None:
    text = (
        "سید عباس عراقچی وزیر امور خارجه ایران دیروز در جده با فیصل بن فرحان وزیر خارجه عربستان سعودی دیدار کرد.\n"
        "در این دیدار دو طرف درباره تحولات غزه و لبنان رایزنی کردند."
    )
    doc, names = _run(pipeline, text, "2025-03-08")
    consult = [e for e in doc.events if e.type == "CONSULT"]
    assert consult and all(e.dyad == ("IRN", "SAU") for e in consult)
    assert "Abbas Araghchi" in [names[x] for x in consult[0].source + consult[0].target]
