"""A rubric outside the bundled bank borrows the bank's phrases (real Kiwi)."""

import dataclasses
from pathlib import Path

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


CHEAT_SHEET = """\
questions:
  - id: act
    prompt: 활성화함수 사용하는 이유?
    key_points:
      - id: nonlinear
        label: 비선형 입력으로 변환
        phrases: ["선형 입력에 대해 비선형 입력으로 변환"]
      - id: stack
        label: 여러 레이어를 쌓을 수 있음
        phrases: ["신경망에 여러 레이어를 쌓을 수 있게 됨"]
      - id: xor
        label: XOR 같은 문제 해결
        phrases: ["XOR 같은 문제를 해결"]
"""


def scorer_for(tmp_path, analyzer, text):
    path = tmp_path / "rubric.yaml"
    path.write_text(text, encoding="utf-8")
    return Scorer(load_rubric(path), analyzer)


def test_phrases_in_other_words_than_the_bank_still_find_their_bank_point(tmp_path, analyzer):
    # No phrase here is one of the bank's; scored as answers, they cover seed-activation's points
    scorer = scorer_for(tmp_path, analyzer, CHEAT_SHEET)
    assert "bank seed-activation/xor" in borrowed(scorer, "act")
    answer = "비선형성을 줘서 XOR처럼 선형으로 못 나누는 문제도 풀 수 있어요"  # no '해결'
    assert covered(scorer, "act", answer, "xor")


def test_a_question_whose_prompt_shares_no_rare_word_with_the_bank_borrows_nothing(tmp_path, analyzer):
    # The same points under a prompt on another subject: '이유' is in too many bank prompts to count
    text = CHEAT_SHEET.replace("활성화함수 사용하는 이유?", "된장찌개를 끓이는 이유?")
    scorer = scorer_for(tmp_path, analyzer, text)
    assert not borrowed(scorer, "act")


DROPOUT = """\
questions:
  - id: dropout
    prompt: 드롭아웃의 원리와 효과를 설명해 주시겠어요?
    key_points:
      - id: random-drop
        label: 학습 시 뉴런을 무작위로 비활성화
        phrases: ["뉴런 무작위 비활성화", "일부 뉴런을 확률적으로 끔"]
      - id: co-adaptation
        label: 뉴런 간 공적응 방지
        phrases: ["공적응 방지", "co-adaptation"]
      - id: inference-scale
        label: 추론 시 끔, 학습 시 1/(1−p) 스케일
        phrases: ["추론 시 드롭아웃 끔", "1/(1−p) 스케일", "inverted dropout"]
"""


def test_a_bank_point_that_does_not_say_ours_back_lends_nothing(tmp_path, analyzer):
    # As if the bank had no dropout question (reg-04): '1/(1−p) 스케일' then covers ml-02's point
    # on scaling the inputs of linear models, whose label and phrases say nothing of dropout.
    scorer = scorer_for(tmp_path, analyzer, DROPOUT)
    bank = scorer._bank
    scorer._bank = dataclasses.replace(bank, questions=[q for q in bank.questions if q.id != "reg-04"])
    assert not any(b.startswith("bank ml-02/") for b in borrowed(scorer, "dropout"))


WHY_RELU = """\
questions:
  - id: why-relu
    prompt: 요즘 은닉층에서 시그모이드보다 ReLU를 많이 쓰는 이유는 무엇인가요?
    key_points:
      - id: slope-one
        label: 양수 구간 기울기 1
        phrases: ["양수 구간에서 기울기가 1이다", "기울기가 줄지 않고 전달됨", "기울기 소실이 완화됨"]
      - id: saturation
        label: 시그모이드 포화 구간 기울기 ≈ 0
        phrases: ["시그모이드는 양끝에서 포화된다", "포화 구간에서 기울기가 0에 가까움", "입력이 크면 미분값이 거의 0임"]
      - id: cheap
        label: 단순한 연산
        phrases: ["연산이 단순하다", "지수 계산이 필요 없음", "0과 비교만 하면 됨"]
      - id: sparse
        label: 희소 활성화
        phrases: ["희소하게 활성화된다", "일부 뉴런만 켜짐", "음수 입력은 0이 되어 꺼짐"]
      - id: zero-centered
        label: 시그모이드 출력이 0 중심이 아님
        phrases: ["시그모이드 출력은 0 중심이 아니다", "출력이 항상 양수임", "갱신이 지그재그로 일어남"]
"""


def test_the_counterpart_is_the_bank_question_pairing_the_most_points(tmp_path, analyzer):
    # The phrases also cover points of seed-relu (ReLU's pros and cons), but fewer of them pair
    # both ways there than in act-02, the bank's own 'why ReLU over sigmoid'.
    scorer = scorer_for(tmp_path, analyzer, WHY_RELU)
    lent = borrowed(scorer, "why-relu")
    assert {b.split("/")[0] for b in lent} == {"bank act-02"}
    assert len(lent) >= 4


MINIMAL = (Path(__file__).parents[1] / "data" / "minimal.yaml").read_text(encoding="utf-8")


def test_a_question_with_one_key_point_borrows_too(tmp_path, analyzer):
    # the rubric format's minimal file: its one point pairs with the bank's points on vanishing
    scorer = scorer_for(tmp_path, analyzer, MINIMAL)
    assert borrowed(scorer, "sigmoid-cons")
    assert covered(scorer, "sigmoid-cons", "층을 지날 때마다 0.25 이하가 곱해져서 지수적으로 줄어들어요", "vanishing")


def test_the_bank_itself_borrows_nothing(bank_scorer):
    assert not borrowed(bank_scorer, "seed-sigmoid")
    assert "|bank-" not in bank_scorer.signature


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


SCALED_DOT = """\
questions:
  - id: scaled
    prompt: 어텐션에서 내적을 √d_k로 나누는 이유는?
    key_points:
      - id: grows
        label: 내적의 분산이 d_k에 비례
        phrases: ["내적의 분산이 d_k에 비례한다", "차원이 크면 내적 값이 커짐"]
      - id: unit
        label: 분산을 약 1로 유지
        phrases: ["분산을 1 정도로 유지한다", "√d_k로 나눠 분산을 맞춤"]
"""

PRECISION_RECALL = """\
questions:
  - id: pr
    prompt: 정밀도와 재현율을 설명해 주세요.
    key_points:
      - id: precision
        label: 정밀도 = TP/(TP+FP)
        phrases: ["정밀도는 TP/(TP+FP)", "양성 예측 중 실제 양성 비율"]
      - id: recall
        label: 재현율 = TP/(TP+FN)
        phrases: ["실제 양성 중 맞힌 비율"]
"""


def test_a_stray_phrase_of_another_point_does_not_block_the_pairing(tmp_path, analyzer):
    # '√d_k로 나눠 분산을 맞춤' (the unit point's) also covers tr-03's variance-grows point, which
    # two phrases of 'grows' cover: the majority pairs.
    assert "bank tr-03/variance-grows" in borrowed(scorer_for(tmp_path, analyzer, SCALED_DOT), "scaled")


def test_a_phrase_covering_two_bank_points_does_not_vote(tmp_path, analyzer):
    # '양성 예측 중 실제 양성 비율' covers met-01's precision and recall points alike: it says
    # nothing of which is which, so recall still pairs with ours
    lent = borrowed(scorer_for(tmp_path, analyzer, PRECISION_RECALL), "pr")
    assert {"bank met-01/precision", "bank met-01/recall"} <= lent
