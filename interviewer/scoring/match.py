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

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

from ..glossary import Glossary
from ..rubric import KeyPoint, Question
from .analysis import CONTENT_TAGS, ENGLISH_NEGATORS, Analyzer, AnswerAnalysis, Unit, _lemma_key, normalize


# The matching algorithm's revision, part of every signature: bump it whenever a change to this
# module or to analysis.py can change a verdict, so that equal signatures mean equal scores.
MATCHER = "m1"


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


COMPOUND_CUTOFF = 0.9  # for joined two-word probes (see CompiledQuestion)
ANTONYM = 0.999  # similarity of a glossary antonym (stored negated: it flips polarity)

# Content words too common to identify a key point: they may appear in a phrase, but a match
# is neither helped nor hurt by them (they are dropped from both sides), unless the phrase has nothing else.
LIGHT_KEYS = frozenset(
    "하 되 있 이 것 수 문제 발생 경우 때 사용 방법 현상 부분 정도 점 가지 쓰 생기 일어나 나타나 "
    "통하 위하 대하 따르 주 만들 보 많 시키 갖 가 오 나오 크 작 더 좋 높 낮 중요 필요 역할 "
    "특징 의미 결과 과정 효과 이유 때문 모델 학습 데이터 함수 값 방식 기법 등".split()
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


def _is_number(key: str) -> bool:
    return key == "@zero" or any(ch.isdigit() for ch in key)


def _is_hangul(jamo_text: str) -> bool:
    return bool(jamo_text) and all("ㄱ" <= ch <= "ㅣ" for ch in jamo_text)


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

    def __init__(self, glossary: Glossary, analyzer: Analyzer):
        self.glossary = glossary
        terms = [(g.id, t) for g in glossary.synonyms for t in g.terms]
        analyses = [normalize(t, ms) for (_, t), ms in zip(terms, analyzer.morphemes(t for _, t in terms))]
        self._table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.owner: dict[tuple[str, ...], str] = {}  # term units -> group (first wins)
        surfaces: dict[str, set[str]] = {}
        self.skipped: list[tuple[str, str, str]] = []  # (group, term, why) for lint
        for (gid, term), a in zip(terms, analyses):
            keys = tuple(u.key for u in a.units)
            why = _unusable(term, a)
            if why:
                self.skipped.append((gid, term, why))
                continue
            if keys in self.owner:
                if self.owner[keys] != gid:
                    self.skipped.append((gid, term, f"reads as {' '.join(keys)}, already a term of {self.owner[keys]}"))
                continue
            self.owner[keys] = gid
            self._table.setdefault(keys[0], []).append((keys, gid))
            if len(keys) == 1:
                surfaces.setdefault(gid, set()).add(jamo(keys[0]))
        for entries in self._table.values():
            entries.sort(key=lambda e: -len(e[0]))
        self.surfaces = {g: tuple(sorted(s)) for g, s in surfaces.items()}
        self.antonyms: dict[str, set[str]] = {}
        for a, b in glossary.antonyms:
            self.antonyms.setdefault("@" + a, set()).add("@" + b)
            self.antonyms.setdefault("@" + b, set()).add("@" + a)

    def canonical(self, units: tuple[Unit, ...]) -> list[CUnit]:
        out: list[CUnit] = []
        i, n = 0, len(units)
        table = self._table
        while i < n:
            u = units[i]
            entries = table.get(u.key) or table.get(verb_stem(u.key), ())
            for keys, gid in entries:
                k = len(keys)
                if i + k <= n and all(units[i + j].key == keys[j] for j in range(1, k)) and (
                    k == 1 or keys[0] == u.key
                ):
                    last = units[i + k - 1]
                    out.append(CUnit("@" + gid, "", u.start, last.end, u.first, last.last))
                    i += k
                    break
            else:
                out.append(CUnit(u.key, jamo(u.key), u.start, u.end, u.first, u.last))
                i += 1
        return out


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


class CompiledQuestion:
    """A question's phrases as arrays, for vectorised matching against any answer."""

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
        self.n_rows = len(rows_key)
        self.key_rows: dict[str, list[int]] = {}
        self.antonym_rows: dict[str, list[int]] = {}  # answer key -> rows it is the opposite of
        for r, k in enumerate(rows_key):
            self.key_rows.setdefault(k, []).append(r)
            for opposite in glossary.antonyms.get(k, ()):
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
        compound = [i >= n_single for i in range(len(probe_rows))]
        order = np.argsort(np.array(probe_rows, dtype=np.intp), kind="stable")
        self.probe_rows = np.array([probe_rows[i] for i in order], dtype=np.intp)
        self.probe_strs = [probe_strs[i] for i in order]
        self.probe_compound = np.array([compound[i] for i in order], dtype=bool)
        # Windows are grouped by width so each width is one vectorised pass.
        # Targets grouped by (dense, window width), each group's rows gathered once, so that
        # one vectorised pass per group scores every window of every phrase in it.
        widths: dict[tuple[bool, int], list[int]] = {}
        for ti, t in enumerate(targets):
            widths.setdefault((t.dense, len(t.keys) + settings.slack), []).append(ti)
        self.groups: dict[tuple[bool, int], tuple[list[int], np.ndarray, list[int]]] = {}
        for key, tis in widths.items():
            rows, offsets = [], []
            for ti in tis:
                offsets.append(len(rows))
                rows.extend(range(starts[ti], starts[ti] + len(targets[ti].keys)))
            self.groups[key] = (tis, np.array(rows, dtype=np.intp), offsets)
        self.widths = widths
        # Numbers ('기울기 0', '0.25', '1/4') must be matched for a window to count at all.
        self.essential = [[r for r, k in enumerate(t.keys) if _is_number(k)] if len(t.keys) > 1 else []
                          for t in targets]
        self.max_width = max((w for _, w in widths), default=1)


def compile_phrase(text: str, analysis: AnswerAnalysis, glossary: CompiledGlossary, owner: str, index: int,
                   expanded_from: str | None = None) -> Target | None:
    units = glossary.canonical(analysis.units)
    if not units:
        return None
    keys = tuple(u.key for u in units)
    # Light words ('문제', '발생', '하다') neither earn a match nor take window room: they are
    # dropped from the phrase, and the phrase is matched against the answer without them.
    # A phrase made of light words only keeps them and is matched against every answer unit.
    dense = tuple(k for k in keys if k not in LIGHT_KEYS)
    negative = span_negations(analysis, units[0].first, units[-1].last) % 2 == 1 if units else False
    if dense:
        return Target(owner, index, text, dense, negative, expanded_from, True)
    return Target(owner, index, text, keys, negative, expanded_from, False)


def content_signature(target: Target) -> tuple[str, ...]:
    """The keys of a phrase, the identity used for concept expansion and lint."""
    return target.keys


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


def similarity_matrix(cq: CompiledQuestion, units: list[CUnit]) -> np.ndarray:
    """S[row, j]: how well phrase unit ``row`` matches answer unit ``j``: 0, or in [cutoff, 1],
    or -1 when the answer unit is the row's glossary antonym (감소 for 증가: polarity flips)."""
    n = len(units)
    S = np.zeros((cq.n_rows, n), dtype=np.float32)
    key_rows, antonym_rows = cq.key_rows, cq.antonym_rows
    fuzzy_cols, fuzzy_strs = [], []
    for j, u in enumerate(units):
        rows = antonym_rows.get(u.key)
        if rows:
            S[rows, j] = -ANTONYM  # just under a real match, so the word itself wins a tie
        rows = key_rows.get(u.key)
        if rows:
            S[rows, j] = 1.0
        if u.surface and len(u.surface) >= cq.settings.min_fuzzy_jamo:
            fuzzy_cols.append(j)
            fuzzy_strs.append(u.surface)
    if fuzzy_cols and cq.probe_strs:
        uniq, inverse = np.unique(np.array(fuzzy_strs, dtype=object), return_inverse=True)
        cutoff = cq.settings.token_cutoff * 100
        F = process.cdist(cq.probe_strs, list(uniq), scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.float32)
        F[cq.probe_compound] *= F[cq.probe_compound] >= COMPOUND_CUTOFF * 100
        if F.any():
            G = F[:, inverse] / 100.0  # (probes, fuzzy columns)
            cols = np.array(fuzzy_cols, dtype=np.intp)
            sub = S[:, cols]
            np.maximum.at(sub, cq.probe_rows, G)  # a fuzzy match outranks an antonym
            S[:, cols] = sub
    return S


def match_question(cq: CompiledQuestion, analysis: AnswerAnalysis, glossary: CompiledGlossary) -> QuestionMatch:
    units = glossary.canonical(analysis.units)
    n = len(units)
    targets = cq.targets
    empty = TargetStats(None, None)
    if n == 0 or not targets:
        return QuestionMatch(cq.question, tuple(targets), tuple(empty for _ in targets), analysis.text)
    S = similarity_matrix(cq, units)
    gap = cq.max_width - 1
    views = {}
    stats: list[TargetStats] = [empty] * len(targets)
    floor = cq.settings.floor
    # A phrase whose words are found anywhere in the answer less than `floor` of the time
    # cannot reach the floor in any window: skip it before the window pass.
    found_rows = (S != 0).any(axis=1)
    viable = np.add.reduceat(found_rows, cq.row_start) >= floor * cq.row_count
    for (dense, width), (tis, rows, offsets) in cq.groups.items():
        keep = [k for k, ti in enumerate(tis) if viable[ti]]
        if not keep:
            continue
        if len(keep) < len(tis):
            tis = [tis[k] for k in keep]
            rows = np.concatenate([np.arange(cq.row_start[ti], cq.row_start[ti] + cq.row_count[ti]) for ti in tis])
            offsets = list(np.cumsum([0] + [int(cq.row_count[ti]) for ti in tis[:-1]]))
        if dense not in views:
            cols = [j for j, u in enumerate(units) if u.key not in LIGHT_KEYS] if dense else range(n)
            views[dense] = _sentence_view(S, units, cols, analysis, gap)
        signed, seq = views[dense]
        m = len(seq)
        if m == 0:
            continue
        w = min(width, m)
        sub = signed[rows]
        # Window i covers units [i, i + w): the best match of each phrase word inside it.
        padded = np.zeros((len(rows), m + w - 1), dtype=np.float32)
        padded[:, :m] = np.abs(sub)
        view = np.lib.stride_tricks.sliding_window_view(padded, w, axis=1)  # (rows, m, w)
        win_arg = view.argmax(axis=2)
        win_max = np.take_along_axis(view, win_arg[:, :, None], axis=2)[:, :, 0]
        for ti, off in zip(tis, offsets):
            cnt = len(targets[ti].keys)
            scores = win_max[off:off + cnt].sum(axis=0) / cnt
            essential = cq.essential[ti]
            if essential:  # a number is the phrase's most exact claim: no window may do without it
                scores = scores * (win_max[[off + r for r in essential]] > 0).all(axis=0)
            if scores.max() < floor:
                continue
            stats[ti] = _polarity_stats(
                ti, targets[ti], scores, win_max[off:off + cnt], win_arg[off:off + cnt], sub[off:off + cnt],
                seq, analysis, floor,
            )
    return QuestionMatch(cq.question, tuple(targets), tuple(stats), analysis.text)


def _sentence_view(S, units, cols, analysis, gap):
    """The columns ``cols`` of S with ``gap`` empty columns between sentences, so that no
    window joins the end of one sentence to the start of the next."""
    index: list[int] = []
    seq: list[CUnit | None] = []
    prev = None
    for j in cols:
        sent = analysis.sentence_of(units[j].first)
        if prev is not None and sent != prev:
            index += [-1] * gap
            seq += [None] * gap
        prev = sent
        index.append(j)
        seq.append(units[j])
    if not index:
        return S[:, :0], seq
    ext = np.concatenate([S, np.zeros((S.shape[0], 1), dtype=S.dtype)], axis=1)
    view = ext[:, np.array(index, dtype=np.intp)]
    # A run of more than ``gap`` empty columns can be cut to ``gap`` without changing what any
    # window holds; in a long answer most columns are empty, so this bounds the work.
    busy = (view != 0).any(axis=0)
    keep = np.ones(len(index), dtype=bool)
    run = 0
    for j, b in enumerate(busy):
        run = 0 if b else run + 1
        keep[j] = run <= gap
    if not keep.all():
        view = view[:, keep]
        seq = [u for u, k in zip(seq, keep) if k]
    return view, seq


def span_negations(analysis: AnswerAnalysis, first: int, last: int) -> int:
    """How many negators govern the span of morphemes [first, last] — the same rule for answers
    and for the rubric's own phrases, so that a phrase always agrees with itself.

    Scope: the clause of the span's last word (from the span's start if that is later), plus an
    negator just before the span ('못 배움', 'not zero-centered'); and only negators of the span itself or of a
    light verb after it (소실이 안 생겨요), not of another content word (기울기가 0이 되어
    갱신되지 않음: 않 negates 갱신)."""
    morphs = analysis.morphs
    lo = first
    if lo > 0 and (
        (morphs[lo - 1].tag == "MAG" and morphs[lo - 1].form in ("안", "못"))
        or (morphs[lo - 1].tag == "SL" and morphs[lo - 1].form.lower() in ENGLISH_NEGATORS)
    ):
        lo -= 1  # negators that stand before what they negate: 못 배움, not zero-centered
    lo = max(lo, analysis.clause_start(last))
    hi = analysis.clause_end(last)
    negator_set = analysis.negators

    def foreign(host: int) -> bool:
        if host < 0 or first <= host <= last or host in negator_set:
            return False  # unknown host, the span itself, or another negator (없지 않다)
        m = morphs[host]
        return m.tag in CONTENT_TAGS and _lemma_key(m) not in LIGHT_KEYS

    # '아니다' negates its whole complement ('전체 평균 같은 개념도 아니고요'), whatever its head noun.
    return analysis.negations_between(lo, hi, lambda host: foreign(host) and not _copula_negated(morphs, host))


def _copula_negated(morphs, host: int) -> bool:
    """Is the noun at ``host`` the complement of '아니다' (N이/가 아니다)?"""
    for j in range(host + 1, min(host + 3, len(morphs))):
        if morphs[j].tag == "VCN":
            return True
        if not morphs[j].tag.startswith("J"):
            return False
    return False


def _polarity_stats(ti, target, scores, win_max, win_arg, signed, units, analysis, floor, max_spans=6) -> TargetStats:
    """Best supporting and best contradicting window of one phrase (windows by score, best first)."""
    support = conflict = None
    seen = set()
    candidates = np.flatnonzero(scores >= floor)
    order = candidates[np.argsort(-scores[candidates], kind="stable")]
    row_ids = np.arange(win_max.shape[0])
    for i in order:
        found = win_max[:, i] > 0
        picked = i + win_arg[found, i]
        first_u, last_u = int(picked.min()), int(picked.max())
        if (first_u, last_u) in seen:
            continue
        seen.add((first_u, last_u))
        if len(seen) > max_spans:
            break
        flips = int((signed[row_ids[found], picked] < 0).sum())  # antonyms standing in for words
        if flips == len(picked):
            continue  # only antonyms: '많이' alone says nothing about a '소량 데이터' point
        a, b = units[first_u], units[last_u]
        negative = (span_negations(analysis, a.first, b.last) + flips) % 2 == 1
        span = Span(float(scores[i]), a.start, b.end, ti)
        if negative == target.negative:
            if support is None:
                support = span
        elif conflict is None:
            conflict = span
        if support is not None and conflict is not None:
            break
    return TargetStats(support, conflict)
