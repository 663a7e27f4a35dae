"""What entity recognition adds to the foundation's time, per 500-word article.

    python bench/bench_entities.py [--n 300] [--words 500] [--rounds 6] [--seed 0]

The foundation is normalisation, language identification and tokenisation (`Pipeline(until="tokens")`);
entity recognition is everything up to and including linking (`Pipeline(until="entities")`). Both run
in this one process, on the same resources and the same generated articles (consecutive generated
documents of one language joined until they reach `--words` words), in alternating rounds: a burst of
load from other processes then slows both rather than one. The CPU time of each round is measured
(`time.process_time`, steadier than the wall clock on a shared machine), and the best round of each is
kept, as timeit does. Prints both, their difference per 500 words, and the load average around the run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

TARGET_MS = 2.0  # what entity recognition may add per 500-word article (issue "Entities")
WARMUP = 20


def _articles(n: int, words: int, seed: int) -> list[tuple[str, str | None]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ is a folder of scripts, not a package
    from generate import articles

    return [(str(a["text"]), a["published"]) for a in articles(n, words, seed)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--n", type=int, default=300, help="articles (default 300)")
    ap.add_argument("--words", type=int, default=500, help="words per article at least (default 500)")
    ap.add_argument("--rounds", type=int, default=6, help="alternating rounds; the best of each is kept")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    from rasad.pipeline import Pipeline
    from rasad.records import InputDoc
    from rasad.resources import load_resources

    load_before = os.getloadavg()
    articles = [
        InputDoc(doc_id=f"a{i}", text=t, published=p)
        for i, (t, p) in enumerate(_articles(args.n + WARMUP, args.words, args.seed))
    ]
    warm, batch = articles[:WARMUP], articles[WARMUP:]
    words = sum(len(d.text.split()) for d in batch)
    res = load_resources()
    stages = {"foundation": Pipeline(res, until="tokens"), "entities": Pipeline(res, until="entities")}
    for p in stages.values():
        for d in warm:
            p.analyze(d)
    rounds: dict[str, list[float]] = {name: [] for name in stages}
    for _ in range(args.rounds):
        for name, p in stages.items():
            t = time.process_time()
            for d in batch:
                p.analyze(d)
            rounds[name].append((time.process_time() - t) * 1000 * 500 / words)  # ms per 500 words
    best = {name: min(v) for name, v in rounds.items()}
    added = best["entities"] - best["foundation"]
    load_after = os.getloadavg()
    print(f"articles            {len(batch)} (mean {words / len(batch):.0f} words), {args.rounds} rounds each")
    for name, v in rounds.items():
        print(f"{name:<19} best {best[name]:.2f} ms CPU per 500 words (rounds: {', '.join(f'{x:.2f}' for x in v)})")
    verdict = "met" if added <= TARGET_MS else "NOT met"
    print(f"entity recognition  adds {added:.2f} ms CPU per 500-word article (target {TARGET_MS:g} ms: {verdict})")
    before, after = (" / ".join(f"{x:.2f}" for x in load) for load in (load_before, load_after))
    print(f"load average        before {before}, after {after} (1/5/15 min; {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
