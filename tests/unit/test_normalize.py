"""Golden table for normalisation: what content units an answer is reduced to."""

import os
import threading

import pytest

from interviewer.scoring.analysis import WORKER_NICE, normalize

GOLDEN = [
    # spoken fillers and endings disappear; verbs become lemmas
    ("음 그러니까 기울기 소실이 생기거든요", ["기울기", "소실", "생기"]),
    # spacing slip: Kiwi splits the run-together words
    ("기울기소실이생겨요", ["기울기", "소실", "생기"]),
    # English is lowercased, stop words dropped
    ("The Vanishing Gradient 문제", ["vanishing", "gradient", "문제"]),
    # prefixes and suffixes merge into their noun
    ("비선형성을 주기 위해", ["비선형성", "주", "위하"]),
    ("학습률이 너무 크면", ["학습률", "크"]),
    # ... but an English word keeps its own key, so the glossary still knows it
    ("metric은 monitoring용이에요", ["metric", "monitoring"]),
    # counted things are numbers; one of something is 하나 (the glossary's 'single')
    ("게이트가 세 개 있어요", ["게이트", "3", "있"]),
    ("데이터 한 개의 오차", ["데이터", "하나", "오차"]),
    ("샘플 1개 오차", ["샘플", "하나", "오차"]),
    ("한 번 더 계산", ["더", "계산"]),  # 한 번 (once) is not a count of things
    ("게이트가 셋이에요", ["게이트", "3"]),
    # after a number, 인 is 이다 + -ㄴ (Kiwi reads a noun: 3인 가족), and a bound belongs to its number
    ("기울기가 0인 지점에서 꺾여요", ["기울기", "0", "지점", "꺾이"]),
    ("출력이 항상 0 이상이라", ["출력", "항상", "≥0"]),
    ("도함수는 0.25 이하예요", ["도함수", "≤0.25"]),
    # plural -들, and -끼리 / -별 / -당, are dropped: the noun is the word
    ("뉴런들이 죽어요", ["뉴런", "죽"]),
    ("뉴런끼리 연결", ["뉴런", "연결"]),
    ("층별로 샘플당 손실", ["층", "샘플", "손실"]),
    # intensifiers are not content ('엄청 단순' says 단순); superlatives are ('가장 큰' is the maximum)
    ("엄청 단순하고 좀 빨라요", ["단순", "빠르"]),
    ("분산이 가장 큰 방향", ["분산", "가장", "크", "방향"]),
    # '끈다' is 끄다 + ㄴ다, not 끌다 (Kiwi reads it either way)
    ("뉴런을 무작위로 끈다", ["뉴런", "무작위", "끄"]),
    ("수레를 끌고 가요", ["수레", "끌", "가"]),  # ... and 끌고 stays 끌다
    # negators are not content (they set polarity instead)
    ("출력의 중심이 0이 아니다", ["출력", "중심", "0"]),
    ("학습하지 못한다", ["학습"]),
    # Greek letters and a few math signs are read as their names (Kiwi tags them as symbols)
    ("통계 + γ/β", ["통계", "gamma", "beta"]),
    ("v = βv + ∇L", ["v", "beta", "v", "gradient", "l"]),
    # ... and the particles glued to them, which Kiwi reads as nouns after a symbol (와/NNG, 로/NNG)
    ("γ와 β로 scale & shift", ["gamma", "beta", "scale", "shift"]),
    ("β1과 β2, μ과 σ로, γ도 학습", ["beta", "1", "beta", "2", "mu", "sigma", "gamma", "학습"]),
    ("λ배 커짐", ["lambda", "배", "커지"]),  # not a particle: stays
    ("학습률↓, 분산 ↑", ["학습률", "decrease", "분산", "increase"]),  # arrows of keyword notes
    # Kiwi splits "aren't" into aren + ' + t; it is one negator again (not content)
    ("outputs aren't zero-centered", ["outputs", "zero", "centered"]),
    ("it isn’t saturated", ["saturated"]),
    # before a period Kiwi keeps it in the word and cuts the word ('gradient.' -> gradi + ent.)
    ("vanishing gradient. 그래서 느려요", ["vanishing", "gradient", "느리"]),
    ("ReLU is fast.", ["relu", "fast"]),
    ("e.g. ReLU", ["e.g.", "relu"]),
    # nothing to keep
    ("음 어 그 뭐 약간 이제", []),
    ("", []),
]


@pytest.mark.parametrize("text,keys", GOLDEN)
def test_content_units(analyzer, text, keys):
    morphs = next(analyzer.morphemes([text]))
    assert [u.key for u in normalize(text, morphs).units] == keys


def test_fillers_are_named(analyzer):
    text = "음 그러니까 약간 이제 기울기가 사라져요"
    a = normalize(text, next(analyzer.morphemes([text])))
    assert [text[m.start:m.end] for m in a.fillers] == ["음", "그러니까", "약간", "이제"]


def test_offsets_point_into_the_text(analyzer):
    text = "시그모이드는  기울기소실이 생겨요"
    a = normalize(text, next(analyzer.morphemes([text])))
    assert [text[u.start:u.end] for u in a.units] == ["시그모이드", "기울기", "소실", "생겨"]


def test_clause_boundaries_split_connectives(analyzer):
    text = "소실이 생기고 렐루는 없어요"
    a = normalize(text, next(analyzer.morphemes([text])))
    forms = [a.morphs[i].form for i in a.boundaries]
    assert forms == ["고", "어요"]


def test_set_inside_a_compound_is_not_three(analyzer):
    """Kiwi may read '검증셋' as 검증 + 셋 (three); glued to a noun it is 'set'."""
    text = "검증셋에서 평가해요"
    keys = [u.key for u in normalize(text, next(analyzer.morphemes([text]))).units]
    assert "3" not in keys and keys[-1] == "평가"


def test_a_period_after_an_english_word_ends_the_sentence(analyzer):
    text = "it is not zero-centered. 그래서 느려요"
    a = normalize(text, next(analyzer.morphemes([text])))
    assert [a.morphs[i].form for i in a.sentence_ends] == [".", "어요"]
    assert [u.key for u in a.units] == ["zero", "centered", "느리"]


@pytest.mark.parametrize("text", ["loss: 최소화 대상", "학습용·최소화 대상", "train/val 차이"])
def test_a_note_mark_joins_its_words(analyzer, text):
    """In notes a colon, a middle dot and a slash join what is around them: they end a clause,
    not a sentence, so a phrase ('손실 최소화') may match across them."""
    a = normalize(text, next(analyzer.morphemes([text])))
    assert not a.sentence_ends and len(a.boundaries) == 1


def test_a_slash_does_not_end_a_sentence(analyzer):
    """'γ/β', 'train/val gap': a slash joins words, so a phrase may match across it."""
    text = "γ/β로 다시 조정, 그리고 끝."
    a = normalize(text, next(analyzer.morphemes([text])))
    assert [a.morphs[i].form for i in a.sentence_ends] == [",", "."]


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="per-thread priority is Linux's")
def test_kiwi_workers_run_below_the_calling_thread(analyzer):
    """Kiwi's workers analyse ahead while the calling thread matches; with one thread more than
    cores, they must leave the caller a whole core (bench/speed.py shows the effect)."""
    list(analyzer.morphemes(["기울기 소실이 생겨요", "음 그러니까"]))
    workers = analyzer.workers
    assert workers, "the analyzer knows Kiwi's worker threads"
    assert not workers & {t.native_id for t in threading.enumerate()}
    own = os.getpriority(os.PRIO_PROCESS, 0)
    alive = {int(t) for t in os.listdir("/proc/self/task")}
    assert all(os.getpriority(os.PRIO_PROCESS, t) >= min(19, own + WORKER_NICE) for t in workers & alive)
    assert workers & alive
