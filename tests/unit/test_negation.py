"""Negation minimal pairs: the same words with and without a negator flip the verdict."""

import pytest

PAIRS = [
    # (question, key point, affirmed answer, negated answer); the key point's phrase is positive
    ("sigmoid-cons", "vanishing", "기울기 소실이 생긴다", "기울기 소실이 생기지 않는다"),      # -한다 / -하지 않는다
    ("sigmoid-cons", "vanishing", "기울기 소실이 있다", "기울기 소실이 없다"),                # 있다 / 없다
    ("sigmoid-cons", "vanishing", "기울기 소실 문제가 있어요", "기울기 소실 문제는 안 생겨요"),   # 안
    ("sigmoid-cons", "vanishing", "기울기 소실이 일어나요", "기울기 소실은 못 일어나요"),       # 못
    ("sigmoid-cons", "vanishing", "기울기 소실이 문제다", "기울기 소실은 문제가 아니다"),       # X이다 / X가 아니다
    ("sigmoid-cons", "vanishing", "기울기 소실과 관계있어요", "기울기 소실이랑은 관계없어요"),   # X와 관계없다 denies X
    ("sigmoid-cons", "vanishing", "기울기 소실과 관련돼요", "기울기 소실과 무관해요"),
    ("sigmoid-cons", "vanishing", "기울기 소실이 생길 수 있어요", "기울기 소실이 생길 일은 없어요"),  # -ㄹ 일은 없다
    # an English negator governs the English words after it, up to a clause word
    ("sigmoid-cons", "vanishing", "it causes the vanishing gradient", "it doesn't cause the vanishing gradient"),
    ("sigmoid-cons", "vanishing", "it is not slow and causes vanishing gradient", "does not cause vanishing gradient"),
]


@pytest.mark.parametrize("qid,kp,yes,no", PAIRS)
def test_positive_phrase_pairs(mini_scorer, qid, kp, yes, no):
    r_yes = {k.id: k for k in mini_scorer.score(qid, yes).key_points}[kp]
    r_no = {k.id: k for k in mini_scorer.score(qid, no).key_points}[kp]
    assert r_yes.covered and not r_yes.contradicted
    assert r_no.contradicted and not r_no.covered


NEGATIVE_PHRASE = [
    # the phrase "출력의 중심이 0이 아님" is itself negated
    ("출력의 중심이 0이 아니다", "covered"),
    ("출력의 중심이 0이다", "contradicted"),
    ("출력의 중심이 0이 아닌 건 아니다", "contradicted"),  # double negation
    ("출력 중심 ≠ 0", "covered"),  # a keyword note: '≠' reads as 'not'
    ("출력 중심 = 0", "contradicted"),
    ("the outputs aren't zero-centered", "covered"),  # an English contraction negates like 'not'
    ("the outputs are zero-centered", "contradicted"),
    ("it is not zero-centered.", "covered"),  # 'centered.' was cut into cen + tered.
]


@pytest.mark.parametrize("answer,expected", NEGATIVE_PHRASE)
def test_negative_phrase(mini_scorer, answer, expected):
    kp = {k.id: k for k in mini_scorer.score("sigmoid-cons", answer).key_points}["not-zero-centered"]
    assert ("covered" if kp.covered else "contradicted" if kp.contradicted else "missed") == expected


def test_double_negation_affirms(mini_scorer):
    kp = {k.id: k for k in mini_scorer.score("sigmoid-cons", "기울기 소실이 없지 않다").key_points}["vanishing"]
    assert kp.covered


def test_negation_stays_in_its_clause(mini_scorer):
    # 렐루는 없어요 negates the second clause only
    kp = {k.id: k for k in mini_scorer.score("sigmoid-cons", "시그모이드는 기울기 소실이 생기고 렐루는 없어요").key_points}
    assert kp["vanishing"].covered


def test_contrastive_aniramyeon(mini_scorer):
    # "A가 아니라 B": the negation belongs to A
    kp = {k.id: k for k in mini_scorer.score("sigmoid-cons", "폭주가 아니라 기울기 소실이 문제예요").key_points}
    assert kp["vanishing"].covered


def test_negative_phrase_with_adverb_negator(mini_scorer):
    kp = {k.id: k for k in mini_scorer.score("relu-cons", "음수 입력에서는 학습이 안 돼요").key_points}
    assert kp["dying"].covered
    kp = {k.id: k for k in mini_scorer.score("relu-cons", "음수 입력에서도 학습이 잘 돼요").key_points}
    assert kp["dying"].contradicted


@pytest.mark.parametrize("answer,expected", [
    ("특징 스케일링을 안 하면 결과가 크게 달라져요", "covered"),  # the phrase's own wording
    ("스케일링을 안 해도 결과는 안 달라져요", "contradicted"),
])
def test_phrase_polarity_uses_the_answer_rule(mini_scorer, answer, expected):
    """A phrase's polarity is judged by the same clause rule as answers: the 안 of a '-면'
    condition does not negate the main clause, in the phrase or in the answer."""
    kp = mini_scorer.score("knn-scaling", answer).key_points[0]
    assert ("covered" if kp.covered else "contradicted" if kp.contradicted else "missed") == expected


def test_copula_negation_covers_its_whole_complement(mini_scorer):
    """'X 같은 개념도 아니다' denies X even though 아니다's head noun (개념) is not in the phrase."""
    kp = {k.id: k for k in mini_scorer.score("sigmoid-cons", "기울기 소실 같은 개념은 아니에요").key_points}["vanishing"]
    assert kp.contradicted and not kp.covered


def test_numbers_in_a_phrase_must_match(mini_scorer):
    """A phrase's number is its exact claim: 3 of 4 words without the '0' do not credit it."""
    kp = mini_scorer.score("relu-gradient", "음수 입력에서도 출력 기울기가 작게 살아 있어요").key_points[0]
    assert not kp.covered
    kp = mini_scorer.score("relu-gradient", "음수 입력이면 출력 기울기가 0이에요").key_points[0]
    assert kp.covered


@pytest.mark.parametrize("text,negated", [
    ("활성화되는 뉴런이 몇 개 안 돼요", False),  # only a few
    ("업데이트가 몇 번 안 돼요", False),
    ("얼마 안 돼서 수렴해요", False),  # soon
    ("학습이 안 돼요", True),  # does not train
    ("몇 개는 학습이 안 돼요", True),  # 안 되다 not right after 몇 + counter
])
def test_few_is_not_negation(analyzer, text, negated):
    from interviewer.scoring.analysis import normalize

    analysis = normalize(text, next(analyzer.morphemes([text])))
    assert bool(analysis.negators) == negated


@pytest.mark.parametrize("text,negated", [
    ("오버슈팅하는 건 아닌지 확인해요", False),  # an embedded question asks, it does not deny
    ("짝이 안 맞는지 봐요", False),
    ("shape이 다르지 않은지 봐요", False),
    ("문제가 없는지 확인해요", False),
    ("기울기 소실이 생기지 않을까 싶어요", False),  # a hedge that asserts
    ("수렴하지 않나 싶어요", False),
    ("오버슈팅은 아니에요", True),
    ("짝이 안 맞아요", True),
    ("문제가 없어요", True),
    ("기울기 소실이 생기지 않아요", True),
])
def test_a_question_is_not_a_denial(analyzer, text, negated):
    from interviewer.scoring.analysis import normalize

    analysis = normalize(text, next(analyzer.morphemes([text])))
    assert bool(analysis.negators) == negated


def test_without_negates_the_noun_before_it(mini_scorer):
    """'X 없이' is 'without X': it denies X, not the verb after it."""
    kp = {k.id: k for k in mini_scorer.score("sigmoid-cons", "기울기 소실 없이 깊은 망도 수렴해요").key_points}["vanishing"]
    assert kp.contradicted and not kp.covered


def test_negator_of_an_unmatched_word_inside_the_span(mini_scorer):
    """'끝도 없이' (endlessly) sits between the phrase's words but negates only 끝, which is not
    one of them; 'exp 연산이 없이' would still deny the phrase's own word."""
    kp = {k.id: k for k in mini_scorer.score("sigmoid-cons", "exp 연산이 끝도 없이 느려요").key_points}["slow-exp"]
    assert kp.covered
    kp = {k.id: k for k in mini_scorer.score("sigmoid-cons", "exp 연산이 없어서 안 느려요").key_points}["slow-exp"]
    assert kp.contradicted


@pytest.mark.parametrize("text,host", [
    ("포화 문제가 없어요", "포화"),  # what is absent is 포화, not the light noun 문제
    ("과적합 현상이 없어요", "과적합"),
    ("문제가 없어요", "문제"),  # nothing before it: 문제 itself
    ("영향이 없어요", "영향"),
])
def test_absent_problem_names_its_noun(analyzer, text, host):
    from interviewer.scoring.analysis import normalize

    a = normalize(text, next(analyzer.morphemes([text])))
    assert [a.morphs[h].form for h in a.negator_hosts] == [host]
