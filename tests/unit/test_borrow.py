"""A rubric outside the bundled bank borrows the bank's phrases (real Kiwi)."""

import pytest

from interviewer.rubric import load_rubric
from interviewer.scoring.scorer import Scorer

OUTSIDE = """\
questions:
  - id: sig
    prompt: 시그모이드의 단점은?
    key_points:
      - id: slow
        label: exp 계산이 느림
        phrases: ["exp 연산이 느림", "지수 함수 계산 비용"]
      - id: fast
        label: 수렴이 빠름
        phrases: ["빠른 수렴"]
"""


@pytest.fixture(scope="module")
def outside(tmp_path_factory, analyzer):
    path = tmp_path_factory.mktemp("outside") / "sigmoid.yaml"
    path.write_text(OUTSIDE, encoding="utf-8")
    return Scorer(load_rubric(path), analyzer)


def borrowed(scorer, qid):
    return {t.expanded_from for t in scorer.compiled(scorer.rubric.question(qid)).targets
            if t.expanded_from and t.expanded_from.startswith("bank ")}


def covered(scorer, qid, answer, kp):
    return next(k for k in scorer.score(qid, answer).key_points if k.id == kp).covered


def test_an_outside_rubric_borrows_the_phrases_of_the_bank_point_it_shares_a_phrase_with(outside):
    # '지수 함수 계산 비용' is a phrase of the bank's seed-sigmoid/slow-exp, which also says '계산이 무거움'
    assert "bank seed-sigmoid/slow-exp" in borrowed(outside, "sig")
    assert covered(outside, "sig", "exp 때문에 계산이 무거워요", "slow")
    assert "|bank-" in outside.signature  # the result depends on the bank too


def test_one_phrase_shared_with_another_subject_borrows_nothing(outside):
    # '빠른 수렴' is also said of Newton's method (opt-10); this question shares more with seed-sigmoid
    assert not any(b.startswith("bank opt-10/") for b in borrowed(outside, "sig"))
    assert not covered(outside, "sig", "뉴턴법은 2차 수렴이에요", "fast")


def test_the_bank_itself_borrows_nothing(analyzer):
    bank = Scorer(load_rubric(), analyzer)
    assert not borrowed(bank, "seed-sigmoid")
    assert "|bank-" not in bank.signature


LOSS_COST = """\
questions:
  - id: lc
    prompt: loss function과 cost function은 어떻게 다른가요?
    key_points:
      - id: loss-single
        label: loss는 샘플 하나의 오차
        phrases: ["샘플 하나의 오차", "데이터 하나에 대한 손실", "개별 샘플 단위"]
      - id: cost-total
        label: cost는 전체 손실의 평균
        phrases: ["전체 데이터 손실의 평균", "배치 손실 평균", "정칙화 항 포함", "최소화 대상"]
"""


def test_a_borrowed_phrase_another_point_also_says_is_dropped(tmp_path, analyzer):
    path = tmp_path / "loss.yaml"
    path.write_text(LOSS_COST, encoding="utf-8")
    scorer = Scorer(load_rubric(path), analyzer)
    targets = scorer.compiled(scorer.rubric.question("lc")).targets
    assert any((t.expanded_from or "").startswith("bank ") for t in targets)  # it does borrow
    says = {}
    for t in targets:
        says.setdefault((t.keys, t.negative), set()).add(t.index)
    assert all(len(says[(t.keys, t.negative)]) == 1 for t in targets if (t.expanded_from or "").startswith("bank "))
