"""Answers at the edges are valid input: they score (0 where nothing matches), never raise."""

import pytest

EDGE = [
    "",
    "   \n\t ",
    "😀😀😀 🤔",
    "\x00\x01\x1b[31m기울기\x7f",
    "ㅋㅋㅋㅋ ㅠㅠ",
    "?!?!...,,,",
]


@pytest.mark.parametrize("answer", EDGE)
def test_edge_answers_score_zero(mini_scorer, answer):
    r = mini_scorer.score("sigmoid-cons", answer)
    assert r.score == 0.0
    assert not any(k.covered or k.contradicted for k in r.key_points)


def test_long_answer_is_scored(mini_scorer):
    # ~200 KB of text with the key point buried in the middle
    filler = "그러니까 이건 제 생각인데요 모델이 학습을 하면서 여러 가지 일이 생기거든요. " * 1200
    answer = filler + "시그모이드는 기울기 소실이 생겨요. " + filler
    assert len(answer.encode("utf-8")) > 200_000
    r = mini_scorer.score("sigmoid-cons", answer)
    kp = r.key_points[0]
    assert kp.covered
    assert answer[kp.evidence.start:kp.evidence.end] == "기울기 소실"


def test_a_lone_surrogate_is_read_as_a_replacement_character(mini_scorer):
    # json.loads('"\\ud800"') gives one; Kiwi cannot read it. Offsets still point into the answer.
    answer = "시그모이드는 \ud800 기울기 소실이 생겨요 \udcff"
    r = mini_scorer.score("sigmoid-cons", answer)
    kp = r.key_points[0]
    assert kp.covered
    assert answer[kp.evidence.start:kp.evidence.end] == kp.evidence.text == "기울기 소실"
    assert mini_scorer.score("sigmoid-cons", "\ud800").score == 0.0
