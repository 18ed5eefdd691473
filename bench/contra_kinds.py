"""What the credited contradictions say: a map of what lexical rules could still catch.

    python bench/contra_kinds.py             # dev split, main and contra sets together
    python bench/contra_kinds.py --examples 10

A labeled contradiction is *credited* when the scorer covers the point anyway. For each one,
the sentence holding the evidence that credited it is put in the first kind it fits:
  antonym       a glossary antonym of one of the point's direction words ('작게' for '큰 학습률')
  number        a number none of the point's phrases has ('1/fan_in' for a '2/fan_in' point)
  negator       a negator the scope rules did not tie to the point ('GPU는 … 안 쓰였고')
  other words   none of these: a wrong fact in other words ('앞쪽 층일수록 과제에 특화된 특징')
Even rules that caught every antonym, number and negator perfectly would leave the last kind
credited: its share of all labeled contradictions is a floor for this kind of matcher.
Dev split only: looking at held-out mistakes would tune on them.
"""

from __future__ import annotations

import argparse
import bisect
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from accuracy import DATA, LABEL_SETS, split_labels  # noqa: E402

from interviewer.evaluate import load_labels  # noqa: E402
from interviewer.rubric import load_rubric  # noqa: E402
from interviewer.scoring.match import _is_number  # noqa: E402

KINDS = ("antonym", "number", "negator", "other words")


def kind_of(scorer, question, kp_index: int, analysis, evidence_start: int) -> str:
    glossary = scorer.glossary
    targets = [t for t in scorer.compiled(question).targets if t.owner == "kp" and t.index == kp_index]
    words = set().union(*(t.keys for t in targets))
    direction = {w for w in words if w in glossary.antonyms}
    opposite = set().union(*(glossary.antonyms[w] for w in direction)) - direction
    numbers = {w for w in words if _is_number(w)}

    first = next(j for j, m in enumerate(analysis.morphs) if m.end > evidence_start)
    start = analysis.sentence_start(first)
    ends = analysis.sentence_ends
    k = bisect.bisect_left(ends, first)
    end = ends[k] if k < len(ends) else len(analysis.morphs)
    said = [u.key for u in glossary.canonical(analysis) if start <= u.first <= end]
    if any(key in opposite for key in said):
        return "antonym"
    if numbers and any(_is_number(key) and key not in numbers for key in said):
        return "number"
    if any(start <= n <= end for n in analysis.negators):
        return "negator"
    return "other words"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", type=int, default=3, metavar="N", help="answers to show per kind (default 3)")
    args = ap.parse_args(argv)

    from interviewer.scoring.analysis import KiwiAnalyzer
    from interviewer.scoring.scorer import Scorer

    rubric = load_rubric()
    paths = sorted(p for pattern in LABEL_SETS.values() for p in DATA.glob(pattern))
    labels = [lb for lb in split_labels(load_labels(paths, rubric), "dev") if lb.contradicted]
    scorer = Scorer(rubric, KiwiAnalyzer())
    analyses = scorer.analyze_many(lb.answer for lb in labels)

    labeled = 0
    kinds: Counter[str] = Counter()
    shown: dict[str, list[str]] = defaultdict(list)
    for lb, analysis in zip(labels, analyses):
        question = rubric.question(lb.question)
        result = scorer.score_analysis(question, analysis)
        for i, kp in enumerate(result.key_points):
            if kp.id not in lb.contradicted:
                continue
            labeled += 1
            if kp.covered:
                kind = kind_of(scorer, question, i, analysis, kp.evidence.start)
                kinds[kind] += 1
                shown[kind].append(f"  [{lb.question} {kp.id}] \"{kp.evidence.text}\" :: {lb.answer[:100]}")

    credited = sum(kinds.values())
    print(f"dev split: {labeled} labeled contradictions, {credited} credited ({credited / labeled:.1%})")
    print(f"signature: {scorer.signature}\n")
    for kind in KINDS:
        print(f"{kind:<12} {kinds[kind]:4}  ({kinds[kind] / labeled:.1%} of labeled)")
    for kind in KINDS:
        if shown[kind][:args.examples]:
            print(f"\n{kind}:")
            print("\n".join(shown[kind][:args.examples]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
