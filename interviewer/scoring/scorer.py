"""The scorer: which key points of a question an answer covers, with evidence.

``Scorer(rubric, analyzer)`` compiles the glossary once and each question on first use. Scoring
is deterministic: the same signature and the same answer give the same result.
"""

from __future__ import annotations

from collections import deque
from typing import Iterable, Iterator

from .. import __version__
from ..rubric import Question, Rubric
from .aggregate import ScoreResult, aggregate
from .analysis import Analyzer, AnswerAnalysis, normalize
from .match import (
    CompiledGlossary,
    CompiledQuestion,
    MatchSettings,
    QuestionMatch,
    Target,
    compile_phrase,
    content_signature,
    match_question,
)

def glossary_nouns(glossary) -> list[str]:
    """Glossary terms that are one Hangul noun of 2+ syllables (no space, not a -다 verb)."""
    out = []
    for g in glossary.synonyms:
        for t in g.terms:
            if len(t) >= 2 and not t.endswith("다") and all("가" <= ch <= "힣" for ch in t):
                out.append(t)
    return sorted(set(out))




class Scorer:
    def __init__(self, rubric: Rubric, analyzer: Analyzer, settings: MatchSettings | None = None):
        import rapidfuzz

        self.rubric = rubric
        self.analyzer = analyzer
        self.settings = settings or MatchSettings()
        if hasattr(analyzer, "add_words"):
            analyzer.add_words(glossary_nouns(rubric.glossary))
        self.glossary = CompiledGlossary(rubric.glossary, analyzer)
        self._compiled: dict[str, CompiledQuestion] = {}
        self._concepts = self._compile_concepts()
        self.signature = "|".join(
            (
                f"interviewer-{__version__}",
                f"rubric-{rubric.digest}",
                analyzer.name,
                f"rapidfuzz-{rapidfuzz.__version__}",
                self.settings.describe(),
            )
        )

    # -- analysis --------------------------------------------------------------------------

    def analyze(self, text: str) -> AnswerAnalysis:
        return next(self.analyze_many([text]))

    def analyze_many(self, texts: Iterable[str]) -> Iterator[AnswerAnalysis]:
        """Analyses in order, streamed: Kiwi tokenizes ahead on its threads while we normalise."""
        pending: deque[str] = deque()

        def feed():
            for text in texts:
                pending.append(text)
                yield text

        for morphs in self.analyzer.morphemes(feed()):
            yield normalize(pending.popleft(), morphs)

    # -- compilation -----------------------------------------------------------------------

    def _compile_concepts(self) -> dict[tuple[str, ...], tuple[str, list[str]]]:
        concepts = self.rubric.glossary.concepts
        phrases = [(c, p) for c in concepts for p in c.phrases]
        index: dict[tuple[str, ...], tuple[str, list[str]]] = {}
        for (c, p), a in zip(phrases, self.analyze_many(p for _, p in phrases)):
            t = compile_phrase(p, a, self.glossary, "kp", 0)
            if t is not None:
                index.setdefault((content_signature(t), t.negative), (c.id, list(c.phrases)))
        return index

    def compiled(self, question: Question) -> CompiledQuestion:
        cq = self._compiled.get(question.id)
        if cq is None:
            cq = self._compiled[question.id] = CompiledQuestion(
                question, self._targets(question), self.glossary, self.settings
            )
        return cq

    def _targets(self, question: Question) -> list[Target]:
        items = [("kp", i, p, None) for i, kp in enumerate(question.key_points) for p in kp.phrases]
        items += [("mis", i, p, None) for i, m in enumerate(question.misconceptions) for p in m.phrases]
        targets: list[Target] = []
        seen: set[tuple] = set()
        queue = list(items)
        analyses = dict(zip([p for _, _, p, _ in queue], self.analyze_many(p for _, _, p, _ in queue)))
        expansions = []
        for owner, idx, text, origin in queue:
            t = compile_phrase(text, analyses[text], self.glossary, owner, idx, origin)
            if t is None:
                continue
            ident = (owner, idx, t.keys, t.negative)
            if ident in seen:
                continue
            seen.add(ident)
            targets.append(t)
            concept = self._concepts.get((content_signature(t), t.negative)) if owner == "kp" else None
            if concept:
                cid, phrases = concept
                expansions += [(owner, idx, p, cid, len(t.keys)) for p in phrases if p != text]
        if expansions:
            new = [p for _, _, p, _, _ in expansions if p not in analyses]
            analyses.update(zip(new, self.analyze_many(new)))
            for owner, idx, text, cid, origin_len in expansions:
                t = compile_phrase(text, analyses[text], self.glossary, owner, idx, cid)
                if t is None or len(t.keys) < min(2, origin_len):
                    continue  # a paraphrase that shrinks to one word is broader than the phrase it came from
                ident = (owner, idx, t.keys, t.negative)
                if ident not in seen:
                    seen.add(ident)
                    targets.append(t)
        return targets

    # -- scoring ---------------------------------------------------------------------------

    def question(self, question: Question | str) -> Question:
        return question if isinstance(question, Question) else self.rubric.question(question)

    def match(self, question: Question | str, analysis: AnswerAnalysis, prune: bool = True) -> QuestionMatch:
        """Step one: statistics (no threshold applied). ``prune=False`` fills in every phrase's
        own statistics (``--explain`` lists them); the verdicts are the same either way."""
        q = self.question(question)
        return match_question(self.compiled(q), analysis, self.glossary, prune)

    def aggregate(self, match: QuestionMatch, settings: MatchSettings | None = None) -> ScoreResult:
        """Step two: a pure function of the statistics (re-threshold without Kiwi)."""
        settings = settings or self.settings
        signature = self.signature if settings == self.settings else self.signature.rsplit("|", 1)[0] + "|" + settings.describe()
        return aggregate(match, settings, signature)

    def score_analysis(self, question: Question | str, analysis: AnswerAnalysis) -> ScoreResult:
        return self.aggregate(self.match(question, analysis))

    def score(self, question: Question | str, answer: str) -> ScoreResult:
        return self.score_analysis(question, self.analyze(answer))

    def score_many(self, items: Iterable[tuple[Question | str, str]]) -> Iterator[ScoreResult]:
        """Score (question, answer) pairs in order, Kiwi streaming ahead of the matcher."""
        questions: deque = deque()

        def answers():
            for q, answer in items:
                questions.append(q)
                yield answer

        for analysis in self.analyze_many(answers()):
            yield self.score_analysis(questions.popleft(), analysis)
