"""The scorer: which key points of a question an answer covers, with evidence.

``Scorer(rubric, analyzer)`` compiles the glossary once and each question on first use. Scoring
is deterministic: the same signature and the same answer give the same result.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from pathlib import Path
from typing import Iterable, Iterator

from .. import __version__
from ..rubric import Question, Rubric, bank_dir, load_rubric
from .aggregate import ScoreResult, aggregate
from .analysis import Analyzer, AnswerAnalysis, normalize, valid_text
from .match import (
    CompiledGlossary,
    LIGHT_KEYS,
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




HANGUL_WORD = re.compile("[가-힣]{2,}")


def phrase_words(rubric) -> set[str]:
    """The written Hangul words (2+ letters) of the rubric's phrases and glossary concepts:
    CompiledGlossary finds those Kiwi reads as one noun whole, however it splits them."""
    texts = [p for c in rubric.glossary.concepts for p in c.phrases]
    for q in rubric.questions:
        points = [*q.key_points, *(kp for f in q.follow_ups for kp in f.key_points)]
        texts += [p for kp in points for p in kp.phrases]
        texts += [p for m in q.misconceptions for p in m.phrases]
    return {w for t in texts for w in HANGUL_WORD.findall(t)}


class Scorer:
    def __init__(self, rubric: Rubric, analyzer: Analyzer, settings: MatchSettings | None = None,
                 glossary: CompiledGlossary | None = None):
        """``glossary``: an already compiled glossary to use instead of the rubric's (the bank's
        scorer inside an outside rubric's shares that rubric's, which holds the bank's)."""
        import rapidfuzz

        self.rubric = rubric
        self.analyzer = analyzer
        self.settings = settings or MatchSettings()
        if glossary is None:
            if hasattr(analyzer, "add_words"):
                analyzer.add_words(glossary_nouns(rubric.glossary))
            glossary = CompiledGlossary(rubric.glossary, analyzer, phrase_words(rubric))
        self.glossary = glossary
        self._compiled: dict[str, CompiledQuestion] = {}
        self._concepts = self._compile_concepts()
        # A rubric outside the bundled bank borrows the bank's phrases (see _borrowed).
        bank = bank_dir().resolve()
        outside = any(bank not in Path(f).resolve().parents for f in rubric.files)
        self._bank = load_rubric() if outside else None
        self._bank_scorer: Scorer | None = None  # see _borrowed
        self._bank_prompts: dict[str, set[str]] = {}  # bank question -> its prompt's rare words
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
                text = valid_text(text)
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

    def _borrowed(self, own: CompiledQuestion, analyses: dict[str, AnswerAnalysis]) -> list[tuple[int, str, str]]:
        """Phrases a question outside the bank borrows from it: [(key point index, phrase, "bank
        q/kp")]. ``own`` is the question compiled from its own phrases; ``analyses`` holds their
        analyses (and gets the bank phrases'). The bank knows how answers put a point, so:

        1. The candidates are the bank questions whose prompt shares a rare word with ours (one
           that at most 1 in 20 bank prompts use: 'ReLU', not '설명', '차이', '손실').
        2. Each of our phrases is scored as an answer to a candidate. A phrase that covers exactly
           one bank key point votes for its own key point there (one that covers two says nothing
           of which is which); the key point of ours with more than half of a bank point's
           votes pairs with it...
        3. ...if, both ways, the bank point's label or one of its phrases, scored as an answer to
           our question, says at least half of one of our point's phrases (the statistics'
           floor) without contradicting it. A bank question on a neighbouring subject, whose
           points our phrases happen to cover, mostly fails this.
        4. The candidate pairing the most of our key points (then the most pairs) is the
           counterpart: each of its bank points lends our paired point all its phrases."""
        if self._bank_scorer is None:
            self._bank_scorer = Scorer(self._bank, self.analyzer, self.settings, self.glossary)
            bank_words = {b.id: self._prompt_words(b.prompt) for b in self._bank.questions}
            used = Counter(w for words in bank_words.values() for w in words)
            self._bank_prompts = {qid: {w for w in words if used[w] * 20 <= len(bank_words)}
                                  for qid, words in bank_words.items()}
        bank = self._bank_scorer
        question = own.question
        ours = self._prompt_words(question.prompt)
        phrases = [(i, p) for i, kp in enumerate(question.key_points) for p in kp.phrases]

        def says_back(kp, i: int) -> bool:
            texts = [kp.label, *kp.phrases]
            new = [t for t in texts if t not in analyses]
            analyses.update(zip(new, self.analyze_many(new)))
            back = (self.aggregate(match_question(own, analyses[t], self.glossary)).key_points[i] for t in texts)
            return any(k.similarity >= self.settings.floor and not k.contradicted for k in back)

        best, best_rank = [], (0, 0)
        for b in self._bank.questions:
            if not self._bank_prompts[b.id] & ours:
                continue
            covers: dict[str, Counter] = {}  # bank key point -> {our key point: phrases covering it}
            for i, p in phrases:
                hit = [k.id for k in bank.score_analysis(b, analyses[p]).key_points if k.covered]
                if len(hit) == 1:
                    covers.setdefault(hit[0], Counter())[i] += 1
            pairs = []
            for kp in b.key_points:
                votes = covers.get(kp.id)
                if votes:
                    (i, n), = votes.most_common(1)
                    if 2 * n > sum(votes.values()) and says_back(kp, i):
                        pairs.append((b, kp, i))
            rank = (len({i for _, _, i in pairs}), len(pairs))
            if rank > best_rank:
                best, best_rank = pairs, rank
        return [(i, p, f"bank {b.id}/{kp.id}") for b, kp, i in best for p in kp.phrases]

    def _prompt_words(self, prompt: str) -> set[str]:
        units = self.glossary.canonical(self.analyze(prompt))
        return {u.key for u in units} - LIGHT_KEYS

    def compiled(self, question: Question) -> CompiledQuestion:
        cq = self._compiled.get(question.id)
        if cq is None:
            cq = self._compiled[question.id] = CompiledQuestion(
                question, self._targets(question), self.glossary, self.settings
            )
            cq.topics = self._topics(question)
        return cq

    def _topics(self, question: Question) -> dict[int, tuple[frozenset[str], frozenset[str]]]:
        """For each key point whose label names something the prompt names (its anchors: '에폭'
        in '에폭: 전체 학습 데이터를 한 번 순회' for '에폭, 배치, 이터레이션은 각각 무엇이고…'), the
        things the other points' labels name instead (its rivals: 배치, 이터레이션). A window
        in a clause whose topic is a rival says nothing of this point (match._rival_topic)."""
        prompt = self._prompt_words(question.prompt)
        labels = [kp.label for kp in question.key_points]
        named = [frozenset(u.key for u in self.glossary.canonical(a)) & prompt for a in self.analyze_many(labels)]
        out = {}
        for i, anchors in enumerate(named):
            rivals = frozenset().union(*(n for j, n in enumerate(named) if j != i)) - anchors
            if anchors and rivals:
                out[i] = (anchors, rivals)
        return out

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
        borrowed = []
        if self._bank is not None:
            own = CompiledQuestion(question, list(targets), self.glossary, self.settings)
            borrowed = self._borrowed(own, analyses)
            expansions += [("kp", idx, p, origin, 1) for idx, p, origin in borrowed]
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
        if borrowed:
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
