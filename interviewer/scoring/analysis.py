"""Korean answer analysis: Kiwi morphemes, then normalisation as small named steps.

The analyzer (Kiwi) is built once per process and passed in; importing this module does not
load it. Normalisation never looks at a rubric, so one analysis serves every rubric, glossary
and threshold (re-scoring needs no Kiwi).

Steps (see ``STEPS``; ``interviewer score --explain`` prints each):
  morphemes  Kiwi's tokens with character offsets
  fillers    spoken fillers (음, 어, 그, 뭐, 약간, 이제, 그러니까 …) set aside
  negation   negators (않다, 못, 안, 없다, 아니다, not) marked, for polarity
  clauses    clause boundaries (sentence ends, connective endings, commas) marked
  content    particles, endings and light suffixes dropped; prefixes/suffixes merged
             into their noun (비+선형+성 -> 비선형성, 학습+률 -> 학습률)
  lemmas     verb/adjective lemmas without -다, English lowercased, Hangul as jamo for typos
"""

from __future__ import annotations

import bisect
import functools
import os
import re
import threading
from collections import deque
from dataclasses import dataclass
from typing import Iterable, Iterator, NamedTuple, Protocol


class Morph(NamedTuple):
    """One Kiwi morpheme (a NamedTuple: built per morpheme of every answer, so it must be cheap)."""

    form: str
    tag: str  # base tag: 'VA-I' -> 'VA'
    start: int
    end: int
    lemma: str


class Unit(NamedTuple):
    """A content unit of an answer or phrase: what matching compares."""

    key: str  # normalised lemma ('기울기', '생기', 'relu')
    start: int  # character offsets in the analysed text
    end: int
    first: int  # index of its first and last morpheme (for negation and clause scope)
    last: int


@dataclass(frozen=True)
class AnswerAnalysis:
    text: str
    morphs: tuple[Morph, ...]
    units: tuple[Unit, ...]
    negators: tuple[int, ...]  # morph indices
    negator_hosts: tuple[int, ...]  # for each negator, the morph index it negates (-1: unknown)
    boundaries: tuple[int, ...]  # morph indices that end a clause
    fillers: tuple[Morph, ...]
    sentence_ends: tuple[int, ...] = ()  # morph indices that end a sentence
    case_markers: tuple[int, ...] = ()  # morph indices of 이/가 and 을/를 after a noun

    def sentence_of(self, morph_index: int) -> int:
        """Which sentence (0-based) a morpheme belongs to."""
        return bisect.bisect_left(self.sentence_ends, morph_index)

    def sentence_start(self, morph_index: int) -> int:
        """Index of the first morpheme of the sentence holding ``morph_index``."""
        i = self.sentence_of(morph_index)
        return self.sentence_ends[i - 1] + 1 if i > 0 else 0

    def clause_end(self, morph_index: int) -> int:
        """Index of the first boundary at or after ``morph_index`` (len(morphs) if none)."""
        i = bisect.bisect_left(self.boundaries, morph_index)
        return self.boundaries[i] if i < len(self.boundaries) else len(self.morphs)

    def clause_start(self, morph_index: int) -> int:
        """Index of the first morpheme of the clause holding ``morph_index``."""
        i = bisect.bisect_left(self.boundaries, morph_index)
        return self.boundaries[i - 1] + 1 if i > 0 else 0

    def negations_between(self, lo: int, hi: int, foreign=None) -> int:
        """How many negators have a morph index in [lo, hi), not counting those whose host
        morpheme ``foreign(negator, host)`` says belongs to another predicate."""
        a, b = bisect.bisect_left(self.negators, lo), bisect.bisect_left(self.negators, hi)
        if foreign is None:
            return b - a
        return sum(1 for k in range(a, b) if not foreign(self.negators[k], self.negator_hosts[k]))


class Analyzer(Protocol):
    """Turns texts into morphemes. ``name`` goes into score signatures."""

    name: str

    def morphemes(self, texts: Iterable[str]) -> Iterator[list[Morph]]: ...


# --- word lists --------------------------------------------------------------------------

# Interjections are always fillers; these words are fillers when they stand alone as the
# given part of speech (spoken Korean: 음, 어, 그, 뭐, 약간, 이제, 그러니까 …).
FILLER_WORDS = {
    ("그", "IC"), ("음", "IC"), ("어", "IC"), ("아", "IC"), ("에", "IC"), ("저", "IC"), ("엄", "IC"),
    ("그", "MM"), ("뭐", "NP"), ("뭐", "IC"),  # 그 before a noun is a determiner: delivery.py tells them apart
    ("약간", "MAG"), ("이제", "MAG"), ("좀", "MAG"), ("막", "MAG"), ("그냥", "MAG"), ("뭔가", "MAG"),
    ("진짜", "MAG"), ("되게", "MAG"), ("사실", "MAG"), ("일단", "MAG"), ("아마", "MAG"), ("완전", "MAG"),
    ("그러니까", "MAJ"), ("그니까", "MAJ"), ("그러니깐", "MAJ"),
}
_FILLER_TAGS = {tag for _, tag in FILLER_WORDS}  # a cheap first test for is_filler
# Adverbs that intensify or hedge but carry no content of their own.
LIGHT_ADVERBS = {
    "잘", "아주", "매우", "정말", "너무", "조금", "다", "또", "그렇게", "이렇게", "저렇게", "어떻게",
    "왜", "굉장히", "상당히", "특히", "보통", "주로", "그대로", "바로", "이미", "역시", "혹시",
    # intensifiers: "엄청 단순하다" = "단순하다" (not 가장/제일: "가장 큰" is "최대"; 좀/그냥/되게 are fillers)
    "엄청", "꽤", "무척", "몹시", "대충",
}
ENGLISH_NEGATORS = {"not", "never", "cannot", "without", "isn't", "aren't", "wasn't", "weren't", "doesn't", "don't",
                    "didn't", "can't", "couldn't", "won't", "wouldn't", "shouldn't", "hasn't", "haven't"}
ENGLISH_STOP = {"a", "an", "the", "of", "to", "in", "on", "for", "is", "are", "and", "or", "by", "be", "it", "as"}
CONNECTIVE_ENDINGS = {
    "고", "며", "으며", "면서", "으면서", "지만", "는데", "은데", "ㄴ데", "ᆫ데", "니까", "으니까", "니",
    "어서", "아서", "여서", "서", "라", "라서", "면", "으면", "거나", "든지", "다가", "므로", "으므로",
    "어도", "아도", "여도", "더라도", "는데요", "고요", "구요",
}
CONDITIONAL_ENDINGS = {"면", "으면"}  # -면: a condition (a clause boundary, one of CONNECTIVE_ENDINGS)
CLAUSE_CONJUNCTIONS = {
    "그리고", "그래서", "근데", "그런데", "하지만", "그러나", "또한", "따라서", "그러면", "반면",
    "그러니까", "그니까", "그래도", "즉", "또", "그럼",
}
CAUSAL_NOUNS = {"때문", "덕분", "탓"}
CONTENT_TAGS = {"NNG", "NNP", "NR", "SL", "SN", "SH", "XR", "VV", "VA", "MAG", "W_SERIAL"}
NOUN_TAGS = {"NNG", "NNP", "NNB", "NP", "NR", "SL", "SN", "SH", "XSN"}
CONTENT_DETERMINERS = {"모든", "각", "여러", "온갖", "전"}  # MM that carry meaning (모든 데이터)
CASE_MARKERS = {"JKS", "JKO"}  # 이/가, 을/를: which noun is a predicate's subject or object
DROP_SUFFIXES = {"들", "끼리", "별", "당"}  # 뉴런들 = 뉴런끼리 = 뉴런; 층별 = 층; 샘플당 = 샘플
# Counted things read as numbers: '게이트 세 개' = '게이트 3개', '셋' = 3; one of something is
# 하나 (the glossary's 'single' group): '데이터 한 개' = '샘플 1개' = '데이터 하나'.
NATIVE_NUMBERS = {"한": "하나", "두": "2", "세": "3", "네": "4", "다섯": "5", "여섯": "6",
                  "둘": "2", "셋": "3", "넷": "4"}
COUNTERS = {"개", "가지", "건"}
_NUMBER_TAGS = {"MM", "SN", "NR"}


def base_tag(tag: str) -> str:
    return tag.split("-", 1)[0]


def is_negator(m: Morph) -> bool:
    if m.tag == "VCN":
        return True
    if m.tag in ("VX", "VV") and m.lemma in ("않다", "못하다"):
        return True
    if m.tag == "MAG" and m.form in ("안", "못", "없이"):
        return True
    if m.tag == "VA" and m.lemma == "없다":
        return True
    return m.tag == "SL" and m.form.lower() in ENGLISH_NEGATORS


def is_unrelated(m: Morph) -> bool:
    """무관하다 / 관계없다 / 상관없다 (VA), or 무관 (XR or NNG) of 무관+하다."""
    return (m.tag == "VA" and m.lemma in UNRELATED) or (m.tag in ("XR", "NNG") and m.form == "무관")


def is_filler(m: Morph) -> bool:
    return m.tag == "IC" or (m.tag in _FILLER_TAGS and (m.form, m.tag) in FILLER_WORDS)


def is_boundary(m: Morph) -> bool:
    if m.tag in ("EF", "SF"):
        return True
    if m.tag == "SP":  # comma, semicolon
        return True
    if m.tag == "EC":
        return m.form in CONNECTIVE_ENDINGS
    if m.tag in ("NNB", "NNG") and m.form in CAUSAL_NOUNS:
        return True  # '~기 때문에' ends a reason clause like '-어서' does
    return m.tag == "MAJ" and m.form in CLAUSE_CONJUNCTIONS


def _lemma_key(m: Morph) -> str:
    if m.tag in ("VV", "VA"):
        lemma = m.lemma or m.form
        return lemma[:-1] if lemma.endswith("다") and len(lemma) > 1 else lemma
    if m.tag == "SL":
        return m.form.lower()
    return m.form


# Morph(...), Unit(...) without the NamedTuple constructor's Python frame: ~50 morphemes and
# ~20 units per answer are built on the scoring path.
_new_tuple = tuple.__new__


BOUNDS = {"이상": "≥", "이하": "≤", "초과": ">", "미만": "<"}  # '0 이상' -> '≥0': never a typo of another bound

L_DROP_ENDINGS = "ᆫᆯᆸ"  # endings that drop a stem's final ㄹ
L_VERB_READINGS = {"끌": "끄"}  # an ㄹ-stem Kiwi may pick -> the stem meant (before those endings)


def reads_as_like(morphs: tuple[Morph, ...], i: int) -> bool:
    """Is morpheme ``i`` a 같다 that reads 'like': 'X 같은' right after a noun is 'like X'
    ('exp 같은 게'), and '것 같아요' a hedge; only '같은 N' / 'N과 같다' mean 'the same'."""
    return morphs[i].tag == "VA" and morphs[i].lemma == "같다" and i > 0 and morphs[i - 1].tag in NOUN_TAGS


def _sign_of(morphs: tuple[Morph, ...], i: int) -> int:
    """The index of a minus sign that makes the number at ``i`` negative, or -1: '-1' or '−1'
    glued to it and not to a word before ('1-p' is a subtraction), or the word '마이너스'."""
    if i == 0:
        return -1
    minus = morphs[i - 1]
    if minus.form == "마이너스":
        return i - 1
    if minus.form not in ("-", "−") or minus.end != morphs[i].start:
        return -1
    before = morphs[i - 2] if i > 1 else None
    if before is None or before.end != minus.start or before.tag in ("SSO", "SO", "SP", "SF"):
        return i - 1
    return -1


def content_units(morphs: tuple[Morph, ...], skip: set[int]) -> list[Unit]:
    """The ``content`` and ``lemmas`` steps: content morphemes as units, affixes merged.
    ``skip``: indices of fillers and negators (marked by :func:`normalize`), never content; a
    bound taken into its number ('0 이상') is added to it."""
    units: list[Unit] = []
    pending_prefix: Morph | None = None
    prev_noun = False
    for i, m in enumerate(morphs):
        tag = m.tag
        if tag == "XPN":
            pending_prefix = m
            continue
        if tag == "XSN":
            # 학습+률 -> 학습률; an English word keeps its own key (monitoring+용 -> monitoring)
            if m.form not in DROP_SUFFIXES and units and prev_noun and units[-1].last == i - 1 and morphs[i - 1].tag != "SL":
                u = units[-1]
                units[-1] = Unit(u.key + m.form, u.start, m.end, u.first, i)
            continue
        if tag in _NUMBER_TAGS:
            key = None
            if i + 1 < len(morphs) and morphs[i + 1].tag == "NNB" and morphs[i + 1].form in COUNTERS:
                if tag == "MM" and m.form in NATIVE_NUMBERS:
                    key = NATIVE_NUMBERS[m.form]
                elif tag == "SN" and m.form == "1":
                    key = "하나"
            elif tag == "NR" and m.form in NATIVE_NUMBERS and not (
                    i and morphs[i - 1].end == m.start and morphs[i - 1].tag in NOUN_TAGS):
                key = NATIVE_NUMBERS[m.form]  # standing alone: '셋' glued to a noun is 'set' (검증+셋)
            start, first, end, last = m.start, i, m.end, i
            if key is None and tag == "SN":
                sign = _sign_of(morphs, i)
                if sign >= 0:  # '-1에서 1', '마이너스 1': -1 is not the 1 of a phrase
                    key, start, first = "-" + m.form, morphs[sign].start, sign
                    if units and units[-1].first == sign:
                        units.pop()  # the word 마이너스
                if i + 1 < len(morphs) and morphs[i + 1].form == "보다" and morphs[i + 1].tag == "JKB":
                    # '기울기가 1보다 작아서' compares with 1: it is not '기울기가 1'
                    key = (key or m.form) + "보다"
                elif i + 1 < len(morphs) and morphs[i + 1].form in BOUNDS and morphs[i + 1].tag == "NNG":
                    # '출력이 항상 0 이상' is not '출력이 항상 0': the bound is part of the number ('≥0')
                    key, end, last = BOUNDS[morphs[i + 1].form] + (key or m.form), morphs[i + 1].end, i + 1
                    skip.add(i + 1)
            if key is not None:
                pending_prefix = None
                prev_noun = False
                units.append(_new_tuple(Unit, (key, start, end, first, last)))
                continue
        if tag == "MM" and m.form == "다른" and i and morphs[i - 1].form == "서로":
            # '서로 다른' is 다르다 (different), however Kiwi tags it: out of context it reads the
            # determiner 다른 (other) and drops it, in an answer often the adjective.
            units.append(_new_tuple(Unit, ("다르", m.start, m.end, i, i)))
            pending_prefix = None
            prev_noun = False
            continue
        if (tag not in CONTENT_TAGS and not (tag == "MM" and m.form in CONTENT_DETERMINERS)) or i in skip:
            pending_prefix = None
            prev_noun = False
            continue
        if tag == "VA" and reads_as_like(morphs, i):
            pending_prefix = None
            prev_noun = False
            continue
        if tag == "MAG" and m.form in LIGHT_ADVERBS:
            pending_prefix = None
            prev_noun = False
            continue
        key = _lemma_key(m)
        if tag == "SL" and key in ENGLISH_STOP:
            continue
        if tag == "VV" and key in L_VERB_READINGS and i + 1 < len(morphs) and morphs[i + 1].form[:1] in L_DROP_ENDINGS:
            # '끈다' is 끄+ㄴ다 or 끌+ㄴ다 (ㄹ drops before ㄴ/ㄹ/ㅂ); Kiwi sometimes picks 끌다 ('뉴런을
            # 무작위로 끈다'), which an answer about networks does not mean.
            key = L_VERB_READINGS[key]
        start, first = m.start, i
        if pending_prefix is not None and pending_prefix.end == m.start and tag in ("NNG", "NNP", "XR"):
            key = pending_prefix.form + key
            start, first = pending_prefix.start, i - 1
        pending_prefix = None
        prev_noun = tag in ("NNG", "NNP", "XR", "SL")
        units.append(_new_tuple(Unit, (key, start, m.end, first, i)))
    return units


_NEGATOR_TAGS = {"VCN", "VX", "VV", "MAG", "VA", "SL"}  # is_negator is false for any other tag
_BOUNDARY_TAGS = {"EF", "SF", "SP", "EC", "NNB", "NNG", "MAJ"}  # likewise is_boundary
_SENTENCE_END_TAGS = {"EF", "SF", "SP"}
# Marks that join what is on both sides, in notes: 'γ/β', 'train/val' (a slash), '학습용·최소화 대상'
# (a middle dot), 'loss: 최소화 대상' (a colon says what the word before it is). They end a clause,
# not a sentence, so that a phrase may match across them.
JOINERS = {"/", "·", ":"}


def normalize(text: str, morphs: Iterable[Morph]) -> AnswerAnalysis:
    """Run the normalisation steps over one text's morphemes (one pass marks fillers,
    negators, clause and sentence ends; a second builds the content units)."""
    morphs = tuple(morphs)
    negators, boundaries, fillers, sentence_ends, case_markers = [], [], [], [], []
    skip = set()
    last = len(morphs) - 1
    for i, m in enumerate(morphs):
        tag = m.tag
        if is_filler(m):
            fillers.append(m)
            skip.add(i)
        if tag in _NEGATOR_TAGS and is_negator(m):
            skip.add(i)
            # 'A 아니면 B' right after a noun is 'A or B' ('0이 아니면' still negates), and
            # '-잖아요' is Kiwi's 지+않+아요 but confirms rather than negates ("1이잖아요").
            either = tag == "VCN" and 0 < i < last and morphs[i + 1].form in CONDITIONAL_ENDINGS and morphs[i - 1].tag in NOUN_TAGS
            if not either and "잖" not in text[m.start:m.end] and not _few(morphs, i) and not _asks(morphs, i):
                negators.append(i)
        elif tag in ("VA", "XR", "NNG") and is_unrelated(m) and _complement_of(morphs, i) >= 0:
            # 'X랑 무관해요' denies X. The word stays content: a phrase that says it ('배치 크기와
            # 무관') is met by an answer that says it, and then it negates nothing (span_negations).
            negators.append(i)
        if tag in CASE_MARKERS and i and morphs[i - 1].tag in NOUN_TAGS:
            case_markers.append(i)
        if tag in _BOUNDARY_TAGS and is_boundary(m):
            # '-면 안 되다' (must not): the negation belongs to the clause before '면'; in 'X 때문이
            # 아니다' 때문 ends no reason clause, and the denial is of X.
            if not (m.form in CONDITIONAL_ENDINGS and i < last and morphs[i + 1].form == "안") \
                    and not (m.form in CAUSAL_NOUNS and copula_negated(morphs, i)):
                boundaries.append(i)
            if tag in _SENTENCE_END_TAGS and m.form not in JOINERS:
                sentence_ends.append(i)
    return AnswerAnalysis(
        text=text,
        morphs=morphs,
        units=tuple(content_units(morphs, skip)),
        negators=tuple(negators),
        negator_hosts=tuple(negator_host(morphs, i) for i in negators),
        boundaries=tuple(boundaries),
        fillers=tuple(fillers),
        sentence_ends=tuple(sentence_ends),
        case_markers=tuple(case_markers),
    )


def copula_negated(morphs, host: int) -> bool:
    """Is the noun at ``host`` the complement of '아니다' (N이/가 아니다, 'GPU 때문이 아니에요')?"""
    for j in range(host + 1, min(host + 3, len(morphs))):
        if morphs[j].tag == "VCN":
            return True
        if not morphs[j].tag.startswith("J"):
            return False
    return False


QUESTION_ENDINGS = {"ᆫ지", "는지", "은지"}  # '… 아닌지 확인해요', '안 맞는지 봐요'
HEDGE_ENDINGS = {"을까", "ᆯ까", "을까요", "ᆯ까요"}  # '생기지 않을까 싶어요' asserts


def _asks(morphs, i: int) -> bool:
    """Is the negator at ``i`` part of a question, not a denial: an embedded one ('오버슈팅하는 건
    아닌지 확인해요', '짝이 안 맞는지 봐요', '문제가 없는지') or a hedge that asserts ('소실이 생기지
    않을까 싶어요', '수렴하지 않나 싶어요')?"""
    n = len(morphs)
    j = i + 1
    if morphs[i].tag == "MAG" and j < n and morphs[j].tag in ("VV", "VA", "XSV", "XSA"):
        j += 1  # 안 맞 + 는지
    if j >= n:
        return False
    m = morphs[j]
    if (m.tag == "EC" and m.form in QUESTION_ENDINGS) or m.form in HEDGE_ENDINGS:
        return True
    if j + 1 < n and m.tag == "ETM" and morphs[j + 1].form == "지" and morphs[j + 1].tag == "NNB":
        return True  # 없 + 는 + 지
    return m.form == "나" and m.tag == "EC" and j + 1 < n and morphs[j + 1].form == "싶"


def _few(morphs, i: int) -> bool:
    """'몇 개 안 돼요', '얼마 안 돼서': 안 되다 after 몇 + counter or 얼마 says 'only a few' (a
    small amount), not 'does not happen'."""
    if not (morphs[i].form == "안" and morphs[i].tag == "MAG" and i + 1 < len(morphs)
            and morphs[i + 1].form == "되" and morphs[i + 1].tag == "VV"):
        return False
    before = morphs[i - 1] if i > 0 else None
    if before is not None and before.form == "얼마":
        return True
    return before is not None and before.tag == "NNB" and i > 1 and morphs[i - 2].form == "몇"


PREDICATE_TAGS = {"VV", "VA", "XSV", "XSA", "VCP"}


# '-ㄹ 일/필요/적/리 없다' deny the verb before them, not the noun.
DENIED_BEFORE = {"일", "필요", "적", "리"}
# 'X와 무관하다 / 관계없다 / 상관없다' deny X, and only X ('배치 크기와 무관하게 정규화' says 정규화).
UNRELATED = {"무관하다", "관계없다", "상관없다"}
UNRELATED_NOUNS = {"관계", "상관"}  # 'X랑 관계 없다' read as 관계/NNG + 없다
COMITATIVE = {"와", "과", "랑", "이랑", "하고"}

# Adverbs of amount, speed or duration: '많이 안 들어요' denies 많이, not 들다.
MANNER_ADVERBS = {"많이", "빨리", "자주", "오래", "천천히", "멀리"}


def negator_host(morphs: tuple[Morph, ...], i: int) -> int:
    """The morpheme a negator negates, or -1: the predicate before 않다/못하다, the one after
    the adverbs 안/못, the noun of 없다/아니다/없이 ('영향이 없다', '0이 아니다', '셀 상태 없이'). A noun
    with a verb suffix stands for its verb (갱신+되+지 않 -> 갱신), and a verbal noun right before
    '안 되다/하다' is what is denied ('포함 안 된'), as is the noun before 문제/현상 ('포화 문제가
    없다'). When the verb has a manner adverb ('크게 잡지 않고', '많이 안 들어요'), the negator denies
    the manner, not the verb."""
    m = morphs[i]

    def noun_of(j: int) -> int:
        return j - 1 if morphs[j].tag in ("XSV", "XSA") and j > 0 else j

    if is_unrelated(m):
        return _complement_of(morphs, i)  # 'X랑 무관', 'X랑은 관계없어요'
    if m.tag in ("VA", "VCN") or m.form == "없이":  # 없다 / 아니다 / 'X 없이': the noun they are said of
        for j in range(i - 1, max(i - 4, -1), -1):
            if morphs[j].tag in ("NNG", "NNP", "NR", "SL", "SN", "XR", "NNB", "NP"):
                if morphs[j].form in ("문제", "현상") and j and morphs[j - 1].tag in ("NNG", "NNP", "SL"):
                    return j - 1  # '포화 문제가 없어요': what is absent is 포화
                if morphs[j].form in UNRELATED_NOUNS and morphs[j].tag == "NNG":
                    k = _complement_of(morphs, j)
                    if k >= 0:
                        return k  # 'X랑은 관계 없어요', 'X랑 상관 없는'
                return j
        return -1
    if m.tag == "MAG":  # 안 / 못 before the verb
        k = _manner_of(morphs, i)
        if k >= 0:
            return k  # '크게 안 잡아요', '많이 안 들어요': what is denied is 크게 / 많이
        for j in range(i + 1, min(i + 4, len(morphs))):
            if morphs[j].tag in PREDICATE_TAGS:
                if j == i + 1 and morphs[j].form in ("되", "하") and i > 0 and morphs[i - 1].tag == "NNG":
                    return i - 1  # '포함 안 된': the verbal noun is what is denied
                return noun_of(j)
        return -1
    for j in range(i - 1, max(i - 5, -1), -1):  # 않다 / 못하다 after '-지'
        tag = morphs[j].tag
        if tag in PREDICATE_TAGS or tag in ("NNG", "XR", "VX"):
            k = _manner_of(morphs, j)
            if k >= 0:
                return k  # '크게 잡지 않고', '많이 들지 않아요': the manner is denied, not the verb
            if tag != "VX":
                return noun_of(j)
    return -1


def _complement_of(morphs: tuple[Morph, ...], i: int) -> int:
    """The noun that '무관하다 / 관계없다 / 상관없다' at ``i`` is said of: the one before 와/과/랑/
    이랑/하고 ('GPU 병렬 처리랑은 관계없어서': 처리), or -1 when there is none."""
    j = i - 1
    while j >= 0 and morphs[j].tag == "JX":  # 은/는/도
        j -= 1
    if j > 0 and morphs[j].form in COMITATIVE and morphs[j].tag in ("JKB", "JC") and morphs[j - 1].tag in NOUN_TAGS:
        return j - 1
    return -1


def _manner_of(morphs: tuple[Morph, ...], j: int) -> int:
    """The manner adverb right before ``j``: an adjective made an adverb by -게 ('크게 잡다',
    '적게 들다') or one of MANNER_ADVERBS ('많이 들다'); -1 if there is none."""
    if j > 1 and morphs[j - 2].tag == "VA" and morphs[j - 1].tag == "EC" and morphs[j - 1].form == "게":
        return j - 2
    if j > 0 and morphs[j - 1].form in MANNER_ADVERBS and morphs[j - 1].tag in ("MAG", "NNG"):
        return j - 1  # Kiwi sometimes tags 많이 NNG
    return -1


STEPS = ("morphemes", "fillers", "negation", "clauses", "content", "lemmas")


def explain_steps(analysis: AnswerAnalysis) -> list[tuple[str, str]]:
    """What each step did, as (step, readable result), for ``--explain``."""
    ms = analysis.morphs
    text = analysis.text
    neg = set(analysis.negators)
    bnd = set(analysis.boundaries)
    return [
        ("morphemes", " ".join(f"{m.form}/{m.tag}" for m in ms) or "(none)"),
        ("fillers", " ".join(text[m.start:m.end] for m in analysis.fillers) or "(none)"),
        ("negation", " ".join(f"{ms[i].form}" for i in sorted(neg)) or "(none)"),
        ("clauses", " | ".join(_clauses(ms, bnd, text)) or "(none)"),
        ("content", " ".join(text[u.start:u.end] for u in analysis.units) or "(none)"),
        ("lemmas", " ".join(u.key for u in analysis.units) or "(none)"),
    ]


def _clauses(ms, bnd, text):
    out, start = [], 0
    for i, m in enumerate(ms):
        if i in bnd:
            out.append(text[start:m.end].strip())
            start = m.end
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return [c for c in out if c]


_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_text(text: str) -> str:
    """``text`` with each lone surrogate (a JSON '\\ud800' escape, undecodable terminal bytes) as
    U+FFFD, one for one so that offsets still hold: Kiwi cannot read them."""
    return _SURROGATE.sub("\ufffd", text)


# --- Kiwi --------------------------------------------------------------------------------


class KiwiAnalyzer:
    """Kiwi behind the :class:`Analyzer` interface. Construct once per process (~2.5 s)."""

    def __init__(self, num_workers: int = -1):
        try:
            import kiwipiepy
            from kiwipiepy import Kiwi
        except ImportError as exc:  # pragma: no cover - depends on the environment
            from ..errors import InterviewerError

            raise InterviewerError(
                f"kiwipiepy is not installed ({exc}); install with: pip install 'kiwipiepy>=0.24,<0.25'"
            ) from None
        self._kiwi = Kiwi(num_workers=num_workers)
        self._user_words: set[str] = set()
        self._workers: frozenset[int] | None = None  # Kiwi starts its worker threads when it builds: on first use
        self.name = f"kiwipiepy-{kiwipiepy.__version__}"

    def add_words(self, words: Iterable[str]) -> int:
        """Teach Kiwi glossary nouns so it splits them the same way in every context
        ('과적합 여부' was 과+적합, '과적합이' was 과적합). Returns how many were new."""
        added = 0
        for w in words:
            if w not in self._user_words:
                self._user_words.add(w)
                added += bool(self._kiwi.add_user_word(w, "NNG", 0.0))
        if added:
            self._workers = None  # Kiwi rebuilds, with new workers
        return added

    def morphemes(self, texts: Iterable[str]) -> Iterator[list[Morph]]:
        """Morphemes of each text, in order. ``texts`` may be a generator: Kiwi reads ahead on
        its own threads while the caller works on earlier results. Long texts go to Kiwi in
        pieces (its time grows faster than the length: 200 KB in one piece took 27 s)."""
        pieces: deque[list[tuple[int, int]]] = deque()

        def feed():
            for text in texts:
                spans = split_long(text)
                pieces.append(spans)
                for start, end in spans:
                    yield text[start:end]

        before = _native_threads() if self._workers is None else None
        results = self._kiwi.tokenize(feed())
        for first in results:
            if before is not None:
                self._workers = frozenset(_native_threads() - before)
                lower_priority(self._workers)
                before = None
            spans = pieces.popleft()
            morphs = _morphs(first, spans[0][0])
            for start, _ in spans[1:]:
                morphs += _morphs(next(results), start)
            yield morphs

    @property
    def kiwi(self):
        return self._kiwi

    @property
    def workers(self) -> frozenset[int]:
        """Thread ids of Kiwi's workers, known once it has analysed something (Linux)."""
        return self._workers or frozenset()


# Kiwi's workers analyse ahead while the calling thread normalises and matches. Kiwi starts as
# many workers as cores, so there is one thread more than cores: shared evenly, the caller (the
# slower stage of the pipeline) gets two thirds of a core, and the workers soon wait for it with
# their read-ahead full. A slightly lower priority makes them use what the caller leaves:
# bench/speed.py on 2 cores, batch/Kiwi time 1.60-1.67 -> 1.41-1.50 (nice 2, 3, 5 and 10 alike).
WORKER_NICE = 2


def _native_threads() -> set[int]:
    """Ids of this process's threads that Python did not start (Linux; empty elsewhere)."""
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return set()
    ours = {t.native_id for t in threading.enumerate()}
    return {int(t) for t in tasks if t.isdigit() and int(t) not in ours}


def lower_priority(threads: Iterable[int], nice: int = WORKER_NICE) -> None:
    """Run ``threads`` at ``nice`` above the calling thread's priority (Linux nice is per
    thread); never raise a priority, and leave it be where that is not permitted."""
    try:
        target = min(19, os.getpriority(os.PRIO_PROCESS, 0) + nice)
    except (AttributeError, OSError):
        return
    for tid in threads:
        try:
            if os.getpriority(os.PRIO_PROCESS, tid) < target:
                os.setpriority(os.PRIO_PROCESS, tid, target)
        except OSError:
            pass  # gone, or not ours to change


# Kiwi reads Greek letters and a few math signs as symbols (SW), which carry no content; an answer
# written as keywords says 'γ/β', '∇L', 'Var ∝ d_k', '출력 중심 ≠ 0'. They are read as the words the
# glossary knows ('not' is a negator).
SYMBOL_WORDS = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "η": "eta", "θ": "theta",
    "λ": "lambda", "μ": "mu", "σ": "sigma", "τ": "tau", "∇": "gradient", "∝": "proportional",
    "≠": "not", "↑": "increase", "↓": "decrease",  # keyword notes: '출력 중심 ≠ 0', '학습률↓'
}


# After a symbol Kiwi reads most particles as nouns ('γ와 β로' -> γ/SW 와/NNG β/SW 로/NNG, 'β1과'
# -> 과/NNG): glued to a symbol word (or to a number glued to one), they are read as the particles.
PARTICLES_AFTER_SYMBOL = {
    "와": "JC", "과": "JC", "랑": "JC", "이랑": "JC", "하고": "JC",
    "로": "JKB", "으로": "JKB", "에": "JKB", "에서": "JKB", "보다": "JKB", "처럼": "JKB",
    "도": "JX", "는": "JX", "은": "JX", "만": "JX", "까지": "JX", "부터": "JX",
    "의": "JKG", "이": "JKS", "가": "JKS", "을": "JKO", "를": "JKO",
}


APOSTROPHES = {"'", "\u2019"}
GLUED_DETERMINERS = {"그", "이", "저"}


def _morphs(tokens, offset: int = 0) -> list[Morph]:
    out = []
    append = out.append
    symbol_end = -1  # where the last symbol word (and a number glued to it) ends
    for t in tokens:
        form, tag, start = t.form, t.tag, offset + t.start
        if "-" in tag:  # irregular conjugation: 'VV-R' -> 'VV'
            tag = tag.split("-", 1)[0]
        elif tag == "SW" and form in SYMBOL_WORDS:
            form, tag = SYMBOL_WORDS[form], "SL"
            symbol_end = start + t.len
        elif form == "인" and tag == "NNG" and out and out[-1].tag == "SN" and out[-1].end == start:
            # '0인 지점', '기울기가 1인 구간': after a number Kiwi reads 인 as a noun (3인 가족, a
            # head count); in an answer it is 이다 + -ㄴ, 'which is 0'
            end = start + t.len
            append(_new_tuple(Morph, ("이", "VCP", start, end, "이다")))
            append(_new_tuple(Morph, ("ᆫ", "ETM", start, end, "ᆫ")))
            continue
        elif start == symbol_end:
            if tag == "SN":
                symbol_end = start + t.len  # β1과 β2
            elif tag in ("NNG", "NNP", "NNB") and form in PARTICLES_AFTER_SYMBOL:
                tag = PARTICLES_AFTER_SYMBOL[form]
        elif tag in ("NNG", "NNP", "XPN") and out and out[-1].tag in ("MM", "IC") and out[-1].form in GLUED_DETERMINERS \
                and out[-1].end == start:
            # In a sentence Kiwi may read a noun's first letter as a determiner or a filler, which it
            # does not alone ('그리드 서치를' -> 그/MM + 리드 + 서치, '이진 분류' -> 이/MM + 진 + 분류,
            # '저차원' -> 저/IC + 차원). Those are written apart from the next word: glued, they are its start.
            word = out.pop()
            form, start = word.form + form, word.start
        elif tag == "SL" and form in ("t", "T") and len(out) > 1 and out[-1].form in APOSTROPHES \
                and out[-1].start == start - 1 and out[-2].tag == "SL" and out[-2].end == start - 1:
            # Kiwi splits "aren't" into aren + ' + t: one word again, so that it negates
            out.pop()
            word = out.pop()
            form = word.form + "'t"
            start = word.start
            append(_new_tuple(Morph, (form, tag, start, offset + t.start + t.len, form)))
            continue
        elif tag == "SL" and form.endswith(".") and len(form) > 1 and "." not in form[:-1]:
            # Kiwi keeps a period in the English word before it and may cut the word in two
            # ('fast.'; 'gradient.' -> gradi + ent.): the word is one again, the period a sentence end
            end = start + t.len
            if out and out[-1].tag == "SL" and out[-1].end == start:
                word = out.pop()
                form, start = word.form + form, word.start
            append(_new_tuple(Morph, (form[:-1], tag, start, end - 1, form[:-1])))
            append(_new_tuple(Morph, (".", "SF", end - 1, end, ".")))
            continue
        # Only predicates (VV, VA, VX, VCP, VCN) have a lemma of their own ('되' -> '되다');
        # every other token's lemma is its form (and reading it costs time).
        append(_new_tuple(Morph, (form, tag, start, start + t.len, t.lemma if tag[0] == "V" else form)))
    return out


PIECE = 1000  # characters per Kiwi call for long texts


def split_long(text: str, size: int = PIECE) -> list[tuple[int, int]]:
    """(start, end) pieces of at most ``size`` characters, cut after a sentence end or a space."""
    if len(text) <= size:
        return [(0, len(text))]
    spans, start = [], 0
    while len(text) - start > size:
        window = text[start:start + size]
        cut = max(window.rfind(ch) for ch in ".?!\n")
        if cut < size // 2:
            cut = window.rfind(" ")
        cut = start + (cut + 1 if cut >= size // 4 else size)
        spans.append((start, cut))
        start = cut
    spans.append((start, len(text)))
    return spans


class BackgroundAnalyzer:
    """Builds a :class:`KiwiAnalyzer` on a thread so the first question is shown at once."""

    def __init__(self, factory=KiwiAnalyzer):
        self._done = threading.Event()
        self._value = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._build, args=(factory,), daemon=True, name="kiwi-loader")
        self._thread.start()

    def _build(self, factory):
        try:
            self._value = factory()
        except BaseException as exc:  # handed to the caller of get()
            self._error = exc
        finally:
            self._done.set()

    def ready(self) -> bool:
        return self._done.is_set()

    def get(self):
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value


@functools.lru_cache(maxsize=1)
def default_analyzer() -> KiwiAnalyzer:
    """One shared analyzer per process for callers that don't manage their own."""
    return KiwiAnalyzer()
