"""Delivery notes on real Kiwi analyses: fillers named and counted, hedges, length, 두괄식."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.delivery import delivery_notes, josa, render_delivery
from interviewer.rubric import load_rubric
from interviewer.scoring.scorer import Scorer

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def scorer(analyzer):
    return Scorer(load_rubric(DATA / "practice.yaml"), analyzer)


def notes(scorer, text, question=None, seconds=None):
    analysis = scorer.analyze(text)
    result = scorer.score_analysis(question, analysis) if question else None
    return delivery_notes(analysis, result, seconds)


@pytest.mark.parametrize("text, fillers", [
    ("음 그러니까 기울기 소실이 생겨요. 음 그래서 학습이 느려요.", {"음": 2, "그러니까": 1}),
    ("약간 이제 출력이 양수예요.", {"약간": 1, "이제": 1}),
    ("어 뭐 기울기가 사라져요.", {"어": 1, "뭐": 1}),
    ("그 함수는 그 어 기울기가 작아요.", {"그": 1, "어": 1}),  # 그 함수: a determiner, not a filler
    ("제가 보기엔 뭐가 문제냐면 기울기예요.", {}),  # pronouns with particles
    ("기울기 소실이 생겨요.", {}),
])
def test_fillers_counted_and_named(scorer, text, fillers):
    assert dict(notes(scorer, text).fillers) == fillers


@pytest.mark.parametrize("text, hedges", [
    ("기울기 소실이 생기는 것 같아요.", {"것 같아요": 1}),
    ("기울기 소실인 것 같습니다. 학습이 느린 것 같아요.", {"것 같습니다": 1, "것 같아요": 1}),
    ("아마 출력이 양수라서 그럴 거예요.", {"아마": 1}),
    ("학습이 느려질 수도 있어요.", {"수도 있어요": 1}),
    ("잘 모르겠지만 기울기 문제예요.", {"모르겠지만": 1}),
    ("기울기 소실이 생깁니다.", {}),
])
def test_hedges(scorer, text, hedges):
    assert dict(notes(scorer, text).hedges) == hedges


def test_length_sentences_and_time(scorer):
    d = notes(scorer, "기울기 소실이 생깁니다. 출력이 양수예요!\n그래서 느려요", seconds=83.4)
    assert d.chars == len("기울기소실이생깁니다.출력이양수예요!그래서느려요")
    assert d.sentences == 3
    assert d.first_sentence == "기울기 소실이 생깁니다."
    assert d.to_json()["seconds"] == 83.4


def test_leads_with_a_key_point(scorer):
    q = scorer.rubric.question("sigmoid")
    d = notes(scorer, "기울기 소실이 가장 큰 단점입니다. 출력이 항상 양수인 것도 문제예요.", q)
    assert d.lead_judged and d.lead == "기울기 소실"


def test_does_not_lead_with_a_key_point(scorer):
    q = scorer.rubric.question("sigmoid")
    d = notes(scorer, "시그모이드는 옛날에 많이 쓰던 함수예요. 그런데 기울기 소실이 생겨요.", q)
    assert d.lead_judged and d.lead is None
    assert d.first_sentence == "시그모이드는 옛날에 많이 쓰던 함수예요."


def test_nothing_to_lead_with_when_nothing_is_covered(scorer):
    q = scorer.rubric.question("sigmoid")
    d = notes(scorer, "잘 모르겠습니다.", q)
    assert not d.lead_judged and d.lead is None


def test_render(scorer):
    q = scorer.rubric.question("sigmoid")
    d = notes(scorer, "음 음 시그모이드는 옛날 함수예요. 기울기 소실이 생기는 것 같아요.", q, seconds=75)
    assert render_delivery(d) == "\n".join([
        "말하기",
        "  추임새 2번: 음 ×2",
        "  얼버무림 1번: '것 같아요' — 아는 내용은 단정적으로 말해 보세요",
        "  길이 29자 · 2문장 (말로 약 6초) · 답변까지 1분 15초 — 짧아요: 결론, 이유, 예시 순으로 3–5문장",
        "  두괄식 ✗ 첫 문장 \"음 음 시그모이드는 옛날 함수예요.\"에 핵심이 없어요 — 결론부터 말해 보세요",
    ])


def test_follow_up_answers_may_be_short(scorer):
    q = scorer.rubric.question("sigmoid")
    d = notes(scorer, "기울기 소실이 생겨요.", q)
    assert "짧아요" in render_delivery(d)
    assert "짧아요" not in render_delivery(d, follow_up=True)
    assert "길이 " in render_delivery(d, follow_up=True)


def test_empty_answer(scorer):
    d = notes(scorer, "")
    assert (d.chars, d.sentences, d.fillers, d.hedges, d.first_sentence) == (0, 0, (), (), "")


@pytest.mark.parametrize("word, pair, particle", [
    ("기울기 소실", "을/를", "을"), ("배치 정규화", "을/를", "를"), ("드롭아웃", "은/는", "은"),
    ("목적 함수는 최적화 대상 전체 (정칙화 항 포함)", "을/를", "를"), ("L2", "이/가", "가"), ("L1", "이/가", "이"),
    ("ReLU", "을/를", "을(를)"),
])
def test_josa(word, pair, particle):
    assert josa(word, pair) == particle
