"""Print what rasad reads in documents (development aid): python scripts/show.py FILE..."""

import sys

from rasad.pipeline import Pipeline
from rasad.records import InputDoc

p = Pipeline.load()
print(f"resources loaded in {p.res.load_seconds:.2f}s", file=sys.stderr)
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    d = p.analyze(InputDoc(doc_id=path.rsplit("/", 1)[-1], text=text))
    print("=" * 30, d.doc_id, d.lang, d.warnings)
    ents = {e.id: e for e in d.entities}
    for e in d.entities:
        print(
            f"  {e.id:4} {e.type:7} {e.name!r:40} {e.country} | {e.role} | {e.kb_id} | "
            + ", ".join(m.text for m in e.mentions)
        )
    for ev in d.events:
        src = [ents[x].name for x in ev.source]
        tgt = [ents[x].name for x in ev.target]
        loc = ents[ev.location].name if ev.location else None
        print(
            f"  EV {ev.type}/{ev.mode}/{ev.cameo} {ev.dyad} src={src} tgt={tgt} loc={loc} "
            f"date={ev.date.to_dict() if ev.date else None} hist={ev.historical} conf={ev.confidence:.2f} "
            f"topics={list(ev.topics)}\n      « {ev.evidence.text[:150]} »"
        )
