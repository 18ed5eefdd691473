"""Step one of scoring: per-phrase match statistics for one question and one analysed answer.

A phrase is a short sequence of content units. It matches a *window* of the answer's units
when its units are found there (any order, other words in between), each compared by exact
key (after glossary synonyms) or by jamo-level fuzzy similarity (rapidfuzz) for typos. The
window score is the share of phrase units found (each by its best similarity). For the best windows we then
compare *polarity*: the number of negators (않다, 못, 안, 없다, 아니다) in the span and the rest
of its clause, against the phrase's own. Same parity supports the key point; different
parity contradicts it.

Nothing here applies a threshold: the statistics keep the best supporting and the best
contradicting window of every phrase, so that :mod:`.aggregate` can re-threshold and
re-weight without Kiwi.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass
from typing import Iterable, NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

from ..glossary import Glossary
from ..rubric import KeyPoint, Question
from .analysis import CASE_MARKERS, CONDITIONAL_ENDINGS, CONTENT_TAGS, DENIED_BEFORE, DROP_SUFFIXES, ENGLISH_NEGATORS, NOUN_TAGS, Analyzer, AnswerAnalysis, _lemma_key, _new_tuple, copula_negated, is_unrelated, normalize


# The matching algorithm's revision, part of every signature: bump it whenever a change to this
# module or to analysis.py can change a verdict, so that equal signatures mean equal scores.
MATCHER = "m40"


@dataclass(frozen=True)
class MatchSettings:
    threshold: float = 0.75  # window score needed to credit (or contradict) a key point
    token_cutoff: float = 0.8  # jamo similarity needed for a fuzzy unit match
    slack: int = 5  # extra units a window may hold beyond the phrase's own
    floor: float = 0.5  # windows below this are not kept in the statistics
    min_fuzzy_jamo: int = 5  # shorter units only match exactly

    def __post_init__(self):
        for name in ("threshold", "token_cutoff", "floor"):
            v = getattr(self, name)
            if not 0.0 < v <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], got {v}")
        if self.floor > self.threshold:
            raise ValueError(f"floor ({self.floor}) must not exceed threshold ({self.threshold})")
        if self.slack < 0 or self.min_fuzzy_jamo < 1:
            raise ValueError("slack must be >= 0 and min_fuzzy_jamo >= 1")

    def describe(self) -> str:
        return f"{MATCHER}-t{self.threshold:g}-tok{self.token_cutoff:g}-slack{self.slack}-floor{self.floor:g}"


# A phrase word its predicate already implies ('속도' next to 빠르다/느리다) is not needed in the answer.
IMPLIED = {"@speed": {"@fast", "@slow"}}

COMPOUND_CUTOFF = 0.9  # for joined two-word probes (see CompiledQuestion)
COMPOUND_PERCENT = float(np.float32(COMPOUND_CUTOFF * 100))  # as compared with cdist's float32 scores
ANTONYM = 0.999  # similarity of a glossary antonym (stored negated: it flips polarity)

# Content words too common to identify a key point: they may appear in a phrase, but a match
# is neither helped nor hurt by them (they are dropped from both sides), unless the phrase has nothing else.
LIGHT_KEYS = frozenset(
    "하 되 있 이 것 수 문제 발생 경우 때 사용 방법 현상 부분 정도 점 가지 쓰 생기 일어나 나타나 "
    "통하 위하 대하 따르 주 만들 보 많 시키 갖 가 오 나오 크 작 더 좋 높 낮 중요 필요 역할 "
    "특징 의미 결과 과정 효과 이유 때문 모델 학습 데이터 함수 값 방식 기법 등 곳 "
    "쓰이 해당 지니 미치 끼치".split()
)


# --- text helpers ------------------------------------------------------------------------

_CHO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JUNG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_JONG = ["", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"]
_JAMO_TABLE = {
    0xAC00 + i: _CHO[i // 588] + _JUNG[(i % 588) // 28] + _JONG[i % 28] for i in range(11172)
}
_JAMO_TABLE.update({0x11A8 + i: _JONG[i + 1] for i in range(27)})  # Kiwi's coda jamo (ᆫ, ᆯ)


def verb_stem(key: str) -> str:
    """'빠름' -> '빠르', '높음' -> '높': the stem of a -(으)ㅁ noun form, which Kiwi sometimes
    leaves as one noun; used only to look the word up in the glossary."""
    if len(key) < 2:
        return key
    last = ord(key[-1]) - 0xAC00
    if not 0 <= last < 11172 or last % 28 != 16:  # 16: final consonant ㅁ
        return key
    if key[-1] == "음":
        return key[:-1]
    return key[:-1] + chr(0xAC00 + last - 16)


_verb_stem = functools.lru_cache(maxsize=1 << 16)(verb_stem)


def _is_number(key: str) -> bool:
    return key == "@zero" or any(ch.isdigit() for ch in key)


def _is_hangul(jamo_text: str) -> bool:
    return bool(jamo_text) and all("ㄱ" <= ch <= "ㅣ" for ch in jamo_text)


@functools.lru_cache(maxsize=1 << 16)
def jamo(text: str) -> str:
    """Hangul syllables as compatibility jamo: '소실' -> 'ㅅㅗㅅㅣㄹ' (typo distance per keystroke)."""
    return text.translate(_JAMO_TABLE)


# --- glossary ----------------------------------------------------------------------------


class CUnit(NamedTuple):
    """A unit after synonym replacement: ``key`` is '@group' for glossary terms."""

    key: str
    surface: str  # what fuzzy matching compares (jamo)
    start: int
    end: int
    first: int
    last: int


class CompiledGlossary:
    """The glossary analysed once with the analyzer: a longest-match table of term units."""

    def __init__(self, glossary: Glossary, analyzer: Analyzer, phrase_words: Iterable[str] = ()):
        """``phrase_words``: the rubric's phrases' written words, found whole however Kiwi splits
        them (see split_words)."""
        self.glossary = glossary
        terms = [(g.id, t) for g in glossary.synonyms for t in g.terms]
        analyses = [normalize(t, ms) for (_, t), ms in zip(terms, analyzer.morphemes(t for _, t in terms))]
        self._table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.owner: dict[tuple[str, ...], str] = {}  # term units -> group (first wins)
        surfaces: dict[str, set[str]] = {}
        self.skipped: list[tuple[str, str, str]] = []  # (group, term, why) for lint
        # Kiwi splits some multi-word Hangul terms differently in an answer than alone ('리키
        # 렐루를' -> 리+키+렐루, '경사 하강을' -> 경사+하+강): such terms are also found by their
        # letters, spaces ignored, over whole units (see canonical).
        self._spelled: dict[str, str] = {}
        self._spelled_prefixes: set[str] = set()
        for (gid, term), a in zip(terms, analyses):
            keys = tuple(u.key for u in a.units)
            if _is_verb_term(term) and any(m.tag == "VCP" for m in a.morphs):
                # Out of context Kiwi reads some verbs as a noun + 이다 ('줄이다' -> 줄/NNG 이/VCP):
                # in an answer they are verbs, whose unit is the lemma without -다 ('줄여' -> 줄이).
                keys = (term[:-1],)
            why = None if len(keys) == 1 and keys[0] == term[:-1] else _unusable(term, a)
            if not why and len(keys) == 1 and keys[0] != term and _is_number(keys[0]):
                # '셋' (a set) alone is Kiwi's native number three: as a term it would make every
                # 3 and '세 개' in an answer a set. '학습 셋' (two units) keeps its group.
                why = f"reads as the number {keys[0]}"
            if why:
                self.skipped.append((gid, term, why))
                continue
            if keys in self.owner:
                if self.owner[keys] != gid:
                    self.skipped.append((gid, term, f"reads as {' '.join(keys)}, already a term of {self.owner[keys]}"))
                    continue
            else:
                self.owner[keys] = gid
                self._table.setdefault(keys[0], []).append((keys, gid))
                if len(keys) == 1:
                    surfaces.setdefault(gid, set()).add(jamo(keys[0]))
            compact = term.replace(" ", "")
            if len(keys) > 1 and len(compact) >= 3 and all("가" <= ch <= "힣" for ch in compact):
                self._spelled.setdefault(compact, gid)
                self._spelled_prefixes.update(compact[:i] for i in range(1, len(compact) + 1))
        for entries in self._table.values():
            entries.sort(key=lambda e: -len(e[0]))
        self._single = {keys[0]: gid for keys, gid in self.owner.items() if len(keys) == 1}
        # canonical's lookup: terms of two or more units by their first two, longest first
        self._pairs: dict[tuple[str, str], list[tuple[tuple[str, ...], str]]] = {}
        for entries in self._table.values():
            for keys, gid in entries:
                if len(keys) > 1:
                    self._pairs.setdefault(keys[:2], []).append((keys, gid))
        self.surfaces = {g: tuple(sorted(s)) for g, s in surfaces.items()}
        # The glossary's terms and the phrases' written words that Kiwi reads as one noun, alone or
        # in a sentence, for split_words (a term stands for its group).
        words = {t: "@" + gid for (gid, t), a in zip(terms, analyses) if _one_noun(t, a.morphs)}
        phrase_words = sorted(set(phrase_words) - words.keys())
        alone = analyzer.morphemes(phrase_words)
        said = analyzer.morphemes(f"이건 {w} 얘기예요. {w}{_object_particle(w)} 써요." for w in phrase_words)
        for w, ms, sentences in zip(phrase_words, alone, said):
            if _one_noun(w, ms) or any(_is_noun(w, m) for m in sentences):
                words[w] = "@" + self._single[w] if w in self._single else w
        self.words, self.word_starts = _word_table(words.items())
        self.antonyms: dict[str, set[str]] = {}
        for a, b in glossary.antonyms:
            self.antonyms.setdefault("@" + a, set()).add("@" + b)
            self.antonyms.setdefault("@" + b, set()).add("@" + a)

    def canonical(self, analysis: AnswerAnalysis) -> list[CUnit]:
        """The analysis' units with glossary terms replaced by their group ('@gradient'), longest
        term first. A unit that starts no term is looked up once more by its verb stem (빠름 ->
        빠르). However Kiwi split it, a multi-word Hangul term is also found by its letters over
        whole units (spaces ignored, nothing between them), and a one-word term by its letters
        at the start of a written word (see split_words)."""
        units, text = analysis.units, analysis.text
        out: list[CUnit] = []
        i, n = 0, len(units)
        table, single, pairs = self._table, self._single, self._pairs
        keys_of = tuple([u.key for u in units])
        prefixes = self._spelled_prefixes if text else ()
        while i < n:
            u = units[i]
            key = u.key
            if text[u.start:u.end] in prefixes:
                spelled = self._spelled_at(units, i, text)
                if spelled is not None:
                    k, gid = spelled
                    last = units[i + k - 1]
                    out.append(_new_tuple(CUnit, ("@" + gid, "", u.start, last.end, u.first, last.last)))
                    i += k
                    continue
            k, gid = 1, None
            for keys, group in pairs.get(keys_of[i:i + 2], ()):  # the longest term of 2+ units here
                if len(keys) == 2 or keys_of[i:i + len(keys)] == keys:
                    k, gid = len(keys), group
                    break
            else:
                gid = single.get(key)
                if gid is None and key not in table:  # a unit that starts no term: its verb stem may be one
                    gid = single.get(_verb_stem(key))
            if gid is None:
                out.append(_new_tuple(CUnit, (key, jamo(key), u.start, u.end, u.first, u.last)))
            else:
                last = units[i + k - 1]
                out.append(_new_tuple(CUnit, ("@" + gid, "", u.start, last.end, u.first, last.last)))
            i += k
        return split_words(out, analysis, self.words, self.word_starts)

    def _spelled_at(self, units, i: int, text: str) -> tuple[int, str] | None:
        """(units spanned, group) of the longest spelled term starting at unit ``i`` that spans
        more units than the unit-by-unit lookup would take, or None."""
        best = None
        start, prefixes, spelled = units[i].start, self._spelled_prefixes, self._spelled
        for m in range(i + 1, min(i + 6, len(units))):
            compact = text[start:units[m].end].replace(" ", "")
            if compact not in prefixes:
                break
            gid = spelled.get(compact)
            if gid is not None:
                best = (m - i + 1, gid)
        if best is None:
            return None
        for keys, _ in self._table.get(units[i].key, ()):
            if len(keys) >= best[0] and tuple(u.key for u in units[i:i + len(keys)]) == keys:
                return None  # the unit lookup finds a term at least as long
        return best


def _is_noun(word: str, m) -> bool:
    return m.form == word and m.tag in ("NNG", "NNP")


def _one_noun(word: str, morphs) -> bool:
    return len(morphs) == 1 and _is_noun(word, morphs[0])


def _object_particle(word: str) -> str:
    return "을" if (ord(word[-1]) - 0xAC00) % 28 else "를"  # after a final consonant: 을


def _word_table(entries) -> tuple[dict[str, list[tuple[str, str]]], frozenset[str]]:
    """({first two letters: [(word, key)], longest word first}, their proper prefixes) of the
    words of two or more letters among ``entries`` (Hangul nouns)."""
    table: dict[str, list[tuple[str, str]]] = {}
    for word, key in entries:
        if len(word) >= 2:
            table.setdefault(word[:2], []).append((word, key))
    for words in table.values():
        words.sort(key=lambda e: -len(e[0]))
    return table, frozenset(w[:k] for words in table.values() for w, _ in words for k in range(1, len(w)))


# What Kiwi cuts a noun into ('절편' -> 절/NNG + 편/NNB, '다항' -> 다/MAG + 항/NNG, '크로스' -> 크/IC +
# 로스): never a verb or an ending, whose letters fuse ('빠져나감' is not '빠져나가'), nor a determiner
# ('희소한' read 희소 + 한/MM is 희소하다), nor a suffix normalisation drops ('단어별' is 단어).
WORD_PIECE_TAGS = frozenset({"NNG", "NNP", "NNB", "NR", "MAG", "IC", "XPN", "XSN"})


def split_words(units: list[CUnit], analysis: AnswerAnalysis, table: dict[str, list[tuple[str, str]]],
                starts: frozenset[str]) -> list[CUnit]:
    """Units with each phrase word or one-word glossary term (``table``, ``starts``: _word_table)
    that Kiwi split made one unit again. Alone Kiwi reads '보폭', '절편', '빅데이터' as one noun; in
    some sentences as two (보+폭, 절+편, 빅+데이터), and a phrase word then matches no answer word,
    or the other way round. A word counts when it is the start of a written word (from a unit or
    the pieces glued before it), ends where a morpheme ends, and all its pieces are nouns,
    adverbs or the like (WORD_PIECE_TAGS)."""
    text, morphs = analysis.text, analysis.morphs

    def glued_piece(k: int) -> bool:  # morpheme k is a piece written together with the next one
        return morphs[k].end == morphs[k + 1].start and morphs[k].tag in WORD_PIECE_TAGS

    out: list[CUnit] = []
    i, n = 0, len(units)
    while i < n:
        u = units[i]
        first = u.first
        if text[u.start:u.end] not in starts and not (first and glued_piece(first - 1)):
            out.append(u)  # it starts no longer word, and no piece is glued before it
            i += 1
            continue
        floor = units[i - 1].last if i else -1
        while first - 1 > floor and glued_piece(first - 1):
            first -= 1  # a piece that is no unit of its own: '오/IC 분류' (오분류)
        s = morphs[first].start
        found = None
        if s == 0 or not "가" <= text[s - 1] <= "힣":
            for word, key in table.get(text[s:s + 2], ()):
                end = s + len(word)
                if (end > u.end or first < u.first) and text.startswith(word, s):
                    last = u.last
                    while last + 1 < len(morphs) and morphs[last + 1].end <= end:
                        last += 1
                    pieces = morphs[first:last + 1]
                    if morphs[last].end == end and all(m.tag in WORD_PIECE_TAGS and not (m.tag == "XSN" and m.form in DROP_SUFFIXES)
                                                       for m in pieces):
                        found = (key, end, last)
                        break
        if found is None:
            out.append(u)
            i += 1
            continue
        key, end, last = found
        out.append(_new_tuple(CUnit, (key, "" if key.startswith("@") else jamo(key), s, end, first, last)))
        i += 1
        while i < n and units[i].start < end:
            i += 1
    return out


def _is_verb_term(term: str) -> bool:
    """A one-word verb or adjective in dictionary form ('줄이다', '가볍다')."""
    return len(term) >= 2 and term.endswith("다") and all("가" <= ch <= "힣" for ch in term)


def _unusable(term: str, analysis: AnswerAnalysis) -> str | None:
    """Why a glossary term cannot stand for its group, or None. A term Kiwi reduces to a
    fraction of itself ('자기 회귀' -> 회귀, '4비트' -> 4) would turn every answer that says
    the fraction into the group."""
    if not analysis.units:
        return "has no content words after analysis"
    if term.endswith("다"):
        return None  # a verb or adjective in dictionary form: the lemma is the term
    covered = sum(u.end - u.start for u in analysis.units)
    letters = len(term.replace(" ", ""))
    if covered < 0.6 * letters:
        shown = " ".join(u.key for u in analysis.units)
        return f"reads as only '{shown}'"
    return None


# --- compiled questions ------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One phrase of a key point or misconception, ready to match."""

    owner: str  # 'kp' or 'mis'
    index: int  # key point / misconception index in the question
    text: str
    keys: tuple[str, ...]
    negative: bool  # the phrase itself is negated ("중심이 0이 아님")
    expanded_from: str | None = None  # glossary concept id when added by expansion
    dense: bool = True  # matched against the answer without its light words
    condition: frozenset[int] = frozenset()  # words of the phrase's -면 clause ('너무 작으면 | 수렴이 느림')


class CompiledQuestion:
    """A question's phrases compiled once: rows (phrase words), exact-key and antonym lookups, fuzzy probes."""

    def __init__(self, question: Question, targets: list[Target], glossary: CompiledGlossary, settings: MatchSettings):
        self.question = question
        self.settings = settings
        self.targets = targets
        rows_key, starts = [], []
        for t in targets:
            starts.append(len(rows_key))
            rows_key.extend(t.keys)
        self.row_start = np.array(starts, dtype=np.intp)
        self.row_count = np.array([len(t.keys) for t in targets], dtype=np.intp)
        self.row_start_list, self.row_count_list = self.row_start.tolist(), self.row_count.tolist()
        self.n_rows = len(rows_key)
        self.key_rows: dict[str, list[int]] = {}
        self.antonym_rows: dict[str, list[int]] = {}  # answer key -> rows it is the opposite of
        self.row_target = row_target = [ti for ti, t in enumerate(targets) for _ in t.keys]
        for r, k in enumerate(rows_key):
            self.key_rows.setdefault(k, []).append(r)
            for opposite in glossary.antonyms.get(k, ()):
                # A phrase that names both directions ('올라갔다 내려감') has a word for each: one
                # answer word must not fill both, once as itself and once as the opposite.
                if opposite not in targets[row_target[r]].keys:
                    self.antonym_rows.setdefault(opposite, []).append(r)
        # Fuzzy probes: each row's surfaces (a group row probes every one-word term).
        probe_rows, probe_strs = [], []

        def surfaces(k: str) -> tuple[str, ...]:
            return glossary.surfaces.get(k[1:], ()) if k.startswith("@") else (jamo(k),)

        for r, k in enumerate(rows_key):
            for s in surfaces(k):
                if len(s) >= settings.min_fuzzy_jamo:
                    probe_rows.append(r)
                    probe_strs.append(s)
        # Compound probes: a typo can stop Kiwi from splitting a compound ('기울기소싈' stays one
        # noun), so two adjacent Hangul phrase units are also tried joined, crediting both rows.
        # Both parts must be words of their own (>= 4 jamo), and the joined probe needs a higher
        # similarity (COMPOUND_CUTOFF) so that the longer part alone can never pass for both.
        n_single = len(probe_rows)
        for ti, t in enumerate(targets):
            base = starts[ti]
            for j in range(len(t.keys) - 1):
                for s1 in surfaces(t.keys[j])[:4]:
                    for s2 in surfaces(t.keys[j + 1])[:4]:
                        if _is_hangul(s1) and _is_hangul(s2) and len(s1) >= 4 and len(s2) >= 4:
                            probe_rows += [base + j, base + j + 1]
                            probe_strs += [s1 + s2, s1 + s2]
        # Rows share probes (every '@gradient' row probes 기울기, gradient, 경사 …): each distinct
        # probe is compared once, then credited to all its rows.
        rows_of: dict[tuple[str, bool], list[int]] = {}
        for i, (r, text) in enumerate(zip(probe_rows, probe_strs)):
            rows_of.setdefault((text, i >= n_single), []).append(r)
        self.probe_strs = [text for text, _ in rows_of]
        self.probe_compound_list = [compound for _, compound in rows_of]
        self.probe_rows = [sorted(set(rs)) for rs in rows_of.values()]
        # Targets by (dense, window width): the dense view and the width are per group.
        widths: dict[tuple[bool, int], list[int]] = {}
        for ti, t in enumerate(targets):
            widths.setdefault((t.dense, len(t.keys) + settings.slack), []).append(ti)
        self.widths = widths
        # Numbers ('기울기 0', '0.25', '1/4') must be matched for a window to count at all, and so
        # must both sides of a contrast ('학습 오차는 낮고 검증 오차는 높음': '둘 다 높음' is not it).
        self.essential = [[r for r, k in enumerate(t.keys)
                           if _is_number(k) or not glossary.antonyms.get(k, set()).isdisjoint(t.keys)]
                          if len(t.keys) > 1 else [] for t in targets]
        self.max_width = max((w for _, w in widths), default=1)
        # A key point's direction words: what its phrases say of their subject ('수렴이 빠름':
        # @fast). A phrase of the point without one ('수렴 속도') is said the other way when
        # the predicate after it in its clause is the opposite ('수렴 속도는 … 느려요').
        directed: dict[tuple[str, int], set[str]] = {}
        for t in targets:
            directed.setdefault((t.owner, t.index), set()).update(k for k in t.keys if k in glossary.antonyms)
        self.opposite: list[tuple[frozenset[str], frozenset[str]] | None] = []
        for t in targets:
            same = directed[(t.owner, t.index)]
            opposite = set().union(*(glossary.antonyms[k] for k in same)) - same
            bare = t.owner == "kp" and not any(k in glossary.antonyms for k in t.keys)
            self.opposite.append((frozenset(opposite), frozenset(same)) if bare and opposite else None)
        # key point index -> (its anchors, its rivals): see Scorer._topics and _rival_topic
        self.topics: dict[int, tuple[frozenset[str], frozenset[str]]] = {}


def compile_phrase(text: str, analysis: AnswerAnalysis, glossary: CompiledGlossary, owner: str, index: int,
                   expanded_from: str | None = None) -> Target | None:
    units = glossary.canonical(analysis)
    if not units:
        return None
    keys = tuple(u.key for u in units)
    # Light words ('문제', '발생', '하다') neither earn a match nor take window room: they are
    # dropped from the phrase, and the phrase is matched against the answer without them.
    # A phrase made of light words only keeps them and is matched against every answer unit.
    # A word said twice in a phrase ('비슷한 문맥의 단어는 비슷한 의미') is one word to find:
    # otherwise one answer word would fill both and 3 of 4 would be only two words.
    keys = tuple(dict.fromkeys(keys))
    dense = tuple(k for k in keys if k not in LIGHT_KEYS)
    implied = tuple(k for k in dense if not (k in IMPLIED and IMPLIED[k] & set(dense)))
    if len(implied) >= 2:
        dense = implied  # '수렴 속도가 빠름' says '수렴이 빠름': 빠르다 carries the 속도
    negative = span_negations(analysis, units[0].first, units[-1].last) % 2 == 1 if units else False
    # A negated phrase of one word and two or more light ones ('값이 음수일 경우 학습을 하지 못함')
    # keeps them: its negation is of the light words, and 음수 alone would take it.
    keep_light = negative and len(dense) == 1 and len(keys) > 2
    if dense and not keep_light:
        keys, dense = dense, True
    else:
        dense = False
    # A phrase 'C면 R' says R of C: the words before its last -면 are its condition, when
    # words come after it ('확신하고 틀리면' is all condition).
    ifs = [i for i, m in enumerate(analysis.morphs) if _is_condition(m) and i < units[-1].first]
    said_if = {u.key for u in units if u.last < ifs[-1]} if ifs else set()
    condition = frozenset(k for k, key in enumerate(keys) if key in said_if)
    if len(condition) == len(keys):
        condition = frozenset()
    return Target(owner, index, text, keys, negative, expanded_from, dense, condition)


def content_signature(target: Target) -> tuple[str, ...]:
    """The keys of a phrase in sorted order, the identity used for concept expansion, borrowing
    and lint: matching is free of word order, so '빠른 연산' and '연산이 빠름' are one phrase."""
    return tuple(sorted(target.keys))


# --- matching ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    score: float
    start: int
    end: int
    target: int  # index into CompiledQuestion.targets


@dataclass(frozen=True)
class TargetStats:
    support: Span | None  # best window with the phrase's polarity
    conflict: Span | None  # best window with the opposite polarity


@dataclass(frozen=True)
class QuestionMatch:
    """Step one's output: statistics per target, independent of threshold and weights."""

    question: Question
    targets: tuple[Target, ...]
    stats: tuple[TargetStats, ...]
    text: str


def similarity_entries(cq: CompiledQuestion, units: list[CUnit]) -> tuple[dict[int, dict[int, float]], dict[int, float]]:
    """The nonzero similarities {row: {answer unit j: value}}: how well phrase unit ``row``
    matches answer unit ``j``, in [cutoff, 1], or -ANTONYM when the answer unit is the row's
    glossary antonym (감소 for 증가: polarity flips). Exact keys win, then fuzzy (jamo) matches,
    then antonyms. Most phrase words are absent from any one answer, so this is sparse.
    Also {row: top}, kept as the entries are written: a value no lower than the row's largest
    absolute similarity (equal to it but where a fuzzy match replaced an antonym), the bound
    that pruning sums."""
    entries: dict[int, dict[int, float]] = {}
    tops: dict[int, float] = {}
    key_rows, antonym_rows = cq.key_rows, cq.antonym_rows
    min_jamo = cq.settings.min_fuzzy_jamo
    fuzzy: dict[str, list[int]] = {}  # surface -> answer units
    for j, u in enumerate(units):
        rows = key_rows.get(u.key)
        if rows:
            for r in rows:
                entries.setdefault(r, {})[j] = 1.0
                tops[r] = 1.0
        rows = antonym_rows.get(u.key)
        if rows:
            for r in rows:
                entries.setdefault(r, {}).setdefault(j, -ANTONYM)
                if tops.get(r, 0.0) < ANTONYM:
                    tops[r] = ANTONYM
        if u.surface and len(u.surface) >= min_jamo:
            fuzzy.setdefault(u.surface, []).append(j)
    if fuzzy and cq.probe_strs:
        surfaces = list(fuzzy)
        # (answer surfaces x probes): cdist's cost per call is mostly readying its queries, and an
        # answer has a few surfaces against hundreds of probes.
        F = process.cdist(surfaces, cq.probe_strs, scorer=fuzz.ratio, score_cutoff=cq.settings.token_cutoff * 100,
                          dtype=np.float32)
        cols, probes = np.nonzero(F)
        if len(probes):
            percent = F[cols, probes]
            values = (percent / np.float32(100.0)).tolist()
            probe_rows, probe_strs, compound = cq.probe_rows, cq.probe_strs, cq.probe_compound_list
            for pr, c, v, pc in zip(probes.tolist(), cols.tolist(), values, percent.tolist()):
                if compound[pr] and pc < COMPOUND_PERCENT:
                    continue  # a joined two-word probe needs the higher cutoff
                probe, surface = probe_strs[pr], surfaces[c]
                if abs(len(probe) - len(surface)) >= 2 and (probe.endswith(surface) or surface.endswith(probe)):
                    continue  # a prefixed word is another word (진양성 ≠ 양성, 비볼록 ≠ 볼록, 안장점 ≠ 장점)
                for r in probe_rows[pr]:
                    row = entries.setdefault(r, {})
                    for j in fuzzy[surfaces[c]]:
                        if v > row.get(j, 0.0):  # a fuzzy match outranks an antonym, never an exact key
                            row[j] = v
                    if v > tops.get(r, 0.0):
                        tops[r] = v
    return entries, tops


def similarity_matrix(cq: CompiledQuestion, units: list[CUnit]) -> np.ndarray:
    """S[row, j]: :func:`similarity_entries` as a dense (rows, answer units) array."""
    S = np.zeros((cq.n_rows, len(units)), dtype=np.float32)
    for r, row in similarity_entries(cq, units)[0].items():
        for j, v in row.items():
            S[r, j] = v
    return S


def match_question(cq: CompiledQuestion, analysis: AnswerAnalysis, glossary: CompiledGlossary,
                   prune: bool = False) -> QuestionMatch:
    """Statistics of every target (phrase) of ``cq`` in one answer.

    ``prune``: skip a phrase whose upper bound is below the best support its key point (or
    misconception) already has. Such a phrase can change no verdict, similarity or evidence at
    any threshold (its support is lower, and a conflict lower than the point's support never
    counts), so scoring prunes; lint and ``--explain`` read every phrase's own statistics and
    don't."""
    units = glossary.canonical(analysis)
    targets = cq.targets
    empty = TargetStats(None, None)
    stats: list[TargetStats] = [empty] * len(targets)
    if not units or not targets:
        return QuestionMatch(cq.question, tuple(targets), tuple(stats), analysis.text)
    entries, tops = similarity_entries(cq, units)
    floor = cq.settings.floor
    gap = cq.max_width - 1
    views: dict[bool, tuple[dict[int, int], int, list]] = {}
    negations: dict[tuple[int, ...], int] = {}  # span_negations by matched morphemes, shared by phrases
    row_start, row_count, row_target = cq.row_start_list, cq.row_count_list, cq.row_target
    # A window counts each phrase word with its best match in the window, so the best match of
    # every word anywhere in the answer bounds the phrase's score from above (summed in word
    # order, as _target_stats sums, so that the bound holds in floating point too).
    # A phrase's rows are consecutive and in word order, and a missing row adds an exact 0.0.
    totals: dict[int, float] = {}
    for r in sorted(tops):
        ti = row_target[r]
        totals[ti] = totals.get(ti, 0.0) + tops[r]
    bound: dict[int, float] = {}
    for ti, total in totals.items():
        mean = total / row_count[ti]
        if mean >= floor:
            bound[ti] = mean
    order = sorted(bound, key=lambda ti: (-bound[ti], ti)) if prune else sorted(bound)
    # (owner, index) -> (score, -target) of the best support so far: the higher score wins, and
    # on a tie the earlier phrase, as max() does in aggregate.
    best: dict[tuple[str, int], tuple[float, int]] = {}
    no_best = (-1.0, 0)
    slack = cq.settings.slack
    topic_keys = None
    for ti in order:
        t = targets[ti]
        if prune and (bound[ti], -ti) < best.get((t.owner, t.index), no_best):
            continue  # cannot beat (nor, being later, tie) the support already found
        cnt = row_count[ti]
        dense = t.dense
        if dense not in views:
            views[dense] = _sentence_view(units, analysis, gap, dense)
        pos, m, seq = views[dense]
        start = row_start[ti]
        placed = sorted(
            (pos[j], k, abs(v), v)
            for k in range(cnt) for j, v in entries.get(start + k, {}).items() if j in pos
        )
        if placed:
            topics = cq.topics.get(t.index) if t.owner == "kp" else None
            if topics is not None and topic_keys is None:
                topic_keys = _topic_keys(units, analysis)
            st = stats[ti] = _target_stats(ti, t, cnt, placed, min(cnt + slack, m), cq.essential[ti], seq,
                                           analysis, floor, negations, topics and (topics, topic_keys),
                                           cq.opposite[ti], prune)
            if prune and st.support is not None:
                key = (t.owner, t.index)
                best[key] = max(best.get(key, no_best), (st.support.score, -ti))
    return QuestionMatch(cq.question, tuple(targets), tuple(stats), analysis.text)


def _sentence_view(units: list[CUnit], analysis: AnswerAnalysis, gap: int, dense: bool):
    """Positions of the answer units a phrase is matched against (all, or the dense view
    without light words), with ``gap`` empty positions between sentences so that no window
    joins the end of one sentence to the start of the next. Returns ({unit: position},
    length, [unit or None per position])."""
    ends = analysis.sentence_ends
    pos: dict[int, int] = {}
    seq: list[CUnit | None] = []
    sent, prev = 0, None
    for j, u in enumerate(units):
        if dense and u.key in LIGHT_KEYS:
            continue
        while sent < len(ends) and ends[sent] < u.first:
            sent += 1
        if prev is not None and sent != prev:
            seq += [None] * gap
        prev = sent
        pos[j] = len(seq)
        seq.append(u)
    return pos, len(seq), seq


def _target_stats(ti, target, cnt, placed, w, essential, seq, analysis, floor, negations, topics=None,
                  opposite=None, support_ends=False, max_spans=6) -> TargetStats:
    """Best supporting and best contradicting window of one phrase of ``cnt`` words.

    ``placed`` lists (position, word k, |similarity|, similarity) of the phrase's matches in the
    answer view, by position. Window i covers positions [i, i + w); in it each phrase word
    counts with its best match (the first one on a tie), and the window's score is the mean
    over the phrase's words. Windows at or above ``floor`` are examined best first (earlier
    first on a tie), up to ``max_spans`` distinct spans, for their polarity. ``support_ends``:
    stop at the best support, as scoring may: a conflict found after it is no higher, and a
    point's conflict counts only when it beats the point's best support or when that support is
    below the threshold (and the conflict then is too), at any threshold."""
    # A window's content changes only where a match enters (i = p - w + 1) or leaves (p + 1):
    # the first window of each content stands for the rest, which would repeat its span.
    positions = [m[0] for m in placed]
    lo, hi = max(0, positions[0] - w + 1), positions[-1]
    starts = sorted({lo, *(max(lo, p - w + 1) for p in positions), *(p + 1 for p in positions if p < hi)})
    n = len(placed)
    first_in = 0
    windows = []  # (-score, i, picks)
    for i in starts:
        while first_in < n and positions[first_in] < i:
            first_in += 1
        end = i + w
        best = [None] * cnt
        b = first_in
        while b < n and positions[b] < end:
            match = placed[b]
            cur = best[match[1]]
            if cur is None or match[2] > cur[2]:
                best[match[1]] = match
            b += 1
        total = 0.0
        picks = []
        for k in range(cnt):
            match = best[k]
            if match is None:
                if k in essential:  # a number is the phrase's most exact claim: no window may do without it
                    total = -1.0
                    break
                continue
            total += match[2]
            picks.append(match)
        score = total / cnt
        if score >= floor:
            windows.append((-score, i, picks))
    windows.sort()  # best first, then earlier (window starts are distinct)
    support = conflict = None
    seen = set()
    for neg_score, _, picks in windows:
        spots = [m[0] for m in picks]
        first_u, last_u = min(spots), max(spots)
        if (first_u, last_u) in seen:
            continue
        seen.add((first_u, last_u))
        if len(seen) > max_spans:
            break
        flips = [m[3] < 0 for m in picks].count(True)  # antonyms standing in for words
        # an antonym after a negated condition says the point turned round ('스케일링을 안 하면 …
        # 느려요'; '루트 d_k로 안 나누면 불안정해요' is a '학습 안정' point)
        turned = flips > 0 and _after_negated_condition(analysis, seq[first_u].first)
        if flips == len(picks) and not turned:
            continue  # only antonyms: '많이' alone says nothing about a '소량 데이터' point
        matched = [seq[p] for p in sorted(spots)]
        if len(matched) > 1 and analysis.case_markers and _argument_of_another(analysis, matched):
            continue  # a matched noun is another predicate's subject or object
        if target.condition and _result_of_another_condition(analysis, seq, picks, target.condition):
            continue  # '너무 크면 수렴이 느려지고 너무 작으면 발산해요' is not '작으면 느림'
        if topics and _rival_topic(analysis, matched, *topics):
            continue  # said of another thing the question compares: '이터레이션은 전체 데이터를 한 번 돌고'
        a, b = matched[0], matched[-1]
        span_key = (b.last, *(u.first for u in matched))  # morpheme indices: the same in both views
        if span_key not in negations:
            negations[span_key] = span_negations(analysis, a.first, b.last, matched)
        negative = (negations[span_key] + flips) % 2 == 1
        if negative and not target.negative and not flips and _in_condition(analysis, b.last):
            negative = False  # 'X가 없으면 …' supposes, it does not deny
        elif negative != target.negative and turned:
            negative = not negative
        if negative == target.negative and opposite is not None and _said_opposite(analysis, seq, max(spots), a.first, b.last, *opposite):
            negative = not negative
        span = Span(-neg_score, a.start, b.end, ti)
        if negative == target.negative:
            if support is None:
                support = span
        elif conflict is None:
            conflict = span
        if support is not None and (conflict is not None or support_ends):
            break
    return TargetStats(support, conflict)


def _is_condition(m) -> bool:
    return m.tag == "EC" and m.form in CONDITIONAL_ENDINGS


def _in_condition(analysis: AnswerAnalysis, last: int) -> bool:
    """Does the clause of morpheme ``last`` end in a condition (-면: '비선형 함수가 없으면')?"""
    end = analysis.clause_end(last)
    return end < len(analysis.morphs) and _is_condition(analysis.morphs[end])


def _result_of_another_condition(analysis: AnswerAnalysis, seq, picks, condition: frozenset[int]) -> bool:
    """Does a 'C면 R' phrase's window join what the answer says under different conditions?
    ('너무 크면 수렴이 느려지고 너무 작으면 발산해요' says neither '작으면 느림' nor '크면 발산').
    It does when a result word comes before the last condition word the answer says in a -면
    clause, or after that clause, a result of its own and another -면; or when a condition's
    predicate is in an earlier -면 clause than that ('1보다 크면 … 소실되고 1보다 작으면 폭주'
    is not '1보다 크면 폭주'). A noun may be shared ('학습률은 작으면 느리고 크면 발산'), and
    stacked conditions share their result ('확신하고 틀리면, 정답 확률이 0이면 손실이 커져요')."""
    said_if = [seq[p] for p, k, *_ in picks if k in condition and _in_condition(analysis, seq[p].last)]
    if not said_if:
        return False
    last_if = max(u.last for u in said_if)
    own = analysis.clause_end(last_if)  # the -면 of the last condition word
    morphs, boundaries = analysis.morphs, analysis.boundaries
    if any(analysis.clause_end(u.last) != own and morphs[u.first].tag not in NOUN_TAGS for u in said_if):
        return True
    for p, k, *_ in picks:
        if k in condition:
            continue
        u = seq[p]
        if u.first < last_if:
            return True
        result = False  # a clause that ends in another connective: the condition's own result
        for i in boundaries[bisect.bisect_right(boundaries, own):bisect.bisect_left(boundaries, u.first)]:
            if _is_condition(morphs[i]):
                if result:
                    return True
            elif morphs[i].tag == "EC":
                result = True
    return False


def _said_opposite(analysis: AnswerAnalysis, seq, after: int, first: int, last: int, opposite, same) -> bool:
    """Does the rest of the clause after view position ``after`` (morpheme ``last``) say the
    opposite of the key point's direction ('수렴 속도는 오히려 시그모이드보다 느려요' for a point
    whose phrases say 빠르다)? Not when:
    - that word modifies a noun ('기울기 소실이 가장 큰 단점') or is itself negated ('느리지 않아요');
    - a word of the point's own direction is in the clause;
    - it is said of another subject or object in between ('데이터가 부족할 때 효과가 커요');
    - a negated condition comes before the span ('안 하면 … 느려요')."""
    hi = analysis.clause_end(last)
    morphs, markers = analysis.morphs, analysis.case_markers
    found = None
    for p in range(after + 1, len(seq)):
        u = seq[p]
        if u is None or u.first >= hi:
            break
        if u.key in same:
            return False
        if found is None and u.key in opposite and not (u.last + 1 < len(morphs) and morphs[u.last + 1].tag == "ETM"):
            found = u  # a predicate, not a word that modifies a noun ('가장 큰 단점')
    if found is None:
        return False
    i = last + 1
    while i < found.first and morphs[i].tag in NOUN_TAGS:
        i += 1  # the span's noun phrase goes on ('선형 영역 수가')
    if i < found.first and i in markers:
        i += 1  # and this is its own subject or object
    if bisect.bisect_left(markers, i) != bisect.bisect_left(markers, found.first):
        return False
    return span_negations(analysis, found.first, found.last, [found]) % 2 == 0 and not _after_negated_condition(analysis, first)


def _after_negated_condition(analysis: AnswerAnalysis, first: int) -> bool:
    """Does a negated condition come before morpheme ``first`` in its sentence ('스케일링을 안
    하면 … 느려요' says what happens without it: the opposite of the point is the point)?"""
    morphs = analysis.morphs
    for i in range(analysis.clause_start(first) - 1, analysis.sentence_start(first) - 1, -1):
        if _is_condition(morphs[i]) and analysis.negations_between(analysis.clause_start(i), i):
            return True
    return False


def _topic_keys(units: list[CUnit], analysis: AnswerAnalysis) -> tuple[dict[int, str | None], list[CUnit]]:
    """({morph index of 은/는/도: key of the unit it marks, or None}, the units): the answer's
    topics ('에폭은'; '학습 때는' is a topic too, of no key)."""
    morphs = analysis.morphs
    by_last = {u.last: u.key for u in units}
    return {j: by_last.get(j - 1) for j, m in enumerate(morphs)
            if m.tag == "JX" and m.form in ("은", "는", "도")}, units


def _rival_topic(analysis: AnswerAnalysis, units: list[CUnit], topics, topic_keys) -> bool:
    """Is a matched word said of a rival? ``topics`` = (anchors, rivals): the things the question's
    prompt names that the key point's label names, and those the other points' labels name. A
    clause whose topic (N은/는/도) is a rival, and which names none of the point's anchors, speaks
    of that rival: '이터레이션은 데이터셋 전체를 한 바퀴 도는 걸 말하고' does not say the epoch point.
    A clause with no topic of its own has the last topic before it in its sentence.
    ``topic_keys``: :func:`_topic_keys` of the answer."""
    anchors, rivals = topics
    marked, all_units = topic_keys
    for u in units:
        lo, hi = analysis.clause_start(u.first), analysis.clause_end(u.last)
        here = [k for j, k in marked.items() if lo <= j < hi]
        if not here:
            # A clause without a topic of its own goes on about the sentence's last topic:
            # '배깅은 하나씩 순서대로 학습하면서 앞 모델의 오차를 보정하고' (the boosting point's words).
            start = analysis.sentence_start(u.first)
            before = [j for j in marked if start <= j < lo]
            if before:
                lo = max(before)
                here = [marked[lo]]
        if any(k in rivals for k in here) and not any(
                lo <= v.first and v.last < hi and v.key in anchors for v in all_units):
            return True
    return False


def _argument_of_another(analysis: AnswerAnalysis, units: list[CUnit]) -> bool:
    """Does a matched subject (N이/가) or object (N을/를) belong to another predicate? It does
    when a noun with the same case marker stands between it and a matched predicate after it:
    '드롭아웃을 쓰면 과적합을 줄일' (줄이's object is 과적합), '내적 값이 d_k가 커질수록'
    (what grows is d_k). For a subject, what it is or becomes is a predicate too: in '출력이 항상
    양수라서 평균이 0이 아니고', 0 is the mean's. Such a window does not say the phrase."""
    morphs, markers = analysis.morphs, analysis.case_markers
    n = len(morphs)
    for a, u in enumerate(units):
        j = u.last + 1
        while j < n and j <= u.last + 2 and morphs[j].tag in ("NNG", "NNB", "XSN"):
            j += 1  # the head of a compound noun carries the marker: 내적 값이
        if j >= n or morphs[j].tag not in CASE_MARKERS:
            continue
        case = morphs[j].tag
        for v in units[a + 1:]:
            if not (morphs[v.last].tag in ("VV", "VA") or (v.last + 1 < n and morphs[v.last + 1].tag in ("XSV", "XSA"))
                    or (case == "JKS" and v.last + 1 < n and morphs[v.last + 1].tag in ("VCP", "JKC"))):
                continue  # not a predicate: a verb, an adjective, or what a subject is or becomes ('평균이 0이 아니고')
            for k in markers[bisect.bisect_right(markers, j):bisect.bisect_left(markers, v.first)]:
                if morphs[k].tag == case and not any(w.first <= k - 1 <= w.last for w in units):
                    return True  # the noun before this marker is not one of the phrase's words
    return False


# Nouns whose denial denies the clause they stand in: '드롭아웃은 성장에 큰 영향이 없었어요'.
DENIAL_CARRIERS = {"영향", "도움", "소용", "쓸모"}


def span_negations(analysis: AnswerAnalysis, first: int, last: int, matched=None) -> int:
    """How many negators govern the span of morphemes [first, last] — the same rule for answers
    and for the rubric's own phrases, so that a phrase always agrees with itself.

    Scope: the clause of the span's last word (from the span's start if that is later), plus a
    negator just before the span ('못 배움', 'not zero-centered'); and only negators of the span's
    ``matched`` words (all its words when not given) or of a light verb after it (소실이 안
    생겨요), not of another content word (기울기가 0이 되어 갱신되지 않음: 않 negates 갱신;
    '패널티가 끝도 없이 커짐': 없이 negates 끝)."""
    if not analysis.negators:
        return 0
    morphs = analysis.morphs
    lo = first
    if lo > 0 and morphs[lo - 1].tag == "MAG" and morphs[lo - 1].form in ("안", "못"):
        lo -= 1  # negators that stand before what they negate: 못 배움
    else:
        lo = _english_negator_before(morphs, lo)  # not zero-centered, doesn't cause vanishing gradient
    lo = max(lo, analysis.clause_start(last))
    hi = analysis.clause_end(last)
    negator_set = analysis.negators

    def said(k: int) -> bool:  # one of the span's matched words
        return first <= k <= last and (matched is None or any(u.first <= k <= u.last for u in matched))

    def own(host: int) -> bool:
        if morphs[host].tag in ("XSV", "XSA") and host:
            host -= 1  # 갱신+되: the noun stands for its verb
        return said(host)

    def foreign(negator: int, host: int) -> bool:
        if is_unrelated(morphs[negator]) and said(negator):
            return True  # a negating word the phrase says itself ('배치 크기와 무관')
        if host < 0 or host in negator_set:
            return False  # unknown host, or another negator (없지 않다)
        if own(host):
            return False  # the span's own words
        m = morphs[host]
        if (m.form in DENIED_BEFORE and host > 1 and morphs[host - 1].tag == "ETM"
                and m.tag in CONTENT_TAGS and _lemma_key(m) not in LIGHT_KEYS):
            host -= 2  # '과적합될 일은 없다' denies the verb, not the word 일
            if morphs[host].form in ("되", "하") and host and morphs[host - 1].tag in ("NNG", "NNP", "XR"):
                host -= 1  # the verbal noun (과적합+되)
            if own(host):
                return False
            m = morphs[host]
        if m.form in DENIAL_CARRIERS and m.tag == "NNG":
            return False  # 'X는 (별) 영향이 없다 / 도움이 안 된다' denies what the clause says X does
        if m.tag == "NNB" and host and morphs[host - 1].tag in ("SN", "NR", "MM"):
            return True  # a count: '한 번만이 아니라 세 번' denies 한 번
        return m.tag in CONTENT_TAGS and _lemma_key(m) not in LIGHT_KEYS

    # '아니다' negates its whole complement ('전체 평균 같은 개념도 아니고요'), whatever its head noun.
    return analysis.negations_between(lo, hi, lambda negator, host: foreign(negator, host) and not copula_negated(morphs, host))


ENGLISH_CLAUSE_WORDS = {"and", "or", "but", "so", "because", "while", "which", "that", "if", "when", "than"}


def _english_negator_before(morphs, first: int, reach: int = 4) -> int:
    """The index of an English negator that governs an English span starting at ``first``
    ('doesn't cause vanishing gradient', 'not zero-centered'): one of the up to ``reach``
    English words right before it, with no clause word ('and', 'but', 'because' …) between;
    else ``first``."""
    for j in range(first - 1, max(first - 1 - reach, -1), -1):
        m = morphs[j]
        if m.tag != "SL":
            break
        word = m.form.lower()
        if word in ENGLISH_NEGATORS:
            return j
        if word in ENGLISH_CLAUSE_WORDS:
            break
    return first
