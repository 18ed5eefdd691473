"""Matching rules that generalise over the bank, each with real Kiwi and a case on both sides."""

from pathlib import Path

import pytest

from interviewer.scoring.analysis import normalize

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def scorer(analyzer):
    from interviewer.rubric import load_rubric
    from interviewer.scoring.scorer import Scorer

    return Scorer(load_rubric(DATA / "rules.yaml"), analyzer)


def verdict(scorer, answer, kp, question="rules"):
    k = next(k for k in scorer.score(question, answer).key_points if k.id == kp)
    return "covered" if k.covered else "contradicted" if k.contradicted else "missed"


@pytest.mark.parametrize("answer,expected", [
    ("정형 데이터는 표로 정리돼 있어요", "covered"),
    ("졍형 데이터는 표로 정리돼 있어요", "covered"),  # a typo is still tolerated
    ("비정형 데이터는 표로 정리돼 있지 않아요", "missed"),  # a prefixed word is another word
])
def test_prefixed_word_is_not_a_typo(scorer, answer, expected):
    assert verdict(scorer, answer, "structured") == expected


@pytest.mark.parametrize("answer", ["학습률을 줄여요", "학습률을 낮춰요", "학습률을 감소시켜요"])
def test_verb_terms_of_a_group_match_in_any_form(scorer, answer):
    # '줄이다' read out of context is 줄/NNG + 이다; in an answer it is the verb 줄이
    assert verdict(scorer, answer, "lower-lr") == "covered"


def test_one_word_does_not_fill_a_phrase_word_and_its_opposite(scorer):
    assert verdict(scorer, "손실이 올라가요", "up-down") == "missed"
    assert verdict(scorer, "손실이 올라갔다가 다시 내려가요", "up-down") == "covered"


def test_a_repeated_phrase_word_counts_once(scorer):
    assert verdict(scorer, "비슷한 출력", "similar") == "missed"  # 2 of 3 distinct words
    assert verdict(scorer, "비슷한 입력이면 출력도 비슷해요", "similar") == "covered"


def test_a_ni_myeon_after_a_noun_is_or(scorer, analyzer):
    assert verdict(scorer, "그리드 서치 아니면 랜덤 서치를 사용해요", "grid") == "covered"
    text = "출력이 0이 아니면 문제가 돼요"  # with a particle, 아니면 still negates
    assert normalize(text, next(analyzer.morphemes([text]))).negators


@pytest.mark.parametrize("answer,kp,expected", [
    ("d_k가 커질수록 내적 값이 커져요", "dot-grows", "covered"),
    ("내적 값이 d_k가 커질수록 오히려 작아져요", "dot-grows", "missed"),  # what grows is d_k
    ("과소적합이면 드롭아웃 비율을 줄여요", "less-dropout", "covered"),
    ("드롭아웃을 쓰면 과적합을 줄일 수 있어요", "less-dropout", "missed"),  # 줄이's object is 과적합
])
def test_a_subject_or_object_belongs_to_its_own_predicate(scorer, answer, kp, expected):
    assert verdict(scorer, answer, kp) == expected


@pytest.mark.parametrize("answer,expected", [
    ("출력이 항상 0이에요", "covered"),  # '0인' in the phrase is 0 + 이다, not a noun 인 to find
    ("출력이 항상 0 이상이에요", "missed"),  # '0 이상' is not 0
    ("출력이 항상 양수라서 평균이 0이 아니에요", "missed"),  # what is not 0 is the mean, not the output
])
def test_a_number_is_what_its_own_subject_is(scorer, answer, expected):
    assert verdict(scorer, answer, "always-zero") == expected


def test_a_negated_phrase_keeps_the_light_words_its_negation_is_on(scorer):
    # light words dropped, the phrase would be 음수 alone, negated: every answer that says
    # 음수 without a negator would contradict it
    assert verdict(scorer, "음수 입력이면 기울기가 0이라서 뉴런이 죽어요", "negative-light") != "contradicted"
    assert verdict(scorer, "값이 음수일 경우 학습을 할 수 있어요", "negative-light") == "contradicted"


@pytest.mark.parametrize("answer,expected", [
    ("활성화 함수가 없으면 층을 쌓아도 선형 모델이에요", "covered"),  # supposes its absence: it is needed
    ("활성화 함수를 안 쓰면 선형 모델이 돼요", "covered"),
    ("활성화 함수는 없어도 돼요", "contradicted"),  # -어도 is no condition
    ("활성화 함수는 사용하지 않아요", "contradicted"),
])
def test_a_negated_condition_supposes(scorer, answer, expected):
    assert verdict(scorer, answer, "use-activation") == expected


def test_a_place_word_is_light(scorer):
    # '곳' (a place) says no more than '데' or '부분': the phrase is 평평 … 지나가
    assert verdict(scorer, "평평한 데서도 멈추지 않고 지나가요", "flat-pass") == "covered"
    assert verdict(scorer, "평평한 데서는 멈춰요", "flat-pass") == "missed"


@pytest.mark.parametrize("answer,kp,expected", [
    # '-게 V지 않다' and '많이 안 V' deny the manner, not the verb
    ("학습률을 크게 잡지 않아요", "small-lr", "covered"),
    ("학습률을 크게 잡아요", "small-lr", "contradicted"),
    ("학습률을 작게 잡지 않아요", "small-lr", "contradicted"),
    ("메모리가 많이 안 들어요", "low-memory", "covered"),
    ("메모리가 많이 들지 않아요", "low-memory", "covered"),
    ("메모리가 많이 들어요", "low-memory", "contradicted"),
])
def test_negated_manner_adverb(scorer, answer, kp, expected):
    assert verdict(scorer, answer, kp) == expected


@pytest.mark.parametrize("answer,expected", [
    ("활성화 메모리는 여기 포함 안 돼요", "covered"),  # 포함 is denied, not the memory
    ("활성화 메모리는 안 생겨요", "contradicted"),
])
def test_verbal_noun_before_an_doeda(scorer, answer, expected):
    assert verdict(scorer, answer, "activation-memory") == expected


@pytest.mark.parametrize("answer,expected", [
    ("층마다 비선형도 한 번만이 아니라 세 번 들어가요", "covered"),  # the count is denied
    ("층마다 비선형이 아니라 선형이에요", "contradicted"),
])
def test_denied_count(scorer, answer, expected):
    assert verdict(scorer, answer, "nonlinear-layers") == expected


@pytest.mark.parametrize("answer,expected", [
    ("손실로 가중치를 갱신해요", "covered"),  # '쓰이다' is as light as '쓰다': a phrase need not be echoed
    ("손실은 가중치 갱신에 쓰여요", "covered"),
    ("가중치 갱신에 쓰여요", "missed"),  # what is used is still part of the phrase
])
def test_a_light_passive_verb_is_not_a_phrase_word(scorer, answer, expected):
    assert verdict(scorer, answer, "loss-used") == expected


@pytest.mark.parametrize("answer,kp,expected", [
    # Kiwi splits these terms in an answer (리+키+렐루, 경사+하+강); their letters still match
    ("음 리키 렐루를 쓰는 게 좋아요", "leaky", "covered"),
    ("음 경사 하강을 쓰는 게 좋아요", "gd", "covered"),
    ("경사하강을 반복해요", "gd", "covered"),
])
def test_a_glossary_term_is_found_by_its_letters(scorer, answer, kp, expected):
    assert verdict(scorer, answer, kp) == expected


@pytest.mark.parametrize("answer,kp,expected", [
    ("비선형인데 제일 simple해요", "simplest", "covered"),  # 가장 = 제일 = 젤
    ("비선형이고 젤 단순해요", "simplest", "covered"),
    ("지표는 가중치 업데이트에 영향이 없어요", "no-effect", "covered"),  # '영향을 미치다' is 영향
    ("지표도 가중치 업데이트에 영향을 미쳐요", "no-effect", "contradicted"),
])
def test_superlatives_and_light_collocations(scorer, answer, kp, expected):
    assert verdict(scorer, answer, kp) == expected


def test_a_superlative_stays_a_phrase_word(scorer):
    # not an intensifier like 엄청: '가장 큰' is the maximum
    targets = scorer.compiled(scorer.rubric.question("rules")).targets
    assert next(t for t in targets if t.text == "비선형이면서 가장 단순").keys == ("@nonlinear", "@most", "@simple")


def test_concepts_ignore_word_order(scorer):
    # '빠른 연산' says what the glossary concept's '연산이 빠름' says: its paraphrases apply
    assert verdict(scorer, "렐루는 계산이 가벼워요", "fast-compute") == "covered"
    assert verdict(scorer, "렐루는 수렴이 빨라요", "fast-compute") == "missed"


@pytest.mark.parametrize("answer,kp,expected", [
    ("렐루는 수렴이 빨라요", "fast-conv", "covered"),  # 빠르다 carries the 속도
    ("렐루는 계산이 빨라요", "fast-conv", "missed"),
    ("느리다고 들었어요", "slow-speed", "missed"),  # '학습' is light: 속도 stays, else one word would be left
    ("학습 속도가 느려요", "slow-speed", "covered"),
])
def test_a_word_its_predicate_implies_is_not_needed(scorer, answer, kp, expected):
    k = next(k for k in scorer.score("speed", answer).key_points if k.id == kp)
    assert ("covered" if k.covered else "contradicted" if k.contradicted else "missed") == expected


@pytest.mark.parametrize("answer,expected", [
    ("전체 데이터 대신 일부 샘플로 기울기를 구해요. 그렇게 구한 기울기도 기댓값은 실제 전체 기울기랑 같아요.",
     "covered"),
    # '기울기는 기댓값이 실제 전체' says 3 of 4 words; with '달라요' the window says all 4, the other way
    ("전체 데이터 대신 일부 샘플로 기울기를 구해요. 그렇게 구한 기울기는 기댓값이 실제 전체 기울기랑 달라요.",
     "contradicted"),
])
def test_a_fuller_opposite_window_outweighs_a_partial_one(scorer, answer, expected):
    assert verdict(scorer, answer, "unbiased") == expected


@pytest.mark.parametrize("answer,kp,expected", [
    ("레이어 정규화는 배치 크기와 상관없이 동작해요", "batch-free", "covered"),  # the phrase says 무관 itself
    ("배치 크기와 무관하게 샘플마다 정규화해요", "per-sample", "covered"),  # 무관 denies only its complement
    ("샘플마다 정규화하는 것과는 관계없어요", "per-sample", "contradicted"),
])
def test_unrelated_denies_its_complement(scorer, answer, kp, expected):
    assert verdict(scorer, answer, kp) == expected


@pytest.mark.parametrize("answer,kp,expected", [
    ("출력이 -1에서 1 사이예요", "tanh-range", "covered"),
    ("출력이 마이너스 1부터 1까지예요", "tanh-range", "covered"),
    ("출력이 0에서 1 사이예요", "tanh-range", "missed"),  # one 1 does not stand for -1 and 1
    ("양수 구간에서는 기울기가 1이에요", "slope-one", "covered"),
    ("양수 구간 기울기가 1보다 작아요", "slope-one", "missed"),  # compared with 1, not 1
])
def test_signed_and_compared_numbers(scorer, answer, kp, expected):
    assert verdict(scorer, answer, kp) == expected


def topic_verdicts(scorer, answer):
    r = scorer.score("topics", answer)
    return {k.id: "covered" if k.covered else "contradicted" if k.contradicted else "missed" for k in r.key_points}


@pytest.mark.parametrize("answer,expected", [
    ("배깅은 트리를 병렬로 학습하고 부스팅은 순차적으로 학습해요", {"bagging": "covered", "boosting": "covered"}),
    # each clause's topic is the other method the prompt names: the roles are swapped
    ("부스팅은 트리를 병렬로 학습하고 배깅은 순차적으로 학습해요", {"bagging": "missed", "boosting": "missed"}),
    ("병렬로 학습하는 게 배깅이고 순차적으로 학습하는 게 부스팅이에요", {"bagging": "covered", "boosting": "covered"}),
    ("부스팅은 순차적으로 학습해요. 그래서 병렬로 학습하는 배깅보다 느려요", {"bagging": "covered", "boosting": "covered"}),
    ("배깅도 트리를 순차적으로 학습해요", {"bagging": "missed", "boosting": "missed"}),  # 도 marks a topic too
    # a clause without a topic goes on about the sentence's last one (배깅), not the next (부스팅)
    ("배깅은 트리를 하나씩 만들면서 순차적으로 학습하고, 부스팅은 병렬로 학습해요",
     {"bagging": "missed", "boosting": "missed"}),
    ("부스팅은 트리를 하나씩 만들면서 순차적으로 학습해요", {"bagging": "missed", "boosting": "covered"}),
])
def test_a_clause_about_a_rival_says_nothing_of_the_point(scorer, answer, expected):
    assert topic_verdicts(scorer, answer) == expected


@pytest.mark.parametrize("answer,expected", [
    ("학습 오차는 낮은데 검증 오차는 높아요", "covered"),
    ("train error는 작은데 validation error가 커요", "covered"),
    # both sides of a contrast are the claim: one side alone is not it
    ("학습 오차와 검증 오차가 둘 다 높아요", "missed"),
])
def test_a_contrast_needs_both_sides(scorer, answer, expected):
    assert verdict(scorer, answer, "gap", question="contrast") == expected


@pytest.mark.parametrize("answer,kp,expected", [
    ("수렴 속도가 빨라요", "fast", "covered"),
    ("수렴 속도는 오히려 시그모이드보다 느려요", "fast", "contradicted"),  # the point's phrases say 빠르다
    ("수렴 속도가 느리지 않아요", "fast", "covered"),  # the opposite, negated
    ("스케일링을 안 하면 수렴 속도가 느려요", "fast", "covered"),  # said of the case without it
    ("스케일링을 안 하면 수렴이 느려요", "fast", "covered"),  # the phrase's own word, turned round
    ("스케일링을 하면 수렴이 느려요", "fast", "contradicted"),
    ("데이터가 부족할 때 쓰는 경우가 많아요", "data", "covered"),  # 많아요 is said of 경우
])
def test_a_bare_phrase_said_the_opposite_way(scorer, answer, kp, expected):
    assert verdict(scorer, answer, kp, "direction") == expected


@pytest.mark.parametrize("answer,expected", [
    ("루트 d_k로 안 나누면 학습이 불안정해져요", "covered"),  # the opposite of the point, without what it is about
    ("루트 d_k로 나누면 학습이 불안정해져요", "missed"),  # an antonym alone says nothing
    ("학습이 불안정해져요", "missed"),
])
def test_the_opposite_after_a_negated_condition(scorer, answer, expected):
    assert verdict(scorer, answer, "stable", "stability") == expected


def test_a_negated_result_after_a_negated_condition_still_denies(scorer):
    # only an antonym turns round: a point may be what happens without something
    assert verdict(scorer, "활성화 함수가 없으면 여러 층이 결국 선형이에요", "collapse", "stability") == "covered"
    assert verdict(scorer, "활성화 함수가 없으면 여러 층이 결국 선형이 아니에요", "collapse", "stability") == "contradicted"


@pytest.mark.parametrize("answer,kp,expected", [
    ("학습률이 너무 작으면 수렴이 느려요", "slow-if-small", "covered"),
    ("학습률은 너무 작으면 수렴이 느리고 너무 크면 발산해요", "slow-if-small", "covered"),
    ("학습률은 너무 작으면 수렴이 느리고 너무 크면 발산해요", "diverge-if-large", "covered"),  # a shared topic
    # each result answers the other condition
    ("학습률이 너무 크면 수렴이 느려지고 너무 작으면 발산해요", "slow-if-small", "not covered"),
    ("학습률이 너무 크면 수렴이 느려지고 너무 작으면 발산해요", "diverge-if-large", "not covered"),
    # stacked conditions share their result
    ("학습률이 너무 작으면, 그러니까 0.00001처럼 작으면 수렴이 느려요", "slow-if-small", "covered"),
    ("학습률이 너무 작으면 배치가 크면 수렴이 느려요", "slow-if-small", "covered"),
    # a phrase that is all condition has no result to misplace
    ("모델이 확신하고 틀리면 손실이 커져요", "confident-wrong", "covered"),
])
def test_a_result_answers_its_own_condition(scorer, answer, kp, expected):
    got = verdict(scorer, answer, kp, "conditions")
    assert got != "covered" if expected == "not covered" else got == expected


@pytest.mark.parametrize("answer,kp,expected", [
    # Kiwi reads '보폭' alone as one noun, after '알기로는' as 보+폭
    ("제가 알기로는 보폭을 써요", "stride", "covered"),
    ("보폭이 너무 크면 튀어요", "stride", "covered"),
    ("제가 알기로는 보를 써요", "stride", "missed"),  # a piece alone is not the word
    # '그리드 서치를' was read 그/MM + 리드 + 서치: a determiner glued to a noun is its first letter
    ("음 그러니까 그리드 서치를 써요", "grid", "covered"),
    ("그 리드 타임이 길어요", "grid", "missed"),  # written apart, 그 is a determiner
    # '서로 다른' is 다르다, whether Kiwi reads 다른 as the adjective or the determiner
    ("어느 쪽이든 서로 다른 실수를 하는 모델을 모아야 효과가 크고요", "diverse", "covered"),
    ("다른 모델의 실수를 고쳐요", "diverse", "missed"),  # 'another' model's mistake
    # only a whole word, from the start of a written word to the end of a morpheme
    ("크로스 검증을 해요", "ce", "missed"),
    ("의사역행렬을 써요", "inverse", "missed"),
    ("의사역행렬을 써요", "pinv", "covered"),
    # a compound Kiwi splits even alone ('예측값' = 예측 + 값) keeps its parts
    ("여러 모델 예측값을 평균 내요", "pred-mean", "covered"),
])
def test_a_word_is_read_the_same_in_a_phrase_and_in_an_answer(scorer, answer, kp, expected):
    assert verdict(scorer, answer, kp, "split-words") == expected


@pytest.mark.parametrize("answer,kp,expected", [
    ("GPU 덕분에 학습이 빨라졌어요", "gpu", "covered"),
    ("성장한 건 GPU 때문이 아니에요", "gpu", "contradicted"),  # 아니다 denies the cause, not 때문
    ("GPU 덕분은 아니고 데이터가 많아져서예요", "gpu", "contradicted"),
    ("GPU는 성장에 큰 영향이 없었어요", "gpu", "contradicted"),  # no effect: the clause's X did nothing
    ("GPU는 학습에 별 도움이 안 됐어요", "gpu", "contradicted"),
    ("GPU는 학습 속도에 큰 영향을 줬어요", "gpu", "covered"),
    ("지표는 가중치 업데이트에 영향을 주지 않아요", "no-update", "covered"),  # the phrase says 영향 itself
])
def test_a_denied_effect_or_cause_denies_its_subject(scorer, answer, kp, expected):
    assert verdict(scorer, answer, kp, "denials") == expected
