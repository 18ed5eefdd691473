"""The scorer: which key points of a question an answer covers, with evidence.

``Scorer(rubric, analyzer)`` compiles the glossary once and each question on first use. Scoring
is deterministic: the same signature and the same answer give the same result.
"""

from __future__ import annotations

from collections import Counter, deque
from pathlib import Path
from typing import Iterable, Iterator

from .. import __version__
from ..rubric import Question, Rubric, bank_dir, load_rubric
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
        # A rubric outside the bundled bank borrows the bank's phrases (see _bank_phrases).
        bank = bank_dir().resolve()
        outside = any(bank not in Path(f).resolve().parents for f in rubric.files)
        self._bank = load_rubric() if outside else None
        self._bank_index: tuple[dict, dict] | None = None  # see _bank_phrases
        self.signature = "|".join(
            (
                f"interviewer-{__version__}",
                f"rubric-{rubric.digest}",
                *([f"bank-{self._bank.digest}"] if self._bank else []),
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

    def _bank_phrases(self) -> tuple[dict[tuple, tuple[str, str, list[str]]], dict[tuple, set[str]]]:
        """({(phrase words, polarity): (bank question, key point, its phrases)}, {(phrase words,
        polarity): bank questions saying it}): what a rubric outside the bank borrows. When one of its phrases says exactly what a phrase of the bank says (the
        same content words and polarity, two words or more) and only one bank key point says it,
        that key point's other phrases are tried too: the bank knows how answers put it. Built
        on first use; empty for the bank itself, whose phrases would only find themselves."""
        if self._bank_index is None:
            owners: dict[tuple, dict[tuple[str, str], list[str]]] = {}
            if self._bank is not None:
                items = [((q.id, kp.id), kp, p) for q in self._bank.questions for kp in q.key_points
                         for p in kp.phrases]
                for (name, kp, p), a in zip(items, self.analyze_many(p for _, _, p in items)):
                    t = compile_phrase(p, a, self.glossary, "kp", 0)
                    if t is not None and len(t.keys) >= 2:
                        owners.setdefault((content_signature(t), t.negative), {})[name] = list(kp.phrases)
            self._bank_index = ({sig: (*name, phrases) for sig, kps in owners.items() if len(kps) == 1
                                 for name, phrases in kps.items()},
                                {sig: {qid for qid, _ in kps} for sig, kps in owners.items()})
        return self._bank_index

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
        borrowable = []  # (kp index, its phrase's word count, bank question, key point, phrases)
        votes: Counter[str] = Counter()  # bank questions that say this question's phrases
        for owner, idx, text, origin in queue:
            t = compile_phrase(text, analyses[text], self.glossary, owner, idx, origin)
            if t is None:
                continue
            ident = (owner, idx, t.keys, t.negative)
            if ident in seen:
                continue
            seen.add(ident)
            targets.append(t)
            concept = None
            if owner == "kp":
                signature = (content_signature(t), t.negative)
                concept = self._concepts.get(signature)
                if self._bank is not None:
                    bank, bank_questions = self._bank_phrases()
                    votes.update(bank_questions.get(signature, ()))
                    if concept is None and signature in bank:
                        borrowable.append((idx, len(t.keys), *bank[signature]))
            if concept:
                cid, phrases = concept
                expansions += [(owner, idx, p, cid, len(t.keys)) for p in phrases if p != text]
        # Borrow only from the bank question(s) sharing the most phrases with this question: one
        # phrase shared with a question on another subject ('빠른 수렴' of Newton's method, in a
        # question on sigmoid) does not bring that subject's phrases along.
        most = max(votes.values(), default=0)
        expansions += [("kp", idx, p, f"bank {qid}/{kpid}", n) for idx, n, qid, kpid, phrases in borrowable
                       if votes[qid] == most for p in phrases]
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
        if borrowable:
            # A borrowed phrase that another key point (or misconception) of this question also
            # says would blur the two: it is dropped.
            says: dict[tuple, set[tuple[str, int]]] = {}
            for t in targets:
                says.setdefault((t.keys, t.negative), set()).add((t.owner, t.index))
            targets = [t for t in targets if not (t.expanded_from or "").startswith("bank ")
                       or len(says[(t.keys, t.negative)]) == 1]
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
