"""Step two of scoring: a pure aggregate from match statistics to a result.

Thresholds, weights and required points are applied here only, so re-thresholding a whole
labeled set (``rubric eval --sweep``) re-runs this function, never Kiwi.
"""

from __future__ import annotations

from dataclasses import dataclass

from .match import MatchSettings, QuestionMatch, Span


@dataclass(frozen=True)
class Evidence:
    """The exact answer substring that earned (or contradicted) a key point."""

    text: str
    start: int
    end: int

    def to_json(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class KeyPointResult:
    id: str
    label: str
    covered: bool
    contradicted: bool
    similarity: float  # best window score of any phrase (supporting, or contradicting if higher)
    evidence: Evidence | None
    phrase: str | None  # the rubric phrase behind the evidence
    weight: float
    required: bool

    def __post_init__(self):
        if self.covered and self.contradicted:
            raise ValueError(f"key point {self.id!r} cannot be both covered and contradicted")

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "label": self.label,
            "covered": self.covered,
            "contradicted": self.contradicted,
            "similarity": round(self.similarity, 4),
            "evidence": self.evidence.to_json() if self.evidence else None,
            "phrase": self.phrase,
            "weight": self.weight,
            "required": self.required,
        }


@dataclass(frozen=True)
class MisconceptionHit:
    id: str
    correction: str
    contradicts: str | None
    similarity: float
    evidence: Evidence
    phrase: str

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "correction": self.correction,
            "contradicts": self.contradicts,
            "similarity": round(self.similarity, 4),
            "evidence": self.evidence.to_json(),
            "phrase": self.phrase,
        }


@dataclass(frozen=True)
class ScoreResult:
    question: str
    score: float  # weighted share of covered key points, in [0, 1]
    passed: bool  # every required point covered and score >= 0.5
    key_points: tuple[KeyPointResult, ...]
    misconceptions: tuple[MisconceptionHit, ...]
    signature: str

    def __post_init__(self):
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} outside [0, 1]")

    @property
    def covered(self) -> tuple[KeyPointResult, ...]:
        return tuple(k for k in self.key_points if k.covered)

    @property
    def missed(self) -> tuple[KeyPointResult, ...]:
        return tuple(k for k in self.key_points if not k.covered and not k.contradicted)

    @property
    def contradicted(self) -> tuple[KeyPointResult, ...]:
        return tuple(k for k in self.key_points if k.contradicted)

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "score": round(self.score, 4),
            "passed": self.passed,
            "key_points": [k.to_json() for k in self.key_points],
            "misconceptions": [m.to_json() for m in self.misconceptions],
            "signature": self.signature,
        }


def _best(spans) -> Span | None:
    spans = [s for s in spans if s is not None]
    return max(spans, key=lambda s: s.score) if spans else None


def aggregate(match: QuestionMatch, settings: MatchSettings, signature: str) -> ScoreResult:
    q = match.question
    t = settings.threshold
    text = match.text

    def evidence(span: Span | None) -> Evidence | None:
        return Evidence(text[span.start:span.end], span.start, span.end) if span else None

    support = {i: [] for i in range(len(q.key_points))}
    conflict = {i: [] for i in range(len(q.key_points))}
    mis_support = {i: [] for i in range(len(q.misconceptions))}
    for target, st in zip(match.targets, match.stats):
        if st.support is None and st.conflict is None:
            continue  # most phrases: nothing in this answer
        if target.owner == "kp":
            support[target.index].append(st.support)
            conflict[target.index].append(st.conflict)
        else:
            mis_support[target.index].append(st.support)

    hits = []
    contradicted_by_misconception = set()
    for i, m in enumerate(q.misconceptions):
        best = _best(mis_support[i])
        if best is not None and best.score >= t:
            hits.append(MisconceptionHit(m.id, m.correction, m.contradicts, best.score, evidence(best),
                                         match.targets[best.target].text))
            if m.contradicts:
                contradicted_by_misconception.add(m.contradicts)

    results = []
    for i, kp in enumerate(q.key_points):
        sup, con = _best(support[i]), _best(conflict[i])
        # A window that says more of a phrase with the opposite polarity outweighs a weaker
        # supporting one: '신뢰수준을 올리면 구간 폭' (3 of 4 words) is only part of '…폭이 좁아져요'.
        covered = sup is not None and sup.score >= t and not (con is not None and con.score > sup.score)
        contradicted = not covered and (
            (con is not None and con.score >= t) or kp.id in contradicted_by_misconception
        )
        shown = sup if covered else (con if contradicted and con is not None and con.score >= t else None)
        if shown is None and contradicted:
            hit = next(h for h in hits if h.contradicts == kp.id)
            ev, phrase, sim = hit.evidence, hit.phrase, hit.similarity
        else:
            ev, phrase = evidence(shown), (match.targets[shown.target].text if shown else None)
            sim = max((s.score for s in (sup, con) if s is not None), default=0.0)
            if not covered and not contradicted:
                near = _best([sup, con])
                phrase = match.targets[near.target].text if near else None
        results.append(KeyPointResult(kp.id, kp.label, covered, contradicted, sim, ev, phrase, kp.weight, kp.required))

    total = sum(k.weight for k in results)
    score = sum(k.weight for k in results if k.covered) / total if total else 0.0
    score = min(1.0, max(0.0, score))
    passed = score >= 0.5 and all(k.covered for k in results if k.required)
    return ScoreResult(q.id, score, passed, tuple(results), tuple(hits), signature)
