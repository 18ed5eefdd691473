"""Accuracy of key-point matching on the labeled dev set, against two baselines.

    python bench/accuracy.py                 # held-out split (the figure we report)
    python bench/accuracy.py --split dev     # the split we tune on
    python bench/accuracy.py --split all --json
    python bench/accuracy.py --set contra    # the contradiction probe (see below)

Prints, in one run, precision / recall / F1, the share of labeled contradictions that were
credited anyway, and recall per answer style, for:
  interviewer      the scorer (Kiwi morphemes, glossary, windowed fuzzy match, polarity)
  exact-substring  a key point is covered when one of its phrases occurs verbatim (case-folded)
  partial-ratio    rapidfuzz fuzz.partial_ratio(phrase, answer) >= 80 on the raw text
The held-out questions (bench/data/split.json) are never used for tuning.

Two labeled sets, split the same way by question:
  main    bench/data/dev-*.jsonl: 350 answers in nine styles (the figure in the README)
  contra  bench/data/contra-*.jsonl: 402 answers written to probe polarity, 3 per bank question:
          two that contradict key points in the point's own words ('negation') and one that
          uses negation words while being right ('negcorrect'). Written by helpers who saw
          question-bank.md only, never the rubric or the scorer.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from rapidfuzz import fuzz  # noqa: E402

from interviewer.evaluate import Prediction, evaluate, load_labels, prediction_of  # noqa: E402
from interviewer.rubric import load_rubric  # noqa: E402

DATA = HERE / "data"
LABEL_SETS = {"main": "dev-*.jsonl", "contra": "contra-*.jsonl"}
LABEL_FILES = sorted(DATA.glob(LABEL_SETS["main"]))
PARTIAL_RATIO_CUTOFF = 80


def split_labels(labels, split: str):
    heldout = set(json.loads((DATA / "split.json").read_text(encoding="utf-8"))["heldout"])
    if split == "heldout":
        return [lb for lb in labels if lb.question in heldout]
    if split == "dev":
        return [lb for lb in labels if lb.question not in heldout]
    return labels


def exact_substring(rubric):
    def predict(label):
        text = label.answer.casefold()
        q = rubric.question(label.question)
        return Prediction(frozenset(kp.id for kp in q.key_points if any(p.casefold() in text for p in kp.phrases)))

    return predict


def partial_ratio(rubric):
    def predict(label):
        text = label.answer.casefold()
        q = rubric.question(label.question)
        return Prediction(frozenset(
            kp.id for kp in q.key_points
            if max(fuzz.partial_ratio(p.casefold(), text) for p in kp.phrases) >= PARTIAL_RATIO_CUTOFF
        ))

    return predict


def interviewer_predictor(rubric, labels):
    from interviewer.scoring.analysis import KiwiAnalyzer
    from interviewer.scoring.scorer import Scorer

    scorer = Scorer(rubric, KiwiAnalyzer())
    results = list(scorer.score_many((lb.question, lb.answer) for lb in labels))
    by_label = {id(lb): prediction_of(r) for lb, r in zip(labels, results)}
    return (lambda label: by_label[id(label)]), scorer.signature


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=("heldout", "dev", "all"), default="heldout")
    ap.add_argument("--set", choices=tuple(LABEL_SETS), default="main", help="labeled set (default: main)")
    ap.add_argument("--rubric", default=None, help="rubric path (default: the bundled bank)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--errors", action="store_true", help="list every false positive / negative (dev split only)")
    args = ap.parse_args(argv)

    rubric = load_rubric(args.rubric)
    # A rubric of some of the labeled questions (bench/data/outside-c.yaml) is measured on those.
    labels = split_labels(load_labels(sorted(DATA.glob(LABEL_SETS[args.set])), rubric, only_rubric_questions=True),
                          args.split)
    if not labels:
        ap.error(f"no labeled answers in the {args.split} split are on questions of this rubric")
    if args.errors and args.split != "dev":
        ap.error("--errors is for the dev split: looking at held-out mistakes would tune on them")
    ours, signature = interviewer_predictor(rubric, labels)
    systems = {
        "interviewer": ours,
        "exact-substring": exact_substring(rubric),
        "partial-ratio": partial_ratio(rubric),
    }
    reports = {name: evaluate(labels, fn, rubric) for name, fn in systems.items()}
    questions = sorted({lb.question for lb in labels})
    styles = sorted({s for r in reports.values() for s in r.by_style})

    if args.json:
        print(json.dumps({
            "set": args.set, "split": args.split, "wrongly_flagged": _wrongly_flagged(labels, ours), "answers": len(labels), "questions": len(questions), "signature": signature,
            "systems": {n: {"overall": r.overall.to_json(),
                            "recall_by_style": {s: round(r.by_style[s].recall, 4) for s in styles}}
                        for n, r in reports.items()},
        }, ensure_ascii=False, indent=1))
        return 0

    print(f"set={args.set}  split={args.split}  answers={len(labels)}  questions={len(questions)}")
    print(f"signature: {signature}\n")
    head = f"{'system':<16} {'P':>6} {'R':>6} {'F1':>6} {'contra→credited':>16}"
    print(head)
    print("-" * len(head))
    for name, r in reports.items():
        o = r.overall
        cc = f"{o.contradicted_credited}/{o.contradicted} ({o.credited_rate:.1%})"
        print(f"{name:<16} {o.precision:6.3f} {o.recall:6.3f} {o.f1:6.3f} {cc:>16}")
    o = reports["interviewer"].overall
    print(f"\ninterviewer flagged {o.contradicted_flagged}/{o.contradicted} labeled contradictions as ⚠ contradicted, "
          f"and {_wrongly_flagged(labels, ours)} key points the labels do not call contradicted")
    print("\nrecall by style")
    print(f"{'style':<12}" + "".join(f"{n:>17}" for n in reports))
    for s in styles:
        print(f"{s:<12}" + "".join(f"{reports[n].by_style[s].recall:17.3f}" for n in reports))
    if args.errors:
        _print_errors(rubric, labels, ours)
    return 0


def _wrongly_flagged(labels, predict) -> int:
    """Key points flagged as contradicted that the labels do not call contradicted: telling a
    user they said the opposite when they did not."""
    return sum(len(predict(lb).contradicted - lb.contradicted) for lb in labels)


def _print_errors(rubric, labels, predict):
    for lb in labels:
        pred = predict(lb)
        fp = pred.covered - lb.covered
        fn = lb.covered - pred.covered
        if fp or fn:
            print(f"\n[{lb.question} {lb.style}] {lb.answer}\n   FP={sorted(fp)} FN={sorted(fn)} "
                  f"contra_pred={sorted(pred.contradicted)} contra_label={sorted(lb.contradicted)}")


if __name__ == "__main__":
    raise SystemExit(main())
