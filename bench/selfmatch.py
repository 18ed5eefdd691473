"""Does each phrase find its own words inside a sentence?

    python bench/selfmatch.py                 # the bundled bank
    python bench/selfmatch.py --rubric PATH   # any rubric
    python bench/selfmatch.py --list          # and each failure

Every phrase (except those ending in a -(으)ㅁ noun form, which no sentence says as written)
is put in three carrier sentences ('음 그러니까 {phrase}이 중요하거든요.', '제가 알기로는
{phrase}을 써요.', '그래서 {phrase}은 핵심이에요.', particles fitted to the last letter) and
scored as an answer to its own question. A phrase that misses its own key point there is read
differently alone than in a sentence (Kiwi splitting a word one way and not the other), or is
blocked by a rule about the carrier. No labels are involved: it checks the scorer against the
rubric's own text.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.rubric import load_rubric  # noqa: E402


def _coda(text: str) -> bool:
    ch = text.rstrip()[-1:]
    return bool(ch) and "가" <= ch <= "힣" and (ord(ch) - 0xAC00) % 28 != 0


def carriers(phrase: str) -> list[str]:
    c = _coda(phrase)
    return [f"음 그러니까 {phrase}{'이' if c else '가'} 중요하거든요.",
            f"제가 알기로는 {phrase}{'을' if c else '를'} 써요.",
            f"그래서 {phrase}{'은' if c else '는'} 핵심이에요."]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rubric", default=None, help="rubric path (default: the bundled bank)")
    ap.add_argument("--list", action="store_true", help="print each failure")
    args = ap.parse_args(argv)

    from interviewer.scoring.analysis import KiwiAnalyzer
    from interviewer.scoring.scorer import Scorer

    rubric = load_rubric(args.rubric)
    scorer = Scorer(rubric, KiwiAnalyzer())
    items = [(q.id, kp.id, p, sentence)
             for q in rubric.questions for kp in q.key_points for p in kp.phrases
             if not p.rstrip().endswith(("음", "함", "됨", "짐", "림", "남", "옴"))
             for sentence in carriers(p)]
    failed = []
    for (qid, kid, p, sentence), result in zip(items, scorer.score_many((q, s) for q, _, _, s in items)):
        k = next(k for k in result.key_points if k.id == kid)
        if not k.covered:
            failed.append((qid, kid, p, sentence, k.similarity))
    print(f"{scorer.signature}")
    print(f"phrases in sentences: {len(items)}  missed their own key point: {len(failed)} ({len(failed) / max(len(items), 1):.1%})")
    if args.list:
        for qid, kid, p, sentence, sim in failed:
            print(f"  {qid}/{kid}  {p!r} in {sentence!r}: best {sim:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
