"""bench/contra_kinds.py sorts credited contradictions by what the evidence's sentence holds;
its counts go into the docs, so each kind is checked here on answers that state a wrong fact
the scorer credits (real Kiwi, the bundled bank)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import contra_kinds  # noqa: E402


@pytest.mark.parametrize("question, point, answer, kind", [
    # the point says a large learning rate; the answer's sentence says a small one
    ("opt-07", "overshoot", "배치가 아니라 학습률이 지나치게 작으면 최솟값을 지나쳐서 손실이 튀어 올라요.", "antonym"),
    # He initialisation is 2/fan_in
    ("bp-03", "he", "He 초기화는 분산을 3/fan_in 으로 잡아요.", "number"),
    # the negation is of 쓰이다, which no phrase of the point holds
    ("gen-02", "gpu", "GPU는 게임용이라서 딥러닝 학습에는 거의 안 쓰였어요.", "negator"),
    ("gen-01", "auto-features", "딥러닝에서도 사람이 특징을 직접 설계해 줘야 해요.", "other words"),
])
def test_kind_of_a_credited_contradiction(bank_scorer, question, point, answer, kind):
    q = bank_scorer.rubric.question(question)
    analysis = bank_scorer.analyze(answer)
    result = bank_scorer.score_analysis(q, analysis)
    i = [kp.id for kp in q.key_points].index(point)
    assert result.key_points[i].covered  # credited: the case the tool sorts
    assert contra_kinds.kind_of(bank_scorer, q, i, analysis, result.key_points[i].evidence.start) == kind
