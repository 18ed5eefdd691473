"""Scoring prunes phrases that cannot beat their key point's best support, and stops reading a
phrase's windows at its best support (match_question's ``prune``). The verdicts, similarities,
evidence and misconception hits must be exactly those of the full statistics, at any threshold:
checked on every example answer of the bank, with real Kiwi."""

from __future__ import annotations

from interviewer.scoring.match import MatchSettings


def test_pruned_scores_equal_full_scores(bank_scorer):
    items = [
        (q, answer)
        for q in bank_scorer.rubric.questions
        for kp in q.key_points
        for answer in kp.examples.positive + kp.examples.negative
    ]
    assert len(items) > 1000
    skipped = 0
    for (q, _), analysis in zip(items, bank_scorer.analyze_many(a for _, a in items)):
        full = bank_scorer.match(q, analysis, prune=False)
        pruned = bank_scorer.match(q, analysis, prune=True)
        skipped += sum(1 for a, b in zip(full.stats, pruned.stats) if a != b)
        for threshold in (0.5, 0.75, 0.9, 1.0):
            s = MatchSettings(threshold=threshold)
            assert bank_scorer.aggregate(pruned, s).to_json() == bank_scorer.aggregate(full, s).to_json(), (
                q.id, analysis.text, threshold)
    assert skipped > len(items)  # pruning does skip phrases (it is what makes scoring faster)
