"""Golden matching cases with real Kiwi: covered / missed / contradicted, with evidence."""

import pytest

from interviewer.scoring.match import MatchSettings, jamo


def verdicts(scorer, qid, answer):
    r = scorer.score(qid, answer)
    return {k.id: ("covered" if k.covered else "contradicted" if k.contradicted else "missed") for k in r.key_points}


GOLDEN = [
    ("기울기 소실이 생겨요", "vanishing", "covered"),
    ("음 기울기소실이생겨요", "vanishing", "covered"),  # spacing
    ("기울기 소싈이 생겨요", "vanishing", "covered"),  # typo in a syllable
    ("소실되는 기울기가 문제예요", "vanishing", "covered"),  # order
    ("기울기가 레이어를 지나면서 소실돼요", "vanishing", "covered"),  # inserted words
    ("vanishing gradient가 발생해요", "vanishing", "covered"),
    ("미분값의 최댓값이 0.25라서요", "vanishing", "covered"),
    ("기울기가 커져서 폭주해요", "vanishing", "missed"),
    ("출력이 0 중심이 아니라서 지그재그로 업데이트돼요", "not-zero-centered", "covered"),
    ("출력이 0 중심이라서 좋아요", "not-zero-centered", "contradicted"),
    ("exp 연산이 느려요", "slow-exp", "covered"),
    ("잘 모르겠습니다", "vanishing", "missed"),
]


@pytest.mark.parametrize("answer,kp,expected", GOLDEN)
def test_golden(mini_scorer, answer, kp, expected):
    assert verdicts(mini_scorer, "sigmoid-cons", answer)[kp] == expected


def test_evidence_is_the_exact_substring(mini_scorer):
    answer = "음, 시그모이드는 기울기 소실이 생겨요."
    r = mini_scorer.score("sigmoid-cons", answer)
    kp = next(k for k in r.key_points if k.id == "vanishing")
    assert kp.evidence.text == "기울기 소실"
    assert answer[kp.evidence.start:kp.evidence.end] == kp.evidence.text
    assert kp.phrase == "기울기 소실"


def test_score_is_weighted_coverage(mini_scorer):
    # vanishing has weight 2 of a total 4
    assert mini_scorer.score("sigmoid-cons", "기울기 소실이 생겨요").score == pytest.approx(0.5)
    assert mini_scorer.score("sigmoid-cons", "exp 연산이 느려요").score == pytest.approx(0.25)


def test_required_point_decides_passed(mini_scorer):
    r = mini_scorer.score("sigmoid-cons", "출력이 0 중심이 아니고 exp 연산이 느려요")
    assert r.score == pytest.approx(0.5)
    assert not r.passed  # the required point (vanishing) is missing
    assert mini_scorer.score("sigmoid-cons", "기울기 소실과 exp 연산 비용").passed


def test_misconception_reported_and_contradicts(mini_scorer):
    r = mini_scorer.score("sigmoid-cons", "시그모이드 출력은 0 중심이에요")
    assert [m.id for m in r.misconceptions] == ["zero-centered"]
    kp = next(k for k in r.key_points if k.id == "not-zero-centered")
    assert kp.contradicted and not kp.covered


def test_rethreshold_without_kiwi(mini_scorer):
    """Step two is pure: a stricter threshold changes verdicts from the same statistics."""
    a = mini_scorer.analyze("기울기 소싈이 생겨요")
    m = mini_scorer.match("sigmoid-cons", a)
    loose = mini_scorer.aggregate(m, MatchSettings(threshold=0.8))
    strict = mini_scorer.aggregate(m, MatchSettings(threshold=0.99))
    assert loose.key_points[0].covered and not strict.key_points[0].covered
    assert loose.signature != strict.signature


def test_deterministic_with_signature(mini_scorer):
    a = mini_scorer.score("sigmoid-cons", "기울기 소실, exp 연산").to_json()
    b = mini_scorer.score("sigmoid-cons", "기울기 소실, exp 연산").to_json()
    assert a == b
    assert "kiwipiepy-" in a["signature"] and "rapidfuzz-" in a["signature"] and "rubric-" in a["signature"]


def test_jamo():
    assert jamo("소실") == "ㅅㅗㅅㅣㄹ"
    assert jamo("relu") == "relu"
